//! Errors that point into a user's file: "path:line:column: what is wrong".

use std::fmt;

/// Where in a file something is wrong. Lines and columns count from 1; columns count characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
}

impl Location {
    pub fn file(path: impl Into<String>) -> Self {
        Location {
            path: path.into(),
            line: None,
            column: None,
        }
    }

    pub fn line(path: impl Into<String>, line: u64) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
            column: None,
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
            path: path.into(),
            line: Some(line),
            column: Some(column),
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
}
