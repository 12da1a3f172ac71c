//! A UTF-8 CSV file read as it goes, never held whole: its byte-order mark dropped and a lone
//! CR (old Mac line ends) made LF as [`super::csv::csv_text`] does, and the line a record
//! starts on told from the bytes read since the last record, as [`super::csv::record_line`]
//! tells it from a whole text.

use std::io::Read;

/// How much of the file is read at a time.
const CHUNK: usize = 64 * 1024;

/// The text of a UTF-8 file as a reader, with its lines.
pub struct CsvStream<R> {
    inner: R,
    /// Read from `inner`, changed, not yet handed out: `out[at..]`.
    out: Vec<u8>,
    at: usize,
    /// A CR ending the last chunk, held until the next byte says whether an LF follows it.
    held_cr: bool,
    started: bool,
    ended: bool,
    /// The bytes handed out since offset `base`, of which `window[told..]` follow the start
    /// of the last record told, on line `line`: one record and the reader's read-ahead.
    /// What was told is dropped only once it is most of the window, not a record at a time.
    window: Vec<u8>,
    told: usize,
    base: u64,
    line: u64,
}

impl<R: Read> CsvStream<R> {
    pub fn new(inner: R) -> CsvStream<R> {
        CsvStream {
            inner,
            out: Vec::new(),
            at: 0,
            held_cr: false,
            started: false,
            ended: false,
            window: Vec::new(),
            told: 0,
            base: 0,
            line: 1,
        }
    }

    /// Reads the next chunk into `out`; false at the end of the file.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.ended {
            return Ok(false);
        }
        let mut raw = vec![0u8; CHUNK];
        let mut got = 0;
        // The first chunk holds at least the byte-order mark, where the file is that long.
        loop {
            let n = match self.inner.read(&mut raw[got..]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            got += n;
            if n == 0 || self.started || got >= 3 {
                break;
            }
        }
        raw.truncate(got);
        let mut bytes: &[u8] = &raw;
        if !self.started {
            self.started = true;
            bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        }
        self.out.clear();
        self.at = 0;
        if got == 0 {
            self.ended = true;
            if std::mem::take(&mut self.held_cr) {
                self.out.push(b'\n');
                return Ok(true);
            }
            return Ok(false);
        }
        if bytes.is_empty() {
            // Only the byte-order mark so far.
            return Ok(true);
        }
        if std::mem::take(&mut self.held_cr) {
            self.out.push(if bytes[0] == b'\n' { b'\r' } else { b'\n' });
        }
        for (i, &b) in bytes.iter().enumerate() {
            if b != b'\r' {
                self.out.push(b);
            } else if i + 1 == bytes.len() {
                self.held_cr = true;
            } else if bytes[i + 1] == b'\n' {
                self.out.push(b'\r');
            } else {
                self.out.push(b'\n');
            }
        }
        Ok(true)
    }

    /// The line a record starting at byte `offset` of the text is on: blank and comment lines
    /// the reader skipped to reach it are passed over. Offsets come in increasing order; what
    /// lies before `offset` is forgotten.
    pub fn line_at(&mut self, offset: u64) -> u64 {
        let window = &self.window;
        let mut at = usize::try_from(offset.saturating_sub(self.base))
            .unwrap_or(usize::MAX)
            .clamp(self.told, window.len());
        let from = self.told;
        loop {
            match window.get(at) {
                Some(b'\r' | b'\n') => at += 1,
                Some(b'#') => {
                    while at < window.len() && !matches!(window[at], b'\r' | b'\n') {
                        at += 1;
                    }
                }
                _ => break,
            }
        }
        self.line += window[from..at].iter().filter(|&&b| b == b'\n').count() as u64;
        self.told = at;
        if self.told > CHUNK && self.told * 2 > self.window.len() {
            self.window.drain(..self.told);
            self.base += self.told as u64;
            self.told = 0;
        }
        self.line
    }
}

impl<R: Read> Read for CsvStream<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at >= self.out.len() {
            if !self.fill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.window.extend_from_slice(&buf[..n]);
        self.at += n;
        Ok(n)
    }
}

