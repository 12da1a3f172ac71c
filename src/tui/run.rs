//! The run loop: input → actions → App → effects → frame.
//!
//! Keys, pastes, resizes and signals arrive on one channel (keys and pastes read whole and
//! told apart by `input`); the App turns each into effects; the store writes them; only then
//! is the screen redrawn — only when something changed, in a synchronized update, and ratatui
//! sends only the cells that differ.

use super::app::App;
use super::backend::Tty;
use super::effects::Effects;
use super::input::{PASTE_LIMIT, Read, Unit, read_terminal};
use super::live::Live;
use super::strings::Strings;
use super::terminal::{
    TerminalGuard, libc_sighup, libc_sigwinch, listen_for_signals, require_terminal, terminal_gone,
};
use super::theme::Theme;
use super::{Access, Ended, OnDatabase, Settings, load, view};
use crate::store::{Reviewer, Store};
use anyhow::{Context, Result};
use ratatui::Terminal;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::crossterm::{execute, queue};
use ratatui::layout::Rect;
use std::io::Stdout;
use std::sync::mpsc;
use std::time::{Duration, Instant};

enum Input {
    /// What the terminal sent, read whole and judged (keys, a paste), or its end.
    Read(Read),
    /// The window changed size.
    Resize,
    Signal(i32),
}

/// Runs the workspace on the terminal until the reviewer quits or a signal stops it.
/// `access`: whether the account may change anything (see [`Access`]); `database`: the file
/// the header names.
pub fn run(
    store: Store,
    who: &Reviewer,
    settings: Settings,
    access: Access,
    database: OnDatabase,
) -> Result<Ended> {
    require_terminal()?;
    let mut app = App::new(load(&store, who)?, Strings::get(settings.lang));
    app.on_database(&database.path, database.shared, database.created);
    app.keymap = settings.keymap;
    app.standard_notes = settings.standard_notes;
    if access == Access::BrowseOnly {
        app.browse_only(&who.account);
    }
    let theme = settings.theme;
    let (tx, rx) = mpsc::channel();
    listen_for_signals(tx.clone(), |sig| {
        if sig == libc_sigwinch() {
            Input::Resize
        } else {
            Input::Signal(sig)
        }
    })?;

    let _guard = TerminalGuard::enter()?;
    let mut terminal =
        Terminal::new(Tty::new(std::io::stdout())).context("cannot draw on this terminal")?;
    read_terminal(tx, Input::Read);

    let mut effects = Effects::new(store, who, access, &app);
    let mut last_move = Instant::now();
    let mut dirty = true;
    size_editor(&mut app, &terminal);
    let mut live = Live::start(&mut effects, who, &mut app)?;
    loop {
        if dirty {
            effects.fill(&mut app);
            if draw(&mut terminal, &app, &theme).is_err() {
                // Writing to the terminal failed: it is gone, as good as a hang-up. Keep what
                // can be kept.
                return Ok(stop(&mut effects, &live, &mut app, libc_sighup()));
            }
            dirty = false;
        }
        // Wait for input, but look at the database twice a second for other reviewers' work;
        // when idle, keep the reviewer's place (not on every keystroke).
        let first = match rx.recv_timeout(live.wait()) {
            Ok(input) => Some(input),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => Some(Input::Read(Read::Gone)),
        };
        let Some(first) = first else {
            if terminal_gone() {
                return Ok(stop(&mut effects, &live, &mut app, libc_sighup()));
            }
            live.present(&mut effects, &app);
            if live.due() {
                dirty |= live.poll(&mut effects, who, &mut app);
            }
            if last_move.elapsed() >= Duration::from_secs(1) {
                effects.keep_position(&app);
            }
            continue;
        };
        // Everything already waiting is handled before the next frame: keys in the order
        // they came, each on the item the one before left the cursor on.
        let mut question_up = false;
        for input in std::iter::once(first).chain(rx.try_iter()) {
            if app.quit {
                break;
            }
            let units = match input {
                Input::Read(Read::Units(units)) => units,
                Input::Read(Read::Gone) => {
                    return Ok(stop(&mut effects, &live, &mut app, libc_sighup()));
                }
                Input::Signal(sig) => return Ok(stop(&mut effects, &live, &mut app, sig)),
                Input::Resize => {
                    size_editor(&mut app, &terminal);
                    terminal.autoresize().ok();
                    dirty = true;
                    continue;
                }
            };
            for unit in units {
                #[cfg(debug_assertions)]
                if std::env::var_os("KAOHE_TEST_PANIC").is_some() {
                    // Debug builds only: proves in a test that a panic restores the terminal.
                    panic!("KAOHE_TEST_PANIC");
                }
                if app.quit {
                    break;
                }
                if question_up && !matches!(unit, Unit::PasteEnded { .. }) {
                    // A question is on screen: what was typed on after it was not an answer.
                    continue;
                }
                // The item a key lands on is read before the key acts on it (Enter takes its
                // suggestion), not only before the next frame.
                effects.fill(&mut app);
                let asked = match unit {
                    Unit::Key(key) => app.key(&key),
                    Unit::Text(text) => app.paste(&text),
                    Unit::Phrase(text) => app.phrase(&text),
                    Unit::PasteEnded { cut } => {
                        app.paste_ended(cut, PASTE_LIMIT);
                        Vec::new()
                    }
                };
                dirty = true;
                last_move = Instant::now();
                effects.apply(&mut app, asked);
                question_up |= app.conflict().is_some() || app.question().is_some();
            }
        }
        effects.end_burst(&mut app);
        if app.quit {
            effects.keep_position(&app);
            live.leave(&mut effects);
            return Ok(Ended::Quit);
        }
        dirty |= live.poll(&mut effects, who, &mut app);
    }
}

/// Stopped by a signal or a vanished terminal: the reviewer's work is kept and the session
/// leaves the others' view.
fn stop(effects: &mut Effects, live: &Live, app: &mut App, signal: i32) -> Ended {
    effects.finish(app);
    live.leave(effects);
    Ended::Signal(signal)
}

fn size_editor(app: &mut App, terminal: &Terminal<Tty<Stdout>>) {
    if let Ok(size) = terminal.size() {
        let area = Rect::new(0, 0, size.width, size.height);
        app.editor_width = view::editor_text_width(area);
        app.page_rows = view::summary_page_rows(area, app);
    }
}

fn draw(terminal: &mut Terminal<Tty<Stdout>>, app: &App, theme: &Theme) -> Result<()> {
    // One synchronized update per frame: the terminal shows it whole, never half-drawn.
    queue!(terminal.backend_mut().writer_mut(), BeginSynchronizedUpdate)?;
    terminal
        .draw(|frame| view::draw(frame, app, theme))
        .context("cannot draw on the terminal")?;
    execute!(terminal.backend_mut().writer_mut(), EndSynchronizedUpdate)?;
    Ok(())
}
