//! The stages after the first review, in the workspace: 复核 mode (a checker goes through the
//! first verdicts: Enter 同意, `1`/`2`/`3` 改判 with a reason typed in the note editor), the
//! locks of 审定 (every write they cover refused at once, with who locked it and when, and
//! learnt live), and the summary screen's progress by person.
//!
//! The store decides in the end (it refuses what a lock covers, a check of one's own first
//! verdict, a change without a reason); the App says so before asking, so that the reviewer
//! sees why at the key they pressed.

use super::effect::{CheckWrite, Effect};
use super::mode::Overlay;
use super::undo::Step;
use super::{App, Cursor, Flow, Level, NoteEditor};
use crate::item::Item;
use crate::model::Verdict;
use crate::stages::{Decision, Lock, People, Stage, covering};
use crate::store::{CheckChange, CheckEvent, CheckState};
use crate::tui::action::{Action, Mode};
use crate::tui::editor::TextBuffer;
use crate::tui::strings::Lang;
use std::collections::{HashMap, HashSet};

/// A second review the App keeps for an item: its verdict and the first verdict it was given
/// on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckMark {
    pub verdict: Verdict,
    pub first: Verdict,
}

/// How an item stands in the second review, for the table and the detail pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    /// Marked, not second-reviewed.
    Unchecked,
    /// The first verdict confirmed.
    Agreed,
    /// Changed to this verdict.
    Changed(Verdict),
    /// Second-reviewed, but the first verdict changed since: to be checked again.
    Outdated,
}

/// A change waiting for its reason in the note editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingChange {
    pub at: Cursor,
    pub first: Verdict,
    pub to: Verdict,
}

/// What the App keeps of the later stages.
#[derive(Debug, Default)]
pub struct StageState {
    /// Second reviews kept, by item (indicator-major, as [`App`]'s verdicts).
    checks: HashMap<usize, CheckMark>,
    /// Items whose first verdict is this reviewer's: not theirs to check.
    mine: HashSet<usize>,
    locks: Vec<Lock>,
    /// 复核 mode is on.
    checking: bool,
    /// Why this reviewer may not do 复核 (their role), if they may not.
    check_refusal: Option<String>,
    reason_for: Option<PendingChange>,
    people: Option<People>,
    people_shown: bool,
    people_stale: bool,
    people_scroll: usize,
}

impl StageState {
    /// Nothing of the later stages read yet, but the items whose first verdict is this
    /// reviewer's (known from the review states read at start).
    pub(super) fn with_mine(mine: HashSet<usize>) -> StageState {
        StageState {
            mine,
            ..StageState::default()
        }
    }
}

impl App {
    // ---- What the run loop tells the App.

    /// The locks as the database holds them (at start).
    pub fn set_locks(&mut self, locks: Vec<Lock>) {
        self.stage.locks = locks;
    }

    /// The second reviews kept, and the first verdicts this reviewer gave (at start).
    /// (The first verdicts this reviewer gave are known from the start: `App::new`.)
    pub fn set_checks(&mut self, checks: Vec<CheckState>) {
        self.stage.checks = checks
            .into_iter()
            .filter_map(|c| {
                let k = self.item_index(&c.county_code, &c.indicator_id)?;
                Some((
                    k,
                    CheckMark {
                        verdict: c.verdict,
                        first: c.first_verdict,
                    },
                ))
            })
            .collect();
    }

    /// This reviewer may not do 复核: `why` says so when they try.
    pub fn may_not_check(&mut self, why: String) {
        self.stage.check_refusal = Some(why);
    }

