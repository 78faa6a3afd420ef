-- Channels whose people are not Telegram accounts (Zalo) reach the handlers as Telegram-shaped
-- chats. Each of their accounts gets a stable local id, from 2^52 + 1 upwards: Telegram's user
-- ids have at most 52 significant bits, so no Telegram account can ever have one of these.
-- Drafts and conversation states are keyed by the local id, so the link must outlive restarts;
-- erasing the person deletes it.
CREATE TABLE chat_links (
    local_id     INTEGER PRIMARY KEY,
    channel      TEXT    NOT NULL,
    external_id  TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    UNIQUE (channel, external_id)
);

-- The numbered choices last shown in such a chat (a channel without buttons), so that a typed
-- "2" still means the second choice after a restart. `kind` says how a pick is handed to the
-- handlers: "inline" as a button press with the option's data, "reply" as the option's text.
CREATE TABLE shown_options (
    local_id     INTEGER PRIMARY KEY REFERENCES chat_links (local_id) ON DELETE CASCADE,
    message_id   INTEGER NOT NULL,
    text         TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('inline', 'reply')),
    options      TEXT    NOT NULL,               -- JSON array of [label, data]
    shown_at     TEXT    NOT NULL
);

-- Updates of a channel that forgets an update once it handed it over (Zalo's getUpdates has no
-- offset to confirm): written before they are handled, so an update cut short by a crash is
-- handled after the restart; `event_key` makes a re-delivered update the same row, and the
-- row id is the update id recorded in processed_updates once it was handled. The payload
-- holds what the person wrote, so it is emptied once handled.
-- AUTOINCREMENT: an id is never reused, even once old rows are gone, so a new update is never
-- taken for an old one still remembered as handled.
CREATE TABLE inbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    channel      TEXT    NOT NULL,
    event_key    TEXT    NOT NULL,
    payload      TEXT,
    received_at  TEXT    NOT NULL,
    UNIQUE (channel, event_key)
);
CREATE INDEX inbox_by_time ON inbox (received_at);
CREATE INDEX inbox_waiting ON inbox (channel, id) WHERE payload IS NOT NULL;
