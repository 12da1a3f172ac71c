//! Units of measure a figure is written in (the number's own suffix, or a sheet's 单位 column),
//! and the conversions between them that are exact: ‰ → %, 公顷 → 平方米, 万元 → 元. A
//! conversion is done in decimal, never in binary floating point, and only where the figure
//! in the wanted unit is a decimal that ends (15亩 is 10000平方米; 1亩 is 666.66…平方米, and
//! is not converted).

use crate::model::format_number;

/// What a unit measures: units convert only within one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Ratio,
    Money,
    Area,
    People,
    Visits,
    /// A counter of its own (家, 个, 户 …): a 家 is no 个.
    Count(&'static str),
}

/// One unit: its names (the first is how kaohe writes it) and how many of its dimension's
/// base it is, as a fraction `num / den`.
struct Unit {
    names: &'static [&'static str],
    dimension: Dimension,
    num: u64,
    den: u64,
}

const fn unit(names: &'static [&'static str], dimension: Dimension, num: u64, den: u64) -> Unit {
    Unit {
        names,
        dimension,
        num,
        den,
    }
}

/// Every unit kaohe reads. 亩 is 1/15 公顷 exactly (the 1990 unification of 市制 units);
/// whether a figure in 亩 converts depends on the figure (see the module's comment).
const UNITS: &[Unit] = &[
    unit(&["%", "百分比", "百分率"], Dimension::Ratio, 1, 100),
    unit(&["‰", "千分比", "千分率"], Dimension::Ratio, 1, 1000),
    unit(&["元", "人民币元"], Dimension::Money, 1, 1),
    unit(&["千元"], Dimension::Money, 1000, 1),
    unit(&["万元"], Dimension::Money, 10_000, 1),
    unit(&["百万元"], Dimension::Money, 1_000_000, 1),
    unit(&["亿元"], Dimension::Money, 100_000_000, 1),
    unit(&["平方米", "㎡", "m2", "m²", "平米"], Dimension::Area, 1, 1),
    unit(&["公顷", "hm2", "hm²", "ha"], Dimension::Area, 10_000, 1),
    unit(
        &["平方公里", "平方千米", "km2", "km²"],
        Dimension::Area,
        1_000_000,
        1,
    ),
    unit(&["亩"], Dimension::Area, 10_000, 15),
    unit(&["人"], Dimension::People, 1, 1),
    unit(&["万人"], Dimension::People, 10_000, 1),
    unit(&["人次"], Dimension::Visits, 1, 1),
    unit(&["万人次"], Dimension::Visits, 10_000, 1),
    unit(&["家"], Dimension::Count("家"), 1, 1),
    unit(&["个"], Dimension::Count("个"), 1, 1),
    unit(&["次"], Dimension::Count("次"), 1, 1),
    unit(&["张"], Dimension::Count("张"), 1, 1),
    unit(&["户"], Dimension::Count("户"), 1, 1),
    unit(&["所"], Dimension::Count("所"), 1, 1),
    unit(&["处"], Dimension::Count("处"), 1, 1),
    unit(&["场"], Dimension::Count("场"), 1, 1),
    unit(&["件"], Dimension::Count("件"), 1, 1),
    unit(&["名"], Dimension::Count("名"), 1, 1),
    unit(&["床"], Dimension::Count("床"), 1, 1),
];

/// What a sheet's 单位 column holds where an item has no unit: a dash, a slash, 无.
const NO_UNIT: &[&str] = &["-", "—", "–", "/", "\\", "无", "——", "--"];

fn find(name: &str) -> Option<&'static Unit> {
    let name = crate::figure::width_normal(name.trim());
    let name = name.as_ref();
    UNITS.iter().find(|u| {
        u.names
            .iter()
            .any(|n| *n == name || (n.is_ascii() && n.eq_ignore_ascii_case(name)))
    })
}

/// Whether `name` is a unit kaohe knows (after a number: "15‰", "3公顷").
pub fn is_unit(name: &str) -> bool {
    find(name).is_some()
}

/// A unit as kaohe writes it (㎡ is 平方米), or the text as given when it is none it knows.
pub fn canonical(name: &str) -> String {
    find(name).map_or_else(|| name.trim().to_string(), |u| u.names[0].to_string())
}

/// Whether a 单位 cell says there is no unit: empty, a dash, a slash, 无.
pub fn is_no_unit(cell: &str) -> bool {
    let t = cell.trim();
    t.is_empty() || NO_UNIT.contains(&t)
}

/// Whether two names are one unit (㎡ and 平方米).
pub fn same_unit(a: &str, b: &str) -> bool {
    a.trim() == b.trim() || matches!((find(a), find(b)), (Some(x), Some(y)) if std::ptr::eq(x, y))
}

/// A figure written in one unit, in another.
#[derive(Debug, Clone, PartialEq)]
pub enum Conversion {
    /// Exactly this number, written as `text` (no unit).
    Exact { value: f64, text: String },
    /// The units measure the same thing, but the figure in the wanted one is a decimal that
    /// does not end (1亩 is 666.66…平方米): roughly this.
    Inexact { about: f64 },
    /// The units measure different things (万元 and %), or one is unknown.
    Impossible,
}

