//! The one table of keys. The workspace reads keys through it, and the help overlay and the
//! hint line are generated from it, so they can never disagree with what the keys do.
//!
//! Every action has a plain key that every terminal sends (PuTTY, Xshell, SecureCRT, Windows
//! Terminal …): no Ctrl-Enter or Shift-Enter, which many cannot tell from Enter.

use super::action::{Action, Mode};
use crate::model::Verdict;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn plain(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

const fn code(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn alt(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::ALT,
    }
}

pub struct Binding {
    pub mode: Mode,
    pub keys: &'static [Key],
    pub action: Action,
    /// Shown in the one-line hint at the bottom of the screen.
    pub hint: bool,
}

const fn bind(mode: Mode, keys: &'static [Key], action: Action, hint: bool) -> Binding {
    Binding {
        mode,
        keys,
        action,
        hint,
    }
}

use Action::*;
use Mode::{Browse, Confirm, Editor, Help as HelpMode};

pub const BINDINGS: &[Binding] = &[
    bind(Browse, &[plain('j'), code(KeyCode::Down)], NextCounty, true),
    bind(Browse, &[plain('k'), code(KeyCode::Up)], PrevCounty, false),
    bind(
        Browse,
        &[plain('l'), code(KeyCode::Right)],
        NextIndicator,
        true,
    ),
    bind(
        Browse,
        &[plain('h'), code(KeyCode::Left)],
        PrevIndicator,
        false,
    ),
    bind(Browse, &[plain(']')], NextTarget, false),
    bind(Browse, &[plain('[')], PrevTarget, false),
    bind(Browse, &[plain('g'), code(KeyCode::Home)], First, false),
    bind(Browse, &[plain('G'), code(KeyCode::End)], Last, false),
    bind(Browse, &[plain('n')], NextUnreviewed, true),
    bind(Browse, &[plain('1')], Mark(Verdict::Met), true),
    bind(Browse, &[plain('2')], Mark(Verdict::PartlyMet), true),
    bind(Browse, &[plain('3')], Mark(Verdict::NotMet), true),
    bind(Browse, &[plain('0')], Clear, true),
    bind(Browse, &[plain('e')], EditNote, true),
    bind(Browse, &[plain('u')], Undo, true),
    bind(Browse, &[ctrl('r'), plain('U')], Redo, false),
    bind(Browse, &[plain('f')], ToggleFilter, false),
    bind(Browse, &[plain('m')], ToggleFlow, false),
    bind(Browse, &[code(KeyCode::Tab)], NextPane, false),
    bind(Browse, &[plain('?')], Help, true),
    bind(Browse, &[plain('q'), ctrl('c')], Quit, true),
    bind(Editor, &[code(KeyCode::Enter)], SaveNote, true),
    bind(Editor, &[alt(KeyCode::Enter), ctrl('j')], NewLine, true),
    bind(Editor, &[code(KeyCode::Esc), ctrl('c')], CloseEditor, true),
    bind(Editor, &[code(KeyCode::Left), ctrl('b')], CaretLeft, false),
    bind(
        Editor,
        &[code(KeyCode::Right), ctrl('f')],
        CaretRight,
        false,
    ),
    bind(Editor, &[code(KeyCode::Up), ctrl('p')], CaretUp, false),
    bind(Editor, &[code(KeyCode::Down), ctrl('n')], CaretDown, false),
    bind(Editor, &[code(KeyCode::Home), ctrl('a')], LineStart, false),
    bind(Editor, &[code(KeyCode::End), ctrl('e')], LineEnd, false),
    bind(
        Editor,
        &[code(KeyCode::Backspace), ctrl('h')],
        DeleteBack,
        false,
    ),
    bind(
        Editor,
        &[code(KeyCode::Delete), ctrl('d')],
        DeleteForward,
        false,
    ),
    bind(Confirm, &[code(KeyCode::Enter)], SaveNote, true),
    bind(Confirm, &[plain('d')], DiscardNote, true),
    bind(Confirm, &[code(KeyCode::Esc)], KeepEditing, true),
    bind(
        HelpMode,
        &[plain('j'), code(KeyCode::Down)],
        ScrollDown,
        true,
    ),
    bind(HelpMode, &[plain('k'), code(KeyCode::Up)], ScrollUp, true),
    bind(
        HelpMode,
        &[code(KeyCode::Esc), plain('?'), plain('q')],
        CloseHelp,
        true,
    ),
];

/// The action a key press means in `mode`, if any.
pub fn action(mode: Mode, event: &KeyEvent) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let key = normalize(event);
    BINDINGS
        .iter()
        .find(|b| b.mode == mode && b.keys.contains(&key))
        .map(|b| b.action)
}

