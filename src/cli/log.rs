//! `kaohe log`: the history of reviews, oldest first, as lines or JSON, optionally for one
//! county, indicator or reviewer.

use super::context::Context;
use super::table::verdict_label;
use crate::formats::export::write_json_value;
use crate::model::Verdict;
use crate::store::{
    CheckEvent, FindingEvent, LockEvent, LogEntry, LogFilter, ScoringEvent, Store, VerifyEvent,
};
use crate::text::clean;
use anyhow::Result;
use clap::Args;
use std::collections::HashMap;
use std::io::Write;

#[derive(Debug, Args)]
pub struct Log {
    /// Print JSON (one array of {at, reviewer, account, county_code, indicator, from, to, note,
    /// stage}; a 复核 also first_verdict and first_reviewer, a 审定 action and target, a 核定
    /// (verified figure) verified_from, verified_to, whose it was and the county's figure)
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
        let stages = stage_events(&store, &filter)?;
        if self.json {
            write_json(&events, &stages, out)
        } else {
            write_lines(&store, &events, &stages, out)
        }
    }
}

/// The second reviews (复核) and the locks (审定) the filter lets through: a lock is of no
/// county or indicator, so it shows only without those filters.
fn stage_events(store: &Store, filter: &LogFilter) -> Result<Vec<StageEvent>> {
    let by = |name: &str, account: &str| {
        filter
            .reviewer
            .as_deref()
            .is_none_or(|r| r == name || r == account)
    };
    let mut events: Vec<StageEvent> = store
        .check_log_after(0)?
        .into_iter()
        .filter(|e| {
            filter
                .county_code
                .as_ref()
                .is_none_or(|c| *c == e.county_code)
                && filter.indicator.as_ref().is_none_or(|i| *i == e.indicator)
                && by(&e.checker, &e.account)
        })
        .map(StageEvent::Check)
        .collect();
    // The findings (issue 17), filtered as the second reviews are.
    events.extend(
        store
            .finding_log_after(0)?
            .into_iter()
            .filter(|e| {
                filter
                    .county_code
                    .as_ref()
                    .is_none_or(|c| *c == e.county_code)
                    && filter.indicator.as_ref().is_none_or(|i| *i == e.indicator)
                    && by(&e.by, &e.account)
            })
            .map(StageEvent::Finding),
    );
    // The verified figures (核定值), filtered as the second reviews are.
    events.extend(
        store
            .verified_log_after(0)?
            .into_iter()
            .filter(|e| {
                filter
                    .county_code
                    .as_ref()
                    .is_none_or(|c| *c == e.county_code)
                    && filter.indicator.as_ref().is_none_or(|i| *i == e.indicator)
                    && by(&e.verifier, &e.account)
            })
            .map(StageEvent::Verify),
    );
    if filter.county_code.is_none() && filter.indicator.is_none() {
        events.extend(
            store
                .lock_log()?
                .into_iter()
                .filter(|e| by(&e.by, &e.account))
                .map(StageEvent::Lock),
        );
        events.extend(
            store
                .scoring_log_after(0)?
                .into_iter()
                .filter(|e| by(&e.by, &e.account))
                .map(StageEvent::Scoring),
        );
    }
    // In the order they were written: after the same review event, by time (a check before
    // a lock of the same second).
    events.sort_by(|a, b| (a.review_seq(), a.at()).cmp(&(b.review_seq(), b.at())));
    Ok(events)
}

/// An event of the later stages' logs, or of the findings and scorings (issue 17).
enum StageEvent {
    Check(CheckEvent),
    Lock(LockEvent),
    Finding(FindingEvent),
    Scoring(ScoringEvent),
    /// A verified figure (核定值) recorded, replaced or cleared.
    Verify(VerifyEvent),
}

impl StageEvent {
    fn at(&self) -> &str {
        match self {
            StageEvent::Check(e) => &e.at,
            StageEvent::Lock(e) => &e.at,
            StageEvent::Finding(e) => &e.at,
            StageEvent::Scoring(e) => &e.at,
            StageEvent::Verify(e) => &e.at,
        }
    }

    /// The review log's last event when it was written.
    fn review_seq(&self) -> i64 {
        match self {
            StageEvent::Check(e) => e.review_seq,
            StageEvent::Lock(e) => e.review_seq,
            StageEvent::Finding(e) => e.review_seq,
            StageEvent::Scoring(e) => e.review_seq,
            StageEvent::Verify(e) => e.review_seq,
        }
    }
}

