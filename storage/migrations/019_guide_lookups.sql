-- What citizens searched for in the guide (the procedure catalog, later the FAQ) and what it
-- found: statistics for the leaders' report, never who asked. `query` is the normalised text
-- (no diacritics, no filler), cut to the note length limit; `entry_id` is NULL when nothing
-- was found, so the commune sees what its catalog lacks.
CREATE TABLE guide_lookups (
    id          INTEGER PRIMARY KEY,
    looked_at   TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    query       TEXT    NOT NULL,
    entry_kind  TEXT,
    entry_id    TEXT
);
CREATE INDEX guide_lookups_by_time ON guide_lookups (looked_at);
