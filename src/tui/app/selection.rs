//! Several rows at once: `v` or Space selects a county's row of the indicator on screen, Esc
//! clears; then `1` `2` `3` (or `0`, or Enter for each figure's own suggestion) give all of
//! them one verdict — one batch the store writes in one transaction, one step `u` takes back.
//!
//! Nobody is overwritten unasked: a selected item whose verdict a colleague gave is left as
//! it is (and named), and an item someone changed since it was seen is not written (and
//! named); the others are written.

use super::effect::{Answer, Batch, BatchKind, Effect, Why, Write};
use super::undo::{Change, Step};
use super::{App, Cursor, Level};
use crate::model::Verdict;
use crate::store::Expected;

impl App {
    /// `v`, Space: the row in or out of the selection.
    pub(super) fn toggle_select(&mut self) {
        let k = self.index(self.cursor);
        self.marking.selection_of = self.cursor.indicator;
        if !self.marking.selection.remove(&k) {
            self.marking.selection.insert(k);
        }
    }

    /// Esc: nothing selected.
    pub(super) fn clear_selection(&mut self) {
        if !self.marking.selection.is_empty() {
            self.marking.selection.clear();
            self.inform(self.strings.marking.selection_cleared);
        }
    }

    /// `1` `2` `3` (`Some`) or `0` (`None`) with rows selected.
    pub(super) fn mark_selected(&mut self, verdict: Option<Verdict>) -> Vec<Effect> {
        let items = self.selected_items();
        self.mark_many(items.into_iter().map(|at| (at, verdict)).collect())
    }

    /// Enter with rows selected: each its figure's suggestion. If the figure of any suggests
    /// nothing, nothing is marked and they are named.
    pub(super) fn accept_selected(&mut self) -> Vec<Effect> {
        let items = self.selected_items();
        let none: Vec<String> = items
            .iter()
            .filter(|&&at| self.suggestion(at).is_none())
            .map(|&at| self.counties[at.county].name.clone())
            .collect();
        if !none.is_empty() {
            let text = self
                .strings
                .marking
                .no_suggestion_some
                .replace("{names}", &none.join("、"));
            self.warn(Level::Warning, text);
            return Vec::new();
        }
        self.mark_many(
            items
                .into_iter()
                .map(|at| (at, self.suggestion(at)))
                .collect(),
        )
    }

    /// One batch of verdicts, over what the screen shows, leaving colleagues' verdicts alone.
    fn mark_many(&mut self, items: Vec<(Cursor, Option<Verdict>)>) -> Vec<Effect> {
        let mut writes = Vec::new();
        let mut theirs = Vec::new();
        let mut effects = Vec::new();
        for (at, verdict) in items {
            // Who gave every verdict is known from the start (owners.rs), read or not; a
            // write of mine waiting there makes it mine.
            let by_other = self.marked_by_other(at) && !self.verdict_pending_at(at);
            if by_other {
                theirs.push(self.who_marked(at));
                continue;
            }
            if verdict.is_some() {
                effects.extend(self.settle_aside(at));
            }
            writes.push(Write {
                at,
                verdict: Some(verdict),
                note: None,
                why: Why::Mark,
                expected: Expected {
                    verdict: Some(self.verdict_expected(at)),
                    note: None,
                },
            });
        }
        if !theirs.is_empty() {
            let text = self
                .strings
                .marking
                .skipped_others
                .replace("{n}", &theirs.len().to_string())
                .replace("{names}", &theirs.join("、"));
            self.warn(Level::Warning, text.clone());
            // Said again with what the batch did, once it is written.
            self.marking.skipped = Some(text);
        }
        if writes.is_empty() {
            return effects;
        }
        let mut all = vec![Effect::Reviews(Batch {
            writes,
            kind: BatchKind::Mark,
        })];
        all.extend(effects);
        all
    }

    /// "开化县（王五 未完成）": an item and who gave its verdict, for messages.
    fn who_marked(&self, at: Cursor) -> String {
        let item = self.item(at);
        let verdict = item
            .verdict
            .map_or(self.strings.unreviewed, |v| self.strings.verdict(v));
        let by = item.reviewer.as_deref().unwrap_or("?");
        format!("{}（{by} {verdict}）", self.counties[at.county].name)
    }

