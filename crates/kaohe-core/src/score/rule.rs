//! Rule shapes: how an indicator earns its points, as the targets file writes it
//! (`rule = { shape = "…", … }`), beside the default, a share of the points by verdict.
//! Written by the bureaus' 考核细则: "每降低1个百分点扣0.5分，扣完为止", "达100%的得4分，否则不得分",
//! "发现1例扣0.5分", "按排名赋分，每降1位减0.5分", "表彰加分最多为5分".

use super::facts::ItemFacts;
use crate::model::{Comparator, Shares, Verdict, format_number};
use serde::{Deserialize, Serialize};

/// How an indicator earns its points. Every shape earns nothing until the item has a verdict
/// (the reviewer has looked), and nothing when a reviewer's finding voids it (不计分).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "shape", rename_all = "snake_case")]
pub enum Rule {
    /// The verdict's share of the points (`[scoring]`: met all, partly met half, not met none).
    #[default]
    Verdict,
    /// All the points when the figure reaches `full_at`; `deduct` less for every `per` units
    /// short of it, never below 0 (扣完为止). `whole`: a part of a unit counts as a whole one
    /// (不足1个百分点按1个百分点计); otherwise in proportion.
    Shortfall {
        full_at: f64,
        per: f64,
        deduct: f64,
        whole: bool,
    },
    /// All the points when the figure reaches `at` (a numeric indicator), or, with no `at`,
    /// when the verdict is met; otherwise none (否则不得分).
    AllOrNothing { at: Option<f64> },
    /// `deduct` less for every case the reviewer counted (查实1例扣0.5分), never below 0.
    PerCase { deduct: f64 },
    /// By the county's place among the counties' figures: the first all the points, `step`
    /// less for each place lower, never below 0. Equal figures share a place and the next is
    /// skipped (1, 1, 3). A county with no figure takes no place.
    Rank { step: f64 },
    /// 加分项: points beyond the most a county can earn, counted only when the item names its
    /// evidence (无佐证的暂不加分). `each` for every case the reviewer counted, or, with no
    /// `each`, the verdict's share of `cap`; at most `cap`.
    Bonus { cap: f64, each: Option<f64> },
}

/// Why an item earned what it did, when that is not simply its rule applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Scored by its rule.
    Scored,
    /// No verdict yet: nothing earned so far.
    NotReviewed,
    /// Voided by a reviewer's finding (不计分): nothing.
    Void,
    /// Its rule reads the figure and it has none that can be read (none submitted, not a
    /// number, or a bare fraction that may be a percentage): nothing until it has one.
    NoFigure,
    /// A bonus whose evidence is not named: nothing (暂未实施加分).
    NoEvidence,
}

/// What one item earns: its points (weighted by its class, 0 unless scored) and why.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ItemScore {
    pub points: f64,
    pub standing: Standing,
}

impl ItemScore {
    fn none(standing: Standing) -> ItemScore {
        ItemScore {
            points: 0.0,
            standing,
        }
    }
}

/// Units short of `full_at` below which a figure counts as reaching it: a figure worked out
/// from a numerator and a denominator may miss by the last bit of a float.
const EPSILON: f64 = 1e-9;

impl Rule {
    pub fn is_bonus(&self) -> bool {
        matches!(self, Rule::Bonus { .. })
    }

    /// Whether the rule reads the figure (the county's, or the verified one).
    pub fn reads_figure(&self) -> bool {
        matches!(
            self,
            Rule::Shortfall { .. } | Rule::AllOrNothing { at: Some(_) } | Rule::Rank { .. }
        )
    }

    /// Whether the rule reads the cases a reviewer counted.
    pub fn counts_cases(&self) -> bool {
        matches!(
            self,
            Rule::PerCase { .. } | Rule::Bonus { each: Some(_), .. }
        )
    }

