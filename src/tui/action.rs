//! Everything a reviewer can do in the workspace, declared once: each action with the name a
//! config file gives it and the words the hint line and the help overlay show for it, in
//! Chinese and English. The enum, `all`, `name`, `from_name` and `wording` are generated from
//! that one list (as helix's `static_commands!` is), so they cannot drift apart. Keys map to
//! these in keymap.rs.

use crate::model::Verdict;

/// What people call an action: (a short label for the hint line, a full description for the
/// help overlay).
pub type Words = (&'static str, &'static str);

/// An action's words in each language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wording {
    pub zh: Words,
    pub en: Words,
}

/// Declares the actions. An entry is one of
/// - `Variant => "name", zh words, en words;`
/// - `Variant(Type) { value => "name", zh words, en words; … }`: a name and words for each
///   value, every value listed (the compiler's check of `wording` makes sure);
/// - `Variant(Type) [range] => "prefix" + n, zh words, en words;`: a name for each number in
///   the range, the same words for all.
macro_rules! actions {
    // One entry's actions, by its form (for `all`).
    (@each $variant:ident => $name:literal) => {
        [Action::$variant]
    };
    (@each $variant:ident { $($value:path),+ }) => {
        [$( Action::$variant($value) ),+]
    };
    (@each $variant:ident [$range:expr]) => {
        ($range).map(Action::$variant)
    };
    ($(
        $(#[$attr:meta])*
        $variant:ident
        $( => $name:literal, $zh:expr, $en:expr; )?
        $( ($param:ty)
            $( { $( $value:path => $value_name:literal, $value_zh:expr, $value_en:expr; )+ } )?
            $( [$range:expr] => $prefix:literal + n, $range_zh:expr, $range_en:expr; )?
        )?
    )*) => {
        /// Everything a reviewer can do in the workspace.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $( $(#[$attr])* $variant $( ($param) )?, )*
        }

        impl Action {
            /// Every action, in the list's order: for the config file's names and the help.
            pub fn all() -> Vec<Action> {
                let mut all = Vec::new();
                $(
                    all.extend(actions!(@each $variant
                        $( => $name )?
                        $( $( { $($value),+ } )? $( [$range] )? )?
                    ));
                )*
                all
            }

            /// The name a config file uses: `next_county`, `mark_met`, `standard_note_3` …
            pub fn name(self) -> String {
                match self {
                    $(
                        $( Action::$variant => $name.to_string(), )?
                        $(
                            $( $( Action::$variant($value) => $value_name.to_string(), )+ )?
                            $( Action::$variant(n) => format!("{}{n}", $prefix), )?
                        )?
                    )*
                }
            }

            /// What the hint line and the help overlay call it.
            pub fn wording(self) -> Wording {
                match self {
                    $(
                        $( Action::$variant => Wording { zh: $zh, en: $en }, )?
                        $(
                            $( $(
                                Action::$variant($value) => Wording {
                                    zh: $value_zh,
                                    en: $value_en,
                                },
                            )+ )?
                            $( Action::$variant(_) => Wording { zh: $range_zh, en: $range_en }, )?
                        )?
                    )*
                }
            }
        }
    };
}

