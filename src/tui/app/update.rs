//! Input: a key or a paste becomes text or an [`Action`], and `update` hands the action to the
//! mode it came in — one function a mode, each handling the actions its keys give (any other
//! does nothing there). The help is the one action every mode takes: it opens over whatever
//! is up.

use super::effect::{Effect, Why, Write};
use super::mode::Overlay;
use super::{App, Flow, Level, NOTE_LIMIT, Pane, QUERY_LIMIT};
use crate::model::Verdict;
use crate::store::Expected;
use crate::tui::action::{Action, Mode};
use crate::tui::keymap::Key;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

impl App {
    /// A key press. Typing in the note editor is text; everything else goes through the keymap.
    pub fn key(&mut self, event: &KeyEvent) -> Vec<Effect> {
        if event.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let mode = self.mode();
        if let Some(action) = self.keymap.action(mode, event) {
            return self.update(action);
        }
        let types = Key::try_from(event).is_ok_and(|k| k.types_a_character());
        if let (
            true,
            Mode::Editor | Mode::Search | Mode::ViewerFind | Mode::Verify,
            KeyCode::Char(c),
        ) = (types, mode, event.code)
        {
            return self.type_text(&c.to_string());
        }
        Vec::new()
    }

    /// Pasted text (and what some input methods send as a paste) goes where text is typed: the
    /// note editor, the finder's query. Anywhere else it does nothing: a paste is never keys.
    /// What became of it is told when it ends ([`App::paste_ended`]).
    pub fn paste(&mut self, text: &str) -> Vec<Effect> {
        // Until it ends, the reviewer sees that a paste is coming in (a slow link takes a
        // while), and that what they type now is more of it.
        self.inform(self.strings.pasting);
        if !matches!(
            self.mode(),
            Mode::Editor | Mode::Search | Mode::ViewerFind | Mode::Verify
        ) {
            self.pasting.refused += text.chars().count();
            return Vec::new();
        }
        let (effects, typed, cut_at) = self.insert_text(text);
        self.pasting.typed += typed;
        self.pasting.cut_at = self.pasting.cut_at.or(cut_at);
        effects
    }

    /// Characters an input method committed at once: text where text is typed; anywhere else
    /// none of them is a key (`2023年` marks nothing).
    pub fn phrase(&mut self, text: &str) -> Vec<Effect> {
        if matches!(
            self.mode(),
            Mode::Editor | Mode::Search | Mode::ViewerFind | Mode::Verify
        ) {
            return self.type_text(text);
        }
        let text = self
            .strings
            .phrase_not_keys
            .replace("{n}", &text.chars().count().to_string())
            .replace("{key}", &self.edit_key());
        self.warn(Level::Warning, text);
        Vec::new()
    }

    /// The key that opens the note editor, for messages that send the reviewer there.
    fn edit_key(&self) -> String {
        self.keymap
            .first_key(Mode::Browse, Action::EditNote)
            .unwrap_or_default()
    }

    /// A paste ended (`cut` if it was longer than the reader keeps of one paste, `limit`
    /// bytes): where text is typed, how much went in, and whether some did not fit; anywhere
    /// else, that none of it was taken as keys.
    pub fn paste_ended(&mut self, cut: bool, limit: usize) {
        let p = std::mem::take(&mut self.pasting);
        let cut_at = p.cut_at.or(cut.then_some(limit));
        if p.refused > 0 {
            let text = self
                .strings
                .paste_not_keys
                .replace("{n}", &p.refused.to_string())
                .replace("{key}", &self.edit_key());
            self.warn(Level::Warning, text);
        } else if let Some(limit) = cut_at {
            let text = self
                .strings
                .paste_cut
                .replace("{limit}", &size(limit))
                .replace("{n}", &p.typed.to_string());
            self.warn(Level::Warning, text);
        } else {
            let text = self.strings.pasted.replace("{n}", &p.typed.to_string());
            self.inform(&text);
        }
    }

    /// Text typed into the finder's query or the note editor; a note that is full (or a query)
    /// takes no more, and says so.
    pub(super) fn type_text(&mut self, text: &str) -> Vec<Effect> {
        let (effects, _, cut_at) = self.insert_text(text);
        if let Some(limit) = cut_at {
            self.note_full(limit);
        }
        effects
    }

    /// A note or a query that holds as much as it may: nothing more was added.
    pub(super) fn note_full(&mut self, limit: usize) {
        let text = self.strings.note_full.replace("{limit}", &size(limit));
        self.warn(Level::Warning, text);
    }

