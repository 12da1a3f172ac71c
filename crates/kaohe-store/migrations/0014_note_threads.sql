-- An item's notes as a thread: each note under its author (name and OS account) and time,
-- oldest first. reviews.note stays, as the latest note's text. An existing note becomes the
-- first of its thread, by whoever last wrote it as the log tells (else the review's reviewer).
-- From now on reviews.reviewer is who gave the verdict, so a note alone no longer puts
-- someone's verdict under another name: a review's verdict is put back under whoever the log
-- says last gave it.
CREATE TABLE notes (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    county_code  TEXT NOT NULL REFERENCES counties (code),
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    author       TEXT NOT NULL,
    account      TEXT NOT NULL,
    at           TEXT NOT NULL,
    text         TEXT NOT NULL CHECK (text <> '')
);
CREATE INDEX notes_by_item ON notes (indicator_id, county_code, seq);
INSERT INTO notes (county_code, indicator_id, author, account, at, text)
SELECT r.county_code, r.indicator_id,
       COALESCE(l.reviewer, r.reviewer), COALESCE(l.account, r.account),
       COALESCE(l.at, r.reviewed_at), r.note
FROM reviews r
LEFT JOIN review_log l ON l.note = r.note AND l.seq = (
    SELECT MAX(x.seq) FROM review_log x
    WHERE x.county_code = r.county_code AND x.indicator_id = r.indicator_id
      AND x.note <> x.from_note)
WHERE r.note <> ''
ORDER BY r.indicator_id, r.county_code;
-- Putting a verdict back under whoever gave it changes no verdict: it is done under a lock too
-- (the trigger of 0012 is set aside for it and made again as it was).
DROP TRIGGER reviews_locked_update;
UPDATE reviews SET (reviewer, account, reviewed_at) = (
    SELECT x.reviewer, x.account, x.at FROM review_log x
    WHERE x.county_code = reviews.county_code AND x.indicator_id = reviews.indicator_id
      AND (x.from_verdict IS NOT x.to_verdict OR x.from_note = x.note)
    ORDER BY x.seq DESC LIMIT 1)
WHERE verdict IS NOT NULL AND verdict IS (
    SELECT x.to_verdict FROM review_log x
    WHERE x.county_code = reviews.county_code AND x.indicator_id = reviews.indicator_id
      AND (x.from_verdict IS NOT x.to_verdict OR x.from_note = x.note)
    ORDER BY x.seq DESC LIMIT 1);
CREATE TRIGGER reviews_locked_update BEFORE UPDATE ON reviews
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = OLD.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
-- A note is a write a lock covers, like the review it is on.
CREATE TRIGGER notes_locked_insert BEFORE INSERT ON notes
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = NEW.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER notes_locked_update BEFORE UPDATE ON notes
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = OLD.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
CREATE TRIGGER notes_locked_delete BEFORE DELETE ON notes
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = OLD.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
