//! Progress, scores and ranks: what `status`, the exports and the summary screen report.

use serde::Serialize;

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
}
