//! Why a file is not previewed, with the file named. The workspace words it in the reviewer's
//! language from [`Why`]; `Display` is the English line.

use crate::Kind;
use std::fmt;

/// A file not previewed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The file's name, made safe for a terminal.
    pub file: String,
    pub why: Why,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// Bigger than the limit on a file shown.
    TooBig { size: u64, limit: u64 },
    /// Its compressed parts unpack to more than the limit (or lie about their size): a zip
    /// or deflate bomb, or a file far bigger than any evidence.
    Unpacks { limit: u64 },
    /// A picture larger than the limit, by its header's width and height.
    PictureTooBig { width: u32, height: u32, limit: u64 },
    /// Neither its content nor its name is a kind kaohe shows.
    NotKnown,
    /// A zip that is not a Word document or a workbook.
    Archive,
    /// An old Word .doc (or another OLE file that is not a workbook).
    OldOffice,
    /// A workbook kind kaohe does not lay out (.xls, .ods): it shows .xlsx.
    SaveAsXlsx { kind: Kind },
    /// A PDF (or a document) locked with a password.
    Encrypted,
    /// A file of this kind that its reader could not read: damaged, or made to mislead. The
    /// reader's own words, one line, where it gave any.
    Damaged { kind: Kind, detail: Option<String> },
}

impl Refusal {
    pub fn new(file: &str, why: Why) -> Refusal {
        Refusal {
            file: kaohe_core::text::clean(file),
            why,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.why)
    }
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::TooBig { size, limit } => write!(
                f,
                "the file is {}, over the {} kaohe shows; open it outside kaohe",
                mib(*size),
                mib(*limit)
            ),
            Why::Unpacks { limit } => write!(
                f,
                "its compressed contents unpack to more than {} (or lie about their size); not shown",
                mib(*limit)
            ),
            Why::PictureTooBig {
                width,
                height,
                limit,
            } => write!(
                f,
                "the picture is {width} × {height} pixels, over the {} million kaohe decodes",
                limit / 1_000_000
            ),
            Why::NotKnown => write!(
                f,
                "not a kind of file kaohe shows (PDF, DOCX, XLSX/XLS/ODS, CSV, text, PNG, JPEG, GIF, BMP)"
            ),
            Why::Archive => write!(
                f,
                "a zip archive, not a Word document or a workbook; unpack it and import its files"
            ),
            Why::OldOffice => write!(
                f,
                "an old Office file (.doc): kaohe shows .docx; ask the county to save it as .docx or PDF"
            ),
            Why::SaveAsXlsx { kind } => write!(
                f,
                "a {} workbook: kaohe shows workbooks saved as .xlsx; open it outside kaohe or ask the county for .xlsx",
                kind.short()
            ),
            Why::Encrypted => write!(
                f,
                "locked with a password; ask the county for an unlocked copy"
            ),
            Why::Damaged { kind, detail } => {
                write!(f, "cannot read it as {} (damaged?)", kind.short())?;
                match detail {
                    Some(d) => write!(f, ": {d}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// Bytes as MiB to a tenth ("64 MiB", "1.5 MiB"), or KiB under one MiB.
pub fn mib(bytes: u64) -> String {
    kaohe_core::source::limits::Size(bytes).to_string()
}
