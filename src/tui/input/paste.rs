//! Keys or a paste: what arrived together is judged here, so that a paste the terminal did not
//! bracket (GNU screen, some PuTTY set-ups, a paste split by the network) is text and never a
//! string of commands.
//!
//! The rule, in the words the README uses:
//!
//! - A *burst* is everything the terminal had sent when kaohe read it. A person types one key
//!   at a time: two characters in one burst came faster than anyone types.
//! - A burst is a **paste** when it holds two characters or more and a line break, or
//!   [`LONG`] plain (ASCII) characters or more. Whatever arrives within [`QUIET`] of a paste's
//!   last byte is more of the same paste (the rest of a paste the network split); the paste
//!   ends after [`QUIET`] without input.
//! - A paste is text, whatever keys it holds: its characters, its line breaks (Enter,
//!   Ctrl-J) and tabs; every other key in it is dropped. One paste keeps at most
//!   [`PASTE_LIMIT`] bytes of text; the rest is dropped and the paste says it was cut.
//! - A burst of two characters or more, one of them beyond ASCII, with no line break, is what
//!   an input method commits (`佐证材料`, `2023年`): text too, never keys; but no paste, so an
//!   Enter right after it saves.
//! - Everything else is keys, each acted on in turn: `l` Enter, Enter Enter, `1yy`.
//!
//! A terminal's bracketed paste is a paste by the terminal's word: its text, bounded the same
//! way, between the keys around it.

use super::parse::Token;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::{Duration, Instant};

/// How long after a paste's last byte its continuation may still arrive. Over SSH a paste
/// comes in pieces tens of milliseconds apart (one segment, then the rest after an
/// acknowledgement: Linux delays one up to 40 ms); nobody presses a key within a tenth of a
/// second of a paste because of what the paste showed.
pub const QUIET: Duration = Duration::from_millis(100);

/// The most one paste keeps: 64 KiB of UTF-8 text (some 21,000 Chinese characters, far more
/// than any note); the rest is dropped, and the reviewer is told.
pub const PASTE_LIMIT: usize = 64 * 1024;

/// Characters arriving together that no one types at once, even with the network bunching
/// keystrokes: sixteen.
pub const LONG: usize = 16;

/// What the loop acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Key(KeyEvent),
    /// Part of a paste, in order: typed as text where text is typed, never acted on as keys.
    Text(String),
    /// A paste ended; `cut` if it was longer than [`PASTE_LIMIT`] (the rest was dropped).
    PasteEnded {
        cut: bool,
    },
    /// Characters an input method committed at once (a Chinese phrase, `2023年`): text where
    /// text is typed, never keys; no paste, so nothing waits for more.
    Phrase(String),
}

/// What one burst holds, outside bracketed pastes.
#[derive(Debug, Clone, Copy, Default)]
struct Burst {
    chars: usize,
    /// Characters beyond ASCII, which only an input method or a paste sends.
    wide: bool,
    line_break: bool,
}

impl Burst {
    fn of(tokens: &[Token]) -> Burst {
        let mut b = Burst::default();
        for t in tokens {
            if let Token::Key(k) = t {
                if let Some(c) = character(k) {
                    b.chars += 1;
                    b.wide |= !c.is_ascii();
                } else if is_line_break(k) {
                    b.line_break = true;
                }
            }
        }
        b
    }

    /// Lines of text, or a run of plain characters longer than anyone types at once (an input
    /// method's sentence aside: that is a [`Unit::Phrase`]).
    fn is_paste(&self) -> bool {
        self.chars >= 2 && self.line_break || !self.wide && self.chars >= LONG
    }

    fn is_phrase(&self) -> bool {
        self.chars >= 2 && self.wide
    }
}

/// A paste not over yet: until when more of it may come, and what it kept.
#[derive(Debug, Clone, Copy)]
struct Open {
    until: Instant,
    bytes: usize,
    cut: bool,
}

/// Judges bursts as they arrive; pure, so the rule is tested without a terminal.
#[derive(Debug, Default)]
pub struct Gather {
    paste: Option<Open>,
}

impl Gather {
    pub fn new() -> Gather {
        Gather::default()
    }

    /// When an open paste ends if nothing more arrives (the reader wakes then to say so).
    pub fn deadline(&self) -> Option<Instant> {
        self.paste.map(|p| p.until)
    }

    /// Time passed with nothing read: a paste whose quiet window is over has ended.
    pub fn tick(&mut self, now: Instant, out: &mut Vec<Unit>) {
        if let Some(p) = self.paste.filter(|p| now >= p.until) {
            self.paste = None;
            out.push(Unit::PasteEnded { cut: p.cut });
        }
    }

