//! Everything a reviewer can do in the workspace, by name. Keys map to these (keymap.rs).

use crate::model::Verdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    // Browsing and marking.
    NextCounty,
    PrevCounty,
    NextIndicator,
    PrevIndicator,
    NextTarget,
    PrevTarget,
    First,
    Last,
    NextUnreviewed,
    Mark(Verdict),
    /// Mark what the figure suggests (met when it meets the threshold, not met when short).
    AcceptSuggestion,
    Clear,
    EditNote,
    Undo,
    Redo,
    ToggleFilter,
    ToggleFlow,
    NextPane,
    Help,
    Quit,
    // The note editor.
    SaveNote,
    NewLine,
    CloseEditor,
    CaretLeft,
    CaretRight,
    CaretUp,
    CaretDown,
    LineStart,
    LineEnd,
    DeleteBack,
    DeleteForward,
    // Leaving the editor with changes.
    DiscardNote,
    KeepEditing,
    // The help overlay.
    ScrollDown,
    ScrollUp,
    CloseHelp,
    // Search.
    Search,
    SearchNext,
    SearchPrev,
    SearchJump,
    SearchClose,
    // The selected item's history.
    History,
    CloseHistory,
    // My verdict met another's newer one.
    KeepMine,
    TakeTheirs,
    // The summary screen: scores, ranking, the heat map.
    OpenSummary,
    CloseSummary,
    SummaryJump,
    PageDown,
    PageUp,
    // The bank of standard notes, in the note editor: insert note N (1–9).
    InsertStandardNote(u8),
}

impl Action {
    /// Every action, for the config file's names and the help.
    pub fn all() -> Vec<Action> {
        use Action::*;
        let mut all = vec![
            NextCounty,
            PrevCounty,
            NextIndicator,
            PrevIndicator,
            NextTarget,
            PrevTarget,
            First,
            Last,
            NextUnreviewed,
            Mark(Verdict::Met),
            Mark(Verdict::PartlyMet),
            Mark(Verdict::NotMet),
            AcceptSuggestion,
            Clear,
            EditNote,
            Undo,
            Redo,
            ToggleFilter,
            ToggleFlow,
            NextPane,
            Help,
            Quit,
            SaveNote,
            NewLine,
            CloseEditor,
            CaretLeft,
            CaretRight,
            CaretUp,
            CaretDown,
            LineStart,
            LineEnd,
            DeleteBack,
            DeleteForward,
            DiscardNote,
            KeepEditing,
            ScrollDown,
            ScrollUp,
            CloseHelp,
            Search,
            SearchNext,
            SearchPrev,
            SearchJump,
            SearchClose,
            History,
            CloseHistory,
            KeepMine,
            TakeTheirs,
            OpenSummary,
            CloseSummary,
            SummaryJump,
            PageDown,
            PageUp,
        ];
        all.extend((1..=9).map(InsertStandardNote));
        all
    }

    /// The name a config file uses: `next_county`, `mark_met`, `standard_note_3` …
    pub fn name(self) -> String {
        use Action::*;
        let name = match self {
            NextCounty => "next_county",
            PrevCounty => "prev_county",
            NextIndicator => "next_indicator",
            PrevIndicator => "prev_indicator",
            NextTarget => "next_target",
            PrevTarget => "prev_target",
            First => "first",
            Last => "last",
            NextUnreviewed => "next_unreviewed",
            Mark(Verdict::Met) => "mark_met",
            Mark(Verdict::PartlyMet) => "mark_partly_met",
            Mark(Verdict::NotMet) => "mark_not_met",
            AcceptSuggestion => "accept_suggestion",
            Clear => "clear",
            EditNote => "edit_note",
            Undo => "undo",
            Redo => "redo",
            ToggleFilter => "toggle_filter",
            ToggleFlow => "toggle_flow",
            NextPane => "next_pane",
            Help => "help",
            Quit => "quit",
            SaveNote => "save_note",
            NewLine => "new_line",
            CloseEditor => "close_editor",
            CaretLeft => "caret_left",
            CaretRight => "caret_right",
            CaretUp => "caret_up",
            CaretDown => "caret_down",
            LineStart => "line_start",
            LineEnd => "line_end",
            DeleteBack => "delete_back",
            DeleteForward => "delete_forward",
            DiscardNote => "discard_note",
            KeepEditing => "keep_editing",
            ScrollDown => "scroll_down",
            ScrollUp => "scroll_up",
            CloseHelp => "close_help",
            Search => "search",
            SearchNext => "search_next",
            SearchPrev => "search_prev",
            SearchJump => "search_jump",
            SearchClose => "search_close",
            History => "history",
            CloseHistory => "close_history",
            KeepMine => "keep_mine",
            TakeTheirs => "take_theirs",
            OpenSummary => "summary",
            CloseSummary => "close_summary",
            SummaryJump => "summary_jump",
            PageDown => "page_down",
            PageUp => "page_up",
            InsertStandardNote(n) => return format!("standard_note_{n}"),
        };
        name.to_string()
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::all().into_iter().find(|a| a.name() == name)
    }
}

/// Which keys are live: each mode has its own part of the keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Browse,
    Editor,
    Confirm,
    Help,
    Search,
    History,
    Conflict,
    Summary,
}
