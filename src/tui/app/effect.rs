//! What the App asks of the store: a review to write (and why, for what follows once it is
//! saved), a history or the notes to read, a draft to keep or drop.

use super::Cursor;
use super::undo::Change;
use crate::item::Item;
use crate::model::Verdict;
use crate::store::{Expected, ReviewChange};

/// Why a review is written: what the App does once it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    Mark,
    Clear,
    Note,
    Undo(Change),
    Redo(Change),
    /// A verdict given with `!` `@` `#`: once saved, the note editor opens on the item, which
    /// the cursor stays on.
    MarkThenNote,
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
    /// Several reviews in one transaction: one verdict for the selected items, or the undo
    /// or redo of that.
    Reviews(Batch),
    /// Put an item aside for later, or take it back (this reviewer's own list).
    PutAside {
        at: Cursor,
        aside: bool,
    },
    /// A second review (复核) to write.
    Check(CheckWrite),
    /// Read the progress by person (the summary screen's 按人 view).
    LoadPeople,
    /// Read an evidence file (by its content's SHA-256; `name` as the county gave it) and
    /// make its preview, for the viewer.
    LoadPreview {
        sha256: String,
        name: String,
    },
    /// Ask the county for more material on the item (退回补充), for this reason.
    OpenRequest {
        at: Cursor,
        reason: String,
    },
    /// A reviewer's finding to write (issue 17): the cases counted, or 不计分.
    Finding(super::scoring::Finding),
    /// A verified figure (核定值) to record or clear.
    Verify(VerifyWrite),
}

/// Reviews written together, in one transaction, as one step for undo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Each write's `why` is [`Why::Mark`], or the change it undoes or redoes.
    pub writes: Vec<Write>,
    pub kind: BatchKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    /// One verdict (or clearing) for the selected items.
    Mark,
    Undo,
    Redo,
}

/// What the store answered for one write of a batch: saved (the change, and the item as it
/// now stands), or found changed by someone else since it was seen (nothing written).
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Saved(ReviewChange, Item),
    Changed(Item),
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

/// A verified figure (核定值) to record (`figure`, read against the indicator), or to clear
/// (`None`), expecting the one the editor opened on still there.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifyWrite {
    pub at: Cursor,
    pub figure: Option<(String, f64)>,
    pub reason: String,
    pub seen: Option<crate::store::Seen>,
}

// The figure's number is finite (read_verified never gives NaN), so equality is total.
impl Eq for VerifyWrite {}
