//! The full-screen review workspace.
//!
//! Keys, pastes, resizes and signals arrive on one channel; the App turns each into effects;
//! the store writes them; only then is the screen redrawn — only when something changed, in a
//! synchronized update, and ratatui sends only the cells that differ.

pub mod action;
pub mod app;
pub mod backend;
pub mod editor;
pub mod keymap;
pub mod strings;
pub mod theme;
pub mod view;

use crate::store::{ReviewWrite, Reviewer, Store, Written};
use anyhow::{Context, Result, bail};
use app::{App, Effect, Workspace, Write};
use backend::Tty;
use ratatui::Terminal;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyCode, KeyModifiers,
};
use ratatui::crossterm::terminal::{
    self, BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen,
};
use ratatui::crossterm::{cursor, execute, queue};
use ratatui::layout::Rect;
use std::io::{IsTerminal, Stdout, Write as _};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use strings::{Lang, Strings};
use theme::Theme;

/// How the workspace ended: the process's exit status follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// `q`: exit 0.
    Quit,
    /// A signal (SIGHUP when the SSH connection dropped, SIGTERM …): exit 128 + its number.
    Signal(i32),
}

enum Input {
    Terminal(Event),
    /// Events that arrived together (one read of a paste or an input method's burst), sent as
    /// one so that the loop never sees half of them.
    Burst(Vec<Event>),
    /// The terminal went away (read failed): as good as a hang-up.
    Gone,
    Signal(i32),
}

/// The App on a store, with the items its first screen shows already read (what the run
/// loop does before every frame; for tests and benchmarks).
pub fn open(store: &mut Store, who: &Reviewer, strings: &'static Strings) -> Result<App> {
    let mut app = App::new(load(store, who)?, strings);
    fill(store, &mut app);
    Ok(app)
}

/// Loads what the screen needs from the store.
pub fn load(store: &Store, who: &Reviewer) -> Result<Workspace> {
    Ok(Workspace {
        catalog: store.catalog()?,
        counties: store.counties()?,
        reviews: store.review_states()?,
        drafts: store.drafts(who)?,
        position: store.position(who)?,
        reviewer: who.name.clone(),
    })
}

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

/// How the reviewer set the workspace up: language, theme, keys, standard notes. Everything
/// here is read and checked before the terminal is touched.
pub struct Settings {
    pub lang: Lang,
    pub theme: Theme,
    pub keymap: keymap::Keymap,
    pub standard_notes: Vec<String>,
}

