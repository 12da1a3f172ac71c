//! The settings files: the system's (`kaohe/config.toml` in `$XDG_CONFIG_DIRS`, else
//! `/etc/kaohe/config.toml`), which names the team's database, and the reviewer's own
//! (`~/.config/kaohe/config.toml`, or `--config`), which overrides it setting by setting.
//! kaohe reads them and never writes them. Anything wrong in either is refused with file, line
//! and column before anything else happens (and before the terminal is touched).
//!
//! In the guarded set-up (kaohe installed setgid, [`crate::host::privilege`]) the system config
//! is only the one beside the installation, and only if nobody but root could have written it.

use crate::error::{FileError, Location};
use crate::host::privilege;
use crate::source::toml::{Table, key_offset};
use crate::tui::action::Action;
use crate::tui::keymap::{Key, Keymap, describe, parse_key};
use std::ffi::OsString;
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

/// At most this many characters in a reviewer's name (as `--reviewer` allows).
pub const MAX_REVIEWER: usize = 64;

/// Which settings file a setting was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// The system's, shared by every account on the host.
    System,
    /// The reviewer's own, which overrides the system's.
    User,
}

/// A database named by `db =`: the path (a relative one taken from the config's directory) and
/// where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedDb {
    pub path: PathBuf,
    pub layer: Layer,
    pub at: Location,
}

impl NamedDb {
    /// The config file that named it.
    pub fn file(&self) -> &str {
        &self.at.path
    }
}

/// The settings in force: the system's, overridden by the reviewer's, setting by setting.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The theme named in a file, if any (a name, or a file path: a relative one is taken from
    /// that config's directory).
    pub theme: Option<String>,
    pub keymap: Keymap,
    pub standard_notes: Vec<String>,
    /// The database, if a config names one.
    pub db: Option<NamedDb>,
    /// The name recorded with reviews (only the reviewer's own config may set it).
    pub reviewer: Option<String>,
    /// How the evidence viewer draws pictures (`graphics = "auto"`, the default).
    pub graphics: crate::tui::graphics::Setting,
    /// How the counties' list moves near its edge (`scroll = "half-page"`, the default).
    pub scroll: crate::tui::app::Scroll,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            theme: None,
            keymap: Keymap::default(),
            standard_notes: DEFAULT_NOTES.iter().map(|s| s.to_string()).collect(),
            db: None,
            reviewer: None,
            graphics: Default::default(),
            scroll: Default::default(),
        }
    }
}

/// kaohe's directory in the user's config directory (`$XDG_CONFIG_HOME/kaohe`, usually
/// `~/.config/kaohe`), where `config.toml` and a `themes/` directory may be.
pub fn config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("kaohe"))
}

/// Where a system config is looked for, in order (the first that exists is read):
/// `kaohe/config.toml` in each directory of `$XDG_CONFIG_DIRS` (`/etc/xdg` when unset or
/// empty; relative entries are passed over, as the XDG rules say), then `/etc/kaohe/`.
pub fn system_candidates(xdg_config_dirs: Option<OsString>) -> Vec<PathBuf> {
    let dirs: Vec<PathBuf> = xdg_config_dirs
        .as_deref()
        .map(std::env::split_paths)
        .into_iter()
        .flatten()
        .filter(|d| d.is_absolute())
        .collect();
    let dirs = if dirs.is_empty() {
        vec![PathBuf::from("/etc/xdg")]
    } else {
        dirs
    };
    dirs.into_iter()
        .map(|d| d.join("kaohe/config.toml"))
        .chain([PathBuf::from("/etc/kaohe/config.toml")])
        .collect()
}

/// The settings files read and layered, and where they are.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// The system config that was read, if one was found.
    pub system: Option<PathBuf>,
    /// Where a system config was looked for, in order.
    pub system_searched: Vec<PathBuf>,
    /// The reviewer's config: the file given (which must exist) or the usual place.
    pub user: Option<PathBuf>,
    /// Whether the reviewer's config exists (and was read).
    pub user_exists: bool,
}

