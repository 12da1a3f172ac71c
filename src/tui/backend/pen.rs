//! The pen: the colours and attributes the terminal draws with, and the one SGR sequence that
//! changes it. The basic 16 colours go out in their basic codes, which every terminal knows
//! (and 16-colour terminals show right).

use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};
use std::hash::Hasher;
use std::io::{self, Write};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(super) struct Pen {
    pub fg: Color,
    pub bg: Color,
    pub modifier: Modifier,
}

pub(super) const PLAIN: Pen = Pen {
    fg: Color::Reset,
    bg: Color::Reset,
    modifier: Modifier::empty(),
};

/// Attributes that show on a blank cell: with none of them a blank shows only its background.
pub(super) const VISIBLE_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::SLOW_BLINK)
    .union(Modifier::RAPID_BLINK)
    .union(Modifier::CROSSED_OUT);

impl Pen {
    pub(super) fn of(cell: &Cell) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            modifier: cell.modifier,
        }
    }

    /// Whether erasing (ECH, EL) with this pen leaves blanks that look like a plain blank on
    /// every terminal. The background must be the default: GNU screen and some others erase
    /// with the default background whatever the pen (no "bce").
    pub(super) fn erases_plain(self) -> bool {
        self.bg == Color::Reset && !self.modifier.intersects(VISIBLE_ON_BLANK)
    }

    /// Whether a blank written with this pen looks like one written with `other`: the same
    /// background, and nothing else that shows on a blank.
    pub(super) fn blank_like(self, other: Pen) -> bool {
        self.bg == other.bg
            && !self.modifier.intersects(VISIBLE_ON_BLANK)
            && !other.modifier.intersects(VISIBLE_ON_BLANK)
    }
}

/// One SGR sequence taking the terminal from `from` (`None`: not known) to `to`. Attributes
/// cannot be switched off one by one portably (22 ends both bold and dim), so losing any
/// starts from a reset.
pub(super) fn write_pen(out: &mut impl Write, from: Option<Pen>, to: Pen) -> io::Result<()> {
    if from == Some(to) {
        return Ok(());
    }
    if to == PLAIN {
        // SGR without a parameter is SGR 0 (ECMA-48), one byte shorter.
        return out.write_all(b"\x1b[m");
    }
    let mut codes: Vec<String> = Vec::new();
    let base = match from {
        Some(from) if to.modifier.contains(from.modifier) => from,
        _ => {
            codes.push("0".into());
            PLAIN
        }
    };
    for (flag, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if to.modifier.contains(flag) && !base.modifier.contains(flag) {
            codes.push(code.into());
        }
    }
    if to.fg != base.fg {
        codes.push(color(to.fg, false));
    }
    if to.bg != base.bg {
        codes.push(color(to.bg, true));
    }
    if codes.is_empty() {
        return Ok(());
    }
    write!(out, "\x1b[{}m", codes.join(";"))
}

/// The SGR parameters of a colour: the basic 16 as 30–37/90–97 (40–47/100–107 behind).
fn color(c: Color, background: bool) -> String {
    let shift = if background { 10 } else { 0 };
    let basic = |n: u8| (n + shift).to_string();
    match c {
        Color::Reset => basic(39),
        Color::Black => basic(30),
        Color::Red => basic(31),
        Color::Green => basic(32),
        Color::Yellow => basic(33),
        Color::Blue => basic(34),
        Color::Magenta => basic(35),
        Color::Cyan => basic(36),
        Color::Gray => basic(37),
        Color::DarkGray => basic(90),
        Color::LightRed => basic(91),
        Color::LightGreen => basic(92),
        Color::LightYellow => basic(93),
        Color::LightBlue => basic(94),
        Color::LightMagenta => basic(95),
        Color::LightCyan => basic(96),
        Color::White => basic(97),
        Color::Indexed(n) => format!("{};5;{n}", 38 + shift),
        Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", 38 + shift),
    }
}

/// A fast hash (FxHash's mixing) for the backend's own tables: row keys compared within a
/// frame, the costs of pen changes. Nothing in them is chosen by a user against the hash.
#[derive(Default)]
pub(super) struct Fx(u64);

impl Fx {
    fn add(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        for b in chunks.remainder() {
            self.add(u64::from(*b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
