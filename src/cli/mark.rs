//! `kaohe mark`: one verdict (and note) on one county × indicator.

use super::context::Context;
use super::table::verdict_label;
use crate::model::VerdictArg;
use crate::store::{ReviewWrite, Written};
use crate::text::{check_words, clean};
use anyhow::{Result, anyhow, bail};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct Mark {
    /// County code (330802) or name (柯城区)
    pub county: String,
    /// Indicator id, e.g. 1.2
    pub indicator: String,
    /// met | partly_met | not_met | clear | 完成 | 基本完成 | 未完成
    pub verdict: VerdictArg,
    /// Your note on it: added to its notes under your name (in place of your own note when
    /// yours is the latest; "" takes that away). A colleague's note is never replaced
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub note: Option<String>,
}

impl Mark {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        // Line breaks as any terminal or editor types them, kept as LF.
        let note = self
            .note
            .map(|n| n.replace("\r\n", "\n").replace('\r', "\n"));
        if let Some(n) = &note {
            super::free_text::not_an_option("--note", n)?;
            check_words("--note", n, true)
                .map_err(|e| anyhow!("{e} (notes may hold line breaks and tabs, nothing else)"))?;
        }
        let (mut store, (county, indicator)) = context.check_then_open(|lookup| {
            Ok((
                lookup.find_county(&self.county)?.clone(),
                lookup.find_indicator(&self.indicator)?.to_string(),
            ))
        })?;
        let who = context.writer(&store)?;
        // Whose verdict this replaces, to say so.
        let before = store.item(&county.code, &indicator)?;
        let mut review = ReviewWrite::new(&county.code, &indicator).verdict(self.verdict.0);
        review.note = note;
        let Written::Saved { change, .. } = store.write_review(&review, &who)? else {
            bail!(
                "{} × {} changed while it was being marked; nothing was written",
                clean(&county.code),
                clean(&indicator)
            );
        };
        // Names from the database, shown as the workspace shows them.
        let item = clean(&format!("{} {} {}", county.code, county.name, indicator));
        if change.changed() {
            let whose = match before.reviewer.as_deref() {
                Some(r) if change.from.is_some() && change.from != change.to && r != who.name => {
                    format!(" ({})", clean(r))
                }
                _ => String::new(),
            };
            writeln!(
                out,
                "{item}: {}{whose} → {}",
                verdict_label(change.from),
                verdict_label(change.to)
            )?;
        } else {
            writeln!(out, "{item}: unchanged ({})", verdict_label(change.to))?;
        }
        Ok(())
    }
}
