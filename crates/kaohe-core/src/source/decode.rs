//! A user's file read as text, its encoding told without being told: UTF-8 with or without a
//! byte-order mark, GB18030 (what Excel on a Chinese Windows writes as "CSV"), or UTF-16
//! (Excel's "Unicode text", tab-separated, with its byte-order mark).

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

/// A CSV file's bytes as text: UTF-8 (a byte-order mark dropped), UTF-16 (by its byte-order
/// mark, or by the zero bytes of its ASCII) or GB18030. Returns the text and the encoding's
/// name; `shown` names the file in messages. UTF-8 is the bytes themselves, not a copy: a big
/// file is held once.
pub fn decode_csv<'a>(
    bytes: &'a [u8],
    shown: &str,
) -> Result<(Cow<'a, str>, &'static str), FileError> {
    if let Some(utf16) = utf16_of(bytes) {
        return decode_utf16(bytes, utf16, shown);
    }
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

/// Which UTF-16 the bytes are, if they are: by a byte-order mark (FF FE little-endian, as
/// Excel's "Unicode text" writes, or FE FF), or, without one, by text whose every other byte
/// is zero where ASCII stands (a header of column names).
fn utf16_of(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if bytes.starts_with(b"\xff\xfe") {
        return Some(encoding_rs::UTF_16LE);
    }
    if bytes.starts_with(b"\xfe\xff") {
        return Some(encoding_rs::UTF_16BE);
    }
    // Neither UTF-8 nor GB18030 holds a zero byte in text: a file of them, every other byte,
    // is UTF-16 without its mark.
    let head = &bytes[..bytes.len().min(512) & !1];
    if head.len() < 4 {
        return None;
    }
    let zeros = |odd: usize| {
        head.iter()
            .skip(odd)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let pairs = head.len() / 2;
    match (zeros(0), zeros(1)) {
        (0, z) if z * 2 >= pairs => Some(encoding_rs::UTF_16LE),
        (z, 0) if z * 2 >= pairs => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// UTF-16 text, its byte-order mark dropped; an odd byte at its end, or a half of a character
/// without its other half, refused at its line.
fn decode_utf16<'a>(
    bytes: &'a [u8],
    encoding: &'static encoding_rs::Encoding,
    shown: &str,
) -> Result<(Cow<'a, str>, &'static str), FileError> {
    let name = if encoding == encoding_rs::UTF_16LE {
        "UTF-16LE"
    } else {
        "UTF-16BE"
    };
    let body = bytes
        .strip_prefix(b"\xff\xfe")
        .or_else(|| bytes.strip_prefix(b"\xfe\xff"))
        .unwrap_or(bytes);
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        // The line of the first character that could not be read.
        let good = text.find('\u{fffd}').unwrap_or(text.len());
        let line = line_of(&text, good);
        return Err(FileError::new(
            Location::line(shown, line),
            format!(
                "the file is not whole {name} text (a character is cut in half); save it again as CSV UTF-8"
            ),
        ));
    }
    Ok((Cow::Owned(text.into_owned()), name))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str, mark: bool) -> Vec<u8> {
        let mut bytes = if mark { vec![0xFF, 0xFE] } else { Vec::new() };
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn excels_unicode_text_is_read_as_utf16() {
        let text = "县(市、区)\t指标编号\t完成值\r\n柯城区\t1.2\t75%\r\n";
        let bytes = utf16le(text, true);
        let (read, name) = decode_csv(&bytes, "s.txt").unwrap();
        assert_eq!((read.as_ref(), name), (text, "UTF-16LE"));
        // Without its mark, by the zeros of its ASCII.
        let ascii = "county,indicator,value\n柯城区,1.2,75%\n";
        let bytes = utf16le(ascii, false);
        let (read, name) = decode_csv(&bytes, "s.txt").unwrap();
        assert_eq!((read.as_ref(), name), (ascii, "UTF-16LE"));
        let mut big_endian = vec![0xFE, 0xFF];
        for unit in ascii.encode_utf16() {
            big_endian.extend_from_slice(&unit.to_be_bytes());
        }
        let (read, name) = decode_csv(&big_endian, "s.txt").unwrap();
        assert_eq!((read.as_ref(), name), (ascii, "UTF-16BE"));
        // A half of a character, on line 2.
        let mut cut = utf16le("a,b\nc", true);
        cut.extend_from_slice(&0xD800u16.to_le_bytes());
        cut.extend_from_slice(&utf16le("d\n", false));
        assert_eq!(
            decode_csv(&cut, "s.txt").unwrap_err().to_string(),
            "s.txt:2: the file is not whole UTF-16LE text (a character is cut in half); save it again as CSV UTF-8"
        );
        // UTF-8 and GB18030 are not taken for it.
        assert_eq!(decode_csv("a,b\n".as_bytes(), "s.csv").unwrap().1, "UTF-8");
        let (gbk, _, _) = encoding_rs::GB18030.encode("县,指标\n");
        assert_eq!(decode_csv(&gbk, "s.csv").unwrap().1, "GB18030");
    }
}