actions! {
    // Browsing and marking.
    NextCounty => "next_county", ("下一县", "下一个县"), ("county", "next county");
    PrevCounty => "prev_county", ("上一县", "上一个县"), ("county", "previous county");
    NextIndicator => "next_indicator", ("指标", "下一个指标"), ("indicator", "next indicator");
    PrevIndicator => "prev_indicator",
        ("上一指标", "上一个指标"), ("indicator", "previous indicator");
    NextTarget => "next_target", ("目标", "下一个目标"), ("target", "next target");
    PrevTarget => "prev_target", ("上一目标", "上一个目标"), ("target", "previous target");
    First => "first", ("首县", "第一个县"), ("first", "first county");
    Last => "last", ("末县", "最后一个县"), ("last", "last county");
    NextUnreviewed => "next_unreviewed",
        ("下一未评", "下一个未评定项目"), ("next", "next unreviewed item");
    Mark(Verdict) {
        Verdict::Met => "mark_met",
            ("完成", "评为完成，并前进"), ("met", "mark met and move on");
        Verdict::PartlyMet => "mark_partly_met",
            ("基本完成", "评为基本完成，并前进"), ("partly", "mark partly met and move on");
        Verdict::NotMet => "mark_not_met",
            ("未完成", "评为未完成，并前进"), ("not met", "mark not met and move on");
    }
    /// Mark what the figure suggests (met when it meets the threshold, not met when short).
    AcceptSuggestion => "accept_suggestion",
        ("采纳建议", "按报送数对照采纳建议评定（达标→完成，未达标→未完成），并前进"),
        ("suggested", "mark what the figure suggests (meets → met, short → not met) and move on");
    Clear => "clear",
        ("清除", "清除评定（保留备注）"), ("clear", "clear the verdict (the note stays)");
    EditNote => "edit_note", ("备注", "编辑备注"), ("note", "edit the note");
    Undo => "undo",
        ("撤销", "撤销我的上一次修改（记入日志）"), ("undo", "undo your last change (logged)");
    Redo => "redo", ("重做", "重做撤销的修改"), ("redo", "redo what was undone");
    ToggleFilter => "toggle_filter",
        ("筛选", "只显示未评定 / 显示全部"), ("filter", "unreviewed only / all");
    ToggleFlow => "toggle_flow",
        ("按县/按指标", "切换：逐县评同一指标 / 逐项评同一县"),
        ("flow", "switch: one indicator across counties / one county across indicators");
    NextPane => "next_pane",
        ("切换栏", "窄窗口中切换显示的栏"), ("pane", "next pane (narrow windows)");
    Help => "help", ("帮助", "显示全部快捷键"), ("help", "show every key");
    Quit => "quit", ("退出", "退出（一切已保存）"), ("quit", "quit (everything is saved)");
    // The note editor.
    SaveNote => "save_note", ("保存", "保存备注"), ("save", "save the note");
    NewLine => "new_line", ("换行", "换行"), ("new line", "new line");
    CloseEditor => "close_editor",
        ("关闭", "关闭编辑（有改动时先询问）"), ("close", "close (asks first if changed)");
    CaretLeft => "caret_left", ("左移", "光标左移"), ("left", "caret left");
    CaretRight => "caret_right", ("右移", "光标右移"), ("right", "caret right");
    CaretUp => "caret_up", ("上移", "光标上移一行"), ("up", "caret up a line");
    CaretDown => "caret_down", ("下移", "光标下移一行"), ("down", "caret down a line");
    LineStart => "line_start", ("行首", "到行首"), ("home", "start of line");
    LineEnd => "line_end", ("行尾", "到行尾"), ("end", "end of line");
    DeleteBack => "delete_back",
        ("删除", "删除光标前的字"), ("delete", "delete before the caret");
    DeleteForward => "delete_forward",
        ("后删", "删除光标后的字"), ("delete", "delete after the caret");
    // Leaving the editor with changes.
    DiscardNote => "discard_note",
        ("放弃", "放弃改动，恢复原备注"), ("throw away", "throw the changes away");
    KeepEditing => "keep_editing", ("继续编辑", "回到编辑"), ("keep editing", "back to editing");
    // The help overlay.
    ScrollDown => "scroll_down", ("下翻", "向下滚动"), ("down", "scroll down");
    ScrollUp => "scroll_up", ("上翻", "向上滚动"), ("up", "scroll up");
    CloseHelp => "close_help", ("关闭", "关闭帮助"), ("close", "close help");
    // Search.
    Search => "search",
        ("查找", "查找目标、指标、县和备注（支持拼音首字母）"),
        ("find", "find targets, indicators, counties, notes (pinyin initials too)");
    SearchNext => "search_next", ("下一个", "下一个结果"), ("next", "next result");
    SearchPrev => "search_prev", ("上一个", "上一个结果"), ("previous", "previous result");
    SearchJump => "search_jump", ("跳转", "跳到所选结果"), ("go", "go to the result");
    SearchClose => "search_close",
        ("返回", "关闭查找，回到原处"), ("back", "close, back where you were");
    // The selected item's history.
    History => "history",
        ("历史", "所选项目的全部修改记录"), ("history", "every change of the selected item");
    CloseHistory => "close_history", ("关闭", "关闭历史"), ("close", "close the history");
    // My verdict met another's newer one.
    KeepMine => "keep_mine",
        ("保留我的", "保留我的评定（覆盖他人的）"), ("keep mine", "keep my verdict (over theirs)");
    TakeTheirs => "take_theirs",
        ("采用他的", "采用他人的评定"), ("take theirs", "take their verdict");
    // Own work and others' (owners.rs).
    ToggleOwn => "toggle_own",
        ("本人/全部", "只走本人的工作 / 全部工作（n、筛选和连续评定）"),
        ("own/all", "own work only / all the work (n, the filter and the flow)");
    // Marking a colleague's verdict or someone else's item: asked first.
    MarkAnyway => "mark_anyway",
        ("仍要评定", "仍要评定（改掉同事的评定，或评定他人的项目）"),
        ("mark it", "mark it anyway (over a colleague's verdict, or someone else's item)");
    LeaveIt => "leave_it",
        ("不评", "不评定，保留原样"), ("leave it", "leave it as it is");
    // The summary screen: scores, ranking, the heat map.
    OpenSummary => "summary",
        ("汇总", "汇总：各县得分、排名、各目标完成情况"),
        ("summary", "summary: scores, ranking, each target's progress");
    CloseSummary => "close_summary", ("返回", "关闭汇总"), ("back", "close the summary");
    SummaryJump => "summary_jump",
        ("去该县", "回到评定界面，定位到所选县"), ("go", "back to marking, at the selected county");
    PageDown => "page_down", ("下页", "向下翻一页"), ("page down", "one page down");
    PageUp => "page_up", ("上页", "向上翻一页"), ("page up", "one page up");
    // The help (and any page of text): its two ends.
    Top => "top", ("开头", "回到开头"), ("top", "back to the top");
    Bottom => "bottom", ("末尾", "翻到末尾"), ("bottom", "to the end");
    // The second review (复核).
    ToggleCheck => "check_mode",
        ("复核", "复核模式：逐项复核他人的初审 / 退出"),
        ("2nd review", "second review: go through others' first verdicts / leave");
    CheckConfirm => "check_confirm",
        ("同意", "复核：同意初审评定，并前进"), ("agree", "second review: agree, and move on");
    CheckChange(Verdict) {
        Verdict::Met => "check_change_met",
            ("改判完成", "复核：改判为完成（须写理由）"),
            ("→ met", "second review: change to met (needs a reason)");
        Verdict::PartlyMet => "check_change_partly_met",
            ("改判基本完成", "复核：改判为基本完成（须写理由）"),
            ("→ partly", "second review: change to partly met (needs a reason)");
        Verdict::NotMet => "check_change_not_met",
            ("改判未完成", "复核：改判为未完成（须写理由）"),
            ("→ not met", "second review: change to not met (needs a reason)");
    }
    NextToCheck => "next_to_check",
        ("下一待复核", "下一个待复核项目（初审在复核后又改过的在前）"),
        ("next", "next item to second-review (first verdicts changed since first)");
    SummaryPeople => "summary_people",
        ("按人", "汇总：各评审人、各目标的进度与复核一致率 / 返回排名"),
        ("by person", "summary: progress and agreement by reviewer and target / back");
    /// The bank of standard notes, in the note editor: insert note N (1–9).
    InsertStandardNote(u8) [1..=9] => "standard_note_" + n,
        ("常用备注", "插入常用备注（按编号）"), ("standard note", "insert a standard note (by number)");
    // Rapid marking: a verdict and its note in one motion, items put aside, several at once.
    MarkAndNote(Verdict) {
        Verdict::Met => "mark_met_note",
            ("完成+备注", "评为完成并在原处写备注（保存后前进）"),
            ("met+note", "mark met and write its note in place (on once saved)");
        Verdict::PartlyMet => "mark_partly_met_note",
            ("基本完成+备注", "评为基本完成并在原处写备注（保存后前进）"),
            ("partly+note", "mark partly met and write its note in place (on once saved)");
        Verdict::NotMet => "mark_not_met_note",
            ("未完成+备注", "评为未完成并在原处写备注（保存后前进）"),
            ("not met+note", "mark not met and write its note in place (on once saved)");
    }
    NotePrevious => "note_previous",
        ("补备注", "给刚评定的项目写备注（光标不动）"),
        ("last note", "write the note of the item just marked (the cursor stays)");
    ToggleAside => "put_aside",
        ("搁置", "搁置本项稍后再评 / 取消搁置（n 和评定流程跳过已搁置项）"),
        ("aside", "put the item aside for later / take it back (n and the flow skip it)");
    ToggleSelect => "select",
        ("选择", "选中 / 取消本行；选中后 1/2/3/0/Enter 一次评定全部，u 一次撤销"),
        ("select", "select / unselect the row; then 1/2/3/0/Enter mark all selected, u undoes them at once");
    ClearSelection => "clear_selection", ("取消选择", "取消全部选择"), ("unselect", "clear the selection");
    OpenFilters => "filters",
        ("筛选…", "筛选菜单：已搁置、评定与报送数相反、报送数存疑、缺备注、自评不一致、已退回"),
        ("filters…", "filters: put aside, verdict against the figure, doubtful figure, no note, own assessment differs, asked for more");
    DetailDown => "detail_down", ("详情下翻", "详情栏向下滚动一行"), ("detail ↓", "scroll the detail pane down a line");
    DetailUp => "detail_up", ("详情上翻", "详情栏向上滚动一行"), ("detail ↑", "scroll the detail pane up a line");
    DetailPageDown => "detail_page_down",
        ("详情下页", "详情栏向下翻一页"), ("detail page ↓", "scroll the detail pane down a page");
    DetailPageUp => "detail_page_up",
        ("详情上页", "详情栏向上翻一页"), ("detail page ↑", "scroll the detail pane up a page");
    ToggleDetailWhole => "detail_whole",
        ("详情全屏", "详情占满窗口 / 还原（仍可移动和评定）"),
        ("whole detail", "the detail pane fills the window / back (moving and marking still work)");
    // The filter menu.
    PickFilter(u8) [1..=8] => "filter_" + n,
        ("选择筛选", "按编号选择筛选"), ("filter", "choose a filter by its number");
    ChooseFilter => "choose_filter", ("选定", "采用所选的筛选"), ("choose", "use the selected filter");
    CloseFilters => "close_filters", ("返回", "关闭筛选菜单"), ("back", "close the filters");
    // The evidence (issue 18): its files in a viewer, and 退回补充.
    OpenEvidence => "evidence",
        ("佐证", "查看本项的佐证材料（PDF、Word、表格、文本、图片）"),
        ("evidence", "view the item's evidence files (PDF, Word, sheets, text, pictures)");
    AskForMore => "request",
        ("退回", "退回补充：请该县补充本项材料（须写理由）"),
        ("ask more", "ask the county for more material on the item (needs a reason)");
    NextFile => "next_file", ("下一文件", "本项的下一个佐证文件"), ("next file", "the item's next evidence file");
    PrevFile => "prev_file", ("上一文件", "本项的上一个佐证文件"), ("prev file", "the item's previous evidence file");
    FindInFile => "find_in_file",
        ("查找", "在文件内查找（n/N 下一个/上一个）"), ("find", "find in the file (n/N next/previous)");
    FindNext => "find_next", ("下一处", "文件内下一处"), ("next", "next place found in the file");
    FindPrev => "find_prev", ("上一处", "文件内上一处"), ("previous", "previous place found in the file");
    CloseViewer => "close_viewer", ("返回", "关闭佐证查看"), ("back", "close the evidence viewer");
    // Issue 17: the findings rule shapes read, entered in the note editor.
    CountCases => "count_cases",
        ("例数", "录入本项查实的例数（按例扣分或加分的指标）"),
        ("cases", "enter the cases counted (indicators scored per case)");
    ToggleVoid => "void",
        ("不计分", "认定本项不计分并写理由；清空理由保存即取消"),
        ("void", "void the item (不计分) with a reason; save it empty to take the void away");
    // Issue 17: the verified figure (核定值).
    Verify => "verify",
        ("核定值", "记录核定值（与报送值不同时）及核定说明；清空后保存即清除"),
        ("verified", "record the verified figure (where it differs from the county's) and why; save it empty to clear it");
    SaveVerified => "save_verified",
        ("保存", "保存核定值（改掉同事的核定值前先询问）"),
        ("save", "save the verified figure (asks first over a colleague's)");
    NextField => "next_field",
        ("切换", "在核定值和核定说明之间切换"), ("field", "between the figure and the reason");
}

impl Action {
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
    /// The filter menu (`F`).
    Filter,
    /// 复核 mode: browsing, where Enter and 1/2/3 are the second review's (any key it does not
    /// bind is browsing's).
    Check,
    /// Mark a colleague's verdict, or someone else's item, anyway?
    Ask,
    /// The evidence viewer: a file of the item, paged.
    Viewer,
    /// Typing what to find in the file shown.
    ViewerFind,
    /// The verified figure's editor (核定值).
    Verify,
}

impl Mode {
    /// Every mode, in the order the help lists them.
    pub const ALL: [Mode; 14] = [
        Mode::Browse,
        Mode::Search,
        Mode::Editor,
        Mode::Confirm,
        Mode::Verify,
        Mode::Check,
        Mode::Summary,
        Mode::History,
        Mode::Conflict,
        Mode::Ask,
        Mode::Filter,
        Mode::Viewer,
        Mode::ViewerFind,
        Mode::Help,
    ];
}
