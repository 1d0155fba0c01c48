-- Portable SQL: this one file runs on SQLite and on PostgreSQL (through sqlx's Any driver).
-- Ids are UUID text, timestamps are Unix milliseconds, flags are nullable timestamps.

CREATE TABLE offices (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE roles (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    -- domain::Permissions as JSON: the one permission model client and server share.
    permissions TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    -- Normalised (trimmed, lower-case) by domain::Email before it gets here.
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    language      TEXT NOT NULL,
    office_id     TEXT NOT NULL REFERENCES offices (id),
    role_id       TEXT NOT NULL REFERENCES roles (id),
    -- argon2id, PHC string format.
    password_hash TEXT NOT NULL,
    disabled_at   BIGINT,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token: a database leak yields no usable session.
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Business records of every kind (companies, contacts, leads, opportunities, ...), one generic
-- table: the sync engine treats all kinds alike. `data` is a JSON object of field values.
CREATE TABLE records (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    owner_id    TEXT NOT NULL REFERENCES users (id),
    office_id   TEXT NOT NULL REFERENCES offices (id),
    data        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX records_by_kind_office ON records (kind, office_id);
CREATE INDEX records_by_kind_owner ON records (kind, owner_id);
