//! A program in a pseudo-terminal, driven a key at a time: each key is written when the
//! previous frame has arrived, and its frame is timed from the key's write to the frame's end,
//! counted in bytes, and read into a vt100 screen to know its floor (see `screen`).
//!
//! A frame ends where kaohe says it does (the synchronized update's end, `ESC[?2026l`), or,
//! for programs that do not say (VisiData, csvlens), at its last byte: when no more output
//! comes for a quiet time. Either way a key that changes nothing may send nothing, so every
//! wait has a bound.

use crate::screen::{self, Floor, Snapshot};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// The end of kaohe's every frame: the synchronized update closed.
pub const FRAME_END: &[u8] = b"\x1b[?2026l";

/// How a frame is known to be complete.
#[derive(Clone, Copy, Debug)]
pub enum Done {
    /// At the end marker, [`FRAME_END`].
    Marker,
    /// When no byte has come for this long after the last one: the frame's time is its last
    /// byte's.
    Quiet(Duration),
}

/// One key's frame.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// From the key written to the frame's end (or its last byte).
    pub latency: Duration,
    pub bytes: usize,
    pub floor: Floor,
}

pub struct Session {
    child: Box<dyn Child + Send + Sync>,
    // Kept open for as long as the program runs.
    _master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    chunks: Receiver<(Instant, Vec<u8>)>,
    parser: vt100::Parser,
    /// The last bytes seen, so that an end marker split across two reads is found.
    tail: Vec<u8>,
    pub started: Instant,
}

impl Session {
    /// Starts `cmd` on a `cols`×`rows` terminal; the clock of [`Session::started`] runs from
    /// just before the spawn.
    pub fn spawn(cmd: CommandBuilder, cols: u16, rows: u16) -> Result<Session, String> {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| format!("no pty: {e}"))?;
        let started = Instant::now();
        let child = pair
            .slave
            .spawn_command(cmd)
            .map_err(|e| format!("could not start: {e}"))?;
        drop(pair.slave);
        let mut reader = pair
            .master
            .try_clone_reader()
            .map_err(|e| format!("no pty reader: {e}"))?;
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 1 << 16];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        });
        let writer = pair
            .master
            .take_writer()
            .map_err(|e| format!("no pty writer: {e}"))?;
        Ok(Session {
            child,
            _master: pair.master,
            writer,
            chunks: rx,
            parser: screen::parser(cols, rows),
            tail: Vec::new(),
            started,
        })
    }

    pub fn text(&self) -> String {
        self.parser.screen().contents()
    }

    /// Feeds `bytes` to the screen; whether the end marker closes in them.
    fn take(&mut self, bytes: &[u8]) -> bool {
        self.parser.process(bytes);
        self.tail.extend_from_slice(bytes);
        let found = self.tail.windows(FRAME_END.len()).any(|w| w == FRAME_END);
        let keep = self.tail.len().saturating_sub(FRAME_END.len() - 1);
        self.tail.drain(..keep);
        if found {
            self.tail.clear();
        }
        found
    }

    /// Takes whatever has arrived without waiting.
    pub fn drain(&mut self) {
        while let Ok((_, bytes)) = self.chunks.try_recv() {
            self.take(&bytes);
        }
    }

    /// Waits for the first frame; the time from the spawn to it.
    pub fn first_frame(&mut self, done: Done, limit: Duration) -> Option<Duration> {
        let (at, _) = self.collect(self.started, done, limit)?;
        Some(at - self.started)
    }

    /// Waits until the screen shows `what`, taking every frame that comes; false after `limit`.
    pub fn wait_for(&mut self, what: &str, limit: Duration) -> bool {
        let start = Instant::now();
        loop {
            if self.text().contains(what) {
                return true;
            }
            let left = limit.saturating_sub(start.elapsed());
            if left.is_zero() {
                return false;
            }
            match self
                .chunks
                .recv_timeout(left.min(Duration::from_millis(50)))
            {
                Ok((_, bytes)) => {
                    self.take(&bytes);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return self.text().contains(what),
            }
        }
    }

    /// Waits until nothing has come for `quiet`, or `limit` has passed.
    pub fn settle(&mut self, quiet: Duration, limit: Duration) {
        let start = Instant::now();
        while start.elapsed() < limit {
            match self.chunks.recv_timeout(quiet) {
                Ok((_, bytes)) => {
                    self.take(&bytes);
                }
                Err(_) => return,
            }
        }
    }

    /// Types `bytes` without waiting for anything.
    pub fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.writer
            .write_all(bytes)
            .and_then(|()| self.writer.flush())
            .map_err(|e| format!("the program stopped reading: {e}"))
    }

    /// Types `key` and waits for its frame: `None` where none came within `limit`.
    pub fn press(&mut self, key: &[u8], done: Done, limit: Duration) -> Option<Frame> {
        self.drain();
        let before = Snapshot::of(self.parser.screen());
        let sent = Instant::now();
        self.send(key).ok()?;
        let (at, bytes) = self.collect(sent, done, limit)?;
        let floor = before.floor_to(&Snapshot::of(self.parser.screen()));
        Some(Frame {
            latency: at - sent,
            bytes,
            floor,
        })
    }

    /// Reads one frame: when it ended and how many bytes it took.
    fn collect(&mut self, from: Instant, done: Done, limit: Duration) -> Option<(Instant, usize)> {
        let mut bytes = 0;
        let mut last = None;
        loop {
            let wait = match (done, last) {
                (Done::Quiet(q), Some(_)) => q,
                _ => limit.checked_sub(from.elapsed())?,
            };
            match self.chunks.recv_timeout(wait) {
                Ok((at, chunk)) => {
                    bytes += chunk.len();
                    last = Some(at);
                    if self.take(&chunk) && matches!(done, Done::Marker) {
                        return Some((at, bytes));
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    return match done {
                        Done::Quiet(_) => last.map(|at| (at, bytes)),
                        Done::Marker => None,
                    };
                }
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// The program's peak resident memory so far (VmHWM), in KiB.
    pub fn peak_kib(&self) -> Option<u64> {
        let pid = self.child.process_id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    }

    /// Types `quit` and waits for the program to end; kills it after `limit`.
    pub fn quit(mut self, quit: &[u8], limit: Duration) {
        let _ = self.send(quit);
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            self.drain();
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
