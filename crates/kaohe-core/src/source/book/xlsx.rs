//! An .xlsx workbook (Office Open XML, as Excel, WPS, LibreOffice and openpyxl write it): its
//! sheets, hidden or not, and the one active (`xl/workbook.xml`), its shared strings, its
//! cell styles' number formats (`xl/styles.xml`), and a sheet's cells as its XML streams,
//! each with its style's format. A formula cell with no value (`<f>` without `<v>`, as
//! openpyxl writes one) is told as uncomputed.

use super::numfmt::{NumberFormat, date_text};
use super::parts::Parts;
use super::{
    Book, BookKind, Budget, Flow, MERGE_COST, Merge, STRING_COST, SheetCell, SheetInfo, Value,
    Visibility, Visit, cell_ref_bytes, damaged, in_sheet, range_ref, sheet_damaged, unescape_excel,
    xml,
};
use crate::error::{FileError, Location};
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::{Read, Seek};

pub(super) struct Xlsx<R: Read + Seek> {
    parts: Parts<R>,
    path: String,
    sheets: Vec<SheetInfo>,
    /// Each sheet's part, if it has one.
    sheet_parts: Vec<Option<String>>,
    active: Option<usize>,
    strings: Vec<String>,
    /// Each cell style's number format; `None` when the workbook has no styles.
    styles: Option<Vec<NumberFormat>>,
    in_1904: bool,
    budget: Budget,
}

impl<R: Read + Seek> Xlsx<R> {
    pub(super) fn open(reader: R, path: &str, mut budget: Budget) -> Result<Xlsx<R>, FileError> {
        let mut parts = Parts::open(reader, path)?;
        let root = parts.relationships("")?;
        let main = root
            .of_kind("officeDocument")
            .unwrap_or("xl/workbook.xml")
            .to_string();
        if !parts.has(&main) {
            return Err(damaged(
                path,
                &format!("the zip holds no workbook ({main}); it is no Excel file"),
            ));
        }
        let rels = parts.relationships(&main)?;
        let listed = read_workbook(&mut parts, path, &main)?;
        let mut sheets = Vec::new();
        let mut sheet_parts = Vec::new();
        for sheet in listed.sheets {
            let target = sheet.id.as_deref().and_then(|id| rels.get(id));
            let worksheet = target.is_some_and(|(kind, _)| kind == "worksheet");
            sheet_parts.push(target.map(|(_, part)| part.clone()));
            sheets.push(SheetInfo {
                name: sheet.name,
                visibility: sheet.visibility,
                worksheet,
            });
        }
        let active = listed.active.filter(|&a| a < sheets.len());
        let strings_part = rels
            .of_kind("sharedStrings")
            .map(str::to_string)
            .or_else(|| {
                parts
                    .has("xl/sharedStrings.xml")
                    .then(|| "xl/sharedStrings.xml".to_string())
            });
        let strings = match strings_part {
            Some(part) => read_strings(&mut parts, path, &part, &mut budget)?,
            None => Vec::new(),
        };
        let styles = match rels.of_kind("styles").map(str::to_string) {
            Some(part) => read_styles(&mut parts, path, &part, &mut budget)?,
            None => None,
        };
        Ok(Xlsx {
            parts,
            path: path.to_string(),
            sheets,
            sheet_parts,
            active,
            strings,
            styles,
            in_1904: listed.in_1904,
            budget,
        })
    }

    /// Sheet `sheet`'s part, or `None` if it has none (a chart sheet).
    fn sheet_part(&self, sheet: usize) -> Result<Option<String>, FileError> {
        let Some(info) = self.sheets.get(sheet) else {
            return Ok(None);
        };
        if !info.worksheet {
            return Ok(None);
        }
        match self.sheet_parts.get(sheet).cloned().flatten() {
            Some(part) if self.parts.has(&part) => Ok(Some(part)),
            _ => Err(sheet_damaged(
                &self.path,
                &info.name,
                &"the workbook lists it, but holds no part for it",
            )),
        }
    }
}

/// What a cell's value is read with: the workbook's shared strings and styles.
struct Context<'a> {
    path: &'a str,
    strings: &'a [String],
    styles: Option<&'a [NumberFormat]>,
    in_1904: bool,
}

