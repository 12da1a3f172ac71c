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

/// Characters that must never reach a terminal from data: C0 controls (but line breaks and tabs
/// where `allow_breaks`), ESC, DEL, C1 controls, and the invisible bidirectional and line
/// separator marks that can make text read other than it is.
pub fn is_unsafe(c: char, allow_breaks: bool) -> bool {
    match c {
        '\n' | '\t' => !allow_breaks,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' => true,
        _ => false,
    }
}

/// Refuses `text` if it holds a character unsafe for the terminal, naming `what` holds it.
pub fn check_words(what: &str, text: &str, allow_breaks: bool) -> Result<(), String> {
    match text.chars().find(|&c| is_unsafe(c, allow_breaks)) {
        Some(c) => Err(format!(
            "{what} contains the control character U+{:04X}",
            c as u32
        )),
        None => Ok(()),
    }
}

/// `s` made safe for one line of a terminal: every unsafe character shown as a visible symbol
/// (␛ for ESC, ␊ for a line break, ␡ for DEL, � for the rest).
pub fn clean(s: &str) -> String {
    if !s.chars().any(|c| is_unsafe(c, false)) {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            c if !is_unsafe(c, false) => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            _ => '\u{fffd}',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_never_reaches_the_terminal_as_commands() {
        assert_eq!(clean("柯城区"), "柯城区");
        assert_eq!(clean("a\u{1b}]0;title\u{7}b"), "a\u{241b}]0;title\u{2407}b");
        assert_eq!(
            clean("x\ny\u{7f}\u{9b}\u{202e}"),
            "x\u{240a}y\u{2421}\u{fffd}\u{fffd}"
        );
        assert!(!is_unsafe('\n', true));
        assert!(is_unsafe('\n', false));
        assert!(is_unsafe('\u{1b}', true));
    }

    #[test]
    fn chinese_is_two_columns() {
        assert_eq!(width("柯城区"), 6);
        assert_eq!(pad("柯城区", 8), "柯城区  ");
        assert_eq!(pad("1.2", 5), "1.2  ");
    }
}
