//! The counties file (CSV: `code,name`, GB/T 2260 codes), read and checked.

use crate::error::{FileError, LineCounter, Location};
use crate::model::County;
use crate::source::csv::{check_row_length, csv_error, csv_reader, csv_text, record_line};
use std::collections::HashMap;

/// Parses and checks a counties file (`code,name`, GB/T 2260 codes).
pub fn parse_counties(text: &str, path: &str) -> Result<Vec<County>, FileError> {
    let text = csv_text(text);
    let text = text.as_ref();
    let mut reader = csv_reader(text);
    let headers = reader
        .headers()
        .map_err(|e| csv_error(path, text, &e))?
        .clone();
    let mut lines = LineCounter::new(text);
    let header_line = headers
        .position()
        .map_or(1, |p| record_line(&mut lines, text, p));
    if headers.iter().all(str::is_empty) {
        return Err(FileError::new(
            Location::file(path),
            "the file has no header line (code,name)",
        ));
    }
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(code_col), Some(name_col)) = (column("code"), column("name")) else {
        return Err(FileError::new(
            Location::line(path, header_line),
            format!(
                "the header must name the columns code and name (found: {})",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    };
    let mut counties: Vec<County> = Vec::new();
    let mut codes: HashMap<String, u64> = HashMap::new();
    let mut names: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, text, &e))?;
        let line = record
            .position()
            .map_or(0, |p| record_line(&mut lines, text, p));
        let here = || Location::line(path, line);
        if record.iter().all(str::is_empty) {
            continue;
        }
        check_row_length(path, line, &record, &headers)?;
        let code = record.get(code_col).unwrap_or("").to_string();
        let name = record.get(name_col).unwrap_or("").to_string();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FileError::new(
                here(),
                format!("code \"{code}\" is not a six-digit GB/T 2260 code"),
            ));
        }
        if name.is_empty() {
            return Err(FileError::new(here(), format!("county {code} has no name")));
        }
        crate::text::check_words(&format!("county {code}'s name"), &name, false)
            .map_err(|m| FileError::new(here(), m))?;
        if name.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FileError::new(
                here(),
                format!(
                    "county {code}'s name \"{name}\" is a number; names and codes must not be confused"
                ),
            ));
        }
        if let Some(first) = codes.insert(code.clone(), line) {
            return Err(FileError::new(
                here(),
                format!("code {code} is given twice (first on line {first})"),
            ));
        }
        if let Some(first) = names.insert(name.clone(), line) {
            return Err(FileError::new(
                here(),
                format!("name {name} is given twice (first on line {first})"),
            ));
        }
        counties.push(County { code, name });
    }
    if counties.is_empty() {
        return Err(FileError::new(Location::file(path), "no counties listed"));
    }
    Ok(counties)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counties_are_checked() {
        let ok = parse_counties("# 注释\ncode,name\n330802,柯城区\n", "c.csv").unwrap();
        assert_eq!(ok[0].name, "柯城区");
        let e = parse_counties("code,name\n330802,柯城区\n33080,衢江区\n", "c.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.csv:3: code \"33080\" is not a six-digit GB/T 2260 code"
        );
        let e = parse_counties(
            "# 注\ncode,name\n330802,柯城区\n\n# 注\n33080X,衢江区\n",
            "c.csv",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("c.csv:6: code \"33080X\""), "{e}");
        let e = parse_counties("code,name\n330802,柯城区\n330802,衢江区\n", "c.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.csv:3: code 330802 is given twice (first on line 2)"
        );
        let e = parse_counties("code,name\n330802,330803\n", "c.csv").unwrap_err();
        assert!(e.to_string().contains("is a number"), "{e}");
        let e = parse_counties("code,name\n330802,柯城区,多余\n", "c.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.csv:2: the row has 3 columns but the header has 2"
        );
        let e = parse_counties("county,name\n", "c.csv").unwrap_err();
        assert!(e.to_string().starts_with("c.csv:1: the header must name"));
        let e = parse_counties("# only a comment\ncode,name\n", "c.csv").unwrap_err();
        assert_eq!(e.to_string(), "c.csv: no counties listed");
    }
}