/// Review events and stage events, merged in the order they were written: a stage event
/// comes after the review event that was the last when it was written.
fn merged<'a, T>(
    reviews: &'a [LogEntry],
    stages: &'a [StageEvent],
    review: impl Fn(&'a LogEntry) -> T,
    stage: impl Fn(&'a StageEvent) -> T,
) -> Vec<T> {
    let mut out = Vec::with_capacity(reviews.len() + stages.len());
    let mut s = stages.iter().peekable();
    for r in reviews {
        while let Some(e) = s.next_if(|e| e.review_seq() < r.seq) {
            out.push(stage(e));
        }
        out.push(review(r));
    }
    out.extend(s.map(stage));
    out
}

fn write_json(events: &[LogEntry], stages: &[StageEvent], out: &mut dyn Write) -> Result<()> {
    /// One event; `stage` says which log: 初审 (a verdict or note; or a finding, with
    /// `action` cases, void or unvoid, `from_cases`/`to_cases`, `note` the void's reason), 复核
    /// (a second review: `reviewer` is the checker, `from`/`to` the second verdict, `note` the
    /// reason, with the first verdict and its reviewer), 审定 (`action` locked or unlocked,
    /// `target` or null for the whole assessment, `note` the reason), 计分 (`action` points:
    /// a scoring applied, `note` its file), 核定 (a verified figure: `verified_from` and
    /// `verified_to`, null where none, `verified_from_by` whose it was, `county_figure` the
    /// county's then, `note` the reason).
    #[derive(serde::Serialize)]
    struct Event<'a> {
        at: &'a str,
        reviewer: &'a str,
        account: &'a str,
        county_code: Option<&'a str>,
        indicator: Option<&'a str>,
        from: Option<Verdict>,
        to: Option<Verdict>,
        note: &'a str,
        stage: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        first_verdict: Option<Verdict>,
        #[serde(skip_serializing_if = "Option::is_none")]
        first_reviewer: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        action: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        target: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        from_cases: Option<Option<u32>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        to_cases: Option<Option<u32>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        verified_from: Option<Option<&'a str>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        verified_to: Option<Option<&'a str>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        verified_from_by: Option<Option<&'a str>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        county_figure: Option<&'a str>,
    }
    let list: Vec<Event> = merged(
        events,
        stages,
        |e| Event {
            at: &e.at,
            reviewer: &e.reviewer,
            account: &e.account,
            county_code: Some(&e.county_code),
            indicator: Some(&e.indicator),
            from: e.from,
            to: e.to,
            note: &e.note,
            stage: "初审",
            first_verdict: None,
            first_reviewer: None,
            action: None,
            target: None,
            from_cases: None,
            to_cases: None,
            verified_from: None,
            verified_to: None,
            verified_from_by: None,
            county_figure: None,
        },
        |e| match e {
            StageEvent::Check(c) => Event {
                at: &c.at,
                reviewer: &c.checker,
                account: &c.account,
                county_code: Some(&c.county_code),
                indicator: Some(&c.indicator),
                from: c.from,
                to: Some(c.to),
                note: &c.reason,
                stage: "复核",
                first_verdict: Some(c.first_verdict),
                first_reviewer: Some(&c.first_reviewer),
                action: None,
                target: None,
                from_cases: None,
                to_cases: None,
                verified_from: None,
                verified_to: None,
                verified_from_by: None,
                county_figure: None,
            },
            StageEvent::Lock(l) => Event {
                at: &l.at,
                reviewer: &l.by,
                account: &l.account,
                county_code: None,
                indicator: None,
                from: None,
                to: None,
                note: &l.reason,
                stage: "审定",
                first_verdict: None,
                first_reviewer: None,
                action: Some(&l.action),
                target: l.target,
                from_cases: None,
                to_cases: None,
                verified_from: None,
                verified_to: None,
                verified_from_by: None,
                county_figure: None,
            },
            StageEvent::Finding(f) => Event {
                at: &f.at,
                reviewer: &f.by,
                account: &f.account,
                county_code: Some(&f.county_code),
                indicator: Some(&f.indicator),
                from: None,
                to: None,
                note: &f.reason,
                stage: "初审",
                first_verdict: None,
                first_reviewer: None,
                action: Some(&f.action),
                target: None,
                from_cases: Some(f.from_cases),
                to_cases: Some(f.to_cases),
                verified_from: None,
                verified_to: None,
                verified_from_by: None,
                county_figure: None,
            },
            StageEvent::Scoring(e) => Event {
                at: &e.at,
                reviewer: &e.by,
                account: &e.account,
                county_code: None,
                indicator: None,
                from: None,
                to: None,
                note: &e.file,
                stage: "计分",
                first_verdict: None,
                first_reviewer: None,
                action: Some("points"),
                target: None,
                from_cases: None,
                to_cases: None,
                verified_from: None,
                verified_to: None,
                verified_from_by: None,
                county_figure: None,
            },
            StageEvent::Verify(v) => Event {
                at: &v.at,
                reviewer: &v.verifier,
                account: &v.account,
                county_code: Some(&v.county_code),
                indicator: Some(&v.indicator),
                from: None,
                to: None,
                note: &v.reason,
                stage: "核定",
                first_verdict: None,
                first_reviewer: None,
                action: None,
                target: None,
                from_cases: None,
                to_cases: None,
                verified_from: Some(v.from.as_deref()),
                verified_to: Some(v.to.as_deref()),
                verified_from_by: Some(v.from_verifier.as_deref()),
                county_figure: Some(&v.county_value),
            },
        },
    );
    write_json_value(&list, out)?;
    Ok(())
}

