//! Undo and redo: each step is a review written again (over what the step left, and only if
//! the item still holds it), or a thrown-away note brought back into the editor.

use super::effect::{Effect, Why, Write};
use super::{App, Cursor};
use crate::model::Verdict;
use crate::store::{Expected, GivenBy, ReviewChange};

/// A verdict and note, before or after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub verdict: Option<Verdict>,
    pub note: String,
    /// The verdict was given on an earlier figure than the one there now (as far as this
    /// workspace knew), for the screen.
    pub on_old_figure: bool,
    /// The submission revision the verdict was given on, for the store: an undo or redo puts
    /// it back with the verdict, so a re-import in between is still seen.
    pub revision: Option<i64>,
    /// Who gave the verdict, and when (before a change): an undo puts a colleague's verdict
    /// back as theirs. (Boxed, to keep every step small: only a verdict replaced has one.)
    pub by: Option<Box<GivenBy>>,
}

/// One change this reviewer made, for undo and redo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub at: Cursor,
    pub before: State,
    pub after: State,
}

/// One step `u` can take back: a review change, or a note's changes thrown away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Review(Change),
    Discarded {
        at: Cursor,
        text: String,
    },
    /// One verdict given to several items at once (selection.rs): taken back together.
    Batch(Vec<Change>),
}

impl App {
    /// `u`: the last step taken back.
    pub(super) fn undo(&mut self) -> Vec<Effect> {
        match self.undo.pop() {
            Some(Step::Review(change)) => vec![Effect::Review(step_write(change, true))],
            Some(Step::Discarded { at, text }) => self.restore_note(at, &text),
            Some(Step::Batch(changes)) => self.step_batch(changes, true),
            None => {
                self.inform(self.strings.nothing_to_undo);
                Vec::new()
            }
        }
    }

    /// Ctrl-R: the last step taken back, taken again.
    pub(super) fn redo(&mut self) -> Vec<Effect> {
        match self.redo.pop() {
            Some(Step::Review(change)) => vec![Effect::Review(step_write(change, false))],
            Some(Step::Batch(changes)) => self.step_batch(changes, false),
            // Only a review's step is ever redone.
            Some(Step::Discarded { .. }) | None => {
                self.inform(self.strings.nothing_to_redo);
                Vec::new()
            }
        }
    }

    /// A review was written: a change of mine becomes a step to undo (and what was undone
    /// can no longer be redone); an undo becomes a step to redo, a redo one to undo again.
    pub(super) fn keep_step(
        &mut self,
        at: Cursor,
        why: Why,
        change: &ReviewChange,
        was_stale: bool,
    ) {
        match why {
            Why::Mark | Why::Clear | Why::Note | Why::MarkThenNote => {
                if let Some(step) = self.change_of(at, change, was_stale) {
                    self.undo.push(Step::Review(step));
                    self.redo.clear();
                }
            }
            Why::Undo(original) => self.redo.push(Step::Review(original)),
            Why::Redo(original) => self.undo.push(Step::Review(original)),
        }
    }

    /// A change of mine as a step to undo; none when nothing on screen changed.
    pub(super) fn change_of(
        &self,
        at: Cursor,
        change: &ReviewChange,
        was_stale: bool,
    ) -> Option<Change> {
        // A verdict given again on a changed figure is a review, but not a step to undo:
        // there is nothing on screen to put back.
        if change.from == change.to && change.from_note == change.note {
            return None;
        }
        Some(Change {
            at,
            before: State {
                verdict: change.from,
                note: change.from_note.clone(),
                on_old_figure: was_stale,
                revision: change.from_revision,
                by: change.from_by.clone().map(Box::new),
            },
            after: State {
                verdict: change.to,
                note: change.note.clone(),
                on_old_figure: self.is_stale(at),
                revision: change.to_revision,
                // The writer's, now: a redo gives it again as the reviewer's own.
                by: None,
            },
        })
    }

    /// A write that failed: its undo or redo stays where it was.
    pub(super) fn put_back_step(&mut self, why: Why) {
        match why {
            Why::Undo(c) => self.undo.push(Step::Review(c)),
            Why::Redo(c) => self.redo.push(Step::Review(c)),
            Why::Mark | Why::Clear | Why::Note | Why::MarkThenNote => {}
        }
    }
}

/// The write that takes a change back (`back`) or takes it again: the other side of it put
/// over the side the item must still hold.
pub(super) fn step_write(change: Change, back: bool) -> Write {
    let (from, to) = if back {
        (&change.after, &change.before)
    } else {
        (&change.before, &change.after)
    };
    // A note's step leaves the verdict alone: writing it again would count as reviewing a
    // changed figure anew.
    let verdict = (from.verdict != to.verdict).then_some(to.verdict);
    let note = Some(to.note.clone());
    let expected = Expected {
        verdict: Some(from.verdict),
        note: Some(from.note.clone()),
    };
    Write {
        at: change.at,
        verdict,
        note,
        expected,
        why: if back {
            Why::Undo(change)
        } else {
            Why::Redo(change)
        },
    }
}
