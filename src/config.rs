//! The reviewer's own settings: `config.toml` in their config directory (`~/.config/kaohe/`).
//! kaohe reads it and never writes it. Anything wrong in it is refused with file and line before
//! the terminal is touched.

use crate::error::{FileError, Location};
use crate::source::toml::{Table, key_offset};
use crate::tui::action::Action;
use crate::tui::keymap::{Key, Keymap, describe, parse_key};
use std::path::{Path, PathBuf};

/// The bank of standard notes a new reviewer starts with (Alt-1 … in the note editor).
pub const DEFAULT_NOTES: &[&str] = &[
    "佐证材料不足",
    "数据口径不一致",
    "台账不全",
    "报送数与统计年报不符",
    "佐证材料与报送数不一致",
    "未提供文件依据",
    "工作进度滞后",
    "经现场核实",
];

/// At most this many standard notes: one key each (Alt-1 … Alt-9).
pub const MAX_NOTES: usize = 9;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The theme named in the file, if any (a name or a file path).
    pub theme: Option<String>,
    pub keymap: Keymap,
    pub standard_notes: Vec<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            theme: None,
            keymap: Keymap::default(),
            standard_notes: DEFAULT_NOTES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// kaohe's directory in the user's config directory (`$XDG_CONFIG_HOME/kaohe`, usually
/// `~/.config/kaohe`), where `config.toml` and a `themes/` directory may be.
pub fn config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("kaohe"))
}

/// Reads the config: `given` (which must exist), else the default file if it exists, else the
/// defaults.
pub fn load(given: Option<&Path>) -> Result<Config, FileError> {
    let path = match given {
        Some(p) => p.to_path_buf(),
        None => match config_dir().map(|d| d.join("config.toml")) {
            Some(p) if p.exists() => p,
            _ => return Ok(Config::default()),
        },
    };
    let text = crate::source::decode::read_text(&path)?;
    parse(&text, &path.display().to_string())
}

pub fn parse(text: &str, path: &str) -> Result<Config, FileError> {
    let at = |offset: usize| Location::at_offset(path, text, offset);
    let table: toml::Table = crate::source::toml::parse(text, path)?;
    let mut config = Config::default();
    for (key, value) in &table {
        match (key.as_str(), value) {
            ("theme", toml::Value::String(t)) => {
                crate::text::check_words("theme", t, false)
                    .map_err(|m| FileError::new(at(key_offset(text, Table::Top, key)), m))?;
                config.theme = Some(t.clone());
            }
            ("keys", toml::Value::Table(keys)) => {
                let mut rebound: Vec<(usize, Action)> = Vec::new();
                for (name, spec) in keys {
                    let here = at(key_offset(text, Table::Named("keys"), name));
                    let action = Action::from_name(name).ok_or_else(|| {
                        FileError::new(
                            here.clone(),
                            format!(
                                "unknown action \"{}\" (`kaohe config --print-default` lists them)",
                                crate::text::clean(name)
                            ),
                        )
                    })?;
                    let specs: Vec<&str> = match spec {
                        toml::Value::String(s) => vec![s.as_str()],
                        toml::Value::Array(a) => a
                            .iter()
                            .map(|v| v.as_str())
                            .collect::<Option<Vec<_>>>()
                            .ok_or_else(|| {
                                FileError::new(
                                    here.clone(),
                                    format!("{name}: keys are written in quotes"),
                                )
                            })?,
                        _ => {
                            return Err(FileError::new(
                                here,
                                format!("{name}: write a key in quotes, or a list of them"),
                            ));
                        }
                    };
                    if specs.is_empty() {
                        return Err(FileError::new(
                            here,
                            format!("{name}: give at least one key"),
                        ));
                    }
                    let keys = specs
                        .iter()
                        .map(|s| parse_key(s))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|m| FileError::new(here.clone(), format!("{name}: {m}")))?;
                    // Typing in a note or a search must stay typing.
                    if config.keymap.types_text(action) && keys.iter().any(Key::types_a_character) {
                        return Err(FileError::new(
                            here,
                            format!(
                                "{name} works while a note or a search is typed: give it a key with ctrl- or alt-, or a named key, not a plain character"
                            ),
                        ));
                    }
                    config
                        .keymap
                        .rebind(action, keys)
                        .map_err(|m| FileError::new(here.clone(), m))?;
                    rebound.push((key_offset(text, Table::Named("keys"), name), action));
                }
                // Conflicts once every key is in place (so two actions may swap keys), told
                // at the later of the two lines.
                if let Some((key, a, b)) = config.keymap.conflict() {
                    let line_of = |x: Action| {
                        rebound
                            .iter()
                            .find(|(_, r)| *r == x)
                            .map(|(offset, _)| *offset)
                    };
                    let offset = line_of(a).into_iter().chain(line_of(b)).max().unwrap_or(0);
                    return Err(FileError::new(
                        at(offset),
                        format!(
                            "{} is bound to both {} and {}: give one of them another key",
                            describe(&key),
                            a.name(),
                            b.name()
                        ),
                    ));
                }
            }
            ("notes", toml::Value::Table(notes)) => {
                for (name, value) in notes {
                    let here = at(key_offset(text, Table::Named("notes"), name));
                    if name != "standard" {
                        return Err(FileError::new(
                            here,
                            format!(
                                "unknown setting notes.{} (there is notes.standard)",
                                crate::text::clean(name)
                            ),
                        ));
                    }
                    let list = value
                        .as_array()
                        .and_then(|a| {
                            a.iter()
                                .map(|v| v.as_str().map(str::to_string))
                                .collect::<Option<Vec<_>>>()
                        })
                        .ok_or_else(|| {
                            FileError::new(
                                here.clone(),
                                "notes.standard is a list of notes in quotes",
                            )
                        })?;
                    if list.len() > MAX_NOTES {
                        return Err(FileError::new(
                            here,
                            format!(
                                "notes.standard has {} notes; at most {MAX_NOTES} (one key each)",
                                list.len()
                            ),
                        ));
                    }
                    for note in &list {
                        crate::text::check_words("a standard note", note, false)
                            .map_err(|m| FileError::new(here.clone(), m))?;
                        if note.trim().is_empty() {
                            return Err(FileError::new(here.clone(), "a standard note is empty"));
                        }
                    }
                    config.standard_notes = list;
                }
            }
            ("theme" | "keys" | "notes", _) => {
                let what = match key.as_str() {
                    "theme" => "theme is a name or a file path, in quotes",
                    "keys" => "keys is a table: [keys]",
                    _ => "notes is a table: [notes]",
                };
                return Err(FileError::new(at(key_offset(text, Table::Top, key)), what));
            }
            (other, _) => {
                return Err(FileError::new(
                    at(key_offset(text, Table::Top, other)),
                    format!(
                        "unknown setting \"{}\" (a config has theme, [keys] and [notes])",
                        crate::text::clean(other)
                    ),
                ));
            }
        }
    }
    Ok(config)
}

