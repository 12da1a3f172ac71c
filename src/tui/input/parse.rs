//! The bytes a terminal sends, made into keys and bracketed pastes — kaohe's own reading, so
//! that nothing the terminal has sent is left unread (see `input`).
//!
//! It reads what xterm-like terminals send with the modes kaohe turns on (raw mode, bracketed
//! paste; no mouse, no keyboard protocol): characters as UTF-8, the C0 controls as Ctrl keys,
//! `ESC x` as Alt-x, CSI and SS3 sequences for the named keys, and `ESC [200~ … ESC [201~`
//! around a paste. What it cannot read is dropped, never guessed into a key.
//!
//! A sequence cut short at the end of what has arrived (an `ESC`, half a character) waits for
//! the rest; [`Parser::flush`] ends the wait when nothing more comes.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the terminal sent: a key, or text it bracketed as a paste.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Key(KeyEvent),
    /// A bracketed paste, cut at `keep` bytes (`cut` says so); its text as the terminal sent it.
    Paste {
        text: String,
        cut: bool,
    },
}

const PASTE_END: &[u8] = b"\x1b[201~";
/// A CSI sequence longer than this is no key of any terminal: it is dropped.
const LONGEST_CSI: usize = 32;

/// Bytes in, tokens out; keeps what is cut short between reads.
pub struct Parser {
    /// Bytes of a sequence or character not complete yet.
    pending: Vec<u8>,
    /// Inside a bracketed paste: what it holds so far.
    paste: Option<Bracketed>,
    /// The most a bracketed paste keeps (more is counted as cut, not kept).
    keep: usize,
}

/// A bracketed paste being read: its bytes, bounded, and how much of the end marker has been
/// seen (the marker may be split between reads).
struct Bracketed {
    bytes: Vec<u8>,
    cut: bool,
    matched: usize,
}

impl Bracketed {
    fn push(&mut self, b: u8, keep: usize) {
        if self.bytes.len() < keep {
            self.bytes.push(b);
        } else {
            self.cut = true;
        }
    }
}

impl Parser {
    /// A parser whose bracketed pastes keep at most `keep` bytes.
    pub fn new(keep: usize) -> Parser {
        Parser {
            pending: Vec::new(),
            paste: None,
            keep,
        }
    }

    /// Whether something cut short is waiting for the rest (an escape sequence, a character,
    /// a bracketed paste not yet closed).
    pub fn waiting(&self) -> bool {
        !self.pending.is_empty() || self.paste.is_some()
    }

    /// Whether the wait is for the end of a bracketed paste (which may take a while over a slow
    /// link) rather than for the rest of a key.
    pub fn in_paste(&self) -> bool {
        self.paste.is_some()
    }

    /// Reads bytes as they arrived; what they complete is added to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<Token>) {
        let mut at = 0;
        while at < bytes.len() {
            if let Some(p) = &mut self.paste {
                at += read_paste(p, &bytes[at..], self.keep);
                if p.matched == PASTE_END.len() {
                    self.end_paste(out);
                }
                continue;
            }
            self.pending.push(bytes[at]);
            at += 1;
            self.parse_pending(false, out);
        }
    }

    /// Nothing more came: what waits is taken as it is (a lone `ESC` is the Esc key, a paste
    /// whose end never came ends here, half a character is dropped).
    pub fn flush(&mut self, out: &mut Vec<Token>) {
        if self.paste.is_some() {
            self.end_paste(out);
        }
        self.parse_pending(true, out);
    }

    fn end_paste(&mut self, out: &mut Vec<Token>) {
        if let Some(p) = self.paste.take() {
            let mut bytes = p.bytes;
            // A marker half seen when the paste ended without it is text.
            if p.matched < PASTE_END.len() {
                bytes.extend_from_slice(&PASTE_END[..p.matched]);
            }
            out.push(Token::Paste {
                text: String::from_utf8_lossy(&bytes).into_owned(),
                cut: p.cut,
            });
        }
    }

    /// Parses the pending bytes into as many tokens as they make. With `last`, nothing more is
    /// coming: an incomplete sequence is read as far as it goes.
    fn parse_pending(&mut self, last: bool, out: &mut Vec<Token>) {
        loop {
            if self.pending.is_empty() {
                return;
            }
            match parse(&self.pending, last) {
                Parsed::Wait => return,
                Parsed::Skip(n) => {
                    self.pending.drain(..n);
                }
                Parsed::Key(key, n) => {
                    self.pending.drain(..n);
                    out.push(Token::Key(key));
                }
                Parsed::PasteStart(n) => {
                    let rest = self.pending.split_off(n);
                    self.pending.clear();
                    self.paste = Some(Bracketed {
                        bytes: Vec::new(),
                        cut: false,
                        matched: 0,
                    });
                    // What came after the marker belongs to the paste.
                    self.feed(&rest, out);
                    return;
                }
            }
        }
    }
}

