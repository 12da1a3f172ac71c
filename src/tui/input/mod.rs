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
        let mut reader = Reader::new(libc::STDIN_FILENO);
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
    /// What is read: standard input (a pipe in tests).
    fd: libc::c_int,
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
    fn new(fd: libc::c_int) -> Reader {
        Reader {
            fd,
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
            match wait_readable(self.fd, timeout) {
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
            // SAFETY: reading into a buffer of this length, from an open descriptor.
            let n = unsafe { libc::read(self.fd, self.buf.as_mut_ptr().cast(), self.buf.len()) };
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
            if total >= BURST_BYTES
                || !matches!(wait_readable(self.fd, Some(Duration::ZERO)), Ready::Input)
            {
                return Some(tokens);
            }
        }
    }
}

/// Waits until `fd` has something to read (or has hung up), at most `timeout` (`None`: for as
/// long as it takes).
fn wait_readable(fd: libc::c_int, timeout: Option<Duration>) -> Ready {
    let ms = timeout.map_or(-1, |t| {
        // Round up: waking a millisecond early would only loop.
        t.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
    });
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    loop {
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, ms) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Ready::Gone;
        }
        if n == 0 {
            return Ready::Timeout;
        }
        if pfd.revents & libc::POLLNVAL != 0 {
            return Ready::Gone;
        }
        // A hang-up with bytes still to read: read them first (the read then says it is over).
        return Ready::Input;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::io::Write;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    /// A pipe: the reader's end, and a writer for the test.
    fn pipe() -> (OwnedFd, std::fs::File) {
        let mut fds = [0; 2];
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: two descriptors the pipe just opened, each owned once.
        unsafe {
            (
                OwnedFd::from_raw_fd(fds[0]),
                std::fs::File::from_raw_fd(fds[1]),
            )
        }
    }

    fn text_of(units: &[Unit]) -> String {
        units
            .iter()
            .filter_map(|u| match u {
                Unit::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_paste_larger_than_any_buffer_is_read_to_its_end() {
        // 300 KB: far more than a pipe (64 KiB) or a terminal (4 KiB) holds, so the writer
        // finishes only if the reader keeps reading what is pending.
        let (read_end, mut writer) = pipe();
        let paste = "第一行 1 2 3 jjl q\r".repeat(12_000);
        let sent = paste.clone();
        let writing = std::thread::spawn(move || {
            writer.write_all(sent.as_bytes()).unwrap();
            // Dropped: the end of input.
        });
        let mut reader = Reader::new(read_end.as_raw_fd());
        let mut units = Vec::new();
        // Until the end of input (the writer done and gone).
        while let Read::Units(u) = reader.next() {
            units.extend(u);
        }
        writing.join().unwrap();
        assert!(
            units.iter().all(|u| matches!(u, Unit::Text(_))),
            "no key acted"
        );
        let kept = text_of(&units);
        assert!(kept.len() > PASTE_LIMIT - 4 && kept.len() <= PASTE_LIMIT);
        assert!(paste.replace('\r', "\n").starts_with(&kept));
    }

    #[test]
    fn a_key_after_a_paste_comes_at_once_not_one_key_late() {
        let (read_end, mut writer) = pipe();
        let mut reader = Reader::new(read_end.as_raw_fd());
        // A 5 KB paste, then (after it ended) one key.
        let paste = "abc def\r".repeat(640);
        writer.write_all(paste.as_bytes()).unwrap();
        let mut units = Vec::new();
        while !units.iter().any(|u| matches!(u, Unit::PasteEnded { .. })) {
            match reader.next() {
                Read::Units(u) => units.extend(u),
                Read::Gone => panic!("the pipe is open"),
            }
        }
        assert_eq!(text_of(&units), paste.replace('\r', "\n"));
        writer.write_all(b"j").unwrap();
        let Read::Units(next) = reader.next() else {
            panic!("the pipe is open");
        };
        assert_eq!(
            next,
            vec![Unit::Key(KeyEvent::new(
                KeyCode::Char('j'),
                KeyModifiers::NONE
            ))]
        );
    }

    #[test]
    fn the_end_of_input_is_a_hang_up() {
        let (read_end, writer) = pipe();
        drop(writer);
        assert!(matches!(
            Reader::new(read_end.as_raw_fd()).next(),
            Read::Gone
        ));
    }
}
