-- The files of attachment records (SPEC DM-8). Portable SQL, as 0001: BYTEA is PostgreSQL's
-- binary type, and SQLite stores the bytes as given (any declared type holds a BLOB).
-- The attachment record (name, type, size, link) syncs like any record; its bytes live here,
-- uploaded once the record exists, and go with the record when it is deleted.
CREATE TABLE attachment_files (
    attachment_id  TEXT PRIMARY KEY,
    content        BYTEA NOT NULL,
    size           BIGINT NOT NULL,
    content_type   TEXT NOT NULL,
    uploaded_by    TEXT NOT NULL,
    uploaded_at    BIGINT NOT NULL
);
