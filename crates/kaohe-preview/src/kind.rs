//! What a file is, told by its content first and by its name only where the content cannot
//! say (a CSV and a plain text file look alike): a file named .pdf that holds a JPEG is shown
//! as the JPEG it is, and the preview says its name said otherwise.

use crate::Why;

/// The kinds of file kaohe previews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Pdf,
    Docx,
    Xlsx,
    Xls,
    Ods,
    Csv,
    Text,
    Png,
    Jpeg,
    Gif,
    Bmp,
}

impl Kind {
    /// A short name for the kind, as a file list shows it: "PDF", "DOCX", "JPEG".
    pub fn short(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF",
            Kind::Docx => "DOCX",
            Kind::Xlsx => "XLSX",
            Kind::Xls => "XLS",
            Kind::Ods => "ODS",
            Kind::Csv => "CSV",
            Kind::Text => "TXT",
            Kind::Png => "PNG",
            Kind::Jpeg => "JPEG",
            Kind::Gif => "GIF",
            Kind::Bmp => "BMP",
        }
    }

    /// Whether the kind is a picture.
    pub fn is_picture(self) -> bool {
        matches!(self, Kind::Png | Kind::Jpeg | Kind::Gif | Kind::Bmp)
    }

    /// The kind a file's name says, by its extension (any case), if it names one kaohe knows.
    pub fn by_name(name: &str) -> Option<Kind> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "pdf" => Kind::Pdf,
            "docx" => Kind::Docx,
            "xlsx" | "xlsm" => Kind::Xlsx,
            "xls" => Kind::Xls,
            "ods" => Kind::Ods,
            "csv" | "tsv" => Kind::Csv,
            "txt" | "text" | "md" | "log" => Kind::Text,
            "png" => Kind::Png,
            "jpg" | "jpeg" | "jpe" | "jfif" => Kind::Jpeg,
            "gif" => Kind::Gif,
            "bmp" | "dib" => Kind::Bmp,
            _ => return None,
        })
    }

    /// Whether a name's kind and the content's agree well enough to say nothing (a CSV named
    /// .txt, a .xlsm workbook).
    pub(crate) fn same_family(self, other: Kind) -> bool {
        self == other
            || matches!(
                (self, other),
                (Kind::Csv, Kind::Text) | (Kind::Text, Kind::Csv)
            )
    }

    /// The kind by the file's content; `named`, what its name says, decides only between
    /// kinds the content cannot tell apart (CSV or plain text).
    pub(crate) fn sniff(bytes: &[u8], named: Option<Kind>) -> Result<Kind, Why> {
        let head = &bytes[..bytes.len().min(1024)];
        if find(head, b"%PDF-").is_some() {
            return Ok(Kind::Pdf);
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Ok(Kind::Png);
        }
        if bytes.starts_with(b"\xff\xd8\xff") {
            return Ok(Kind::Jpeg);
        }
        if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            return Ok(Kind::Gif);
        }
        if bytes.starts_with(b"BM") && bytes.len() >= 26 && named == Some(Kind::Bmp) {
            // "BM" alone is too common a start of text to be taken for a bitmap unnamed.
            return Ok(Kind::Bmp);
        }
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            return zip_kind(bytes);
        }
        if bytes.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
            // An OLE compound file: an .xls workbook, or an old Word .doc, which kaohe does
            // not read.
            return match named {
                Some(Kind::Xls) | None => Ok(Kind::Xls),
                Some(_) => Err(Why::OldOffice),
            };
        }
        if looks_like_text(bytes) {
            return Ok(match named {
                Some(Kind::Csv) => Kind::Csv,
                _ => Kind::Text,
            });
        }
        Err(Why::NotKnown)
    }
}

/// A zip is a .docx, an .xlsx or an .ods by the parts it holds.
fn zip_kind(bytes: &[u8]) -> Result<Kind, Why> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| Why::Damaged {
        kind: Kind::Docx,
        detail: Some(first_line(&e.to_string())),
    })?;
    let has = |name: &str| zip.index_for_name(name).is_some();
    if has("word/document.xml") {
        Ok(Kind::Docx)
    } else if has("xl/workbook.xml") {
        Ok(Kind::Xlsx)
    } else if has("content.xml") && has("mimetype") {
        Ok(Kind::Ods)
    } else {
        Err(Why::Archive)
    }
}

/// Whether bytes read as text: a byte-order mark, or no NUL in the first few KiB (UTF-16
/// without a mark has many, and is told by their places).
fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xef\xbb\xbf")
        || bytes.starts_with(b"\xff\xfe")
        || bytes.starts_with(b"\xfe\xff")
    {
        return true;
    }
    let head = &bytes[..bytes.len().min(8192)];
    if crate::text::utf16_unmarked(head).is_some() {
        return true;
    }
    if head.contains(&0) {
        return false;
    }
    // Control bytes other than tab, line breaks and form feed: a binary file has many; a text
    // with an escape or two in it (shown as ␛) is still text.
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c) || b == 0x7f)
        .count();
    controls * 10 <= head.len()
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The first line of a library's message, trimmed: one plain line for the reviewer.
pub(crate) fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default().trim();
    kaohe_core::text::truncate(&kaohe_core::text::clean(line), 200)
}
