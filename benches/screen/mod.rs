//! The floor of a frame: what a terminal must at least be sent for the screen to change as it
//! did. A screen is read back with vt100; the floor of a change is the UTF-8 of every cell
//! whose content or style differs, a blank cell counting as the one space that writes it and
//! the right half of a wide character as nothing (its bytes are the left half's).

use vt100::{Cell, Color, Parser, Screen};

/// What a cell shows: its text (a blank as a space) and its style.
#[derive(Clone, PartialEq, Eq)]
struct Look {
    text: String,
    wide_rest: bool,
    style: (Color, Color, bool, bool, bool, bool, bool),
}

impl Look {
    fn of(cell: &Cell) -> Look {
        let text = if cell.has_contents() {
            cell.contents().to_string()
        } else {
            " ".to_string()
        };
        Look {
            text,
            wide_rest: cell.is_wide_continuation(),
            style: (
                cell.fgcolor(),
                cell.bgcolor(),
                cell.bold(),
                cell.dim(),
                cell.italic(),
                cell.underline(),
                cell.inverse(),
            ),
        }
    }

    /// The bytes that write this cell: nothing for the right half of a wide character.
    fn bytes(&self) -> usize {
        if self.wide_rest { 0 } else { self.text.len() }
    }
}

/// Every cell of a screen as it looks, row by row.
#[derive(Clone)]
pub struct Snapshot {
    cols: u16,
    cells: Vec<Look>,
}

impl Snapshot {
    pub fn of(screen: &Screen) -> Snapshot {
        let (rows, cols) = screen.size();
        let (rows, cols) = (rows.get(), cols.get());
        let mut cells = Vec::with_capacity(usize::from(rows) * usize::from(cols));
        for r in 0..rows {
            for c in 0..cols {
                cells.push(match screen.cell(r, c) {
                    Some(cell) => Look::of(cell),
                    None => Look::of(&blank()),
                });
            }
        }
        Snapshot { cols, cells }
    }

    /// The floor of going from `self` to `after`: the UTF-8 of the cells that differ, and how
    /// many they are.
    pub fn floor_to(&self, after: &Snapshot) -> Floor {
        let mut floor = Floor::default();
        if self.cols != after.cols || self.cells.len() != after.cells.len() {
            // A resize changes everything.
            for cell in &after.cells {
                floor.bytes += cell.bytes();
                floor.cells += 1;
            }
            return floor;
        }
        for (was, now) in self.cells.iter().zip(&after.cells) {
            if was != now {
                floor.bytes += now.bytes();
                floor.cells += 1;
            }
        }
        floor
    }
}

fn blank() -> Cell {
    // vt100 gives no public constructor: a fresh parser's cell is the blank one.
    let parser = Parser::new(one(), one(), 0);
    parser
        .screen()
        .cell(0, 0)
        .cloned()
        .unwrap_or_else(|| unreachable!("a 1×1 screen has a cell at 0, 0"))
}

fn one() -> std::num::NonZeroU16 {
    std::num::NonZeroU16::MIN
}

/// What a frame had to send at least.
#[derive(Clone, Copy, Default, Debug)]
pub struct Floor {
    pub bytes: usize,
    pub cells: usize,
}

/// A vt100 parser of `cols`×`rows`.
pub fn parser(cols: u16, rows: u16) -> Parser {
    let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN);
    Parser::new(nz(rows), nz(cols), 0)
}
