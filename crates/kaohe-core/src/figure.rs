//! Reading figures as counties type them: "75%", "７５％", "13元", "1,200", "是".

use crate::model::Submission;

/// A submitted figure, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    Empty,
    /// A number, with the unit written after it if there was one.
    Number {
        value: f64,
        unit: Option<String>,
    },
    /// 是 / 已完成 …
    Yes,
    /// 否 / 未完成 …
    No,
    /// Words that are not a figure; kept as written, never guessed at.
    Text,
}

impl Figure {
    pub fn number(&self) -> Option<f64> {
        match self {
            Figure::Number { value, .. } => Some(*value),
            _ => None,
        }
    }
}

const YES: &[&str] = &[
    "是",
    "已完成",
    "完成",
    "有",
    "已建立",
    "已出台",
    "已建",
    "yes",
    "y",
];
const NO: &[&str] = &["否", "未完成", "无", "没有", "未建立", "未出台", "no", "n"];

/// Full-width digits, letters and signs (what a Chinese input method types) to ASCII.
pub fn normalize_width(s: &str) -> String {
    width_normal(s).into_owned()
}

/// [`normalize_width`], without a copy where there is nothing to change (most figures).
pub(crate) fn width_normal(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| match c {
                // The full-width forms stand 0xFEE0 above the ASCII ones.
                '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                    char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
                }
                '．' => '.',
                '，' => ',',
                '％' => '%',
                '－' | '−' => '-',
                '＋' => '+',
                '\u{3000}' => ' ',
                _ => c,
            })
            .collect(),
    )
}

/// Reads a figure as typed.
pub fn parse_figure(input: &str) -> Figure {
    let s = width_normal(input);
    let s = s.trim();
    if s.is_empty() {
        return Figure::Empty;
    }
    // A figure that begins as a number is no yes or no: told without lowering a copy.
    if !s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.') {
        let lower = s.to_lowercase();
        if YES.contains(&lower.as_str()) {
            return Figure::Yes;
        }
        if NO.contains(&lower.as_str()) {
            return Figure::No;
        }
    }
    let (number, rest) = split_number(s);
    let Some(value) = number else {
        return Figure::Text;
    };
    let rest = rest.trim();
    if rest.is_empty() {
        return Figure::Number { value, unit: None };
    }
    if crate::units::is_unit(rest) {
        return Figure::Number {
            value,
            unit: Some(crate::units::canonical(rest)),
        };
    }
    Figure::Text
}

/// Reads a plain amount (a numerator or denominator): digits, thousands separators, a decimal point.
pub fn parse_amount(input: &str) -> Option<f64> {
    let s = width_normal(input);
    let (number, rest) = split_number(s.trim());
    if rest.trim().is_empty() { number } else { None }
}

/// Whether `input` is a number, but beyond any figure a county reports.
pub fn too_large(input: &str) -> bool {
    let s: String = normalize_width(input)
        .trim()
        .chars()
        .filter(|&c| c != ',')
        .collect();
    s.parse::<f64>()
        .is_ok_and(|v| !v.is_finite() || v.abs() >= MAX_FIGURE)
}

/// Splits a leading decimal number (with optional sign and thousands commas) from what follows.
fn split_number(s: &str) -> (Option<f64>, &str) {
    let bytes = s.as_bytes();
    let mut end = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        end = 1;
    }
    let digits_start = end;
    let mut seen_point = false;
    let mut seen_digit = false;
    while end < bytes.len() {
        match bytes[end] {
            b'0'..=b'9' => seen_digit = true,
            b'.' if !seen_point => seen_point = true,
            // A thousands separator only between digits, followed by three digits.
            b',' if seen_digit
                && !seen_point
                && bytes.len() >= end + 4
                && bytes[end + 1..end + 4].iter().all(u8::is_ascii_digit) => {}
            _ => break,
        }
        end += 1;
    }
    if !seen_digit || end == digits_start {
        return (None, s);
    }
    // An exponent, as spreadsheets write large numbers: 1.23E+05.
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut e = end + 1;
        if matches!(bytes.get(e), Some(b'+' | b'-')) {
            e += 1;
        }
        let exp_digits = bytes[e..].iter().take_while(|b| b.is_ascii_digit()).count();
        if exp_digits > 0 {
            end = e + exp_digits;
        }
    }
    let cleaned: String = s[..end].chars().filter(|&c| c != ',').collect();
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() < MAX_FIGURE => (Some(v), &s[end..]),
        _ => (None, s),
    }
}

