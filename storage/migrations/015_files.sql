-- Files Nghe Dân keeps itself: the channel's reference to a photo (a Telegram file_id works for
-- one bot token only, a Zalo image URL expires) is no evidence the commune can keep. A file is
-- named by the SHA-256 of its content (hex) and kept once however many cases carry it.
CREATE TABLE files (
    sha256      TEXT    PRIMARY KEY,
    size        INTEGER NOT NULL,                -- bytes
    media_type  TEXT    NOT NULL,
    stored_at   TEXT    NOT NULL
);

-- Each attachment's way into the store: 'pending' until downloaded ('kept', with its hash) or
-- given up ('failed': the channel no longer has it). `next_try_at` spaces the retries; a process
-- claims the rows it downloads (until `claimed_until`, when a dead process's claims lapse), as
-- the outbox does, so no row is downloaded by two processes at once.
CREATE TABLE attachment_files (
    attachment_id   INTEGER PRIMARY KEY REFERENCES attachments (id),
    status          TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'kept', 'failed')),
    sha256          TEXT    REFERENCES files (sha256),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_try_at     TEXT    NOT NULL,
    last_error      TEXT,
    claimed_by      TEXT,
    claimed_until   TEXT
);
CREATE INDEX attachment_files_due ON attachment_files (next_try_at) WHERE status = 'pending';

-- The cases filed before the store existed get their files too, while the channel still has them.
INSERT INTO attachment_files (attachment_id, next_try_at) SELECT id, '' FROM attachments;
