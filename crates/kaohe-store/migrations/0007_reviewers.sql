
CREATE TABLE reviewers (
    uid         INTEGER PRIMARY KEY,
    account     TEXT NOT NULL,
    name        TEXT NOT NULL,
    division    TEXT,
    role        TEXT NOT NULL CHECK (role IN ('reviewer', 'checker', 'lead')),
    active      INTEGER NOT NULL CHECK (active IN (0, 1)),
    changed_at  TEXT NOT NULL,
    changed_by_account TEXT NOT NULL,
    changed_by_name    TEXT NOT NULL
);
CREATE UNIQUE INDEX reviewers_active_name ON reviewers (name) WHERE active = 1;
CREATE TABLE reviewer_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    by_account   TEXT NOT NULL,
    by_name      TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('added', 'changed', 'restored', 'removed')),
    uid          INTEGER NOT NULL,
    account      TEXT NOT NULL,
    name         TEXT NOT NULL,
    division     TEXT,
    role         TEXT NOT NULL CHECK (role IN ('reviewer', 'checker', 'lead')),
    was_name     TEXT,
    was_division TEXT,
    was_role     TEXT CHECK (was_role IN ('reviewer', 'checker', 'lead'))
);
CREATE TRIGGER reviewer_log_no_update BEFORE UPDATE ON reviewer_log
BEGIN SELECT RAISE(ABORT, 'reviewer_log is append-only'); END;
CREATE TRIGGER reviewer_log_no_delete BEFORE DELETE ON reviewer_log
BEGIN SELECT RAISE(ABORT, 'reviewer_log is append-only'); END;
CREATE TRIGGER reviewers_no_delete BEFORE DELETE ON reviewers
BEGIN SELECT RAISE(ABORT, 'a reviewer is removed by marking it inactive, never deleted'); END;
