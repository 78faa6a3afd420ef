-- An approved FAQ entry withdrawn by a leader (the law changed, the answer was wrong): citizens
-- are no longer answered from it. The approval stays on record beside who withdrew it and when,
-- as it does in the question's history (ticket_events: faq_withdrawn).
ALTER TABLE faq_entries ADD COLUMN withdrawn_by INTEGER REFERENCES people (id);
ALTER TABLE faq_entries ADD COLUMN withdrawn_at TEXT;
-- What citizens are answered from: the approved entries still in use, oldest first.
DROP INDEX faq_entries_approved;
CREATE INDEX faq_entries_in_use ON faq_entries (id)
    WHERE status = 'approved' AND withdrawn_at IS NULL;
