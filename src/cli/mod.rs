//! The command line: every script, test and later issue goes through here.
//!
//! This file is the clap model and the dispatch. The options every command shares become one
//! `Context` (database, demo, reviewer, language), built once; each command is a file of its
//! own with its arguments and a `run`. Errors leave as a [`CommandError`] whose kind `main`
//! turns into the exit status.

mod assign;
mod check;
mod completions;
mod context;
mod counties;
mod destination;
mod doctor;
mod error;
mod evidence_in;
mod evidence_out;
mod export;
mod finding;
mod free_text;
mod identity;
mod import;
mod init;
mod lock;
mod log;
mod manual;
mod mark;
pub mod paths;
mod points;
mod progress;
mod requests;
mod reviewers;
mod safe_out;
mod settings;
mod shared_dir;
mod status;
mod status_by;
mod table;
mod targets;
mod verify;
mod workspace;

pub use error::{CommandError, ErrorKind};
pub use export::ExportFormat;
pub use safe_out::Output;

use crate::tui::Ended;
use crate::tui::strings::Lang;
use clap::{Args, Parser, Subcommand};
use context::Context;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "kaohe",
    version,
    about = "考核 — review county-level civil-affairs work against the bureau's annual targets",
    long_about = "考核 — review county-level civil-affairs work against the bureau's annual targets.\n\n\
        Without a subcommand, opens the review workspace on the database: --db, else KAOHE_DB, \
        else db in your config or the system's (/etc/kaohe/config.toml), else kaohe.db in your \
        data directory, created on first use with the embedded 2014 targets (衢市民〔2014〕89号) \
        and the six county-level units of Quzhou. A database a config names must exist.",
    after_help = "Examples:\n  kaohe --demo status\n  kaohe import submissions.csv\n  kaohe mark 柯城区 1.2 完成 --note \"台账齐全\"\n  kaohe export --format csv --out results.csv"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

// The options every command takes (a doc comment here would become clap's text).
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The database file [default: $KAOHE_DB, else db in your config, else db in the system
    /// config, else kaohe.db in your data directory]
    // KAOHE_DB is read with the configs (cli/paths.rs), which must tell it from --db.
    #[arg(long, global = true, value_name = "PATH")]
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

    /// Your settings file, over the system's [default: config.toml in ~/.config/kaohe]
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "KAOHE_CONFIG",
        hide_env = true
    )]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a database with the targets and counties (the embedded 2014 set unless given)
    Init(init::Init),
    /// List the targets and their indicators
    Targets(targets::Targets),
    /// List the county-level units
    Counties(counties::Counties),
    /// Import county submissions from a CSV file (UTF-8, UTF-16 or GB18030), a workbook (.xlsx,
    /// .xls, .ods, .xlsb) or a JSON export: all rows or none
    Import(import::Import),
    /// Apply the scoring of a targets file (class weights, points, 基本完成 bands, deductions,
    /// 一票否决, rule shapes, grades) to this database; its targets and indicators must be the
    /// ones the database holds. --dry-run shows every county's score and rank before → after
    Points(points::Points),
    /// Mark one county × indicator: met, partly_met, not_met or clear (also 完成, 基本完成, 未完成)
    Mark(mark::Mark),
    /// Record a finding on one county × indicator that its rule reads: the cases counted
    /// (--cases N, --no-cases), or 不计分 with its reason (--void REASON, --unvoid)
    Finding(finding::Finding),
    /// Export every county × indicator with its submission and review
    Export(export::Export),
    /// Show the database (共享 or 个人) and progress overall, per county and per target
    Status(status::Status),
    /// The history of reviews: every change, who made it and when, oldest first
    Log(log::Log),
    /// The registry of reviewers: who may mark and under which name (add, change, remove;
    /// --history for every change)
    Reviewers(reviewers::Reviewers),
    /// Who owns what: give a target, an indicator or a county to a division or a reviewer
    /// (--division, --account, --clear); without a change, list the owners (--history for
    /// every change). Only the database's owner or a registered lead assigns
    Assign(assign::Assign),
    /// Check the settings files (the system's and yours), say where they are and which database
    /// is in force (or print a commented default)
    Config(settings::Config),
    /// Print a shell completion script: kaohe completions bash > /etc/bash_completion.d/kaohe
    Completions(completions::Completions),
    /// Say which database and configs are in force and why, whether this account can use them,
    /// and each problem found with the command that mends it (exits 1 if there is one)
    Doctor(doctor::Doctor),
    /// The second review (复核) of one county × indicator: confirm its first verdict, or change
    /// it with --reason (a checker's or a lead's; never one's own first verdict)
    Check(check::Check),
    /// Sign off (审定) the whole assessment or one target: every change it covers is refused
    /// until a lead unlocks it (a lead's)
    Lock(lock::Lock),
    /// Lift a sign-off (审定), with a reason that is logged (a lead's)
    Unlock(lock::Unlock),
    /// Record the verified figure (核定值) of one county × indicator where it differs from the
    /// county's, with --reason; or clear it. Suggestions (and rules that score by the figure)
    /// then go by it; every export carries both figures
    Verify(verify::Verify),
    /// 退回补充: ask a county for more material on one item, with the reason it is sent; closed
    /// when a later import brings new evidence for the item (its verdict then marked changed
    /// since reviewed)
    Request(requests::Request),
    /// The requests for more material (退回补充), per county: lines, or the list to send on
    /// (--format markdown), CSV or JSON; open ones only unless --all
    Requests(requests::Requests),
    /// Print the manual page (roff) for the whole command line: kaohe manual | man -l -
    #[command(hide = true)]
    Manual(manual::Manual),
}

