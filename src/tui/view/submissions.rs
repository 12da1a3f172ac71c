//! The submissions pane: the indicator's words and requirement, then a row a county — its
//! figure, how it stands against the requirement, the verdict, who gave it, the note.

use super::shared::{figure_text, line_of, pane, requirement_words, standing_text, verdict_name};
use crate::check::standing;
use crate::model::{Verdict, format_number};
use crate::text::{clean, fit, truncate, width, wrap};
use crate::tui::app::{App, CheckStatus, Cursor};
use crate::tui::theme::{DRAFT_GLYPH, OTHER_GLYPH, SELECTED_GLYPH, Theme, glyph};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Rows the submissions pane wants: borders, the indicator's words, the requirement, the
/// column heads and a row per county; at most three fifths of the height.
pub(super) fn height(app: &App, width: u16, height: u16) -> u16 {
    let inner = width.saturating_sub(2) as usize;
    let words = wrap(&indicator_words(app), inner).len().min(3);
    let want = 2 + words + 1 + 1 + app.counties.len();
    let most = (height as usize * 3 / 5).max(8);
    want.min(most).min(height as usize) as u16
}

/// Above the county rows in a pane `h` rows high: how many lines of the indicator's words
/// (at most three), and whether the requirement's line. However short the pane, the column
/// heads and the selected county's row show; then the requirement; then the indicator's
/// words; then more counties.
fn above_rows(app: &App, h: usize) -> (usize, bool) {
    let rows_wanted = app.counties.len().clamp(1, 3);
    let requirement = h >= 3;
    let words = h
        .saturating_sub(1 + rows_wanted + usize::from(requirement))
        .min(3);
    (words, requirement)
}

/// The county rows under the column heads in a pane whose inside is `w`×`h`.
pub(super) fn list_room(app: &App, w: usize, h: usize) -> usize {
    let (room_for_words, requirement) = above_rows(app, h);
    let words = wrap(&indicator_words(app), w).len().min(room_for_words);
    h.saturating_sub(words + usize::from(requirement) + 1)
}

