//! Reading figures as counties type them: "75%", "７５％", "13元", "1,200", "是".

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

/// Units a figure may carry after its number.
const UNITS: &[&str] = &[
    "%",
    "‰",
    "元",
    "万元",
    "亿元",
    "平方米",
    "㎡",
    "m2",
    "m²",
    "家",
    "个",
    "人",
    "人次",
    "次",
    "张",
    "户",
    "所",
    "处",
    "场",
    "件",
    "名",
];

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

/// Full-width digits and signs (what a Chinese input method types) to ASCII.
pub fn normalize_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '，' => ',',
            '％' => '%',
            '－' | '−' => '-',
            '＋' => '+',
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Reads a figure as typed.
pub fn parse_figure(input: &str) -> Figure {
    let s = normalize_width(input);
    let s = s.trim();
    if s.is_empty() {
        return Figure::Empty;
    }
    let lower = s.to_lowercase();
    if YES.contains(&lower.as_str()) {
        return Figure::Yes;
    }
    if NO.contains(&lower.as_str()) {
        return Figure::No;
    }
    let (number, rest) = split_number(s);
    let Some(value) = number else {
        return Figure::Text;
    };
    let rest = rest.trim();
    if rest.is_empty() {
        return Figure::Number { value, unit: None };
    }
    if UNITS.contains(&rest) {
        return Figure::Number {
            value,
            unit: Some(rest.to_string()),
        };
    }
    Figure::Text
}

/// Reads a plain amount (a numerator or denominator): digits, thousands separators, a decimal point.
pub fn parse_amount(input: &str) -> Option<f64> {
    let s = normalize_width(input);
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
}
