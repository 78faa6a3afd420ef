-- The PostgreSQL twin of ../015_files.sql.

-- Files Nghe Dân keeps itself: the channel's reference to a photo (a Telegram file_id works for
-- one bot token only, a Zalo image URL expires) is no evidence the commune can keep. A file is
-- named by the SHA-256 of its content (hex) and kept once however many cases carry it.
CREATE TABLE files (
    sha256      text    PRIMARY KEY,
    size        bigint  NOT NULL,                -- bytes
    media_type  text    NOT NULL,
    stored_at   text    NOT NULL
);

-- Each attachment's way into the store: 'pending' until downloaded ('kept', with its hash) or
-- given up ('failed': the channel no longer has it). `next_try_at` spaces the retries; a process
-- claims the rows it downloads (until `claimed_until`, when a dead process's claims lapse), as
-- the outbox does, so no row is downloaded by two processes at once.
CREATE TABLE attachment_files (
    attachment_id   bigint  PRIMARY KEY REFERENCES attachments (id),
    status          text    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'kept', 'failed')),
    sha256          text    REFERENCES files (sha256),
    attempts        bigint  NOT NULL DEFAULT 0,
    next_try_at     text    NOT NULL,
    last_error      text,
    claimed_by      text,
    claimed_until   text
);
CREATE INDEX attachment_files_due ON attachment_files (next_try_at) WHERE status = 'pending';

-- The cases filed before the store existed get their files too, while the channel still has them.
INSERT INTO attachment_files (attachment_id, next_try_at) SELECT id, '' FROM attachments;