/// Runs a parsed command line, writing results to `out`. Returns how the command ended: the
/// workspace may be stopped by a signal, which sets the exit status.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<Ended, CommandError> {
    let Cli { global, command } = cli;
    match command {
        // Commands that touch no database: no reviewer or database path is needed, or checked.
        Some(Command::Config(config)) => config.run(&global, out)?,
        Some(Command::Completions(completions)) => completions.run(out)?,
        Some(Command::Manual(manual)) => manual.run(out)?,
        command => {
            let context = Context::new(&global)?;
            return on_database(&context, &global, command, out)
                .map_err(|e| CommandError::from(e).in_database(&context.db));
        }
    }
    Ok(Ended::Quit)
}

/// The workspace, or a command on the database.
fn on_database(
    context: &Context,
    global: &GlobalArgs,
    command: Option<Command>,
    out: &mut dyn Write,
) -> anyhow::Result<Ended> {
    let Some(command) = command else {
        // Settings first: a bad config or theme is refused before the terminal is touched.
        let settings = settings::load(global, &context.configs.config)?;
        return workspace::run(context, settings);
    };
    match command {
        Command::Init(init) => init.run(context, out)?,
        Command::Targets(targets) => targets.run(context, out)?,
        Command::Counties(counties) => counties.run(context, out)?,
        Command::Import(import) => import.run(context, out)?,
        Command::Points(points) => points.run(context, out)?,
        Command::Mark(mark) => mark.run(context, out)?,
        Command::Finding(finding) => finding.run(context, out)?,
        Command::Export(export) => export.run(context, out)?,
        Command::Status(status) => status.run(context, out)?,
        Command::Log(log) => log.run(context, out)?,
        Command::Reviewers(reviewers) => reviewers.run(context, out)?,
        Command::Assign(assign) => assign.run(context, out)?,
        Command::Doctor(doctor) => doctor.run(context, out)?,
        Command::Check(check) => check.run(context, out)?,
        Command::Lock(lock) => lock.run(context, out)?,
        Command::Unlock(unlock) => unlock.run(context, out)?,
        Command::Verify(verify) => verify.run(context, out)?,
        Command::Request(request) => request.run(context, out)?,
        Command::Requests(requests) => requests.run(context, out)?,
        // Run by `run`, before any context.
        Command::Config(_) | Command::Completions(_) | Command::Manual(_) => {}
    }
    Ok(Ended::Quit)
}
