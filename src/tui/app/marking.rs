//! Rapid marking: a verdict and its note in one motion (`!` `@` `#`, or `E` for the item just
//! marked), the detail pane scrolled or shown whole, and the dispatch of the keys of this part
//! of the workspace (selection.rs: several at once; filters.rs: the filters and the counties'
//! own assessments; aside.rs: items put aside).

use super::effect::{Effect, Why};
use super::filters::{Checks, Filter};
use super::{App, Cursor};
use crate::model::Verdict;
use crate::tui::action::Action;
use std::collections::{BTreeSet, HashSet};

/// What rapid marking keeps beside the App's state.
#[derive(Debug, Default)]
pub(super) struct Marking {
    /// Selected rows (items, by the App's index), all of one indicator: `selection_of`.
    pub(super) selection: BTreeSet<usize>,
    pub(super) selection_of: usize,
    /// Items this reviewer put aside for later (by the App's index).
    pub(super) aside: HashSet<usize>,
    /// The filter in force beside the unreviewed-only one (`F`), if any.
    pub(super) filter: Option<Filter>,
    /// What the figures say of every item, read when a filter first needs it.
    pub(super) checks: Option<Checks>,
    /// The filter was chosen before `checks` were read: go to its first item once they are.
    pub(super) jump_pending: bool,
    /// Every item's own assessment by its county (自评结果), by the App's index; empty until
    /// read (and where no county gave one).
    pub(super) own: Vec<Option<Verdict>>,
    /// The counties' own assessments are to be read (at start, after an import).
    pub(super) own_unread: bool,
    /// The item a verdict was last given on (for `E`).
    pub(super) last_marked: Option<Cursor>,
    /// The editor opened by `!` `@` `#` on this item: once its note is saved, on to the next.
    pub(super) advance_after_note: Option<Cursor>,
    /// How far the detail pane is scrolled, for the item it was scrolled on.
    pub(super) detail_scroll: (Cursor, usize),
    /// How far it can scroll, and a page of it (from the window, as last drawn).
    pub(super) detail_size: (usize, usize),
    /// The detail pane fills the window (`D`).
    pub(super) detail_whole: bool,
    /// Selected items left alone (a colleague's verdicts), said again when the batch is
    /// written.
    pub(super) skipped: Option<String>,
}

impl Marking {
    pub(super) fn new(aside: HashSet<usize>) -> Marking {
        Marking {
            aside,
            own_unread: true,
            ..Marking::default()
        }
    }
}

impl App {
    /// The keys of rapid marking while browsing, and 1/2/3/0/Enter while rows are selected:
    /// the effects, or `None` for an action this part does not take.
    pub(super) fn browse_marking(&mut self, action: Action) -> Option<Vec<Effect>> {
        use Action::*;
        // A Browse key means the editor is closed: a note saved from now on is no longer the
        // one `!` `@` `#` opened.
        self.marking.advance_after_note = None;
        if self.marking.selection_of != self.cursor.indicator {
            // The selection is of the rows on screen: another indicator's table has none.
            self.marking.selection.clear();
        }
        let selecting = !self.marking.selection.is_empty();
        let writes = matches!(
            action,
            MarkAndNote(_) | NotePrevious | ToggleAside | ToggleSelect
        ) || (selecting && matches!(action, Mark(_) | AcceptSuggestion | Clear));
        if writes && !self.may_write() {
            self.refuse_write();
            return Some(Vec::new());
        }
        let effects = match action {
            MarkAndNote(v) => self.mark_then_note(v),
            NotePrevious => {
                self.note_previous();
                Vec::new()
            }
            ToggleAside => self.toggle_aside(),
            ToggleSelect => {
                self.toggle_select();
                Vec::new()
            }
            ClearSelection => {
                self.clear_selection();
                Vec::new()
            }
            Mark(v) if selecting => self.mark_selected(Some(v)),
            Clear if selecting => self.mark_selected(None),
            AcceptSuggestion if selecting => self.accept_selected(),
            OpenFilters => {
                self.open_filters();
                Vec::new()
            }
            ToggleFilter => {
                // `f` is the unreviewed-only filter: any other goes, and `f` turns it on.
                if self.marking.filter.take().is_some() {
                    self.only_unreviewed = false;
                }
                return None;
            }
            DetailDown => self.scroll_detail(1, true),
            DetailUp => self.scroll_detail(1, false),
            DetailPageDown => self.scroll_detail(self.marking.detail_size.1.max(1), true),
            DetailPageUp => self.scroll_detail(self.marking.detail_size.1.max(1), false),
            ToggleDetailWhole => {
                self.marking.detail_whole = !self.marking.detail_whole;
                Vec::new()
            }
            _ => return None,
        };
        Some(effects)
    }

