-- Updates a channel sent that the bot cannot read (python-telegram-bot fails on them, or a Zalo
-- event names no sender or no message): set aside with the error instead of holding up every
-- update behind them, and confirmed to the platform like handled ones. `update_id` is NULL
-- when the update carries none; a second delivery of the same id is the same row. `raw` holds
-- what a person wrote, so the retention job deletes rows after privacy.erasure_days.
CREATE TABLE quarantined_updates (
    id           INTEGER PRIMARY KEY,
    channel      TEXT    NOT NULL,
    update_id    INTEGER,
    raw          TEXT    NOT NULL,
    error        TEXT    NOT NULL,
    received_at  TEXT    NOT NULL,
    UNIQUE (channel, update_id)
);
CREATE INDEX quarantined_updates_by_time ON quarantined_updates (received_at);
