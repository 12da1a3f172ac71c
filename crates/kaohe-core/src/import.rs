//! County submissions in: CSV, an Excel workbook (.xlsx) or kaohe's own JSON export, checked
//! whole before anything is written. One table checker serves all three; only the places named
//! in errors differ (a CSV line, a sheet's cell, a JSON record's line).

use crate::error::{FileError, LineCounter, Location, column_letters};
use crate::figure::{
    Figure, FigureFlag, MAX_FIGURE, figure_flags, parse_amount, parse_figure, readable_for,
    too_large,
};
use crate::lookup::{Lookup, SubmissionRow};
use crate::model::{Submission, format_number};
use crate::source::csv::{check_row_length, csv_error, csv_reader, csv_text, record_line};
use std::collections::HashMap;

/// The columns of a submissions file, and the header names that mean each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    County,
    Indicator,
    Value,
    Numerator,
    Denominator,
    Evidence,
    Remark,
}

impl Column {
    const ALL: [Column; 7] = [
        Column::County,
        Column::Indicator,
        Column::Value,
        Column::Numerator,
        Column::Denominator,
        Column::Evidence,
        Column::Remark,
    ];

    fn name(self) -> &'static str {
        match self {
            Column::County => "county",
            Column::Indicator => "indicator",
            Column::Value => "value",
            Column::Numerator => "numerator",
            Column::Denominator => "denominator",
            Column::Evidence => "evidence",
            Column::Remark => "remark",
        }
    }

    /// Header names counties actually write, in English or Chinese, the likeliest meaning
    /// first: where a sheet has two of them, the first is taken (see [`Checker::new`]).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::County => &[
                "county",
                "县(市、区)",
                "县（市、区）",
                "县市区",
                "地区",
                "单位",
            ],
            // 指标编号 is the id; 指标 beside it is the indicator's name.
            Column::Indicator => &["indicator", "指标编号", "指标"],
            Column::Value => &["value", "完成值", "数值", "完成情况"],
            Column::Numerator => &["numerator", "分子"],
            Column::Denominator => &["denominator", "分母"],
            Column::Evidence => &["evidence", "佐证材料"],
            Column::Remark => &["remark", "说明", "备注"],
        }
    }

    fn of_header(header: &str) -> Option<Column> {
        Column::of_header_ranked(header).map(|(c, _)| c)
    }

    /// The column a header names, and how likely a name of it that header is (0 likeliest).
    fn of_header_ranked(header: &str) -> Option<(Column, usize)> {
        let h = header.trim();
        Column::ALL.into_iter().find_map(|c| {
            c.aliases()
                .iter()
                .position(|a| a.eq_ignore_ascii_case(h))
                .map(|rank| (c, rank))
        })
    }
}

/// Columns a submissions file may carry that kaohe does not read: those of its own export,
/// and the descriptive columns counties' sheets have. Any other column is refused, so that a
/// misspelt header (valeu, evidance) never silently drops a county's figures.
const IGNORED_COLUMNS: &[&str] = &[
    "value_number",
    "suggested",
    "verdict",
    "note",
    "reviewer",
    "reviewed_at",
    "changed_since_review",
    "flags",
    "序号",
    "指标名称",
    "指标内容",
    "考核内容",
    "目标值",
    "考核要求",
];

/// The code column of kaohe's own workbook export (`export --format xlsx`), which marks its
/// layout: there 备注 is the reviewer's note beside the county's 说明, and 指标 the indicator's
/// short name beside 指标编号, so its columns are read by this table, not the aliases.
const OWN_WORKBOOK_CODE: &str = "县(市、区)代码";

const OWN_WORKBOOK: &[(&str, Option<Column>)] = &[
    ("县(市、区)", None),
    ("指标编号", Some(Column::Indicator)),
    ("指标", None),
    ("要求", None),
    ("报送值", Some(Column::Value)),
    ("说明", Some(Column::Remark)),
    ("建议评定", None),
    ("评定", None),
    ("备注", None),
    ("评定人", None),
    ("评定时间", None),
    ("评定后数据已变", None),
    ("自动检查", None),
];

/// One cell as read: CSV and JSON give text; a workbook also gives numbers and error values.
#[derive(Debug, Clone, Default, PartialEq)]
struct Cell {
    text: String,
    kind: CellKind,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum CellKind {
    #[default]
    Text,
    /// A spreadsheet's number cell, written out as text.
    Number,
    /// A spreadsheet's error value (#DIV/0!), never a figure.
    Error,
}

impl Cell {
    fn text(s: &str) -> Cell {
        Cell {
            text: s.trim().to_string(),
            kind: CellKind::Text,
        }
    }
}

/// A submissions file, checked: the rows to write, and those a reviewer should look at twice.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checked {
    pub rows: Vec<SubmissionRow>,
    pub flagged: Vec<Flagged>,
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

/// How errors name places: lines of a text (CSV, JSON) or cells of a sheet.
#[derive(Debug, Clone, Copy)]
enum Places<'a> {
    Lines {
        path: &'a str,
    },
    Sheet {
        path: &'a str,
        sheet: &'a str,
        first_column: u32,
    },
}

