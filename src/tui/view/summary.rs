//! The summary screen: counties ranked by score over a heat map of their share of each
//! target's points, then each target's progress as a bar.

use super::shared::{line_of, pane, scroll};
use crate::model::{Verdict, format_number};
use crate::report::Progress;
use crate::stages::Stage;
use crate::text::{clean, fit, truncate, width};
use crate::tui::app::{App, bar_cells};
use crate::tui::theme::{Theme, glyph};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Rows of counties the summary screen shows at once in a window of this size (what a page
/// down moves).
pub fn summary_page_rows(area: Rect, app: &App) -> usize {
    let body = area.height.saturating_sub(3);
    let bars = targets_height(body, app.targets.len(), app.counties.len());
    // Less the borders, the column heads and the bars.
    (body as usize).saturating_sub(2 + 1 + bars).max(1)
}

/// The lines the per-target bars take below the matrix (a blank, a heading, a bar a target):
/// what is left when every county fits, else all of them if ten counties still show, else none.
fn targets_height(body_height: u16, targets: usize, counties: usize) -> usize {
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
pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(v) = app.summary() else {
        return;
    };
    if app.people_view().is_some() {
        super::people::draw(frame, area, app, theme);
        return;
    }
    let s = app.strings;
    let stage = match app.stage() {
        Stage::Preliminary => s.preliminary,
        Stage::PartlySignedOff => s.partly_signed_off,
        Stage::SignedOff => s.whole_signed_off,
    };
    let title = format!(
        "{} · {stage} · {} {}（{}）",
        s.summary_title,
        s.max_score,
        format_number(v.max_score),
        s.unreviewed_scores_nothing
    );
    let inner = pane(frame, area, &title, theme);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let iw = inner.width as usize;
    let bars = targets_height(area.height, v.targets.len(), v.rows.len());
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
            // What bonus items (加分项) added, within the score: "20/16 加4".
            let bonus = if row.report.score.bonus > 0.0 {
                format!(
                    " {}{}",
                    s.scoring.bonus,
                    format_number(row.report.score.bonus)
                )
            } else {
                String::new()
            };
            format!(
                "{}{vetoed}/{}{bonus}",
                format_number(row.report.score.score),
                format_number(v.max_score)
            )
        })
        .collect();
    // The grades (等次), where the targets file names them.
    let grades: Vec<String> = v
        .rows
        .iter()
        .map(|row| clean(row.report.grade.as_deref().unwrap_or("")))
        .collect();
    let grade_w = if grades.iter().any(|g| !g.is_empty()) {
        grades
            .iter()
            .map(|g| width(g))
            .max()
            .unwrap_or(0)
            .max(width(s.scoring.grade))
            + 1
    } else {
        0
    };
    let score_w = scores
        .iter()
        .map(|t| width(t))
        .max()
        .unwrap_or(0)
        .max(width(s.score));
    let reviewed_w = (format!("{total}/{total}").len()).max(width(s.reviewed));
    // How many verdicts each county's own assessment (自评) differs from, where any was given.
    let own_w = if app.any_own() {
        width(s.marking.own_differs_head) + 1
    } else {
        0
    };
    let fixed = 4 + 1 + name_w + 1 + score_w + 1 + grade_w + reviewed_w + 1 + own_w;
    let cell_w = 4;
    let cells = (iw.saturating_sub(fixed) / cell_w).min(v.targets.len());
    let mut lines: Vec<Line> = Vec::new();
    let mut head = format!(
        "{} {} {} {}{} ",
        fit(s.rank, 4),
        fit(s.county, name_w),
        fit(s.score, score_w),
        fit(s.scoring.grade, grade_w),
        fit(s.reviewed, reviewed_w)
    );
    if own_w > 0 {
        head.push_str(&fit(s.marking.own_differs_head, own_w));
    }
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
            "{:>3}  {} {} {}{} ",
            row.report.rank,
            fit(&clean(&county.name), name_w),
            fit(&scores[k], score_w),
            fit(&grades[k], grade_w),
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
        if own_w > 0 {
            let n = row.report.progress.self_disagrees;
            let style = if n > 0 { theme.warning() } else { theme.dim() };
            spans.push(Span::styled(
                format!("{:>w$} ", n, w = own_w - 1),
                style.patch(base),
            ));
        }
        for t in 0..cells {
            let most = v.target_max.get(t).copied().unwrap_or(0.0);
            let earned = row.report.score.targets.get(t).copied().unwrap_or(0.0);
            let (text, style) = if row.report.target_reviewed.get(t).copied().unwrap_or(0) == 0 {
                ("  · ".to_string(), theme.dim())
            } else if most <= 0.0 {
                // A target of bonus items only: no share of the most to show.
                ("  — ".to_string(), theme.dim())
            } else {
                let share = if most > 0.0 { earned / most } else { 0.0 };
                // Coloured as a verdict would be: all earned, half or more, less.
                let like = if share >= 0.995 {
                    Verdict::Met
                } else if share >= 0.5 {
                    Verdict::PartlyMet
                } else {
                    Verdict::NotMet
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
    let count_w = |n: fn(&Progress) -> i64| {
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
                glyph(Some(Verdict::Met)),
                tally.met,
                glyph(Some(Verdict::PartlyMet)),
                tally.partly_met,
                glyph(Some(Verdict::NotMet)),
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
        // every part with an item shows as a cell at least, one without none (bar_cells).
        let [m, p, x, rest] = bar_cells(
            [tally.met, tally.partly_met, tally.not_met],
            tally.total,
            bar_w,
        );
        for (n, glyph_char, style) in [
            (m, "█", theme.verdict(Some(Verdict::Met))),
            (p, "▒", theme.verdict(Some(Verdict::PartlyMet))),
            (x, "░", theme.verdict(Some(Verdict::NotMet))),
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
