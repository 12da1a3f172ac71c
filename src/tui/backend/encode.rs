//! A frame in bytes: each row that changed, written in the fewest bytes found.
//!
//! Per row, a shortest path over its columns, the pen part of the state, chooses between
//! writing a cell, jumping over unchanged cells with a move to the column (CHA), erasing a
//! run of blanks (ECH, then a move past it) and erasing to the end of the line (EL). A column
//! that half of a wide character covers, before or after, is rewritten with the whole
//! character, so the terminal never keeps half of one.

use super::pen::{Fx, Pen, write_pen};
use super::screen::{Screen, Slot, erasable, looks_same, shown, slots};
use ratatui::buffer::Cell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::io::Write;

/// The terminal's cursor and pen as they are now (`None`: not known).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Term {
    /// The cursor. A column equal to the screen's width is just past the last column, where
    /// the next character would wrap.
    pub at: Option<(u16, u16)>,
    pub pen: Option<Pen>,
}

/// Rows `top..=bottom` moved `by` rows up or down, as a scrolled region moves them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Shift {
    pub top: u16,
    pub bottom: u16,
    pub by: u16,
    pub up: bool,
}

impl Shift {
    /// The old row shown at `y` after the shift; `None` for a row it exposed (blank).
    pub(super) fn source(self, y: u16) -> Option<u16> {
        if y < self.top || y > self.bottom {
            Some(y)
        } else if self.up {
            let from = y + self.by;
            (from <= self.bottom).then_some(from)
        } else {
            (y >= self.top + self.by).then(|| y - self.by)
        }
    }
}

const NONE: u32 = u32::MAX;
/// A change of pen not yet looked up.
const UNPRICED: u32 = u32::MAX - 1;

/// How a state of a row's path was reached.
#[derive(Clone, Copy)]
enum Op {
    /// The cursor moved here from where it was before the row.
    Enter,
    /// A move to this column over unchanged cells.
    Skip,
    /// The cell at the column before was written.
    Write { from_x: u16 },
    /// Blanks erased from `from_x` (the cursor stays there).
    Erase { from_x: u16, n: u16 },
}

#[derive(Clone, Copy)]
struct Back {
    from: u32,
    op: Op,
}

/// How a row's path ends.
#[derive(Clone, Copy)]
enum End {
    Done,
    /// Erase to the end of the line with the pen of this state index's pen.
    Clear {
        pen: usize,
    },
}

/// Reused between rows and frames, so a frame allocates little.
#[derive(Default)]
pub(super) struct Encoder {
    pen_cost: HashMap<(Option<Pen>, Pen), u32, BuildHasherDefault<Fx>>,
    old_slots: Vec<Slot>,
    new_slots: Vec<Slot>,
    dirty: Vec<bool>,
    next_dirty: Vec<u16>,
    erase_run: Vec<u16>,
    pens: Vec<Option<Pen>>,
    pen_at: Vec<usize>,
    text_len: Vec<u32>,
    /// The cost of each change of pen in the row, `pens` × `pens`, looked up when a path
    /// first needs it.
    matrix: Vec<u32>,
    /// From each column on, bytes no path through the row can do without.
    rest: Vec<u32>,
    cost: Vec<u32>,
    back: Vec<Back>,
    entries: Vec<u16>,
    path: Vec<usize>,
    scratch: Vec<u8>,
    /// A blank row, for rows a shift exposed.
    blank: Vec<Cell>,
    /// A row written in two sweeps ([`Encoder::row_in_sweeps`]), and the row as it stands
    /// between them.
    swept: Vec<u8>,
    mixed: Vec<Cell>,
    /// Every state searched, none left by the bound (a test compares the bytes of both).
    #[cfg(test)]
    pub(super) exhaustive: bool,
}

