-- Rule shapes and grades as data (issue 17), and the reviewer's findings they read.
-- An indicator's rule (kaohe-core's Rule as JSON; NULL: by verdict, as before); the most all
-- bonus items add together; the grades (JSON; NULL: none).
ALTER TABLE indicators ADD COLUMN rule TEXT;
ALTER TABLE assessment ADD COLUMN bonus_cap REAL;
ALTER TABLE assessment ADD COLUMN grades TEXT;

-- A reviewer's findings on an item: the cases counted (a deduction or a bonus per case), and
-- a void (不计分, e.g. 弄虚作假) with its reason. A row holds at least one of them.
CREATE TABLE findings (
    county_code  TEXT NOT NULL REFERENCES counties (code),
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    cases        INTEGER CHECK (cases IS NULL OR cases >= 0),
    void_reason  TEXT CHECK (void_reason IS NULL OR void_reason != ''),
    by_name      TEXT NOT NULL,
    account      TEXT NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (county_code, indicator_id),
    CHECK (cases IS NOT NULL OR void_reason IS NOT NULL)
) WITHOUT ROWID;
CREATE TABLE finding_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    by_name      TEXT NOT NULL,
    account      TEXT NOT NULL,
    county_code  TEXT NOT NULL,
    indicator_id TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('cases', 'void', 'unvoid')),
    from_cases   INTEGER,
    to_cases     INTEGER,
    reason       TEXT NOT NULL,
    -- The review log's last event then, so the logs read in one order.
    review_seq   INTEGER NOT NULL
);
CREATE INDEX finding_log_by_item ON finding_log (county_code, indicator_id, seq);
CREATE TRIGGER finding_log_no_update BEFORE UPDATE ON finding_log
BEGIN SELECT RAISE(ABORT, 'finding_log is append-only'); END;
CREATE TRIGGER finding_log_no_delete BEFORE DELETE ON finding_log
BEGIN SELECT RAISE(ABORT, 'finding_log is append-only'); END;

-- Each scoring applied (`kaohe points FILE`): who, when, from which file. Open workspaces
-- see a new row and score again.
CREATE TABLE scoring_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    by_name    TEXT NOT NULL,
    account    TEXT NOT NULL,
    file       TEXT NOT NULL,
    review_seq INTEGER NOT NULL
);
CREATE TRIGGER scoring_log_no_update BEFORE UPDATE ON scoring_log
BEGIN SELECT RAISE(ABORT, 'scoring_log is append-only'); END;
CREATE TRIGGER scoring_log_no_delete BEFORE DELETE ON scoring_log
BEGIN SELECT RAISE(ABORT, 'scoring_log is append-only'); END;

-- Sign-off (审定) covers findings and the new scoring as it covers verdicts and points.
CREATE TRIGGER findings_locked_insert BEFORE INSERT ON findings
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = NEW.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER findings_locked_update BEFORE UPDATE ON findings
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = OLD.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER findings_locked_delete BEFORE DELETE ON findings
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = OLD.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER indicator_rule_locked BEFORE UPDATE OF rule ON indicators
WHEN EXISTS (SELECT 1 FROM locks)
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER grades_locked BEFORE UPDATE OF bonus_cap, grades ON assessment
WHEN EXISTS (SELECT 1 FROM locks)
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
