//! The terminal backend: what ratatui draws, sent in as few bytes as the terminal needs.
//!
//! Over a slow SSH link (64 kbit/s) every byte counts. The backend keeps what the terminal
//! shows (`screen`) and, for each frame, works out the bytes from that to the new screen:
//! the cursor tracked in columns, so a wide (Chinese) character needs no move and a gap is a
//! move to the column (CHA); runs of blanks erased (ECH, EL); rows that moved scrolled by the
//! terminal itself (`scroll`) when that is cheaper; colours in the basic SGR codes that
//! every terminal understands, one sequence per change of pen, the pen kept between frames.
//! A frame is written whole in one synchronized update, and a frame that changes nothing
//! (no cell, the cursor as it was) writes nothing at all.

mod encode;
mod hidden;
mod pen;
mod screen;
mod scroll;
#[cfg(test)]
mod tests;

use encode::{Encoder, Term, move_to};
pub use hidden::blank_covered;
use pen::{PLAIN, write_pen};
use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::terminal;
use ratatui::layout::{Position, Size};
use screen::Screen;
use std::io::{self, Write};

/// Begin and end of a synchronized update (mode 2026): the terminal shows the frame whole.
const BEGIN: &[u8] = b"\x1b[?2026h";
const END: &[u8] = b"\x1b[?2026l";

pub struct Tty<W: Write> {
    out: W,
    /// The size to draw at when it is not the terminal's (tests, benches).
    fixed: Option<Size>,
    /// The terminal's size as last read.
    read: std::cell::Cell<Option<Size>>,
    /// While a frame is made, its size is read once (crossterm opens the terminal for every
    /// read, and a frame asked for it five times).
    frame_size: Option<std::cell::Cell<Option<Size>>>,
    /// What the terminal shows.
    screen: Screen,
    /// The same between frames; the next frame while one is drawn.
    next: Screen,
    /// The rows of `next` a frame changed.
    touched: Vec<bool>,
    /// A key of each row of `screen` (equal for rows that look the same; empty: not known)
    /// and of `next`: rows that moved are found by them.
    keys: Vec<u64>,
    next_keys: Vec<u64>,
    keys_width: u16,
    slotted: Vec<screen::Slot>,
    term: Term,
    /// Whether the cursor is shown (`None`: not known).
    visible: Option<bool>,
    want_visible: bool,
    want_at: Position,
    encoder: Encoder,
    /// The frame being made, not yet written.
    pending: Vec<u8>,
    /// Inside `begin_frame`/`end_frame`: `flush` leaves the frame open.
    held: bool,
    /// A picture of a terminal protocol lies over some cells: only changed cells are written
    /// (no erase, no scroll, which would take it off or move it).
    picture: bool,
    sent: Sent,
}

/// What the backend has written: frames and bytes, for a bench to read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sent {
    /// Frames written (a frame that changed nothing is not written, nor counted).
    pub frames: u64,
    /// Bytes written, synchronized-update markers included.
    pub bytes: u64,
    /// Bytes of the last frame written.
    pub last: usize,
}

impl<W: Write> Tty<W> {
    /// A backend on the terminal `out` writes to; its size is the controlling terminal's.
    pub fn new(out: W) -> Tty<W> {
        Tty {
            out,
            fixed: None,
            read: std::cell::Cell::new(None),
            frame_size: None,
            screen: Screen::default(),
            next: Screen::default(),
            touched: Vec::new(),
            keys: Vec::new(),
            next_keys: Vec::new(),
            keys_width: 0,
            slotted: Vec::new(),
            // The pen a terminal starts with (and the one every frame before this one left).
            term: Term {
                at: None,
                pen: Some(PLAIN),
            },
            visible: None,
            want_visible: false,
            want_at: Position::ORIGIN,
            encoder: Encoder::default(),
            pending: Vec::new(),
            held: false,
            picture: false,
            sent: Sent::default(),
        }
    }

    /// A backend of a fixed size, whatever terminal there is (for tests and benches).
    pub fn with_size(out: W, width: u16, height: u16) -> Tty<W> {
        let mut tty = Tty::new(out);
        tty.fixed = Some(Size { width, height });
        tty.screen = Screen::blank(width, height);
        tty.next = Screen::blank(width, height);
        tty
    }

    /// What was written to `out`. Bytes written straight to it bypass what the backend
    /// knows of the cursor and the pen: send them with [`Tty::foreign`].
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Frames and bytes written so far.
    pub fn sent(&self) -> Sent {
        self.sent
    }

