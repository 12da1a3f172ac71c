//! Writes that wait, and a workspace that writes no more.
//!
//! While another process holds the database's write lock, what the reviewer does is kept in
//! order and written as soon as the lock is free (the run loop retries; no key waits for it).
//! A mark made meanwhile moves the cursor on as usual but shows as pending, never as saved,
//! until its write commits. Once the database is found swapped under the workspace, or is
//! read-only to this account, every write is refused and the screen says why, for as long as
//! the workspace is open.

use super::effect::{Why, Write};
use super::{App, Cursor, Level};
use crate::model::Verdict;
use crate::store::Swap;

/// Why this workspace writes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped {
    /// The database file is read-only to this account (`path` as shown).
    ReadOnly { path: String },
    /// The database was swapped under the workspace; for a removed `-wal`, whether what it held
    /// reached the database file.
    Swapped { swap: Swap, rescued: Option<bool> },
}

/// Whom writes wait for: a long write another process said it runs (an import by 王五).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub reviewer: String,
    /// What it runs: `import`.
    pub what: String,
}

impl App {
    /// From now on nothing is written, for this reason; the screen says so until the end.
    /// What was waiting to be written is not written (the run loop says so of each).
    pub fn stop_writing(&mut self, stopped: Stopped) {
        self.stopped = Some(stopped);
        self.waiting = None;
        self.refuse_write();
    }

    /// The line that says why nothing is written, when nothing is.
    pub fn stopped_text(&self) -> Option<String> {
        let s = self.strings;
        Some(match self.stopped.as_ref()? {
            Stopped::ReadOnly { path } => s.db_read_only.replace("{path}", path),
            Stopped::Swapped { swap, rescued } => match swap {
                Swap::Replaced => s.db_replaced.to_string(),
                Swap::Rewritten => s.db_rewritten.to_string(),
                Swap::SideFileRemoved => s.wal_removed.replace(
                    "{rescued}",
                    match rescued {
                        Some(true) => s.wal_rescued,
                        _ => s.wal_not_rescued,
                    },
                ),
            },
        })
    }

    /// A review could not be written yet (another holds the lock): it waits, in order, and
    /// shows as pending. The reviewer goes on as if it were written: a mark moves on, a note's
    /// editor closes (its text stays as the draft until the note is written).
    pub fn queued(&mut self, write: Write) {
        let at = write.at;
        let why = write.why.clone();
        self.pending.push(write);
        self.message = None;
        match why {
            Why::Mark => self.advance(),
            // The note opens on the item as if it were marked; the verdict waits before it.
            Why::MarkThenNote => self.marked_then_note(at),
            Why::Note => {
                if self.editor().is_some_and(|e| e.at == at) {
                    self.overlay.close();
                }
            }
            Why::Clear | Why::Undo(_) | Why::Redo(_) => {}
        }
    }

    /// The writes waiting wait for `holder` (`None`: someone kaohe cannot name).
    pub fn waiting_for(&mut self, holder: Option<Holder>) {
        self.waiting = Some(holder);
    }

    /// Nothing waits any more.
    pub fn waiting_over(&mut self) {
        self.waiting = None;
        self.pending_other = 0;
        if self.quit_when_written && self.pending.is_empty() {
            self.quit = true;
        }
    }

    /// A write that waited was not written (the database was found swapped, or the write it
    /// followed on the same item was refused): it is no longer pending, and the reviewer is
    /// told, with why.
    pub fn not_written(&mut self, write: Write, why: String) {
        self.unpend(&write);
        let s = self.strings;
        let text = format!(
            "{}{}{}{}{why}",
            s.save_failed,
            s.colon,
            self.name(write.at),
            s.colon
        );
        self.warn(Level::Error, text);
        if self.quit_when_written && self.pending.is_empty() {
            self.quit = true;
        }
    }

    /// Takes a write off the pending list: whether it was on it.
    pub(super) fn unpend(&mut self, write: &Write) -> bool {
        match self.pending.iter().position(|w| w == write) {
            Some(k) => {
                self.pending.remove(k);
                if self.quit_when_written && self.pending.is_empty() {
                    self.quit = true;
                }
                true
            }
            None => false,
        }
    }

