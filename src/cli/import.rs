//! `kaohe import FILE`: county submissions from a CSV file, a workbook or a JSON export, all
//! rows or none, with the county's evidence beside them (`evidence_in.rs`); with `--dry-run`,
//! what would be imported, writing nothing.

use super::context::Context;
use super::evidence_in;
use super::progress::ProgressLine;
use super::table::plural;
use crate::error::{FileError, Location};
use crate::formats::import::{Flagged, Format, LayoutKind, Sink, Streamed, SubmissionsFile, Tally};
use crate::lookup::{Lookup, SubmissionRow};
use crate::model::format_number;
use crate::source::limits::{Limits, Size};
use crate::store::{
    EvidenceIn, EvidenceOutcome, GivenFigure, ImportPreview, Staged, Store, Streaming, Writing,
};
use crate::text::clean;
use crate::tui::strings::Lang;
use anyhow::{Context as _, Result};
use clap::Args;
use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Import {
    /// The file: CSV (comma, tab or semicolon) or a workbook sheet with columns county,
    /// indicator, value, numerator, denominator, evidence, remark (or 县(市、区), 指标编号, 完成值 …;
    /// a 单位 column gives the figures' unit), a row per county × indicator, or a column per
    /// county or per indicator, title rows above the header and footers below it passed over;
    /// or the JSON array `kaohe export --format json` writes. The format is told by the
    /// content, not the name
    pub file: PathBuf,
    /// The workbook's sheet to read, hidden or not [default: the sheet of submissions among
    /// those shown, or every county's sheet]
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Check the file and say what would be imported, writing nothing
    #[arg(long)]
    pub dry_run: bool,
    /// List every flagged figure, every reviewed item whose figure changes and every row
    /// replacing a submission from another file [default: the first 20 of each]
    #[arg(long)]
    pub verbose: bool,
    /// The most kaohe takes in from the file, such as 2GiB [default: a CSV or JSON file 1GiB;
    /// a workbook 256MiB, and 1GiB unpacked; the evidence 4GiB]
    #[arg(long, value_name = "SIZE")]
    pub limit: Option<Size>,
    /// The county's evidence (佐证材料): a folder or a zip, its files tied to the items whose
    /// evidence column names them [default: a folder or zip beside the sheet with the sheet's
    /// name (柯城区/ or 柯城区.zip), else 佐证材料/ or 佐证材料.zip]
    #[arg(long, value_name = "DIR|ZIP", conflicts_with = "no_evidence")]
    pub evidence: Option<PathBuf>,
    /// Import the sheet alone, even with a folder of evidence beside it
    #[arg(long)]
    pub no_evidence: bool,
}