impl Context<'_> {
    /// A cell's value from what its XML said.
    fn value(&self, cell: &RawCell, at: (u32, u32), sheet: &str) -> Result<Value, FileError> {
        let bad = |what: String| {
            FileError::new(
                Location::cell(self.path, sheet, at.0, at.1),
                format!("cannot read the cell: {what}"),
            )
        };
        // A formula with nothing computed: no value at all, or an empty one where only a
        // text result may be empty.
        if let Some(formula) = &cell.formula {
            let text_result = matches!(cell.kind, Kind::Text | Kind::Inline);
            if !cell.has_value || (cell.value.is_empty() && !text_result) {
                return Ok(Value::Uncomputed(formula.clone()));
            }
        }
        if cell.kind == Kind::Inline {
            return Ok(Value::Text(match &cell.inline {
                Some(text) => text.clone(),
                None => unescape_excel(cell.value.clone()),
            }));
        }
        if !cell.has_value {
            return Ok(Value::Empty);
        }
        let v = cell.value.as_str();
        Ok(match cell.kind {
            Kind::Shared => {
                let index: usize = v
                    .trim()
                    .parse()
                    .map_err(|_| bad(format!("\"{v}\" is no shared string's number")))?;
                let text = self.strings.get(index).ok_or_else(|| {
                    bad(format!(
                        "it names shared string {index}, and the workbook has {}",
                        self.strings.len()
                    ))
                })?;
                Value::Text(text.clone())
            }
            Kind::Text | Kind::Inline => Value::Text(unescape_excel(v.to_string())),
            Kind::Bool => Value::Bool(matches!(v.trim(), "1" | "true")),
            Kind::Error => Value::Error(v.trim().to_string()),
            Kind::Date => Value::Date(iso_date(v)),
            Kind::Number => {
                if v.trim().is_empty() {
                    return Ok(Value::Empty);
                }
                let number: f64 = v
                    .trim()
                    .parse()
                    .ok()
                    .filter(|x: &f64| x.is_finite())
                    .ok_or_else(|| bad(format!("\"{v}\" is not a number")))?;
                let format = match self.styles {
                    None => NumberFormat::Unknown,
                    Some(styles) => cell
                        .style
                        .and_then(|s| styles.get(s))
                        .cloned()
                        .unwrap_or(NumberFormat::Unknown),
                };
                match format {
                    NumberFormat::Date => match date_text(number, self.in_1904) {
                        Some(date) => Value::Date(date),
                        None => Value::Number(number, NumberFormat::Plain(None)),
                    },
                    format => Value::Number(number, format),
                }
            }
        })
    }
}

impl<R: Read + Seek> Book for Xlsx<R> {
    fn kind(&self) -> BookKind {
        BookKind::Xlsx
    }

    fn sheets(&self) -> &[SheetInfo] {
        &self.sheets
    }

    fn active(&self) -> Option<usize> {
        self.active
    }

