//! 退回补充: `kaohe request COUNTY INDICATOR --reason TEXT` asks a county for more material on
//! one item; `kaohe requests` lists the requests per county, as lines, or as the list the clerk
//! sends (Markdown), CSV or JSON. A request is closed by the import that brings new evidence
//! for its item (see `evidence_in.rs`).

use super::context::Context;
use super::destination::Destination;
use super::table::plural;
use crate::evidence::Request as Asked;
use crate::evidence::list::{self, Listed};
use crate::stages::short_time;
use crate::text::{check_words, clean, pad, width};
use anyhow::{Result, anyhow};
use clap::{Args, ValueEnum};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Request {
    /// County code (330802) or name (柯城区)
    pub county: String,
    /// Indicator id, e.g. 1.2
    pub indicator: String,
    /// What is missing and what to send: it goes to the county as written
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

impl Request {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        let reason = self.reason.replace("\r\n", "\n").replace('\r', "\n");
        check_words("--reason", &reason, true)
            .map_err(|e| anyhow!("{e} (a reason may hold line breaks and tabs, nothing else)"))?;
        if reason.trim().is_empty() {
            return Err(anyhow!(
                "a request for more material needs a reason the county can act on: give it with --reason TEXT"
            ));
        }
        let (mut store, (county, indicator)) = context.check_then_open(|lookup| {
            Ok((
                lookup.find_county(&self.county)?.clone(),
                lookup.find_indicator(&self.indicator)?.to_string(),
            ))
        })?;
        let who = context.writer(&store)?;
        let asked = store.open_request(&county.code, &indicator, &reason, &who)?;
        let open = store
            .requests(Some(&county.code))?
            .into_iter()
            .filter(Asked::is_open)
            .count();
        writeln!(
            out,
            "{}",
            clean(&format!(
                "request #{} to {} {} {}: {} (退回补充; closed when an import brings new evidence for it; {} now open for {})",
                asked.id,
                county.code,
                county.name,
                indicator,
                asked.reason.replace('\n', " / "),
                plural(open, "request"),
                county.name
            ))
        )?;
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct Requests {
    /// Only this county (code or name)
    #[arg(long, value_name = "COUNTY")]
    pub county: Option<String>,
    /// Closed requests too (answered by an import), with when and by which file
    #[arg(long)]
    pub all: bool,
    /// Output format [default: lines to read here]
    #[arg(long, value_enum)]
    pub format: Option<RequestsFormat>,
    /// Write to FILE (replaced whole) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RequestsFormat {
    Csv,
    Json,
    /// A list per county to send on (退回补充材料清单)
    #[value(alias = "md")]
    Markdown,
}

impl Requests {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        let destination = self
            .out
            .as_deref()
            .map(|path| Destination::check(path, &context.db))
            .transpose()?;
        let store = context.open_existing()?;
        let lookup = store.lookup()?;
        let county = self
            .county
            .as_deref()
            .map(|c| lookup.find_county(c).map(|c| c.code.clone()))
            .transpose()?;
        let requests: Vec<Asked> = store
            .requests(county.as_deref())?
            .into_iter()
            .filter(|r| self.all || r.is_open())
            .collect();
        let names: HashMap<String, String> = store
            .counties()?
            .into_iter()
            .map(|c| (c.code, c.name))
            .collect();
        let catalog = store.catalog()?;
        let shorts: HashMap<&str, &str> = catalog
            .indicators()
            .map(|i| (i.id.as_str(), i.short.as_str()))
            .collect();
        let listed: Vec<Listed> = requests
            .iter()
            .map(|r| {
                Listed::new(
                    r,
                    names.get(&r.county_code).map_or("", String::as_str),
                    shorts.get(r.indicator_id.as_str()).copied().unwrap_or(""),
                )
            })
            .collect();
        let title = &catalog.assessment.title;
        let write = |w: &mut dyn Write| match self.format {
            None => write_lines(&listed, self.all, w),
            Some(RequestsFormat::Csv) => list::write_csv(&listed, w),
            Some(RequestsFormat::Json) => list::write_json(&listed, w),
            Some(RequestsFormat::Markdown) => list::write_markdown(&listed, title, w),
        };
        match destination {
            None => write(out),
            Some(destination) => {
                destination.replace_with(write)?;
                let counties = {
                    let mut c: Vec<&str> = listed.iter().map(|l| l.county_code).collect();
                    c.dedup();
                    c.len()
                };
                writeln!(
                    out,
                    "wrote {} ({}) to {}",
                    plural(listed.len(), "request"),
                    if counties == 1 {
                        "1 county".to_string()
                    } else {
                        format!("{counties} counties")
                    },
                    clean(&destination.path.display().to_string())
                )?;
                Ok(())
            }
        }
    }
}

/// Lines to read in a terminal: a county a heading, then each request.
fn write_lines(listed: &[Listed<'_>], all: bool, out: &mut dyn Write) -> Result<()> {
    if listed.is_empty() {
        let what = if all {
            "no requests"
        } else {
            "no open requests"
        };
        writeln!(
            out,
            "{what} (退回补充): `kaohe request COUNTY INDICATOR --reason TEXT` asks for more"
        )?;
        return Ok(());
    }
    let widest = listed
        .iter()
        .map(|r| width(&clean(&format!("{} {}", r.indicator, r.indicator_name))))
        .max()
        .unwrap_or(0);
    let mut last: Option<&str> = None;
    for r in listed {
        if last != Some(r.county_code) {
            let n = listed
                .iter()
                .filter(|x| x.county_code == r.county_code && x.open)
                .count();
            writeln!(
                out,
                "{}",
                clean(&format!(
                    "{} {}: {} open (退回补充)",
                    r.county_code,
                    r.county,
                    plural(n, "request")
                ))
            )?;
            last = Some(r.county_code);
        }
        let item = pad(
            &clean(&format!("{} {}", r.indicator, r.indicator_name)),
            widest,
        );
        let state = match r.closed_at {
            Some(at) => format!(
                "  [answered {} by {}]",
                short_time(at),
                r.closed_by.unwrap_or_default()
            ),
            None => String::new(),
        };
        writeln!(
            out,
            "  #{:<4} {item}  {}  — {} {}{}",
            r.id,
            clean(&r.reason.replace('\n', " / ")),
            clean(r.asked_by),
            short_time(r.asked_at),
            clean(&state)
        )?;
    }
    Ok(())
}
