-- Sign-off (审定): a lead locks the whole assessment (target_id NULL) or one target; while a
-- lock holds, nothing it covers changes. The store refuses such a write with who locked it and
-- when (locks.rs); the triggers below refuse it too, whatever path a write takes. Locking and
-- unlocking (which needs a reason) are logged, append-only.
CREATE TABLE locks (
    target_id  INTEGER REFERENCES targets (id),
    locked_by  TEXT NOT NULL,
    account    TEXT NOT NULL,
    locked_at  TEXT NOT NULL,
    reason     TEXT NOT NULL
);
CREATE UNIQUE INDEX locks_one_a_scope ON locks (COALESCE(target_id, -1));
CREATE TABLE lock_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    by_name    TEXT NOT NULL,
    by_account TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('locked', 'unlocked')),
    target_id  INTEGER REFERENCES targets (id),
    reason     TEXT NOT NULL,
    -- The review log's last event then, so the logs read in one order.
    review_seq INTEGER NOT NULL,
    CHECK (action = 'locked' OR reason != '')
);
CREATE TRIGGER lock_log_no_update BEFORE UPDATE ON lock_log
BEGIN SELECT RAISE(ABORT, 'lock_log is append-only'); END;
CREATE TRIGGER lock_log_no_delete BEFORE DELETE ON lock_log
BEGIN SELECT RAISE(ABORT, 'lock_log is append-only'); END;

CREATE TRIGGER reviews_locked_insert BEFORE INSERT ON reviews
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = NEW.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER reviews_locked_update BEFORE UPDATE ON reviews
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = OLD.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER reviews_locked_delete BEFORE DELETE ON reviews
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = OLD.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER second_reviews_locked_insert BEFORE INSERT ON second_reviews
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = NEW.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER second_reviews_locked_update BEFORE UPDATE ON second_reviews
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = OLD.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER submissions_locked_insert BEFORE INSERT ON submissions
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = NEW.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER submissions_locked_update BEFORE UPDATE ON submissions
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = OLD.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER indicator_points_locked BEFORE UPDATE OF points, partly, veto, deduct ON indicators
WHEN EXISTS (SELECT 1 FROM locks)
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER target_points_locked BEFORE UPDATE OF points ON targets
WHEN EXISTS (SELECT 1 FROM locks)
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER class_weight_locked BEFORE UPDATE OF weight ON target_classes
WHEN EXISTS (SELECT 1 FROM locks)
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER shares_locked BEFORE UPDATE OF share_met, share_partly_met, share_not_met ON assessment
WHEN EXISTS (SELECT 1 FROM locks)
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
