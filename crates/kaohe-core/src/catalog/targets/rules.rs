//! A targets file's rule shapes and grades (issue 17), read and checked: each fault told at
//! the key it is about, in the rule's table or in the indicator's.

use super::{Fault, check_words, fault};
use crate::model::{Indicator, format_number};
use crate::score::{Grade, Grades, Rule};
use crate::text::width;
use serde::Deserialize;

/// `rule = { shape = "…", … }` on an indicator, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    shape: String,
    full_at: Option<f64>,
    per: Option<f64>,
    deduct: Option<f64>,
    whole: Option<bool>,
    at: Option<f64>,
    step: Option<f64>,
    cap: Option<f64>,
    each: Option<f64>,
}

/// One `[[grades]]` entry, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGrade {
    name: String,
    at_least: Option<f64>,
    top: Option<u32>,
}

const SHAPES: &str = "verdict, shortfall, all_or_nothing, per_case, rank or bonus";

/// The keys each shape takes (beside `shape`).
fn keys_of(shape: &str) -> Option<&'static [&'static str]> {
    Some(match shape {
        "verdict" => &[],
        "shortfall" => &["full_at", "per", "deduct", "whole"],
        "all_or_nothing" => &["at"],
        "per_case" => &["deduct"],
        "rank" => &["step"],
        "bonus" => &["cap", "each"],
        _ => return None,
    })
}

/// The indicator's `(points, veto, deduct)` as its file gives them.
pub(super) type Given = (Option<f64>, Option<bool>, Option<f64>);

