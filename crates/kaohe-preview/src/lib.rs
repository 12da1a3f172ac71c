//! A county's evidence file (佐证材料) turned into something a terminal can show: the text of a
//! PDF, a Word document (.docx), a workbook (.xlsx, .xls, .ods) or a CSV, plain text in any of
//! the encodings Chinese offices write (UTF-8, GB18030, UTF-16), or a picture (PNG, JPEG, GIF,
//! BMP, and the scanned page of a PDF that holds no text) decoded to RGB and scaled to fit.
//!
//! Bytes and a name in, a [`Preview`] or a [`Refusal`] naming the file out; never a panic.
//! Everything is bounded before it is unpacked ([`Limits`]): the file's size, what its
//! compressed parts unpack to (a zip or deflate bomb is refused in constant memory before any
//! reader sees it), an image's width × height (read from its header, before a pixel is
//! decoded), how much text is kept. Every line of text is made safe for a terminal with the
//! one cleaning of `kaohe_core::text` (control characters shown as ␛ ␇ �) and its tabs set
//! to columns, so whoever shows it can never be driven by it.
//!
//! No terminal, SQLite or command line here: the workspace decides how to draw what this
//! gives (half-blocks, sixel, kitty, iTerm2).

mod docx;
mod kind;
mod lines;
mod pdf;
mod picture;
mod raster;
mod refusal;
mod sheet;
mod text;
mod unpack;

pub use kind::Kind;
pub use picture::Picture;
pub use refusal::{Refusal, Why};

/// How much of a file kaohe takes in to show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The file itself: a bigger one is not previewed (it can still be opened elsewhere).
    pub file_bytes: u64,
    /// What a file's compressed parts (a zip's members, a PDF's streams) may unpack to, all
    /// together.
    pub unpacked_bytes: u64,
    /// An image's width × height, read from its header before it is decoded: an A4 page
    /// scanned at 600 dpi is some 35 million pixels.
    pub pixels: u64,
    /// Characters of text kept; the rest is left out and said so.
    pub text_chars: usize,
    /// Rows of a sheet kept.
    pub sheet_rows: usize,
    /// Pages of a PDF read.
    pub pages: usize,
    /// Scanned pages (a PDF page with no text but an image) whose image is decoded.
    pub scanned_pages: usize,
    /// A decoded picture is scaled down to fit this many pixels a side.
    pub picture_side: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            file_bytes: 64 << 20,
            unpacked_bytes: 256 << 20,
            pixels: 40_000_000,
            text_chars: 4_000_000,
            sheet_rows: 20_000,
            pages: 2_000,
            scanned_pages: 20,
            picture_side: 1_200,
        }
    }
}

/// What a file shows: its parts in order (a PDF's pages, a workbook's sheets, a document's
/// text, a picture), and what was left out or guessed.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// What the file holds, by its content.
    pub kind: Kind,
    pub parts: Vec<Part>,
    pub notes: Vec<Note>,
    /// A PDF's pages (all of them, read or not).
    pub pages: Option<u32>,
}

/// One part of a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Lines of text, each safe for a terminal (control characters made visible, tabs set to
    /// columns), none holding a line break.
    Text {
        label: Label,
        lines: Vec<String>,
    },
    Picture {
        label: Label,
        picture: Picture,
    },
}

impl Part {
    pub fn label(&self) -> &Label {
        match self {
            Part::Text { label, .. } | Part::Picture { label, .. } => label,
        }
    }
}

/// Where a part is in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    /// The file has one part.
    Whole,
    /// A PDF's page (from 1).
    Page(u32),
    /// A workbook's sheet, its name made safe for a terminal.
    Sheet(String),
}

/// What the reader of a preview must know: something was left out, or read by a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The text was cut after this many characters.
    TextCut { chars: usize },
    /// Only the first `kept` rows of a sheet are shown.
    RowsCut { sheet: String, kept: usize },
    /// Only the first `kept` pages of a PDF were read.
    PagesCut { kept: usize },
    /// Scanned pages from this one on are not shown (their images were not decoded).
    ScansCut { from_page: u32 },
    /// Pages whose text or image could not be read (they show empty).
    PagesUnreadable { pages: Vec<u32> },
    /// Read as this encoding (a text file not in UTF-8).
    Encoding { name: &'static str },
    /// Bytes that are not text in any encoding kaohe knows, shown as �.
    NotText { bytes: usize },
    /// The file's name says one kind, its content is another: shown as its content.
    NamedOtherwise { named: Kind },
    /// A picture scaled down from its own size.
    Scaled { width: u32, height: u32 },
}

/// Previews `bytes`, the file `name` (its name as the county gave it: used for the kind when
/// the content does not say, and in every refusal). Never panics: a reader that fails on a
/// damaged file gives a refusal too.
pub fn preview(bytes: &[u8], name: &str, limits: &Limits) -> Result<Preview, Refusal> {
    let refuse = |why: Why| Refusal::new(name, why);
    if bytes.len() as u64 > limits.file_bytes {
        return Err(refuse(Why::TooBig {
            size: bytes.len() as u64,
            limit: limits.file_bytes,
        }));
    }
    let named = Kind::by_name(name);
    let kind = Kind::sniff(bytes, named).map_err(refuse)?;
    // A reader library that panics on a damaged file (lopdf and calamine both can) is one
    // more unreadable file. The workspace keeps its terminal hook off this thread.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(kind, bytes, limits)));
    let mut preview = match read {
        Ok(result) => result.map_err(refuse)?,
        Err(_) => return Err(refuse(Why::Damaged { kind, detail: None })),
    };
    if let Some(named) = named.filter(|&n| !n.same_family(kind)) {
        preview.notes.insert(0, Note::NamedOtherwise { named });
    }
    Ok(preview)
}

fn read(kind: Kind, bytes: &[u8], limits: &Limits) -> Result<Preview, Why> {
    match kind {
        Kind::Pdf => pdf::read(bytes, limits),
        Kind::Docx => docx::read(bytes, limits),
        Kind::Xlsx | Kind::Xls | Kind::Ods => sheet::read_workbook(kind, bytes, limits),
        Kind::Csv => sheet::read_csv(bytes, limits),
        Kind::Text => text::read(bytes, limits),
        Kind::Png | Kind::Jpeg | Kind::Gif | Kind::Bmp => raster::read(kind, bytes, limits),
    }
}

impl Preview {
    /// A preview of one part and no notes.
    fn one(kind: Kind, part: Part) -> Preview {
        Preview {
            kind,
            parts: vec![part],
            notes: Vec::new(),
            pages: None,
        }
    }
}