    /// One burst, read at `now`: what to act on.
    pub fn burst(&mut self, tokens: Vec<Token>, now: Instant, out: &mut Vec<Unit>) {
        self.tick(now, out);
        if tokens.is_empty() {
            return;
        }
        let burst = Burst::of(&tokens);
        if self.paste.is_some() || burst.is_paste() {
            // More of a paste, or a new one: text, and the window stays open after it.
            let p = self.paste.get_or_insert(Open {
                until: now,
                bytes: 0,
                cut: false,
            });
            let text = bounded(&text_of(&tokens), &mut p.bytes, &mut p.cut);
            p.until = now + QUIET;
            if !text.is_empty() {
                out.push(Unit::Text(text));
            }
            return;
        }
        if burst.is_phrase() {
            let (mut bytes, mut cut) = (0, false);
            out.push(Unit::Phrase(bounded(
                &text_of(&tokens),
                &mut bytes,
                &mut cut,
            )));
            return;
        }
        for t in tokens {
            match t {
                Token::Key(k) => out.push(Unit::Key(k)),
                // The terminal said where it begins and ends: a paste of its own.
                Token::Paste { text, mut cut } => {
                    let text = bounded(&text, &mut 0, &mut cut);
                    if !text.is_empty() {
                        out.push(Unit::Text(text));
                    }
                    out.push(Unit::PasteEnded { cut });
                }
            }
        }
    }
}

/// The character a key types into text, if it is one (no Ctrl or Alt, not a control).
fn character(k: &KeyEvent) -> Option<char> {
    match k.code {
        KeyCode::Char(c)
            if !k
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                && !c.is_control() =>
        {
            Some(c)
        }
        _ => None,
    }
}

/// Enter, Alt-Enter or Ctrl-J: what a terminal sends for a pasted line break.
fn is_line_break(k: &KeyEvent) -> bool {
    match k.code {
        KeyCode::Enter => true,
        KeyCode::Char('j') => k.modifiers == KeyModifiers::CONTROL,
        _ => false,
    }
}

/// A paste's keys as the text they stand for: characters, line breaks and tabs; every other
/// key (Esc, Ctrl-C, an arrow) is dropped.
fn text_of(tokens: &[Token]) -> String {
    let mut text = String::new();
    for t in tokens {
        match t {
            Token::Key(k) => {
                if let Some(c) = character(k) {
                    text.push(c);
                } else if is_line_break(k) {
                    text.push('\n');
                } else if k.code == KeyCode::Tab && k.modifiers.is_empty() {
                    text.push('\t');
                } else if let (KeyCode::Char(c), KeyModifiers::ALT) = (k.code, k.modifiers) {
                    // An ESC in pasted text before a character: the character.
                    if !c.is_control() {
                        text.push(c);
                    }
                }
            }
            Token::Paste { text: t, .. } => text.push_str(t),
        }
    }
    text
}

