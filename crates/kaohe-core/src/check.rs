//! How a submitted figure stands against its indicator's requirement.

use crate::figure::{Figure, parse_figure};
use crate::model::{Indicator, IndicatorKind, Submission, Verdict};

/// A figure read against the requirement. The reviewer's verdict always rules; this only helps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The figure satisfies the threshold, or a yes/no requirement was answered yes.
    Meets,
    /// The figure misses the threshold but lies in the indicator's 基本完成 band.
    InBand,
    /// The figure misses the threshold, or a yes/no requirement was answered no.
    FallsShort,
    /// Something was submitted that cannot be compared (words, another unit).
    Unclear,
}

/// How `submission` stands against `indicator`, or `None` for a qualitative indicator or an
/// empty figure, where there is nothing to compare.
pub fn standing(indicator: &Indicator, submission: &Submission) -> Option<Standing> {
    let figure = parse_figure(&submission.value);
    match indicator.kind {
        IndicatorKind::Qualitative => None,
        IndicatorKind::YesNo => match figure {
            Figure::Empty => None,
            Figure::Yes => Some(Standing::Meets),
            Figure::No => Some(Standing::FallsShort),
            _ => Some(Standing::Unclear),
        },
        IndicatorKind::Numeric => {
            let requirement = indicator.requirement.as_ref()?;
            if submission.bare_fraction {
                // 0.75 from a spreadsheet may be 75%: a person decides, not the threshold.
                return Some(Standing::Unclear);
            }
            let number = match &figure {
                Figure::Empty => submission.value_number,
                Figure::Number { unit, .. } => {
                    // A figure in another unit (万元 for 元) is not compared, not guessed at.
                    if unit
                        .as_deref()
                        .is_some_and(|u| !crate::units::same_unit(u, &requirement.unit))
                    {
                        return Some(Standing::Unclear);
                    }
                    submission.value_number.or(figure.number())
                }
                _ => return Some(Standing::Unclear),
            };
            let number = number?;
            Some(if requirement.is_satisfied_by(number) {
                Standing::Meets
            } else if requirement.is_partly_satisfied_by(number) {
                Standing::InBand
            } else {
                Standing::FallsShort
            })
        }
    }
}

/// The verdict the figure suggests: met if it meets the requirement, partly met in its band,
/// not met if short; none when there is nothing to compare.
pub fn suggested(indicator: &Indicator, submission: &Submission) -> Option<Verdict> {
    match standing(indicator, submission)? {
        Standing::Meets => Some(Verdict::Met),
        Standing::InBand => Some(Verdict::PartlyMet),
        Standing::FallsShort => Some(Verdict::NotMet),
        Standing::Unclear => None,
    }
}

/// What looks wrong with a submitted figure (unreadable, or disagreeing with its numerator
/// and denominator): the same checks an import reports.
pub fn flags(indicator: &Indicator, submission: &Submission) -> Vec<crate::figure::FigureFlag> {
    let unit = indicator.requirement.as_ref().map(|r| r.unit.as_str());
    crate::figure::figure_flags(unit, submission)
}

/// Whether a verdict says more than the figure allows or less than it shows: met on a figure
/// short of its threshold (in the band or below), not met on one that meets it.
pub fn contradicts(verdict: Option<Verdict>, suggested: Option<Verdict>) -> bool {
    matches!(
        (verdict, suggested),
        (
            Some(Verdict::Met),
            Some(Verdict::NotMet | Verdict::PartlyMet)
        ) | (Some(Verdict::NotMet), Some(Verdict::Met))
    )
}