/// The number of a figure as written, without its unit: "15" of "１５‰", "1,200" of "1,200元".
pub fn number_text(input: &str) -> Option<String> {
    let s = normalize_width(input);
    let s = s.trim();
    let (number, rest) = split_number(s);
    number.map(|_| s[..s.len() - rest.len()].to_string())
}

/// A submitted figure as kaohe keeps it: the text stored as the figure, the number read from
/// it, and — when it was written in another unit than its indicator's and converted exactly —
/// the figure as the county wrote it, with its unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    pub value: String,
    /// `value`, read.
    pub figure: Figure,
    /// The number read from it, if it is one in the indicator's unit.
    pub number: Option<f64>,
    pub converted_from: Option<String>,
}

/// The figure `written` (a value cell's text), with the unit a 单位 column gives it
/// (`column_unit`, if the sheet has one), for an indicator in unit `wanted` (`None`: no
/// number asked). A number in another unit than the indicator's is converted where that is
/// exact ("15‰" is kept as "1.5%", from "15‰"); where it is not, it is kept as written with
/// its unit and no number is read from it ([`figure_flags`] says why). A unit the number
/// carries that its 单位 column contradicts is refused: `Err` says both.
pub fn keep_figure(
    written: &str,
    column_unit: Option<&str>,
    wanted: Option<&str>,
) -> Result<Kept, String> {
    let written = written.trim();
    let figure = parse_figure(written);
    let Figure::Number { value, unit: own } = &figure else {
        // Words, a yes or no, or nothing: a unit says nothing of them.
        return Ok(Kept {
            value: written.to_string(),
            figure,
            number: None,
            converted_from: None,
        });
    };
    let value = *value;
    let column_unit = column_unit
        .filter(|u| !crate::units::is_no_unit(u))
        .map(|u| crate::units::canonical(&normalize_width(u.trim())));
    // With its unit, as the county wrote it; the unit.
    let (with_unit, unit) = match (own, column_unit) {
        (Some(own), Some(column)) if !same_unit(own, &column) => {
            return Err(format!(
                "the figure \"{written}\" is in {own} but its unit column says {column}; correct one of them"
            ));
        }
        (Some(own), _) => (written.to_string(), own.clone()),
        (None, Some(column)) => (format!("{written}{column}"), column),
        (None, None) => {
            return Ok(Kept {
                value: written.to_string(),
                figure,
                number: Some(value),
                converted_from: None,
            });
        }
    };
    // What the text kept reads as (a unit kaohe does not know makes it words).
    let kept = |text: String, number, converted_from| Kept {
        figure: if crate::units::is_unit(&unit) {
            Figure::Number {
                value,
                unit: Some(unit.clone()),
            }
        } else {
            Figure::Text
        },
        value: text,
        number,
        converted_from,
    };
    let Some(wanted) = wanted else {
        // No number asked: kept with its unit, read as written.
        return Ok(kept(with_unit, Some(value), None));
    };
    if same_unit(&unit, wanted) {
        // The indicator's own unit: as written.
        return Ok(Kept {
            value: written.to_string(),
            figure,
            number: Some(value),
            converted_from: None,
        });
    }
    let number = number_text(written).unwrap_or_default();
    Ok(match crate::units::convert(&number, &unit, wanted) {
        crate::units::Conversion::Exact { value, text } => Kept {
            value: format!("{text}{wanted}"),
            figure: Figure::Number {
                value,
                unit: Some(wanted.to_string()),
            },
            number: Some(value),
            converted_from: Some(with_unit),
        },
        // Kept with the unit it was written in, never read as the indicator's.
        _ => kept(with_unit, None, None),
    })
}

