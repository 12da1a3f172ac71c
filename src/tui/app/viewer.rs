//! The evidence in the workspace (issue 18): an item's files as the store lists them (for the
//! detail pane), the viewer over them (`a`: a file's text paged, found in with `/`, `n`/`N`;
//! its pictures), and 退回补充 (`r`: the reason typed in the note editor, the request written
//! by the store; the 已退回 filter goes by the open requests).
//!
//! Pure like the rest of the App: a file is read and decoded by an effect
//! ([`Effect::LoadPreview`], on a worker thread), and the App is told what came of it
//! ([`App::preview_loaded`]). The text the viewer shows is the preview's, whose lines are made
//! safe for a terminal where they were made (kaohe-preview, with `text::clean`); the App only
//! wraps them to the window by terminal columns.

use super::effect::Effect;
use super::mode::Overlay;
use super::{App, Cursor, Level, NoteEditor};
use crate::text::{clean, wrap};
use crate::tui::editor::TextBuffer;
use crate::tui::strings::evidence::{note, why};
use kaohe_core::evidence::{EvidenceFile, ItemEvidence, Request};
use kaohe_preview::{Label, Part, Preview, Refusal};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// Previews kept for going back and forth between files: a few, each a file's text or a
/// picture of at most some 4 MB.
const PREVIEWS_KEPT: usize = 6;

/// The most a request's reason holds (as a note).
const REASON_LIMIT: usize = super::NOTE_LIMIT;

/// What the evidence is to the App: each item's files as read for the screen, the open
/// requests of every item, the previews of files recently shown.
#[derive(Default)]
pub(super) struct EvidenceState {
    files: HashMap<usize, ItemEvidence>,
    /// Open requests by item (the App's index); every item's, for the filter.
    requests: HashMap<usize, Vec<Request>>,
    /// The item whose request's reason is being typed in the editor.
    request_for: Option<Cursor>,
    previews: VecDeque<(String, Arc<Preview>)>,
}

/// Why a file is not shown, besides a refusal of its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Its content is not previewed (too big, damaged, a kind kaohe does not show …).
    Refused(Refusal),
    /// The file is not where the store keeps it, or could not be read.
    Gone { path: String, error: String },
    /// Reading it took too long: given up.
    TooSlow { secs: u64 },
}

