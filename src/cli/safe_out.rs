//! Standard output as the commands write it. On a terminal every byte passes through
//! [`clean_lines`], the cleaning the workspace's text gets, so nothing a county's file or a
//! database holds (ESC, C1 controls, DEL, bidirectional overrides) reaches the terminal raw —
//! not even in a CSV or Markdown export printed there. Piped or redirected, output is data for
//! a program and is passed on exactly as written (JSON is escaped wherever it goes:
//! `write_json_value`).

use crate::text::clean_lines;
use std::io::{self, Write};

/// Standard output, cleaned when it is a terminal.
pub struct Output<W: Write> {
    inner: W,
    terminal: bool,
    /// The end of the last write that cannot be shown yet: an incomplete UTF-8 character, or a
    /// carriage return whose line feed may come next.
    held: Vec<u8>,
    /// Nothing has been shown yet (a CSV's byte-order mark is not shown on a terminal).
    at_start: bool,
}

impl<W: Write> Output<W> {
    /// `inner`, cleaned if `terminal`.
    pub fn new(inner: W, terminal: bool) -> Output<W> {
        Output {
            inner,
            terminal,
            held: Vec::new(),
            at_start: true,
        }
    }

    /// Shows what is held back (a lone carriage return as ␍, a cut character as �) and
    /// flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        if !self.held.is_empty() {
            let held = String::from_utf8_lossy(&std::mem::take(&mut self.held)).into_owned();
            self.inner.write_all(clean_lines(&held).as_bytes())?;
        }
        self.inner.flush()
    }

    fn show(&mut self, buf: &[u8]) -> io::Result<()> {
        self.held.extend_from_slice(buf);
        let bytes = std::mem::take(&mut self.held);
        let (text, rest) = whole_characters(&bytes);
        let mut text = text.into_owned();
        // A CR at the end may be half of a CRLF: wait for what follows.
        if text.ends_with('\r') {
            text.pop();
            self.held.push(b'\r');
        }
        self.held.extend_from_slice(rest);
        let mut text = text.as_str();
        if self.at_start && !text.is_empty() {
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
            self.at_start = false;
        }
        self.inner.write_all(clean_lines(text).as_bytes())
    }
}

/// `bytes` as text up to the last whole character, and the start of a character cut by the
/// end of the write (at most three bytes). Bytes that are not UTF-8 are shown as �.
fn whole_characters(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, &[u8]) {
    let cut = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        // An incomplete character at the very end: hold it for the next write.
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => incomplete_tail(bytes),
    };
    (String::from_utf8_lossy(&bytes[..cut]), &bytes[cut..])
}

/// Where an incomplete character at the end of `bytes` starts (its length if there is none).
fn incomplete_tail(bytes: &[u8]) -> usize {
    let from = bytes.len().saturating_sub(3);
    for start in (from..bytes.len()).rev() {
        let b = bytes[start];
        if b & 0b1100_0000 != 0b1000_0000 {
            // A lead byte: is the character it begins complete?
            let needed = match b {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            return if bytes.len() - start < needed {
                start
            } else {
                bytes.len()
            };
        }
    }
    bytes.len()
}

impl<W: Write> Write for Output<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.terminal {
            self.show(buf)?;
        } else {
            self.inner.write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(writes: &[&[u8]]) -> String {
        let mut out = Output::new(Vec::new(), true);
        for w in writes {
            out.write_all(w).unwrap();
        }
        out.finish().unwrap();
        String::from_utf8(out.inner).unwrap()
    }

    #[test]
    fn a_terminal_sees_symbols_where_the_data_held_controls() {
        let hostile =
            "\u{feff}county,remark\n330802,\u{1b}]52;c;eA==\u{7}\u{1b}[2J\u{9b}\u{202e}\r\n";
        assert_eq!(
            shown(&[hostile.as_bytes()]),
            "county,remark\n330802,\u{241b}]52;c;eA==\u{2407}\u{241b}[2J\u{fffd}\u{fffd}\r\n"
        );
    }

    #[test]
    fn characters_and_line_ends_cut_between_writes_are_put_back_together() {
        let text = "柯城区\u{9b}\r\n衢江区\r";
        let bytes = text.as_bytes();
        for cut in 0..=bytes.len() {
            let (a, b) = bytes.split_at(cut);
            assert_eq!(
                shown(&[a, b]),
                "柯城区\u{fffd}\r\n衢江区\u{240d}",
                "cut at {cut}"
            );
        }
        // A byte-by-byte writer too.
        let one_by_one: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(shown(&one_by_one), "柯城区\u{fffd}\r\n衢江区\u{240d}");
    }

    #[test]
    fn bytes_that_are_not_text_are_shown_as_replacement_characters() {
        assert_eq!(shown(&[b"a\xffb\xe6"]), "a\u{fffd}b\u{fffd}");
    }

    #[test]
    fn a_pipe_gets_the_bytes_exactly() {
        let hostile = "\u{feff}\u{1b}[2J\u{9b}\r";
        let mut out = Output::new(Vec::new(), false);
        out.write_all(hostile.as_bytes()).unwrap();
        out.finish().unwrap();
        assert_eq!(out.inner, hostile.as_bytes());
    }
}