impl Import {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        // The name as stored with the import; shown cleaned, as every name from a user is.
        let shown = self.file.display().to_string();
        let named = clean(&shown);
        // Refused here, before it is read, if it is over its limit.
        let limits = Limits::with(self.limit);
        let file = SubmissionsFile::open(&self.file, &limits)?;
        // The evidence, listed and checked before the sheet is read (issue 18).
        let mut evidence =
            evidence_in::locate(&self.file, self.evidence.as_deref(), self.no_evidence)?
                .map(|source| evidence_in::Evidence::open(source, &limits, &context.db))
                .transpose()?;
        // Progress over reading and checking (and writing, where the rows are written as read).
        let mut progress = ProgressLine::on_stderr();
        // A workbook is unpacked, and its shared strings read, before its first row (a moment
        // for a big one).
        if file.format().is_workbook() && file.size() > 1_000_000 {
            progress.note("导入 读取工作簿…");
        }
        let listed = Shown::new(self.verbose);
        // The rows go into the database as they are checked, or else to a scratch file
        // (`Staged`, made only where it is used), never into memory; of the flagged figures,
        // the first are kept and the rest counted (or, --verbose, spilled to a scratch file).
        let mut flagged = FlaggedLines::new(listed, context.lang);
        let mut reading = Reading {
            file: &file,
            sheet: self.sheet.as_deref(),
            shown: &shown,
            progress,
        };
        if self.dry_run {
            let mut staged = Staged::new()?;
            let existing = !context.would_create()?;
            let (streamed, preview) = if existing {
                let store = context.open_existing()?;
                let streamed =
                    reading.stream(&store.lookup()?, Rows::Staged(&mut staged), &mut flagged)?;
                // A row a lock (审定) covers would refuse the import: said now.
                let preview = store.preview_staged(&staged, &shown, listed.most())?;
                (streamed, preview)
            } else {
                let seed = context.embedded_seed()?;
                let lookup = Lookup::from_parts(&seed.catalog, &seed.counties);
                let streamed = reading.stream(&lookup, Rows::Staged(&mut staged), &mut flagged)?;
                let preview = if seed.submissions.is_some() {
                    // The database would be made with the demo's submissions first: compared
                    // against a scratch copy of it, never the real path.
                    let scratch = tempfile::tempdir().context("cannot make a scratch directory")?;
                    let maker = context.named_reviewer();
                    Store::create(&scratch.path().join("preview.db"), &seed, &maker)?
                        .preview_staged(&staged, &shown, listed.most())?
                } else {
                    ImportPreview {
                        new: count(streamed.tally.submissions),
                        ..Default::default()
                    }
                };
                (streamed, preview)
            };
            // The evidence is tied to the rows, read back: a county's sheet, or counties
            // that sent evidence before.
            let with_rows = evidence.is_some()
                || (existing && context.open_existing()?.staged_touches_evidence(&staged)?);
            let rows = if with_rows {
                staged.rows()?
            } else {
                Vec::new()
            };
            let names = evidence_in::lookup(context)?;
            let assigned = match &evidence {
                Some(e) => Some(e.assign(&rows, &names)?),
                None => None,
            };
            let (outcome, brought, held) =
                evidence_in::preview(context, &rows, evidence.as_mut().zip(assigned.as_ref()))?;
            let read_as = match streamed.format {
                Format::Csv => format!(" ({})", streamed.encoding),
                _ if !streamed.sheets.is_empty() => format!(" ({})", streamed.sheets_read()),
                _ => String::new(),
            };
            writeln!(
                out,
                "{named}{read_as}{} is fine: {} would be imported ({}){}{}; nothing was written (--dry-run){}",
                layout_words(&streamed.tally),
                plural(count(streamed.tally.submissions), "submission"),
                preview_words(&preview),
                passed_over_words(&streamed.tally),
                evidence_in::summary(
                    evidence.as_ref(),
                    brought.as_ref(),
                    &outcome,
                    Some(held),
                    true
                ),
                flagged_count(&streamed.tally)
            )?;
            flagged.write(out)?;
            write_changes(&preview, Tense::Would, listed, out)?;
            evidence_in::write_details(
                &outcome,
                &evidence_in::county_names(&names),
                context.lang,
                out,
            )?;
            return Ok(());
        }
        // Into a database that exists, a CSV without evidence is written as it is read, in one
        // transaction (rolled back if any row is refused): no copy of its rows is made. The
        // write lock is held while the file is read, so only a CSV, read as fast as it is
        // written: a workbook, unpacked and parsed at a few times that, is read first and
        // written after, keeping those who mark meanwhile waiting no longer than the write.
        if evidence.is_none() && file.format() == Format::Csv && !context.would_create()? {
            let mut store = context.open_to_write()?;
            let who = context.writer(&store)?;
            let lookup = store.lookup()?;
            let written =
                store.import_streamed(&shown, &who, listed.most(), &lookup, |writing| {
                    reading.stream(&lookup, Rows::Written(writing), &mut flagged)
                })?;
            if let Streaming::Written(changes, streamed) = written {
                let newly_stale = changes.verdicts_to_recheck;
                return imported(
                    &streamed,
                    &named,
                    (changes, EvidenceOutcome::default(), None, newly_stale),
                    None,
                    flagged,
                    listed,
                    &store,
                    context,
                    out,
                );
            }
        }
        let mut staged = Staged::new()?;
        let (mut store, (streamed, assigned)) = context.check_then_open(|lookup| {
            let streamed = reading.stream(lookup, Rows::Staged(&mut staged), &mut flagged)?;
            // A county's evidence, tied to its sheet's rows before the database is opened
            // for writing (or made).
            let assigned = match &evidence {
                Some(e) => Some(e.assign(&staged.rows()?, lookup)?),
                None => None,
            };
            Ok((streamed, assigned))
        })?;
        let who = context.writer(&store)?;
        let (changes, outcome, brought, newly_stale) = if evidence.is_some()
            || store.staged_touches_evidence(&staged)?
        {
            // Evidence comes with the sheet, or its counties sent evidence before: the
            // ties are made from the rows, read back (a county's sheet is short).
            let rows = staged.rows()?;
            let stale_before: std::collections::HashSet<(String, String)> =
                store.changed_since_review()?.into_iter().collect();
            let (changes, outcome, brought) = evidence_in::import(
                &mut store,
                &rows,
                &shown,
                &who,
                evidence.as_mut().zip(assigned.as_ref()),
                listed.most(),
            )?;
            // Those a request answered by new evidence are said with it (evidence_in.rs).
            let answered: std::collections::HashSet<(&str, &str)> = outcome
                .closed
                .iter()
                .map(|r| (r.county_code.as_str(), r.indicator_id.as_str()))
                .collect();
            let newly_stale = store
                .changed_since_review()?
                .iter()
                .filter(|k| {
                    !stale_before.contains(*k) && !answered.contains(&(k.0.as_str(), k.1.as_str()))
                })
                .count();
            (changes, outcome, brought, newly_stale)
        } else {
            // The rows written by a few set-based statements: nothing of them in memory.
            let changes = store.import_staged(&staged, &shown, &who, listed.most())?;
            let newly_stale = changes.verdicts_to_recheck;
            (changes, EvidenceOutcome::default(), None, newly_stale)
        };
        imported(
            &streamed,
            &named,
            (changes, outcome, brought, newly_stale),
            evidence.as_ref(),
            flagged,
            listed,
            &store,
            context,
            out,
        )
    }
}

