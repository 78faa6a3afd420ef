-- The PostgreSQL twin of ../022_public_photos.sql.

-- A published case's photos on the public page and in Open311's media_url (issue #21): only
-- once an officer of the case has looked at them and let them out, since a photo can show a
-- face or a house number that masking text cannot hide. NULL: the photos stay inside the
-- commune. They leave with the case: withdrawing the publication or erasing hides them too.
ALTER TABLE tickets ADD COLUMN photos_public_since text;