    /// The shape's name as the targets file writes it.
    pub fn shape(&self) -> &'static str {
        match self {
            Rule::Verdict => "verdict",
            Rule::Shortfall { .. } => "shortfall",
            Rule::AllOrNothing { .. } => "all_or_nothing",
            Rule::PerCase { .. } => "per_case",
            Rule::Rank { .. } => "rank",
            Rule::Bonus { .. } => "bonus",
        }
    }

    /// What an item earns under this rule. `points` are the indicator's (before its class's
    /// weight, which multiplies what is earned, a bonus apart), `comparator` its requirement's
    /// (for the figure's side), `place` the county's place among the figures (for `rank`).
    pub(crate) fn earn(
        &self,
        facts: &ItemFacts,
        (points, weight): (f64, f64),
        comparator: Option<Comparator>,
        shares: &Shares,
        place: Option<usize>,
    ) -> ItemScore {
        if facts.void {
            return ItemScore::none(Standing::Void);
        }
        let Some(verdict) = facts.verdict else {
            return ItemScore::none(Standing::NotReviewed);
        };
        let scored = |earned: f64| ItemScore {
            points: earned.max(0.0) * weight,
            standing: Standing::Scored,
        };
        // How far the figure is from `edge` on the wrong side (0 on the right side).
        let short = |figure: f64, edge: f64| match comparator.unwrap_or(Comparator::AtLeast) {
            Comparator::AtLeast => (edge - figure).max(0.0),
            Comparator::AtMost => (figure - edge).max(0.0),
        };
        match *self {
            Rule::Verdict => scored(points * shares.of(verdict)),
            Rule::Shortfall {
                full_at,
                per,
                deduct,
                whole,
            } => {
                let Some(figure) = facts.figure else {
                    return ItemScore::none(Standing::NoFigure);
                };
                // Snapped to the billionth, so 96.99 against 98 is 1.01 units, not 1.0099…
                let units = (short(figure, full_at) / per * 1e9).round() / 1e9;
                let units = if units < EPSILON {
                    0.0
                } else if whole {
                    (units - EPSILON).ceil()
                } else {
                    units
                };
                scored(points - deduct * units)
            }
            Rule::AllOrNothing { at: Some(at) } => {
                let Some(figure) = facts.figure else {
                    return ItemScore::none(Standing::NoFigure);
                };
                scored(if short(figure, at) < EPSILON {
                    points
                } else {
                    0.0
                })
            }
            Rule::AllOrNothing { at: None } => {
                scored(if verdict == Verdict::Met { points } else { 0.0 })
            }
            Rule::PerCase { deduct } => {
                scored(points - deduct * f64::from(facts.cases.unwrap_or(0)))
            }
            Rule::Rank { step } => match place {
                Some(place) => scored(points - step * (place.saturating_sub(1) as f64)),
                None => ItemScore::none(Standing::NoFigure),
            },
            Rule::Bonus { cap, each } => {
                if !facts.evidence_named {
                    return ItemScore::none(Standing::NoEvidence);
                }
                let earned = match each {
                    Some(each) => each * f64::from(facts.cases.unwrap_or(0)),
                    None => cap * shares.of(verdict),
                };
                // A bonus is points of the total: no class weighs it.
                // max/min, not clamp: a cap read back from an edited database may be below 0.
                ItemScore {
                    points: earned.max(0.0).min(cap.max(0.0)),
                    standing: Standing::Scored,
                }
            }
        }
    }

    /// The rule in words, in Chinese: "≥ 98% 得满分（2 分），每低 1 个单位扣 0.5 分，扣完为止".
    /// `points` are the indicator's, `unit` its requirement's.
    pub fn zh(&self, points: f64, unit: &str, comparator: Option<Comparator>) -> String {
        let p = format_number(points);
        // "每低 1 个百分点", not "每低 1%" (which might be read as a share of the figure).
        let per_unit = if unit == "%" { "个百分点" } else { unit };
        let side = comparator.unwrap_or(Comparator::AtLeast);
        let (reach, lower) = match side {
            Comparator::AtLeast => ("≥", "低"),
            Comparator::AtMost => ("≤", "高"),
        };
        match *self {
            Rule::Verdict => format!("按评定计分（{p} 分）"),
            Rule::Shortfall {
                full_at,
                per,
                deduct,
                whole,
            } => format!(
                "{reach} {}{unit} 得满分（{p} 分），每{lower} {} {per_unit}扣 {} 分{}，扣完为止",
                format_number(full_at),
                format_number(per),
                format_number(deduct),
                if whole { "（不足按整计）" } else { "" }
            ),
            Rule::AllOrNothing { at: Some(at) } => {
                format!("{reach} {}{unit} 得 {p} 分，否则不得分", format_number(at))
            }
            Rule::AllOrNothing { at: None } => format!("完成得 {p} 分，否则不得分"),
            Rule::PerCase { deduct } => {
                format!("满分 {p} 分，每例扣 {} 分，扣完为止", format_number(deduct))
            }
            Rule::Rank { step } => format!(
                "按排名赋分：第一名 {p} 分，每降一位减 {} 分",
                format_number(step)
            ),
            Rule::Bonus { cap, each } => match each {
                Some(each) => format!(
                    "加分项：每例加 {} 分，最多 {} 分，须有佐证",
                    format_number(each),
                    format_number(cap)
                ),
                None => format!("加分项：最多 {} 分，须有佐证", format_number(cap)),
            },
        }
    }

    /// The rule in words, in English.
    pub fn en(&self, points: f64, unit: &str, comparator: Option<Comparator>) -> String {
        let p = format_number(points);
        let (reach, lower) = match comparator.unwrap_or(Comparator::AtLeast) {
            Comparator::AtLeast => ("≥", "below"),
            Comparator::AtMost => ("≤", "above"),
        };
        match *self {
            Rule::Verdict => format!("by verdict ({p} points)"),
            Rule::Shortfall {
                full_at,
                per,
                deduct,
                whole,
            } => format!(
                "{reach} {}{unit} earns all {p}; {} off per {}{unit} {lower}{}, down to 0",
                format_number(full_at),
                format_number(deduct),
                format_number(per),
                if whole { " (a part counts whole)" } else { "" }
            ),
            Rule::AllOrNothing { at: Some(at) } => {
                format!(
                    "{reach} {}{unit} earns {p}, else nothing",
                    format_number(at)
                )
            }
            Rule::AllOrNothing { at: None } => format!("met earns {p}, else nothing"),
            Rule::PerCase { deduct } => {
                format!("{p}, less {} a case, down to 0", format_number(deduct))
            }
            Rule::Rank { step } => {
                format!(
                    "by rank: the first {p}, {} less a place",
                    format_number(step)
                )
            }
            Rule::Bonus { cap, each } => match each {
                Some(each) => format!(
                    "bonus: {} a case, at most {}, with evidence",
                    format_number(each),
                    format_number(cap)
                ),
                None => format!("bonus: at most {}, with evidence", format_number(cap)),
            },
        }
    }

    /// The rule as the database keeps it (JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A rule as the database keeps it.
    pub fn from_json(text: &str) -> Result<Rule, String> {
        serde_json::from_str(text).map_err(|e| format!("a rule kept as \"{text}\": {e}"))
    }
}

