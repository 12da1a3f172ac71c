//! Own work and others': which items are this reviewer's (their division's, theirs, or
//! everyone's), which verdicts a colleague gave, and the question asked before a mark would
//! change either.
//!
//! - The workspace opens on the reviewer's own work: `n`, the unreviewed-only filter and the
//!   marking flow go through it only; `o` switches to all the work and back. Others' items
//!   stay on screen, labelled with their owner.
//! - The flow never stops on an item whose verdict a colleague gave (it passes it by), and a
//!   mark put on one directly asks first: a colleague's verdict is never replaced unasked.
//!   Passing them by rather than asking in the flow keeps a long session fast: the flow
//!   goes where there is work of one's own to do, and a question only ever comes when the
//!   reviewer chose the item.
//! - Marking an item owned by someone else asks first, while working on one's own work; a
//!   reviewer who switched to all the work has said they mean to.
//!
//! Without a registry, or without owners, every item is everyone's: today's workspace.

use super::effect::{Effect, Write};
use super::{App, Cursor, Level};
use crate::item::Item;
use crate::model::Verdict;
use crate::owners::{Assignment, Me, Owner, Owners};
use crate::tui::action::Action;
use std::collections::HashSet;

/// An owner as the screen names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerLabel {
    /// The division's or the reviewer's name, for the detail pane.
    pub name: String,
    /// At most eight columns, for the table.
    pub short: String,
    /// This reviewer is the owner or in it.
    pub mine: bool,
}

/// What the App knows of owners and of colleagues' verdicts.
#[derive(Debug, Clone, Default)]
pub(super) struct OwnWork {
    /// Who this reviewer is to the registry; `None` without a registry (all is everyone's).
    me: Option<Me>,
    owners: Vec<OwnerLabel>,
    /// For each indicator, the owner of its items (its own, else its target's), by index
    /// into `owners`; for each county, its owner.
    by_indicator: Vec<Option<usize>>,
    by_county: Vec<Option<usize>>,
    /// Through own work only (the default): `n`, the filter and the flow.
    only_own: bool,
    /// Items whose verdict another reviewer gave (by the App's index).
    by_others: HashSet<usize>,
    /// (reviewed, total) over own work: counted when the owners are known, kept as verdicts
    /// change (the header shows it every frame).
    tally: (usize, usize),
}

/// A mark the reviewer is asked about first: whose item it is, whose verdict it would replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub write: Write,
    /// The owner, when the item is someone else's.
    pub owner: Option<String>,
    /// The colleague who gave the verdict there, and the verdict.
    pub theirs: Option<(String, Verdict)>,
}

impl OwnWork {
    pub(super) fn new(me: Option<Me>) -> OwnWork {
        OwnWork {
            me,
            only_own: true,
            ..OwnWork::default()
        }
    }

    /// Whether another reviewer gave item `k`'s verdict, as the workspace opens.
    pub(super) fn marked(&mut self, k: usize, by_other: bool) {
        if by_other {
            self.by_others.insert(k);
        }
    }

    /// Someone owns something, and there is a registry to say who this reviewer is.
    fn applies(&self) -> bool {
        self.me.is_some() && !self.owners.is_empty()
    }
}

impl App {
    /// Who owns what, laid out by indicator and county (at start, and when `kaohe assign`
    /// changed it).
    pub fn set_owners(&mut self, assignments: &[Assignment]) {
        let owners = Owners::new(assignments);
        let mut labels: Vec<(Owner, OwnerLabel)> = Vec::new();
        let me = self.own.me.clone().unwrap_or_default();
        let mut index = |owner: Option<&Owner>| -> Option<usize> {
            let owner = owner?;
            if let Some(at) = labels.iter().position(|(o, _)| o == owner) {
                return Some(at);
            }
            labels.push((
                owner.clone(),
                OwnerLabel {
                    name: owner.name().to_string(),
                    short: owner.short(),
                    mine: owner.includes(&me),
                },
            ));
            Some(labels.len() - 1)
        };
        let by_indicator = self
            .indicators
            .iter()
            .map(|i| index(owners.of_indicator(i)))
            .collect();
        let by_county = self
            .counties
            .iter()
            .map(|c| index(owners.of_county(&c.code)))
            .collect();
        self.own.by_indicator = by_indicator;
        self.own.by_county = by_county;
        self.own.owners = labels.into_iter().map(|(_, l)| l).collect();
        self.own.tally = self.count_own();
    }

    /// (reviewed, total) over own work, counted: an indicator owned as a whole at once, the
    /// others county by county.
    fn count_own(&self) -> (usize, usize) {
        let n = self.counties.len();
        if !self.own.applies() {
            return (self.reviewed.iter().sum(), self.indicators.len() * n);
        }
        let mine = |owner: Option<usize>| owner.is_none_or(|k| self.own.owners[k].mine);
        let (mut done, mut total) = (0, 0);
        for indicator in 0..self.indicators.len() {
            match self.own.by_indicator.get(indicator).copied().flatten() {
                Some(k) => {
                    if self.own.owners[k].mine {
                        done += self.reviewed[indicator];
                        total += n;
                    }
                }
                None => {
                    for county in 0..n {
                        if mine(self.own.by_county.get(county).copied().flatten()) {
                            total += 1;
                            done += usize::from(self.is_reviewed(Cursor { indicator, county }));
                        }
                    }
                }
            }
        }
        (done, total)
    }

