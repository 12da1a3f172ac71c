//! `kaohe import FILE`: county submissions from a CSV file, a workbook or a JSON export, all
//! rows or none, with the county's evidence beside them (`evidence_in.rs`); with `--dry-run`,
//! what would be imported, writing nothing.

use super::context::Context;
use super::evidence_in;
use super::progress::ProgressLine;
use super::table::plural;
use crate::error::FileError;
use crate::formats::import::{Checked, Format, Imported, SubmissionsFile};
use crate::lookup::Lookup;
use crate::source::limits::{Limits, Size};
use crate::store::{ImportPreview, Store};
use crate::text::clean;
use crate::tui::strings::Lang;
use anyhow::{Context as _, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Import {
    /// The file: CSV or a workbook sheet with columns county, indicator, value, numerator,
    /// denominator, evidence, remark (or 县(市、区), 指标编号, 完成值 …), or the JSON array
    /// `kaohe export --format json` writes. The format is told by the content, not the name
    pub file: PathBuf,
    /// The workbook's sheet to read, hidden or not [default: the sheet of submissions among
    /// those shown, or every county's sheet]
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Check the file and say what would be imported, writing nothing
    #[arg(long)]
    pub dry_run: bool,
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
        // Progress over reading and checking; the write after it is one quick transaction.
        let mut progress = ProgressLine::on_stderr();
        // A workbook is unpacked, and its shared strings read, before its first row (a moment
        // for a big one).
        if file.format().is_workbook() && file.size() > 1_000_000 {
            progress.note("导入 读取工作簿…");
        }
        let sheet = self.sheet.as_deref();
        let mut read = |lookup: &Lookup| {
            let imported = file.read(sheet, lookup, &mut |done, total| {
                progress.update(done, total)
            });
            progress.clear();
            imported
        };
        if self.dry_run {
            let (imported, preview) = preview(context, &named, &mut read)?;
            let names = evidence_in::lookup(context)?;
            let assigned = match &evidence {
                Some(e) => Some(e.assign(&imported.checked.rows, &names)?),
                None => None,
            };
            let (outcome, brought, held) = evidence_in::preview(
                context,
                &imported.checked.rows,
                evidence.as_mut().zip(assigned.as_ref()),
            )?;
            let read_as = match imported.format {
                Format::Csv => format!(" ({})", imported.encoding),
                _ if !imported.sheets.is_empty() => format!(" ({})", imported.sheets_read()),
                _ => String::new(),
            };
            writeln!(
                out,
                "{named}{read_as} is fine: {} would be imported ({}){}; nothing was written (--dry-run){}",
                plural(imported.checked.rows.len(), "submission"),
                preview_words(&preview),
                evidence_in::summary(
                    evidence.as_ref(),
                    brought.as_ref(),
                    &outcome,
                    Some(held),
                    true
                ),
                flagged_count(&imported.checked)
            )?;
            write_flagged(&imported.checked, context.lang, out)?;
            evidence_in::write_details(
                &outcome,
                &evidence_in::county_names(&names),
                context.lang,
                out,
            )?;
            return Ok(());
        }
        let (mut store, (imported, assigned)) = context.check_then_open(|lookup| {
            let imported = read(lookup)?;
            let assigned = match &evidence {
                Some(e) => Some(e.assign(&imported.checked.rows, lookup)?),
                None => None,
            };
            Ok((imported, assigned))
        })?;
        let who = context.writer(&store)?;
        let stale_before: std::collections::HashSet<(String, String)> =
            store.changed_since_review()?.into_iter().collect();
        let (n, outcome, brought) = evidence_in::import(
            &mut store,
            &imported.checked.rows,
            &shown,
            &who,
            evidence.as_mut().zip(assigned.as_ref()),
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
        let read_as = if imported.format == Format::Csv && imported.encoding != "UTF-8" {
            format!(" (read as {})", imported.encoding)
        } else if !imported.sheets.is_empty() {
            format!(" ({})", imported.sheets_read())
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
            "imported {} from {named}{read_as}{}{recheck}{}",
            plural(n, "submission"),
            evidence_in::summary(evidence.as_ref(), brought.as_ref(), &outcome, None, false),
            flagged_count(&imported.checked)
        )?;
        write_flagged(&imported.checked, context.lang, out)?;
        let counties = evidence_in::county_names(&store.lookup()?);
        evidence_in::write_details(&outcome, &counties, context.lang, out)?;
        Ok(())
    }
}

/// The file read and compared with the database as it is (or the seed it would be made from);
/// nothing is written, not even a new database.
fn preview(
    context: &Context,
    file: &str,
    read: &mut dyn FnMut(&Lookup) -> Result<Imported, FileError>,
) -> Result<(Imported, ImportPreview)> {
    if !context.would_create()? {
        let store = context.open_existing()?;
        let imported = read(&store.lookup()?)?;
        // A row a lock (审定) covers would refuse the import: said now.
        store.refuse_locked_rows(&imported.checked.rows, file)?;
        let preview = store.import_preview(&imported.checked.rows)?;
        return Ok((imported, preview));
    }
    let seed = context.embedded_seed()?;
    let imported = read(&Lookup::from_parts(&seed.catalog, &seed.counties))?;
    let preview = if seed.submissions.is_some() {
        // The database would be made with the demo's submissions first: compared against a
        // scratch copy of it, never the real path.
        let scratch = tempfile::tempdir().context("cannot make a scratch directory")?;
        let maker = context.named_reviewer();
        Store::create(&scratch.path().join("preview.db"), &seed, &maker)?
            .import_preview(&imported.checked.rows)?
    } else {
        ImportPreview {
            new: imported.checked.rows.len(),
            ..Default::default()
        }
    };
    Ok((imported, preview))
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

/// "; 2 flagged for a second look:" when figures look wrong.
fn flagged_count(checked: &Checked) -> String {
    match checked.flagged.len() {
        0 => String::new(),
        n => format!("; {n} flagged for a second look:"),
    }
}

/// The flagged submissions, one a line: county, indicator, the figure, why. Up to 20, then
/// how many more; the workspace shows them all.
fn write_flagged(checked: &Checked, lang: Lang, out: &mut dyn Write) -> Result<()> {
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
