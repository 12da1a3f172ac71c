//! What a file is, from its first bytes (and its name where its bytes cannot say), and its
//! SHA-256 worked out as it streams past.

use super::FileKind;
use sha2::{Digest, Sha256};
use std::io::Write;

/// How many of a file's first bytes [`FileKind::sniff`] looks at.
pub const HEAD: usize = 8192;

impl FileKind {
    /// The kind of a file whose first bytes are `head` (up to [`HEAD`]) and whose name is
    /// `name`.
    pub fn sniff(head: &[u8], name: &str) -> FileKind {
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| super::names::fold(e))
            .unwrap_or_default();
        let starts = |magic: &[u8]| head.starts_with(magic);
        if head.windows(5).take(1024).any(|w| w == b"%PDF-") {
            return FileKind::Pdf;
        }
        if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
            return match ext.as_str() {
                "docx" | "docm" | "dotx" | "odt" | "wps" => FileKind::Word,
                "xlsx" | "xlsm" | "xltx" | "ods" | "et" => FileKind::Spreadsheet,
                _ => FileKind::Archive,
            };
        }
        if starts(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
            return match ext.as_str() {
                "doc" | "dot" | "wps" => FileKind::Word,
                "xls" | "xlt" | "et" => FileKind::Spreadsheet,
                _ => FileKind::Other,
            };
        }
        let image = starts(b"\x89PNG\r\n\x1a\n")
            || starts(b"\xFF\xD8\xFF")
            || starts(b"GIF87a")
            || starts(b"GIF89a")
            || (starts(b"BM") && head.len() >= 26)
            || starts(b"II*\0")
            || starts(b"MM\0*")
            || (starts(b"RIFF") && head.get(8..12) == Some(b"WEBP"));
        if image {
            return FileKind::Image;
        }
        if starts(b"7z\xBC\xAF\x27\x1C") || starts(b"Rar!\x1A\x07") || starts(b"\x1F\x8B") {
            return FileKind::Archive;
        }
        if is_text(head) {
            return match ext.as_str() {
                "csv" | "tsv" => FileKind::Csv,
                _ => FileKind::Text,
            };
        }
        FileKind::Other
    }
}

/// Whether `head` reads as text: a UTF-16 byte-order mark, or no NUL and either UTF-8 (a
/// character cut at the end aside) or GB18030 without a mistake.
fn is_text(head: &[u8]) -> bool {
    if head.is_empty() {
        return false;
    }
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return true;
    }
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => {
            if e.error_len().is_none() {
                return true;
            }
            // Not the last of the file: a character cut at the end of `head` is no mistake.
            let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
            let mut out = String::with_capacity(head.len() * 3);
            let (result, _) = decoder.decode_to_string_without_replacement(head, &mut out, false);
            matches!(result, encoding_rs::DecoderResult::InputEmpty)
        }
    }
}

/// A sink that works out the SHA-256 and size of what is written to it, keeping its first
/// [`HEAD`] bytes, and passes it on to `inner` (which may be [`std::io::sink`]).
pub struct Hashing<W> {
    pub inner: W,
    sha: Sha256,
    size: u64,
    head: Vec<u8>,
}

impl<W: Write> Hashing<W> {
    pub fn new(inner: W) -> Hashing<W> {
        Hashing {
            inner,
            sha: Sha256::new(),
            size: 0,
            head: Vec::new(),
        }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// The SHA-256 of everything written, as 64 lowercase hex digits, and the sink.
    pub fn finish(self) -> (String, u64, Vec<u8>, W) {
        let digest = self.sha.finalize();
        let mut hex = String::with_capacity(64);
        for b in digest {
            hex.push_str(&format!("{b:02x}"));
        }
        (hex, self.size, self.head, self.inner)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let done = &buf[..n];
        self.sha.update(done);
        self.size += n as u64;
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(done.len());
            self.head.extend_from_slice(&done[..take]);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_their_bytes_then_their_names() {
        let k = FileKind::sniff;
        assert_eq!(k(b"%PDF-1.7\n...", "x.bin"), FileKind::Pdf);
        assert_eq!(k(b"PK\x03\x04....", "a.DOCX"), FileKind::Word);
        assert_eq!(k(b"PK\x03\x04....", "a.xlsx"), FileKind::Spreadsheet);
        assert_eq!(k(b"PK\x03\x04....", "a.zip"), FileKind::Archive);
        assert_eq!(
            k(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....", "a.xls"),
            FileKind::Spreadsheet
        );
        assert_eq!(k(b"\x89PNG\r\n\x1a\n....", "a.pdf"), FileKind::Image);
        assert_eq!(k(b"\xFF\xD8\xFF\xE0", "a.jpg"), FileKind::Image);
        assert_eq!(
            k("县,指标\n柯城区,1.2\n".as_bytes(), "a.csv"),
            FileKind::Csv
        );
        assert_eq!(k("会议记录".as_bytes(), "a.txt"), FileKind::Text);
        let (gbk, _, _) = encoding_rs::GBK.encode("会议记录：全体参加");
        assert_eq!(k(&gbk, "a.txt"), FileKind::Text);
        assert_eq!(k(b"\x00\x01\x02\x03", "a.txt"), FileKind::Other);
        assert_eq!(k(b"", "a.txt"), FileKind::Other);
    }

    #[test]
    fn the_digest_is_sha256() {
        let mut h = Hashing::new(std::io::sink());
        h.write_all(b"abc").unwrap();
        let (hex, size, head, _) = h.finish();
        assert_eq!(
            hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!((size, head.as_slice()), (3, b"abc".as_slice()));
    }
}
