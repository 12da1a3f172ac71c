//! The detail pane: everything about the selected item, the figure and the reviewer's own
//! verdict and note first.

use super::shared::{
    figure_text, item_title, line_of, pane, requirement_words, short_time, standing_text,
};
use crate::check::standing;
use crate::model::format_number;
use crate::text::{clean, fit, truncate, width, wrap};
use crate::tui::action::{Action, Mode};
use crate::tui::app::{App, CheckStatus};
use crate::tui::strings::Lang;
use crate::tui::theme::{Theme, glyph};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// "label  value" with the value wrapped under itself.
pub(super) fn labelled(
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
    let inner = pane(frame, area, &item_title(app, s.detail, app.cursor), theme);
    let w = inner.width as usize;
    let h = inner.height as usize;
    let lines = lines(app, w, h, theme);
    // Scrolled as far as the reviewer asked (never past the last line); a last line says how
    // much more there is below, and which keys show it.
    let top = app.detail_scroll().min(lines.len().saturating_sub(h));
    let below = lines.len().saturating_sub(top + h);
    let mut shown: Vec<Line> = lines.into_iter().skip(top).take(h).collect();
    if below > 0 && h > 0 {
        let hidden = below + 1;
        shown.truncate(h - 1);
        let key = |a: Action| app.keymap.first_key(Mode::Browse, a).unwrap_or_default();
        let more = s
            .marking
            .more_below
            .replace("{n}", &hidden.to_string())
            .replace("{down}", &key(Action::DetailDown))
            .replace("{whole}", &key(Action::ToggleDetailWhole));
        shown.push(line_of(truncate(&more, w), theme.dim()));
    }
    super::lines::draw_lines(frame.buffer_mut(), inner, shown);
}

/// How far the detail pane drawn in `inner` (inside its borders) can scroll, and a page of it.
pub(super) fn size(app: &App, inner: Rect, theme: &Theme) -> (usize, usize) {
    let h = inner.height as usize;
    let total = lines(app, inner.width as usize, h, theme).len();
    (total.saturating_sub(h), h.saturating_sub(1).max(1))
}

