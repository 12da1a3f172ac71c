//! Evidence files read for the viewer and previewed off the loop's thread, so that a big PDF
//! never stops the keys: the file is read here (in the guarded set-up with kaohe's group
//! taken back for the open, as the database is), within the preview's limit on a file's
//! size, then decoded by kaohe-preview on a thread of its own; the loop takes what is done
//! before each frame. A preview that takes too long is given up (its thread, bounded in
//! memory by the preview's limits, ends on its own).

use super::app::{App, Failure};
use kaohe_preview::{Limits, Preview, Refusal, Why};
use std::io::Read;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The name of a preview's thread: the workspace's panic hook leaves the terminal alone for
/// it (a reader library's panic is caught there and is one more unreadable file).
pub(super) const THREAD: &str = "kaohe-preview";

/// A preview thread's stack.
const STACK: usize = 64 << 20;

/// How long a preview may take before the reviewer is told it was given up.
const TOO_SLOW: Duration = Duration::from_secs(30);

/// What a preview's thread hands back.
struct Done {
    sha256: String,
    result: Result<Preview, Failure>,
}

pub(super) struct Previews {
    limits: Limits,
    tx: mpsc::Sender<Done>,
    rx: mpsc::Receiver<Done>,
    /// Files being previewed, and since when.
    pending: Vec<(String, Instant)>,
}

impl Previews {
    pub(super) fn new() -> Previews {
        let (tx, rx) = mpsc::channel();
        Previews {
            limits: Limits::default(),
            tx,
            rx,
            pending: Vec::new(),
        }
    }

    /// Whether a preview is being made (the loop then looks again soon).
    pub(super) fn busy(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Reads the file at `path` (the content `sha256`, named `name` by the county) and starts
    /// its preview.
    pub(super) fn start(&mut self, path: &Path, sha256: String, name: String) {
        if self.pending.iter().any(|(s, _)| *s == sha256) {
            return;
        }
        let bytes = match read(path, &name, self.limits.file_bytes) {
            Ok(bytes) => bytes,
            Err(failure) => {
                let _ = self.tx.send(Done {
                    sha256,
                    result: Err(failure),
                });
                return;
            }
        };
        let tx = self.tx.clone();
        let limits = self.limits;
        let sha = sha256.clone();
        let spawned = std::thread::Builder::new()
            .name(THREAD.into())
            // Room for a reader's recursion on a deeply nested file (lopdf stops at 100
            // levels; a debug build's frames are large): only what is touched is used.
            .stack_size(STACK)
            .spawn(move || {
                let result =
                    kaohe_preview::preview(&bytes, &name, &limits).map_err(Failure::Refused);
                let _ = tx.send(Done {
                    sha256: sha,
                    result,
                });
            });
        match spawned {
            Ok(_) => self.pending.push((sha256, Instant::now())),
            Err(e) => {
                let _ = self.tx.send(Done {
                    sha256,
                    result: Err(Failure::Gone {
                        path: path.display().to_string(),
                        error: e.to_string(),
                    }),
                });
            }
        }
    }

    /// Tells the App what is done (and what took too long); true if anything was.
    pub(super) fn take(&mut self, app: &mut App) -> bool {
        let mut any = false;
        while let Ok(done) = self.rx.try_recv() {
            // One given up as too slow that came after all is shown (or kept) all the same.
            self.pending.retain(|(s, _)| *s != done.sha256);
            app.preview_loaded(&done.sha256, done.result);
            any = true;
        }
        let now = Instant::now();
        let (slow, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|(_, since)| now.duration_since(*since) >= TOO_SLOW);
        self.pending = waiting;
        for (sha256, _) in slow {
            app.preview_loaded(
                &sha256,
                Err(Failure::TooSlow {
                    secs: TOO_SLOW.as_secs(),
                }),
            );
            any = true;
        }
        any
    }
}

/// The file's bytes, refused unread if it is bigger than `most`.
fn read(path: &Path, name: &str, most: u64) -> Result<Vec<u8>, Failure> {
    let gone = |e: &dyn std::fmt::Display| Failure::Gone {
        path: path.display().to_string(),
        error: e.to_string(),
    };
    let file = crate::host::privilege::with_kaohe_group(|| Ok(std::fs::File::open(path)?))
        .map_err(|e| gone(&e))?;
    let size = file.metadata().map_err(|e| gone(&e))?.len();
    if size > most {
        return Err(Failure::Refused(Refusal::new(
            name,
            Why::TooBig { size, limit: most },
        )));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(most + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| gone(&e))?;
    if bytes.len() as u64 > most {
        return Err(Failure::Refused(Refusal::new(
            name,
            Why::TooBig {
                size: bytes.len() as u64,
                limit: most,
            },
        )));
    }
    Ok(bytes)
}