/// Whether a county's own assessment (自评) differs from the city's verdict: both given, and
/// not the same. Its self-given score is never compared: its scale is the county's.
pub fn self_disagrees(self_verdict: Option<Verdict>, verdict: Option<Verdict>) -> bool {
    matches!((self_verdict, verdict), (Some(own), Some(city)) if own != city)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Comparator, Requirement};

    fn indicator(kind: IndicatorKind, requirement: Option<Requirement>) -> Indicator {
        Indicator {
            id: "1.2".into(),
            short: "照料中心覆盖率(城市)".into(),
            text: "城市居家养老服务照料中心覆盖率".into(),
            source: String::new(),
            kind,
            requirement,
            points: 1.0,
            veto: false,
            deduct: 0.0,
            rule: crate::score::Rule::Verdict,
            division: None,
        }
    }

    fn figure(value: &str, number: Option<f64>) -> Submission {
        Submission {
            value: value.into(),
            value_number: number,
            ..Submission::default()
        }
    }

    #[test]
    fn a_countys_own_assessment_differs_only_from_a_verdict_given() {
        use Verdict::*;
        assert!(self_disagrees(Some(Met), Some(PartlyMet)));
        assert!(self_disagrees(Some(NotMet), Some(Met)));
        assert!(!self_disagrees(Some(Met), Some(Met)));
        // Not reviewed yet, or no 自评: nothing to differ from.
        assert!(!self_disagrees(Some(Met), None));
        assert!(!self_disagrees(None, Some(NotMet)));
    }

    #[test]
    fn numbers_are_compared_in_the_requirements_direction() {
        let at_least = indicator(
            IndicatorKind::Numeric,
            Some(Requirement {
                comparator: Comparator::AtLeast,
                threshold: 70.0,
                unit: "%".into(),
                partly: Some(60.0),
            }),
        );
        let s = |v, n| standing(&at_least, &figure(v, n));
        assert_eq!(s("75%", Some(75.0)), Some(Standing::Meets));
        assert_eq!(s("70%", Some(70.0)), Some(Standing::Meets));
        assert_eq!(s("69.9%", Some(69.9)), Some(Standing::InBand));
        assert_eq!(s("60%", Some(60.0)), Some(Standing::InBand));
        assert_eq!(s("59.9%", Some(59.9)), Some(Standing::FallsShort));
        assert_eq!(s("75", Some(75.0)), Some(Standing::Meets));
        assert_eq!(s("约七成", None), Some(Standing::Unclear));
        assert_eq!(s("", None), None);
        // Computed from numerator and denominator, with no figure typed.
        assert_eq!(s("", Some(40.0)), Some(Standing::FallsShort));
        let suggest = |v, n| suggested(&at_least, &figure(v, n));
        assert_eq!(suggest("75%", Some(75.0)), Some(Verdict::Met));
        assert_eq!(suggest("65%", Some(65.0)), Some(Verdict::PartlyMet));
        assert_eq!(suggest("55%", Some(55.0)), Some(Verdict::NotMet));
        assert_eq!(suggest("约七成", None), None);
        let at_most = indicator(
            IndicatorKind::Numeric,
            Some(Requirement {
                comparator: Comparator::AtMost,
                threshold: 5.0,
                unit: "%".into(),
                partly: None,
            }),
        );
        assert_eq!(
            standing(&at_most, &figure("4%", Some(4.0))),
            Some(Standing::Meets)
        );
        assert_eq!(
            standing(&at_most, &figure("6%", Some(6.0))),
            Some(Standing::FallsShort)
        );
        assert_eq!(
            standing(&at_most, &figure("6元", Some(6.0))),
            Some(Standing::Unclear)
        );
    }

    #[test]
    fn a_verdict_contradicts_a_figure_only_against_its_direction() {
        use Verdict::*;
        assert!(contradicts(Some(Met), Some(NotMet)));
        assert!(contradicts(Some(Met), Some(PartlyMet)));
        assert!(contradicts(Some(NotMet), Some(Met)));
        assert!(!contradicts(Some(PartlyMet), Some(Met)));
        assert!(!contradicts(Some(NotMet), Some(PartlyMet)));
        assert!(!contradicts(Some(Met), None));
        assert!(!contradicts(None, Some(NotMet)));
    }

    #[test]
    fn yes_no_and_qualitative() {
        let yes_no = indicator(IndicatorKind::YesNo, None);
        assert_eq!(
            standing(&yes_no, &figure("是", None)),
            Some(Standing::Meets)
        );
        assert_eq!(
            standing(&yes_no, &figure("否", None)),
            Some(Standing::FallsShort)
        );
        let words = indicator(IndicatorKind::Qualitative, None);
        assert_eq!(standing(&words, &figure("已建立", None)), None);
    }
}
