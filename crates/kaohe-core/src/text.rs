//! Text measured in terminal columns: Chinese characters are two columns wide.

use unicode_width::UnicodeWidthStr;

/// Columns `s` takes in a terminal.
pub fn width(s: &str) -> usize {
    // Nearly all text on screen is printable ASCII, CJK ideographs and their punctuation, whose
    // widths (1, 2) do not depend on what is beside them: summed without the table's rules
    // for sequences, which every frame paid for every cell.
    let mut n = 0;
    for c in s.chars() {
        match c {
            ' '..='~' => n += 1,
            '\u{4e00}'..='\u{9fff}' | '\u{3001}'..='\u{3011}' | '\u{ff01}'..='\u{ff60}' => n += 2,
            _ => return UnicodeWidthStr::width(s),
        }
    }
    n
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
        .map(|c| if is_unsafe(c, false) { symbol(c) } else { c })
        .collect()
}

/// `s` made safe for a terminal with its lines kept: as [`clean`], but line feeds and tabs
/// stay, and so does a carriage return right before a line feed (a CSV's CRLF). A carriage
/// return alone, which would let later text overwrite a line, is shown as ␍. Everything the
/// command line prints to a terminal passes through this.
pub fn clean_lines(s: &str) -> String {
    if !s.chars().any(|c| is_unsafe(c, true)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            c if is_unsafe(c, true) => out.push(symbol(c)),
            c => out.push(c),
        }
    }
    out
}

/// The visible symbol an unsafe character is shown as: its Control Pictures sign for C0
/// controls and DEL (␛ ␊ ␡), � for the rest.
fn symbol(c: char) -> char {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        _ => '\u{fffd}',
    }
}

/// Characters that take no room and show nothing: zero-width spaces and joiners, the word
/// joiner and invisible operators, the Mongolian vowel separator, the combining grapheme
/// joiner and the Hangul fillers (which look like a blank), and the Braille blank.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200d}'
            | '\u{2060}'..='\u{2064}'
            | '\u{180e}'
            | '\u{034f}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{ffa0}'
            | '\u{2800}'
    )
}

/// Refuses a name a reader could not see or tell apart: one holding a character unsafe for the
/// terminal, an invisible one (a zero-width space, a joiner, a filler), no visible character
/// at all (only spaces or combining marks), or a combining mark first, which would sit on
/// whatever is shown before the name.
pub fn check_name(what: &str, name: &str) -> Result<(), String> {
    check_words(what, name, false)?;
    if let Some(c) = name.chars().find(|&c| is_invisible(c)) {
        return Err(format!(
            "{what} contains the invisible character U+{:04X}; give the name without it",
            c as u32
        ));
    }
    let visible = |c: char| !c.is_whitespace() && char_width(c) > 0;
    if !name.chars().any(visible) {
        return Err(format!(
            "{what} shows nothing (only spaces or combining marks); give a name people can read"
        ));
    }
    match name.chars().next() {
        Some(c) if !c.is_whitespace() && char_width(c) == 0 => Err(format!(
            "{what} starts with the combining mark U+{:04X}, which joins whatever is shown before it; give the name as it is written",
            c as u32
        )),
        _ => Ok(()),
    }
}

