//! A workbook's submissions (.xlsx, .xlsb, .ods or .xls): its zip looked through first (within
//! the limit on a workbook's contents), the sheets to read chosen (see [`super::sheets`]),
//! and each read as it streams: its header found below any title rows, its cells written as
//! the county saw them (a percent cell as 102%, a date as 2014-05-01), merged cells filled
//! down, every row under the header handed to the checker.

use super::Checked;
use super::checker::{Cell, CellKind, Places};
use super::intake::{Collect, Intake, Sink, Tally};
use super::layout::{Layout, LayoutKind, PassedOver};
use super::sheets::{self, Chosen};
use crate::error::{FileError, Location};
use crate::formats::columns::{self, Column};
use crate::lookup::Lookup;
use crate::model::{County, format_number};
use crate::source::book::{self, Book, BookKind, Flow, NumberFormat, SheetCell, Value, Visit};
use crate::source::limits::{Limit, Size};
use crate::source::workbook::{check_workbook, unreadable};
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};

/// A workbook's submissions, checked, and the sheets they were read from.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbookRead {
    pub checked: Checked,
    pub sheets: Vec<String>,
}

/// Reads a workbook's submissions: the sheet `sheet` names, or by default those
/// [`sheets::choose`] finds (the one sheet of submissions among the visible ones, or every
/// county's sheet). A zipped workbook is unpacked into a counter first and refused if its
/// contents are over `limit`; what is read is held to the same limit.
pub fn read_workbook<R: Read + Seek>(
    reader: R,
    kind: BookKind,
    path: &str,
    sheet: Option<&str>,
    lookup: &Lookup,
    limit: &Limit,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<WorkbookRead, FileError> {
    let mut collect = Collect::default();
    let (tally, sheets) = stream_workbook(
        reader,
        kind,
        path,
        sheet,
        lookup,
        limit,
        &mut collect,
        progress,
    )?;
    Ok(WorkbookRead {
        checked: collect.checked(tally),
        sheets,
    })
}

/// [`read_workbook`], each submission handed to `sink` as it is checked; the tally and the
/// sheets read.
#[allow(clippy::too_many_arguments)]
pub(super) fn stream_workbook<R: Read + Seek>(
    mut reader: R,
    kind: BookKind,
    path: &str,
    sheet: Option<&str>,
    lookup: &Lookup,
    limit: &Limit,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Tally, Vec<String>), FileError> {
    // A reader that panics on a damaged workbook (a library's, or an arithmetic kaohe missed)
    // makes one more unreadable file, said in one line, not a crash. The hook is silenced
    // meanwhile for this thread only: the sink may run on another (`piped`), where a panic is
    // a fault of kaohe's to be told as usual.
    let hook: std::sync::Arc<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send> =
        std::panic::take_hook().into();
    let reading = std::thread::current().id();
    let others = hook.clone();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() != reading {
            others(info);
        }
    }));
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if kind.zipped() {
            check_workbook(&mut reader, path, limit)?;
            reader
                .seek(SeekFrom::Start(0))
                .map_err(|e| unreadable(path, &e))?;
        }
        let mut book = book::open(reader, kind, path, limit)?;
        read_book(book.as_mut(), path, sheet, lookup, limit, sink, progress)
    }));
    std::panic::set_hook(Box::new(move |info| hook(info)));
    read.unwrap_or_else(|_| {
        Err(FileError::new(
            Location::file(path),
            "cannot read the workbook (is it a damaged or non-Excel file?): its structure is broken",
        ))
    })
}

#[allow(clippy::too_many_arguments)]
fn read_book(
    book: &mut dyn Book,
    path: &str,
    sheet: Option<&str>,
    lookup: &Lookup,
    limit: &Limit,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Tally, Vec<String>), FileError> {
    let chosen = sheets::choose(book, path, sheet, lookup, limit)?;
    let mut text = TextBudget::new(limit);
    // One intake for every sheet read: an item given on two sheets is refused as one given
    // twice on one.
    let mut intake = Intake::new(sink, lookup.item_positions());
    let mut sheets = Vec::new();
    let mut first: Option<(LayoutKind, PassedOver)> = None;
    for Chosen { index, county } in chosen {
        let name = book.sheets()[index].name.clone();
        intake.sheet(&name);
        let read = read_sheet(
            book,
            index,
            path,
            county,
            lookup,
            &mut text,
            &mut intake,
            progress,
        )?;
        // The layout and what was passed over are said of the first sheet.
        first.get_or_insert(read);
        sheets.push(name);
    }
    let (kind, passed) = first.unwrap_or_default();
    Ok((intake.tally(kind, passed), sheets))
}

