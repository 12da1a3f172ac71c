//! The command line: every script, test and later issue goes through here.

use crate::catalog::{self, Catalog};
use crate::formats::export;
use crate::formats::import;
use crate::lookup::{Lookup, SubmissionRow};
use crate::model::{IndicatorKind, Verdict, VerdictArg, format_number};
use crate::paths;
use crate::report::Progress;
use crate::store::{ReviewWrite, Reviewer, Seed, Store, Written, parent_dir};
use crate::text::{check_words, clean, pad, width};
use crate::tui::Ended;
use crate::tui::strings::Lang;
use anyhow::{Context, Result, anyhow, bail};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "kaohe",
    version,
    about = "考核 — review county-level civil-affairs work against the bureau's annual targets",
    long_about = "考核 — review county-level civil-affairs work against the bureau's annual targets.\n\n\
        Without a subcommand, opens the review workspace on the database. The database is \
        created on first use with the embedded 2014 targets (衢市民〔2014〕89号) and the six \
        county-level units of Quzhou.",
    after_help = "Examples:\n  kaohe --demo status\n  kaohe import submissions.csv\n  kaohe mark 柯城区 1.2 完成 --note \"台账齐全\"\n  kaohe export --format csv --out results.csv"
)]
pub struct Cli {
    /// The database file [default: $KAOHE_DB, else kaohe.db in your data directory]
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        env = "KAOHE_DB",
        hide_env = true
    )]
    pub db: Option<PathBuf>,

    /// The name recorded with your reviews [default: your login name]
    #[arg(long, global = true, value_name = "NAME")]
    pub reviewer: Option<String>,

    /// Use the demo: without --db, a separate demo database in your data directory; a new
    /// database is created with the invented demo submissions
    #[arg(long, global = true)]
    pub demo: bool,

    /// The workspace's language: zh (中文) or en
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "LANG",
        env = "KAOHE_LANG",
        hide_env = true,
        default_value_t = Lang::Zh,
        hide_default_value = true
    )]
    pub lang: Lang,

    /// The workspace's theme: default, light, high-contrast, mono, or a theme file
    /// [default: the config's theme, else default]
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub theme: Option<String>,

    /// Your settings file [default: config.toml in ~/.config/kaohe]
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "KAOHE_CONFIG",
        hide_env = true
    )]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a database with the targets and counties (the embedded 2014 set unless given)
    Init {
        /// A targets file (TOML; see data/README.md) instead of the embedded 2014 targets
        #[arg(long, value_name = "FILE")]
        targets: Option<PathBuf>,
        /// A counties file (CSV `code,name`) instead of the embedded Quzhou counties
        #[arg(long, value_name = "FILE")]
        counties: Option<PathBuf>,
    },
    /// List the targets and their indicators
    Targets {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// List the county-level units
    Counties {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Import county submissions from a CSV file (UTF-8 or GB18030), an Excel workbook (.xlsx) or
    /// a JSON export: all rows or none
    Import {
        /// The file: CSV or a workbook sheet with columns county, indicator, value, numerator,
        /// denominator, evidence, remark (or 县(市、区), 指标编号, 完成值 …), or the JSON array
        /// `kaohe export --format json` writes. The format is told by the content, not the name
        file: PathBuf,
        /// The workbook's sheet to read [default: the first]
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// Check the file and say what would be imported, writing nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Apply the points of a targets file (class weights, points, 基本完成 bands, deductions,
    /// 一票否决) to this database; its targets and indicators must be the ones the database holds
    Points {
        /// The targets file (TOML, as `init --targets` takes; see data/README.md 一.6)
        file: PathBuf,
        /// Check the file and say what the most a county can earn would be, writing nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Mark one county × indicator: met, partly_met, not_met or clear (also 完成, 基本完成, 未完成)
    Mark {
        /// County code (330802) or name (柯城区)
        county: String,
        /// Indicator id, e.g. 1.2
        indicator: String,
        /// met | partly_met | not_met | clear | 完成 | 基本完成 | 未完成
        verdict: VerdictArg,
        /// A note to keep with the verdict (replaces the current note)
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Export every county × indicator with its submission and review
    Export {
        /// Output format
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// Write to FILE (replaced whole) instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Show progress overall, per county and per target
    Status {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// The history of reviews: every change, who made it and when, oldest first
    Log {
        /// Print JSON (one array of {at, reviewer, account, county_code, indicator, from, to, note})
        #[arg(long)]
        json: bool,
        /// Only this county (code or name)
        #[arg(long, value_name = "COUNTY")]
        county: Option<String>,
        /// Only this indicator (e.g. 1.2)
        #[arg(long, value_name = "ID")]
        indicator: Option<String>,
        /// Only this reviewer (name or OS account)
        #[arg(long, value_name = "NAME")]
        reviewer: Option<String>,
    },
    /// Check your settings file and say where it is (or print a commented default)
    Config {
        /// Print the default settings, every line commented out, to start a config.toml from
        #[arg(long)]
        print_default: bool,
    },
    /// Print a shell completion script: kaohe completions bash > /etc/bash_completion.d/kaohe
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    /// An Excel workbook (needs --out)
    Xlsx,
    /// A report per county in Markdown: score, rank, the items not met or partly met
    Md,
}

/// Runs a parsed command line, writing results to `out`. Returns how the command ended: the
/// workspace may be stopped by a signal, which sets the exit status.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<Ended> {
    // Commands that touch no database.
    match &cli.command {
        Some(Command::Config { print_default }) => {
            return config_command(
                *print_default,
                cli.config.as_deref(),
                cli.theme.as_deref(),
                out,
            )
            .map(|()| Ended::Quit);
        }
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "kaohe", out);
            return Ok(Ended::Quit);
        }
        _ => {}
    }
    let who = reviewer(cli.reviewer.as_deref())?;
    let db = paths::database(cli.db.clone(), cli.demo)?;
    let demo = cli.demo;
    let result = match cli.command {
        None => {
            // Settings first: a bad config or theme is refused before the terminal is touched.
            let settings = settings(cli.lang, cli.config.as_deref(), cli.theme.as_deref())?;
            return workspace(&db, demo, &who, settings).map_err(|e| name_the_database(e, &db));
        }
        Some(Command::Config { .. } | Command::Completions { .. }) => Ok(()),
        Some(Command::Init { targets, counties }) => init(
            &db,
            targets.as_deref(),
            counties.as_deref(),
            demo,
            &who,
            out,
        ),
        Some(Command::Targets { json }) => targets(&open(&db, demo, &who)?, json, out),
        Some(Command::Counties { json }) => counties(&open(&db, demo, &who)?, json, out),
        Some(Command::Import {
            file,
            sheet,
            dry_run,
        }) => import_file(
            &db,
            demo,
            &file,
            sheet.as_deref(),
            dry_run,
            &who,
            cli.lang,
            out,
        ),
        Some(Command::Points { file, dry_run }) => points(&db, demo, &who, &file, dry_run, out),
        Some(Command::Mark {
            county,
            indicator,
            verdict,
            note,
        }) => mark(&db, demo, &county, &indicator, verdict, note, &who, out),
        Some(Command::Export { format, out: file }) => {
            export_items(&db, demo, &who, format, file, out)
        }
        Some(Command::Status { json }) => status(&open(&db, demo, &who)?, json, out),
        Some(Command::Log {
            json,
            county,
            indicator,
            reviewer,
        }) => log(&db, demo, &who, json, county, indicator, reviewer, out),
    };
    result
        .map(|()| Ended::Quit)
        .map_err(|e| name_the_database(e, &db))
}

/// A SQLite error means little without the file it happened in.
fn name_the_database(e: anyhow::Error, db: &Path) -> anyhow::Error {
    let shown = db.display().to_string();
    let from_sqlite = e.chain().any(|c| c.is::<rusqlite::Error>());
    if from_sqlite && !format!("{e:#}").contains(&shown) {
        e.context(format!("database {shown}"))
    } else {
        e
    }
}

fn reviewer(given: Option<&str>) -> Result<Reviewer> {
    let account = paths::account();
    let name = match given {
        Some(name) => {
            let name = name.trim();
            if name.is_empty() {
                bail!("--reviewer is empty: give the name to record with your reviews");
            }
            check_words("--reviewer", name, false).map_err(anyhow::Error::msg)?;
            if name.chars().count() > 64 {
                bail!("--reviewer is longer than 64 characters");
            }
            name.to_string()
        }
        None => account.clone(),
    };
    Ok(Reviewer { name, account })
}

/// The embedded 2014 set, as a new database gets it.
fn embedded(demo: bool) -> Result<Seed> {
    let catalog = Catalog::embedded_2014()?;
    let counties = catalog::embedded_counties()?;
    let submissions = if demo {
        Some(demo_submissions(&catalog, &counties)?)
    } else {
        None
    };
    Ok(Seed {
        catalog,
        counties,
        submissions,
    })
}

/// The embedded demo submissions, read against the targets and counties of the database they
/// go into, and the name they are reported by.
fn demo_submissions(
    catalog: &Catalog,
    counties: &[crate::model::County],
) -> Result<(Vec<SubmissionRow>, String)> {
    let name = format!("<embedded> {}", catalog::DEMO_SUBMISSIONS_2014_PATH);
    let lookup = Lookup::from_parts(catalog, counties);
    let rows = import::parse_csv(catalog::DEMO_SUBMISSIONS_2014, &name, &lookup)?;
    Ok((rows, name))
}

fn open(db: &Path, demo: bool, who: &Reviewer) -> Result<Store> {
    Store::open_or_create(
        db,
        || {
            paths::prepare_default_dir(db)?;
            embedded(demo)
        },
        who,
    )
}

/// Checks a command against the database's names before anything is written, then opens it.
/// A database that does not exist yet is checked against the seed it would be made from, so a
/// refused command never leaves a new database behind.
fn check_then_open<T>(
    db: &Path,
    demo: bool,
    who: &Reviewer,
    check: impl FnOnce(&Lookup) -> Result<T>,
) -> Result<(Store, T)> {
    if Store::would_create(db)? {
        let seed = embedded(demo)?;
        let checked = check(&Lookup::from_parts(&seed.catalog, &seed.counties))?;
        paths::prepare_default_dir(db)?;
        Ok((Store::open_or_create(db, || Ok(seed), who)?, checked))
    } else {
        let store = Store::open(db)?;
        let checked = check(&store.lookup()?)?;
        Ok((store, checked))
    }
}

fn init(
    db: &Path,
    targets: Option<&Path>,
    counties: Option<&Path>,
    demo: bool,
    who: &Reviewer,
    out: &mut dyn Write,
) -> Result<()> {
    let catalog = match targets {
        Some(path) => catalog::load_targets(path)?,
        None => Catalog::embedded_2014()?,
    };
    let counties_read = match counties {
        Some(path) => catalog::load_counties(path)?,
        None => catalog::embedded_counties()?,
    };
    paths::prepare_default_dir(db)?;
    let submissions = if demo {
        Some(demo_submissions(&catalog, &counties_read).map_err(|e| {
            if targets.is_some() || counties.is_some() {
                e.context(
                    "the demo submissions are for the embedded 2014 targets and Quzhou counties",
                )
            } else {
                e
            }
        })?)
    } else {
        None
    };
    let seed = Seed {
        catalog,
        counties: counties_read,
        submissions,
    };
    let store = Store::create(db, &seed, who)?;
    let status = store.status()?;
    writeln!(
        out,
        "created {}: {} targets, {} indicators, {} counties, {} submissions",
        db.display(),
        seed.catalog.targets.len(),
        seed.catalog.indicators().count(),
        seed.counties.len(),
        status.progress.submitted
    )?;
    Ok(())
}

fn workspace(
    db: &Path,
    demo: bool,
    who: &Reviewer,
    settings: crate::tui::Settings,
) -> Result<Ended> {
    crate::tui::require_terminal()?;
    let store = open(db, demo, who)?;
    crate::tui::run(store, who, settings)
}

/// The workspace's settings from the config file and the command line, all checked.
fn settings(
    lang: Lang,
    config: Option<&Path>,
    theme: Option<&str>,
) -> Result<crate::tui::Settings> {
    let config = crate::config::load(config)?;
    let spec = theme.or(config.theme.as_deref()).unwrap_or("default");
    let themes_dir = crate::config::config_dir().map(|d| d.join("themes"));
    let theme = crate::tui::theme::Theme::load(
        spec,
        themes_dir.as_deref(),
        crate::tui::theme::Depth::from_env(),
    )?;
    Ok(crate::tui::Settings {
        lang,
        theme,
        keymap: config.keymap,
        standard_notes: config.standard_notes,
    })
}

fn config_command(
    print_default: bool,
    given: Option<&Path>,
    theme: Option<&str>,
    out: &mut dyn Write,
) -> Result<()> {
    if print_default {
        out.write_all(crate::config::print_default().as_bytes())?;
        return Ok(());
    }
    let path = given
        .map(Path::to_path_buf)
        .or_else(|| crate::config::config_dir().map(|d| d.join("config.toml")));
    // Checks the file (and the theme it names) as the workspace would.
    settings(Lang::Zh, given, theme)?;
    match path {
        Some(p) if p.exists() => writeln!(out, "{}: OK", p.display())?,
        Some(p) => writeln!(
            out,
            "{} does not exist: the defaults are in force (kaohe config --print-default > {} to start one)",
            p.display(),
            p.display()
        )?,
        None => writeln!(out, "no config directory: the defaults are in force")?,
    }
    Ok(())
}

fn targets(store: &Store, json: bool, out: &mut dyn Write) -> Result<()> {
    let catalog = store.catalog()?;
    if json {
        let list: Vec<_> = catalog
            .targets
            .iter()
            .map(|t| {
                serde_json::json!({
                    "id": t.id,
                    "class": t.class,
                    "class_name": catalog.classes.iter().find(|c| c.class == t.class).map(|c| c.name.as_str()),
                    "title": t.title,
                    "text": t.text,
                    "indicators": t.indicators.iter().map(|i| {
                        let r = i.requirement.as_ref();
                        serde_json::json!({
                            "id": i.id,
                            "short": i.short,
                            "text": i.text,
                            "source": i.source,
                            "kind": i.kind.as_str(),
                            "comparator": r.map(|r| r.comparator.as_str()),
                            "threshold": r.map(|r| r.threshold),
                            "unit": r.map(|r| r.unit.as_str()),
                        })
                    }).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &list)?;
        writeln!(out)?;
        return Ok(());
    }
    let a = &catalog.assessment;
    writeln!(out, "{}  {}", clean(&a.number), clean(&a.title))?;
    for class in &catalog.classes {
        writeln!(out, "\n{}", clean(&class.name))?;
        for t in catalog.targets.iter().filter(|t| t.class == class.class) {
            writeln!(out, "{:>3}  {}", t.id, clean(&t.title))?;
            for i in &t.indicators {
                let rule = match (&i.requirement, i.kind) {
                    (Some(r), _) => r.to_string(),
                    (None, IndicatorKind::YesNo) => "是/否".to_string(),
                    (None, _) => "定性".to_string(),
                };
                writeln!(
                    out,
                    "     {}{}{}",
                    pad(&clean(&i.id), 6),
                    pad(&clean(&rule), 12),
                    clean(&i.text)
                )?;
            }
        }
    }
    Ok(())
}

fn counties(store: &Store, json: bool, out: &mut dyn Write) -> Result<()> {
    let counties = store.counties()?;
    if json {
        serde_json::to_writer_pretty(&mut *out, &counties)?;
        writeln!(out)?;
    } else {
        for c in counties {
            writeln!(out, "{}  {}", c.code, clean(&c.name))?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn import_file(
    db: &Path,
    demo: bool,
    file: &Path,
    sheet: Option<&str>,
    dry_run: bool,
    who: &Reviewer,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<()> {
    let shown = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| {
        crate::error::FileError::new(
            crate::error::Location::file(&shown),
            format!("cannot read: {e}"),
        )
    })?;
    // Progress over reading and checking; the write after it is one quick transaction.
    let mut progress = import::ProgressLine::on_stderr();
    // A workbook's shared strings are unpacked before its first row (a moment for a big one).
    if import::detect_format(&bytes) == import::Format::Xlsx && bytes.len() > 1_000_000 {
        progress.note("导入 读取工作簿…");
    }
    let mut read = |lookup: &Lookup| {
        let imported =
            import::read_submissions(&bytes, &shown, sheet, lookup, &mut |done, total| {
                progress.update(done, total)
            });
        progress.clear();
        imported
    };
    if dry_run {
        // Checked against the database as it is (or the seed it would be made from); nothing
        // is written, not even a new database.
        let (imported, preview) = if Store::would_create(db)? {
            let seed = embedded(demo)?;
            let imported = read(&Lookup::from_parts(&seed.catalog, &seed.counties))?;
            let preview = if seed.submissions.is_some() {
                // The database would be made with the demo's submissions first: compared
                // against a scratch copy of it, never the real path.
                let scratch = tempfile::tempdir().context("cannot make a scratch directory")?;
                Store::create(&scratch.path().join("preview.db"), &seed, who)?
                    .import_preview(&imported.checked.rows)?
            } else {
                crate::store::ImportPreview {
                    new: imported.checked.rows.len(),
                    ..Default::default()
                }
            };
            (imported, preview)
        } else {
            let store = Store::open(db)?;
            let imported = read(&store.lookup()?)?;
            let preview = store.import_preview(&imported.checked.rows)?;
            (imported, preview)
        };
        let read_as = match imported.format {
            import::Format::Csv => format!(" ({})", imported.encoding),
            _ => String::new(),
        };
        writeln!(
            out,
            "{shown}{read_as} is fine: {} would be imported ({}); nothing was written (--dry-run){}",
            plural(imported.checked.rows.len(), "submission"),
            preview_words(&preview),
            flagged_count(&imported.checked)
        )?;
        write_flagged(&imported.checked, lang, out)?;
        return Ok(());
    }
    let (mut store, imported) = check_then_open(db, demo, who, |lookup| Ok(read(lookup)?))?;
    let stale_before = store.changed_since_review()?.len();
    let n = store.import_submissions(&imported.checked.rows, &shown, who)?;
    let newly_stale = store
        .changed_since_review()?
        .len()
        .saturating_sub(stale_before);
    let read_as = if imported.format == import::Format::Csv && imported.encoding != "UTF-8" {
        format!(" (read as {})", imported.encoding)
    } else {
        String::new()
    };
    let recheck = if newly_stale > 0 {
        format!(
            "; {} given on earlier figures now marked changed since reviewed (评定后数据已变)",
            plural(newly_stale, "verdict")
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "imported {} from {shown}{read_as}{recheck}{}",
        plural(n, "submission"),
        flagged_count(&imported.checked)
    )?;
    write_flagged(&imported.checked, lang, out)?;
    Ok(())
}

/// "12 new, 750 replacing earlier ones (3 with another figure); 2 verdicts would be marked
/// changed since reviewed".
fn preview_words(p: &crate::store::ImportPreview) -> String {
    let mut words = format!("{} new", p.new);
    if p.replaced > 0 {
        words.push_str(&format!(
            ", {} replacing earlier ones ({} with another figure)",
            p.replaced, p.figure_changed
        ));
    }
    if p.verdicts_to_recheck > 0 {
        words.push_str(&format!(
            "; {} would be marked changed since reviewed",
            plural(p.verdicts_to_recheck, "verdict")
        ));
    }
    words
}

/// "; 2 flagged for a second look:" when figures look wrong.
fn flagged_count(checked: &import::Checked) -> String {
    match checked.flagged.len() {
        0 => String::new(),
        n => format!("; {n} flagged for a second look:"),
    }
}

/// The flagged submissions, one a line: county, indicator, the figure, why. Up to 20, then
/// how many more; the workspace shows them all.
fn write_flagged(checked: &import::Checked, lang: Lang, out: &mut dyn Write) -> Result<()> {
    const SHOWN: usize = 20;
    for f in checked.flagged.iter().take(SHOWN) {
        let why: Vec<String> = f
            .flags
            .iter()
            .map(|flag| match lang {
                Lang::Zh => flag.zh(&f.value),
                Lang::En => flag.en(&f.value),
            })
            .collect();
        let separator = if lang == Lang::Zh { "；" } else { "; " };
        let line = format!(
            "  {} {} \"{}\": {}",
            f.county,
            f.indicator,
            f.value,
            why.join(separator)
        );
        writeln!(out, "{}", clean(&line))?;
    }
    if checked.flagged.len() > SHOWN {
        writeln!(out, "  … and {} more", checked.flagged.len() - SHOWN)?;
    }
    Ok(())
}

/// `kaohe points FILE`: the scoring of a targets file applied to the database, the targets
/// themselves checked to be the same.
fn points(
    db: &Path,
    demo: bool,
    who: &Reviewer,
    file: &Path,
    dry_run: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let catalog = catalog::load_targets(file)?;
    if Store::would_create(db)? {
        bail!(
            "{} does not exist yet: `kaohe init --targets {}` makes it with these points",
            db.display(),
            file.display()
        );
    }
    let mut store = open(db, demo, who)?;
    let was = crate::score::Scorer::new(&store.catalog()?).max_score();
    let now = crate::score::Scorer::new(&catalog).max_score();
    store.check_same_targets(&catalog, &file.display().to_string())?;
    let most = |x: f64| format_number(crate::score::round2(x));
    if dry_run {
        writeln!(
            out,
            "{} is fine: the most a county can earn would be {} (now {}); nothing was written (--dry-run)",
            file.display(),
            most(now),
            most(was)
        )?;
        return Ok(());
    }
    store.apply_scoring(&catalog)?;
    writeln!(
        out,
        "applied the points of {}: the most a county can earn is {} (was {}); `kaohe status` shows the scores and ranks",
        file.display(),
        most(now),
        most(was)
    )?;
    Ok(())
}

fn verdict_label(v: Option<Verdict>) -> &'static str {
    v.map_or("未审核", Verdict::chinese)
}

#[allow(clippy::too_many_arguments)]
fn mark(
    db: &Path,
    demo: bool,
    county: &str,
    indicator: &str,
    verdict: VerdictArg,
    note: Option<String>,
    who: &Reviewer,
    out: &mut dyn Write,
) -> Result<()> {
    // Line breaks as any terminal or editor types them, kept as LF.
    let note = note.map(|n| n.replace("\r\n", "\n").replace('\r', "\n"));
    if let Some(n) = &note {
        check_words("--note", n, true)
            .map_err(|e| anyhow!("{e} (notes may hold line breaks and tabs, nothing else)"))?;
    }
    let (mut store, (county, indicator)) = check_then_open(db, demo, who, |lookup| {
        Ok((
            lookup.find_county(county)?.clone(),
            lookup.find_indicator(indicator)?.to_string(),
        ))
    })?;
    let mut review = ReviewWrite::new(&county.code, &indicator).verdict(verdict.0);
    review.note = note;
    let Written::Saved { change, .. } = store.write_review(&review, who)? else {
        bail!(
            "{} × {indicator} changed while it was being marked; nothing was written",
            county.code
        );
    };
    let item = format!("{} {} {}", county.code, county.name, indicator);
    if change.changed() {
        writeln!(
            out,
            "{item}: {} → {}",
            verdict_label(change.from),
            verdict_label(change.to)
        )?;
    } else {
        writeln!(out, "{item}: unchanged ({})", verdict_label(change.to))?;
    }
    Ok(())
}

fn export_items(
    db: &Path,
    demo: bool,
    who: &Reviewer,
    format: ExportFormat,
    file: Option<PathBuf>,
    out: &mut dyn Write,
) -> Result<()> {
    if format == ExportFormat::Xlsx && file.is_none() {
        bail!("--format xlsx writes a workbook: give the file with --out FILE.xlsx");
    }
    let (store, destination) = check_then_open(db, demo, who, |_| {
        file.as_deref()
            .map(|path| Destination::check(path, db))
            .transpose()
    })?;
    let results = export::Results {
        items: store.items()?,
        catalog: store.catalog()?,
        status: store.status()?,
    };
    let items = &results.items;
    let write = |w: &mut dyn Write| match format {
        ExportFormat::Json => export::write_json(&results, w),
        ExportFormat::Csv => export::write_csv(&results, w),
        ExportFormat::Xlsx => export::write_xlsx(&results, w),
        ExportFormat::Md => export::write_markdown(&results, w),
    };
    match destination {
        None => write(out),
        Some(destination) => {
            destination.replace_with(write)?;
            writeln!(
                out,
                "exported {} to {}",
                plural(items.len(), "item"),
                destination.path.display()
            )?;
            Ok(())
        }
    }
}

/// A file an export will replace, checked before anything is written.
struct Destination {
    /// As the user named it.
    path: PathBuf,
    /// Where the bytes go: the end of any chain of symbolic links.
    target: PathBuf,
    existing: Option<std::fs::Metadata>,
}

impl Destination {
    /// Refuses a destination in a missing directory, one that is not a regular file or is
    /// read-only, and the database itself.
    fn check(path: &Path, db: &Path) -> Result<Destination> {
        let shown = path.display();
        let target = follow_links(path);
        let dir = parent_dir(&target);
        if !dir.is_dir() {
            bail!(
                "cannot write {shown}: the directory {} does not exist",
                dir.display()
            );
        }
        let existing = std::fs::metadata(&target).ok();
        if let Some(meta) = &existing {
            if !meta.is_file() {
                bail!("cannot write {shown}: it is not a regular file");
            }
            if meta.permissions().readonly() {
                bail!("cannot write {shown}: the file is read-only");
            }
        }
        if real_path(&target) == real_path(&follow_links(db)) {
            bail!("cannot write {shown}: it is the database itself");
        }
        Ok(Destination {
            path: path.to_path_buf(),
            target,
            existing,
        })
    }

    /// Writes the file beside its target and renames it into place, so that no reader ever
    /// sees half a file. A new file is made like any other (0666 less the umask); an old
    /// file's permissions are kept.
    fn replace_with(&self, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        let shown = self.path.display();
        let context = || format!("cannot write {shown}");
        let mut builder = tempfile::Builder::new();
        builder.prefix(".kaohe-export-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let mut temp = builder
            .tempfile_in(parent_dir(&self.target))
            .with_context(context)?;
        write(temp.as_file_mut()).with_context(context)?;
        if let Some(meta) = &self.existing {
            temp.as_file()
                .set_permissions(meta.permissions())
                .with_context(context)?;
        }
        temp.as_file().sync_all().with_context(context)?;
        temp.persist(&self.target)
            .map_err(|e| e.error)
            .with_context(context)?;
        Ok(())
    }
}

/// The file a chain of symbolic links ends at (which may not exist yet).
fn follow_links(path: &Path) -> PathBuf {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&path) {
            Ok(link) => path = parent_dir(&path).join(link),
            Err(_) => break,
        }
    }
    path
}

/// A path with its directory made absolute and free of links, to compare two paths.
fn real_path(path: &Path) -> PathBuf {
    let dir = std::fs::canonicalize(parent_dir(path)).unwrap_or_else(|_| parent_dir(path));
    match path.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    }
}

/// "1 item", "2 items".
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Texts made safe for the terminal and padded to one column, two wider than the widest,
/// measured in terminal columns after cleaning (what is measured is what is shown).
fn padded_column<'a>(texts: impl Iterator<Item = &'a str>) -> Vec<String> {
    let cleaned: Vec<String> = texts.map(clean).collect();
    let columns = cleaned.iter().map(|t| width(t)).max().unwrap_or(0) + 2;
    cleaned.iter().map(|t| pad(t, columns)).collect()
}

fn progress_line(p: &Progress) -> String {
    // Rounded down: 759 of 762 is not yet 100%.
    let percent = (p.reviewed * 100).checked_div(p.total).unwrap_or(0);
    let mut line = format!(
        "{}{}{}{}{}已报送 {}",
        pad(&format!("{}/{}", p.reviewed, p.total), 12),
        pad(&format!("{percent}%"), 6),
        pad(&format!("完成 {}", p.met), 10),
        pad(&format!("基本完成 {}", p.partly_met), 14),
        pad(&format!("未完成 {}", p.not_met), 12),
        p.submitted
    );
    if p.changed_since_review > 0 {
        line.push_str(&format!("  评定后数据已变 {}", p.changed_since_review));
    }
    line
}

/// "得分 95.5/120", and why a score is void.
fn score_line(c: &crate::report::CountyStatus) -> String {
    let mut line = format!(
        "得分 {}/{}",
        format_number(c.score),
        format_number(c.max_score)
    );
    if !c.vetoed_by.is_empty() {
        line.push_str(&format!("（一票否决：{} 未完成）", c.vetoed_by.join("、")));
    }
    line
}

#[allow(clippy::too_many_arguments)]
fn log(
    db: &Path,
    demo: bool,
    who: &Reviewer,
    json: bool,
    county: Option<String>,
    indicator: Option<String>,
    reviewer: Option<String>,
    out: &mut dyn Write,
) -> Result<()> {
    let (store, filter) = check_then_open(db, demo, who, |lookup| {
        Ok(crate::store::LogFilter {
            after: 0,
            county_code: county
                .as_deref()
                .map(|c| lookup.find_county(c).map(|c| c.code.clone()))
                .transpose()?,
            indicator: indicator
                .as_deref()
                .map(|i| lookup.find_indicator(i).map(str::to_string))
                .transpose()?,
            reviewer,
        })
    })?;
    let events = store.log_where(&filter)?;
    if json {
        #[derive(serde::Serialize)]
        struct Event<'a> {
            at: &'a str,
            reviewer: &'a str,
            account: &'a str,
            county_code: &'a str,
            indicator: &'a str,
            from: Option<Verdict>,
            to: Option<Verdict>,
            note: &'a str,
        }
        let list: Vec<Event> = events
            .iter()
            .map(|e| Event {
                at: &e.at,
                reviewer: &e.reviewer,
                account: &e.account,
                county_code: &e.county_code,
                indicator: &e.indicator,
                from: e.from,
                to: e.to,
                note: &e.note,
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &list)?;
        writeln!(out)?;
        return Ok(());
    }
    let names: std::collections::HashMap<String, String> = store
        .counties()?
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();
    for e in &events {
        let county = names
            .get(&e.county_code)
            .map_or(e.county_code.as_str(), String::as_str);
        let mut line = format!(
            "{}  {}({})  {} {}  {} → {}",
            e.at.get(..19).unwrap_or(&e.at).replace('T', " "),
            e.reviewer,
            e.account,
            county,
            e.indicator,
            verdict_label(e.from),
            verdict_label(e.to)
        );
        if e.note != e.from_note {
            line.push_str(&format!("  备注：{}", e.note.replace('\n', " / ")));
        }
        writeln!(out, "{}", clean(&line))?;
    }
    Ok(())
}

fn status(store: &Store, json: bool, out: &mut dyn Write) -> Result<()> {
    let status = store.status()?;
    if json {
        serde_json::to_writer_pretty(&mut *out, &status)?;
        writeln!(out)?;
        return Ok(());
    }
    let a = store.assessment()?;
    writeln!(out, "{}  {}", clean(&a.number), clean(&a.title))?;
    writeln!(out, "已审核 {}", progress_line(&status.progress))?;
    writeln!(out, "\n县(市、区)")?;
    let names = padded_column(status.counties.iter().map(|c| c.name.as_str()));
    for (c, name) in status.counties.iter().zip(names) {
        writeln!(out, "  {} {name}{}", c.code, progress_line(&c.progress))?;
    }
    writeln!(out, "\n名次（未评定的项目不得分）")?;
    let mut ranked: Vec<&crate::report::CountyStatus> = status.counties.iter().collect();
    ranked.sort_by_key(|c| c.rank);
    let names = padded_column(ranked.iter().map(|c| c.name.as_str()));
    for (c, name) in ranked.iter().zip(names) {
        writeln!(out, "  {:>3}  {} {name}{}", c.rank, c.code, score_line(c))?;
    }
    writeln!(out, "\n目标")?;
    let titles = padded_column(status.targets.iter().map(|t| t.title.as_str()));
    for (t, title) in status.targets.iter().zip(titles) {
        writeln!(out, "  {:>2} {title}{}", t.id, progress_line(&t.progress))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_padded_by_what_is_shown() {
        let column = padded_column(["柯城区", "景宁畲族自治县", "a\u{1b}b"].into_iter());
        // 景宁畲族自治县 is 14 columns; every cell is 16, the escape shown as one symbol.
        assert!(column.iter().all(|c| width(c) == 16), "{column:?}");
        assert_eq!(column[2], format!("a\u{241b}b{}", " ".repeat(13)));
    }
}
