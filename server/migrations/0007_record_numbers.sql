-- Record numbers (L10001, O20001, …): the last one given per kind. The server numbers a new
-- lead or opportunity when its creation arrives, under the sync counter's lock like versions,
-- so two devices (or two server instances) never give one number twice.
CREATE TABLE record_numbers (
    kind  TEXT PRIMARY KEY,
    last  BIGINT NOT NULL
);