/// Reads sheet `index` whole into the checker; `county` is the county the sheet is for (by
/// its name), if the choice of sheets found one.
#[allow(clippy::too_many_arguments)]
fn read_sheet(
    book: &mut dyn Book,
    index: usize,
    path: &str,
    county: Option<&County>,
    lookup: &Lookup,
    text: &mut TextBudget,
    intake: &mut Intake<'_>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(LayoutKind, PassedOver), FileError> {
    let name = book.sheets()[index].name.clone();
    let merged = book.merges(index)?;
    // Merge regions by their top-left cell: (row, column) → the last row they cover. Kept as
    // ranges, never spread over the rows they cover: a merge A2:A1048576 is one entry.
    let merge_down: HashMap<(u32, u32), u32> = merged
        .iter()
        .filter(|m| m.last.0 > m.first.0)
        .map(|m| (m.first, m.last.0))
        .collect();
    drop(merged);
    let places = Places::Sheet {
        path,
        sheet: &name,
        first_column: 0,
    };
    let mut scan = SheetScan {
        intake,
        lookup,
        places,
        layout: Layout::new(lookup, places, true),
        fills: HashMap::new(),
        merge_down,
        name_county: county,
        title_county: None,
        above: 0,
        total: 0,
        progress,
    };
    let mut rows = Rows::new(&mut scan, places, text);
    book.cells(index, &mut rows)?;
    rows.finish()?;
    scan.layout.finish("the sheet has no rows under its header")
}

/// What a row names as key columns of a submissions table (whether it is a header is the
/// layout's to say: [`super::layout::header_layout`]).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Named {
    pub(super) county: bool,
    pub(super) indicator: bool,
}

impl Named {
    pub(super) fn of(cells: &[Cell]) -> Named {
        let has = |column: Column| {
            cells.iter().any(|c| {
                columns::by_name(&c.text).map(|(c, _)| c) == Some(column)
                    || (column == Column::County && columns::is_county_code(c.text.as_str()))
            })
        };
        Named {
            county: has(Column::County),
            indicator: has(Column::Indicator),
        }
    }
}

/// How many rows with something in them a title naming the county is looked for in, above a
/// header: titles stand at the top.
pub(super) const TITLE_ROWS: usize = 10;

/// The county a row above a header names (a title: 柯城区2014年度考核报送表, 填报单位：柯城区).
pub(super) fn county_in_title<'a>(lookup: &'a Lookup, cells: &[Cell]) -> Option<&'a County> {
    let text: Vec<&str> = cells
        .iter()
        .map(|c| c.text.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    lookup.county_named_in(&text.join(" "))
}

/// A sheet read row by row, each handed to the layout (which finds the header below any title
/// rows): the rows above the header looked through for a title naming the county, the rows
/// under it given the cells merged down from above.
struct SheetScan<'a, 'p, 's> {
    intake: &'p mut Intake<'s>,
    lookup: &'a Lookup,
    places: Places<'a>,
    layout: Layout<'a>,
    /// Cells merged down from above, by column: the last row (from 1) the merge covers, and
    /// what it shows. One a column: a merge is a range, not a copy for every row it covers.
    fills: HashMap<usize, (u64, Cell)>,
    merge_down: HashMap<(u32, u32), u32>,
    /// The county the sheet's name names, and the one a title row above the header names.
    name_county: Option<&'a County>,
    title_county: Option<(u64, &'a County)>,
    /// The rows with something in them looked at above the header.
    above: usize,
    total: u64,
    progress: &'p mut dyn FnMut(u64, u64),
}

/// What a sheet's rows are handed to.
pub(super) trait RowSink {
    fn rows(&mut self, _total: u64) {}
    /// Row `n` (from 1), its cells by column.
    fn row(&mut self, n: u64, cells: Vec<Cell>, text: &mut TextBudget) -> Result<Flow, FileError>;
}

