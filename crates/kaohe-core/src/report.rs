//! Progress, scores and ranks: what `status`, the exports and the summary screen report.

use crate::catalog::Catalog;
use crate::model::{County, Verdict};
use crate::score::{Earned, Facts, Score, Scorer, ranks, round2};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Progress {
    pub reviewed: i64,
    pub total: i64,
    pub met: i64,
    pub partly_met: i64,
    pub not_met: i64,
    pub submitted: i64,
    /// Verdicts given on a figure that has changed since.
    pub changed_since_review: i64,
    /// Verdicts the county's own assessment (自评) differs from.
    pub self_disagrees: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountyStatus {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub progress: Progress,
    /// Points earned so far (see [`crate::score`]).
    pub score: f64,
    pub max_score: f64,
    /// 1 for the highest score; equal scores share a rank.
    pub rank: usize,
    /// 一票否决 items not met: the score is void.
    pub vetoed_by: Vec<String>,
    /// Points earned in each target, in the order of `targets`.
    pub target_scores: Vec<f64>,
    /// The grade (等次) its score or rank reaches, where the targets file names grades.
    pub grade: Option<String>,
    /// What bonus items (加分项) add, within their caps.
    pub bonus: f64,
    /// Items voided by a reviewer's finding (不计分).
    pub voided: Vec<String>,
    /// Reviewed items whose rule reads a figure, with none to read: they earn nothing yet.
    pub without_figure: Vec<String>,
    /// Bonus items reviewed without their evidence named (暂未实施加分).
    pub bonus_unproven: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetStatus {
    pub id: u32,
    pub class: u8,
    pub title: String,
    #[serde(flatten)]
    pub progress: Progress,
    /// The most a county can earn in this target (weighted by its class).
    pub points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    #[serde(flatten)]
    pub progress: Progress,
    pub counties: Vec<CountyStatus>,
    pub targets: Vec<TargetStatus>,
    /// What each item earned, for the exports (not in `status --json`: one number an item).
    #[serde(skip)]
    pub points: ItemPoints,
}

/// What each item earned, found by county code and indicator id.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemPoints {
    counties: HashMap<String, usize>,
    indicators: HashMap<String, usize>,
    /// As [`Verdicts::of`]: `indicator * counties + county`.
    points: Vec<Earned>,
}

impl ItemPoints {
    /// What the item earned, rounded to the hundredth; `None` if it is not reviewed (nor
    /// voided).
    pub fn of(&self, county_code: &str, indicator_id: &str) -> Option<f64> {
        let c = self.counties.get(county_code)?;
        let i = self.indicators.get(indicator_id)?;
        let k = i * self.counties.len() + c;
        self.points.get(k).and_then(|e| e.points())
    }
}

impl Progress {
    /// Counts one reviewed item.
    fn count(&mut self, verdict: Verdict, changed: bool) {
        self.reviewed += 1;
        match verdict {
            Verdict::Met => self.met += 1,
            Verdict::PartlyMet => self.partly_met += 1,
            Verdict::NotMet => self.not_met += 1,
        }
        self.changed_since_review += i64::from(changed);
    }

    fn add(&mut self, other: &Progress) {
        self.reviewed += other.reviewed;
        self.total += other.total;
        self.met += other.met;
        self.partly_met += other.partly_met;
        self.not_met += other.not_met;
        self.submitted += other.submitted;
        self.changed_since_review += other.changed_since_review;
        self.self_disagrees += other.self_disagrees;
    }
}

/// Every item's verdict in one assessment, indicator-major (`indicator * counties + county`,
/// indicators numbered in document order as [`Scorer`] numbers them): one byte an item, which
/// is what the workspace keeps of every item and what a report is counted from.
#[derive(Debug, Clone, Copy)]
pub struct Verdicts<'a> {
    pub counties: usize,
    pub of: &'a [Option<Verdict>],
}

/// One county's part of a [`Report`].
#[derive(Debug, Clone, PartialEq)]
pub struct CountyReport {
    pub progress: Progress,
    pub score: Score,
    /// 1 for the highest score; equal scores share a rank (see [`crate::score::ranks`]).
    pub rank: usize,
    /// Items with a verdict in each target.
    pub target_reviewed: Vec<i64>,
    /// The grade (等次) its score or rank reaches, if any.
    pub grade: Option<String>,
}

/// What the verdicts add up to, counted once for `status`, the exports and the summary screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub progress: Progress,
    /// In the counties' order.
    pub counties: Vec<CountyReport>,
    /// In the targets' order.
    pub targets: Vec<Progress>,
    /// What each item earned, laid out as [`Verdicts::of`] (none: not reviewed).
    pub points: Vec<Earned>,
}

