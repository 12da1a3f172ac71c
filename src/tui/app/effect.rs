//! What the App asks of the store: a review to write (and why, for what follows once it is
//! saved), a history or the notes to read, a draft to keep or drop.

use super::Cursor;
use super::undo::Change;
use crate::model::Verdict;
use crate::store::Expected;

/// Why a review is written: what the App does once it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    Mark,
    Clear,
    Note,
    Undo(Change),
    Redo(Change),
}

/// A review to write: `verdict` `Some(None)` clears it; `None` leaves it as it is. `expected`
/// is what the item must still hold for the write to go ahead (undo, redo, a note typed over
/// minutes): otherwise nothing is written and the reviewer is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    pub at: Cursor,
    pub verdict: Option<Option<Verdict>>,
    pub note: Option<String>,
    pub why: Why,
    pub expected: Expected,
}

/// What the store must do for the App.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Review(Write),
    /// Read the item's history from the log (for `H`).
    LoadHistory(Cursor),
    /// Read every note, and open the finder on them (for `/`).
    LoadNotes,
    SaveDraft {
        at: Cursor,
        text: String,
    },
    DiscardDraft {
        at: Cursor,
    },
    /// A second review (复核) to write.
    Check(CheckWrite),
    /// Read the progress by person (the summary screen's 按人 view).
    LoadPeople,
}

/// A second review to write: the checker's decision on the first verdict they saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckWrite {
    pub at: Cursor,
    pub decision: crate::stages::Decision,
    /// Needed for a change.
    pub reason: String,
    /// The first verdict on screen: if it changed since, nothing is written.
    pub first_seen: Verdict,
}
