//! The verified figure (核定值) in the workspace: `=` opens a small editor on the selected
//! item with two fields, the figure and the reason (核定说明); Enter records it (an empty
//! figure clears one). The store decides in the end; the App says first what it would refuse
//! (a figure that is not a number in the indicator's unit, no reason, the county's own
//! figure), so the reviewer sees why in the box, with what they typed still there.
//!
//! A colleague's verified figure is never replaced unasked: saving over it asks first (y/n),
//! and a write that finds another figure there than the one the editor opened on writes
//! nothing and says whose is there now (Enter again then asks about that one).

use super::effect::{Effect, VerifyWrite};
use super::mode::Overlay;
use super::{App, Cursor, Level};
use crate::item::Item;
use crate::store::{Seen, VerifyChange, VerifyEvent};
use crate::tui::action::Action;
use crate::tui::editor::TextBuffer;
use crate::verified::read_verified;

/// The most the figure's field holds: a figure is a few characters.
pub const FIGURE_LIMIT: usize = 64;

/// Which of the editor's two fields takes what is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VerifyField {
    #[default]
    Figure,
    Reason,
}

/// The verified figure's editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyEditor {
    pub at: Cursor,
    /// The verified figure recorded when it opened (none): what the write expects still there.
    pub seen: Option<Seen>,
    pub figure: TextBuffer,
    pub reason: TextBuffer,
    pub field: VerifyField,
    /// What the figure and reason were when it opened: leaving with changes asks first.
    pub opened_with: (String, String),
    /// Why the last Enter wrote nothing (shown in the box until the next key changes it).
    pub problem: Option<String>,
    /// Asking whether to replace a colleague's verified figure, or record one on an item
    /// someone else owns while going through own work (y/n).
    pub asking: bool,
    /// The owner, when the item is someone else's (said in the question).
    pub owner: Option<String>,
    /// Asking whether to save or throw away the changes (Esc with changes).
    pub confirming: bool,
}

impl VerifyEditor {
    pub fn changed(&self) -> bool {
        (self.figure.text(), self.reason.text()) != self.opened_with
    }

    /// The field being typed in.
    pub fn buffer_mut(&mut self) -> &mut TextBuffer {
        match self.field {
            VerifyField::Figure => &mut self.figure,
            VerifyField::Reason => &mut self.reason,
        }
    }
}

impl App {
    /// The verified figure's editor, while open (under the help too).
    pub fn verify_editor(&self) -> Option<&VerifyEditor> {
        self.overlay.verify_editor()
    }

    /// `=`: the editor on the selected item, on its verified figure if one is recorded. Only
    /// for a submitted figure of an indicator that asks for a number.
    pub(super) fn open_verify(&mut self) {
        let at = self.cursor;
        let s = self.strings.verify;
        let ind = &self.indicators[at.indicator];
        if ind.requirement.is_none() {
            self.inform(s.no_number);
            return;
        }
        let item = self.item(at);
        if item.submission().is_none() {
            self.inform(s.not_submitted);
            return;
        }
        let (figure, reason) = item
            .verified
            .as_ref()
            .map_or_else(Default::default, |v| (v.value.clone(), v.reason.clone()));
        let seen = item.verified.as_ref().map(Seen::of);
        self.overlay.open(Overlay::Verify(VerifyEditor {
            at,
            seen,
            figure: TextBuffer::new(&figure),
            reason: TextBuffer::new(&reason),
            field: VerifyField::Figure,
            opened_with: (figure, reason),
            problem: None,
            asking: false,
            owner: None,
            confirming: false,
        }));
    }

    /// The keys of the open editor: the fields, the caret, deleting; save or leave.
    pub(super) fn verify_key(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        if action == SaveVerified && !self.may_write() {
            self.refuse_write();
            return Vec::new();
        }
        let Some(e) = self.overlay.verify_editor_mut() else {
            return Vec::new();
        };
        e.problem = None;
        match action {
            SaveVerified => return self.save_verified(),
            CloseEditor => return self.leave_verify(),
            NextField => {
                e.field = match e.field {
                    VerifyField::Figure => VerifyField::Reason,
                    VerifyField::Reason => VerifyField::Figure,
                }
            }
            NewLine if e.field == VerifyField::Reason => {
                e.reason.insert_within("\n", super::NOTE_LIMIT);
            }
            CaretLeft => e.buffer_mut().left(),
            CaretRight => e.buffer_mut().right(),
            LineStart => e.buffer_mut().line_start(),
            LineEnd => e.buffer_mut().line_end(),
            DeleteBack => e.buffer_mut().delete_back(),
            DeleteForward => e.buffer_mut().delete_forward(),
            _ => {}
        }
        Vec::new()
    }

