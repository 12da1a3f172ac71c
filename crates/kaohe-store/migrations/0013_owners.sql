-- Who owns what: a target, an indicator (over its target) or a county belongs to a division
-- (处室) or to one reviewer of the registry (by uid). A targets file's divisions are written
-- here when the database is made; `kaohe assign` changes them. Every change is logged,
-- append-only, with who made it.
CREATE TABLE owners (
    scope      TEXT NOT NULL CHECK (scope IN ('target', 'indicator', 'county')),
    key        TEXT NOT NULL,
    division   TEXT,
    uid        INTEGER,
    changed_at TEXT NOT NULL,
    changed_by_account TEXT NOT NULL,
    changed_by_name    TEXT NOT NULL,
    PRIMARY KEY (scope, key),
    CHECK ((division IS NULL) <> (uid IS NULL))
) WITHOUT ROWID;
CREATE TABLE owner_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    by_account   TEXT NOT NULL,
    by_name      TEXT NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('target', 'indicator', 'county')),
    key          TEXT NOT NULL,
    division     TEXT,
    uid          INTEGER,
    was_division TEXT,
    was_uid      INTEGER
);
CREATE TRIGGER owner_log_no_update BEFORE UPDATE ON owner_log
BEGIN SELECT RAISE(ABORT, 'owner_log is append-only'); END;
CREATE TRIGGER owner_log_no_delete BEFORE DELETE ON owner_log
BEGIN SELECT RAISE(ABORT, 'owner_log is append-only'); END;
