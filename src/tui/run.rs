//! The run loop: input → actions → App → effects → frame.
//!
//! Keys, pastes, resizes and signals arrive on one channel (keys and pastes read whole and
//! told apart by `input`); the App turns each into effects; the store writes them; only then
//! is the screen redrawn — only when something changed, in a synchronized update, and ratatui
//! sends only the cells that differ.

use super::app::App;
use super::app::Stopped;
use super::backend::Tty;
use super::effects::{Effects, RETRY_EVERY};
use super::input::{PASTE_LIMIT, Read, Unit, read_terminal};
use super::live::Live;
use super::recovery::Recovery;
use super::strings::Strings;
use super::terminal::{
    Out, TerminalGuard, libc_sighup, libc_sigwinch, listen_for_signals, require_terminal,
    terminal_gone,
};
use super::theme::Theme;
use super::{Access, Ended, OnDatabase, Settings, graphics, load, view};
use crate::store::{Draft, Reviewer, Store};
use anyhow::{Context, Result};
use ratatui::Terminal;
use ratatui::layout::Rect;
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
    // Notes a hang-up kept in a file while the database was locked come back as drafts.
    let recovery = database
        .recovery_dir
        .clone()
        .map(|dir| Recovery::new(dir, &database.path, who));
    let left = recovery.as_ref().map(Recovery::take).unwrap_or_default();
    let mut workspace = load(&store, who)?;
    for (_, l) in &left {
        for d in &l.drafts {
            workspace
                .drafts
                .retain(|w| (&w.county_code, &w.indicator_id) != (&d.county_code, &d.indicator_id));
            // The most recent first: the editor opens on it.
            workspace.drafts.insert(
                0,
                Draft {
                    county_code: d.county_code.clone(),
                    indicator_id: d.indicator_id.clone(),
                    text: d.text.clone(),
                    saved_at: crate::store::now(),
                },
            );
        }
    }
    let mut app = App::new(workspace, Strings::get(settings.lang));
    app.on_database(&database.path, database.shared, database.created);
    app.keymap = settings.keymap;
    app.standard_notes = settings.standard_notes;
    app.pictures = settings.pictures;
    app.set_list_scroll(settings.scroll);
    super::effects::load_stages(&store, access, &mut app)?;
    let _ = super::effects::load_requests(&store, &mut app);
    if access == Access::BrowseOnly {
        app.browse_only(&who.account);
    }
    let drafts_back: usize = left.iter().map(|(_, l)| l.drafts.len()).sum();
    let unwritten: Vec<String> = left.iter().flat_map(|(_, l)| l.unwritten.clone()).collect();
    app.recovered(drafts_back, &unwritten);
    if store.read_only() {
        // Said at once, not at the first mark.
        let path = database.path.display().to_string();
        app.stop_writing(Stopped::ReadOnly { path });
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
    let mut terminal = Terminal::new(Tty::new(Out)).context("cannot draw on this terminal")?;
    read_terminal(tx, Input::Read);

    let mut effects = Effects::new(store, who, access, &app, recovery);
    for (file, l) in left {
        if l.drafts.is_empty() {
            // Only marks named: said above, nothing to write.
            let _ = std::fs::remove_file(file);
        } else {
            effects.recovered(file, &l.drafts);
        }
    }
    effects.watch(&mut app);
    let mut last_move = Instant::now();
    let mut dirty = true;
    size_editor(&mut app, &terminal);
    let mut live = Live::start(&mut effects, who, &mut app)?;
    // The picture a terminal protocol drew last (kitty, iTerm2, sixel), to take off or leave.
    let mut placed: Option<Placed> = None;
    loop {
        if dirty {
            // One size for the frame: measured, filled and drawn at it.
            terminal.backend_mut().settle_size();
            measure_list(&mut app, &terminal);
            effects.fill(&mut app);
            measure_detail(&mut app, &terminal, &theme);
            let drawn = draw(&mut terminal, &app, &theme, &mut placed);
            terminal.backend_mut().size_settled();
            if drawn.is_err() {
                // Writing to the terminal failed: it is gone, as good as a hang-up. Keep what
                // can be kept.
                return Ok(stop(&mut effects, &live, &mut app, libc_sighup()));
            }
            dirty = false;
        }
        // Wait for input, but look at the database twice a second for other reviewers' work;
        // when idle, keep the reviewer's place (not on every keystroke).
        // While writes wait for the lock, look again soon: they are written as it frees.
        let wait = if effects.waiting() {
            live.wait().min(RETRY_EVERY)
        } else {
            live.wait()
        };
        // While a preview is made, look for it often (it shows as soon as it is done).
        let wait = if effects.previewing() {
            wait.min(Duration::from_millis(40))
        } else {
            wait
        };
        let first = match rx.recv_timeout(wait) {
            Ok(input) => Some(input),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => Some(Input::Read(Read::Gone)),
        };
        let Some(first) = first else {
            if terminal_gone() {
                return Ok(stop(&mut effects, &live, &mut app, libc_sighup()));
            }
            dirty |= effects.retry(&mut app);
            dirty |= effects.take_previews(&mut app);
            if app.quit {
                // `q` with writes waiting, and now they are written.
                return Ok(close(&mut effects, &live, &mut app));
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
                    // The screen is drawn anew: a picture sent by a protocol goes with it.
                    if placed.take().is_some() {
                        let off = graphics::remove(app.pictures.protocol);
                        terminal.backend_mut().foreign(off);
                        terminal.backend_mut().set_picture(false);
                    }
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
        dirty |= effects.retry(&mut app);
        dirty |= effects.take_previews(&mut app);
        if app.quit {
            return Ok(close(&mut effects, &live, &mut app));
        }
        dirty |= live.poll(&mut effects, who, &mut app);
    }
}

/// `q`: the notes go to the database (or, the lock held, to a file), the place is kept, and
/// the session leaves the others' view.
fn close(effects: &mut Effects, live: &Live, app: &mut App) -> Ended {
    effects.close(app);
    live.leave(effects);
    Ended::Quit
}

/// Stopped by a signal or a vanished terminal: the reviewer's work is kept and the session
/// leaves the others' view.
fn stop(effects: &mut Effects, live: &Live, app: &mut App, signal: i32) -> Ended {
    effects.finish(app);
    live.leave(effects);
    Ended::Signal(signal)
}

fn size_editor(app: &mut App, terminal: &Terminal<Tty<Out>>) {
    if let Ok(size) = terminal.size() {
        let area = Rect::new(0, 0, size.width, size.height);
        app.editor_width = view::editor_text_width(area);
        app.page_rows = view::summary_page_rows(area, app);
        app.help_rows = view::help_page_rows(area);
        let (w, h) = view::viewer_text_size(area);
        app.set_viewer_size(w, h);
    }
}

/// The counties' list's rows in this window: the items on them are read before the frame.
fn measure_list(app: &mut App, terminal: &Terminal<Tty<Out>>) {
    if let Ok(size) = terminal.size() {
        let area = Rect::new(0, 0, size.width, size.height);
        app.set_list_room(view::list_room(area, app));
    }
}

/// How far the detail pane can scroll in this window (for `J`, PgDn and their kin).
fn measure_detail(app: &mut App, terminal: &Terminal<Tty<Out>>, theme: &Theme) {
    if let Ok(size) = terminal.size() {
        let area = Rect::new(0, 0, size.width, size.height);
        let (most, page) = view::detail_size(area, app, theme);
        app.set_detail_size(most, page);
    }
}

/// A picture drawn by the terminal's protocol: which (its address while its preview lives)
/// and where.
#[derive(PartialEq, Eq)]
struct Placed {
    picture: usize,
    cells: graphics::Cells,
}

fn draw(
    terminal: &mut Terminal<Tty<Out>>,
    app: &App,
    theme: &Theme,
    placed: &mut Option<Placed>,
) -> Result<()> {
    // One synchronized update per frame, pictures and all: the terminal shows it whole,
    // never half-drawn; and a frame that changes nothing sends nothing.
    terminal.backend_mut().begin_frame();
    let drawn = draw_frame(terminal, app, theme, placed);
    let written = terminal.backend_mut().end_frame();
    drawn?;
    written.context("cannot draw on the terminal")
}

fn draw_frame(
    terminal: &mut Terminal<Tty<Out>>,
    app: &App,
    theme: &Theme,
    placed: &mut Option<Placed>,
) -> Result<()> {
    let size = terminal.size().context("cannot draw on the terminal")?;
    let area = Rect::new(0, 0, size.width, size.height);
    let protocol = app.pictures.protocol;
    let wanted = view::protocol_picture(area, app).map(|(cells, picture)| {
        let at = Placed {
            picture: std::ptr::from_ref(picture) as usize,
            cells,
        };
        (at, picture)
    });
    if placed.is_some() && placed.as_ref() != wanted.as_ref().map(|(p, _)| p) {
        // Off with the picture shown: kitty is told; sixel and iTerm2 pictures are cells, so
        // the screen is drawn anew over them.
        terminal.backend_mut().foreign(graphics::remove(protocol));
        if matches!(
            protocol,
            graphics::Protocol::Sixel | graphics::Protocol::Iterm2
        ) {
            terminal.clear()?;
        }
        *placed = None;
        terminal.backend_mut().set_picture(false);
    }
    terminal
        .draw(|frame| super::draw_frame(frame, app, theme))
        .context("cannot draw on the terminal")?;
    if let Some((at, picture)) = wanted {
        if placed.as_ref() != Some(&at) {
            let window = ratatui::backend::Backend::window_size(terminal.backend_mut()).ok();
            let cell = window.map_or((10, 20), |w| {
                graphics::cell_pixels(
                    (w.pixels.width, w.pixels.height),
                    (w.columns_rows.width, w.columns_rows.height),
                )
            });
            let bytes = graphics::encode(protocol, picture, at.cells, cell);
            terminal.backend_mut().foreign(&bytes);
            terminal.backend_mut().set_picture(true);
            *placed = Some(at);
        }
    }
    Ok(())
}
