//! The workspace in process: the App, the store, the view and kaohe's own terminal backend,
//! writing into memory, driven as the run loop drives them. What the real binary adds (the
//! pty, the input reader, the kernel) is measured end to end beside it (`scale.rs`).

use crate::report::{Report, count, ms, spread};
use crate::screen::{self, Snapshot};
use crate::stepping::Run;
use kaohe::model::Verdict;
use kaohe::store::{ReviewWrite, Reviewer, Store, Written};
use kaohe::tui::action::Action;
use kaohe::tui::app::{App, Effect};
use kaohe::tui::backend::Tty;
use kaohe::tui::load;
use kaohe::tui::strings::{Lang, Strings};
use kaohe::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::time::{Duration, Instant};

type Term = Terminal<Tty<Vec<u8>>>;

fn terminal(cols: u16, rows: u16) -> Term {
    Terminal::with_options(
        Tty::new(Vec::<u8>::new()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, cols, rows)),
        },
    )
    .unwrap()
}

/// The workspace on `store`, at 120×40; `steps` keys of continuous stepping from the top and
/// from the middle.
pub fn measure(store: &mut Store, who: &Reviewer, steps: usize, n: usize, report: &mut Report) {
    // Workspace start: load, build the App, draw the first frame.
    let start = Instant::now();
    let ws = load(store, who).unwrap();
    let loaded = start.elapsed();
    let mut app = App::new(ws, Strings::get(Lang::Zh));
    kaohe::tui::fill(store, &mut app);
    let built = start.elapsed();
    let theme = Theme::default();
    let mut terminal = terminal(120, 40);
    terminal
        .draw(|f| kaohe::tui::draw_frame(f, &app, &theme))
        .unwrap();
    report.add(
        format!("{n} units: workspace start to first frame, in process"),
        format!(
            "{} (load {}, App {})",
            ms(start.elapsed()),
            ms(loaded),
            ms(built - loaded)
        ),
        String::new(),
        None,
    );
    let mut vt = screen::parser(120, 40);
    vt.process(terminal.backend_mut().writer_mut());
    terminal.backend_mut().writer_mut().clear();

    // Continuous stepping: from the top, then from the middle (reached without drawing).
    for (from, at) in [("top", 0), ("middle", n / 2)] {
        if at > 0 {
            // From the first county: the run from the top left the cursor where it ended.
            app.update(Action::First);
            for _ in 0..at {
                app.update(Action::NextCounty);
            }
            kaohe::tui::fill(store, &mut app);
            terminal
                .draw(|f| kaohe::tui::draw_frame(f, &app, &theme))
                .unwrap();
            vt.process(terminal.backend_mut().writer_mut());
            terminal.backend_mut().writer_mut().clear();
        }
        let run = step(
            store,
            &mut app,
            &mut terminal,
            &mut vt,
            &theme,
            n,
            at,
            steps,
        );
        if let Some(s) = run.summary() {
            report.add(
                format!("{n} units: down move from the {from}, in process (update, fill, frame)"),
                format!("{}, {}", s.latency_line(), s.keys_line()),
                String::new(),
                None,
            );
            report.add(
                format!("{n} units: bytes per down move from the {from}, in process, 120×40"),
                s.bytes_line(),
                String::new(),
                None,
            );
        }
    }
    app.update(Action::First);

    // Keystroke to frame: moves (j, k, l, h) mixed, as the bench has always measured them.
    let mut moves = Vec::new();
    let keys = [
        Action::NextCounty,
        Action::NextCounty,
        Action::PrevCounty,
        Action::NextIndicator,
        Action::NextCounty,
        Action::PrevIndicator,
        Action::Last,
        Action::First,
        Action::NextTarget,
    ];
    for k in 0..1000 {
        let action = keys[k % keys.len()];
        let start = Instant::now();
        let effects = app.update(action);
        assert!(effects.is_empty());
        kaohe::tui::fill(store, &mut app);
        terminal
            .draw(|f| kaohe::tui::draw_frame(f, &app, &theme))
            .unwrap();
        moves.push(start.elapsed());
        terminal.backend_mut().writer_mut().clear();
    }
    let (p50, p99, max) = spread(moves).unwrap();
    report.add(
        format!("{n} units: keystroke to frame, mixed moves (j j k l j h G g ]), in process"),
        format!("median {}, p99 {}, max {}", ms(p50), ms(p99), ms(max)),
        String::new(),
        None,
    );

    marks(store, who, &mut app, &mut terminal, &theme, n, report);
    search(store, &mut app, &mut terminal, &theme, n, report);
    summary(&mut app, &mut terminal, &theme, n, report);

    let start = Instant::now();
    let status = store.status().unwrap();
    report.add(
        format!(
            "{n} units: status with scores and ranks, in process ({} counties)",
            status.counties.len()
        ),
        ms(start.elapsed()),
        String::new(),
        None,
    );
}

/// `steps` moves down (up from the last county), each drawn, timed and read back.
#[allow(clippy::too_many_arguments)]
fn step(
    store: &mut Store,
    app: &mut App,
    terminal: &mut Term,
    vt: &mut vt100::Parser,
    theme: &Theme,
    len: usize,
    mut at: usize,
    steps: usize,
) -> Run {
    let mut run = Run::default();
    let mut down = true;
    for _ in 0..steps {
        if len < 2 {
            break;
        }
        if down && at + 1 >= len {
            down = false;
        } else if !down && at == 0 {
            down = true;
        }
        let before = Snapshot::of(vt.screen());
        let start = Instant::now();
        app.update(if down {
            Action::NextCounty
        } else {
            Action::PrevCounty
        });
        kaohe::tui::fill(store, app);
        terminal
            .draw(|f| kaohe::tui::draw_frame(f, app, theme))
            .unwrap();
        let took = start.elapsed();
        let out = terminal.backend_mut().writer_mut();
        vt.process(out);
        let bytes = out.len();
        out.clear();
        run.push(took, bytes, before.floor_to(&Snapshot::of(vt.screen())));
        at = if down { at + 1 } else { at - 1 };
    }
    run
}

