//! County submissions in: CSV, a workbook (.xlsx, .xls, .ods, .xlsb) or kaohe's own JSON
//! export, checked whole before anything is written. Every table's rows go through one
//! [`layout`] (its header, long or wide, footers and totals) and every submission through one
//! [`checker`]; the readers differ only in how they find rows and the places errors name (a
//! CSV line, a sheet's cell, a JSON record's line).

mod checker;
mod csv;
mod intake;
mod json;
mod layout;
mod piped;
mod sheets;
mod workbook;

pub use self::csv::{parse_csv, read_csv};
pub use intake::{Collect, Sink, Tally};
pub use json::read_json;
pub use layout::{LayoutKind, PassedOver};
pub use piped::piped;
pub use workbook::{WorkbookRead, read_workbook};

use crate::error::{FileError, Location};
use crate::figure::FigureFlag;
use crate::lookup::{Lookup, SubmissionRow};
use crate::source::book::{BookKind, COMPOUND_MAGIC, ZIP_MAGIC, kind_of};
use crate::source::limits::{Limits, read_open_within};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// A submissions file, checked: the rows to write, and those a reviewer should look at twice.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checked {
    pub rows: Vec<SubmissionRow>,
    pub flagged: Vec<Flagged>,
    /// How the table was laid out (JSON records are long).
    pub layout: LayoutKind,
    /// The footer and total rows passed over.
    pub passed_over: PassedOver,
}

/// A submission imported as written, but with a figure that looks wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Flagged {
    /// The county's name.
    pub county: String,
    pub indicator: String,
    /// The figure as written.
    pub value: String,
    pub flags: Vec<FigureFlag>,
}

/// The kinds of file `kaohe import` reads, told apart by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
    // Issue 16: the workbooks counties have beside .xlsx.
    Xls,
    Ods,
    Xlsb,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::Xlsx => "an Excel workbook",
            other => other.book().map_or("a workbook", BookKind::name),
        }
    }

    /// The kind of workbook, if the file is one.
    pub fn book(self) -> Option<BookKind> {
        match self {
            Format::Csv | Format::Json => None,
            Format::Xlsx => Some(BookKind::Xlsx),
            Format::Xls => Some(BookKind::Xls),
            Format::Ods => Some(BookKind::Ods),
            Format::Xlsb => Some(BookKind::Xlsb),
        }
    }

    pub fn is_workbook(self) -> bool {
        self.book().is_some()
    }

    fn of_book(kind: BookKind) -> Format {
        match kind {
            BookKind::Xlsx => Format::Xlsx,
            BookKind::Xls => Format::Xls,
            BookKind::Ods => Format::Ods,
            BookKind::Xlsb => Format::Xlsb,
        }
    }
}

/// A format by the file's first bytes: a zip is a workbook (an .xlsx until its parts are
/// looked at: see [`kind_of`]), a compound file an .xls; JSON by its first character after any
/// byte-order mark and spaces; anything else is CSV. The name of the file is not asked:
/// counties rename.
pub fn detect_format(bytes: &[u8]) -> Format {
    if bytes.starts_with(ZIP_MAGIC) {
        return Format::Xlsx;
    }
    if bytes.starts_with(COMPOUND_MAGIC) {
        return Format::Xls;
    }
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[' | b'{') => Format::Json,
        _ => Format::Csv,
    }
}

/// The format of a file that [`detect_format`] found to be a workbook, told by its content.
fn workbook_format<R: Read + Seek>(reader: &mut R, by_magic: Format) -> Format {
    match kind_of(reader) {
        Ok(Some(kind)) => Format::of_book(kind),
        _ => by_magic,
    }
}

/// A submissions file read and checked whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub checked: Checked,
    pub format: Format,
    /// How a CSV's text was decoded: UTF-8, UTF-16 or GB18030.
    pub encoding: &'static str,
    /// The sheets a workbook's submissions were read from (issue 16).
    pub sheets: Vec<String>,
}

impl Imported {
    /// "sheet 报送表", "sheets 柯城区, 衢江区", or nothing for a file that is no workbook.
    pub fn sheets_read(&self) -> String {
        sheets_words(&self.sheets)
    }
}

/// A submissions file read into a [`Sink`]: what was counted, never the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Streamed {
    pub tally: Tally,
    pub format: Format,
    /// How a CSV's text was decoded: UTF-8, UTF-16 or GB18030.
    pub encoding: &'static str,
    /// The sheets a workbook's submissions were read from.
    pub sheets: Vec<String>,
}

impl Streamed {
    /// "sheet 报送表", "sheets 柯城区, 衢江区", or nothing for a file that is no workbook.
    pub fn sheets_read(&self) -> String {
        sheets_words(&self.sheets)
    }
}

fn sheets_words(sheets: &[String]) -> String {
    match sheets {
        [] => String::new(),
        [one] => format!("sheet {one}"),
        many => format!("sheets {}", many.join(", ")),
    }
}

