-- The PostgreSQL twin of ../014_outbox_claims.sql.

-- Several processes deliver from one outbox: a process claims the rows it is about to send
-- (until `claimed_until`, when a dead process's claims lapse), so each message goes once.
ALTER TABLE outbox ADD COLUMN claimed_by text;
ALTER TABLE outbox ADD COLUMN claimed_until text;
-- A claim holds a chat for its process: the claiming query looks up the live claims on a chat.
-- Only rows a shared database's processes claim are in it (none on SQLite).
CREATE INDEX outbox_claims ON outbox (channel, recipient, claimed_until)
    WHERE claimed_until IS NOT NULL;

-- The platform's limits shared by every process: when the next message may go on a channel
-- (all chats), in seconds since the epoch, so N processes send 30 a second in all, not 30 each.
CREATE TABLE send_budget (
    channel     text    PRIMARY KEY,
    next_at     double precision NOT NULL
);
