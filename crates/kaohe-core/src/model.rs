//! The domain: what the bureau assesses, what counties submit, what reviewers decide.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The document the targets come from (e.g. 衢市民〔2014〕89号).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub year: i32,
    pub title: String,
    pub issuer: String,
    pub number: String,
    /// Date of issue, `YYYY-MM-DD`.
    pub date: String,
    pub notice: String,
    pub addressees: String,
    pub preamble: String,
    pub method_title: String,
    pub method_number: String,
}

/// 一类目标 / 二类目标.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetClass {
    pub class: u8,
    pub name: String,
    /// Multiplies the points of this class's targets in a county's score (1 unless given).
    pub weight: f64,
}

/// One numbered paragraph of the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub id: u32,
    pub class: u8,
    pub title: String,
    /// The paragraph verbatim, as the document prints it after "N、".
    pub text: String,
    /// What the target is worth before its class's weight (10 unless given).
    pub points: f64,
    pub indicators: Vec<Indicator>,
    /// The division (处室) that owns it, whose reviewers mark it: as the targets file gives it,
    /// or as `kaohe assign` changed it since. `None`: nobody's in particular.
    #[serde(default)]
    pub division: Option<String>,
}

/// One checkable requirement of a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Stable id `T.N`, e.g. "1.2".
    pub id: String,
    /// Compact label for narrow columns.
    pub short: String,
    pub text: String,
    /// The words of the paragraph this requirement comes from (a substring of the target's text).
    pub source: String,
    pub kind: IndicatorKind,
    /// Present exactly when `kind` is numeric.
    pub requirement: Option<Requirement>,
    /// Its share of the target's points: as given, or the target's points shared equally
    /// among the indicators given none.
    pub points: f64,
    /// 一票否决: not met, the county's whole score is void.
    pub veto: bool,
    /// Taken off the county's score, beyond this indicator's own points, when it is not met.
    pub deduct: f64,
    /// How it earns its points (issue 17): by verdict unless the targets file says otherwise.
    #[serde(default)]
    pub rule: crate::score::Rule,
    /// A division that owns this indicator rather than its target's (see [`Target::division`]).
    #[serde(default)]
    pub division: Option<String>,
}

impl Indicator {
    pub fn target_id(&self) -> u32 {
        self.id
            .split_once('.')
            .and_then(|(t, _)| t.parse().ok())
            .unwrap_or(0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// A figure compared with a threshold.
    Numeric,
    /// Done or not done (a document issued, a system built).
    YesNo,
    /// An ongoing effort, judged by degree.
    Qualitative,
}

impl IndicatorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Numeric => "numeric",
            IndicatorKind::YesNo => "yes_no",
            IndicatorKind::Qualitative => "qualitative",
        }
    }
}

impl FromStr for IndicatorKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "numeric" => Ok(IndicatorKind::Numeric),
            "yes_no" => Ok(IndicatorKind::YesNo),
            "qualitative" => Ok(IndicatorKind::Qualitative),
            other => Err(format!(
                "unknown kind \"{other}\" (expected numeric, yes_no or qualitative)"
            )),
        }
    }
}

/// A numeric requirement: figure `comparator` threshold, in `unit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    pub comparator: Comparator,
    pub threshold: f64,
    pub unit: String,
    /// The far edge of a 基本完成 band, where the rule defines one: for `>= 70` with
    /// `partly = 60`, a figure from 60 up to 70 is partly met.
    pub partly: Option<f64>,
}

impl Requirement {
    /// Whether a figure (in the requirement's unit) satisfies it.
    pub fn is_satisfied_by(&self, figure: f64) -> bool {
        match self.comparator {
            Comparator::AtLeast => figure >= self.threshold,
            Comparator::AtMost => figure <= self.threshold,
        }
    }

    /// Whether a figure that misses the threshold still lies in the 基本完成 band.
    pub fn is_partly_satisfied_by(&self, figure: f64) -> bool {
        let Some(edge) = self.partly else {
            return false;
        };
        !self.is_satisfied_by(figure)
            && match self.comparator {
                Comparator::AtLeast => figure >= edge,
                Comparator::AtMost => figure <= edge,
            }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}{}",
            self.comparator.symbol(),
            format_number(self.threshold),
            self.unit
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Comparator {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
}

impl Comparator {
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::AtLeast => ">=",
            Comparator::AtMost => "<=",
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::AtMost => "≤",
        }
    }
}

impl FromStr for Comparator {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            ">=" | "≥" => Ok(Comparator::AtLeast),
            "<=" | "≤" => Ok(Comparator::AtMost),
            other => Err(format!(
                "unknown comparator \"{other}\" (expected \">=\" or \"<=\")"
            )),
        }
    }
}

