//! The filter menu (`F`): each filter with its number, the one in force marked, the selected
//! one highlighted.

use super::shared::{centred, line_of, overlay};
use crate::text::{fit, truncate, width};
use crate::tui::app::{App, MENU_ROWS};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(selected) = app.filter_menu() else {
        return;
    };
    let m = app.strings.marking;
    let in_force = app.menu_row_in_force();
    let rows: Vec<String> = (0..MENU_ROWS)
        .map(|row| {
            let mark = if row == in_force { "•" } else { " " };
            format!("{mark} {} {}", row + 1, app.menu_row_words(row))
        })
        .collect();
    let widest = rows
        .iter()
        .map(|r| width(r))
        .chain([width(m.filter_footer)])
        .max()
        .unwrap_or(20);
    let r = centred(area, (widest + 4) as u16, (MENU_ROWS + 4) as u16);
    let inner = overlay(frame, r, m.filter_title, theme);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .map(|(row, text)| {
            let style = if row == selected {
                theme.selection()
            } else {
                ratatui::style::Style::new()
            };
            Line::from(Span::styled(fit(text, w), style))
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(line_of(truncate(m.filter_footer, w), theme.dim()));
    frame.render_widget(Paragraph::new(lines), inner);
}
