
CREATE INDEX IF NOT EXISTS submissions_revised ON submissions (county_code, indicator_id) WHERE revision > 1;
CREATE INDEX IF NOT EXISTS reviews_before_a_figure ON reviews (county_code, indicator_id) WHERE revision = 0;
ALTER TABLE submissions ADD COLUMN bare_fraction INTEGER NOT NULL DEFAULT 0;