/// What share of an indicator's points each verdict earns.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Shares {
    pub met: f64,
    pub partly_met: f64,
    pub not_met: f64,
}

impl Default for Shares {
    /// Met earns the full points, partly met half, not met none.
    fn default() -> Self {
        Shares {
            met: 1.0,
            partly_met: 0.5,
            not_met: 0.0,
        }
    }
}

impl Shares {
    pub fn of(&self, verdict: Verdict) -> f64 {
        match verdict {
            Verdict::Met => self.met,
            Verdict::PartlyMet => self.partly_met,
            Verdict::NotMet => self.not_met,
        }
    }
}

/// A county-level unit (县、市、区), coded per GB/T 2260.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct County {
    pub code: String,
    pub name: String,
}

/// What a county submitted for one indicator.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Submission {
    /// The figure exactly as the county wrote it.
    pub value: String,
    /// The figure read as a number, when it could be.
    pub value_number: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub evidence: String,
    pub remark: String,
    /// A bare number no larger than 1 from a spreadsheet's number cell, for a percentage, in a
    /// file that does not say how its numbers are shown (no styles): it may be 75% kept by
    /// Excel as 0.75, so it is not compared with the threshold until a person has looked.
    #[serde(default)]
    pub bare_fraction: bool,
    /// The figure exactly as the county wrote it, with its unit, when kaohe converted it to
    /// the indicator's unit (`15‰`, kept as `value` 1.5%); `None` when it was not converted.
    #[serde(default)]
    pub converted_from: Option<String>,
    /// The county's own assessment of the item (its sheet's 自评结果), if it gave one.
    #[serde(default)]
    pub self_verdict: Option<Verdict>,
    /// The score the county gave itself (its sheet's 自评分), if any: shown and exported
    /// beside the city's verdict, never compared with it (its scale is the county's).
    #[serde(default)]
    pub self_score: Option<f64>,
}

/// The review of one county × indicator as it stands: the verdict (none yet, when only a note
/// was written), the note, who gave them and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub verdict: Option<Verdict>,
    pub note: String,
    pub reviewer: String,
    pub reviewed_at: String,
}

/// One note of an item's thread: who wrote it (their name, and the OS account beside it), when
/// (RFC 3339), and what. A thread keeps every reviewer's notes under their own name, oldest
/// first; a verdict given by someone else takes nobody's note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub author: String,
    pub account: String,
    pub at: String,
    pub text: String,
}

impl Note {
    /// "张三 2026-11-29 09:30：台账齐全": the note as one entry of a thread written out.
    pub fn line(&self) -> String {
        let at = match self.at.get(..16) {
            Some(t) => t.replace('T', " "),
            None => self.at.clone(),
        };
        format!("{} {at}：{}", self.author, self.text)
    }

    /// Whether `name` on `account` wrote it.
    pub fn is_by(&self, name: &str, account: &str) -> bool {
        self.author == name && self.account == account
    }
}

/// A reviewer's decision on one county × indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 完成
    Met,
    /// 基本完成
    PartlyMet,
    /// 未完成
    NotMet,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::Met, Verdict::PartlyMet, Verdict::NotMet];

    /// A county's own assessment as its sheet words it: 完成 (or 已完成), 基本完成, 未完成, or
    /// met, partly_met, not_met (any case, a space for the underscore). `None` for anything
    /// else.
    pub fn from_self_assessment(text: &str) -> Option<Verdict> {
        let t = text.trim().to_ascii_lowercase().replace(' ', "_");
        match t.as_str() {
            "完成" | "已完成" | "met" => Some(Verdict::Met),
            "基本完成" | "partly_met" => Some(Verdict::PartlyMet),
            "未完成" | "not_met" => Some(Verdict::NotMet),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::PartlyMet => "partly_met",
            Verdict::NotMet => "not_met",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Verdict::Met => "完成",
            Verdict::PartlyMet => "基本完成",
            Verdict::NotMet => "未完成",
        }
    }
}

/// What a reviewer can set: a verdict, or none (clear).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerdictArg(pub Option<Verdict>);

impl FromStr for VerdictArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let v = match s.trim() {
            "met" | "完成" => Some(Verdict::Met),
            "partly_met" | "基本完成" => Some(Verdict::PartlyMet),
            "not_met" | "未完成" => Some(Verdict::NotMet),
            "clear" => None,
            other => {
                return Err(format!(
                    "unknown verdict \"{other}\" (expected met, partly_met, not_met, clear, 完成, 基本完成 or 未完成)"
                ));
            }
        };
        Ok(VerdictArg(v))
    }
}

