//! What the store answers, told to the App by the run loop: items read for the screen, a
//! review written (or found changed underneath, or failed), another reviewer's change, an
//! item's history, who else is here, what could not be read or kept.

use super::effect::{Why, Write};
use super::mode::{Conflict, History, Overlay};
use super::{App, Cursor, Level, Message, Other};
use crate::item::Item;
use crate::store::{LogEntry, Presence, ReviewChange};

impl App {
    /// Items read from the database for the screen (drafts kept beside them).
    pub fn loaded(&mut self, items: Vec<Item>) {
        if self.cache.len() > 20_000 {
            // Far more than any screen: start again from what is wanted now.
            self.cache.clear();
        }
        for item in items {
            if let Some(k) = self.item_index(&item.county_code, &item.indicator) {
                self.set_stale(k, item.changed_since_review);
                self.note_whose(k, &item);
                self.cache.insert(k, item);
            }
        }
        // An editor opened on a draft at start learns the saved note it was begun from.
        if self.editor_unread {
            let Some(at) = self.editor().map(|e| e.at) else {
                return;
            };
            let Some(item) = self.cache.get(&self.index(at)) else {
                return;
            };
            let saved = item.own_note(&self.reviewer, &self.account).to_string();
            self.editor_unread = false;
            if let Some(e) = self.overlay.editor_mut() {
                e.saved = saved;
            }
        }
    }

    /// Forget what was read (submissions changed under it): read again as needed.
    pub fn forget_cached(&mut self) {
        self.cache.clear();
        self.forget_evidence();
        self.forget_checks();
    }

    /// Every item whose figure changed after its verdict (read again after an import).
    pub fn set_stale_items(&mut self, items: &[(String, String)]) {
        self.stale.clear();
        self.stale_count.iter_mut().for_each(|c| *c = 0);
        for (county, indicator) in items {
            if let Some(k) = self.item_index(county, indicator) {
                self.set_stale(k, true);
            }
        }
    }

    /// A review was written (or failed to be). `item` is the item as the database now holds it.
    pub fn written(&mut self, write: Write, result: Result<(ReviewChange, Item), String>) {
        // A write that waited for the lock: the reviewer has moved on since.
        let waited = self.unpend(&write);
        let (change, item) = match result {
            Ok(ok) => ok,
            Err(e) => {
                // Nothing moves: the undo or redo stays where it was, the editor stays open.
                self.put_back_step(write.why);
                self.warn(
                    Level::Error,
                    format!("{}{}{e}", self.strings.save_failed, self.strings.colon),
                );
                return;
            }
        };
        let at = write.at;
        let was_stale = self.is_stale(at);
        self.refresh(at, item);
        self.keep_step(at, write.why.clone(), &change, was_stale);
        let s = self.strings;
        let what = self.describe(at, change.to);
        match write.why {
            Why::Mark => {
                self.inform(&format!("{}{}{what}", s.saved, s.colon));
                self.marking.last_marked = Some(at);
                if !waited {
                    self.advance();
                }
            }
            Why::MarkThenNote => {
                self.inform(&format!("{}{}{what}", s.saved, s.colon));
                self.marking.last_marked = Some(at);
                // Opened already if the verdict waited for the lock.
                if !waited {
                    self.marked_then_note(at);
                }
            }
            Why::Clear => self.inform(&format!("{}{}{what}", s.cleared, s.colon)),
            Why::Note => {
                self.drafts.remove(&self.index(at));
                if self.editor().is_some_and(|e| e.at == at) {
                    self.overlay.close();
                }
                let where_ = self.name(at);
                self.inform(&format!("{}{}{where_}", s.note_saved, s.colon));
                self.note_saved_after_mark(at);
            }
            Why::Undo(_) => {
                self.cursor = at;
                self.inform(&format!("{}{}{what}", s.undone, s.colon));
            }
            Why::Redo(_) => {
                self.cursor = at;
                self.inform(&format!("{}{}{what}", s.redone, s.colon));
            }
        }
    }

