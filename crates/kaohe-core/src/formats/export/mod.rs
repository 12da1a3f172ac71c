//! Results out: JSON (the default), CSV, an Excel workbook and a Markdown report, each from
//! the same rows: every county × indicator with what the checks say of it. The rows come one
//! at a time from an [`Items`] (the store walks the database in order), and each writer writes
//! a row before it reads the next: an export's memory does not grow with the country.

mod csv;
mod docx;
mod evidence;
mod items;
mod json;
mod markdown;
mod xlsx;

pub use self::csv::write_csv;
pub use docx::{Seekable, write_docx};
pub use items::{Items, Listed};
pub use json::{write_json, write_json_value};
pub use markdown::write_markdown;
pub use xlsx::{SheetLimits, Written as XlsxWritten, write_xlsx, write_xlsx_within};

use crate::catalog::Catalog;
use crate::evidence::Summary;
use crate::formats::columns::Column;
use crate::item::Item;
use crate::model::{Indicator, Verdict, format_number};
use crate::report::{CountyStatus, Status};
use crate::stages::{Lock, People, Stage};
use anyhow::Result;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;

/// Everything an export shows: every county × indicator (read as it is written), the
/// targets, and progress, scores and ranks; the second review's agreement and the locks (审定).
pub struct Results<'a> {
    pub items: &'a dyn Items,
    pub catalog: Catalog,
    pub status: Status,
    pub people: People,
}

impl Results<'_> {
    fn indicators(&self) -> HashMap<&str, &Indicator> {
        self.catalog
            .indicators()
            .map(|i| (i.id.as_str(), i))
            .collect()
    }

    /// How many items the export holds: every county × indicator, known before any is read.
    pub fn count(&self) -> usize {
        self.status.counties.len() * self.catalog.indicators().count()
    }

    /// Every item with what the checks say of it, in the results' order, given to `f` one at a
    /// time.
    fn each_row(&self, f: &mut dyn FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        let indicators = self.indicators();
        let grades: HashMap<&str, &str> = self
            .status
            .counties
            .iter()
            .filter_map(|c| Some((c.code.as_str(), c.grade.as_deref()?)))
            .collect();
        self.items.each(&mut |item, evidence| {
            let mut row = Row::new(item, indicators.get(item.indicator.as_str()).copied());
            row.points = self.status.points.of(&item.county_code, &item.indicator);
            row.grade = grades.get(item.county_code.as_str()).copied();
            f(&row.with_evidence(evidence))
        })
    }
}

/// One exported item: the item as stored, its indicator, and what the checks say of it: the
/// verdict its figure suggests, and what looks wrong with the figure, in Chinese (what the
/// bureau reads).
#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    item: &'a Item,
    #[serde(skip)]
    indicator: Option<&'a Indicator>,
    suggested: Option<Verdict>,
    flags: Vec<String>,
    /// The county's own assessment differs from the city's verdict.
    self_disagrees: bool,
    /// 初步 or 审定 (see [`crate::stages::Stage`]).
    stage: Stage,
    /// What the item earned under its rule (none until reviewed).
    points: Option<f64>,
    /// The county's grade (等次).
    grade: Option<&'a str>,
    /// The verified figure (核定值), in columns of its own.
    #[serde(flatten)]
    verified: VerifiedFields<'a>,
    /// Issue 18: how many files are tied to the item, the names it cites that none matches,
    /// its open requests for more.
    evidence_files: usize,
    evidence_missing: Vec<String>,
    requests_open: Vec<OpenRequest>,
}

/// An open request as an export writes it.
#[derive(Serialize)]
struct OpenRequest {
    id: i64,
    reason: String,
    asked_by: String,
    asked_at: String,
    #[serde(skip)]
    line: String,
}

/// The verified figure's columns: the figure, why, who and when (all `null` where none is
/// recorded), and whether it is lower than the county's (核减).
#[derive(Serialize)]
struct VerifiedFields<'a> {
    verified: Option<&'a str>,
    verified_reason: Option<&'a str>,
    verified_by: Option<&'a str>,
    verified_at: Option<&'a str>,
    verified_lower: bool,
}

impl<'a> VerifiedFields<'a> {
    fn of(item: &'a Item) -> VerifiedFields<'a> {
        let v = item.verified.as_ref();
        VerifiedFields {
            verified: v.map(|v| v.value.as_str()),
            verified_reason: v.map(|v| v.reason.as_str()),
            verified_by: v.map(|v| v.by.as_str()),
            verified_at: v.map(|v| v.at.as_str()),
            verified_lower: item.verified_lower(),
        }
    }
}

/// How a column's text is worded: the CSV's for programs (`met`, `yes`), the workbook's for
/// the bureau (完成, 是).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Words {
    Csv,
    Workbook,
}