impl Report {
    /// Counts the verdicts, scores each county (with what the rules read besides: `facts`,
    /// laid out as the verdicts), ranks and grades them. `changed(k)` says whether item `k`'s
    /// verdict was given on a figure that has changed since.
    pub fn count(
        scorer: &Scorer,
        verdicts: Verdicts<'_>,
        facts: &Facts,
        changed: impl Fn(usize) -> bool,
    ) -> Report {
        let n = verdicts.counties;
        let indicators = scorer.indicators();
        let target_count = scorer.target_max().len();
        let mut counties = vec![Progress::default(); n];
        let mut target_reviewed = vec![vec![0i64; target_count]; n];
        let mut targets = vec![Progress::default(); target_count];
        for p in &mut counties {
            p.total = indicators as i64;
        }
        for i in 0..indicators {
            let t = scorer.target_of(i);
            targets[t].total += n as i64;
            let row = verdicts.of.get(i * n..(i + 1) * n).unwrap_or_default();
            for (c, verdict) in row.iter().enumerate() {
                let Some(verdict) = *verdict else {
                    continue;
                };
                let changed = changed(i * n + c);
                counties[c].count(verdict, changed);
                targets[t].count(verdict, changed);
                target_reviewed[c][t] += 1;
            }
        }
        let scored = scorer.score_all(n, |k| facts.item(k, verdicts.of.get(k).copied().flatten()));
        let scores: Vec<Score> = scored.counties;
        let ranks = ranks(&scores);
        let mut progress = Progress::default();
        counties.iter().for_each(|p| progress.add(p));
        let counties = counties
            .into_iter()
            .zip(scores.into_iter().zip(ranks))
            .zip(target_reviewed)
            .map(|((progress, (score, rank)), target_reviewed)| {
                let grade = scorer
                    .grades()
                    .of(score.score, rank, !score.vetoed_by.is_empty());
                CountyReport {
                    progress,
                    score,
                    rank,
                    target_reviewed,
                    grade,
                }
            })
            .collect();
        Report {
            progress,
            counties,
            targets,
            points: scored.points,
        }
    }
}

impl Report {
    /// Counts the verdicts the counties' own assessments (自评) differ from, into the
    /// progress overall, per county and per target. `self_verdicts` is laid out as
    /// [`Verdicts::of`] (empty when no county gave its own assessment).
    pub fn count_self(
        &mut self,
        scorer: &Scorer,
        verdicts: Verdicts<'_>,
        self_verdicts: &[Option<Verdict>],
    ) {
        let n = verdicts.counties;
        for (k, own) in self_verdicts.iter().enumerate() {
            let verdict = verdicts.of.get(k).copied().flatten();
            if n == 0 || !crate::check::self_disagrees(*own, verdict) {
                continue;
            }
            let (i, c) = (k / n, k % n);
            self.progress.self_disagrees += 1;
            if let Some(county) = self.counties.get_mut(c) {
                county.progress.self_disagrees += 1;
            }
            if let Some(target) = self.targets.get_mut(scorer.target_of(i)) {
                target.self_disagrees += 1;
            }
        }
    }
}

/// How many items were submitted, per county and per target (in their orders).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Submitted {
    pub by_county: Vec<i64>,
    pub by_target: Vec<i64>,
}

impl Status {
    /// The report of an assessment's counties and targets as `status` and the exports give it.
    pub fn new(
        catalog: &Catalog,
        scorer: &Scorer,
        counties: Vec<County>,
        report: Report,
        submitted: &Submitted,
    ) -> Status {
        let at = |v: &[i64], k: usize| v.get(k).copied().unwrap_or(0);
        let points = ItemPoints {
            counties: counties
                .iter()
                .enumerate()
                .map(|(k, c)| (c.code.clone(), k))
                .collect(),
            indicators: catalog
                .indicators()
                .enumerate()
                .map(|(k, i)| (i.id.clone(), k))
                .collect(),
            points: report.points,
        };
        let mut progress = report.progress;
        progress.submitted = submitted.by_county.iter().sum();
        let counties = counties
            .into_iter()
            .zip(report.counties)
            .enumerate()
            .map(|(k, (c, r))| CountyStatus {
                code: c.code,
                name: c.name,
                progress: Progress {
                    submitted: at(&submitted.by_county, k),
                    ..r.progress
                },
                score: r.score.score,
                max_score: r.score.max_score,
                rank: r.rank,
                vetoed_by: r.score.vetoed_by,
                target_scores: r.score.targets,
                grade: r.grade,
                bonus: r.score.bonus,
                voided: r.score.voided,
                without_figure: r.score.without_figure,
                bonus_unproven: r.score.bonus_unproven,
            })
            .collect();
        let targets = catalog
            .targets
            .iter()
            .zip(report.targets)
            .zip(scorer.target_max())
            .enumerate()
            .map(|(k, ((t, progress), max))| TargetStatus {
                id: t.id,
                class: t.class,
                title: t.title.clone(),
                progress: Progress {
                    submitted: at(&submitted.by_target, k),
                    ..progress
                },
                points: round2(*max),
            })
            .collect();
        Status {
            progress,
            counties,
            targets,
            points,
        }
    }
}