/// Checks an indicator's rule. A fault is about a key of the rule's table (`true`) or of the
/// indicator's (`false`).
pub(super) fn check_rule(
    raw: RawRule,
    indicator: &Indicator,
    given: Given,
) -> Result<Rule, (Fault, bool)> {
    let id = &indicator.id;
    let in_rule = |key: &'static str, message: String| (fault(key, message), true);
    let shape = raw.shape.trim();
    let Some(allowed) = keys_of(shape) else {
        return Err(in_rule(
            "shape",
            format!("indicator {id}: unknown rule shape \"{shape}\" (expected {SHAPES})"),
        ));
    };
    let written = [
        ("full_at", raw.full_at.is_some()),
        ("per", raw.per.is_some()),
        ("deduct", raw.deduct.is_some()),
        ("whole", raw.whole.is_some()),
        ("at", raw.at.is_some()),
        ("step", raw.step.is_some()),
        ("cap", raw.cap.is_some()),
        ("each", raw.each.is_some()),
    ];
    if let Some((key, _)) = written.iter().find(|(k, w)| *w && !allowed.contains(k)) {
        let takes = if allowed.is_empty() {
            "it takes no other key".to_string()
        } else {
            format!("it takes {}", allowed.join(", "))
        };
        return Err(in_rule(
            key,
            format!("indicator {id}: {key} does not belong to rule {shape} ({takes})"),
        ));
    }
    // A number the shape reads: finite, and above 0 (or 0 or more).
    let number = |key: &'static str, value: Option<f64>, zero_ok: bool| {
        let Some(x) = value else {
            return Ok(None);
        };
        if !x.is_finite() || x < 0.0 || (x == 0.0 && !zero_ok) {
            let bound = if zero_ok { "0 or more" } else { "above 0" };
            return Err(in_rule(
                key,
                format!("indicator {id}: rule {shape}: {key} must be a number {bound}"),
            ));
        }
        Ok(Some(x))
    };
    let needed = |key: &'static str, what: &str| {
        in_rule(
            "shape",
            format!("indicator {id}: rule {shape} needs {key} ({what})"),
        )
    };
    let needs_figure = || {
        in_rule(
            "shape",
            format!(
                "indicator {id} is {}: rule {shape} reads the figure, which only a numeric indicator has",
                indicator.kind.as_str()
            ),
        )
    };
    let requirement = indicator.requirement.as_ref();
    // Full points short of the requirement would score a county that did not meet it as one
    // that did: a band on the wrong side of the threshold.
    let on_the_right_side = |key: &'static str, edge: Option<f64>| {
        let (Some(edge), Some(r)) = (edge, requirement) else {
            return Ok(());
        };
        let wrong = match r.comparator {
            crate::model::Comparator::AtLeast => edge < r.threshold,
            crate::model::Comparator::AtMost => edge > r.threshold,
        };
        if wrong {
            let side = match r.comparator {
                crate::model::Comparator::AtLeast => "at or above",
                crate::model::Comparator::AtMost => "at or below",
            };
            return Err(in_rule(
                key,
                format!(
                    "indicator {id}: rule {shape}: {key} = {} gives full points short of the requirement ({} {}); it must be {side} {}",
                    crate::model::format_number(edge),
                    r.comparator.symbol(),
                    crate::model::format_number(r.threshold),
                    crate::model::format_number(r.threshold)
                ),
            ));
        }
        Ok(())
    };
    on_the_right_side("full_at", raw.full_at)?;
    on_the_right_side("at", raw.at)?;
    let rule = match shape {
        "verdict" => Rule::Verdict,
        "shortfall" => {
            let r = requirement.ok_or_else(needs_figure)?;
            Rule::Shortfall {
                full_at: number("full_at", raw.full_at, true)?.unwrap_or(r.threshold),
                per: number("per", raw.per, false)?.unwrap_or(1.0),
                deduct: number("deduct", raw.deduct, false)?
                    .ok_or_else(|| needed("deduct", "the points each unit short takes off"))?,
                whole: raw.whole.unwrap_or(false),
            }
        }
        "all_or_nothing" => match requirement {
            Some(r) => Rule::AllOrNothing {
                at: Some(number("at", raw.at, true)?.unwrap_or(r.threshold)),
            },
            None if raw.at.is_some() => {
                return Err(in_rule(
                    "at",
                    format!(
                        "indicator {id} is {}: at (a figure to reach) is for numeric indicators; without it, met earns all",
                        indicator.kind.as_str()
                    ),
                ));
            }
            None => Rule::AllOrNothing { at: None },
        },
        "per_case" => Rule::PerCase {
            deduct: number("deduct", raw.deduct, false)?
                .ok_or_else(|| needed("deduct", "the points each case takes off"))?,
        },
        "rank" => {
            requirement.ok_or_else(needs_figure)?;
            Rule::Rank {
                step: number("step", raw.step, false)?
                    .ok_or_else(|| needed("step", "the points less for each place lower"))?,
            }
        }
        "bonus" => {
            let cap = number("cap", raw.cap, false)?
                .ok_or_else(|| needed("cap", "the most the item adds"))?;
            let each = number("each", raw.each, false)?;
            // A bonus is beside the targets' points: none of its own, no deduction, no veto.
            for (key, is_given) in [
                ("points", given.0.is_some()),
                ("veto", given.1.is_some()),
                ("deduct", given.2.is_some()),
            ] {
                if is_given {
                    return Err((
                        fault(
                            key,
                            format!(
                                "indicator {id} is a bonus (rule bonus): it takes no {key} (its most is its cap)"
                            ),
                        ),
                        false,
                    ));
                }
            }
            Rule::Bonus { cap, each }
        }
        _ => Rule::Verdict,
    };
    Ok(rule)
}