impl Places<'_> {
    /// Row `row` (a line, or a sheet's row, from 1); for a sheet, the cell of `column` in it.
    fn at(&self, row: u64, column: Option<usize>) -> Location {
        match *self {
            Places::Lines { path } => Location::line(path, row),
            Places::Sheet {
                path,
                sheet,
                first_column,
            } => match column {
                Some(c) => Location::cell(
                    path,
                    sheet,
                    u32::try_from(row.saturating_sub(1)).unwrap_or(u32::MAX),
                    first_column.saturating_add(u32::try_from(c).unwrap_or(u32::MAX)),
                ),
                None => Location::sheet_row(path, sheet, row),
            },
        }
    }

    fn whole(&self) -> Location {
        match *self {
            Places::Lines { path } => Location::file(path),
            Places::Sheet { path, sheet, .. } => Location::sheet(path, sheet),
        }
    }

    fn column_label(&self, index: usize) -> String {
        match *self {
            Places::Lines { .. } => (index + 1).to_string(),
            Places::Sheet { first_column, .. } => column_letters(
                first_column.saturating_add(u32::try_from(index).unwrap_or(u32::MAX)),
            ),
        }
    }

    fn row_word(&self) -> &'static str {
        match self {
            Places::Lines { .. } => "line",
            Places::Sheet { .. } => "row",
        }
    }
}

/// The checks every submissions table goes through, whatever file it came from: its header
/// resolved to columns, then each row's county, indicator, amounts and figure.
struct Checker<'a> {
    lookup: &'a Lookup,
    places: Places<'a>,
    /// Where each column is, by `Column as usize`.
    columns: [Option<usize>; 7],
    /// More columns whose text joins the remark: a second of 说明/备注, and a 完成情况 beside a
    /// 完成值 (words about the figure).
    more_remarks: Vec<usize>,
    /// (county code, indicator) → the row it was first given on.
    seen: HashMap<(String, String), u64>,
    any_row: bool,
    checked: Checked,
}

