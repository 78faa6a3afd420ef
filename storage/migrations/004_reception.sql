-- Citizens who asked to be reminded of reception days (/dangky).
CREATE TABLE reception_subscribers (
    person_id         INTEGER PRIMARY KEY REFERENCES people (id),
    since             TEXT    NOT NULL
);

-- A citizen booking a reception session with a short topic; one booking per person and session.
CREATE TABLE reception_bookings (
    id                INTEGER PRIMARY KEY,
    session_key       TEXT    NOT NULL,
    person_id         INTEGER NOT NULL REFERENCES people (id),
    topic             TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    cancelled_at      TEXT,
    UNIQUE (session_key, person_id)
);

-- Sessions added or cancelled by chat (/lichtiep), on top of the schedule in config.
CREATE TABLE reception_changes (
    id                INTEGER PRIMARY KEY,
    session_key       TEXT    NOT NULL UNIQUE,
    change            TEXT    NOT NULL,          -- 'added' or 'cancelled'
    title             TEXT,
    place             TEXT,
    day               TEXT,                      -- local date of an added session
    start_time        TEXT,
    end_time          TEXT,
    host              INTEGER,                   -- telegram id of the host, if any
    reason            TEXT,
    actor_id          INTEGER REFERENCES people (id),
    at                TEXT    NOT NULL
);
