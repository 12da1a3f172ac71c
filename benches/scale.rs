#![allow(clippy::unwrap_used, clippy::expect_used)]
//! kaohe at 6, 90, 2,844 and 28,440 county-level units, measured end to end and beside its
//! anchors, every figure printed beside its limit (issue 19).
//!
//!     cargo bench --bench scale                  # 6, 90 and 2,844 units
//!     cargo bench --bench scale -- 28440         # one size (ten times national)
//!     cargo bench --bench scale -- 2844 --keep /tmp/national   # keep the data and database
//!
//! Options: `--runs N` (import, CSV export and `status`, each interleaved with its anchor;
//! default 3, 1 above national; the JSON and XLSX exports run once),
//! `--steps N` (keys of continuous stepping, default 1,000), `--help-key auto|j|PageDown|…`
//! (the key that pages the help overlay; auto: PageDown where it pages, else j),
//! `--viewers-from N`, `--viewers-up-to N` (the sizes VisiData and csvlens step through;
//! default 2,844 only, where the issue compares them),
//! `--quiet MS` (how long without output ends a viewer's frame; default 30), `--no-anchors`,
//! `--only import|moves` (one part: the import beside its anchor, or the workspace in a pty
//! after one import, beside VisiData and csvlens; for working on one figure).
//!
//! In process: the App, the store, the view and kaohe's terminal backend writing into memory.
//! End to end: the release binary in a pseudo-terminal, its frames read back with vt100; batch
//! jobs as child processes with their peak memory (GNU time's maximum resident set, else
//! wait4's). Anchors where installed: sqlite3, VisiData (`vd`), csvlens. See BENCHMARKS.md.

mod anchors;
mod batch;
mod data;
mod inprocess;
mod pty;
mod report;
mod screen;
mod stepping;

use batch::Job;
use kaohe::catalog::Catalog;
use kaohe::model::Verdict;
use kaohe::store::{ReviewWrite, Reviewer, Store};
use portable_pty::CommandBuilder;
use pty::{Done, Session};
use report::{Report, count, mb, ms};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use stepping::{Keys, Summary};

/// National scale: the county-level units of the country.
const NATIONAL: usize = 2844;
/// The issue's limits.
const MOVE_P50_MS: f64 = 1.0;
const MOVE_P99_MS: f64 = 2.5;
const BEYOND_NATIONAL: f64 = 1.5;
const FLOOR_RATIO: f64 = 1.2;
const BATCH_PEAK_KIB: u64 = 100 * 1024;
const IMPORT_RATIO: f64 = 2.0;
const EXPORT_RATIO: f64 = 1.2;
const STATUS_RATIO: f64 = 1.5;

struct Options {
    sizes: Vec<usize>,
    keep: Option<PathBuf>,
    runs: Option<usize>,
    steps: usize,
    help_key: String,
    viewers_from: usize,
    viewers_up_to: usize,
    quiet: Duration,
    anchors: bool,
    /// One part of the bench only: `import` or `moves`.
    only: Option<String>,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let number = |name: &str, default: usize| {
        value(name)
            .and_then(|v| v.replace([',', '_'], "").parse().ok())
            .unwrap_or(default)
    };
    let flags = [
        "--keep",
        "--runs",
        "--steps",
        "--help-key",
        "--viewers-from",
        "--viewers-up-to",
        "--quiet",
        "--only",
    ];
    let mut sizes = Vec::new();
    let mut k = 0;
    while k < args.len() {
        if flags.contains(&args[k].as_str()) {
            k += 2;
            continue;
        }
        // `cargo bench` passes `--bench` to a bench binary.
        if let Ok(n) = args[k].replace([',', '_'], "").parse::<usize>() {
            sizes.push(n);
        }
        k += 1;
    }
    if sizes.is_empty() {
        sizes = vec![6, 90, NATIONAL];
    }
    Options {
        sizes,
        keep: value("--keep").map(PathBuf::from),
        runs: value("--runs").and_then(|v| v.parse().ok()),
        steps: number("--steps", 1000),
        help_key: value("--help-key").unwrap_or_else(|| "auto".into()),
        viewers_from: number("--viewers-from", NATIONAL),
        viewers_up_to: number("--viewers-up-to", NATIONAL),
        quiet: Duration::from_millis(number("--quiet", 30) as u64),
        anchors: !args.iter().any(|a| a == "--no-anchors"),
        only: value("--only"),
    }
}

