-- The sync engine's state (SPEC OF-2, OF-3). Portable SQL, as 0001.

-- One row: the global change counter. Every committed change takes the next version while
-- holding this row's lock, so versions are in commit order (a bare PostgreSQL sequence is not).
CREATE TABLE sync_counter (
    id            BIGINT PRIMARY KEY,
    version       BIGINT NOT NULL,
    -- Tombstones up to this version have been purged: older cursors must re-download.
    purged_before BIGINT NOT NULL
);
INSERT INTO sync_counter (id, version, purged_before) VALUES (1, 1, 0);

-- Per record: the version of its last change, per-field versions and clocks, and a tombstone.
ALTER TABLE records ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE records ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';
ALTER TABLE records ADD COLUMN deleted_at BIGINT;
CREATE INDEX records_by_version ON records (version);

-- Each app installation, its user, and the last mutation id applied from it.
CREATE TABLE sync_clients (
    client_id     TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_applied  BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL
);

-- Mutations refused for good (shown to the user on the Pending changes page).
CREATE TABLE sync_rejections (
    client_id    TEXT NOT NULL,
    mutation_id  BIGINT NOT NULL,
    record_id    TEXT NOT NULL,
    reason       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (client_id, mutation_id)
);

-- Every value that lost a concurrent edit, for the record's history.
CREATE TABLE sync_conflicts (
    id           TEXT PRIMARY KEY,
    record_id    TEXT NOT NULL,
    field        TEXT NOT NULL,
    lost_value   TEXT NOT NULL,
    lost_hlc     TEXT NOT NULL,
    kept_value   TEXT NOT NULL,
    kept_hlc     TEXT NOT NULL,
    version      BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX sync_conflicts_by_record ON sync_conflicts (record_id);