    /// Text typed or pasted into the field being typed in: the figure is one short line.
    /// (How many characters went in, and the bound that left some out.)
    pub(super) fn type_into_verify(&mut self, text: &str) -> (usize, Option<usize>) {
        let Some(e) = self.overlay.verify_editor_mut() else {
            return (0, None);
        };
        e.problem = None;
        let (n, all, limit) = match e.field {
            VerifyField::Figure => {
                let (n, all) = e
                    .figure
                    .insert_within(&text.replace(['\n', '\r', '\t'], ""), FIGURE_LIMIT);
                (n, all, FIGURE_LIMIT)
            }
            VerifyField::Reason => {
                let (n, all) = e.reason.insert_within(text, super::NOTE_LIMIT);
                (n, all, super::NOTE_LIMIT)
            }
        };
        (n, (!all).then_some(limit))
    }

    /// Enter: what the editor holds, checked here first (the store checks again), then
    /// written — or asked about first, over a colleague's figure.
    fn save_verified(&mut self) -> Vec<Effect> {
        let me = self.reviewer.clone();
        let s = self.strings.verify;
        let Some(e) = self.overlay.verify_editor() else {
            return Vec::new();
        };
        let at = e.at;
        let typed = e.figure.text();
        let reason = e.reason.text().trim().to_string();
        let seen = e.seen.clone();
        let ind = &self.indicators[at.indicator];
        let figure = if typed.trim().is_empty() {
            None
        } else {
            match read_verified(ind, &typed) {
                Ok(f) => Some(f),
                Err(why) => return self.verify_problem(why.zh(), VerifyField::Figure),
            }
        };
        let county = self.item(at).value_number;
        match &figure {
            None if seen.is_none() => {
                // Nothing typed, nothing recorded: nothing to do.
                self.overlay.close();
                self.inform(s.nothing_recorded);
                return Vec::new();
            }
            Some((_, n)) if county == Some(*n) => {
                return self.verify_problem(s.same_as_county.to_string(), VerifyField::Figure);
            }
            Some(_) if reason.is_empty() => {
                return self.verify_problem(s.reason_needed.to_string(), VerifyField::Reason);
            }
            _ => {}
        }
        // A colleague's figure is replaced (or cleared) only once asked; so is an item someone
        // else owns, while going through own work (as a mark is: owners.rs).
        let theirs = seen.as_ref().is_some_and(|v| v.by != me);
        let owner = self
            .only_own()
            .then(|| self.others_owner(at).map(|o| o.name.clone()))
            .flatten();
        if let Some(e) = self.overlay.verify_editor_mut() {
            if (theirs || owner.is_some()) && !e.asking {
                e.asking = true;
                e.owner = owner;
                return Vec::new();
            }
            e.asking = false;
            e.confirming = false;
        }
        vec![Effect::Verify(VerifyWrite {
            at,
            figure,
            reason,
            seen,
        })]
    }

    fn verify_problem(&mut self, text: String, field: VerifyField) -> Vec<Effect> {
        if let Some(e) = self.overlay.verify_editor_mut() {
            e.problem = Some(text);
            e.field = field;
            e.confirming = false;
        }
        Vec::new()
    }

    /// Esc: closes an editor without changes; asks first about one with changes.
    fn leave_verify(&mut self) -> Vec<Effect> {
        let Some(e) = self.overlay.verify_editor_mut() else {
            return Vec::new();
        };
        if e.changed() {
            e.confirming = true;
        } else {
            self.overlay.close();
        }
        Vec::new()
    }