/// A submissions file opened and measured, before anything more than its first bytes is read
/// from it: a workbook on the disk is kept open (it is read from there), anything else
/// is read whole once its size is known to be within the limit.
#[derive(Debug)]
pub struct SubmissionsFile {
    shown: String,
    format: Format,
    size: u64,
    body: Body,
    limits: Limits,
}

#[derive(Debug)]
enum Body {
    /// A workbook or CSV file on the disk, read where it lies.
    Open(std::fs::File),
    /// The file read whole: text, or a workbook from a pipe (which cannot be read at will).
    Read(Vec<u8>),
}

impl SubmissionsFile {
    /// Opens `path` and tells its format by its first bytes; refuses a file over the limit
    /// for its format before reading more (a workbook's contents are measured by
    /// [`Self::read`]).
    pub fn open(path: &Path, limits: &Limits) -> Result<SubmissionsFile, FileError> {
        let shown = path.display().to_string();
        let cannot =
            |e: std::io::Error| FileError::new(Location::file(&shown), format!("cannot read: {e}"));
        let mut file = std::fs::File::open(path).map_err(cannot)?;
        let metadata = file.metadata().map_err(cannot)?;
        let size = metadata.len();
        // Which limit applies is told by the first bytes.
        // Enough of the head to tell JSON after a run of blank lines from CSV: a CSV on the
        // disk is streamed, JSON read whole.
        let mut magic = [0u8; 4096];
        let got = read_up_to(&mut file, &mut magic).map_err(cannot)?;
        let by_magic = detect_format(&magic[..got]);
        let workbook = by_magic.is_workbook();
        let limit = if workbook {
            limits.workbook_file()
        } else {
            limits.submissions_file()
        };
        limit.check_size(&shown, size)?;
        // A file on the disk is read where it lies, as it streams (JSON is read whole).
        if metadata.is_file() && (workbook || by_magic == Format::Csv) {
            let format = if workbook {
                workbook_format(&mut file, by_magic)
            } else {
                by_magic
            };
            file.seek(SeekFrom::Start(0)).map_err(cannot)?;
            return Ok(SubmissionsFile {
                shown,
                format,
                size,
                body: Body::Open(file),
                limits: *limits,
            });
        }
        let bytes = read_open_within(file, &magic[..got], size, &shown, &limit)?;
        let mut format = detect_format(&bytes);
        if format.is_workbook() {
            format = workbook_format(&mut std::io::Cursor::new(&bytes), format);
        }
        Ok(SubmissionsFile {
            shown,
            format,
            size: bytes.len() as u64,
            body: Body::Read(bytes),
            limits: *limits,
        })
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Reads and checks the whole file, collected: see [`read_submissions`].
    pub fn read(
        &self,
        sheet: Option<&str>,
        lookup: &Lookup,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Imported, FileError> {
        let mut collect = Collect::default();
        let streamed = self.stream(sheet, lookup, &mut collect, progress)?;
        Ok(Imported {
            checked: collect.checked(streamed.tally),
            format: streamed.format,
            encoding: streamed.encoding,
            sheets: streamed.sheets,
        })
    }

    /// Reads and checks the whole file, handing each submission to `sink` as it is checked:
    /// a CSV file on the disk streams, a workbook's sheets stream from the disk (unpacked
    /// into a counter first and refused if its contents are over the limit). Any error
    /// refuses the whole file; what `sink` was handed before it is the caller's to drop.
    pub fn stream(
        &self,
        sheet: Option<&str>,
        lookup: &Lookup,
        sink: &mut dyn Sink,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Streamed, FileError> {
        match &self.body {
            Body::Open(file) if self.format == Format::Csv => {
                check_sheet_option(self.format, sheet, &self.shown)?;
                let (tally, encoding) = csv::stream_csv(file, &self.shown, lookup, sink, progress)?;
                Ok(Streamed {
                    tally,
                    format: self.format,
                    encoding,
                    sheets: Vec::new(),
                })
            }
            Body::Open(file) => {
                let reader = std::io::BufReader::new(file);
                let limit = self.limits.workbook_contents();
                let kind = self.format.book().unwrap_or(BookKind::Xlsx);
                let (tally, sheets) = workbook::stream_workbook(
                    reader,
                    kind,
                    &self.shown,
                    sheet,
                    lookup,
                    &limit,
                    sink,
                    progress,
                )?;
                Ok(Streamed {
                    tally,
                    format: self.format,
                    encoding: "UTF-8",
                    sheets,
                })
            }
            Body::Read(bytes) => stream_within(
                bytes,
                &self.shown,
                sheet,
                lookup,
                &self.limits,
                sink,
                progress,
            ),
        }
    }
}

/// Reads into `buf` until it is full or the file ends; how many bytes were read.
fn read_up_to(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// `--sheet` is for workbooks only.
fn check_sheet_option(format: Format, sheet: Option<&str>, path: &str) -> Result<(), FileError> {
    if sheet.is_some() && !format.is_workbook() {
        return Err(FileError::new(
            Location::file(path),
            format!(
                "--sheet is for Excel workbooks, and this file is {}",
                format.name()
            ),
        ));
    }
    Ok(())
}

/// Reads a submissions file of any format kaohe takes (see [`detect_format`]), held in
/// memory, within the default limits. `sheet` names a workbook's sheet (by default, the
/// sheets [`sheets::choose`] finds). `progress` is told (rows done, rows in all) as rows are checked. Any error
/// refuses the whole file.
pub fn read_submissions(
    bytes: &[u8],
    path: &str,
    sheet: Option<&str>,
    lookup: &Lookup,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Imported, FileError> {
    read_within(bytes, path, sheet, lookup, &Limits::default(), progress)
}

fn read_within(
    bytes: &[u8],
    path: &str,
    sheet: Option<&str>,
    lookup: &Lookup,
    limits: &Limits,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Imported, FileError> {
    let mut collect = Collect::default();
    let streamed = stream_within(bytes, path, sheet, lookup, limits, &mut collect, progress)?;
    Ok(Imported {
        checked: collect.checked(streamed.tally),
        format: streamed.format,
        encoding: streamed.encoding,
        sheets: streamed.sheets,
    })
}

/// A file held in memory (a pipe's, JSON) read into `sink`.
fn stream_within(
    bytes: &[u8],
    path: &str,
    sheet: Option<&str>,
    lookup: &Lookup,
    limits: &Limits,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Streamed, FileError> {
    let mut format = detect_format(bytes);
    if format.is_workbook() {
        format = workbook_format(&mut std::io::Cursor::new(bytes), format);
    }
    check_sheet_option(format, sheet, path)?;
    let mut sheets = Vec::new();
    let (tally, encoding) = match format.book() {
        Some(kind) => {
            let limit = limits.workbook_contents();
            let reader = std::io::Cursor::new(bytes);
            let (tally, read) = workbook::stream_workbook(
                reader, kind, path, sheet, lookup, &limit, sink, progress,
            )?;
            sheets = read;
            (tally, "UTF-8")
        }
        None if format == Format::Json => {
            let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            let text = std::str::from_utf8(bytes).map_err(|e| {
                let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
                let mut at = Location::at_offset(path, valid, valid.len());
                at.column = None;
                FileError::new(at, "the file is not UTF-8 text (JSON is always UTF-8)")
            })?;
            (
                json::read_json_into(text, path, lookup, sink, progress)?,
                "UTF-8",
            )
        }
        None => {
            let (text, encoding) = crate::source::decode::decode_csv(bytes, path)?;
            (
                csv::read_csv_into(&text, path, lookup, sink, progress)?,
                encoding,
            )
        }
    };
    Ok(Streamed {
        tally,
        format,
        encoding,
        sheets,
    })
}

/// The lookup the unit tests check against: the embedded 2014 targets and the counties.
#[cfg(test)]
fn demo_lookup() -> Lookup {
    Lookup::from_parts(
        &crate::catalog::Catalog::embedded_2014().unwrap(),
        &crate::catalog::embedded_counties().unwrap(),
    )
}

/// A CSV parsed against [`demo_lookup`], its error as the user reads it.
#[cfg(test)]
fn parse(text: &str) -> Result<Vec<SubmissionRow>, String> {
    parse_csv(text, "s.csv", &demo_lookup()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_after_blank_lines_is_read_as_json_not_streamed_as_csv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let text = format!(
            "{}[{{\"county\": \"柯城区\", \"indicator\": \"1.2\", \"value\": \"75%\"}}]",
            "\n".repeat(40)
        );
        std::fs::write(&path, text).unwrap();
        let file = SubmissionsFile::open(&path, &Limits::default()).unwrap();
        assert_eq!(file.format(), Format::Json);
        let read = file.read(None, &demo_lookup(), &mut |_, _| {}).unwrap();
        assert_eq!(read.checked.rows.len(), 1);
    }

    #[test]
    fn formats_are_told_by_their_first_bytes() {
        assert_eq!(detect_format(b"PK\x03\x04rest"), Format::Xlsx);
        assert_eq!(detect_format(COMPOUND_MAGIC), Format::Xls);
        assert_eq!(detect_format(b"\xef\xbb\xbf \n [{}]"), Format::Json);
        assert_eq!(detect_format(b"{\"a\":1}"), Format::Json);
        assert_eq!(detect_format(b"county,indicator\n"), Format::Csv);
        assert_eq!(detect_format("县(市、区),指标\n".as_bytes()), Format::Csv);
        assert_eq!(detect_format(b""), Format::Csv);
    }
}