impl RowSink for SheetScan<'_, '_, '_> {
    fn rows(&mut self, total: u64) {
        self.total = total;
    }

    fn row(
        &mut self,
        n: u64,
        mut cells: Vec<Cell>,
        text: &mut TextBudget,
    ) -> Result<Flow, FileError> {
        if let Some(width) = self.layout.header_width() {
            self.fill(n, &mut cells, width, text)?;
            (self.progress)(n, self.total.max(n));
        } else if !cells.iter().all(|c| c.text.is_empty()) {
            // Above the header: the sheet's county, by its name or a title row, is the rows'
            // where the table has no county column.
            let county = self.sheet_county(n, &cells)?;
            self.layout.county_known(county);
        }
        self.layout.row(n, cells, self.intake)?;
        Ok(Flow::Go)
    }
}

impl<'a> SheetScan<'a, '_, '_> {
    /// The sheet's county, by its name or a title row (row `n` may be one): the rows of a
    /// sheet without a county column are its.
    fn sheet_county(&mut self, n: u64, cells: &[Cell]) -> Result<Option<&'a County>, FileError> {
        self.above += 1;
        if self.title_county.is_none() && self.above <= TITLE_ROWS && !Named::of(cells).indicator {
            if let Some(title) = county_in_title(self.lookup, cells) {
                if let Some(named) = self.name_county.filter(|c| c.code != title.code) {
                    return Err(FileError::new(
                        self.places.at(n, None),
                        format!(
                            "the sheet's name says {} and its title says {}; correct the one that is wrong",
                            named.name, title.name
                        ),
                    ));
                }
                self.title_county = Some((n, title));
            }
        }
        Ok(self.name_county.or(self.title_county.map(|(_, c)| c)))
    }

    /// Fills row `n`'s empty cells under the header that a merge from above covers, and
    /// forgets the merges that end above it; then notes the merges that start in it.
    fn fill(
        &mut self,
        n: u64,
        cells: &mut Vec<Cell>,
        width: usize,
        text: &mut TextBudget,
    ) -> Result<(), FileError> {
        if !self.fills.is_empty() {
            self.fills.retain(|_, (last, _)| *last >= n);
            let mut filled = Vec::new();
            for (&at, (_, value)) in &self.fills {
                if at < width && cells.get(at).is_none_or(|c| c.text.is_empty()) {
                    filled.push((at, value.clone()));
                }
            }
            let places = self.places;
            for (at, value) in filled {
                text.spend(value.text.len() as u64, || places.at(n, Some(at)))?;
                if at >= cells.len() {
                    cells.resize(at + 1, Cell::default());
                }
                cells[at] = value;
            }
        }
        // A cell merged down over several rows (a county's name beside all its indicators)
        // is shown on each of them, and read so; merges in or above the header are titles.
        if !self.merge_down.is_empty() {
            let row = u32::try_from(n.saturating_sub(1)).unwrap_or(u32::MAX);
            for (at, cell) in cells.iter().enumerate() {
                let column = u32::try_from(at).unwrap_or(u32::MAX);
                if let Some(&last) = self.merge_down.get(&(row, column)) {
                    if !cell.text.is_empty() {
                        self.fills.insert(at, (u64::from(last) + 1, cell.clone()));
                    }
                }
            }
        }
        Ok(())
    }
}

/// What is left of the limit for the text of the sheets read, shared strings and merges
/// filled in: a short string repeated on every row must not grow into more than the file
/// held.
pub(super) struct TextBudget<'l> {
    left: u64,
    limit: &'l Limit,
}

