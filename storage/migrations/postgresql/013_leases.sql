-- The PostgreSQL twin of ../013_leases.sql.

-- Work that one process at a time may do (polling Telegram, polling Zalo, the scheduled jobs):
-- the process holding a role's lease renews it every few seconds; when it dies, the lease
-- lapses at `held_until` and another process takes the role over. `generation` grows at every
-- change of holder, so a holder that stalled past its lease can tell it lost the role.
CREATE TABLE leases (
    role        text    PRIMARY KEY,
    held_by     text    NOT NULL,
    held_since  text    NOT NULL,
    held_until  text    NOT NULL,
    generation  bigint  NOT NULL DEFAULT 1
);

-- The message rate windows of ../../../bot/domain/limits.py when several processes share the
-- database, so a person sending to two processes is held to one rate. UNLOGGED: written at
-- every message, it skips the write-ahead log; a crash of the server empties it, which only
-- gives a flooder a fresh minute. `passed` is the JSON array of the times, in seconds, of the
-- messages let through in the last period; `verdict` is the last message's, read back by the
-- statement that decides it (storage/rate_windows.py).
CREATE UNLOGGED TABLE rate_windows (
    person      bigint            PRIMARY KEY,
    passed      text              NOT NULL,
    warned_at   double precision,
    verdict     text              NOT NULL
);