/// Why a submitted figure deserves a reviewer's second look. Flags are warnings: the figure is
/// imported as written either way.
#[derive(Debug, Clone, PartialEq)]
pub enum FigureFlag {
    /// Words where a number was asked for: kept as written, no number read from it.
    Unreadable,
    /// Written in another unit than the indicator's and converted exactly: `from` is the
    /// figure as written (15‰), the figure kept is in the indicator's unit (1.5%).
    UnitConverted { from: String },
    /// A number in another unit than the indicator's (`wanted`) that cannot be converted
    /// exactly (万元 for %, 1亩 for 平方米): kept as written, no number read from it.
    UnitNotConverted { unit: String, wanted: String },
    /// The figure and numerator ÷ denominator (×100 for a percentage) disagree by more than the
    /// figure's own rounding.
    PartsDisagree { computed: f64 },
    /// A bare number no larger than 1 from a spreadsheet's number cell, for a percentage: Excel
    /// stores 75% as 0.75, and the cell's percent format cannot be read, so it may mean 75%.
    BareFraction { value: f64 },
}

impl FigureFlag {
    /// Why, in Chinese, for the figure as written.
    pub fn zh(&self, figure: &str) -> String {
        match self {
            FigureFlag::Unreadable => "报送值无法识别，按原文保留".to_string(),
            FigureFlag::UnitConverted { from } => {
                format!("报送值原为 {from}，已换算为 {}", figure.trim())
            }
            FigureFlag::UnitNotConverted { unit, wanted } => match about_in(figure, unit, wanted) {
                Some(about) => format!(
                    "报送值 {} 约合 {about}{wanted}，不能精确换算，按原文保留；请按{wanted}填报",
                    figure.trim()
                ),
                None => {
                    format!("报送值的单位“{unit}”与指标的单位“{wanted}”不同，无法换算，按原文保留")
                }
            },
            FigureFlag::PartsDisagree { computed } => format!(
                "报送值 {} 与分子/分母算得 {} 不一致",
                figure.trim(),
                shown_like(figure, *computed)
            ),
            FigureFlag::BareFraction { value } => format!(
                "报送值 {} 是表格中的小数，若指 {}% 请改写为百分数",
                crate::model::format_number(*value),
                crate::model::format_number(round_to(*value * 100.0, 1e6))
            ),
        }
    }

    /// Why, in English, for the figure as written.
    pub fn en(&self, figure: &str) -> String {
        match self {
            FigureFlag::Unreadable => "the figure cannot be read; kept as written".to_string(),
            FigureFlag::UnitConverted { from } => {
                format!("written {from}, converted to {}", figure.trim())
            }
            FigureFlag::UnitNotConverted { unit, wanted } => match about_in(figure, unit, wanted) {
                Some(about) => format!(
                    "the figure {} is about {about}{wanted}, not exactly: kept as written (give it in {wanted})",
                    figure.trim()
                ),
                None => format!(
                    "the figure is in {unit} and the indicator in {wanted}: not converted, kept as written"
                ),
            },
            FigureFlag::PartsDisagree { computed } => format!(
                "the figure {} disagrees with numerator/denominator, which give {}",
                figure.trim(),
                shown_like(figure, *computed)
            ),
            FigureFlag::BareFraction { value } => format!(
                "the figure {} is a bare fraction from a spreadsheet cell; if it means {}%, write that",
                crate::model::format_number(*value),
                crate::model::format_number(round_to(*value * 100.0, 1e6))
            ),
        }
    }
}

/// Roughly what `figure` (in `unit`) is in `wanted`, where the units measure one thing but
/// the conversion does not end.
fn about_in(figure: &str, unit: &str, wanted: &str) -> Option<String> {
    match crate::units::convert(&number_text(figure)?, unit, wanted) {
        crate::units::Conversion::Inexact { about } => Some(crate::units::about(about)),
        _ => None,
    }
}

/// What looks wrong with one submission, for an indicator whose unit is `unit` (`Some("%")`
/// for a percentage; `None` for an indicator without a number, whose answer may be words).
pub fn figure_flags(unit: Option<&str>, submission: &Submission) -> Vec<FigureFlag> {
    flags_of(unit, submission, &parse_figure(&submission.value))
}

