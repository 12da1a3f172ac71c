//! What is over the panes, as one type: the [`Mode`] (which keys are live) and what the view
//! draws both follow from it, so two overlays can never both claim the front.
//!
//! The editor, the finder, the history and the summary each take the screen in turn. The help
//! and a question (my verdict met another's) are layers: each sits over what was up when it
//! came and gives it back when it goes — the note being typed stays in the editor beneath.
//! Leaving the editor with changes asks first; that is the editor's own state
//! ([`NoteEditor::confirming`]), not a layer.

use super::effect::Write;
use super::{Cursor, Finder, NoteEditor, Question, Summary, VerifyEditor, Viewer};
use crate::model::Verdict;
use crate::store::LogEntry;
use crate::tui::action::Mode;

/// The selected item's history (`H`): its events and how far they are scrolled.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub at: Cursor,
    pub events: Vec<LogEntry>,
    pub scroll: usize,
}

/// My write that found another reviewer's newer verdict on the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub mine: Write,
    /// Their verdict, and who gave it.
    pub theirs: Option<Verdict>,
    pub by: String,
}

#[derive(Default)]
pub(super) enum Overlay {
    /// Nothing: browsing the panes.
    #[default]
    None,
    Editor(NoteEditor),
    Finder(Finder),
    History(History),
    Summary(Summary),
    /// Keep mine or take theirs? Over what was up when the write came back.
    Conflict(Conflict, Box<Overlay>),
    /// Mark it anyway? (A colleague's verdict, or someone else's item.) Over what was up.
    Ask(Question, Box<Overlay>),
    /// The help, scrolled this far, over what it was opened from.
    Help(usize, Box<Overlay>),
    /// The filter menu (`F`), on this row.
    Filters(usize),
    /// The evidence viewer (`a`).
    Viewer(Viewer),
    /// The verified figure's editor (`=`).
    Verify(VerifyEditor),
}

impl Overlay {
    pub(super) fn mode(&self) -> Mode {
        match self {
            Overlay::None => Mode::Browse,
            Overlay::Editor(e) if e.confirming => Mode::Confirm,
            Overlay::Editor(_) => Mode::Editor,
            Overlay::Finder(_) => Mode::Search,
            Overlay::History(_) => Mode::History,
            Overlay::Summary(_) => Mode::Summary,
            Overlay::Conflict(..) => Mode::Conflict,
            Overlay::Ask(..) => Mode::Ask,
            Overlay::Help(..) => Mode::Help,
            Overlay::Filters(_) => Mode::Filter,
            Overlay::Viewer(v) if v.find.is_some() => Mode::ViewerFind,
            Overlay::Viewer(_) => Mode::Viewer,
            // Its questions use the keys of their kind: y/n, and save or throw away.
            Overlay::Verify(v) if v.asking => Mode::Ask,
            Overlay::Verify(v) if v.confirming => Mode::Confirm,
            Overlay::Verify(_) => Mode::Verify,
        }
    }

    /// What this layer covers, if it is a layer.
    fn under(&self) -> Option<&Overlay> {
        match self {
            Overlay::Conflict(_, under) | Overlay::Help(_, under) | Overlay::Ask(_, under) => {
                Some(under)
            }
            _ => None,
        }
    }

    /// From the front down: the layers, then what they cover.
    fn layers(&self) -> impl Iterator<Item = &Overlay> {
        std::iter::successors(Some(self), |o| o.under())
    }

    /// What the reviewer opened, beneath any help or question.
    fn base(&self) -> &Overlay {
        self.layers().last().unwrap_or(self)
    }

    fn base_mut(&mut self) -> &mut Overlay {
        match self {
            Overlay::Conflict(_, under) | Overlay::Help(_, under) | Overlay::Ask(_, under) => {
                under.base_mut()
            }
            base => base,
        }
    }

    /// Opens an overlay in place of the one open (a layer over it stays in front).
    pub(super) fn open(&mut self, overlay: Overlay) {
        *self.base_mut() = overlay;
    }

    /// Closes the overlay open beneath any layer, and gives it back.
    pub(super) fn close(&mut self) -> Overlay {
        std::mem::take(self.base_mut())
    }

    /// The help over what is up (back at its top if it is up already).
    pub(super) fn open_help(&mut self) {
        match self {
            Overlay::Help(scroll, _) => *scroll = 0,
            _ => *self = Overlay::Help(0, Box::new(std::mem::take(self))),
        }
    }

