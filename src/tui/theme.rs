//! Colours by meaning (`themes/*.toml`), in the 16 ANSI colours every terminal over SSH shows
//! right unless a theme asks for more. Every state also has a glyph, so the screen reads
//! without colour; with `NO_COLOR` set no colour code is sent at all.

use crate::check::Standing;
use crate::error::{FileError, Location};
use crate::model::Verdict;
use crate::source::toml::{Table, key_offset};
use ratatui::style::{Color, Modifier, Style};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The themes that ship, embedded: (name, file text).
pub const BUILT_IN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// What the terminal can show, from its environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Depth {
    /// `NO_COLOR`: no colour codes at all.
    None,
    Basic16,
    Ansi256,
    TrueColor,
}

impl Depth {
    /// `NO_COLOR` (set and not empty, per no-color.org) wins; then `COLORTERM=truecolor|24bit`;
    /// then a `TERM` naming 256 colours; otherwise the 16 colours every terminal has.
    pub fn from_env() -> Depth {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        if !var("NO_COLOR").is_empty() {
            return Depth::None;
        }
        let colorterm = var("COLORTERM").to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return Depth::TrueColor;
        }
        if var("TERM").contains("256color") {
            return Depth::Ansi256;
        }
        Depth::Basic16
    }
}

/// The roles a theme colours, by the names theme files use.
const ROLES: &[&str] = &[
    "selection",
    "title",
    "label",
    "dim",
    "border",
    "met",
    "partly_met",
    "not_met",
    "unreviewed",
    "meets",
    "falls_short",
    "unclear",
    "info",
    "warning",
    "error",
    "key",
    "found",
    "draft",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    styles: BTreeMap<&'static str, Style>,
}

impl Default for Theme {
    fn default() -> Theme {
        // The embedded default is checked by the tests; should it ever fail, plain is safe.
        load_text(
            BUILT_IN[0].1,
            "<embedded> themes/default.toml",
            Depth::Basic16,
        )
        .unwrap_or_else(|_| Theme {
            name: "default".into(),
            styles: BTreeMap::new(),
        })
    }
}

/// Whether a theme is given as a file's path rather than by name.
pub fn is_path(spec: &str) -> bool {
    spec.contains('/') || spec.ends_with(".toml")
}

impl Theme {
    /// A theme by built-in name, by name in the user's themes directory, or by file path;
    /// refused with the file, line and column of what is wrong.
    pub fn load(spec: &str, user_dir: Option<&Path>, depth: Depth) -> Result<Theme, FileError> {
        if let Some((_, text)) = BUILT_IN.iter().find(|(n, _)| *n == spec) {
            return load_text(text, &format!("<embedded> themes/{spec}.toml"), depth);
        }
        let path: Option<PathBuf> = if is_path(spec) {
            Some(PathBuf::from(spec))
        } else {
            user_dir
                .map(|d| d.join(format!("{spec}.toml")))
                .filter(|p| p.is_file())
        };
        let Some(path) = path else {
            let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
            return Err(FileError::new(
                Location::file(spec),
                format!(
                    "no theme called \"{}\" (built in: {}; or give a theme file's path)",
                    crate::text::clean(spec),
                    names.join(", ")
                ),
            ));
        };
        let text = crate::source::decode::read_text(&path)?;
        load_text(&text, &path.display().to_string(), depth)
    }

    pub fn style(&self, role: &str) -> Style {
        self.styles.get(role).copied().unwrap_or_default()
    }

    pub fn selection(&self) -> Style {
        self.style("selection")
    }
    pub fn title(&self) -> Style {
        self.style("title")
    }
    pub fn label(&self) -> Style {
        self.style("label")
    }
    pub fn dim(&self) -> Style {
        self.style("dim")
    }
    pub fn border(&self) -> Style {
        self.style("border")
    }
    pub fn info(&self) -> Style {
        self.style("info")
    }
    pub fn warning(&self) -> Style {
        self.style("warning")
    }
    pub fn error(&self) -> Style {
        self.style("error")
    }
    pub fn key(&self) -> Style {
        self.style("key")
    }
    pub fn found(&self) -> Style {
        self.style("found")
    }
    pub fn draft(&self) -> Style {
        self.style("draft")
    }