fn main() {
    let opts = options();
    let began = Instant::now();
    println!(
        "# kaohe scale bench: sizes {:?}, load {} ({} cores)",
        opts.sizes,
        report::load(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut report = Report::default();
    for &n in &opts.sizes {
        run(n, &opts, &mut report);
    }
    println!(
        "\n## Summary (run took {}, load at the end {})\n",
        ms(began.elapsed()),
        report::load()
    );
    print!("{}", report.markdown());
}

fn who() -> Reviewer {
    Reviewer {
        name: "基准".into(),
        account: "bench".into(),
    }
}

/// Where the bench's programs keep their settings: nothing of the user's is read or written.
struct Home(tempfile::TempDir);

impl Home {
    fn kaohe(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kaohe"));
        self.env(&mut cmd);
        cmd
    }

    fn env(&self, cmd: &mut Command) {
        cmd.env("HOME", self.0.path())
            .env("XDG_CONFIG_HOME", self.0.path().join("config"))
            .env("XDG_DATA_HOME", self.0.path().join("data"))
            .env_remove("KAOHE_DB");
    }

    fn pty(&self, program: &Path) -> CommandBuilder {
        let mut cmd = CommandBuilder::new(program);
        cmd.env("HOME", self.0.path());
        cmd.env("XDG_CONFIG_HOME", self.0.path().join("config"));
        cmd.env("XDG_DATA_HOME", self.0.path().join("data"));
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("KAOHE_DB");
        cmd
    }
}

fn run(n: usize, opts: &Opts, report: &mut Report) {
    let temp = tempfile::tempdir().unwrap();
    let dir = match &opts.keep {
        Some(k) => {
            let d = k.join(n.to_string());
            std::fs::create_dir_all(&d).unwrap();
            d
        }
        None => temp.path().to_path_buf(),
    };
    let home = Home(tempfile::tempdir().unwrap());
    let began = Instant::now();

    let mut rng = data::Rng::new(2014);
    let catalog = Catalog::embedded_2014().unwrap();
    let counties_text = data::counties_csv(n, &mut rng);
    let submissions = data::submissions_csv(&catalog, &counties_text, &mut rng);
    let counties_csv = dir.join("counties.csv");
    let submissions_csv = dir.join("submissions.csv");
    std::fs::write(&counties_csv, &counties_text).unwrap();
    std::fs::write(&submissions_csv, &submissions).unwrap();
    let rows = submissions.lines().count() - 1;
    drop(submissions);
    let names: Vec<(String, String)> = counties_text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect();
    println!(
        "\n## {} units × {} indicators = {} submissions (load {})",
        count(n),
        catalog.indicators().count(),
        count(rows),
        report::load()
    );
    let only = |part: &str| opts.only.as_deref().is_none_or(|o| o == part);
    let runs = if only("import") {
        opts.runs.unwrap_or(if n > NATIONAL { 1 } else { 3 }).max(1)
    } else {
        1
    };
    let sqlite = if opts.anchors {
        batch::find(&["sqlite3"])
    } else {
        None
    };

    // Import through the binary, interleaved with `sqlite3 .import` of the same file.
    let db = dir.join("kaohe.db");
    let mut imports = Vec::new();
    let mut anchor_imports = Vec::new();
    for r in 0..runs {
        // The last run's database is the one the rest of the bench works on.
        let path = if r + 1 == runs {
            db.clone()
        } else {
            dir.join(format!("import{r}.db"))
        };
        remove_db(&path);
        let init = batch::run(
            home.kaohe()
                .arg("init")
                .arg("--db")
                .arg(&path)
                .arg("--counties")
                .arg(&counties_csv),
            Stdio::null(),
        );
        if !init.ok {
            report.note(
                format!("{n} units: kaohe init"),
                format!("failed: {}", init.said),
            );
            return;
        }
        imports.push(batch::run(
            home.kaohe()
                .arg("import")
                .arg("--db")
                .arg(&path)
                .arg(&submissions_csv),
            Stdio::null(),
        ));
        if r + 1 < runs {
            remove_db(&path);
        }
        if let Some(sqlite) = &sqlite {
            let anchor = dir.join(format!("anchor{r}.db"));
            remove_db(&anchor);
            anchor_imports.push(batch::run(
                &mut anchors::sqlite_import(sqlite, &anchor, &submissions_csv),
                Stdio::null(),
            ));
            remove_db(&anchor);
        }
    }
    let import = batch_figure(
        report,
        format!("{n} units: import CSV (kaohe import, {} rows)", count(rows)),
        &imports,
        sqlite
            .as_ref()
            .map(|_| ("sqlite3 .import", &anchor_imports[..])),
        IMPORT_RATIO,
    );
    if !import || opts.only.as_deref() == Some("import") {
        return;
    }

    // A tenth of the items reviewed, with notes, as a bureau midway through.
    let mut store = Store::open(&db).unwrap();
    setup_reviews(&mut store, &catalog, &names, rows, report, n);
    if opts.only.is_none() {
        inprocess::measure(&mut store, &who(), opts.steps, n, report);
    }
    drop(store);

    if opts.only.is_none() {
        batch_jobs(n, &dir, &db, &home, sqlite.as_deref(), runs, report);
    }

    let kaohe_runs = end_to_end(n, &db, &home, &names, opts, report);
    let in_range = (opts.viewers_from..=opts.viewers_up_to).contains(&n);
    // With the moves, as their limit is set beside csvlens's.
    let viewers = if opts.anchors && in_range {
        viewers(n, rows, &submissions_csv, &home, opts, report)
    } else {
        if opts.anchors {
            report.note(
                format!("{n} units: VisiData and csvlens"),
                format!(
                    "run from {} to {} units only (--viewers-from, --viewers-up-to)",
                    count(opts.viewers_from),
                    count(opts.viewers_up_to)
                ),
            );
        }
        Vec::new()
    };
    compare(n, &kaohe_runs, &viewers, report);
    println!(
        "({} units took {}, load {})",
        count(n),
        ms(began.elapsed()),
        report::load()
    );
}

type Opts = Options;

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

fn setup_reviews(
    store: &mut Store,
    catalog: &Catalog,
    names: &[(String, String)],
    rows: usize,
    report: &mut Report,
    n: usize,
) {
    let mut rng = data::Rng::new(7);
    let ids: Vec<String> = catalog.indicators().map(|i| i.id.clone()).collect();
    let codes: Vec<String> = names.iter().map(|(c, _)| c.clone()).collect();
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
    report.add(
        format!("{n} units: (setup) {} reviews written", count(marks)),
        ms(start.elapsed()),
        String::new(),
        None,
    );
}

/// The median time and the highest peak of `jobs`, beside the anchor's median, printed with
/// the limits (time within `ratio` of the anchor, peak ≤ 100 MB); false if a job failed.
fn batch_figure(
    report: &mut Report,
    what: String,
    jobs: &[Job],
    anchor: Option<(&str, &[Job])>,
    ratio: f64,
) -> bool {
    if let Some(failed) = jobs.iter().find(|j| !j.ok) {
        report.add(
            what,
            format!("failed after {}: {}", ms(failed.took), failed.said),
            "succeeds".into(),
            Some(false),
        );
        return false;
    }
    let took = median(jobs.iter().map(|j| j.took).collect());
    let peak = jobs.iter().map(|j| j.peak_kib).max().unwrap_or(0);
    let spread = if jobs.len() > 1 {
        let mut t: Vec<_> = jobs.iter().map(|j| j.took).collect();
        t.sort();
        format!(
            " ({}–{} over {} runs)",
            ms(t[0]),
            ms(t[t.len() - 1]),
            t.len()
        )
    } else {
        String::new()
    };
    match anchor {
        Some((name, anchor)) if anchor.iter().all(|j| j.ok) && !anchor.is_empty() => {
            let a = median(anchor.iter().map(|j| j.took).collect());
            let a_peak = anchor.iter().map(|j| j.peak_kib).max().unwrap_or(0);
            let times = took.as_secs_f64() / a.as_secs_f64().max(1e-9);
            report.add(
                format!("{what}: time"),
                format!(
                    "{}{spread}, {times:.2}× {name} ({}, {})",
                    ms(took),
                    ms(a),
                    mb(a_peak)
                ),
                format!("≤ {ratio}× {name}"),
                Some(times <= ratio),
            );
        }
        Some((name, anchor)) => {
            let said = anchor
                .iter()
                .find(|j| !j.ok)
                .map_or("not run".to_string(), |j| j.said.clone());
            report.add(
                format!("{what}: time"),
                format!("{}{spread} ({name} failed: {said})", ms(took)),
                format!("≤ {ratio}× {name}"),
                None,
            );
        }
        None => report.add(
            format!("{what}: time"),
            format!(
                "{}{spread} (sqlite3 not installed or --no-anchors)",
                ms(took)
            ),
            format!("≤ {ratio}× the sqlite3 anchor"),
            None,
        ),
    }
    report.add(
        format!("{what}: peak memory"),
        mb(peak),
        "≤ 100 MB".into(),
        Some(peak <= BATCH_PEAK_KIB),
    );
    true
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    report::quantile(&v, 0.5).unwrap_or_default()
}

/// Exports (CSV, JSON, XLSX) and `status` through the binary, each interleaved with its
/// anchor: `sqlite3 -csv` of the same join, one SQL aggregation.
fn batch_jobs(
    n: usize,
    dir: &Path,
    db: &Path,
    home: &Home,
    sqlite: Option<&Path>,
    runs: usize,
    report: &mut Report,
) {
    let mut csv = Vec::new();
    let mut csv_anchor = Vec::new();
    let mut status = Vec::new();
    let mut status_anchor = Vec::new();
    let mut json = Vec::new();
    let mut xlsx = Vec::new();
    let export = |format: &str, out: &Path| {
        let _ = std::fs::remove_file(out);
        batch::run(
            home.kaohe()
                .arg("export")
                .arg("--db")
                .arg(db)
                .arg("--format")
                .arg(format)
                .arg("--out")
                .arg(out),
            Stdio::null(),
        )
    };
    let csv_out = dir.join("export.csv");
    let anchor_out = dir.join("anchor.csv");
    for _ in 0..runs {
        csv.push(export("csv", &csv_out));
        if let Some(sqlite) = sqlite {
            csv_anchor.push(batch::run(
                &mut anchors::sqlite_query(sqlite, db, anchors::EXPORT_SQL),
                batch::to_file(&anchor_out),
            ));
        }
        status.push(batch::run(
            home.kaohe().arg("status").arg("--db").arg(db),
            Stdio::null(),
        ));
        if let Some(sqlite) = sqlite {
            status_anchor.push(batch::run(
                &mut anchors::sqlite_query(sqlite, db, anchors::STATUS_SQL),
                Stdio::null(),
            ));
        }
    }
    // The anchor does the same work: as many records as kaohe's export.
    if sqlite.is_some() {
        let records = |p: &Path| -> Option<usize> {
            let f = std::fs::File::open(p).ok()?;
            Some(csv::Reader::from_reader(f).records().count())
        };
        println!(
            "  (records: kaohe's CSV {}, the anchor's {})",
            records(&csv_out).map_or("unreadable".into(), count),
            records(&anchor_out).map_or("unreadable".into(), count)
        );
    }
    let _ = std::fs::remove_file(&anchor_out);
    batch_figure(
        report,
        format!("{n} units: export CSV"),
        &csv,
        sqlite.map(|_| ("sqlite3 -csv of the same join", &csv_anchor[..])),
        EXPORT_RATIO,
    );
    batch_figure(
        report,
        format!("{n} units: status"),
        &status,
        sqlite.map(|_| ("one SQL aggregation", &status_anchor[..])),
        STATUS_RATIO,
    );
    // Once each: no anchor to interleave with, and the JSON export alone takes minutes
    // nationally on a loaded machine.
    json.push(export("json", &dir.join("export.json")));
    batch_only(report, format!("{n} units: export JSON"), &json);
    xlsx.push(export("xlsx", &dir.join("export.xlsx")));
    batch_only(report, format!("{n} units: export XLSX"), &xlsx);
}

/// A batch job with no anchor: its time, and its success and peak beside their limits.
fn batch_only(report: &mut Report, what: String, jobs: &[Job]) {
    if let Some(failed) = jobs.iter().find(|j| !j.ok) {
        report.add(
            what,
            format!(
                "FAILED after {} ({}): {}",
                ms(failed.took),
                mb(failed.peak_kib),
                failed.said
            ),
            "succeeds".into(),
            Some(false),
        );
        return;
    }
    let took = median(jobs.iter().map(|j| j.took).collect());
    let peak = jobs.iter().map(|j| j.peak_kib).max().unwrap_or(0);
    report.add(
        format!("{what}: time"),
        format!("{} (succeeds)", ms(took)),
        "succeeds".into(),
        Some(true),
    );
    report.add(
        format!("{what}: peak memory"),
        mb(peak),
        "≤ 100 MB".into(),
        Some(peak <= BATCH_PEAK_KIB),
    );
}

/// A stepping run of kaohe or a viewer, for the comparisons at the end of a size.
struct Stepped {
    who: &'static str,
    size: (u16, u16),
    from: &'static str,
    summary: Summary,
}

const KAOHE_KEYS: Keys = Keys {
    down: b"j",
    up: b"k",
};

/// The real binary in a pty at 120×40 and 80×24: start to first frame, continuous stepping
/// from the top and from the middle, the help overlay paged, peak memory.
fn end_to_end(
    n: usize,
    db: &Path,
    home: &Home,
    names: &[(String, String)],
    opts: &Opts,
    report: &mut Report,
) -> Vec<Stepped> {
    let mut stepped = Vec::new();
    let program = PathBuf::from(env!("CARGO_BIN_EXE_kaohe"));
    let command = || {
        let mut cmd = home.pty(&program);
        cmd.arg("--db");
        cmd.arg(db);
        cmd
    };
    let limit = Duration::from_secs(2);
    for (cols, rows) in [(120u16, 40u16), (80, 24)] {
        let size = format!("{cols}×{rows}");
        // Starts: a fresh process each, to its first complete frame.
        let mut starts = Vec::new();
        for _ in 0..5 {
            let Ok(mut s) = Session::spawn(command(), cols, rows) else {
                break;
            };
            if let Some(t) = s.first_frame(Done::Marker, Duration::from_secs(60)) {
                starts.push(t);
            }
            s.quit(b"q", Duration::from_secs(5));
        }
        if let Some((p50, _, max)) = report::spread(starts) {
            report.add(
                format!("{n} units: start to first frame, real binary, pty {size}"),
                format!("median {}, max {}", ms(p50), ms(max)),
                "≤ 100 ms (BENCHMARKS.md budget)".into(),
                Some(p50.as_secs_f64() <= 0.1),
            );
        } else {
            report.note(
                format!("{n} units: real binary, pty {size}"),
                "no first frame within 60 s".into(),
            );
            continue;
        }

        let mut s = match Session::spawn(command(), cols, rows) {
            Ok(s) => s,
            Err(e) => {
                report.note(format!("{n} units: real binary, pty {size}"), e);
                continue;
            }
        };
        s.first_frame(Done::Marker, Duration::from_secs(60));
        // The reviewer's place is kept between starts: back to the first county.
        s.press(b"g", Done::Marker, Duration::from_millis(500));
        let from_top = stepping::step(&mut s, &KAOHE_KEYS, n, 0, opts.steps, Done::Marker, limit);
        let middle = n / 2;
        let jumped = middle > 0 && jump_to(&mut s, &names[middle].1);
        let from_middle = if jumped {
            Some(stepping::step(
                &mut s,
                &KAOHE_KEYS,
                n,
                middle,
                opts.steps,
                Done::Marker,
                limit,
            ))
        } else {
            None
        };
        for (from, run) in [("top", Some(from_top)), ("middle", from_middle)] {
            let Some(summary) = run.as_ref().and_then(|r| r.summary()) else {
                continue;
            };
            move_figures(n, &size, from, &summary, report);
            stepped.push(Stepped {
                who: "kaohe",
                size: (cols, rows),
                from,
                summary,
            });
        }
        help(&mut s, n, &size, &opts.help_key, report);
        if let Some(kib) = s.peak_kib() {
            report.add(
                format!("{n} units: peak memory of the workspace, pty {size} (VmHWM)"),
                mb(kib),
                "≤ 100 MB (BENCHMARKS.md budget)".into(),
                Some(kib <= BATCH_PEAK_KIB),
            );
        }
        s.quit(b"q", Duration::from_secs(5));
    }
    stepped
}

/// To county `name` through the finder (`/`, the name, Enter), as a reviewer would jump.
fn jump_to(s: &mut Session, name: &str) -> bool {
    let limit = Duration::from_secs(10);
    if s.press(b"/", Done::Marker, limit).is_none() {
        return false;
    }
    for c in name.chars() {
        let mut b = [0u8; 4];
        s.press(c.encode_utf8(&mut b).as_bytes(), Done::Marker, limit);
    }
    let jumped = s.press(b"\r", Done::Marker, limit).is_some();
    s.settle(Duration::from_millis(100), limit);
    jumped
}

/// The limits of a down move: latency and bytes.
fn move_figures(n: usize, size: &str, from: &str, s: &Summary, report: &mut Report) {
    let scale = if n > NATIONAL { BEYOND_NATIONAL } else { 1.0 };
    let p50 = s.latency.0.as_secs_f64() * 1000.0;
    let p99 = s.latency.1.as_secs_f64() * 1000.0;
    report.add(
        format!("{n} units: down move from the {from}, real binary, pty {size}, key to frame end"),
        format!("{}, {}", s.latency_line(), s.keys_line()),
        format!(
            "p50 ≤ {:.2} ms, p99 ≤ {:.2} ms",
            MOVE_P50_MS * scale,
            MOVE_P99_MS * scale
        ),
        Some(p50 <= MOVE_P50_MS * scale && p99 <= MOVE_P99_MS * scale),
    );
    let limit = FLOOR_RATIO * s.floor.0 as f64;
    report.add(
        format!("{n} units: bytes per down move from the {from}, real binary, pty {size}"),
        s.bytes_line(),
        format!("median ≤ {FLOOR_RATIO}× median floor ({limit:.0} B)"),
        Some(s.bytes.0 as f64 <= limit),
    );
}

/// `?`, then the paging key until the help's end (three keys in a row changing nothing).
fn help(s: &mut Session, n: usize, size: &str, key: &str, report: &mut Report) {
    let limit = Duration::from_millis(500);
    let Some(open) = s.press(b"?", Done::Marker, Duration::from_secs(5)) else {
        report.note(
            format!("{n} units: help, pty {size}"),
            "`?` drew nothing".into(),
        );
        return;
    };
    let (name, bytes) = match key {
        "auto" => {
            // PageDown where it pages; else j, a line a key, as help has had.
            match s.press(b"\x1b[6~", Done::Marker, limit) {
                Some(f) if f.floor.bytes > 0 => {
                    s.press(b"\x1b[5~", Done::Marker, limit);
                    ("PageDown", b"\x1b[6~".to_vec())
                }
                _ => ("j (PageDown pages nothing in this build)", b"j".to_vec()),
            }
        }
        other => (other, key_bytes(other)),
    };
    let mut run = stepping::Run::default();
    let mut idle = 0;
    for _ in 0..200 {
        match s.press(&bytes, Done::Marker, limit) {
            Some(f) if f.floor.bytes > 0 => {
                idle = 0;
                run.frames.push(f);
            }
            _ => {
                idle += 1;
                if idle >= 3 {
                    break;
                }
            }
        }
    }
    match run.summary() {
        Some(sum) => report.add(
            format!("{n} units: help overlay paged with {name}, pty {size}"),
            format!(
                "{} keys to its end; {}; {} (opening it: {} B, floor {} B)",
                sum.keys,
                sum.latency_line(),
                sum.bytes_line(),
                count(open.bytes),
                count(open.floor.bytes)
            ),
            format!("median ≤ {FLOOR_RATIO}× median floor"),
            Some(sum.bytes.0 as f64 <= FLOOR_RATIO * sum.floor.0 as f64),
        ),
        None => report.note(
            format!("{n} units: help overlay, pty {size}"),
            format!("{name} changed nothing"),
        ),
    }
    // Closing the help.
    s.press(b"q", Done::Marker, limit);
}

/// A key's bytes as a terminal sends them, by name; anything else as typed.
fn key_bytes(name: &str) -> Vec<u8> {
    match name {
        "PageDown" => b"\x1b[6~".to_vec(),
        "PageUp" => b"\x1b[5~".to_vec(),
        "Down" => b"\x1b[B".to_vec(),
        "Space" => b" ".to_vec(),
        other => other.as_bytes().to_vec(),
    }
}

/// VisiData and csvlens on the same CSV at 120×40: the same continuous stepping, a frame
/// ending at its last byte (no more output for `--quiet`).
fn viewers(
    n: usize,
    rows: usize,
    csv: &Path,
    home: &Home,
    opts: &Opts,
    report: &mut Report,
) -> Vec<Stepped> {
    let mut stepped = Vec::new();
    let (vd, csvlens) = anchors::viewers();
    let quiet = opts.quiet;
    for (viewer, missing) in [(vd, "VisiData (vd)"), (csvlens, "csvlens")] {
        let Some(viewer) = viewer else {
            report.note(
                format!("{n} units: {missing}"),
                "not installed: skipped".into(),
            );
            continue;
        };
        let mut cmd = home.pty(&viewer.program);
        for a in &viewer.args {
            cmd.arg(a);
        }
        cmd.arg(csv);
        let mut s = match Session::spawn(cmd, 120, 40) {
            Ok(s) => s,
            Err(e) => {
                report.note(format!("{n} units: {}", viewer.name), e);
                continue;
            }
        };
        // Loaded: every row counted on its screen, then quiet.
        let loaded = s.wait_for(&viewer.loaded(rows), Duration::from_secs(600));
        s.settle(Duration::from_millis(300), Duration::from_secs(10));
        if !loaded {
            report.note(
                format!("{n} units: {}", viewer.name),
                format!(
                    "never showed {:?} within 600 s; screen:\n{}",
                    viewer.loaded(rows),
                    s.text()
                ),
            );
            s.quit(viewer.quit, Duration::from_secs(5));
            continue;
        }
        let loaded_in = s.started.elapsed();
        let keys = Keys {
            down: b"j",
            up: b"k",
        };
        let limit = Duration::from_secs(5);
        let top = stepping::step(
            &mut s,
            &keys,
            rows,
            0,
            opts.steps,
            Done::Quiet(quiet),
            limit,
        );
        let middle = rows / 2;
        let jumped = viewer.jump(&mut s, middle, quiet);
        let mid = jumped.then(|| {
            stepping::step(
                &mut s,
                &keys,
                rows,
                middle,
                opts.steps,
                Done::Quiet(quiet),
                limit,
            )
        });
        for (from, run) in [("top", Some(top)), ("middle", mid)] {
            let Some(summary) = run.as_ref().and_then(|r| r.summary()) else {
                continue;
            };
            report.add(
                format!(
                    "{n} units: {} down move from the {from}, pty 120×40, key to last byte",
                    viewer.name
                ),
                format!(
                    "{}, {} (frame end: no output for {})",
                    summary.latency_line(),
                    summary.keys_line(),
                    ms(quiet)
                ),
                String::new(),
                None,
            );
            report.add(
                format!(
                    "{n} units: {} bytes per down move from the {from}, pty 120×40",
                    viewer.name
                ),
                summary.bytes_line(),
                String::new(),
                None,
            );
            stepped.push(Stepped {
                who: viewer.name,
                size: (120, 40),
                from,
                summary,
            });
        }
        if let Some(kib) = s.peak_kib() {
            report.add(
                format!(
                    "{n} units: {} peak memory (VmHWM), loaded in {}",
                    viewer.name,
                    ms(loaded_in)
                ),
                mb(kib),
                String::new(),
                None,
            );
        }
        s.quit(viewer.quit, Duration::from_secs(10));
    }
    stepped
}

/// kaohe beside the viewers at 120×40: bytes below VisiData's, moves at or below csvlens.
fn compare(n: usize, kaohe: &[Stepped], viewers: &[Stepped], report: &mut Report) {
    for k in kaohe.iter().filter(|s| s.size == (120, 40)) {
        let other = |who: &str| viewers.iter().find(|v| v.who == who && v.from == k.from);
        match other("VisiData") {
            Some(vd) => report.add(
                format!(
                    "{n} units: bytes per down move from the {}, kaohe vs VisiData, 120×40",
                    k.from
                ),
                format!(
                    "{} B vs {} B (median)",
                    count(k.summary.bytes.0),
                    count(vd.summary.bytes.0)
                ),
                "below VisiData's".into(),
                Some(k.summary.bytes.0 < vd.summary.bytes.0),
            ),
            None => report.note(
                format!(
                    "{n} units: bytes per down move from the {}, kaohe vs VisiData",
                    k.from
                ),
                "VisiData not measured".into(),
            ),
        }
        match other("csvlens") {
            Some(cl) => report.add(
                format!("{n} units: down move from the {}, kaohe vs csvlens, 120×40", k.from),
                format!(
                    "p50 {} vs {}, p99 {} vs {} (kaohe to the frame's end, csvlens to its last byte)",
                    ms(k.summary.latency.0),
                    ms(cl.summary.latency.0),
                    ms(k.summary.latency.1),
                    ms(cl.summary.latency.1)
                ),
                "at or below csvlens".into(),
                Some(
                    k.summary.latency.0 <= cl.summary.latency.0
                        && k.summary.latency.1 <= cl.summary.latency.1,
                ),
            ),
            None => report.note(
                format!("{n} units: down move from the {}, kaohe vs csvlens", k.from),
                "csvlens not measured".into(),
            ),
        }
    }
}
