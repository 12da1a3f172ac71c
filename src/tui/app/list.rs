//! The counties' list as the screen shows it: which county is on its top row, and which items
//! are read from the database for it. Everything here costs the rows on screen, never the
//! number of counties (a walk under a filter passes over hidden counties, one check each).
//!
//! The list keeps still while the cursor moves within it, so a move changes only the two rows
//! involved. When the cursor would come within a margin of an edge ([`SCROLL_OFF`] rows, less
//! on a short list), the list moves by half its rows ([`Scroll::HalfPage`], the default, as
//! Midnight Commander's panels do) or by as many rows as the cursor did ([`Scroll::Line`], the
//! config's `scroll = "line"`). Half a page is the default because the list shares its terminal
//! rows with the targets pane: no terminal PuTTY's age can scroll part of a row, so every row
//! of the list is sent again each time it moves — over a slow link once every few moves rather
//! than on every one. A jump further than a screenful (`g`, `G`, the finder, `n`) puts the
//! cursor in the middle, or the list's end on the bottom row.

use super::{App, Cursor};
use std::cell::Cell;

/// Rows kept between the cursor and the list's top or bottom edge, where the list goes on.
pub const SCROLL_OFF: usize = 3;

/// How the list moves when the cursor comes near its edge (the config's `scroll`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scroll {
    /// By half its rows: the cursor lands near the middle, and the next several moves send only
    /// the two rows they change.
    #[default]
    HalfPage,
    /// By as many rows as the cursor moved: the rows above it stay in sight, every row sent
    /// again on each move near the edge.
    Line,
}

impl Scroll {
    /// The values a config may give, as its error message says them.
    pub const NAMES: &'static str = "\"half-page\" or \"line\"";

    pub fn parse(written: &str) -> Option<Scroll> {
        match written {
            "half-page" => Some(Scroll::HalfPage),
            "line" => Some(Scroll::Line),
            _ => None,
        }
    }
}

/// Rows assumed before the screen has said how many the list has.
const UNMEASURED_ROOM: usize = 24;

/// Rows read beyond each end of the list's rows, so that a frame whose list has a row or two
/// more or fewer than the App was told (the indicator's words wrapped on another number of
/// lines) still finds them read.
const SLACK: usize = 3;

/// Where the list is scrolled. Cells: the frame that draws the list settles it for the rows it
/// actually has (the App never learns of a frame otherwise), and the run loop says the rows
/// before reading what the frame will need.
#[derive(Debug, Default)]
pub(super) struct ListScroll {
    /// The county on the top row (it may be hidden now by a filter: the list starts at the
    /// first shown county from it).
    top: Cell<usize>,
    /// The list's rows, as last measured (0: not yet).
    room: Cell<usize>,
    /// How it moves near its edges.
    by: Scroll,
}

impl App {
    /// The counties on the list's rows, top down, for a pane with `room` rows under its column
    /// heads: the selected county always among them. The list stays where it was scrolled
    /// unless the cursor left it or came within [`SCROLL_OFF`] rows of its edge.
    pub fn list_rows(&self, room: usize) -> Vec<usize> {
        let top = self.settled_top(room);
        self.list.top.set(top);
        self.list.room.set(room);
        self.shown_from(top, room)
    }

    /// The run loop, before reading what the next frame needs: the list will have `room` rows.
    pub fn set_list_room(&mut self, room: usize) {
        self.list.room.set(room);
    }

    /// How the list moves near its edges, from the settings.
    pub fn set_list_scroll(&mut self, by: Scroll) {
        self.list.by = by;
    }

