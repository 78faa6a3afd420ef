-- A citizen's request to erase their personal data (/xoadulieu), and when the Office did it.
CREATE TABLE erasure_requests (
    id                INTEGER PRIMARY KEY,
    person_id         INTEGER NOT NULL REFERENCES people (id),
    requested_at      TEXT    NOT NULL,
    due_at            TEXT    NOT NULL,          -- the end of the legal window (UTC instant)
    completed_at      TEXT,
    completed_by      INTEGER REFERENCES people (id)
);
-- One open request per person: asking twice is the same request.
CREATE UNIQUE INDEX erasure_requests_open ON erasure_requests (person_id)
    WHERE completed_at IS NULL;

-- When a case's personal data was erased (on request or after the retention period).
ALTER TABLE tickets ADD COLUMN erased_at TEXT;
CREATE INDEX tickets_for_retention ON tickets (closed_at) WHERE erased_at IS NULL;
