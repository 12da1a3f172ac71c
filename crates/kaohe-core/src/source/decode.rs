//! A user's file read as text, its encoding told without being told: UTF-8 with or without a
//! byte-order mark, or GB18030 (what Excel on a Chinese Windows writes as "CSV").

use crate::error::{FileError, Location, line_of};
use std::path::Path;

/// Reads a whole file as UTF-8 text, naming the file and the first bad byte's line if it is not.
pub fn read_text(path: &Path) -> Result<String, FileError> {
    text_of(read_bytes(path)?, &path.display().to_string())
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

/// Reads a user's file whole, or says which file could not be read and why.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, FileError> {
    std::fs::read(path).map_err(|e| {
        FileError::new(
            Location::file(path.display().to_string()),
            format!("cannot read: {e}"),
        )
    })
}

/// A CSV file's bytes as text: UTF-8 (a byte-order mark dropped) or GB18030. Returns the text
/// and the encoding's name; `shown` names the file in messages.
pub fn decode_csv(bytes: &[u8], shown: &str) -> Result<(String, &'static str), FileError> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok((text.to_string(), "UTF-8")),
            Err(e) => Err(not_text(shown, rest, e.valid_up_to(), "UTF-8")),
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), "UTF-8"));
    }
    // Not UTF-8: GB18030 decodes every byte sequence of GBK/GB2312 too.
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        let good = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        return Err(not_text(shown, bytes, good, "GB18030"));
    }
    Ok((text.into_owned(), "GB18030"))
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
