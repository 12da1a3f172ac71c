//! What the panes show of owners and of notes' authors: an item's owner (short in the table,
//! whole in the detail pane), its notes as a thread (who, when, what; newest last), and the
//! question asked before marking a colleague's verdict or someone else's item.

use super::shared::{line_of, short_time, verdict_name};
use crate::item::Item;
use crate::model::Note;
use crate::text::{clean, clean_lines, truncate, width, wrap};
use crate::tui::app::{App, Cursor};
use crate::tui::theme::Theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// "[养老服务] ": the owner of someone else's item, before its note in the table.
pub(super) fn table_label(app: &App, at: Cursor) -> Option<String> {
    app.others_owner(at)
        .map(|o| format!("[{}] ", clean(&o.short)))
}

/// The detail pane's owner line, when the item has an owner: theirs (a warning) or the
/// reviewer's own.
pub(super) fn owner_line(app: &App, at: Cursor, theme: &Theme) -> Option<(String, Style)> {
    if !app.owners_apply() {
        return None;
    }
    let owner = app.owner_of(at)?;
    let s = app.strings;
    Some(if owner.mine {
        (clean(&owner.name), theme.dim())
    } else {
        (
            format!("{}（{}）", clean(&owner.name), s.others_item),
            theme.warning(),
        )
    })
}

/// "王五 11-29 09:30" (the year is the assessment's): who wrote a note, and when.
fn by_when(note: &Note) -> String {
    let at = short_time(&note.at);
    let at = at.get(5..).unwrap_or(&at).to_string();
    format!("{} {at}", clean(&note.author))
}

/// The thread in the detail pane, under `label` in a column `label_w` wide: each note's author
/// and time, then its text, wrapped; newest last. When it would take more than `room` lines,
/// the earlier notes give way to one line saying how many (H shows them): the latest is always
/// shown.
pub(super) fn thread_lines(
    app: &App,
    item: &Item,
    (label, label_w): (&str, usize),
    w: usize,
    room: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let s = app.strings;
    let text_w = w.saturating_sub(label_w + 1).max(1);
    let head = |k: usize| {
        if k == 0 {
            crate::text::fit(label, label_w)
        } else {
            " ".repeat(label_w)
        }
    };
    if item.notes.is_empty() {
        return vec![Line::from(vec![
            Span::styled(head(0), theme.label()),
            Span::raw(" "),
            Span::styled(s.none.to_string(), theme.dim()),
        ])];
    }
    // Each note: its author and time (dim), then its words, wrapped under the label.
    let note_rows = |note: &Note| -> Vec<(String, bool)> {
        let who = by_when(note);
        let text = format!("{who} {}", clean_lines(&note.text));
        wrap(&text, text_w)
            .into_iter()
            .enumerate()
            .map(|(k, l)| (l, k == 0))
            .collect()
    };
    let notes: Vec<(Vec<(String, bool)>, usize)> = item
        .notes
        .iter()
        .map(|n| (note_rows(n), width(&by_when(n))))
        .collect();
    let total: usize = notes.iter().map(|(rows, _)| rows.len()).sum();
    // The latest notes that fit, with a line for the earlier ones when some give way: the
    // latest always.
    let mut first = 0;
    if total > room {
        first = notes.len() - 1;
        let mut used = 1 + notes[first].0.len();
        while first > 0 && used + notes[first - 1].0.len() <= room {
            first -= 1;
            used += notes[first].0.len();
        }
    }
    let mut lines: Vec<Line<'static>> = Vec::new();
    if first > 0 {
        let words = s.earlier_notes.replace("{n}", &first.to_string());
        lines.push(Line::from(vec![
            Span::styled(head(0), theme.label()),
            Span::raw(" "),
            Span::styled(truncate(&words, text_w), theme.dim()),
        ]));
    }
    for (rows, who_w) in &notes[first..] {
        for (row, starts) in rows {
            let k = lines.len();
            let mut spans = vec![Span::styled(head(k), theme.label()), Span::raw(" ")];
            if *starts && width(row) >= *who_w {
                // The author and time, dim, before the words.
                let split = row
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([row.len()])
                    .find(|&i| width(&row[..i]) >= *who_w)
                    .unwrap_or(row.len());
                spans.push(Span::styled(row[..split].to_string(), theme.dim()));
                spans.push(Span::raw(row[split..].to_string()));
            } else {
                spans.push(Span::raw(row.clone()));
            }
            lines.push(Line::from(spans));
        }
    }
    lines
}

/// The history overlay's thread: every note, oldest first, "王五 2026-11-29 09:30：…".
pub(super) fn history_thread(
    app: &App,
    item: &Item,
    w: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    if item.notes.is_empty() {
        return Vec::new();
    }
    let s = app.strings;
    let mut lines = vec![line_of(
        truncate(&format!("{}（{}）", s.note, item.notes.len()), w),
        theme.label(),
    )];
    for note in &item.notes {
        let text = format!(
            "{} {}{}{}",
            clean(&note.author),
            short_time(&note.at),
            s.colon,
            clean_lines(&note.text)
        );
        for l in wrap(&text, w.saturating_sub(2)) {
            lines.push(Line::raw(format!("  {l}")));
        }
    }
    lines.push(Line::raw(""));
    lines
}

/// The message line while a mark waits to be confirmed: whose item or verdict it is, the
/// verdict being given, and the keys.
pub(super) fn question_text(app: &App) -> Option<String> {
    let q = app.question()?;
    let s = app.strings;
    let mine = verdict_name(app, q.write.verdict.flatten());
    let mut reasons = Vec::new();
    if let Some(owner) = &q.owner {
        reasons.push(s.ask_owner.replace("{owner}", owner));
    }
    if let Some((who, theirs)) = &q.theirs {
        reasons.push(
            s.ask_theirs
                .replace("{who}", who)
                .replace("{theirs}", verdict_name(app, Some(*theirs))),
        );
    }
    let sep = if s.colon == "：" { "；" } else { "; " };
    // Short enough for 80 columns with the keys: the item is the one the cursor is on, named
    // in the detail pane's title.
    Some(clean(&format!(
        "{}{}{}",
        reasons.join(sep),
        s.ask_mine.replace("{mine}", mine),
        s.ask_keys
    )))
}