    /// From now until [`Tty::size_settled`] ends it, the terminal's size is read once and
    /// then answered as read: a frame is measured and drawn at one size.
    pub fn settle_size(&mut self) {
        self.frame_size = Some(std::cell::Cell::new(None));
    }

    /// The size is read from the terminal at every ask again.
    pub fn size_settled(&mut self) {
        self.frame_size = None;
    }

    /// Opens a frame: until [`Tty::end_frame`], what is drawn, cleared and sent is kept and
    /// then written in one synchronized update (ratatui's flush at the end of `draw` does
    /// not end it).
    pub fn begin_frame(&mut self) {
        self.held = true;
    }

    /// Writes the frame opened by [`Tty::begin_frame`] (nothing when nothing changed).
    pub fn end_frame(&mut self) -> io::Result<()> {
        self.held = false;
        self.present()
    }

    /// Bytes the backend does not draw (a picture in a terminal's protocol), sent in their
    /// place in the frame; the cursor and the pen are not known after them.
    pub fn foreign(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.pending.extend_from_slice(bytes);
        self.term = Term::default();
    }

    /// Whether a picture of a terminal protocol is shown over some cells: while one is, the
    /// cells around it are never erased or scrolled.
    pub fn set_picture(&mut self, shown: bool) {
        self.picture = shown;
    }

    /// The size to draw at, when known.
    fn known_size(&self) -> Option<Size> {
        self.fixed.or(self.read.get())
    }

    /// Adds the cursor's changes to the frame and writes it, if it holds anything.
    fn present(&mut self) -> io::Result<()> {
        if self.want_visible {
            let to = (self.want_at.x, self.want_at.y);
            if self.term.at != Some(to) {
                move_to(&mut self.pending, self.term.at, to, self.screen.width);
                self.term.at = Some(to);
            }
            if self.visible != Some(true) {
                self.pending.extend_from_slice(b"\x1b[?25h");
                self.visible = Some(true);
            }
        } else if self.visible != Some(false) {
            self.pending.extend_from_slice(b"\x1b[?25l");
            self.visible = Some(false);
        }
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut frame = Vec::with_capacity(self.pending.len() + BEGIN.len() + END.len());
        frame.extend_from_slice(BEGIN);
        frame.append(&mut self.pending);
        frame.extend_from_slice(END);
        self.sent.frames += 1;
        self.sent.bytes += frame.len() as u64;
        self.sent.last = frame.len();
        self.out.write_all(&frame)?;
        self.out.flush()
    }

    /// Erases with a pen that leaves plain blanks, and marks those cells blank.
    fn erase(&mut self, sequence: &[u8], cells: impl Iterator<Item = (u16, u16)>) {
        if !self.term.pen.is_some_and(|p| p.erases_plain()) {
            let _ = write_pen(&mut self.pending, self.term.pen, PLAIN);
            self.term.pen = Some(PLAIN);
        }
        self.pending.extend_from_slice(sequence);
        self.keys.clear();
        for (x, y) in cells {
            if x < self.screen.width && y < self.screen.height {
                *self.screen.cell_mut(x, y) = Cell::default();
            }
            if x < self.next.width && y < self.next.height {
                *self.next.cell_mut(x, y) = Cell::default();
            }
        }
    }

    /// Puts the cursor where ratatui last asked (an erase starts from it).
    fn place_cursor(&mut self) {
        let to = (self.want_at.x, self.want_at.y);
        if self.term.at != Some(to) {
            move_to(&mut self.pending, self.term.at, to, self.screen.width);
            self.term.at = Some(to);
        }
    }
}

