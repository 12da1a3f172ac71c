#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The budgets of kaohe at 6, 90 and 2,844 county-level units, measured.
//!
//!     cargo bench --bench scale                 # 6, 90 and 2,844 units
//!     cargo bench --bench scale -- 2844         # one size
//!     cargo bench --bench scale -- 2844 --keep /tmp/national   # keep the data and database
//!
//! In-process figures drive the library as the workspace does (App, store, view, the same
//! terminal backend writing into memory); end-to-end figures run the real binary in a
//! pseudo-terminal and read its screen back with vt100. See BENCHMARKS.md.

mod data;

use kaohe::catalog::{self, Catalog};
use kaohe::model::Verdict;
use kaohe::store::{ReviewWrite, Reviewer, Seed, Store, Written};
use kaohe::tui::action::Action;
use kaohe::tui::app::{App, Effect};
use kaohe::tui::backend::Tty;
use kaohe::tui::strings::{Lang, Strings};
use kaohe::tui::theme::Theme;
use kaohe::tui::{load, view};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let keep = args
        .iter()
        .position(|a| a == "--keep")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let sizes: Vec<usize> = args
        .iter()
        .filter_map(|a| a.parse().ok())
        .collect::<Vec<_>>();
    let sizes = if sizes.is_empty() {
        vec![6, 90, 2844]
    } else {
        sizes
    };
    for n in sizes {
        run(n, keep.as_deref());
    }
}

fn who() -> Reviewer {
    Reviewer {
        name: "基准".into(),
        account: "bench".into(),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// (median, p99, max) of durations.
fn spread(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99), *v.last().unwrap())
}

