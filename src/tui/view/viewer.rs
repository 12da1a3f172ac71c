//! The evidence viewer (`a`): one of the item's files over the panes, its text paged (the rows
//! the App laid out, places found picked out), its pictures as half-blocks — ▀ with the upper
//! pixel's colour in front and the lower one's behind, two pixels a cell — or left blank for
//! the terminal's own protocol to fill (graphics.rs, sent by the run loop). A status line says
//! which file, what it is, where in it; `/` types the query there.

use super::shared::{item_title, line_of, overlay};
use crate::text::{clean, truncate, width};
use crate::tui::app::{App, Doc, Row, RowStyle, Viewer};
use crate::tui::graphics::{Cells, Colours, Protocol};
use crate::tui::theme::Theme;
use kaohe_preview::Picture;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The viewer's box in a window of `area`: the body between the header and the message line.
fn viewer_box(area: Rect) -> Rect {
    super::screen_rows(area)[1]
}

/// Where the file's rows go: inside the box, above the status line.
fn text_area(area: Rect) -> Rect {
    let inner = ratatui::widgets::Block::bordered().inner(viewer_box(area));
    Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    }
}

/// The size of the viewer's text area in a window of `area` (columns, rows): the App lays
/// the file's rows out to it.
pub fn viewer_text_size(area: Rect) -> (u16, u16) {
    let a = text_area(area);
    (a.width.max(1), a.height.max(1))
}

/// The picture on screen whole, where the terminal's own protocol is to draw it: the cells it
/// may take and the picture. None while something is over the viewer (the help), with
/// half-blocks, or while only part of a picture is in view (that part is half-blocks).
pub fn protocol_picture(area: Rect, app: &App) -> Option<(Cells, &Picture)> {
    if app.pictures.protocol == Protocol::HalfBlocks || app.help().is_some() {
        return None;
    }
    let v = app.viewer()?;
    let text = text_area(area);
    let rows = v.rows();
    let shown = &rows[v.top.min(rows.len())..];
    let h = usize::from(text.height);
    for (i, row) in shown.iter().take(h).enumerate() {
        if let Row::Picture {
            part,
            row: 0,
            rows: n,
        } = row
        {
            if i + usize::from(*n) > h {
                return None;
            }
            let picture = v.picture(*part)?;
            let cells = Cells {
                x: text.x,
                y: text.y + i as u16,
                columns: text.width,
                rows: *n,
            };
            return Some((cells, picture));
        }
    }
    None
}

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(v) = app.viewer() else {
        return;
    };
    let s = app.strings;
    let e = s.evidence_words;
    let file = v.current();
    let title = format!(
        "{} · {}/{} {}",
        item_title(app, e.title, v.at),
        v.file + 1,
        v.files.len(),
        clean(&file.name)
    );
    let inner = overlay(frame, viewer_box(area), &title, theme);
    let text = text_area(area);
    let w = usize::from(text.width);
    let whole = protocol_picture(area, app).map(|(c, _)| c.y);
    match &v.doc {
        Doc::Loading => {
            let words = e.loading.replace("{name}", &clean(&file.name));
            frame.render_widget(
                Paragraph::new(line_of(truncate(&words, w), theme.dim())),
                text,
            );
        }
        Doc::Failed(why) => {
            let lines: Vec<Line> = crate::text::wrap(why, w)
                .into_iter()
                .map(|l| line_of(l, theme.warning()))
                .collect();
            frame.render_widget(Paragraph::new(lines), text);
        }
        Doc::Ready { .. } => draw_rows(frame, text, app, v, theme, whole),
    }
    let status = Rect {
        y: inner.y + inner.height.saturating_sub(1),
        height: 1,
        ..inner
    };
    draw_status(frame, status, app, v, theme);
}

