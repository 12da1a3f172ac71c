//! The screen a terminal shows, read from what a program sent: each frame is drawn inside a
//! synchronized update, which a terminal shows only when it ends, so the screen read here is
//! the one at the end of the last whole frame, never one half drawn.

/// The terminal the workspace draws on, read as a person sees it. Each frame is drawn inside a
/// synchronized update, which a terminal shows only when it ends: so the screen read here is
/// the one at the end of the last whole frame, never one half drawn (a test that read a frame
/// mid-way saw the summary over half of the screen before it).
pub struct Term {
    pub parser: vt100::Parser,
    /// A frame is being drawn (its synchronized update is open).
    drawing: bool,
    /// The screen as it stood when nothing was last being drawn.
    pub settled: String,
    /// The end of the last read, held back while it may be the start of a marker.
    held: Vec<u8>,
}

const FRAME_BEGIN: &[u8] = b"\x1b[?2026h";
const FRAME_END: &[u8] = b"\x1b[?2026l";

impl Term {
    pub fn new(rows: u16, cols: u16) -> Term {
        Term {
            parser: vt100::Parser::new(nz(rows), nz(cols), 0),
            drawing: false,
            settled: String::new(),
            held: Vec::new(),
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        let mut data = std::mem::take(&mut self.held);
        data.extend_from_slice(bytes);
        let marker = FRAME_BEGIN.len();
        let partial = |k: usize| {
            let tail = &data[data.len() - k..];
            FRAME_BEGIN.starts_with(tail) || FRAME_END.starts_with(tail)
        };
        let keep = (1..marker.min(data.len() + 1))
            .rev()
            .find(|&k| partial(k))
            .unwrap_or(0);
        self.held = data.split_off(data.len() - keep);
        let (mut from, mut at) = (0, 0);
        while at + marker <= data.len() {
            let window = &data[at..at + marker];
            if window == FRAME_BEGIN || window == FRAME_END {
                self.parser.process(&data[from..at + marker]);
                self.settle(window == FRAME_BEGIN);
                at += marker;
                from = at;
            } else {
                at += 1;
            }
        }
        self.parser.process(&data[from..]);
        self.settle(self.drawing);
    }

    fn settle(&mut self, drawing: bool) {
        self.drawing = drawing;
        if !drawing {
            self.settled = self.parser.screen().contents();
        }
    }
}

fn nz(n: u16) -> std::num::NonZero<u16> {
    std::num::NonZero::new(n).unwrap()
}
