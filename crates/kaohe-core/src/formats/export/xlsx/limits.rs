//! Excel's limits on a sheet, and the export's tables laid out within them, before anything is
//! read: a table longer than a sheet continues on further sheets ("评审结果 (2)", …), each with
//! the heading row; a table wider than a sheet is refused with what to do instead.

use super::{CHECKS_SHEET, HEAT_MAP_SHEET, RANKING_SHEET, RESULTS_SHEET, TARGETS_SHEET};
use crate::formats::columns;
use crate::formats::export::Results;
use anyhow::{Result, bail};

/// What a sheet holds at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetLimits {
    /// Rows, the heading row among them.
    pub rows: u32,
    /// Columns.
    pub columns: usize,
    /// Rows of 评审结果 made tall enough for their wrapped text, at most. rust_xlsxwriter keeps
    /// every row given a height in memory for the whole sheet (about 500 bytes each), even in
    /// constant-memory mode: past this many, a row keeps Excel's own height, and the export
    /// says how many did, so that memory stays bounded at any size.
    pub tall_rows: usize,
}

impl SheetLimits {
    /// Excel's (and LibreOffice's): 1,048,576 rows and 16,384 columns (XFD) a sheet.
    pub const EXCEL: SheetLimits = SheetLimits {
        rows: 1_048_576,
        columns: 16_384,
        tall_rows: 50_000,
    };

    /// Where each table goes; refused if a table is wider than a sheet, or a table that
    /// does not continue on further sheets is longer than one.
    pub(super) fn plan(self, results: &Results<'_>, ranking_columns: usize) -> Result<Plan> {
        let targets = results.status.targets.len();
        for (sheet, wanted) in [
            (RESULTS_SHEET, columns::in_workbook().count()),
            (RANKING_SHEET, ranking_columns),
            (HEAT_MAP_SHEET, 2 + targets),
        ] {
            if wanted > self.columns {
                bail!(
                    "the workbook's sheet {sheet} would need {} columns, and a sheet holds {}: export --format csv instead",
                    grouped(wanted),
                    grouped(self.columns)
                );
            }
        }
        // The targets (with the whole assessment's row) and the reviewers are a few.
        for (sheet, wanted) in [
            (TARGETS_SHEET, targets + 2),
            (CHECKS_SHEET, results.people.reviewers.len() + 1),
        ] {
            if wanted > self.rows as usize {
                bail!(
                    "the workbook's sheet {sheet} would need {} rows, and a sheet holds {}: export --format csv instead",
                    grouped(wanted),
                    grouped(self.rows as usize)
                );
            }
        }
        if self.rows < 2 {
            bail!(
                "a sheet of {} rows holds no row under its heading",
                self.rows
            );
        }
        let counties = results.status.counties.len();
        Ok(Plan {
            results: Pages::new(RESULTS_SHEET, results.count(), self),
            ranking: Pages::new(RANKING_SHEET, counties, self),
            heat_map: Pages::new(HEAT_MAP_SHEET, counties, self),
        })
    }
}

/// The sheets of the tables that may be long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Plan {
    pub results: Pages,
    pub ranking: Pages,
    pub heat_map: Pages,
}

/// One table's sheets: the first named as the table, the next "name (2)" and so on, each
/// with the heading row and at most `per_sheet` rows under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pages {
    name: &'static str,
    /// The table's rows, the heading apart.
    pub rows: usize,
    per_sheet: usize,
    /// At least one, even for a table without rows.
    pub sheets: usize,
}

impl Pages {
    fn new(name: &'static str, rows: usize, limits: SheetLimits) -> Pages {
        let per_sheet = (limits.rows as usize).saturating_sub(1).max(1);
        Pages {
            name,
            rows,
            per_sheet,
            sheets: rows.div_ceil(per_sheet).max(1),
        }
    }

    /// The sheet (from 0) and the row on it (1 is the first under the heading) of the
    /// table's row `k` (from 0).
    pub fn at(&self, k: usize) -> (usize, u32) {
        (k / self.per_sheet, (k % self.per_sheet) as u32 + 1)
    }

    /// The name of sheet `sheet` (from 0).
    pub fn name(&self, sheet: usize) -> String {
        match sheet {
            0 => self.name.to_string(),
            _ => format!("{} ({})", self.name, sheet + 1),
        }
    }

    /// The table's rows on sheet `sheet`.
    pub fn rows_on(&self, sheet: usize) -> usize {
        self.rows
            .saturating_sub(sheet * self.per_sheet)
            .min(self.per_sheet)
    }
}

/// What a workbook export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub items: usize,
    /// The sheets 评审结果 took (1 unless it was longer than a sheet).
    pub results_sheets: usize,
    pub limits: SheetLimits,
    /// Rows of 评审结果 whose wrapped text wanted a taller row than they were given (past
    /// [`SheetLimits::tall_rows`]).
    pub short_rows: usize,
}

impl Written {
    /// "评审结果 split over 4 sheets: Excel holds 1,048,576 rows a sheet", where it was.
    pub fn split_words(&self) -> Option<String> {
        (self.results_sheets > 1).then(|| {
            format!(
                "{RESULTS_SHEET} split over {} sheets: Excel holds {} rows a sheet",
                self.results_sheets,
                grouped(self.limits.rows as usize)
            )
        })
    }

    /// "3,412 rows with wrapped text past the first 50,000 made tall keep Excel's own height:
    /// …", where some did.
    pub fn height_words(&self) -> Option<String> {
        (self.short_rows > 0).then(|| {
            format!(
                "{} rows with wrapped text past the first {} made tall keep Excel's own height: select them and use AutoFit Row Height",
                grouped(self.short_rows),
                grouped(self.limits.tall_rows)
            )
        })
    }
}

/// 1048576 as "1,048,576".
fn grouped(n: usize) -> String {
    crate::text::thousands(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_table_continues_on_sheets_named_after_it() {
        let limits = SheetLimits {
            rows: 11,
            columns: 100,
            tall_rows: 10,
        };
        let pages = Pages::new(RESULTS_SHEET, 25, limits);
        assert_eq!(pages.sheets, 3);
        assert_eq!(pages.at(0), (0, 1));
        assert_eq!(pages.at(9), (0, 10));
        assert_eq!(pages.at(10), (1, 1));
        assert_eq!(pages.at(24), (2, 5));
        assert_eq!(
            (0..3).map(|s| pages.name(s)).collect::<Vec<_>>(),
            ["评审结果", "评审结果 (2)", "评审结果 (3)"]
        );
        assert_eq!(
            (0..3).map(|s| pages.rows_on(s)).collect::<Vec<_>>(),
            [10, 10, 5]
        );
        // Exactly full, and empty: one sheet.
        assert_eq!(Pages::new(RESULTS_SHEET, 10, limits).sheets, 1);
        assert_eq!(Pages::new(RESULTS_SHEET, 0, limits).sheets, 1);
        // Excel's own limit: 1,048,575 rows under the heading.
        let excel = Pages::new(RESULTS_SHEET, 3_611_880, SheetLimits::EXCEL);
        assert_eq!(excel.sheets, 4);
        assert_eq!(excel.at(1_048_575), (1, 1));
        let written = Written {
            items: 3_611_880,
            results_sheets: 4,
            limits: SheetLimits::EXCEL,
            short_rows: 0,
        };
        assert_eq!(
            written.split_words().unwrap(),
            "评审结果 split over 4 sheets: Excel holds 1,048,576 rows a sheet"
        );
    }
}
