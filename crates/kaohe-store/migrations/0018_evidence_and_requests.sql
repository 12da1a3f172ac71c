-- The evidence (佐证材料) counties send beside their sheets, and the requests for more (退回补充).
-- A file's content is kept once, outside the database, under its SHA-256 (`<db>.evidence/ab/…`);
-- these tables say what came, from whom, under which name, and which item cites it.
CREATE TABLE evidence_blobs (
    sha256       TEXT PRIMARY KEY
                 CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    size         INTEGER NOT NULL CHECK (size >= 0),
    kind         TEXT NOT NULL,
    pages        INTEGER,
    first_import INTEGER NOT NULL REFERENCES imports (id)
) WITHOUT ROWID;
-- Each county's folder as each import brought it: every file under its path there ('/' between
-- folders). A later import's file of the same path stands in for the earlier one.
CREATE TABLE evidence_received (
    import_id   INTEGER NOT NULL REFERENCES imports (id),
    county_code TEXT NOT NULL REFERENCES counties (code),
    path        TEXT NOT NULL CHECK (path <> ''),
    sha256      TEXT NOT NULL REFERENCES evidence_blobs (sha256),
    PRIMARY KEY (county_code, path, import_id)
);
-- Which imports brought a county's evidence, from which folder or zip.
CREATE TABLE evidence_imports (
    import_id   INTEGER NOT NULL REFERENCES imports (id),
    county_code TEXT NOT NULL REFERENCES counties (code),
    source      TEXT NOT NULL,
    files       INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    PRIMARY KEY (county_code, import_id)
);
-- What each item's evidence column cites, in its order, as the last import of the item found
-- it: a file tied to the item, missing, or matching several files (their paths, one a line).
CREATE TABLE evidence_citations (
    county_code  TEXT NOT NULL REFERENCES counties (code),
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    position     INTEGER NOT NULL,
    cited        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('tied', 'missing', 'ambiguous')),
    path         TEXT,
    sha256       TEXT REFERENCES evidence_blobs (sha256),
    candidates   TEXT,
    import_id    INTEGER NOT NULL REFERENCES imports (id),
    PRIMARY KEY (county_code, indicator_id, position),
    CHECK ((state = 'tied') = (sha256 IS NOT NULL AND path IS NOT NULL)),
    CHECK ((state = 'ambiguous') = (candidates IS NOT NULL))
);
CREATE INDEX evidence_citations_by_blob ON evidence_citations (sha256) WHERE sha256 IS NOT NULL;
-- 退回补充: a reviewer asks a county for more on one item, with a reason. Kept for good: a
-- request is only ever closed, once, by the import whose new evidence answered it.
CREATE TABLE requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    county_code  TEXT NOT NULL REFERENCES counties (code),
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    reason       TEXT NOT NULL CHECK (reason <> ''),
    asked_by     TEXT NOT NULL,
    account      TEXT NOT NULL,
    asked_at     TEXT NOT NULL,
    closed_at    TEXT,
    closed_by    INTEGER REFERENCES imports (id),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL))
);
CREATE INDEX requests_open ON requests (county_code, indicator_id) WHERE closed_at IS NULL;
CREATE TRIGGER requests_only_closed BEFORE UPDATE ON requests
WHEN OLD.closed_at IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.county_code IS NOT OLD.county_code
    OR NEW.indicator_id IS NOT OLD.indicator_id OR NEW.reason IS NOT OLD.reason
    OR NEW.asked_by IS NOT OLD.asked_by OR NEW.account IS NOT OLD.account
    OR NEW.asked_at IS NOT OLD.asked_at
BEGIN SELECT RAISE(ABORT, 'a request is only ever closed, once'); END;
CREATE TRIGGER requests_no_delete BEFORE DELETE ON requests
BEGIN SELECT RAISE(ABORT, 'requests are kept'); END;
CREATE TRIGGER requests_locked_insert BEFORE INSERT ON requests
WHEN EXISTS (SELECT 1 FROM locks WHERE target_id IS NULL OR target_id =
    (SELECT target_id FROM indicators WHERE id = NEW.indicator_id))
BEGIN SELECT RAISE(ABORT, '已审定：锁定期间不能改动（须由组长 kaohe unlock）'); END;
