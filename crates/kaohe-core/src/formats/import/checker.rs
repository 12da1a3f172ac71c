//! The checks every submissions table goes through, whatever file it came from: its header
//! resolved to columns (through [`columns`]), then each row's county, indicator, amounts and
//! figure. The readers (CSV, a workbook's sheet, JSON records) hand it cells; only the places
//! its errors name differ.

use super::{Checked, Flagged};
use crate::error::{FileError, Location, column_letters};
use crate::figure::{
    Figure, MAX_FIGURE, figure_flags, parse_amount, parse_figure, readable_for, too_large,
};
use crate::formats::columns::{self, Beside, COLUMNS, Column, Read};
use crate::lookup::{Lookup, SubmissionRow};
use crate::model::{County, Submission, Verdict};
use std::collections::HashMap;

/// One cell as read: CSV and JSON give text; a workbook also gives numbers and error values.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Cell {
    pub(super) text: String,
    pub(super) kind: CellKind,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum CellKind {
    #[default]
    Text,
    /// A number cell, written out as text, from a file that does not say how it shows its
    /// numbers (JSON; a workbook without styles): a bare fraction may be a percent cell's.
    Number,
    /// A spreadsheet's error value (#DIV/0!), never a figure.
    Error,
    // Issue 16: what a workbook's number formats say of a number cell.
    /// A number cell whose format shows the number itself, written out as text (with the unit
    /// its format writes after it: `0"人"` shows 15 as 15人).
    PlainNumber,
    /// A percent cell, written as it is shown: 1.02 as 102%.
    Percent,
    /// A cell formatted as a date, written 2014-05-01: never a figure.
    Date,
    /// A formula whose value was never computed, written as its formula (=B3/C3).
    Uncomputed,
}

impl CellKind {
    /// A number cell, however it is shown as a number.
    pub(super) fn is_number(self) -> bool {
        matches!(self, CellKind::Number | CellKind::PlainNumber)
    }
}

impl Cell {
    pub(super) fn text(s: &str) -> Cell {
        Cell {
            text: s.trim().to_string(),
            kind: CellKind::Text,
        }
    }
}

