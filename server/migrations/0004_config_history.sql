-- Configuration records and record history (SPEC CF-1, CF-2, DM-3). Portable SQL, as 0001.

-- Veld's own identity: the owner of configuration records (stages, table entries), which every
-- user sees whatever their role. It cannot log in (disabled, no password hash) and is left out
-- of user, office and role lists.
INSERT INTO offices (id, name, created_at) VALUES ('00000000-0000-0000-0000-000000000000', '(Veld)', 0);
INSERT INTO roles (id, name, permissions, created_at) VALUES ('00000000-0000-0000-0000-000000000000', '(Veld)', '{}', 0);
INSERT INTO users (id, email, name, language, office_id, role_id, password_hash, disabled_at, created_at)
VALUES ('00000000-0000-0000-0000-000000000000', 'system@veld.invalid', 'Veld', 'en',
        '00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000', '!', 0, 0);

-- Every applied change of a record: who, when, and each field's old and new value; `rule`
-- names the automation rule when a trigger made it.
CREATE TABLE record_history (
    id          TEXT PRIMARY KEY,
    record_id   TEXT NOT NULL,
    version     BIGINT NOT NULL,
    user_id     TEXT,
    op          TEXT NOT NULL,
    changes     TEXT NOT NULL,
    rule        TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX record_history_by_record ON record_history (record_id, version);
