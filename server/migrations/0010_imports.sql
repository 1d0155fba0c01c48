-- CSV imports (issue 14): the file as read, the dry run's plan, and how far the run got. The
-- run advances `done_rows` in the same transaction as the batch it applied, so a restart
-- resumes exactly after the last batch that committed.
CREATE TABLE imports (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    state        TEXT NOT NULL,
    -- JSON: encoding, separator, headers, sample rows, row count.
    info         TEXT NOT NULL,
    -- JSON: the data rows and their lines.
    sheet        TEXT NOT NULL,
    -- JSON: the mapping and keys planned with, the plan, its counts and report.
    mapping      TEXT,
    plan         TEXT,
    planned      TEXT,
    report       TEXT,
    done_rows    BIGINT NOT NULL,
    -- JSON: the run's counts, and rows it found refused after all.
    result       TEXT NOT NULL,
    run_report   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX imports_by_state ON imports (state);
