//! The summary screen's 按人 view (`p`): each reviewer's first reviews done and left, how they
//! fared in the second review, the second reviews they gave; each target's stage, first
//! reviews and agreement; and what is signed off. Scrolls when the window is short (80×24).

use super::shared::{line_of, pane};
use crate::stages::{Agreement, People, Stage, short_time};
use crate::text::{clean, fit, truncate, width};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some((people, scroll)) = app.people_view() else {
        return;
    };
    let s = app.strings;
    let inner = pane(frame, area, s.people_title, theme);
    let iw = inner.width as usize;
    let Some(people) = people else {
        frame.render_widget(
            Paragraph::new(line_of(truncate(s.people_reading, iw), theme.dim())),
            inner,
        );
        return;
    };
    let lines = lines(app, people, iw, theme);
    let h = inner.height as usize;
    let top = scroll.min(lines.len().saturating_sub(h));
    let shown: Vec<Line> = lines.into_iter().skip(top).take(h).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

/// Every line of the view, cut to `iw` columns.
fn lines(app: &App, people: &People, iw: usize, theme: &Theme) -> Vec<Line<'static>> {
    let s = app.strings;
    let zh = s.lang == crate::tui::strings::Lang::Zh;
    let pick = |z: &'static str, e: &'static str| if zh { z } else { e };
    let mut lines = Vec::new();
    let stage = &people.stage;
    let stage_words = match stage.stage {
        Stage::Preliminary => pick("初步（未审定）", "preliminary (not signed off)").to_string(),
        st => {
            let locks: Vec<String> = stage
                .locks
                .iter()
                .map(|l| {
                    let scope = if zh { l.scope_zh() } else { l.scope_en() };
                    format!("{scope} {} {}", clean(&l.by), short_time(&l.at))
                })
                .collect();
            let word = if zh { st.chinese() } else { st.english() };
            format!("{word}：{}", locks.join("、"))
        }
    };
    lines.push(line_of(
        truncate(&format!("{}{}{stage_words}", s.stage_label, s.colon), iw),
        if stage.stage == Stage::Preliminary {
            theme.dim()
        } else {
            theme.warning()
        },
    ));
    lines.push(Line::raw(""));
    lines.push(line_of(truncate(s.people_reviewers, iw), theme.label()));
    let count = |n: Option<i64>| n.map_or_else(|| "—".to_string(), |n| n.to_string());
    let agreement = |a: &Agreement| {
        [
            a.checked.to_string(),
            a.agreed.to_string(),
            a.changed.to_string(),
            a.percent_text(),
        ]
    };
    let heads = [
        pick("评审人", "reviewer"),
        pick("处室", "division"),
        pick("已评", "done"),
        pick("待评", "left"),
        pick("被复核", "checked"),
        pick("同意", "agreed"),
        pick("改判", "changed"),
        pick("一致率", "agree %"),
        pick("复核", "checks"),
        pick("待复核", "to check"),
    ];
    let rows: Vec<Vec<String>> = people
        .reviewers
        .iter()
        .map(|r| {
            let mut row = vec![
                clean(&r.reviewer),
                clean(r.division.as_deref().unwrap_or("—")),
                r.marked.to_string(),
                count(r.left),
            ];
            row.extend(agreement(&r.agreement));
            row.push(r.checks_done.to_string());
            row.push(count(r.checks_left));
            row
        })
        .collect();
    table(&mut lines, &heads, rows, &[0, 1], iw, theme);
    lines.push(Line::raw(""));
    lines.push(line_of(truncate(s.people_targets, iw), theme.label()));
    let heads = [
        pick("目标", "target"),
        pick("阶段", "stage"),
        pick("已评", "done"),
        pick("被复核", "checked"),
        pick("同意", "agreed"),
        pick("改判", "changed"),
        pick("一致率", "agree %"),
        pick("待复核", "to check"),
    ];
    let rows: Vec<Vec<String>> = people
        .targets
        .iter()
        .map(|t| {
            let mut row = vec![
                format!("{:>2} {}", t.id, clean(&t.title)),
                if zh {
                    t.stage.chinese()
                } else {
                    t.stage.english()
                }
                .to_string(),
                format!("{}/{}", t.marked, t.items),
            ];
            row.extend(agreement(&t.agreement));
            row.push(t.checks_left.to_string());
            row
        })
        .collect();
    table(&mut lines, &heads, rows, &[0, 1], iw, theme);
    if people.reviewers.iter().all(|r| r.left.is_none()) {
        lines.push(Line::raw(""));
        lines.push(line_of(truncate(s.people_left_unknown, iw), theme.dim()));
    }
    lines
}

/// A table in columns fitted to their cells; the first column gives way when it is narrow.
fn table(
    lines: &mut Vec<Line<'static>>,
    heads: &[&str],
    rows: Vec<Vec<String>>,
    left: &[usize],
    iw: usize,
    theme: &Theme,
) {
    let mut widths: Vec<usize> = (0..heads.len())
        .map(|c| {
            rows.iter()
                .map(|r| width(&r[c]))
                .chain([width(heads[c])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    // The first column (a name, a target's title) takes what the others leave.
    let rest: usize = widths.iter().skip(1).map(|w| w + 1).sum();
    widths[0] = widths[0].min(iw.saturating_sub(rest).max(6));
    let line = |cells: &[String]| {
        let mut text = String::new();
        for (c, cell) in cells.iter().enumerate() {
            if c > 0 {
                text.push(' ');
            }
            if left.contains(&c) {
                text.push_str(&fit(cell, widths[c]));
            } else {
                let cell = truncate(cell, widths[c]);
                text.push_str(&" ".repeat(widths[c].saturating_sub(width(&cell))));
                text.push_str(&cell);
            }
        }
        truncate(text.trim_end(), iw)
    };
    let heads: Vec<String> = heads.iter().map(|h| h.to_string()).collect();
    lines.push(line_of(line(&heads), theme.label()));
    for row in rows {
        lines.push(line_of(line(&row), Style::new()));
    }
}
