//! Items put aside for later (`x`, Prodigy's "ignore"): this reviewer's own list, kept in the
//! database. `n`, the unreviewed-only filter and the flow pass over them; the 已搁置 filter
//! lists them; giving one a verdict takes it off the list.

use super::effect::Effect;
use super::{App, Cursor, Level};

impl App {
    /// `x`: the item put aside (and on to the next, as a verdict would), or taken back.
    pub(super) fn toggle_aside(&mut self) -> Vec<Effect> {
        let at = self.cursor;
        vec![Effect::PutAside {
            at,
            aside: !self.is_aside(at),
        }]
    }

    /// A verdict given on an item put aside settles it: off the list.
    pub(super) fn settle_aside(&self, at: Cursor) -> Vec<Effect> {
        if self.is_aside(at) {
            vec![Effect::PutAside { at, aside: false }]
        } else {
            Vec::new()
        }
    }

    /// `n` or the flow found nothing more: all reviewed (of own work, when only own work is
    /// gone through), or what is left is put aside.
    pub(super) fn nothing_left(&mut self) {
        let left = self
            .marking
            .aside
            .iter()
            .filter(|&&k| {
                let at = self.cursor_of(k);
                (!self.is_reviewed(at) || self.is_stale(at)) && self.in_view(at)
            })
            .count();
        if left > 0 && self.marking.filter.is_none() {
            let text = self
                .strings
                .marking
                .only_aside_left
                .replace("{n}", &left.to_string());
            self.inform(&text);
        } else {
            self.say_all_reviewed();
        }
    }

    /// Whether this reviewer put the item aside.
    pub fn is_aside(&self, at: Cursor) -> bool {
        self.marking.aside.contains(&self.index(at))
    }

    /// How many items this reviewer has put aside.
    pub fn aside_count(&self) -> usize {
        self.marking.aside.len()
    }

    /// The store kept the item aside (or took it back), or could not.
    pub fn aside_written(&mut self, at: Cursor, aside: bool, result: Result<(), String>) {
        if let Err(e) = result {
            let m = self.strings.marking;
            self.warn(
                Level::Error,
                format!("{}{}{e}", m.aside_failed, self.strings.colon),
            );
            return;
        }
        let k = self.index(at);
        let m = self.strings.marking;
        if aside {
            self.marking.aside.insert(k);
            let text = format!("{}{}{}", m.put_aside, self.strings.colon, self.name(at));
            self.inform(&text);
            // Put aside as a decision is: on to the next item.
            if self.cursor == at {
                self.advance();
            }
        } else if self.marking.aside.remove(&k) && self.cursor == at && !self.is_reviewed(at) {
            // Taken back with `x` (a verdict that settles it says so itself).
            let text = format!("{}{}{}", m.taken_back, self.strings.colon, self.name(at));
            self.inform(&text);
        }
    }
}
