//! `kaohe verify`: the verified figure (核定值) of one county × indicator — the figure found on
//! checking the evidence, where it differs from the county's, with the reason; or `clear`.

use super::context::Context;
use crate::check::suggested;
use crate::store::{VerifyWrite, VerifyWritten};
use crate::text::{check_words, clean};
use crate::verified::read_verified;
use anyhow::{Result, anyhow, bail};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct Verify {
    /// County code (330802) or name (柯城区)
    pub county: String,
    /// Indicator id, e.g. 1.2
    pub indicator: String,
    /// The verified figure, in the indicator's unit (68%, 68, 1,200), or clear (also 清除)
    #[arg(allow_hyphen_values = true)]
    pub figure: String,
    /// Why it differs from the county's figure (needed to record one; a remark with clear)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub reason: Option<String>,
}

impl Verify {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        // Line breaks as any terminal or editor types them, kept as LF.
        let reason = self
            .reason
            .map(|n| n.replace("\r\n", "\n").replace('\r', "\n"))
            .unwrap_or_default();
        super::free_text::not_an_option("--reason", &reason)?;
        check_words("--reason", &reason, true)
            .map_err(|e| anyhow!("{e} (a reason may hold line breaks and tabs, nothing else)"))?;
        let clearing = matches!(self.figure.trim(), "clear" | "清除");
        if context.would_create()? {
            bail!(
                "{} does not exist yet, so nothing was submitted there to verify",
                context.db.display()
            );
        }
        let (mut store, (county, indicator)) = context.check_then_open(|lookup| {
            Ok((
                lookup.find_county(&self.county)?.clone(),
                lookup.find_indicator(&self.indicator)?.to_string(),
            ))
        })?;
        let catalog = store.catalog()?;
        let Some(ind) = catalog.indicators().find(|i| i.id == indicator) else {
            bail!("indicator {} is not in the database", clean(&indicator));
        };
        let figure = if clearing {
            None
        } else {
            Some(read_verified(ind, &self.figure)?)
        };
        let who = context.writer(&store)?;
        let write = VerifyWrite {
            county_code: county.code.clone(),
            indicator_id: indicator.clone(),
            figure,
            reason,
            seen: None,
        };
        let VerifyWritten::Saved { change, item } = store.write_verified(&write, &who)? else {
            bail!(
                "{} × {} changed while it was being verified; nothing was written",
                clean(&county.code),
                clean(&indicator)
            );
        };
        let name = clean(&format!("{} {} {}", county.code, county.name, indicator));
        let county_figure = item.value.as_deref().unwrap_or_default();
        let to = change.to.as_ref().map_or("—", |v| v.value.as_str());
        if !change.written {
            writeln!(out, "{name}: unchanged (核定值 {})", clean(to))?;
            return Ok(());
        }
        // Whose figure this replaces, when it was someone else's.
        let from = match &change.from {
            Some(v) if v.by != who.name => format!("{} ({})", v.value, v.by),
            Some(v) => v.value.clone(),
            None => "—".to_string(),
        };
        let mut line = format!("{name}: 核定值 {from} → {to} · 报送 {county_figure}");
        if item.verified_lower() {
            line.push_str(" · 核减");
        }
        // What the figure now suggests: the verified one's, or the county's again.
        if let Some(v) = item.judged().and_then(|sub| suggested(ind, &sub)) {
            line.push_str(&format!(" · suggests {}", v.chinese()));
        }
        writeln!(out, "{}", clean(&line))?;
        Ok(())
    }
}
