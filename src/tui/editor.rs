//! The text of a note being typed: a caret in a list of characters, wrapped by terminal columns.
//!
//! Input methods send a whole phrase at once (or as a paste); it arrives here as one insert.

use crate::text::{char_width, is_unsafe};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextBuffer {
    chars: Vec<char>,
    /// Index into `chars` of the character the caret is before.
    caret: usize,
}

/// One screen row of wrapped text: `chars[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub start: usize,
    pub end: usize,
}

impl TextBuffer {
    /// A buffer holding `text`, the caret at its end.
    pub fn new(text: &str) -> TextBuffer {
        let mut b = TextBuffer::default();
        b.insert(text);
        b
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn caret(&self) -> usize {
        self.caret
    }

    /// Inserts typed or pasted text at the caret. Line breaks of any convention become `\n`;
    /// tabs become spaces; other control characters are dropped, so a note can never carry a
    /// terminal command.
    pub fn insert(&mut self, text: &str) {
        self.insert_within(text, usize::MAX);
    }

    /// [`TextBuffer::insert`], as much of it as keeps the whole within `limit` bytes of UTF-8:
    /// how many characters went in, and whether that was all of them.
    pub fn insert_within(&mut self, text: &str, limit: usize) -> (usize, bool) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let mut room = limit.saturating_sub(self.bytes());
        let mut clean = Vec::new();
        let mut all = true;
        for c in text.chars().flat_map(|c| match c {
            '\t' => vec![' ', ' '],
            c if is_unsafe(c, true) => vec![],
            c => vec![c],
        }) {
            if c.len_utf8() > room {
                all = false;
                break;
            }
            room -= c.len_utf8();
            clean.push(c);
        }
        let n = clean.len();
        self.chars.splice(self.caret..self.caret, clean);
        self.caret += n;
        (n, all)
    }

    /// The text's length in bytes of UTF-8.
    pub fn bytes(&self) -> usize {
        self.chars.iter().map(|c| c.len_utf8()).sum()
    }

    pub fn delete_back(&mut self) {
        if self.caret > 0 {
            self.caret -= 1;
            self.chars.remove(self.caret);
        }
    }

    pub fn delete_forward(&mut self) {
        if self.caret < self.chars.len() {
            self.chars.remove(self.caret);
        }
    }

    pub fn left(&mut self) {
        self.caret = self.caret.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.caret = (self.caret + 1).min(self.chars.len());
    }

    /// To the start of the (logical) line.
    pub fn line_start(&mut self) {
        while self.caret > 0 && self.chars[self.caret - 1] != '\n' {
            self.caret -= 1;
        }
    }

    /// To the end of the (logical) line.
    pub fn line_end(&mut self) {
        while self.caret < self.chars.len() && self.chars[self.caret] != '\n' {
            self.caret += 1;
        }
    }

    /// Up one screen row at `width` columns, keeping the column as near as it can.
    pub fn up(&mut self, width: usize) {
        let rows = self.rows(width);
        let (row, col) = self.caret_at_rows(&rows);
        if row > 0 {
            self.caret = self.index_at(rows[row - 1], col);
        } else {
            self.caret = 0;
        }
    }

    /// Down one screen row at `width` columns.
    pub fn down(&mut self, width: usize) {
        let rows = self.rows(width);
        let (row, col) = self.caret_at_rows(&rows);
        if row + 1 < rows.len() {
            self.caret = self.index_at(rows[row + 1], col);
        } else {
            self.caret = self.chars.len();
        }
    }

    /// The character index in `row` nearest to column `col`.
    fn index_at(&self, row: Row, col: usize) -> usize {
        let mut used = 0;
        for i in row.start..row.end {
            let w = char_width(self.chars[i]);
            if used + w > col {
                return i;
            }
            used += w;
        }
        // At a soft wrap the end of this row is the start of the next: stay on this one.
        let soft = row.end < self.chars.len() && self.chars[row.end] != '\n';
        if soft && row.end > row.start {
            row.end - 1
        } else {
            row.end
        }
    }

