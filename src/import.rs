//! County submissions in: CSV, checked whole before anything is written.

use crate::catalog::{check_row_length, csv_error, csv_reader, csv_text, record_line};
use crate::error::{FileError, LineCounter, Location};
use crate::figure::{Figure, MAX_FIGURE, parse_amount, parse_figure, too_large};
use crate::model::Submission;
use crate::store::{Lookup, SubmissionRow};
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

    /// Header names counties actually write, in English or Chinese.
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
            Column::Indicator => &["indicator", "指标", "指标编号"],
            Column::Value => &["value", "完成值", "数值", "完成情况"],
            Column::Numerator => &["numerator", "分子"],
            Column::Denominator => &["denominator", "分母"],
            Column::Evidence => &["evidence", "佐证材料"],
            Column::Remark => &["remark", "说明", "备注"],
        }
    }

    fn of_header(header: &str) -> Option<Column> {
        let h = header.trim();
        Column::ALL
            .into_iter()
            .find(|c| c.aliases().iter().any(|a| a.eq_ignore_ascii_case(h)))
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
    "序号",
    "指标名称",
    "指标内容",
    "考核内容",
    "目标值",
    "考核要求",
];

/// Parses a submissions CSV (UTF-8; `#` lines are comments) against the database's counties
/// and indicators. Any error refuses the whole file: nothing is returned but the first error.
/// Rows with no figure, parts, evidence or remark are not submissions and are passed over.
pub fn parse_csv(text: &str, path: &str, lookup: &Lookup) -> Result<Vec<SubmissionRow>, FileError> {
    let text = csv_text(text);
    let text = text.as_ref();
    if text.trim().is_empty() {
        return Err(FileError::new(Location::file(path), "the file is empty"));
    }
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
    let at_header = || Location::line(path, header_line);
    let mut found: HashMap<&'static str, usize> = HashMap::new();
    let mut county_code_column = None;
    for (index, header) in headers.iter().enumerate() {
        let header = header.trim();
        if header == "county_code" {
            // An export carries county_code beside county (the name): the code is the key.
            county_code_column = Some(index);
            continue;
        }
        let Some(column) = Column::of_header(header) else {
            if IGNORED_COLUMNS.contains(&header) || header.is_empty() {
                continue;
            }
            return Err(FileError::new(
                at_header(),
                format!(
                    "unknown column \"{header}\" (column {}); the columns are county, indicator, value, numerator, denominator, evidence, remark",
                    index + 1
                ),
            ));
        };
        if let Some(&other) = found.get(column.name()) {
            return Err(FileError::new(
                at_header(),
                format!(
                    "columns {} and {} both give the {}",
                    other + 1,
                    index + 1,
                    column.name()
                ),
            ));
        }
        found.insert(column.name(), index);
    }
    if let Some(index) = county_code_column {
        found.insert(Column::County.name(), index);
    }
    let index_of = |c: Column| found.get(c.name()).copied();
    for required in [Column::County, Column::Indicator] {
        if index_of(required).is_none() {
            return Err(FileError::new(
                at_header(),
                format!(
                    "missing column \"{}\" (the header has: {})",
                    required.name(),
                    headers.iter().collect::<Vec<_>>().join(",")
                ),
            ));
        }
    }
    if index_of(Column::Value).is_none()
        && (index_of(Column::Numerator).is_none() || index_of(Column::Denominator).is_none())
    {
        return Err(FileError::new(
            at_header(),
            "missing column \"value\" (or both \"numerator\" and \"denominator\")",
        ));
    }

    let mut rows: Vec<SubmissionRow> = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    let mut any_row = false;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, text, &e))?;
        let line = line_at(record.position());
        if record.iter().all(str::is_empty) {
            continue;
        }
        any_row = true;
        check_row_length(path, line, &record, &headers)?;
        let cell = |c: Column| {
            index_of(c)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_string()
        };
        let here = Location::line(path, line);
        let fail = |message: String| FileError::new(here.clone(), message);

        let county_key = cell(Column::County);
        if county_key.is_empty() {
            return Err(fail("the county is empty".into()));
        }
        let county_code = lookup
            .county(&county_key)
            .ok_or_else(|| fail(format!("unknown county \"{county_key}\" (column county)")))?
            .code
            .clone();
        let indicator_id = cell(Column::Indicator);
        if indicator_id.is_empty() {
            return Err(fail(format!("county {county_key}: the indicator is empty")));
        }
        let unit = lookup.indicator(&indicator_id).ok_or_else(|| {
            fail(format!(
                "unknown indicator \"{indicator_id}\" (column indicator, county {county_key})"
            ))
        })?;
        if let Some(first) = seen.insert((county_code.clone(), indicator_id.clone()), line) {
            return Err(fail(format!(
                "county {county_key} indicator {indicator_id} is given twice (first on line {first})"
            )));
        }
        let item = format!("county {county_key}, indicator {indicator_id}");
        let amount = |c: Column| -> Result<Option<f64>, FileError> {
            let raw = cell(c);
            if raw.is_empty() {
                return Ok(None);
            }
            parse_amount(&raw).map(Some).ok_or_else(|| {
                let why = if too_large(&raw) {
                    "is too large"
                } else {
                    "is not a number"
                };
                fail(format!("{} \"{raw}\" {why} ({item})", c.name()))
            })
        };
        let numerator = amount(Column::Numerator)?;
        let denominator = amount(Column::Denominator)?;
        if let Some(d) = denominator {
            if d == 0.0 {
                return Err(fail(format!("the denominator is zero ({item})")));
            }
            if d < 0.0 {
                return Err(fail(format!("the denominator is negative ({item})")));
            }
        }
        let submission = Submission {
            value_number: None,
            value: cell(Column::Value),
            numerator,
            denominator,
            evidence: cell(Column::Evidence),
            remark: cell(Column::Remark),
        };
        if submission.value.is_empty()
            && numerator.is_none()
            && denominator.is_none()
            && submission.evidence.is_empty()
            && submission.remark.is_empty()
        {
            continue;
        }
        let value_number = match parse_figure(&submission.value) {
            Figure::Number { value, .. } => Some(value),
            Figure::Empty => match (numerator, denominator) {
                // No figure written: the rate follows from its parts.
                (Some(n), Some(d)) => {
                    let rate = if unit == Some("%") {
                        n / d * 100.0
                    } else {
                        n / d
                    };
                    if !rate.is_finite() || rate.abs() >= MAX_FIGURE {
                        return Err(fail(format!(
                            "numerator ÷ denominator is out of range ({item})"
                        )));
                    }
                    Some(rate)
                }
                _ => None,
            },
            Figure::Yes | Figure::No | Figure::Text => None,
        };
        rows.push(SubmissionRow {
            line,
            county_code,
            indicator_id,
            submission: Submission {
                value_number,
                ..submission
            },
        });
    }
    if !any_row {
        return Err(FileError::new(
            Location::file(path),
            "the file has no rows (only a header and comments)",
        ));
    }
    Ok(rows)
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
}
