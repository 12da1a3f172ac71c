//! The terminal the workspace draws on: raw mode and the alternate screen while it runs and
//! the terminal as it was after (however the workspace ends), the signals that stop it, and
//! a terminal that went away without one.

use anyhow::{Context, Result, bail};
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::style::ResetColor;
use ratatui::crossterm::terminal::{
    self, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::crossterm::{cursor, execute};
use std::io::{IsTerminal, Write as _};
use std::sync::mpsc;

/// Refuses to start the workspace without a terminal to draw on (before any database is
/// opened or created).
pub fn require_terminal() -> Result<()> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        bail!(
            "the review workspace needs a terminal; for scripts use kaohe status, mark, import or export (see kaohe --help)"
        );
    }
    Ok(())
}

/// Sends each stopping signal (hang-up, terminate, interrupt, quit) on the channel, made into
/// the loop's input by `input`, so that the loop can keep the reviewer's work before it stops;
/// and the window's changes of size (SIGWINCH), which the loop redraws for.
pub(super) fn listen_for_signals<T: Send + 'static>(
    tx: mpsc::Sender<T>,
    input: fn(i32) -> T,
) -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGWINCH};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGWINCH])
            .context("cannot listen for signals")?;
    std::thread::spawn(move || {
        for sig in signals.forever() {
            if tx.send(input(sig)).is_err() {
                break;
            }
        }
    });
    Ok(())
}

/// The signal a vanished terminal counts as.
pub(super) fn libc_sighup() -> i32 {
    signal_hook::consts::SIGHUP
}

/// The signal a change of the window's size is.
pub(super) fn libc_sigwinch() -> i32 {
    signal_hook::consts::SIGWINCH
}

/// Whether the terminal hung up: its input reports a hang-up or error. (The reader says so
/// too, when its read fails; this is checked whenever the workspace is idle as well.)
pub(super) fn terminal_gone() -> bool {
    let mut fd = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout.
    let n = unsafe { libc::poll(&mut fd, 1, 0) };
    n > 0 && fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

/// Raw mode and the alternate screen while the workspace runs; the terminal as it was after,
/// however the workspace ends (return, error or panic).
pub(super) struct TerminalGuard;

impl TerminalGuard {
    pub(super) fn enter() -> Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // A reader library's panic on a damaged evidence file is caught on its preview's
            // thread: one more unreadable file, not a crash, and nothing to print.
            if std::thread::current().name() == Some(super::previews::THREAD) {
                return;
            }
            restore();
            previous(info);
        }));
        terminal::enable_raw_mode().context("cannot put the terminal in raw mode")?;
        let guard = TerminalGuard;
        execute!(
            std::io::stdout(),
            EnterAlternateScreen,
            EnableBracketedPaste,
            cursor::Hide
        )
        .context("cannot set up the terminal")?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn restore() {
    let mut out = std::io::stdout();
    let _ = execute!(
        out,
        EndSynchronizedUpdate,
        // The backend keeps its pen between frames: the shell gets the default one back.
        ResetColor,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}

/// Standard output written straight to its file descriptor: a frame goes out in one write
/// (the standard library's line buffering would cut it at each line feed it holds).
pub(super) struct Out;

impl std::io::Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        loop {
            // SAFETY: a valid buffer and its length.
            let n = unsafe { libc::write(libc::STDOUT_FILENO, buf.as_ptr().cast(), buf.len()) };
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
