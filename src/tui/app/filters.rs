//! The filters beside unreviewed-only (`f`): the menu `F` opens, what each lets through, and
//! what they need to know of every item — what its figure suggests and whether it looks
//! wrong, whether it has a note (read once, when a filter first needs them: `Checks`), and
//! the county's own assessment of it (read at start and after an import, for the ≠ filter
//! and the summary's count).
//!
//! `n`, the table's rows and the flow go through the filter in force: with one on, `n` goes to
//! the next item it lets through.

use super::mode::Overlay;
use super::{App, Cursor, Level};
use crate::check;
use crate::model::{Submission, Verdict};
use crate::tui::action::Action;
use std::collections::HashSet;

/// A filter of the menu, beyond 全部 and 仅未评定.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Items this reviewer put aside for later.
    SetAside,
    /// The verdict says the opposite of the figure (`!`).
    Contradicts,
    /// The figure looks wrong: unreadable, against its numerator ÷ denominator, a bare fraction.
    Flagged,
    /// 未完成 or 基本完成 without a note to say why.
    NoNote,
    /// The county's own assessment differs from the verdict (≠).
    OwnDiffers,
    /// A request for more material (退回补充) is open on the item.
    Requested,
}

impl Filter {
    pub const ALL: [Filter; 6] = [
        Filter::SetAside,
        Filter::Contradicts,
        Filter::Flagged,
        Filter::NoNote,
        Filter::OwnDiffers,
        Filter::Requested,
    ];

    /// Whether it needs what the figures say of every item ([`Checks`]).
    fn needs_checks(self) -> bool {
        matches!(self, Filter::Contradicts | Filter::Flagged | Filter::NoNote)
    }
}

/// The menu's rows: 全部, 仅未评定, then each [`Filter`].
pub const MENU_ROWS: usize = 2 + Filter::ALL.len();

/// What the figures say of every item, read once a filter needs it (by the App's index).
#[derive(Debug, Default)]
pub(super) struct Checks {
    suggested: Vec<Option<Verdict>>,
    flagged: HashSet<usize>,
    noted: HashSet<usize>,
}

