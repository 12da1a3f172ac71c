//! The one table of keys. The workspace reads keys through it, and the help overlay and the
//! hint line are generated from it, so they can never disagree with what the keys do. A user's
//! config file may rebind any action by name; only what it names changes.
//!
//! Every action has a plain key that every terminal sends (PuTTY, Xshell, SecureCRT, Windows
//! Terminal …): no Ctrl-Enter or Shift-Enter, which many cannot tell from Enter.

use super::action::{Action, Mode};
use crate::model::Verdict;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub mode: Mode,
    pub keys: Vec<Key>,
    pub action: Action,
    /// Shown in the one-line hint at the bottom of the screen.
    pub hint: bool,
}

use Action::*;
use Mode::{
    Browse, Confirm, Conflict as ConflictMode, Editor, Help as HelpMode, History as HistoryMode,
    Search as SearchMode, Summary as SummaryMode,
};

/// The default keys: (mode, keys, action, shown in the hint line).
#[rustfmt::skip]
const DEFAULTS: &[(Mode, &[Key], Action, bool)] = &[
    (Browse, &[plain('j'), code(KeyCode::Down)], NextCounty, true),
    (Browse, &[plain('k'), code(KeyCode::Up)], PrevCounty, false),
    (
        Browse,
        &[plain('l'), code(KeyCode::Right)],
        NextIndicator,
        true,
    ),
    (
        Browse,
        &[plain('h'), code(KeyCode::Left)],
        PrevIndicator,
        false,
    ),
    // With a Chinese input method on, ] [ ? arrive as 】【？.
    (Browse, &[plain(']'), plain('】')], NextTarget, false),
    (Browse, &[plain('['), plain('【')], PrevTarget, false),
    (Browse, &[plain('g'), code(KeyCode::Home)], First, false),
    (Browse, &[plain('G'), code(KeyCode::End)], Last, false),
    (Browse, &[plain('n')], NextUnreviewed, true),
    (Browse, &[plain('1')], Mark(Verdict::Met), true),
    (Browse, &[plain('2')], Mark(Verdict::PartlyMet), true),
    (Browse, &[plain('3')], Mark(Verdict::NotMet), true),
    (Browse, &[code(KeyCode::Enter)], AcceptSuggestion, false),
    (Browse, &[plain('0')], Clear, true),
    (Browse, &[plain('e')], EditNote, true),
    (Browse, &[plain('u')], Undo, true),
    (Browse, &[ctrl('r')], Redo, false),
    (Browse, &[plain('f')], ToggleFilter, false),
    (Browse, &[plain('m')], ToggleFlow, false),
    (Browse, &[plain('/'), plain('、')], Search, true),
    (Browse, &[plain('H')], History, false),
    (Browse, &[plain('s')], OpenSummary, true),
    (Browse, &[code(KeyCode::Tab)], NextPane, false),
    (Browse, &[plain('?'), plain('？')], Help, true),
    (Browse, &[plain('q'), ctrl('c')], Quit, true),
    (Editor, &[code(KeyCode::Enter)], SaveNote, true),
    (Editor, &[alt(KeyCode::Enter), ctrl('j')], NewLine, true),
    (Editor, &[code(KeyCode::Esc), ctrl('c')], CloseEditor, true),
    (Editor, &[code(KeyCode::Left), ctrl('b')], CaretLeft, false),
    (
        Editor,
        &[code(KeyCode::Right), ctrl('f')],
        CaretRight,
        false,
    ),
    (Editor, &[code(KeyCode::Up), ctrl('p')], CaretUp, false),
    (Editor, &[code(KeyCode::Down), ctrl('n')], CaretDown, false),
    (Editor, &[code(KeyCode::Home), ctrl('a')], LineStart, false),
    (Editor, &[code(KeyCode::End), ctrl('e')], LineEnd, false),
    (
        Editor,
        &[code(KeyCode::Backspace), ctrl('h')],
        DeleteBack,
        false,
    ),
    (
        Editor,
        &[code(KeyCode::Delete), ctrl('d')],
        DeleteForward,
        false,
    ),
    (
        Editor,
        &[alt(KeyCode::Char('1'))],
        InsertStandardNote(1),
        false,
    ),
    (
        Editor,
        &[alt(KeyCode::Char('2'))],
        InsertStandardNote(2),
        false,
    ),
    (
        Editor,
        &[alt(KeyCode::Char('3'))],
        InsertStandardNote(3),
        false,
    ),
    (
        Editor,
        &[alt(KeyCode::Char('4'))],
        InsertStandardNote(4),
        false,
    ),
    (
        Editor,
        &[alt(KeyCode::Char('5'))],
        InsertStandardNote(5),
        false,
    ),
    (
        Editor,
        &[alt(KeyCode::Char('6'))],
        InsertStandardNote(6),
        false,
    ),
    (
        Editor,
        &[alt(KeyCode::Char('7'))],
        InsertStandardNote(7),
        false,
    ),
    (
        Editor,
        &[alt(KeyCode::Char('8'))],
        InsertStandardNote(8),
        false,
    ),
    (
        Editor,
        &[alt(KeyCode::Char('9'))],
        InsertStandardNote(9),
        false,
    ),
    (Confirm, &[code(KeyCode::Enter)], SaveNote, true),
    (Confirm, &[plain('d')], DiscardNote, true),
    (Confirm, &[code(KeyCode::Esc)], KeepEditing, true),
    (SearchMode, &[code(KeyCode::Enter)], SearchJump, true),
    (
        SearchMode,
        &[code(KeyCode::Down), ctrl('n')],
        SearchNext,
        true,
    ),
    (
        SearchMode,
        &[code(KeyCode::Up), ctrl('p')],
        SearchPrev,
        false,
    ),
    (
        SearchMode,
        &[code(KeyCode::Esc), ctrl('c')],
        SearchClose,
        true,
    ),
    (
        SearchMode,
        &[code(KeyCode::Backspace), ctrl('h')],
        DeleteBack,
        false,
    ),
    (
        SearchMode,
        &[code(KeyCode::Left), ctrl('b')],
        CaretLeft,
        false,
    ),
    (
        SearchMode,
        &[code(KeyCode::Right), ctrl('f')],
        CaretRight,
        false,
    ),
    // Keys that mean nothing while browsing: a key typed on before the prompt showed must
    // not answer it.
    (ConflictMode, &[plain('y')], KeepMine, true),
    (ConflictMode, &[plain('t'), code(KeyCode::Esc)], TakeTheirs, true),
    (HistoryMode, &[plain('j'), code(KeyCode::Down)], ScrollDown, true),
    (HistoryMode, &[plain('k'), code(KeyCode::Up)], ScrollUp, true),
    (HistoryMode, &[code(KeyCode::Esc), plain('H'), plain('q')], CloseHistory, true),
    (SummaryMode, &[plain('j'), code(KeyCode::Down)], ScrollDown, true),
    (SummaryMode, &[plain('k'), code(KeyCode::Up)], ScrollUp, false),
    (SummaryMode, &[code(KeyCode::PageDown), plain(' ')], PageDown, false),
    (SummaryMode, &[code(KeyCode::PageUp)], PageUp, false),
    (SummaryMode, &[plain('g'), code(KeyCode::Home)], First, false),
    (SummaryMode, &[plain('G'), code(KeyCode::End)], Last, false),
    (SummaryMode, &[code(KeyCode::Enter)], SummaryJump, true),
    (SummaryMode, &[code(KeyCode::Esc), plain('s'), plain('q')], CloseSummary, true),
    (SummaryMode, &[plain('?'), plain('？')], Help, false),
    (HelpMode, &[plain('j'), code(KeyCode::Down)], ScrollDown, true),
    (HelpMode, &[plain('k'), code(KeyCode::Up)], ScrollUp, true),
    (
        HelpMode,
        &[code(KeyCode::Esc), plain('?'), plain('？'), plain('q')],
        CloseHelp,
        true,
    ),
];