/// Reads the system config and the reviewer's (`given`, which must exist, else the usual
/// place if a file is there), and layers them.
pub fn load(given: Option<&Path>) -> anyhow::Result<Loaded> {
    let (system, system_searched) = match privilege::guarded() {
        Some(_) => {
            let searched = vec![privilege::trusted_config_path()?];
            let read = privilege::read_trusted_config()?
                .map(|(path, bytes)| {
                    let text = crate::source::decode::text_of(bytes, &path.display().to_string())?;
                    read_one(&text, &path, Layer::System).map(|w| (path, w))
                })
                .transpose()?;
            (read, searched)
        }
        None => {
            let searched = system_candidates(std::env::var_os("XDG_CONFIG_DIRS"));
            let read = match searched.iter().find(|p| p.is_file()) {
                Some(path) => {
                    let text = crate::source::decode::read_text(path)?;
                    Some((path.clone(), read_one(&text, path, Layer::System)?))
                }
                None => None,
            };
            (read, searched)
        }
    };
    let user = given
        .map(Path::to_path_buf)
        .or_else(|| config_dir().map(|d| d.join("config.toml")));
    let user_written = match (&user, given) {
        (Some(path), Some(_)) => Some(path),
        (Some(path), None) if path.exists() => Some(path),
        _ => None,
    }
    .map(|path| {
        let text = crate::source::decode::read_text(path)?;
        read_one(&text, path, Layer::User)
    })
    .transpose()?;
    let user_exists = user_written.is_some();
    let (system, system_written) = match system {
        Some((path, written)) => (Some(path), Some(written)),
        None => (None, None),
    };
    let config = layer([system_written, user_written].into_iter().flatten())?;
    Ok(Loaded {
        config,
        system,
        system_searched,
        user,
        user_exists,
    })
}

/// One file read alone, as the reviewer's own config.
pub fn parse(text: &str, path: &str) -> Result<Config, FileError> {
    layer([read_one(text, Path::new(path), Layer::User)?])
}

/// What one settings file says: only the settings it gives.
#[derive(Debug, Default)]
struct Written {
    theme: Option<String>,
    db: Option<NamedDb>,
    reviewer: Option<String>,
    notes: Option<Vec<String>>,
    graphics: Option<crate::tui::graphics::Setting>,
    scroll: Option<crate::tui::app::Scroll>,
    /// Actions given other keys, each with where it was written.
    keys: Vec<(Action, Vec<Key>, Location)>,
}

/// The files' settings over the defaults, each a later file gives replacing an earlier one's;
/// keys are rebound action by action.
fn layer(files: impl IntoIterator<Item = Written>) -> Result<Config, FileError> {
    let mut config = Config::default();
    let mut rebound: Vec<(Action, Location)> = Vec::new();
    for written in files {
        if written.theme.is_some() {
            config.theme = written.theme;
        }
        if written.db.is_some() {
            config.db = written.db;
        }
        if written.reviewer.is_some() {
            config.reviewer = written.reviewer;
        }
        if let Some(notes) = written.notes {
            config.standard_notes = notes;
        }
        if let Some(graphics) = written.graphics {
            config.graphics = graphics;
        }
        if let Some(scroll) = written.scroll {
            config.scroll = scroll;
        }
        for (action, keys, here) in written.keys {
            config
                .keymap
                .rebind(action, keys)
                .map_err(|m| FileError::new(here.clone(), m))?;
            rebound.push((action, here));
        }
    }
    // Each file was checked alone; what is left is a key one file gives that the other gave
    // to another action. Told where it was last given (the reviewer's file, which they can
    // change).
    if let Some((key, a, b)) = config.keymap.conflict() {
        let here = rebound
            .iter()
            .rev()
            .find(|(x, _)| *x == a || *x == b)
            .map_or_else(|| Location::file("config.toml"), |(_, l)| l.clone());
        return Err(FileError::new(
            here,
            format!(
                "{} is bound to both {} and {}: give one of them another key",
                describe(&key),
                a.name(),
                b.name()
            ),
        ));
    }
    Ok(config)
}

/// A path written in a config, taken from the config's directory when it is relative.
fn from_dir_of(config: &Path, written: &str) -> PathBuf {
    let written = Path::new(written);
    if written.is_absolute() {
        return written.to_path_buf();
    }
    let config = std::path::absolute(config).unwrap_or_else(|_| config.to_path_buf());
    match config.parent() {
        Some(dir) => dir.join(written),
        None => written.to_path_buf(),
    }
}

