//! A sheet of an Excel workbook (.xlsx, read with calamine): its header found below any title
//! rows, its cells read as Excel shows them, merged cells filled down, every row under the
//! header handed to the checker.

use super::Checked;
use super::checker::{Cell, CellKind, Checker, Places};
use crate::error::{FileError, Location};
use crate::formats::columns::{self, Column};
use crate::lookup::Lookup;
use crate::model::format_number;
use std::collections::HashMap;

/// The first line of a library's message: one plain line for the user.
fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or_default().trim()
}

/// Reads a sheet of an .xlsx workbook (the first unless `sheet` names one). The header is the
/// first row naming both the county and the indicator column, so a title row above it (a
/// merged "2014年度考核报送表") is passed over.
pub fn read_xlsx(
    bytes: &[u8],
    path: &str,
    sheet: Option<&str>,
    lookup: &Lookup,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Checked, FileError> {
    // calamine 0.35 can panic on a damaged workbook (a dimension "B5:A1" underflows): that is
    // one more unreadable file, said in one line, not a crash. The hook is silenced meanwhile.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_sheet(bytes, path, sheet, lookup, progress)
    }));
    std::panic::set_hook(hook);
    read.unwrap_or_else(|_| {
        Err(FileError::new(
            Location::file(path),
            "cannot read the workbook (is it a damaged or non-Excel file?): its structure is broken",
        ))
    })
}

fn read_sheet(
    bytes: &[u8],
    path: &str,
    sheet: Option<&str>,
    lookup: &Lookup,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Checked, FileError> {
    use calamine::Reader;
    let unreadable = |e: &dyn std::fmt::Display| {
        FileError::new(
            Location::file(path),
            format!(
                "cannot read the workbook (is it a damaged or non-Excel file?): {}",
                first_line(&e.to_string())
            ),
        )
    };
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                FileError::new(
                    Location::file(path),
                    format!(
                        "no sheet \"{wanted}\"; the workbook's sheets are: {}",
                        names.join(", ")
                    ),
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| FileError::new(Location::file(path), "the workbook has no sheets"))?,
    };
    let cannot = |e: &dyn std::fmt::Display| {
        FileError::new(
            Location::sheet(path, &name),
            format!("cannot read the sheet: {}", first_line(&e.to_string())),
        )
    };
    let merged = match book.worksheet_merge_cells(&name) {
        Some(Ok(merged)) => merged,
        Some(Err(e)) => return Err(cannot(&e)),
        None => Vec::new(),
    };
    // Merge regions by their top-left cell: (row, column) → the last row they cover.
    let merge_down: HashMap<(u32, u32), u32> = merged
        .iter()
        .filter(|m| m.end.0 > m.start.0)
        .map(|m| (m.start, m.end.0))
        .collect();
    // The sheet is read cell by cell as it is unpacked, never held whole: a national
    // workbook would otherwise take half a gigabyte.
    let mut cells_reader = book.worksheet_cells_reader(&name).map_err(|e| cannot(&e))?;
    let dimensions = cells_reader.dimensions();
    let total = u64::from(dimensions.end.0.saturating_sub(dimensions.start.0)) + 1;
    let places = Places::Sheet {
        path,
        sheet: &name,
        first_column: 0,
    };
    let mut scan = SheetScan {
        lookup,
        places,
        checker: None,
        nearest: None,
        any_cell: false,
        fills: HashMap::new(),
        first_row: u64::from(dimensions.start.0),
        total,
    };
    // Rows are met in order; each is taken once its last cell has been read.
    let mut row_at: Option<u64> = None;
    let mut cells: Vec<Cell> = Vec::new();
    while let Some(cell) = cells_reader.next_cell().map_err(|e| cannot(&e))? {
        let (row, column) = cell.get_position();
        let n = u64::from(row) + 1;
        if row_at != Some(n) {
            if let Some(done) = row_at {
                scan.row(done, std::mem::take(&mut cells), progress)?;
            }
            row_at = Some(n);
        }
        let value = cell_of(&calamine::Data::from(cell.get_value().clone()));
        // A cell merged down over several rows (a county's name beside all its indicators)
        // is shown on each of them, and read so; merges in or above the header are titles.
        if let (Some(&last), Some(_)) = (merge_down.get(&(row, column)), &scan.checker) {
            for below in row.saturating_add(1)..=last {
                scan.fills
                    .insert((u64::from(below) + 1, column), value.clone());
            }
        }
        let Ok(at) = usize::try_from(column) else {
            continue;
        };
        // Column numbers come from the file: past Excel's widest (16,384) they are not data.
        if at >= 16_384 {
            continue;
        }
        if at >= cells.len() {
            cells.resize(at + 1, Cell::default());
        }
        cells[at] = value;
    }
    if let Some(done) = row_at {
        scan.row(done, cells, progress)?;
    }
    let Some(checker) = scan.checker else {
        if let Some((n, cells)) = scan.nearest {
            // Names the column that row lacks.
            Checker::new(lookup, places, &texts(&cells), n)?;
        }
        if !scan.any_cell {
            return Err(FileError::new(
                Location::sheet(path, &name),
                "the sheet is empty",
            ));
        }
        return Err(FileError::new(
            places.whole(),
            "missing columns \"county\" and \"indicator\": no row names them (县(市、区), 指标编号, 完成值 … or county, indicator, value)",
        ));
    };
    checker.finish("the sheet has no rows under its header")
}