/// One row of the viewer, as wide as the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Text {
        text: String,
        style: RowStyle,
        /// The logical line (of [`Doc::Ready::lines`]) it is part of, for finding.
        line: Option<usize>,
    },
    /// Row `row` of `rows` that the picture of part `part` takes.
    Picture { part: usize, row: u16, rows: u16 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStyle {
    /// A page's or a sheet's heading.
    Heading,
    /// What the reader must know of the preview (text cut, an encoding guessed).
    Note,
    Body,
    /// "(no text on this page)".
    Empty,
}

/// The file the viewer shows, as far as it has come.
pub enum Doc {
    Loading,
    /// Not shown, and why (worded).
    Failed(String),
    Ready {
        preview: Arc<Preview>,
        /// The text's logical lines, for finding.
        lines: Vec<String>,
        rows: Vec<Row>,
    },
}

/// The viewer over an item's files.
pub struct Viewer {
    pub at: Cursor,
    pub files: Vec<EvidenceFile>,
    /// The file shown (an index of `files`).
    pub file: usize,
    pub doc: Doc,
    /// The first row on screen.
    pub top: usize,
    /// The query being typed (`/`), while it is.
    pub find: Option<TextBuffer>,
    /// What was last found, and the rows it is on.
    pub query: String,
    pub hits: Vec<usize>,
    pub hit: Option<usize>,
    /// The size of the text area rows were laid out for (columns, rows).
    size: (u16, u16),
}

impl Viewer {
    pub fn current(&self) -> &EvidenceFile {
        &self.files[self.file]
    }

    pub fn rows(&self) -> &[Row] {
        match &self.doc {
            Doc::Ready { rows, .. } => rows,
            _ => &[],
        }
    }

    pub fn preview(&self) -> Option<&Preview> {
        match &self.doc {
            Doc::Ready { preview, .. } => Some(preview),
            _ => None,
        }
    }

    /// The picture of part `part`, if it is one.
    pub fn picture(&self, part: usize) -> Option<&kaohe_preview::Picture> {
        match self.preview()?.parts.get(part)? {
            Part::Picture { picture, .. } => Some(picture),
            Part::Text { .. } => None,
        }
    }

    /// The furthest the top may go: the last page shows whole.
    fn most_top(&self) -> usize {
        self.rows()
            .len()
            .saturating_sub(usize::from(self.size.1.max(1)))
    }

    fn page(&self) -> usize {
        usize::from(self.size.1).saturating_sub(1).max(1)
    }
}

/// How many rows (two pixels each, in half-blocks) a picture takes fitted to a text area of
/// `width` × `height`.
pub fn picture_rows(picture: &kaohe_preview::Picture, width: u16, height: u16) -> u16 {
    let (_, h) = picture.fitted_size(u32::from(width.max(1)), u32::from(height.max(1)) * 2);
    u16::try_from(h.div_ceil(2))
        .unwrap_or(height)
        .clamp(1, height.max(1))
}

impl App {
    /// The item whose evidence the screen wants and has not read: the selected one.
    pub fn evidence_wanted(&self) -> Option<Cursor> {
        if self.is_empty() {
            return None;
        }
        let k = self.index(self.cursor);
        (!self.evidence.files.contains_key(&k)).then_some(self.cursor)
    }

    /// An item's evidence, as read from the store.
    pub fn evidence_loaded(&mut self, at: Cursor, evidence: ItemEvidence) {
        if self.evidence.files.len() > 2_000 {
            self.evidence.files.clear();
        }
        let k = self.index(at);
        self.evidence.files.insert(k, evidence);
    }

    /// An item's evidence, if it has been read.
    pub fn evidence_at(&self, at: Cursor) -> Option<&ItemEvidence> {
        self.evidence.files.get(&self.index(at))
    }

    /// A file's pages, where the store has them or a preview made here counted them.
    pub fn pages_of(&self, file: &EvidenceFile) -> Option<u32> {
        file.pages.or_else(|| {
            self.evidence
                .previews
                .iter()
                .find(|(sha, _)| *sha == file.sha256)
                .and_then(|(_, p)| p.pages)
        })
    }

    /// Read again when next wanted (an import may have brought files).
    pub(super) fn forget_evidence(&mut self) {
        self.evidence.files.clear();
    }

    /// The open requests (退回补充) of every item, as the store holds them now: true if
    /// they are not what the App had.
    pub fn requests_loaded(&mut self, requests: Vec<Request>) -> bool {
        let mut open: HashMap<usize, Vec<Request>> = HashMap::new();
        for r in requests.into_iter().filter(Request::is_open) {
            if let Some(k) = self.item_index(&r.county_code, &r.indicator_id) {
                open.entry(k).or_default().push(r);
            }
        }
        let changed = open != self.evidence.requests;
        self.evidence.requests = open;
        changed
    }

    /// The open requests of an item, oldest first.
    pub fn open_requests(&self, at: Cursor) -> &[Request] {
        self.evidence
            .requests
            .get(&self.index(at))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether the item has a request for more that is still open.
    pub(super) fn is_requested(&self, at: Cursor) -> bool {
        self.evidence.requests.contains_key(&self.index(at))
    }

    /// The viewer, while open.
    pub fn viewer(&self) -> Option<&Viewer> {
        self.overlay.viewer()
    }

    /// `a`: the viewer on the selected item's first file.
    pub(super) fn open_viewer(&mut self) -> Vec<Effect> {
        let e = self.strings.evidence_words;
        let Some(evidence) = self.evidence_at(self.cursor) else {
            self.inform(e.not_read_yet);
            return Vec::new();
        };
        if evidence.files.is_empty() {
            let mut text = e.no_files.to_string();
            if !evidence.missing.is_empty() {
                let names: Vec<String> = evidence.missing.iter().map(|n| clean(n)).collect();
                text.push_str(&format!(
                    "{}{}{}",
                    self.strings.colon,
                    e.missing,
                    names.join("、")
                ));
            }
            self.warn(Level::Info, text);
            return Vec::new();
        }
        let viewer = Viewer {
            at: self.cursor,
            files: evidence.files.clone(),
            file: 0,
            doc: Doc::Loading,
            top: 0,
            find: None,
            query: String::new(),
            hits: Vec::new(),
            hit: None,
            size: self.viewer_size,
        };
        self.overlay.open(Overlay::Viewer(viewer));
        self.show_file()
    }

    /// The viewer's current file: from the previews kept, or read (an effect).
    fn show_file(&mut self) -> Vec<Effect> {
        let Some(v) = self.overlay.viewer_mut() else {
            return Vec::new();
        };
        v.top = 0;
        v.hits.clear();
        v.hit = None;
        let file = v.current().clone();
        let kept = self
            .evidence
            .previews
            .iter()
            .find(|(sha, _)| *sha == file.sha256)
            .map(|(_, p)| Arc::clone(p));
        match kept {
            Some(preview) => {
                self.set_doc(preview);
                Vec::new()
            }
            None => {
                if let Some(v) = self.overlay.viewer_mut() {
                    v.doc = Doc::Loading;
                }
                vec![Effect::LoadPreview {
                    sha256: file.sha256,
                    name: file.name,
                }]
            }
        }
    }

    /// What came of reading a file: shown if the viewer still wants it, kept either way.
    pub fn preview_loaded(&mut self, sha256: &str, result: Result<Preview, Failure>) {
        let preview = match result {
            Ok(p) => {
                let p = Arc::new(p);
                self.evidence
                    .previews
                    .retain(|(sha, _)| sha.as_str() != sha256);
                self.evidence
                    .previews
                    .push_back((sha256.to_string(), Arc::clone(&p)));
                while self.evidence.previews.len() > PREVIEWS_KEPT {
                    self.evidence.previews.pop_front();
                }
                Ok(p)
            }
            Err(f) => Err(f),
        };
        let Some(v) = self.overlay.viewer() else {
            return;
        };
        if v.current().sha256 != sha256 {
            return;
        }
        match preview {
            Ok(p) => self.set_doc(p),
            Err(f) => {
                let text = self.failure_words(&f, &v.current().name);
                if let Some(v) = self.overlay.viewer_mut() {
                    v.doc = Doc::Failed(text);
                }
            }
        }
    }

    /// A failure in the reviewer's language, the file named.
    fn failure_words(&self, failure: &Failure, name: &str) -> String {
        let e = self.strings.evidence_words;
        let name = clean(name);
        match failure {
            Failure::Refused(r) => format!(
                "{}{}{}",
                r.file,
                self.strings.colon,
                e.not_shown
                    .replace("{why}", &why(self.strings.lang, &r.why))
            ),
            Failure::Gone { path, error } => format!(
                "{name}{}{}",
                self.strings.colon,
                e.gone
                    .replace("{path}", &clean(path))
                    .replace("{error}", &clean(error))
            ),
            Failure::TooSlow { secs } => e
                .too_slow
                .replace("{name}", &name)
                .replace("{secs}", &secs.to_string()),
        }
    }

    fn set_doc(&mut self, preview: Arc<Preview>) {
        let size = self.viewer_size;
        let (lines, rows) = self.lay_out(&preview, size);
        if let Some(v) = self.overlay.viewer_mut() {
            v.size = size;
            v.doc = Doc::Ready {
                preview,
                lines,
                rows,
            };
            v.top = v.top.min(v.most_top());
        }
    }

    /// The viewer's text area is this big now (the run loop says, before each frame): the
    /// rows are laid out again if it changed, the first row on screen kept.
    pub fn set_viewer_size(&mut self, width: u16, height: u16) {
        self.viewer_size = (width, height);
        let Some(v) = self.overlay.viewer() else {
            return;
        };
        if v.size == (width, height) {
            return;
        }
        let Doc::Ready { preview, rows, .. } = &v.doc else {
            if let Some(v) = self.overlay.viewer_mut() {
                v.size = (width, height);
            }
            return;
        };
        let line_at_top = rows.get(v.top).and_then(|r| match r {
            Row::Text { line, .. } => *line,
            Row::Picture { .. } => None,
        });
        let preview = Arc::clone(preview);
        let query = v.query.clone();
        self.set_doc(preview);
        if let Some(v) = self.overlay.viewer_mut() {
            if let Some(line) = line_at_top {
                v.top = v
                    .rows()
                    .iter()
                    .position(|r| matches!(r, Row::Text { line: Some(l), .. } if *l == line))
                    .unwrap_or(0)
                    .min(v.most_top());
            }
            if !query.is_empty() {
                let hits = find_rows(v, &query);
                v.hits = hits;
                v.hit = None;
            }
        }
    }

    /// The preview's rows for a text area of `size`: the notes, then each part under its
    /// heading, text wrapped by terminal columns, pictures as many rows as they take.
    fn lay_out(&self, preview: &Preview, size: (u16, u16)) -> (Vec<String>, Vec<Row>) {
        let e = self.strings.evidence_words;
        let width = usize::from(size.0.max(1));
        let mut lines = Vec::new();
        let mut rows = Vec::new();
        let text = |rows: &mut Vec<Row>, t: &str, style: RowStyle, line: Option<usize>| {
            for piece in wrap(t, width) {
                rows.push(Row::Text {
                    text: piece,
                    style,
                    line,
                });
            }
        };
        for n in &preview.notes {
            text(
                &mut rows,
                &format!("※ {}", note(self.strings.lang, n, preview.kind)),
                RowStyle::Note,
                None,
            );
        }
        let headed = preview.parts.len() > 1 || preview.pages.is_some();
        for (i, part) in preview.parts.iter().enumerate() {
            let heading = match part.label() {
                Label::Page(n) => Some(e.page.replace("{n}", &n.to_string())),
                Label::Sheet(name) => Some(e.sheet.replace("{name}", name)),
                Label::Whole => None,
            };
            if let Some(h) = heading.filter(|_| headed) {
                text(&mut rows, &format!("── {h} ──"), RowStyle::Heading, None);
            }
            match part {
                Part::Text {
                    lines: part_lines, ..
                } => {
                    if part_lines.iter().all(|l| l.trim().is_empty()) {
                        let empty = if headed { e.empty_page } else { e.empty_file };
                        text(&mut rows, empty, RowStyle::Empty, None);
                        continue;
                    }
                    for l in part_lines {
                        lines.push(l.clone());
                        let at = lines.len() - 1;
                        text(&mut rows, l, RowStyle::Body, Some(at));
                    }
                }
                Part::Picture { picture, .. } => {
                    let (w, h) = picture.original();
                    text(
                        &mut rows,
                        &e.picture
                            .replace("{w}", &w.to_string())
                            .replace("{h}", &h.to_string()),
                        RowStyle::Heading,
                        None,
                    );
                    // The picture fills what is left of a screen under its heading.
                    let room = size.1.saturating_sub(1).max(1);
                    let n = picture_rows(picture, size.0, room);
                    for row in 0..n {
                        rows.push(Row::Picture {
                            part: i,
                            row,
                            rows: n,
                        });
                    }
                }
            }
        }
        (lines, rows)
    }

    /// The viewer's keys.
    pub(super) fn view_evidence(&mut self, action: crate::tui::action::Action) -> Vec<Effect> {
        use crate::tui::action::Action::*;
        let Some(v) = self.overlay.viewer_mut() else {
            return Vec::new();
        };
        let (page, most) = (v.page(), v.most_top());
        match action {
            ScrollDown => v.top = (v.top + 1).min(most),
            ScrollUp => v.top = v.top.saturating_sub(1),
            PageDown => v.top = (v.top + page).min(most),
            PageUp => v.top = v.top.saturating_sub(page),
            First => v.top = 0,
            Last => v.top = most,
            FindInFile => v.find = Some(TextBuffer::new(&v.query)),
            FindNext => self.find_step(true),
            FindPrev => self.find_step(false),
            NextFile | PrevFile => {
                let n = v.files.len();
                if n > 1 {
                    v.file = if action == NextFile {
                        (v.file + 1) % n
                    } else {
                        (v.file + n - 1) % n
                    };
                    return self.show_file();
                }
            }
            AskForMore => {
                self.overlay.close();
                return self.ask_for_more();
            }
            CloseViewer => {
                self.overlay.close();
            }
            _ => {}
        }
        Vec::new()
    }

    /// The query's keys: Enter finds, Esc closes, the caret and deleting (typing is text).
    pub(super) fn find_in_file(&mut self, action: crate::tui::action::Action) {
        use crate::tui::action::Action::*;
        let Some(v) = self.overlay.viewer_mut() else {
            return;
        };
        let Some(q) = &mut v.find else {
            return;
        };
        match action {
            CaretLeft => q.left(),
            CaretRight => q.right(),
            DeleteBack => q.delete_back(),
            DeleteForward => q.delete_forward(),
            SearchClose => v.find = None,
            SearchJump => {
                let query = q.text().trim().to_string();
                v.find = None;
                v.query = query.clone();
                v.hits = if query.is_empty() {
                    Vec::new()
                } else {
                    find_rows(v, &query)
                };
                // From where the reviewer is reading: the first place at or below the top.
                let top = v.top;
                v.hit = v
                    .hits
                    .iter()
                    .position(|&r| r >= top)
                    .or(if v.hits.is_empty() { None } else { Some(0) });
                self.show_hit();
            }
            _ => {}
        }
    }

    /// Text typed into the viewer's query, within its bound: (characters taken, all fitted).
    pub(super) fn type_find(&mut self, text: &str) -> (usize, bool) {
        let Some(q) = self.overlay.viewer_mut().and_then(|v| v.find.as_mut()) else {
            return (0, true);
        };
        q.insert_within(&text.replace(['\n', '\r'], " "), super::QUERY_LIMIT)
    }

    /// `n` / `N`: the next or previous place found, round the file.
    fn find_step(&mut self, forward: bool) {
        let Some(v) = self.overlay.viewer_mut() else {
            return;
        };
        let n = v.hits.len();
        if n == 0 {
            self.show_hit();
            return;
        }
        v.hit = Some(match (v.hit, forward) {
            (None, _) => 0,
            (Some(h), true) => (h + 1) % n,
            (Some(h), false) => (h + n - 1) % n,
        });
        self.show_hit();
    }

    /// The place found in view (two rows of what comes before it above), and said.
    fn show_hit(&mut self) {
        let e = self.strings.evidence_words;
        let Some(v) = self.overlay.viewer_mut() else {
            return;
        };
        if v.query.is_empty() {
            return;
        }
        let q = clean(&v.query);
        match v.hit.and_then(|h| v.hits.get(h).map(|&r| (h, r))) {
            Some((h, row)) => {
                v.top = row.saturating_sub(2).min(v.most_top());
                let text = e
                    .found_at
                    .replace("{q}", &q)
                    .replace("{i}", &(h + 1).to_string())
                    .replace("{n}", &v.hits.len().to_string());
                self.inform(&text);
            }
            None => {
                let text = e.not_found.replace("{q}", &q);
                self.warn(Level::Warning, text);
            }
        }
    }

    /// `r`: the note editor opens for the reason to ask the county for more.
    pub(super) fn ask_for_more(&mut self) -> Vec<Effect> {
        if !self.may_write() {
            self.refuse_write();
            return Vec::new();
        }
        self.editor_for_note();
        let at = self.cursor;
        self.overlay.open(Overlay::Editor(NoteEditor {
            at,
            saved: String::new(),
            buffer: TextBuffer::new(""),
            confirming: false,
        }));
        // After the editor is open: opening it forgets any other purpose it had.
        self.evidence.request_for = Some(at);
        self.inform(self.strings.evidence_words.request_prompt);
        Vec::new()
    }

    /// The item whose request's reason the editor holds, while it does.
    pub fn request_pending(&self) -> Option<Cursor> {
        let at = self.evidence.request_for?;
        self.editor().filter(|e| e.at == at).map(|_| at)
    }

    /// Whether the editor holds a request's reason (no note: nothing to keep as a draft).
    pub(super) fn editing_request(&self) -> bool {
        self.request_pending().is_some()
    }

    /// The editor opened for a note or a 复核 reason: no request is being asked.
    pub(super) fn editor_not_for_request(&mut self) {
        self.evidence.request_for = None;
    }

    /// Enter in the editor while it holds a request's reason: the request, if there is one.
    pub(super) fn save_request(&mut self) -> Vec<Effect> {
        let Some(at) = self.request_pending() else {
            return Vec::new();
        };
        let Some(e) = self.overlay.editor_mut() else {
            return Vec::new();
        };
        e.confirming = false;
        let reason = e.buffer.text();
        if reason.trim().is_empty() {
            self.warn(
                Level::Warning,
                self.strings.evidence_words.request_needed.to_string(),
            );
            return Vec::new();
        }
        if reason.len() > REASON_LIMIT {
            self.note_full(REASON_LIMIT);
            return Vec::new();
        }
        vec![Effect::OpenRequest { at, reason }]
    }

    /// The reason thrown away (Esc, then d): nothing asked.
    pub(super) fn drop_request(&mut self) -> Vec<Effect> {
        if self.request_pending().is_some() {
            self.overlay.close();
            self.evidence.request_for = None;
            self.inform(self.strings.evidence_words.request_dropped);
        }
        Vec::new()
    }

    /// What came of writing a request: kept and shown, or said why not (the reason stays in
    /// the editor, so nothing typed is lost).
    pub fn request_written(&mut self, at: Cursor, result: Result<Request, String>) {
        let e = self.strings.evidence_words;
        match result {
            Ok(request) => {
                if self.request_pending() == Some(at) {
                    self.overlay.close();
                }
                self.evidence.request_for = None;
                let k = self.index(at);
                self.evidence.requests.entry(k).or_default().push(request);
                let text = e.request_saved.replace("{item}", &self.name(at));
                self.inform(&text);
            }
            Err(error) => {
                let text = e.request_failed.replace("{error}", &error);
                self.warn(Level::Error, text);
            }
        }
    }
}

/// The rows where `query` is found (without regard to case), each once, in order. Found in
/// the logical lines, so a place the wrapping split is found too; its row is the one where it
/// starts.
fn find_rows(v: &Viewer, query: &str) -> Vec<usize> {
    let Doc::Ready { lines, rows, .. } = &v.doc else {
        return Vec::new();
    };
    let q = query.to_lowercase();
    // Each logical line's rows: (first row, the rows' lengths in characters).
    let mut rows_of: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for (r, row) in rows.iter().enumerate() {
        if let Row::Text {
            line: Some(l),
            text,
            ..
        } = row
        {
            rows_of
                .entry(*l)
                .or_default()
                .push((r, text.chars().count()));
        }
    }
    let mut hits = Vec::new();
    for (l, line) in lines.iter().enumerate() {
        let lower = line.to_lowercase();
        let Some(parts) = rows_of.get(&l) else {
            continue;
        };
        for (byte, _) in lower.match_indices(&q) {
            let at = lower[..byte].chars().count();
            let mut seen = 0;
            let mut row = parts[0].0;
            for &(r, n) in parts {
                row = r;
                if at < seen + n {
                    break;
                }
                seen += n;
            }
            if hits.last() != Some(&row) {
                hits.push(row);
            }
        }
    }
    hits.sort_unstable();
    hits.dedup();
    hits
}
