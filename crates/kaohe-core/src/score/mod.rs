//! Scores and ranking. The 2014 notice gives no points (its method, 衢市民〔2013〕45号, is not
//! in hand), so they are data in the targets file: a weight per class, points per target,
//! each indicator's share of them and its rule (`rule.rs`: by verdict, a shortfall per unit,
//! all or nothing, per counted case, by rank, a bonus), deductions, 一票否决 items, and the
//! grades (`grade.rs`). What a rule reads beside the verdict is in `facts.rs`.
//! See data/README.md 一.6.

mod facts;
mod grade;
mod rule;

pub use facts::{Facts, ItemFacts, names_evidence};
pub use grade::{Grade, Grades};
pub use rule::{ItemScore, Rule, Standing, places};

use crate::catalog::Catalog;
use crate::model::{Comparator, Shares, Verdict};
use serde::Serialize;

/// What one indicator is worth in a county's score.
#[derive(Debug, Clone, PartialEq)]
struct Worth {
    id: String,
    target: usize,
    /// The indicator's points, before its class's weight.
    points: f64,
    weight: f64,
    deduct: f64,
    veto: bool,
    rule: Rule,
    /// The requirement's side, where there is one: which way a figure falls short.
    comparator: Option<Comparator>,
}

/// Scores counties against one catalog. Indicators are numbered in document order (as
/// [`Catalog::indicators`] gives them), targets in the order of [`Catalog::targets`].
#[derive(Debug, Clone, PartialEq)]
pub struct Scorer {
    shares: Shares,
    indicators: Vec<Worth>,
    /// Each target's most points, weighted (bonus items apart).
    target_max: Vec<f64>,
    /// The most all bonus items together add to a county's score.
    bonus_cap: Option<f64>,
    grades: Grades,
}

/// One county's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// Points earned, less deductions, with the bonus (never below 0); 0 when an 一票否决
    /// item is not met.
    pub score: f64,
    /// The most a county can earn (bonus items apart).
    pub max_score: f64,
    /// Taken off for items not met that carry a deduction.
    pub deducted: f64,
    /// The 一票否决 items not met, by indicator id.
    pub vetoed_by: Vec<String>,
    /// Points earned in each target (weighted, before deductions; bonus items apart).
    pub targets: Vec<f64>,
    /// What the bonus items (加分项) add, within their caps.
    pub bonus: f64,
    /// Items voided by a reviewer's finding (不计分): they earn nothing.
    pub voided: Vec<String>,
    /// Reviewed items whose rule reads the figure, with none to read: nothing until there is.
    pub without_figure: Vec<String>,
    /// Bonus items reviewed without their evidence named: nothing (暂未实施加分).
    pub bonus_unproven: Vec<String>,
}

/// Every county's score, and what each item earned.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// In the counties' order.
    pub counties: Vec<Score>,
    /// Each item's points by the index [`crate::report::Verdicts::of`] uses; none for an
    /// item not reviewed (nor voided).
    pub points: Vec<Earned>,
}

/// What an item earned, to the hundredth as shown, or nothing (not reviewed nor voided).
/// Four bytes an item: at ten times national (3.6 million items) the exports and `status`
/// hold every item's points in 14 MB, not the 58 MB of an `Option<f64>` each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Earned(i32);

impl Earned {
    pub const NONE: Earned = Earned(i32::MIN);

    /// `points` rounded as [`round2`] rounds.
    pub fn of(points: f64) -> Earned {
        let hundredths = ((points * 100.0) + 1e-9f64.copysign(points)).round();
        // Points are a few dozen at most; a value past i32 is no score anyone wrote.
        Earned(hundredths.clamp(f64::from(i32::MIN + 1), f64::from(i32::MAX)) as i32)
    }

    /// The points, to the hundredth; `None` for an item not scored.
    pub fn points(self) -> Option<f64> {
        (self != Earned::NONE).then(|| f64::from(self.0) / 100.0)
    }
}

impl Scorer {
    pub fn new(catalog: &Catalog) -> Scorer {
        let weight = |class: u8| {
            catalog
                .classes
                .iter()
                .find(|c| c.class == class)
                .map_or(1.0, |c| c.weight)
        };
        let mut indicators = Vec::new();
        let mut target_max = Vec::new();
        for (t, target) in catalog.targets.iter().enumerate() {
            let w = weight(target.class);
            target_max.push(target.points * w);
            for i in &target.indicators {
                indicators.push(Worth {
                    id: i.id.clone(),
                    target: t,
                    points: i.points,
                    weight: w,
                    deduct: i.deduct,
                    veto: i.veto,
                    rule: i.rule,
                    comparator: i.requirement.as_ref().map(|r| r.comparator),
                });
            }
        }
        Scorer {
            shares: catalog.shares,
            indicators,
            target_max,
            bonus_cap: catalog.bonus_cap,
            grades: catalog.grades.clone(),
        }
    }

