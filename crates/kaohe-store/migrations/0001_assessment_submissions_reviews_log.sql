
CREATE TABLE assessment (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    year          INTEGER NOT NULL,
    title         TEXT NOT NULL,
    issuer        TEXT NOT NULL,
    number        TEXT NOT NULL,
    issued_on     TEXT NOT NULL,
    notice        TEXT NOT NULL,
    addressees    TEXT NOT NULL,
    preamble      TEXT NOT NULL,
    method_title  TEXT NOT NULL,
    method_number TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE TABLE target_classes (
    class INTEGER PRIMARY KEY,
    name  TEXT NOT NULL
);
CREATE TABLE targets (
    id       INTEGER PRIMARY KEY,
    class    INTEGER NOT NULL REFERENCES target_classes (class),
    position INTEGER NOT NULL,
    title    TEXT NOT NULL,
    text     TEXT NOT NULL
);
CREATE TABLE indicators (
    id         TEXT PRIMARY KEY,
    target_id  INTEGER NOT NULL REFERENCES targets (id),
    position   INTEGER NOT NULL,
    short      TEXT NOT NULL,
    text       TEXT NOT NULL,
    source     TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('numeric', 'yes_no', 'qualitative')),
    comparator TEXT CHECK (comparator IN ('>=', '<=')),
    threshold  REAL,
    unit       TEXT,
    CHECK ((kind = 'numeric') = (comparator IS NOT NULL AND threshold IS NOT NULL AND unit IS NOT NULL))
);
CREATE TABLE counties (
    code     TEXT PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL
);
CREATE TABLE submissions (
    county_code  TEXT NOT NULL REFERENCES counties (code),
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    value        TEXT NOT NULL,
    value_number REAL,
    numerator    REAL,
    denominator  REAL,
    evidence     TEXT NOT NULL,
    remark       TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    PRIMARY KEY (county_code, indicator_id)
) WITHOUT ROWID;
CREATE TABLE reviews (
    county_code  TEXT NOT NULL REFERENCES counties (code),
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    verdict      TEXT CHECK (verdict IN ('met', 'partly_met', 'not_met')),
    note         TEXT NOT NULL,
    reviewer     TEXT NOT NULL,
    account      TEXT NOT NULL,
    reviewed_at  TEXT NOT NULL,
    PRIMARY KEY (county_code, indicator_id)
) WITHOUT ROWID;
CREATE TABLE review_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    reviewer     TEXT NOT NULL,
    account      TEXT NOT NULL,
    county_code  TEXT NOT NULL REFERENCES counties (code),
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    from_verdict TEXT,
    to_verdict   TEXT,
    from_note    TEXT NOT NULL,
    note         TEXT NOT NULL
);
CREATE INDEX review_log_by_item ON review_log (county_code, indicator_id, seq);
CREATE TRIGGER review_log_no_update BEFORE UPDATE ON review_log
BEGIN SELECT RAISE(ABORT, 'review_log is append-only'); END;
CREATE TRIGGER review_log_no_delete BEFORE DELETE ON review_log
BEGIN SELECT RAISE(ABORT, 'review_log is append-only'); END;
