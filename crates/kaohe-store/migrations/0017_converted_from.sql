-- The figure exactly as the county wrote it, with its unit, where kaohe converted it to the
-- indicator's unit on import (15‰ kept as value 1.5%); NULL where it was kept as written.
ALTER TABLE submissions ADD COLUMN converted_from TEXT;
