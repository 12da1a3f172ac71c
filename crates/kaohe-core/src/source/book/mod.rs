//! A workbook's sheets as the file holds them, read as they stream: an .xlsx or .xlsb (a zip
//! of XML or of binary records), an .ods (a zip of OpenDocument XML) or an .xls (Excel
//! 97–2003's records in a compound file), each told by its content, never by its name. A
//! reader says which sheets there are (which are hidden, which is active) and, for one sheet,
//! its merged regions, then its cells in order, each with what its number format makes of it
//! (a percentage, a date) and a formula with no computed value told as one. Nothing of a
//! sheet is held but the cell being read; what a reader holds of the workbook (its shared
//! strings, styles, merged regions) is counted against the limit on a workbook's contents.

mod numfmt;
mod ods;
mod parts;
mod xls;
mod xlsb;
mod xlsx;
mod xml;

pub use numfmt::{NumberFormat, date_text};

use super::limits::{Limit, Size};
use crate::error::{FileError, Location};
use std::io::{Read, Seek, SeekFrom};

/// The kinds of workbook kaohe reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookKind {
    /// Excel 2007 and later, WPS: a zip of XML.
    Xlsx,
    /// Excel's binary workbook: a zip of binary records.
    Xlsb,
    /// OpenDocument (LibreOffice, WPS): a zip of XML.
    Ods,
    /// Excel 97–2003: binary records in a compound file.
    Xls,
}

impl BookKind {
    pub fn name(self) -> &'static str {
        match self {
            BookKind::Xlsx => "an Excel workbook (.xlsx)",
            BookKind::Xlsb => "an Excel binary workbook (.xlsb)",
            BookKind::Ods => "an OpenDocument spreadsheet (.ods)",
            BookKind::Xls => "an Excel 97-2003 workbook (.xls)",
        }
    }

    /// Whether the workbook is a zip, looked through (source/workbook.rs) before it is read.
    pub fn zipped(self) -> bool {
        self != BookKind::Xls
    }
}

/// A zip's magic, and a compound file's (an .xls, or a password-protected .xlsx).
pub const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
pub const COMPOUND_MAGIC: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";

/// The kind of workbook `reader` holds, told by its content: a compound file is an .xls; a
/// zip is an .ods by its `mimetype`, an .xlsb by its `xl/workbook.bin`, else an .xlsx (and
/// refused as one if it is none). `None` if it is no workbook at all. The reader is left at
/// its start.
pub fn kind_of<R: Read + Seek>(reader: &mut R) -> std::io::Result<Option<BookKind>> {
    let mut magic = [0u8; 8];
    reader.seek(SeekFrom::Start(0))?;
    let mut got = 0;
    while got < magic.len() {
        match reader.read(&mut magic[got..])? {
            0 => break,
            n => got += n,
        }
    }
    let magic = &magic[..got];
    let kind = if magic.starts_with(COMPOUND_MAGIC) {
        Some(BookKind::Xls)
    } else if magic.starts_with(ZIP_MAGIC) {
        reader.seek(SeekFrom::Start(0))?;
        Some(parts::zip_kind(&mut *reader))
    } else {
        None
    };
    reader.seek(SeekFrom::Start(0))?;
    Ok(kind)
}

/// Whether a sheet is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Visible,
    /// Hidden, and shown again from the sheet tabs' menu.
    Hidden,
    /// Hidden where only a macro shows it again.
    VeryHidden,
}

/// A sheet as the workbook lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetInfo {
    pub name: String,
    pub visibility: Visibility,
    /// A sheet of cells: not a chart, a dialog or a macro sheet.
    pub worksheet: bool,
}

impl SheetInfo {
    pub fn visible(&self) -> bool {
        self.visibility == Visibility::Visible
    }
}

/// A merged region, from its top-left cell to its bottom-right one (rows and columns from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first: (u32, u32),
    pub last: (u32, u32),
}

/// One cell as the file holds it: its row and column (from 0) and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetCell {
    pub row: u32,
    pub column: u32,
    pub value: Value,
}

/// A cell's value, with what its format makes of a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    /// A number, and how the cell shows it (never as a date: that is [`Value::Date`]).
    Number(f64, NumberFormat),
    /// A number shown as a date or a time: `2014-05-01`, `2014-05-01 09:30:00`, `09:30:00`.
    Date(String),
    Bool(bool),
    /// An error value: `#DIV/0!`, `#N/A`.
    Error(String),
    /// A formula whose value was never computed (a file written by a program, not saved by a
    /// spreadsheet): the formula, without its `=`.
    Uncomputed(String),
}