/// The number `number` (as written: digits, a point, thousands commas, an exponent; full-width
/// already made ASCII) in unit `from`, converted to unit `to`.
pub fn convert(number: &str, from: &str, to: &str) -> Conversion {
    let (Some(f), Some(t)) = (find(from), find(to)) else {
        return Conversion::Impossible;
    };
    if f.dimension != t.dimension {
        return Conversion::Impossible;
    }
    let Some((mantissa, exponent)) = decimal(number) else {
        return Conversion::Impossible;
    };
    // x · (f.num / f.den) / (t.num / t.den)
    let num = u128::from(f.num) * u128::from(t.den);
    let den = u128::from(f.den) * u128::from(t.num);
    let g = gcd(num, den);
    let (num, den) = (num / g, den / g);
    let about = || {
        let x = mantissa as f64 * 10f64.powi(exponent) * num as f64 / den as f64;
        Conversion::Inexact { about: x }
    };
    let Some(scaled) = mantissa.checked_mul(i128::try_from(num).unwrap_or(i128::MAX)) else {
        return Conversion::Impossible;
    };
    let den = i128::try_from(den).unwrap_or(i128::MAX);
    // The fewest more decimals that make the quotient whole; a dozen at most.
    let mut extra = 0;
    let mut top = scaled;
    loop {
        if top % den == 0 {
            break;
        }
        if extra == 12 {
            return about();
        }
        let Some(next) = top.checked_mul(10) else {
            return about();
        };
        top = next;
        extra += 1;
    }
    let text = decimal_text(top / den, exponent - extra);
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value.abs() < crate::figure::MAX_FIGURE => {
            Conversion::Exact { value, text }
        }
        _ => Conversion::Impossible,
    }
}

/// "1,234.50" as 123450 × 10⁻²; "1.2E+03" as 12 × 10²; `None` for anything else or a number
/// of more than 30 digits.
fn decimal(number: &str) -> Option<(i128, i32)> {
    let s: String = number.trim().chars().filter(|&c| c != ',').collect();
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(at) => (&s[..at], s[at + 1..].parse::<i32>().ok()?),
        None => (s.as_str(), 0),
    };
    if !(-40..=40).contains(&exponent) {
        return None;
    }
    let (negative, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all = format!("{whole}{fraction}");
    if all.is_empty() || all.len() > 30 || !all.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i128 = all.parse().ok()?;
    let scale = i32::try_from(fraction.len()).ok()?;
    Some((if negative { -value } else { value }, exponent - scale))
}

/// `mantissa` × 10^`exponent` written out plainly, without trailing zeros: 15, 1.5, 0.015.
fn decimal_text(mantissa: i128, exponent: i32) -> String {
    let negative = mantissa < 0;
    let digits = mantissa.unsigned_abs().to_string();
    let mut text = if exponent >= 0 {
        let zeros = "0".repeat(usize::try_from(exponent).unwrap_or(0));
        format!("{digits}{zeros}")
    } else {
        let shift = usize::try_from(-exponent).unwrap_or(0);
        let padded = if digits.len() <= shift {
            format!("{}{digits}", "0".repeat(shift - digits.len() + 1))
        } else {
            digits
        };
        let (whole, fraction) = padded.split_at(padded.len() - shift);
        let fraction = fraction.trim_end_matches('0');
        if fraction.is_empty() {
            whole.to_string()
        } else {
            format!("{whole}.{fraction}")
        }
    };
    if negative && text.bytes().any(|b| b != b'0' && b != b'.') {
        text.insert(0, '-');
    }
    text
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// Roughly `x`, as a message shows it: to two decimals.
pub fn about(x: f64) -> String {
    format_number((x * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(number: &str, from: &str, to: &str) -> String {
        match convert(number, from, to) {
            Conversion::Exact { text, .. } => text,
            other => panic!("{number}{from} → {to}: {other:?}"),
        }
    }

    #[test]
    fn exact_conversions_are_made_in_decimal() {
        assert_eq!(exact("15", "‰", "%"), "1.5");
        assert_eq!(exact("0.3", "‰", "%"), "0.03");
        assert_eq!(exact("1.5", "%", "‰"), "15");
        assert_eq!(exact("2.5", "公顷", "平方米"), "25000");
        assert_eq!(exact("1,234.5", "万元", "元"), "12345000");
        assert_eq!(exact("75", "千元", "元"), "75000");
        assert_eq!(exact("3", "亿元", "万元"), "30000");
        assert_eq!(exact("15", "亩", "平方米"), "10000");
        assert_eq!(exact("1.5", "亩", "平方米"), "1000");
        assert_eq!(exact("1.2E+03", "万元", "元"), "12000000");
        assert_eq!(exact("-6", "‰", "%"), "-0.6");
        assert_eq!(exact("0", "‰", "%"), "0");
        assert_eq!(exact("12000", "元", "万元"), "1.2");
        assert_eq!(exact("3", "km2", "平方米"), "3000000");
    }

    #[test]
    fn what_does_not_end_or_does_not_match_is_not_converted() {
        let Conversion::Inexact { about: x } = convert("1", "亩", "平方米") else {
            panic!()
        };
        assert_eq!(about(x), "666.67");
        assert_eq!(convert("15", "万元", "%"), Conversion::Impossible);
        assert_eq!(convert("15", "家", "个"), Conversion::Impossible);
        assert_eq!(convert("15", "吨", "%"), Conversion::Impossible);
        assert_eq!(convert("abc", "‰", "%"), Conversion::Impossible);
        assert_eq!(convert("1e300", "‰", "%"), Conversion::Impossible);
    }

    #[test]
    fn units_have_their_other_names() {
        assert!(same_unit("㎡", "平方米"));
        assert!(same_unit("M2", "平方米"));
        assert!(!same_unit("家", "个"));
        assert_eq!(canonical("百分比"), "%");
        assert_eq!(canonical("吨"), "吨");
        assert!(is_no_unit(" — ") && is_no_unit("") && !is_no_unit("%"));
    }
}
