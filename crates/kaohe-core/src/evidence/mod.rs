//! The evidence (佐证材料) a county sends beside its sheet: its files, each kept once by its
//! content (SHA-256) and tied to the items whose evidence column names it; and the requests
//! for more (退回补充) a reviewer sends back. These are the values the store answers in and
//! the exports, the detail pane and the viewer read.

use serde::Serialize;

/// One file of an item's evidence, as the county named it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceFile {
    /// The file's name as the county sent it (its last path component, e.g. `会议纪要.pdf`).
    pub name: String,
    /// Its content's SHA-256, 64 lowercase hex digits: where the store keeps it.
    pub sha256: String,
    pub kind: FileKind,
    /// Its size in bytes.
    pub size: u64,
    /// How many pages, where kaohe counted them (none where it did not, or the kind has none).
    pub pages: Option<u32>,
}

/// What a file is, told by its first bytes (and by its name only where its bytes cannot say:
/// a DOCX and an XLSX are both zips, a CSV is text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Pdf,
    /// A Word document (DOCX, or the older DOC).
    Word,
    /// A spreadsheet (XLSX, XLS, ODS).
    Spreadsheet,
    /// A table as text (CSV).
    Csv,
    /// Plain text.
    Text,
    /// A picture (PNG, JPEG, GIF, BMP, TIFF, WebP).
    Image,
    /// A zip, 7z or rar kaohe keeps as it is, unopened.
    Archive,
    /// Anything else: kept, listed, not previewed.
    Other,
}

impl FileKind {
    pub const ALL: [FileKind; 8] = [
        FileKind::Pdf,
        FileKind::Word,
        FileKind::Spreadsheet,
        FileKind::Csv,
        FileKind::Text,
        FileKind::Image,
        FileKind::Archive,
        FileKind::Other,
    ];

    /// Its name in the database and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Word => "word",
            FileKind::Spreadsheet => "spreadsheet",
            FileKind::Csv => "csv",
            FileKind::Text => "text",
            FileKind::Image => "image",
            FileKind::Archive => "archive",
            FileKind::Other => "other",
        }
    }

    /// The kind of this name in the database (`None`: not one of kaohe's).
    pub fn from_name(name: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// What a reviewer reads: PDF, Word, 表格, CSV, 文本, 图片, 压缩包, 其他.
    pub fn chinese(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Word => "Word",
            FileKind::Spreadsheet => "表格",
            FileKind::Csv => "CSV",
            FileKind::Text => "文本",
            FileKind::Image => "图片",
            FileKind::Archive => "压缩包",
            FileKind::Other => "其他",
        }
    }

    pub fn english(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Word => "Word",
            FileKind::Spreadsheet => "spreadsheet",
            FileKind::Csv => "CSV",
            FileKind::Text => "text",
            FileKind::Image => "image",
            FileKind::Archive => "archive",
            FileKind::Other => "other",
        }
    }
}

/// One county × indicator's evidence: the files its evidence column names that came, and
/// the names it cites that found no file, or more than one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ItemEvidence {
    /// The files tied to the item, in the order its evidence column names them.
    pub files: Vec<EvidenceFile>,
    /// Names the evidence column cites that no file sent matches.
    pub missing: Vec<String>,
    /// Names the evidence column cites that match more than one file (none of them is tied:
    /// kaohe never guesses).
    pub ambiguous: Vec<String>,
}

impl ItemEvidence {
    /// Nothing tied, nothing missing, nothing ambiguous.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.missing.is_empty() && self.ambiguous.is_empty()
    }
}

/// A reviewer's request to a county for more material on one item (退回补充), with the reason
/// the clerk sends on. It is closed by the first later import that brings new evidence for
/// the item (a file not tied to it before).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub id: i64,
    pub county_code: String,
    pub indicator_id: String,
    pub reason: String,
    /// The reviewer who asked (their name), and their OS account.
    pub asked_by: String,
    pub account: String,
    /// RFC 3339.
    pub asked_at: String,
    /// When an import closed it (RFC 3339); `None` while it is open.
    pub closed_at: Option<String>,
    /// The file of the import whose new evidence closed it.
    pub closed_by: Option<String>,
}

impl Request {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }

    /// "#3 缺会议纪要（张三 2026-11-29 09:30）": the request as one line of an export.
    pub fn line(&self) -> String {
        format!(
            "#{} {}（{} {}）",
            self.id,
            self.reason,
            self.asked_by,
            crate::stages::short_time(&self.asked_at)
        )
    }
}

/// What the exports say of one item's evidence: how many files are tied to it, the names it
/// cites that no file matches (or several do, said so), and its open requests for more.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub missing: Vec<String>,
    pub requests_open: Vec<Request>,
}

/// How an ambiguous name is written where the exports list what is missing.
pub fn ambiguous_words(name: &str) -> String {
    format!("{name}（对应多个文件）")
}

pub mod bundle;
pub mod folders;
pub mod kind;
pub mod list;
pub mod names;
pub mod out;
pub mod resolve;