/// How errors name places: lines of a text (CSV, JSON) or cells of a sheet.
#[derive(Debug, Clone, Copy)]
pub(super) enum Places<'a> {
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
    pub(super) fn at(&self, row: u64, column: Option<usize>) -> Location {
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

    pub(super) fn whole(&self) -> Location {
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

/// The checker of one table: where its columns are, and what its rows have given so far.
pub(super) struct Checker<'a> {
    lookup: &'a Lookup,
    places: Places<'a>,
    /// The index in the header of each column, by `Column as usize`.
    index_of: [Option<usize>; COLUMNS.len()],
    /// More columns whose text joins the remark: a second of 说明/备注, and a 完成情况 beside a
    /// 完成值 (words about the figure).
    more_remarks: Vec<usize>,
    /// kaohe's own export: the facts of an earlier import it carries are read back.
    own_export: bool,
    /// (county code, indicator) → the row it was first given on.
    seen: HashMap<(String, String), u64>,
    /// The county a workbook's sheet is for, by its name or title row (issue 16).
    sheet_county: Option<&'a County>,
    any_row: bool,
    checked: Checked,
}

impl<'a> Checker<'a> {
    pub(super) fn new(
        lookup: &'a Lookup,
        places: Places<'a>,
        headers: &[String],
        header_row: u64,
    ) -> Result<Checker<'a>, FileError> {
        Checker::with_origin(lookup, places, headers, header_row, None, false)
    }

    /// The checker of a workbook's sheet that is one county's (by its name or its title
    /// row) and has no county column: its rows are that county's.
    pub(super) fn for_sheet(
        lookup: &'a Lookup,
        places: Places<'a>,
        headers: &[String],
        header_row: u64,
        sheet_county: Option<&'a County>,
    ) -> Result<Checker<'a>, FileError> {
        Checker::with_origin(lookup, places, headers, header_row, sheet_county, false)
    }

    /// The checker of a table laid out by kaohe's own reader of its own format (the JSON
    /// export's records): the facts of an earlier import are read back by their keys.
    pub(super) fn own_export(
        lookup: &'a Lookup,
        places: Places<'a>,
        headers: &[String],
        header_row: u64,
    ) -> Result<Checker<'a>, FileError> {
        Checker::with_origin(lookup, places, headers, header_row, None, true)
    }

    fn with_origin(
        lookup: &'a Lookup,
        places: Places<'a>,
        headers: &[String],
        header_row: u64,
        sheet_county: Option<&'a County>,
        own_format: bool,
    ) -> Result<Checker<'a>, FileError> {
        let at = |column: Option<usize>| places.at(header_row, column);
        let mut index_of = [None; COLUMNS.len()];
        let mut rank_of = [0; COLUMNS.len()];
        let mut more_remarks = Vec::new();
        let mut county_code_column = None;
        // kaohe's own workbook export (`export --format xlsx`) is told by its code column; its
        // columns are read by their headers there, not the aliases: 备注 is the reviewer's
        // note beside the county's 说明, and 指标 the indicator's name beside 指标编号.
        let own_workbook = headers
            .iter()
            .any(|h| Column::CountyCode.header() == Some(h.trim()));
        // Any of kaohe's own exports, whose facts of an earlier import are read back.
        let own_export = own_format || own_workbook || columns::is_own_csv_export(headers);
        for (index, header) in headers.iter().enumerate() {
            let header = header.trim();
            if let Some(fact) = columns::fact_by_name(header).filter(|_| own_export) {
                index_of[fact as usize] = Some(index);
                continue;
            }
            if columns::is_county_code(header) {
                // An export carries county_code beside county (the name): the code is the key.
                county_code_column = Some(index);
                continue;
            }
            let own = own_workbook.then(|| columns::by_header(header)).flatten();
            let (column, rank) = match own {
                // The county's name beside its code is passed over, as is the review.
                Some(c) if c.names().read != Read::Submission || c == Column::County => continue,
                Some(c) => (Some(c), 0),
                None => match columns::by_name(header) {
                    Some((c, rank)) => (Some(c), rank),
                    None => (None, 0),
                },
            };
            let Some(column) = column else {
                if columns::passed_over(header) || header.is_empty() {
                    continue;
                }
                let names: Vec<&str> = columns::submission().map(Column::name).collect();
                return Err(FileError::new(
                    at(Some(index)),
                    format!(
                        "unknown column \"{header}\" (column {}); the columns are {}",
                        places.column_label(index),
                        names.join(", ")
                    ),
                ));
            };
            if let Some(other) = index_of[column as usize] {
                // Two names of one column, as counties' sheets have them: the likelier is the
                // column; what the less likely one may be beside it is the table's to say.
                let lesser = rank.max(rank_of[column as usize]);
                let lesser_name = column.read_names().nth(lesser).unwrap_or("");
                let (folds, joins_remark) = match column.names().beside {
                    Beside::Refused => (false, false),
                    Beside::PassedOver(name) => (lesser_name == name, false),
                    Beside::JoinsRemark(name) => (name.is_none_or(|n| n == lesser_name), true),
                };
                if folds && rank != rank_of[column as usize] {
                    let passed_over = if rank < rank_of[column as usize] {
                        index_of[column as usize] = Some(index);
                        rank_of[column as usize] = rank;
                        other
                    } else {
                        index
                    };
                    if joins_remark {
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
            index_of[column as usize] = Some(index);
            rank_of[column as usize] = rank;
        }
        // The joined remark reads in the sheet's order.
        more_remarks.sort_unstable();
        if let Some(index) = county_code_column {
            index_of[Column::County as usize] = Some(index);
        }
        for required in [Column::County, Column::Indicator] {
            if required == Column::County && sheet_county.is_some() {
                continue;
            }
            if index_of[required as usize].is_none() {
                // A sheet of one county may say which in its name or a title row instead.
                let or_sheet = match (required, places) {
                    (Column::County, Places::Sheet { .. }) => {
                        "; or, for a sheet of one county, name the county in the sheet's name or a title row above the header"
                    }
                    _ => "",
                };
                return Err(FileError::new(
                    at(None),
                    format!(
                        "missing column \"{}\" (the header has: {}){or_sheet}",
                        required.name(),
                        headers.join(",")
                    ),
                ));
            }
        }
        if index_of[Column::Value as usize].is_none()
            && (index_of[Column::Numerator as usize].is_none()
                || index_of[Column::Denominator as usize].is_none())
        {
            return Err(FileError::new(
                at(None),
                format!(
                    "missing column \"{}\" (or both \"{}\" and \"{}\")",
                    Column::Value.name(),
                    Column::Numerator.name(),
                    Column::Denominator.name()
                ),
            ));
        }
        Ok(Checker {
            lookup,
            places,
            index_of,
            more_remarks,
            own_export,
            seen: HashMap::new(),
            sheet_county,
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
        at.extend(self.index_of[Column::Remark as usize]);
        at.sort_unstable();
        at.iter()
            .filter_map(|&i| cells.get(i))
            .map(|c| c.text.as_str())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("；")
    }

    /// Checks one row; a row with nothing in it is passed over.
    pub(super) fn row(&mut self, row: u64, cells: &[Cell]) -> Result<(), FileError> {
        if cells
            .iter()
            .all(|c| c.text.is_empty() && c.kind != CellKind::Error)
        {
            return Ok(());
        }
        self.any_row = true;
        let (lookup, places, index_of) = (self.lookup, self.places, self.index_of);
        let empty = Cell::default();
        let cell = |c: Column| {
            index_of[c as usize]
                .and_then(|i| cells.get(i))
                .unwrap_or(&empty)
        };
        let fail = |c: Column, message: String| {
            FileError::new(places.at(row, index_of[c as usize]), message)
        };
        for c in columns::submission() {
            let x = cell(c);
            if x.kind == CellKind::Error {
                return Err(fail(
                    c,
                    format!("the cell holds the error {} (column {})", x.text, c.name()),
                ));
            }
            if x.kind == CellKind::Uncomputed {
                // An .xls keeps a formula's tokens, not its text: "=" alone.
                let formula = if x.text.len() > 1 {
                    format!("the formula {}", x.text)
                } else {
                    "a formula".to_string()
                };
                return Err(fail(
                    c,
                    format!(
                        "the cell holds {formula} with no computed value (column {}); open the file in Excel or WPS and save it, so that its values are computed",
                        c.name()
                    ),
                ));
            }
        }

        let county = match (index_of[Column::County as usize], self.sheet_county) {
            // The sheet's county, where its rows do not name one (issue 16).
            (None, Some(sheet)) => sheet,
            _ => {
                let key = &cell(Column::County).text;
                if key.is_empty() {
                    return Err(fail(Column::County, "the county is empty".into()));
                }
                lookup.county(key).ok_or_else(|| {
                    fail(
                        Column::County,
                        format!("unknown county \"{key}\" (column county)"),
                    )
                })?
            }
        };
        let county_key = if index_of[Column::County as usize].is_none() {
            &county.name
        } else {
            &cell(Column::County).text
        };
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
        if indicator_cell.kind.is_number()
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
        // A date is no figure: a cell formatted as one is refused where a number is asked for.
        for c in [
            Column::Value,
            Column::Numerator,
            Column::Denominator,
            Column::SelfScore,
        ] {
            let x = cell(c);
            if x.kind == CellKind::Date && (c != Column::Value || unit.is_some()) {
                return Err(fail(
                    c,
                    format!(
                        "the cell is the date {}, not a figure (column {}, {}); if it is a figure, format the cell as a number (常规 or 数值) and type it again",
                        x.text,
                        c.name(),
                        item()
                    ),
                ));
            }
        }
        let (self_verdict, self_score) = self_assessment(cell, &fail, &item)?;
        let value_cell = cell(Column::Value);
        // kaohe's own export says the figure came from a spreadsheet's number cell: it is
        // read as that cell was, and keeps its flag.
        let value_kind = if self.own_export && fact(cell, &fail, &item, Column::BareFraction)? {
            CellKind::Number
        } else {
            value_cell.kind
        };
        let submission = Submission {
            value_number: None,
            value: value_cell.text.clone(),
            numerator,
            denominator,
            evidence: cell(Column::Evidence).text.clone(),
            remark: self.remark(cells, cell(Column::Remark)),
            bare_fraction: false,
            self_verdict,
            self_score,
        };
        if submission.value.is_empty()
            && numerator.is_none()
            && denominator.is_none()
            && submission.evidence.is_empty()
            && submission.remark.is_empty()
            && self_verdict.is_none()
            && self_score.is_none()
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
            (value_kind, unit, figure.number()),
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

    pub(super) fn finish(self, no_rows: &str) -> Result<Checked, FileError> {
        if !self.any_row {
            return Err(FileError::new(self.places.whole(), no_rows));
        }
        Ok(self.checked)
    }
}

/// A yes-or-no fact of an earlier import in a row of kaohe's own export (`yes`, 是, `true` or
/// empty); anything else refuses the file at that cell.
fn fact<'c>(
    cell: impl Fn(Column) -> &'c Cell,
    fail: &impl Fn(Column, String) -> FileError,
    item: &impl Fn() -> String,
    column: Column,
) -> Result<bool, FileError> {
    let text = &cell(column).text;
    columns::fact_says(text).ok_or_else(|| {
        fail(
            column,
            format!(
                "{} \"{text}\" is neither yes nor empty, as kaohe's export writes it ({})",
                column.name(),
                item()
            ),
        )
    })
}

/// The county's own assessment in a row: its 自评结果 (a verdict in Chinese or English) and
/// its 自评分 (a number, `8.5` or `8.5分`, not negative). Either may be empty; anything else
/// refuses the file at that cell.
fn self_assessment<'c>(
    cell: impl Fn(Column) -> &'c Cell,
    fail: &impl Fn(Column, String) -> FileError,
    item: &impl Fn() -> String,
) -> Result<(Option<Verdict>, Option<f64>), FileError> {
    let words = &cell(Column::SelfVerdict).text;
    let verdict = if words.is_empty() {
        None
    } else {
        Some(Verdict::from_self_assessment(words).ok_or_else(|| {
            fail(
                Column::SelfVerdict,
                format!(
                    "self_verdict \"{words}\" is not a verdict; give 完成, 基本完成 or 未完成 (or met, partly_met, not_met) ({})",
                    item()
                ),
            )
        })?)
    };
    let raw = &cell(Column::SelfScore).text;
    let score = if raw.is_empty() {
        None
    } else {
        let number = raw.trim().strip_suffix('分').unwrap_or(raw);
        let score = parse_amount(number).ok_or_else(|| {
            let why = if too_large(number) {
                "is too large"
            } else {
                "is not a number"
            };
            fail(
                Column::SelfScore,
                format!("self_score \"{raw}\" {why} ({})", item()),
            )
        })?;
        if score < 0.0 {
            return Err(fail(
                Column::SelfScore,
                format!("self_score \"{raw}\" is negative ({})", item()),
            ));
        }
        Some(score)
    };
    Ok((verdict, score))
}

#[cfg(test)]
mod tests {
    use super::super::{demo_lookup as lookup, parse, read_csv};
    use crate::figure::FigureFlag;

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
    fn a_countys_own_assessment_is_read_with_its_figures() {
        use crate::model::Verdict;
        let rows = parse(
            "县(市、区),指标,完成值,自评结果,自评分\n柯城区,1.2,75%,完成,8.5\n衢江区,1.2,60%,基本完成,7分\n龙游县,1.2,50%,,\n江山市,1.1,,not_met,\n",
        )
        .unwrap();
        let own: Vec<_> = rows
            .iter()
            .map(|r| (r.submission.self_verdict, r.submission.self_score))
            .collect();
        assert_eq!(
            own,
            vec![
                (Some(Verdict::Met), Some(8.5)),
                (Some(Verdict::PartlyMet), Some(7.0)),
                (None, None),
                // A row with only the county's own verdict is a submission too.
                (Some(Verdict::NotMet), None),
            ]
        );
        // The English keys, as kaohe's own CSV export writes them.
        let rows =
            parse("county,indicator,value,self_verdict,self_score\n柯城区,1.2,75%,partly_met,9\n")
                .unwrap();
        assert_eq!(rows[0].submission.self_verdict, Some(Verdict::PartlyMet));
        assert_eq!(rows[0].submission.self_score, Some(9.0));
        // What is no verdict or no score refuses the file at its line.
        assert_eq!(
            parse("county,indicator,value,自评\n柯城区,1.2,75%,大致完成\n").unwrap_err(),
            "s.csv:2: self_verdict \"大致完成\" is not a verdict; give 完成, 基本完成 or 未完成 (or met, partly_met, not_met) (county 柯城区, indicator 1.2)"
        );
        assert_eq!(
            parse("county,indicator,value,自评得分\n柯城区,1.2,75%,八分\n").unwrap_err(),
            "s.csv:2: self_score \"八分\" is not a number (county 柯城区, indicator 1.2)"
        );
        assert!(
            parse("county,indicator,value,自评分\n柯城区,1.2,75%,-1\n")
                .unwrap_err()
                .contains("is negative")
        );
        // Two names of the county's own verdict are one column given twice.
        assert!(
            parse("county,indicator,value,自评,自评结果\n柯城区,1.2,75%,完成,完成\n")
                .unwrap_err()
                .contains("both give the self_verdict")
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
}
