//! The message line: what the last action did, or the question a conflicting verdict asks.

use super::shared::{line_of, verdict_name};
use crate::text::{clean, truncate};
use crate::tui::app::{App, Level};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if let Some(c) = app.conflict() {
        let s = app.strings;
        let at = c.mine.at;
        let ind = &app.indicators[at.indicator];
        let text = format!(
            "{} {} {}{}",
            app.counties[at.county].name,
            ind.id,
            ind.short,
            s.conflict
                .replace("{who}", &c.by)
                .replace("{theirs}", verdict_name(app, c.theirs))
                .replace("{mine}", verdict_name(app, c.mine.verdict.flatten()))
        );
        let text = truncate(&clean(&text), area.width as usize);
        super::lines::draw_lines(
            frame.buffer_mut(),
            area,
            vec![line_of(text, theme.warning())],
        );
        return;
    }
    if let Some(text) =
        super::owners::question_text(app).or_else(|| super::verify::question_text(app))
    {
        let text = truncate(&text, area.width as usize);
        super::lines::draw_lines(
            frame.buffer_mut(),
            area,
            vec![line_of(text, theme.warning())],
        );
        return;
    }
    // The last action's message; else, for as long as it holds, why nothing is written or
    // what waits to be.
    let (text, level) = match (&app.message, app.stopped_text(), app.waiting_text()) {
        (Some(m), _, _) => (m.text.clone(), m.level),
        (None, Some(stopped), _) => (stopped, Level::Error),
        (None, None, Some(waiting)) => (waiting, Level::Warning),
        (None, None, None) => return,
    };
    let style = match level {
        Level::Info => theme.info(),
        Level::Warning => theme.warning(),
        Level::Error => theme.error(),
    };
    let text = truncate(&clean(&text), area.width as usize);
    super::lines::draw_lines(frame.buffer_mut(), area, vec![line_of(text, style)]);
}