/// The hint line while browsing: groups of actions shown as one entry (`j/k 县`), their keys
/// taken from the keymap. Help and quit come last and are never crowded out.
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
    &[Search],
    &[ToggleFilter],
    &[ToggleFlow],
    &[OpenSummary],
    // Only while the window is narrow (one pane at a time).
    &[NextPane],
    &[Help],
    &[Quit],
];

/// The keys in force: the defaults, with a user's rebindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            bindings: DEFAULTS
                .iter()
                .map(|&(mode, keys, action, hint)| Binding {
                    mode,
                    keys: keys.to_vec(),
                    action,
                    hint,
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// Gives `action` these keys (in every mode it has keys in: an action means the same
    /// everywhere, so it has the same keys everywhere), replacing its defaults.
    /// Fails if the action has no keys to replace (it is not a key action).
    pub fn rebind(&mut self, action: Action, keys: Vec<Key>) -> Result<(), String> {
        let mut found = false;
        for b in self.bindings.iter_mut().filter(|b| b.action == action) {
            b.keys = keys.clone();
            found = true;
        }
        if found {
            Ok(())
        } else {
            Err(format!("\"{}\" cannot be bound to keys", action.name()))
        }
    }

    /// The first key bound to two actions in one mode, if any: (key, action, other action).
    pub fn conflict(&self) -> Option<(Key, Action, Action)> {
        for (i, a) in self.bindings.iter().enumerate() {
            for b in &self.bindings[i + 1..] {
                if a.mode != b.mode || a.action == b.action {
                    continue;
                }
                if let Some(k) = a.keys.iter().find(|k| b.keys.contains(k)) {
                    return Some((*k, a.action, b.action));
                }
            }
        }
        None
    }

    /// The action a key press means in `mode`, if any.
    pub fn action(&self, mode: Mode, event: &KeyEvent) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let key = normalize(event);
        self.bindings
            .iter()
            .find(|b| b.mode == mode && b.keys.contains(&key))
            .map(|b| b.action)
    }

    /// The bindings of one mode, in table order.
    pub fn of(&self, mode: Mode) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.mode == mode)
    }

    /// Whether `action` works in a mode where characters are typed (a note, a search).
    pub fn types_text(&self, action: Action) -> bool {
        self.bindings
            .iter()
            .any(|b| b.action == action && matches!(b.mode, Mode::Editor | Mode::Search))
    }

    /// How many bindings there are (for bounding the help's scrolling).
    pub fn len(&self) -> usize {
        self.bindings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bindings.is_empty()
    }

    /// The first key of an action in `mode`, as written for people.
    pub fn first_key(&self, mode: Mode, action: Action) -> Option<String> {
        self.of(mode)
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(describe)
    }
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

