-- Which process holds each open workspace: a session on this host whose process has ended is
-- gone at once, not after a timeout. Rows written before (or by an older build still running)
-- have no host and pid 0: they are judged by the time they were last seen alone.
ALTER TABLE sessions ADD COLUMN host TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN pid INTEGER NOT NULL DEFAULT 0;
