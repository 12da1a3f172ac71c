//! The schema, as numbered migrations. `PRAGMA user_version` holds how many have been applied.
//! Never edit a migration that has shipped: add the next one.

pub const MIGRATIONS: &[&str] = &[
    // 1: the assessment, its targets and indicators, the counties, submissions, reviews and the log.
    r#"
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
"#,
    // 2: where each submission came from — one row per import, for the audit trail.
    r#"
CREATE TABLE imports (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    account  TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    file     TEXT NOT NULL,
    rows     INTEGER NOT NULL
);
ALTER TABLE submissions ADD COLUMN import_id INTEGER REFERENCES imports (id);
"#,
    // 3: the workspace: where each reviewer left off, and notes being typed (drafts), kept
    // while they are typed so that a dropped connection loses nothing. A reviewer is the OS
    // account with the name given (several may share one login, each with --reviewer).
    r#"
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
"#,
    // 4: who is in a workspace right now, and where: one row per open workspace, refreshed
    // while it runs and removed when it ends (a row not seen for a minute is stale).
    r#"
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    reviewer     TEXT NOT NULL,
    account      TEXT NOT NULL,
    indicator_id TEXT,
    county_code  TEXT,
    editing      INTEGER NOT NULL DEFAULT 0,
    seen_at      INTEGER NOT NULL
) WITHOUT ROWID;
"#,
    // 5: scores and "changed since reviewed". Points are data (the notice gives none): each
    // class a weight, each target points, each indicator its share (a database made before
    // this gets the defaults: 10 per target, shared equally), a 基本完成 band, 一票否决 and a
    // deduction. A submission's revision counts changes of its figure; a review records the
    // revision it was given on, so a figure changed since is seen.
    r#"
ALTER TABLE assessment ADD COLUMN share_met REAL NOT NULL DEFAULT 1;
ALTER TABLE assessment ADD COLUMN share_partly_met REAL NOT NULL DEFAULT 0.5;
ALTER TABLE assessment ADD COLUMN share_not_met REAL NOT NULL DEFAULT 0;
ALTER TABLE target_classes ADD COLUMN weight REAL NOT NULL DEFAULT 1;
ALTER TABLE targets ADD COLUMN points REAL NOT NULL DEFAULT 10;
ALTER TABLE indicators ADD COLUMN points REAL;
ALTER TABLE indicators ADD COLUMN partly REAL;
ALTER TABLE indicators ADD COLUMN veto INTEGER NOT NULL DEFAULT 0;
ALTER TABLE indicators ADD COLUMN deduct REAL NOT NULL DEFAULT 0;
UPDATE indicators SET points = 10.0 / (SELECT COUNT(*) FROM indicators j WHERE j.target_id = indicators.target_id);
ALTER TABLE submissions ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE reviews ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
"#,
    // 6: a verdict can only be behind a figure changed since its import (revision > 1) or
    // given before there was a figure (revision 0): two small indexes find them without joining
    // every review to its submission (60 ms at national scale, at every start). And a bare
    // number ≤ 1 from a workbook's number cell for a percentage (maybe 75% kept as 0.75) is
    // remembered with its submission.
    r#"
CREATE INDEX IF NOT EXISTS submissions_revised ON submissions (county_code, indicator_id) WHERE revision > 1;
CREATE INDEX IF NOT EXISTS reviews_before_a_figure ON reviews (county_code, indicator_id) WHERE revision = 0;
ALTER TABLE submissions ADD COLUMN bare_fraction INTEGER NOT NULL DEFAULT 0;
"#,
];

/// The schema version this build writes.
pub fn latest() -> u32 {
    MIGRATIONS.len() as u32
}
