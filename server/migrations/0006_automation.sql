-- Automation (SPEC TR-1, TR-2). Portable SQL, as 0001. Rules and processes themselves are
-- configuration records (kinds `rule` and `process`); these tables are the server's own.

-- A time-based rule fires once per record and period: the period is the record's version
-- when it fired (a later change of the record starts a new one).
CREATE TABLE rule_runs (
    rule_code  TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    period     BIGINT NOT NULL,
    fired_at   BIGINT NOT NULL,
    PRIMARY KEY (rule_code, record_id, period)
);

-- Every run of a scheduled process, on schedule or on demand, and what it changed.
CREATE TABLE process_runs (
    id            TEXT PRIMARY KEY,
    process_code  TEXT NOT NULL,
    trigger       TEXT NOT NULL,
    started_at    BIGINT NOT NULL,
    changed       BIGINT NOT NULL,
    report        TEXT NOT NULL
);
CREATE INDEX process_runs_by_process ON process_runs (process_code, started_at);