    /// Inserts text where it is typed, within the bound there: the effects, how many
    /// characters went in, and the bound that left some out.
    fn insert_text(&mut self, text: &str) -> (Vec<Effect>, usize, Option<usize>) {
        let limit = match self.mode() {
            Mode::Search | Mode::ViewerFind => QUERY_LIMIT,
            _ => NOTE_LIMIT,
        };
        match self.mode() {
            Mode::ViewerFind => {
                let (n, all) = self.type_find(text);
                (Vec::new(), n, (!all).then_some(limit))
            }
            Mode::Search => {
                let Some(f) = self.overlay.finder_mut() else {
                    return (Vec::new(), 0, None);
                };
                // A query is one line.
                let (n, all) = f
                    .query
                    .insert_within(&text.replace(['\n', '\r'], " "), limit);
                self.find();
                (Vec::new(), n, (!all).then_some(limit))
            }
            Mode::Verify => {
                let (n, cut_at) = self.type_into_verify(text);
                (Vec::new(), n, cut_at)
            }
            Mode::Editor => {
                let Some(e) = self.overlay.editor_mut() else {
                    return (Vec::new(), 0, None);
                };
                let (n, all) = e.buffer.insert_within(text, limit);
                let effects = if n > 0 {
                    self.draft_changed()
                } else {
                    Vec::new()
                };
                (effects, n, (!all).then_some(limit))
            }
            _ => (Vec::new(), 0, None),
        }
    }

