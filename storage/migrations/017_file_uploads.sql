-- A kept file sent to staff is uploaded once per bot: the channel answers with its own id for
-- the file, and every later send of it (another officer, /hoso a day later) names that id
-- instead of uploading the bytes again. `sender` names the bot the id belongs to ('telegram:'
-- and the bot's id): a Telegram file id works for that one bot only. The ids go with the file.
CREATE TABLE file_uploads (
    sha256      TEXT    NOT NULL REFERENCES files (sha256) ON DELETE CASCADE,
    sender      TEXT    NOT NULL,
    file_id     TEXT    NOT NULL,
    PRIMARY KEY (sha256, sender)
);