/// The rows from the top, as many as the area holds.
fn draw_rows(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    v: &Viewer,
    theme: &Theme,
    whole: Option<u16>,
) {
    let rows = v.rows();
    let h = usize::from(area.height);
    let current = v.hit.and_then(|i| v.hits.get(i)).copied();
    let mut y = 0;
    let mut i = v.top;
    while y < h && i < rows.len() {
        let line = Rect {
            y: area.y + y as u16,
            height: 1,
            ..area
        };
        match &rows[i] {
            Row::Text { text, style, .. } => {
                let base = match style {
                    RowStyle::Heading => theme.title(),
                    RowStyle::Note => theme.warning(),
                    RowStyle::Empty => theme.dim(),
                    RowStyle::Body => Style::new(),
                };
                let mut spans = found(text, &v.query, base, theme.found());
                if current == Some(i) {
                    // The place `n` went to: marked in the margin's stead, its row bold.
                    spans = spans
                        .into_iter()
                        .map(|s| s.patch_style(Modifier::BOLD))
                        .collect();
                }
                frame.render_widget(Paragraph::new(Line::from(spans)), line);
                y += 1;
                i += 1;
            }
            Row::Picture { part, row, rows: n } => {
                // The rest of this picture that is in view, drawn at once.
                let left = usize::from(n - row).min(h - y);
                let block = Rect {
                    y: area.y + y as u16,
                    height: left as u16,
                    ..area
                };
                let by_protocol = whole == Some(block.y) && *row == 0;
                if let (Some(picture), false) = (v.picture(*part), by_protocol) {
                    half_blocks(frame, block, picture, *row, *n, app.pictures.colours);
                }
                y += left;
                i += left;
            }
        }
    }
}

/// `text` with each place `query` is found (without regard to case) in `hit`'s style.
fn found(text: &str, query: &str, base: Style, hit: Style) -> Vec<Span<'static>> {
    if query.is_empty() {
        return vec![Span::styled(text.to_string(), base)];
    }
    let lower = text.to_lowercase();
    let q = query.to_lowercase();
    // Only where lower-casing kept every character's length can places be told by position.
    if lower.len() != text.len() {
        return vec![Span::styled(text.to_string(), base)];
    }
    let mut spans = Vec::new();
    let mut from = 0;
    for (at, m) in lower.match_indices(&q) {
        if at < from {
            continue;
        }
        if at > from {
            spans.push(Span::styled(text[from..at].to_string(), base));
        }
        spans.push(Span::styled(text[at..at + m.len()].to_string(), hit));
        from = at + m.len();
    }
    if from < text.len() {
        spans.push(Span::styled(text[from..].to_string(), base));
    }
    spans
}

/// Rows `first`.. of a picture that takes `rows` rows, drawn into `area` as half-blocks: the
/// picture fitted to the whole block (two pixels a cell down, one across), centred across.
fn half_blocks(
    frame: &mut Frame,
    area: Rect,
    picture: &Picture,
    first: u16,
    rows: u16,
    colours: Colours,
) {
    let (pw, ph) = picture.fitted_size(u32::from(area.width), u32::from(rows) * 2);
    let scaled = picture.resized(pw, ph);
    let left = area.x + (area.width.saturating_sub(pw as u16)) / 2;
    let buf = frame.buffer_mut();
    for dy in 0..area.height {
        let py = u32::from(first + dy) * 2;
        if py >= ph {
            break;
        }
        for px in 0..pw {
            let x = left + px as u16;
            if x >= area.x + area.width {
                break;
            }
            let top = scaled.pixel(px, py);
            let bottom = (py + 1 < ph).then(|| scaled.pixel(px, py + 1));
            let Some(cell) = buf.cell_mut(Position::new(x, area.y + dy)) else {
                continue;
            };
            match colours {
                Colours::None => {
                    let grey = bottom.map_or(luma(top), |b| (luma(top) + luma(b)) / 2);
                    cell.set_symbol(shade(grey));
                    cell.set_style(Style::new());
                }
                _ => {
                    cell.set_symbol("▀");
                    let style = Style::new().fg(colour(top, colours)).bg(match bottom {
                        Some(b) => colour(b, colours),
                        None => Color::Reset,
                    });
                    cell.set_style(style);
                }
            }
        }
    }
}