impl<'a> Checker<'a> {
    fn new(
        lookup: &'a Lookup,
        places: Places<'a>,
        headers: &[String],
        header_row: u64,
    ) -> Result<Checker<'a>, FileError> {
        let at = |column: Option<usize>| places.at(header_row, column);
        let mut columns: [Option<usize>; 7] = [None; 7];
        let mut ranks: [usize; 7] = [0; 7];
        let mut more_remarks = Vec::new();
        let mut county_code_column = None;
        let own_workbook = headers.iter().any(|h| h.trim() == OWN_WORKBOOK_CODE);
        for (index, header) in headers.iter().enumerate() {
            let header = header.trim();
            if header == "county_code" || header == OWN_WORKBOOK_CODE {
                // An export carries county_code beside county (the name): the code is the key.
                county_code_column = Some(index);
                continue;
            }
            let own = own_workbook
                .then(|| OWN_WORKBOOK.iter().find(|(h, _)| *h == header))
                .flatten();
            let (column, rank) = match own {
                Some((_, None)) => continue,
                Some((_, Some(column))) => (Some(*column), 0),
                None => match Column::of_header_ranked(header) {
                    Some((c, rank)) => (Some(c), rank),
                    None => (None, 0),
                },
            };
            let Some(column) = column else {
                if IGNORED_COLUMNS.contains(&header) || header.is_empty() {
                    continue;
                }
                return Err(FileError::new(
                    at(Some(index)),
                    format!(
                        "unknown column \"{header}\" (column {}); the columns are county, indicator, value, numerator, denominator, evidence, remark",
                        places.column_label(index)
                    ),
                ));
            };
            if let Some(other) = columns[column as usize] {
                // Two names of one column, as counties' sheets have them: the likelier is the
                // column; the other is a name beside an id (指标, 地区), or words that join the
                // remark (说明 and 备注; 完成情况 beside 完成值).
                // The less likely name of the two, and whether it may stand beside the other:
                // 指标 (a name) beside an id, 完成情况 (words) beside a figure, 单位 (a unit of
                // measure) beside the county, and any two remarks. Two figures or two ids are
                // a mistake.
                let lesser = rank.max(ranks[column as usize]);
                let lesser_name = column.aliases().get(lesser).copied().unwrap_or("");
                let folds = rank != ranks[column as usize]
                    && match column {
                        Column::Remark => true,
                        Column::Value => lesser_name == "完成情况",
                        Column::Indicator => lesser_name == "指标",
                        Column::County => lesser_name == "单位",
                        _ => false,
                    };
                if folds {
                    let passed_over = if rank < ranks[column as usize] {
                        columns[column as usize] = Some(index);
                        ranks[column as usize] = rank;
                        other
                    } else {
                        index
                    };
                    if matches!(column, Column::Remark | Column::Value) {
                        more_remarks.push(passed_over);
                    }
                    continue;
                }
                return Err(FileError::new(
                    at(Some(index)),
                    format!(
                        "columns {} and {} both give the {}",
                        places.column_label(other),
                        places.column_label(index),
                        column.name()
                    ),
                ));
            }
            columns[column as usize] = Some(index);
            ranks[column as usize] = rank;
        }
        // The joined remark reads in the sheet's order.
        more_remarks.sort_unstable();
        if let Some(index) = county_code_column {
            columns[Column::County as usize] = Some(index);
        }
        for required in [Column::County, Column::Indicator] {
            if columns[required as usize].is_none() {
                return Err(FileError::new(
                    at(None),
                    format!(
                        "missing column \"{}\" (the header has: {})",
                        required.name(),
                        headers.join(",")
                    ),
                ));
            }
        }
        if columns[Column::Value as usize].is_none()
            && (columns[Column::Numerator as usize].is_none()
                || columns[Column::Denominator as usize].is_none())
        {
            return Err(FileError::new(
                at(None),
                "missing column \"value\" (or both \"numerator\" and \"denominator\")",
            ));
        }
        Ok(Checker {
            lookup,
            places,
            columns,
            more_remarks,
            seen: HashMap::new(),
            any_row: false,
            checked: Checked::default(),
        })
    }

    /// The remark column's text with that of the columns joining it, in the sheet's order.
    fn remark(&self, cells: &[Cell], remark: &Cell) -> String {
        if self.more_remarks.is_empty() {
            return remark.text.clone();
        }
        let mut at: Vec<usize> = self.more_remarks.clone();
        at.extend(self.columns[Column::Remark as usize]);
        at.sort_unstable();
        at.iter()
            .filter_map(|&i| cells.get(i))
            .map(|c| c.text.as_str())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("；")
    }

    /// Checks one row; a row with nothing in it is passed over.
    fn row(&mut self, row: u64, cells: &[Cell]) -> Result<(), FileError> {
        if cells
            .iter()
            .all(|c| c.text.is_empty() && c.kind != CellKind::Error)
        {
            return Ok(());
        }
        self.any_row = true;
        let (lookup, places, columns) = (self.lookup, self.places, self.columns);
        let empty = Cell::default();
        let cell = |c: Column| {
            columns[c as usize]
                .and_then(|i| cells.get(i))
                .unwrap_or(&empty)
        };
        let fail = |c: Column, message: String| {
            FileError::new(places.at(row, columns[c as usize]), message)
        };
        for c in Column::ALL {
            let x = cell(c);
            if x.kind == CellKind::Error {
                return Err(fail(
                    c,
                    format!("the cell holds the error {} (column {})", x.text, c.name()),
                ));
            }
        }

        let county_key = &cell(Column::County).text;
        if county_key.is_empty() {
            return Err(fail(Column::County, "the county is empty".into()));
        }
        let county = lookup.county(county_key).ok_or_else(|| {
            fail(
                Column::County,
                format!("unknown county \"{county_key}\" (column county)"),
            )
        })?;
        let indicator_cell = cell(Column::Indicator);
        let indicator_id = indicator_cell.text.clone();
        if indicator_id.is_empty() {
            return Err(fail(
                Column::Indicator,
                format!("county {county_key}: the indicator is empty"),
            ));
        }
        let unit = lookup.indicator(&indicator_id).ok_or_else(|| {
            fail(
                Column::Indicator,
                format!(
                    "unknown indicator \"{indicator_id}\" (column indicator, county {county_key})"
                ),
            )
        })?;
        // A number cell keeps no trailing zero: 1.10 typed into one reads back as 1.1.
        let longer = || format!("{indicator_id}0");
        if indicator_cell.kind == CellKind::Number
            && indicator_id.contains('.')
            && lookup.indicator(&longer()).is_some()
        {
            let longer = longer();
            return Err(fail(
                Column::Indicator,
                format!(
                    "the indicator is the number {indicator_id}, which cannot tell {indicator_id} from {longer} (county {county_key}); give it as text (\"{longer}\" or \"{indicator_id}\"; in a workbook, format the column as text)"
                ),
            ));
        }
        let key = (county.code.clone(), indicator_id.clone());
        if let Some(first) = self.seen.get(&key) {
            return Err(fail(
                Column::Indicator,
                format!(
                    "county {county_key} indicator {indicator_id} is given twice (first on {} {first})",
                    places.row_word()
                ),
            ));
        }
        // Named only in a message: not formatted for every good row.
        let item = || format!("county {county_key}, indicator {indicator_id}");
        let amount = |c: Column| -> Result<Option<f64>, FileError> {
            let raw = &cell(c).text;
            if raw.is_empty() {
                return Ok(None);
            }
            parse_amount(raw).map(Some).ok_or_else(|| {
                let why = if too_large(raw) {
                    "is too large"
                } else {
                    "is not a number"
                };
                fail(c, format!("{} \"{raw}\" {why} ({})", c.name(), item()))
            })
        };
        let numerator = amount(Column::Numerator)?;
        let denominator = amount(Column::Denominator)?;
        if let Some(d) = denominator {
            if d == 0.0 {
                return Err(fail(
                    Column::Denominator,
                    format!("the denominator is zero ({})", item()),
                ));
            }
            if d < 0.0 {
                return Err(fail(
                    Column::Denominator,
                    format!("the denominator is negative ({})", item()),
                ));
            }
        }
        let value_cell = cell(Column::Value);
        let submission = Submission {
            value_number: None,
            value: value_cell.text.clone(),
            numerator,
            denominator,
            evidence: cell(Column::Evidence).text.clone(),
            remark: self.remark(cells, cell(Column::Remark)),
            bare_fraction: false,
        };
        if submission.value.is_empty()
            && numerator.is_none()
            && denominator.is_none()
            && submission.evidence.is_empty()
            && submission.remark.is_empty()
        {
            return Ok(());
        }
        let figure = parse_figure(&submission.value);
        let value_number = match figure {
            // A number in another unit than the indicator's is kept as text, never converted.
            Figure::Number { value, .. } if readable_for(unit, &figure) => Some(value),
            Figure::Empty => match (numerator, denominator) {
                // No figure written: the rate follows from its parts.
                (Some(n), Some(d)) => {
                    let rate = if unit == Some("%") {
                        n / d * 100.0
                    } else {
                        n / d
                    };
                    if !rate.is_finite() || rate.abs() >= MAX_FIGURE {
                        return Err(fail(
                            Column::Denominator,
                            format!("numerator ÷ denominator is out of range ({})", item()),
                        ));
                    }
                    Some(rate)
                }
                _ => None,
            },
            _ => None,
        };
        let bare_fraction = matches!(
            (value_cell.kind, unit, figure.number()),
            (CellKind::Number, Some("%"), Some(v)) if v > 0.0 && v <= 1.0
        );
        let submission = Submission {
            value_number,
            bare_fraction,
            ..submission
        };
        let flags = figure_flags(unit, &submission);
        if !flags.is_empty() {
            self.checked.flagged.push(Flagged {
                county: county.name.clone(),
                indicator: indicator_id.clone(),
                value: submission.value.clone(),
                flags,
            });
        }
        self.seen.insert(key, row);
        self.checked.rows.push(SubmissionRow {
            line: row,
            county_code: county.code.clone(),
            indicator_id,
            submission,
        });
        Ok(())
    }

    fn finish(self, no_rows: &str) -> Result<Checked, FileError> {
        if !self.any_row {
            return Err(FileError::new(self.places.whole(), no_rows));
        }
        Ok(self.checked)
    }
}