    /// The help in front, to scroll.
    pub(super) fn help_mut(&mut self) -> Option<&mut usize> {
        match self {
            Overlay::Help(scroll, _) => Some(scroll),
            _ => None,
        }
    }

    /// Puts a question over what is up (in place of one already asked).
    pub(super) fn ask(&mut self, conflict: Conflict) {
        match self {
            Overlay::Conflict(asked, _) => *asked = conflict,
            _ => *self = Overlay::Conflict(conflict, Box::new(std::mem::take(self))),
        }
    }

    /// Asks whether to mark it anyway, over what is up.
    pub(super) fn ask_first(&mut self, question: Question) {
        *self = Overlay::Ask(question, Box::new(std::mem::take(self)));
    }

    /// Takes away the question in front, once answered: what it covered is back.
    pub(super) fn take_question(&mut self) -> Option<Question> {
        match std::mem::take(self) {
            Overlay::Ask(question, under) => {
                *self = *under;
                Some(question)
            }
            other => {
                *self = other;
                None
            }
        }
    }

    pub(super) fn question(&self) -> Option<&Question> {
        self.layers().find_map(|o| match o {
            Overlay::Ask(q, _) => Some(q),
            _ => None,
        })
    }

    /// Takes away the layer in front (the help, a question answered): what it covered is
    /// back. Gives the question, if that was it.
    pub(super) fn lift(&mut self) -> Option<Conflict> {
        match std::mem::take(self) {
            Overlay::Conflict(conflict, under) => {
                *self = *under;
                Some(conflict)
            }
            Overlay::Help(_, under) => {
                *self = *under;
                None
            }
            other => {
                *self = other;
                None
            }
        }
    }

    pub(super) fn help(&self) -> Option<usize> {
        self.layers().find_map(|o| match o {
            Overlay::Help(scroll, _) => Some(*scroll),
            _ => None,
        })
    }

    pub(super) fn conflict(&self) -> Option<&Conflict> {
        self.layers().find_map(|o| match o {
            Overlay::Conflict(c, _) => Some(c),
            _ => None,
        })
    }

    pub(super) fn editor(&self) -> Option<&NoteEditor> {
        match self.base() {
            Overlay::Editor(e) => Some(e),
            _ => None,
        }
    }

    pub(super) fn editor_mut(&mut self) -> Option<&mut NoteEditor> {
        match self.base_mut() {
            Overlay::Editor(e) => Some(e),
            _ => None,
        }
    }

    pub(super) fn finder(&self) -> Option<&Finder> {
        match self.base() {
            Overlay::Finder(f) => Some(f),
            _ => None,
        }
    }

    pub(super) fn finder_mut(&mut self) -> Option<&mut Finder> {
        match self.base_mut() {
            Overlay::Finder(f) => Some(f),
            _ => None,
        }
    }

    pub(super) fn history(&self) -> Option<&History> {
        match self.base() {
            Overlay::History(h) => Some(h),
            _ => None,
        }
    }

    pub(super) fn history_mut(&mut self) -> Option<&mut History> {
        match self.base_mut() {
            Overlay::History(h) => Some(h),
            _ => None,
        }
    }

    pub(super) fn summary(&self) -> Option<&Summary> {
        match self.base() {
            Overlay::Summary(s) => Some(s),
            _ => None,
        }
    }

    pub(super) fn filters(&self) -> Option<usize> {
        match self.base() {
            Overlay::Filters(row) => Some(*row),
            _ => None,
        }
    }

    pub(super) fn filters_mut(&mut self) -> Option<&mut usize> {
        match self.base_mut() {
            Overlay::Filters(row) => Some(row),
            _ => None,
        }
    }

    pub(super) fn viewer(&self) -> Option<&Viewer> {
        match self.base() {
            Overlay::Viewer(v) => Some(v),
            _ => None,
        }
    }

    pub(super) fn viewer_mut(&mut self) -> Option<&mut Viewer> {
        match self.base_mut() {
            Overlay::Viewer(v) => Some(v),
            _ => None,
        }
    }

    pub(super) fn summary_mut(&mut self) -> Option<&mut Summary> {
        match self.base_mut() {
            Overlay::Summary(s) => Some(s),
            _ => None,
        }
    }

    pub(super) fn verify_editor(&self) -> Option<&VerifyEditor> {
        match self.base() {
            Overlay::Verify(v) => Some(v),
            _ => None,
        }
    }

    pub(super) fn verify_editor_mut(&mut self) -> Option<&mut VerifyEditor> {
        match self.base_mut() {
            Overlay::Verify(v) => Some(v),
            _ => None,
        }
    }
}
