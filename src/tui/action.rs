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
}

/// Which keys are live: each mode has its own part of the keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Browse,
    Editor,
    Confirm,
    Help,
}
