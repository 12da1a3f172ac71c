//! How kaohe reads every CSV (the counties, the submissions): the reader's settings, the text
//! it wants, and rows and errors told at the line of the file they are on.

use crate::error::{FileError, LineCounter, Location};

/// How kaohe reads every CSV: `#` lines are comments, cells are trimmed, and rows may differ
/// in length from the header so that the caller can say which row and how.
pub fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// How kaohe reads a table of submissions: as [`csv_reader`], with `delimiter` (see
/// [`sniff_delimiter`]), every record a row (the header is found among them, below any title
/// rows).
pub fn table_reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(true)
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
}

/// The delimiters counties' files come with: a comma, a tab (Excel's "Unicode text", and what
/// a table copied from a sheet is) and a semicolon (Excel where a comma is the decimal mark).
pub const DELIMITERS: [u8; 3] = [b',', b'\t', b';'];

/// A table's delimiter, told from its first lines (the first 64 KiB, 50 records at most): the
/// one that splits the most of them into one same number of cells beyond one. A comma where
/// none does, or where they tie.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    let mut best = (0, b',');
    for delimiter in DELIMITERS {
        let mut counts: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        for record in table_reader(sample, delimiter).records().take(50) {
            let Ok(record) = record else { break };
            if record.len() > 1 && !record.iter().all(str::is_empty) {
                *counts.entry(record.len()).or_default() += 1;
            }
        }
        let score = counts.values().copied().max().unwrap_or(0);
        if score > best.0 {
            best = (score, delimiter);
        }
    }
    best.1
}

/// A CSV text as the reader wants it: without a byte-order mark, and with old Mac line ends
/// (a lone CR) made LF, which the reader's comment handling needs. Byte offsets are kept.
pub fn csv_text(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bytes = text.as_bytes();
    let lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone_cr) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut fixed = String::with_capacity(text.len());
    for (i, ch) in text.char_indices() {
        fixed.push(if ch == '\r' && lone_cr(i) { '\n' } else { ch });
    }
    std::borrow::Cow::Owned(fixed)
}

/// The line a CSV record starts on. The reader's position is where it started reading, which
/// is before any blank or comment lines it skipped to reach the record.
pub fn record_line(lines: &mut LineCounter<'_>, text: &str, position: &csv::Position) -> u64 {
    let bytes = text.as_bytes();
    let mut at = (position.byte() as usize).min(bytes.len());
    loop {
        match bytes.get(at) {
            Some(b'\r' | b'\n') => at += 1,
            Some(b'#') => {
                while at < bytes.len() && !matches!(bytes[at], b'\r' | b'\n') {
                    at += 1;
                }
            }
            _ => break,
        }
    }
    lines.line_at(at)
}

/// Refuses a row with more or fewer cells than the header has columns.
pub fn check_row_length(
    path: &str,
    line: u64,
    record: &csv::StringRecord,
    headers: &csv::StringRecord,
) -> Result<(), FileError> {
    if record.len() == headers.len() {
        return Ok(());
    }
    Err(FileError::new(
        Location::line(path, line),
        unequal_lengths(record.len(), headers.len()),
    ))
}

fn unequal_lengths(row: impl std::fmt::Display, header: impl std::fmt::Display) -> String {
    format!("the row has {row} columns but the header has {header}")
}

/// A CSV reader's error, at the line of `text` it happened on.
pub fn csv_error(path: &str, text: &str, e: &csv::Error) -> FileError {
    let location = e.position().map_or_else(
        || Location::file(path),
        |p| Location::line(path, record_line(&mut LineCounter::new(text), text, p)),
    );
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text".to_string(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => unequal_lengths(len, expected_len),
        _ => e.to_string(),
    };
    FileError::new(location, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_told_from_the_first_lines() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(
            sniff_delimiter("标题\na\tb\tc\n1\t1,200\t3\n4\t5\t6\n"),
            b'\t'
        );
        assert_eq!(sniff_delimiter("a;b;c\n1;2,5;3\n4;5;6\n"), b';');
        // A remark with semicolons in a comma file: the comma splits every line alike.
        assert_eq!(sniff_delimiter("a,b,c\n1,x;y;z,3\n4,5,6\n7,8,9\n"), b',');
        assert_eq!(sniff_delimiter("只有一列\n"), b',');
        assert_eq!(sniff_delimiter(""), b',');
    }
}
