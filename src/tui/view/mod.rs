//! Drawing: reads the App, writes nothing but the frame. Every width is in terminal columns and
//! every text from outside (a county's file, a note) goes through `text::clean`/`text::wrap`.

use super::action::{Action, Mode};
use super::app::{App, Cursor, Flow, History, Level, Pane};
use super::keymap;
use super::theme::{DRAFT_GLYPH, OTHER_GLYPH, Theme, glyph};
use crate::check::{Standing, standing};
use crate::model::{IndicatorKind, format_number};
use crate::search::Kind;
use crate::text::{clean, fit, truncate, width, wrap};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Below this the window says it is too small (and recovers when it grows).
pub const MIN_WIDTH: u16 = 24;
pub const MIN_HEIGHT: u16 = 8;
/// From this width (and height) the three panes show side by side.
pub const WIDE: u16 = 80;
pub const TALL: u16 = 16;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, app, theme);
        return;
    }
    let [header, body, message, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(frame, header, app, theme);
    draw_message(frame, message, app, theme);
    draw_hints(frame, hints, app, theme);
    if app.is_empty() {
        return;
    }
    if app.summary().is_some() {
        draw_summary(frame, body, app, theme);
        if app.help().is_some() {
            draw_help(frame, area, app, theme);
        }
        return;
    }
    if area.width >= WIDE && area.height >= TALL {
        let left = ((u32::from(area.width) * 3 / 10) as u16).clamp(28, 44);
        let [left, right] =
            Layout::horizontal([Constraint::Length(left), Constraint::Fill(1)]).areas(body);
        let top = submissions_height(app, right.width, right.height);
        let [top, bottom] =
            Layout::vertical([Constraint::Length(top), Constraint::Fill(1)]).areas(right);
        draw_targets(frame, left, app, theme);
        draw_submissions(frame, top, app, theme);
        draw_detail(frame, bottom, app, theme);
    } else {
        match app.pane {
            Pane::Targets => draw_targets(frame, body, app, theme),
            Pane::Submissions => draw_submissions(frame, body, app, theme),
            Pane::Detail => draw_detail(frame, body, app, theme),
        }
    }
    if app.editor().is_some() {
        draw_editor(frame, area, app, theme);
    }
    if app.finder().is_some() {
        draw_finder(frame, area, app, theme);
    }
    if app.history().is_some() {
        draw_history(frame, area, app, theme);
    }
    if app.help().is_some() {
        draw_help(frame, area, app, theme);
    }
}

fn kind_label(app: &App, kind: Kind) -> &'static str {
    let s = app.strings;
    match kind {
        Kind::Target => s.kind_target,
        Kind::Indicator => s.kind_indicator,
        Kind::County => s.kind_county,
        Kind::Note => s.kind_note,
    }
}

