-- People reached through a chat channel: citizens (after consent) and officers.
CREATE TABLE people (
    id              INTEGER PRIMARY KEY,
    channel         TEXT    NOT NULL,            -- 'telegram', later 'zalo'
    external_id     TEXT    NOT NULL,            -- the channel's user id, as text
    display_name    TEXT    NOT NULL DEFAULT '',
    consent_at      TEXT,                        -- ISO 8601 UTC; NULL = no consent given
    consent_notice  TEXT,                        -- version of the privacy notice agreed to
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (channel, external_id)
);

-- Case numbers are sequential per year; one row per year makes the next number atomic.
CREATE TABLE case_sequences (
    year            INTEGER PRIMARY KEY,
    last_number     INTEGER NOT NULL
);

CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE,
    draft_id        TEXT    NOT NULL UNIQUE,     -- makes a re-sent "Gửi" file the case only once
    citizen_id      INTEGER NOT NULL REFERENCES people (id),
    kind            TEXT    NOT NULL,
    category_id     TEXT    NOT NULL,
    department_id   TEXT,
    status          TEXT    NOT NULL,
    content         TEXT    NOT NULL,
    latitude        REAL,
    longitude       REAL,
    place           TEXT,                        -- a place described in words
    contact_name    TEXT,
    contact_phone   TEXT,
    contact_address TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX tickets_by_citizen ON tickets (citizen_id, created_at DESC);

-- The audit trail: every change of a case, by whom, from which status to which.
CREATE TABLE ticket_events (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER NOT NULL REFERENCES tickets (id),
    at              TEXT    NOT NULL,
    actor_id        INTEGER REFERENCES people (id),
    action          TEXT    NOT NULL,
    from_status     TEXT,
    to_status       TEXT,
    note            TEXT
);
CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, id);

CREATE TABLE attachments (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER NOT NULL REFERENCES tickets (id),
    position        INTEGER NOT NULL,
    kind            TEXT    NOT NULL,            -- 'photo'
    file_id         TEXT    NOT NULL,            -- the channel's file reference
    file_unique_id  TEXT    NOT NULL,
    UNIQUE (ticket_id, position)
);

-- Updates already handled, so a re-delivered update is not acted on twice.
CREATE TABLE processed_updates (
    channel         TEXT    NOT NULL,
    update_id       INTEGER NOT NULL,
    processed_at    TEXT    NOT NULL,
    PRIMARY KEY (channel, update_id)
) WITHOUT ROWID;
CREATE INDEX processed_updates_by_time ON processed_updates (processed_at);

-- Conversation state, so a half-written case survives a restart.
CREATE TABLE conversation_states (
    name            TEXT    NOT NULL,
    key             TEXT    NOT NULL,            -- JSON array of the conversation key
    state           TEXT    NOT NULL,            -- JSON value of the state
    PRIMARY KEY (name, key)
) WITHOUT ROWID;

CREATE TABLE conversation_data (
    user_id         INTEGER PRIMARY KEY,
    data            TEXT    NOT NULL             -- JSON object (the draft)
);