/// Each county's place (from 1) among the figures given (`None`: no figure, no place), best
/// first: the highest for `>=`, the lowest for `<=`. Figures equal to the millionth share a
/// place, and the next is skipped (standard competition ranking: 1, 1, 3).
pub fn places(figures: &[Option<f64>], comparator: Option<Comparator>) -> Vec<Option<usize>> {
    // In whole millionths, so that equal means equal; best is lowest.
    let key = |x: f64| {
        let millionths = (x * 1e6).round() as i64;
        match comparator.unwrap_or(Comparator::AtLeast) {
            Comparator::AtLeast => -millionths,
            Comparator::AtMost => millionths,
        }
    };
    let keys: Vec<Option<i64>> = figures.iter().map(|f| f.map(key)).collect();
    // Sorted once: a place is one more than the keys strictly better, found by binary search
    // (the detail pane asks on every frame, at national scale thousands of counties).
    let mut sorted: Vec<i64> = keys.iter().flatten().copied().collect();
    sorted.sort_unstable();
    keys.iter()
        .map(|k| k.map(|k| 1 + sorted.partition_point(|&o| o < k)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(verdict: Option<Verdict>, figure: Option<f64>) -> ItemFacts {
        ItemFacts {
            verdict,
            figure,
            ..ItemFacts::default()
        }
    }

    const MET: Option<Verdict> = Some(Verdict::Met);

    fn earn(rule: Rule, f: &ItemFacts, place: Option<usize>) -> ItemScore {
        rule.earn(
            f,
            (2.0, 1.0),
            Some(Comparator::AtLeast),
            &Shares::default(),
            place,
        )
    }

    #[test]
    fn a_shortfall_takes_off_per_unit_and_stops_at_nothing() {
        let rule = Rule::Shortfall {
            full_at: 98.0,
            per: 1.0,
            deduct: 0.5,
            whole: false,
        };
        let at = |x: f64| earn(rule, &facts(MET, Some(x)), None).points;
        assert_eq!(at(99.0), 2.0);
        assert_eq!(at(98.0), 2.0);
        assert_eq!(at(97.0), 1.5);
        assert_eq!(at(96.5), 1.25);
        assert_eq!(at(90.0), 0.0, "扣完为止");
        // 98 worked out as 49/50 × 100 is 98 to a reader.
        assert_eq!(at(49.0 / 50.0 * 100.0), 2.0);
        let whole = Rule::Shortfall {
            full_at: 98.0,
            per: 1.0,
            deduct: 0.5,
            whole: true,
        };
        let at = |x: f64| earn(whole, &facts(MET, Some(x)), None).points;
        assert_eq!(at(97.5), 1.5, "a part of a point counts as a whole one");
        assert_eq!(at(97.0), 1.5);
        assert_eq!(at(96.9), 1.0);
        // No figure: nothing, and said why.
        let none = earn(rule, &facts(MET, None), None);
        assert_eq!(none.standing, Standing::NoFigure);
        // The verdict does not change what the figure earns.
        assert_eq!(
            earn(rule, &facts(Some(Verdict::NotMet), Some(97.0)), None).points,
            1.5
        );
    }

    #[test]
    fn at_most_counts_the_figure_above() {
        let rule = Rule::Shortfall {
            full_at: 5.0,
            per: 1.0,
            deduct: 1.0,
            whole: false,
        };
        let f = facts(MET, Some(6.5));
        let s = rule.earn(
            &f,
            (3.0, 1.0),
            Some(Comparator::AtMost),
            &Shares::default(),
            None,
        );
        assert_eq!(s.points, 1.5);
    }

    #[test]
    fn all_or_nothing_at_a_threshold_or_by_verdict() {
        let rule = Rule::AllOrNothing { at: Some(100.0) };
        assert_eq!(earn(rule, &facts(MET, Some(100.0)), None).points, 2.0);
        assert_eq!(earn(rule, &facts(MET, Some(99.9)), None).points, 0.0);
        let by_verdict = Rule::AllOrNothing { at: None };
        assert_eq!(earn(by_verdict, &facts(MET, None), None).points, 2.0);
        let partly = facts(Some(Verdict::PartlyMet), None);
        assert_eq!(earn(by_verdict, &partly, None).points, 0.0);
    }

    #[test]
    fn cases_are_taken_off_down_to_nothing() {
        let rule = Rule::PerCase { deduct: 0.5 };
        let with = |cases: Option<u32>| {
            let f = ItemFacts {
                cases,
                ..facts(MET, None)
            };
            earn(rule, &f, None).points
        };
        assert_eq!(with(None), 2.0);
        assert_eq!(with(Some(0)), 2.0);
        assert_eq!(with(Some(3)), 0.5);
        assert_eq!(with(Some(10)), 0.0);
    }

    #[test]
    fn places_share_ties_and_skip() {
        let p = places(
            &[Some(95.0), Some(95.0), Some(93.0), None, Some(80.0)],
            Some(Comparator::AtLeast),
        );
        assert_eq!(p, [Some(1), Some(1), Some(3), None, Some(4)]);
        let p = places(&[Some(3.0), Some(1.0), Some(1.0)], Some(Comparator::AtMost));
        assert_eq!(p, [Some(3), Some(1), Some(1)]);
        let rule = Rule::Rank { step: 0.5 };
        assert_eq!(earn(rule, &facts(MET, Some(93.0)), Some(3)).points, 1.0);
        assert_eq!(earn(rule, &facts(MET, Some(1.0)), Some(9)).points, 0.0);
        assert_eq!(
            earn(rule, &facts(MET, None), None).standing,
            Standing::NoFigure
        );
    }

    #[test]
    fn a_bonus_needs_its_evidence_and_stops_at_its_cap() {
        let rule = Rule::Bonus {
            cap: 3.0,
            each: Some(1.0),
        };
        let f = |cases: u32, evidence_named: bool| ItemFacts {
            cases: Some(cases),
            evidence_named,
            ..facts(MET, None)
        };
        assert_eq!(earn(rule, &f(2, true), None).points, 2.0);
        assert_eq!(earn(rule, &f(5, true), None).points, 3.0);
        let unproven = earn(rule, &f(2, false), None);
        assert_eq!(unproven.points, 0.0);
        assert_eq!(unproven.standing, Standing::NoEvidence);
        // A bonus by verdict: its share of the cap; no class weight.
        let fixed = Rule::Bonus {
            cap: 2.0,
            each: None,
        };
        let partly = ItemFacts {
            evidence_named: true,
            ..facts(Some(Verdict::PartlyMet), None)
        };
        let s = fixed.earn(&partly, (0.0, 3.0), None, &Shares::default(), None);
        assert_eq!(s.points, 1.0);
    }

    #[test]
    fn nothing_is_earned_unreviewed_or_void() {
        let rule = Rule::Verdict;
        assert_eq!(
            earn(rule, &facts(None, None), None).standing,
            Standing::NotReviewed
        );
        let void = ItemFacts {
            void: true,
            ..facts(MET, Some(99.0))
        };
        for rule in [
            Rule::Verdict,
            Rule::AllOrNothing { at: Some(98.0) },
            Rule::Bonus {
                cap: 1.0,
                each: None,
            },
        ] {
            let s = earn(rule, &void, Some(1));
            assert_eq!((s.points, s.standing), (0.0, Standing::Void), "{rule:?}");
        }
    }

    #[test]
    fn a_rule_reads_back_as_kept() {
        for rule in [
            Rule::Verdict,
            Rule::Shortfall {
                full_at: 98.0,
                per: 1.0,
                deduct: 0.5,
                whole: true,
            },
            Rule::AllOrNothing { at: None },
            Rule::AllOrNothing { at: Some(100.0) },
            Rule::PerCase { deduct: 0.5 },
            Rule::Rank { step: 0.5 },
            Rule::Bonus {
                cap: 5.0,
                each: Some(1.0),
            },
        ] {
            assert_eq!(Rule::from_json(&rule.to_json()), Ok(rule));
        }
        assert!(Rule::from_json("{\"shape\":\"guess\"}").is_err());
    }
}
