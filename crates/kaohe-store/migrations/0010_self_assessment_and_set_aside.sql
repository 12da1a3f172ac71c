-- A county's own assessment, imported with its figures: its verdict (自评结果) and the score it
-- gave itself (自评分). Changing either is no change of the figure: the revision, and so
-- "changed since reviewed", stays as it was.
ALTER TABLE submissions ADD COLUMN self_verdict TEXT
    CHECK (self_verdict IN ('met', 'partly_met', 'not_met'));
ALTER TABLE submissions ADD COLUMN self_score REAL;
-- The workspace reads only the items with a 自评 at start: none, at once, where no county gave one.
CREATE INDEX submissions_with_self_verdict ON submissions (county_code, indicator_id)
    WHERE self_verdict IS NOT NULL;
-- Items a reviewer has put aside for later (the workspace's x): their own, like drafts, by OS
-- account and name; not the team's record, so not logged.
CREATE TABLE set_aside (
    account      TEXT NOT NULL,
    reviewer     TEXT NOT NULL,
    county_code  TEXT NOT NULL REFERENCES counties (code),
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    at           TEXT NOT NULL,
    PRIMARY KEY (account, reviewer, county_code, indicator_id)
) WITHOUT ROWID;