    /// An action, handled by the mode it came in: what the store must do for it.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        if self.is_empty() {
            if action == Action::Quit {
                self.quit = true;
            }
            return Vec::new();
        }
        let mode = self.mode();
        if matches!(mode, Mode::Browse | Mode::Check) {
            self.message = None;
        }
        if action == Action::Help {
            self.overlay.open_help();
            return Vec::new();
        }
        if self.refused_by_lock(mode, action) {
            return Vec::new();
        }
        match mode {
            Mode::Browse => self.browse(action),
            Mode::Check => match self.check_action(action) {
                Some(effects) => effects,
                None => self.browse(action),
            },
            Mode::Editor => self.edit(action),
            Mode::Verify => self.verify_key(action),
            Mode::Confirm if self.verify_editor().is_some() => self.confirm_verify(action),
            Mode::Confirm => self.confirm(action),
            Mode::Search => self.search(action),
            Mode::History => {
                self.read_history(action);
                Vec::new()
            }
            Mode::Summary => match self.people_action(action) {
                Some(effects) => effects,
                None => {
                    self.read_summary(action);
                    Vec::new()
                }
            },
            Mode::Conflict => self.answer_conflict(action),
            Mode::Ask if self.verify_editor().is_some() => self.answer_verify(action),
            Mode::Ask => self.answer_question(action),
            Mode::Help => {
                self.read_help(action);
                Vec::new()
            }
            Mode::Filter => {
                self.choose_filter(action);
                Vec::new()
            }
            Mode::Viewer => self.view_evidence(action),
            Mode::ViewerFind => {
                self.find_in_file(action);
                Vec::new()
            }
        }
    }

    /// The panes: moving, marking, and opening everything else.
    fn browse(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        // Rapid marking's keys, and 1/2/3/0/Enter while rows are selected (marking.rs).
        if let Some(effects) = self.browse_marking(action) {
            return effects;
        }
        // The findings rules read: `C` cases, `V` 不计分 (scoring.rs).
        if let Some(effects) = self.browse_scoring(action) {
            return effects;
        }
        if !self.may_write()
            && matches!(
                action,
                Mark(_) | AcceptSuggestion | Clear | EditNote | Undo | Redo | Verify
            )
        {
            self.refuse_write();
            return Vec::new();
        }
        // An undo takes back a change that is saved: not while later ones wait behind it.
        if matches!(action, Undo | Redo) && !self.pending.is_empty() {
            self.warn(Level::Warning, self.strings.undo_pending.to_string());
            return Vec::new();
        }
        if action == EditNote && self.note_pending_at(self.cursor) {
            self.warn(Level::Warning, self.strings.note_pending.to_string());
            return Vec::new();
        }
        match action {
            NextCounty => self.step_county(true),
            PrevCounty => self.step_county(false),
            NextIndicator => self.step_indicator(true),
            PrevIndicator => self.step_indicator(false),
            NextTarget => self.step_target(true),
            PrevTarget => self.step_target(false),
            First => self.step_to_end(false),
            Last => self.step_to_end(true),
            NextUnreviewed => self.step_to_next_unreviewed(),
            Mark(v) => return self.mark_here(v),
            AcceptSuggestion => match self.suggestion(self.cursor) {
                Some(v) => return self.mark_here(v),
                None => self.inform(self.strings.no_suggestion),
            },
            Clear => return self.review_here(None, Why::Clear),
            EditNote => {
                let resumed = self.draft(self.cursor).is_some();
                self.open_editor();
                if resumed {
                    self.inform(self.strings.draft_resumed);
                }
            }
            Undo => return self.undo(),
            Redo => return self.redo(),
            ToggleFilter => {
                self.only_unreviewed = !self.only_unreviewed;
                self.inform(if self.only_unreviewed {
                    self.strings.filter_on
                } else {
                    self.strings.filter_off
                });
            }
            ToggleOwn => self.toggle_own(),
            ToggleFlow => {
                self.flow = match self.flow {
                    Flow::ByIndicator => Flow::ByCounty,
                    Flow::ByCounty => Flow::ByIndicator,
                };
                self.inform(match self.flow {
                    Flow::ByIndicator => self.strings.flow_now_indicator,
                    Flow::ByCounty => self.strings.flow_now_county,
                });
            }
            NextPane => {
                self.pane = match self.pane {
                    Pane::Targets => Pane::Submissions,
                    Pane::Submissions => Pane::Detail,
                    Pane::Detail => Pane::Targets,
                };
            }
            // The notes are read again only if something changed since the last look.
            Search if self.notes_fresh => self.show_finder(),
            Search => return vec![Effect::LoadNotes],
            History => return vec![Effect::LoadHistory(self.cursor)],
            ToggleCheck => self.enter_check_mode(),
            OpenEvidence => return self.open_viewer(),
            AskForMore => return self.ask_for_more(),
            OpenSummary => {
                let summary = self.summarize(Some(self.cursor.county));
                self.overlay.open(Overlay::Summary(summary));
            }
            Quit => self.quit_asked(),
            Verify => self.open_verify(),
            _ => {}
        }
        Vec::new()
    }

    /// A verdict (`None` clears it) on the selected item, over the verdict on screen (or the
    /// one of mine waiting to be written there) only: another's newer verdict is asked about,
    /// and so is a colleague's on screen, or an item someone else owns (owners.rs).
    pub(super) fn review_here(&mut self, verdict: Option<Verdict>, why: Why) -> Vec<Effect> {
        self.mark_or_ask(Write {
            at: self.cursor,
            verdict: Some(verdict),
            note: None,
            why,
            expected: Expected {
                verdict: Some(self.verdict_expected(self.cursor)),
                note: None,
            },
        })
    }

    /// A verdict on the selected item (and, if it was put aside, off that list; once asked
    /// about, when the answer gives it).
    fn mark_here(&mut self, verdict: Verdict) -> Vec<Effect> {
        let mut effects = self.review_here(Some(verdict), Why::Mark);
        if !effects.is_empty() {
            effects.extend(self.settle_aside(self.cursor));
        }
        effects
    }

    /// The note editor: the caret, deleting, a line break, a standard note; save or leave.
    fn edit(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        let width = self.editor_width;
        if action == SaveNote && !self.may_write() {
            self.refuse_write();
            return Vec::new();
        }
        let Some(e) = self.overlay.editor_mut() else {
            return Vec::new();
        };
        let b = &mut e.buffer;
        match action {
            SaveNote => return self.save_note(),
            NewLine => return self.type_text("\n"),
            CloseEditor => return self.leave_editor(),
            CaretLeft => b.left(),
            CaretRight => b.right(),
            CaretUp => b.up(width),
            CaretDown => b.down(width),
            LineStart => b.line_start(),
            LineEnd => b.line_end(),
            DeleteBack => b.delete_back(),
            DeleteForward => b.delete_forward(),
            InsertStandardNote(n) => return self.insert_standard_note(n),
            _ => {}
        }
        if matches!(action, DeleteBack | DeleteForward) {
            return self.draft_changed();
        }
        Vec::new()
    }

    /// Leaving the editor with changes: save them, throw them away, or keep editing.
    fn confirm(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::SaveNote if !self.may_write() => {
                self.refuse_write();
                Vec::new()
            }
            Action::SaveNote => self.save_note(),
            Action::DiscardNote => self.discard_note(),
            Action::KeepEditing => {
                if let Some(e) = self.overlay.editor_mut() {
                    e.confirming = false;
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The finder: the query's caret and deleting (typing is text), the hits, jump or close.
    fn search(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        let Some(f) = self.overlay.finder_mut() else {
            return Vec::new();
        };
        match action {
            CaretLeft => f.query.left(),
            CaretRight => f.query.right(),
            DeleteBack => f.query.delete_back(),
            DeleteForward => f.query.delete_forward(),
            SearchNext => f.selected = (f.selected + 1).min(f.count.saturating_sub(1)),
            SearchPrev => f.selected = f.selected.saturating_sub(1),
            SearchJump => {
                if let Overlay::Finder(f) = self.overlay.close() {
                    self.finder_jump(&f);
                }
            }
            SearchClose => {
                self.overlay.close();
            }
            _ => {}
        }
        if matches!(action, DeleteBack | DeleteForward) {
            self.find();
        }
        Vec::new()
    }

    /// The item's history: scrolled, or closed.
    fn read_history(&mut self, action: Action) {
        let Some(h) = self.overlay.history_mut() else {
            return;
        };
        match action {
            Action::ScrollDown => h.scroll = (h.scroll + 1).min(h.events.len().saturating_sub(1)),
            Action::ScrollUp => h.scroll = h.scroll.saturating_sub(1),
            Action::CloseHistory => {
                self.overlay.close();
            }
            _ => {}
        }
    }

    /// The summary screen: a row, a page or an end at a time; Enter goes to the county.
    fn read_summary(&mut self, action: Action) {
        use Action::*;
        let page = self.page_rows.max(1);
        match action {
            ScrollDown | ScrollUp | PageDown | PageUp | First | Last => {
                if let Some(s) = self.overlay.summary_mut() {
                    s.select(action, page);
                }
            }
            SummaryJump => {
                if let Overlay::Summary(s) = self.overlay.close() {
                    self.summary_jump(&s);
                }
            }
            CloseSummary => {
                self.overlay.close();
            }
            _ => {}
        }
    }

    /// My verdict met another's newer one: keep mine (written over theirs, knowingly) or take
    /// theirs (nothing written).
    fn answer_conflict(&mut self, action: Action) -> Vec<Effect> {
        if !matches!(action, Action::KeepMine | Action::TakeTheirs) {
            return Vec::new();
        }
        let Some(c) = self.overlay.lift() else {
            return Vec::new();
        };
        if action == Action::KeepMine {
            let mut write = c.mine;
            write.expected = Expected {
                verdict: Some(c.theirs),
                note: None,
            };
            return vec![Effect::Review(write)];
        }
        let text = format!(
            "{}{}{}",
            self.strings.took_theirs,
            self.strings.colon,
            self.describe(c.mine.at, c.theirs)
        );
        self.inform(&text);
        Vec::new()
    }

    /// The help: scrolled by a line or a page, to either end, or closed (back to what it
    /// was opened over).
    fn read_help(&mut self, action: Action) {
        // No further than its last page.
        let page = self.help_rows.max(1);
        let most = self.help_len().saturating_sub(page);
        if action == Action::CloseHelp {
            self.overlay.lift();
            return;
        }
        let Some(scroll) = self.overlay.help_mut() else {
            return;
        };
        *scroll = match action {
            Action::ScrollDown => *scroll + 1,
            Action::ScrollUp => scroll.saturating_sub(1),
            Action::PageDown => *scroll + page,
            Action::PageUp => scroll.saturating_sub(page),
            Action::Top => 0,
            Action::Bottom => most,
            _ => *scroll,
        }
        .min(most);
    }

    /// The lines of the help: a heading for each mode and its bindings, a blank line between
    /// modes, then a blank line, the legend's title and its symbols (as view/help.rs draws it).
    pub fn help_len(&self) -> usize {
        let modes = Mode::ALL.len();
        let bound = Mode::ALL
            .iter()
            .map(|m| self.keymap.of(*m).count())
            .sum::<usize>();
        modes + modes.saturating_sub(1) + bound + 2 + self.strings.marking.legend.len()
    }
}

/// A bound as people read it: `64 KiB`, `256 B`.
fn size(bytes: usize) -> String {
    if bytes >= 1024 && bytes % 1024 == 0 {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} B")
    }
}