/// Checks the `[[grades]]`, in order; `most` is the most a county can score (bonus
/// included). A fault names the entry (by its place in the list) it is about.
pub(super) fn check_grades(raw: Vec<RawGrade>, most: f64) -> Result<Grades, (usize, Fault)> {
    let mut grades: Vec<Grade> = Vec::new();
    for (k, g) in raw.into_iter().enumerate() {
        let at = |f: Fault| (k, f);
        let name = g.name.trim().to_string();
        if name.is_empty() {
            return Err(at(fault(
                "name",
                "a grade has an empty name (优秀, 良好, 先进单位 …)",
            )));
        }
        check_words("name", &format!("grade {name}'s name"), &name).map_err(at)?;
        if width(&name) > super::SHORT_WIDTH {
            return Err(at(fault(
                "name",
                format!(
                    "grade \"{name}\" is {} columns wide; at most {} (10 Chinese characters)",
                    width(&name),
                    super::SHORT_WIDTH
                ),
            )));
        }
        if grades.iter().any(|o| o.name == name) {
            return Err(at(fault("name", format!("grade {name} is given twice"))));
        }
        if let Some(rest) = grades.iter().find(|o| o.is_rest()) {
            return Err(at(fault(
                "name",
                format!(
                    "grade {name} comes after {}, which takes every county left: that grade comes last",
                    rest.name
                ),
            )));
        }
        if g.at_least.is_some() && g.top.is_some() {
            return Err(at(fault(
                "top",
                format!(
                    "grade {name}: give at_least (a score) or top (the first places), not both"
                ),
            )));
        }
        if let Some(x) = g.at_least {
            if !x.is_finite() || x < 0.0 {
                return Err(at(fault(
                    "at_least",
                    format!("grade {name}: at_least must be a number, 0 or more"),
                )));
            }
            if x > most + 1e-9 {
                return Err(at(fault(
                    "at_least",
                    format!(
                        "grade {name}: at_least {} is above the most a county can score ({})",
                        format_number(x),
                        format_number(crate::score::round2(most))
                    ),
                )));
            }
            // Tried in order: a band below another above it could never be reached.
            if let Some((above, edge)) = grades
                .iter()
                .rev()
                .find_map(|o| Some((&o.name, o.at_least?)))
            {
                if x >= edge {
                    return Err(at(fault(
                        "at_least",
                        format!(
                            "grade {name}: at_least {} must be below {above}'s {} (grades are tried in order, the highest band first)",
                            format_number(x),
                            format_number(edge)
                        ),
                    )));
                }
            }
        }
        if let Some(top) = g.top {
            if top == 0 {
                return Err(at(fault(
                    "top",
                    format!("grade {name}: top must be 1 or more (the first places)"),
                )));
            }
            if let Some((above, n)) = grades.iter().rev().find_map(|o| Some((&o.name, o.top?))) {
                if top as usize <= n {
                    return Err(at(fault(
                        "top",
                        format!(
                            "grade {name}: top {top} must be more than {above}'s {n} (grades are tried in order)"
                        ),
                    )));
                }
            }
        }
        grades.push(Grade {
            name,
            at_least: g.at_least,
            top: g.top.map(|t| t as usize),
        });
    }
    Ok(Grades(grades))
}

#[cfg(test)]
mod tests {
    use crate::catalog::parse_targets;

    const FILE: &str = include_str!("../../../../../tests/fixtures/rules.toml");

    fn error_of(text: &str) -> String {
        parse_targets(text, "r.toml").unwrap_err().to_string()
    }

    /// "r.toml:LINE:COL" of the first place `needle` is written in `text` (columns counted
    /// in characters, from 1).
    fn place_of(text: &str, needle: &str) -> String {
        let at = text.find(needle).unwrap();
        let line = text[..at].matches('\n').count() + 1;
        let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let col = text[start..at].chars().count() + 1;
        format!("r.toml:{line}:{col}:")
    }

    /// `from` replaced by `to` (which must be there), the error, and where `to` is.
    fn refused(from: &str, to: &str, needle: &str) -> (String, String) {
        assert!(FILE.contains(from), "{from}");
        let bad = FILE.replacen(from, to, 1);
        (error_of(&bad), place_of(&bad, needle))
    }

    #[test]
    fn a_rule_fault_is_told_at_its_key() {
        let cases = [
            (
                "shape = \"shortfall\", deduct",
                "shape = \"shortfal\", deduct",
                "shape = \"shortfal\"",
                "indicator 1.1: unknown rule shape \"shortfal\" (expected verdict, shortfall, all_or_nothing, per_case, rank or bonus)",
            ),
            (
                "shape = \"rank\", step = 0.5",
                "shape = \"rank\", step = -0.5",
                "step = -0.5",
                "indicator 2.1: rule rank: step must be a number above 0",
            ),
            (
                "each = 1, cap = 3",
                "each = 1, cap = -3",
                "cap = -3",
                "indicator 3.1: rule bonus: cap must be a number above 0",
            ),
            (
                "shape = \"per_case\", deduct = 0.5",
                "shape = \"per_case\", deduct = 0.5, step = 1",
                "step = 1",
                "indicator 1.3: step does not belong to rule per_case (it takes deduct)",
            ),
            (
                "shape = \"per_case\", deduct = 0.5",
                "shape = \"rank\", step = 0.5",
                "shape = \"rank\", step = 0.5 }\n\n[[targets]]\nid = 2",
                "indicator 1.3 is qualitative: rule rank reads the figure, which only a numeric indicator has",
            ),
            (
                "shape = \"shortfall\", deduct = 0.5",
                "shape = \"shortfall\", deduct = 0.5, full_at = 90",
                "full_at = 90",
                "indicator 1.1: rule shortfall: full_at = 90 gives full points short of the requirement (≥ 98); it must be at or above 98",
            ),
            (
                "shape = \"shortfall\", deduct = 0.5",
                "shape = \"shortfall\"",
                "shape = \"shortfall\"",
                "indicator 1.1: rule shortfall needs deduct (the points each unit short takes off)",
            ),
        ];
        for (from, to, needle, message) in cases {
            let (e, at) = refused(from, to, needle);
            assert_eq!(e, format!("{at} {message}"), "{to}");
        }
    }

