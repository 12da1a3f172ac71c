//! kaohe's own key: what the keymap, the config file and the help overlay speak of. A
//! terminal's key event becomes one at the edge (`Key::try_from`); the three spellings of a
//! key (as a config file writes it, as the help shows it, and the other names a config may
//! use) come from one table.

use ratatui::crossterm::event::{self, KeyEvent, KeyModifiers};

/// A key as kaohe reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
    /// Only with a named key (Shift-↓ is not ↓): in a character, Shift is part of the
    /// character itself (`G`, `?`).
    pub shift: bool,
}

/// The keys kaohe has a name for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Backspace,
    Delete,
    Insert,
    F(u8),
}

/// A character alone: `j`.
pub(super) const fn plain(c: char) -> Key {
    code(KeyCode::Char(c))
}

/// Ctrl with a character: `Ctrl-R`.
pub(super) const fn ctrl(c: char) -> Key {
    Key {
        ctrl: true,
        ..plain(c)
    }
}

/// A key alone: `Enter`, `↓`.
pub(super) const fn code(code: KeyCode) -> Key {
    Key {
        code,
        ctrl: false,
        alt: false,
        shift: false,
    }
}

/// Alt with a key: `Alt-Enter`.
pub(super) const fn alt(code: KeyCode) -> Key {
    Key {
        alt: true,
        ..self::code(code)
    }
}

/// Every named key: as a config file writes it (then the other names a config may use for
/// it), and as the help overlay shows it.
const NAMED: &[(KeyCode, &[&str], &str)] = &[
    (KeyCode::Enter, &["enter", "return"], "Enter"),
    (KeyCode::Esc, &["esc", "escape"], "Esc"),
    (KeyCode::Tab, &["tab"], "Tab"),
    (KeyCode::Char(' '), &["space"], "Space"),
    (KeyCode::Up, &["up"], "↑"),
    (KeyCode::Down, &["down"], "↓"),
    (KeyCode::Left, &["left"], "←"),
    (KeyCode::Right, &["right"], "→"),
    (KeyCode::Home, &["home"], "Home"),
    (KeyCode::End, &["end"], "End"),
    (KeyCode::PageUp, &["pageup", "pgup"], "PgUp"),
    (KeyCode::PageDown, &["pagedown", "pgdn"], "PgDn"),
    (KeyCode::Backspace, &["backspace"], "Backspace"),
    (KeyCode::Delete, &["delete", "del"], "Del"),
    (KeyCode::Insert, &["insert", "ins"], "Ins"),
];

fn named(code: KeyCode) -> Option<&'static (KeyCode, &'static [&'static str], &'static str)> {
    NAMED.iter().find(|(c, _, _)| *c == code)
}

impl TryFrom<&KeyEvent> for Key {
    /// A key kaohe has no name for (Caps Lock, a media key …): no binding can name it.
    type Error = event::KeyCode;

    fn try_from(event: &KeyEvent) -> Result<Key, event::KeyCode> {
        use event::KeyCode as Sent;
        let code = match event.code {
            Sent::Char(c) => KeyCode::Char(c),
            Sent::Enter => KeyCode::Enter,
            Sent::Esc => KeyCode::Esc,
            Sent::Tab => KeyCode::Tab,
            Sent::Up => KeyCode::Up,
            Sent::Down => KeyCode::Down,
            Sent::Left => KeyCode::Left,
            Sent::Right => KeyCode::Right,
            Sent::Home => KeyCode::Home,
            Sent::End => KeyCode::End,
            Sent::PageUp => KeyCode::PageUp,
            Sent::PageDown => KeyCode::PageDown,
            Sent::Backspace => KeyCode::Backspace,
            Sent::Delete => KeyCode::Delete,
            Sent::Insert => KeyCode::Insert,
            Sent::F(n) => KeyCode::F(n),
            other => return Err(other),
        };
        Ok(Key {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
            shift: event.modifiers.contains(KeyModifiers::SHIFT)
                && !matches!(code, KeyCode::Char(_)),
        })
    }
}

impl Key {
    /// Whether this key types a character into a note or a search: a character alone.
    pub fn types_a_character(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.ctrl && !self.alt && !self.shift
    }

