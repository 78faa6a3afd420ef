-- Công khai: a phản ánh or kiến nghị its filer consented to publish, from when (NULL: not
-- published, never consented or withdrawn). Withdrawals are in ticket_events.
ALTER TABLE tickets ADD COLUMN public_since TEXT;
-- The public page and the Open311 API list published cases newest first.
CREATE INDEX tickets_public ON tickets (created_at DESC, id DESC) WHERE public_since IS NOT NULL;