fn texts(cells: &[Cell]) -> Vec<String> {
    cells.iter().map(|c| c.text.clone()).collect()
}

/// A sheet read row by row: the rows above the header looked through for it, then every row
/// under it checked.
struct SheetScan<'a> {
    lookup: &'a Lookup,
    places: Places<'a>,
    checker: Option<Checker<'a>>,
    /// The first row naming the county or the indicator column, if none names both.
    nearest: Option<(u64, Vec<Cell>)>,
    any_cell: bool,
    /// Cells merged down from above: (row, column) → what the merge shows.
    fills: HashMap<(u64, u32), Cell>,
    first_row: u64,
    total: u64,
}

impl SheetScan<'_> {
    fn row(
        &mut self,
        n: u64,
        mut cells: Vec<Cell>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(), FileError> {
        if let Some(checker) = &mut self.checker {
            if !self.fills.is_empty() {
                for (i, cell) in cells.iter_mut().enumerate() {
                    let column = u32::try_from(i).unwrap_or(u32::MAX);
                    if cell.text.is_empty() {
                        if let Some(value) = self.fills.get(&(n, column)) {
                            *cell = value.clone();
                        }
                    }
                }
            }
            progress(n.saturating_sub(self.first_row), self.total);
            return checker.row(n, &cells);
        }
        if cells.iter().all(|c| c.text.is_empty()) {
            return Ok(());
        }
        self.any_cell = true;
        let has = |column: Column| {
            cells.iter().any(|c| {
                columns::by_name(&c.text).map(|(c, _)| c) == Some(column)
                    || (column == Column::County
                        && Column::CountyCode.key() == Some(c.text.as_str()))
            })
        };
        let (county, indicator) = (has(Column::County), has(Column::Indicator));
        if county && indicator {
            self.checker = Some(Checker::new(self.lookup, self.places, &texts(&cells), n)?);
        } else if self.nearest.is_none() && (county || indicator) {
            self.nearest = Some((n, cells));
        }
        Ok(())
    }
}

/// A workbook cell as text: numbers without binary noise (330802.0 is "330802"), TRUE and
/// FALSE as 是 and 否, dates as 2014-05-01.
fn cell_of(data: &calamine::Data) -> Cell {
    use calamine::Data;
    let number = |text: String| Cell {
        text,
        kind: CellKind::Number,
    };
    match data {
        Data::Empty => Cell::default(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::text(s),
        Data::Int(i) => number(i.to_string()),
        Data::Float(f) => number(plain_number(*f)),
        Data::Bool(b) => Cell::text(if *b { "是" } else { "否" }),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            let text = if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
            };
            Cell::text(&text)
        }
        Data::DateTime(d) => number(plain_number(d.as_f64())),
        Data::Error(e) => Cell {
            text: e.to_string(),
            kind: CellKind::Error,
        },
    }
}

/// Excel shows at most 15 significant digits; the 16th and 17th it stores are binary noise
/// (=0.1+0.2 is 0.30000000000000004), so a number is read as shown.
fn plain_number(x: f64) -> String {
    let shown: f64 = format!("{x:.14e}").parse().unwrap_or(x);
    format_number(if shown == 0.0 { 0.0 } else { shown })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbook_numbers_read_as_shown() {
        assert_eq!(plain_number(330802.0), "330802");
        assert_eq!(plain_number(0.1 + 0.2), "0.3");
        assert_eq!(plain_number(24.0 / 35.0 * 100.0), "68.5714285714286");
        assert_eq!(plain_number(-0.0), "0");
        let number = |x: f64| cell_of(&calamine::Data::Float(x));
        assert_eq!(number(1.2).kind, CellKind::Number);
        assert_eq!(cell_of(&calamine::Data::Int(330802)).text, "330802");
        assert_eq!(cell_of(&calamine::Data::Bool(true)).text, "是");
        assert_eq!(
            cell_of(&calamine::Data::String(" a.pdf ".into())).text,
            "a.pdf"
        );
        let div = cell_of(&calamine::Data::Error(calamine::CellErrorType::Div0));
        assert_eq!((div.text.as_str(), div.kind), ("#DIV/0!", CellKind::Error));
        let date =
            calamine::ExcelDateTime::new(41760.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_of(&calamine::Data::DateTime(date)).text, "2014-05-01");
    }
}
