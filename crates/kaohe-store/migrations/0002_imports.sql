
CREATE TABLE imports (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    account  TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    file     TEXT NOT NULL,
    rows     INTEGER NOT NULL
);
ALTER TABLE submissions ADD COLUMN import_id INTEGER REFERENCES imports (id);