    /// The county the list would have on its top row for `room` rows, the cursor as it is now.
    fn settled_top(&self, room: usize) -> usize {
        let c = self.cursor.county;
        if room == 0 || self.is_empty() {
            return c;
        }
        // Half a page needs room to land in: a short list keeps a smaller margin.
        let margin = match self.list.by {
            Scroll::HalfPage => SCROLL_OFF.min((room - 1) / 4),
            Scroll::Line => SCROLL_OFF.min((room - 1) / 2),
        };
        // Below the cursor: the margin where the list goes on; at its end the last county on
        // the bottom row (the pane full rather than rows left empty).
        let after = self.shown_after(c, room);
        let hi = room - 1 - margin.min(after);
        let lo = margin.max((room - 1).saturating_sub(after)).min(hi);
        let top = self.list.top.get();
        // The rows above the cursor on screen, if it is on screen or just off it.
        let above = if top <= c {
            let k = self.shown_between(top, c, hi + room);
            (k <= hi + room).then_some(k)
        } else {
            (self.shown_between(c, top, room) <= room).then_some(0)
        };
        let k = match (above, self.list.by) {
            // A jump further than a screenful: the cursor in the middle.
            (None, _) => room / 2,
            // Past the margin: the list moves half its rows (at least as far as the cursor
            // went past it, by the clamp).
            (Some(k), Scroll::HalfPage) if k > hi => k.saturating_sub(room / 2),
            (Some(k), Scroll::HalfPage) if k < lo => k + room / 2,
            (Some(k), _) => k,
        }
        .clamp(lo, hi);
        self.shown_back(c, k)
    }

    /// Whether the county's row shows on the current indicator's list.
    fn on_list(&self, county: usize) -> bool {
        self.county_shown(self.cursor.indicator, county)
    }

    /// The first `room` counties shown from `top` on.
    fn shown_from(&self, top: usize, room: usize) -> Vec<usize> {
        (top..self.counties.len())
            .filter(|&c| self.on_list(c))
            .take(room)
            .collect()
    }

    /// How many counties show after `c`, counting no further than `most`.
    fn shown_after(&self, c: usize, most: usize) -> usize {
        (c + 1..self.counties.len())
            .filter(|&c| self.on_list(c))
            .take(most)
            .count()
    }

    /// How many counties show in `from..to`, counting (from `to` back) no further than
    /// `most + 1`: more than `most` is all a caller asks.
    fn shown_between(&self, from: usize, to: usize, most: usize) -> usize {
        (from..to)
            .rev()
            .filter(|&c| self.on_list(c))
            .take(most + 1)
            .count()
    }

    /// The county `k` shown rows above `c` (the first shown, if fewer are).
    fn shown_back(&self, c: usize, k: usize) -> usize {
        if k == 0 {
            return c;
        }
        (0..c)
            .rev()
            .filter(|&c| self.on_list(c))
            .take(k)
            .last()
            .unwrap_or(c)
    }

    /// The items the next frame shows that have not been read yet, as a run of counties of one
    /// indicator: (indicator, first county, last county). The list's rows first (and a few
    /// beyond each end), then the note being written and the selected rows. A step down
    /// names the one county coming on screen; nothing, when everything shown is read.
    pub fn missing(&self) -> Option<(usize, usize, usize)> {
        if self.is_empty() {
            return None;
        }
        let n = self.counties.len();
        let unread = |at: Cursor| !self.cache.contains_key(&self.index(at));
        // The run of unread counties from `at` on, no further than `last`.
        let run = |at: Cursor, last: usize| {
            let mut end = at.county;
            while end < last
                && unread(Cursor {
                    county: end + 1,
                    ..at
                })
            {
                end += 1;
            }
            (at.indicator, at.county, end)
        };
        let measured = self.list.room.get();
        let room = if measured == 0 {
            UNMEASURED_ROOM
        } else {
            measured
        };
        let top = self.shown_back(self.settled_top(room), SLACK);
        let rows = self.shown_from(top, room + 2 * SLACK);
        let i = self.cursor.indicator;
        let last = rows.last().map_or(n - 1, |&c| c);
        for &county in rows.iter().chain([&self.cursor.county]) {
            let at = Cursor {
                indicator: i,
                county,
            };
            if unread(at) {
                // Under a filter the rows are far apart: a run reads no more than a screenful.
                return Some(run(at, last.min(county + room + 2 * SLACK).max(county)));
            }
        }
        // The note being written, and the selected rows (a verdict for them needs to know
        // who gave theirs).
        let mut wanted: Vec<Cursor> = self.editor().map(|e| e.at).into_iter().collect();
        wanted.extend(self.selected_items());
        wanted
            .into_iter()
            .find(|&at| unread(at))
            .map(|at| run(at, (at.county + 64).min(n - 1)))
    }
}
