//! The keys a reviewer starts with: the default key table and the hint line's groups of it.
//! Every action has a plain key that every terminal sends (PuTTY, Xshell, SecureCRT, Windows
//! Terminal …): no Ctrl-Enter or Shift-Enter, which many cannot tell from Enter.

use super::key::{Key, KeyCode, alt, code, ctrl, plain};
use crate::model::Verdict;
use crate::tui::action::{Action, Mode};

use Action::*;
use Mode::{
    Ask as AskMode, Browse, Confirm, Conflict as ConflictMode, Editor, Help as HelpMode,
    History as HistoryMode, Search as SearchMode, Summary as SummaryMode,
};

/// The default keys: (mode, keys, action, shown in the hint line).
#[rustfmt::skip]
pub(super) const DEFAULTS: &[(Mode, &[Key], Action, bool)] = &[
    (Browse, &[plain('j'), code(KeyCode::Down)], NextCounty, true),
    (Browse, &[plain('k'), code(KeyCode::Up)], PrevCounty, false),
    (Browse, &[plain('l'), code(KeyCode::Right)], NextIndicator, true),
    (Browse, &[plain('h'), code(KeyCode::Left)], PrevIndicator, false),
    // With a Chinese input method on, ] [ ? arrive as 】【？.
    (Browse, &[plain(']'), plain('】')], NextTarget, false),
    (Browse, &[plain('['), plain('【')], PrevTarget, false),
    (Browse, &[plain('g'), code(KeyCode::Home)], First, false),
    (Browse, &[plain('G'), code(KeyCode::End)], Last, false),
    (Browse, &[plain('n')], NextUnreviewed, true),
    (Browse, &[plain('1')], Mark(Verdict::Met), true),
    (Browse, &[plain('2')], Mark(Verdict::PartlyMet), true),
    (Browse, &[plain('3')], Mark(Verdict::NotMet), true),
    (Browse, &[code(KeyCode::Enter)], AcceptSuggestion, false),
    (Browse, &[plain('0')], Clear, true),
    (Browse, &[plain('e')], EditNote, true),
    (Browse, &[plain('u')], Undo, true),
    (Browse, &[ctrl('r')], Redo, false),
    (Browse, &[plain('f')], ToggleFilter, false),
    (Browse, &[plain('m')], ToggleFlow, false),
    (Browse, &[plain('o')], ToggleOwn, false),
    (Browse, &[plain('/'), plain('、')], Search, true),
    (Browse, &[plain('H')], History, false),
    (Browse, &[plain('s')], OpenSummary, true),
    (Browse, &[code(KeyCode::Tab)], NextPane, false),
    (Browse, &[plain('?'), plain('？')], Help, true),
    (Browse, &[plain('q'), ctrl('c')], Quit, true),
    (Editor, &[code(KeyCode::Enter)], SaveNote, true),
    (Editor, &[alt(KeyCode::Enter), ctrl('j')], NewLine, true),
    (Editor, &[code(KeyCode::Esc), ctrl('c')], CloseEditor, true),
    (Editor, &[code(KeyCode::Left), ctrl('b')], CaretLeft, false),
    (Editor, &[code(KeyCode::Right), ctrl('f')], CaretRight, false),
    (Editor, &[code(KeyCode::Up), ctrl('p')], CaretUp, false),
    (Editor, &[code(KeyCode::Down), ctrl('n')], CaretDown, false),
    (Editor, &[code(KeyCode::Home), ctrl('a')], LineStart, false),
    (Editor, &[code(KeyCode::End), ctrl('e')], LineEnd, false),
    (Editor, &[code(KeyCode::Backspace), ctrl('h')], DeleteBack, false),
    (Editor, &[code(KeyCode::Delete), ctrl('d')], DeleteForward, false),
    (Editor, &[alt(KeyCode::Char('1'))], InsertStandardNote(1), false),
    (Editor, &[alt(KeyCode::Char('2'))], InsertStandardNote(2), false),
    (Editor, &[alt(KeyCode::Char('3'))], InsertStandardNote(3), false),
    (Editor, &[alt(KeyCode::Char('4'))], InsertStandardNote(4), false),
    (Editor, &[alt(KeyCode::Char('5'))], InsertStandardNote(5), false),
    (Editor, &[alt(KeyCode::Char('6'))], InsertStandardNote(6), false),
    (Editor, &[alt(KeyCode::Char('7'))], InsertStandardNote(7), false),
    (Editor, &[alt(KeyCode::Char('8'))], InsertStandardNote(8), false),
    (Editor, &[alt(KeyCode::Char('9'))], InsertStandardNote(9), false),
    (Confirm, &[code(KeyCode::Enter)], SaveNote, true),
    (Confirm, &[plain('d')], DiscardNote, true),
    (Confirm, &[code(KeyCode::Esc)], KeepEditing, true),
    (SearchMode, &[code(KeyCode::Enter)], SearchJump, true),
    (SearchMode, &[code(KeyCode::Down), ctrl('n')], SearchNext, true),
    (SearchMode, &[code(KeyCode::Up), ctrl('p')], SearchPrev, false),
    (SearchMode, &[code(KeyCode::Esc), ctrl('c')], SearchClose, true),
    (SearchMode, &[code(KeyCode::Backspace), ctrl('h')], DeleteBack, false),
    (SearchMode, &[code(KeyCode::Left), ctrl('b')], CaretLeft, false),
    (SearchMode, &[code(KeyCode::Right), ctrl('f')], CaretRight, false),
    // Keys that mean nothing while browsing: a key typed on before the prompt showed must
    // not answer it.
    (ConflictMode, &[plain('y')], KeepMine, true),
    (ConflictMode, &[plain('t'), code(KeyCode::Esc)], TakeTheirs, true),
    (AskMode, &[plain('y')], MarkAnyway, true),
    (AskMode, &[plain('n'), code(KeyCode::Esc)], LeaveIt, true),
    (HistoryMode, &[plain('j'), code(KeyCode::Down)], ScrollDown, true),
    (HistoryMode, &[plain('k'), code(KeyCode::Up)], ScrollUp, true),
    (HistoryMode, &[code(KeyCode::Esc), plain('H'), plain('q')], CloseHistory, true),
    (SummaryMode, &[plain('j'), code(KeyCode::Down)], ScrollDown, true),
    (SummaryMode, &[plain('k'), code(KeyCode::Up)], ScrollUp, false),
    (SummaryMode, &[code(KeyCode::PageDown), plain(' ')], PageDown, false),
    (SummaryMode, &[code(KeyCode::PageUp)], PageUp, false),
    (SummaryMode, &[plain('g'), code(KeyCode::Home)], First, false),
    (SummaryMode, &[plain('G'), code(KeyCode::End)], Last, false),
    (SummaryMode, &[code(KeyCode::Enter)], SummaryJump, true),
    (SummaryMode, &[code(KeyCode::Esc), plain('s'), plain('q')], CloseSummary, true),
    (SummaryMode, &[plain('?'), plain('？')], Help, false),
    (HelpMode, &[plain('j'), code(KeyCode::Down)], ScrollDown, true),
    (HelpMode, &[plain('k'), code(KeyCode::Up)], ScrollUp, true),
    (HelpMode, &[code(KeyCode::Esc), plain('?'), plain('？'), plain('q')], CloseHelp, true),
];

/// The hint line while browsing: groups of actions shown as one entry (`j/k 县`), their keys
/// taken from the keymap. Help and quit come last and are never crowded out.
pub const BROWSE_HINTS: &[&[Action]] = &[
    &[NextCounty, PrevCounty],
    &[NextIndicator, PrevIndicator],
    &[
        Mark(Verdict::Met),
        Mark(Verdict::PartlyMet),
        Mark(Verdict::NotMet),
    ],
    &[Clear],
    &[EditNote],
    &[NextUnreviewed],
    &[Undo],
    &[Search],
    &[ToggleFilter],
    &[ToggleFlow],
    &[OpenSummary],
    // Only while the window is narrow (one pane at a time).
    &[NextPane],
    &[Help],
    &[Quit],
];