    /// The most a county can earn (bonus items apart).
    pub fn max_score(&self) -> f64 {
        self.target_max.iter().sum()
    }

    /// How many indicators are scored (all of the catalog's).
    pub fn indicators(&self) -> usize {
        self.indicators.len()
    }

    /// The target (by its place in the catalog) an indicator (by its number) belongs to.
    pub fn target_of(&self, indicator: usize) -> usize {
        self.indicators.get(indicator).map_or(0, |w| w.target)
    }

    /// The most a county can earn in each target.
    pub fn target_max(&self) -> &[f64] {
        &self.target_max
    }

    /// An indicator's rule (by its number in document order).
    pub fn rule(&self, indicator: usize) -> Rule {
        self.indicators
            .get(indicator)
            .map_or(Rule::Verdict, |w| w.rule)
    }

    /// The grades counties are given (none where the file names none).
    pub fn grades(&self) -> &Grades {
        &self.grades
    }

    /// What an indicator (by its number in document order) earns by verdict alone, weighted:
    /// its points' share (the rule of every indicator without one).
    pub fn earned(&self, indicator: usize, verdict: Option<Verdict>) -> f64 {
        match (self.indicators.get(indicator), verdict) {
            (Some(w), Some(v)) => w.points * w.weight * self.shares.of(v),
            _ => 0.0,
        }
    }

    /// What one item earns, county `county` of `counties`, each item's facts given by its
    /// index (`indicator * counties + county`): a rank reads every county's figure.
    pub fn item(
        &self,
        indicator: usize,
        county: usize,
        counties: usize,
        facts: impl Fn(usize) -> ItemFacts,
    ) -> Option<ItemScore> {
        let w = self.indicators.get(indicator)?;
        let base = indicator * counties;
        let place = match w.rule {
            Rule::Rank { .. } => {
                let figures: Vec<Option<f64>> = (0..counties)
                    .map(|c| ranked_figure(&facts(base + c)))
                    .collect();
                places(&figures, w.comparator)
                    .get(county)
                    .copied()
                    .flatten()
            }
            _ => None,
        };
        Some(self.earn(w, &facts(base + county), place))
    }

    fn earn(&self, w: &Worth, facts: &ItemFacts, place: Option<usize>) -> ItemScore {
        w.rule.earn(
            facts,
            (w.points, w.weight),
            w.comparator,
            &self.shares,
            place,
        )
    }

    /// One county's score, given its verdict on each indicator (by verdict alone: no figure,
    /// no finding). An item not yet reviewed earns nothing: while reviewing goes on, a score
    /// is what has been earned so far.
    pub fn score(&self, verdict: impl Fn(usize) -> Option<Verdict>) -> Score {
        let mut scored = self.score_all(1, |k| ItemFacts {
            verdict: verdict(k),
            ..ItemFacts::default()
        });
        scored.counties.pop().unwrap_or_else(|| self.empty_score())
    }

    fn empty_score(&self) -> Score {
        Score {
            score: 0.0,
            max_score: round2(self.max_score()),
            deducted: 0.0,
            vetoed_by: Vec::new(),
            targets: vec![0.0; self.target_max.len()],
            bonus: 0.0,
            voided: Vec::new(),
            without_figure: Vec::new(),
            bonus_unproven: Vec::new(),
        }
    }

