//! Drawing: reads the App, writes nothing but the frame. Every width is in terminal columns and
//! every text from outside (a county's file, a note) goes through `text::clean`/`text::wrap`.
//! One file a pane or overlay; shared.rs holds what they share.

mod detail;
mod editor;
mod filters;
mod finder;
mod header;
mod help;
mod hints;
mod history;
mod lines;
mod message;
mod owners;
mod people;
mod scoring;
mod shared;
mod submissions;
mod summary;
mod targets;
mod verify;
mod viewer;

pub use editor::{editor_box, editor_text_width};
pub use help::help_page_rows;
pub use summary::summary_page_rows;
pub use viewer::{protocol_picture, viewer_text_size};

use super::app::{App, Pane};
use super::theme::Theme;
use crate::text::wrap;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// Below this the window says it is too small (and recovers when it grows).
pub const MIN_WIDTH: u16 = 24;
pub const MIN_HEIGHT: u16 = 8;
/// From this width (and height) the three panes show side by side.
pub const WIDE: u16 = 80;
pub const TALL: u16 = 16;

/// The screen's rows: the header, the body (the panes or what covers them), the message line
/// and the hint line. Every measure of the body takes it from here, as the frame does.
pub(crate) fn screen_rows(area: Rect) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// The whole screen: the header, the panes (or the summary screen), the message and hint
/// lines, then what is open over them.
pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, app, theme);
        return;
    }
    let [header, body, message, hints] = screen_rows(area);
    header::draw(frame, header, app, theme);
    message::draw(frame, message, app, theme);
    hints::draw(frame, hints, app, theme);
    if app.is_empty() {
        return;
    }
    if app.summary().is_some() {
        summary::draw(frame, body, app, theme);
        if app.help().is_some() {
            help::draw(frame, area, app, theme);
        }
        return;
    }
    if app.viewer().is_some() {
        // A file of the item's evidence, over the panes.
        viewer::draw(frame, area, app, theme);
        if app.help().is_some() {
            help::draw(frame, area, app, theme);
        }
        return;
    }
    if app.detail_whole() {
        // `D`: the detail pane alone, the whole window long.
        detail::draw(frame, body, app, theme);
    } else if area.width >= WIDE && area.height >= TALL {
        let [left, top, bottom] = panes(body, app);
        targets::draw(frame, left, app, theme);
        submissions::draw(frame, top, app, theme);
        detail::draw(frame, bottom, app, theme);
    } else {
        match app.pane {
            Pane::Targets => targets::draw(frame, body, app, theme),
            Pane::Submissions => submissions::draw(frame, body, app, theme),
            Pane::Detail => detail::draw(frame, body, app, theme),
        }
    }
    if app.editor().is_some() {
        editor::draw(frame, area, app, theme);
    }
    if app.finder().is_some() {
        finder::draw(frame, area, app, theme);
    }
    if app.verify_editor().is_some() {
        verify::draw(frame, area, app, theme);
    }
    if app.history().is_some() {
        history::draw(frame, area, app, theme);
    }
    if app.filter_menu().is_some() {
        filters::draw(frame, area, app, theme);
    }
    if app.help().is_some() {
        help::draw(frame, area, app, theme);
    }
}

/// The three panes side by side in a wide window's body: targets, submissions, detail.
fn panes(body: Rect, app: &App) -> [Rect; 3] {
    let left = ((u32::from(body.width) * 3 / 10) as u16).clamp(28, 44);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left), Constraint::Fill(1)]).areas(body);
    let top = submissions::height(app, right.width, right.height);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(top), Constraint::Fill(1)]).areas(right);
    [left, top, bottom]
}

/// How far the detail pane can scroll in a window of this size, and a page of it: (0, 1)
/// when it is not on screen. The run loop tells the App before each frame.
pub fn detail_size(area: Rect, app: &App, theme: &Theme) -> (usize, usize) {
    if app.is_empty() || area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return (0, 1);
    }
    let [_, body, _, _] = screen_rows(area);
    let pane = if app.detail_whole() {
        body
    } else if area.width >= WIDE && area.height >= TALL {
        panes(body, app)[2]
    } else if app.pane == Pane::Detail {
        body
    } else {
        return (0, 1);
    };
    // Inside its borders.
    let inner = ratatui::widgets::Block::bordered().inner(pane);
    detail::size(app, inner, theme)
}

/// The county rows the submissions pane has in a window of this size (0 when the list is not
/// on screen): the run loop tells the App before it reads what the frame will show.
pub fn list_room(area: Rect, app: &App) -> usize {
    if app.is_empty()
        || area.width < MIN_WIDTH
        || area.height < MIN_HEIGHT
        || app.summary().is_some()
        || app.viewer().is_some()
        || app.detail_whole()
    {
        return 0;
    }
    let [_, body, _, _] = screen_rows(area);
    let pane = if area.width >= WIDE && area.height >= TALL {
        panes(body, app)[1]
    } else if app.pane == Pane::Submissions {
        body
    } else {
        return 0;
    };
    let inner = ratatui::widgets::Block::bordered().inner(pane);
    submissions::list_room(app, inner.width as usize, inner.height as usize)
}

/// Only what the window is short of.
fn too_small(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let text = format!("{} {}×{}", app.strings.too_small, MIN_WIDTH, MIN_HEIGHT);
    let lines: Vec<Line> = wrap(&text, area.width as usize)
        .into_iter()
        .map(|l| Line::styled(l, theme.warning()))
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}
