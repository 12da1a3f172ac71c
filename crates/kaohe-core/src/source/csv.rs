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
