//! The finder's box: the query with its caret, the hits with what matched picked out, the count.

use super::shared::{line_of, overlay, scroll};
use crate::search::Kind;
use crate::text::{char_width, clean, fit, truncate, width};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

fn kind_label(app: &App, kind: Kind) -> &'static str {
    let s = app.strings;
    match kind {
        Kind::Target => s.kind_target,
        Kind::Indicator => s.kind_indicator,
        Kind::County => s.kind_county,
        Kind::Note => s.kind_note,
    }
}

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(finder) = app.finder() else {
        return;
    };
    let s = app.strings;
    let w = area.width.saturating_sub(4).clamp(10, 80).min(area.width);
    let h = area.height.saturating_sub(2).clamp(3, 20).min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + 1.min(area.height - h),
        width: w,
        height: h,
    };
    let inner = overlay(frame, r, s.search_title, theme);
    if inner.height == 0 || inner.width < 3 {
        return;
    }
    let iw = inner.width as usize;
    // The query line: "/ " and the query, scrolled so the caret stays in view.
    let query = finder.query.text();
    let caret_col = width(&query.chars().take(finder.query.caret()).collect::<String>());
    let room = iw.saturating_sub(3);
    let skip_cols = caret_col.saturating_sub(room);
    let mut shown = String::new();
    let mut col = 0;
    for c in query.chars() {
        let cw = char_width(c);
        if col >= skip_cols && width(&shown) + cw <= room {
            shown.push(c);
        }
        col += cw;
    }
    let mut lines = vec![Line::from(vec![
        Span::styled("/ ", theme.key()),
        Span::raw(shown),
    ])];
    let list_h = (inner.height as usize).saturating_sub(2);
    let top = scroll(finder.selected, finder.count, list_h);
    for k in top..(top + list_h).min(finder.count) {
        let Some(hit) = finder.found.nth(&app.index, k) else {
            break;
        };
        let (text, positions) = app.hit_text(&hit);
        let selected = k == finder.selected;
        let base = if selected {
            theme.selection()
        } else {
            Style::new()
        };
        let tag = fit(kind_label(app, hit.kind), 6);
        let mut spans = vec![
            Span::styled(tag, theme.dim().patch(base)),
            Span::styled(" ", base),
        ];
        let text = clean(&text);
        let mut used = 7;
        for (p, c) in text.chars().enumerate() {
            let cw = char_width(c);
            if used + cw > iw {
                break;
            }
            used += cw;
            let style = if positions.contains(&p) {
                theme.found().patch(base)
            } else {
                base
            };
            spans.push(Span::styled(c.to_string(), style));
        }
        spans.push(Span::styled(" ".repeat(iw.saturating_sub(used)), base));
        lines.push(Line::from(spans));
    }
    while lines.len() < inner.height as usize - 1 {
        lines.push(Line::raw(""));
    }
    let status = if query.trim().is_empty() {
        String::new()
    } else if finder.count == 0 {
        s.no_hits.to_string()
    } else {
        format!("{} {}", finder.count, s.hits)
    };
    lines.push(line_of(truncate(&status, iw), theme.dim()));
    frame.render_widget(Paragraph::new(lines), inner);
    // The real cursor in the query, for the input method.
    let x = inner.x + 2 + (caret_col - skip_cols).min(room) as u16;
    frame.set_cursor_position((x.min(inner.x + inner.width - 1), inner.y));
}