/// Reads paste bytes until the end marker; returns how many bytes it used.
fn read_paste(p: &mut Bracketed, bytes: &[u8], keep: usize) -> usize {
    for (k, &b) in bytes.iter().enumerate() {
        if b == PASTE_END[p.matched] {
            p.matched += 1;
            if p.matched == PASTE_END.len() {
                return k + 1;
            }
            continue;
        }
        // Not the marker after all: what looked like its start is text.
        for &m in &PASTE_END[..p.matched] {
            p.push(m, keep);
        }
        p.matched = 0;
        if b == PASTE_END[0] {
            p.matched = 1;
        } else {
            p.push(b, keep);
        }
    }
    bytes.len()
}

enum Parsed {
    /// More bytes are needed.
    Wait,
    /// These bytes make nothing kaohe reads.
    Skip(usize),
    /// A key, from this many bytes.
    Key(KeyEvent, usize),
    /// A bracketed paste begins after this many bytes.
    PasteStart(usize),
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn plain(code: KeyCode) -> KeyEvent {
    key(code, KeyModifiers::NONE)
}

/// The first token of `b` (not empty).
fn parse(b: &[u8], last: bool) -> Parsed {
    match b[0] {
        0x1b => parse_escape(b, last),
        _ => parse_plain(b, last),
    }
}

/// A key that is not an escape sequence: a control or a character.
fn parse_plain(b: &[u8], last: bool) -> Parsed {
    let ctrl = |c: u8| Parsed::Key(key(KeyCode::Char(c as char), KeyModifiers::CONTROL), 1);
    match b[0] {
        b'\r' => Parsed::Key(plain(KeyCode::Enter), 1),
        // Raw mode: a line feed is Ctrl-J (what the editor takes as a new line).
        b'\n' => ctrl(b'j'),
        b'\t' => Parsed::Key(plain(KeyCode::Tab), 1),
        0x7f => Parsed::Key(plain(KeyCode::Backspace), 1),
        0x00 => Parsed::Key(key(KeyCode::Char(' '), KeyModifiers::CONTROL), 1),
        c @ 0x01..=0x1a => ctrl(c - 0x01 + b'a'),
        c @ 0x1c..=0x1f => ctrl(c - 0x1c + b'4'),
        _ => match utf8(b) {
            Utf8::Char(c, n) => {
                // As crossterm reports it: a capital letter comes with Shift.
                let modifiers = if c.is_uppercase() {
                    KeyModifiers::SHIFT
                } else {
                    KeyModifiers::NONE
                };
                Parsed::Key(key(KeyCode::Char(c), modifiers), n)
            }
            Utf8::Short if !last => Parsed::Wait,
            Utf8::Short | Utf8::Invalid => Parsed::Skip(1),
        },
    }
}

enum Utf8 {
    Char(char, usize),
    /// A character's first bytes; the rest has not arrived.
    Short,
    Invalid,
}

fn utf8(b: &[u8]) -> Utf8 {
    let need = match b[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Utf8::Invalid,
    };
    if b.len() < need {
        return if b[1..].iter().all(|c| c & 0xc0 == 0x80) {
            Utf8::Short
        } else {
            Utf8::Invalid
        };
    }
    match std::str::from_utf8(&b[..need]) {
        Ok(s) => s
            .chars()
            .next()
            .map_or(Utf8::Invalid, |c| Utf8::Char(c, need)),
        Err(_) => Utf8::Invalid,
    }
}

/// `ESC` and what follows it: Esc, Alt with a key, a CSI or SS3 sequence.
fn parse_escape(b: &[u8], last: bool) -> Parsed {
    let Some(&second) = b.get(1) else {
        return if last {
            Parsed::Key(plain(KeyCode::Esc), 1)
        } else {
            Parsed::Wait
        };
    };
    match second {
        b'[' => match parse_csi(b, last) {
            // `ESC [` and nothing more: Alt-[.
            Parsed::Skip(_) if last && b.len() == 2 => alt_of(b, last),
            other => other,
        },
        b'O' => match b.get(2) {
            None if last => alt_of(b, last),
            None => Parsed::Wait,
            Some(&c) => match named_final(c) {
                Some(code) => Parsed::Key(plain(code), 3),
                None => Parsed::Skip(3),
            },
        },
        // Esc pressed twice: the first is Esc.
        0x1b => Parsed::Key(plain(KeyCode::Esc), 1),
        _ => alt_of(b, last),
    }
}

/// `ESC` then a key: that key with Alt (Alt-Enter is `ESC CR`).
fn alt_of(b: &[u8], last: bool) -> Parsed {
    match parse_plain(&b[1..], last) {
        Parsed::Key(mut k, n) => {
            k.modifiers |= KeyModifiers::ALT;
            Parsed::Key(k, n + 1)
        }
        Parsed::Wait => Parsed::Wait,
        // Not a key after the ESC: the ESC alone was Esc.
        _ => Parsed::Key(plain(KeyCode::Esc), 1),
    }
}

/// The key a CSI or SS3 sequence names by its final byte (arrows, Home, End, F1–F4).
fn named_final(c: u8) -> Option<KeyCode> {
    Some(match c {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P' => KeyCode::F(1),
        b'Q' => KeyCode::F(2),
        b'R' => KeyCode::F(3),
        b'S' => KeyCode::F(4),
        _ => return None,
    })
}

/// `ESC [` parameters, intermediates, final byte.
fn parse_csi(b: &[u8], last: bool) -> Parsed {
    let mut end = 2;
    loop {
        let Some(&c) = b.get(end) else {
            return if last {
                Parsed::Skip(b.len())
            } else {
                Parsed::Wait
            };
        };
        match c {
            0x20..=0x3f => end += 1,
            0x40..=0x7e => break,
            // Not a CSI sequence after all: drop what came before this byte.
            _ => return Parsed::Skip(end),
        }
        if end > LONGEST_CSI {
            return Parsed::Skip(end);
        }
    }
    let n = end + 1;
    let params = &b[2..end];
    let final_byte = b[end];
    let numbers: Vec<Option<u16>> = params
        .split(|&c| c == b';')
        .map(|p| {
            // `1;5:1` (kitty's event kind after a colon): the number before it.
            let p = p.split(|&c| c == b':').next().unwrap_or_default();
            std::str::from_utf8(p).ok().and_then(|s| s.parse().ok())
        })
        .collect();
    if params
        .first()
        .is_some_and(|c| !c.is_ascii_digit() && *c != b';')
    {
        // Private replies (`ESC [ ? …`) and the like: not keys.
        return Parsed::Skip(n);
    }
    let modifiers = modifiers(numbers.get(1).copied().flatten());
    let code = match final_byte {
        b'~' => match numbers.first().copied().flatten() {
            Some(200) => return Parsed::PasteStart(n),
            Some(1 | 7) => KeyCode::Home,
            Some(2) => KeyCode::Insert,
            Some(3) => KeyCode::Delete,
            Some(4 | 8) => KeyCode::End,
            Some(5) => KeyCode::PageUp,
            Some(6) => KeyCode::PageDown,
            Some(v @ 11..=15) => KeyCode::F((v - 10) as u8),
            Some(v @ 17..=21) => KeyCode::F((v - 11) as u8),
            Some(v @ 23..=24) => KeyCode::F((v - 12) as u8),
            // 201 (a paste's end without its start) and anything else: nothing.
            _ => return Parsed::Skip(n),
        },
        b'Z' => return Parsed::Key(key(KeyCode::BackTab, KeyModifiers::SHIFT), n),
        // `ESC [ row ; col R` is a cursor report, not F3: only a bare or `1;m` R is F3.
        b'R' if numbers.first().copied().flatten().is_some_and(|v| v != 1) => {
            return Parsed::Skip(n);
        }
        c => match named_final(c) {
            Some(code) => code,
            None => return Parsed::Skip(n),
        },
    };
    Parsed::Key(key(code, modifiers), n)
}

/// xterm's modifier parameter: 1 + (Shift 1, Alt 2, Ctrl 4).
fn modifiers(param: Option<u16>) -> KeyModifiers {
    let mask = param.unwrap_or(1).saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    if mask & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if mask & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if mask & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(chunks: &[&[u8]]) -> Vec<Token> {
        let mut p = Parser::new(1 << 16);
        let mut out = Vec::new();
        for c in chunks {
            p.feed(c, &mut out);
        }
        p.flush(&mut out);
        out
    }

    fn k(code: KeyCode) -> Token {
        Token::Key(plain(code))
    }

    fn c(ch: char) -> Token {
        k(KeyCode::Char(ch))
    }

    fn with(code: KeyCode, m: KeyModifiers) -> Token {
        Token::Key(key(code, m))
    }

    #[test]
    fn characters_controls_and_named_keys() {
        assert_eq!(
            parse_all(&[b"j\r\t\x7f\x03\n"]),
            vec![
                c('j'),
                k(KeyCode::Enter),
                k(KeyCode::Tab),
                k(KeyCode::Backspace),
                with(KeyCode::Char('c'), KeyModifiers::CONTROL),
                with(KeyCode::Char('j'), KeyModifiers::CONTROL),
            ]
        );
        assert_eq!(
            parse_all(&[b"G"]),
            vec![with(KeyCode::Char('G'), KeyModifiers::SHIFT)]
        );
        assert_eq!(
            parse_all(&["柯城区".as_bytes()]),
            vec![c('柯'), c('城'), c('区')]
        );
        assert_eq!(
            parse_all(&[b"\x1b[A\x1bOB\x1b[5~\x1b[3~\x1b[1;5C\x1b[H\x1b[4~"]),
            vec![
                k(KeyCode::Up),
                k(KeyCode::Down),
                k(KeyCode::PageUp),
                k(KeyCode::Delete),
                with(KeyCode::Right, KeyModifiers::CONTROL),
                k(KeyCode::Home),
                k(KeyCode::End),
            ]
        );
    }

    #[test]
    fn esc_alone_alt_keys_and_esc_twice() {
        assert_eq!(parse_all(&[b"\x1b"]), vec![k(KeyCode::Esc)]);
        assert_eq!(
            parse_all(&[b"\x1b\r\x1b1"]),
            vec![
                with(KeyCode::Enter, KeyModifiers::ALT),
                with(KeyCode::Char('1'), KeyModifiers::ALT)
            ]
        );
        assert_eq!(
            parse_all(&[b"\x1b\x1bq"]),
            vec![k(KeyCode::Esc), with(KeyCode::Char('q'), KeyModifiers::ALT)]
        );
    }

    #[test]
    fn sequences_and_characters_split_between_reads_wait_for_the_rest() {
        let mut p = Parser::new(1 << 16);
        let mut out = Vec::new();
        p.feed(b"\x1b[", &mut out);
        assert!(out.is_empty() && p.waiting());
        p.feed(b"B", &mut out);
        let bytes = "台".as_bytes();
        p.feed(&bytes[..1], &mut out);
        assert!(p.waiting());
        p.feed(&bytes[1..], &mut out);
        assert_eq!(out, vec![k(KeyCode::Down), c('台')]);
        assert!(!p.waiting());
    }

    #[test]
    fn a_bracketed_paste_is_one_token_however_it_is_split() {
        let whole = b"e\x1b[200~1\r\x1b[2~q\x1b[201~j";
        let want = vec![
            c('e'),
            Token::Paste {
                text: "1\r\x1b[2~q".into(),
                cut: false,
            },
            c('j'),
        ];
        assert_eq!(parse_all(&[whole]), want);
        // Split at every byte.
        let bytes: Vec<&[u8]> = whole.chunks(1).collect();
        assert_eq!(parse_all(&bytes), want);
    }

    #[test]
    fn a_bracketed_paste_keeps_at_most_its_bound_and_says_it_was_cut() {
        let mut p = Parser::new(4);
        let mut out = Vec::new();
        p.feed(b"\x1b[200~abcdefgh\x1b[201~", &mut out);
        assert_eq!(
            out,
            vec![Token::Paste {
                text: "abcd".into(),
                cut: true
            }]
        );
    }

    #[test]
    fn what_is_not_a_key_is_dropped_not_guessed() {
        // A cursor report, a private reply, a paste end without a start, a broken byte.
        assert_eq!(
            parse_all(&[b"\x1b[12;40R\x1b[?1;2c\x1b[201~\xffx"]),
            vec![c('x')]
        );
    }
}
