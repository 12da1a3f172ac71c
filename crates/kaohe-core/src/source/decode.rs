//! A user's file read as text, its encoding told without being told: UTF-8 with or without a
//! byte-order mark, or GB18030 (what Excel on a Chinese Windows writes as "CSV").

use super::limits::{Limit, Limits, read_within};
use crate::error::{FileError, Location, line_of};
use std::borrow::Cow;
use std::path::Path;

/// Reads a whole settings file (a config, a theme) as UTF-8 text, naming the file and the
/// first bad byte's line if it is not; a file over 1 MiB is not settings and is refused.
pub fn read_text(path: &Path) -> Result<String, FileError> {
    read_text_within(path, &Limit::SETTINGS)
}

/// [`read_text`] within `limit`: refused by its size before it is read.
pub fn read_text_within(path: &Path, limit: &Limit) -> Result<String, FileError> {
    // Made text where it lies: the file is held once.
    text_of(read_within(path, limit)?, &path.display().to_string())
}

/// A file's bytes (already read, named `shown`) as UTF-8 text, as [`read_text`] takes them.
pub fn text_of(bytes: Vec<u8>, shown: &str) -> Result<String, FileError> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let valid = std::str::from_utf8(&e.as_bytes()[..good]).unwrap_or_default();
            let line = line_of(valid, good);
            Err(FileError::new(
                Location::line(shown, line),
                "the file is not UTF-8 text (save it as UTF-8)",
            ))
        }
    }
}

/// Reads a submissions file whole, within the default limit for one, or says which file
/// could not be read and why.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, FileError> {
    read_within(path, &Limits::default().submissions_file())
}

/// A CSV file's bytes as text: UTF-8 (a byte-order mark dropped) or GB18030. Returns the text
/// and the encoding's name; `shown` names the file in messages. UTF-8 is the bytes themselves,
/// not a copy: a big file is held once.
pub fn decode_csv<'a>(
    bytes: &'a [u8],
    shown: &str,
) -> Result<(Cow<'a, str>, &'static str), FileError> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok((Cow::Borrowed(text), "UTF-8")),
            Err(e) => Err(not_text(shown, rest, e.valid_up_to(), "UTF-8")),
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), "UTF-8"));
    }
    // Not UTF-8: GB18030 decodes every byte sequence of GBK/GB2312 too.
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        let good = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        return Err(not_text(shown, bytes, good, "GB18030"));
    }
    Ok((text, "GB18030"))
}

/// Bytes that are neither encoding, told at the line of the first `good` bytes' end.
fn not_text(shown: &str, bytes: &[u8], good: usize, tried: &str) -> FileError {
    let valid = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
    let line = line_of(valid, good);
    FileError::new(
        Location::line(shown, line),
        format!(
            "the file is neither UTF-8 nor GB18030 text (read as {tried}); save it as CSV UTF-8"
        ),
    )
}