impl Encoder {
    /// Appends to `out` what takes the terminal from `old` (after `shift`, already sent) to
    /// `new`, which differs from `old` only in the rows `touched` marks. `rewrite`: unchanged
    /// cells may be written again or erased (no picture of a terminal protocol lies over
    /// them).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn frame(
        &mut self,
        old: &Screen,
        new: &Screen,
        touched: &[bool],
        shift: Option<Shift>,
        term: &mut Term,
        rewrite: bool,
        out: &mut Vec<u8>,
    ) {
        let mut blank = std::mem::take(&mut self.blank);
        blank.resize(usize::from(new.width), Cell::default());
        for y in 0..new.height {
            let source = shift.map_or(Some(y), |s| s.source(y));
            if source == Some(y) && !touched.get(usize::from(y)).copied().unwrap_or(true) {
                continue;
            }
            let old_row = match source {
                Some(from) if from < old.height && old.width == new.width => old.row(from),
                _ => &blank[..],
            };
            let new_row = new.row(y);
            if old_row != new_row {
                self.row_in_sweeps(old_row, new_row, y, term, rewrite, out);
            }
        }
        self.blank = blank;
    }

    /// A row written left to right, or its right part first and then its left where that
    /// is shorter: a row entered in one pen whose changes begin in another (a help line
    /// after the one above: its key in the key's pen, then its text in the pen the line
    /// above ended in) changes pen once rather than twice, the pen it ends in being the one
    /// the next line's key begins in.
    fn row_in_sweeps(
        &mut self,
        old: &[Cell],
        new: &[Cell],
        y: u16,
        term: &mut Term,
        rewrite: bool,
        out: &mut Vec<u8>,
    ) {
        // The row's slots and changes, worked out once for the split and the straight path.
        slots(old, &mut self.old_slots);
        slots(new, &mut self.new_slots);
        if !self.mark_dirty(old, new) {
            return;
        }
        let Some(m) = self.split(new, term) else {
            self.changed_row(new, y, term, rewrite, out);
            return;
        };
        let start = out.len();
        let mut straight = *term;
        self.changed_row(new, y, &mut straight, rewrite, out);
        let mut swept = std::mem::take(&mut self.swept);
        let mut mixed = std::mem::take(&mut self.mixed);
        swept.clear();
        let mut after = *term;
        // The right part, the left one taken as written; then the left, the right written.
        mixed.clear();
        mixed.extend_from_slice(&new[..m]);
        mixed.extend_from_slice(&old[m..]);
        self.row(&mixed, new, y, &mut after, rewrite, &mut swept);
        mixed.clear();
        mixed.extend_from_slice(&old[..m]);
        mixed.extend_from_slice(&new[m..]);
        self.row(&mixed, new, y, &mut after, rewrite, &mut swept);
        if swept.len() < out.len() - start {
            out.truncate(start);
            out.extend_from_slice(&swept);
            *term = after;
        } else {
            *term = straight;
        }
        self.swept = swept;
        self.mixed = mixed;
    }

    /// Where a row could be split to be written right part first: the first changed column
    /// in the pen the terminal has, after a change in another pen, where no wide character
    /// (old or new) spans the split. `None` where the row's changes begin in the terminal's
    /// pen, or none is in it. Reads the row's slots and changes as marked.
    fn split(&self, new: &[Cell], term: &Term) -> Option<usize> {
        let entry = term.pen?;
        let first = self.dirty.iter().position(|d| *d)?;
        if Pen::of(&new[first]) == entry {
            return None;
        }
        (first + 1..new.len()).find(|&x| {
            let at = x as u16;
            self.dirty[x]
                && Pen::of(&new[x]) == entry
                && self.old_slots[x].is_lead(at)
                && self.new_slots[x].is_lead(at)
        })
    }

    fn row(
        &mut self,
        old: &[Cell],
        new: &[Cell],
        y: u16,
        term: &mut Term,
        rewrite: bool,
        out: &mut Vec<u8>,
    ) {
        slots(old, &mut self.old_slots);
        slots(new, &mut self.new_slots);
        if self.mark_dirty(old, new) {
            self.changed_row(new, y, term, rewrite, out);
        }
    }

    /// A row whose slots and changes are marked, written in the fewest bytes found.
    fn changed_row(
        &mut self,
        new: &[Cell],
        y: u16,
        term: &mut Term,
        rewrite: bool,
        out: &mut Vec<u8>,
    ) {
        let w = new.len() as u16;
        self.prepare(new, term, rewrite);
        let bound = self.plain_path(term, y, w);
        #[cfg(test)]
        let bound = if self.exhaustive { NONE - 1 } else { bound };
        let mut best = self.search(new, y, term, rewrite, bound);
        if best.0 == NONE && bound != NONE - 1 {
            // The bound cut off every path (it cannot: the plain path is one), searched whole.
            best = self.search(new, y, term, rewrite, NONE - 1);
        }
        if best.0 == NONE {
            return;
        }
        self.write_path(best, new, y, term, out);
    }

    /// What the search of a row reads: where the next change is from each column, the blanks
    /// an erase makes from each, the pens (each column's an index into them) and what the rest
    /// of the row costs at least.
    fn prepare(&mut self, new: &[Cell], term: &Term, rewrite: bool) {
        let w = new.len() as u16;
        let ns = &self.new_slots;
        // The first dirty column at or after each column (w: none).
        self.next_dirty.clear();
        self.next_dirty.resize(usize::from(w) + 1, w);
        for x in (0..w).rev() {
            let i = usize::from(x);
            self.next_dirty[i] = if self.dirty[i] {
                x
            } else {
                self.next_dirty[i + 1]
            };
        }
        // The blanks an erase can make from each column on.
        self.erase_run.clear();
        self.erase_run.resize(usize::from(w) + 1, 0);
        for x in (0..w).rev() {
            let i = usize::from(x);
            if ns[i].is_lead(x) && erasable(&new[i], ns[i]) {
                self.erase_run[i] = self.erase_run[i + 1] + 1;
            }
        }
        // The pens of the row, and each column's (an index into them) and text's length.
        self.pens.clear();
        self.pens.push(term.pen);
        self.pen_at.clear();
        self.text_len.clear();
        for x in 0..w {
            let i = usize::from(x);
            let p = Some(Pen::of(&new[i]));
            let k = match self.pens.iter().position(|q| *q == p) {
                Some(k) => k,
                None => {
                    self.pens.push(p);
                    self.pens.len() - 1
                }
            };
            self.pen_at.push(k);
            self.text_len.push(shown(&new[i], ns[i]).len() as u32);
        }
        // What changing from each pen to each costs, looked up when a path first needs it.
        let pens = self.pens.len();
        self.matrix.clear();
        self.matrix.resize(pens * pens, UNPRICED);
        // What the rest of the row costs at least: every changed cell but a blank an erase
        // makes is written, its text at the least (an erase's blanks cost nothing here).
        self.rest.clear();
        self.rest.resize(usize::from(w) + 1, 0);
        for x in (0..w).rev() {
            let i = usize::from(x);
            let written =
                self.dirty[i] && ns[i].is_lead(x) && !(rewrite && erasable(&new[i], ns[i]));
            self.rest[i] = self.rest[i + 1] + if written { self.text_len[i] } else { 0 };
        }
    }

    /// What changing from the row's pen `a` to its pen `b` costs (`NONE`: `b` is not known).
    fn change(&mut self, a: usize, b: usize) -> u32 {
        let at = a * self.pens.len() + b;
        if self.matrix[at] == UNPRICED {
            self.matrix[at] = match self.pens[b] {
                Some(to) => pen_cost(&mut self.pen_cost, &mut self.scratch, self.pens[a], to),
                None => NONE,
            };
        }
        self.matrix[at]
    }

    /// The cost of one plain path through the row: in at its first change, each changed cell
    /// written in its pen, a move to the column over each run of unchanged cells. The search
    /// follows no state that costs more, with what the rest of the row costs at least.
    fn plain_path(&mut self, term: &Term, y: u16, w: u16) -> u32 {
        let mut x = self.next_dirty[0];
        self.scratch.clear();
        move_to(&mut self.scratch, term.at, (x, y), w);
        let mut cost = self.scratch.len() as u32;
        let mut pen = 0;
        while x < w {
            let i = usize::from(x);
            if !self.dirty[i] {
                let next = self.next_dirty[i];
                if next == w {
                    break;
                }
                cost += cha_len(next);
                x = next;
                continue;
            }
            let q = self.pen_at[i];
            let change = self.change(pen, q);
            if change == NONE {
                return NONE - 1;
            }
            cost += change + self.text_len[i];
            pen = q;
            x += self.new_slots[i].width;
        }
        cost
    }

    /// The shortest path over the row's states (column, pen, whether the cursor is where the
    /// state's column says): its cost, its last state and how it ends. States that cost more
    /// than `bound` with what the rest of the row costs at least are not followed.
    fn search(
        &mut self,
        new: &[Cell],
        y: u16,
        term: &Term,
        rewrite: bool,
        bound: u32,
    ) -> (u32, usize, End) {
        let w = new.len() as u16;
        let pens = self.pens.len();
        let states = (usize::from(w) + 1) * pens * 2;
        let index = |x: u16, pen: usize, misplaced: bool| -> usize {
            (usize::from(x) * pens + pen) * 2 + usize::from(misplaced)
        };
        self.cost.clear();
        self.cost.resize(states, NONE);
        self.back.clear();
        self.back.resize(
            states,
            Back {
                from: NONE,
                op: Op::Enter,
            },
        );
        // Where the row can start: at its first change, or earlier where the cursor gets
        // cheaply (the start of the row, or the cursor's own column) to rewrite from there.
        let first = self.next_dirty[0];
        self.entries.clear();
        self.entries.push(first);
        if rewrite {
            self.entries.push(0);
            if let Some((cx, cy)) = term.at {
                if (cy == y || cy + 1 == y)
                    && cx < first
                    && self.new_slots[usize::from(cx)].is_lead(cx)
                {
                    self.entries.push(cx);
                }
            }
        }
        for e in 0..self.entries.len() {
            let x = self.entries[e];
            self.scratch.clear();
            move_to(&mut self.scratch, term.at, (x, y), w);
            let c = self.scratch.len() as u32;
            let s = index(x, 0, false);
            if c < self.cost[s] {
                self.cost[s] = c;
                self.back[s] = Back {
                    from: NONE,
                    op: Op::Enter,
                };
            }
        }
        let mut best: (u32, usize, End) = (NONE, 0, End::Done);
        for x in 0..=w {
            let i = usize::from(x);
            let next = self.next_dirty[i];
            let least = self.rest[i];
            for misplaced in [true, false] {
                for k in 0..pens {
                    let s = index(x, k, misplaced);
                    let c = self.cost[s];
                    // Not reached, or on no path as cheap as the plain one.
                    if c == NONE || c + least > bound {
                        continue;
                    }
                    if next == w {
                        if c < best.0 {
                            best = (c, s, End::Done);
                        }
                        continue;
                    }
                    let skip = c + cha_len(next);
                    if misplaced || !self.dirty[i] {
                        relax(
                            &mut self.cost,
                            &mut self.back,
                            index(next, k, false),
                            skip,
                            s,
                            Op::Skip,
                        );
                    }
                    if misplaced || x == w {
                        continue;
                    }
                    let slot = self.new_slots[i];
                    if self.dirty[i] || rewrite {
                        let q = self.pen_at[i];
                        let c = c + self.text_len[i];
                        let change = self.change(k, q);
                        relax(
                            &mut self.cost,
                            &mut self.back,
                            index(x + slot.width, q, false),
                            c.saturating_add(change),
                            s,
                            Op::Write { from_x: x },
                        );
                        // A blank looks the same in any pen of its background: the pen
                        // the terminal has will do.
                        let blank = self.text_len[i] == 1 && new[i].symbol() == " ";
                        if blank
                            && k != q
                            && matches!((self.pens[k], self.pens[q]), (Some(a), Some(b)) if a.blank_like(b))
                        {
                            relax(
                                &mut self.cost,
                                &mut self.back,
                                index(x + slot.width, k, false),
                                c,
                                s,
                                Op::Write { from_x: x },
                            );
                        }
                    }
                    let run = self.erase_run[i];
                    if rewrite && run > 0 {
                        let q = match self.pens[k] {
                            Some(p) if p.erases_plain() => k,
                            _ => self.pen_at[i],
                        };
                        if self.pens[q].is_none() {
                            continue;
                        }
                        let c = c.saturating_add(self.change(k, q));
                        if x + run == w && c + 3 < best.0 {
                            best = (c + 3, s, End::Clear { pen: q });
                        }
                        relax(
                            &mut self.cost,
                            &mut self.back,
                            index(x + run, q, true),
                            c.saturating_add(ech_len(run)),
                            s,
                            Op::Erase { from_x: x, n: run },
                        );
                    }
                }
            }
        }
        best
    }

    /// Writes the path the search found, from its entry to its end.
    fn write_path(
        &mut self,
        best: (u32, usize, End),
        new: &[Cell],
        y: u16,
        term: &mut Term,
        out: &mut Vec<u8>,
    ) {
        let w = new.len() as u16;
        let pens = self.pens.len();
        self.path.clear();
        self.path.push(best.1);
        while let Some(&s) = self.path.last() {
            let from = self.back[s].from;
            if from == NONE {
                break;
            }
            self.path.push(from as usize);
        }
        self.path.reverse();
        let state = |s: usize| -> (u16, usize) { ((s / 2 / pens) as u16, (s / 2) % pens) };
        for &s in &self.path {
            let (x, k) = state(s);
            match self.back[s].op {
                Op::Enter => move_to(out, term.at, (x, y), w),
                Op::Skip => move_to(out, term.at, (x, y), w),
                Op::Write { from_x } => {
                    let i = usize::from(from_x);
                    if let Some(pen) = self.pens[k] {
                        let _ = write_pen(out, term.pen, pen);
                        term.pen = Some(pen);
                    }
                    out.extend_from_slice(shown(&new[i], self.new_slots[i]).as_bytes());
                    term.at = Some((x, y));
                    continue;
                }
                Op::Erase { from_x, n } => {
                    if let Some(pen) = self.pens[k] {
                        let _ = write_pen(out, term.pen, pen);
                        term.pen = Some(pen);
                    }
                    write_ech(out, n);
                    term.at = Some((from_x, y));
                    continue;
                }
            }
            term.at = Some((x, y));
        }
        if let End::Clear { pen } = best.2 {
            if let Some(pen) = self.pens[pen] {
                let _ = write_pen(out, term.pen, pen);
                term.pen = Some(pen);
            }
            out.extend_from_slice(b"\x1b[K");
        }
    }

    /// Marks the columns to write: those that look different, and every column of a wide
    /// character (old or new) one of whose columns is written. Whether any is.
    fn mark_dirty(&mut self, old: &[Cell], new: &[Cell]) -> bool {
        let w = new.len();
        self.dirty.clear();
        self.dirty.resize(w, false);
        let (os, ns) = (&self.old_slots, &self.new_slots);
        for x in 0..w {
            let (o, n) = (os[x], ns[x]);
            let (ol, nl) = (usize::from(o.lead), usize::from(n.lead));
            // Equal cells look the same: most of a row, told without looking at them.
            self.dirty[x] = o != n || (old[ol] != new[nl] && !looks_same(&old[ol], &new[nl], n));
        }
        loop {
            let mut changed = false;
            for slots in [os, ns] {
                let mut x = 0;
                while x < w {
                    let n = usize::from(slots[x].width);
                    if n > 1 && self.dirty[x..x + n].iter().any(|d| *d) {
                        for d in &mut self.dirty[x..x + n] {
                            changed |= !*d;
                            *d = true;
                        }
                    }
                    x += n;
                }
            }
            if !changed {
                break;
            }
        }
        self.dirty.iter().any(|d| *d)
    }
}

