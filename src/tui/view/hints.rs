//! The hint line: the keys of the mode, from the keymap, crowded out from the end when the
//! window is narrow (help and quit never).

use super::WIDE;
use crate::text::width;
use crate::tui::action::{Action, Mode};
use crate::tui::app::App;
use crate::tui::keymap;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mode = app.mode();
    let s = app.strings;
    // (keys, label) pieces, from the keymap.
    let narrow = area.width < WIDE;
    // (keys, label, kept when crowded) pieces, from the keymap.
    let groups = match mode {
        Mode::Browse => Some(keymap::BROWSE_HINTS),
        Mode::Check => Some(keymap::CHECK_HINTS),
        _ => None,
    };
    let pieces: Vec<(String, &str, bool)> = if let Some(groups) = groups {
        groups
            .iter()
            .filter(|group| narrow || group.first() != Some(&Action::NextPane))
            .filter_map(|group| {
                let keys: Vec<String> = group
                    .iter()
                    .filter_map(|&a| app.keymap.first_key(mode, a))
                    .collect();
                let first = *group.first()?;
                let kept = matches!(
                    first,
                    Action::NextCounty | Action::NextPane | Action::Help | Action::Quit
                );
                (!keys.is_empty()).then(|| (keys.join("/"), s.hint(first), kept))
            })
            .collect()
    } else {
        // The question over a colleague's verified figure answers in its own words.
        let asking_verify = mode == Mode::Ask && app.verify_editor().is_some();
        app.keymap
            .of(mode)
            .filter(|b| b.hint)
            .map(|b| {
                let label = match b.action {
                    Action::MarkAnyway if asking_verify => s.verify.ask_yes,
                    Action::LeaveIt if asking_verify => s.verify.ask_no,
                    other => s.action(other).0,
                };
                (b.keys_text(2), label, false)
            })
            .collect()
    };
    let w = area.width as usize;
    let cost = |p: &(String, &str, bool)| width(&p.0) + 1 + width(p.1) + 2;
    let mut shown = pieces;
    // Crowd out the last pieces that may go until the line fits.
    while shown.iter().map(cost).sum::<usize>() > w + 2 {
        match shown.iter().rposition(|p| !p.2) {
            Some(at) => {
                shown.remove(at);
            }
            // Still too wide: only help and quit are never dropped.
            None if shown.len() > 2 => {
                shown.remove(0);
            }
            None => break,
        }
    }
    let mut spans = Vec::new();
    let mut used = 0;
    for p in &shown {
        if used + cost(p) > w + 2 {
            break;
        }
        used += cost(p);
        spans.push(Span::styled(p.0.clone(), theme.key()));
        spans.push(Span::raw(format!(" {}  ", p.1)));
    }
    super::lines::draw_lines(frame.buffer_mut(), area, vec![Line::from(spans)]);
}
