-- People an admin stopped hearing from, by chat account: a ban holds before and without
-- consent, and survives restarts. Lifting a ban deletes the row; both are in admin_events.
CREATE TABLE bans (
    channel      TEXT    NOT NULL,
    external_id  TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    banned_by    INTEGER NOT NULL REFERENCES people (id),
    banned_at    TEXT    NOT NULL,
    notified_at  TEXT,                         -- told once; ignored from then on
    PRIMARY KEY (channel, external_id)
) WITHOUT ROWID;
