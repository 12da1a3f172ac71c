//! Where the cursor goes: a step through what the filter shows, on to the next item wanting
//! review in the flow's order, and after a mark.

use super::{App, Cursor, Flow};

impl App {
    /// Whether the county's row shows for the indicator under the filter.
    pub fn county_shown(&self, indicator: usize, county: usize) -> bool {
        let at = Cursor { indicator, county };
        let filtered = self.only_unreviewed || self.marking.filter.is_some();
        !filtered || at == self.cursor || self.to_visit(at)
    }

    /// Whether the indicator shows in the targets pane under the filter.
    pub fn indicator_shown(&self, indicator: usize) -> bool {
        let filtered = self.only_unreviewed || self.marking.filter.is_some();
        if !filtered || indicator == self.cursor.indicator {
            return true;
        }
        // With another filter, items put aside, or own work only, each county is asked.
        let each = self.marking.filter.is_some() || self.aside_count() > 0 || self.only_own();
        match self.flow {
            Flow::ByIndicator if each => {
                (0..self.counties.len()).any(|county| self.to_visit(Cursor { indicator, county }))
            }
            Flow::ByIndicator => {
                self.reviewed[indicator] < self.counties.len() || self.stale_count[indicator] > 0
            }
            Flow::ByCounty => self.to_visit(Cursor {
                indicator,
                county: self.cursor.county,
            }),
        }
    }

    /// The counties shown for the current indicator, in order: every county asked, so only
    /// tests ask (the screen walks from its top row: list.rs).
    #[cfg(test)]
    pub fn shown_counties(&self) -> Vec<usize> {
        (0..self.counties.len())
            .filter(|&c| self.county_shown(self.cursor.indicator, c))
            .collect()
    }

    pub(super) fn step_county(&mut self, forward: bool) {
        let i = self.cursor.indicator;
        let n = self.counties.len();
        let c = self.cursor.county;
        let next = if forward {
            (c + 1..n).find(|&c| self.county_shown(i, c))
        } else {
            (0..c).rev().find(|&c| self.county_shown(i, c))
        };
        if let Some(c) = next {
            self.cursor.county = c;
        }
    }

    pub(super) fn step_indicator(&mut self, forward: bool) {
        let i = self.cursor.indicator;
        let m = self.indicators.len();
        let next = if forward {
            (i + 1..m).find(|&i| self.indicator_shown(i))
        } else {
            (0..i).rev().find(|&i| self.indicator_shown(i))
        };
        if let Some(i) = next {
            self.cursor.indicator = i;
        }
    }

    pub(super) fn step_target(&mut self, forward: bool) {
        let t = self.target_of[self.cursor.indicator];
        let targets: Vec<usize> = if forward {
            (t + 1..self.targets.len()).collect()
        } else {
            (0..t).rev().collect()
        };
        for t in targets {
            let row = &self.targets[t];
            if let Some(i) = (row.first..row.first + row.len).find(|&i| self.indicator_shown(i)) {
                self.cursor.indicator = i;
                return;
            }
        }
    }

    /// `g` and `G`: the first or last county shown.
    pub(super) fn step_to_end(&mut self, last: bool) {
        let i = self.cursor.indicator;
        let shown = |&c: &usize| self.county_shown(i, c);
        let n = self.counties.len();
        let end = if last {
            (0..n).rev().find(shown)
        } else {
            (0..n).find(shown)
        };
        if let Some(c) = end {
            self.cursor.county = c;
        }
    }

    /// `n`: the next item wanting review.
    pub(super) fn step_to_next_unreviewed(&mut self) {
        match self.next_unreviewed_from(Some(self.cursor)) {
            Some(at) => self.cursor = at,
            None => self.nothing_left(),
        }
    }

    /// Nothing left to review: in all the work, or in own work (`o` shows the rest).
    pub(super) fn say_all_reviewed(&mut self) {
        self.inform(if self.only_own() {
            self.strings.own_all_reviewed
        } else {
            self.strings.all_reviewed
        });
    }

    /// Items in the order the flow marks them.
    fn order(&self, k: usize) -> Cursor {
        let m = self.indicators.len();
        match self.flow {
            Flow::ByIndicator => self.cursor_of(k),
            Flow::ByCounty => Cursor {
                indicator: k % m,
                county: k / m,
            },
        }
    }

    fn rank(&self, at: Cursor) -> usize {
        match self.flow {
            Flow::ByIndicator => self.index(at),
            Flow::ByCounty => at.county * self.indicators.len() + at.indicator,
        }
    }

    /// The first unreviewed item after `from` in the flow's order (from the start if `None`),
    /// wrapping around, in the work gone through (own work, or all).
    pub(super) fn next_unreviewed_from(&self, from: Option<Cursor>) -> Option<Cursor> {
        self.next_where(from, |at| self.to_visit(at))
    }

    /// The first item after `from` in the flow's order, wrapping around, where `wanted`.
    fn next_where(&self, from: Option<Cursor>, wanted: impl Fn(Cursor) -> bool) -> Option<Cursor> {
        let total = self.verdicts.len();
        let start = from.map_or(0, |at| self.rank(at) + 1);
        (0..total)
            .map(|k| self.order((start + k) % total))
            .find(|&at| wanted(at))
    }

    /// After a mark: the next county of the same indicator (the next indicator for the same
    /// county when marking by county); after the last, the first unreviewed item beyond. It
    /// passes by others' items while going through own work, and always a colleague's verdict.
    pub(super) fn advance(&mut self) {
        let at = self.cursor;
        // The flow passes over items put aside (unless it is their list being gone through).
        let passes = |next: Cursor| {
            self.marking.filter == Some(super::Filter::SetAside) || !self.is_aside(next)
        };
        let next = match self.flow {
            Flow::ByIndicator => (at.county + 1..self.counties.len())
                .map(|county| Cursor { county, ..at })
                .find(|&next| {
                    self.county_shown(at.indicator, next.county)
                        && passes(next)
                        && self.flow_stops_at(next)
                }),
            Flow::ByCounty => (at.indicator + 1..self.indicators.len())
                .map(|indicator| Cursor { indicator, ..at })
                .find(|&next| {
                    let shown = match self.marking.filter {
                        Some(f) => self.lets_through(f, next),
                        None => !self.only_unreviewed || self.wants_review(next),
                    };
                    shown && passes(next) && self.flow_stops_at(next)
                }),
        };
        if let Some(next) = next {
            self.cursor = next;
            return;
        }
        // The last of the indicator's counties (of the county's indicators): beyond it.
        let last = match self.flow {
            Flow::ByIndicator => Cursor {
                county: self.counties.len() - 1,
                ..at
            },
            Flow::ByCounty => Cursor {
                indicator: self.indicators.len() - 1,
                ..at
            },
        };
        match self.next_where(Some(last), |at| self.to_visit(at) && self.flow_stops_at(at)) {
            Some(next) => self.cursor = next,
            None => self.nothing_left(),
        }
    }
}