    /// Every county's score and every item's points, each item's facts given by its index
    /// (`indicator * counties + county`).
    pub fn score_all(&self, counties: usize, facts: impl Fn(usize) -> ItemFacts) -> Scored {
        let n = counties;
        let mut scores: Vec<Score> = (0..n).map(|_| self.empty_score()).collect();
        let mut targets = vec![vec![0.0; self.target_max.len()]; n];
        let mut bonus = vec![0.0; n];
        let mut deducted = vec![0.0; n];
        let mut points = vec![Earned::NONE; self.indicators.len() * n];
        for (i, w) in self.indicators.iter().enumerate() {
            let base = i * n;
            let row: Vec<ItemFacts> = (0..n).map(|c| facts(base + c)).collect();
            let places = match w.rule {
                Rule::Rank { .. } => {
                    let figures: Vec<Option<f64>> = row.iter().map(ranked_figure).collect();
                    places(&figures, w.comparator)
                }
                _ => vec![None; n],
            };
            for (c, f) in row.iter().enumerate() {
                let earned = self.earn(w, f, places[c]);
                let s = &mut scores[c];
                match earned.standing {
                    Standing::NotReviewed => {}
                    Standing::Void => s.voided.push(w.id.clone()),
                    Standing::NoFigure => s.without_figure.push(w.id.clone()),
                    Standing::NoEvidence => s.bonus_unproven.push(w.id.clone()),
                    Standing::Scored if w.rule.is_bonus() => bonus[c] += earned.points,
                    Standing::Scored => targets[c][w.target] += earned.points,
                }
                if earned.standing != Standing::NotReviewed {
                    points[base + c] = Earned::of(earned.points);
                }
                if f.verdict == Some(Verdict::NotMet) {
                    deducted[c] += w.deduct;
                    if w.veto {
                        s.vetoed_by.push(w.id.clone());
                    }
                }
            }
        }
        for (c, s) in scores.iter_mut().enumerate() {
            // The total is the sum of the targets' points as shown (to the hundredth), so that
            // a sheet adding them up gets the same score.
            s.targets = targets[c].iter().copied().map(round2).collect();
            let earned: f64 = s.targets.iter().sum();
            let b = round2(self.bonus_cap.map_or(bonus[c], |cap| bonus[c].min(cap)));
            let score = if s.vetoed_by.is_empty() {
                (earned - deducted[c] + b).max(0.0)
            } else {
                0.0
            };
            s.score = round2(score);
            s.deducted = round2(deducted[c]);
            // A score an 一票否决 item voids adds no bonus either.
            s.bonus = if s.vetoed_by.is_empty() { b } else { 0.0 };
        }
        Scored {
            counties: scores,
            points,
        }
    }
}

/// The figure an item takes its place by: none when voided (a figure found false pushes no
/// county down).
fn ranked_figure(f: &ItemFacts) -> Option<f64> {
    if f.void { None } else { f.figure }
}

/// Scores are shown and compared to the hundredth: 8.333… points is 8.33, and two counties
/// that both show 8.33 share a rank.
pub fn round2(x: f64) -> f64 {
    // Half a hundredth away from zero even when binary floats land just short of it
    // (1.495 is 1.4949999…): the bureau rounds as written on paper.
    ((x * 100.0) + 1e-9f64.copysign(x)).round() / 100.0
}

/// Each county's rank (from 1) by score, highest first. Equal scores share a rank and the next
/// is skipped (1, 2, 2, 4). A county with an 一票否决 item not met ranks after all others.
pub fn ranks(scores: &[Score]) -> Vec<usize> {
    // Better is lower: not vetoed before vetoed, then the higher score (to the hundredth, in
    // whole hundredths so that equal means equal).
    let key = |s: &Score| {
        (
            u8::from(!s.vetoed_by.is_empty()),
            -((s.score * 100.0).round() as i64),
        )
    };
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by_key(|&k| key(&scores[k]));
    let mut ranks = vec![0; scores.len()];
    for (place, &k) in order.iter().enumerate() {
        ranks[k] = match place.checked_sub(1).map(|p| order[p]) {
            Some(prev) if key(&scores[prev]) == key(&scores[k]) => ranks[prev],
            _ => place + 1,
        };
    }
    ranks
}