/// Whether a reader goes on to the next cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Go,
    /// Enough has been read: the reader stops there, and that is no error.
    Stop,
}

/// What a reader hands a sheet's cells to.
pub trait Visit {
    /// About how many rows the sheet holds, if the file says, before the first cell.
    fn rows(&mut self, _rows: u64) {}
    /// The next cell: rows in order, and the cells of a row left to right.
    fn cell(&mut self, cell: SheetCell) -> Result<Flow, FileError>;
}

/// A workbook open for reading.
pub trait Book {
    fn kind(&self) -> BookKind;
    /// The sheets, in the order of their tabs.
    fn sheets(&self) -> &[SheetInfo];
    /// The sheet that was showing when the workbook was saved, if the file says.
    fn active(&self) -> Option<usize>;
    /// The merged regions of sheet `sheet`.
    fn merges(&mut self, sheet: usize) -> Result<Vec<Merge>, FileError>;
    /// Hands sheet `sheet`'s cells to `visit`, in order; an error `visit` returns stops it.
    fn cells(&mut self, sheet: usize, visit: &mut dyn Visit) -> Result<(), FileError>;
}

/// Opens the workbook `reader` holds, of kind `kind` (see [`kind_of`]), reading what it says
/// of its sheets, shared strings and styles; what it holds of them is counted against `limit`.
pub fn open<'r, R: Read + Seek + 'r>(
    reader: R,
    kind: BookKind,
    path: &str,
    limit: &Limit,
) -> Result<Box<dyn Book + 'r>, FileError> {
    let budget = Budget::new(path, limit);
    Ok(match kind {
        BookKind::Xlsx => Box::new(xlsx::Xlsx::open(reader, path, budget)?),
        BookKind::Xlsb => Box::new(xlsb::Xlsb::open(reader, path, budget)?),
        BookKind::Ods => Box::new(ods::Ods::open(reader, path, budget)?),
        BookKind::Xls => Box::new(xls::Xls::open(reader, path, budget)?),
    })
}

/// "cannot read the workbook (is it a damaged or non-Excel file?): …", in one line.
pub fn damaged(path: &str, why: &dyn std::fmt::Display) -> FileError {
    super::workbook::unreadable(path, why)
}

/// "sheet NAME: cannot read the sheet: …", in one line.
fn sheet_damaged(path: &str, sheet: &str, why: &dyn std::fmt::Display) -> FileError {
    let said = why.to_string();
    let first = said.lines().next().unwrap_or_default().trim();
    FileError::new(
        Location::sheet(path, sheet),
        format!("cannot read the sheet: {first}"),
    )
}

/// A workbook-wide refusal (a part that is not XML) made one of sheet `sheet`'s.
fn in_sheet(e: FileError, path: &str, sheet: &str) -> FileError {
    let prefix = super::workbook::UNREADABLE;
    match e.message.strip_prefix(prefix) {
        Some(why) if e.location.in_sheet.is_none() => {
            sheet_damaged(path, sheet, &why.trim_start_matches(": "))
        }
        _ => e,
    }
}

/// What a reader may hold in memory of a workbook: its limit, spent as it reads.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    path: String,
    limit: Limit,
    left: u64,
}

impl Budget {
    pub(crate) fn new(path: &str, limit: &Limit) -> Budget {
        Budget {
            path: path.to_string(),
            limit: *limit,
            left: limit.bytes,
        }
    }

    /// Counts `bytes` more held; over the limit, refuses the workbook saying that `what` (the
    /// workbook's shared strings, its merged regions …) would take more than it.
    pub(crate) fn hold(&mut self, bytes: u64, what: &str) -> Result<(), FileError> {
        match self.left.checked_sub(bytes) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => Err(self.limit.refusal(
                Location::file(&self.path),
                &format!(
                    "the workbook's {what} would take more than {} in memory",
                    Size(self.limit.bytes)
                ),
                self.limit.bytes.saturating_add(1),
            )),
        }
    }
}

/// What a string held in a list takes besides its bytes: the `String`, its allocation's
/// overhead and the list's spare room.
const STRING_COST: u64 = 80;
/// What a merged region held takes: its four numbers twice over (the list and the reader's map).
const MERGE_COST: u64 = 64;