fn luma([r, g, b]: [u8; 3]) -> u32 {
    (u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000
}

/// A grey as a character of its darkness, for a terminal without colours (on a dark
/// background: light is dense).
fn shade(grey: u32) -> &'static str {
    match grey {
        0..=50 => " ",
        51..=110 => "░",
        111..=170 => "▒",
        171..=220 => "▓",
        _ => "█",
    }
}

/// A pixel's colour in the colours the terminal has.
fn colour([r, g, b]: [u8; 3], colours: Colours) -> Color {
    match colours {
        Colours::TrueColor => Color::Rgb(r, g, b),
        _ => Color::Indexed(nearest_256(r, g, b)),
    }
}

/// The nearest of the 256-colour palette's 6×6×6 cube and its 24 greys.
fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let level = |c: u8| {
        LEVELS
            .iter()
            .enumerate()
            .min_by_key(|(_, l)| (i32::from(**l) - i32::from(c)).abs())
            .map_or(0, |(i, _)| i as u8)
    };
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube = 16 + 36 * ri + 6 * gi + bi;
    let dist = |a: (u8, u8, u8)| {
        let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2);
        d(a.0, r) + d(a.1, g) + d(a.2, b)
    };
    let cube_rgb = (
        LEVELS[ri as usize],
        LEVELS[gi as usize],
        LEVELS[bi as usize],
    );
    let avg = (u32::from(r) + u32::from(g) + u32::from(b)) / 3;
    let gi = (avg.saturating_sub(8) / 10).min(23) as u8;
    let grey = 8 + 10 * gi;
    if dist((grey, grey, grey)) < dist(cube_rgb) {
        232 + gi
    } else {
        cube
    }
}

/// The status line: the find prompt while a query is typed (the real cursor at its caret, for
/// the input method), else the file's kind, size and pages, where in it, and the keys.
fn draw_status(frame: &mut Frame, area: Rect, app: &App, v: &Viewer, theme: &Theme) {
    let s = app.strings;
    let e = s.evidence_words;
    let w = usize::from(area.width);
    if let Some(q) = &v.find {
        let typed = clean(&q.text());
        let before: String = clean(&q.text().chars().take(q.caret()).collect::<String>());
        let line = Line::from(vec![
            Span::styled(e.find_prompt, theme.label()),
            Span::raw(typed),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        let x = area.x + (width(e.find_prompt) + width(&before)).min(w.saturating_sub(1)) as u16;
        frame.set_cursor_position(Position::new(x, area.y));
        return;
    }
    let file = v.current();
    let kind = match s.lang {
        crate::tui::strings::Lang::Zh => file.kind.chinese(),
        crate::tui::strings::Lang::En => file.kind.english(),
    };
    let mut facts = vec![
        kind.to_string(),
        crate::tui::strings::evidence::size(s.lang, file.size),
    ];
    let pages = v.preview().and_then(|p| p.pages).or(file.pages);
    if let Some(n) = pages {
        facts.push(e.pages.replace("{n}", &n.to_string()));
    }
    let total = v.rows().len();
    if total > 0 {
        let last = (v.top + usize::from(app.viewer_size.1)).min(total);
        facts.push(
            e.where_in_file
                .replace("{from}", &(v.top + 1).min(total).to_string())
                .replace("{to}", &last.to_string())
                .replace("{rows}", &total.to_string()),
        );
    }
    // The keys are on the hint line below.
    let line = Line::from(Span::styled(truncate(&facts.join(" · "), w), theme.label()));
    frame.render_widget(Paragraph::new(line), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_found_are_picked_out_without_regard_to_case() {
        let spans = found("Abc 养老 abc", "ABC", Style::new(), Style::new().bold());
        let texts: Vec<&str> = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, vec!["Abc", " 养老 ", "abc"]);
    }

    #[test]
    fn the_palette_has_the_nearest_colour() {
        assert_eq!(nearest_256(0, 0, 0), 16);
        assert_eq!(nearest_256(255, 0, 0), 196);
        assert_eq!(nearest_256(128, 128, 128), 244);
    }
}
