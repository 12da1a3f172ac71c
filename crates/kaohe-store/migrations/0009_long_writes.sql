-- Long writes under way (an import): who runs one, from which host and process, since when.
-- A row is written in a short transaction of its own just before the long write takes the
-- write lock, and removed by the long write as it commits (or after it fails), so that a
-- workspace kept waiting for the lock can say whom it is waiting for. A row whose process has
-- ended (killed mid-import) is passed over, and cleared by the next long write.
CREATE TABLE long_writes (
    id         INTEGER PRIMARY KEY,
    what       TEXT NOT NULL,
    reviewer   TEXT NOT NULL,
    account    TEXT NOT NULL,
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    started_at INTEGER NOT NULL
);
