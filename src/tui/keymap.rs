//! The one table of keys. The workspace reads keys through it, and the help overlay and the
//! hint line are generated from it, so they can never disagree with what the keys do. A user's
//! config file may rebind any action by name; only what it names changes.
//!
//! The key itself (key.rs) is kaohe's own; the defaults are in defaults.rs.

mod defaults;
mod key;

pub use defaults::{BROWSE_HINTS, CHECK_HINTS};
pub use key::{Key, KeyCode, describe, parse_key};

use super::action::{Action, Mode};
use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

/// One row of the table: in `mode`, these keys do `action`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub mode: Mode,
    pub keys: Vec<Key>,
    pub action: Action,
    /// Shown in the one-line hint at the bottom of the screen.
    pub hint: bool,
}

/// The keys in force: the defaults, with a user's rebindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            bindings: defaults::DEFAULTS
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

    /// The action a terminal's key press means in `mode`, if any: here it becomes kaohe's key.
    pub fn action(&self, mode: Mode, event: &KeyEvent) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        self.action_of(mode, Key::try_from(event).ok()?)
    }

    /// The action a key means in `mode`, if any.
    pub fn action_of(&self, mode: Mode, key: Key) -> Option<Action> {
        let bound = self
            .bindings
            .iter()
            .find(|b| b.mode == mode && b.keys.contains(&key))
            .map(|b| b.action);
        match (bound, mode) {
            // 复核 mode is browsing with a few keys of its own.
            (None, Mode::Check) => self.action_of(Mode::Browse, key),
            _ => bound,
        }
    }

    /// The bindings of one mode, in table order.
    pub fn of(&self, mode: Mode) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.mode == mode)
    }

    /// Whether `action` works in a mode where characters are typed (a note, a search).
    pub fn types_text(&self, action: Action) -> bool {
        self.bindings.iter().any(|b| {
            b.action == action
                && matches!(
                    b.mode,
                    Mode::Editor | Mode::Search | Mode::ViewerFind | Mode::Verify
                )
        })
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
        let key = self
            .of(mode)
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(describe);
        match (key, mode) {
            (None, Mode::Check) => self.first_key(Mode::Browse, action),
            (key, _) => key,
        }
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

#[cfg(test)]
mod tests {
    use super::key::plain;
    use super::*;
    use crate::model::Verdict;
    use Action::*;
    use ratatui::crossterm::event::{KeyCode as Sent, KeyModifiers};

    #[test]
    fn no_key_means_two_things_in_one_mode() {
        assert_eq!(Keymap::default().conflict(), None);
    }

    #[test]
    fn a_prompts_answers_are_no_browsing_keys() {
        // Keys typed on in a burst land on a prompt the reviewer has not seen yet.
        let map = Keymap::default();
        for prompt in [Mode::Conflict, Mode::Confirm, Mode::Ask] {
            for b in map.of(prompt) {
                for k in &b.keys {
                    let clash = map.of(Mode::Browse).find(|x| x.keys.contains(k));
                    // `n` leaves a colleague's item as it is: it writes nothing.
                    let harmless =
                        matches!(k.code, KeyCode::Esc | KeyCode::Enter) || b.action == LeaveIt;
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
            map.action(Mode::Browse, &ev(Sent::Char('G'), KeyModifiers::SHIFT)),
            Some(Last)
        );
        assert_eq!(
            map.action(Mode::Browse, &ev(Sent::Char('?'), KeyModifiers::SHIFT)),
            Some(Help)
        );
        assert_eq!(
            map.action(Mode::Editor, &ev(Sent::Enter, KeyModifiers::ALT)),
            Some(NewLine)
        );
        assert_eq!(
            map.action(Mode::Editor, &ev(Sent::Char('j'), KeyModifiers::CONTROL)),
            Some(NewLine)
        );
        assert_eq!(
            map.action(Mode::Editor, &ev(Sent::Enter, KeyModifiers::NONE)),
            Some(SaveNote)
        );
        assert_eq!(
            map.action(Mode::Browse, &ev(Sent::Char('r'), KeyModifiers::CONTROL)),
            Some(Redo)
        );
        assert_eq!(
            map.action(Mode::Editor, &ev(Sent::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            map.action(Mode::Editor, &ev(Sent::Char('3'), KeyModifiers::ALT)),
            Some(InsertStandardNote(3))
        );
    }

    #[test]
    fn shift_and_a_digit_marks_and_opens_the_note_as_terminals_send_it() {
        // Shift-1/2/3 arrive as the characters they type (! @ #, or ！ ＠ ＃ through a
        // Chinese input method), whatever modifier a terminal reports with them.
        let map = Keymap::default();
        for (sent, v) in [
            ('!', Verdict::Met),
            ('！', Verdict::Met),
            ('@', Verdict::PartlyMet),
            ('#', Verdict::NotMet),
            ('＃', Verdict::NotMet),
        ] {
            for modifiers in [KeyModifiers::NONE, KeyModifiers::SHIFT] {
                let ev = KeyEvent::new(Sent::Char(sent), modifiers);
                assert_eq!(
                    map.action(Mode::Browse, &ev),
                    Some(MarkAndNote(v)),
                    "{sent}"
                );
            }
        }
        let key = |c| KeyEvent::new(Sent::Char(c), KeyModifiers::NONE);
        assert_eq!(map.action(Mode::Browse, &key(' ')), Some(ToggleSelect));
        assert_eq!(map.action(Mode::Browse, &key('x')), Some(ToggleAside));
        assert_eq!(map.action(Mode::Filter, &key('3')), Some(PickFilter(3)));
        assert_eq!(
            map.action(Mode::Browse, &key('3')),
            Some(Mark(Verdict::NotMet))
        );
    }

    #[test]
    fn every_browse_action_has_a_key_every_terminal_sends() {
        // A plain key, or Ctrl with a letter (Ctrl-R): never Ctrl-Enter, Shift-Enter, F-keys.
        for b in Keymap::default().of(Mode::Browse) {
            assert!(
                b.keys.iter().any(|k| !k.alt
                    && !k.shift
                    && (!k.ctrl || matches!(k.code, KeyCode::Char(c) if c.is_ascii_lowercase()))),
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
    fn rebinding_replaces_and_conflicts_are_found() {
        let mut map = Keymap::default();
        map.rebind(NextCounty, vec![plain('s')]).unwrap();
        let ev = KeyEvent::new(Sent::Char('s'), KeyModifiers::NONE);
        assert_eq!(map.action(Mode::Browse, &ev), Some(NextCounty));
        let j = KeyEvent::new(Sent::Char('j'), KeyModifiers::NONE);
        assert_eq!(map.action(Mode::Browse, &j), None);
        map.rebind(Undo, vec![plain('s')]).unwrap();
        let (k, a, b) = map.conflict().unwrap();
        assert_eq!((k, a, b), (plain('s'), NextCounty, Undo));
        // The same key in two modes is no conflict.
        let mut map = Keymap::default();
        map.rebind(SaveNote, vec![plain('w')]).unwrap();
        map.rebind(NextCounty, vec![plain('w')]).unwrap();
        assert_eq!(map.conflict(), None);
    }
}