/// What a registered reviewer may do in an assessment. Every role marks; a checker also
/// re-checks (复核) and a lead also approves (审定) and keeps the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 评审人
    Reviewer,
    /// 复核人
    Checker,
    /// 审定人
    Lead,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Reviewer, Role::Checker, Role::Lead];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Checker => "checker",
            Role::Lead => "lead",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Role::Reviewer => "评审人",
            Role::Checker => "复核人",
            Role::Lead => "审定人",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "reviewer" | "评审人" | "评审" => Ok(Role::Reviewer),
            "checker" | "复核人" | "复核" => Ok(Role::Checker),
            "lead" | "审定人" | "审定" => Ok(Role::Lead),
            other => Err(format!(
                "unknown role \"{other}\" (expected reviewer, checker or lead; 评审人, 复核人 or 审定人)"
            )),
        }
    }
}

/// Formats a number without a trailing ".0": 70 → "70", 1.8 → "1.8".
pub fn format_number(x: f64) -> String {
    // Rust prints the shortest text that reads back as the same number, and "70" for 70.0.
    x.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_parse_in_english_and_chinese() {
        assert_eq!(
            "完成".parse::<VerdictArg>(),
            Ok(VerdictArg(Some(Verdict::Met)))
        );
        assert_eq!(
            "基本完成".parse::<VerdictArg>(),
            Ok(VerdictArg(Some(Verdict::PartlyMet)))
        );
        assert_eq!(
            "not_met".parse::<VerdictArg>(),
            Ok(VerdictArg(Some(Verdict::NotMet)))
        );
        assert_eq!("clear".parse::<VerdictArg>(), Ok(VerdictArg(None)));
        assert!("done".parse::<VerdictArg>().is_err());
    }

    #[test]
    fn a_countys_own_assessment_reads_in_either_language() {
        assert_eq!(Verdict::from_self_assessment("完成"), Some(Verdict::Met));
        assert_eq!(
            Verdict::from_self_assessment(" 已完成 "),
            Some(Verdict::Met)
        );
        assert_eq!(
            Verdict::from_self_assessment("基本完成"),
            Some(Verdict::PartlyMet)
        );
        assert_eq!(
            Verdict::from_self_assessment("Partly Met"),
            Some(Verdict::PartlyMet)
        );
        assert_eq!(
            Verdict::from_self_assessment("not_met"),
            Some(Verdict::NotMet)
        );
        for v in Verdict::ALL {
            assert_eq!(Verdict::from_self_assessment(v.as_str()), Some(v));
            assert_eq!(Verdict::from_self_assessment(v.chinese()), Some(v));
        }
        assert_eq!(Verdict::from_self_assessment("大致完成"), None);
        assert_eq!(Verdict::from_self_assessment(""), None);
    }

    #[test]
    fn roles_parse_in_english_and_chinese_and_read_back() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(role.chinese().parse::<Role>(), Ok(role));
        }
        assert_eq!("复核".parse::<Role>(), Ok(Role::Checker));
        assert!("admin".parse::<Role>().unwrap_err().contains("\"admin\""));
    }

    #[test]
    fn requirement_respects_direction() {
        let at_least = Requirement {
            comparator: Comparator::AtLeast,
            threshold: 70.0,
            unit: "%".into(),
            partly: None,
        };
        assert!(at_least.is_satisfied_by(70.0));
        assert!(!at_least.is_satisfied_by(69.9));
        let at_most = Requirement {
            comparator: Comparator::AtMost,
            threshold: 5.0,
            unit: "%".into(),
            partly: Some(6.0),
        };
        assert!(at_most.is_satisfied_by(5.0));
        assert!(!at_most.is_satisfied_by(5.1));
        // The band: 5 < figure <= 6 is partly met; beyond it, not; within the threshold, met.
        assert!(at_most.is_partly_satisfied_by(5.1));
        assert!(at_most.is_partly_satisfied_by(6.0));
        assert!(!at_most.is_partly_satisfied_by(6.1));
        assert!(!at_most.is_partly_satisfied_by(5.0));
        assert!(!at_least.is_partly_satisfied_by(60.0));
        assert_eq!(at_least.to_string(), "≥ 70%");
    }

    #[test]
    fn numbers_format_without_noise() {
        assert_eq!(format_number(70.0), "70");
        assert_eq!(format_number(1.8), "1.8");
        assert_eq!(format_number(13.625), "13.625");
        assert_eq!(format_number(0.00001), "0.00001");
    }
}