/// The kinds of file `kaohe import` reads, told apart by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Xlsx => "an Excel workbook",
            Format::Json => "JSON",
        }
    }
}

/// A zip (an .xlsx is one) by its magic; JSON by its first character after any byte-order
/// mark and spaces; anything else is CSV. The name of the file is not asked: counties rename.
pub fn detect_format(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") {
        return Format::Xlsx;
    }
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[' | b'{') => Format::Json,
        _ => Format::Csv,
    }
}

/// A submissions file read and checked whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub checked: Checked,
    pub format: Format,
    /// How a CSV's text was decoded: UTF-8 or GB18030.
    pub encoding: &'static str,
}

/// Reads a submissions file of any format kaohe takes (see [`detect_format`]). `sheet` names
/// a workbook's sheet (the first by default). `progress` is told (rows done, rows in all) as
/// rows are checked. Any error refuses the whole file.
pub fn read_submissions(
    bytes: &[u8],
    path: &str,
    sheet: Option<&str>,
    lookup: &Lookup,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Imported, FileError> {
    let format = detect_format(bytes);
    if sheet.is_some() && format != Format::Xlsx {
        return Err(FileError::new(
            Location::file(path),
            format!(
                "--sheet is for Excel workbooks, and this file is {}",
                format.name()
            ),
        ));
    }
    let (checked, encoding) = match format {
        Format::Xlsx => (read_xlsx(bytes, path, sheet, lookup, progress)?, "UTF-8"),
        Format::Json => {
            let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            let text = std::str::from_utf8(bytes).map_err(|e| {
                let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
                let mut at = Location::at_offset(path, valid, valid.len());
                at.column = None;
                FileError::new(at, "the file is not UTF-8 text (JSON is always UTF-8)")
            })?;
            (read_json(text, path, lookup, progress)?, "UTF-8")
        }
        Format::Csv => {
            let (text, encoding) = crate::source::decode::decode_csv(bytes, path)?;
            (read_csv(&text, path, lookup, progress)?, encoding)
        }
    };
    Ok(Imported {
        checked,
        format,
        encoding,
    })
}

/// Parses a submissions CSV (UTF-8; `#` lines are comments) against the database's counties
/// and indicators. Any error refuses the whole file: nothing is returned but the first error.
/// Rows with no figure, parts, evidence or remark are not submissions and are passed over.
pub fn parse_csv(text: &str, path: &str, lookup: &Lookup) -> Result<Vec<SubmissionRow>, FileError> {
    read_csv(text, path, lookup, &mut |_, _| {}).map(|c| c.rows)
}

/// [`parse_csv`], with the flagged figures, telling `progress` (line, lines) as it goes.
pub fn read_csv(
    text: &str,
    path: &str,
    lookup: &Lookup,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Checked, FileError> {
    let text = csv_text(text);
    let text = text.as_ref();
    if text.trim().is_empty() {
        return Err(FileError::new(Location::file(path), "the file is empty"));
    }
    let total = text.bytes().filter(|&b| b == b'\n').count() as u64 + 1;
    let mut lines = LineCounter::new(text);
    let mut line_at = |p: Option<&csv::Position>| p.map_or(0, |p| record_line(&mut lines, text, p));
    let mut reader = csv_reader(text);
    let headers = reader
        .headers()
        .map_err(|e| csv_error(path, text, &e))?
        .clone();
    if headers.iter().all(str::is_empty) {
        return Err(FileError::new(
            Location::file(path),
            "the file has no header line (county,indicator,value,…)",
        ));
    }
    let header_line = line_at(headers.position());
    let names: Vec<String> = headers.iter().map(str::to_string).collect();
    let mut checker = Checker::new(lookup, Places::Lines { path }, &names, header_line)?;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, text, &e))?;
        let line = line_at(record.position());
        progress(line, total);
        if record.iter().all(str::is_empty) {
            continue;
        }
        check_row_length(path, line, &record, &headers)?;
        let cells: Vec<Cell> = record.iter().map(Cell::text).collect();
        checker.row(line, &cells)?;
    }
    checker.finish("the file has no rows (only a header and comments)")
}

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
                Column::of_header(&c.text) == Some(column)
                    || (column == Column::County && c.text == "county_code")
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

