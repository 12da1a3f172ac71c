//! Text measured in terminal columns: Chinese characters are two columns wide.

use unicode_width::UnicodeWidthStr;

/// Columns `s` takes in a terminal.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` padded with spaces to `columns` (by terminal columns, never by characters).
pub fn pad(s: &str, columns: usize) -> String {
    let w = width(s);
    if w >= columns {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(columns - w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_two_columns() {
        assert_eq!(width("柯城区"), 6);
        assert_eq!(pad("柯城区", 8), "柯城区  ");
        assert_eq!(pad("1.2", 5), "1.2  ");
    }
}
