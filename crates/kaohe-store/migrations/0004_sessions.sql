
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    reviewer     TEXT NOT NULL,
    account      TEXT NOT NULL,
    indicator_id TEXT,
    county_code  TEXT,
    editing      INTEGER NOT NULL DEFAULT 0,
    seen_at      INTEGER NOT NULL
) WITHOUT ROWID;
