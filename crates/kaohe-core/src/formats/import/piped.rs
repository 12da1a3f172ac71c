//! A read on a thread of its own, its rows handed to the sink on the caller's: the file is
//! parsed and checked while the rows before are written, so that an import takes about the
//! longer of the two rather than both added up. What the sink is handed, and in what order,
//! is what a read on one thread hands it; an error is the one that read would have met
//! first. Bounded: at most [`IN_FLIGHT`] batches of [`BATCH`] rows wait between the two.

use super::Flagged;
use super::intake::Sink;
use crate::error::{FileError, Location};
use crate::lookup::SubmissionRow;
use std::cell::RefCell;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

/// How many rows go across at a time: one hand-over's cost (a wake-up) paid for them all.
const BATCH: usize = 256;

/// How many batches may wait for the sink before the read waits for it.
const IN_FLIGHT: usize = 8;

/// What a read hands on, in order.
enum Handed {
    Submission(SubmissionRow),
    Flagged(Flagged),
}

/// Rows read, and how far the read had come when they were sent.
struct Batch {
    handed: Vec<Handed>,
    progress: Option<(u64, u64)>,
}

/// How many lines a read may go on without a row before how far it has come is sent alone.
const PROGRESS_EVERY: u64 = 64 * 1024;

/// The read's side: its rows gathered into batches and sent.
struct Sending {
    to: SyncSender<Batch>,
    handed: Vec<Handed>,
    /// How far the read has come, not yet sent; and the line last sent.
    progress: Option<(u64, u64)>,
    told: u64,
    /// The rows the sink is done with, given back to be dropped on this thread.
    spent: Receiver<Vec<SubmissionRow>>,
}

impl Sending {
    /// The read has come to line `done` of `total`: sent with the next batch, or alone where
    /// the read goes far without a row (a long run of lines that are no submissions).
    fn progressed(&mut self, done: u64, total: u64) {
        self.progress = Some((done, total));
        if done.saturating_sub(self.told) >= PROGRESS_EVERY {
            // A sink that has stopped refuses the read's next row.
            let _ = self.send();
        }
    }

    fn hand(&mut self, handed: Handed) -> Result<(), FileError> {
        self.handed.push(handed);
        if self.handed.len() >= BATCH {
            self.send()?;
        }
        Ok(())
    }

    /// Sends what is gathered. Refused once the sink has stopped taking rows: the read
    /// stops, and the sink's error is the one said.
    fn send(&mut self) -> Result<(), FileError> {
        // Dropped here, where they were made.
        while let Ok(spent) = self.spent.try_recv() {
            #[cfg(test)]
            tests::GIVEN_BACK.fetch_add(spent.len(), std::sync::atomic::Ordering::Relaxed);
            drop(spent);
        }
        let progress = self.progress.take();
        if let Some((done, _)) = progress {
            self.told = done;
        }
        let batch = Batch {
            handed: std::mem::replace(&mut self.handed, Vec::with_capacity(BATCH)),
            progress,
        };
        self.to
            .send(batch)
            .map_err(|_| FileError::new(Location::file(""), "the import stopped"))
    }
}

/// The read's sink: its side of the pipe, shared with the read's progress.
struct SinkSide<'s>(&'s RefCell<Sending>);

impl Sink for SinkSide<'_> {
    fn submission(&mut self, row: SubmissionRow) -> Result<(), FileError> {
        self.0.borrow_mut().hand(Handed::Submission(row))
    }

    fn flagged(&mut self, flagged: Flagged) -> Result<(), FileError> {
        self.0.borrow_mut().hand(Handed::Flagged(flagged))
    }
}

