//! What the panes and overlays share: a pane's frame, a line of one style, the scroll that keeps
//! the selection in view, an overlay's box and the clearing around it, a time as the screen
//! writes it, and how an item's requirement and figure read.

use crate::check::Standing;
use crate::model::{IndicatorKind, Submission, Verdict, format_number};
use crate::text::{clean, truncate};
use crate::tui::app::{App, Cursor};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear};

/// One line in one style.
pub(super) fn line_of(text: String, style: Style) -> Line<'static> {
    Line::from(Span::styled(text, style))
}

/// A pane's frame with its title.
pub(super) fn pane_block(title: String, theme: &Theme) -> Block<'static> {
    Block::bordered()
        .border_style(theme.border())
        .title(Span::styled(title, theme.title()))
}

/// Draws a pane's frame, its title cut to fit; gives the area inside.
pub(super) fn pane(frame: &mut Frame, area: Rect, title: &str, theme: &Theme) -> Rect {
    let block = pane_block(
        truncate(title, area.width.saturating_sub(4) as usize),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// Draws an overlay's frame over what is beneath, its title cut to fit; gives the area inside.
pub(super) fn overlay(frame: &mut Frame, r: Rect, title: &str, theme: &Theme) -> Rect {
    clear_around(frame, r);
    let block = Block::bordered()
        .border_style(theme.label())
        .title(Span::styled(
            truncate(title, r.width.saturating_sub(4) as usize),
            theme.title(),
        ));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    inner
}

/// "标题 · 柯城区 · 1.2 照料中心覆盖率(城市)": an overlay's or pane's title for one item.
pub(super) fn item_title(app: &App, label: &str, at: Cursor) -> String {
    let ind = &app.indicators[at.indicator];
    format!(
        "{label} · {} · {} {}",
        clean(&app.counties[at.county].name),
        ind.id,
        clean(&ind.short)
    )
}

/// The first row to show so that `selected` is on screen, keeping it near the middle.
pub(super) fn scroll(selected: usize, len: usize, height: usize) -> usize {
    if len <= height || height == 0 {
        return 0;
    }
    selected.saturating_sub(height / 2).min(len - height)
}

/// A `w`×`h` box (at most the window) in the middle of `area`.
pub(super) fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let (w, h) = (w.min(area.width), h.min(area.height));
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Clears an overlay's area and one column either side of it: a wide character of the pane
/// beneath must not straddle the overlay's edge.
pub(super) fn clear_around(frame: &mut Frame, r: Rect) {
    let area = frame.area();
    let x = r.x.saturating_sub(1).max(area.x);
    let right = (r.x + r.width + 1).min(area.x + area.width);
    frame.render_widget(
        Clear,
        Rect {
            x,
            y: r.y,
            width: right.saturating_sub(x),
            height: r.height,
        },
    );
}

/// "2026-11-29T20:51:18+08:00" → "2026-11-29 20:51".
pub(super) fn short_time(rfc3339: &str) -> String {
    match rfc3339.get(..16) {
        Some(t) => t.replace('T', " "),
        None => clean(rfc3339),
    }
}

pub(super) fn requirement_words(app: &App) -> String {
    let s = app.strings;
    let ind = app.indicator();
    let what = match (&ind.kind, &ind.requirement) {
        (IndicatorKind::Numeric, Some(r)) => r.to_string(),
        (IndicatorKind::YesNo, _) => s.yes_no.to_string(),
        _ => s.qualitative.to_string(),
    };
    format!("{}{}{what}", s.requirement, s.colon)
}

/// The figure as the county wrote it, with numerator/denominator when given.
pub(super) fn figure_text(sub: &Submission, with_fraction: bool) -> String {
    let mut text = clean(&sub.value);
    if let (Some(n), Some(d), true) = (sub.numerator, sub.denominator, with_fraction) {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("({}/{})", format_number(n), format_number(d)));
    }
    text
}

pub(super) fn standing_text(app: &App, s: Option<Standing>) -> &'static str {
    match s {
        Some(Standing::Meets) => app.strings.meets,
        Some(Standing::InBand) => app.strings.in_band,
        Some(Standing::FallsShort) => app.strings.falls_short,
        Some(Standing::Unclear) => app.strings.unclear,
        None => "",
    }
}

/// A verdict's name, or the word for none yet.
pub(super) fn verdict_name(app: &App, verdict: Option<Verdict>) -> &'static str {
    verdict.map_or(app.strings.unreviewed, |v| app.strings.verdict(v))
}
