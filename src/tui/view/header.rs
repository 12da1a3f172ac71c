//! The header line: the assessment's title, then the database (its file name, 共享 or 个人),
//! the reviewer, progress, the flow, the filter, changed figures and who else is here.

use super::shared::line_of;
use crate::stages::Stage;
use crate::text::{clean, fit, truncate, width};
use crate::tui::app::{App, Flow, Stopped};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Columns the database's file name may take in the header.
const MAX_FILE: usize = 24;
/// Columns the title keeps before the database's name gives way.
const MIN_TITLE: usize = 10;

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = app.strings;
    let (done, total) = app.progress();
    let percent = (done * 100).checked_div(total).unwrap_or(0);
    let mut right = format!("{} {}", s.reviewer, clean(&app.reviewer));
    match app.stopped() {
        Some(Stopped::Swapped { .. }) => right.push_str(&format!(" · {}", s.stopped_tag)),
        Some(Stopped::ReadOnly { .. }) => right.push_str(&format!(" · {}", s.read_only)),
        None if app.browse_only.is_some() => right.push_str(&format!(" · {}", s.read_only)),
        None => {}
    }
    if app.pending_count() > 0 {
        let tag = s
            .waiting_tag
            .replace("{n}", &app.pending_count().to_string());
        right.push_str(&format!(" · {tag}"));
    }
    right.push_str(&format!(" · {} {done}/{total} ({percent}%)", s.progress));
    right.push_str(&format!(
        " · {}",
        match app.flow {
            Flow::ByIndicator => s.by_indicator,
            Flow::ByCounty => s.by_county,
        }
    ));
    if app.only_own() {
        let (own_done, own_total) = app.own_progress();
        right.push_str(&format!(" · {} {own_done}/{own_total}", s.own_work));
    } else if app.owners_apply() {
        right.push_str(&format!(" · {}", s.all_work));
    }
    if app.checking() {
        right.push_str(&format!(" · {}", s.check_mode));
    }
    match app.stage() {
        Stage::Preliminary => {}
        Stage::PartlySignedOff => right.push_str(&format!(" · {}", s.partly_signed_off)),
        Stage::SignedOff => right.push_str(&format!(" · {}", s.whole_signed_off)),
    }
    if app.only_unreviewed {
        right.push_str(&format!(" · {}", s.only_unreviewed));
    }
    if let Some(f) = app.filter() {
        right.push_str(&format!(
            " · {}{}{}",
            s.marking.filter,
            s.colon,
            app.filter_words(f)
        ));
    }
    if app.selected_count() > 0 {
        right.push_str(&format!(
            " · {} {}",
            s.marking.selected,
            app.selected_count()
        ));
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
    // The database next ("kaohe.db·共享"), while the title keeps a few columns; it gives way
    // before the reviewer and progress do.
    if let Some(db) = &app.database {
        let label = format!(
            "{}·{}",
            truncate(&clean(&db.file), MAX_FILE),
            if db.shared { s.shared } else { s.private }
        );
        if width(&label) + 3 + width(&right) + 1 + MIN_TITLE <= w {
            right = format!("{label} · {right}");
        }
    }
    // The reviewer and progress first; the title takes what is left (with a space between).
    let right = truncate(&right, w);
    if width(&right) + 2 > w {
        super::lines::draw_lines(
            frame.buffer_mut(),
            area,
            vec![line_of(right, theme.label())],
        );
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
    super::lines::draw_lines(frame.buffer_mut(), area, vec![line]);
}