    /// How many writes wait.
    pub fn pending_count(&self) -> usize {
        self.pending.len() + self.pending_other
    }

    /// A write other than a review (a batch, a 复核) waits for the lock, or no longer does.
    pub fn other_queued(&mut self, waits: bool) {
        if waits {
            self.pending_other += 1;
        } else {
            self.pending_other = self.pending_other.saturating_sub(1);
        }
    }

    /// The verdict waiting to be written on an item, if a write waits there: `Some(None)` a
    /// verdict cleared (or a note written with the verdict as it is).
    pub fn pending_at(&self, at: Cursor) -> Option<Option<Verdict>> {
        let mut found = None;
        for w in self.pending.iter().filter(|w| w.at == at) {
            found = Some(match w.verdict {
                Some(v) => v,
                None => found.flatten().or(self.verdict_of(at)),
            });
        }
        found
    }

    /// The verdict the database will hold once what waits is written: what a new write on the
    /// item expects to find (so that my own waiting mark is no conflict for my next).
    pub(super) fn verdict_expected(&self, at: Cursor) -> Option<Verdict> {
        self.pending
            .iter()
            .rev()
            .filter(|w| w.at == at)
            .find_map(|w| w.verdict)
            .unwrap_or_else(|| self.verdict_of(at))
    }

    /// Whether a verdict of mine (or its clearing) waits to be written on the item: once it
    /// is, the item's verdict is mine, whoever gave the one there now.
    pub(super) fn verdict_pending_at(&self, at: Cursor) -> bool {
        self.pending
            .iter()
            .any(|w| w.at == at && w.verdict.is_some())
    }

    /// Whether a note waits to be written on the item.
    pub(super) fn note_pending_at(&self, at: Cursor) -> bool {
        self.pending.iter().any(|w| w.at == at && w.note.is_some())
    }

    /// The line that says what waits, and for whom, while something does.
    pub fn waiting_text(&self) -> Option<String> {
        let holder = self.waiting.as_ref()?;
        if self.pending_count() == 0 {
            return None;
        }
        let s = self.strings;
        let n = self.pending_count().to_string();
        Some(match holder {
            Some(h) => s
                .waiting_for
                .replace("{who}", &h.reviewer)
                .replace(
                    "{what}",
                    if h.what == "import" {
                        s.an_import
                    } else {
                        &h.what
                    },
                )
                .replace("{n}", &n),
            None => s.waiting_unknown.replace("{n}", &n),
        })
    }

    /// `q` with writes still waiting: the first says what would be lost and quits once they are
    /// written; the second quits at once (what waits was never shown as saved).
    pub(super) fn quit_asked(&mut self) {
        if self.pending.is_empty() || self.quit_when_written || self.stopped.is_some() {
            self.quit = true;
            return;
        }
        self.quit_when_written = true;
        let key = self
            .keymap
            .first_key(
                crate::tui::action::Mode::Browse,
                crate::tui::action::Action::Quit,
            )
            .unwrap_or_default();
        let text = self
            .strings
            .quit_pending
            .replace("{n}", &self.pending.len().to_string())
            .replace("{key}", &key);
        self.warn(Level::Warning, text);
    }

    /// The writes that wait, in order (what `q` pressed twice gives up).
    pub fn pending_writes(&self) -> &[Write] {
        &self.pending
    }

    /// A write as the screen names it: "柯城区 1.1 照料中心… → 完成", or the item and 备注.
    pub fn describe_write(&self, write: &Write) -> String {
        match write.verdict {
            Some(v) => self.describe(write.at, v),
            None => format!("{} {}", self.name(write.at), self.strings.note),
        }
    }

    /// At start: what a hang-up kept in a file (the database was locked), now back: `drafts`
    /// notes, queued to be written, and the marks it could not write, named.
    pub fn recovered(&mut self, drafts: usize, unwritten: &[String]) {
        let s = self.strings;
        if !unwritten.is_empty() {
            let text = s
                .unwritten_last_time
                .replace("{n}", &unwritten.len().to_string())
                .replace("{items}", &unwritten.join("、"));
            self.warn(Level::Warning, text);
        } else if drafts > 0 {
            let text = s.recovered_drafts.replace("{n}", &drafts.to_string());
            self.inform(&text);
        }
    }
}
