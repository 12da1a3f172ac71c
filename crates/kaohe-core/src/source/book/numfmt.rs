//! A cell's number format, told from its code as Excel, WPS and LibreOffice write it. kaohe
//! needs to know only how the county saw the number: as a percentage (Excel keeps 102% as
//! 1.02), as a date (a serial number of days), or as the number itself, with a unit the
//! format writes after it (`0"人"`, `0.0‰`).

use std::rc::Rc;

/// What a cell's number format makes of its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberFormat {
    /// The file does not say (a workbook without styles, a style it does not have): a bare
    /// fraction on a percentage indicator is then only guessed at.
    Unknown,
    /// The number as it is (General, 0.00, #,##0, text), with the unit the format writes
    /// after it, if any.
    Plain(Option<Rc<str>>),
    /// Shown ×100 with a `%`.
    Percent,
    /// A date or a time of day: the number counts days.
    Date,
}

impl NumberFormat {
    /// The format of built-in number format `id`, which a file names without giving its code
    /// (Excel's table, with the ids Chinese Excel and WPS give their dates: 27–36, 50–58).
    pub fn builtin(id: u32) -> NumberFormat {
        match id {
            9 | 10 => NumberFormat::Percent,
            14..=22 | 27..=36 | 45..=47 | 50..=58 => NumberFormat::Date,
            _ => NumberFormat::Plain(None),
        }
    }

    /// The format of a format code (`0.0%`, `yyyy"年"m"月"d"日"`, `#,##0"元"`): only the first
    /// of its sections (the one for positive numbers) is looked at.
    pub fn of_code(code: &str) -> NumberFormat {
        let mut chars = code.chars().peekable();
        let mut percent = false;
        let mut date = false;
        // Literal text after the last digit placeholder: a unit the number is shown with.
        let mut suffix = String::new();
        let mut seen_digit = false;
        while let Some(c) = chars.next() {
            match c {
                ';' => break,
                '"' => {
                    let mut quoted = String::new();
                    for q in chars.by_ref() {
                        if q == '"' {
                            break;
                        }
                        quoted.push(q);
                    }
                    if seen_digit {
                        suffix.push_str(&quoted);
                    }
                }
                '\\' => {
                    if let Some(escaped) = chars.next() {
                        if seen_digit {
                            suffix.push(escaped);
                        }
                    }
                }
                // Spacing as wide as the next character, and a fill with it: neither is text.
                '_' | '*' => {
                    chars.next();
                }
                '[' => {
                    let mut inside = String::new();
                    for b in chars.by_ref() {
                        if b == ']' {
                            break;
                        }
                        inside.push(b);
                    }
                    // [h], [mm], [ss]: elapsed time. [Red], [>=100], [$-804], [DBNum1]: not.
                    let lower = inside.to_ascii_lowercase();
                    if !lower.is_empty() && lower.chars().all(|x| matches!(x, 'h' | 'm' | 's')) {
                        date = true;
                    }
                }
                '%' => percent = true,
                '0' | '#' | '?' => {
                    seen_digit = true;
                    suffix.clear();
                }
                'g' | 'G' if starts_general(c, &mut chars) => {
                    seen_digit = true;
                    suffix.clear();
                }
                // An exponent (0.00E+00) is no date.
                'e' | 'E' if matches!(chars.peek(), Some('+' | '-')) => {}
                'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' | 'e' => date = true,
                // AM/PM and A/P: a time of day.
                'a' | 'A' if matches!(chars.peek(), Some('m' | 'M' | '/')) => date = true,
                '@' => {}
                // Letters of any script written outside quotes are shown as they are: 元, 人, ‰.
                c if !c.is_ascii() && seen_digit => suffix.push(c),
                _ => {}
            }
        }
        if date {
            return NumberFormat::Date;
        }
        if percent {
            return NumberFormat::Percent;
        }
        let suffix = suffix.trim();
        NumberFormat::Plain((!suffix.is_empty()).then(|| Rc::from(suffix)))
    }
}

