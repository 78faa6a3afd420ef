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
