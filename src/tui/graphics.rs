//! Pictures in the terminal: which way this terminal can show one, and the bytes that show a
//! picture that way. Half-blocks (▀ with its two colours: two pixels a cell) work everywhere,
//! PuTTY over plain SSH at 80×24 among them, and are drawn by the view as cells. Where the
//! terminal has a protocol of its own, the picture is sent with it over the cells the view
//! left blank: kitty's graphics protocol, iTerm2's inline images (WezTerm takes them too),
//! DEC sixel.
//!
//! The protocol is told from the environment only — never by asking the terminal, whose
//! answer may never come over a slow SSH link and would arrive mixed into the keys — or set
//! in the config (`graphics = "sixel"`) or `KAOHE_GRAPHICS`.

use kaohe_preview::Picture;

/// How pictures are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// ▀ with a foreground and a background colour: every terminal.
    #[default]
    HalfBlocks,
    Kitty,
    Iterm2,
    Sixel,
}

/// How the viewer draws pictures here: the protocol, and the colours half-blocks are drawn
/// in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pictures {
    pub protocol: Protocol,
    pub colours: Colours,
}

/// The colours half-blocks are drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Colours {
    /// 24-bit (`COLORTERM=truecolor`).
    TrueColor,
    /// The 256-colour palette: what PuTTY, Xshell, SecureCRT and every terminal of the last
    /// twenty years show, `TERM=xterm` or not (a picture in 16 colours would show nothing).
    #[default]
    Ansi256,
    /// `NO_COLOR`: shades of grey as characters (░ ▒ ▓ █), no colour codes.
    None,
}

impl Colours {
    pub fn of(depth: crate::tui::theme::Depth) -> Colours {
        use crate::tui::theme::Depth;
        match depth {
            Depth::None => Colours::None,
            Depth::TrueColor => Colours::TrueColor,
            Depth::Ansi256 | Depth::Basic16 => Colours::Ansi256,
        }
    }
}

/// What the config or `KAOHE_GRAPHICS` may say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Setting {
    /// Told from the environment.
    #[default]
    Auto,
    Forced(Protocol),
}

impl Setting {
    /// A setting by its name in a config: auto, halfblocks, kitty, iterm2, sixel.
    pub fn parse(name: &str) -> Option<Setting> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "auto" => Setting::Auto,
            "halfblocks" | "half-blocks" | "blocks" => Setting::Forced(Protocol::HalfBlocks),
            "kitty" => Setting::Forced(Protocol::Kitty),
            "iterm2" | "iterm" => Setting::Forced(Protocol::Iterm2),
            "sixel" => Setting::Forced(Protocol::Sixel),
            _ => return None,
        })
    }

    pub const NAMES: &'static str = "auto, halfblocks, kitty, iterm2 or sixel";
}

/// The protocol for this terminal: `KAOHE_GRAPHICS` first (when it names one), then the
/// config's setting, then the environment: kitty by `KITTY_WINDOW_ID` or `TERM=xterm-kitty`;
/// iTerm2's images in iTerm2 and WezTerm (`TERM_PROGRAM`); half-blocks otherwise, and inside
/// tmux or screen, which pass none of them on. Sixel only when asked for: no variable says
/// a terminal has it. `env` reads a variable.
pub fn detect(setting: Setting, env: &dyn Fn(&str) -> Option<String>) -> Protocol {
    if let Some(Setting::Forced(p)) = env("KAOHE_GRAPHICS").and_then(|v| Setting::parse(&v)) {
        return p;
    }
    if let Setting::Forced(p) = setting {
        return p;
    }
    let term = env("TERM").unwrap_or_default();
    if env("TMUX").is_some() || term.starts_with("screen") || term.starts_with("tmux") {
        return Protocol::HalfBlocks;
    }
    if env("KITTY_WINDOW_ID").is_some() || term == "xterm-kitty" {
        return Protocol::Kitty;
    }
    match env("TERM_PROGRAM").as_deref() {
        Some("iTerm.app" | "WezTerm") => Protocol::Iterm2,
        _ => Protocol::HalfBlocks,
    }
}

/// Where a picture goes: its top-left cell (0-based column, row), and how many columns and
/// rows it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cells {
    pub x: u16,
    pub y: u16,
    pub columns: u16,
    pub rows: u16,
}

/// A cell's size in pixels, as the terminal told the kernel (0 where it did not): 10 × 20 is
/// assumed then.
pub fn cell_pixels(window: (u16, u16), cells: (u16, u16)) -> (u32, u32) {
    let (pw, ph) = window;
    let (cw, ch) = cells;
    if pw == 0 || ph == 0 || cw == 0 || ch == 0 {
        return (10, 20);
    }
    (
        (u32::from(pw) / u32::from(cw)).max(1),
        (u32::from(ph) / u32::from(ch)).max(1),
    )
}

