-- The workspace reads the counties of one indicator a screenful at a time, in list order: by
-- position, through this index, rather than every county scanned and sorted (issue 19).
CREATE INDEX counties_by_position ON counties (position);