/// [`figure_flags`], the submission's figure read already (`figure`).
pub(crate) fn flags_of(
    unit: Option<&str>,
    submission: &Submission,
    figure: &Figure,
) -> Vec<FigureFlag> {
    let mut flags = Vec::new();
    if let Some(from) = &submission.converted_from {
        flags.push(FigureFlag::UnitConverted { from: from.clone() });
    }
    if let Some(wanted) = unit.filter(|_| !readable_for(unit, figure)) {
        flags.push(match figure {
            Figure::Number {
                unit: Some(written),
                ..
            } => FigureFlag::UnitNotConverted {
                unit: written.clone(),
                wanted: wanted.to_string(),
            },
            _ => FigureFlag::Unreadable,
        });
    }
    if let (true, Some(value)) = (submission.bare_fraction, figure.number()) {
        flags.push(FigureFlag::BareFraction { value });
    }
    if let (
        Figure::Number {
            value,
            unit: written,
        },
        Some(n),
        Some(d),
    ) = (figure, submission.numerator, submission.denominator)
    {
        let percent = match written {
            Some(u) => u == "%",
            None => unit == Some("%"),
        };
        let computed = if percent { n / d * 100.0 } else { n / d };
        if d != 0.0 && computed.is_finite() {
            let slack = half_last_digit(&submission.value) + 1e-9 * computed.abs().max(1.0);
            if (value - computed).abs() > slack {
                flags.push(FigureFlag::PartsDisagree { computed });
            }
        }
    }
    flags
}

/// Whether a figure can be taken as the number an indicator in `unit` asks for: empty, a yes or
/// no, or a number written bare or in the indicator's own unit.
pub fn readable_for(unit: Option<&str>, figure: &Figure) -> bool {
    match figure {
        Figure::Text => false,
        Figure::Number {
            unit: Some(written),
            ..
        } => unit.is_none_or(|u| same_unit(u, written)),
        _ => true,
    }
}

fn same_unit(a: &str, b: &str) -> bool {
    crate::units::same_unit(a, b)
}

/// Half a unit of the last digit written: 0.05 for "68.6%", 0.5 for "70%", 500 for "1.2E+03".
fn half_last_digit(written: &str) -> f64 {
    let s = normalize_width(written);
    let s = s.trim().trim_start_matches(['+', '-']);
    let mantissa_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(s.len());
    let decimals = s[..mantissa_end]
        .split_once('.')
        .map_or(0, |(_, d)| d.chars().filter(char::is_ascii_digit).count())
        as i32;
    let rest = &s[mantissa_end..];
    let exponent = rest
        .strip_prefix(['e', 'E'])
        .map(|e| {
            let digits = e.trim_start_matches(['+', '-']);
            let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
            let n: i32 = digits.parse().unwrap_or(0).min(400);
            if e.starts_with('-') { -n } else { n }
        })
        .unwrap_or(0);
    0.5 * 10f64.powi(exponent - decimals)
}

/// `x` written with one digit more than `figure` has, and in its unit: 68.6% beside "70%".
fn shown_like(figure: &str, x: f64) -> String {
    let half = half_last_digit(figure);
    let decimals = (-(half * 2.0).log10()).round().max(0.0) as i32 + 1;
    let unit = match parse_figure(figure) {
        Figure::Number { unit: Some(u), .. } => u,
        _ => String::new(),
    };
    format!(
        "{}{unit}",
        crate::model::format_number(round_to(x, 10f64.powi(decimals.min(12))))
    )
}

fn round_to(x: f64, scale: f64) -> f64 {
    (x * scale).round() / scale
}

/// Larger than any count, area or sum of money a county reports: beyond it a "number" is a typo.
pub const MAX_FIGURE: f64 = 1e15;

#[cfg(test)]
mod tests {
    use super::*;

    fn num(v: f64, unit: Option<&str>) -> Figure {
        Figure::Number {
            value: v,
            unit: unit.map(str::to_string),
        }
    }

