//! A submissions CSV: its records and the lines they stand on, handed to the layout (which
//! finds the header below any title rows) row by row. Its delimiter — comma, tab or
//! semicolon — is told from its first lines.

use super::Checked;
use super::checker::{Cell, Places};
use super::intake::{Collect, Intake, Sink, Tally};
use super::layout::Layout;
use crate::error::{FileError, LineCounter, Location};
use crate::lookup::{Lookup, SubmissionRow};
use crate::source::csv::{csv_error, csv_text, record_line, sniff_delimiter, table_reader};
use crate::source::csv_stream::{CsvStream, scan};
use std::io::{Read, Seek, SeekFrom};

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
    let mut collect = Collect::default();
    let tally = read_csv_into(text, path, lookup, &mut collect, progress)?;
    Ok(collect.checked(tally))
}

/// A CSV text read into `sink`, row by row.
pub(super) fn read_csv_into(
    text: &str,
    path: &str,
    lookup: &Lookup,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Tally, FileError> {
    let text = csv_text(text);
    let text = text.as_ref();
    if text.trim().is_empty() {
        return Err(FileError::new(Location::file(path), "the file is empty"));
    }
    let total = text.bytes().filter(|&b| b == b'\n').count() as u64 + 1;
    let mut lines = LineCounter::new(text);
    let mut line_at = |p: Option<&csv::Position>| p.map_or(0, |p| record_line(&mut lines, text, p));
    let mut reader = table_reader(text, sniff_delimiter(text));
    let mut intake = Intake::new(sink, lookup.item_positions());
    let mut layout = Layout::new(lookup, Places::Lines { path }, false);
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, text, &e))?;
        let line = line_at(record.position());
        progress(line, total);
        layout.row(line, record.iter().map(Cell::text).collect(), &mut intake)?;
    }
    let (kind, passed) = layout.finish("the file has no rows (only a header and comments)")?;
    Ok(intake.tally(kind, passed))
}

/// How much of a file the delimiter is told from (as [`sniff_delimiter`] looks at).
const SNIFFED: usize = 64 * 1024;

/// A CSV file read into `sink` as it streams, in memory bounded by its longest record: a
/// first pass tells whether it is UTF-8 and counts its lines, a second reads it. A file in
/// another encoding (UTF-16, GB18030) is decoded whole, within the limit it was opened under.
/// Returns the tally and the encoding's name.
pub(super) fn stream_csv<R: Read + Seek>(
    mut file: R,
    path: &str,
    lookup: &Lookup,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Tally, &'static str), FileError> {
    let cannot =
        |e: std::io::Error| FileError::new(Location::file(path), format!("cannot read: {e}"));
    let rewind = |file: &mut R| file.seek(SeekFrom::Start(0)).map_err(cannot);
    let scanned = scan(&mut file).map_err(cannot)?;
    rewind(&mut file)?;
    if !scanned.utf8 {
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(cannot)?;
        let (text, encoding) = crate::source::decode::decode_csv(&bytes, path)?;
        return Ok((
            read_csv_into(&text, path, lookup, sink, progress)?,
            encoding,
        ));
    }
    // The delimiter, told from the first lines.
    let mut head = Vec::with_capacity(SNIFFED);
    (&mut file)
        .take(SNIFFED as u64)
        .read_to_end(&mut head)
        .map_err(cannot)?;
    let cut = match std::str::from_utf8(&head) {
        Ok(_) => head.len(),
        Err(e) => e.valid_up_to(),
    };
    let head_text = std::str::from_utf8(&head[..cut]).unwrap_or_default();
    let sample = csv_text(head_text);
    if head.len() < SNIFFED && sample.trim().is_empty() {
        return Err(FileError::new(Location::file(path), "the file is empty"));
    }
    let delimiter = sniff_delimiter(&sample);
    drop(head);
    rewind(&mut file)?;
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(true)
        .has_headers(false)
        .delimiter(delimiter)
        .buffer_capacity(SNIFFED)
        .from_reader(CsvStream::new(std::io::BufReader::new(file)));
    let mut intake = Intake::new(sink, lookup.item_positions());
    let mut layout = Layout::new(lookup, Places::Lines { path }, false);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| reader.get_mut().line_at(p.byte()));
                let whole = csv_error(path, "", &e);
                return Err(match line {
                    Some(line) => FileError::new(Location::line(path, line), whole.message),
                    None => whole,
                });
            }
        }
        let line = record
            .position()
            .map_or(0, |p| reader.get_mut().line_at(p.byte()));
        progress(line, scanned.lines);
        layout.row(line, record.iter().map(Cell::text).collect(), &mut intake)?;
    }
    let (kind, passed) = layout.finish("the file has no rows (only a header and comments)")?;
    Ok((intake.tally(kind, passed), "UTF-8"))
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