/// What a first pass over a file found: whether it is UTF-8 text (a byte-order mark allowed,
/// and not UTF-16 by its first bytes), and how many lines it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scanned {
    pub utf8: bool,
    pub lines: u64,
}

/// Reads `inner` through once, in chunks: whether it is UTF-8, and its lines.
pub fn scan(mut inner: impl Read) -> std::io::Result<Scanned> {
    let mut buf = vec![0u8; CHUNK];
    // A character cut at a chunk's end, carried to the next.
    let mut carried: Vec<u8> = Vec::new();
    let mut lines = 1;
    let mut utf8 = true;
    let mut first = true;
    let mut last_cr = false;
    loop {
        let n = match inner.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        let bytes = &buf[..n];
        if first {
            first = false;
            // UTF-16 is told by its first bytes (see decode.rs): never streamed as UTF-8.
            if bytes.starts_with(b"\xff\xfe")
                || bytes.starts_with(b"\xfe\xff")
                || bytes.contains(&0)
            {
                utf8 = false;
            }
        }
        // As [`crate::error::LineCounter`]: an LF ends a line, and a CR no LF follows.
        for &b in bytes {
            if b == b'\n' || last_cr {
                lines += 1;
            }
            last_cr = b == b'\r';
        }
        if utf8 {
            carried.extend_from_slice(bytes);
            match std::str::from_utf8(&carried) {
                Ok(_) => carried.clear(),
                Err(e) if e.error_len().is_none() => {
                    let keep = carried.split_off(e.valid_up_to());
                    carried = keep;
                }
                Err(_) => utf8 = false,
            }
        }
    }
    if last_cr {
        lines += 1;
    }
    Ok(Scanned {
        utf8: utf8 && carried.is_empty(),
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::LineCounter;

    /// A reader that gives a few bytes at a time: chunk ends fall everywhere.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn the_text_is_the_whole_texts_and_its_lines_are_the_same() {
        let text = "\u{feff}# 说明\r\n\r\ncounty,indicator\rA,1\r\n\n# 注\nB,\"2\n3\"\rC,4\r";
        let whole = crate::source::csv::csv_text(text).into_owned();
        for step in [1, 2, 3, 7, 1000] {
            let mut stream = CsvStream::new(Trickle(text.as_bytes(), step));
            let mut read = String::new();
            stream.read_to_string(&mut read).unwrap();
            assert_eq!(read, whole, "step {step}");
        }
        // Records' lines, as the whole text tells them.
        let mut reader = crate::source::csv::table_reader(&whole, b',');
        let mut lines = LineCounter::new(&whole);
        let expected: Vec<u64> = reader
            .records()
            .map(|r| {
                crate::source::csv::record_line(&mut lines, &whole, r.unwrap().position().unwrap())
            })
            .collect();
        let mut streamed = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .has_headers(false)
            .flexible(true)
            .from_reader(CsvStream::new(Trickle(text.as_bytes(), 5)));
        let mut got = Vec::new();
        let mut record = csv::StringRecord::new();
        while streamed.read_record(&mut record).unwrap() {
            let at = record.position().unwrap().byte();
            got.push(streamed.get_mut().line_at(at));
        }
        assert_eq!(got, expected);
        assert_eq!(expected, vec![3, 4, 7, 9]);
    }

    #[test]
    fn a_first_pass_tells_utf8_and_counts_lines() {
        let text = "a,b\r\nc\rd\n甲乙\n";
        for step in [1, 2, 64] {
            assert_eq!(
                scan(Trickle(text.as_bytes(), step)).unwrap(),
                Scanned {
                    utf8: true,
                    lines: 5
                }
            );
        }
        let (gbk, _, _) = encoding_rs::GB18030.encode("县,指标\n柯城区,1.2\n");
        assert!(!scan(&gbk[..]).unwrap().utf8);
        assert!(!scan(&b"\xff\xfea\0"[..]).unwrap().utf8);
        // A character cut off at the file's end is no UTF-8.
        assert!(!scan(&"甲".as_bytes()[..2]).unwrap().utf8);
    }
}
