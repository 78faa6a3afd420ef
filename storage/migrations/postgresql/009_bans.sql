-- The PostgreSQL twin of ../009_bans.sql.

-- People an admin stopped hearing from, by chat account: a ban holds before and without
-- consent, and survives restarts. Lifting a ban deletes the row; both are in admin_events.
CREATE TABLE bans (
    channel      text    NOT NULL,
    external_id  text    NOT NULL,
    reason       text    NOT NULL,
    banned_by    bigint  NOT NULL REFERENCES people (id),
    banned_at    text    NOT NULL,
    notified_at  text,                         -- told once; ignored from then on
    PRIMARY KEY (channel, external_id)
);
