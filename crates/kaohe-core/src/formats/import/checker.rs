//! The checks every submission goes through, whatever file and layout it came from: its
//! county, indicator, amounts and figure (its unit converted where that is exact). The
//! readers (CSV, a workbook's sheet, JSON records) hand rows of cells to [`super::layout`],
//! which finds the header and hands each county × indicator here with where its parts are
//! ([`Fields`]); only the places errors name differ.

use super::Flagged;
use super::intake::Intake;
use crate::error::{FileError, Location, column_letters};
use crate::figure::{Figure, MAX_FIGURE, flags_of, keep_figure, parse_amount, too_large};
use crate::formats::columns::{self, COLUMNS, Column};
use crate::lookup::{Lookup, SubmissionRow};
use crate::model::{Submission, Verdict};

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

    /// A column as the user finds it: its number in a text file, its letters in a sheet.
    pub(super) fn column_label(&self, index: usize) -> String {
        match *self {
            Places::Lines { .. } => (index + 1).to_string(),
            Places::Sheet { first_column, .. } => column_letters(
                first_column.saturating_add(u32::try_from(index).unwrap_or(u32::MAX)),
            ),
        }
    }

    pub(super) fn row_word(&self) -> &'static str {
        match self {
            Places::Lines { .. } => "line",
            Places::Sheet { .. } => "row",
        }
    }
}

/// Where a part of a submission is: a cell of the row, a cell of the header (the county a
/// column is headed with, where a sheet has a column per county), or given by no cell (the
/// county a sheet is for, by its name or title).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Source {
    Cell(usize),
    Header { cell: Cell, row: u64, column: usize },
    Given(Cell),
}

/// Where each part of one county × indicator's submission is in a row.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Fields {
    /// By `Column as usize`.
    of: Vec<Option<Source>>,
    /// The figure's unit of measure (a 单位 column, or a header's "（万元）").
    pub(super) unit: Option<Source>,
    /// More columns whose text joins the remark: a second of 说明/备注, and a 完成情况 beside a
    /// 完成值 (words about the figure). In the sheet's order.
    pub(super) more_remarks: Vec<usize>,
}

impl Fields {
    pub(super) fn new() -> Fields {
        Fields {
            of: vec![None; COLUMNS.len()],
            unit: None,
            more_remarks: Vec::new(),
        }
    }

    /// The columns of a table whose header is exactly `columns`, in order.
    pub(super) fn in_order(columns: &[Column]) -> Fields {
        let mut fields = Fields::new();
        for (i, &c) in columns.iter().enumerate() {
            fields.set(c, Source::Cell(i));
        }
        fields
    }

    pub(super) fn get(&self, column: Column) -> Option<&Source> {
        self.of.get(column as usize).and_then(Option::as_ref)
    }

    pub(super) fn set(&mut self, column: Column, source: Source) {
        if let Some(at) = self.of.get_mut(column as usize) {
            *at = Some(source);
        }
    }

    /// The row's cell a column is read from, if it is one.
    pub(super) fn index(&self, column: Column) -> Option<usize> {
        match self.get(column) {
            Some(Source::Cell(i)) => Some(*i),
            _ => None,
        }
    }
}

/// The checker of one table; what its rows gave is handed to an [`Intake`], which remembers
/// the items given (across the sheets of a workbook).
pub(super) struct Checker<'a> {
    lookup: &'a Lookup,
    places: Places<'a>,
    any_row: bool,
}