/// What an import made, said: how many rows from which file, what it passed over, the
/// evidence brought, the flagged figures, and what it changed.
#[allow(clippy::too_many_arguments)]
fn imported(
    streamed: &Streamed,
    named: &str,
    (changes, outcome, brought, newly_stale): (
        ImportPreview,
        EvidenceOutcome,
        Option<EvidenceIn>,
        usize,
    ),
    evidence: Option<&evidence_in::Evidence>,
    flagged: FlaggedLines,
    listed: Shown,
    store: &Store,
    context: &Context,
    out: &mut dyn Write,
) -> Result<()> {
    let n = count(streamed.tally.submissions);
    let read_as = if streamed.format == Format::Csv && streamed.encoding != "UTF-8" {
        format!(" (read as {})", streamed.encoding)
    } else if !streamed.sheets.is_empty() {
        format!(" ({})", streamed.sheets_read())
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
        "imported {} from {named}{read_as}{}{}{}{recheck}{}",
        plural(n, "submission"),
        layout_words(&streamed.tally),
        passed_over_words(&streamed.tally),
        evidence_in::summary(evidence, brought.as_ref(), &outcome, None, false),
        flagged_count(&streamed.tally)
    )?;
    flagged.write(out)?;
    write_changes(&changes, Tense::Did, listed, out)?;
    let counties = evidence_in::county_names(&store.lookup()?);
    evidence_in::write_details(&outcome, &counties, context.lang, out)?;
    Ok(())
}

/// A count as the lists and words take it.
fn count(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The file being read, and the progress shown over it.
struct Reading<'a> {
    file: &'a SubmissionsFile,
    sheet: Option<&'a str>,
    shown: &'a str,
    progress: ProgressLine,
}

impl Reading<'_> {
    /// Reads and checks the file against `lookup`, handing its rows to `rows` and keeping its
    /// flagged figures' lines. A store error while handing a row on is said as itself, not as
    /// the file's.
    fn stream(
        &mut self,
        lookup: &Lookup,
        rows: Rows<'_, '_>,
        flagged: &mut FlaggedLines,
    ) -> Result<Streamed> {
        let mut sink = ToRows {
            rows,
            flagged,
            failed: None,
            shown: self.shown,
        };
        let progress = &mut self.progress;
        let (file, sheet) = (self.file, self.sheet);
        // Read and checked on a thread of its own while the rows before are written.
        let streamed = kaohe_core::formats::import::piped(
            &mut sink,
            &mut |done, total| progress.update(done, total),
            |sink, progress| file.stream(sheet, lookup, sink, progress),
        );
        self.progress.clear();
        match (streamed, sink.failed.take()) {
            (Err(_), Some(failed)) => Err(failed),
            (streamed, _) => Ok(streamed?),
        }
    }
}