/// The keys of a record of `kaohe export --format json` that are a county's submission.
const JSON_KEYS: [&str; 8] = [
    "county_code",
    "county",
    "indicator",
    "value",
    "numerator",
    "denominator",
    "evidence",
    "remark",
];

/// The review's keys, and what kaohe works out: an import never sets them.
const JSON_IGNORED: [&str; 8] = [
    "value_number",
    "verdict",
    "note",
    "reviewer",
    "reviewed_at",
    "suggested",
    "changed_since_review",
    "flags",
];

/// Reads the array `kaohe export --format json` writes. Errors name the record's line.
pub fn read_json(
    text: &str,
    path: &str,
    lookup: &Lookup,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Checked, FileError> {
    use serde_json::Value;
    use serde_json::value::RawValue;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        return Err(FileError::new(
            Location::line(path, 1),
            "the file is one JSON object; kaohe imports an array of records [{\"county\": …, \"indicator\": …, \"value\": …}, …] as `kaohe export --format json` writes",
        ));
    }
    let records: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        let at = if e.line() == 0 {
            Location::file(path)
        } else {
            Location {
                line: Some(e.line() as u64),
                column: Some(e.column().max(1) as u64),
                ..Location::file(path)
            }
        };
        FileError::new(at, format!("not valid JSON: {message}"))
    })?;
    // The header the records are laid out under.
    let header: Vec<String> = Column::ALL.iter().map(|c| c.name().to_string()).collect();
    let places = Places::Lines { path };
    let mut checker = Checker::new(lookup, places, &header, 1)?;
    let mut lines = LineCounter::new(text);
    let total = records.len() as u64;
    for (i, raw) in records.iter().enumerate() {
        // A borrowed raw value is a slice of the text: its address gives its line.
        let offset = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        let line = lines.line_at(offset);
        progress(i as u64 + 1, total);
        let n = i + 1;
        let fail = |message: String| FileError::new(Location::line(path, line), message);
        let record: serde_json::Map<String, Value> =
            serde_json::from_str(raw.get()).map_err(|_| {
                fail(format!(
                    "record {n} is not an object {{\"county\": …, \"indicator\": …}}"
                ))
            })?;
        let mut cells = vec![Cell::default(); Column::ALL.len()];
        let mut code = String::new();
        let mut bare_fraction = false;
        for (key, value) in &record {
            if JSON_IGNORED.contains(&key.as_str()) {
                continue;
            }
            if key == "bare_fraction" {
                // The export's word that the figure came from a workbook's number cell: read
                // back as such, so the figure keeps its flag.
                bare_fraction = value.as_bool() == Some(true);
                continue;
            }
            if !JSON_KEYS.contains(&key.as_str()) {
                return Err(fail(format!(
                    "unknown key \"{key}\" in record {n}; the keys are {} (and the review's, which are passed over)",
                    JSON_KEYS.join(", ")
                )));
            }
            // A number as the indicator (1.10) reads back as 1.1: checked as a workbook's is.
            let kind = if value.is_number() {
                CellKind::Number
            } else {
                CellKind::Text
            };
            let text = match value {
                Value::Null => String::new(),
                Value::String(s) => s.trim().to_string(),
                Value::Number(x) => x.as_f64().map_or_else(|| x.to_string(), format_number),
                Value::Bool(b) => if *b { "是" } else { "否" }.to_string(),
                Value::Array(_) | Value::Object(_) => {
                    return Err(fail(format!(
                        "\"{key}\" in record {n} is a list or an object; give text or a number"
                    )));
                }
            };
            if key == "county_code" {
                code = text;
            } else if let Some(c) = Column::ALL.iter().find(|c| c.name() == key) {
                cells[*c as usize] = Cell { text, kind };
            }
        }
        if !code.is_empty() {
            cells[Column::County as usize].text = code;
        }
        if bare_fraction {
            cells[Column::Value as usize].kind = CellKind::Number;
        }
        checker.row(line, &cells)?;
    }
    checker.finish("the file holds no records ([])")
}