/// The default config, every setting shown and commented out: a starting point to copy.
pub fn print_default() -> String {
    let mut out = String::from(
        "# kaohe 的个人设置 / kaohe's personal settings\n\
         # 放在 ~/.config/kaohe/config.toml（或 $XDG_CONFIG_HOME/kaohe/config.toml）。kaohe 只读不写。\n\
         # 去掉行首的 # 即生效；只需写要改的项。\n\n\
         # 主题：default、light、high-contrast、mono，或主题文件的路径；\n\
         # ~/.config/kaohe/themes/NAME.toml 也可按名字使用。命令行 --theme 优先。\n\
         # theme = \"default\"\n\n\
         # 按键：按动作名改键，可写一个键或一组键。键的写法：j、G、ctrl-r、alt-enter、enter、esc、\n\
         # tab、space、up、down、left、right、home、end、pageup、pagedown、backspace、delete、f1–f12。\n\
         # 同一模式下一个键只能做一件事，冲突会报错。\n\
         [keys]\n",
    );
    let map = Keymap::default();
    let mut seen = Vec::new();
    for mode in [
        crate::tui::action::Mode::Browse,
        crate::tui::action::Mode::Search,
        crate::tui::action::Mode::Editor,
        crate::tui::action::Mode::Confirm,
        crate::tui::action::Mode::Help,
    ] {
        for b in map.of(mode) {
            if seen.contains(&b.action) {
                continue;
            }
            seen.push(b.action);
            let keys: Vec<String> = b.keys.iter().map(Key::spec).collect();
            let (_, what) = crate::tui::strings::ZH.action(b.action);
            out.push_str(&format!(
                "# {} = [{}]{}# {what}\n",
                b.action.name(),
                keys.iter()
                    .map(|k| format!("\"{k}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
                " ".repeat(40usize.saturating_sub(
                    b.action.name().len() + keys.iter().map(|k| k.len() + 4).sum::<usize>()
                )),
            ));
        }
    }
    out.push_str(
        "\n# 常用备注：编辑备注时按 Alt-1 … Alt-9 插入，最多 9 条。\n[notes]\n# standard = [\n",
    );
    for note in DEFAULT_NOTES {
        out.push_str(&format!("#     \"{note}\",\n"));
    }
    out.push_str("# ]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    #[test]
    fn the_printed_default_reads_back_as_the_default() {
        let printed = print_default();
        assert_eq!(parse(&printed, "c.toml").unwrap(), Config::default());
        // Uncommented, it still is the default.
        let uncommented: String = printed
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|r| {
                        r.contains(" = ")
                            || r.starts_with('"')
                            || r.starts_with("standard")
                            || *r == "]"
                    })
                    .unwrap_or(l)
            })
            .map(|l| l.strip_prefix("#     ").unwrap_or(l))
            .map(|l| if l.starts_with('#') { "" } else { l })
            .collect::<Vec<_>>()
            .join("\n");
        let config = parse(&uncommented, "c.toml").unwrap();
        assert_eq!(config.keymap, Keymap::default(), "{uncommented}");
        assert_eq!(config.standard_notes, Config::default().standard_notes);
        assert_eq!(config.theme.as_deref(), Some("default"));
    }

    #[test]
    fn keys_are_rebound_by_action_name() {
        let c = parse(
            "[keys]\nnext_county = \"x\"\nmark_met = [\"y\", \"F1\"]\n",
            "c.toml",
        )
        .unwrap();
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        use crate::tui::action::Mode::Browse;
        assert_eq!(
            c.keymap.action(Browse, &key(KeyCode::Char('x'))),
            Some(Action::NextCounty)
        );
        assert_eq!(
            c.keymap.action(Browse, &key(KeyCode::F(1))),
            Some(Action::Mark(crate::model::Verdict::Met))
        );
        assert_eq!(c.keymap.action(Browse, &key(KeyCode::Char('1'))), None);
    }

    #[test]
    fn two_actions_may_swap_keys() {
        let c = parse(
            "[keys]\nnext_county = \"k\"\nprev_county = \"j\"\n",
            "c.toml",
        )
        .unwrap();
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        use crate::tui::action::Mode::Browse;
        assert_eq!(c.keymap.action(Browse, &key('k')), Some(Action::NextCounty));
        assert_eq!(c.keymap.action(Browse, &key('j')), Some(Action::PrevCounty));
    }

    #[test]
    fn typing_stays_typing() {
        let e = parse("[keys]\ncaret_left = [\"left\", \"h\"]\n", "c.toml").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("c.toml:2:1: caret_left works while"),
            "{e}"
        );
        assert!(
            parse("[keys]\ncaret_left = [\"left\", \"ctrl-h\"]\n", "c.toml").is_err(),
            "ctrl-h is delete_back's"
        );
        parse("[keys]\ncaret_left = [\"left\", \"alt-h\"]\n", "c.toml").unwrap();
    }

    #[test]
    fn mistakes_are_refused_with_file_and_line() {
        let e = |t: &str| parse(t, "c.toml").unwrap_err().to_string();
        assert_eq!(
            e("theme = \"light\"\n\n[keys]\nundo = \"j\"\n"),
            "c.toml:4:1: j is bound to both next_county and undo: give one of them another key"
        );
        assert!(e("[keys]\n'undo' = \"hyper-z\"\n").starts_with("c.toml:2:1:"));
        assert_eq!(
            e("[keys]\nnext_county = \"j\"\nnext_countee = \"x\"\n"),
            "c.toml:3:1: unknown action \"next_countee\" (`kaohe config --print-default` lists them)"
        );
        assert!(
            e("[keys]\nundo = \"hyper-z\"\n")
                .starts_with("c.toml:2:1: undo: \"hyper-z\" is not a key")
        );
        assert!(e("[keys\n").starts_with("c.toml:1:"));
        assert!(e("colour = 1\n").starts_with("c.toml:1:1: unknown setting \"colour\""));
        assert!(e("theme = 3\n").starts_with("c.toml:1:1: theme is a name"));
        let ten = (0..10)
            .map(|i| format!("\"备注{i}\""))
            .collect::<Vec<_>>()
            .join(", ");
        assert!(
            e(&format!("[notes]\nstandard = [{ten}]\n"))
                .starts_with("c.toml:2:1: notes.standard has 10 notes")
        );
        assert!(e("[notes]\nstandard = [\"a\\u001b[2J\"]\n").contains("control character"));
    }

    #[test]
    fn a_missing_default_file_means_the_defaults_but_a_named_one_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.toml");
        let e = load(Some(&missing)).unwrap_err().to_string();
        assert!(e.contains("nope.toml"), "{e}");
    }
}