/// One line an event: when, who, which item, the verdict's change, and the note if it changed;
/// a second review (复核) or a lock (审定) in the same shape, each with its reason.
fn write_lines(
    store: &Store,
    events: &[LogEntry],
    stages: &[StageEvent],
    out: &mut dyn Write,
) -> Result<()> {
    let names: HashMap<String, String> = store
        .counties()?
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();
    let county = |code: &str| names.get(code).map_or(code.to_string(), String::clone);
    let when = |at: &str| at.get(..19).unwrap_or(at).replace('T', " ");
    let lines = merged(
        events,
        stages,
        |e| {
            let mut line = format!(
                "{}  {}({})  {} {}  {} → {}",
                when(&e.at),
                e.reviewer,
                e.account,
                county(&e.county_code),
                e.indicator,
                verdict_label(e.from),
                verdict_label(e.to)
            );
            if e.note != e.from_note {
                line.push_str(&format!("  备注：{}", e.note.replace('\n', " / ")));
            }
            line
        },
        |e| match e {
            StageEvent::Check(c) => {
                let decided = if c.to == c.first_verdict {
                    format!("同意 {}", verdict_label(Some(c.to)))
                } else {
                    format!(
                        "改判 {} → {}",
                        verdict_label(Some(c.first_verdict)),
                        verdict_label(Some(c.to))
                    )
                };
                let mut line = format!(
                    "{}  {}({})  {} {}  复核 {decided}（初审 {}）",
                    when(&c.at),
                    c.checker,
                    c.account,
                    county(&c.county_code),
                    c.indicator,
                    c.first_reviewer
                );
                if !c.reason.is_empty() {
                    line.push_str(&format!("  理由：{}", c.reason.replace('\n', " / ")));
                }
                line
            }
            StageEvent::Lock(l) => {
                let scope = l
                    .target
                    .map_or_else(|| "整个考核".to_string(), |t| format!("目标 {t}"));
                let action = if l.action == "locked" {
                    "锁定"
                } else {
                    "解锁"
                };
                let mut line = format!(
                    "{}  {}({})  审定 {action} {scope}",
                    when(&l.at),
                    l.by,
                    l.account
                );
                if !l.reason.is_empty() {
                    line.push_str(&format!("  理由：{}", l.reason.replace('\n', " / ")));
                }
                line
            }
            StageEvent::Finding(f) => {
                let cases = |n: Option<u32>| n.map_or("—".to_string(), |n| n.to_string());
                let what = match f.action.as_str() {
                    "cases" => format!("例数 {} → {}", cases(f.from_cases), cases(f.to_cases)),
                    "void" => format!("不计分  理由：{}", f.reason.replace('\n', " / ")),
                    _ => format!("取消不计分（原理由：{}）", f.reason.replace('\n', " / ")),
                };
                format!(
                    "{}  {}({})  {} {}  {what}",
                    when(&f.at),
                    f.by,
                    f.account,
                    county(&f.county_code),
                    f.indicator
                )
            }
            StageEvent::Scoring(e) => format!(
                "{}  {}({})  计分规则 应用 {}",
                when(&e.at),
                e.by,
                e.account,
                e.file
            ),
            StageEvent::Verify(v) => {
                let from = match (&v.from, &v.from_verifier) {
                    (Some(f), Some(by)) if *by != v.verifier => format!("{f}（{by}）"),
                    (Some(f), _) => f.clone(),
                    (None, _) => "—".to_string(),
                };
                let mut line = format!(
                    "{}  {}({})  {} {}  核定 {from} → {}（报送 {}）",
                    when(&v.at),
                    v.verifier,
                    v.account,
                    county(&v.county_code),
                    v.indicator,
                    v.to.as_deref().unwrap_or("—"),
                    v.county_value
                );
                if !v.reason.is_empty() {
                    line.push_str(&format!("  理由：{}", v.reason.replace('\n', " / ")));
                }
                line
            }
        },
    );
    for line in lines {
        writeln!(out, "{}", clean(&line))?;
    }
    Ok(())
}