    pub fn verdict(&self, v: Option<Verdict>) -> Style {
        self.style(match v {
            Some(Verdict::Met) => "met",
            Some(Verdict::PartlyMet) => "partly_met",
            Some(Verdict::NotMet) => "not_met",
            None => "unreviewed",
        })
    }

    pub fn standing(&self, s: Standing) -> Style {
        self.style(match s {
            Standing::Meets => "meets",
            // Between met and not met, as 基本完成 is.
            Standing::InBand => "partly_met",
            Standing::FallsShort => "falls_short",
            Standing::Unclear => "unclear",
        })
    }
}

/// Reads a theme file's text: its `base` first (built in), then its own styles over it.
pub fn load_text(text: &str, path: &str, depth: Depth) -> Result<Theme, FileError> {
    load_depth(text, path, depth, 0)
}

fn load_depth(text: &str, path: &str, depth: Depth, level: usize) -> Result<Theme, FileError> {
    let at = |offset: usize| Location::at_offset(path, text, offset);
    let table: toml::Spanned<toml::Table> = crate::source::toml::parse(text, path)?;
    let table = table.into_inner();
    let offset_of = |key: &str| key_offset(text, Table::Top, key);
    let role_offset = |role: &str| key_offset(text, Table::Named("styles"), role);
    for key in table.keys() {
        if key != "base" && key != "styles" {
            return Err(FileError::new(
                at(offset_of(key)),
                format!("unknown setting \"{key}\" (a theme has base and [styles])"),
            ));
        }
    }
    let base_name = match table.get("base") {
        None => None,
        Some(toml::Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(FileError::new(
                at(offset_of("base")),
                "base must be the name of a built-in theme, in quotes",
            ));
        }
    };
    let mut theme = match (&base_name, level) {
        (None, 0) if path.ends_with("themes/default.toml") => Theme {
            name: "default".into(),
            styles: BTreeMap::new(),
        },
        (None, _) => Theme::default_at(depth),
        (Some(_), 3..) => {
            return Err(FileError::new(
                at(offset_of("base")),
                "themes are based on one another too deeply",
            ));
        }
        (Some(name), _) => match BUILT_IN.iter().find(|(n, _)| n == name) {
            Some((n, base_text)) => load_depth(
                base_text,
                &format!("<embedded> themes/{n}.toml"),
                depth,
                level + 1,
            )?,
            None => {
                let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
                return Err(FileError::new(
                    at(offset_of("base")),
                    format!(
                        "base \"{}\" is not a built-in theme ({})",
                        crate::text::clean(name),
                        names.join(", ")
                    ),
                ));
            }
        },
    };
    theme.name = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".toml")
        .to_string();
    let styles = match table.get("styles") {
        None => toml::Table::new(),
        Some(toml::Value::Table(t)) => t.clone(),
        Some(_) => {
            return Err(FileError::new(
                at(offset_of("styles")),
                "styles must be a table: [styles]",
            ));
        }
    };
    for (role, value) in &styles {
        let Some(&known) = ROLES.iter().find(|r| *r == role) else {
            return Err(FileError::new(
                at(role_offset(role)),
                format!(
                    "unknown style \"{}\" (styles are: {})",
                    crate::text::clean(role),
                    ROLES.join(", ")
                ),
            ));
        };
        let style = parse_style(value, depth)
            .map_err(|m| FileError::new(at(role_offset(role)), format!("{role}: {m}")))?;
        theme.styles.insert(known, style);
    }
    Ok(theme)
}

impl Theme {
    /// The default theme at a colour depth (used under a user's theme without `base`).
    fn default_at(depth: Depth) -> Theme {
        load_text(BUILT_IN[0].1, "<embedded> themes/default.toml", depth).unwrap_or_default()
    }
}

