//! The verified figure (核定值): the figure a city reviewer found on checking a county's
//! evidence, recorded with a reason where it differs from the figure the county reported. The
//! county's figure stays as it was sent; the verified one is kept beside it, and what the
//! figure suggests (and every rule that scores by the figure) goes by the verified one.
//! Lower than the county's figure is 核减 (cut on verification), and every export says so.

use crate::figure::{Figure, parse_figure, readable_for};
use crate::model::{Indicator, Submission, format_number};

/// A figure recorded as verified, who recorded it, when and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// As kaohe keeps it: the number in the indicator's unit ("68.5%").
    pub value: String,
    pub number: f64,
    /// Why it differs from the county's figure (never empty).
    pub reason: String,
    pub by: String,
    pub account: String,
    /// RFC 3339.
    pub at: String,
    /// The county's figure as it stood when this was recorded (empty where it had none): a
    /// corrected sheet imported since is seen ([`Verified::outdated`]).
    pub county_value: String,
}

impl Verified {
    /// Lower than the county's figure (`county`, as read): 核减.
    pub fn lower_than(&self, county: Option<f64>) -> bool {
        county.is_some_and(|c| self.number < c)
    }

    /// The county's figure has changed since this was recorded (a corrected sheet): the
    /// verified figure may no longer be what the reviewer would say.
    pub fn outdated(&self, county_now: Option<&str>) -> bool {
        self.county_value.trim() != county_now.unwrap_or_default().trim()
    }

    /// The submission as it is judged: this figure in place of the county's (its parts, which
    /// gave the county's figure, go with it); the county's evidence, remark and own assessment
    /// stay.
    pub fn applied_to(&self, county: &Submission) -> Submission {
        Submission {
            value: self.value.clone(),
            value_number: Some(self.number),
            numerator: None,
            denominator: None,
            bare_fraction: false,
            ..county.clone()
        }
    }
}

/// Why a typed figure cannot be recorded as verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifiedError {
    #[error(
        "indicator {indicator} asks for no number (it is {kind}): a verified figure (核定值) is a number against a threshold; say what was found in a note"
    )]
    NoNumber {
        indicator: String,
        kind: &'static str,
    },
    #[error(
        "\"{typed}\" is not a number in {unit}: give the verified figure as a number, e.g. {example}"
    )]
    NotANumber {
        typed: String,
        unit: String,
        example: String,
    },
}

impl VerifiedError {
    /// Why, in Chinese, for the workspace.
    pub fn zh(&self) -> String {
        match self {
            VerifiedError::NoNumber { indicator, .. } => {
                format!("指标 {indicator} 没有数值要求：核定值是数字，核实情况请写在备注里")
            }
            VerifiedError::NotANumber {
                typed,
                unit,
                example,
            } => format!("“{typed}”不是以“{unit}”计的数字：核定值请写数字，如 {example}"),
        }
    }
}

/// A figure as a reviewer typed it ("68.5%", "６８.５", "1,200"), read for `indicator`: the
/// text kaohe keeps (the number in the indicator's unit) and the number. Refused for an
/// indicator that asks for no number, and for anything but a number, bare or in the
/// indicator's own unit.
pub fn read_verified(indicator: &Indicator, typed: &str) -> Result<(String, f64), VerifiedError> {
    let Some(requirement) = indicator.requirement.as_ref() else {
        return Err(VerifiedError::NoNumber {
            indicator: indicator.id.clone(),
            kind: indicator.kind.as_str(),
        });
    };
    let unit = requirement.unit.as_str();
    let figure = parse_figure(typed);
    match (&figure, readable_for(Some(unit), &figure)) {
        (Figure::Number { value, .. }, true) => {
            Ok((format!("{}{unit}", format_number(*value)), *value))
        }
        _ => Err(VerifiedError::NotANumber {
            typed: crate::text::clean(typed.trim()),
            unit: unit.to_string(),
            example: format!("{}{unit}", format_number(requirement.threshold)),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Comparator, IndicatorKind, Requirement};

    fn indicator(unit: Option<&str>) -> Indicator {
        Indicator {
            id: "1.2".into(),
            short: "照料中心覆盖率(城市)".into(),
            text: String::new(),
            source: String::new(),
            kind: if unit.is_some() {
                IndicatorKind::Numeric
            } else {
                IndicatorKind::YesNo
            },
            requirement: unit.map(|u| Requirement {
                comparator: Comparator::AtLeast,
                threshold: 70.0,
                unit: u.into(),
                partly: None,
            }),
            points: 1.0,
            veto: false,
            deduct: 0.0,
            division: None,
            rule: crate::score::Rule::Verdict,
        }
    }

    #[test]
    fn a_verified_figure_is_a_number_in_the_indicators_unit() {
        let pct = indicator(Some("%"));
        assert_eq!(read_verified(&pct, "68.5%"), Ok(("68.5%".into(), 68.5)));
        assert_eq!(read_verified(&pct, " ６８ "), Ok(("68%".into(), 68.0)));
        assert_eq!(read_verified(&pct, "68.50"), Ok(("68.5%".into(), 68.5)));
        let e = read_verified(&pct, "约七成").unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"约七成\" is not a number in %: give the verified figure as a number, e.g. 70%"
        );
        assert!(e.zh().contains("约七成"), "{}", e.zh());
        // Another unit is refused, not converted.
        assert!(read_verified(&indicator(Some("元")), "13万元").is_err());
        assert_eq!(
            read_verified(&indicator(Some("平方米")), "300㎡"),
            Ok(("300平方米".into(), 300.0))
        );
        assert!(read_verified(&pct, "").is_err());
        assert!(read_verified(&pct, "是").is_err());
        let e = read_verified(&indicator(None), "1").unwrap_err();
        assert!(matches!(e, VerifiedError::NoNumber { .. }), "{e}");
    }

    #[test]
    fn lower_is_a_cut_and_a_changed_county_figure_is_seen() {
        let v = Verified {
            value: "68%".into(),
            number: 68.0,
            reason: "台账核实".into(),
            by: "王五".into(),
            account: "wangwu".into(),
            at: "2026-12-01T10:00:00+08:00".into(),
            county_value: "75%".into(),
        };
        assert!(v.lower_than(Some(75.0)));
        assert!(!v.lower_than(Some(68.0)));
        assert!(!v.lower_than(Some(60.0)));
        assert!(!v.lower_than(None), "words cannot be cut");
        assert!(!v.outdated(Some("75%")));
        assert!(v.outdated(Some("72%")));
        let county = Submission {
            value: "75%".into(),
            value_number: Some(75.0),
            numerator: Some(30.0),
            denominator: Some(40.0),
            evidence: "台账.xlsx".into(),
            bare_fraction: true,
            ..Submission::default()
        };
        let judged = v.applied_to(&county);
        assert_eq!(
            (judged.value.as_str(), judged.value_number, judged.numerator),
            ("68%", Some(68.0), None)
        );
        assert!(!judged.bare_fraction);
        assert_eq!(judged.evidence, "台账.xlsx");
    }
}