/// The picture fitted (never enlarged, proportions kept) to `cells` with cells of `cell`
/// pixels: its size in pixels, and in cells, centred across.
pub fn fit(picture: &Picture, cells: Cells, cell: (u32, u32)) -> ((u32, u32), Cells) {
    let room = (
        u32::from(cells.columns) * cell.0,
        u32::from(cells.rows) * cell.1,
    );
    let (w, h) = picture.fitted_size(room.0, room.1);
    let columns = u16::try_from(w.div_ceil(cell.0))
        .unwrap_or(cells.columns)
        .min(cells.columns);
    let rows = u16::try_from(h.div_ceil(cell.1))
        .unwrap_or(cells.rows)
        .min(cells.rows);
    let x = cells.x + (cells.columns - columns) / 2;
    (
        (w, h),
        Cells {
            x,
            y: cells.y,
            columns,
            rows,
        },
    )
}

/// The bytes that show `picture` in `cells` with `protocol` (nothing for half-blocks, which
/// are cells). The cursor is saved before and put back after, so the screen's writer finds
/// it where it left it; kitty is asked for no reply (a reply would come in as keys).
pub fn encode(protocol: Protocol, picture: &Picture, cells: Cells, cell: (u32, u32)) -> Vec<u8> {
    let ((w, h), at) = fit(picture, cells, cell);
    let scaled = picture.resized(w, h);
    let mut out = format!("\x1b7\x1b[{};{}H", at.y + 1, at.x + 1).into_bytes();
    match protocol {
        Protocol::HalfBlocks => return Vec::new(),
        Protocol::Kitty => kitty(&mut out, &scaled.png(), at),
        Protocol::Iterm2 => iterm2(&mut out, &scaled.png(), at),
        Protocol::Sixel => sixel(&mut out, &scaled),
    }
    out.extend_from_slice(b"\x1b8");
    out
}

/// What takes a picture shown with `protocol` off the screen (kitty keeps its images above
/// the cells until told; the others are cells, redrawn).
pub fn remove(protocol: Protocol) -> &'static [u8] {
    match protocol {
        Protocol::Kitty => b"\x1b_Ga=d,d=A,q=2\x1b\\",
        _ => b"",
    }
}

/// kitty: the PNG in base64, in chunks of 4,096, placed over `at`'s columns and rows.
fn kitty(out: &mut Vec<u8>, png: &[u8], at: Cells) {
    let data = base64(png);
    let chunks: Vec<&[u8]> = data.as_bytes().chunks(4096).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let more = u8::from(i + 1 < chunks.len());
        if i == 0 {
            out.extend(
                format!(
                    "\x1b_Ga=T,f=100,t=d,q=2,C=1,c={},r={},m={more};",
                    at.columns, at.rows
                )
                .as_bytes(),
            );
        } else {
            out.extend(format!("\x1b_Gm={more};").as_bytes());
        }
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\x1b\\");
    }
}

/// iTerm2 (and WezTerm): an inline file, the PNG, sized in cells.
fn iterm2(out: &mut Vec<u8>, png: &[u8], at: Cells) {
    let data = base64(png);
    out.extend(
        format!(
            "\x1b]1337;File=inline=1;size={};width={};height={};preserveAspectRatio=1:",
            png.len(),
            at.columns,
            at.rows
        )
        .as_bytes(),
    );
    out.extend_from_slice(data.as_bytes());
    out.push(0x07);
}

/// Sixel: the picture in a palette of 216 colours (6 levels of red, green and blue), six rows
/// of pixels a band, each colour's run of a band run-length coded.
fn sixel(out: &mut Vec<u8>, picture: &Picture) {
    let (w, h) = (picture.width(), picture.height());
    let level = |c: u8| (u16::from(c) * 5 + 127) / 255;
    let index = |p: [u8; 3]| (level(p[0]) * 36 + level(p[1]) * 6 + level(p[2])) as usize;
    // q, then 1:1 pixels, then the raster's size.
    out.extend(format!("\x1bP0;1;0q\"1;1;{w};{h}").as_bytes());
    for i in 0..216u16 {
        let pct = |v: u16| v * 100 / 5;
        out.extend(format!("#{i};2;{};{};{}", pct(i / 36), pct(i / 6 % 6), pct(i % 6)).as_bytes());
    }
    let mut colours = vec![0usize; w as usize];
    for band in (0..h).step_by(6) {
        // Which colours this band uses, each drawn in turn over the band.
        let mut used = vec![false; 216];
        for y in band..(band + 6).min(h) {
            for x in 0..w {
                used[index(picture.pixel(x, y))] = true;
            }
        }
        for (c, _) in used.iter().enumerate().filter(|(_, u)| **u) {
            out.extend(format!("#{c}").as_bytes());
            for (x, bits) in colours.iter_mut().enumerate() {
                *bits = 0;
                for dy in 0..6 {
                    let y = band + dy;
                    if y < h && index(picture.pixel(x as u32, y)) == c {
                        *bits |= 1 << dy;
                    }
                }
            }
            let mut x = 0;
            while x < colours.len() {
                let bits = colours[x];
                let mut run = 1;
                while x + run < colours.len() && colours[x + run] == bits {
                    run += 1;
                }
                let ch = (63 + bits as u8) as char;
                if run > 3 {
                    out.extend(format!("!{run}{ch}").as_bytes());
                } else {
                    out.extend(std::iter::repeat_n(ch as u8, run));
                }
                x += run;
            }
            // Back to the band's start for the next colour.
            out.push(b'$');
        }
        out.push(b'-');
    }
    out.extend_from_slice(b"\x1b\\");
}