fn parse_style(value: &toml::Value, depth: Depth) -> Result<Style, String> {
    let mut style = Style::new();
    match value {
        toml::Value::String(c) => {
            style = style.fg(parse_color(c, depth)?);
        }
        toml::Value::Table(t) => {
            for (k, v) in t {
                match (k.as_str(), v) {
                    ("fg", toml::Value::String(c)) => style = style.fg(parse_color(c, depth)?),
                    ("bg", toml::Value::String(c)) => style = style.bg(parse_color(c, depth)?),
                    ("fg" | "bg", toml::Value::Integer(n)) => {
                        let c = parse_color(&n.to_string(), depth)?;
                        style = if k == "fg" { style.fg(c) } else { style.bg(c) };
                    }
                    (flag, toml::Value::Boolean(on)) => {
                        let m = match flag {
                            "bold" => Modifier::BOLD,
                            "dim" => Modifier::DIM,
                            "italic" => Modifier::ITALIC,
                            "underline" => Modifier::UNDERLINED,
                            "reverse" => Modifier::REVERSED,
                            _ => {
                                return Err(format!(
                                    "unknown attribute \"{}\" (fg, bg, bold, dim, italic, underline, reverse)",
                                    crate::text::clean(flag)
                                ));
                            }
                        };
                        if *on {
                            style = style.add_modifier(m);
                        }
                    }
                    (other, _) => {
                        return Err(format!(
                            "\"{}\" has the wrong kind of value (fg and bg take a colour; bold, dim, italic, underline, reverse take true or false)",
                            crate::text::clean(other)
                        ));
                    }
                }
            }
        }
        toml::Value::Integer(n) => style = style.fg(parse_color(&n.to_string(), depth)?),
        _ => return Err("write a colour, or a table such as { fg = \"red\", bold = true }".into()),
    }
    if depth == Depth::None {
        // No colour codes at all: keep only bold, reverse and the like.
        style.fg = None;
        style.bg = None;
    }
    Ok(style)
}

fn parse_color(spec: &str, depth: Depth) -> Result<Color, String> {
    let basic = match spec.to_ascii_lowercase().as_str() {
        "reset" | "default" => Some(Color::Reset),
        "black" => Some(Color::Black),
        "red" => Some(Color::Red),
        "green" => Some(Color::Green),
        "yellow" => Some(Color::Yellow),
        "blue" => Some(Color::Blue),
        "magenta" => Some(Color::Magenta),
        "cyan" => Some(Color::Cyan),
        "gray" | "grey" => Some(Color::Gray),
        "darkgray" | "darkgrey" => Some(Color::DarkGray),
        "lightred" => Some(Color::LightRed),
        "lightgreen" => Some(Color::LightGreen),
        "lightyellow" => Some(Color::LightYellow),
        "lightblue" => Some(Color::LightBlue),
        "lightmagenta" => Some(Color::LightMagenta),
        "lightcyan" => Some(Color::LightCyan),
        "white" => Some(Color::White),
        _ => None,
    };
    if let Some(c) = basic {
        return Ok(c);
    }
    if let Ok(n) = spec.parse::<u8>() {
        return Ok(match depth {
            Depth::Basic16 if n >= 16 => nearest_basic(palette_rgb(n)),
            Depth::Basic16 => BASIC[n as usize].0,
            _ => Color::Indexed(n),
        });
    }
    if let Some(hex) = spec.strip_prefix('#') {
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let v = u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
            let rgb = ((v >> 16) as u8, (v >> 8) as u8, v as u8);
            return Ok(match depth {
                Depth::TrueColor => Color::Rgb(rgb.0, rgb.1, rgb.2),
                Depth::Ansi256 => Color::Indexed(nearest_256(rgb)),
                _ => nearest_basic(rgb),
            });
        }
    }
    Err(format!(
        "\"{}\" is not a colour (a name such as red or lightcyan, 0–255, or #rrggbb)",
        crate::text::clean(spec)
    ))
}

/// The 16 basic colours with the RGB xterm shows them in, for choosing the nearest.
const BASIC: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).unsigned_abs();
    d(a.0, b.0).pow(2) + d(a.1, b.1).pow(2) + d(a.2, b.2).pow(2)
}

fn nearest_basic(rgb: (u8, u8, u8)) -> Color {
    BASIC
        .iter()
        .min_by_key(|(_, c)| distance(*c, rgb))
        .map_or(Color::Reset, |(c, _)| *c)
}

/// The RGB of a 256-colour index (the 6×6×6 cube and the grey ramp).
fn palette_rgb(n: u8) -> (u8, u8, u8) {
    match n {
        0..=15 => BASIC[n as usize].1,
        16..=231 => {
            let i = n - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(i / 36), level((i / 6) % 6), level(i % 6))
        }
        _ => {
            let g = 8 + (n - 232) * 10;
            (g, g, g)
        }
    }
}

fn nearest_256(rgb: (u8, u8, u8)) -> u8 {
    (16..=255u8)
        .min_by_key(|&n| distance(palette_rgb(n), rgb))
        .unwrap_or(16)
}