fn draw_finder(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
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
    clear_around(frame, r);
    let block = Block::bordered()
        .border_style(theme.label())
        .title(Span::styled(
            truncate(s.search_title, w.saturating_sub(4) as usize),
            theme.title(),
        ));
    let inner = block.inner(r);
    frame.render_widget(block, r);
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
        let cw = crate::text::char_width(c);
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
            let cw = crate::text::char_width(c);
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

fn too_small(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let text = format!("{} {}×{}", app.strings.too_small, MIN_WIDTH, MIN_HEIGHT);
    let lines: Vec<Line> = wrap(&text, area.width as usize)
        .into_iter()
        .map(|l| Line::styled(l, theme.warning()))
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn line_of(text: String, style: Style) -> Line<'static> {
    Line::from(Span::styled(text, style))
}

fn draw_header(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = app.strings;
    let (done, total) = app.progress();
    let percent = (done * 100).checked_div(total).unwrap_or(0);
    let mut right = format!(
        "{} {} · {} {done}/{total} ({percent}%)",
        s.reviewer,
        clean(&app.reviewer),
        s.progress
    );
    right.push_str(&format!(
        " · {}",
        match app.flow {
            Flow::ByIndicator => s.by_indicator,
            Flow::ByCounty => s.by_county,
        }
    ));
    if app.only_unreviewed {
        right.push_str(&format!(" · {}", s.only_unreviewed));
    }
    if app.stale_total() > 0 {
        right.push_str(&format!(" · {} {}", s.stale_count, app.stale_total()));
    }
    if !app.others.is_empty() {
        let mut names: Vec<&str> = app.others.iter().map(|o| o.reviewer.as_str()).collect();
        names.dedup();
        right.push_str(&format!(" · {} {}", s.online, clean(&names.join("、"))));
    }
    let w = area.width as usize;
    // The reviewer and progress first; the title takes what is left (with a space between).
    let right = truncate(&right, w);
    if width(&right) + 2 > w {
        frame.render_widget(Paragraph::new(line_of(right, theme.label())), area);
        return;
    }
    let room = w - width(&right) - 1;
    let a = &app.assessment;
    let left = fit(&clean(&format!("{} · {}", a.title, a.number)), room);
    let line = Line::from(vec![
        Span::styled(left, theme.title()),
        Span::raw(" "),
        Span::styled(right, theme.label()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_message(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if let Some(c) = app.conflict() {
        let s = app.strings;
        let name = |v: Option<crate::model::Verdict>| v.map_or(s.unreviewed, |v| s.verdict(v));
        let mine = match c.mine.verdict {
            Some(v) => name(v),
            None => s.unreviewed,
        };
        let at = c.mine.at;
        let ind = &app.indicators[at.indicator];
        let text = format!(
            "{} {} {}{}",
            app.counties[at.county].name,
            ind.id,
            ind.short,
            s.conflict
                .replace("{who}", &c.by)
                .replace("{theirs}", name(c.theirs))
                .replace("{mine}", mine)
        );
        let text = truncate(&clean(&text), area.width as usize);
        frame.render_widget(Paragraph::new(line_of(text, theme.warning())), area);
        return;
    }
    let Some(m) = &app.message else {
        return;
    };
    let style = match m.level {
        Level::Info => theme.info(),
        Level::Warning => theme.warning(),
        Level::Error => theme.error(),
    };
    let text = truncate(&clean(&m.text), area.width as usize);
    frame.render_widget(Paragraph::new(line_of(text, style)), area);
}

fn draw_hints(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mode = app.mode();
    let s = app.strings;
    // (keys, label) pieces, from the keymap.
    let narrow = area.width < WIDE;
    // (keys, label, kept when crowded) pieces, from the keymap.
    let pieces: Vec<(String, &str, bool)> = if mode == Mode::Browse {
        keymap::BROWSE_HINTS
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
        app.keymap
            .of(mode)
            .filter(|b| b.hint)
            .map(|b| (b.keys_text(2), s.action(b.action).0, false))
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
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn pane_block(title: String, theme: &Theme) -> Block<'static> {
    Block::bordered()
        .border_style(theme.border())
        .title(Span::styled(title, theme.title()))
}

/// The first row to show so that `selected` is on screen, keeping it near the middle.
fn scroll(selected: usize, len: usize, height: usize) -> usize {
    if len <= height || height == 0 {
        return 0;
    }
    selected.saturating_sub(height / 2).min(len - height)
}

fn draw_targets(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
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
        let mark = if done == total { "✓" } else { " " };
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
            Span::styled(
                format!(" {mark}"),
                theme.verdict(Some(crate::model::Verdict::Met)),
            ),
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
                    let (done, total) = app.indicator_progress(i);
                    let g = if done == total {
                        "✓"
                    } else if done == 0 {
                        "○"
                    } else {
                        "◐"
                    };
                    let v = (done == total).then_some(crate::model::Verdict::Met);
                    (format!("{done}/{total} {g}"), theme.verdict(v))
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
    frame.render_widget(Paragraph::new(shown), inner);
}

/// Rows the submissions pane wants: borders, the indicator's words, the requirement, the
/// column heads and a row per county; at most three fifths of the height.
fn submissions_height(app: &App, width: u16, height: u16) -> u16 {
    let inner = width.saturating_sub(2) as usize;
    let words = wrap(&indicator_words(app), inner).len().min(3);
    let want = 2 + words + 1 + 1 + app.counties.len();
    let most = (height as usize * 3 / 5).max(8);
    want.min(most).min(height as usize) as u16
}

fn indicator_words(app: &App) -> String {
    let ind = app.indicator();
    format!(
        "{}{}{}",
        app.strings.indicator,
        app.strings.colon,
        clean(&ind.text)
    )
}

fn requirement_words(app: &App) -> String {
    let s = app.strings;
    let ind = app.indicator();
    let what = match (&ind.kind, &ind.requirement) {
        (IndicatorKind::Numeric, Some(r)) => r.to_string(),
        (IndicatorKind::YesNo, _) => s.yes_no.to_string(),
        _ => s.qualitative.to_string(),
    };
    format!("{}{}{what}", s.requirement, s.colon)
}

/// The figure as the county wrote it, with numerator/denominator when given.
fn figure_text(sub: &crate::model::Submission, with_fraction: bool) -> String {
    let mut text = clean(&sub.value);
    if let (Some(n), Some(d), true) = (sub.numerator, sub.denominator, with_fraction) {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("({}/{})", format_number(n), format_number(d)));
    }
    text
}

fn standing_text(app: &App, s: Option<Standing>) -> &'static str {
    match s {
        Some(Standing::Meets) => app.strings.meets,
        Some(Standing::InBand) => app.strings.in_band,
        Some(Standing::FallsShort) => app.strings.falls_short,
        Some(Standing::Unclear) => app.strings.unclear,
        None => "",
    }
}

fn draw_submissions(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = app.strings;
    let ind = app.indicator();
    let title = format!("{} · {} {}", s.submissions, ind.id, clean(&ind.short));
    let block = pane_block(
        truncate(&title, area.width.saturating_sub(4) as usize),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let h = inner.height as usize;
    let mut lines: Vec<Line> = Vec::new();
    let words = wrap(&indicator_words(app), w);
    // However short the pane, the column heads and the selected county's row show; then the
    // requirement; then the indicator's words (up to three lines); then more counties.
    let rows_wanted = app.counties.len().clamp(1, 3);
    let requirement = h >= 3;
    let room_for_words = h
        .saturating_sub(1 + rows_wanted + usize::from(requirement))
        .min(3);
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
    let county_w = app
        .counties
        .iter()
        .map(|c| width(&c.name))
        .max()
        .unwrap_or(6)
        .max(width(s.county))
        .min(14);
    let verdict_w = crate::model::Verdict::ALL
        .iter()
        .map(|&v| width(s.verdict(v)))
        .chain([width(s.unreviewed), width(s.verdict)])
        .max()
        .unwrap_or(8)
        // The glyph and a space before; `!` (contradicts the figure) and `*` (the figure
        // changed since) after.
        + 4;
    let rows = app.shown_counties();
    // The rows that fit under the column heads, the selected one among them.
    let room = h.saturating_sub(lines.len() + 1);
    let selected = rows
        .iter()
        .position(|&c| c == app.cursor.county)
        .unwrap_or(0);
    let top = scroll(selected, rows.len(), room);
    let visible: Vec<usize> = rows.iter().skip(top).take(room).copied().collect();
    // Columns fitted to the rows on screen (not to thousands of counties off it).
    let widest = |with_fraction: bool| {
        visible
            .iter()
            .map(|&c| {
                app.item(Cursor {
                    indicator: app.cursor.indicator,
                    county: c,
                })
                .submission()
                .map_or(width(s.not_submitted), |sub| {
                    width(&figure_text(&sub, with_fraction))
                })
            })
            .max()
            .unwrap_or(0)
            .max(width(s.figure))
            .clamp(4, 20)
    };
    // Numerator/denominator in the table only when the note keeps some room (they are always
    // in the detail pane).
    let with_fraction = 1 + county_w + 1 + widest(true) + 1 + 6 + 1 + verdict_w + 1 + 12 <= w;
    let figure_w = widest(with_fraction);
    let check_w = 6;
    let fixed = 1 + county_w + 1 + figure_w + 1 + check_w + 1 + verdict_w + 1;
    let by_w = if w >= fixed + 8 + 16 { 8 } else { 0 };
    let note_w = w.saturating_sub(fixed + if by_w > 0 { by_w + 1 } else { 0 });
    let mut head = format!(
        " {} {} {} {} ",
        fit(s.county, county_w),
        fit(s.figure, figure_w),
        fit(s.against, check_w),
        fit(s.verdict, verdict_w)
    );
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
        let (figure, figure_style, standing) = match &item.submission() {
            Some(sub) => {
                let st = standing(ind, sub);
                (figure_text(sub, with_fraction), Style::new(), st)
            }
            None => (s.not_submitted.to_string(), theme.dim(), None),
        };
        let v = item.verdict;
        let mut verdict = match v {
            Some(v) => format!("{} {}", glyph(Some(v)), s.verdict(v)),
            None => format!("{} {}", glyph(None), s.unreviewed),
        };
        if app.contradicts(at) {
            // The verdict says the opposite of the figure: flagged where it is seen.
            verdict.push('!');
        }
        if app.is_stale(at) {
            // The figure changed after the verdict: it wants reviewing again.
            verdict.push('*');
        }
        let note = item
            .note_text()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        let mut spans = vec![
            Span::styled(
                if app.draft(at).is_some() {
                    DRAFT_GLYPH
                } else if app.others.iter().any(|o| o.at == Some(at)) {
                    OTHER_GLYPH
                } else {
                    " "
                },
                theme.draft().patch(base),
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
            Span::styled(fit(&verdict, verdict_w), theme.verdict(v).patch(base)),
            Span::styled(" ", base),
        ];
        if by_w > 0 {
            let by = item
                .review()
                .filter(|r| r.verdict.is_some() || !r.note.is_empty())
                .map_or(String::new(), |r| clean(&r.reviewer));
            spans.push(Span::styled(fit(&by, by_w), base));
            spans.push(Span::styled(" ", base));
        }
        spans.push(Span::styled(fit(&clean(&note), note_w), base));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// "label  value" with the value wrapped under itself.
fn labelled(
    lines: &mut Vec<Line<'static>>,
    (label, label_w): (&str, usize),
    value: &str,
    w: usize,
    theme: &Theme,
    style: Style,
) {
    let room = w.saturating_sub(label_w + 1).max(1);
    let wrapped = wrap(value, room);
    for (k, l) in wrapped.into_iter().enumerate() {
        let head = if k == 0 {
            fit(label, label_w)
        } else {
            " ".repeat(label_w)
        };
        lines.push(Line::from(vec![
            Span::styled(head, theme.label()),
            Span::raw(" "),
            Span::styled(l, style),
        ]));
    }
}

fn draw_detail(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = app.strings;
    let ind = app.indicator();
    let county = app.county();
    let title = format!(
        "{} · {} · {} {}",
        s.detail,
        clean(&county.name),
        ind.id,
        clean(&ind.short)
    );
    let block = pane_block(
        truncate(&title, area.width.saturating_sub(4) as usize),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let item = app.current();
    let submission = item.submission();
    let mut lines = Vec::new();
    // Labels line up in a column as wide as the language's longest label.
    let label_w = [
        s.requirement,
        s.figure,
        s.verdict,
        s.note,
        s.draft,
        s.evidence,
        s.remark,
        s.source,
        s.suggested,
    ]
    .iter()
    .map(|l| width(l))
    .max()
    .unwrap_or(4);
    let required = requirement_words(app);
    let required = required.split_once(s.colon).map_or("", |(_, r)| r);
    labelled(
        &mut lines,
        (s.requirement, label_w),
        required,
        w,
        theme,
        Style::new(),
    );
    // The figure, then the reviewer's own verdict and note, then the county's evidence and
    // remark: what matters most stays on screen when the pane is short.
    match &submission {
        Some(sub) => {
            let st = standing(ind, sub);
            let mut figure = figure_text(sub, true);
            let verdict_words = standing_text(app, st);
            if !verdict_words.is_empty() {
                figure.push_str(&format!("  {verdict_words}"));
            }
            let style = st.map_or(Style::new(), |st| theme.standing(st));
            labelled(&mut lines, (s.figure, label_w), &figure, w, theme, style);
        }
        None => labelled(
            &mut lines,
            (s.figure, label_w),
            s.not_submitted,
            w,
            theme,
            theme.dim(),
        ),
    }
    let v = item.verdict;
    let verdict = match (&item.review(), v) {
        (Some(r), Some(v)) => format!(
            "{} {} · {} · {}",
            glyph(Some(v)),
            s.verdict(v),
            r.reviewer,
            short_time(&r.reviewed_at)
        ),
        _ => format!("{} {}", glyph(None), s.unreviewed),
    };
    labelled(
        &mut lines,
        (s.verdict, label_w),
        &verdict,
        w,
        theme,
        theme.verdict(v),
    );
    if let Some(suggested) = app.suggestion(app.cursor) {
        let words = if app.contradicts(app.cursor) {
            format!("{}（{}）", s.verdict(suggested), s.contradicts)
        } else {
            s.verdict(suggested).to_string()
        };
        let style = if app.contradicts(app.cursor) {
            theme.warning()
        } else {
            theme.dim()
        };
        labelled(&mut lines, (s.suggested, label_w), &words, w, theme, style);
    }
    if let Some(sub) = &submission {
        for flag in app.flags(app.cursor) {
            let why = if s.lang == crate::tui::strings::Lang::Zh {
                flag.zh(&sub.value)
            } else {
                flag.en(&sub.value)
            };
            labelled(
                &mut lines,
                (s.attention, label_w),
                &why,
                w,
                theme,
                theme.warning(),
            );
        }
    }
    if app.is_stale(app.cursor) {
        labelled(
            &mut lines,
            (s.attention, label_w),
            s.changed_since_review,
            w,
            theme,
            theme.warning(),
        );
    }
    let note = item.note_text();
    labelled(
        &mut lines,
        (s.note, label_w),
        if note.is_empty() { s.none } else { note },
        w,
        theme,
        if note.is_empty() {
            theme.dim()
        } else {
            Style::new()
        },
    );
    for o in app.others.iter().filter(|o| o.at == Some(app.cursor)) {
        let doing = if o.editing { s.writing } else { s.looking };
        labelled(
            &mut lines,
            (s.online, label_w),
            &format!("{} {doing}", o.reviewer),
            w,
            theme,
            theme.warning(),
        );
    }
    if let Some(draft) = app.draft(app.cursor) {
        labelled(
            &mut lines,
            (s.draft, label_w),
            draft,
            w,
            theme,
            theme.draft(),
        );
    }
    if let Some(sub) = &submission {
        if !sub.evidence.is_empty() {
            labelled(
                &mut lines,
                (s.evidence, label_w),
                &sub.evidence,
                w,
                theme,
                Style::new(),
            );
        }
        if !sub.remark.is_empty() {
            labelled(
                &mut lines,
                (s.remark, label_w),
                &sub.remark,
                w,
                theme,
                Style::new(),
            );
        }
    }
    // The words of the notice the indicator comes from, for checking against the document.
    labelled(
        &mut lines,
        (s.source, label_w),
        &ind.source,
        w,
        theme,
        theme.dim(),
    );
    let h = inner.height as usize;
    if lines.len() > h && h > 0 {
        // Say that there is more rather than cut it silently.
        lines.truncate(h - 1);
        lines.push(line_of(truncate(s.more, w), theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// "2026-11-29T20:51:18+08:00" → "2026-11-29 20:51".
fn short_time(rfc3339: &str) -> String {
    match rfc3339.get(..16) {
        Some(t) => t.replace('T', " "),
        None => clean(rfc3339),
    }
}

/// A `w`×`h` box (at most the window) in the middle of `area`.
fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let (w, h) = (w.min(area.width), h.min(area.height));
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

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

fn draw_editor(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(editor) = app.editor() else {
        return;
    };
    let s = app.strings;
    let r = editor_box(area);
    clear_around(frame, r);
    let ind = &app.indicators[editor.at.indicator];
    let county = &app.counties[editor.at.county];
    let title = format!(
        "{} · {} · {} {}",
        s.editor_title,
        clean(&county.name),
        ind.id,
        clean(&ind.short)
    );
    let block = Block::bordered()
        .border_style(theme.label())
        .title(Span::styled(
            truncate(&title, r.width.saturating_sub(4) as usize),
            theme.title(),
        ));
    let inner = block.inner(r);
    frame.render_widget(block, r);
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

/// Clears an overlay's area and one column either side of it: a wide character of the pane
/// beneath must not straddle the overlay's edge.
fn clear_around(frame: &mut Frame, r: Rect) {
    let area = frame.area();
    let x = r.x.saturating_sub(1).max(area.x);
    let right = (r.x + r.width + 1).min(area.x + area.width);
    frame.render_widget(
        Clear,
        Rect {
            x,
            y: r.y,
            width: right.saturating_sub(x),
            height: r.height,
        },
    );
}

/// The selected item's history: each event on a line (when, who, from → to), its note under.
fn draw_history(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(History { at, events, scroll }) = app.history() else {
        return;
    };
    let s = app.strings;
    let r = centred(
        area,
        area.width.saturating_sub(4).clamp(10, 90),
        area.height.saturating_sub(2).clamp(3, 30),
    );
    let w = r.width;
    clear_around(frame, r);
    let ind = &app.indicators[at.indicator];
    let title = format!(
        "{} · {} · {} {}",
        s.history_title,
        clean(&app.counties[at.county].name),
        ind.id,
        clean(&ind.short)
    );
    let block = Block::bordered()
        .border_style(theme.label())
        .title(Span::styled(
            truncate(&title, w.saturating_sub(4) as usize),
            theme.title(),
        ));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let iw = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    if events.is_empty() {
        lines.push(line_of(truncate(s.no_history, iw), theme.dim()));
    }
    // Newest first: what changed last is what a reviewer asks about.
    for e in events.iter().rev().skip(*scroll) {
        let name = |v: Option<crate::model::Verdict>| v.map_or(s.unreviewed, |v| s.verdict(v));
        let head = format!(
            "{}  {}({})  {} → {}",
            short_time(&e.at),
            clean(&e.reviewer),
            clean(&e.account),
            name(e.from),
            name(e.to)
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

/// Rows of counties the summary screen shows at once in a window of this size (what a page
/// down moves).
pub fn summary_page_rows(area: Rect, app: &App) -> usize {
    let body = area.height.saturating_sub(3);
    let bars = summary_targets_height(body, app.targets.len(), app.counties.len());
    // Less the borders, the column heads and the bars.
    (body as usize).saturating_sub(2 + 1 + bars).max(1)
}

/// The lines the per-target bars take below the matrix (a blank, a heading, a bar a target):
/// what is left when every county fits, else all of them if ten counties still show, else none.
fn summary_targets_height(body_height: u16, targets: usize, counties: usize) -> usize {
    let inner = body_height.saturating_sub(2) as usize;
    let table = counties + 1;
    let bars = if inner >= table + 3 {
        inner - table
    } else if inner >= 11 + targets + 2 {
        targets + 2
    } else {
        0
    };
    bars.min(targets + 2)
}

/// The summary screen: a county × target heat map ranked by score, then each target's bar.
fn draw_summary(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(v) = app.summary() else {
        return;
    };
    let s = app.strings;
    let title = format!(
        "{} · {} {}（{}）",
        s.summary_title,
        s.max_score,
        format_number(v.max_score),
        s.unreviewed_scores_nothing
    );
    let block = pane_block(
        truncate(&title, area.width.saturating_sub(4) as usize),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let iw = inner.width as usize;
    let bars = summary_targets_height(area.height, v.targets.len(), v.rows.len());
    let [table, bottom] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(bars as u16)]).areas(inner);

    // The columns: rank, county, score, reviewed, then one cell per target.
    let name_w = app
        .counties
        .iter()
        .map(|c| width(&clean(&c.name)))
        .max()
        .unwrap_or(6)
        .clamp(6, 16);
    let total = app.indicators.len();
    let scores: Vec<String> = v
        .rows
        .iter()
        .map(|row| {
            let vetoed = if row.report.score.vetoed_by.is_empty() {
                ""
            } else {
                s.vetoed
            };
            format!(
                "{}{vetoed}/{}",
                format_number(row.report.score.score),
                format_number(v.max_score)
            )
        })
        .collect();
    let score_w = scores
        .iter()
        .map(|t| width(t))
        .max()
        .unwrap_or(0)
        .max(width(s.score));
    let reviewed_w = (format!("{total}/{total}").len()).max(width(s.reviewed));
    let fixed = 4 + 1 + name_w + 1 + score_w + 1 + reviewed_w + 1;
    let cell_w = 4;
    let cells = (iw.saturating_sub(fixed) / cell_w).min(v.targets.len());
    let mut lines: Vec<Line> = Vec::new();
    let mut head = format!(
        "{} {} {} {} ",
        fit(s.rank, 4),
        fit(s.county, name_w),
        fit(s.score, score_w),
        fit(s.reviewed, reviewed_w)
    );
    for t in app.targets.iter().take(cells) {
        head.push_str(&format!("{:>3} ", t.id));
    }
    lines.push(line_of(truncate(&head, iw), theme.label()));
    let rows_h = (table.height as usize).saturating_sub(1);
    let top = scroll(v.selected, v.rows.len(), rows_h);
    for (k, row) in v.rows.iter().enumerate().skip(top).take(rows_h) {
        let selected = k == v.selected;
        let county = &app.counties[row.county];
        let vetoed = !row.report.score.vetoed_by.is_empty();
        let lead = format!(
            "{:>3}  {} {} {} ",
            row.report.rank,
            fit(&clean(&county.name), name_w),
            fit(&scores[k], score_w),
            fit(
                &format!("{}/{total}", row.report.progress.reviewed),
                reviewed_w
            ),
        );
        let base = if selected {
            theme.selection()
        } else if vetoed {
            theme.error()
        } else {
            Style::default()
        };
        let mut spans = vec![Span::styled(lead, base)];
        for t in 0..cells {
            let most = v.target_max.get(t).copied().unwrap_or(0.0);
            let earned = row.report.score.targets.get(t).copied().unwrap_or(0.0);
            let (text, style) = if row.report.target_reviewed.get(t).copied().unwrap_or(0) == 0 {
                ("  · ".to_string(), theme.dim())
            } else {
                let share = if most > 0.0 { earned / most } else { 0.0 };
                // Coloured as a verdict would be: all earned, half or more, less.
                let like = if share >= 0.995 {
                    crate::model::Verdict::Met
                } else if share >= 0.5 {
                    crate::model::Verdict::PartlyMet
                } else {
                    crate::model::Verdict::NotMet
                };
                let percent = (share * 100.0).round() as u32;
                (format!("{percent:>3} "), theme.verdict(Some(like)))
            };
            spans.push(Span::styled(text, style));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), table);

    if bars == 0 {
        return;
    }
    let mut lines: Vec<Line> = vec![
        Line::raw(""),
        line_of(truncate(s.target_progress, iw), theme.label()),
    ];
    let title_w = app
        .targets
        .iter()
        .map(|t| width(&clean(&t.title)))
        .max()
        .unwrap_or(8)
        .min(iw / 3);
    // Counts in aligned columns: "  3/132 ✓ 1 · ◐ 1 · ✗ 1".
    let done_w = v
        .targets
        .iter()
        .map(|t| format!("{}/{}", t.reviewed, t.total).len())
        .max()
        .unwrap_or(0);
    let count_w = |n: fn(&crate::report::Progress) -> i64| {
        v.targets
            .iter()
            .map(|t| n(t).to_string().len())
            .max()
            .unwrap_or(1)
    };
    let (met_w, partly_w, not_w) = (
        count_w(|t| t.met),
        count_w(|t| t.partly_met),
        count_w(|t| t.not_met),
    );
    let counts: Vec<String> = v
        .targets
        .iter()
        .map(|tally| {
            format!(
                " {:>done_w$} {} {:<met_w$} · {} {:<partly_w$} · {} {:<not_w$}",
                format!("{}/{}", tally.reviewed, tally.total),
                glyph(Some(crate::model::Verdict::Met)),
                tally.met,
                glyph(Some(crate::model::Verdict::PartlyMet)),
                tally.partly_met,
                glyph(Some(crate::model::Verdict::NotMet)),
                tally.not_met
            )
        })
        .collect();
    let counts_w = counts.iter().map(|c| width(c)).max().unwrap_or(0);
    // As many bars as there are lines for; the last line says how many more there are.
    let room = bars.saturating_sub(2);
    let shown = if v.targets.len() > room {
        room.saturating_sub(1)
    } else {
        v.targets.len()
    };
    for ((t, tally), counts) in app.targets.iter().zip(&v.targets).zip(counts).take(shown) {
        let lead = format!("{:>3} {} ", t.id, fit(&clean(&t.title), title_w));
        let bar_w = iw.saturating_sub(width(&lead) + counts_w).min(40);
        let mut spans = vec![Span::raw(lead)];
        // Segments in proportion: met, partly met, not met, then what is not reviewed yet;
        // any verdict at all shows as a cell at least.
        let part = |n: i64| {
            (n as usize * bar_w)
                .checked_div(tally.total as usize)
                .unwrap_or(0)
                .max(usize::from(n > 0))
        };
        let (m, p, x) = (part(tally.met), part(tally.partly_met), part(tally.not_met));
        let rest = bar_w.saturating_sub(m + p + x);
        for (n, glyph_char, style) in [
            (m, "█", theme.verdict(Some(crate::model::Verdict::Met))),
            (
                p,
                "▒",
                theme.verdict(Some(crate::model::Verdict::PartlyMet)),
            ),
            (x, "░", theme.verdict(Some(crate::model::Verdict::NotMet))),
            (rest, "·", theme.dim()),
        ] {
            if n > 0 {
                spans.push(Span::styled(glyph_char.repeat(n), style));
            }
        }
        spans.push(Span::raw(counts));
        lines.push(Line::from(spans));
    }
    if shown < v.targets.len() {
        let more = s
            .more_targets
            .replace("{n}", &(v.targets.len() - shown).to_string());
        lines.push(line_of(truncate(&more, iw), theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), bottom);
}

fn draw_help(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = app.strings;
    let w = area.width.saturating_sub(4).min(72);
    let key_w = 18usize;
    let mut lines: Vec<Line> = Vec::new();
    for mode in [
        Mode::Browse,
        Mode::Search,
        Mode::Editor,
        Mode::Confirm,
        Mode::Summary,
        Mode::History,
        Mode::Conflict,
        Mode::Help,
    ] {
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
