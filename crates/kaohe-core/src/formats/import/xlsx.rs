//! A sheet of an Excel workbook (.xlsx, read with calamine): its zip looked through first
//! (within the limit on a workbook's contents), its cells read as Excel shows them, merged
//! cells under the header filled down, every row handed to the layout (which finds the header
//! below any title rows).

use super::Checked;
use super::checker::{Cell, CellKind, Places};
use super::layout::Layout;
use crate::error::{FileError, Location};
use crate::lookup::Lookup;
use crate::model::format_number;
use crate::source::limits::{Limit, Size};
use crate::source::workbook::{check_workbook, unreadable};
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};

/// The first line of a library's message: one plain line for the user.
fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or_default().trim()
}

/// Reads a sheet of an .xlsx workbook (the first unless `sheet` names one). The header is the
/// first row naming both the county and the indicator column, so a title row above it (a
/// merged "2014年度考核报送表") is passed over. The workbook is unpacked into a counter first
/// and refused if its contents are over `limit`; the sheet's text, once its shared strings
/// are filled in, is held to the same limit.
pub fn read_xlsx<R: Read + Seek>(
    mut reader: R,
    path: &str,
    sheet: Option<&str>,
    lookup: &Lookup,
    limit: &Limit,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Checked, FileError> {
    // calamine 0.35 can panic on a damaged workbook (a dimension "B5:A1" underflows): that is
    // one more unreadable file, said in one line, not a crash. The hook is silenced meanwhile.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check_workbook(&mut reader, path, limit)?;
        reader
            .seek(SeekFrom::Start(0))
            .map_err(|e| unreadable(path, &e))?;
        read_sheet(reader, path, sheet, lookup, limit, progress)
    }));
    std::panic::set_hook(hook);
    read.unwrap_or_else(|_| {
        Err(FileError::new(
            Location::file(path),
            "cannot read the workbook (is it a damaged or non-Excel file?): its structure is broken",
        ))
    })
}

fn read_sheet<R: Read + Seek>(
    reader: R,
    path: &str,
    sheet: Option<&str>,
    lookup: &Lookup,
    limit: &Limit,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Checked, FileError> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(reader).map_err(|e| unreadable(path, &e))?;
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
    // Merge regions by their top-left cell: (row, column) → the last row they cover. Kept as
    // ranges, never spread over the rows they cover: a merge A2:A1048576 is one entry.
    let merge_down: HashMap<(u32, u32), u32> = merged
        .iter()
        .filter(|m| m.end.0 > m.start.0)
        .map(|m| (m.start, m.end.0))
        .collect();
    drop(merged);
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
        places,
        layout: Layout::new(lookup, places, true),
        fills: HashMap::new(),
        text_left: limit.bytes,
        limit,
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
        // Column numbers come from the file: past Excel's widest (16,384) they are not data.
        let Some(at) = usize::try_from(column).ok().filter(|&at| at < 16_384) else {
            continue;
        };
        let value = scan.take(n, column, cell.get_value())?;
        // A cell merged down over several rows (a county's name beside all its indicators)
        // is shown on each of them, and read so; merges in or above the header are titles.
        if let (Some(&last), Some(_)) = (merge_down.get(&(row, column)), scan.layout.header_width())
        {
            if !value.text.is_empty() {
                scan.fills
                    .insert(column, (u64::from(last) + 1, value.clone()));
            }
        }
        if at >= cells.len() {
            cells.resize(at + 1, Cell::default());
        }
        cells[at] = value;
    }
    if let Some(done) = row_at {
        scan.row(done, cells, progress)?;
    }
    let (checked, _) = scan
        .layout
        .finish("the sheet has no rows under its header")?;
    Ok(checked)
}

/// A sheet read row by row, each handed to the layout once merges from above are filled in.
struct SheetScan<'a> {
    places: Places<'a>,
    layout: Layout<'a>,
    /// Cells merged down from above, by column: the last row (from 1) the merge covers, and
    /// what it shows. One a column: a merge is a range, not a copy for every row it covers.
    fills: HashMap<u32, (u64, Cell)>,
    /// What is left of the limit for the sheet's text, shared strings and merges filled in:
    /// a short string repeated on every row must not grow into more than the file held.
    text_left: u64,
    limit: &'a Limit,
    first_row: u64,
    total: u64,
}

impl SheetScan<'_> {
    /// A cell of row `n` as text, counted against the limit on the sheet's text.
    fn take(
        &mut self,
        n: u64,
        column: u32,
        data: &calamine::DataRef<'_>,
    ) -> Result<Cell, FileError> {
        use calamine::DataRef;
        // Text is counted before it is copied; a string is read once, where it lies.
        let text = match data {
            DataRef::SharedString(s) => Some(*s),
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                Some(s.as_str())
            }
            _ => None,
        };
        let size = text.map_or(24, |t| t.len() as u64);
        let places = self.places;
        self.spend(size, || places.at(n, usize::try_from(column).ok()))?;
        Ok(match text {
            Some(t) => Cell::text(t),
            None => cell_of(&calamine::Data::from(data.clone())),
        })
    }

    /// Counts `size` bytes of text against the limit; over it, the sheet is refused at `at`.
    fn spend(&mut self, size: u64, at: impl FnOnce() -> Location) -> Result<(), FileError> {
        match self.text_left.checked_sub(size) {
            Some(left) => {
                self.text_left = left;
                Ok(())
            }
            None => {
                let what = format!(
                    "the sheet's text comes to more than {} with its shared strings and merged cells filled in",
                    Size(self.limit.bytes)
                );
                Err(self
                    .limit
                    .refusal(at(), &what, self.limit.bytes.saturating_add(1)))
            }
        }
    }

    fn row(
        &mut self,
        n: u64,
        mut cells: Vec<Cell>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(), FileError> {
        if let Some(width) = self.layout.header_width() {
            self.fill(n, &mut cells, width)?;
            progress(n.saturating_sub(self.first_row), self.total);
        }
        self.layout.row(n, cells)
    }

    /// Fills row `n`'s empty cells under the header that a merge from above covers, and
    /// forgets the merges that end above it.
    fn fill(&mut self, n: u64, cells: &mut Vec<Cell>, width: usize) -> Result<(), FileError> {
        if self.fills.is_empty() {
            return Ok(());
        }
        self.fills.retain(|_, (last, _)| *last >= n);
        let mut filled = Vec::new();
        for (&column, (_, value)) in &self.fills {
            let Ok(at) = usize::try_from(column) else {
                continue;
            };
            if at < width && cells.get(at).is_none_or(|c| c.text.is_empty()) {
                filled.push((at, value.clone()));
            }
        }
        let places = self.places;
        for (at, value) in filled {
            self.spend(value.text.len() as u64, || places.at(n, Some(at)))?;
            if at >= cells.len() {
                cells.resize(at + 1, Cell::default());
            }
            cells[at] = value;
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