    /// `u` or Ctrl-R on a batch: each change taken back (or again), in one transaction.
    pub(super) fn step_batch(&mut self, changes: Vec<Change>, back: bool) -> Vec<Effect> {
        let writes = changes
            .into_iter()
            .map(|c| super::undo::step_write(c, back))
            .collect();
        vec![Effect::Reviews(Batch {
            writes,
            kind: if back {
                BatchKind::Undo
            } else {
                BatchKind::Redo
            },
        })]
    }

    /// A batch was written (or failed to be, and nothing was). `answers` are in the order of
    /// the batch's writes.
    pub fn batch_written(&mut self, batch: Batch, result: Result<Vec<Answer>, String>) {
        let answers = match result {
            Ok(answers) => answers,
            Err(e) => {
                // Nothing moves: an undo or redo stays where it was.
                let originals = originals(&batch.writes);
                match batch.kind {
                    BatchKind::Undo => self.undo.push(Step::Batch(originals)),
                    BatchKind::Redo => self.redo.push(Step::Batch(originals)),
                    BatchKind::Mark => {}
                }
                self.warn(
                    Level::Error,
                    format!("{}{}{e}", self.strings.save_failed, self.strings.colon),
                );
                return;
            }
        };
        let mut kept = Vec::new();
        let mut written = Vec::new();
        let mut changed = Vec::new();
        let mut verdicts = Vec::new();
        for (write, answer) in batch.writes.into_iter().zip(answers) {
            let at = write.at;
            match answer {
                Answer::Saved(change, item) => {
                    let was_stale = self.is_stale(at);
                    self.refresh(at, item);
                    match write.why {
                        Why::Undo(original) | Why::Redo(original) => written.push(original),
                        _ => {
                            verdicts.push(change.to);
                            if let Some(c) = self.change_of(at, &change, was_stale) {
                                kept.push(c);
                            }
                        }
                    }
                }
                Answer::Changed(item) => {
                    self.refresh(at, item);
                    changed.push(self.who_marked(at));
                }
            }
        }
        let s = self.strings;
        let m = s.marking;
        let (text, n) = match batch.kind {
            BatchKind::Mark => {
                let n = verdicts.len();
                if !kept.is_empty() {
                    self.undo.push(Step::Batch(kept));
                    self.redo.clear();
                }
                self.marking.selection.clear();
                // "已评定 3 项：完成" when they all have one verdict now.
                let text = match verdicts.first() {
                    Some(None) if verdicts.iter().all(Option::is_none) => {
                        m.cleared_many.replace("{n}", &n.to_string())
                    }
                    Some(Some(first)) if verdicts.iter().all(|v| *v == Some(*first)) => {
                        let said = m.marked_many.replace("{n}", &n.to_string());
                        format!("{said}{}{}", s.colon, s.verdict(*first))
                    }
                    _ => m.marked_many.replace("{n}", &n.to_string()),
                };
                (text, n)
            }
            BatchKind::Undo => {
                let n = written.len();
                if n > 0 {
                    self.redo.push(Step::Batch(written));
                }
                (m.undone_many.replace("{n}", &n.to_string()), n)
            }
            BatchKind::Redo => {
                let n = written.len();
                if n > 0 {
                    self.undo.push(Step::Batch(written));
                }
                (m.redone_many.replace("{n}", &n.to_string()), n)
            }
        };
        let mut also: Vec<String> = self.marking.skipped.take().into_iter().collect();
        if !changed.is_empty() {
            also.push(
                m.changed_meanwhile
                    .replace("{n}", &changed.len().to_string())
                    .replace("{names}", &changed.join("、")),
            );
        }
        if also.is_empty() {
            self.inform(&text);
        } else {
            let mut all = if n > 0 { vec![text] } else { Vec::new() };
            all.extend(also);
            self.warn(Level::Warning, all.join("；"));
        }
    }
}

/// The changes a batch of undo or redo writes stands for (to put the step back as it was).
fn originals(writes: &[Write]) -> Vec<Change> {
    writes
        .iter()
        .filter_map(|w| match &w.why {
            Why::Undo(c) | Why::Redo(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}