/// A one-line progress on standard error while a large file is checked, when standard error
/// is a terminal; redrawn at most ten times a second and cleared when done (or dropped).
pub struct ProgressLine {
    on: bool,
    drawn: Option<std::time::Instant>,
}

/// Files shorter than this are checked before a progress line would be seen.
const PROGRESS_FROM: u64 = 2_000;

impl ProgressLine {
    pub fn on_stderr() -> ProgressLine {
        use std::io::IsTerminal;
        ProgressLine {
            on: std::io::stderr().is_terminal(),
            drawn: None,
        }
    }

    pub fn update(&mut self, done: u64, total: u64) {
        if !self.on || total < PROGRESS_FROM {
            return;
        }
        let now = std::time::Instant::now();
        if self
            .drawn
            .is_some_and(|t| now.duration_since(t).as_millis() < 100)
        {
            return;
        }
        self.drawn = Some(now);
        eprint!("\r{}\x1b[K", progress_text(done, total));
    }

    /// A line said once, before rows can be counted (a workbook is unpacked whole first).
    pub fn note(&mut self, text: &str) {
        if self.on {
            self.drawn = Some(std::time::Instant::now());
            eprint!("\r{text}\x1b[K");
        }
    }

    pub fn clear(&mut self) {
        if self.drawn.take().is_some() {
            eprint!("\r\x1b[K");
        }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.clear();
    }
}