/// Runs `read` on a thread of its own, handing what it reads to `sink` and telling
/// `progress` here. The answer is `read`'s, or the first error in the order one thread
/// would have met it: the sink's on a row before the read failed, else the read's.
pub fn piped<T: Send>(
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64, u64),
    read: impl FnOnce(&mut dyn Sink, &mut dyn FnMut(u64, u64)) -> Result<T, FileError> + Send,
) -> Result<T, FileError> {
    let (to, from) = sync_channel::<Batch>(IN_FLIGHT);
    // Unbounded, but it holds no more than the rows in flight: the sink gives back only rows
    // it was handed.
    let (give_back, spent) = channel::<Vec<SubmissionRow>>();
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            // The sink's calls and the progress's come one at a time, from the read.
            let sending = RefCell::new(Sending {
                to,
                handed: Vec::with_capacity(BATCH),
                progress: None,
                told: 0,
                spent,
            });
            let answer = read(&mut SinkSide(&sending), &mut |done, total| {
                sending.borrow_mut().progressed(done, total)
            });
            // The rows read before an error are handed on before it is said.
            let sent = sending.borrow_mut().send();
            answer.and_then(|a| sent.map(|()| a))
        });
        let taken = take(from, sink, progress, &give_back);
        let answer = match reader.join() {
            Ok(answer) => answer,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        taken.and(answer)
    })
}