/// Whether `first` and what follows spell "General" (any case), which is then passed over.
fn starts_general(first: char, chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> bool {
    let rest: String = chars.clone().take(6).collect();
    if first.eq_ignore_ascii_case(&'g') && rest.eq_ignore_ascii_case("eneral") {
        for _ in 0..6 {
            chars.next();
        }
        return true;
    }
    false
}

/// An Excel date serial number (days since 1899-12-30, or 1904-01-01 in a workbook kept in
/// the 1904 system) as the date it is: `2014-05-01`, `2014-05-01 09:30:00`, or `09:30:00` for
/// a time of day. `None` for a number no date can be (negative, or past the year 9999).
pub fn date_text(serial: f64, in_1904: bool) -> Option<String> {
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Whole seconds, rounded as Excel shows them.
    let seconds = (serial * 86_400.0).round() as i64;
    let (mut days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let time = format!(
        "{:02}:{:02}:{:02}",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    );
    if days == 0 && !in_1904 {
        return Some(time);
    }
    if in_1904 {
        // 1904-01-01 is 1,462 days after 1899-12-30.
        days += 1462;
    } else if days < 60 {
        // Lotus's 1900-02-29, which never was, is day 60: the days before it are one off.
        days += 1;
    }
    // Days since 1899-12-30 → a civil date.
    let (y, m, d) = civil_from_days(days - 25_569);
    let date = format!("{y:04}-{m:02}-{d:02}");
    Some(if second_of_day == 0 {
        date
    } else {
        format!("{date} {time}")
    })
}

/// Days since 1970-01-01 → (year, month, day), in the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(suffix: &str) -> NumberFormat {
        NumberFormat::Plain(Some(Rc::from(suffix)))
    }

    #[test]
    fn codes_are_told_apart_as_excel_shows_them() {
        let none = NumberFormat::Plain(None);
        for (code, expected) in [
            ("General", none.clone()),
            ("0.00", none.clone()),
            ("#,##0.00_);[Red](#,##0.00)", none.clone()),
            ("@", none.clone()),
            ("0.00E+00", none.clone()),
            ("[$¥-804]#,##0.00", none.clone()),
            ("\"¥\"#,##0", none.clone()),
            ("0_ ", none.clone()),
            ("[>=100][Magenta]0.00", none.clone()),
            ("0%", NumberFormat::Percent),
            ("0.00%", NumberFormat::Percent),
            ("0.0%;[Red]-0.0%", NumberFormat::Percent),
            ("yyyy-mm-dd", NumberFormat::Date),
            ("yyyy\"年\"m\"月\"d\"日\"", NumberFormat::Date),
            ("[$-F800]dddd, mmmm dd, yyyy", NumberFormat::Date),
            ("h:mm AM/PM", NumberFormat::Date),
            ("[h]:mm:ss", NumberFormat::Date),
            ("上午/下午h\"时\"mm\"分\"", NumberFormat::Date),
            ("0\"人\"", plain("人")),
            ("#,##0.00 \"万元\"", plain("万元")),
            ("0.0‰", plain("‰")),
            ("0\\元", plain("元")),
            ("General\"户\"", plain("户")),
            ("\"共\"0\"家\"", plain("家")),
            // A section for negatives is not the county's figure's.
            ("0;\"人\"", none.clone()),
        ] {
            assert_eq!(NumberFormat::of_code(code), expected, "{code}");
        }
        assert_eq!(NumberFormat::builtin(9), NumberFormat::Percent);
        assert_eq!(NumberFormat::builtin(14), NumberFormat::Date);
        assert_eq!(NumberFormat::builtin(31), NumberFormat::Date);
        assert_eq!(NumberFormat::builtin(57), NumberFormat::Date);
        assert_eq!(NumberFormat::builtin(0), none);
        assert_eq!(NumberFormat::builtin(49), NumberFormat::Plain(None));
    }

    #[test]
    fn serial_numbers_are_the_dates_excel_shows() {
        assert_eq!(date_text(41760.0, false).as_deref(), Some("2014-05-01"));
        assert_eq!(
            date_text(41760.5, false).as_deref(),
            Some("2014-05-01 12:00:00")
        );
        assert_eq!(date_text(1.0, false).as_deref(), Some("1900-01-01"));
        assert_eq!(date_text(59.0, false).as_deref(), Some("1900-02-28"));
        assert_eq!(date_text(61.0, false).as_deref(), Some("1900-03-01"));
        assert_eq!(date_text(0.375, false).as_deref(), Some("09:00:00"));
        assert_eq!(date_text(0.0, true).as_deref(), Some("1904-01-01"));
        assert_eq!(date_text(40298.0, true).as_deref(), Some("2014-05-01"));
        assert_eq!(date_text(2_958_465.0, false).as_deref(), Some("9999-12-31"));
        assert_eq!(date_text(-1.0, false), None);
        assert_eq!(date_text(f64::NAN, false), None);
        assert_eq!(date_text(1e300, false), None);
    }
}
