-- Voice notes and documents join photos as a case's attachments (kind 'photo', 'voice',
-- 'document'). What the read-back, the card and /hoso say of each comes from the channel when
-- it arrives, before any download: a voice note's length, a document's name, size and type.
-- Photos and attachments filed before this leave them empty.
ALTER TABLE attachments ADD COLUMN duration INTEGER;      -- seconds, a voice note
ALTER TABLE attachments ADD COLUMN size INTEGER;          -- bytes, as the channel told
ALTER TABLE attachments ADD COLUMN media_type TEXT;       -- as the channel told
ALTER TABLE attachments ADD COLUMN file_name TEXT;        -- a document's own name
