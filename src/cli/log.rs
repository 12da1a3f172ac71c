//! `kaohe log`: the history of reviews, oldest first, as lines or JSON, optionally for one
//! county, indicator or reviewer.

use super::context::Context;
use super::table::verdict_label;
use crate::formats::export::write_json_value;
use crate::model::Verdict;
use crate::store::{LogEntry, LogFilter, Store};
use crate::text::clean;
use anyhow::Result;
use clap::Args;
use std::collections::HashMap;
use std::io::Write;

#[derive(Debug, Args)]
pub struct Log {
    /// Print JSON (one array of {at, reviewer, account, county_code, indicator, from, to, note})
    #[arg(long)]
    pub json: bool,
    /// Only this county (code or name)
    #[arg(long, value_name = "COUNTY")]
    pub county: Option<String>,
    /// Only this indicator (e.g. 1.2)
    #[arg(long, value_name = "ID")]
    pub indicator: Option<String>,
    /// Only this reviewer (name or OS account)
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
}

impl Log {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        let store = context.open_existing()?;
        let lookup = store.lookup()?;
        let filter = LogFilter {
            after: 0,
            county_code: self
                .county
                .as_deref()
                .map(|c| lookup.find_county(c).map(|c| c.code.clone()))
                .transpose()?,
            indicator: self
                .indicator
                .as_deref()
                .map(|i| lookup.find_indicator(i).map(str::to_string))
                .transpose()?,
            reviewer: self.reviewer,
        };
        let events = store.log_where(&filter)?;
        if self.json {
            write_json(&events, out)
        } else {
            write_lines(&store, &events, out)
        }
    }
}

fn write_json(events: &[LogEntry], out: &mut dyn Write) -> Result<()> {
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
    write_json_value(&list, out)?;
    Ok(())
}

/// One line an event: when, who, which item, the verdict's change, and the note if it changed.
fn write_lines(store: &Store, events: &[LogEntry], out: &mut dyn Write) -> Result<()> {
    let names: HashMap<String, String> = store
        .counties()?
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();
    for e in events {
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
