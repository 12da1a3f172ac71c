//! `kaohe finding`: a reviewer's finding on one county × indicator, which rule shapes read
//! (issue 17): the cases counted (`--cases N`, `--no-cases`), or 不计分 with its reason
//! (`--void REASON`, `--unvoid`). Logged like every write; refused where a lock covers the
//! item or the indicator's rule counts no cases.

use super::context::Context;
use crate::store::FindingWrite;
use crate::text::{check_words, clean};
use anyhow::{Result, anyhow, bail};
use clap::{ArgGroup, Args};
use std::io::Write;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("finding").required(true).multiple(false)))]
pub struct Finding {
    /// County code (330802) or name (柯城区)
    pub county: String,
    /// Indicator id, e.g. 1.3
    pub indicator: String,
    /// The cases counted (查实的例数): a deduction or a bonus per case, as the indicator's
    /// rule says (per_case, or bonus with each)
    #[arg(long, value_name = "N", group = "finding")]
    pub cases: Option<u32>,
    /// Take the count away (none entered)
    #[arg(long, group = "finding")]
    pub no_cases: bool,
    /// Void the item (不计分: it earns nothing), with the reason, e.g. "弄虚作假：台账与抽查不符"
    #[arg(
        long,
        value_name = "REASON",
        group = "finding",
        allow_hyphen_values = true
    )]
    pub void: Option<String>,
    /// Take the void away: the item is scored by its rule again
    #[arg(long, group = "finding")]
    pub unvoid: bool,
}

impl Finding {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        let write = match (self.cases, self.no_cases, &self.void, self.unvoid) {
            (Some(n), ..) => FindingWrite::Cases(Some(n)),
            (None, true, ..) => FindingWrite::Cases(None),
            (None, false, Some(reason), _) => {
                // Line breaks as any terminal or editor types them, kept as LF.
                let reason = reason.replace("\r\n", "\n").replace('\r', "\n");
                super::free_text::not_an_option("--void", &reason)?;
                check_words("--void", &reason, true).map_err(|e| {
                    anyhow!("{e} (a reason may hold line breaks and tabs, nothing else)")
                })?;
                if reason.trim().is_empty() {
                    bail!(
                        "--void needs the reason the item earns nothing, e.g. --void \"弄虚作假：台账与抽查不符\""
                    );
                }
                FindingWrite::Void(reason)
            }
            _ => FindingWrite::Unvoid,
        };
        if context.would_create()? {
            bail!(
                "{} does not exist yet, so there is no item to record a finding on",
                context.db.display()
            );
        }
        let (mut store, (county, indicator)) = context.check_then_open(|lookup| {
            Ok((
                lookup.find_county(&self.county)?.clone(),
                lookup.find_indicator(&self.indicator)?.to_string(),
            ))
        })?;
        let who = context.writer(&store)?;
        let change = store.write_finding(&county.code, &indicator, &write, &who)?;
        let item = clean(&format!("{} {} {}", county.code, county.name, indicator));
        let cases = |n: Option<u32>| n.map_or("—".to_string(), |n| n.to_string());
        let what = match &write {
            FindingWrite::Cases(_) => format!(
                "例数 {} → {}",
                cases(change.from_cases),
                cases(change.to_cases)
            ),
            FindingWrite::Void(_) => format!(
                "不计分（{}）",
                clean(&change.to_void.clone().unwrap_or_default())
            ),
            FindingWrite::Unvoid => "不计分取消".to_string(),
        };
        if change.written {
            writeln!(out, "{item}: {what}")?;
        } else {
            writeln!(out, "{item}: unchanged ({what})")?;
        }
        Ok(())
    }
}
