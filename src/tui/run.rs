//! The run loop: input → actions → App → effects → frame.
//!
//! Keys, pastes, resizes and signals arrive on one channel; the App turns each into effects;
//! the store writes them; only then is the screen redrawn — only when something changed, in a
//! synchronized update, and ratatui sends only the cells that differ.

use super::action::{Action, Mode};
use super::app::App;
use super::backend::Tty;
use super::effects::Effects;
use super::keymap::Key;
use super::live::Live;
use super::strings::Strings;
use super::terminal::{
    TerminalGuard, libc_sighup, listen_for_signals, require_terminal, terminal_gone,
};
use super::theme::Theme;
use super::{Access, Ended, OnDatabase, Settings, load, view};
use crate::store::{Reviewer, Store};
use anyhow::{Context, Result};
use ratatui::Terminal;
use ratatui::crossterm::event::{self, Event, KeyCode};
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::crossterm::{execute, queue};
use ratatui::layout::Rect;
use std::io::Stdout;
use std::sync::mpsc;
use std::time::{Duration, Instant};

enum Input {
    Terminal(Event),
    /// Events that arrived together (one read of a paste or an input method's burst), sent as
    /// one so that the loop never sees half of them.
    Burst(Vec<Event>),
    /// The terminal went away (read failed): as good as a hang-up.
    Gone,
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
    listen_for_signals(tx.clone(), Input::Signal)?;

    let _guard = TerminalGuard::enter()?;
    let mut terminal =
        Terminal::new(Tty::new(std::io::stdout())).context("cannot draw on this terminal")?;
    read_terminal(tx);

    let mut effects = Effects::new(store, who, access, &app);
    let mut last_move = Instant::now();
    let mut dirty = true;
    size_editor(&mut app, &terminal);
    let mut live = Live::start(&mut effects, who, &mut app)?;
    loop {
        if dirty {
            effects.fill(&mut app);
            if let Err(e) = draw(&mut terminal, &app, &theme) {
                // The terminal is failing (a hang-up on its way): keep what can be kept.
                effects.finish(&mut app);
                return Err(e);
            }
            dirty = false;
        }
        // Wait for input, but look at the database twice a second for other reviewers' work;
        // when idle, keep the reviewer's place (not on every keystroke).
        let first = match rx.recv_timeout(live.wait()) {
            Ok(input) => Some(input),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => Some(Input::Gone),
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
        // Take everything already waiting (an input method's burst, a paste) before drawing.
        let mut inputs = Vec::new();
        for input in std::iter::once(first).chain(rx.try_iter()) {
            match input {
                Input::Burst(events) => inputs.extend(events.into_iter().map(Input::Terminal)),
                other => inputs.push(other),
            }
        }
        let typed_after: Vec<bool> = (0..inputs.len())
            .map(|k| inputs[k + 1..].iter().any(is_typing))
            .collect();
        for (k, input) in inputs.into_iter().enumerate() {
            #[cfg(debug_assertions)]
            if std::env::var_os("KAOHE_TEST_PANIC").is_some() {
                // Debug builds only: proves in a test that a panic restores the terminal.
                panic!("KAOHE_TEST_PANIC");
            }
            let asked = match input {
                // A paste the terminal did not bracket arrives as keys: an Enter with more
                // typing behind it in the same burst is a line break in the text, not "save".
                Input::Terminal(Event::Key(key))
                    if typed_after[k]
                        && key.code == KeyCode::Enter
                        && key.modifiers.is_empty()
                        && matches!(app.mode(), Mode::Editor) =>
                {
                    app.update(Action::NewLine)
                }
                Input::Terminal(Event::Key(key)) => app.key(&key),
                Input::Terminal(Event::Paste(text)) => app.paste(&text),
                Input::Terminal(Event::Resize(..)) => {
                    size_editor(&mut app, &terminal);
                    terminal.autoresize().ok();
                    Vec::new()
                }
                Input::Terminal(_) | Input::Burst(_) => continue,
                Input::Gone => return Ok(stop(&mut effects, &live, &mut app, libc_sighup())),
                Input::Signal(sig) => return Ok(stop(&mut effects, &live, &mut app, sig)),
            };
            dirty = true;
            last_move = Instant::now();
            effects.apply(&mut app, asked);
            if app.quit {
                break;
            }
            if app.conflict().is_some() {
                // A question is on screen: what was typed on after it was not an answer.
                break;
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

/// Reads the terminal on its own thread, so that the loop can wait for input and the
/// database's news at once.
fn read_terminal(tx: mpsc::Sender<Input>) {
    std::thread::spawn(move || {
        loop {
            match event::read() {
                Ok(ev) => {
                    // What arrived with it is read now, and sent with it: an unbracketed paste's
                    // Enter must be seen with the typing behind it, however busy the machine.
                    let mut burst = vec![ev];
                    while let Ok(true) = event::poll(Duration::ZERO) {
                        match event::read() {
                            Ok(ev) => burst.push(ev),
                            Err(_) => break,
                        }
                    }
                    let input = if burst.len() == 1 {
                        Input::Terminal(burst.remove(0))
                    } else {
                        Input::Burst(burst)
                    };
                    if tx.send(input).is_err() {
                        break;
                    }
                }
                Err(_) => {
                    let _ = tx.send(Input::Gone);
                    break;
                }
            }
        }
    });
}

/// A printable key (what a paste sends), as opposed to a command key.
fn is_typing(input: &Input) -> bool {
    matches!(
        input,
        Input::Terminal(Event::Key(k))
            if Key::try_from(k).is_ok_and(|k| k.types_a_character())
    )
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