/// "导入 12,345/361,188 行 ▕██░░░░░░░░░░░░░░░░░░▏ 3%"
pub fn progress_text(done: u64, total: u64) -> String {
    const WIDTH: u64 = 20;
    let done = done.min(total);
    let filled = (done * WIDTH).checked_div(total).unwrap_or(0);
    let percent = (done * 100).checked_div(total).unwrap_or(0);
    format!(
        "导入 {}/{} 行 ▕{}{}▏ {percent}%",
        thousands(done),
        thousands(total),
        "█".repeat(filled as usize),
        "░".repeat((WIDTH - filled) as usize)
    )
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, embedded_counties};

    fn lookup() -> Lookup {
        Lookup::from_parts(
            &Catalog::embedded_2014().unwrap(),
            &embedded_counties().unwrap(),
        )
    }

    fn parse(text: &str) -> Result<Vec<SubmissionRow>, String> {
        parse_csv(text, "s.csv", &lookup()).map_err(|e| e.to_string())
    }

    #[test]
    fn rows_resolve_counties_by_code_or_name() {
        let rows = parse(
            "# 注释\ncounty,indicator,value,numerator,denominator,evidence,remark\n\
             柯城区,1.1,是,,,文件.pdf,\n330803,1.2,,35,50,台账.xlsx,备注\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].county_code, "330802");
        assert_eq!(rows[0].line, 3);
        assert_eq!(rows[1].county_code, "330803");
        assert_eq!(rows[1].submission.value_number, Some(70.0));
    }

    #[test]
    fn chinese_headers_are_understood() {
        let rows =
            parse("县(市、区),指标,完成值,佐证材料,备注\n龙游县,1.2,75%,a.pdf,无\n").unwrap();
        assert_eq!(rows[0].submission.value_number, Some(75.0));
        assert_eq!(rows[0].submission.evidence, "a.pdf");
    }

    #[test]
    fn bad_rows_refuse_the_file_naming_the_line() {
        let head = "county,indicator,value\n柯城区,1.1,是\n";
        assert_eq!(
            parse(&format!("{head}衢州区,1.1,是\n")).unwrap_err(),
            "s.csv:3: unknown county \"衢州区\" (column county)"
        );
        assert_eq!(
            parse(&format!("{head}柯城区,99.1,是\n")).unwrap_err(),
            "s.csv:3: unknown indicator \"99.1\" (column indicator, county 柯城区)"
        );
        assert_eq!(
            parse(&format!("{head}330802,1.1,否\n")).unwrap_err(),
            "s.csv:3: county 330802 indicator 1.1 is given twice (first on line 2)"
        );
        assert_eq!(
            parse("county,value\n柯城区,是\n").unwrap_err(),
            "s.csv:1: missing column \"indicator\" (the header has: county,value)"
        );
        assert!(
            parse("county,indicator,value,numerator,denominator\n柯城区,1.2,,3,0\n")
                .unwrap_err()
                .contains("s.csv:2: the denominator is zero")
        );
        assert_eq!(parse("").unwrap_err(), "s.csv: the file is empty");
        assert_eq!(
            parse("county,indicator,value\n").unwrap_err(),
            "s.csv: the file has no rows (only a header and comments)"
        );
        assert!(
            parse(&format!("{head}柯城区,1.2\n"))
                .unwrap_err()
                .starts_with("s.csv:3:")
        );
    }

    #[test]
    fn lines_are_counted_through_blanks_comments_and_any_line_ending() {
        let text = "# 说明一\n# 说明二\ncounty,indicator,value\n柯城区,1.1,是\n\n# 中间注释\n\n衢州,1.1,是\n";
        assert!(
            parse(text)
                .unwrap_err()
                .starts_with("s.csv:8: unknown county")
        );
        let crlf = text.replace('\n', "\r\n");
        assert!(
            parse(&crlf)
                .unwrap_err()
                .starts_with("s.csv:8: unknown county")
        );
        let cr = text.replace('\n', "\r");
        assert!(
            parse(&cr)
                .unwrap_err()
                .starts_with("s.csv:8: unknown county")
        );
        let header = "# 一\n# 二\ncounty,value\n柯城区,是\n";
        assert!(
            parse(header)
                .unwrap_err()
                .starts_with("s.csv:3: missing column \"indicator\"")
        );
    }

    #[test]
    fn a_misspelt_column_is_refused_not_dropped() {
        let e = parse("county,indicator,valeu,evidance\n柯城区,1.2,75%,a.pdf\n").unwrap_err();
        assert!(
            e.starts_with("s.csv:1: unknown column \"valeu\" (column 3)"),
            "{e}"
        );
        // The columns of kaohe's own export and counties' descriptive columns are passed over.
        assert!(
            parse("序号,county,indicator,指标名称,value,verdict\n1,柯城区,1.2,覆盖率,75%,met\n")
                .is_ok()
        );
    }

    #[test]
    fn rows_without_anything_submitted_are_passed_over() {
        let rows =
            parse("county,indicator,value,evidence\n柯城区,1.1,,\n柯城区,1.2,75%,\n").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].indicator_id, "1.2");
        // A file of rows with nothing submitted (an export of an empty database) imports nothing.
        assert_eq!(
            parse("county,indicator,value\n柯城区,1.1,\n").unwrap(),
            vec![]
        );
    }

    #[test]
    fn amounts_must_be_sane() {
        let head = "county,indicator,value,numerator,denominator\n";
        assert!(
            parse(&format!("{head}柯城区,1.2,,3,-4\n"))
                .unwrap_err()
                .contains("the denominator is negative")
        );
        assert!(
            parse(&format!("{head}柯城区,1.2,,1e300,4\n"))
                .unwrap_err()
                .contains("numerator \"1e300\" is too large")
        );
        assert!(
            parse(&format!("{head}柯城区,1.2,,1,1e-300\n"))
                .unwrap_err()
                .contains("out of range")
        );
        let rows = parse(&format!("{head}柯城区,1.2,,1.5E+02,2.0E+02\n")).unwrap();
        assert_eq!(rows[0].submission.value_number, Some(75.0));
    }

    #[test]
    fn the_embedded_demo_parses_whole() {
        let catalog = Catalog::embedded_2014().unwrap();
        let counties = embedded_counties().unwrap();
        let rows = parse_csv(
            crate::catalog::DEMO_SUBMISSIONS_2014,
            "demo",
            &Lookup::from_parts(&catalog, &counties),
        )
        .unwrap();
        assert_eq!(rows.len(), counties.len() * catalog.indicators().count());
    }

    #[test]
    fn formats_are_told_by_their_first_bytes() {
        assert_eq!(detect_format(b"PK\x03\x04rest"), Format::Xlsx);
        assert_eq!(detect_format(b"\xef\xbb\xbf \n [{}]"), Format::Json);
        assert_eq!(detect_format(b"{\"a\":1}"), Format::Json);
        assert_eq!(detect_format(b"county,indicator\n"), Format::Csv);
        assert_eq!(detect_format("县(市、区),指标\n".as_bytes()), Format::Csv);
        assert_eq!(detect_format(b""), Format::Csv);
    }

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

    #[test]
    fn a_number_in_another_unit_is_kept_as_text_and_flagged() {
        let checked = read_csv(
            "county,indicator,value,numerator,denominator\n柯城区,1.2,75万元,,\n柯城区,1.3,70%,24,35\n",
            "s.csv",
            &lookup(),
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(checked.rows[0].submission.value_number, None);
        assert_eq!(checked.rows[1].submission.value_number, Some(70.0));
        assert_eq!(checked.flagged.len(), 2);
        assert_eq!(checked.flagged[0].county, "柯城区");
        assert_eq!(checked.flagged[0].flags, vec![FigureFlag::Unreadable]);
        assert!(matches!(
            checked.flagged[1].flags[..],
            [FigureFlag::PartsDisagree { .. }]
        ));
    }

    #[test]
    fn json_errors_name_the_records_line() {
        let read = |text: &str| {
            read_json(text, "s.json", &lookup(), &mut |_, _| {}).map_err(|e| e.to_string())
        };
        let text = "[\n {\"county\": \"柯城区\", \"indicator\": \"1.1\", \"value\": \"是\"},\n\n {\"county_code\": \"330802\", \"county\": \"柯城区\",\n  \"indicator\": \"1.1\", \"value\": \"否\", \"verdict\": \"met\"}\n]";
        assert_eq!(
            read(text).unwrap_err(),
            "s.json:4: county 330802 indicator 1.1 is given twice (first on line 2)"
        );
        assert_eq!(
            read("[1]").unwrap_err(),
            "s.json:1: record 1 is not an object {\"county\": …, \"indicator\": …}"
        );
        assert_eq!(
            read("[{\"county\": [1]}]").unwrap_err(),
            "s.json:1: \"county\" in record 1 is a list or an object; give text or a number"
        );
        assert_eq!(
            read("[\n").unwrap_err(),
            "s.json:2:1: not valid JSON: EOF while parsing a list"
        );
        let rows = read("[{\"county\": \"柯城区\", \"indicator\": \"1.2\", \"value\": null, \"numerator\": 3, \"denominator\": 4}]").unwrap();
        assert_eq!(rows.rows[0].submission.value_number, Some(75.0));
    }

    #[test]
    fn progress_reads_at_a_glance() {
        assert_eq!(
            progress_text(12_345, 361_188),
            "导入 12,345/361,188 行 ▕░░░░░░░░░░░░░░░░░░░░▏ 3%"
        );
        assert_eq!(
            progress_text(2_000, 2_000),
            "导入 2,000/2,000 行 ▕████████████████████▏ 100%"
        );
        assert_eq!(progress_text(5, 0), "导入 0/0 行 ▕░░░░░░░░░░░░░░░░░░░░▏ 0%");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