    fn merges(&mut self, sheet: usize) -> Result<Vec<Merge>, FileError> {
        let Some(part) = self.sheet_part(sheet)? else {
            return Ok(Vec::new());
        };
        let path = self.path.clone();
        // What this sheet's merges take, beside what the workbook already holds.
        let mut budget = self.budget.clone();
        let mut merges = Vec::new();
        let Some(input) = self.parts.part(&part)? else {
            return Ok(merges);
        };
        let mut reader = xml::reader(input);
        let mut buf = Vec::new();
        loop {
            match xml::next(&mut reader, &mut buf, &path, &part)? {
                Event::Start(e) if e.local_name().as_ref() == b"mergeCell" => {
                    if let Some(merge) = xml::attr(&e, b"ref").as_deref().and_then(range_ref) {
                        budget.hold(MERGE_COST, "merged regions")?;
                        merges.push(merge);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(merges)
    }

    fn cells(&mut self, sheet: usize, visit: &mut dyn Visit) -> Result<(), FileError> {
        let Some(part) = self.sheet_part(sheet)? else {
            return Ok(());
        };
        let name = self.sheets[sheet].name.clone();
        let Xlsx {
            parts,
            path,
            strings,
            styles,
            in_1904,
            ..
        } = self;
        let context = Context {
            path,
            strings,
            styles: styles.as_deref(),
            in_1904: *in_1904,
        };
        let Some(input) = parts.part(&part)? else {
            return Ok(());
        };
        let mut reader = xml::reader(input);
        let mut buf = Vec::new();
        let mut in_data = false;
        // Where the next row and cell are, for a file that leaves out their references.
        let (mut row, mut column) = (0u32, 0u32);
        let in_sheet = |e: FileError| in_sheet(e, path, &name);
        // One cell's XML, read into the same buffers cell after cell.
        let mut raw = RawCell::default();
        loop {
            let event = xml::next(&mut reader, &mut buf, path, &part).map_err(in_sheet)?;
            match event {
                Event::Start(e) => match e.local_name().as_ref() {
                    b"dimension" if !in_data => {
                        if let Some(range) = xml::attr(&e, b"ref").as_deref().and_then(range_ref) {
                            visit.rows(u64::from(range.last.0 - range.first.0) + 1);
                        }
                    }
                    b"sheetData" => in_data = true,
                    b"row" if in_data => {
                        let r = e
                            .attributes()
                            .with_checks(false)
                            .flatten()
                            .find(|a| a.key.as_ref() == b"r");
                        if let Some(r) = r {
                            row = std::str::from_utf8(&r.value)
                                .ok()
                                .and_then(|r| r.trim().parse::<u32>().ok())
                                .and_then(|r| r.checked_sub(1))
                                .ok_or_else(|| {
                                    let r = String::from_utf8_lossy(&r.value);
                                    sheet_damaged(path, &name, &format!("row number \"{r}\""))
                                })?;
                        }
                        column = 0;
                    }
                    b"c" if in_data => {
                        raw.clear();
                        let mut at = None;
                        for a in e.attributes().with_checks(false).flatten() {
                            match a.key.as_ref() {
                                b"r" => {
                                    at = Some(cell_ref_bytes(&a.value).ok_or_else(|| {
                                        let r = String::from_utf8_lossy(&a.value);
                                        sheet_damaged(
                                            path,
                                            &name,
                                            &format!("cell reference \"{r}\""),
                                        )
                                    })?);
                                }
                                b"s" => {
                                    raw.style = std::str::from_utf8(&a.value)
                                        .ok()
                                        .and_then(|s| s.trim().parse().ok());
                                }
                                b"t" => raw.kind = Kind::of(&a.value),
                                _ => {}
                            }
                        }
                        read_cell(&mut reader, &mut buf, path, &part, &mut raw)
                            .map_err(in_sheet)?;
                        let at = at.unwrap_or((row, column));
                        column = at.1.saturating_add(1);
                        let value = context.value(&raw, at, &name)?;
                        // A cell with a style and nothing in it is no cell to read.
                        if value == Value::Empty {
                            continue;
                        }
                        let cell = SheetCell {
                            row: at.0,
                            column: at.1,
                            value,
                        };
                        if visit.cell(cell)? == Flow::Stop {
                            return Ok(());
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    b"row" if in_data => row = row.saturating_add(1),
                    b"sheetData" => break,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(())
    }
}

/// A cell's type, as its `t` attribute says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Kind {
    /// A number (`n`, or no `t`).
    #[default]
    Number,
    /// A shared string's number (`s`).
    Shared,
    /// A formula's text (`str`).
    Text,
    /// A text kept in the cell (`inlineStr`).
    Inline,
    Bool,
    Error,
    /// An ISO 8601 date (`d`).
    Date,
}

impl Kind {
    fn of(t: &[u8]) -> Kind {
        match t {
            b"s" => Kind::Shared,
            b"str" => Kind::Text,
            b"inlineStr" => Kind::Inline,
            b"b" => Kind::Bool,
            b"e" => Kind::Error,
            b"d" => Kind::Date,
            _ => Kind::Number,
        }
    }
}

/// What a `<c>` element said: its style and type and what it holds.
#[derive(Debug, Default)]
struct RawCell {
    style: Option<usize>,
    kind: Kind,
    /// Its `<v>`, if it has one (kept as written: a number's digits, a shared string's
    /// number, a formula's text result).
    has_value: bool,
    value: String,
    formula: Option<String>,
    inline: Option<String>,
}

impl RawCell {
    fn clear(&mut self) {
        self.style = None;
        self.kind = Kind::Number;
        self.has_value = false;
        self.value.clear();
        self.formula = None;
        self.inline = None;
    }
}

/// The elements within a `<c>` that say what it holds.
enum Within {
    Value,
    Formula,
    Inline,
    Other,
}

/// Reads the inside of a `<c>` just started, to its end.
fn read_cell<B: std::io::BufRead>(
    reader: &mut quick_xml::Reader<B>,
    buf: &mut Vec<u8>,
    path: &str,
    part: &str,
    raw: &mut RawCell,
) -> Result<(), FileError> {
    loop {
        let within = match xml::next(reader, buf, path, part)? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"v" => Within::Value,
                b"f" => Within::Formula,
                b"is" => Within::Inline,
                _ => Within::Other,
            },
            Event::End(_) => return Ok(()),
            Event::Eof => return Err(damaged(path, &format!("its part {part} ends too soon"))),
            _ => continue,
        };
        match within {
            Within::Value => {
                xml::text_into(reader, buf, path, part, &mut raw.value)?;
                raw.has_value = true;
            }
            Within::Formula => {
                let f = xml::text_within(reader, buf, path, part)?;
                raw.formula = Some(unescape_excel(f));
            }
            Within::Inline => {
                let text = xml::runs_within(reader, buf, path, part)?;
                raw.inline = Some(unescape_excel(text));
            }
            Within::Other => xml::skip_within(reader, buf, path, part)?,
        }
    }
}

/// A `t="d"` cell's ISO 8601 date as kaohe shows dates: `2014-05-01`, `2014-05-01 09:30:00`.
fn iso_date(v: &str) -> String {
    let v = v.trim().trim_end_matches('Z');
    let v = v.strip_suffix("T00:00:00").unwrap_or(v);
    let v = v.split('.').next().unwrap_or(v);
    v.replace('T', " ")
}

/// What `xl/workbook.xml` lists.
#[derive(Debug, Default)]
struct Listed {
    sheets: Vec<Listing>,
    active: Option<usize>,
    in_1904: bool,
}

#[derive(Debug)]
struct Listing {
    name: String,
    visibility: Visibility,
    /// Its relationship's id.
    id: Option<String>,
}

fn read_workbook<R: Read + Seek>(
    parts: &mut Parts<R>,
    path: &str,
    part: &str,
) -> Result<Listed, FileError> {
    let mut listed = Listed::default();
    let Some(input) = parts.part(part)? else {
        return Ok(listed);
    };
    let mut reader = xml::reader(input);
    let mut buf = Vec::new();
    let mut first_view = true;
    loop {
        match xml::next(&mut reader, &mut buf, path, part)? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"workbookPr" => {
                    listed.in_1904 =
                        matches!(xml::attr(&e, b"date1904").as_deref(), Some("1" | "true"));
                }
                b"workbookView" if first_view => {
                    first_view = false;
                    listed.active = Some(
                        xml::attr(&e, b"activeTab")
                            .and_then(|a| a.trim().parse().ok())
                            .unwrap_or(0),
                    );
                }
                b"sheet" => listed.sheets.push(Listing {
                    name: xml::attr(&e, b"name").unwrap_or_default(),
                    visibility: match xml::attr(&e, b"state").as_deref() {
                        Some("hidden") => Visibility::Hidden,
                        Some("veryHidden") => Visibility::VeryHidden,
                        _ => Visibility::Visible,
                    },
                    id: xml::prefixed_attr(&e, b"id"),
                }),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(listed)
}

/// The shared strings, each counted against the budget as it is held.
fn read_strings<R: Read + Seek>(
    parts: &mut Parts<R>,
    path: &str,
    part: &str,
    budget: &mut Budget,
) -> Result<Vec<String>, FileError> {
    let mut strings = Vec::new();
    let Some(input) = parts.part(part)? else {
        return Ok(strings);
    };
    let mut reader = xml::reader(input);
    let mut buf = Vec::new();
    loop {
        let si = match xml::next(&mut reader, &mut buf, path, part)? {
            Event::Start(e) => e.local_name().as_ref() == b"si",
            Event::Eof => break,
            _ => false,
        };
        if si {
            let text = unescape_excel(xml::runs_within(&mut reader, &mut buf, path, part)?);
            budget.hold(text.len() as u64 + STRING_COST, "shared strings")?;
            strings.push(text);
        }
    }
    Ok(strings)
}

/// Each cell style's number format (`cellXfs`), from its format's id: a code the workbook
/// gives (`numFmts`), or one of Excel's built in.
fn read_styles<R: Read + Seek>(
    parts: &mut Parts<R>,
    path: &str,
    part: &str,
    budget: &mut Budget,
) -> Result<Option<Vec<NumberFormat>>, FileError> {
    let Some(input) = parts.part(part)? else {
        return Ok(None);
    };
    let mut reader = xml::reader(input);
    let mut buf = Vec::new();
    let mut codes: HashMap<u32, NumberFormat> = HashMap::new();
    let mut ids: Vec<u32> = Vec::new();
    let mut in_cell_xfs = false;
    loop {
        match xml::next(&mut reader, &mut buf, path, part)? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"numFmt" => {
                    let id = xml::attr(&e, b"numFmtId").and_then(|i| i.trim().parse().ok());
                    if let (Some(id), Some(code)) = (id, xml::attr(&e, b"formatCode")) {
                        budget.hold(code.len() as u64 + STRING_COST, "styles")?;
                        codes.insert(id, NumberFormat::of_code(&code));
                    }
                }
                b"cellXfs" => in_cell_xfs = true,
                b"xf" if in_cell_xfs => {
                    budget.hold(16, "styles")?;
                    ids.push(
                        xml::attr(&e, b"numFmtId")
                            .and_then(|i| i.trim().parse().ok())
                            .unwrap_or(0),
                    );
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == b"cellXfs" => in_cell_xfs = false,
            Event::Eof => break,
            _ => {}
        }
    }
    let formats = ids
        .into_iter()
        .map(|id| {
            codes
                .get(&id)
                .cloned()
                .unwrap_or_else(|| NumberFormat::builtin(id))
        })
        .collect();
    Ok(Some(formats))
}
