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