/// Runs the workspace on the terminal until the reviewer quits or a signal stops it.
pub fn run(mut store: Store, who: &Reviewer, settings: Settings) -> Result<Ended> {
    require_terminal()?;
    let mut app = App::new(load(&store, who)?, Strings::get(settings.lang));
    app.keymap = settings.keymap;
    app.standard_notes = settings.standard_notes;
    let theme = settings.theme;
    let (tx, rx) = mpsc::channel();
    listen_for_signals(tx.clone())?;

    let _guard = TerminalGuard::enter()?;
    let mut terminal =
        Terminal::new(Tty::new(std::io::stdout())).context("cannot draw on this terminal")?;
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

    let mut saved_position = app.position();
    let mut last_move = Instant::now();
    let mut dirty = true;
    size_editor(&mut app, &terminal);
    let mut live = Live::start(&mut store, who, &mut app)?;
    loop {
        if dirty {
            fill(&mut store, &mut app);
            if let Err(e) = draw(&mut terminal, &app, &theme) {
                // The terminal is failing (a hang-up on its way): keep what can be kept.
                finish(&mut store, who, &mut app, None, &mut saved_position);
                return Err(e);
            }
            dirty = false;
        }
        // Wait for input, but look at the database twice a second for other reviewers' work;
        // when idle, keep the reviewer's place (not on every keystroke).
        let first = match rx.recv_timeout(live.every.min(Live::HEARTBEAT / 4)) {
            Ok(input) => Some(input),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => Some(Input::Gone),
        };
        let Some(first) = first else {
            if terminal_gone() {
                finish(&mut store, who, &mut app, None, &mut saved_position);
                live.leave(&mut store);
                return Ok(Ended::Signal(libc_sighup()));
            }
            live.present(&mut store, who, &app);
            if live.polled.elapsed() >= live.every {
                dirty |= live.poll(&mut store, who, &mut app);
            }
            if app.position() != saved_position && last_move.elapsed() >= Duration::from_secs(1) {
                keep_position(&mut store, who, &app, &mut saved_position);
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
        let mut pending_draft: Option<Effect> = None;
        let typed_after: Vec<bool> = (0..inputs.len())
            .map(|k| inputs[k + 1..].iter().any(is_typing))
            .collect();
        for (k, input) in inputs.into_iter().enumerate() {
            #[cfg(debug_assertions)]
            if std::env::var_os("KAOHE_TEST_PANIC").is_some() {
                // Debug builds only: proves in a test that a panic restores the terminal.
                panic!("KAOHE_TEST_PANIC");
            }
            let effects = match input {
                // A paste the terminal did not bracket arrives as keys: an Enter with more
                // typing behind it in the same burst is a line break in the text, not "save".
                Input::Terminal(Event::Key(key))
                    if typed_after[k]
                        && key.code == KeyCode::Enter
                        && key.modifiers.is_empty()
                        && matches!(app.mode(), action::Mode::Editor) =>
                {
                    app.update(action::Action::NewLine)
                }
                Input::Terminal(Event::Key(key)) => app.key(&key),
                Input::Terminal(Event::Paste(text)) => app.paste(&text),
                Input::Terminal(Event::Resize(..)) => {
                    size_editor(&mut app, &terminal);
                    terminal.autoresize().ok();
                    Vec::new()
                }
                Input::Terminal(_) | Input::Burst(_) => continue,
                Input::Gone => {
                    finish(
                        &mut store,
                        who,
                        &mut app,
                        pending_draft.take(),
                        &mut saved_position,
                    );
                    live.leave(&mut store);
                    return Ok(Ended::Signal(libc_sighup()));
                }
                Input::Signal(sig) => {
                    finish(
                        &mut store,
                        who,
                        &mut app,
                        pending_draft.take(),
                        &mut saved_position,
                    );
                    live.leave(&mut store);
                    return Ok(Ended::Signal(sig));
                }
            };
            dirty = true;
            last_move = Instant::now();
            for effect in effects {
                match effect {
                    // Drafts are kept once per burst of typing, after the burst; a draft of
                    // another item first writes the one waiting.
                    Effect::SaveDraft { at, .. } | Effect::DiscardDraft { at } => {
                        if let Some(waiting) = pending_draft.take() {
                            if draft_item(&waiting) != Some(at) {
                                apply(&mut store, who, &mut app, waiting);
                            }
                        }
                        pending_draft = Some(effect);
                    }
                    Effect::Review(write) => {
                        if let Some(d) = pending_draft.take() {
                            apply(&mut store, who, &mut app, d);
                        }
                        review(&mut store, who, &mut app, write);
                    }
                    Effect::LoadNotes => match store.notes() {
                        Ok(notes) => app.open_finder(notes),
                        Err(e) => app.read_failed(one_line(&e)),
                    },
                    Effect::LoadHistory(at) => {
                        let (county_code, indicator) = ids(&app, at);
                        let filter = crate::store::LogFilter {
                            county_code: Some(county_code),
                            indicator: Some(indicator),
                            ..Default::default()
                        };
                        match store.log_where(&filter) {
                            Ok(events) => app.history_loaded(at, events),
                            Err(e) => app.read_failed(one_line(&e)),
                        }
                    }
                }
            }
            if app.quit {
                break;
            }
            if app.conflict().is_some() {
                // A question is on screen: what was typed on after it was not an answer.
                break;
            }
        }
        if let Some(d) = pending_draft.take() {
            apply(&mut store, who, &mut app, d);
        }
        if app.quit {
            keep_position(&mut store, who, &app, &mut saved_position);
            live.leave(&mut store);
            return Ok(Ended::Quit);
        }
        dirty |= live.poll(&mut store, who, &mut app);
    }
}

/// Other reviewers, seen live: their commits (SQLite's `data_version` moves), the log events
/// they added, new imports, and where they are (the `sessions` table).
struct Live {
    /// How often an idle workspace looks (`KAOHE_POLL_MS`, default 500 ms).
    every: Duration,
    session: String,
    data_version: i64,
    last_event: i64,
    last_import: i64,
    sent: Option<crate::store::Presence>,
    sent_at: Instant,
    polled: Instant,
}

impl Live {
    /// How often an idle workspace looks: other reviewers' work shows within a second.
    const EVERY: Duration = Duration::from_millis(500);

    /// The polling interval: `KAOHE_POLL_MS` may set it (between 50 ms and an hour), for a
    /// quieter workspace on a loaded server, or for tests.
    fn interval() -> Duration {
        std::env::var("KAOHE_POLL_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(Self::EVERY, |ms| {
                Duration::from_millis(ms.clamp(50, 3_600_000))
            })
    }
    /// Presence is refreshed at least this often; a minute without marks a session gone.
    const HEARTBEAT: Duration = Duration::from_secs(20);
    /// A new place is written no more often than this.
    const PRESENCE_EVERY: Duration = Duration::from_secs(1);

    fn start(store: &mut Store, who: &Reviewer, app: &mut App) -> Result<Live> {
        let mut live = Live {
            every: Self::interval(),
            session: format!("{}/{}/{}", who.account, who.name, std::process::id()),
            data_version: store.data_version()?,
            last_event: store.last_event()?,
            last_import: store.last_import()?,
            sent: None,
            sent_at: Instant::now(),
            polled: Instant::now(),
        };
        live.present(store, who, app);
        if let Ok(others) = store.others(&live.session) {
            app.set_others(others);
        }
        Ok(live)
    }

    fn present(&mut self, store: &mut Store, who: &Reviewer, app: &App) {
        let here = app.presence();
        // A move is told at most once a second (a write with its fsync on every keystroke would
        // cost each key a few milliseconds); the idle look writes the last place soon after.
        let since = self.sent_at.elapsed();
        let moved = here != self.sent && since >= Self::PRESENCE_EVERY;
        if moved || since >= Self::HEARTBEAT {
            // Presence is a courtesy: failing to write it must not stop the work.
            if store.present(&self.session, who, here.as_ref()).is_ok() {
                self.sent = here;
                self.sent_at = Instant::now();
            }
        }
    }

    /// Brings in what others did since the last look; true if the screen must change.
    fn poll(&mut self, store: &mut Store, who: &Reviewer, app: &mut App) -> bool {
        self.polled = Instant::now();
        self.present(store, who, app);
        let Ok(version) = store.data_version() else {
            return false;
        };
        if version == self.data_version {
            return false;
        }
        self.data_version = version;
        if let Ok(import) = store.last_import() {
            if import != self.last_import {
                self.last_import = import;
                app.forget_cached();
                match store.changed_since_review() {
                    Ok(stale) => app.set_stale_items(&stale),
                    Err(e) => app.read_failed(format!("{e:#}")),
                }
            }
        }
        let filter = crate::store::LogFilter {
            after: self.last_event,
            ..Default::default()
        };
        if let Ok(events) = store.log_where(&filter) {
            for e in &events {
                self.last_event = self.last_event.max(e.seq);
                // My own changes are on screen already (in this or another of my sessions,
                // they show without a message).
                let me = e.reviewer == who.name && e.account == who.account;
                if let Ok(item) = store.item(&e.county_code, &e.indicator) {
                    if me {
                        app.refresh_item(&e.county_code, &e.indicator, item);
                    } else {
                        app.changed_by_other(e, item);
                    }
                }
            }
        }
        if let Ok(others) = store.others(&self.session) {
            app.set_others(others);
        }
        true
    }

    fn leave(&self, store: &mut Store) {
        let _ = store.leave(&self.session);
    }
}

/// Reads the items the screen is about to show and the App has not read yet.
pub fn fill(store: &mut Store, app: &mut App) {
    for _ in 0..4 {
        let Some((indicator, from, to)) = app.missing() else {
            return;
        };
        let id = app.indicators[indicator].id.clone();
        match store.items_range(&id, from, to) {
            Ok(items) if !items.is_empty() => app.loaded(items),
            Ok(_) => return,
            Err(e) => {
                app.read_failed(one_line(&e));
                return;
            }
        }
    }
}

fn libc_sighup() -> i32 {
    signal_hook::consts::SIGHUP
}

/// A printable key (what a paste sends), as opposed to a command key.
fn is_typing(input: &Input) -> bool {
    matches!(
        input,
        Input::Terminal(Event::Key(k))
            if matches!(k.code, KeyCode::Char(_))
                && !k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    )
}

/// Whether the terminal hung up: its input reports a hang-up or error. crossterm's reader
/// spins rather than fail when the terminal vanishes without a SIGHUP, so this is checked
/// whenever the workspace is idle.
fn terminal_gone() -> bool {
    let mut fd = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout.
    let n = unsafe { libc::poll(&mut fd, 1, 0) };
    n > 0 && fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
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

fn review(store: &mut Store, who: &Reviewer, app: &mut App, write: Write) {
    let county = &app.counties[write.at.county].code;
    let indicator = &app.indicators[write.at.indicator].id;
    let mut review = ReviewWrite::new(county, indicator)
        .expecting(write.expected.clone())
        // Undo and redo put back a verdict as it was, on the figure it was given on.
        .putting_back(match &write.why {
            app::Why::Undo(c) => c.before.revision,
            app::Why::Redo(c) => c.after.revision,
            _ => None,
        });
    review.verdict = write.verdict;
    review.note = write.note.clone();
    review.drops_draft = write.why == app::Why::Note;
    match store.write_review(&review, who) {
        Ok(Written::Saved { change, item }) => app.written(write, Ok((change, item))),
        Ok(Written::Conflict { now }) => app.changed_underneath(write, now),
        Err(e) => app.written(write, Err(one_line(&e))),
    }
}

fn apply(store: &mut Store, who: &Reviewer, app: &mut App, effect: Effect) {
    let result = match &effect {
        Effect::SaveDraft { at, text } => {
            let (c, i) = ids(app, *at);
            store.save_draft(who, &c, &i, text)
        }
        Effect::DiscardDraft { at } => {
            let (c, i) = ids(app, *at);
            store.discard_draft(who, &c, &i)
        }
        Effect::Review(write) => {
            review(store, who, app, write.clone());
            Ok(())
        }
        Effect::LoadHistory(_) | Effect::LoadNotes => Ok(()),
    };
    if let Err(e) = result {
        app.draft_failed(one_line(&e));
    }
}

fn draft_item(effect: &Effect) -> Option<app::Cursor> {
    match effect {
        Effect::SaveDraft { at, .. } | Effect::DiscardDraft { at } => Some(*at),
        Effect::Review(_) | Effect::LoadHistory(_) | Effect::LoadNotes => None,
    }
}

fn ids(app: &App, at: app::Cursor) -> (String, String) {
    (
        app.counties[at.county].code.clone(),
        app.indicators[at.indicator].id.clone(),
    )
}

fn one_line(e: &anyhow::Error) -> String {
    format!("{e:#}").replace(['\n', '\r'], " ")
}

fn keep_position(
    store: &mut Store,
    who: &Reviewer,
    app: &App,
    saved: &mut Option<crate::store::Position>,
) {
    if let Some(p) = app.position() {
        if saved.as_ref() != Some(&p) && store.save_position(who, &p).is_ok() {
            *saved = Some(p);
        }
    }
}

/// Before stopping on a signal: the draft being typed and the reviewer's place go to the
/// database first.
fn finish(
    store: &mut Store,
    who: &Reviewer,
    app: &mut App,
    pending: Option<Effect>,
    saved: &mut Option<crate::store::Position>,
) {
    if let Some(d) = pending {
        apply(store, who, app, d);
    }
    if let Some(e) = app.editor() {
        let (c, i) = ids(app, e.at);
        let text = e.buffer.text();
        if text != e.saved {
            let _ = store.save_draft(who, &c, &i, &text);
        }
    }
    keep_position(store, who, app, saved);
}

fn listen_for_signals(tx: mpsc::Sender<Input>) -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT, SIGQUIT])
        .context("cannot listen for signals")?;
    std::thread::spawn(move || {
        for sig in signals.forever() {
            if tx.send(Input::Signal(sig)).is_err() {
                break;
            }
        }
    });
    Ok(())
}

/// Raw mode and the alternate screen while the workspace runs; the terminal as it was after,
/// however the workspace ends (return, error or panic).
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
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
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}