impl<'l> TextBudget<'l> {
    pub(super) fn new(limit: &'l Limit) -> TextBudget<'l> {
        TextBudget {
            left: limit.bytes,
            limit,
        }
    }

    /// Counts `size` bytes of text against the limit; over it, the sheet is refused at `at`.
    fn spend(&mut self, size: u64, at: impl FnOnce() -> Location) -> Result<(), FileError> {
        match self.left.checked_sub(size) {
            Some(left) => {
                self.left = left;
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
}

/// What a cell read takes at the least, text or not: its `String` and kind.
const CELL_COST: u64 = 32;

/// A sheet's cells gathered into rows as a reader hands them over, each row handed on once
/// its last cell has been read.
pub(super) struct Rows<'s, 't, 'l> {
    sink: &'s mut dyn RowSink,
    places: Places<'s>,
    text: &'t mut TextBudget<'l>,
    row_at: Option<u64>,
    cells: Vec<Cell>,
    stopped: bool,
}

impl<'s, 't, 'l> Rows<'s, 't, 'l> {
    pub(super) fn new(
        sink: &'s mut dyn RowSink,
        places: Places<'s>,
        text: &'t mut TextBudget<'l>,
    ) -> Self {
        Rows {
            sink,
            places,
            text,
            row_at: None,
            cells: Vec::new(),
            stopped: false,
        }
    }

    /// Hands on the last row.
    pub(super) fn finish(mut self) -> Result<(), FileError> {
        if let (Some(n), false) = (self.row_at, self.stopped) {
            let cells = std::mem::take(&mut self.cells);
            self.sink.row(n, cells, self.text)?;
        }
        Ok(())
    }

    /// A cell as the county saw it, its text counted against the limit: at least what a cell
    /// takes, so that a cell an .ods repeats a million times costs what it is.
    fn take(&mut self, cell: SheetCell) -> Result<Cell, FileError> {
        let size = match &cell.value {
            Value::Text(t) | Value::Date(t) | Value::Error(t) | Value::Uncomputed(t) => {
                t.len() as u64
            }
            _ => 0,
        };
        let size = size.max(CELL_COST);
        let places = self.places;
        let at = || places.at(u64::from(cell.row) + 1, usize::try_from(cell.column).ok());
        self.text.spend(size, at)?;
        Ok(cell_of(cell.value))
    }
}

impl Visit for Rows<'_, '_, '_> {
    fn rows(&mut self, total: u64) {
        self.sink.rows(total);
    }

    fn cell(&mut self, cell: SheetCell) -> Result<Flow, FileError> {
        let n = u64::from(cell.row) + 1;
        if self.row_at != Some(n) {
            if let Some(done) = self.row_at {
                let cells = std::mem::take(&mut self.cells);
                if self.sink.row(done, cells, self.text)? == Flow::Stop {
                    self.stopped = true;
                    return Ok(Flow::Stop);
                }
            }
            self.row_at = Some(n);
        }
        // Columns past Excel's widest (16,384) are not data.
        let Some(at) = usize::try_from(cell.column).ok().filter(|&at| at < 16_384) else {
            return Ok(Flow::Go);
        };
        let value = self.take(cell)?;
        if at >= self.cells.len() {
            self.cells.resize(at + 1, Cell::default());
        }
        self.cells[at] = value;
        Ok(Flow::Go)
    }
}

/// A workbook cell as the county saw it: numbers without binary noise (330802.0 is
/// "330802"), a percent cell's ×100 with `%` (1.02 is "102%"), a unit its format writes after
/// it, TRUE and FALSE as 是 and 否, dates as 2014-05-01, a formula never computed as itself.
pub(super) fn cell_of(value: Value) -> Cell {
    let kind = |text: String, kind: CellKind| Cell { text, kind };
    match value {
        Value::Empty => Cell::default(),
        Value::Text(s) => kind(trimmed(s), CellKind::Text),
        Value::Number(x, NumberFormat::Unknown) => kind(plain_number(x), CellKind::Number),
        Value::Number(x, NumberFormat::Percent) => {
            kind(format!("{}%", plain_number(x * 100.0)), CellKind::Percent)
        }
        Value::Number(x, NumberFormat::Plain(Some(unit))) => {
            kind(format!("{}{unit}", plain_number(x)), CellKind::PlainNumber)
        }
        Value::Number(x, NumberFormat::Plain(None) | NumberFormat::Date) => {
            kind(plain_number(x), CellKind::PlainNumber)
        }
        Value::Date(d) => kind(d, CellKind::Date),
        Value::Bool(b) => Cell::text(if b { "是" } else { "否" }),
        Value::Error(e) => kind(e, CellKind::Error),
        Value::Uncomputed(f) => kind(format!("={f}"), CellKind::Uncomputed),
    }
}

/// A text without the spaces around it, as [`Cell::text`] keeps it; not copied when it has
/// none (most cells).
fn trimmed(s: String) -> String {
    if s.trim().len() == s.len() {
        s
    } else {
        s.trim().to_string()
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
    use std::rc::Rc;

    #[test]
    fn workbook_numbers_read_as_shown() {
        assert_eq!(plain_number(330802.0), "330802");
        assert_eq!(plain_number(0.1 + 0.2), "0.3");
        assert_eq!(plain_number(24.0 / 35.0 * 100.0), "68.5714285714286");
        assert_eq!(plain_number(-0.0), "0");
        let number = |x: f64, f: NumberFormat| cell_of(Value::Number(x, f));
        assert_eq!(number(1.2, NumberFormat::Unknown).kind, CellKind::Number);
        assert_eq!(
            number(1.2, NumberFormat::Plain(None)).kind,
            CellKind::PlainNumber
        );
        assert_eq!(number(330802.0, NumberFormat::Plain(None)).text, "330802");
        assert_eq!(cell_of(Value::Bool(true)).text, "是");
        assert_eq!(cell_of(Value::Text(" a.pdf ".into())).text, "a.pdf");
        let div = cell_of(Value::Error("#DIV/0!".into()));
        assert_eq!((div.text.as_str(), div.kind), ("#DIV/0!", CellKind::Error));
        let date = cell_of(Value::Date("2014-05-01".into()));
        assert_eq!(
            (date.text.as_str(), date.kind),
            ("2014-05-01", CellKind::Date)
        );
        let formula = cell_of(Value::Uncomputed("B3/C3".into()));
        assert_eq!(
            (formula.text.as_str(), formula.kind),
            ("=B3/C3", CellKind::Uncomputed)
        );
    }

    #[test]
    fn a_percent_cell_reads_as_excel_shows_it_whatever_its_value() {
        let percent = |x: f64| cell_of(Value::Number(x, NumberFormat::Percent));
        for (x, shown) in [
            (1.02, "102%"),
            (0.7, "70%"),
            (0.685, "68.5%"),
            (0.021, "2.1%"),
            (0.75, "75%"),
            (1.0, "100%"),
            (0.0, "0%"),
            (-0.05, "-5%"),
            (12.5, "1250%"),
        ] {
            let cell = percent(x);
            assert_eq!(
                (cell.text.as_str(), cell.kind),
                (shown, CellKind::Percent),
                "{x}"
            );
        }
        let people = cell_of(Value::Number(
            15.0,
            NumberFormat::Plain(Some(Rc::from("人"))),
        ));
        assert_eq!(people.text, "15人");
        let permille = cell_of(Value::Number(
            15.0,
            NumberFormat::Plain(Some(Rc::from("‰"))),
        ));
        assert_eq!(permille.text, "15‰");
    }
}

#[cfg(test)]
mod bombs {
    use super::super::demo_lookup;
    use crate::source::limits::{Limits, MIB, Size};
    use std::io::Write;

    /// An .ods of one table: `row` repeated `times`.
    fn ods(row: &str, times: u32) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("mimetype", options).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("content.xml", options).unwrap();
        write!(
            zip,
            "<office:document-content xmlns:office=\"o\" xmlns:table=\"t\" xmlns:text=\"x\"><office:body><office:spreadsheet><table:table table:name=\"s\"><table:table-row table:number-rows-repeated=\"{times}\">{row}</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
        )
        .unwrap();
        zip.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn a_cell_repeated_a_billion_times_is_refused_at_the_limit_not_laid_out() {
        let row = "<table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"string\"><text:p>x</text:p></table:table-cell>";
        let file = ods(row, 1_048_576);
        assert!(file.len() < 2000);
        let started = std::time::Instant::now();
        let e = super::super::read_within(
            &file,
            "b.ods",
            None,
            &demo_lookup(),
            &Limits::default(),
            &mut |_, _| {},
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "b.ods: the workbook's repeated cells would take more than 1 GiB in memory, over kaohe's limit of 1 GiB for a workbook's contents; if it is genuine, raise the limit: --limit 2GiB"
        );
        assert!(
            started.elapsed().as_millis() < 2000,
            "{:?}",
            started.elapsed()
        );
        // Fewer, within the limit: laid out and read.
        let few = ods(row, 3);
        let limits = Limits::with(Some(Size(16 * MIB)));
        let e =
            super::super::read_within(&few, "f.ods", None, &demo_lookup(), &limits, &mut |_, _| {})
                .unwrap_err()
                .to_string();
        assert!(e.contains("no header row found"), "{e}");
        // Empty rows repeated are passed over whole: LibreOffice writes a million of them.
        let empty = ods(
            "<table:table-cell table:number-columns-repeated=\"16384\"/>",
            1_048_576,
        );
        let started = std::time::Instant::now();
        let e = super::super::read_within(
            &empty,
            "e.ods",
            None,
            &demo_lookup(),
            &Limits::default(),
            &mut |_, _| {},
        )
        .unwrap_err()
        .to_string();
        assert_eq!(e, "e.ods: sheet s: the sheet is empty");
        assert!(
            started.elapsed().as_millis() < 2000,
            "{:?}",
            started.elapsed()
        );
    }
}