    #[test]
    fn unknown_keys_in_a_rule_are_refused_at_their_place() {
        let (e, _) = refused(
            "shape = \"rank\", step = 0.5",
            "shape = \"rank\", stepp = 0.5",
            "stepp",
        );
        assert!(e.contains("unknown field `stepp`"), "{e}");
        let line = FILE
            .lines()
            .position(|l| l.contains("shape = \"rank\""))
            .unwrap()
            + 1;
        assert!(e.starts_with(&format!("r.toml:{line}:")), "{e}");
    }

    #[test]
    fn a_bonus_takes_no_points_of_its_own() {
        let bad = FILE.replacen(
            "rule = { shape = \"bonus\", cap = 2 }",
            "points = 2\nrule = { shape = \"bonus\", cap = 2 }",
            1,
        );
        let line = bad.lines().position(|l| l == "points = 2").unwrap() + 1;
        // The last "points = 2" is 3.2's (2.x's are "points = 3").
        let line = bad
            .lines()
            .enumerate()
            .filter(|(_, l)| *l == "points = 2")
            .last()
            .map_or(line, |(n, _)| n + 1);
        assert_eq!(
            error_of(&bad),
            format!(
                "r.toml:{line}:1: indicator 3.2 is a bonus (rule bonus): it takes no points (its most is its cap)"
            )
        );
    }

    #[test]
    fn a_cap_below_zero_is_refused() {
        let (e, at) = refused("bonus_cap = 4", "bonus_cap = -1", "bonus_cap = -1");
        assert_eq!(
            e,
            format!(
                "{at} scoring.bonus_cap (the most all bonus items add together) must be a number, 0 or more"
            )
        );
    }

    #[test]
    fn grades_in_the_wrong_order_are_refused_at_the_band() {
        let (e, at) = refused("at_least = 12", "at_least = 17", "at_least = 17");
        assert_eq!(
            e,
            format!(
                "{at} grade 良好: at_least 17 must be below 优秀's 16 (grades are tried in order, the highest band first)"
            )
        );
        let (e, at) = refused("at_least = 16", "at_least = 21", "at_least = 21");
        assert_eq!(
            e,
            format!("{at} grade 优秀: at_least 21 is above the most a county can score (20)")
        );
        let (e, at) = refused(
            "name = \"一般\"",
            "name = \"一般\"\n\n[[grades]]\nname = \"较差\"\nat_least = 1",
            "name = \"较差\"",
        );
        assert_eq!(
            e,
            format!(
                "{at} grade 较差 comes after 一般, which takes every county left: that grade comes last"
            )
        );
        let (e, at) = refused(
            "name = \"优秀\"\nat_least = 16",
            "name = \"优秀\"\nat_least = 16\ntop = 2",
            "top = 2",
        );
        assert_eq!(
            e,
            format!("{at} grade 优秀: give at_least (a score) or top (the first places), not both")
        );
        let (e, at) = refused(
            "name = \"优秀\"\nat_least = 16",
            "name = \"先进单位\"\ntop = 0",
            "top = 0",
        );
        assert_eq!(
            e,
            format!("{at} grade 先进单位: top must be 1 or more (the first places)")
        );
    }

    #[test]
    fn the_top_places_named_read() {
        let text = FILE.replacen(
            "name = \"优秀\"\nat_least = 16",
            "name = \"先进单位\"\ntop = 2",
            1,
        );
        let c = parse_targets(&text, "r.toml").unwrap();
        assert_eq!(c.grades.0[0].top, Some(2));
        assert_eq!(c.grades.of(1.0, 2, false).as_deref(), Some("先进单位"));
    }
}