impl<W: Write> Backend for Tty<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        // `next` is the screen as shown; the frame is made in it, then copied back where it
        // changed.
        if let Some(size) = self.known_size() {
            let (w, h) = (
                self.screen.width.max(size.width),
                self.screen.height.max(size.height),
            );
            self.screen.grow(w, h);
            self.next.grow(w, h);
        }
        self.touched.clear();
        for (x, y, cell) in content {
            *self.next.cell_mut(x, y) = cell.clone();
            // The columns a wide character covers show blank when it goes (ratatui sends
            // them only when their own style shows on a blank).
            let n = screen::columns(cell.symbol()) as u16;
            for k in 1..n {
                if x + k < self.next.width {
                    *self.next.cell_mut(x + k, y) = Cell::default();
                }
            }
            let y = usize::from(y);
            if self.touched.len() <= y {
                self.touched.resize(y + 1, false);
            }
            self.touched[y] = true;
        }
        if self.touched.is_empty() {
            return Ok(());
        }
        self.screen.grow(self.next.width, self.next.height);
        self.touched.resize(usize::from(self.next.height), false);
        let height = self
            .known_size()
            .map(|s| s.height)
            .filter(|h| *h == self.next.height);
        let rewrite = !self.picture;
        let (old, new, touched) = (&self.screen, &self.next, &self.touched[..]);
        let mut best = Vec::new();
        let mut best_term = self.term;
        self.encoder
            .frame(old, new, touched, None, &mut best_term, rewrite, &mut best);
        if rewrite {
            // Row keys: the screen's kept from frame to frame, the new ones where it changed.
            if self.keys.len() != usize::from(old.height) || self.keys_width != old.width {
                self.keys_width = old.width;
                self.keys = (0..old.height)
                    .map(|y| scroll::row_key(old, y, &mut self.slotted))
                    .collect();
            }
            self.next_keys.clone_from(&self.keys);
            for (y, t) in touched.iter().enumerate() {
                if *t {
                    self.next_keys[y] = scroll::row_key(new, y as u16, &mut self.slotted);
                }
            }
            for shift in scroll::candidates(&self.keys, &self.next_keys, new.width, touched) {
                let mut term = self.term;
                let mut bytes = Vec::new();
                scroll::write_shift(&mut bytes, shift, &mut term, new.width, height);
                self.encoder.frame(
                    old,
                    new,
                    touched,
                    Some(shift),
                    &mut term,
                    rewrite,
                    &mut bytes,
                );
                if bytes.len() < best.len() {
                    best = bytes;
                    best_term = term;
                }
            }
        }
        self.pending.extend_from_slice(&best);
        self.term = best_term;
        if rewrite {
            std::mem::swap(&mut self.keys, &mut self.next_keys);
        } else {
            self.keys.clear();
        }
        for (y, t) in self.touched.iter().enumerate() {
            if *t {
                let y = y as u16;
                let w = usize::from(self.next.width);
                let at = usize::from(y) * w;
                self.screen.cells[at..at + w].clone_from_slice(self.next.row(y));
            }
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.want_visible = false;
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        // Never an error, and nothing written here: ratatui shows the cursor again when its
        // terminal is dropped, and the terminal guard shows it on every exit anyway.
        self.want_visible = true;
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        // Where it was asked to be: asking the terminal would mix its answer into the keys.
        Ok(self.want_at)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.want_at = position.into();
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        if let Some(size) = self.known_size() {
            if clear_type == ClearType::All {
                self.screen = Screen::blank(size.width, size.height);
                self.next = Screen::blank(size.width, size.height);
            }
        }
        let (w, h) = (self.screen.width, self.screen.height);
        let Position { x: cx, y: cy } = self.want_at;
        match clear_type {
            ClearType::All => {
                let all = (0..h).flat_map(|y| (0..w).map(move |x| (x, y)));
                self.erase(b"\x1b[2J", all);
            }
            ClearType::AfterCursor => {
                self.place_cursor();
                let after = (cy..h).flat_map(|y| (0..w).map(move |x| (x, y)));
                let after = after.filter(move |(x, y)| *y > cy || *x >= cx);
                self.erase(b"\x1b[J", after);
            }
            ClearType::BeforeCursor => {
                self.place_cursor();
                let before = (0..=cy).flat_map(|y| (0..w).map(move |x| (x, y)));
                let before = before.filter(move |(x, y)| *y < cy || *x <= cx);
                self.erase(b"\x1b[1J", before);
            }
            ClearType::CurrentLine => {
                self.place_cursor();
                self.erase(b"\x1b[2K", (0..w).map(move |x| (x, cy)));
            }
            ClearType::UntilNewLine => {
                self.place_cursor();
                self.erase(b"\x1b[K", (cx..w).map(move |x| (x, cy)));
            }
        }
        Ok(())
    }

    fn size(&self) -> io::Result<Size> {
        if let Some(size) = self.fixed {
            return Ok(size);
        }
        if let Some(size) = self.frame_size.as_ref().and_then(std::cell::Cell::get) {
            return Ok(size);
        }
        let (width, height) = terminal::size()?;
        let size = Size { width, height };
        self.read.set(Some(size));
        if let Some(kept) = &self.frame_size {
            kept.set(Some(size));
        }
        Ok(size)
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
        if self.held {
            return Ok(());
        }
        self.present()
    }
}
