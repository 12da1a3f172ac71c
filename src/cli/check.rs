//! `kaohe check`: the second review (复核) of one county × indicator — the first verdict
//! confirmed, or changed with a reason.

use super::context::Context;
use super::table::verdict_label;
use crate::model::{Verdict, VerdictArg};
use crate::stages::Decision;
use crate::store::{Acting, CheckWrite, Checked};
use crate::text::{check_words, clean};
use anyhow::{Result, anyhow, bail};
use clap::Args;
use std::io::Write;
use std::str::FromStr;

#[derive(Debug, Args)]
pub struct Check {
    /// County code (330802) or name (柯城区)
    pub county: String,
    /// Indicator id, e.g. 1.2
    pub indicator: String,
    /// confirm (同意: the first verdict stands), or the verdict it is changed to: met |
    /// partly_met | not_met | 完成 | 基本完成 | 未完成
    pub decision: DecisionArg,
    /// Why the verdict changes (needed for a change; a remark with confirm)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub reason: Option<String>,
}

/// `confirm` (同意), or the verdict the first is changed to.
#[derive(Debug, Clone, Copy)]
pub struct DecisionArg(pub Decision);

impl FromStr for DecisionArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "confirm" | "同意" => Ok(DecisionArg(Decision::Confirm)),
            other => match other.parse::<VerdictArg>() {
                Ok(VerdictArg(Some(v))) => Ok(DecisionArg(Decision::Change(v))),
                _ => Err(format!(
                    "unknown decision \"{other}\" (expected confirm, 同意, or the verdict it is changed to: met, partly_met, not_met, 完成, 基本完成, 未完成)"
                )),
            },
        }
    }
}

impl Check {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        // Line breaks as any terminal or editor types them, kept as LF.
        let reason = self
            .reason
            .map(|n| n.replace("\r\n", "\n").replace('\r', "\n"))
            .unwrap_or_default();
        super::free_text::not_an_option("--reason", &reason)?;
        check_words("--reason", &reason, true)
            .map_err(|e| anyhow!("{e} (a reason may hold line breaks and tabs, nothing else)"))?;
        if context.would_create()? {
            bail!(
                "{} does not exist yet, so nothing is marked there to check",
                context.db.display()
            );
        }
        let (mut store, (county, indicator)) = context.check_then_open(|lookup| {
            Ok((
                lookup.find_county(&self.county)?.clone(),
                lookup.find_indicator(&self.indicator)?.to_string(),
            ))
        })?;
        let by = Acting {
            uid: context.account.uid,
            who: context.writer(&store)?,
        };
        let write = CheckWrite {
            county_code: county.code.clone(),
            indicator_id: indicator.clone(),
            decision: self.decision.0,
            reason,
            first_seen: None,
        };
        let Checked::Saved { change, .. } = store.write_check(&write, &by)? else {
            bail!(
                "{} × {} changed while it was being checked; nothing was written",
                clean(&county.code),
                clean(&indicator)
            );
        };
        let item = clean(&format!("{} {} {}", county.code, county.name, indicator));
        let first = clean(&change.first_reviewer);
        let decided = if change.agreed() {
            format!("同意 {}", label(change.first))
        } else {
            format!("改判 {} → {}", label(change.first), label(change.to))
        };
        if change.written {
            writeln!(out, "{item}: 复核 {decided} (初审 {first})")?;
        } else {
            writeln!(out, "{item}: unchanged (复核 {decided}, 初审 {first})")?;
        }
        Ok(())
    }
}

fn label(v: Verdict) -> &'static str {
    verdict_label(Some(v))
}