    /// The text wrapped to `width` columns: a row ends at a line break or where the next
    /// character would pass the edge. Every buffer has at least one row.
    pub fn rows(&self, width: usize) -> Vec<Row> {
        let width = width.max(2);
        let mut rows = Vec::new();
        let mut start = 0;
        let mut used = 0;
        for (i, &c) in self.chars.iter().enumerate() {
            if c == '\n' {
                rows.push(Row { start, end: i });
                start = i + 1;
                used = 0;
                continue;
            }
            let w = char_width(c);
            if used + w > width {
                rows.push(Row { start, end: i });
                start = i;
                used = 0;
            }
            used += w;
        }
        rows.push(Row {
            start,
            end: self.chars.len(),
        });
        rows
    }

    /// The text of one row.
    pub fn row_text(&self, row: Row) -> String {
        self.chars[row.start..row.end].iter().collect()
    }

    /// (row, column) of the caret on the screen at `width` columns. A caret after a row that
    /// fills the width shows at the start of the next row, where the next character will go
    /// (so the input method's window opens there, not over the last character).
    pub fn caret_at(&self, width: usize) -> (usize, usize) {
        let (row, col) = self.caret_at_rows(&self.rows(width));
        if col >= width.max(2) {
            (row + 1, 0)
        } else {
            (row, col)
        }
    }

    fn caret_at_rows(&self, rows: &[Row]) -> (usize, usize) {
        // The caret belongs to the last row that starts at or before it (a caret at the very
        // end of a full row shows at the start of the next one, where typing would land).
        let mut row = 0;
        for (r, span) in rows.iter().enumerate() {
            if span.start <= self.caret {
                row = r;
            }
        }
        let span = rows[row];
        let col = self.chars[span.start..self.caret.min(span.end)]
            .iter()
            .map(|&c| char_width(c))
            .sum();
        (row, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_typed_through_an_input_method() {
        let mut b = TextBuffer::new("");
        b.insert("佐证材料");
        b.insert("不足");
        assert_eq!(b.text(), "佐证材料不足");
        b.left();
        b.left();
        b.insert("明显");
        assert_eq!(b.text(), "佐证材料明显不足");
        b.delete_back();
        assert_eq!(b.text(), "佐证材料明不足");
        b.delete_forward();
        assert_eq!(b.text(), "佐证材料明足");
    }

    #[test]
    fn wraps_by_columns_and_puts_the_caret_where_it_shows() {
        let b = TextBuffer::new("台账不全，请补充");
        // 16 columns of Chinese in rows of 7: 3 characters (6 columns) a row.
        let rows = b.rows(7);
        assert_eq!(rows.len(), 3);
        assert_eq!(b.row_text(rows[0]), "台账不");
        assert_eq!(b.caret_at(7), (2, 4));
        // A caret after a full row waits at the start of the next.
        assert_eq!(TextBuffer::new("台账不全，请").caret_at(6), (2, 0));
        let mut b = TextBuffer::new("ab\ncd");
        assert_eq!(b.caret_at(10), (1, 2));
        b.up(10);
        assert_eq!(b.caret_at(10), (0, 2));
        b.line_start();
        assert_eq!(b.caret(), 0);
        b.down(10);
        assert_eq!(b.caret_at(10), (1, 0));
        b.line_end();
        assert_eq!(b.caret(), 5);
    }

    #[test]
    fn control_characters_never_enter_a_note() {
        let b = TextBuffer::new("a\u{1b}]0;x\u{7}b\r\nc\td");
        assert_eq!(b.text(), "a]0;xb\nc  d");
    }

    #[test]
    fn moving_vertically_keeps_the_column() {
        let mut b = TextBuffer::new("一二三四五六");
        // Rows of 4 columns: 一二 / 三四 / 五六; the caret at the end waits on the next row.
        assert_eq!(b.caret_at(4), (3, 0));
        b.up(4);
        assert_eq!(b.caret_at(4), (1, 2));
        b.up(4);
        b.up(4);
        assert_eq!(b.caret(), 0);
        b.down(4);
        assert_eq!(b.caret_at(4), (1, 0));
    }
}