/// Every line of the selected item's detail, `w` columns wide, for a pane `h` lines high (the
/// notes' thread gives its earlier notes one line where the pane has no room for them).
fn lines(app: &App, w: usize, h: usize, theme: &Theme) -> Vec<Line<'static>> {
    let s = app.strings;
    let ind = app.indicator();
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
        s.marking.own,
        s.marking.aside,
        s.check_label,
        s.reason,
        s.signed_off,
        s.evidence_words.missing,
        s.evidence_words.ambiguous,
        s.evidence_words.requested,
        s.scoring.rule,
        s.scoring.cases,
        s.scoring.finding,
    ]
    .iter()
    // The verified figure's label only where there is one (its reason goes under it).
    .chain(item.verified.as_ref().map(|_| &s.verify.label))
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
    // The verified figure (核定值) under the county's: what the suggestion goes by.
    lines.extend(super::verify::detail_lines(app, label_w, w, theme));
    let v = item.verdict;
    let verdict = match (&item.review(), v) {
        // Mine, waiting for the write lock: not saved yet, and said so.
        _ if app.pending_at(app.cursor).is_some() => {
            let p = app.pending_at(app.cursor).flatten();
            format!(
                "{} {}（{}）",
                glyph(p),
                p.map_or(s.unreviewed, |p| s.verdict(p)),
                s.pending
            )
        }
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
    // The indicator's rule, what the item earns, the cases counted, 不计分 (issue 17).
    for (label, text, style) in super::scoring::detail_lines(app, theme) {
        labelled(&mut lines, (label, label_w), &text, w, theme, style);
    }
    // The county's own assessment beside the city's verdict: "自评 ✓ 完成 · 8.5分".
    let own = item.self_verdict;
    if own.is_some() || item.self_score.is_some() {
        let mut words: Vec<String> = Vec::new();
        if let Some(o) = own {
            words.push(format!("{} {}", glyph(Some(o)), s.verdict(o)));
        }
        if let Some(score) = item.self_score {
            words.push(s.marking.own_score.replace("{n}", &format_number(score)));
        }
        labelled(
            &mut lines,
            (s.marking.own, label_w),
            &words.join(" · "),
            w,
            theme,
            theme.verdict(own),
        );
    }
    if let (Some(o), Some(city), true) = (own, v, item.self_disagrees()) {
        let words = s
            .marking
            .own_differs
            .replace("{own}", s.verdict(o))
            .replace("{verdict}", s.verdict(city));
        labelled(
            &mut lines,
            (s.attention, label_w),
            &words,
            w,
            theme,
            theme.warning(),
        );
    }
    // The second review (复核) and the sign-off (审定), under the first verdict.
    if let Some((text, style)) = check_text(app, theme) {
        labelled(&mut lines, (s.check_label, label_w), &text, w, theme, style);
    }
    if let Some(reason) = item.stages.check_reason.as_deref() {
        labelled(
            &mut lines,
            (s.reason, label_w),
            reason,
            w,
            theme,
            Style::new(),
        );
    }
    if let Some(lock) = app.lock_at(app.cursor) {
        let text = s
            .locked_by
            .replace("{who}", &clean(&lock.by))
            .replace("{at}", &short_time(&lock.at))
            .replace("{scope}", &scope(app, lock));
        labelled(
            &mut lines,
            (s.signed_off, label_w),
            &text,
            w,
            theme,
            theme.warning(),
        );
    }
    if app.is_aside(app.cursor) {
        let key = app
            .keymap
            .first_key(Mode::Browse, Action::ToggleAside)
            .unwrap_or_default();
        labelled(
            &mut lines,
            (s.marking.aside, label_w),
            &s.marking.aside_line.replace("{key}", &key),
            w,
            theme,
            theme.dim(),
        );
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
    // 退回补充 asked and not yet answered by an import.
    for r in app.open_requests(app.cursor) {
        let text = s
            .evidence_words
            .request_line
            .replace("{reason}", &clean(&r.reason))
            .replace("{who}", &clean(&r.asked_by))
            .replace("{at}", &short_time(&r.asked_at));
        labelled(
            &mut lines,
            (s.evidence_words.requested, label_w),
            &text,
            w,
            theme,
            theme.warning(),
        );
    }
    // The notes, each under its author, newest last; at least the latest shows.
    let room = h.saturating_sub(lines.len() + 1);
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
    // The evidence files that came with the sheet, and what the evidence column cites that
    // did not come; the column as the county wrote it where no file was imported.
    let files = app.evidence_at(app.cursor).filter(|e| !e.is_empty());
    match files {
        Some(evidence) => evidence_lines(&mut lines, app, evidence, label_w, w, theme),
        None => {
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
            }
        }
    }
    if let Some(sub) = &submission {
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
    lines
}

/// The item's files, one a line ("会议纪要.pdf · PDF · 1.2 MiB · 3页"), the key that opens
/// them, then the names cited that are missing or match several files.
fn evidence_lines(
    lines: &mut Vec<Line<'static>>,
    app: &App,
    evidence: &kaohe_core::evidence::ItemEvidence,
    label_w: usize,
    w: usize,
    theme: &Theme,
) {
    let s = app.strings;
    let e = s.evidence_words;
    for (i, f) in evidence.files.iter().enumerate() {
        let kind = match s.lang {
            Lang::Zh => f.kind.chinese(),
            Lang::En => f.kind.english(),
        };
        let mut facts = vec![
            clean(&f.name),
            kind.to_string(),
            crate::tui::strings::evidence::size(s.lang, f.size),
        ];
        if let Some(n) = app.pages_of(f) {
            facts.push(e.pages.replace("{n}", &n.to_string()));
        }
        let label = if i == 0 { s.evidence } else { "" };
        labelled(
            lines,
            (label, label_w),
            &facts.join(" · "),
            w,
            theme,
            Style::new(),
        );
    }
    if !evidence.files.is_empty() {
        let key = app
            .keymap
            .first_key(Mode::Browse, Action::OpenEvidence)
            .unwrap_or_default();
        labelled(
            lines,
            ("", label_w),
            &e.open_hint.replace("{key}", &key),
            w,
            theme,
            theme.dim(),
        );
    }
    for (label, names) in [
        (e.missing, &evidence.missing),
        (e.ambiguous, &evidence.ambiguous),
    ] {
        for name in names {
            labelled(lines, (label, label_w), name, w, theme, theme.warning());
        }
    }
}

/// "✓ 同意 · 李四 · 2026-12-01 10:00", "◐ 基本完成（改判）· 李四 · …", or that the first verdict
/// changed since; nothing before a second review.
fn check_text(app: &App, theme: &Theme) -> Option<(String, Style)> {
    let s = app.strings;
    let item = app.current();
    let by = || {
        let who = item
            .stages
            .checker
            .as_deref()
            .map(clean)
            .unwrap_or_default();
        let at = item
            .stages
            .checked_at
            .as_deref()
            .map(short_time)
            .unwrap_or_default();
        format!("· {who} · {at}")
    };
    match app.check_status(app.cursor)? {
        CheckStatus::Unchecked => None,
        CheckStatus::Agreed => Some((
            format!("{} {} {}", glyph(item.verdict), s.agree, by()),
            theme.verdict(item.verdict),
        )),
        CheckStatus::Changed(v) => Some((
            format!(
                "{} {}{}{}",
                glyph(Some(v)),
                s.verdict(v),
                s.changed_mark,
                by()
            ),
            theme.verdict(Some(v)),
        )),
        CheckStatus::Outdated => Some((s.check_outdated.to_string(), theme.warning())),
    }
}

/// "目标 3" / "整个考核", in the workspace's language.
fn scope(app: &App, lock: &crate::stages::Lock) -> String {
    match app.strings.lang {
        Lang::Zh => lock.scope_zh(),
        Lang::En => lock.scope_en(),
    }
}