/// Where a read's checked rows go: a scratch file (to be compared and written after), or
/// the database inside the import's transaction.
enum Rows<'a, 'w> {
    Staged(&'a mut Staged),
    Written(&'a mut Writing<'w>),
}

/// A read's sink: the rows, and the flagged figures' lines.
struct ToRows<'a, 'w> {
    rows: Rows<'a, 'w>,
    flagged: &'a mut FlaggedLines,
    /// Why a row could not be handed on (the disk, a lock, the database; not the file), said
    /// instead of the file's error.
    failed: Option<anyhow::Error>,
    shown: &'a str,
}

impl ToRows<'_, '_> {
    fn fail(&mut self, e: anyhow::Error) -> FileError {
        let message = format!("{e:#}");
        self.failed = Some(e);
        FileError::new(Location::file(self.shown), message)
    }
}

impl Sink for ToRows<'_, '_> {
    fn submission(&mut self, row: SubmissionRow) -> Result<(), FileError> {
        let handed = match &mut self.rows {
            Rows::Staged(staged) => staged.add(&row),
            Rows::Written(writing) => writing.add(row),
        };
        handed.map_err(|e| self.fail(e))
    }

    fn spent(&mut self) -> Vec<SubmissionRow> {
        match &mut self.rows {
            Rows::Staged(_) => Vec::new(),
            Rows::Written(writing) => writing.spent(),
        }
    }

    fn flagged(&mut self, flagged: Flagged) -> Result<(), FileError> {
        self.flagged.add(&flagged).map_err(|e| {
            self.fail(anyhow::Error::new(e).context("cannot keep the list of flagged figures"))
        })
    }
}

/// The flagged figures' lines: counted, the first [`Shown::FIRST`] kept, and with --verbose
/// the rest written to a scratch file as they come, so that a list of any length is printed
/// whole without being held.
struct FlaggedLines {
    shown: Shown,
    lang: Lang,
    first: Vec<String>,
    total: usize,
    spill: Option<std::io::BufWriter<std::fs::File>>,
}

impl FlaggedLines {
    fn new(shown: Shown, lang: Lang) -> FlaggedLines {
        FlaggedLines {
            shown,
            lang,
            first: Vec::new(),
            total: 0,
            spill: None,
        }
    }

    fn add(&mut self, f: &Flagged) -> std::io::Result<()> {
        self.total += 1;
        if self.first.len() < Shown::FIRST {
            self.first.push(flagged_line(f, self.lang));
        } else if self.shown.all {
            let spill = match &mut self.spill {
                Some(spill) => spill,
                None => self
                    .spill
                    .insert(std::io::BufWriter::new(tempfile::tempfile()?)),
            };
            writeln!(spill, "  {}", flagged_line(f, self.lang))?;
        }
        Ok(())
    }