/// Shift is part of the character itself (`G`, `?`), so it is dropped for characters.
fn normalize(event: &KeyEvent) -> Key {
    let mut modifiers = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
    if !matches!(event.code, KeyCode::Char(_)) {
        modifiers |= event.modifiers & KeyModifiers::SHIFT;
    }
    Key {
        code: event.code,
        modifiers,
    }
}

/// A key as the help overlay writes it: `j`, `↓`, `Ctrl-r`, `Alt-Enter`.
pub fn describe(key: &Key) -> String {
    let name = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        // Ctrl-J, as terminals and manuals write it.
        KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => {
            c.to_ascii_uppercase().to_string()
        }
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Down => "↓".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Delete => "Del".into(),
        other => format!("{other:?}"),
    };
    let mut prefix = String::new();
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        prefix.push_str("Ctrl-");
    }
    if key.modifiers.contains(KeyModifiers::ALT) {
        prefix.push_str("Alt-");
    }
    format!("{prefix}{name}")
}

/// The hint line while browsing: groups of actions shown as one entry (`j/k 县`), their keys
/// taken from the table above. Help and quit come last and are never crowded out.
pub const BROWSE_HINTS: &[&[Action]] = &[
    &[NextCounty, PrevCounty],
    &[NextIndicator, PrevIndicator],
    &[
        Mark(Verdict::Met),
        Mark(Verdict::PartlyMet),
        Mark(Verdict::NotMet),
    ],
    &[Clear],
    &[EditNote],
    &[NextUnreviewed],
    &[Undo],
    &[ToggleFilter],
    &[ToggleFlow],
    // Only while the window is narrow (one pane at a time).
    &[NextPane],
    &[Help],
    &[Quit],
];

/// The first key of an action in `mode`, as written for people.
pub fn first_key(mode: Mode, action: Action) -> Option<String> {
    BINDINGS
        .iter()
        .find(|b| b.mode == mode && b.action == action)
        .and_then(|b| b.keys.first())
        .map(describe)
}

/// The bindings of one mode, in table order.
pub fn of(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.mode == mode)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_key_means_two_things_in_one_mode() {
        let mut seen = HashSet::new();
        for b in BINDINGS {
            for k in b.keys {
                assert!(
                    seen.insert((b.mode, format!("{k:?}"))),
                    "{k:?} bound twice in {:?}",
                    b.mode
                );
            }
        }
    }

    #[test]
    fn keys_read_as_terminals_send_them() {
        let ev = |code, modifiers| KeyEvent::new(code, modifiers);
        assert_eq!(
            action(Mode::Browse, &ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Last)
        );
        assert_eq!(
            action(Mode::Browse, &ev(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Help)
        );
        assert_eq!(
            action(Mode::Editor, &ev(KeyCode::Enter, KeyModifiers::ALT)),
            Some(NewLine)
        );
        assert_eq!(
            action(Mode::Editor, &ev(KeyCode::Char('j'), KeyModifiers::CONTROL)),
            Some(NewLine)
        );
        assert_eq!(
            action(Mode::Editor, &ev(KeyCode::Enter, KeyModifiers::NONE)),
            Some(SaveNote)
        );
        assert_eq!(
            action(Mode::Browse, &ev(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            Some(Redo)
        );
        assert_eq!(
            action(Mode::Editor, &ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn every_browse_action_has_a_plain_key() {
        for b in of(Mode::Browse) {
            assert!(
                b.keys.iter().any(|k| k.modifiers.is_empty()),
                "{:?} needs a key without modifiers",
                b.action
            );
        }
    }
}