fn relax(cost: &mut [u32], back: &mut [Back], to: usize, c: u32, from: usize, op: Op) {
    if c < cost[to] {
        cost[to] = c;
        back[to] = Back {
            from: from as u32,
            op,
        };
    }
}

fn pen_cost(
    cache: &mut HashMap<(Option<Pen>, Pen), u32, BuildHasherDefault<Fx>>,
    scratch: &mut Vec<u8>,
    from: Option<Pen>,
    to: Pen,
) -> u32 {
    *cache.entry((from, to)).or_insert_with(|| {
        scratch.clear();
        let _ = write_pen(scratch, from, to);
        scratch.len() as u32
    })
}

fn digits(n: u16) -> u32 {
    match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        _ => 5,
    }
}

/// Bytes of a move to column `x` of the cursor's row: a carriage return to the first, else
/// CHA.
fn cha_len(x: u16) -> u32 {
    if x == 0 { 1 } else { 3 + digits(x + 1) }
}

fn ech_len(n: u16) -> u32 {
    if n == 1 { 3 } else { 3 + digits(n) }
}

fn write_ech(out: &mut Vec<u8>, n: u16) {
    if n == 1 {
        out.extend_from_slice(b"\x1b[X");
    } else {
        let _ = write!(out, "\x1b[{n}X");
    }
}