impl App {
    /// The words of the menu's row `row` (from 0).
    pub fn menu_row_words(&self, row: usize) -> &'static str {
        let m = self.strings.marking;
        match row {
            0 => m.all,
            1 => m.unreviewed_only,
            _ => Filter::ALL
                .get(row - 2)
                .map_or("", |&f| self.filter_words(f)),
        }
    }

    /// A filter's name, as the menu and the header say it.
    pub fn filter_words(&self, filter: Filter) -> &'static str {
        let m = self.strings.marking;
        match filter {
            Filter::SetAside => m.filter_aside,
            Filter::Contradicts => m.filter_contradicts,
            Filter::Flagged => m.filter_flagged,
            Filter::NoNote => m.filter_no_note,
            Filter::OwnDiffers => m.filter_own_differs,
            Filter::Requested => self.strings.evidence_words.filter_requested,
        }
    }

    /// The menu row of the filter in force.
    pub fn menu_row_in_force(&self) -> usize {
        match self.marking.filter {
            Some(f) => 2 + Filter::ALL.iter().position(|&g| g == f).unwrap_or(0),
            None if self.only_unreviewed => 1,
            None => 0,
        }
    }

    /// `F`: the menu, on the filter in force.
    pub(super) fn open_filters(&mut self) {
        let row = self.menu_row_in_force();
        self.overlay.open(Overlay::Filters(row));
    }

    /// The menu's keys: move, choose (Enter, or a row's number), close.
    pub(super) fn choose_filter(&mut self, action: Action) {
        let Some(row) = self.overlay.filters_mut() else {
            return;
        };
        match action {
            Action::ScrollDown => *row = (*row + 1).min(MENU_ROWS - 1),
            Action::ScrollUp => *row = row.saturating_sub(1),
            Action::ChooseFilter => {
                let chosen = *row;
                self.overlay.close();
                self.use_filter(chosen);
            }
            Action::PickFilter(n) if (1..=MENU_ROWS).contains(&usize::from(n)) => {
                self.overlay.close();
                self.use_filter(usize::from(n) - 1);
            }
            Action::CloseFilters => {
                self.overlay.close();
            }
            _ => {}
        }
    }

    /// The menu's row `row` in force; the cursor goes to the first item it lets through if
    /// it is not on one.
    fn use_filter(&mut self, row: usize) {
        self.only_unreviewed = row == 1;
        self.marking.filter = row.checked_sub(2).and_then(|k| Filter::ALL.get(k).copied());
        let words = self.menu_row_words(row);
        self.inform(&format!(
            "{}{}{words}",
            self.strings.marking.filter, self.strings.colon
        ));
        if self.needs_checks() {
            // Read before the next key or frame (effects::fill): then the jump.
            self.marking.jump_pending = true;
        } else {
            self.go_to_filtered();
        }
    }

    /// On to the first item the filter in force lets through, unless the cursor is on one.
    fn go_to_filtered(&mut self) {
        let Some(filter) = self.marking.filter else {
            return;
        };
        if self.lets_through(filter, self.cursor) {
            return;
        }
        match self.next_unreviewed_from(Some(self.cursor)) {
            Some(at) => self.cursor = at,
            None => {
                let text = self
                    .strings
                    .marking
                    .nothing_matches
                    .replace("{name}", self.filter_words(filter));
                self.warn(Level::Info, text);
            }
        }
    }

    /// Whether `filter` lets the item through.
    pub(super) fn lets_through(&self, filter: Filter, at: Cursor) -> bool {
        let k = self.index(at);
        let verdict = self.verdict_of(at);
        let checks = self.marking.checks.as_ref();
        match filter {
            Filter::SetAside => self.marking.aside.contains(&k),
            Filter::Contradicts => check::contradicts(
                verdict,
                checks.and_then(|c| c.suggested.get(k).copied().flatten()),
            ),
            Filter::Flagged => checks.is_some_and(|c| c.flagged.contains(&k)),
            Filter::NoNote => {
                matches!(verdict, Some(Verdict::NotMet | Verdict::PartlyMet))
                    && checks.is_some_and(|c| !c.noted.contains(&k))
            }
            Filter::OwnDiffers => check::self_disagrees(self.own_verdict(at), verdict),
            Filter::Requested => self.is_requested(at),
        }
    }

    /// What `n` and the flow look for: the filter's items, or those wanting review.
    pub(super) fn sought(&self, at: Cursor) -> bool {
        match self.marking.filter {
            Some(f) => self.lets_through(f, at),
            None => self.wants_review(at),
        }
    }

    /// The county's own assessment of an item (自评结果), if it gave one.
    pub fn own_verdict(&self, at: Cursor) -> Option<Verdict> {
        let k = self.index(at);
        match self.marking.own.get(k) {
            Some(v) => *v,
            // Not read yet (or none at all): what the item read for the screen says.
            None => self.cache.get(&k).and_then(|i| i.self_verdict),
        }
    }

    /// Whether the county's own assessment differs from the verdict.
    pub fn own_differs(&self, at: Cursor) -> bool {
        check::self_disagrees(self.own_verdict(at), self.verdict_of(at))
    }

    /// Whether any county gave its own assessment of any item.
    pub fn any_own(&self) -> bool {
        !self.marking.own.is_empty()
    }

    /// Whether the counties' own assessments are to be read (effects::fill does).
    pub fn needs_own(&self) -> bool {
        self.marking.own_unread
    }

    /// The counties' own assessments, as the database holds them now.
    pub fn own_loaded(&mut self, own: Vec<(String, String, Verdict)>) {
        self.marking.own_unread = false;
        self.marking.own.clear();
        if own.is_empty() {
            return;
        }
        let mut all = vec![None; self.verdicts.len()];
        for (county, indicator, v) in own {
            if let Some(k) = self.item_index(&county, &indicator) {
                all[k] = Some(v);
            }
        }
        self.marking.own = all;
        self.summary_changed();
    }

    /// Whether the filter in force needs what the figures say and it has not been read.
    pub fn needs_checks(&self) -> bool {
        self.marking.filter.is_some_and(Filter::needs_checks) && self.marking.checks.is_none()
    }

    /// What the figures say of every item (every submission, without its evidence and
    /// remark), and which items have a note: the filters then go by them.
    pub fn checks_loaded(
        &mut self,
        figures: Vec<(String, String, Submission)>,
        noted: Vec<(String, String)>,
    ) {
        self.checks_loaded_with(figures, Vec::new(), noted);
    }

    /// As [`App::checks_loaded`], with the verified figures (核定值) recorded: what an item
    /// suggests goes by its verified figure where it has one; what looks wrong, by the
    /// county's.
    pub fn checks_loaded_with(
        &mut self,
        figures: Vec<(String, String, Submission)>,
        verified: Vec<(String, String, crate::verified::Verified)>,
        noted: Vec<(String, String)>,
    ) {
        let mut checks = Checks {
            suggested: vec![None; self.verdicts.len()],
            ..Checks::default()
        };
        let verified: std::collections::HashMap<usize, crate::verified::Verified> = verified
            .into_iter()
            .filter_map(|(county, indicator, v)| Some((self.item_index(&county, &indicator)?, v)))
            .collect();
        for (county, indicator, sub) in figures {
            let Some(k) = self.item_index(&county, &indicator) else {
                continue;
            };
            let ind = &self.indicators[k / self.counties.len()];
            checks.suggested[k] = match verified.get(&k) {
                Some(v) => check::suggested(ind, &v.applied_to(&sub)),
                None => check::suggested(ind, &sub),
            };
            if !check::flags(ind, &sub).is_empty() {
                checks.flagged.insert(k);
            }
        }
        for (county, indicator) in noted {
            if let Some(k) = self.item_index(&county, &indicator) {
                checks.noted.insert(k);
            }
        }
        self.marking.checks = Some(checks);
        if std::mem::take(&mut self.marking.jump_pending) {
            self.go_to_filtered();
        }
    }

    /// The figures or the counties' own assessments may have changed (an import): read
    /// again as needed.
    pub(super) fn forget_checks(&mut self) {
        self.marking.checks = None;
        self.marking.own_unread = true;
    }

    /// An item as the database now holds it: its note and own assessment are what the
    /// filters go by from now on.
    pub(super) fn checks_refreshed(&mut self, k: usize, item: &crate::item::Item) {
        let (note, own) = (!item.note_text().is_empty(), item.self_verdict);
        // What the figure suggests (by the verified figure, where one is recorded).
        let ind = &self.indicators[k / self.counties.len()];
        let suggested = item.judged().and_then(|sub| check::suggested(ind, &sub));
        if let Some(c) = &mut self.marking.checks {
            if let Some(slot) = c.suggested.get_mut(k) {
                *slot = suggested;
            }
            if note {
                c.noted.insert(k);
            } else {
                c.noted.remove(&k);
            }
        }
        if let Some(slot) = self.marking.own.get_mut(k) {
            *slot = own;
        }
    }
}
