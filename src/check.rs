//! How a submitted figure stands against its indicator's requirement.

use crate::figure::{Figure, parse_figure};
use crate::model::{Indicator, IndicatorKind, Submission};

/// A figure read against the requirement. The reviewer's verdict always rules; this only helps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The figure satisfies the threshold, or a yes/no requirement was answered yes.
    Meets,
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
            let number = match &figure {
                Figure::Empty => submission.value_number,
                Figure::Number { unit, .. } => {
                    // A figure in another unit (万元 for 元) is not compared, not guessed at.
                    if unit.as_deref().is_some_and(|u| u != requirement.unit) {
                        return Some(Standing::Unclear);
                    }
                    submission.value_number.or(figure.number())
                }
                _ => return Some(Standing::Unclear),
            };
            let number = number?;
            Some(if requirement.is_satisfied_by(number) {
                Standing::Meets
            } else {
                Standing::FallsShort
            })
        }
    }
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
    fn numbers_are_compared_in_the_requirements_direction() {
        let at_least = indicator(
            IndicatorKind::Numeric,
            Some(Requirement {
                comparator: Comparator::AtLeast,
                threshold: 70.0,
                unit: "%".into(),
            }),
        );
        let s = |v, n| standing(&at_least, &figure(v, n));
        assert_eq!(s("75%", Some(75.0)), Some(Standing::Meets));
        assert_eq!(s("70%", Some(70.0)), Some(Standing::Meets));
        assert_eq!(s("69.9%", Some(69.9)), Some(Standing::FallsShort));
        assert_eq!(s("75", Some(75.0)), Some(Standing::Meets));
        assert_eq!(s("约七成", None), Some(Standing::Unclear));
        assert_eq!(s("", None), None);
        // Computed from numerator and denominator, with no figure typed.
        assert_eq!(s("", Some(40.0)), Some(Standing::FallsShort));
        let at_most = indicator(
            IndicatorKind::Numeric,
            Some(Requirement {
                comparator: Comparator::AtMost,
                threshold: 5.0,
                unit: "%".into(),
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
