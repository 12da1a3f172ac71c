//! The detail pane: everything about the selected item, the figure and the reviewer's own
//! verdict and note first.

use super::shared::{
    figure_text, item_title, line_of, pane, requirement_words, short_time, standing_text,
};
use crate::check::standing;
use crate::text::{fit, truncate, width, wrap};
use crate::tui::app::App;
use crate::tui::strings::Lang;
use crate::tui::theme::{Theme, glyph};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

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

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = app.strings;
    let ind = app.indicator();
    let inner = pane(frame, area, &item_title(app, s.detail, app.cursor), theme);
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
        s.owner,
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
    if let Some((owner, style)) = super::owners::owner_line(app, app.cursor, theme) {
        labelled(&mut lines, (s.owner, label_w), &owner, w, theme, style);
    }
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
            let why = if s.lang == Lang::Zh {
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
    // The notes, each under its author, newest last; at least the latest shows.
    let room = (inner.height as usize).saturating_sub(lines.len() + 1);
    lines.extend(super::owners::thread_lines(
        app,
        item,
        (s.note, label_w),
        w,
        room,
        theme,
    ));
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
        for (label, text) in [(s.evidence, &sub.evidence), (s.remark, &sub.remark)] {
            if !text.is_empty() {
                labelled(&mut lines, (label, label_w), text, w, theme, Style::new());
            }
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
