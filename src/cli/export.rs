//! `kaohe export`: every county × indicator with its submission and review, as JSON, CSV, a
//! workbook or a Markdown report, to standard output or a file. The items are read from the
//! database as they are written (see kaohe-store's `item_walk.rs`): an export of any size runs
//! in the same memory.

use super::context::Context;
use super::destination::Destination;
use super::table::plural;
use crate::formats::export;
use crate::text::clean;
use anyhow::{Context as _, Result, bail};
use clap::{Args, ValueEnum};
use std::io::{BufWriter, Seek, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Export {
    /// Output format
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// Write to FILE (replaced whole) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write the counties' evidence files into the new folder DIR instead: a folder a county,
    /// in it a folder an indicator with the files under their original names, and 清单.csv
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "format"])]
    pub evidence: Option<PathBuf>,
    /// With --evidence: only this county's (code or name)
    #[arg(long, value_name = "COUNTY", requires = "evidence")]
    pub county: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    /// An Excel workbook (needs --out); a table longer than a sheet holds continues on
    /// further sheets
    Xlsx,
    /// A report per county in Markdown: score, rank, the items not met or partly met
    Md,
    /// The 通报: the results notice as a Word document (the ranking, then each county's
    /// shortfalls with both figures and the notes); to --out FILE.docx, or standard output
    /// when it is not a terminal
    Docx,
}

impl Export {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        if let Some(dir) = &self.evidence {
            return super::evidence_out::export_folder(context, dir, self.county.as_deref(), out);
        }
        if self.format == ExportFormat::Xlsx && self.out.is_none() {
            bail!("--format xlsx writes a workbook: give the file with --out FILE.xlsx");
        }
        // A Word document is a zip: never bytes for a terminal to show.
        if self.format == ExportFormat::Docx
            && self.out.is_none()
            && std::io::IsTerminal::is_terminal(&std::io::stdout())
        {
            bail!(
                "--format docx writes a Word document: give the file with --out FILE.docx (or redirect standard output to one)"
            );
        }
        // The file is checked first; then only ever an existing database is read.
        let destination = self
            .out
            .as_deref()
            .map(|path| Destination::check(path, &context.db))
            .transpose()?;
        let store = context.open_existing()?;
        // What is counted over every item is counted first, in compact arrays; the items
        // themselves are read as they are written.
        let results = export::Results {
            items: &store,
            catalog: store.catalog()?,
            status: store.status()?,
            people: store.people()?,
        };
        let Some(destination) = destination else {
            // Buffered: standard output flushes at every line, and JSON is a field a line.
            let mut out = BufWriter::new(out);
            match self.format {
                ExportFormat::Json => export::write_json(&results, &mut out).map(drop),
                ExportFormat::Csv => export::write_csv(&results, &mut out).map(drop),
                ExportFormat::Md => export::write_markdown(&results, &mut out).map(drop),
                ExportFormat::Docx => spooled_docx(&results, &mut out),
                ExportFormat::Xlsx => {
                    bail!("--format xlsx writes a workbook: give the file with --out FILE.xlsx")
                }
            }?;
            out.flush()?;
            return Ok(());
        };
        let mut written = 0;
        let mut split = None;
        destination.replace_with_file(|file| {
            // Buffered: the writers write a field or a line at a time.
            let mut file = BufWriter::new(file);
            written = match self.format {
                ExportFormat::Json => export::write_json(&results, &mut file)?,
                ExportFormat::Csv => export::write_csv(&results, &mut file)?,
                ExportFormat::Md => export::write_markdown(&results, &mut file)?,
                ExportFormat::Docx => export::write_docx(&results, &mut file)?,
                ExportFormat::Xlsx => {
                    let done = export::write_xlsx(&results, &mut file)?;
                    let said: Vec<String> = [done.split_words(), done.height_words()]
                        .into_iter()
                        .flatten()
                        .collect();
                    split = (!said.is_empty()).then(|| said.join("; "));
                    done.items
                }
            };
            file.flush()?;
            Ok(())
        })?;
        let split = split.map(|s| format!(" ({s})")).unwrap_or_default();
        writeln!(
            out,
            "exported {} to {}{split}",
            plural(written, "item"),
            clean(&destination.path.display().to_string())
        )?;
        Ok(())
    }
}

/// The Word document to standard output (a pipe or a file, never a terminal): a zip goes back
/// over its headers as it is written, so it is made in an unnamed temporary file (never in
/// memory) and copied out.
fn spooled_docx(results: &export::Results<'_>, out: &mut dyn Write) -> Result<()> {
    let spool = tempfile::tempfile().context("cannot make a temporary file for the 通报")?;
    let mut buffered = BufWriter::new(spool);
    export::write_docx(results, &mut buffered)?;
    let mut spool = buffered.into_inner().map_err(|e| e.into_error())?;
    spool.rewind()?;
    std::io::copy(&mut spool, out)?;
    Ok(())
}
