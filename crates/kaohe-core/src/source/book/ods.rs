//! An .ods spreadsheet (OpenDocument, as LibreOffice, WPS and odfpy write it): its tables,
//! hidden by their style (`table:display="false"`) or not, the active one (`settings.xml`),
//! and a table's cells as `content.xml` streams. A cell says what it holds
//! (`office:value-type`): a percentage is one whatever its value, a date a date; a formula
//! with no value (`table:formula` without `office:value-type`) is told as uncomputed. Rows and
//! cells repeated (`number-rows-repeated`, LibreOffice's million empty rows) are passed over
//! when empty, never laid out one by one.

use super::parts::Parts;
use super::{
    Book, BookKind, Budget, Flow, MERGE_COST, Merge, NumberFormat, SheetCell, SheetInfo, Value,
    Visibility, Visit, damaged, in_sheet, xml,
};
use crate::error::FileError;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashSet;
use std::io::{BufRead, Read, Seek};

const CONTENT: &str = "content.xml";
/// The most rows and columns a sheet has (LibreOffice's and Excel's).
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLUMNS: u32 = 16_384;
/// What a cell laid out takes at the least.
const CELL_COST: u64 = 32;

/// What a walk through a table's rows hands each row that holds something to: the row's
/// number from 0, how many times it repeats, its cells.
type EachRow<'f> = dyn FnMut(u32, u32, &[RawCell]) -> Result<Flow, FileError> + 'f;

pub(super) struct Ods<R: Read + Seek> {
    parts: Parts<R>,
    path: String,
    sheets: Vec<SheetInfo>,
    active: Option<usize>,
    budget: Budget,
}

impl<R: Read + Seek> Ods<R> {
    pub(super) fn open(reader: R, path: &str, budget: Budget) -> Result<Ods<R>, FileError> {
        let mut parts = Parts::open(reader, path)?;
        if !parts.has(CONTENT) {
            return Err(damaged(
                path,
                &"the zip holds no content.xml; it is no OpenDocument spreadsheet",
            ));
        }
        let sheets = list_tables(&mut parts, path)?;
        let active = active_table(&mut parts, path)?
            .and_then(|name| sheets.iter().position(|s| s.name == name));
        Ok(Ods {
            parts,
            path: path.to_string(),
            sheets,
            active,
            budget,
        })
    }

