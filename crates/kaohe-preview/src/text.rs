//! A plain text file's bytes as text, its encoding told without being told: UTF-8 (with or
//! without its mark), UTF-16 (with its mark, or without one, told by where its zero bytes
//! fall), or GB18030 (what Notepad and Excel on a Chinese Windows write, GBK and GB2312
//! among it). Bytes no encoding reads are shown as �, counted and said, never dropped.

use crate::lines::Budget;
use crate::{Kind, Label, Limits, Note, Part, Preview, Why};
use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

/// A text file, shown whole (within the budget of characters).
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Preview, Why> {
    let decoded = decode(bytes);
    let mut budget = Budget::new(limits.text_chars);
    let mut lines = Vec::new();
    budget.push_text(&decoded.text, &mut lines);
    let mut preview = Preview::one(
        Kind::Text,
        Part::Text {
            label: Label::Whole,
            lines,
        },
    );
    preview.notes.extend(decoded.notes());
    preview.notes.extend(budget.note());
    Ok(preview)
}

/// Text decoded from a file's bytes.
pub(crate) struct Decoded {
    pub text: String,
    /// The encoding's name, when not UTF-8.
    pub encoding: Option<&'static str>,
    /// Bytes no encoding could read (each shown as �).
    pub bad: usize,
}

impl Decoded {
    pub fn notes(&self) -> Vec<Note> {
        let mut notes = Vec::new();
        if let Some(name) = self.encoding {
            notes.push(Note::Encoding { name });
        }
        if self.bad > 0 {
            notes.push(Note::NotText { bytes: self.bad });
        }
        notes
    }
}

/// Decodes a text file's bytes as the encoding they are in.
pub(crate) fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, mark)) = Encoding::for_bom(bytes) {
        return with(encoding, &bytes[mark..]);
    }
    // Before UTF-8: UTF-16 of Latin text is valid UTF-8 too (its zero bytes are NULs).
    if let Some(encoding) = utf16_unmarked(&bytes[..bytes.len().min(8192)]) {
        return with(encoding, bytes);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_string(),
            encoding: None,
            bad: 0,
        };
    }
    let gb = with(GB18030, bytes);
    if gb.bad == 0 {
        return gb;
    }
    // Neither: UTF-8 with what does not read shown as �, counted.
    with(UTF_8, bytes)
}

/// Bytes decoded as `encoding`, counting what does not read.
fn with(encoding: &'static Encoding, bytes: &[u8]) -> Decoded {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    // Each malformed sequence becomes one U+FFFD; those the file itself holds are no error.
    let bad = if text.contains('\u{fffd}') {
        let made = text.matches('\u{fffd}').count();
        made.saturating_sub(original_replacements(encoding, bytes))
    } else {
        0
    };
    Decoded {
        text: text.into_owned(),
        encoding: (encoding != UTF_8).then(|| encoding.name()),
        bad,
    }
}

/// U+FFFD characters the file itself holds (written in it, not made by decoding).
fn original_replacements(encoding: &'static Encoding, bytes: &[u8]) -> usize {
    let needle: &[u8] = if encoding == UTF_8 {
        "\u{fffd}".as_bytes()
    } else if encoding == UTF_16LE {
        &[0xfd, 0xff]
    } else if encoding == UTF_16BE {
        &[0xff, 0xfd]
    } else {
        // GB18030 writes U+FFFD as 0x84 0x31 0xA4 0x37.
        &[0x84, 0x31, 0xa4, 0x37]
    };
    bytes.windows(needle.len()).filter(|w| *w == needle).count()
}

/// UTF-16 without a byte-order mark, told by its zero bytes: text in the Latin range has a
/// zero in every other byte, at odd places (little-endian) or even ones (big-endian). Some
/// Chinese text has none, and then it is not told apart here.
pub(crate) fn utf16_unmarked(head: &[u8]) -> Option<&'static Encoding> {
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_at = |parity: usize| {
        head.chunks_exact(2)
            .filter(|pair| pair[parity] == 0 && pair[1 - parity] != 0)
            .count()
    };
    let (odd, even) = (zero_at(1), zero_at(0));
    // Most pairs with their zero on one side, and none on the other.
    if odd * 10 >= pairs * 3 && even == 0 {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 3 && odd == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_its_mark() {
        assert_eq!(decode("民政".as_bytes()).text, "民政");
        let d = decode(b"\xef\xbb\xbfabc");
        assert_eq!((d.text.as_str(), d.encoding), ("abc", None));
    }

    #[test]
    fn gb18030_is_told() {
        let (bytes, _, _) = GB18030.encode("衢州市民政局");
        let d = decode(&bytes);
        assert_eq!(d.text, "衢州市民政局");
        assert_eq!(d.encoding, Some("gb18030"));
        assert_eq!(d.bad, 0);
    }

    #[test]
    fn utf16_with_a_mark_and_without() {
        let mut le = vec![0xff, 0xfe];
        for u in "考核 2014".encode_utf16() {
            le.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&le).text, "考核 2014");
        let be: Vec<u8> = "Quzhou 2014\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let d = decode(&be);
        assert_eq!(d.text, "Quzhou 2014\n");
        assert_eq!(d.encoding, Some("UTF-16BE"));
    }

    #[test]
    fn bytes_no_encoding_reads_are_counted() {
        let d = decode(b"ab\xff\xffcd\x80");
        assert!(d.bad > 0);
        assert!(d.text.contains('\u{fffd}'));
    }

    #[test]
    fn a_replacement_character_in_the_file_is_not_counted() {
        let d = decode("a\u{fffd}b".as_bytes());
        assert_eq!(d.bad, 0);
    }
}
