//! The verified figure's editor (核定值): the county's figure above two fields, the figure and
//! the reason, the real cursor at the caret of the one being typed in (so an input method's
//! window opens there), and under them why the last Enter wrote nothing, or the question.

use super::shared::{centred, figure_text, item_title, line_of, overlay};
use crate::text::{clean, fit, truncate, width};
use crate::tui::action::Mode;
use crate::tui::app::{App, VerifyField};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The editor's box for a window of `area`: narrower than the note editor's, centred.
fn verify_box(area: Rect) -> Rect {
    let w = area.width.saturating_sub(4).clamp(10, 64);
    let h = area.height.saturating_sub(4).clamp(7, 11);
    centred(area, w, h)
}

/// The question over a colleague's figure, for the message line too.
pub(super) fn question_text(app: &App) -> Option<String> {
    let e = app.verify_editor().filter(|e| e.asking)?;
    let s = app.strings.verify;
    let typed = e.figure.text();
    // As it will be recorded ("58" is 58% for a percentage).
    let mine = crate::verified::read_verified(&app.indicators[e.at.indicator], &typed)
        .map_or_else(|_| typed.trim().to_string(), |(value, _)| value);
    let mut ask = match &e.seen {
        Some(_) if mine.is_empty() => s.ask_clear.to_string(),
        Some(v) if v.by != app.reviewer => s.ask.replace("{mine}", &mine),
        _ => s.ask_record.replace("{mine}", &mine),
    };
    if let Some(seen) = &e.seen {
        ask = ask
            .replace("{who}", &seen.by)
            .replace("{value}", &seen.value);
    }
    if let Some(owner) = &e.owner {
        ask = format!("{}{ask}", s.owner_first.replace("{owner}", owner));
    }
    Some(clean(&format!("{ask} {}", s.ask_keys)))
}

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(e) = app.verify_editor() else {
        return;
    };
    let s = app.strings.verify;
    let inner = overlay(
        frame,
        verify_box(area),
        &item_title(app, s.title, e.at),
        theme,
    );
    let (w, h) = (inner.width as usize, inner.height as usize);
    if w < 4 || h < 5 {
        return;
    }
    let ind = &app.indicators[e.at.indicator];
    let item = app.item(e.at);
    let mut county = item
        .submission()
        .map_or_else(String::new, |sub| figure_text(&sub, true));
    if let Some(r) = &ind.requirement {
        county.push_str(&format!(
            " · {}{}{r}",
            app.strings.requirement, app.strings.colon
        ));
    }
    let label_w = width(s.figure_field)
        .max(width(s.reason_field))
        .max(width(s.county_line));
    let field_style = |field: VerifyField| {
        if e.field == field && !e.asking && !e.confirming {
            theme.key()
        } else {
            theme.label()
        }
    };
    let mut lines: Vec<Line> = Vec::with_capacity(h);
    lines.push(Line::from(vec![
        Span::styled(fit(s.county_line, label_w), theme.label()),
        Span::raw(" "),
        Span::styled(
            truncate(&county, w.saturating_sub(label_w + 1)),
            theme.dim(),
        ),
    ]));
    // The figure: one line, scrolled so that the caret shows.
    let room = w.saturating_sub(label_w + 1).max(1);
    let figure: Vec<char> = e.figure.text().chars().collect();
    let caret = e.figure.caret().min(figure.len());
    let mut start = 0;
    while width(&figure[start..caret].iter().collect::<String>()) >= room && start < caret {
        start += 1;
    }
    let shown: String = figure[start..].iter().collect();
    let figure_col = width(&figure[start..caret].iter().collect::<String>());
    // The field being typed in is marked ▸ (seen without colours too).
    let mark = |field: VerifyField| {
        if e.field == field && !e.asking && !e.confirming {
            "▸"
        } else {
            " "
        }
    };
    lines.push(Line::from(vec![
        Span::styled(
            fit(s.figure_field, label_w),
            field_style(VerifyField::Figure),
        ),
        Span::styled(mark(VerifyField::Figure), theme.key()),
        Span::raw(truncate(&clean(&shown), room)),
    ]));
    lines.push(Line::from(vec![
        Span::styled(
            fit(s.reason_field, label_w),
            field_style(VerifyField::Reason),
        ),
        Span::styled(mark(VerifyField::Reason), theme.key()),
    ]));
    // The reason: wrapped to the box, the caret's row kept in view.
    let text_h = h.saturating_sub(5).max(1);
    let rows = e.reason.rows(w);
    let (caret_row, caret_col) = e.reason.caret_at(w);
    let top = if caret_row >= text_h {
        caret_row + 1 - text_h
    } else {
        0
    };
    for k in 0..text_h {
        let text = rows
            .get(top + k)
            .map_or_else(String::new, |&row| e.reason.row_text(row));
        lines.push(Line::raw(text));
    }
    // Why the last Enter wrote nothing; the question; or whose figure is there.
    let (status, style) = if e.confirming {
        (s.confirm.to_string(), theme.warning())
    } else if let Some(q) = question_text(app) {
        (q, theme.warning())
    } else if let Some(p) = &e.problem {
        (p.clone(), theme.warning())
    } else if let Some(seen) = e.seen.as_ref().filter(|v| v.by != app.reviewer) {
        (
            s.theirs_there
                .replace("{who}", &seen.by)
                .replace("{value}", &seen.value),
            theme.dim(),
        )
    } else {
        (String::new(), Style::new())
    };
    lines.push(line_of(truncate(&clean(&status), w), style));
    let mut hint: Vec<String> = app
        .keymap
        .of(Mode::Verify)
        .filter(|b| b.hint)
        .map(|b| format!("{} {}", b.keys_text(1), app.strings.action(b.action).0))
        .collect();
    hint.push(s.clear_hint.to_string());
    lines.push(line_of(truncate(&hint.join(" · "), w), theme.dim()));
    frame.render_widget(Paragraph::new(lines), inner);
    if e.asking || e.confirming {
        return;
    }
    // The real cursor at the caret: the input method's window opens there.
    let (x, y) = match e.field {
        VerifyField::Figure => (label_w + 1 + figure_col.min(room.saturating_sub(1)), 1),
        VerifyField::Reason => (caret_col.min(w.saturating_sub(1)), 3 + caret_row - top),
    };
    frame.set_cursor_position((inner.x + x as u16, inner.y + y as u16));
}