/// The part of `text` a paste that kept `bytes` so far still has room for; the rest is
/// dropped, and `cut` says so.
fn bounded(text: &str, bytes: &mut usize, cut: &mut bool) -> String {
    let room = PASTE_LIMIT.saturating_sub(*bytes);
    let mut end = text.len().min(room);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < text.len() {
        *cut = true;
    }
    *bytes += end;
    text[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::input::parse::Parser;

    /// Bursts given as (milliseconds after the start, bytes); the units and the time each
    /// came out.
    fn judge(bursts: &[(u64, &str)]) -> Vec<Unit> {
        let start = Instant::now();
        let mut g = Gather::new();
        let mut p = Parser::new(PASTE_LIMIT + 1);
        let mut out = Vec::new();
        for (ms, bytes) in bursts {
            let mut tokens = Vec::new();
            p.feed(bytes.as_bytes(), &mut tokens);
            p.flush(&mut tokens);
            g.burst(tokens, start + Duration::from_millis(*ms), &mut out);
        }
        g.tick(start + Duration::from_secs(3600), &mut out);
        out
    }

    fn keys(s: &str) -> Vec<Unit> {
        let mut p = Parser::new(PASTE_LIMIT);
        let mut tokens = Vec::new();
        p.feed(s.as_bytes(), &mut tokens);
        p.flush(&mut tokens);
        tokens
            .into_iter()
            .map(|t| match t {
                Token::Key(k) => Unit::Key(k),
                Token::Paste { .. } => unreachable!(),
            })
            .collect()
    }

    fn text(s: &str) -> Unit {
        Unit::Text(s.into())
    }

    fn ended() -> Unit {
        Unit::PasteEnded { cut: false }
    }

    #[test]
    fn keys_sent_together_stay_keys() {
        for burst in ["l\r", "\r\r", "1yy", "llll1", "djex", "jjjjjjjj", "\x1b\r"] {
            assert_eq!(judge(&[(0, burst)]), keys(burst), "{burst:?}");
        }
    }

    #[test]
    fn a_multi_line_paste_is_text_with_its_line_breaks() {
        assert_eq!(
            judge(&[(0, "台账不全\r请补充2份材料\r3项说明")]),
            vec![text("台账不全\n请补充2份材料\n3项说明"), ended()]
        );
        // A paste ending in a line break keeps it: the Enter saves nothing.
        assert_eq!(judge(&[(0, "ok 1\r2\r")]), vec![text("ok 1\n2\n"), ended()]);
    }

    #[test]
    fn a_paste_split_by_the_network_is_one_paste() {
        // The first piece ends in a line break; the rest comes 30 ms later.
        assert_eq!(
            judge(&[(0, "核查意见：\r1 台账不全\r"), (30, "2 请补充\r3 已核实")]),
            vec![
                text("核查意见：\n1 台账不全\n"),
                text("2 请补充\n3 已核实"),
                ended()
            ]
        );
        // Split after a long first line: the line opened the window, so the line break that
        // follows alone is more of the paste.
        let line = "x".repeat(LONG);
        assert_eq!(
            judge(&[(0, &line), (30, "\r"), (60, "de")]),
            vec![text(&line), text("\n"), text("de"), ended()]
        );
        // The limit of the rule: a first piece of a few plain characters is keys, and so is a
        // line break arriving alone after it (a terminal sends a paste in one write; the
        // network splits it in pieces of a kilobyte or more).
        assert_eq!(
            judge(&[(0, "abc"), (30, "\r"), (60, "de")]),
            keys("abc\rde")
        );
    }

    #[test]
    fn a_key_after_the_quiet_window_is_a_key_again() {
        assert_eq!(
            judge(&[(0, "a\rb"), (50, "\r"), (200, "\r")]),
            [vec![text("a\nb"), text("\n"), ended()], keys("\r")].concat()
        );
        // Typed one key at a time, Enter is Enter whatever the pace.
        assert_eq!(judge(&[(0, "a"), (40, "b"), (80, "\r")]), keys("ab\r"));
        // Keys bunched by the network, then typed on: the window they opened closes on time.
        assert_eq!(
            judge(&[(0, "jj"), (60, "k"), (120, "k"), (150, "\r")]),
            keys("jjkk\r")
        );
    }

    #[test]
    fn a_long_line_is_a_paste_even_without_a_line_break() {
        let line = "j".repeat(LONG);
        assert_eq!(judge(&[(0, &line)]), vec![text(&line), ended()]);
        assert_eq!(judge(&[(0, &line[1..])]), keys(&line[1..]));
    }

    #[test]
    fn an_input_methods_phrase_is_text_never_keys_and_no_paste() {
        let phrase = |s: &str| Unit::Phrase(s.into());
        assert_eq!(judge(&[(0, "2023年")]), vec![phrase("2023年")]);
        // A whole sentence at once, then Enter 50 ms later: Enter is Enter (it saves).
        let sentence = "根据省厅文件要求本项工作已按时完成并报送材料";
        assert_eq!(
            judge(&[(0, sentence), (50, "\r")]),
            [vec![phrase(sentence)], keys("\r")].concat()
        );
        // One character alone is a key like any other.
        assert_eq!(judge(&[(0, "好")]), keys("好"));
    }

    #[test]
    fn keys_inside_a_paste_do_nothing() {
        // Esc, Ctrl-C and an arrow in a paste are dropped; a tab is text.
        assert_eq!(
            judge(&[(0, "甲\x1b\x03\x1b[A\t乙\r")]),
            vec![text("甲\t乙\n"), ended()]
        );
    }

    #[test]
    fn a_paste_keeps_at_most_its_limit_and_says_it_was_cut() {
        let piece = "一二三四\r".repeat(1000); // 13,000 bytes
        let bursts: Vec<(u64, &str)> = (0..8).map(|k| (k * 20, piece.as_str())).collect();
        let out = judge(&bursts);
        let kept: String = out
            .iter()
            .filter_map(|u| match u {
                Unit::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert!(kept.len() <= PASTE_LIMIT && kept.len() > PASTE_LIMIT - 4);
        assert_eq!(piece.repeat(8)[..kept.len()], kept.replace('\n', "\r"));
        assert_eq!(out.last(), Some(&Unit::PasteEnded { cut: true }));
    }

    #[test]
    fn a_bracketed_paste_is_text_between_keys() {
        assert_eq!(
            judge(&[(0, "e\x1b[200~1\r2\x1b[201~\r")]),
            vec![
                Unit::Key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE)),
                text("1\r2"),
                ended(),
                Unit::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            ]
        );
    }

    #[test]
    fn the_paste_ends_only_after_the_quiet_window() {
        let start = Instant::now();
        let mut g = Gather::new();
        let mut out = Vec::new();
        let mut tokens = Vec::new();
        Parser::new(PASTE_LIMIT).feed(b"a\rb", &mut tokens);
        g.burst(tokens, start, &mut out);
        assert_eq!(g.deadline(), Some(start + QUIET));
        g.tick(start + QUIET / 2, &mut out);
        assert_eq!(out, vec![text("a\nb")]);
        g.tick(start + QUIET, &mut out);
        assert_eq!(out, vec![text("a\nb"), ended()]);
        assert_eq!(g.deadline(), None);
    }
}
