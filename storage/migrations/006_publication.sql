-- Citizens who chose to receive the commune's announcements; nobody is in it until they opt in.
CREATE TABLE announcement_subscribers (
    person_id         INTEGER PRIMARY KEY REFERENCES people (id),
    since             TEXT    NOT NULL
);

-- Every opt-in and opt-out with its time: what each person chose, and when, is kept.
CREATE TABLE announcement_choices (
    id                INTEGER PRIMARY KEY,
    person_id         INTEGER NOT NULL REFERENCES people (id),
    subscribed        INTEGER NOT NULL,          -- 1 opted in, 0 opted out
    at                TEXT    NOT NULL
);
CREATE INDEX announcement_choices_by_person ON announcement_choices (person_id, id);

-- What the commune published (công khai), and where its author watches the delivery.
CREATE TABLE announcements (
    id                INTEGER PRIMARY KEY,
    draft_id          TEXT    NOT NULL UNIQUE,   -- makes a re-sent "Gửi" publish it only once
    author_id         INTEGER NOT NULL REFERENCES people (id),
    text              TEXT    NOT NULL,
    photo             TEXT,                      -- the channel's file id
    document          TEXT,                      -- the channel's file id
    published_at      TEXT    NOT NULL,
    recipients        INTEGER NOT NULL,
    progress_chat     TEXT    NOT NULL,          -- the author's chat holding the progress message
    progress_message  INTEGER NOT NULL,
    progress_text     TEXT    NOT NULL,          -- what that message shows now
    finished_at       TEXT                       -- every message delivered or given up
);
CREATE INDEX announcements_latest ON announcements (published_at DESC, id DESC);
CREATE INDEX announcements_unfinished ON announcements (id) WHERE finished_at IS NULL;

-- Bulk messages (announcements) go after every other due message: a case notice never waits
-- behind thousands of them.
ALTER TABLE outbox ADD COLUMN bulk INTEGER NOT NULL DEFAULT 0;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (bulk, not_before, id)
    WHERE sent_at IS NULL AND failed_at IS NULL;
