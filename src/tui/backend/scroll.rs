//! Rows that moved: a list scrolled by whole rows is sent as the terminal's own scroll of a
//! region (DECSTBM, then DL or IL at its top, VT102, known to PuTTY, Xshell, xterm and VTE),
//! when that and the diff after it cost fewer bytes than the diff alone.

use super::encode::{Shift, Term, move_to};
use super::pen::{Fx, PLAIN, Pen, VISIBLE_ON_BLANK, write_pen};
use super::screen::{Screen, Slot, shown, slots};
use std::hash::{Hash, Hasher};
use std::io::Write;

/// At most this many shifts are tried (each is encoded whole).
const TRIED: usize = 3;

/// The shifts worth trying, best first: for each distance and direction, the longest run of
/// rows the new screen has where the old had them that far away, and the span of all such
/// rows, scored by how many more rows then look right than already do.
pub(super) fn candidates(ko: &[u64], kn: &[u64], width: u16, touched: &[bool]) -> Vec<Shift> {
    let moved = touched.iter().filter(|t| **t).count();
    if ko.len() != kn.len() || moved < 2 {
        return Vec::new();
    }
    let h = kn.len() as u16;
    let mut slotted = Vec::new();
    let blank = row_key(&Screen::blank(width, 1), 0, &mut slotted);
    let mut found: Vec<(i32, Shift)> = Vec::new();
    let score = |s: Shift| -> i32 {
        (s.top..=s.bottom)
            .map(|y| {
                let before = i32::from(kn[usize::from(y)] == ko[usize::from(y)]);
                let after = match s.source(y) {
                    Some(from) => kn[usize::from(y)] == ko[usize::from(from)],
                    None => kn[usize::from(y)] == blank,
                };
                i32::from(after) - before
            })
            .sum()
    };
    for by in 1..h {
        for up in [true, false] {
            // Rows y of the new screen equal to the old row `by` away (and not equal already).
            let matches = |y: u16| -> bool {
                let from = if up {
                    y.checked_add(by)
                } else {
                    y.checked_sub(by)
                };
                match from {
                    Some(f) if f < h => {
                        kn[usize::from(y)] == ko[usize::from(f)]
                            && kn[usize::from(y)] != ko[usize::from(y)]
                    }
                    _ => false,
                }
            };
            let region = |first: u16, last: u16| -> Shift {
                if up {
                    Shift {
                        top: first,
                        bottom: last + by,
                        by,
                        up,
                    }
                } else {
                    Shift {
                        top: first - by,
                        bottom: last,
                        by,
                        up,
                    }
                }
            };
            let mut runs: Vec<(u16, u16)> = Vec::new();
            let mut y = 0;
            while y < h {
                if matches(y) {
                    let start = y;
                    while y + 1 < h && matches(y + 1) {
                        y += 1;
                    }
                    runs.push((start, y));
                }
                y += 1;
            }
            let (Some(first), Some(last)) = (runs.first(), runs.last()) else {
                continue;
            };
            let span = region(first.0, last.1);
            let longest = runs
                .iter()
                .max_by_key(|(a, b)| b - a)
                .map(|(a, b)| region(*a, *b));
            for s in std::iter::once(span).chain(longest) {
                let n = score(s);
                if n >= 2 && !found.iter().any(|(_, f)| *f == s) {
                    found.push((n, s));
                }
            }
        }
    }
    found.sort_by_key(|(n, s)| (-n, s.by));
    found.into_iter().take(TRIED).map(|(_, s)| s).collect()
}

/// A row as it looks: equal keys for rows that look the same (but for a collision, which
/// costs bytes, never correctness: the diff after a shift is taken against the real rows).
pub(super) fn row_key(screen: &Screen, y: u16, slotted: &mut Vec<Slot>) -> u64 {
    let row = screen.row(y);
    slots(row, slotted);
    let mut h = Fx::default();
    let mut x = 0;
    while x < row.len() {
        let slot = slotted[x];
        let cell = &row[x];
        let symbol = shown(cell, slot);
        symbol.hash(&mut h);
        let pen = Pen::of(cell);
        if symbol == " " && !pen.modifier.intersects(VISIBLE_ON_BLANK) {
            pen.bg.hash(&mut h);
        } else {
            pen.hash(&mut h);
        }
        x += usize::from(slot.width);
    }
    h.finish()
}

/// Appends the bytes of a shift: the pen reset (the rows it exposes are blank in the
/// default colours, whether the terminal erases with the pen's background or not), the
/// region, the lines deleted or inserted at its top, the region reset (which puts the cursor
/// home). `width`: the screen's; `height`: the screen's height, when known for sure — a region to the last row then
/// needs no margins.
pub(super) fn write_shift(
    out: &mut Vec<u8>,
    s: Shift,
    term: &mut Term,
    width: u16,
    height: Option<u16>,
) {
    if term.pen != Some(PLAIN) {
        let _ = write_pen(out, term.pen, PLAIN);
        term.pen = Some(PLAIN);
    }
    let op = if s.up { 'M' } else { 'L' };
    let count = if s.by == 1 {
        String::new()
    } else {
        s.by.to_string()
    };
    if height == Some(s.bottom + 1) {
        move_to(out, term.at, (0, s.top), width);
        let _ = write!(out, "\x1b[{count}{op}");
        // Where IL and DL leave the cursor's column differs between terminals.
        term.at = None;
    } else {
        let _ = write!(out, "\x1b[{};{}r", s.top + 1, s.bottom + 1);
        if s.top > 0 {
            let _ = write!(out, "\x1b[{}H", s.top + 1);
        }
        let _ = write!(out, "\x1b[{count}{op}\x1b[r");
        term.at = Some((0, 0));
    }
}
