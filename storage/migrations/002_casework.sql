-- Officers: written from config at start-up, or added by an admin by chat.
CREATE TABLE officers (
    person_id         INTEGER PRIMARY KEY REFERENCES people (id),
    name              TEXT    NOT NULL,
    title             TEXT    NOT NULL DEFAULT '',
    department_id     TEXT,
    roles             TEXT    NOT NULL,          -- comma-separated role names
    source            TEXT    NOT NULL,          -- 'config' or 'chat'
    active            INTEGER NOT NULL DEFAULT 1,
    last_assigned_at  TEXT,
    updated_at        TEXT    NOT NULL
);

-- Who handles a case, how it ended, what the citizen thought of it.
ALTER TABLE tickets ADD COLUMN assignee_id INTEGER REFERENCES people (id);
ALTER TABLE tickets ADD COLUMN subject_id INTEGER REFERENCES people (id);  -- officer whose conduct it is about
ALTER TABLE tickets ADD COLUMN accepted_at TEXT;
ALTER TABLE tickets ADD COLUMN closed_at TEXT;
ALTER TABLE tickets ADD COLUMN result TEXT;           -- the resolution, or the reason for refusing
ALTER TABLE tickets ADD COLUMN rating TEXT;           -- 'satisfied' or 'unsatisfied'
ALTER TABLE tickets ADD COLUMN rating_comment TEXT;
ALTER TABLE tickets ADD COLUMN due_on TEXT;           -- local date by which the commune answers
CREATE INDEX tickets_by_assignee ON tickets (assignee_id, status);
CREATE INDEX tickets_by_status ON tickets (status);

-- Every message to a person is written here in the transaction that causes it, then delivered.
CREATE TABLE outbox (
    id                INTEGER PRIMARY KEY,
    dedupe_key        TEXT    NOT NULL UNIQUE,
    channel           TEXT    NOT NULL,
    recipient         TEXT    NOT NULL,          -- the channel's chat id
    payload           TEXT    NOT NULL,          -- JSON of the notice
    created_at        TEXT    NOT NULL,
    not_before        TEXT    NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    sent_at           TEXT,
    failed_at         TEXT,
    last_error        TEXT
);
CREATE INDEX outbox_pending ON outbox (not_before, id) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Changes that concern no single case (officers added or removed by an admin).
CREATE TABLE admin_events (
    id                INTEGER PRIMARY KEY,
    at                TEXT    NOT NULL,
    actor_id          INTEGER REFERENCES people (id),
    action            TEXT    NOT NULL,
    note              TEXT
);