    /// The lines, one indented line each, then how many more there are.
    fn write(self, out: &mut dyn Write) -> Result<()> {
        for line in &self.first {
            writeln!(out, "  {line}")?;
        }
        if let Some(spill) = self.spill {
            let mut file = spill
                .into_inner()
                .map_err(|e| anyhow::anyhow!("cannot keep the list of flagged figures: {e}"))?;
            file.seek(SeekFrom::Start(0))?;
            std::io::copy(&mut std::io::BufReader::new(file), out)?;
            return Ok(());
        }
        let more = self.total.saturating_sub(self.first.len());
        if more > 0 {
            writeln!(out, "  … and {more} more (--verbose lists them all)")?;
        }
        Ok(())
    }
}

/// "12 new, 750 replacing earlier ones (3 with another figure); 2 verdicts would be marked
/// changed since reviewed".
fn preview_words(p: &ImportPreview) -> String {
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

/// " (a column per county)" for a wide table; nothing for a long one.
fn layout_words(tally: &Tally) -> String {
    match tally.layout {
        LayoutKind::Long => String::new(),
        wide => format!(" ({})", wide.words()),
    }
}

/// "; passed over 3 footer rows (填报人 …) and 1 total row (合计 …)" where the table had them.
fn passed_over_words(tally: &Tally) -> String {
    let p = &tally.passed_over;
    let mut parts = Vec::new();
    if p.footer_rows > 0 {
        parts.push(format!(
            "{} (填报人, 审核人, 备注 …)",
            plural(p.footer_rows, "footer row")
        ));
    }
    if p.total_rows > 0 {
        parts.push(format!(
            "{} (合计, 小计 …)",
            plural(p.total_rows, "total row")
        ));
    }
    if p.total_columns > 0 {
        parts.push(format!(
            "{} (合计, 全市 …)",
            plural(p.total_columns, "total column")
        ));
    }
    match parts.as_slice() {
        [] => String::new(),
        [one] => format!("; passed over {one}"),
        [first @ .., last] => format!("; passed over {} and {last}", first.join(", ")),
    }
}

/// "; 2 flagged for a second look:" when figures look wrong.
fn flagged_count(tally: &Tally) -> String {
    match tally.flagged {
        0 => String::new(),
        n => format!("; {n} flagged for a second look:"),
    }
}

/// How many entries of a list are printed: the first [`Shown::FIRST`], then how many more
/// and how to see them, unless `--verbose` asks for all.
#[derive(Debug, Clone, Copy)]
struct Shown {
    all: bool,
}

impl Shown {
    const FIRST: usize = 20;

    fn new(verbose: bool) -> Shown {
        Shown { all: verbose }
    }

    /// How many entries of a list are kept to be printed.
    fn most(self) -> usize {
        if self.all { usize::MAX } else { Self::FIRST }
    }

    /// Writes the first of `total` entries, `lines` (each already cleaned), one an indented
    /// line, then how many more there are.
    fn write(self, lines: &[String], total: usize, out: &mut dyn Write) -> Result<()> {
        for line in lines.iter().take(self.most()) {
            writeln!(out, "  {line}")?;
        }
        let more = total.saturating_sub(lines.len().min(self.most()));
        if more > 0 {
            writeln!(out, "  … and {more} more (--verbose lists them all)")?;
        }
        Ok(())
    }
}

/// A flagged submission's line: county, indicator, the figure, why.
fn flagged_line(f: &Flagged, lang: Lang) -> String {
    let why: Vec<String> = f
        .flags
        .iter()
        .map(|flag| match lang {
            Lang::Zh => flag.zh(&f.value),
            Lang::En => flag.en(&f.value),
        })
        .collect();
    let separator = if lang == Lang::Zh { "；" } else { "; " };
    clean(&format!(
        "{} {} \"{}\": {}",
        f.county,
        f.indicator,
        f.value,
        why.join(separator)
    ))
}

/// Whether the changes are said of a dry run (would) or of the import just made (did).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tense {
    Would,
    Did,
}

/// Each reviewed item whose figure changes (county, indicator: before → after, its verdict
/// and who gave it), then each row replacing a submission another file brought (the file and
/// when it was imported); each list within `shown`, and only where it has entries.
fn write_changes(p: &ImportPreview, tense: Tense, shown: Shown, out: &mut dyn Write) -> Result<()> {
    if !p.reviewed_changes.is_empty() {
        let changes = match tense {
            Tense::Would => "would change",
            Tense::Did => "changed",
        };
        writeln!(
            out,
            "{} whose figure {changes} (each verdict stays, marked changed since reviewed until reviewed again):",
            plural(p.reviewed_changes.total, "reviewed item")
        )?;
        let lines: Vec<String> = p
            .reviewed_changes
            .first
            .iter()
            .map(|c| {
                let marked = if c.already_changed {
                    "; already marked changed since reviewed"
                } else {
                    ""
                };
                clean(&format!(
                    "{} {} {}: {} → {} ({}, {}{marked})",
                    c.county_code,
                    c.county,
                    c.indicator,
                    figure_words(&c.before),
                    figure_words(&c.after),
                    c.verdict.chinese(),
                    c.reviewer
                ))
            })
            .collect();
        shown.write(&lines, p.reviewed_changes.total, out)?;
    }
    if !p.from_other_files.is_empty() {
        let replace = match tense {
            Tense::Would => "would replace",
            Tense::Did => "replaced",
        };
        writeln!(
            out,
            "{} {replace} a submission from another file:",
            plural(p.from_other_files.total, "row")
        )?;
        let lines: Vec<String> = p
            .from_other_files
            .first
            .iter()
            .map(|o| {
                let file = match &o.file {
                    Some(f) => format!("from {f}"),
                    None => "from a file kaohe did not record".to_string(),
                };
                let figure = if o.figure_changed {
                    "another figure"
                } else {
                    "the same figure"
                };
                clean(&format!(
                    "{} {} {}: {file}, imported {} ({figure})",
                    o.county_code,
                    o.county,
                    o.indicator,
                    crate::stages::short_time(&o.imported_at)
                ))
            })
            .collect();
        shown.write(&lines, p.from_other_files.total, out)?;
    }
    Ok(())
}

/// A figure as the county gave it: "52.4% (22/42)", "(22/42)", or "(nothing)".
fn figure_words(f: &GivenFigure) -> String {
    let mut words = f.value.clone();
    if let (Some(n), Some(d)) = (f.numerator, f.denominator) {
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(&format!("({}/{})", format_number(n), format_number(d)));
    }
    if words.is_empty() {
        "(nothing)".to_string()
    } else {
        words
    }
}
