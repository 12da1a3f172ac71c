//! A submissions CSV: its records and the lines they stand on, handed to the layout (which
//! finds the header below any title rows) row by row. Its delimiter — comma, tab or
//! semicolon — is told from its first lines.

use super::Checked;
use super::checker::{Cell, Places};
use super::layout::Layout;
use crate::error::{FileError, LineCounter, Location};
use crate::lookup::{Lookup, SubmissionRow};
use crate::source::csv::{csv_error, csv_text, record_line, sniff_delimiter, table_reader};

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
    let mut reader = table_reader(text, sniff_delimiter(text));
    let mut layout = Layout::new(lookup, Places::Lines { path }, false);
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, text, &e))?;
        let line = line_at(record.position());
        progress(line, total);
        layout.row(line, record.iter().map(Cell::text).collect())?;
    }
    let (checked, _) = layout.finish("the file has no rows (only a header and comments)")?;
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;
    use crate::catalog::{Catalog, embedded_counties};

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
