-- The PostgreSQL twin of ../016_attachment_details.sql.

-- Voice notes and documents join photos as a case's attachments (kind 'photo', 'voice',
-- 'document'). What the read-back, the card and /hoso say of each comes from the channel when
-- it arrives, before any download: a voice note's length, a document's name, size and type.
-- Photos and attachments filed before this leave them empty.
ALTER TABLE attachments ADD COLUMN duration bigint;       -- seconds, a voice note
ALTER TABLE attachments ADD COLUMN size bigint;           -- bytes, as the channel told
ALTER TABLE attachments ADD COLUMN media_type text;       -- as the channel told
ALTER TABLE attachments ADD COLUMN file_name text;        -- a document's own name
