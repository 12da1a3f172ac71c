-- The second review (复核): a checker's verdict on an item's first verdict (初审), which stays
-- as it was in reviews. One row an item: the latest decision, with the first verdict and its
-- reviewer it was given on (so a first verdict changed since is seen), and the reason for a
-- change. Every decision is logged, append-only, with the review log's last event then (so the
-- two logs read in one order).
CREATE TABLE second_reviews (
    county_code    TEXT NOT NULL REFERENCES counties (code),
    indicator_id   TEXT NOT NULL REFERENCES indicators (id),
    verdict        TEXT NOT NULL CHECK (verdict IN ('met', 'partly_met', 'not_met')),
    first_verdict  TEXT NOT NULL CHECK (first_verdict IN ('met', 'partly_met', 'not_met')),
    first_reviewer TEXT NOT NULL,
    first_account  TEXT NOT NULL,
    reason         TEXT NOT NULL,
    checker        TEXT NOT NULL,
    account        TEXT NOT NULL,
    checked_at     TEXT NOT NULL,
    CHECK (verdict = first_verdict OR reason != ''),
    PRIMARY KEY (county_code, indicator_id)
) WITHOUT ROWID;
CREATE TABLE check_log (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT NOT NULL,
    checker        TEXT NOT NULL,
    account        TEXT NOT NULL,
    county_code    TEXT NOT NULL REFERENCES counties (code),
    indicator_id   TEXT NOT NULL REFERENCES indicators (id),
    first_verdict  TEXT NOT NULL CHECK (first_verdict IN ('met', 'partly_met', 'not_met')),
    first_reviewer TEXT NOT NULL,
    from_verdict   TEXT CHECK (from_verdict IN ('met', 'partly_met', 'not_met')),
    to_verdict     TEXT NOT NULL CHECK (to_verdict IN ('met', 'partly_met', 'not_met')),
    reason         TEXT NOT NULL,
    review_seq     INTEGER NOT NULL
);
CREATE INDEX check_log_by_item ON check_log (county_code, indicator_id, seq);
CREATE TRIGGER check_log_no_update BEFORE UPDATE ON check_log
BEGIN SELECT RAISE(ABORT, 'check_log is append-only'); END;
CREATE TRIGGER check_log_no_delete BEFORE DELETE ON check_log
BEGIN SELECT RAISE(ABORT, 'check_log is append-only'); END;
