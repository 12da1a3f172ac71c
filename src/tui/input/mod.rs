//! Reading the terminal: every byte it has sent, as soon as it has sent it.
//!
//! crossterm's reader was not used for this. It reads 1,024 bytes when the terminal becomes
//! readable and hands out the keys they make, and it learns of readability from an
//! edge-triggered epoll: the bytes after the first 1,024 wake nobody until the terminal sends
//! something new. So a 5 KB paste left keys waiting for the next key press (each press then
//! acting one key late), and a paste larger than the kernel's buffer never woke it again: the
//! buffer stayed full, the terminal could send nothing more (Ctrl-C included), and the
//! workspace stopped reading for good.
//!
//! Here a thread waits with a level-triggered `poll` and reads until nothing more is pending,
//! so a burst is all that had arrived; [`parse`] makes the bytes keys, [`paste`] tells keys
//! from a paste.

pub mod parse;
pub mod paste;

pub use paste::{PASTE_LIMIT, Unit};

use parse::Parser;
use paste::Gather;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long the rest of an escape sequence (or of a character) may take after its first byte:
/// an Esc alone is known to be Esc after this.
const ESCAPE_WAIT: Duration = Duration::from_millis(50);

/// How long a bracketed paste may pause before it is taken as ended without its end marker.
const BRACKET_WAIT: Duration = Duration::from_secs(2);

/// The most one burst reads before the loop acts on it (the rest is the next burst, judged as
/// the same paste): what is held at once stays bounded.
const BURST_BYTES: usize = 256 * 1024;

/// What the reader tells the loop.
pub enum Read {
    /// A burst, judged: keys to act on in turn, text of a paste, a paste's end.
    Units(Vec<Unit>),
    /// The terminal is gone: end of input, or an error reading it (a hang-up).
    Gone,
}

/// Reads standard input on its own thread until it is gone (or the loop stops listening);
/// each burst is sent as `wrap` makes it.
pub fn read_terminal<T: Send + 'static>(tx: mpsc::Sender<T>, wrap: fn(Read) -> T) {
    std::thread::spawn(move || {
        let mut reader = Reader::new();
        loop {
            let read = reader.next();
            let gone = matches!(read, Read::Gone);
            if tx.send(wrap(read)).is_err() || gone {
                break;
            }
        }
    });
}

struct Reader {
    parser: Parser,
    gather: Gather,
    buf: Vec<u8>,
    /// When what the parser holds cut short (an escape sequence, a character, an open
    /// bracketed paste) is taken as it is, if nothing more arrives: from the last byte.
    cut_short: Option<Instant>,
}

enum Ready {
    Input,
    Timeout,
    Gone,
}

impl Reader {
    fn new() -> Reader {
        Reader {
            // One byte over the limit: the judge then knows the paste was cut.
            parser: Parser::new(PASTE_LIMIT + 1),
            gather: Gather::new(),
            buf: vec![0; 64 * 1024],
            cut_short: None,
        }
    }

    /// Waits for the next thing to tell the loop.
    fn next(&mut self) -> Read {
        loop {
            let deadline = match (self.gather.deadline(), self.cut_short) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let timeout = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let mut units = Vec::new();
            match wait_readable(timeout) {
                Ready::Gone => return Read::Gone,
                Ready::Timeout => {
                    let now = Instant::now();
                    let mut tokens = Vec::new();
                    if self.cut_short.is_some_and(|d| now >= d) {
                        // The rest never came: take what waits as it is.
                        self.parser.flush(&mut tokens);
                        self.cut_short = None;
                    }
                    self.gather.burst(tokens, now, &mut units);
                }
                Ready::Input => {
                    let Some(tokens) = self.drain() else {
                        return Read::Gone;
                    };
                    let now = Instant::now();
                    self.cut_short = self.parser.waiting().then(|| {
                        now + if self.parser.in_paste() {
                            BRACKET_WAIT
                        } else {
                            ESCAPE_WAIT
                        }
                    });
                    self.gather.burst(tokens, now, &mut units);
                }
            }
            if !units.is_empty() {
                return Read::Units(units);
            }
        }
    }

    /// Reads all that is pending (up to [`BURST_BYTES`]); `None` when the terminal is gone.
    fn drain(&mut self) -> Option<Vec<parse::Token>> {
        let mut tokens = Vec::new();
        let mut total = 0;
        loop {
            // SAFETY: reading into a buffer of this length, from standard input.
            let n = unsafe {
                libc::read(
                    libc::STDIN_FILENO,
                    self.buf.as_mut_ptr().cast(),
                    self.buf.len(),
                )
            };
            if n > 0 {
                let n = n as usize;
                self.parser.feed(&self.buf[..n], &mut tokens);
                total += n;
            } else if n == 0 {
                // End of input: the terminal hung up.
                return None;
            } else {
                let e = std::io::Error::last_os_error();
                match e.kind() {
                    std::io::ErrorKind::Interrupted => continue,
                    std::io::ErrorKind::WouldBlock => {}
                    // EIO: the pseudo-terminal's other end closed.
                    _ => return None,
                }
            }
            if total >= BURST_BYTES || !matches!(wait_readable(Some(Duration::ZERO)), Ready::Input)
            {
                return Some(tokens);
            }
        }
    }
}

/// Waits until standard input has something to read (or has hung up), at most `timeout`
/// (`None`: for as long as it takes).
fn wait_readable(timeout: Option<Duration>) -> Ready {
    let ms = timeout.map_or(-1, |t| {
        // Round up: waking a millisecond early would only loop.
        t.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
    });
    let mut fd = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    loop {
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut fd, 1, ms) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Ready::Gone;
        }
        if n == 0 {
            return Ready::Timeout;
        }
        if fd.revents & libc::POLLNVAL != 0 {
            return Ready::Gone;
        }
        // A hang-up with bytes still to read: read them first (the read then says it is over).
        return Ready::Input;
    }
}
