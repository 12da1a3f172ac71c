//! What the terminal shows, cell by cell, and when two cells look the same.
//!
//! The screen is kept as ratatui's cells. A wide (Chinese) character's cell covers the next
//! column, whatever that cell holds: it is a tail, shown as part of its lead. A blank's
//! foreground, bold, dim or italic cannot be seen, so blanks that differ only there look
//! the same and nothing is sent to change one into the other.

use super::pen::{Pen, VISIBLE_ON_BLANK};
use crate::text::width;
use ratatui::buffer::Cell;

/// Every cell of the terminal, row by row.
#[derive(Clone, Debug, Default)]
pub(super) struct Screen {
    pub width: u16,
    pub height: u16,
    pub cells: Vec<Cell>,
}

impl Screen {
    pub(super) fn blank(width: u16, height: u16) -> Screen {
        Screen {
            width,
            height,
            cells: vec![Cell::default(); usize::from(width) * usize::from(height)],
        }
    }

    pub(super) fn row(&self, y: u16) -> &[Cell] {
        let w = usize::from(self.width);
        let at = usize::from(y) * w;
        &self.cells[at..at + w]
    }

    /// The cell at (x, y), the screen grown (with blanks, as the terminal shows there) when it
    /// lies beyond what is known.
    pub(super) fn cell_mut(&mut self, x: u16, y: u16) -> &mut Cell {
        if x >= self.width || y >= self.height {
            self.grow(self.width.max(x + 1), self.height.max(y + 1));
        }
        let w = usize::from(self.width);
        &mut self.cells[usize::from(y) * w + usize::from(x)]
    }

    /// Grows to `width` × `height`, keeping every cell where it was.
    pub(super) fn grow(&mut self, width: u16, height: u16) {
        if width == self.width && height == self.height {
            return;
        }
        let mut grown = Screen::blank(width, height);
        for y in 0..self.height.min(height) {
            for x in 0..self.width.min(width) {
                let from = usize::from(y) * usize::from(self.width) + usize::from(x);
                let to = usize::from(y) * usize::from(width) + usize::from(x);
                grown.cells[to] = self.cells[from].clone();
            }
        }
        *self = grown;
    }
}

/// Where a column of a row stands: the column of the character shown there (itself, or a
/// wide character's to the left) and that character's width.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Slot {
    pub lead: u16,
    pub width: u16,
}

impl Slot {
    pub(super) fn is_lead(self, x: u16) -> bool {
        self.lead == x
    }
}

/// Each column's slot. A character too wide for the columns left, or of no width, is shown as
/// a blank (written there, it would wrap to the next row or not move the cursor).
pub(super) fn slots(row: &[Cell], out: &mut Vec<Slot>) {
    out.clear();
    let w = row.len() as u16;
    let mut x = 0u16;
    while x < w {
        let n = shown_width(&row[usize::from(x)], w - x);
        for _ in 0..n {
            out.push(Slot { lead: x, width: n });
        }
        x += n;
    }
}

/// The columns a cell's character takes at a place with `room` columns left (1 when it does
/// not fit or takes none: then a blank is shown).
fn shown_width(cell: &Cell, room: u16) -> u16 {
    let n = columns(cell.symbol()) as u16;
    if n == 0 || n > room { 1 } else { n }
}

/// Columns of a cell's text; printable ASCII, most cells, without the table look-up.
pub(super) fn columns(symbol: &str) -> usize {
    match symbol.as_bytes() {
        [b] if (0x20..0x7f).contains(b) => 1,
        _ => width(symbol),
    }
}

/// The text written for a cell in a slot: a blank for one that cannot be shown as it is.
pub(super) fn shown(cell: &Cell, slot: Slot) -> &str {
    let symbol = cell.symbol();
    if slot.width as usize == columns(symbol) && !symbol.is_empty() {
        symbol
    } else {
        " "
    }
}

/// Whether two cells, shown in slots of the same width, look the same.
pub(super) fn looks_same(a: &Cell, b: &Cell, slot: Slot) -> bool {
    let sa = shown(a, slot);
    if sa != shown(b, slot) {
        return false;
    }
    let (pa, pb) = (Pen::of(a), Pen::of(b));
    if pa == pb {
        return true;
    }
    if sa != " " {
        return false;
    }
    let visible =
        a.modifier.intersects(VISIBLE_ON_BLANK) || b.modifier.intersects(VISIBLE_ON_BLANK);
    if visible { false } else { pa.bg == pb.bg }
}

/// Whether a cell is a blank an erase (ECH, EL) with a plain-erasing pen reproduces.
pub(super) fn erasable(cell: &Cell, slot: Slot) -> bool {
    slot.width == 1 && shown(cell, slot) == " " && Pen::of(cell).erases_plain()
}