#[cfg(test)]
mod worked;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, parse_targets};

    /// A small targets file worked by hand: class 1 weighs 2, class 2 weighs 1.
    /// Target 1 (class 1, 10 points): 1.1 has 4, 1.2 and 1.3 share the other 6 (3 each).
    /// Target 2 (class 2, 6 points): 2.1 and 2.2 share them (3 each); 2.2 is 一票否决. Target 3 (class 2, no points, default 10): 3.1 alone, with a deduction
    /// of 2. Most: 2×10 + 6 + 10 = 36.
    const FILE: &str = include_str!("../../../../tests/fixtures/scoring.toml");

    fn scorer() -> Scorer {
        Scorer::new(&parse_targets(FILE, "t.toml").unwrap())
    }

    fn score_of(verdicts: [Option<Verdict>; 6]) -> Score {
        scorer().score(|k| verdicts[k])
    }

    use Verdict::{Met as M, NotMet as N, PartlyMet as P};

    #[test]
    fn points_are_shared_and_weighted_as_the_file_says() {
        let s = scorer();
        assert_eq!(s.max_score(), 36.0);
        assert_eq!(s.target_max(), &[20.0, 6.0, 10.0]);
        // 1.1: 4 × 2; 1.2, 1.3: 3 × 2; 2.1, 2.2: 3; 3.1: 10.
        let worth: Vec<f64> = (0..6).map(|k| s.earned(k, Some(M))).collect();
        assert_eq!(worth, [8.0, 6.0, 6.0, 3.0, 3.0, 10.0]);
        assert_eq!(s.earned(1, Some(P)), 3.0);
        assert_eq!(s.earned(1, Some(N)), 0.0);
        assert_eq!(s.earned(1, None), 0.0);
    }

    #[test]
    fn a_hand_checked_county() {
        // 8 (met) + 3 (partly: half of 6) + 0 (not met) + 3 + 3 + 0 (not met, −2) = 17 − 2 = 15.
        let s = score_of([Some(M), Some(P), Some(N), Some(M), Some(M), Some(N)]);
        assert_eq!(s.score, 15.0);
        assert_eq!(s.max_score, 36.0);
        assert_eq!(s.deducted, 2.0);
        assert_eq!(s.targets, [11.0, 6.0, 0.0]);
        assert!(s.vetoed_by.is_empty());
        // Everything met: the most there is.
        assert_eq!(score_of([Some(M); 6]).score, 36.0);
        // Nothing reviewed yet: nothing earned.
        assert_eq!(score_of([None; 6]).score, 0.0);
    }

    #[test]
    fn a_veto_item_not_met_voids_the_score_and_ranks_last() {
        let vetoed = score_of([Some(M), Some(M), Some(M), Some(M), Some(N), Some(M)]);
        assert_eq!(vetoed.score, 0.0);
        assert_eq!(vetoed.vetoed_by, ["2.2"]);
        // Without the veto, a low score stands: 2.2 met earns 3, 3.1 not met takes 2 off.
        let low = score_of([Some(N), Some(N), Some(N), Some(N), Some(M), Some(N)]);
        assert_eq!(low.score, 1.0);
        assert_eq!(ranks(&[vetoed, low]), [2, 1]);
    }

    #[test]
    fn ranks_share_ties_and_skip() {
        let a = score_of([Some(M); 6]); // 36
        let b = score_of([Some(M), Some(M), Some(M), Some(M), Some(M), Some(P)]); // 31
        let c = b.clone();
        let d = score_of([Some(M), Some(M), Some(M), Some(M), Some(N), Some(M)]); // vetoed
        let e = score_of([None; 6]); // 0, not vetoed: above the vetoed county
        assert_eq!(ranks(&[d, b, a, c, e]), [5, 2, 1, 2, 4]);
    }

    #[test]
    fn ranks_of_many_are_those_of_the_definition() {
        // Rank = 1 + how many are strictly better, checked on scores with many ties.
        let scores: Vec<Score> = (0..500)
            .map(|k| {
                let mut s = score_of([None; 6]);
                s.score = f64::from((k * 7919) % 13) / 4.0;
                if k % 37 == 0 {
                    s.vetoed_by = vec!["2.2".into()];
                }
                s
            })
            .collect();
        let better = |a: &Score, b: &Score| {
            let (va, vb) = (a.vetoed_by.is_empty(), b.vetoed_by.is_empty());
            (va && !vb) || (va == vb && round2(a.score) > round2(b.score))
        };
        let expected: Vec<usize> = scores
            .iter()
            .map(|s| 1 + scores.iter().filter(|o| better(o, s)).count())
            .collect();
        assert_eq!(ranks(&scores), expected);
    }

    #[test]
    fn a_score_is_the_sum_of_its_targets_as_shown() {
        // Three of 2014's 22 indicators of target 1 met: 3 × 10/22 = 1.3636… shown as 1.36.
        let catalog = Catalog::embedded_2014().unwrap();
        let scorer = Scorer::new(&catalog);
        let s = scorer.score(|k| (k < 3).then_some(M));
        assert_eq!(s.targets[0], 1.36);
        assert_eq!(s.score, 1.36);
        let s = scorer.score(|k| (k % 7 == 0).then_some(M));
        assert_eq!(s.score, round2(s.targets.iter().sum()));
    }

    #[test]
    fn deductions_never_take_a_score_below_zero() {
        let s = score_of([None, None, None, None, None, Some(N)]);
        assert_eq!(s.score, 0.0);
        assert_eq!(s.deducted, 2.0);
    }
}