    /// An item's verdict was given (`true`) or taken away: own work's tally follows.
    pub(super) fn own_reviewed(&mut self, at: Cursor, reviewed: bool) {
        if self.is_own(at) {
            let done = &mut self.own.tally.0;
            *done = if reviewed {
                *done + 1
            } else {
                done.saturating_sub(1)
            };
        }
    }

    /// Items owned by other divisions or reviewers exist, and own work can be told from them.
    pub fn owners_apply(&self) -> bool {
        self.own.applies()
    }

    /// Going through own work only (`n`, the filter, the flow).
    pub fn only_own(&self) -> bool {
        self.own.only_own && self.own.applies()
    }

    /// An item's owner, if anyone in particular owns it.
    pub fn owner_of(&self, at: Cursor) -> Option<&OwnerLabel> {
        let k = self
            .own
            .by_indicator
            .get(at.indicator)
            .copied()
            .flatten()
            .or_else(|| self.own.by_county.get(at.county).copied().flatten())?;
        self.own.owners.get(k)
    }

    /// Whether an item is this reviewer's own work (theirs, their division's, or everyone's).
    pub fn is_own(&self, at: Cursor) -> bool {
        !self.own.applies() || self.owner_of(at).is_none_or(|o| o.mine)
    }

    /// The item's owner when it is someone else's: what the table labels it with.
    pub fn others_owner(&self, at: Cursor) -> Option<&OwnerLabel> {
        if !self.own.applies() {
            return None;
        }
        self.owner_of(at).filter(|o| !o.mine)
    }

    /// Whether another reviewer gave the item's verdict.
    pub fn marked_by_other(&self, at: Cursor) -> bool {
        self.own.by_others.contains(&self.index(at))
    }

    /// Whether the item is in the work gone through: own work, or all of it.
    pub(super) fn in_view(&self, at: Cursor) -> bool {
        !self.only_own() || self.is_own(at)
    }

    /// Sought (wants review, or what the filter in force lets through) and in the work gone
    /// through: where `n`, the filters and the flow go.
    pub(super) fn to_visit(&self, at: Cursor) -> bool {
        self.sought(at) && self.in_view(at)
    }

    /// Whether the marking flow stops at an item: in the work gone through, and not given its
    /// verdict by a colleague.
    pub(super) fn flow_stops_at(&self, at: Cursor) -> bool {
        self.in_view(at) && !self.marked_by_other(at)
    }

    /// (reviewed, total) over this reviewer's own work.
    pub fn own_progress(&self) -> (usize, usize) {
        self.own.tally
    }

    /// Keeps whether another reviewer gave an item's verdict, as the database now says.
    pub(super) fn note_whose(&mut self, k: usize, item: &Item) {
        let by_other =
            item.verdict.is_some() && item.reviewer.as_deref().is_some_and(|r| r != self.reviewer);
        if by_other {
            self.own.by_others.insert(k);
        } else {
            self.own.by_others.remove(&k);
        }
    }

    /// `o`: own work only, or all of it.
    pub(super) fn toggle_own(&mut self) {
        if !self.own.applies() {
            self.inform(self.strings.no_owners);
            return;
        }
        self.own.only_own = !self.own.only_own;
        self.inform(if self.own.only_own {
            self.strings.own_now
        } else {
            self.strings.all_now
        });
    }

    /// A mark (or a clearing) on the selected item: written at once, or asked about first
    /// when it would replace a colleague's verdict, or mark an item someone else owns while
    /// going through own work.
    pub(super) fn mark_or_ask(&mut self, write: Write) -> Vec<Effect> {
        let at = write.at;
        // A write of mine waiting there makes the verdict mine once written: nobody's to ask
        // about.
        let theirs = self
            .verdict_of(at)
            .filter(|_| self.marked_by_other(at) && !self.verdict_pending_at(at))
            // The same verdict again replaces nothing (on a changed figure it is a review of
            // the new figure, asked about by nobody).
            .filter(|&v| write.verdict != Some(Some(v)))
            .map(|v| {
                let who = self.item(at).reviewer.clone().unwrap_or_default();
                (who, v)
            });
        let owner = self
            .only_own()
            .then(|| self.others_owner(at).map(|o| o.name.clone()))
            .flatten();
        if theirs.is_none() && owner.is_none() {
            return vec![Effect::Review(write)];
        }
        self.overlay.ask_first(Question {
            write,
            owner,
            theirs,
        });
        Vec::new()
    }

    /// The answer: mark it (`y`) or leave it as it is (`n`, Esc).
    pub(super) fn answer_question(&mut self, action: Action) -> Vec<Effect> {
        if !matches!(action, Action::MarkAnyway | Action::LeaveIt) {
            return Vec::new();
        }
        let Some(q) = self.overlay.take_question() else {
            return Vec::new();
        };
        if action == Action::MarkAnyway {
            // The database may have stopped taking writes while the question was up.
            if !self.may_write() {
                self.refuse_write();
                return Vec::new();
            }
            let at = q.write.at;
            let gives = matches!(q.write.verdict, Some(Some(_)));
            let mut effects = vec![Effect::Review(q.write)];
            if gives {
                effects.extend(self.settle_aside(at));
            }
            return effects;
        }
        let text = format!(
            "{}{}{}",
            self.strings.left_as_it_is,
            self.strings.colon,
            self.name(q.write.at)
        );
        self.warn(Level::Info, text);
        Vec::new()
    }

    /// The question waiting for an answer, while it is up.
    pub fn question(&self) -> Option<&Question> {
        self.overlay.question()
    }
}
