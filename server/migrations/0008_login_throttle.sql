-- Login throttling in the database, so that several server instances share it (issue 12).
-- One row per key — an account on one address, an account, an address, a known device —:
-- failures in the current window, the earliest time the next attempt may run (a back-off, or
-- a short hold while the attempt that reached the limit is checked), the last attempt.
CREATE TABLE login_throttle (
    key       TEXT PRIMARY KEY,
    failures  BIGINT NOT NULL,
    next_at   BIGINT NOT NULL,
    last_at   BIGINT NOT NULL
);

-- Devices a user logged in from before (a random token in a long-lived HttpOnly cookie, stored
-- hashed): others' failures do not lock them out.
CREATE TABLE known_devices (
    token_hash    TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT NOT NULL
);
CREATE INDEX known_devices_by_user ON known_devices (user_id);
