//! Text turned into the lines a terminal shows: one line per line break, tabs set to the next
//! stop of 8 columns (measured in terminal columns: a Chinese character is two), every
//! control character made visible by the one cleaning of `kaohe_core::text`, and all of a
//! file's text held to one budget of characters.

use kaohe_core::text::{char_width, clean};

/// Lines being gathered for one file, within a budget of characters shared by its parts.
pub(crate) struct Budget {
    left: usize,
    limit: usize,
    /// The budget ran out: the rest was left out.
    pub cut: bool,
}

impl Budget {
    pub fn new(limit: usize) -> Budget {
        Budget {
            left: limit,
            limit,
            cut: false,
        }
    }

    pub fn spent(&self) -> bool {
        self.left == 0
    }

    /// `text` split into display lines (a CRLF or a lone CR ends a line too, as Notepad and
    /// old Macs wrote them), appended to `lines`, within the budget.
    pub fn push_text(&mut self, text: &str, lines: &mut Vec<String>) {
        for line in text.split('\n') {
            for piece in line.strip_suffix('\r').unwrap_or(line).split('\r') {
                if !self.push_line(piece, lines) {
                    return;
                }
            }
        }
    }

    /// One line (holding no line break) made safe and appended; false once the budget is
    /// spent.
    pub fn push_line(&mut self, line: &str, lines: &mut Vec<String>) -> bool {
        if self.left == 0 {
            self.cut = true;
            return false;
        }
        let n = line.chars().count();
        let line = if n > self.left {
            self.cut = true;
            let end = line
                .char_indices()
                .nth(self.left)
                .map_or(line.len(), |(i, _)| i);
            &line[..end]
        } else {
            line
        };
        // Every line counts one at least, so a file of empty lines is bounded too.
        self.left = self.left.saturating_sub(n.max(1));
        lines.push(display(line));
        true
    }

    /// The note for a cut, if the budget ran out.
    pub fn note(&self) -> Option<crate::Note> {
        self.cut
            .then_some(crate::Note::TextCut { chars: self.limit })
    }
}

/// One line as a terminal shows it: tabs expanded to stops of 8 columns, then every unsafe
/// character made visible.
pub(crate) fn display(line: &str) -> String {
    if !line.contains('\t') {
        return clean(line);
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let to = (column / 8 + 1) * 8;
            out.extend(std::iter::repeat_n(' ', to - column));
            column = to;
        } else {
            out.push(c);
            column += char_width(c);
        }
    }
    clean(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_go_to_stops_by_columns() {
        assert_eq!(display("a\tb"), "a       b");
        // 民政 is four columns: the tab goes to column 8.
        assert_eq!(display("民政\t1"), "民政    1");
    }

    #[test]
    fn control_characters_are_made_visible() {
        assert_eq!(display("a\u{1b}[31mb\u{7}"), "a␛[31mb␇");
    }

    #[test]
    fn the_budget_cuts_and_says_so() {
        let mut b = Budget::new(5);
        let mut lines = Vec::new();
        b.push_text("一二三\n四五六七\n八", &mut lines);
        assert_eq!(lines, vec!["一二三", "四五"]);
        assert!(b.cut);
        assert!(b.note().is_some());
    }

    #[test]
    fn carriage_returns_end_lines() {
        let mut b = Budget::new(100);
        let mut lines = Vec::new();
        b.push_text("a\r\nb\rc\n", &mut lines);
        assert_eq!(lines, vec!["a", "b", "c", ""]);
    }
}