    /// The locks changed (seen live): shown at once, and said — who locked or unlocked what.
    pub fn locks_changed(&mut self, locks: Vec<Lock>, by_me: bool) {
        let s = self.strings;
        let came: Vec<&Lock> = locks
            .iter()
            .filter(|l| !self.stage.locks.iter().any(|o| o.target == l.target))
            .collect();
        let went: Vec<&Lock> = self
            .stage
            .locks
            .iter()
            .filter(|o| !locks.iter().any(|l| l.target == o.target))
            .collect();
        let text = match (came.first(), went.first()) {
            (Some(l), _) => Some(
                s.locked_now
                    .replace("{who}", &l.by)
                    .replace("{scope}", &self.lock_scope(l)),
            ),
            (None, Some(l)) => Some(s.unlocked_now.replace("{scope}", &self.lock_scope(l))),
            (None, None) => None,
        };
        self.stage.locks = locks;
        self.stage.people_stale = true;
        if let (Some(text), false) = (text, by_me) {
            self.warn(Level::Warning, text);
        }
        // A reason being typed for an item now locked is kept in the editor: Enter says why
        // it cannot be saved.
    }

    /// Someone's second review (seen in the check log): kept, and said unless it is mine.
    pub fn check_arrived(&mut self, event: &CheckEvent, state: Option<CheckState>, me: bool) {
        let Some(k) = self.item_index(&event.county_code, &event.indicator) else {
            return;
        };
        match state {
            Some(c) => {
                self.stage.checks.insert(
                    k,
                    CheckMark {
                        verdict: c.verdict,
                        first: c.first_verdict,
                    },
                );
            }
            None => {
                self.stage.checks.remove(&k);
            }
        }
        // The item's detail (checker, reason) is read again for the screen.
        self.cache.remove(&k);
        self.stage.people_stale = true;
        self.summary_changed();
        if me {
            return;
        }
        let s = self.strings;
        let at = self.cursor_of(k);
        let what = self.check_words(event.first_verdict, event.to);
        let text = format!(
            "{} {}{}{} {what}",
            event.checker,
            s.checked_it,
            s.colon,
            self.name(at)
        );
        self.message = Some(super::Message {
            text,
            level: Level::Info,
        });
    }

    /// A second review was written (or refused, or failed).
    pub fn checked(&mut self, write: CheckWrite, result: Result<(CheckChange, Item), String>) {
        let (change, item) = match result {
            Ok(ok) => ok,
            Err(e) => {
                // The reason stays in the editor: nothing typed is lost.
                if let Some(ed) = self.overlay.editor_mut() {
                    ed.confirming = false;
                }
                self.warn(
                    Level::Error,
                    format!("{}{}{e}", self.strings.check_failed, self.strings.colon),
                );
                return;
            }
        };
        let at = write.at;
        let k = self.index(at);
        // The part of the queue it was in, for where to go next.
        let part = self.wants_check(k).then(|| self.differs(k));
        self.stage.checks.insert(
            k,
            CheckMark {
                verdict: change.to,
                first: change.first,
            },
        );
        self.close_reason(at);
        self.refresh(at, item);
        let s = self.strings;
        let words = self.check_words(change.first, change.to);
        let text = format!(
            "{}{}{} {words}",
            if change.agreed() {
                s.check_agreed
            } else {
                s.check_changed
            },
            s.colon,
            self.name(at)
        );
        self.inform(&text);
        if self.stage.checking {
            self.cursor = at;
            match self.next_in_queue(at, part, false) {
                Some(next) => self.cursor = next,
                None => self.inform(s.nothing_to_check),
            }
        }
    }

    /// The first verdict changed since the checker saw it: nothing was written; the item shows
    /// as it is now, to be looked at again.
    pub fn check_changed_underneath(&mut self, write: CheckWrite, item: Item) {
        let at = write.at;
        self.close_reason(at);
        let verdict = item.verdict;
        let who = item.reviewer.clone().unwrap_or_default();
        self.refresh(at, item);
        self.cursor = at;
        let s = self.strings;
        let text = s
            .check_changed_underneath
            .replace("{who}", &who)
            .replace("{verdict}", verdict.map_or(s.unreviewed, |v| s.verdict(v)));
        self.warn(Level::Warning, text);
    }