impl<'a> Checker<'a> {
    pub(super) fn new(lookup: &'a Lookup, places: Places<'a>) -> Checker<'a> {
        Checker {
            lookup,
            places,
            any_row: false,
        }
    }

    /// The remark column's text with that of the columns joining it, in the sheet's order.
    fn remark(cells: &[Cell], fields: &Fields, remark: &Cell) -> String {
        if fields.more_remarks.is_empty() {
            return remark.text.clone();
        }
        let mut at: Vec<usize> = fields.more_remarks.clone();
        at.extend(fields.index(Column::Remark));
        at.sort_unstable();
        at.iter()
            .filter_map(|&i| cells.get(i))
            .map(|c| c.text.as_str())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("；")
    }

    /// Checks one county × indicator of row `row`, its parts where `fields` says, and hands it
    /// to `intake`; a row with nothing in it is passed over.
    pub(super) fn row(
        &mut self,
        row: u64,
        cells: &[Cell],
        fields: &Fields,
        intake: &mut Intake<'_>,
    ) -> Result<(), FileError> {
        if cells
            .iter()
            .all(|c| c.text.is_empty() && c.kind != CellKind::Error)
        {
            return Ok(());
        }
        self.any_row = true;
        let (lookup, places) = (self.lookup, self.places);
        let from = |source| source_cell(cells, source);
        let cell = |c: Column| from(fields.get(c));
        let place = |source: Option<&Source>| match source {
            Some(Source::Cell(i)) => places.at(row, Some(*i)),
            Some(Source::Header { row, column, .. }) => places.at(*row, Some(*column)),
            Some(Source::Given(_)) | None => places.at(row, None),
        };
        let fail = |c: Column, message: String| FileError::new(place(fields.get(c)), message);
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
        // A row that gives nothing of a submission, not even whose (a heading 一、养老服务 in a
        // column of names): nothing to check.
        if columns::submission().all(|c| cell(c).text.is_empty()) {
            return Ok(());
        }
        let unit_cell = from(fields.unit.as_ref());
        if matches!(unit_cell.kind, CellKind::Error | CellKind::Uncomputed) {
            return Err(FileError::new(
                place(fields.unit.as_ref()),
                format!(
                    "the cell holds {} where the unit is asked for; give the unit (%, ‰, 万元 …)",
                    unit_cell.text
                ),
            ));
        }

        // A sheet's county is named by its name in messages, as the sheet names it.
        let given = matches!(fields.get(Column::County), Some(Source::Given(_)));
        let county_key = &cell(Column::County).text;
        if county_key.is_empty() {
            return Err(fail(Column::County, "the county is empty".into()));
        }
        let county = lookup.county(county_key).ok_or_else(|| {
            fail(
                Column::County,
                format!(
                    "unknown county \"{county_key}\" (column county); the database knows {}",
                    lookup.known_counties()
                ),
            )
        })?;
        let county_key = if given { &county.name } else { county_key };
        let indicator_cell = cell(Column::Indicator);
        let written_id = indicator_cell.text.as_str();
        if written_id.is_empty() {
            return Err(fail(
                Column::Indicator,
                format!("county {county_key}: the indicator is empty"),
            ));
        }
        let (indicator_id, unit) = lookup.indicator_by_id_or_name(written_id).ok_or_else(|| {
            fail(
                Column::Indicator,
                format!(
                    "unknown indicator \"{written_id}\" (column indicator, county {county_key}); the database knows {} (`kaohe targets` lists them)",
                    lookup.known_indicators()
                ),
            )
        })?;
        let indicator_id = indicator_id.to_string();
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
        // Both are the lookup's own: the item has a place.
        let position = lookup
            .item_position(&county.code, &indicator_id)
            .unwrap_or(usize::MAX);
        if let Some(first) = intake.first_given(position) {
            // Named at the row's own key cell: the county's where the header gives the
            // indicator (a column per indicator).
            let at = match fields.get(Column::Indicator) {
                Some(Source::Header { .. } | Source::Given(_)) => Column::County,
                _ => Column::Indicator,
            };
            let on = match first.other_sheet {
                Some(sheet) => format!("sheet {sheet}, row {}", first.row),
                None => format!("{} {}", places.row_word(), first.row),
            };
            return Err(fail(
                at,
                format!(
                    "county {county_key} indicator {indicator_id} is given twice (first on {on})"
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
        let as_written = &cell(Column::AsWritten).text;
        // kaohe's own export says the figure came from a spreadsheet's number cell (the
        // layout reads that column only there): it is read as that cell was, and keeps its flag.
        let from_number_cell = value_cell.kind == CellKind::Number
            || (fields.get(Column::BareFraction).is_some()
                && fact(cell, &fail, &item, Column::BareFraction)?);
        let submission = Submission {
            value_number: None,
            value: value_cell.text.clone(),
            numerator,
            denominator,
            evidence: cell(Column::Evidence).text.clone(),
            remark: Self::remark(cells, fields, cell(Column::Remark)),
            bare_fraction: false,
            converted_from: None,
            self_verdict,
            self_score,
        };
        if submission.value.is_empty()
            && as_written.is_empty()
            && numerator.is_none()
            && denominator.is_none()
            && submission.evidence.is_empty()
            && submission.remark.is_empty()
            && self_verdict.is_none()
            && self_score.is_none()
        {
            return Ok(());
        }
        // The figure as kept: converted to the indicator's unit where it was written in
        // another and that is exact. kaohe's own export gives what it was written as beside
        // what it was kept as: read from the first, and the second must agree.
        let column_unit = fields.unit.as_ref().map(|_| unit_cell.text.as_str());
        let kept = if as_written.is_empty() {
            keep_figure(&submission.value, column_unit, unit)
                .map_err(|why| fail(Column::Value, format!("{why} ({})", item())))?
        } else {
            let kept = keep_figure(as_written, None, unit)
                .map_err(|why| fail(Column::AsWritten, format!("{why} ({})", item())))?;
            if !submission.value.is_empty() && submission.value != kept.value {
                return Err(fail(
                    Column::Value,
                    format!(
                        "value \"{}\" is not as_written \"{as_written}\" in the indicator's unit ({}) ({}); correct one of them, or leave value empty",
                        submission.value,
                        kept.value,
                        item()
                    ),
                ));
            }
            kept
        };
        let value_number = match (&kept.figure, kept.number) {
            (_, Some(number)) => Some(number),
            (Figure::Empty, None) => match (numerator, denominator) {
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
        // A bare number ≤ 1 from a number cell, for a percentage, given in no other unit.
        let bare_fraction = from_number_cell
            && as_written.is_empty()
            && kept.converted_from.is_none()
            && unit == Some("%")
            && kept.value == submission.value
            && matches!(kept.figure.number(), Some(v) if v > 0.0 && v <= 1.0);
        let submission = Submission {
            value: kept.value,
            value_number,
            bare_fraction,
            converted_from: kept.converted_from,
            ..submission
        };
        let flags = flags_of(unit, &submission, &kept.figure);
        if !flags.is_empty() {
            intake.flagged(Flagged {
                county: county.name.clone(),
                indicator: indicator_id.clone(),
                value: submission.value.clone(),
                flags,
            })?;
        }
        intake.submission(
            position,
            SubmissionRow {
                line: row,
                county_code: county.code.clone(),
                indicator_id,
                submission,
            },
        )
    }

    /// Whether any row with something in it has been handed here.
    pub(super) fn any_row(&self) -> bool {
        self.any_row
    }
}

/// No cell: what a part without a column reads as.
static EMPTY: Cell = Cell {
    text: String::new(),
    kind: CellKind::Text,
};

/// The cell a part of a submission is read from.
fn source_cell<'c>(cells: &'c [Cell], source: Option<&'c Source>) -> &'c Cell {
    match source {
        Some(Source::Cell(i)) => cells.get(*i).unwrap_or(&EMPTY),
        Some(Source::Header { cell, .. } | Source::Given(cell)) => cell,
        None => &EMPTY,
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
        // What the database knows is listed, as the clerk needs it to correct the cell.
        assert_eq!(
            parse(&format!("{head}衢州区,1.1,是\n")).unwrap_err(),
            "s.csv:3: unknown county \"衢州区\" (column county); the database knows 330802 柯城区, 330803 衢江区, 330825 龙游县, 330881 江山市, 330822 常山县, 330824 开化县"
        );
        let e = parse(&format!("{head}柯城区,99.1,是\n")).unwrap_err();
        assert!(
            e.starts_with("s.csv:3: unknown indicator \"99.1\" (column indicator, county 柯城区); the database knows 1.1–1."),
            "{e}"
        );
        assert!(e.ends_with("(`kaohe targets` lists them)"), "{e}");
        assert_eq!(
            parse(&format!("{head}330802,1.1,否\n")).unwrap_err(),
            "s.csv:3: county 330802 indicator 1.1 is given twice (first on line 2)"
        );
        let e = parse("county,value\n柯城区,是\n").unwrap_err();
        assert!(
            e.starts_with("s.csv:1: missing column \"indicator\" (the header has: county,value); kaohe reads a row per county × indicator"),
            "{e}"
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
        assert_eq!(
            checked.flagged[0].flags,
            vec![FigureFlag::UnitNotConverted {
                unit: "万元".into(),
                wanted: "%".into()
            }]
        );
        assert!(matches!(
            checked.flagged[1].flags[..],
            [FigureFlag::PartsDisagree { .. }]
        ));
    }
}