    #[test]
    fn figures_as_people_type_them() {
        assert_eq!(parse_figure("75%"), num(75.0, Some("%")));
        assert_eq!(parse_figure("７５％"), num(75.0, Some("%")));
        assert_eq!(parse_figure(" 75 "), num(75.0, None));
        assert_eq!(parse_figure("13.62元"), num(13.62, Some("元")));
        assert_eq!(parse_figure("300平方米"), num(300.0, Some("平方米")));
        assert_eq!(parse_figure("1,200"), num(1200.0, None));
        assert_eq!(parse_figure("-6.5%"), num(-6.5, Some("%")));
        assert_eq!(parse_figure("是"), Figure::Yes);
        assert_eq!(parse_figure("已完成"), Figure::Yes);
        assert_eq!(parse_figure("未完成"), Figure::No);
        assert_eq!(parse_figure(""), Figure::Empty);
        assert_eq!(parse_figure("约七成"), Figure::Text);
        assert_eq!(parse_figure("75%左右"), Figure::Text);
        assert_eq!(parse_figure("1.2.3"), Figure::Text);
        assert_eq!(parse_figure("."), Figure::Text);
    }

    #[test]
    fn amounts_are_plain_numbers() {
        assert_eq!(parse_amount("1,234"), Some(1234.0));
        assert_eq!(parse_amount("１２"), Some(12.0));
        assert_eq!(parse_amount("12个"), None);
        assert_eq!(parse_amount("1.23E+05"), Some(123_000.0));
        assert_eq!(parse_amount("1e3"), Some(1000.0));
        assert_eq!(parse_amount("1e300"), None);
        assert_eq!(parse_amount("inf"), None);
        assert_eq!(parse_amount("NaN"), None);
        assert_eq!(parse_amount(""), None);
    }

    fn submission(value: &str, parts: Option<(f64, f64)>) -> Submission {
        Submission {
            value: value.to_string(),
            value_number: None,
            numerator: parts.map(|p| p.0),
            denominator: parts.map(|p| p.1),
            evidence: String::new(),
            remark: String::new(),
            bare_fraction: false,
            converted_from: None,
            self_verdict: None,
            self_score: None,
        }
    }

    #[test]
    fn words_or_another_unit_are_unreadable_for_a_number() {
        let pct = Some("%");
        assert_eq!(
            figure_flags(pct, &submission("约七成", None)),
            vec![FigureFlag::Unreadable]
        );
        assert_eq!(
            figure_flags(Some("元"), &submission("13万元", None)),
            vec![FigureFlag::UnitNotConverted {
                unit: "万元".into(),
                wanted: "元".into()
            }]
        );
        assert_eq!(figure_flags(pct, &submission("75%", None)), vec![]);
        assert_eq!(figure_flags(pct, &submission("75", None)), vec![]);
        assert_eq!(figure_flags(pct, &submission("", None)), vec![]);
        assert_eq!(
            figure_flags(Some("平方米"), &submission("300㎡", None)),
            vec![]
        );
        // An indicator without a number may be answered in words.
        assert_eq!(figure_flags(None, &submission("已建立制度", None)), vec![]);
    }

    #[test]
    fn parts_agree_within_the_figures_rounding() {
        let pct = Some("%");
        assert_eq!(
            figure_flags(pct, &submission("68.6%", Some((24.0, 35.0)))),
            vec![]
        );
        assert_eq!(
            figure_flags(pct, &submission("68.57%", Some((24.0, 35.0)))),
            vec![]
        );
        assert_eq!(
            figure_flags(pct, &submission("69%", Some((24.0, 35.0)))),
            vec![]
        );
        let flags = figure_flags(pct, &submission("70%", Some((24.0, 35.0))));
        let [FigureFlag::PartsDisagree { computed }] = flags.as_slice() else {
            panic!("{flags:?}")
        };
        assert!((computed - 68.571).abs() < 0.001);
        assert_eq!(
            flags[0].zh("70%"),
            "报送值 70% 与分子/分母算得 68.6% 不一致"
        );
        assert!(flags[0].en("70%").contains("give 68.6%"));
        // Not a percentage: the plain quotient, to the figure's precision.
        assert_eq!(
            figure_flags(Some("元"), &submission("1.5", Some((3.0, 2.0)))),
            vec![]
        );
        assert_eq!(
            figure_flags(Some("元"), &submission("1.2E+03", Some((1240.0, 1.0)))),
            vec![]
        );
        assert_eq!(
            figure_flags(Some("元"), &submission("1.2E+03", Some((1900.0, 1.0)))).len(),
            1
        );
        // Only parts, or only a figure: nothing to compare.
        assert_eq!(
            figure_flags(pct, &submission("", Some((24.0, 35.0)))),
            vec![]
        );
    }