/// The glyph beside each verdict: the screen must read without colour.
pub fn glyph(v: Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Met) => "✓",
        Some(Verdict::PartlyMet) => "◐",
        Some(Verdict::NotMet) => "✗",
        None => "○",
    }
}

pub const DRAFT_GLYPH: &str = "✎";
/// Another reviewer is on this item now.
pub const OTHER_GLYPH: &str = "@";
/// The row is selected (one verdict for all selected).
pub const SELECTED_GLYPH: &str = "+";
/// Every item of a target or indicator has a verdict (whatever the verdicts are): not ✓,
/// which is 完成.
pub const ALL_REVIEWED_GLYPH: &str = "●";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_loads_and_colours_every_role() {
        for (name, _) in BUILT_IN {
            for depth in [
                Depth::None,
                Depth::Basic16,
                Depth::Ansi256,
                Depth::TrueColor,
            ] {
                let theme = Theme::load(name, None, depth).unwrap();
                for role in ROLES {
                    assert!(theme.styles.contains_key(role), "{name} lacks {role}");
                }
            }
        }
    }

    #[test]
    fn no_color_means_no_colour_at_all() {
        for (name, _) in BUILT_IN {
            let theme = Theme::load(name, None, Depth::None).unwrap();
            for (role, style) in &theme.styles {
                assert_eq!((style.fg, style.bg), (None, None), "{name} {role}");
            }
            assert!(
                theme.selection().add_modifier.contains(Modifier::REVERSED)
                    || theme.selection().bg.is_none()
            );
        }
    }

    #[test]
    fn truecolour_only_where_the_terminal_says_so() {
        let text = "[styles]\nmet = \"#00af5f\"\n";
        let t = load_text(text, "t.toml", Depth::TrueColor).unwrap();
        assert_eq!(
            t.verdict(Some(Verdict::Met)).fg,
            Some(Color::Rgb(0, 0xaf, 0x5f))
        );
        let t = load_text(text, "t.toml", Depth::Ansi256).unwrap();
        assert_eq!(t.verdict(Some(Verdict::Met)).fg, Some(Color::Indexed(35)));
        let t = load_text(text, "t.toml", Depth::Basic16).unwrap();
        assert_eq!(t.verdict(Some(Verdict::Met)).fg, Some(Color::Green));
    }

    #[test]
    fn a_users_theme_overrides_only_what_it_names() {
        let t = load_text(
            "base = \"light\"\n[styles]\nmet = \"blue\"\n",
            "mine.toml",
            Depth::Basic16,
        )
        .unwrap();
        assert_eq!(t.verdict(Some(Verdict::Met)).fg, Some(Color::Blue));
        assert_eq!(t.label().fg, Some(Color::Blue), "from light");
        assert_eq!(
            t.verdict(Some(Verdict::NotMet)).fg,
            Some(Color::Red),
            "from default"
        );
        let t = load_text("[styles]\nmet = \"blue\"\n", "mine.toml", Depth::Basic16).unwrap();
        assert_eq!(t.label().fg, Some(Color::Cyan), "no base: default");
    }

    #[test]
    fn bad_themes_are_refused_with_line_and_column() {
        let e = |text: &str| {
            load_text(text, "mine.toml", Depth::Basic16)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            e("[styles]\nmet = \"green\"\nnot_met = \"rojo\"\n"),
            "mine.toml:3:1: not_met: \"rojo\" is not a colour (a name such as red or lightcyan, 0–255, or #rrggbb)"
        );
        assert!(
            e("[styles]\nmett = \"green\"\n").starts_with("mine.toml:2:1: unknown style \"mett\"")
        );
        assert!(e("[styles\n").starts_with("mine.toml:1:"));
        assert!(
            e("base = \"neon\"\n")
                .starts_with("mine.toml:1:1: base \"neon\" is not a built-in theme")
        );
        assert!(e("colour = 1\n").starts_with("mine.toml:1:1: unknown setting"));
        assert!(
            e("[styles]\nmet = { fg = \"red\", blink = true }\n")
                .contains("unknown attribute \"blink\"")
        );
        let e = Theme::load("neon", None, Depth::Basic16)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no theme called \"neon\""), "{e}");
        assert!(e.contains("high-contrast"), "{e}");
    }
}
