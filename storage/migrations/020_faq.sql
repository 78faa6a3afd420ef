-- Hỏi đáp: an answered question (a ticket of kind 'question') proposed by its officer as an entry
-- of the commune's FAQ, as asked and answered with personal data masked; a leader approves or
-- rejects it. One proposal per question; who proposed and who decided, and when, are kept here
-- and in the question's history (ticket_events: faq_proposed, faq_approved, faq_rejected).
CREATE TABLE faq_entries (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL UNIQUE REFERENCES tickets (id),
    question     TEXT    NOT NULL,
    answer       TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'proposed'
                 CHECK (status IN ('proposed', 'approved', 'rejected')),
    proposed_by  INTEGER NOT NULL REFERENCES people (id),
    proposed_at  TEXT    NOT NULL,
    decided_by   INTEGER REFERENCES people (id),
    decided_at   TEXT
);
-- What citizens are answered from: the approved entries, oldest first.
CREATE INDEX faq_entries_approved ON faq_entries (id) WHERE status = 'approved';
