//! The targets pane: targets by class with their progress, the current target's indicators
//! under it.

use super::shared::{line_of, pane_block, scroll};
use crate::text::{clean, fit, truncate, width};
use crate::tui::app::{App, Cursor, Flow};
use crate::tui::theme::{ALL_REVIEWED_GLYPH, Theme, glyph};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let block = pane_block(app.strings.targets.to_string(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let current_target = app.target_of[app.cursor.indicator];
    let mut lines: Vec<Line> = Vec::new();
    let mut selected = 0;
    let mut class = None;
    for (t, target) in app.targets.iter().enumerate() {
        if class != Some(target.class) {
            class = Some(target.class);
            let name = app
                .classes
                .iter()
                .find(|c| c.class == target.class)
                .map_or(String::new(), |c| clean(&c.name));
            lines.push(line_of(truncate(&name, w), theme.label()));
        }
        let (done, total) = app.target_progress(t);
        let count = format!("{done}/{total}");
        // Every item reviewed, whatever the verdicts: ● (✓ is 完成).
        let mark = if done == total {
            ALL_REVIEWED_GLYPH
        } else {
            " "
        };
        let room = w.saturating_sub(width(&count) + 3);
        let title = fit(&format!("{} {}", target.id, clean(&target.title)), room);
        let style = if t == current_target {
            theme.title()
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(title, style),
            Span::raw(" "),
            Span::styled(count, theme.dim()),
            Span::styled(format!(" {mark}"), theme.label()),
        ]));
        if t != current_target {
            continue;
        }
        for i in target.first..target.first + target.len {
            if !app.indicator_shown(i) {
                continue;
            }
            let ind = &app.indicators[i];
            let (state, state_style) = match app.flow {
                Flow::ByCounty => {
                    let v = app.verdict_of(Cursor {
                        indicator: i,
                        county: app.cursor.county,
                    });
                    (glyph(v).to_string(), theme.verdict(v))
                }
                Flow::ByIndicator => {
                    // Progress, not a verdict: the count, and ● once every county has one
                    // (not ✓ ◐ ○, which are verdicts in the table beside).
                    let (done, total) = app.indicator_progress(i);
                    let g = if done == total {
                        ALL_REVIEWED_GLYPH
                    } else {
                        " "
                    };
                    let style = if done == total {
                        theme.label()
                    } else {
                        theme.dim()
                    };
                    (format!("{done}/{total} {g}"), style)
                }
            };
            let room = w.saturating_sub(width(&state) + 1);
            let label = fit(&format!("  {} {}", ind.id, clean(&ind.short)), room);
            let is_selected = i == app.cursor.indicator;
            if is_selected {
                selected = lines.len();
            }
            let base = if is_selected {
                theme.selection()
            } else {
                Style::new()
            };
            lines.push(Line::from(vec![
                Span::styled(label, base),
                Span::styled(" ", base),
                Span::styled(state, state_style.patch(base)),
            ]));
        }
    }
    let h = inner.height as usize;
    let top = scroll(selected, lines.len(), h);
    let shown: Vec<Line> = lines.into_iter().skip(top).take(h).collect();
    super::lines::draw_lines(frame.buffer_mut(), inner, shown);
}