/// Marks written to SQLite (fsync and all), each with its frame.
fn marks(
    store: &mut Store,
    who: &Reviewer,
    app: &mut App,
    terminal: &mut Term,
    theme: &Theme,
    n: usize,
    report: &mut Report,
) {
    let mut marks_t = Vec::new();
    for k in 0..200 {
        let v = [Verdict::Met, Verdict::PartlyMet, Verdict::NotMet][k % 3];
        let start = Instant::now();
        for effect in app.update(Action::Mark(v)) {
            if let Effect::Review(write) = effect {
                let county = &app.counties[write.at.county].code;
                let indicator = &app.indicators[write.at.indicator].id;
                let mut review = ReviewWrite::new(county, indicator);
                review.verdict = write.verdict;
                review.note = write.note.clone();
                let Written::Saved { change, item } = store.write_review(&review, who).unwrap()
                else {
                    unreachable!("an unconditional write meets no conflict")
                };
                app.written(write, Ok((change, item)));
            }
        }
        kaohe::tui::fill(store, app);
        terminal
            .draw(|f| kaohe::tui::draw_frame(f, app, theme))
            .unwrap();
        terminal.backend_mut().writer_mut().clear();
        marks_t.push(start.elapsed());
    }
    let (p50, p99, max) = spread(marks_t).unwrap();
    report.add(
        format!("{n} units: keystroke to frame, marks (committed), in process"),
        format!("median {}, p99 {}, max {}", ms(p50), ms(p99), ms(max)),
        String::new(),
        None,
    );
}

/// Search, per keystroke, with every note in the index; and the finder's opening.
fn search(
    store: &mut Store,
    app: &mut App,
    terminal: &mut Term,
    theme: &Theme,
    n: usize,
    report: &mut Report,
) {
    let detail = std::env::var_os("KAOHE_BENCH_DETAIL").is_some();
    let mut per_key = Vec::new();
    let mut worst = (Duration::ZERO, String::new());
    let mut opens = Vec::new();
    for query in ["dbbz", "ylfw", "qjq", "佐证", "台账齐全", "zzcl"] {
        // `/` is a keystroke of its own: the notes are read, the finder opens, a frame shows it.
        let start = Instant::now();
        app.open_finder(store.notes().unwrap());
        terminal
            .draw(|f| kaohe::tui::draw_frame(f, app, theme))
            .unwrap();
        terminal.backend_mut().writer_mut().clear();
        opens.push(start.elapsed());
        for c in query.chars() {
            let start = Instant::now();
            app.phrase(&c.to_string());
            let matched = start.elapsed();
            terminal
                .draw(|f| kaohe::tui::draw_frame(f, app, theme))
                .unwrap();
            let took = start.elapsed();
            if detail {
                println!(
                    "  {query} after {c}: match {}, with frame {}",
                    ms(matched),
                    ms(took)
                );
            }
            if took > worst.0 {
                worst = (took, format!("{query}: after {c}"));
            }
            per_key.push(took);
            terminal.backend_mut().writer_mut().clear();
        }
        app.update(Action::SearchClose);
    }
    let (p50, p99, max) = spread(per_key).unwrap();
    report.add(
        format!(
            "{n} units: search per keystroke, in process ({} entries, {} distinct notes)",
            count(app.index.entries().len()),
            count(app.index.notes().len())
        ),
        format!(
            "median {}, p99 {}, max {} (slowest: {})",
            ms(p50),
            ms(p99),
            ms(max),
            worst.1
        ),
        String::new(),
        None,
    );
    let (p50, _, max) = spread(opens).unwrap();
    report.add(
        format!("{n} units: search open, `/` (read and index the notes, frame), in process"),
        format!("median {}, max {}", ms(p50), ms(max)),
        String::new(),
        None,
    );
    app.update(Action::SearchClose);
}

/// The summary screen: scores and ranks of every county, and the frame.
fn summary(app: &mut App, terminal: &mut Term, theme: &Theme, n: usize, report: &mut Report) {
    let mut opens = Vec::new();
    let mut moves = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        app.update(Action::OpenSummary);
        terminal
            .draw(|f| kaohe::tui::draw_frame(f, app, theme))
            .unwrap();
        opens.push(start.elapsed());
        for _ in 0..10 {
            let start = Instant::now();
            app.update(Action::PageDown);
            terminal
                .draw(|f| kaohe::tui::draw_frame(f, app, theme))
                .unwrap();
            moves.push(start.elapsed());
        }
        app.update(Action::CloseSummary);
    }
    terminal.backend_mut().writer_mut().clear();
    let (p50, _, max) = spread(opens).unwrap();
    let (m50, m99, _) = spread(moves).unwrap();
    report.add(
        format!("{n} units: summary open, `s`, and its page down, in process"),
        format!(
            "open median {}, max {}; page down median {}, p99 {}",
            ms(p50),
            ms(max),
            ms(m50),
            ms(m99)
        ),
        String::new(),
        None,
    );
}
