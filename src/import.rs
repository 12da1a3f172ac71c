//! County submissions in: CSV, checked whole before anything is written.

use crate::error::{FileError, Location};
use crate::figure::{Figure, parse_amount, parse_figure};
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

/// Parses a submissions CSV (UTF-8; `#` lines are comments) against the database's counties
/// and indicators. Any error refuses the whole file: nothing is returned but the first error.
pub fn parse_csv(text: &str, path: &str, lookup: &Lookup) -> Result<Vec<SubmissionRow>, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(FileError::new(Location::file(path), "the file is empty"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| crate::catalog::csv_error(path, &e))?
        .clone();
    let header_line = headers.position().map_or(1, |p| p.line());
    let mut found: HashMap<&'static str, usize> = HashMap::new();
    for (index, header) in headers.iter().enumerate() {
        if let Some(column) = Column::of_header(header) {
            if let Some(&other) = found.get(column.name()) {
                return Err(FileError::new(
                    Location::line(path, header_line),
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
    }
    // An export carries county_code beside county (the name): the code is the key.
    if let Some(code) = headers.iter().position(|h| h.trim() == "county_code") {
        found.insert(Column::County.name(), code);
    }
    let index_of = |c: Column| found.get(c.name()).copied();
    for required in [Column::County, Column::Indicator] {
        if index_of(required).is_none() {
            return Err(FileError::new(
                Location::line(path, header_line),
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
            Location::line(path, header_line),
            "missing column \"value\" (or both \"numerator\" and \"denominator\")",
        ));
    }

    let mut rows: Vec<SubmissionRow> = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| crate::catalog::csv_error(path, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
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
            .to_string();
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
        let amount = |c: Column| -> Result<Option<f64>, FileError> {
            let raw = cell(c);
            if raw.is_empty() {
                return Ok(None);
            }
            parse_amount(&raw).map(Some).ok_or_else(|| {
                fail(format!(
                    "{} \"{raw}\" is not a number (county {county_key}, indicator {indicator_id})",
                    c.name()
                ))
            })
        };
        let numerator = amount(Column::Numerator)?;
        let denominator = amount(Column::Denominator)?;
        if denominator == Some(0.0) {
            return Err(fail(format!(
                "the denominator is zero (county {county_key}, indicator {indicator_id})"
            )));
        }
        let value = cell(Column::Value);
        let value_number = match parse_figure(&value) {
            Figure::Number { value, .. } => Some(value),
            Figure::Empty => match (numerator, denominator) {
                // No figure written: the rate follows from its parts.
                (Some(n), Some(d)) => Some(if unit == Some("%") {
                    n / d * 100.0
                } else {
                    n / d
                }),
                _ => None,
            },
            Figure::Yes | Figure::No | Figure::Text => None,
        };
        rows.push(SubmissionRow {
            line,
            county_code,
            indicator_id,
            submission: Submission {
                value,
                value_number,
                numerator,
                denominator,
                evidence: cell(Column::Evidence),
                remark: cell(Column::Remark),
            },
        });
    }
    if rows.is_empty() {
        return Err(FileError::new(
            Location::file(path),
            "the file has a header but no submissions",
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
            "s.csv: the file has a header but no submissions"
        );
        assert!(
            parse(&format!("{head}柯城区,1.2\n"))
                .unwrap_err()
                .starts_with("s.csv:3:")
        );
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
