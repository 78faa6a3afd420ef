-- Reminders are rows, not in-memory jobs: a restart finds what is due and catches up once.
CREATE TABLE reminders (
    id                INTEGER PRIMARY KEY,
    key               TEXT    NOT NULL UNIQUE,   -- what it is about, so planning twice is one row
    kind              TEXT    NOT NULL,          -- 'due_soon', 'overdue', 'digest', ...
    ticket_id         INTEGER REFERENCES tickets (id),
    fire_at           TEXT    NOT NULL,          -- UTC instant
    fired_at          TEXT,
    dropped_at        TEXT
);
CREATE INDEX reminders_due ON reminders (fire_at) WHERE fired_at IS NULL AND dropped_at IS NULL;
CREATE INDEX reminders_by_ticket ON reminders (ticket_id) WHERE fired_at IS NULL;

-- A complaint may be declared complex (longer period); a denunciation extended (at most twice).
ALTER TABLE tickets ADD COLUMN complex INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN extensions INTEGER NOT NULL DEFAULT 0;

-- Officers who agreed to receive reminders during quiet hours.
ALTER TABLE officers ADD COLUMN night_ok INTEGER NOT NULL DEFAULT 0;
