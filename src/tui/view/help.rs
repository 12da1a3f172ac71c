//! The help overlay: every mode's keys, from the keymap, each with what it does.

use super::shared::{centred, clear_around, line_of};
use crate::text::{fit, truncate};
use crate::tui::action::Mode;
use crate::tui::app::App;
use crate::tui::keymap;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Lines of the help a window shows at once (when it has more than that): the window less a
/// row above and below the box and the box's borders.
pub fn help_page_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(4)).max(1)
}

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = app.strings;
    let w = area.width.saturating_sub(4).min(72);
    let key_w = 18usize;
    let mut lines: Vec<Line> = Vec::new();
    for mode in Mode::ALL {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(line_of(s.mode(mode).to_string(), theme.label()));
        for b in app.keymap.of(mode) {
            let keys = b
                .keys
                .iter()
                .map(keymap::describe)
                .collect::<Vec<_>>()
                .join(" ");
            let desc = s.action(b.action).1;
            let room = (w as usize).saturating_sub(2 + key_w + 1);
            lines.push(Line::from(vec![
                Span::styled(fit(&keys, key_w), theme.key()),
                Span::raw(" "),
                Span::raw(truncate(desc, room)),
            ]));
        }
    }
    // What the symbols on screen mean (✓ is 完成; ● in the targets pane is "all reviewed").
    let m = s.marking;
    lines.push(Line::raw(""));
    lines.push(line_of(m.legend_title.to_string(), theme.label()));
    let room = (w as usize).saturating_sub(2 + key_w + 1);
    for (symbol, meaning) in m.legend {
        lines.push(Line::from(vec![
            Span::styled(fit(symbol, key_w), theme.key()),
            Span::raw(" "),
            Span::raw(truncate(meaning, room)),
        ]));
    }
    let h = area.height.saturating_sub(2).min(lines.len() as u16 + 2);
    let r = centred(area, w, h);
    clear_around(frame, r);
    let block = Block::bordered()
        .border_style(theme.label())
        .title(Span::styled(s.help_title, theme.title()))
        .title_bottom(Span::styled(s.help_footer, theme.dim()));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let room = inner.height as usize;
    let most = lines.len().saturating_sub(room);
    let top = app.help().unwrap_or(0).min(most);
    let shown: Vec<Line> = lines.into_iter().skip(top).take(room).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}