/// Reads one settings file, checking everything it says.
fn read_one(text: &str, path: &Path, layer: Layer) -> Result<Written, FileError> {
    let shown = path.display().to_string();
    let at = |offset: usize| Location::at_offset(&shown, text, offset);
    let top = |key: &str| at(key_offset(text, Table::Top, key));
    let table: toml::Table = crate::source::toml::parse(text, &shown)?;
    let mut written = Written::default();
    // Checked alone, as the keys would be over the defaults.
    let mut keymap = Keymap::default();
    for (key, value) in &table {
        match (key.as_str(), value) {
            ("theme", toml::Value::String(t)) => {
                crate::text::check_words("theme", t, false)
                    .map_err(|m| FileError::new(top(key), m))?;
                written.theme = Some(if crate::tui::theme::is_path(t) {
                    from_dir_of(path, t).display().to_string()
                } else {
                    t.clone()
                });
            }
            ("db", toml::Value::String(db)) => {
                let here = top(key);
                let refuse = |m: &str| Err(FileError::new(here.clone(), m.to_string()));
                crate::text::check_words("db", db, false)
                    .map_err(|m| FileError::new(here.clone(), m))?;
                if db.trim().is_empty() {
                    return refuse("db is empty: give the database file's path");
                }
                if db.starts_with('~') {
                    return refuse(
                        "db: ~ is not expanded here; write the whole path (or one relative to this file's directory)",
                    );
                }
                written.db = Some(NamedDb {
                    path: from_dir_of(path, db),
                    layer,
                    at: here,
                });
            }
            ("reviewer", _) if layer == Layer::System => {
                return Err(FileError::new(
                    top(key),
                    "reviewer is each reviewer's own: set it in your config (~/.config/kaohe/config.toml), not the system's",
                ));
            }
            ("reviewer", toml::Value::String(name)) => {
                let here = top(key);
                let name = name.trim();
                if name.is_empty() {
                    return Err(FileError::new(
                        here,
                        "reviewer is empty: give the name to record with your reviews",
                    ));
                }
                crate::text::check_words("reviewer", name, false)
                    .map_err(|m| FileError::new(here.clone(), m))?;
                if name.chars().count() > MAX_REVIEWER {
                    return Err(FileError::new(
                        here,
                        format!("reviewer is longer than {MAX_REVIEWER} characters"),
                    ));
                }
                written.reviewer = Some(name.to_string());
            }
            ("keys", toml::Value::Table(keys)) => {
                let mut rebound: Vec<(usize, Action)> = Vec::new();
                for (name, spec) in keys {
                    let offset = key_offset(text, Table::Named("keys"), name);
                    let here = at(offset);
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
                    if keymap.types_text(action) && keys.iter().any(Key::types_a_character) {
                        return Err(FileError::new(
                            here,
                            format!(
                                "{name} works while a note or a search is typed: give it a key with ctrl- or alt-, or a named key, not a plain character"
                            ),
                        ));
                    }
                    keymap
                        .rebind(action, keys.clone())
                        .map_err(|m| FileError::new(here.clone(), m))?;
                    rebound.push((offset, action));
                    written.keys.push((action, keys, here));
                }
                // Conflicts once every key is in place (so two actions may swap keys), told
                // at the later of the two lines.
                if let Some((key, a, b)) = keymap.conflict() {
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
                    written.notes = Some(list);
                }
            }
            ("graphics", toml::Value::String(g)) => {
                use crate::tui::graphics::Setting;
                written.graphics = Some(Setting::parse(g).ok_or_else(|| {
                    FileError::new(
                        top(key),
                        format!(
                            "graphics is {}, not \"{}\"",
                            Setting::NAMES,
                            crate::text::clean(g)
                        ),
                    )
                })?);
            }
            ("scroll", toml::Value::String(by)) => {
                use crate::tui::app::Scroll;
                written.scroll = Some(Scroll::parse(by).ok_or_else(|| {
                    FileError::new(
                        top(key),
                        format!(
                            "scroll is {}, not \"{}\"",
                            Scroll::NAMES,
                            crate::text::clean(by)
                        ),
                    )
                })?);
            }
            ("theme" | "db" | "reviewer" | "keys" | "notes" | "graphics" | "scroll", _) => {
                let what = match key.as_str() {
                    "theme" => "theme is a name or a file path, in quotes",
                    "db" => "db is the database file's path, in quotes",
                    "reviewer" => "reviewer is a name, in quotes",
                    "keys" => "keys is a table: [keys]",
                    "graphics" => "graphics is auto, halfblocks, kitty, iterm2 or sixel, in quotes",
                    "scroll" => "scroll is half-page or line, in quotes",
                    _ => "notes is a table: [notes]",
                };
                return Err(FileError::new(top(key), what));
            }
            (other, _) => {
                let has = match layer {
                    Layer::System => {
                        "a system config has db, theme, graphics, scroll, [keys] and [notes]"
                    }
                    Layer::User => {
                        "a config has db, reviewer, theme, graphics, scroll, [keys] and [notes]"
                    }
                };
                return Err(FileError::new(
                    top(other),
                    format!("unknown setting \"{}\" ({has})", crate::text::clean(other)),
                ));
            }
        }
    }
    Ok(written)
}