impl<'a> Row<'a> {
    fn new(item: &'a Item, indicator: Option<&'a Indicator>) -> Row<'a> {
        // What the figure suggests goes by the verified figure where one is recorded; what
        // looks wrong is the county's figure's.
        let (suggested, flags) = match (indicator, item.submission(), item.judged()) {
            (Some(ind), Some(sub), Some(judged)) => (
                crate::check::suggested(ind, &judged),
                crate::check::flags(ind, &sub)
                    .iter()
                    .map(|f| f.zh(&sub.value))
                    .collect(),
            ),
            _ => (None, Vec::new()),
        };
        Row {
            verified: VerifiedFields::of(item),
            item,
            indicator,
            suggested,
            flags,
            self_disagrees: item.self_disagrees(),
            stage: if item.stages.signed_off {
                Stage::SignedOff
            } else {
                Stage::Preliminary
            },
            points: None,
            grade: None,
            evidence_files: 0,
            evidence_missing: Vec::new(),
            requests_open: Vec::new(),
        }
    }

    /// The item's evidence and open requests, where it has any.
    fn with_evidence(mut self, summary: Option<&Summary>) -> Row<'a> {
        if let Some(s) = summary {
            self.evidence_files = s.files;
            self.evidence_missing = s.missing.clone();
            self.requests_open = s
                .requests_open
                .iter()
                .map(|r| OpenRequest {
                    id: r.id,
                    reason: r.reason.clone(),
                    asked_by: r.asked_by.clone(),
                    asked_at: r.asked_at.clone(),
                    line: r.line(),
                })
                .collect();
        }
        self
    }

    /// The text of `column`, as the CSV or the workbook writes it.
    fn text(&self, column: Column, words: Words) -> Cow<'_, str> {
        let i = self.item;
        let text = |s: &'a Option<String>| Cow::Borrowed(s.as_deref().unwrap_or(""));
        let number = |x: Option<f64>| Cow::Owned(x.map(format_number).unwrap_or_default());
        let verdict = |v: Option<Verdict>| {
            Cow::Borrowed(v.map_or("", |v| match words {
                Words::Csv => v.as_str(),
                Words::Workbook => v.chinese(),
            }))
        };
        match column {
            Column::CountyCode => Cow::Borrowed(&i.county_code),
            Column::County => Cow::Borrowed(&i.county),
            Column::Indicator => Cow::Borrowed(&i.indicator),
            Column::IndicatorName => Cow::Borrowed(self.indicator.map_or("", |d| &d.short)),
            Column::Requirement => self
                .indicator
                .and_then(|d| d.requirement.as_ref())
                .map_or(Cow::Borrowed(""), |r| Cow::Owned(r.to_string())),
            Column::Value => text(&i.value),
            Column::ValueNumber => number(i.value_number),
            Column::Numerator => number(i.numerator),
            Column::Denominator => number(i.denominator),
            Column::Evidence => text(&i.evidence),
            Column::Remark => text(&i.remark),
            Column::Suggested => verdict(self.suggested),
            Column::Verdict => verdict(i.verdict),
            Column::Note => text(&i.note),
            Column::Reviewer => text(&i.reviewer),
            Column::ReviewedAt => text(&i.reviewed_at),
            Column::ChangedSinceReview => yes(i.changed_since_review, words),
            Column::Flags => Cow::Owned(self.flags.join("；")),
            Column::SelfVerdict => verdict(i.self_verdict),
            Column::SelfScore => number(i.self_score),
            Column::SelfDisagrees => yes(self.self_disagrees, words),
            Column::SecondVerdict => verdict(i.stages.second_verdict),
            Column::Checker => text(&i.stages.checker),
            Column::CheckReason => text(&i.stages.check_reason),
            Column::CheckedAt => text(&i.stages.checked_at),
            Column::Stage => Cow::Borrowed(self.stage.chinese()),
            Column::Verified => Cow::Borrowed(self.verified.verified.unwrap_or("")),
            Column::VerifiedReason => Cow::Borrowed(self.verified.verified_reason.unwrap_or("")),
            Column::VerifiedBy => Cow::Borrowed(self.verified.verified_by.unwrap_or("")),
            Column::VerifiedAt => Cow::Borrowed(self.verified.verified_at.unwrap_or("")),
            Column::VerifiedLower => Cow::Borrowed(match (self.verified.verified_lower, words) {
                (false, _) => "",
                (true, Words::Csv) => "yes",
                (true, Words::Workbook) => "核减",
            }),
            // One line a note, oldest first: "张三 2026-11-29 09:30：台账齐全".
            Column::Notes => Cow::Owned(
                i.notes
                    .iter()
                    .map(crate::model::Note::line)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            Column::Cases => number(i.cases.map(f64::from)),
            Column::VoidReason => text(&i.void_reason),
            Column::Points => number(self.points),
            Column::Grade => Cow::Borrowed(self.grade.unwrap_or("")),
            Column::AsWritten => text(&i.converted_from),
            Column::EvidenceFiles => Cow::Owned(self.evidence_files.to_string()),
            Column::EvidenceMissing => Cow::Owned(self.evidence_missing.join("；")),
            // One line a request, as notes are: "#3 缺会议纪要（张三 2026-11-29 09:30）".
            Column::RequestsOpen => Cow::Owned(
                self.requests_open
                    .iter()
                    .map(|r| r.line.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            Column::BareFraction => yes(i.bare_fraction, words),
        }
    }
}

/// A yes-or-no column: `yes` in the CSV, 是 in the workbook, empty for no.
fn yes(b: bool, words: Words) -> Cow<'static, str> {
    Cow::Borrowed(match (b, words) {
        (false, _) => "",
        (true, Words::Csv) => "yes",
        (true, Words::Workbook) => "是",
    })
}

/// "初步（未审定）", "审定：王五 2026-12-01 10:00 锁定了整个考核", "部分审定：目标 3（王五 …）".
fn stage_words(stage: Stage, locks: &[Lock]) -> String {
    let who = |l: &Lock| {
        format!(
            "{}（{} {}）",
            l.scope_zh(),
            l.by,
            crate::stages::short_time(&l.at)
        )
    };
    match stage {
        Stage::Preliminary => "初步（未审定）".to_string(),
        _ => {
            let locks: Vec<String> = locks.iter().map(who).collect();
            format!("{}：{}", stage.chinese(), locks.join("、"))
        }
    }
}

/// Counties in rank order (the document's order among equals).
fn ranked(counties: &[CountyStatus]) -> Vec<&CountyStatus> {
    let mut ranked: Vec<&CountyStatus> = counties.iter().collect();
    ranked.sort_by_key(|c| c.rank);
    ranked
}
