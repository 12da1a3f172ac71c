//! The targets file (TOML): read, checked key by key, and each fault told at the line of the
//! key it is about; a target's points shared among its indicators.

use super::Catalog;
use crate::error::{FileError, Location};
use crate::model::{
    Assessment, Comparator, Indicator, IndicatorKind, Requirement, Shares, Target, TargetClass,
};
use crate::score::{Grades, Rule};
use crate::source::toml::{Table, key_offset};
use crate::text::width;
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

mod rules;

/// The only version of the targets file format there is so far.
pub const TARGETS_FORMAT: u32 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTargetsFile {
    format: Spanned<u32>,
    assessment: Spanned<RawAssessment>,
    scoring: Option<Spanned<RawScoring>>,
    classes: Vec<Spanned<RawClass>>,
    targets: Vec<Spanned<RawTarget>>,
    #[serde(default)]
    grades: Vec<Spanned<rules::RawGrade>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssessment {
    year: i32,
    title: String,
    issuer: String,
    number: String,
    date: toml::value::Datetime,
    #[serde(default)]
    notice: String,
    #[serde(default)]
    addressees: String,
    #[serde(default)]
    preamble: String,
    method: Option<RawMethod>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMethod {
    title: String,
    number: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClass {
    class: u8,
    name: String,
    weight: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    id: u32,
    class: u8,
    title: String,
    text: String,
    points: Option<f64>,
    division: Option<String>,
    #[serde(default)]
    indicators: Vec<Spanned<RawIndicator>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: String,
    short: Option<String>,
    text: String,
    source: Option<String>,
    kind: String,
    comparator: Option<String>,
    threshold: Option<f64>,
    unit: Option<String>,
    partly: Option<f64>,
    points: Option<f64>,
    veto: Option<bool>,
    deduct: Option<f64>,
    division: Option<String>,
    rule: Option<Spanned<rules::RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScoring {
    met: Option<f64>,
    partly_met: Option<f64>,
    not_met: Option<f64>,
    bonus_cap: Option<f64>,
}

/// Something wrong in the targets file, and the key it is about (to point at its line).
struct Fault {
    key: Option<&'static str>,
    message: String,
}

fn fault(key: &'static str, message: impl Into<String>) -> Fault {
    Fault {
        key: Some(key),
        message: message.into(),
    }
}

/// A division given on a target or an indicator (`what`): a name people can read.
fn checked_division(given: Option<&str>, what: &str) -> Result<Option<String>, Fault> {
    given
        .map(|d| {
            crate::owners::check_division(&format!("{what}'s division"), d)
                .map_err(|m| fault("division", m))
        })
        .transpose()
}

/// Refuses text that would be terminal commands rather than words (line breaks included:
/// every field of the file is one line of the document).
fn check_words(key: &'static str, what: &str, text: &str) -> Result<(), Fault> {
    crate::text::check_words(what, text, false).map_err(|m| fault(key, m))
}

/// Parses and checks a targets file. `path` is only used in messages.
pub fn parse_targets(text: &str, path: &str) -> Result<Catalog, FileError> {
    let at = |offset: usize| Location::at_offset(path, text, offset);
    let locate = |span: &std::ops::Range<usize>, f: Fault| {
        let offset = f
            .key
            .map_or(span.start, |k| key_offset(text, Table::Spanned(span), k));
        FileError::new(at(offset), f.message)
    };
    let raw: RawTargetsFile = crate::source::toml::parse(text, path)?;
    let whole = 0..text.len();

    if *raw.format.get_ref() != TARGETS_FORMAT {
        return Err(FileError::new(
            at(raw.format.span().start),
            format!(
                "format {} is not supported (this kaohe reads format {TARGETS_FORMAT})",
                raw.format.get_ref()
            ),
        ));
    }

    let span = raw.assessment.span();
    let assessment = check_assessment(raw.assessment.into_inner()).map_err(|f| locate(&span, f))?;

    let mut classes: Vec<TargetClass> = Vec::new();
    for spanned in raw.classes {
        let span = spanned.span();
        let c = spanned.into_inner();
        let check = || -> Result<(), Fault> {
            if classes.iter().any(|k| k.class == c.class) {
                return Err(fault(
                    "class",
                    format!("class {} is declared twice", c.class),
                ));
            }
            if c.name.trim().is_empty() {
                return Err(fault(
                    "name",
                    format!("class {} has an empty name", c.class),
                ));
            }
            check_words("name", &format!("class {}'s name", c.class), &c.name)?;
            if let Some(w) = c.weight {
                if !w.is_finite() || w < 0.0 {
                    return Err(fault(
                        "weight",
                        format!("class {}: weight must be a number, 0 or more", c.class),
                    ));
                }
            }
            Ok(())
        };
        check().map_err(|f| locate(&span, f))?;
        classes.push(TargetClass {
            class: c.class,
            name: c.name,
            weight: c.weight.unwrap_or(1.0),
        });
    }
    if classes.is_empty() {
        return Err(locate(&whole, fault("classes", "no [[classes]] declared")));
    }

    let mut targets: Vec<Target> = Vec::new();
    let mut shorts: HashMap<String, String> = HashMap::new();
    for (k, spanned) in raw.targets.into_iter().enumerate() {
        let span = spanned.span();
        let t = spanned.into_inner();
        check_target(&t, k + 1, &classes).map_err(|f| locate(&span, f))?;
        let division = checked_division(t.division.as_deref(), &format!("target {}", t.id))
            .map_err(|f| locate(&span, f))?;
        let mut indicators: Vec<Indicator> = Vec::new();
        let mut given_points: Vec<Option<f64>> = Vec::new();
        for (n, spanned) in t.indicators.into_iter().enumerate() {
            let span = spanned.span();
            let mut raw = spanned.into_inner();
            let given = (raw.points, raw.veto, raw.deduct);
            let raw_rule = raw.rule.take();
            let mut indicator =
                check_indicator(raw, t.id, n + 1, &t.text).map_err(|f| locate(&span, f))?;
            if let Some(rule) = raw_rule {
                let rule_span = rule.span();
                indicator.rule = rules::check_rule(rule.into_inner(), &indicator, given)
                    .map_err(|(f, in_rule)| locate(if in_rule { &rule_span } else { &span }, f))?;
            }
            // A bonus takes no share of its target's points: its cap is its own.
            if !indicator.rule.is_bonus() {
                given_points.push(given.0);
            }
            if let Some(other) = shorts.insert(indicator.short.clone(), indicator.id.clone()) {
                return Err(locate(
                    &span,
                    fault(
                        "short",
                        format!(
                            "indicator {}: short \"{}\" is already indicator {other}'s",
                            indicator.id, indicator.short
                        ),
                    ),
                ));
            }
            indicators.push(indicator);
        }
        let shared = indicators.iter_mut().filter(|i| !i.rule.is_bonus());
        let points =
            share_points(t.id, t.points, &given_points, shared).map_err(|f| locate(&span, f))?;
        targets.push(Target {
            id: t.id,
            class: t.class,
            title: t.title,
            text: t.text,
            points,
            indicators,
            division,
        });
    }
    if targets.is_empty() {
        return Err(locate(&whole, fault("targets", "no [[targets]] given")));
    }
    let (shares, bonus_cap) = match raw.scoring {
        None => (Shares::default(), None),
        Some(spanned) => {
            let span = spanned.span();
            let scoring = spanned.into_inner();
            let bonus_cap = scoring.bonus_cap;
            if bonus_cap.is_some_and(|c| !c.is_finite() || c < 0.0) {
                return Err(locate(
                    &span,
                    fault(
                        "bonus_cap",
                        "scoring.bonus_cap (the most all bonus items add together) must be a number, 0 or more",
                    ),
                ));
            }
            let shares = check_shares(scoring).map_err(|f| locate(&span, f))?;
            (shares, bonus_cap)
        }
    };
    let mut catalog = Catalog {
        assessment,
        classes,
        targets,
        shares,
        bonus_cap,
        grades: Grades::default(),
    };
    // A band no county could reach is a mistake: the most there is, bonuses included.
    let bonus_most: f64 = catalog
        .indicators()
        .map(|i| match i.rule {
            Rule::Bonus { cap, .. } => cap,
            _ => 0.0,
        })
        .sum();
    let most = crate::score::Scorer::new(&catalog).max_score()
        + bonus_cap.map_or(bonus_most, |c| c.min(bonus_most));
    let spans: Vec<std::ops::Range<usize>> = raw.grades.iter().map(|g| g.span()).collect();
    let grades = raw.grades.into_iter().map(Spanned::into_inner).collect();
    catalog.grades = rules::check_grades(grades, most).map_err(|(k, f)| {
        let span = spans.get(k).cloned().unwrap_or(whole.clone());
        locate(&span, f)
    })?;
    Ok(catalog)
}

/// What a target is worth when its file gives no points: the 2014 notice gives none (its
/// method, 衢市民〔2013〕45号, is not in hand), so every target weighs the same.
pub const DEFAULT_TARGET_POINTS: f64 = 10.0;

/// Settles a target's points and its indicators' shares: points given are kept, the rest of
/// the target's points are shared equally among the indicators given none. A target with no
/// points of its own is worth the sum of its indicators' when all are given, else the default.
/// `indicators` are those that share the points (bonus items apart), `given` their points.
fn share_points<'a>(
    target_id: u32,
    target_points: Option<f64>,
    given: &[Option<f64>],
    indicators: impl Iterator<Item = &'a mut Indicator>,
) -> Result<f64, Fault> {
    if let Some(p) = target_points {
        if !p.is_finite() || p <= 0.0 {
            return Err(fault(
                "points",
                format!("target {target_id}: points must be a number above 0"),
            ));
        }
    }
    let explicit: f64 = given.iter().flatten().sum();
    let unspecified = given.iter().filter(|p| p.is_none()).count();
    let points = match target_points {
        Some(p) => p,
        None if unspecified == 0 => explicit,
        None => DEFAULT_TARGET_POINTS,
    };
    // A small tolerance: 3.3 + 3.3 + 3.4 is 10 to a reader, not 9.999999999999998.
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * a.abs().max(b.abs()).max(1.0);
    if unspecified == 0 && !close(explicit, points) {
        return Err(fault(
            "points",
            format!(
                "target {target_id} is worth {} points but its indicators' points add up to {}",
                crate::model::format_number(points),
                crate::model::format_number(explicit)
            ),
        ));
    }
    if unspecified > 0 && explicit > points && !close(explicit, points) {
        return Err(fault(
            "points",
            format!(
                "target {target_id} is worth {} points but its indicators already take {}",
                crate::model::format_number(points),
                crate::model::format_number(explicit)
            ),
        ));
    }
    let each = if unspecified > 0 {
        ((points - explicit) / unspecified as f64).max(0.0)
    } else {
        0.0
    };
    for (indicator, given) in indicators.zip(given) {
        indicator.points = given.unwrap_or(each);
    }
    Ok(points)
}

fn check_shares(raw: RawScoring) -> Result<Shares, Fault> {
    let default = Shares::default();
    let shares = Shares {
        met: raw.met.unwrap_or(default.met),
        partly_met: raw.partly_met.unwrap_or(default.partly_met),
        not_met: raw.not_met.unwrap_or(default.not_met),
    };
    for (key, value) in [
        ("met", shares.met),
        ("partly_met", shares.partly_met),
        ("not_met", shares.not_met),
    ] {
        if !(0.0..=1.0).contains(&value) {
            return Err(fault(
                key,
                format!("scoring.{key} is a share of the points: a number from 0 to 1"),
            ));
        }
    }
    if !(shares.met >= shares.partly_met && shares.partly_met >= shares.not_met) {
        return Err(fault(
            "partly_met",
            "scoring: met must earn at least partly_met, and partly_met at least not_met",
        ));
    }
    Ok(shares)
}

fn check_assessment(a: RawAssessment) -> Result<Assessment, Fault> {
    let (method_title, method_number) = a.method.map(|m| (m.title, m.number)).unwrap_or_default();
    // (key to point at, name in the message, value, required)
    for (key, name, value, required) in [
        ("title", "title", &a.title, true),
        ("issuer", "issuer", &a.issuer, true),
        ("number", "number", &a.number, true),
        ("notice", "notice", &a.notice, false),
        ("addressees", "addressees", &a.addressees, false),
        ("preamble", "preamble", &a.preamble, false),
        ("method", "method.title", &method_title, false),
        ("method", "method.number", &method_number, false),
    ] {
        if required && value.trim().is_empty() {
            return Err(fault(key, format!("assessment.{name} is empty")));
        }
        check_words(key, &format!("assessment.{name}"), value)?;
    }
    if !(1949..=2200).contains(&a.year) {
        return Err(fault(
            "year",
            format!("assessment.year {} is not a plausible year", a.year),
        ));
    }
    let date = match (a.date.date, a.date.time) {
        (Some(d), None) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
        _ => {
            return Err(fault(
                "date",
                "assessment.date must be a plain date such as 2014-08-26",
            ));
        }
    };
    Ok(Assessment {
        year: a.year,
        title: a.title,
        issuer: a.issuer,
        number: a.number,
        date,
        notice: a.notice,
        addressees: a.addressees,
        preamble: a.preamble,
        method_title,
        method_number,
    })
}

/// Checks the `position`-th (from 1) target.
fn check_target(t: &RawTarget, position: usize, classes: &[TargetClass]) -> Result<(), Fault> {
    if t.id as usize != position {
        return Err(fault(
            "id",
            format!(
                "target id {} should be {position} (targets are numbered 1, 2, … in order)",
                t.id
            ),
        ));
    }
    if !classes.iter().any(|c| c.class == t.class) {
        return Err(fault(
            "class",
            format!(
                "target {} is in class {}, which is not declared in [[classes]]",
                t.id, t.class
            ),
        ));
    }
    if t.title.trim().is_empty() {
        return Err(fault(
            "title",
            format!("target {} has an empty title", t.id),
        ));
    }
    if t.text.trim().is_empty() {
        return Err(fault("text", format!("target {} has an empty text", t.id)));
    }
    check_words("title", &format!("target {}'s title", t.id), &t.title)?;
    check_words("text", &format!("target {}'s text", t.id), &t.text)?;
    if !t.text.starts_with(&t.title) {
        return Err(fault(
            "text",
            format!(
                "target {}'s text must begin with its title \"{}\" (the paragraph's first sentence)",
                t.id, t.title
            ),
        ));
    }
    if t.indicators.is_empty() {
        return Err(fault(
            "id",
            format!("target {} has no [[targets.indicators]]", t.id),
        ));
    }
    Ok(())
}

/// The widest a short label may be, in terminal columns: it must fit a narrow screen column.
pub const SHORT_WIDTH: usize = 20;

/// Checks the `position`-th (from 1) indicator of target `target_id`.
fn check_indicator(
    raw: RawIndicator,
    target_id: u32,
    position: usize,
    target_text: &str,
) -> Result<Indicator, Fault> {
    let id = raw.id.trim().to_string();
    let expected = format!("{target_id}.{position}");
    if id != expected {
        return Err(fault(
            "id",
            format!(
                "indicator id \"{id}\" should be \"{expected}\" (the indicators of target {target_id} are numbered {target_id}.1, {target_id}.2, … in order)"
            ),
        ));
    }
    let short = raw.short.unwrap_or_default().trim().to_string();
    if short.is_empty() {
        return Err(fault(
            "id",
            format!("indicator {id} needs a short label (short = \"…\")"),
        ));
    }
    if width(&short) > SHORT_WIDTH {
        return Err(fault(
            "short",
            format!(
                "indicator {id}: short \"{short}\" is {} columns wide; at most {SHORT_WIDTH} (10 Chinese characters)",
                width(&short)
            ),
        ));
    }
    if raw.text.trim().is_empty() {
        return Err(fault("text", format!("indicator {id} has an empty text")));
    }
    let source = raw.source.unwrap_or_default();
    if source.trim().is_empty() {
        return Err(fault(
            "id",
            format!("indicator {id} needs its source: the words of the paragraph it comes from"),
        ));
    }
    for (key, value) in [("short", &short), ("text", &raw.text), ("source", &source)] {
        check_words(key, &format!("indicator {id}'s {key}"), value)?;
    }
    if !target_text.contains(&source) {
        return Err(fault(
            "source",
            format!(
                "indicator {id}: source \"{source}\" is not found word for word in target {target_id}'s text"
            ),
        ));
    }
    let kind: IndicatorKind = raw
        .kind
        .parse()
        .map_err(|e| fault("kind", format!("indicator {id}: {e}")))?;
    let requirement = match kind {
        IndicatorKind::Numeric => {
            let (Some(comparator), Some(threshold), Some(unit)) =
                (raw.comparator, raw.threshold, raw.unit)
            else {
                return Err(fault(
                    "kind",
                    format!("indicator {id} is numeric: it needs comparator, threshold and unit"),
                ));
            };
            let comparator: Comparator = comparator
                .parse()
                .map_err(|e| fault("comparator", format!("indicator {id}: {e}")))?;
            if !threshold.is_finite() || threshold < 0.0 {
                return Err(fault(
                    "threshold",
                    format!("indicator {id}: threshold must be a number, 0 or more"),
                ));
            }
            let unit = unit.trim().to_string();
            if unit.is_empty() {
                return Err(fault(
                    "unit",
                    format!("indicator {id}: unit is empty (%, 元, 平方米, 家, 个 …)"),
                ));
            }
            check_words("unit", &format!("indicator {id}'s unit"), &unit)?;
            if let Some(edge) = raw.partly {
                let beyond = match comparator {
                    Comparator::AtLeast => edge < threshold && edge >= 0.0,
                    Comparator::AtMost => edge > threshold,
                };
                if !edge.is_finite() || !beyond {
                    let side = match comparator {
                        Comparator::AtLeast => "below",
                        Comparator::AtMost => "above",
                    };
                    return Err(fault(
                        "partly",
                        format!(
                            "indicator {id}: partly (the edge of the 基本完成 band) must lie {side} the threshold {}",
                            crate::model::format_number(threshold)
                        ),
                    ));
                }
            }
            Some(Requirement {
                comparator,
                threshold,
                unit,
                partly: raw.partly,
            })
        }
        IndicatorKind::YesNo | IndicatorKind::Qualitative => {
            if let Some(key) = [
                ("comparator", raw.comparator.is_some()),
                ("threshold", raw.threshold.is_some()),
                ("unit", raw.unit.is_some()),
                ("partly", raw.partly.is_some()),
            ]
            .into_iter()
            .find_map(|(key, given)| given.then_some(key))
            {
                return Err(fault(
                    key,
                    format!(
                        "indicator {id} is {}: comparator, threshold, unit and partly belong only to numeric indicators",
                        kind.as_str()
                    ),
                ));
            }
            None
        }
    };
    let division = checked_division(raw.division.as_deref(), &format!("indicator {id}"))?;
    for (key, value) in [("points", raw.points), ("deduct", raw.deduct)] {
        if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
            return Err(fault(
                key,
                format!("indicator {id}: {key} must be a number, 0 or more"),
            ));
        }
    }
    Ok(Indicator {
        id,
        short,
        text: raw.text,
        source,
        kind,
        requirement,
        // Settled with the target's other indicators (share_points).
        points: 0.0,
        veto: raw.veto.unwrap_or(false),
        deduct: raw.deduct.unwrap_or(0.0),
        // Read beside (rules.rs), at the rule's own place in the file.
        rule: Rule::Verdict,
        division,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"format = 1
[assessment]
year = 2015
title = "2015年度目标"
issuer = "衢州市民政局"
number = "衢市民〔2015〕1号"
date = 2015-03-01

[[classes]]
class = 1
name = "一类目标"

[[targets]]
id = 1
class = 1
title = "养老"
text = "养老。覆盖率达70%。"

[[targets.indicators]]
id = "1.1"
short = "覆盖率"
text = "覆盖率"
source = "覆盖率达70%"
kind = "numeric"
comparator = ">="
threshold = 70
unit = "%"
"#;

    #[test]
    fn a_minimal_file_loads() {
        let c = parse_targets(MINIMAL, "m.toml").unwrap();
        assert_eq!(c.assessment.date, "2015-03-01");
        let i = &c.targets[0].indicators[0];
        assert_eq!(i.short, "覆盖率");
        assert_eq!(i.requirement.as_ref().unwrap().to_string(), "≥ 70%");
    }

    fn error_of(text: &str) -> String {
        parse_targets(text, "t.toml").unwrap_err().to_string()
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let broken = MINIMAL.replace("year = 2015", "year = ");
        assert!(
            error_of(&broken).starts_with("t.toml:3:"),
            "{}",
            error_of(&broken)
        );
    }

    #[test]
    fn semantic_errors_name_the_indicator_line() {
        let bad = MINIMAL.replace("comparator = \">=\"", "comparator = \"=>\"");
        let e = error_of(&bad);
        assert!(
            e.starts_with(&format!("t.toml:{}:1:", line_of_key(&bad, "comparator"))),
            "{e}"
        );
        assert!(e.contains("unknown comparator \"=>\""), "{e}");

        let bad = MINIMAL.replace("id = \"1.1\"", "id = \"2.1\"");
        assert!(
            error_of(&bad).contains("should be \"1.1\""),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace("text = \"覆盖率\"", "text = \"覆盖\\u001b[2J率\"");
        assert!(
            error_of(&bad).contains("control character U+001B"),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace("short = \"覆盖率\"", "short = \"一二三四五六七八九十十一\"");
        assert!(
            error_of(&bad).contains("24 columns wide"),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace("title = \"养老\"", "title = \"养老服务\"");
        assert!(
            error_of(&bad).contains("must begin with its title"),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace("class = 1\ntitle", "class = 3\ntitle");
        assert!(error_of(&bad).contains("class 3, which is not declared"));

        let bad = MINIMAL.replace("source = \"覆盖率达70%\"", "source = \"覆盖率达80%\"");
        assert!(error_of(&bad).contains("not found word for word"));

        let bad = MINIMAL.replace("unit = \"%\"", "");
        assert!(error_of(&bad).contains("needs comparator, threshold and unit"));

        let bad = MINIMAL.replace("threshold = 70", "threshhold = 70");
        assert!(error_of(&bad).contains("threshhold"), "{}", error_of(&bad));

        let bad = MINIMAL.replace("kind = \"numeric\"", "kind = \"yes_no\"");
        assert!(error_of(&bad).contains("belong only to numeric"));
    }

    /// The line of the first line of `text` that starts with `key =`.
    fn line_of_key(text: &str, key: &str) -> usize {
        text.lines()
            .position(|l| l.trim_start().starts_with(&format!("{key} =")))
            .unwrap()
            + 1
    }

    #[test]
    fn errors_point_at_the_key_that_is_wrong() {
        let bad = MINIMAL.replace("threshold = 70", "threshold = nan");
        let line = line_of_key(&bad, "threshold");
        assert!(error_of(&bad).starts_with(&format!("t.toml:{line}:1: indicator 1.1: threshold")));

        let bad = MINIMAL.replace("title = \"2015年度目标\"", "title = \"\"");
        assert!(
            error_of(&bad).starts_with("t.toml:4:1: assessment.title is empty"),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace("date = 2015-03-01", "date = 2015-03-01T10:00:00");
        assert!(
            error_of(&bad).starts_with("t.toml:7:1: assessment.date"),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace("unit = \"%\"", "unit = \"% \\u001b[2J\"");
        let line = line_of_key(&bad, "unit");
        assert!(
            error_of(&bad).starts_with(&format!(
                "t.toml:{line}:1: indicator 1.1's unit contains the control character U+001B"
            )),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace(
            "date = 2015-03-01",
            "date = 2015-03-01\npreamble = \"a\\u0007b\"",
        );
        assert!(
            error_of(&bad).contains("assessment.preamble contains the control character U+0007"),
            "{}",
            error_of(&bad)
        );
    }

    #[test]
    fn reader_errors_are_plain() {
        let bad = MINIMAL.replace("year = 2015", "year = 2015\nyear = 2016");
        assert_eq!(error_of(&bad), "t.toml:4:1: the key year is given twice");
        let bad = MINIMAL.replace("year = 2015", "year = \"2015\"");
        assert!(
            error_of(&bad).contains("expected a whole number"),
            "{}",
            error_of(&bad)
        );
        let bad = MINIMAL.replace("threshold = 70", "threshold = \"70\"");
        assert!(
            error_of(&bad).contains("expected a number"),
            "{}",
            error_of(&bad)
        );
    }

    #[test]
    fn a_target_or_an_indicator_names_its_division() {
        let given = MINIMAL
            .replace(
                "text = \"养老。覆盖率达70%。\"",
                "text = \"养老。覆盖率达70%。\"\ndivision = \" 养老服务处 \"",
            )
            .replace("unit = \"%\"", "unit = \"%\"\ndivision = \"福利彩票中心\"");
        let c = parse_targets(&given, "t.toml").unwrap();
        assert_eq!(c.targets[0].division.as_deref(), Some("养老服务处"));
        assert_eq!(
            c.targets[0].indicators[0].division.as_deref(),
            Some("福利彩票中心")
        );
        assert_eq!(
            parse_targets(MINIMAL, "t.toml").unwrap().targets[0].division,
            None
        );

        let bad = given.replace("division = \" 养老服务处 \"", "division = \"\"");
        let line = line_of_key(&bad, "division");
        assert_eq!(
            error_of(&bad),
            format!(
                "t.toml:{line}:1: target 1's division is empty: give the division's name, e.g. 养老服务处"
            )
        );
        let bad = given.replace(
            "division = \"福利彩票中心\"",
            "division = \"福利\\u001b[2J\"",
        );
        let line = bad
            .lines()
            .collect::<Vec<_>>()
            .iter()
            .rposition(|l| l.starts_with("division ="))
            .unwrap()
            + 1;
        assert!(
            error_of(&bad).starts_with(&format!(
                "t.toml:{line}:1: indicator 1.1's division contains the control character U+001B"
            )),
            "{}",
            error_of(&bad)
        );
        let bad = given.replace("division = \"福利彩票中心\"", "division = 3");
        assert!(
            error_of(&bad).contains("expected a string"),
            "{}",
            error_of(&bad)
        );
        let bad = given.replace("division = \"福利彩票中心\"", "divison = \"福利彩票中心\"");
        assert!(error_of(&bad).contains("divison"), "{}", error_of(&bad));
    }

    #[test]
    fn numbers_and_units_must_make_sense() {
        let bad = MINIMAL.replace("id = 1\nclass", "id = 2\nclass");
        assert!(
            error_of(&bad).contains("target id 2 should be 1"),
            "{}",
            error_of(&bad)
        );
        let bad = MINIMAL.replace("unit = \"%\"", "unit = \"\"");
        assert!(
            error_of(&bad).contains("unit is empty"),
            "{}",
            error_of(&bad)
        );
        let bad = MINIMAL.replace("threshold = 70", "threshold = -70");
        assert!(error_of(&bad).contains("0 or more"), "{}", error_of(&bad));
        let bad = MINIMAL.replace("year = 2015", "year = 0");
        assert!(
            error_of(&bad).contains("not a plausible year"),
            "{}",
            error_of(&bad)
        );
    }
}
