//! Errors that point into a user's file: "path:line:column: what is wrong", or for a workbook
//! "path: sheet NAME, cell B5: what is wrong".

use std::fmt;

/// Where in a file something is wrong. Lines and columns count from 1; columns count characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    /// In a workbook: the sheet, and the cell or row within it (boxed: errors stay small).
    pub in_sheet: Option<Box<SheetPlace>>,
}

/// A place in a workbook: the sheet, and "cell B5" or "row 5" within it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetPlace {
    pub sheet: String,
    pub cell: Option<String>,
}

impl Location {
    pub fn file(path: impl Into<String>) -> Self {
        Location {
            path: path.into(),
            line: None,
            column: None,
            in_sheet: None,
        }
    }

    /// A whole sheet of a workbook.
    pub fn sheet(path: impl Into<String>, sheet: impl Into<String>) -> Self {
        Location {
            in_sheet: Some(Box::new(SheetPlace {
                sheet: sheet.into(),
                cell: None,
            })),
            ..Location::file(path)
        }
    }

    /// One cell of a sheet; `row` and `column` count from 0, as spreadsheet libraries do.
    pub fn cell(path: impl Into<String>, sheet: impl Into<String>, row: u32, column: u32) -> Self {
        let place = format!("cell {}{}", column_letters(column), u64::from(row) + 1);
        Location::sheet(path, sheet).within(place)
    }

    /// One row of a sheet, counting from 1 as the spreadsheet shows it.
    pub fn sheet_row(path: impl Into<String>, sheet: impl Into<String>, row: u64) -> Self {
        Location::sheet(path, sheet).within(format!("row {row}"))
    }

    fn within(mut self, place: String) -> Self {
        if let Some(in_sheet) = &mut self.in_sheet {
            in_sheet.cell = Some(place);
        }
        self
    }

    pub fn line(path: impl Into<String>, line: u64) -> Self {
        Location {
            line: Some(line),
            ..Location::file(path)
        }
    }

    /// The line and column of byte `offset` in `text`.
    pub fn at_offset(path: impl Into<String>, text: &str, offset: usize) -> Self {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() as u64 + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() as u64 + 1;
        Location {
            line: Some(line),
            column: Some(column),
            ..Location::file(path)
        }
    }
}

/// The line (from 1) that byte `offset` of `text` is on; CRLF, LF and a lone CR each end a line.
pub fn line_of(text: &str, offset: usize) -> u64 {
    LineCounter::new(text).line_at(offset)
}

/// Lines of one text counted as a reader moves forward through it, each byte looked at once
/// (counting from the start for every row would make a long import quadratic).
pub struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The line byte `offset` is on; cheap when offsets come in increasing order.
    pub fn line_at(&mut self, offset: usize) -> u64 {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        for i in self.offset..offset {
            let ends_line = match self.text[i] {
                b'\n' => true,
                // A CR ends a line unless an LF follows and ends it.
                b'\r' => self.text.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends_line {
                self.line += 1;
            }
        }
        self.offset = offset;
        self.line
    }
}

/// A spreadsheet column's letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(column: u32) -> String {
    let mut n = u64::from(column) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(place) = &self.in_sheet {
            write!(f, ": sheet {}", place.sheet)?;
            if let Some(cell) = &place.cell {
                write!(f, ", {cell}")?;
            }
        }
        Ok(())
    }
}

/// Something wrong with a file a user gave us (targets, counties, submissions).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct FileError {
    pub location: Location,
    pub message: String,
}

impl FileError {
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        FileError {
            location,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_any_line_break() {
        assert_eq!(line_of("a\nb\r\nc\rd", 0), 1);
        assert_eq!(line_of("a\nb\r\nc\rd", 2), 2);
        assert_eq!(line_of("a\nb\r\nc\rd", 5), 3);
        assert_eq!(line_of("a\nb\r\nc\rd", 7), 4);
    }

    #[test]
    fn counting_forward_agrees_with_counting_from_the_start() {
        let text = "a\r\nb\rc\n\nd\r";
        let mut lines = LineCounter::new(text);
        for offset in 0..=text.len() {
            let fresh = LineCounter::new(text).line_at(offset);
            assert_eq!(lines.line_at(offset), fresh, "at {offset}");
        }
        assert_eq!(lines.line_at(0), 1, "going back starts again");
    }

    #[test]
    fn offsets_become_lines_and_character_columns() {
        let text = "a = 1\n标题 = \"x\"\n";
        let at = Location::at_offset("f.toml", text, text.find('=').unwrap());
        assert_eq!(at.to_string(), "f.toml:1:3");
        let second = text.rfind('=').unwrap();
        // "标题 " is three characters (six bytes), so '=' is the fourth column.
        assert_eq!(
            Location::at_offset("f.toml", text, second).to_string(),
            "f.toml:2:4"
        );
    }

    #[test]
    fn workbook_places_name_the_sheet_and_cell() {
        assert_eq!(
            Location::cell("s.xlsx", "报送表", 4, 1).to_string(),
            "s.xlsx: sheet 报送表, cell B5"
        );
        assert_eq!(
            Location::sheet_row("s.xlsx", "Sheet1", 7).to_string(),
            "s.xlsx: sheet Sheet1, row 7"
        );
        assert_eq!(
            Location::sheet("s.xlsx", "表").to_string(),
            "s.xlsx: sheet 表"
        );
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