    #[test]
    fn a_figure_is_kept_in_its_indicators_unit_where_that_is_exact() {
        let kept = |w: &str, column: Option<&str>, wanted: Option<&str>| {
            let k = keep_figure(w, column, wanted).unwrap();
            (k.value, k.number, k.converted_from)
        };
        assert_eq!(
            kept("15‰", None, Some("%")),
            ("1.5%".into(), Some(1.5), Some("15‰".into()))
        );
        assert_eq!(
            kept("15", Some("‰"), Some("%")),
            ("1.5%".into(), Some(1.5), Some("15‰".into()))
        );
        // A ‰ indicator given a percentage.
        assert_eq!(
            kept("1.5%", None, Some("‰")),
            ("15‰".into(), Some(15.0), Some("1.5%".into()))
        );
        // The indicator's own unit, or none given, or a dash for none: as written.
        assert_eq!(
            kept("75", Some("%"), Some("%")),
            ("75".into(), Some(75.0), None)
        );
        assert_eq!(
            kept("75", Some("—"), Some("%")),
            ("75".into(), Some(75.0), None)
        );
        assert_eq!(
            kept(" 75% ", None, Some("%")),
            ("75%".into(), Some(75.0), None)
        );
        // Not exact, or not the same thing, or a unit kaohe does not know: kept with its unit,
        // no number.
        assert_eq!(
            kept("1", Some("亩"), Some("平方米")),
            ("1亩".into(), None, None)
        );
        assert_eq!(
            kept("3", Some("个"), Some("家")),
            ("3个".into(), None, None)
        );
        assert_eq!(kept("3", Some("吨"), Some("%")), ("3吨".into(), None, None));
        // Words and yes or no are no number: a unit says nothing of them.
        assert_eq!(kept("是", Some("%"), Some("%")), ("是".into(), None, None));
        // No number asked: the unit kept beside it.
        assert_eq!(
            kept("12", Some("个"), None),
            ("12个".into(), Some(12.0), None)
        );
        // A unit the figure carries that the unit column contradicts.
        assert_eq!(
            keep_figure("15‰", Some("%"), Some("%")).unwrap_err(),
            "the figure \"15‰\" is in ‰ but its unit column says %; correct one of them"
        );
    }

    #[test]
    fn a_converted_figure_says_what_it_was_written_as() {
        let mut s = submission("1.5%", None);
        s.converted_from = Some("15‰".into());
        let flags = figure_flags(Some("%"), &s);
        assert_eq!(
            flags,
            vec![FigureFlag::UnitConverted {
                from: "15‰".into()
            }]
        );
        assert_eq!(flags[0].zh("1.5%"), "报送值原为 15‰，已换算为 1.5%");
        assert_eq!(flags[0].en("1.5%"), "written 15‰, converted to 1.5%");
        let not = figure_flags(Some("平方米"), &submission("1亩", None));
        assert_eq!(
            not[0].en("1亩"),
            "the figure 1亩 is about 666.67平方米, not exactly: kept as written (give it in 平方米)"
        );
        let other = figure_flags(Some("%"), &submission("3万元", None));
        assert_eq!(
            other[0].zh("3万元"),
            "报送值的单位“万元”与指标的单位“%”不同，无法换算，按原文保留"
        );
    }

    #[test]
    fn a_bare_fraction_says_what_it_may_mean() {
        let flag = FigureFlag::BareFraction { value: 0.75 };
        assert_eq!(
            flag.zh("0.75"),
            "报送值 0.75 是表格中的小数，若指 75% 请改写为百分数"
        );
        assert!(flag.en("0.75").contains("75%"));
        assert_eq!(FigureFlag::Unreadable.zh("x"), "报送值无法识别，按原文保留");
    }
}