fn run(n: usize, keep: Option<&str>) {
    let temp = tempfile::tempdir().unwrap();
    let dir = match keep {
        Some(k) => {
            let d = Path::new(k).join(n.to_string());
            std::fs::create_dir_all(&d).unwrap();
            d
        }
        None => temp.path().to_path_buf(),
    };
    let mut rng = data::Rng::new(2014);
    let catalog = Catalog::embedded_2014().unwrap();
    let counties_text = data::counties_csv(n, &mut rng);
    let submissions = data::submissions_csv(&catalog, &counties_text, &mut rng);
    std::fs::write(dir.join("counties.csv"), &counties_text).unwrap();
    std::fs::write(dir.join("submissions.csv"), &submissions).unwrap();
    let rows = submissions.lines().count() - 1;
    println!(
        "\n## {n} units × {} indicators = {rows} submissions",
        catalog.indicators().count()
    );

    // Import: read, check and write the whole sheet (what `kaohe import` does).
    let db = dir.join("kaohe.db");
    let _ = std::fs::remove_file(&db);
    let counties = catalog::parse_counties(&counties_text, "counties.csv").unwrap();
    let seed = Seed {
        catalog: catalog.clone(),
        counties,
        submissions: None,
    };
    let mut store = Store::create(&db, &seed, &who()).unwrap();
    let start = Instant::now();
    let lookup = store.lookup().unwrap();
    let parsed =
        kaohe::formats::import::parse_csv(&submissions, "submissions.csv", &lookup).unwrap();
    store
        .import_submissions(&parsed, "submissions.csv", &who())
        .unwrap();
    println!(
        "import (CSV, parse + check + write): {}",
        ms(start.elapsed())
    );

    // A tenth of the items reviewed, with notes, as a bureau midway through.
    let mut rng = data::Rng::new(7);
    let ids: Vec<String> = catalog.indicators().map(|i| i.id.clone()).collect();
    let codes: Vec<String> = counties_text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next().map(str::to_string))
        .collect();
    let start = Instant::now();
    let marks = (rows / 10).max(1);
    // Notes: most from the standard bank, a third written freely (each one different).
    let mut free = Vec::with_capacity(marks);
    for k in 0..marks {
        free.push(format!(
            "{}第{}项复核：{}",
            rng.pick(&["经查", "据台账", "现场核实", "抽查"]),
            k,
            rng.pick(&["数据与年报一致", "缺少签字盖章", "口径需统一", "材料已补齐"])
        ));
    }
    let mut reviews = Vec::with_capacity(marks);
    for (k, free_note) in free.iter().enumerate() {
        let c = rng.pick(&codes).as_str();
        let i = rng.pick(&ids).as_str();
        let v = *rng.pick(&[
            Verdict::Met,
            Verdict::Met,
            Verdict::PartlyMet,
            Verdict::NotMet,
        ]);
        let note = *rng.pick(&[
            "",
            "台账齐全",
            "佐证材料不足",
            "数据口径不一致",
            "经现场核实",
        ]);
        let note = if k % 3 == 0 { free_note.as_str() } else { note };
        reviews.push(ReviewWrite::new(c, i).verdict(Some(v)).note(note));
    }
    store.write_reviews(&reviews, &who()).unwrap();
    println!(
        "(setup: {marks} reviews written in {})",
        ms(start.elapsed())
    );

    // Workspace start: load, build the App, draw the first frame.
    let start = Instant::now();
    let ws = load(&store, &who()).unwrap();
    let loaded = start.elapsed();
    let mut app = App::new(ws, Strings::get(Lang::Zh));
    kaohe::tui::fill(&mut store, &mut app);
    let built = start.elapsed();
    let theme = Theme::default();
    let mut terminal = Terminal::with_options(
        Tty::new(Vec::<u8>::new()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 120, 40)),
        },
    )
    .unwrap();
    terminal.draw(|f| view::draw(f, &app, &theme)).unwrap();
    println!(
        "workspace start to first frame (in process): {} (load {}, App {})",
        ms(start.elapsed()),
        ms(loaded),
        ms(built - loaded)
    );
    let first_frame = terminal.backend_mut().writer_mut().len();
    terminal.backend_mut().writer_mut().clear();

    // Keystroke to frame: moves (j, k, l, h) and marks (written to SQLite, fsync and all).
    let mut moves = Vec::new();
    let mut bytes = Vec::new();
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
        kaohe::tui::fill(&mut store, &mut app);
        terminal.draw(|f| view::draw(f, &app, &theme)).unwrap();
        moves.push(start.elapsed());
        if matches!(action, Action::NextCounty | Action::PrevCounty) {
            bytes.push(terminal.backend_mut().writer_mut().len());
        }
        terminal.backend_mut().writer_mut().clear();
    }
    let (p50, p99, max) = spread(moves);
    println!(
        "keystroke to frame, moves: median {}, p99 {}, max {}",
        ms(p50),
        ms(p99),
        ms(max)
    );
    bytes.sort();
    println!(
        "bytes per county move at 120×40: median {}, max {} (first frame {first_frame})",
        bytes[bytes.len() / 2],
        bytes.last().unwrap()
    );
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
                let Written::Saved { change, item } = store.write_review(&review, &who()).unwrap()
                else {
                    unreachable!("an unconditional write meets no conflict")
                };
                app.written(write, Ok((change, item)));
            }
        }
        kaohe::tui::fill(&mut store, &mut app);
        terminal.draw(|f| view::draw(f, &app, &theme)).unwrap();
        terminal.backend_mut().writer_mut().clear();
        marks_t.push(start.elapsed());
    }
    let (p50, p99, max) = spread(marks_t);
    println!(
        "keystroke to frame, marks (committed): median {}, p99 {}, max {}",
        ms(p50),
        ms(p99),
        ms(max)
    );

    // Search, per keystroke, with every note in the index.
    let mut per_key = Vec::new();
    let mut worst = (Duration::ZERO, String::new());
    let mut opens = Vec::new();
    for query in ["dbbz", "ylfw", "qjq", "佐证", "台账齐全", "zzcl"] {
        // `/` is a keystroke of its own: the notes are read, the finder opens, a frame shows it.
        let start = Instant::now();
        app.open_finder(store.notes().unwrap());
        terminal.draw(|f| view::draw(f, &app, &theme)).unwrap();
        terminal.backend_mut().writer_mut().clear();
        opens.push(start.elapsed());
        for c in query.chars() {
            let start = Instant::now();
            app.phrase(&c.to_string());
            let matched = start.elapsed();
            terminal.draw(|f| view::draw(f, &app, &theme)).unwrap();
            let took = start.elapsed();
            if std::env::var_os("KAOHE_BENCH_DETAIL").is_some() {
                let mut fresh = Terminal::with_options(
                    Tty::new(Vec::<u8>::new()),
                    TerminalOptions {
                        viewport: Viewport::Fixed(Rect::new(0, 0, 120, 40)),
                    },
                )
                .unwrap();
                let t = Instant::now();
                fresh.draw(|f| view::draw(f, &app, &theme)).unwrap();
                println!("  (the frame on a fresh terminal: {})", ms(t.elapsed()));
                let again = Instant::now();
                terminal.draw(|f| view::draw(f, &app, &theme)).unwrap();
                println!(
                    "  {query} after {c}: match {}, with frame {} (the same frame again: {})",
                    ms(matched),
                    ms(took),
                    ms(again.elapsed())
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
    let (p50, p99, max) = spread(per_key);
    println!(
        "search per keystroke ({} entries, {} distinct notes on {} items): median {}, p99 {}, max {}",
        app.index.entries().len(),
        app.index.notes().len(),
        app.index
            .notes()
            .iter()
            .map(|g| g.items.len())
            .sum::<usize>(),
        ms(p50),
        ms(p99),
        ms(max)
    );
    println!("  (slowest: {})", worst.1);
    if std::env::var_os("KAOHE_BENCH_DETAIL").is_some() {
        for q in ["y", "d", "台", "yl"] {
            let start = Instant::now();
            let found = app.index.search(q, None);
            let searched = start.elapsed();
            let n = found.len(&app.index);
            println!(
                "  index.search({q}): {} ({} entries, {} note groups, {n} hits)",
                ms(searched),
                found.entries.len(),
                found.notes.len()
            );
        }
    }
    let (p50, _, max) = spread(opens);
    println!(
        "search open, `/` (read and index the notes, frame): median {}, max {}",
        ms(p50),
        ms(max)
    );
    app.update(Action::SearchClose);

    // The summary screen: scores and ranks of every county, and the frame.
    let mut opens = Vec::new();
    let mut moves = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        app.update(Action::OpenSummary);
        terminal.draw(|f| view::draw(f, &app, &theme)).unwrap();
        opens.push(start.elapsed());
        for _ in 0..10 {
            let start = Instant::now();
            app.update(Action::PageDown);
            terminal.draw(|f| view::draw(f, &app, &theme)).unwrap();
            moves.push(start.elapsed());
        }
        app.update(Action::CloseSummary);
    }
    let (p50, _, max) = spread(opens);
    let (m50, m99, _) = spread(moves);
    println!(
        "summary open, `s` (score and rank {} counties, frame): median {}, max {}; page down: median {}, p99 {}",
        app.counties.len(),
        ms(p50),
        ms(max),
        ms(m50),
        ms(m99)
    );
    let start = Instant::now();
    let status = store.status().unwrap();
    println!(
        "status with scores and ranks ({} counties): {}",
        status.counties.len(),
        ms(start.elapsed())
    );

    // Export: the items read from the database as they are written.
    let results = || kaohe::formats::export::Results {
        items: &store,
        catalog: store.catalog().unwrap(),
        status: store.status().unwrap(),
        people: store.people().unwrap(),
    };
    let start = Instant::now();
    let r = results();
    let mut out = Vec::new();
    let rows = kaohe::formats::export::write_csv(&r, &mut out).unwrap();
    println!(
        "export CSV ({rows} rows, {} bytes): {}",
        out.len(),
        ms(start.elapsed())
    );
    let start = Instant::now();
    let r = results();
    let mut out = Vec::new();
    let written = kaohe::formats::export::write_xlsx(&r, &mut out).unwrap();
    println!(
        "export XLSX ({} rows, {} bytes): {}",
        written.items,
        out.len(),
        ms(start.elapsed())
    );
    drop(store);

    end_to_end(&db);
}

/// The real binary in a pseudo-terminal: start to first full frame, a move's bytes, peak memory.
fn end_to_end(db: &Path) {
    let home = tempfile::tempdir().unwrap();
    let mut times = Vec::new();
    let mut peak = 0;
    for _ in 0..5 {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kaohe"));
        cmd.arg("--db");
        cmd.arg(db);
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("TERM", "xterm-256color");
        let start = Instant::now();
        let mut child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let r = raw.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        // The first frame is complete when its synchronized update closes.
        loop {
            if String::from_utf8_lossy(&raw.lock().unwrap()).contains("\u{1b}[?2026l") {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "no first frame");
            std::thread::sleep(Duration::from_micros(200));
        }
        times.push(start.elapsed());
        let mut writer = pair.master.take_writer().unwrap();
        for _ in 0..50 {
            writer.write_all(b"jl").unwrap();
        }
        writer.write_all(b"/dbbz").unwrap();
        writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(500));
        if let Some(pid) = child.process_id() {
            if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
                if let Some(kb) = status
                    .lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse::<u64>().ok())
                {
                    peak = peak.max(kb);
                }
            }
        }
        // Ctrl-C closes the finder, a second quits (ESC then q would read as Alt-q).
        writer.write_all(b"\x03\x03").unwrap();
        writer.flush().unwrap();
        let _ = child.wait();
    }
    let (p50, _, max) = spread(times);
    println!(
        "workspace start to first frame (real binary, pty): median {}, max {}",
        ms(p50),
        ms(max)
    );
    println!(
        "peak memory of the workspace (VmHWM): {:.1} MB",
        peak as f64 / 1024.0
    );
}