/// "指标：…": the indicator's full wording.
fn indicator_words(app: &App) -> String {
    let ind = app.indicator();
    format!(
        "{}{}{}",
        app.strings.indicator,
        app.strings.colon,
        clean(&ind.text)
    )
}

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = app.strings;
    let ind = app.indicator();
    let title = format!("{} · {} {}", s.submissions, ind.id, clean(&ind.short));
    let inner = pane(frame, area, &title, theme);
    let w = inner.width as usize;
    let h = inner.height as usize;
    let mut lines: Vec<Line> = Vec::new();
    let words = wrap(&indicator_words(app), w);
    let (room_for_words, requirement) = above_rows(app, h);
    for (k, l) in words.iter().take(room_for_words).enumerate() {
        let l = if k + 1 == room_for_words && words.len() > room_for_words {
            truncate(&format!("{l}……"), w)
        } else {
            l.clone()
        };
        lines.push(Line::raw(l));
    }
    if requirement {
        lines.push(line_of(truncate(&requirement_words(app), w), theme.label()));
    }
    // Columns: draft mark, county, figure, check, verdict, by (wide only), note.
    let county_w = app.county_names_width().max(width(s.county)).min(14);
    let verdict_w = Verdict::ALL
        .iter()
        .map(|&v| width(s.verdict(v)))
        .chain([width(s.unreviewed), width(s.verdict), width(s.pending)])
        .max()
        .unwrap_or(8)
        // The glyph and a space before; `!` (contradicts the figure), `*` (the figure changed
        // since) and `≠` (the county's own assessment differs) after: never all three, as a
        // 基本完成 contradicts no figure.
        + 4;
    // The rows that fit under the column heads, the selected one among them, where the list
    // was scrolled (the App keeps it still while the cursor moves within it).
    let room = h.saturating_sub(lines.len() + 1);
    let visible = app.list_rows(room);
    // Columns fitted to the rows on screen (not to thousands of counties off it).
    let widest = |with_fraction: bool| {
        visible
            .iter()
            .map(|&c| {
                let item = app.item(Cursor {
                    indicator: app.cursor.indicator,
                    county: c,
                });
                match item.submission() {
                    Some(_) => width(&table_figure(item, with_fraction)),
                    None => width(s.not_submitted),
                }
            })
            .max()
            .unwrap_or(0)
            .max(width(s.figure))
            .clamp(4, 20)
    };
    // The second review's column (复核), once there is one or in 复核 mode.
    let second_w = if app.shows_checks() {
        width(s.check_label).max(4) + 1
    } else {
        0
    };
    // Numerator/denominator in the table only when the note keeps some room (they are always
    // in the detail pane).
    let with_fraction =
        1 + county_w + 1 + widest(true) + 1 + 6 + 1 + verdict_w + 1 + second_w + 12 <= w;
    let figure_w = widest(with_fraction);
    let check_w = 6;
    // The county's own assessment (自评), a glyph under its head, where a county on screen gave
    // one and the note keeps some room.
    let own_w = width(s.marking.own);
    let any_own = visible.iter().any(|&c| {
        let item = app.item(Cursor {
            indicator: app.cursor.indicator,
            county: c,
        });
        item.self_verdict.is_some() || item.self_score.is_some()
    });
    let mut fixed = 1 + county_w + 1 + figure_w + 1 + check_w + 1 + verdict_w + 1 + second_w;
    let own_shown = any_own && w >= fixed + own_w + 1 + 8;
    if own_shown {
        fixed += own_w + 1;
    }
    let by_w = if w >= fixed + 8 + 16 { 8 } else { 0 };
    let note_w = w.saturating_sub(fixed + if by_w > 0 { by_w + 1 } else { 0 });
    let mut head = format!(
        " {} {} {} ",
        fit(s.county, county_w),
        fit(s.figure, figure_w),
        fit(s.against, check_w),
    );
    if own_shown {
        head.push_str(&fit(s.marking.own, own_w));
        head.push(' ');
    }
    head.push_str(&fit(s.verdict, verdict_w));
    head.push(' ');
    if second_w > 0 {
        head.push_str(&fit(s.check_label, second_w));
    }
    if by_w > 0 {
        head.push_str(&fit(s.by, by_w));
        head.push(' ');
    }
    head.push_str(&fit(s.note, note_w));
    lines.push(line_of(truncate(&head, w), theme.label()));
    for &c in &visible {
        let at = Cursor {
            indicator: app.cursor.indicator,
            county: c,
        };
        let item = app.item(at);
        let is_selected = c == app.cursor.county;
        let base = if is_selected {
            theme.selection()
        } else {
            Style::new()
        };
        // Against the requirement by the verified figure (核定值), where one is recorded.
        let (figure, figure_style, standing) = match &item.judged() {
            Some(sub) => {
                let st = standing(ind, sub);
                (table_figure(item, with_fraction), Style::new(), st)
            }
            None => (s.not_submitted.to_string(), theme.dim(), None),
        };
        let pending = app.pending_at(at);
        let v = pending.unwrap_or(item.verdict);
        // A verdict waiting for the write lock is never shown as saved: its glyph, and 待写入.
        let mut verdict = match pending {
            Some(p) => format!("{} {}", glyph(p), s.pending),
            // Put aside for later: still unreviewed, and said so.
            None if v.is_none() && app.is_aside(at) => format!("{} {}", glyph(v), s.marking.aside),
            None => format!("{} {}", glyph(v), verdict_name(app, v)),
        };
        if pending.is_none() && app.contradicts(at) {
            // The verdict says the opposite of the figure: flagged where it is seen.
            verdict.push('!');
        }
        if app.is_stale(at) {
            // The figure changed after the verdict: it wants reviewing again.
            verdict.push('*');
        }
        if item.self_disagrees() {
            // The county's own assessment says otherwise.
            verdict.push('≠');
        }
        let note = item
            .note_text()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        let mut spans = vec![
            Span::styled(
                if app.is_selected(at) {
                    SELECTED_GLYPH
                } else if app.draft(at).is_some() {
                    DRAFT_GLYPH
                } else if app.others.iter().any(|o| o.at == Some(at)) {
                    OTHER_GLYPH
                } else {
                    " "
                },
                if app.is_selected(at) {
                    theme.key().patch(base)
                } else {
                    theme.draft().patch(base)
                },
            ),
            Span::styled(fit(&clean(&app.counties[c].name), county_w), base),
            Span::styled(" ", base),
            Span::styled(fit(&figure, figure_w), figure_style.patch(base)),
            Span::styled(" ", base),
            Span::styled(
                fit(standing_text(app, standing), check_w),
                standing
                    .map_or(Style::new(), |st| theme.standing(st))
                    .patch(base),
            ),
            Span::styled(" ", base),
        ];
        if own_shown {
            let own = item.self_verdict;
            let text = match (own, item.self_score) {
                (Some(o), _) => glyph(Some(o)).to_string(),
                (None, Some(score)) => format_number(score),
                (None, None) => String::new(),
            };
            spans.push(Span::styled(
                fit(&text, own_w),
                theme.verdict(own).patch(base),
            ));
            spans.push(Span::styled(" ", base));
        }
        spans.push(Span::styled(
            fit(&verdict, verdict_w),
            // A verdict waiting for the write lock is dim: not saved yet.
            if pending.is_some() {
                theme.dim()
            } else {
                theme.verdict(v)
            }
            .patch(base),
        ));
        spans.push(Span::styled(" ", base));
        if second_w > 0 {
            let (text, style) = second_cell(app, at, theme);
            spans.push(Span::styled(fit(&text, second_w), style.patch(base)));
        }
        if by_w > 0 {
            let by = item
                .review()
                .filter(|r| r.verdict.is_some() || !r.note.is_empty())
                .map_or(String::new(), |r| clean(&r.reviewer));
            spans.push(Span::styled(fit(&by, by_w), base));
            spans.push(Span::styled(" ", base));
        }
        // Someone else's item says whose, before its note.
        let note = clean(&note);
        match super::owners::table_label(app, at) {
            Some(label) => {
                let label = truncate(&label, note_w);
                let rest = note_w.saturating_sub(width(&label));
                spans.push(Span::styled(label, theme.dim().patch(base)));
                spans.push(Span::styled(fit(&note, rest), base));
            }
            None => spans.push(Span::styled(fit(&note, note_w), base)),
        }
        lines.push(Line::from(spans));
    }
    super::lines::draw_lines(frame.buffer_mut(), inner, lines);
}

/// The 复核 cell: 同意, the second verdict's glyph and 改, 重核 where the first verdict changed
/// since, nothing before a second review.
fn second_cell(app: &App, at: Cursor, theme: &Theme) -> (String, Style) {
    let s = app.strings;
    match app.check_status(at) {
        Some(CheckStatus::Agreed) => (
            s.check_agreed_short.to_string(),
            theme.verdict(app.verdict_of(at)),
        ),
        Some(CheckStatus::Changed(v)) => (
            format!("{}{}", glyph(Some(v)), s.check_changed_short),
            theme.verdict(Some(v)),
        ),
        Some(CheckStatus::Outdated) => (s.check_outdated_short.to_string(), theme.warning()),
        Some(CheckStatus::Unchecked) | None => (String::new(), Style::new()),
    }
}

/// The figure as the table shows it: the county's, and "→ the verified one" where one is
/// recorded (without the parts then: the verified figure has none).
fn table_figure(item: &crate::item::Item, with_fraction: bool) -> String {
    let Some(sub) = item.submission() else {
        return String::new();
    };
    match &item.verified {
        Some(v) => format!("{}→{}", figure_text(&sub, false), clean(&v.value)),
        None => figure_text(&sub, with_fraction),
    }
}