    /// Leaving with changes: save them, throw them away, or keep editing.
    pub(super) fn confirm_verify(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::SaveNote if !self.may_write() => {
                self.refuse_write();
                Vec::new()
            }
            Action::SaveNote => self.save_verified(),
            Action::DiscardNote => {
                self.overlay.close();
                self.inform(self.strings.verify.discarded);
                Vec::new()
            }
            Action::KeepEditing => {
                if let Some(e) = self.overlay.verify_editor_mut() {
                    e.confirming = false;
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The answer about a colleague's figure: replace it (`y`), or back to editing (`n`).
    pub(super) fn answer_verify(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::MarkAnyway => {
                if !self.may_write() {
                    self.refuse_write();
                    return Vec::new();
                }
                self.save_verified()
            }
            Action::LeaveIt => {
                if let Some(e) = self.overlay.verify_editor_mut() {
                    e.asking = false;
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    // ---- What the store answered.

    /// A verified figure was written (or failed to be): the editor closes and the item shows
    /// both figures; a failure stays in the editor with what was typed.
    pub fn verified_written(
        &mut self,
        write: VerifyWrite,
        result: Result<(VerifyChange, Item), String>,
    ) {
        let s = self.strings.verify;
        let (change, item) = match result {
            Ok(ok) => ok,
            Err(e) => {
                let text = format!("{}{}{e}", s.failed, self.strings.colon);
                if self.verify_editor().is_some_and(|v| v.at == write.at) {
                    self.verify_problem(text.clone(), VerifyField::Figure);
                }
                self.warn(Level::Error, text);
                return;
            }
        };
        let at = write.at;
        if self.verify_editor().is_some_and(|v| v.at == at) {
            self.overlay.close();
        }
        let lower = item.verified_lower();
        self.refresh(at, item);
        // Rules that score by the figure score by the verified one: read the facts again.
        if change.written {
            self.facts_changed();
        }
        let text = match (&change.to, change.written) {
            (_, false) => format!("{}{}{}", s.unchanged, self.strings.colon, self.name(at)),
            (Some(v), true) => format!(
                "{}{}{} {}{}",
                s.recorded,
                self.strings.colon,
                self.name(at),
                v.value,
                if lower { s.cut_after } else { "" }
            ),
            (None, true) => format!("{}{}{}", s.cleared, self.strings.colon, self.name(at)),
        };
        self.inform(&text);
    }

    /// The item held another verified figure than the editor opened on: nothing was written.
    /// The editor stays, now expecting the figure there (Enter again asks about it).
    pub fn verified_changed_underneath(&mut self, write: VerifyWrite, now: Item) {
        let s = self.strings.verify;
        let at = write.at;
        let theirs = now.verified.clone();
        self.refresh(at, now);
        let text = match &theirs {
            Some(v) => s
                .changed_underneath
                .replace("{who}", &v.by)
                .replace("{value}", &v.value),
            None => s.cleared_underneath.to_string(),
        };
        if let Some(e) = self.overlay.verify_editor_mut() {
            if e.at == at {
                e.seen = theirs.as_ref().map(Seen::of);
                e.problem = Some(text.clone());
                e.asking = false;
                e.confirming = false;
            }
        }
        self.warn(Level::Warning, text);
    }

    /// Someone's verified figure (seen in its log): shown, and said unless it is mine.
    pub fn verified_arrived(&mut self, event: &VerifyEvent, item: Item, me: bool) {
        let Some(k) = self.item_index(&event.county_code, &event.indicator) else {
            return;
        };
        let at = self.cursor_of(k);
        self.refresh(at, item);
        self.facts_changed();
        if me {
            return;
        }
        let s = self.strings.verify;
        let what = match &event.to {
            Some(v) => format!("{} {v}", self.name(at)),
            None => format!("{} {}", self.name(at), s.cleared_word),
        };
        let text = format!(
            "{} {}{}{what}",
            event.verifier, s.verified_it, self.strings.colon
        );
        let editing = self.verify_editor().is_some_and(|e| e.at == at);
        if at == self.cursor || editing {
            self.warn(Level::Warning, text);
        } else {
            self.inform(&text);
        }
    }
}

impl App {
    /// "柯城区 1.2 照料中心覆盖率(城市) 核定值 68%": a verified figure never written, named.
    pub fn describe_verify(&self, write: &VerifyWrite) -> String {
        let s = self.strings.verify;
        match &write.figure {
            Some((value, _)) => format!("{} {} {value}", self.name(write.at), s.title),
            None => format!("{} {}", self.name(write.at), s.cleared_word),
        }
    }
}