/// Appends the shortest bytes that take the cursor from `from` to `to` on a screen `width`
/// columns wide: nothing, a carriage return, line feeds (the scroll region is the whole
/// screen between frames, and a line feed above its last row does not scroll), CHA or CUP.
pub(super) fn move_to(out: &mut Vec<u8>, from: Option<(u16, u16)>, to: (u16, u16), width: u16) {
    let (x, y) = to;
    let column = |s: &mut Vec<u8>, from_x: Option<u16>| {
        if from_x == Some(x) {
        } else if x == 0 {
            s.push(b'\r');
        } else {
            let _ = write!(s, "\x1b[{}G", x + 1);
        }
    };
    let mut best: Vec<u8> = if x == 0 && y == 0 {
        b"\x1b[H".to_vec()
    } else if x == 0 {
        format!("\x1b[{}H", y + 1).into_bytes()
    } else {
        format!("\x1b[{};{}H", y + 1, x + 1).into_bytes()
    };
    if let Some((fx, fy)) = from {
        let mut ways: Vec<Vec<u8>> = Vec::new();
        if fy == y {
            let mut s = Vec::new();
            column(&mut s, (fx < width).then_some(fx));
            ways.push(s);
        } else if fy < y && y - fy <= 4 {
            let feeds = usize::from(y - fy);
            let mut s = vec![b'\r'];
            s.extend(std::iter::repeat_n(b'\n', feeds));
            column(&mut s, Some(0));
            ways.push(s);
            if fx < width {
                let mut s = vec![b'\n'; feeds];
                column(&mut s, Some(fx));
                ways.push(s);
            }
        }
        for way in ways {
            if way.len() < best.len() {
                best = way;
            }
        }
    }
    out.extend_from_slice(&best);
}
