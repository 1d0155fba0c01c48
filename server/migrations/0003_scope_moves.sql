-- Records handed to another owner or office (SPEC OF-4): a pull sends a removal to users who saw
-- the record only through its old owner or office. Portable SQL, as 0001.
CREATE TABLE record_moves (
    record_id   TEXT NOT NULL,
    -- The version of the change that moved it.
    version     BIGINT NOT NULL,
    old_owner   TEXT NOT NULL,
    old_office  TEXT NOT NULL,
    PRIMARY KEY (record_id, version)
);
CREATE INDEX record_moves_by_version ON record_moves (version);

-- Refusals are looked up by client and id range (pull) and for repeated deliveries (push).
CREATE INDEX sync_rejections_by_client ON sync_rejections (client_id, mutation_id);

-- Who made each side of a conflict (the app installations; their users give the names).
ALTER TABLE sync_conflicts ADD COLUMN lost_client TEXT;
ALTER TABLE sync_conflicts ADD COLUMN kept_client TEXT;
CREATE INDEX sync_conflicts_by_lost_client ON sync_conflicts (lost_client);