    /// The key as a config file writes it (what `parse_key` reads back): `ctrl-r`, `alt-enter`.
    pub fn spec(&self) -> String {
        let name = match (self.code, named(self.code)) {
            (_, Some((_, names, _))) => names.first().copied().unwrap_or_default().to_string(),
            (KeyCode::Char(c), None) => c.to_string(),
            (KeyCode::F(n), None) => format!("f{n}"),
            (other, None) => format!("{other:?}").to_lowercase(),
        };
        format!("{}{name}", self.prefix("ctrl-", "alt-"))
    }

    fn prefix(&self, ctrl: &str, alt: &str) -> String {
        let mut prefix = String::new();
        if self.ctrl {
            prefix.push_str(ctrl);
        }
        if self.alt {
            prefix.push_str(alt);
        }
        prefix
    }
}

/// A key as the help overlay writes it: `j`, `↓`, `Ctrl-R`, `Alt-Enter`.
pub fn describe(key: &Key) -> String {
    let name = match (key.code, named(key.code)) {
        (_, Some((_, _, shown))) => shown.to_string(),
        // Ctrl-J, as terminals and manuals write it.
        (KeyCode::Char(c), None) if key.ctrl => c.to_ascii_uppercase().to_string(),
        (KeyCode::Char(c), None) => c.to_string(),
        (KeyCode::F(n), None) => format!("F{n}"),
        (other, None) => format!("{other:?}"),
    };
    format!("{}{name}", key.prefix("Ctrl-", "Alt-"))
}

/// Reads a key as a config file writes it: `j`, `G`, `ctrl-r`, `alt-enter`, `down`, `f2`,
/// `space`. Case matters only for a single character.
pub fn parse_key(spec: &str) -> Result<Key, String> {
    let (mut ctrl, mut alt) = (false, false);
    let mut rest = spec;
    loop {
        let lower = rest.to_ascii_lowercase();
        if let Some(r) = lower.strip_prefix("ctrl-").or(lower.strip_prefix("c-")) {
            ctrl = true;
            rest = &rest[rest.len() - r.len()..];
        } else if let Some(r) = lower.strip_prefix("alt-").or(lower.strip_prefix("m-")) {
            alt = true;
            rest = &rest[rest.len() - r.len()..];
        } else {
            break;
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        // Ctrl with a letter arrives as the lower-case letter.
        (Some(c), None) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        (Some(c), None) => KeyCode::Char(c),
        _ => {
            let name = rest.to_ascii_lowercase();
            let function = name
                .strip_prefix('f')
                .and_then(|n| n.parse::<u8>().ok())
                .filter(|n| (1..=12).contains(n));
            match NAMED
                .iter()
                .find(|(_, names, _)| names.contains(&name.as_str()))
            {
                Some(&(code, _, _)) => code,
                None => match function {
                    Some(n) => KeyCode::F(n),
                    None => {
                        return Err(format!(
                            "\"{spec}\" is not a key (write a character, or ctrl-x, alt-x, enter, esc, tab, space, up, down, left, right, home, end, pageup, pagedown, backspace, delete, f1–f12)"
                        ));
                    }
                },
            }
        }
    };
    Ok(Key {
        code,
        ctrl,
        alt,
        shift: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_as_a_config_file_writes_them() {
        assert_eq!(parse_key("j"), Ok(plain('j')));
        assert_eq!(parse_key("G"), Ok(plain('G')));
        assert_eq!(parse_key("ctrl-R"), Ok(ctrl('r')));
        assert_eq!(parse_key("Alt-Enter"), Ok(alt(KeyCode::Enter)));
        assert_eq!(parse_key("down"), Ok(code(KeyCode::Down)));
        assert_eq!(parse_key("f2"), Ok(code(KeyCode::F(2))));
        assert_eq!(parse_key("space"), Ok(plain(' ')));
        assert!(parse_key("ctrl-").is_err());
        assert!(parse_key("hyper-x").is_err());
        assert!(parse_key("f13").is_err());
    }

    #[test]
    fn a_key_written_for_a_config_reads_back() {
        for &(named, _, _) in NAMED {
            for key in [
                code(named),
                alt(named),
                Key {
                    ctrl: true,
                    ..alt(named)
                },
            ] {
                assert_eq!(parse_key(&key.spec()), Ok(key));
            }
        }
        for key in [
            plain('G'),
            ctrl('r'),
            alt(KeyCode::Char('1')),
            code(KeyCode::F(12)),
        ] {
            assert_eq!(parse_key(&key.spec()), Ok(key));
        }
    }
}