/// A cell reference `AB12` as (row, column) from 0; `None` if it is none (or past Excel's
/// 1,048,576 rows × 16,384 columns many times over).
pub(crate) fn cell_ref(s: &str) -> Option<(u32, u32)> {
    cell_ref_bytes(s.as_bytes())
}

/// [`cell_ref`] of the bytes an attribute holds.
pub(crate) fn cell_ref_bytes(s: &[u8]) -> Option<(u32, u32)> {
    let s = s.trim_ascii();
    let s = s.strip_prefix(b"$").unwrap_or(s);
    let letters = s.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut column: u32 = 0;
    for b in &s[..letters] {
        column = column * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    let digits = &s[letters..];
    let digits = digits.strip_prefix(b"$").unwrap_or(digits);
    if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let row = digits
        .iter()
        .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    Some((row.checked_sub(1)?, column - 1))
}

/// A range `A1:C3` (or one cell `B2`) as a merged region.
pub(crate) fn range_ref(s: &str) -> Option<Merge> {
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    let (first, last) = (cell_ref(a)?, cell_ref(b)?);
    Some(Merge {
        first: (first.0.min(last.0), first.1.min(last.1)),
        last: (first.0.max(last.0), first.1.max(last.1)),
    })
}

/// Excel keeps characters XML cannot hold as `_xHHHH_` (a line break as `_x000D_`), and a
/// text that looks like one as `_x005F_xHHHH_`: undone.
pub(crate) fn unescape_excel(text: String) -> String {
    if !text.contains("_x") {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let code = after
            .get(2..6)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|_| after.as_bytes().get(6) == Some(&b'_'))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                rest = &after[7..];
            }
            None => {
                out.push_str("_x");
                rest = &after[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_are_read_as_excel_writes_them() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("AB12"), Some((11, 27)));
        assert_eq!(cell_ref("$C$3"), Some((2, 2)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
        for bad in ["", "A", "1", "A0", "ABCD1", "A1B", "A99999999999"] {
            assert_eq!(cell_ref(bad), None, "{bad}");
        }
        assert_eq!(
            range_ref("B3:A1"),
            Some(Merge {
                first: (0, 0),
                last: (2, 1)
            })
        );
        assert_eq!(
            range_ref("C2"),
            Some(Merge {
                first: (1, 2),
                last: (1, 2)
            })
        );
    }

    #[test]
    fn excel_escapes_are_undone() {
        assert_eq!(unescape_excel("a_x000D_b".into()), "a\rb");
        assert_eq!(unescape_excel("_x005F_x000D_".into()), "_x000D_");
        assert_eq!(unescape_excel("_x00".into()), "_x00");
        assert_eq!(unescape_excel("_xZZZZ_ 柯城".into()), "_xZZZZ_ 柯城");
        assert_eq!(unescape_excel("_xD800_".into()), "_xD800_");
    }
}

/// kaohe's readers against calamine's, over every workbook the tests' fixtures hold: the same
/// sheets, hidden or not, and the same value in every cell.
#[cfg(test)]
mod against_calamine {
    use super::*;
    use crate::source::limits::Limits;
    use calamine::{Data, Reader, SheetVisible};
    use std::io::Cursor;

    const FIXTURES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/workbooks"
    );

    struct Collect(Vec<SheetCell>);

    impl Visit for Collect {
        fn cell(&mut self, cell: SheetCell) -> Result<Flow, FileError> {
            self.0.push(cell);
            Ok(Flow::Go)
        }
    }

    /// Whether kaohe's value is what calamine read (calamine knows no percentages, reads a
    /// date as a number of days, and an uncomputed formula as nothing).
    fn same(mine: &Value, theirs: &Data, in_1904: bool) -> bool {
        match (mine, theirs) {
            (Value::Text(a), Data::String(b)) => a == b,
            (Value::Number(a, _), Data::Float(b)) => a == b,
            (Value::Number(a, _), Data::Int(b)) => *a == *b as f64,
            (Value::Bool(a), Data::Bool(b)) => a == b,
            (Value::Error(a), Data::Error(b)) => *a == b.to_string(),
            (Value::Date(a), Data::DateTime(d)) => {
                date_text(d.as_f64(), in_1904).as_deref() == Some(a.as_str())
            }
            (Value::Date(a), Data::DateTimeIso(b)) => b.starts_with(a.as_str()),
            // calamine reads an .xls's date cells by fewer formats than kaohe (not 0.0% …).
            (Value::Date(a), Data::Float(b)) => date_text(*b, in_1904).as_deref() == Some(a),
            (Value::Uncomputed(_), Data::Empty | Data::String(_)) => true,
            _ => false,
        }
    }

    #[test]
    fn every_fixture_reads_as_calamine_reads_it() {
        let mut files: Vec<_> = std::fs::read_dir(FIXTURES)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e != "py"))
            .collect();
        files.sort();
        assert!(files.len() >= 15, "{files:?}");
        for file in files {
            let shown = file.display().to_string();
            let bytes = std::fs::read(&file).unwrap();
            let mut reader = Cursor::new(&bytes);
            let kind = kind_of(&mut reader).unwrap().unwrap();
            let limit = Limits::default().workbook_contents();
            let mut mine = open(Cursor::new(&bytes), kind, &shown, &limit).unwrap();
            let mut theirs = calamine::open_workbook_auto_from_rs(Cursor::new(&bytes)).unwrap();
            let listed: Vec<(String, bool)> = theirs
                .sheets_metadata()
                .iter()
                .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
                .collect();
            let names: Vec<(String, bool)> = mine
                .sheets()
                .iter()
                .map(|s| (s.name.clone(), s.visible()))
                .collect();
            assert_eq!(names, listed, "{shown}");
            for (index, (name, _)) in listed.iter().enumerate() {
                let mut cells = Collect(Vec::new());
                mine.cells(index, &mut cells).unwrap();
                let range = theirs.worksheet_range(name).unwrap();
                let theirs: Vec<(u32, u32, &Data)> = range
                    .used_cells()
                    .filter(|(_, _, d)| !matches!(d, Data::Empty))
                    .filter(|(_, _, d)| !matches!(d, Data::String(s) if s.is_empty()))
                    .map(|(r, c, d)| {
                        let (r0, c0) = range.start().unwrap();
                        (r0 + r as u32, c0 + c as u32, d)
                    })
                    .collect();
                let ours: Vec<&SheetCell> = cells
                    .0
                    .iter()
                    .filter(|c| !matches!(&c.value, Value::Text(t) if t.is_empty()))
                    .collect();
                for &(row, column, data) in &theirs {
                    let cell = ours
                        .iter()
                        .find(|c| (c.row, c.column) == (row, column))
                        .unwrap_or_else(|| {
                            panic!("{shown} {name} ({row},{column}) {data:?}: not read")
                        });
                    assert!(
                        same(&cell.value, data, false) || same(&cell.value, data, true),
                        "{shown} {name} ({row},{column}): {:?} against {data:?}",
                        cell.value
                    );
                }
                for cell in &ours {
                    let known = theirs
                        .iter()
                        .any(|&(r, c, _)| (r, c) == (cell.row, cell.column));
                    assert!(
                        known || matches!(cell.value, Value::Uncomputed(_)),
                        "{shown} {name}: {cell:?} calamine does not have"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod active {
    use super::*;
    use crate::source::limits::Limits;
    use std::io::Cursor;

    fn active_of(name: &str) -> (Option<usize>, Vec<bool>) {
        let path = format!(
            "{}/../../tests/fixtures/workbooks/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap();
        let kind = kind_of(&mut Cursor::new(&bytes)).unwrap().unwrap();
        let limit = Limits::default().workbook_contents();
        let book = open(Cursor::new(&bytes), kind, name, &limit).unwrap();
        let shown = book.sheets().iter().map(SheetInfo::visible).collect();
        (book.active(), shown)
    }

    #[test]
    fn the_sheet_showing_when_saved_is_known_in_every_kind() {
        // Last year's sheet hidden in front, this year's active, the instructions after.
        for name in [
            "hidden-sheet.xlsx",
            "hidden-sheet-libreoffice.xlsx",
            "hidden-sheet.xls",
        ] {
            assert_eq!(
                active_of(name),
                (Some(1), vec![false, true, true]),
                "{name}"
            );
        }
        assert_eq!(active_of("hidden-sheet.xlsb"), (Some(1), vec![false, true]));
        // LibreOffice converting without a window keeps no view settings: the .ods says none.
        assert_eq!(
            active_of("hidden-sheet.ods"),
            (None, vec![false, true, true])
        );
        // 柯城区's sheet, after the instructions, was showing; 开化县's is hidden.
        assert_eq!(
            active_of("per-county.xlsx"),
            (Some(1), vec![true, true, true, true, true, true, false])
        );
    }
}