    /// `!` `@` `#`: the verdict, then (once saved) the note editor on the same item.
    fn mark_then_note(&mut self, verdict: Verdict) -> Vec<Effect> {
        let mut effects = self.review_here(Some(verdict), Why::MarkThenNote);
        if !effects.is_empty() {
            effects.extend(self.settle_aside(self.cursor));
        }
        effects
    }

    /// A verdict given with `!` `@` `#` is saved: the editor opens on its item, and saving
    /// the note moves on.
    pub(super) fn marked_then_note(&mut self, at: Cursor) {
        self.cursor = at;
        self.open_editor_at(at);
        self.marking.advance_after_note = Some(at);
    }

    /// A note was saved: if `!` `@` `#` opened its editor, on to the next item now.
    pub(super) fn note_saved_after_mark(&mut self, at: Cursor) {
        if self.marking.advance_after_note.take() == Some(at) {
            self.cursor = at;
            self.advance();
        }
    }

    /// `E`: the note of the item a verdict was last given on, the cursor left where it is.
    fn note_previous(&mut self) {
        match self.marking.last_marked {
            Some(at) => {
                let resumed = self.draft(at).is_some();
                self.open_editor_at(at);
                if resumed {
                    self.inform(self.strings.draft_resumed);
                }
            }
            None => self.inform(self.strings.marking.nothing_marked_yet),
        }
    }

    /// How far the detail pane is scrolled (0 when the cursor has moved since it was).
    pub fn detail_scroll(&self) -> usize {
        let (at, scroll) = self.marking.detail_scroll;
        if at == self.cursor {
            scroll.min(self.marking.detail_size.0)
        } else {
            0
        }
    }

    /// How far the detail pane can scroll and how many lines a page of it is, as the window
    /// last showed it (the run loop measures it before each frame).
    pub fn set_detail_size(&mut self, most: usize, page: usize) {
        self.marking.detail_size = (most, page);
    }

    /// Whether the detail pane fills the window (`D`).
    pub fn detail_whole(&self) -> bool {
        self.marking.detail_whole
    }

    fn scroll_detail(&mut self, by: usize, down: bool) -> Vec<Effect> {
        let now = self.detail_scroll();
        let most = self.marking.detail_size.0;
        let to = if down {
            (now + by).min(most)
        } else {
            now.saturating_sub(by)
        };
        self.marking.detail_scroll = (self.cursor, to);
        Vec::new()
    }

    /// Whether the item is among the rows selected.
    pub fn is_selected(&self, at: Cursor) -> bool {
        at.indicator == self.marking.selection_of
            && self.marking.selection.contains(&self.index(at))
    }

    /// How many rows are selected.
    pub fn selected_count(&self) -> usize {
        if self.marking.selection_of == self.cursor.indicator {
            self.marking.selection.len()
        } else {
            0
        }
    }

    /// The selected items, in the table's order.
    pub(super) fn selected_items(&self) -> Vec<Cursor> {
        if self.marking.selection_of != self.cursor.indicator {
            return Vec::new();
        }
        self.marking
            .selection
            .iter()
            .map(|&k| self.cursor_of(k))
            .collect()
    }

    /// The filter menu, while open: its selected row.
    pub fn filter_menu(&self) -> Option<usize> {
        self.overlay.filters()
    }

    /// The filter in force beside the unreviewed-only one, if any.
    pub fn filter(&self) -> Option<Filter> {
        self.marking.filter
    }
}