    /// The progress by person, read for the summary screen.
    pub fn people_loaded(&mut self, people: People) {
        self.stage.people = Some(people);
        self.stage.people_stale = false;
    }

    /// Whether the 按人 view is up and what it shows has changed: read it again.
    pub fn people_wanted(&self) -> bool {
        self.stage.people_shown && self.stage.people_stale && self.summary().is_some()
    }

    // ---- What the screen asks.

    /// 复核 mode is on.
    pub fn checking(&self) -> bool {
        self.stage.checking
    }

    /// Whether the table has a 复核 column: in 复核 mode, or once anything is second-reviewed.
    pub fn shows_checks(&self) -> bool {
        self.stage.checking || !self.stage.checks.is_empty()
    }

    /// How the item stands in the second review (`None`: no first verdict).
    pub fn check_status(&self, at: Cursor) -> Option<CheckStatus> {
        let first = self.verdict_of(at)?;
        Some(match self.stage.checks.get(&self.index(at)) {
            None => CheckStatus::Unchecked,
            Some(m) if m.first != first => CheckStatus::Outdated,
            Some(m) if m.verdict == first => CheckStatus::Agreed,
            Some(m) => CheckStatus::Changed(m.verdict),
        })
    }

    /// The verdict that counts for every item (the second review's, where one was given on
    /// the first verdict as it stands): what the summary scores.
    pub(super) fn results(&self) -> std::borrow::Cow<'_, [Option<Verdict>]> {
        let current = |(&k, m): (&usize, &CheckMark)| {
            (self.verdicts[k] == Some(m.first) && m.verdict != m.first).then_some((k, m.verdict))
        };
        if self
            .stage
            .checks
            .iter()
            .filter_map(current)
            .next()
            .is_none()
        {
            return std::borrow::Cow::Borrowed(&self.verdicts);
        }
        let mut results = self.verdicts.clone();
        for (k, v) in self.stage.checks.iter().filter_map(current) {
            results[k] = Some(v);
        }
        std::borrow::Cow::Owned(results)
    }

    /// Where the assessment stands: 初步, 部分审定 or 审定.
    pub fn stage(&self) -> Stage {
        let ids: Vec<u32> = self.targets.iter().map(|t| t.id).collect();
        Stage::of_assessment(&self.stage.locks, &ids)
    }

    /// The locks in force.
    pub fn locks(&self) -> &[Lock] {
        &self.stage.locks
    }

    /// The lock covering the item, if any.
    pub fn lock_at(&self, at: Cursor) -> Option<&Lock> {
        if self.stage.locks.is_empty() {
            return None;
        }
        let target = self.targets[self.target_of[at.indicator]].id;
        covering(&self.stage.locks, target)
    }

    /// "已审定：王五 2026-12-01 10:00 锁定了目标 3；要改动须由组长 kaohe unlock".
    pub fn lock_line(&self, lock: &Lock) -> String {
        self.strings
            .lock_refusal
            .replace("{who}", &lock.by)
            .replace("{at}", &crate::stages::short_time(&lock.at))
            .replace("{scope}", &self.lock_scope(lock))
    }

    /// "目标 3" / "整个考核", in the workspace's language.
    fn lock_scope(&self, lock: &Lock) -> String {
        match self.strings.lang {
            Lang::Zh => lock.scope_zh(),
            Lang::En => lock.scope_en(),
        }
    }

    /// The change whose reason is being typed, while the editor is open on it.
    pub fn reason_pending(&self) -> Option<PendingChange> {
        let p = self.stage.reason_for?;
        self.editor().filter(|e| e.at == p.at).map(|_| p)
    }

    /// The progress by person and how far it is scrolled, while the summary shows it.
    pub fn people_view(&self) -> Option<(Option<&People>, usize)> {
        (self.stage.people_shown && self.summary().is_some())
            .then_some((self.stage.people.as_ref(), self.stage.people_scroll))
    }

    /// "同意 完成" / "改判 完成 → 未完成".
    fn check_words(&self, first: Verdict, to: Verdict) -> String {
        let s = self.strings;
        if first == to {
            format!("{} {}", s.agree, s.verdict(to))
        } else {
            format!("{} {} → {}", s.change, s.verdict(first), s.verdict(to))
        }
    }

    // ---- Keys.

    /// A write action on an item a lock covers: refused here with the lock's line (the store
    /// would refuse it too). True if refused.
    pub(super) fn refused_by_lock(&mut self, mode: Mode, action: Action) -> bool {
        use Action::*;
        if self.stage.locks.is_empty() {
            return false;
        }
        let browsing = matches!(mode, Mode::Browse | Mode::Check);
        // Where the action would write: an undo or redo of a batch, at each of its items.
        let step_at = |step: &Step| -> Vec<Cursor> {
            match step {
                Step::Review(c) => vec![c.at],
                Step::Discarded { at, .. } => vec![*at],
                Step::Batch(changes) => changes.iter().map(|c| c.at).collect(),
            }
        };
        let at: Vec<Cursor> = match action {
            Mark(_) | AcceptSuggestion | Clear | EditNote | CheckConfirm | CheckChange(_)
            | CountCases | ToggleVoid | Verify
                if browsing =>
            {
                vec![self.cursor]
            }
            Undo if browsing => self.undo.last().map(step_at).unwrap_or_default(),
            Redo if browsing => self.redo.last().map(step_at).unwrap_or_default(),
            SaveNote if mode == Mode::Confirm && self.verify_editor().is_some() => {
                self.verify_editor().map(|e| e.at).into_iter().collect()
            }
            SaveNote if matches!(mode, Mode::Editor | Mode::Confirm) => {
                self.editor().map(|e| e.at).into_iter().collect()
            }
            SaveVerified if mode == Mode::Verify => {
                self.verify_editor().map(|e| e.at).into_iter().collect()
            }
            MarkAnyway if mode == Mode::Ask && self.verify_editor().is_some() => {
                self.verify_editor().map(|e| e.at).into_iter().collect()
            }
            MarkAnyway if mode == Mode::Ask => {
                self.question().map(|q| q.write.at).into_iter().collect()
            }
            _ => Vec::new(),
        };
        let Some(lock) = at.into_iter().find_map(|at| self.lock_at(at)) else {
            return false;
        };
        let line = self.lock_line(lock);
        // A question about marking what is locked now has no answer but no.
        if let Some(v) = self.overlay.verify_editor_mut() {
            v.asking = false;
            v.confirming = false;
        } else if mode == Mode::Ask {
            self.overlay.take_question();
        }
        if let Some(e) = self.overlay.editor_mut() {
            e.confirming = false;
        }
        self.warn(Level::Warning, line);
        true
    }

    /// `c` while browsing: into 复核 mode, at the first item wanting it.
    pub(super) fn enter_check_mode(&mut self) {
        if let Some(why) = self.stage.check_refusal.clone() {
            self.warn(Level::Warning, why);
            return;
        }
        self.stage.checking = true;
        let s = self.strings;
        let left = (0..self.verdicts.len())
            .filter(|&k| self.wants_check(k))
            .count();
        match self.next_to_check(true) {
            Some(at) => {
                self.cursor = at;
                let text = s.check_on.replace("{n}", &left.to_string());
                self.inform(&text);
            }
            None => self.inform(s.nothing_to_check),
        }
    }

    /// An action in 复核 mode, if it is one of its own (`None`: a browsing action).
    pub(super) fn check_action(&mut self, action: Action) -> Option<Vec<Effect>> {
        use Action::*;
        if self.browse_only.is_some() && matches!(action, CheckConfirm | CheckChange(_)) {
            self.refuse_write();
            return Some(Vec::new());
        }
        match action {
            ToggleCheck => {
                self.stage.checking = false;
                self.inform(self.strings.check_off);
            }
            CheckConfirm => return Some(self.check_here(Decision::Confirm)),
            CheckChange(v) => return Some(self.check_here(Decision::Change(v))),
            NextToCheck => match self.next_to_check(false) {
                Some(at) => self.cursor = at,
                None => self.inform(self.strings.nothing_to_check),
            },
            _ => return None,
        }
        Some(Vec::new())
    }

    /// Confirms the first verdict of the selected item, or opens the editor for the reason
    /// of a change.
    fn check_here(&mut self, decision: Decision) -> Vec<Effect> {
        let s = self.strings;
        let at = self.cursor;
        let k = self.index(at);
        let Some(first) = self.verdicts[k] else {
            self.inform(s.not_marked_to_check);
            return Vec::new();
        };
        let read_mine = self
            .cache
            .get(&k)
            .and_then(|i| i.reviewer.as_deref())
            .is_some_and(|r| r == self.reviewer);
        if self.stage.mine.contains(&k) || read_mine {
            self.warn(Level::Warning, s.own_first_review.to_string());
            return Vec::new();
        }
        match decision.on(first) {
            Decision::Confirm => vec![Effect::Check(CheckWrite {
                at,
                decision: Decision::Confirm,
                reason: String::new(),
                first_seen: first,
            })],
            Decision::Change(to) => {
                self.editor_not_for_finding();
                self.stage.reason_for = Some(PendingChange { at, first, to });
                self.overlay.open(Overlay::Editor(NoteEditor {
                    at,
                    saved: String::new(),
                    buffer: TextBuffer::new(""),
                    confirming: false,
                }));
                let text = s
                    .reason_prompt
                    .replace("{from}", s.verdict(first))
                    .replace("{to}", s.verdict(to));
                self.inform(&text);
                Vec::new()
            }
        }
    }

    /// Enter in the editor while it holds a reason: the change, if there is a reason.
    pub(super) fn save_reason(&mut self) -> Vec<Effect> {
        let Some(p) = self.reason_pending() else {
            return Vec::new();
        };
        let Some(e) = self.overlay.editor_mut() else {
            return Vec::new();
        };
        e.confirming = false;
        let reason = e.buffer.text();
        if reason.trim().is_empty() {
            self.warn(Level::Warning, self.strings.reason_needed.to_string());
            return Vec::new();
        }
        vec![Effect::Check(CheckWrite {
            at: p.at,
            decision: Decision::Change(p.to),
            reason,
            first_seen: p.first,
        })]
    }

    /// The reason thrown away (Esc, then d): no change, nothing kept.
    pub(super) fn drop_reason(&mut self) -> Vec<Effect> {
        if let Some(p) = self.reason_pending() {
            self.close_reason(p.at);
            self.inform(self.strings.change_dropped);
        }
        Vec::new()
    }

    /// Closes the editor if it holds the reason for the change at `at`.
    fn close_reason(&mut self, at: Cursor) {
        if self.reason_pending().is_some_and(|p| p.at == at) {
            self.overlay.close();
        }
        self.stage.reason_for = None;
    }

    /// The editor opened for a note: whatever reason it held before is gone.
    pub(super) fn editor_for_note(&mut self) {
        self.stage.reason_for = None;
        self.editor_not_for_request();
    }

    /// Whether the editor holds a reason (not a note): its text is no draft.
    pub(super) fn editing_reason(&self) -> bool {
        self.reason_pending().is_some()
    }

    /// An item as the database holds it now: whose first verdict it is.
    pub(super) fn stage_refreshed(&mut self, k: usize, item: &Item) {
        let mine = item.verdict.is_some() && item.reviewer.as_deref() == Some(&self.reviewer);
        if mine {
            self.stage.mine.insert(k);
        } else {
            self.stage.mine.remove(&k);
        }
        self.stage.people_stale = true;
    }

    /// Whether item `k` wants a second review from this reviewer: it has a first verdict that
    /// is not theirs and not locked, and no second review on that verdict.
    fn wants_check(&self, k: usize) -> bool {
        let Some(first) = self.verdicts[k] else {
            return false;
        };
        !self.stage.mine.contains(&k)
            && self.stage.checks.get(&k).is_none_or(|m| m.first != first)
            && self.lock_at(self.cursor_of(k)).is_none()
    }

    /// Whether item `k` is in the first part of the 复核 queue: second-reviewed on a first
    /// verdict changed since.
    fn differs(&self, k: usize) -> bool {
        self.wants_check(k) && self.stage.checks.contains_key(&k)
    }

    /// The 复核 queue is the items wanting a second review in two parts, each in the flow's
    /// order: first those whose first verdict changed since their second review, then those
    /// never second-reviewed. The next one from the cursor: on entering (`here`), the cursor's
    /// own if it is first in line; from an item of the queue, the next of its part, then the
    /// other part from its start; from anywhere else, the next of the first part, else of the
    /// second.
    fn next_to_check(&self, here: bool) -> Option<Cursor> {
        let k = self.index(self.cursor);
        let part = (!here && self.wants_check(k)).then(|| self.differs(k));
        self.next_in_queue(self.cursor, part, here)
    }

    /// See [`App::next_to_check`]: `part` is the part of the queue `from` was in (`true`: the
    /// first), if it was in it; `here`: `from` itself may be the answer.
    fn next_in_queue(&self, from: Cursor, part: Option<bool>, here: bool) -> Option<Cursor> {
        let total = self.verdicts.len();
        if total == 0 {
            return None;
        }
        let (n, m) = (self.counties.len(), self.indicators.len());
        let rank = match self.flow {
            Flow::ByIndicator => from.indicator * n + from.county,
            Flow::ByCounty => from.county * m + from.indicator,
        };
        let at_rank = |r: usize| match self.flow {
            Flow::ByIndicator => Cursor {
                indicator: r / n,
                county: r % n,
            },
            Flow::ByCounty => Cursor {
                indicator: r % m,
                county: r / m,
            },
        };
        // The first item of part `first` in `steps` places of the flow from place `start`.
        let find = |start: usize, steps: usize, first: bool| {
            (0..steps)
                .map(|d| at_rank((start + d) % total))
                .find(|&at| {
                    let k = self.index(at);
                    self.wants_check(k) && (self.differs(k) == first)
                })
        };
        let after = rank + usize::from(!here);
        match part {
            None => find(after, total - usize::from(!here), true)
                .or_else(|| find(after, total - usize::from(!here), false)),
            Some(first) => find(rank + 1, total - rank - 1, first)
                .or_else(|| find(0, total, !first))
                .or_else(|| find(0, total, first)),
        }
    }

    // ---- The summary screen's 按人 view.

    /// `p` on the summary screen (and its keys while the view is up): the progress by person,
    /// read from the store; `None` for an action that is the summary's own.
    pub(super) fn people_action(&mut self, action: Action) -> Option<Vec<Effect>> {
        use Action::*;
        if action == SummaryPeople {
            self.stage.people_shown = !self.stage.people_shown;
            self.stage.people_scroll = 0;
            if self.stage.people_shown {
                self.stage.people_stale = true;
                return Some(vec![Effect::LoadPeople]);
            }
            return Some(Vec::new());
        }
        if !self.stage.people_shown {
            return None;
        }
        let scroll = &mut self.stage.people_scroll;
        match action {
            ScrollDown => *scroll += 1,
            ScrollUp => *scroll = scroll.saturating_sub(1),
            PageDown => *scroll += self.page_rows.max(1),
            PageUp => *scroll = scroll.saturating_sub(self.page_rows.max(1)),
            First => *scroll = 0,
            // The summary's own: Enter, Esc, Last (the view clamps what it draws).
            _ => return None,
        }
        Some(Vec::new())
    }
}
