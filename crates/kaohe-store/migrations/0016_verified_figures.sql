-- The verified figure (核定值): the figure a city reviewer found on checking an item's
-- evidence, where it differs from the county's, with the reason. The county's figure stays in
-- submissions as it was sent. One row an item: the figure as kaohe writes it (the number in
-- the indicator's unit) and the number, the county's figure as it stood then (a corrected
-- sheet imported since is seen), who and when. Every change is logged, append-only, with the
-- review log's last event then (so the logs read in one order); a lock covers it like a review.
CREATE TABLE verified_figures (
    county_code   TEXT NOT NULL REFERENCES counties (code),
    indicator_id  TEXT NOT NULL REFERENCES indicators (id),
    value         TEXT NOT NULL CHECK (value <> ''),
    value_number  REAL NOT NULL,
    reason        TEXT NOT NULL CHECK (reason <> ''),
    county_value  TEXT NOT NULL,
    verifier      TEXT NOT NULL,
    account       TEXT NOT NULL,
    verified_at   TEXT NOT NULL,
    PRIMARY KEY (county_code, indicator_id)
) WITHOUT ROWID;
CREATE TABLE verified_log (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    verifier      TEXT NOT NULL,
    account       TEXT NOT NULL,
    county_code   TEXT NOT NULL REFERENCES counties (code),
    indicator_id  TEXT NOT NULL REFERENCES indicators (id),
    -- NULL: none recorded before (from), or cleared (to).
    from_value    TEXT,
    from_verifier TEXT,
    to_value      TEXT,
    county_value  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    review_seq    INTEGER NOT NULL,
    CHECK (to_value IS NULL OR reason <> '')
);
CREATE INDEX verified_log_by_item ON verified_log (county_code, indicator_id, seq);
CREATE TRIGGER verified_log_no_update BEFORE UPDATE ON verified_log
BEGIN SELECT RAISE(ABORT, 'verified_log is append-only'); END;
CREATE TRIGGER verified_log_no_delete BEFORE DELETE ON verified_log
BEGIN SELECT RAISE(ABORT, 'verified_log is append-only'); END;
CREATE TRIGGER verified_figures_locked_insert BEFORE INSERT ON verified_figures
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = NEW.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER verified_figures_locked_update BEFORE UPDATE ON verified_figures
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = OLD.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER verified_figures_locked_delete BEFORE DELETE ON verified_figures
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = OLD.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
