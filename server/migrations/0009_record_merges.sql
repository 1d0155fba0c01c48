-- Merged duplicates (issue 14): where each merged record went. A later edit of the merged
-- record, or a later link to it (from a device that was offline during the merge), lands on
-- the survivor; kept after the merged record's tombstone is purged.
CREATE TABLE record_merges (
    merged_id    TEXT PRIMARY KEY,
    survivor_id  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    version      BIGINT NOT NULL,
    user_id      TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
