-- The PostgreSQL twin of ../008_sealed_identities.sql.

-- A denunciation is filed under a pseudonymous person of channel 'sealed', never under the
-- citizen's own row: who they are (account, name, phone, address) is in `sealed`, encrypted with
-- a key kept outside the database, and `sealed_tag` (a keyed hash of the citizen's person id)
-- lets the citizen find their own cases. Erasing an identity sets both to NULL.
ALTER TABLE people ADD COLUMN sealed text;
ALTER TABLE people ADD COLUMN sealed_tag text;
CREATE INDEX people_by_sealed_tag ON people (sealed_tag) WHERE sealed_tag IS NOT NULL;
ALTER TABLE tickets ADD COLUMN sealed boolean NOT NULL DEFAULT false;
