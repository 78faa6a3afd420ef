-- The PostgreSQL twin of ../012_turns.sql.

-- Several processes on one database (a province on PostgreSQL): whose updates a process is
-- handling. One person's updates are handled one at a time whichever process received them, so
-- a conversation's steps never race; a process takes the person's turn before handling, checks
-- the update is not handled yet, and gives the turn back in the transaction that marks it
-- handled. A turn whose process died lapses at `held_until`, so another takes it over.
CREATE TABLE turns (
    person      bigint  PRIMARY KEY,          -- the local id updates are ordered by
    held_by     text    NOT NULL,             -- the instance handling the person's update
    held_until  text    NOT NULL
);