    /// A conditional write found the item changed by someone else since: nothing was written,
    /// and the item shows what the database holds. An undo or redo step is dropped (it can no
    /// longer apply). A note stays in the editor: the reviewer sees the other note in the
    /// detail pane and decides — Enter again saves theirs over it, Esc offers to throw it away.
    pub fn changed_underneath(&mut self, write: Write, item: Item) {
        self.unpend(&write);
        let at = write.at;
        self.refresh(at, item);
        self.cursor = at;
        let s = self.strings;
        match write.why {
            Why::Mark | Why::Clear | Why::MarkThenNote => {
                let now = self.item(at);
                let conflict = Conflict {
                    theirs: now.verdict,
                    by: now.reviewer.clone().unwrap_or_default(),
                    mine: write,
                };
                self.overlay.ask(conflict);
            }
            Why::Note => {
                let now = self
                    .item(at)
                    .own_note(&self.reviewer, &self.account)
                    .to_string();
                if let Some(e) = self.overlay.editor_mut() {
                    e.saved = now;
                }
                self.warn(Level::Warning, s.note_changed_underneath.to_string());
            }
            Why::Undo(_) | Why::Redo(_) => {
                let text = format!("{}{}{}", s.changed_underneath, s.colon, self.name(at));
                self.warn(Level::Warning, text);
            }
        }
    }

    /// Shows an item as the database now holds it (this reviewer's draft stays beside it).
    pub(super) fn refresh(&mut self, at: Cursor, item: Item) {
        let was = self.is_reviewed(at);
        let k = self.index(at);
        self.stage_refreshed(k, &item);
        self.verdicts[k] = item.verdict;
        self.note_whose(k, &item);
        self.set_stale(k, item.changed_since_review);
        self.checks_refreshed(k, &item);
        self.findings_refreshed(k, &item);
        self.cache.insert(k, item);
        self.notes_fresh = false;
        let now = self.is_reviewed(at);
        match (was, now) {
            (false, true) => self.reviewed[at.indicator] += 1,
            (true, false) => self.reviewed[at.indicator] -= 1,
            _ => {}
        }
        if was != now {
            self.own_reviewed(at, now);
        }
        self.summary_changed();
    }

    /// Another reviewer changed an item (seen in the log): show it as the database holds it,
    /// cursor untouched, and say so — a warning if it is the item I am on or writing about.
    pub fn changed_by_other(&mut self, event: &LogEntry, item: Item) {
        let Some(k) = self.item_index(&event.county_code, &event.indicator) else {
            return;
        };
        let at = self.cursor_of(k);
        let before = self.item(at).review();
        self.refresh(at, item);
        if self.item(at).review() == before {
            // Already on screen (an undo that met it, say): nothing new to tell.
            return;
        }
        let s = self.strings;
        let mine = at == self.cursor || self.editor().is_some_and(|e| e.at == at);
        let what = if event.from == event.to && event.note == event.from_note {
            // The same verdict given again on a changed figure.
            format!("{} {}", self.describe(at, event.to), s.confirmed)
        } else if event.from == event.to {
            format!("{} {}", self.name(at), s.note)
        } else {
            self.describe(at, event.to)
        };
        let text = format!("{} {}{}{what}", event.reviewer, s.changed_it, s.colon);
        if mine {
            self.warn(Level::Warning, format!("{text}（{}）", s.yours_too));
        } else {
            self.message = Some(Message {
                text,
                level: Level::Info,
            });
        }
    }

    /// An item as the database holds it now (changed in another of my own sessions).
    pub fn refresh_item(&mut self, county_code: &str, indicator_id: &str, item: Item) {
        if let Some(k) = self.item_index(county_code, indicator_id) {
            self.refresh(self.cursor_of(k), item);
        }
    }

    /// The selected item's history, read from the log: shown until closed.
    pub fn history_loaded(&mut self, at: Cursor, events: Vec<LogEntry>) {
        self.overlay.open(Overlay::History(History {
            at,
            events,
            scroll: 0,
        }));
    }

    /// Who else is in a workspace now.
    pub fn set_others(&mut self, others: Vec<Presence>) {
        let find_i = |id: &str| self.indicator_at.get(id).copied();
        let find_c = |code: &str| self.county_at.get(code).copied();
        self.others = others
            .into_iter()
            .map(|p| Other {
                at: find_i(&p.indicator_id)
                    .zip(find_c(&p.county_code))
                    .map(|(indicator, county)| Cursor { indicator, county }),
                reviewer: p.reviewer,
                editing: p.editing,
            })
            .collect();
    }

    /// The database could not be read (notes, history, items for the screen): say so.
    pub fn read_failed(&mut self, error: String) {
        if self
            .stopped()
            .is_some_and(|s| matches!(s, super::Stopped::Swapped { .. }))
        {
            // What a swapped database reads is not to be trusted, and why stays on the screen.
            return;
        }
        self.warn(
            Level::Error,
            format!("{}{}{error}", self.strings.read_failed, self.strings.colon),
        );
    }

    /// A draft could not be kept in the database: say so, keep typing.
    pub fn draft_failed(&mut self, error: String) {
        self.warn(
            Level::Warning,
            format!(
                "{}{}{error}",
                self.strings.draft_not_kept, self.strings.colon
            ),
        );
    }
}