/// The detail pane's lines of the verified figure: "核定 68% · 核减 · 王五 · 12-01 10:00
/// 未达标", its reason, and a warning where the county's figure changed since.
pub(super) fn detail_lines(
    app: &App,
    label_w: usize,
    w: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    use super::detail::labelled;
    let s = app.strings;
    let item = app.current();
    let mut lines = Vec::new();
    let Some(v) = &item.verified else {
        return lines;
    };
    let ind = app.indicator();
    let st = item.judged().and_then(|j| crate::check::standing(ind, &j));
    let mut words = vec![clean(&v.value)];
    if item.verified_lower() {
        words.push(s.verify.cut.to_string());
    }
    words.push(clean(&v.by));
    words.push(super::shared::short_time(&v.at));
    let mut text = words.join(" · ");
    let standing = super::shared::standing_text(app, st);
    if !standing.is_empty() {
        text.push_str(&format!("  {standing}"));
    }
    let style = st.map_or(Style::new(), |st| theme.standing(st));
    labelled(
        &mut lines,
        (s.verify.label, label_w),
        &text,
        w,
        theme,
        style,
    );
    // Why, under the figure.
    labelled(&mut lines, ("", label_w), &v.reason, w, theme, Style::new());
    if v.outdated(item.value.as_deref()) {
        let text = s
            .verify
            .outdated
            .replace("{value}", &clean(&v.county_value));
        labelled(
            &mut lines,
            (s.attention, label_w),
            &text,
            w,
            theme,
            theme.warning(),
        );
    }
    lines
}