/// Standard base64, with padding (what kitty's and iTerm2's protocols carry).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn base64_as_the_standard_writes_it() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("民政".as_bytes()), "5rCR5pS/");
    }

    #[test]
    fn the_protocol_is_told_from_the_environment() {
        let auto = Setting::Auto;
        assert_eq!(
            detect(auto, &env(&[("TERM", "xterm")])),
            Protocol::HalfBlocks
        );
        assert_eq!(
            detect(auto, &env(&[("TERM", "xterm-kitty")])),
            Protocol::Kitty
        );
        assert_eq!(
            detect(auto, &env(&[("KITTY_WINDOW_ID", "1")])),
            Protocol::Kitty
        );
        assert_eq!(
            detect(auto, &env(&[("TERM_PROGRAM", "WezTerm")])),
            Protocol::Iterm2
        );
        assert_eq!(
            detect(
                auto,
                &env(&[("TERM_PROGRAM", "iTerm.app"), ("TMUX", "/tmp/x")])
            ),
            Protocol::HalfBlocks,
            "tmux passes no protocol on"
        );
        // Sixel only when asked for; the variable over the config.
        let sixel = Setting::Forced(Protocol::Sixel);
        assert_eq!(detect(sixel, &env(&[("TERM", "xterm")])), Protocol::Sixel);
        assert_eq!(
            detect(sixel, &env(&[("KAOHE_GRAPHICS", "halfblocks")])),
            Protocol::HalfBlocks
        );
        assert_eq!(Setting::parse("nonsense"), None);
    }

    #[test]
    fn the_config_says_graphics_or_is_refused_at_its_line() {
        let c = crate::config::parse("graphics = \"sixel\"\n", "c.toml").unwrap();
        assert_eq!(c.graphics, Setting::Forced(Protocol::Sixel));
        let c = crate::config::parse("", "c.toml").unwrap();
        assert_eq!(c.graphics, Setting::Auto);
        let e = crate::config::parse("theme = \"light\"\ngraphics = \"png\"\n", "c.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "c.toml:2:1: graphics is auto, halfblocks, kitty, iterm2 or sixel, not \"png\""
        );
    }

    fn picture() -> Picture {
        let rgb: Vec<u8> = (0..40 * 20)
            .flat_map(|i| {
                if i % 40 < 20 {
                    [255, 0, 0]
                } else {
                    [0, 0, 255]
                }
            })
            .collect();
        Picture::new(40, 20, rgb).unwrap()
    }

    #[test]
    fn a_picture_is_fitted_to_its_cells_and_centred() {
        let cells = Cells {
            x: 0,
            y: 2,
            columns: 20,
            rows: 5,
        };
        // 20 × 5 cells of 10 × 20 pixels: 200 × 100; the 40 × 20 picture is not enlarged.
        let ((w, h), at) = fit(&picture(), cells, (10, 20));
        assert_eq!((w, h), (40, 20));
        assert_eq!((at.columns, at.rows, at.x, at.y), (4, 1, 8, 2));
    }

    #[test]
    fn each_protocol_puts_the_cursor_back_and_kitty_asks_no_reply() {
        let cells = Cells {
            x: 1,
            y: 1,
            columns: 8,
            rows: 4,
        };
        for p in [Protocol::Kitty, Protocol::Iterm2, Protocol::Sixel] {
            let bytes = encode(p, &picture(), cells, (10, 20));
            assert!(bytes.starts_with(b"\x1b7\x1b["), "{p:?}");
            assert!(bytes.ends_with(b"\x1b8"), "{p:?}");
        }
        let kitty = encode(Protocol::Kitty, &picture(), cells, (10, 20));
        assert!(String::from_utf8_lossy(&kitty).contains("q=2"));
        let sixel =
            String::from_utf8(encode(Protocol::Sixel, &picture(), cells, (10, 20))).unwrap();
        assert!(sixel.contains("\x1bP0;1;0q\"1;1;40;20"));
        // Red (5,0,0 → 180) and blue (0,0,5 → 5) are used; 20 pixels each of the first band.
        assert!(sixel.contains("#180!20~"), "{sixel}");
        assert!(encode(Protocol::HalfBlocks, &picture(), cells, (10, 20)).is_empty());
    }
}