    /// Walks table `sheet`'s rows, handing each row's cells (column, what it holds, how many
    /// rows down it spans) to `row` with the row's number from 0 and how many times it
    /// repeats. The walk stops where `row` says.
    fn walk(&mut self, sheet: usize, row: &mut EachRow<'_>) -> Result<(), FileError> {
        let path = self.path.clone();
        let name = self
            .sheets
            .get(sheet)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let Some(input) = self.parts.part(CONTENT)? else {
            return Ok(());
        };
        let mut reader = xml::reader(input);
        let mut buf = Vec::new();
        let in_sheet = |e: FileError| in_sheet(e, &path, &name);
        let mut table = 0usize;
        let mut row_at = 0u32;
        loop {
            let event = xml::next(&mut reader, &mut buf, &path, CONTENT).map_err(in_sheet)?;
            match event {
                Event::Start(e) if e.name().as_ref() == b"table:table" => {
                    table += 1;
                    if table - 1 != sheet {
                        xml::skip_within(&mut reader, &mut buf, &path, CONTENT)
                            .map_err(in_sheet)?;
                    }
                }
                Event::End(e) if e.name().as_ref() == b"table:table" => return Ok(()),
                Event::Start(e) if e.name().as_ref() == b"table:table-row" => {
                    let repeated = count(&e, b"table:number-rows-repeated");
                    let cells = read_row(&mut reader, &mut buf, &path).map_err(in_sheet)?;
                    if row_at >= MAX_ROWS {
                        return Ok(());
                    }
                    let repeated = repeated.min(MAX_ROWS - row_at);
                    if !cells.is_empty() && row(row_at, repeated, &cells)? == Flow::Stop {
                        return Ok(());
                    }
                    row_at = row_at.saturating_add(repeated);
                }
                // Column definitions, shapes, forms: nothing of the cells.
                Event::Start(e) if table == sheet + 1 && is_aside(e.name().as_ref()) => {
                    xml::skip_within(&mut reader, &mut buf, &path, CONTENT).map_err(in_sheet)?;
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }
}

/// Elements of a table that hold no rows of it.
fn is_aside(name: &[u8]) -> bool {
    matches!(
        name,
        b"table:table-column"
            | b"table:table-columns"
            | b"table:table-header-columns"
            | b"table:table-column-group"
            | b"table:shapes"
            | b"office:forms"
            | b"table:named-expressions"
    )
}

impl<R: Read + Seek> Book for Ods<R> {
    fn kind(&self) -> BookKind {
        BookKind::Ods
    }

    fn sheets(&self) -> &[SheetInfo] {
        &self.sheets
    }

    fn active(&self) -> Option<usize> {
        self.active
    }

    fn merges(&mut self, sheet: usize) -> Result<Vec<Merge>, FileError> {
        let mut budget = self.budget.clone();
        let mut merges = Vec::new();
        self.walk(sheet, &mut |row, repeated, cells| {
            for cell in cells.iter().filter(|c| c.spans.0 > 1 || c.spans.1 > 1) {
                for r in 0..repeated {
                    budget.hold(MERGE_COST, "merged regions")?;
                    let first = (row.saturating_add(r), cell.column);
                    merges.push(Merge {
                        first,
                        last: (
                            first.0.saturating_add(cell.spans.0 - 1),
                            first.1.saturating_add(cell.spans.1 - 1),
                        ),
                    });
                }
            }
            Ok(Flow::Go)
        })?;
        Ok(merges)
    }

    fn cells(&mut self, sheet: usize, visit: &mut dyn Visit) -> Result<(), FileError> {
        // A cell repeated is counted as the cells it stands for, before they are laid out: a
        // row of 16,384 cells repeated a million times is refused at once, not read.
        let mut budget = self.budget.clone();
        self.walk(sheet, &mut |row, repeated, cells| {
            let laid_out = u64::from(repeated).saturating_mul(cells.len() as u64);
            budget.hold(laid_out.saturating_mul(CELL_COST), "repeated cells")?;
            for r in 0..repeated {
                for cell in cells {
                    let at = SheetCell {
                        row: row.saturating_add(r),
                        column: cell.column,
                        value: cell.value.clone(),
                    };
                    if visit.cell(at)? == Flow::Stop {
                        return Ok(Flow::Stop);
                    }
                }
            }
            Ok(Flow::Go)
        })
    }
}

/// A cell that holds something, where it stands in its row.
#[derive(Debug, Clone)]
struct RawCell {
    column: u32,
    value: Value,
    /// Rows and columns it spans (1 each unless merged).
    spans: (u32, u32),
}

/// A number an attribute gives (`number-rows-repeated="3"`), 1 if none.
fn count(e: &BytesStart<'_>, name: &[u8]) -> u32 {
    xml::attr(e, name)
        .and_then(|n| n.trim().parse::<u32>().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(1)
}

/// Reads the inside of a `table:table-row` just started: the cells that hold something.
fn read_row<B: BufRead>(
    reader: &mut quick_xml::Reader<B>,
    buf: &mut Vec<u8>,
    path: &str,
) -> Result<Vec<RawCell>, FileError> {
    let mut cells = Vec::new();
    let mut column = 0u32;
    loop {
        let start = match xml::next(reader, buf, path, CONTENT)? {
            Event::Start(e) => e.into_owned(),
            Event::End(_) => return Ok(cells),
            Event::Eof => return Err(damaged(path, &"its part content.xml ends too soon")),
            _ => continue,
        };
        let name = start.name().as_ref().to_vec();
        if name != b"table:table-cell" && name != b"table:covered-table-cell" {
            xml::skip_within(reader, buf, path, CONTENT)?;
            continue;
        }
        let repeated = count(&start, b"table:number-columns-repeated");
        let text = cell_text(reader, buf, path)?;
        let value = if name == b"table:covered-table-cell" {
            // Under a merged cell: what it holds is not shown.
            Value::Empty
        } else {
            value_of(&start, text)
        };
        if value != Value::Empty && column < MAX_COLUMNS {
            let spans = (
                count(&start, b"table:number-rows-spanned"),
                count(&start, b"table:number-columns-spanned"),
            );
            for c in 0..repeated.min(MAX_COLUMNS - column) {
                cells.push(RawCell {
                    column: column + c,
                    value: value.clone(),
                    spans,
                });
            }
        }
        column = column.saturating_add(repeated);
    }
}

/// A cell's value from its attributes and the text it shows.
fn value_of(e: &BytesStart<'_>, text: String) -> Value {
    let attr = |name: &[u8]| xml::attr(e, name);
    let number = |name: &[u8]| {
        attr(name)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite())
    };
    let kind = attr(b"office:value-type");
    if let Some(formula) = attr(b"table:formula") {
        let computed = match kind.as_deref() {
            None => false,
            Some("float" | "percentage" | "currency") => number(b"office:value").is_some(),
            Some("date") => attr(b"office:date-value").is_some(),
            Some("time") => attr(b"office:time-value").is_some(),
            Some("boolean") => attr(b"office:boolean-value").is_some(),
            Some(_) => true,
        };
        if !computed {
            let formula = formula
                .strip_prefix("of:")
                .or_else(|| formula.strip_prefix("oooc:"))
                .unwrap_or(&formula);
            return Value::Uncomputed(formula.trim_start_matches('=').to_string());
        }
    }
    if attr(b"calcext:value-type").as_deref() == Some("error") {
        return Value::Error(text.trim().to_string());
    }
    match kind.as_deref() {
        Some("float" | "currency") => match number(b"office:value") {
            Some(x) => Value::Number(x, NumberFormat::Plain(None)),
            None => text_value(text),
        },
        Some("percentage") => match number(b"office:value") {
            Some(x) => Value::Number(x, NumberFormat::Percent),
            None => text_value(text),
        },
        Some("date") => match attr(b"office:date-value") {
            Some(date) => Value::Date(date_value(&date)),
            None => text_value(text),
        },
        Some("time") => match attr(b"office:time-value") {
            Some(time) => Value::Date(time_value(&time).unwrap_or(time)),
            None => text_value(text),
        },
        Some("boolean") => Value::Bool(matches!(
            attr(b"office:boolean-value").as_deref(),
            Some("true" | "1")
        )),
        Some("string") => match attr(b"office:string-value") {
            Some(s) => Value::Text(s),
            None => Value::Text(text),
        },
        _ => text_value(text),
    }
}

fn text_value(text: String) -> Value {
    if text.is_empty() {
        Value::Empty
    } else {
        Value::Text(text)
    }
}

/// `2014-05-01T00:00:00` as kaohe shows dates: `2014-05-01`, `2014-05-01 09:30:00`.
fn date_value(date: &str) -> String {
    let date = date.trim();
    let date = date.split('.').next().unwrap_or(date);
    let date = date.strip_suffix("T00:00:00").unwrap_or(date);
    date.replace('T', " ")
}

/// `PT09H30M00S` as `09:30:00`.
fn time_value(time: &str) -> Option<String> {
    let rest = time.trim().strip_prefix("PT")?;
    let (h, rest) = rest.split_once('H')?;
    let (m, rest) = rest.split_once('M')?;
    let s = rest.strip_suffix('S')?;
    let s: f64 = s.parse().ok()?;
    Some(format!(
        "{:02}:{:02}:{:02}",
        h.parse::<u32>().ok()?,
        m.parse::<u32>().ok()?,
        s.round() as u32
    ))
}

/// The text a cell shows: its paragraphs, one a line, with their spaces (`text:s`), tabs and
/// line breaks; its comments (`office:annotation`) left out. The reader is left after the
/// cell's end.
fn cell_text<B: BufRead>(
    reader: &mut quick_xml::Reader<B>,
    buf: &mut Vec<u8>,
    path: &str,
) -> Result<String, FileError> {
    let mut text = String::new();
    let mut depth = 0usize;
    let mut paragraphs = 0usize;
    let mut skipping: Option<usize> = None;
    loop {
        let event = xml::next(reader, buf, path, CONTENT)?;
        match &event {
            Event::Start(e) => {
                depth += 1;
                if skipping.is_some() {
                    continue;
                }
                match e.name().as_ref() {
                    b"office:annotation" => skipping = Some(depth),
                    b"text:p" | b"text:h" => {
                        if paragraphs > 0 {
                            text.push('\n');
                        }
                        paragraphs += 1;
                    }
                    b"text:s" => {
                        let n = count(e, b"text:c").min(1000);
                        text.extend(std::iter::repeat_n(' ', n as usize));
                    }
                    b"text:tab" => text.push('\t'),
                    b"text:line-break" => text.push('\n'),
                    _ => {}
                }
            }
            Event::End(_) => {
                if depth == 0 {
                    return Ok(text);
                }
                if skipping == Some(depth) {
                    skipping = None;
                }
                depth -= 1;
            }
            Event::Eof => return Err(damaged(path, &"its part content.xml ends too soon")),
            other => {
                // Text directly in the cell, between its paragraphs, is layout, not content.
                if skipping.is_none() && depth > 0 {
                    xml::push_text(&mut text, other);
                }
            }
        }
    }
}

/// The tables `content.xml` holds, in order, each hidden if its style says so.
fn list_tables<R: Read + Seek>(
    parts: &mut Parts<R>,
    path: &str,
) -> Result<Vec<SheetInfo>, FileError> {
    let mut hidden_styles: HashSet<String> = HashSet::new();
    let mut tables: Vec<(String, Option<String>)> = Vec::new();
    let Some(input) = parts.part(CONTENT)? else {
        return Ok(Vec::new());
    };
    let mut reader = xml::reader(input);
    let mut buf = Vec::new();
    // The table style being read, if any.
    let mut style: Option<String> = None;
    loop {
        match xml::next(&mut reader, &mut buf, path, CONTENT)? {
            Event::Start(e) => match e.name().as_ref() {
                b"style:style" => {
                    style = (xml::attr(&e, b"style:family").as_deref() == Some("table"))
                        .then(|| xml::attr(&e, b"style:name"))
                        .flatten();
                }
                b"style:table-properties" => {
                    if let (Some(name), Some("false")) =
                        (&style, xml::attr(&e, b"table:display").as_deref())
                    {
                        hidden_styles.insert(name.clone());
                    }
                }
                b"table:table" => {
                    tables.push((
                        xml::attr(&e, b"table:name").unwrap_or_default(),
                        xml::attr(&e, b"table:style-name"),
                    ));
                    xml::skip_within(&mut reader, &mut buf, path, CONTENT)?;
                }
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == b"style:style" => style = None,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(tables
        .into_iter()
        .map(|(name, style)| SheetInfo {
            name,
            visibility: if style.is_some_and(|s| hidden_styles.contains(&s)) {
                Visibility::Hidden
            } else {
                Visibility::Visible
            },
            worksheet: true,
        })
        .collect())
}

/// The table showing when the spreadsheet was saved (`ActiveTable` in `settings.xml`).
fn active_table<R: Read + Seek>(
    parts: &mut Parts<R>,
    path: &str,
) -> Result<Option<String>, FileError> {
    const SETTINGS: &str = "settings.xml";
    let Some(input) = parts.part(SETTINGS)? else {
        return Ok(None);
    };
    let mut reader = xml::reader(input);
    let mut buf = Vec::new();
    loop {
        let active = match xml::next(&mut reader, &mut buf, path, SETTINGS)? {
            Event::Start(e) => {
                e.name().as_ref() == b"config:config-item"
                    && xml::attr(&e, b"config:name").as_deref() == Some("ActiveTable")
            }
            Event::Eof => return Ok(None),
            _ => false,
        };
        if active {
            let name = xml::text_within(&mut reader, &mut buf, path, SETTINGS)?;
            return Ok(Some(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::limits::Limits;
    use std::io::Write;

    #[test]
    fn the_active_table_and_hidden_ones_are_read_as_libreoffice_saves_them() {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("mimetype", options).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("content.xml", options).unwrap();
        zip.write_all("<office:document-content><office:automatic-styles><style:style style:name=\"ta2\" style:family=\"table\"><style:table-properties table:display=\"false\"/></style:style></office:automatic-styles><office:body><office:spreadsheet><table:table table:name=\"旧\" table:style-name=\"ta2\"/><table:table table:name=\"新\" table:style-name=\"ta1\"/><table:table table:name=\"说明\"/></office:spreadsheet></office:body></office:document-content>".as_bytes()).unwrap();
        zip.start_file("settings.xml", options).unwrap();
        zip.write_all("<office:document-settings><config:config-item-map-entry><config:config-item config:name=\"ActiveTable\" config:type=\"string\">新</config:config-item></config:config-item-map-entry></office:document-settings>".as_bytes()).unwrap();
        zip.finish().unwrap();
        let bytes = out.into_inner();
        let budget = Budget::new("s.ods", &Limits::default().workbook_contents());
        let book = Ods::open(std::io::Cursor::new(bytes), "s.ods", budget).unwrap();
        let shown: Vec<(&str, bool)> = book
            .sheets()
            .iter()
            .map(|s| (s.name.as_str(), s.visible()))
            .collect();
        assert_eq!(shown, [("旧", false), ("新", true), ("说明", true)]);
        assert_eq!(book.active(), Some(1));
    }

    #[test]
    fn dates_and_times_read_as_kaohe_shows_them() {
        assert_eq!(date_value("2014-05-01T00:00:00"), "2014-05-01");
        assert_eq!(date_value("2014-05-01"), "2014-05-01");
        assert_eq!(date_value("2014-05-01T09:30:00.5"), "2014-05-01 09:30:00");
        assert_eq!(time_value("PT09H30M00S").as_deref(), Some("09:30:00"));
        assert_eq!(time_value("PT9H5M7.6S").as_deref(), Some("09:05:08"));
        assert_eq!(time_value("9:30"), None);
    }
}