/// The default config, every setting shown and commented out: a starting point to copy.
pub fn print_default() -> String {
    let mut out = String::from(
        "# kaohe 的个人设置 / kaohe's personal settings\n\
         # 放在 ~/.config/kaohe/config.toml（或 $XDG_CONFIG_HOME/kaohe/config.toml）。kaohe 只读不写。\n\
         # 系统设置（/etc/kaohe/config.toml 或 $XDG_CONFIG_DIRS 下的 kaohe/config.toml）写法相同，\n\
         # 但不能写 reviewer；这里写的项逐项覆盖系统设置。\n\
         # 去掉行首的 # 即生效；只需写要改的项。\n\n\
         # 数据库：与同事共用的数据库文件，通常已由系统设置给出。相对路径从本文件所在目录算起，\n\
         # 不展开 ~。命令行 --db 和环境变量 KAOHE_DB 优先。\n\
         # db = \"/srv/kaohe/kaohe.db\"\n\n\
         # 评审人：记在评定旁的名字，默认是登录名（数据库有评审人名册时以名册为准）。\n\
         # reviewer = \"张三\"\n\n\
         # 主题：default、light、high-contrast、mono，或主题文件的路径（相对路径从本文件所在目录算起）；\n\
         # ~/.config/kaohe/themes/NAME.toml 也可按名字使用。命令行 --theme 优先。\n\
         # theme = \"default\"\n\n\
         # 图片：佐证查看器画图片的方式。auto 按终端自动选择（kitty、iTerm2/WezTerm 用其图形协议，\n\
         # 其余用半格字符 ▀，PuTTY 等任何终端都能显示）；也可写 halfblocks、kitty、iterm2、sixel。\n\
         # 环境变量 KAOHE_GRAPHICS 优先。\n\
         # graphics = \"auto\"\n\n\
         # 翻动：县市区列表光标走到边缘时怎样翻动。half-page（默认）一次翻半屏，之后几步只重画变动的两行，\n\
         # 慢速 SSH 上最省；line 一次翻一行，每步重画整个列表。\n\
         # scroll = \"half-page\"\n\n\
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
        crate::tui::action::Mode::Viewer,
        crate::tui::action::Mode::ViewerFind,
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
            "[keys]\nnext_county = \"w\"\nmark_met = [\"y\", \"F1\"]\n",
            "c.toml",
        )
        .unwrap();
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        use crate::tui::action::Mode::Browse;
        assert_eq!(
            c.keymap.action(Browse, &key(KeyCode::Char('w'))),
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

    fn layered(system: &str, user: &str) -> Result<Config, FileError> {
        layer([
            read_one(system, Path::new("/etc/kaohe/config.toml"), Layer::System)?,
            read_one(
                user,
                Path::new("/home/a/.config/kaohe/config.toml"),
                Layer::User,
            )?,
        ])
    }

    #[test]
    fn the_users_settings_override_the_systems_one_by_one() {
        let system = "db = \"/srv/kaohe/kaohe.db\"\ntheme = \"light\"\n\
                      [keys]\nnext_county = \"w\"\n[notes]\nstandard = [\"单位统一备注\"]\n";
        let c = layered(system, "theme = \"mono\"\n[keys]\nprev_county = \"y\"\n").unwrap();
        assert_eq!(c.theme.as_deref(), Some("mono"), "the user's theme");
        let db = c.db.unwrap();
        assert_eq!(db.path, Path::new("/srv/kaohe/kaohe.db"), "the system's db");
        assert_eq!(db.layer, Layer::System);
        assert_eq!(db.at.to_string(), "/etc/kaohe/config.toml:1:1");
        assert_eq!(c.standard_notes, ["单位统一备注"], "the system's notes");
        let key = |ch| KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE);
        use crate::tui::action::Mode::Browse;
        assert_eq!(c.keymap.action(Browse, &key('w')), Some(Action::NextCounty));
        assert_eq!(c.keymap.action(Browse, &key('y')), Some(Action::PrevCounty));
        // The user's db wins over the system's.
        let c = layered(system, "db = \"mine.db\"\n").unwrap();
        let db = c.db.unwrap();
        assert_eq!(db.path, Path::new("/home/a/.config/kaohe/mine.db"));
        assert_eq!(db.layer, Layer::User);
        // Nothing set anywhere: the defaults.
        assert_eq!(layered("", "").unwrap(), Config::default());
    }

    #[test]
    fn paths_in_a_config_are_taken_from_its_directory() {
        let c = layered("db = \"data/kaohe.db\"\ntheme = \"bureau.toml\"\n", "").unwrap();
        assert_eq!(c.db.unwrap().path, Path::new("/etc/kaohe/data/kaohe.db"));
        assert_eq!(c.theme.as_deref(), Some("/etc/kaohe/bureau.toml"));
        // A theme by name stays a name.
        let c = layered("theme = \"light\"\n", "").unwrap();
        assert_eq!(c.theme.as_deref(), Some("light"));
        let e = layered("db = \"~/kaohe.db\"\n", "")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/etc/kaohe/config.toml:1:1: db: ~ is not expanded"),
            "{e}"
        );
        let e = layered("", "\n db = \"\"\n").unwrap_err().to_string();
        assert!(
            e.starts_with("/home/a/.config/kaohe/config.toml:2:2: db is empty"),
            "{e}"
        );
        let e = layered("db = 1\n", "").unwrap_err().to_string();
        assert!(e.contains("db is the database file's path"), "{e}");
    }

    #[test]
    fn the_reviewer_is_set_only_in_the_users_own_config() {
        let c = layered("", "reviewer = \" 张三 \"\n").unwrap();
        assert_eq!(c.reviewer.as_deref(), Some("张三"));
        let e = layered("theme = \"light\"\nreviewer = \"张三\"\n", "")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/etc/kaohe/config.toml:2:1: reviewer is each reviewer's own"),
            "{e}"
        );
        let long = "长".repeat(65);
        let e = layered("", &format!("reviewer = \"{long}\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains(":1:1: reviewer is longer than 64"), "{e}");
        let e = layered("", "reviewer = \"a\\u001b[2J\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("control character"), "{e}");
        let e = layered("", "reviewer = \"  \"\n").unwrap_err().to_string();
        assert!(e.contains("reviewer is empty"), "{e}");
    }

    #[test]
    fn a_key_the_two_files_give_two_actions_is_told_in_the_users_file() {
        let e = layered("[keys]\nundo = \"w\"\n", "\n[keys]\nnext_county = \"w\"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "/home/a/.config/kaohe/config.toml:3:1: w is bound to both next_county and undo: give one of them another key"
        );
        // A conflict inside the system file is told there.
        let e = layered("[keys]\nundo = \"j\"\n", "")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/etc/kaohe/config.toml:2:1: j is bound"),
            "{e}"
        );
    }

    #[test]
    fn the_system_config_is_looked_for_in_xdg_config_dirs_then_etc_kaohe() {
        let found = |v: Option<&str>| system_candidates(v.map(OsString::from));
        assert_eq!(
            found(None),
            [
                PathBuf::from("/etc/xdg/kaohe/config.toml"),
                PathBuf::from("/etc/kaohe/config.toml")
            ]
        );
        assert_eq!(found(Some("")), found(None));
        assert_eq!(
            found(Some("/opt/a:relative/b::/opt/c")),
            [
                PathBuf::from("/opt/a/kaohe/config.toml"),
                PathBuf::from("/opt/c/kaohe/config.toml"),
                PathBuf::from("/etc/kaohe/config.toml")
            ]
        );
    }

    #[test]
    fn scroll_says_how_the_list_moves_and_anything_else_is_refused_where_written() {
        use crate::tui::app::Scroll;
        assert_eq!(Config::default().scroll, Scroll::HalfPage);
        let c = parse("scroll = \"line\"\n", "c.toml").unwrap();
        assert_eq!(c.scroll, Scroll::Line);
        let c = parse("scroll = \"half-page\"\n", "c.toml").unwrap();
        assert_eq!(c.scroll, Scroll::HalfPage);
        let e = parse("theme = \"default\"\nscroll = \"smooth\"\n", "c.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "c.toml:2:1: scroll is \"half-page\" or \"line\", not \"smooth\""
        );
        let e = parse("scroll = 1\n", "c.toml").unwrap_err().to_string();
        assert_eq!(e, "c.toml:1:1: scroll is half-page or line, in quotes");
    }
}
