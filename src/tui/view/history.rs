//! The selected item's history (`H`): its events from the log, newest first.

use super::shared::{centred, item_title, line_of, overlay, short_time, verdict_name};
use crate::text::{clean, truncate, wrap};
use crate::tui::app::{App, History};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The selected item's history: each event on a line (when, who, from → to), its note under.
pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(History { at, events, scroll }) = app.history() else {
        return;
    };
    let s = app.strings;
    let r = centred(
        area,
        area.width.saturating_sub(4).clamp(10, 90),
        area.height.saturating_sub(2).clamp(3, 30),
    );
    let title = item_title(app, s.history_title, *at);
    let inner = overlay(frame, r, &title, theme);
    let iw = inner.width as usize;
    // The notes first, each under its author; then every change.
    let mut lines: Vec<Line> = super::owners::history_thread(app, app.item(*at), iw, theme);
    if events.is_empty() {
        lines.push(line_of(truncate(s.no_history, iw), theme.dim()));
    }
    // Newest first: what changed last is what a reviewer asks about.
    for e in events.iter().rev().skip(*scroll) {
        let head = format!(
            "{}  {}({})  {} → {}",
            short_time(&e.at),
            clean(&e.reviewer),
            clean(&e.account),
            verdict_name(app, e.from),
            verdict_name(app, e.to)
        );
        lines.push(Line::from(vec![Span::styled(
            truncate(&head, iw),
            theme.verdict(e.to),
        )]));
        if e.note != e.from_note {
            let note = if e.note.is_empty() {
                s.none
            } else {
                e.note.as_str()
            };
            for l in wrap(
                &format!("{}{}{note}", s.note, s.colon),
                iw.saturating_sub(2),
            ) {
                lines.push(Line::raw(format!("  {l}")));
            }
        }
    }
    lines.truncate(inner.height as usize);
    frame.render_widget(Paragraph::new(lines), inner);
}