/// `s` cut to at most `columns` columns, ending in `…` when something was cut.
pub fn truncate(s: &str, columns: usize) -> String {
    if width(s) <= columns {
        return s.to_string();
    }
    if columns == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w + 1 > columns {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `s` cut, then padded, to exactly `columns` columns (a wide character that would straddle the
/// edge is replaced by a space).
pub fn fit(s: &str, columns: usize) -> String {
    pad(&truncate(s, columns), columns)
}

/// Columns one character takes, measured as [`width`] measures it (a few characters, such as
/// the Khmer sign ៘, are wider alone than their code point says); control characters, which
/// never reach the screen, count as 0.
pub fn char_width(c: char) -> usize {
    if c.is_control() {
        return 0;
    }
    let mut buf = [0u8; 4];
    width(c.encode_utf8(&mut buf))
}

/// Closing punctuation that Chinese typesetting never starts a line with.
fn closes(c: char) -> bool {
    "，。、；：！？）》」』”’〕】…,.;:!?)]}".contains(c)
}

/// `text` wrapped to lines of at most `columns` columns, made safe for the terminal.
///
/// Chinese may break between any two characters; a run of Latin letters or digits breaks only
/// at spaces unless it is longer than a line. A line never starts with closing punctuation
/// (，。 …): the character before it moves down with it. Line breaks in `text` are kept.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if columns == 0 {
        return lines;
    }
    for paragraph in text.split('\n') {
        let paragraph = clean(&paragraph.replace('\t', "    ").replace('\r', ""));
        wrap_paragraph(&paragraph, columns, &mut lines);
    }
    lines
}

fn wrap_paragraph(paragraph: &str, columns: usize, lines: &mut Vec<String>) {
    // Tokens: a run of ASCII non-space characters (a word), a single space, or one other char.
    let mut tokens: Vec<&str> = Vec::new();
    let mut start = None;
    for (i, c) in paragraph.char_indices() {
        let word_char = c.is_ascii() && c != ' ';
        match (word_char, start) {
            (true, None) => start = Some(i),
            (true, Some(_)) => {}
            (false, Some(s)) => {
                tokens.push(&paragraph[s..i]);
                start = None;
                tokens.push(&paragraph[i..i + c.len_utf8()]);
            }
            (false, None) => tokens.push(&paragraph[i..i + c.len_utf8()]),
        }
    }
    if let Some(s) = start {
        tokens.push(&paragraph[s..]);
    }
    let mut line = String::new();
    let mut used = 0;
    for token in tokens {
        let w = width(token);
        if used + w <= columns {
            line.push_str(token);
            used += w;
            continue;
        }
        if token == " " {
            // A space at the end of a line is the break itself.
            lines.push(std::mem::take(&mut line));
            used = 0;
            continue;
        }
        if w > columns {
            // A word longer than a line: break it by characters.
            for c in token.chars() {
                let cw = char_width(c);
                if used + cw > columns {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += cw;
            }
            continue;
        }
        let mut carried = String::new();
        if token.chars().next().is_some_and(closes) {
            // Take the last character down so that the punctuation does not open the line.
            if let Some(last) = line.chars().last() {
                if line.chars().count() > 1 && char_width(last) + w <= columns {
                    line.pop();
                    carried.push(last);
                }
            }
        }
        lines.push(std::mem::take(&mut line).trim_end().to_string());
        line.push_str(&carried);
        line.push_str(token);
        used = width(&line);
    }
    lines.push(line);
}

/// A count with its thousands grouped, as the bureau writes them: 1234567 as "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// Characters of the quick sum, beside some whose width depends on their neighbours.
    const PIECES: &[&str] = &[
        "a",
        " ",
        "~",
        "1",
        "县",
        "\u{9fff}",
        "\u{4e00}",
        "、",
        "【",
        "，",
        "（",
        "\u{ff60}",
        "\u{ff61}",
        "\u{fe0f}",
        "\u{20e3}",
        "\u{200d}",
        "👍",
        "e\u{301}",
        "\u{1f1e8}",
        "·",
        "\r\n",
        "\t",
        "\u{3099}",
        "\u{302a}",
    ];

    proptest! {
        #[test]
        fn widths_are_the_tables_whatever_the_neighbours(
            pieces in prop::collection::vec(0..PIECES.len(), 0..12)
        ) {
            let s: String = pieces.iter().map(|i| PIECES[*i]).collect();
            prop_assert_eq!(super::width(&s), unicode_width::UnicodeWidthStr::width(s.as_str()));
        }
    }

    #[test]
    fn every_character_summed_quickly_has_the_tables_width() {
        let quick = (' '..='~')
            .chain('\u{4e00}'..='\u{9fff}')
            .chain('\u{3001}'..='\u{3011}')
            .chain('\u{ff01}'..='\u{ff60}');
        for c in quick {
            let s = c.to_string();
            assert_eq!(
                super::width(&s),
                unicode_width::UnicodeWidthStr::width(s.as_str()),
                "{c:?}"
            );
        }
    }
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
    fn lines_are_kept_and_nothing_else_reaches_the_terminal() {
        let hostile = "a\u{1b}]52;c;eA==\u{7}\u{1b}P1$q\u{1b}\\\u{1b}_x\u{1b}\\\u{1b}[2J\u{9b}\u{9d}\u{90}\u{202e}\u{2066}";
        let out = clean_lines(&format!("{hostile}\tb\r\nc\rd\n"));
        assert!(
            !out.chars().any(|c| is_unsafe(c, true) && c != '\r'),
            "{out:?}"
        );
        assert!(out.ends_with("\tb\r\nc\u{240d}d\n"), "{out:?}");
        assert_eq!(clean_lines("柯城区\n"), "柯城区\n");
        assert_eq!(clean_lines("\u{0}\r\n"), "\u{2400}\r\n");
    }

    #[test]
    fn a_name_must_be_seen_to_be_given() {
        assert_eq!(check_name("--reviewer", "张三"), Ok(()));
        assert_eq!(check_name("--reviewer", "Li Wei"), Ok(()));
        assert_eq!(check_name("--reviewer", "José"), Ok(()));
        for invisible in [
            "\u{200b}",
            "\u{200b}\u{200c}\u{200d}",
            "张\u{200b}三",
            "\u{301}\u{302}",
            "\u{301}张三",
            "\u{3164}",
            "\u{2800}",
            "\u{3000}\u{a0}",
            "\u{202e}",
        ] {
            let refused = check_name("--reviewer", invisible);
            assert!(refused.is_err(), "{invisible:?} was accepted");
            assert!(refused.unwrap_err().starts_with("--reviewer "));
        }
    }

    #[test]
    fn chinese_is_two_columns() {
        assert_eq!(width("柯城区"), 6);
        assert_eq!(pad("柯城区", 8), "柯城区  ");
        assert_eq!(pad("1.2", 5), "1.2  ");
    }

    #[test]
    fn wraps_by_columns_never_past_the_edge() {
        let text = "照料中心覆盖率城市达到70%以上，农村达到40%以上。";
        for columns in 1..40 {
            for line in wrap(text, columns) {
                assert!(width(&line) <= columns.max(2), "{line:?} at {columns}");
            }
        }
        assert_eq!(
            wrap("养老服务业发展", 6),
            vec!["养老服".to_string(), "务业发".into(), "展".into()]
        );
        // No line starts with closing punctuation.
        assert_eq!(
            wrap("甲乙丙，丁", 6),
            vec!["甲乙".to_string(), "丙，丁".into()]
        );
        // Latin words break at spaces.
        assert_eq!(
            wrap("see the file report.pdf", 12),
            vec!["see the file".to_string(), "report.pdf".into()]
        );
        assert_eq!(wrap("a\nb", 5), vec!["a".to_string(), "b".into()]);
        assert!(wrap("x", 0).is_empty());
        assert_eq!(wrap("\u{1b}[2J", 10), vec!["\u{241b}[2J".to_string()]);
    }

    #[test]
    fn truncates_by_columns() {
        assert_eq!(truncate("柯城区民政局", 7), "柯城区…");
        assert_eq!(truncate("柯城区", 6), "柯城区");
        assert_eq!(truncate("柯城区", 0), "");
        assert_eq!(fit("柯城区民政局", 8), "柯城区… ");
        assert_eq!(width(&fit("柯城区民政局", 8)), 8);
    }
}
