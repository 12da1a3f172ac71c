
CREATE TABLE positions (
    account      TEXT NOT NULL,
    reviewer     TEXT NOT NULL,
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    county_code  TEXT NOT NULL REFERENCES counties (code),
    flow         TEXT NOT NULL CHECK (flow IN ('indicator', 'county')),
    saved_at     TEXT NOT NULL,
    PRIMARY KEY (account, reviewer)
) WITHOUT ROWID;
CREATE TABLE drafts (
    account      TEXT NOT NULL,
    reviewer     TEXT NOT NULL,
    county_code  TEXT NOT NULL REFERENCES counties (code),
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    text         TEXT NOT NULL,
    saved_at     TEXT NOT NULL,
    PRIMARY KEY (account, reviewer, county_code, indicator_id)
) WITHOUT ROWID;
