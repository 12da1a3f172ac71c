//! The note editor: opened on the saved note or a draft, every change kept as a draft (a note
//! typed for minutes survives a crash), saved only if nobody changed the note meanwhile, and
//! never closed on changes without asking.

use super::effect::{Effect, Why, Write};
use super::mode::Overlay;
use super::undo::Step;
use super::{App, Cursor};
use crate::store::Expected;
use crate::tui::editor::TextBuffer;

/// The most a note holds: 64 KiB of UTF-8 (some 21,000 Chinese characters, far more than any
/// note). What would go past it — typed or pasted — is not added, and the reviewer is told.
pub const NOTE_LIMIT: usize = 64 * 1024;

/// The most the finder's query holds: a query is a few words, and a paste of a page into it
/// would make every look-up crawl.
pub const QUERY_LIMIT: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteEditor {
    pub at: Cursor,
    /// The reviewer's own note as the database held it when editing began: the thread's
    /// latest, when theirs; empty for a new note below the others'.
    pub saved: String,
    pub buffer: TextBuffer,
    /// Asking whether to save or throw away the changes.
    pub confirming: bool,
}

impl App {
    /// At start, before anything is read: the draft is all there is; the saved note is
    /// filled in once the item is read ([`App::loaded`]).
    pub(super) fn open_editor_on_draft(&mut self) {
        let text = self.draft(self.cursor).unwrap_or_default().to_string();
        self.overlay.open(Overlay::Editor(NoteEditor {
            at: self.cursor,
            saved: String::new(),
            buffer: TextBuffer::new(&text),
            confirming: false,
        }));
        self.editor_unread = true;
    }

    /// The editor on the selected item: on the draft left there, else on the reviewer's own
    /// note (the thread's latest, when theirs; else a new one, below the others').
    pub(super) fn open_editor(&mut self) {
        self.open_editor_at(self.cursor);
    }

    /// The editor on an item (the selected one, or the one just marked: `E`).
    pub(super) fn open_editor_at(&mut self, at: Cursor) {
        self.editor_for_note();
        self.editor_not_for_finding();
        let saved = self
            .item(at)
            .own_note(&self.reviewer, &self.account)
            .to_string();
        let text = self.draft(at).map_or_else(|| saved.clone(), str::to_string);
        self.overlay.open(Overlay::Editor(NoteEditor {
            at,
            saved,
            buffer: TextBuffer::new(&text),
            confirming: false,
        }));
    }

    /// The editor's text changed: keep it as a draft, or drop the draft if it is the saved note.
    pub(super) fn draft_changed(&mut self) -> Vec<Effect> {
        if self.editing_reason() || self.editing_request() || self.editing_finding() {
            // A 复核 change's reason, a request's or a finding is no note: nothing to keep as
            // a draft.
            return Vec::new();
        }
        let Some(e) = self.editor() else {
            return Vec::new();
        };
        let (at, text) = (e.at, e.buffer.text());
        if text == e.saved {
            return self.drop_draft(at);
        }
        let k = self.index(at);
        self.drafts.insert(k, text.clone());
        vec![Effect::SaveDraft { at, text }]
    }

    fn drop_draft(&mut self, at: Cursor) -> Vec<Effect> {
        let k = self.index(at);
        if self.drafts.remove(&k).is_some() {
            vec![Effect::DiscardDraft { at }]
        } else {
            Vec::new()
        }
    }

    /// Saved once written ([`App::written`]); only if nobody changed the note since editing
    /// began.
    pub(super) fn save_note(&mut self) -> Vec<Effect> {
        if self.editing_reason() {
            return self.save_reason();
        }
        if self.editing_request() {
            return self.save_request();
        }
        if self.editing_finding() {
            return self.save_finding();
        }
        let Some(e) = self.overlay.editor_mut() else {
            return Vec::new();
        };
        e.confirming = false;
        vec![Effect::Review(Write {
            at: e.at,
            verdict: None,
            note: Some(e.buffer.text()),
            why: Why::Note,
            expected: Expected {
                verdict: None,
                note: Some(e.saved.clone()),
            },
        })]
    }

    /// Esc: closes an editor without changes; asks first about one with changes.
    pub(super) fn leave_editor(&mut self) -> Vec<Effect> {
        let Some(e) = self.overlay.editor_mut() else {
            return Vec::new();
        };
        if e.buffer.text() != e.saved {
            e.confirming = true;
            return Vec::new();
        }
        let at = e.at;
        self.overlay.close();
        self.drop_draft(at)
    }

    /// The changes thrown away, on the reviewer's word.
    pub(super) fn discard_note(&mut self) -> Vec<Effect> {
        if self.editing_reason() {
            return self.drop_reason();
        }
        if self.editing_request() {
            return self.drop_request();
        }
        if self.editing_finding() {
            return self.drop_finding();
        }
        if self.editor().is_none() {
            return Vec::new();
        }
        let Overlay::Editor(e) = self.overlay.close() else {
            return Vec::new();
        };
        // Kept for `u`: a stray key must not lose a note for good.
        self.undo.push(Step::Discarded {
            at: e.at,
            text: e.buffer.text(),
        });
        self.inform(self.strings.draft_discarded);
        self.drop_draft(e.at)
    }

    /// A note thrown away comes back into the editor, as a draft again.
    pub(super) fn restore_note(&mut self, at: Cursor, text: &str) -> Vec<Effect> {
        self.cursor = at;
        self.open_editor();
        if let Some(e) = self.overlay.editor_mut() {
            e.buffer = TextBuffer::new(text);
        }
        self.inform(self.strings.draft_resumed);
        self.draft_changed()
    }

    /// Standard note `n` (from 1) at the caret. After text that does not end a clause, it
    /// starts a new one.
    pub(super) fn insert_standard_note(&mut self, n: u8) -> Vec<Effect> {
        let Some(note) = self
            .standard_notes
            .get(usize::from(n).wrapping_sub(1))
            .cloned()
        else {
            return Vec::new();
        };
        let Some(e) = self.overlay.editor_mut() else {
            return Vec::new();
        };
        let text: Vec<char> = e.buffer.text().chars().collect();
        let before = text[..e.buffer.caret()].last().copied();
        let separate = before.is_some_and(|c| !"，。；：、！？,.;:!? \n".contains(c));
        let insert = if separate { format!("；{note}") } else { note };
        let (_, all) = e.buffer.insert_within(&insert, NOTE_LIMIT);
        if !all {
            self.note_full(NOTE_LIMIT);
        }
        self.draft_changed()
    }
}