impl Binding {
    /// Its first `n` keys as the hint line writes them: `Enter/Alt-Enter`.
    pub fn keys_text(&self, n: usize) -> String {
        self.keys
            .iter()
            .take(n)
            .map(describe)
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// A key as the help overlay writes it: `j`, `↓`, `Ctrl-R`, `Alt-Enter`.
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
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Delete => "Del".into(),
        KeyCode::Insert => "Ins".into(),
        KeyCode::F(n) => format!("F{n}"),
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

/// Reads a key as a config file writes it: `j`, `G`, `ctrl-r`, `alt-enter`, `down`, `f2`,
/// `space`. Case matters only for a single character.
pub fn parse_key(spec: &str) -> Result<Key, String> {
    let mut modifiers = KeyModifiers::NONE;
    let mut rest = spec;
    loop {
        let lower = rest.to_ascii_lowercase();
        if let Some(r) = lower.strip_prefix("ctrl-").or(lower.strip_prefix("c-")) {
            modifiers |= KeyModifiers::CONTROL;
            rest = &rest[rest.len() - r.len()..];
        } else if let Some(r) = lower.strip_prefix("alt-").or(lower.strip_prefix("m-")) {
            modifiers |= KeyModifiers::ALT;
            rest = &rest[rest.len() - r.len()..];
        } else {
            break;
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => {
            // Ctrl with a letter arrives as the lower-case letter.
            if modifiers.contains(KeyModifiers::CONTROL) {
                KeyCode::Char(c.to_ascii_lowercase())
            } else {
                KeyCode::Char(c)
            }
        }
        _ => match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            f if f.starts_with('f')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            _ => {
                return Err(format!(
                    "\"{spec}\" is not a key (write a character, or ctrl-x, alt-x, enter, esc, tab, space, up, down, left, right, home, end, pageup, pagedown, backspace, delete, f1–f12)"
                ));
            }
        },
    };
    Ok(Key { code, modifiers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_means_two_things_in_one_mode() {
        assert_eq!(Keymap::default().conflict(), None);
    }

    #[test]
    fn a_prompts_answers_are_no_browsing_keys() {
        // Keys typed on in a burst land on a prompt the reviewer has not seen yet.
        let map = Keymap::default();
        for prompt in [Mode::Conflict, Mode::Confirm] {
            for b in map.of(prompt) {
                for k in &b.keys {
                    let clash = map.of(Mode::Browse).find(|x| x.keys.contains(k));
                    let harmless = matches!(k.code, KeyCode::Esc | KeyCode::Enter);
                    assert!(clash.is_none() || harmless, "{k:?} answers {:?}", b.action);
                }
            }
        }
    }

    #[test]
    fn an_action_has_the_same_keys_in_every_mode() {
        // So that rebinding it by name in a config file means one thing.
        let map = Keymap::default();
        for a in &map.bindings {
            for b in &map.bindings {
                if a.action == b.action {
                    assert_eq!(a.keys, b.keys, "{:?}", a.action);
                }
            }
        }
    }

    #[test]
    fn keys_read_as_terminals_send_them() {
        let map = Keymap::default();
        let ev = |code, modifiers| KeyEvent::new(code, modifiers);
        assert_eq!(
            map.action(Mode::Browse, &ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Last)
        );
        assert_eq!(
            map.action(Mode::Browse, &ev(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Help)
        );
        assert_eq!(
            map.action(Mode::Editor, &ev(KeyCode::Enter, KeyModifiers::ALT)),
            Some(NewLine)
        );
        assert_eq!(
            map.action(Mode::Editor, &ev(KeyCode::Char('j'), KeyModifiers::CONTROL)),
            Some(NewLine)
        );
        assert_eq!(
            map.action(Mode::Editor, &ev(KeyCode::Enter, KeyModifiers::NONE)),
            Some(SaveNote)
        );
        assert_eq!(
            map.action(Mode::Browse, &ev(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            Some(Redo)
        );
        assert_eq!(
            map.action(Mode::Editor, &ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            map.action(Mode::Editor, &ev(KeyCode::Char('3'), KeyModifiers::ALT)),
            Some(InsertStandardNote(3))
        );
    }

    #[test]
    fn every_browse_action_has_a_key_every_terminal_sends() {
        // A plain key, or Ctrl with a letter (Ctrl-R): never Ctrl-Enter, Shift-Enter, F-keys.
        for b in Keymap::default().of(Mode::Browse) {
            assert!(
                b.keys.iter().any(|k| k.modifiers.is_empty()
                    || (k.modifiers == KeyModifiers::CONTROL
                        && matches!(k.code, KeyCode::Char(c) if c.is_ascii_lowercase()))),
                "{:?} needs a key every terminal sends",
                b.action
            );
        }
    }

    #[test]
    fn every_action_has_a_name_that_reads_back() {
        for a in Action::all() {
            assert_eq!(Action::from_name(&a.name()), Some(a));
        }
        // Every bound action is named (so a config file can rebind it).
        for b in &Keymap::default().bindings {
            assert!(Action::all().contains(&b.action), "{:?}", b.action);
        }
        assert_eq!(
            Action::from_name("mark_partly_met"),
            Some(Mark(Verdict::PartlyMet))
        );
        assert_eq!(Action::from_name("no_such_thing"), None);
    }

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
    fn rebinding_replaces_and_conflicts_are_found() {
        let mut map = Keymap::default();
        map.rebind(NextCounty, vec![plain('s')]).unwrap();
        let ev = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE);
        assert_eq!(map.action(Mode::Browse, &ev), Some(NextCounty));
        let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(map.action(Mode::Browse, &j), None);
        map.rebind(Undo, vec![plain('s')]).unwrap();
        let (k, a, b) = map.conflict().unwrap();
        assert_eq!((k, a, b), (plain('s'), NextCounty, Undo));
        // The same key in two modes is no conflict.
        let mut map = Keymap::default();
        map.rebind(SaveNote, vec![plain('x')]).unwrap();
        map.rebind(NextCounty, vec![plain('x')]).unwrap();
        assert_eq!(map.conflict(), None);
    }
}
