-- Work that one process at a time may do (polling Telegram, polling Zalo, the scheduled jobs):
-- the process holding a role's lease renews it every few seconds; when it dies, the lease
-- lapses at `held_until` and another process takes the role over. `generation` grows at every
-- change of holder, so a holder that stalled past its lease can tell it lost the role.
CREATE TABLE leases (
    role        TEXT    PRIMARY KEY,
    held_by     TEXT    NOT NULL,
    held_since  TEXT    NOT NULL,
    held_until  TEXT    NOT NULL,
    generation  INTEGER NOT NULL DEFAULT 1
);

-- The message rate windows of bot/domain/limits.py when several processes share the database,
-- so a person sending to two processes is held to one rate (one process alone keeps them in
-- memory, and this table stays empty). `passed` is the JSON array of the times, in seconds, of
-- the messages let through in the last period; `verdict` is the last message's, read back by
-- the statement that decides it (storage/rate_windows.py).
CREATE TABLE rate_windows (
    person      INTEGER PRIMARY KEY,
    passed      TEXT    NOT NULL,
    warned_at   REAL,
    verdict     TEXT    NOT NULL
);
