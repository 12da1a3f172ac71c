//! The terminal backend: ratatui's crossterm backend, with frames written more tightly.
//!
//! Over a slow SSH link every byte counts. ratatui's own `draw` moves the cursor with a full
//! `ESC [ row ; col H` after every wide (Chinese) character and names even the 16 basic colours
//! in 256-colour form. Here the cursor is tracked in columns, so a wide character needs no move
//! and a gap in the row is a move to a column (`ESC [ n G`); colours use the basic SGR codes that every
//! terminal understands; and each style change is one SGR sequence.

use crate::text::width;
use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::cursor::{Hide, MoveTo, Show};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{self, Clear};
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use std::io::{self, Write};

pub struct Tty<W: Write> {
    out: W,
}

impl<W: Write> Tty<W> {
    pub fn new(out: W) -> Tty<W> {
        Tty { out }
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

const PLAIN: Pen = Pen {
    fg: Color::Reset,
    bg: Color::Reset,
    modifier: Modifier::empty(),
};

impl<W: Write> Backend for Tty<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let out = &mut self.out;
        let mut at: Option<(u16, u16)> = None;
        let mut pen = PLAIN;
        for (x, y, cell) in content {
            match at {
                Some((cx, cy)) if cy == y && cx == x => {}
                // Same row: an absolute column (CHA) — as short as a relative move, and a
                // terminal that measured a character differently is put right again.
                Some((_, cy)) if cy == y => write!(out, "\x1b[{}G", x + 1)?,
                _ => write!(out, "\x1b[{};{}H", y + 1, x + 1)?,
            }
            let want = Pen {
                fg: cell.fg,
                bg: cell.bg,
                modifier: cell.modifier,
            };
            if want != pen {
                write_pen(out, pen, want)?;
                pen = want;
            }
            let symbol = cell.symbol();
            out.write_all(symbol.as_bytes())?;
            at = Some((x.saturating_add(width(symbol) as u16), y));
        }
        if pen != PLAIN {
            out.write_all(b"\x1b[0m")?;
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        execute!(self.out, Hide)
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        // Never an error: ratatui shows the cursor again when its terminal is dropped and
        // prints a failure with `eprintln!`, which panics when the terminal (standard error
        // too) hung up. The cursor is shown on every exit by the terminal guard anyway, and a
        // frame that could not be written fails when it is flushed.
        let _ = execute!(self.out, Show);
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        ratatui::crossterm::cursor::position()
            .map(|(x, y)| Position { x, y })
            .map_err(io::Error::other)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        execute!(self.out, MoveTo(x, y))
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        use terminal::ClearType as C;
        execute!(
            self.out,
            Clear(match clear_type {
                ClearType::All => C::All,
                ClearType::AfterCursor => C::FromCursorDown,
                ClearType::BeforeCursor => C::FromCursorUp,
                ClearType::CurrentLine => C::CurrentLine,
                ClearType::UntilNewLine => C::UntilNewLine,
            })
        )
    }

    fn size(&self) -> io::Result<Size> {
        let (width, height) = terminal::size()?;
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let w = terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size {
                width: w.columns,
                height: w.rows,
            },
            pixels: Size {
                width: w.width,
                height: w.height,
            },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// One SGR sequence taking the terminal from `from` to `to`. Attributes cannot be switched
/// off one by one portably (22 ends both bold and dim), so losing any starts from a reset.
fn write_pen(out: &mut impl Write, from: Pen, to: Pen) -> io::Result<()> {
    let mut codes: Vec<String> = Vec::new();
    let reset = !to.modifier.contains(from.modifier);
    let base = if reset {
        codes.push("0".into());
        PLAIN
    } else {
        from
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

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::widgets::Paragraph;

    #[test]
    fn wide_characters_need_no_cursor_moves() {
        // Not a real terminal: the size comes from the tty, so give the frame its own area.
        let mut terminal = Terminal::with_options(
            Tty::new(Vec::new()),
            ratatui::TerminalOptions {
                viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 10, 1)),
            },
        )
        .unwrap();
        terminal
            .draw(|f| f.render_widget(Paragraph::new("柯城区 ok"), f.area()))
            .unwrap();
        let out = String::from_utf8(terminal.backend_mut().writer_mut().clone()).unwrap();
        // One move to the row; the unchanged blank between is skipped with a column move.
        assert!(out.starts_with("\x1b[1;1H柯城区\x1b[8Gok"), "{out:?}");
        assert_eq!(out.matches('H').count(), 1, "{out:?}");
    }

    #[test]
    fn basic_colours_in_basic_codes_and_one_sequence_per_change() {
        let mut out = Vec::new();
        write_pen(
            &mut out,
            PLAIN,
            Pen {
                fg: Color::Red,
                bg: Color::Reset,
                modifier: Modifier::BOLD | Modifier::REVERSED,
            },
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "\x1b[1;7;31m");
        let mut out = Vec::new();
        let bold_red = Pen {
            fg: Color::Red,
            bg: Color::Reset,
            modifier: Modifier::BOLD,
        };
        write_pen(
            &mut out,
            bold_red,
            Pen {
                modifier: Modifier::empty(),
                ..bold_red
            },
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "\x1b[0;31m");
    }
}