/// Hands every batch to `sink` until the read ends or the sink refuses a row; the receiver
/// is dropped on return, which stops a read still sending.
fn take(
    from: Receiver<Batch>,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64, u64),
    give_back: &Sender<Vec<SubmissionRow>>,
) -> Result<(), FileError> {
    for batch in from {
        for handed in batch.handed {
            match handed {
                Handed::Submission(row) => sink.submission(row)?,
                Handed::Flagged(flagged) => sink.flagged(flagged)?,
            }
        }
        let spent = sink.spent();
        // A read that has ended takes none back: they are dropped here.
        if !spent.is_empty() {
            let _ = give_back.send(spent);
        }
        if let Some((done, total)) = batch.progress {
            progress(done, total);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::intake::tests::row;
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Rows the reading thread took back and dropped (only one test gives any back).
    pub(super) static GIVEN_BACK: AtomicUsize = AtomicUsize::new(0);

    /// Takes rows until the row on line `refuse`.
    #[derive(Default)]
    struct Lines {
        lines: Vec<u64>,
        flagged: usize,
        refuse: Option<u64>,
    }

    impl Sink for Lines {
        fn submission(&mut self, row: SubmissionRow) -> Result<(), FileError> {
            if Some(row.line) == self.refuse {
                return Err(FileError::new(Location::line("s.csv", row.line), "locked"));
            }
            self.lines.push(row.line);
            Ok(())
        }

        fn flagged(&mut self, _: Flagged) -> Result<(), FileError> {
            self.flagged += 1;
            Ok(())
        }
    }

    fn flagged() -> Flagged {
        Flagged {
            county: "柯城区".into(),
            indicator: "1.2".into(),
            value: "86".into(),
            flags: Vec::new(),
        }
    }

    /// A read of `rows` rows, a flag before every tenth, failing after row `fail` if given.
    fn read(
        rows: u64,
        fail: Option<u64>,
    ) -> impl FnOnce(&mut dyn Sink, &mut dyn FnMut(u64, u64)) -> Result<u64, FileError> + Send {
        move |sink, progress| {
            for line in 1..=rows {
                if line % 10 == 0 {
                    sink.flagged(flagged())?;
                }
                sink.submission(row(line))?;
                progress(line, rows);
                if Some(line) == fail {
                    return Err(FileError::new(Location::line("s.csv", line + 1), "bad"));
                }
            }
            Ok(rows)
        }
    }

    #[test]
    fn every_row_arrives_in_order_with_the_reads_answer_and_its_progress() {
        let mut sink = Lines::default();
        let mut told = Vec::new();
        let answer = piped(&mut sink, &mut |d, t| told.push((d, t)), read(5_000, None));
        assert_eq!(answer.unwrap(), 5_000);
        assert_eq!(sink.lines, (1..=5_000).collect::<Vec<_>>());
        assert_eq!(sink.flagged, 500);
        assert_eq!(told.last(), Some(&(5_000, 5_000)));
        assert!(told.windows(2).all(|w| w[0].0 < w[1].0));
    }

    /// Keeps the rows it is handed and gives them back when asked.
    #[derive(Default)]
    struct Keeping {
        kept: Vec<SubmissionRow>,
        lines: Vec<u64>,
        given_back: usize,
    }

    impl Sink for Keeping {
        fn submission(&mut self, row: SubmissionRow) -> Result<(), FileError> {
            self.lines.push(row.line);
            self.kept.push(row);
            Ok(())
        }

        fn flagged(&mut self, _: Flagged) -> Result<(), FileError> {
            Ok(())
        }

        fn spent(&mut self) -> Vec<SubmissionRow> {
            self.given_back += self.kept.len();
            std::mem::take(&mut self.kept)
        }
    }

    #[test]
    fn rows_the_sink_gives_back_go_back_and_every_row_still_arrives() {
        let mut sink = Keeping::default();
        let answer = piped(&mut sink, &mut |_, _| {}, read(50_000, None));
        assert_eq!(answer.unwrap(), 50_000);
        assert_eq!(sink.lines, (1..=50_000).collect::<Vec<_>>());
        assert_eq!(sink.given_back, 50_000);
        // All but those given back after the read ended (dropped where they are given back)
        // were dropped on the reading thread.
        let dropped_there = GIVEN_BACK.load(Ordering::Relaxed);
        assert!(
            (50_000 - (IN_FLIGHT + 2) * BATCH..=50_000).contains(&dropped_there),
            "{dropped_there}"
        );
    }

    #[test]
    fn progress_goes_on_through_lines_that_give_no_row() {
        let mut sink = Lines::default();
        let mut told = Vec::new();
        let answer = piped(&mut sink, &mut |d, _| told.push(d), |sink, progress| {
            for line in 1..=300_000 {
                progress(line, 300_001);
            }
            sink.submission(row(300_001))?;
            progress(300_001, 300_001);
            Ok(())
        });
        answer.unwrap();
        assert_eq!(sink.lines, [300_001]);
        // Told along the way, not only with the one row at the end.
        assert!(told.len() >= 4, "{told:?}");
        assert_eq!(told.last(), Some(&300_001));
    }

    #[test]
    fn a_file_error_comes_after_every_row_before_it() {
        let mut sink = Lines::default();
        let e = piped(&mut sink, &mut |_, _| {}, read(5_000, Some(3_000))).unwrap_err();
        assert_eq!(e.to_string(), "s.csv:3001: bad");
        assert_eq!(sink.lines.len(), 3_000);
    }

    #[test]
    fn the_sinks_error_stops_the_read_and_wins_over_a_later_file_error() {
        // Within what the read gets ahead of the sink: it meets its own error first.
        for fail in [None, Some(1_000)] {
            let mut sink = Lines {
                refuse: Some(700),
                ..Lines::default()
            };
            let read_rows = AtomicUsize::new(0);
            let counted = |sink: &mut dyn Sink, progress: &mut dyn FnMut(u64, u64)| {
                let mut counting = Counting {
                    inner: sink,
                    rows: &read_rows,
                };
                read(50_000, fail)(&mut counting, progress)
            };
            let e = piped(&mut sink, &mut |_, _| {}, counted).unwrap_err();
            assert_eq!(e.to_string(), "s.csv:700: locked");
            assert_eq!(sink.lines.len(), 699);
            // The read stopped: no further than the batches that can wait ahead of the sink.
            let read_rows = read_rows.load(Ordering::Relaxed);
            assert!(read_rows <= 700 + (IN_FLIGHT + 2) * BATCH, "{read_rows}");
        }
    }

    /// Counts the rows a read hands on.
    struct Counting<'a> {
        inner: &'a mut dyn Sink,
        rows: &'a AtomicUsize,
    }

    impl Sink for Counting<'_> {
        fn submission(&mut self, row: SubmissionRow) -> Result<(), FileError> {
            self.rows.fetch_add(1, Ordering::Relaxed);
            self.inner.submission(row)
        }

        fn flagged(&mut self, flagged: Flagged) -> Result<(), FileError> {
            self.inner.flagged(flagged)
        }
    }

    #[test]
    fn a_sink_error_on_a_row_before_the_files_error_wins() {
        let mut sink = Lines {
            refuse: Some(10),
            ..Lines::default()
        };
        let e = piped(&mut sink, &mut |_, _| {}, read(20, Some(12))).unwrap_err();
        assert_eq!(e.to_string(), "s.csv:10: locked");
    }
}
