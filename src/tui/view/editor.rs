//! The note editor's box: the note wrapped to the box with the caret in view (and the real
//! cursor there, for the input method), the bank of standard notes, the keys or the question.

use super::shared::{centred, item_title, line_of, overlay};
use crate::text::{clean, truncate};
use crate::tui::action::{Action, Mode};
use crate::tui::app::{App, FindingKind};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// The note editor's box for a window of `area`: wide enough to write in, centred.
pub fn editor_box(area: Rect) -> Rect {
    let w = area.width.saturating_sub(4).clamp(10, 76);
    let h = area.height.saturating_sub(4).clamp(5, 14);
    centred(area, w, h)
}

/// Columns the note's text wraps to in a window of `area`.
pub fn editor_text_width(area: Rect) -> usize {
    editor_box(area).width.saturating_sub(2) as usize
}

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(editor) = app.editor() else {
        return;
    };
    let s = app.strings;
    // A 复核 change's reason, or the note: a note below colleagues' is a new one; the
    // reviewer's own latest is changed in place.
    let label = match (app.reason_pending(), app.finding_pending()) {
        (Some(p), _) => format!(
            "{} {} → {}",
            s.reason_title,
            s.verdict(p.first),
            s.verdict(p.to)
        ),
        // 退回补充: the reason the county is asked for more.
        (None, _) if app.request_pending().is_some() => s.evidence_words.request_title.to_string(),
        // A finding (issue 17): the cases counted, or why the item is void.
        (None, Some(f)) => match f.kind {
            FindingKind::Cases => s.scoring.cases_title.to_string(),
            FindingKind::Void => s.scoring.void_title.to_string(),
        },
        (None, None) if editor.saved.is_empty() && !app.item(editor.at).notes.is_empty() => {
            s.new_note.to_string()
        }
        (None, None) => s.editor_title.to_string(),
    };
    let title = item_title(app, &label, editor.at);
    let inner = overlay(frame, editor_box(area), &title, theme);
    let w = inner.width as usize;
    let bank = standard_notes_line(app);
    let text_h = (inner.height as usize).saturating_sub(1 + usize::from(bank.is_some()));
    let buffer = &editor.buffer;
    let rows = buffer.rows(w);
    let (caret_row, caret_col) = buffer.caret_at(w);
    // Keep the caret's row on screen (it may be the row after the last, past a full row).
    let top = if caret_row >= text_h {
        caret_row + 1 - text_h
    } else {
        0
    };
    let mut lines: Vec<Line> = rows
        .iter()
        .skip(top)
        .take(text_h)
        .map(|&row| Line::raw(buffer.row_text(row)))
        .collect();
    while lines.len() < text_h {
        lines.push(Line::raw(""));
    }
    let footer = if editor.confirming {
        line_of(truncate(s.confirm, w), theme.warning())
    } else {
        let mode = Mode::Editor;
        let hint = app
            .keymap
            .of(mode)
            .filter(|b| b.hint)
            .map(|b| format!("{} {}", b.keys_text(2), s.action(b.action).0))
            .collect::<Vec<_>>()
            .join(" · ");
        line_of(truncate(&hint, w), theme.dim())
    };
    if let Some(bank) = bank {
        lines.push(line_of(truncate(&bank, w), theme.dim()));
    }
    lines.push(footer);
    frame.render_widget(Paragraph::new(lines), inner);
    if !editor.confirming {
        // The real cursor at the caret: the input method's window opens there.
        let x = inner.x + caret_col.min(w.saturating_sub(1)) as u16;
        let y = inner.y + (caret_row - top) as u16;
        frame.set_cursor_position((x, y));
    }
}

/// "Alt-1 佐证材料不足 · Alt-2 数据口径不一致 …" from the keymap and the bank.
fn standard_notes_line(app: &App) -> Option<String> {
    let parts: Vec<String> = app
        .standard_notes
        .iter()
        .enumerate()
        .take(9)
        .filter_map(|(k, note)| {
            let key = app
                .keymap
                .first_key(Mode::Editor, Action::InsertStandardNote(k as u8 + 1))?;
            Some(format!("{key} {}", clean(note)))
        })
        .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "{}{}{}",
            app.strings.standard_notes,
            app.strings.colon,
            parts.join(" · ")
        )
    })
}
