//! Continuous stepping: Down pressed again and again, each key when the previous frame has
//! arrived, turning back at the end of the list so that every key moves (a key that changes
//! nothing may draw nothing); and what the frames came to.

use crate::pty::{Done, Frame, Session};
use crate::report::{count, ms, spread};
use crate::screen::Floor;
use std::time::Duration;

pub struct Keys {
    pub down: &'static [u8],
    pub up: &'static [u8],
}

/// The frames of a run of keys, and the keys that brought none in time.
#[derive(Default)]
pub struct Run {
    pub frames: Vec<Frame>,
    pub missed: usize,
}

/// Presses Down `steps` times from row `at` of a list of `len` rows (Up from the last row back
/// to the first, and so on). Gives up after ten keys in a row bring no frame.
pub fn step(
    session: &mut Session,
    keys: &Keys,
    len: usize,
    mut at: usize,
    steps: usize,
    done: Done,
    limit: Duration,
) -> Run {
    let mut run = Run::default();
    let mut down = true;
    let mut silent = 0;
    for _ in 0..steps {
        if len < 2 {
            break;
        }
        if down && at + 1 >= len {
            down = false;
        } else if !down && at == 0 {
            down = true;
        }
        let key = if down { keys.down } else { keys.up };
        match session.press(key, done, limit) {
            Some(frame) => {
                run.frames.push(frame);
                silent = 0;
            }
            None => {
                run.missed += 1;
                silent += 1;
                if silent >= 10 {
                    break;
                }
            }
        }
        at = if down { at + 1 } else { at - 1 };
    }
    run
}

/// What a run's frames came to.
pub struct Summary {
    pub keys: usize,
    pub missed: usize,
    /// Latency (median, p99, max).
    pub latency: (Duration, Duration, Duration),
    /// Bytes a frame (median, p99, max).
    pub bytes: (usize, usize, usize),
    /// The floor a frame (median, p99, max).
    pub floor: (usize, usize, usize),
    /// All bytes over all floors.
    pub ratio: f64,
}

impl Run {
    pub fn summary(&self) -> Option<Summary> {
        let latency = spread(self.frames.iter().map(|f| f.latency).collect())?;
        let bytes = spread(self.frames.iter().map(|f| f.bytes).collect())?;
        let floor = spread(self.frames.iter().map(|f| f.floor.bytes).collect())?;
        let sent: usize = self.frames.iter().map(|f| f.bytes).sum();
        let floors: usize = self.frames.iter().map(|f| f.floor.bytes).sum();
        Some(Summary {
            keys: self.frames.len() + self.missed,
            missed: self.missed,
            latency,
            bytes,
            floor,
            ratio: sent as f64 / floors.max(1) as f64,
        })
    }

    pub fn push(&mut self, latency: Duration, bytes: usize, floor: Floor) {
        self.frames.push(Frame {
            latency,
            bytes,
            floor,
        });
    }
}

impl Summary {
    pub fn latency_line(&self) -> String {
        format!(
            "p50 {} / p99 {} / max {}",
            ms(self.latency.0),
            ms(self.latency.1),
            ms(self.latency.2)
        )
    }

    pub fn bytes_line(&self) -> String {
        format!(
            "median {} B, p99 {}, max {} (floor: median {} B, p99 {}, max {}; all bytes {:.2}× all floors)",
            count(self.bytes.0),
            count(self.bytes.1),
            count(self.bytes.2),
            count(self.floor.0),
            count(self.floor.1),
            count(self.floor.2),
            self.ratio
        )
    }

    pub fn keys_line(&self) -> String {
        if self.missed == 0 {
            format!("{} keys", count(self.keys))
        } else {
            format!(
                "{} keys, {} of them with no frame",
                count(self.keys),
                count(self.missed)
            )
        }
    }
}
