//! Every word the workspace shows, in Chinese (the default) and English (`--lang en`).

use super::action::{Action, Mode};
use crate::model::Verdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// 中文
    #[default]
    Zh,
    /// English
    En,
}

pub struct Strings {
    pub lang: Lang,
    pub reviewer: &'static str,
    pub progress: &'static str,
    pub targets: &'static str,
    pub submissions: &'static str,
    pub detail: &'static str,
    pub county: &'static str,
    pub figure: &'static str,
    pub against: &'static str,
    pub verdict: &'static str,
    pub by: &'static str,
    pub note: &'static str,
    pub requirement: &'static str,
    pub indicator: &'static str,
    pub evidence: &'static str,
    pub remark: &'static str,
    pub draft: &'static str,
    pub not_submitted: &'static str,
    pub unreviewed: &'static str,
    pub meets: &'static str,
    pub summary_title: &'static str,
    pub max_score: &'static str,
    pub unreviewed_scores_nothing: &'static str,
    pub rank: &'static str,
    pub score: &'static str,
    pub reviewed: &'static str,
    pub target_progress: &'static str,
    pub changed_since_review: &'static str,
    pub stale_count: &'static str,
    pub vetoed: &'static str,
    pub attention: &'static str,
    pub more_targets: &'static str,
    pub confirmed: &'static str,
    pub in_band: &'static str,
    pub falls_short: &'static str,
    pub unclear: &'static str,
    pub yes_no: &'static str,
    pub qualitative: &'static str,
    pub by_indicator: &'static str,
    pub by_county: &'static str,
    pub only_unreviewed: &'static str,
    pub saved: &'static str,
    pub cleared: &'static str,
    pub note_saved: &'static str,
    pub undone: &'static str,
    pub redone: &'static str,
    pub nothing_to_undo: &'static str,
    pub nothing_to_redo: &'static str,
    pub all_reviewed: &'static str,
    pub draft_restored: &'static str,
    pub draft_resumed: &'static str,
    pub draft_discarded: &'static str,
    pub draft_not_kept: &'static str,
    pub save_failed: &'static str,
    pub too_small: &'static str,
    pub editor_title: &'static str,
    pub confirm: &'static str,
    pub help_title: &'static str,
    pub help_footer: &'static str,
    pub flow_now_indicator: &'static str,
    pub flow_now_county: &'static str,
    pub filter_on: &'static str,
    pub filter_off: &'static str,
    pub none: &'static str,
    pub more: &'static str,
    pub changed_underneath: &'static str,
    pub note_changed_underneath: &'static str,
    pub no_suggestion: &'static str,
    pub read_failed: &'static str,
    pub suggested: &'static str,
    pub contradicts: &'static str,
    pub search_title: &'static str,
    pub no_hits: &'static str,
    pub hits: &'static str,
    pub kind_target: &'static str,
    pub kind_indicator: &'static str,
    pub kind_county: &'static str,
    pub kind_note: &'static str,
    pub standard_notes: &'static str,
    pub history_title: &'static str,
    pub changed_it: &'static str,
    pub yours_too: &'static str,
    pub took_theirs: &'static str,
    pub conflict: &'static str,
    pub online: &'static str,
    pub looking: &'static str,
    pub writing: &'static str,
    pub no_history: &'static str,
    pub source: &'static str,
    /// After a label: "：" in Chinese, ": " in English.
    pub colon: &'static str,
}

pub const ZH: Strings = Strings {
    lang: Lang::Zh,
    reviewer: "评审人",
    progress: "已评",
    targets: "目标",
    submissions: "各县报送",
    detail: "详情",
    county: "县市区",
    figure: "报送",
    against: "对照",
    verdict: "评定",
    by: "评定人",
    note: "备注",
    requirement: "要求",
    indicator: "指标",
    evidence: "佐证",
    remark: "说明",
    draft: "草稿",
    not_submitted: "未报送",
    unreviewed: "未评定",
    meets: "达标",
    summary_title: "汇总 · 得分与排名",
    max_score: "满分",
    unreviewed_scores_nothing: "未评定的项目不得分；格中为该目标得分率%",
    rank: "名次",
    score: "得分",
    reviewed: "已评",
    target_progress: "各目标完成情况（█ 完成 ▒ 基本完成 ░ 未完成 · 未评定）",
    changed_since_review: "评定后报送数据已变更，请重新评定",
    stale_count: "数据已变",
    vetoed: "（否决）",
    attention: "注意",
    more_targets: "… 另有 {n} 个目标（窗口加高后可见）",
    confirmed: "重新确认",
    in_band: "基本达标",
    falls_short: "未达标",
    unclear: "待核",
    yes_no: "是否完成",
    qualitative: "定性评价",
    by_indicator: "按指标",
    by_county: "按县",
    only_unreviewed: "仅未评",
    saved: "已保存",
    cleared: "已清除评定",
    note_saved: "备注已保存",
    undone: "已撤销",
    redone: "已重做",
    nothing_to_undo: "没有可撤销的修改",
    nothing_to_redo: "没有可重做的修改",
    all_reviewed: "所有项目都已评定",
    draft_restored: "已恢复上次未保存的备注草稿",
    draft_resumed: "继续编辑草稿",
    draft_discarded: "已放弃备注改动（按 u 可找回）",
    draft_not_kept: "草稿未能存入数据库",
    save_failed: "保存失败",
    too_small: "窗口太小，请放大到至少",
    editor_title: "备注",
    confirm: "备注有改动未保存：Enter 保存 · d 放弃改动 · Esc 继续编辑",
    help_title: "快捷键",
    help_footer: "Esc 或 ? 关闭",
    flow_now_indicator: "按指标评：逐县评同一指标",
    flow_now_county: "按县评：逐项评同一县",
    filter_on: "只显示未评定项目",
    filter_off: "显示全部项目",
    none: "无",
    more: "……（窗口不够高，未显示完）",
    changed_underneath: "该项已被他人改动，未撤销（以数据库为准）",
    read_failed: "无法读取数据库",
    no_suggestion: "这一项没有可采纳的建议（定性指标，或报送数无法对照）",
    suggested: "建议",
    contradicts: "评定与报送数对照不一致，请核实",
    note_changed_underneath: "他人刚修改了这条备注（见详情），你的未保存：再按 Enter 以你的为准，Esc 可放弃",
    search_title: "查找（汉字或拼音首字母）",
    no_hits: "没有匹配的结果",
    hits: "个结果",
    kind_target: "目标",
    kind_indicator: "指标",
    kind_county: "县",
    kind_note: "备注",
    standard_notes: "常用备注",
    history_title: "修改历史",
    changed_it: "刚修改了",
    yours_too: "正是你所在的这一项",
    took_theirs: "已采用他人的评定",
    conflict: "已被{who}改为「{theirs}」，你要评为「{mine}」：y 保留我的 · t 采用他的",
    online: "在线",
    looking: "正在看这一项",
    writing: "正在写这一项的备注",
    no_history: "这一项还没有任何修改",
    source: "原文",
    colon: "：",
};

pub const EN: Strings = Strings {
    lang: Lang::En,
    reviewer: "Reviewer",
    progress: "Reviewed",
    targets: "Targets",
    submissions: "Submissions",
    detail: "Detail",
    county: "County",
    figure: "Figure",
    against: "Check",
    verdict: "Verdict",
    by: "By",
    note: "Note",
    requirement: "Required",
    indicator: "Indicator",
    evidence: "Evidence",
    remark: "Remark",
    draft: "Draft",
    not_submitted: "not submitted",
    unreviewed: "unreviewed",
    meets: "meets",
    summary_title: "Summary · scores and ranking",
    max_score: "most",
    unreviewed_scores_nothing: "items not reviewed score nothing; cells: % of the target's points",
    rank: "rank",
    score: "score",
    reviewed: "reviewed",
    target_progress: "Targets (█ met ▒ partly met ░ not met · not reviewed)",
    changed_since_review: "the figure changed after it was reviewed: review it again",
    stale_count: "figures changed",
    vetoed: " (veto)",
    attention: "Note",
    more_targets: "… and {n} more targets (a taller window shows them)",
    confirmed: "confirmed again",
    in_band: "in band",
    falls_short: "short",
    unclear: "unclear",
    yes_no: "done or not",
    qualitative: "judged on evidence",
    by_indicator: "by indicator",
    by_county: "by county",
    only_unreviewed: "unreviewed only",
    saved: "Saved",
    cleared: "Verdict cleared",
    note_saved: "Note saved",
    undone: "Undone",
    redone: "Redone",
    nothing_to_undo: "Nothing to undo",
    nothing_to_redo: "Nothing to redo",
    all_reviewed: "Every item is reviewed",
    draft_restored: "Your unsaved note from last time is back",
    draft_resumed: "Back to your draft",
    draft_discarded: "Changes to the note thrown away (u brings them back)",
    draft_not_kept: "The draft could not be kept in the database",
    save_failed: "Not saved",
    too_small: "Window too small; make it at least",
    editor_title: "Note",
    confirm: "The note has unsaved changes: Enter save · d throw away · Esc keep editing",
    help_title: "Keys",
    help_footer: "Esc or ? closes",
    flow_now_indicator: "By indicator: one indicator across all counties",
    flow_now_county: "By county: one county across all indicators",
    filter_on: "Showing unreviewed items only",
    filter_off: "Showing all items",
    none: "none",
    more: "… (more than fits)",
    changed_underneath: "Changed by someone else since; not undone (showing what is saved)",
    read_failed: "Cannot read the database",
    no_suggestion: "Nothing to suggest here (judged on evidence, or the figure cannot be compared)",
    suggested: "Suggested",
    contradicts: "The verdict and the figure disagree: check it",
    note_changed_underneath: "Someone else just changed this note (see Detail); yours is not saved: Enter again to save yours over it, Esc to throw it away",
    search_title: "Find (Chinese or pinyin initials)",
    no_hits: "Nothing matches",
    hits: "results",
    kind_target: "target",
    kind_indicator: "indicator",
    kind_county: "county",
    kind_note: "note",
    standard_notes: "Standard notes",
    history_title: "History",
    changed_it: "just changed",
    yours_too: "the item you are on",
    took_theirs: "Took their verdict",
    conflict: "{who} changed it to \"{theirs}\"; you are marking \"{mine}\": y keep mine · t take theirs",
    online: "Online",
    looking: "is looking at this item",
    writing: "is writing a note on this item",
    no_history: "No change to this item yet",
    source: "Source",
    colon: ": ",
};

impl Strings {
    pub fn get(lang: Lang) -> &'static Strings {
        match lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    pub fn verdict(&self, v: Verdict) -> &'static str {
        match self.lang {
            Lang::Zh => v.chinese(),
            Lang::En => match v {
                Verdict::Met => "met",
                Verdict::PartlyMet => "partly met",
                Verdict::NotMet => "not met",
            },
        }
    }

    pub fn mode(&self, mode: Mode) -> &'static str {
        match (self.lang, mode) {
            (Lang::Zh, Mode::Browse) => "浏览与评定",
            (Lang::Zh, Mode::Editor) => "编辑备注",
            (Lang::Zh, Mode::Confirm) => "离开备注编辑",
            (Lang::Zh, Mode::Help) => "帮助",
            (Lang::Zh, Mode::Search) => "查找",
            (Lang::Zh, Mode::History) => "修改历史",
            (Lang::Zh, Mode::Conflict) => "评定冲突",
            (Lang::Zh, Mode::Summary) => "汇总（得分与排名）",
            (Lang::En, Mode::Summary) => "Summary (scores and ranking)",
            (Lang::En, Mode::Conflict) => "Conflicting verdicts",
            (Lang::En, Mode::History) => "History",
            (Lang::En, Mode::Search) => "Find",
            (Lang::En, Mode::Browse) => "Browsing and marking",
            (Lang::En, Mode::Editor) => "Editing a note",
            (Lang::En, Mode::Confirm) => "Leaving the note editor",
            (Lang::En, Mode::Help) => "Help",
        }
    }

    /// The label of a group on the hint line (`j/k 县`), by its first action.
    pub fn hint(&self, first: Action) -> &'static str {
        let zh = self.lang == Lang::Zh;
        match first {
            Action::NextCounty => {
                if zh {
                    "县"
                } else {
                    "county"
                }
            }
            Action::NextIndicator => {
                if zh {
                    "指标"
                } else {
                    "indicator"
                }
            }
            Action::Mark(_) => {
                if zh {
                    "评定"
                } else {
                    "mark"
                }
            }
            other => self.action(other).0,
        }
    }

    /// (short label for the hint line, full description for the help overlay)
    pub fn action(&self, action: Action) -> (&'static str, &'static str) {
        use Action::*;
        let zh = self.lang == Lang::Zh;
        let pick = |z: (&'static str, &'static str), e: (&'static str, &'static str)| {
            if zh { z } else { e }
        };
        match action {
            NextCounty => pick(("下一县", "下一个县"), ("county", "next county")),
            PrevCounty => pick(("上一县", "上一个县"), ("county", "previous county")),
            NextIndicator => pick(("指标", "下一个指标"), ("indicator", "next indicator")),
            PrevIndicator => pick(
                ("上一指标", "上一个指标"),
                ("indicator", "previous indicator"),
            ),
            NextTarget => pick(("目标", "下一个目标"), ("target", "next target")),
            PrevTarget => pick(("上一目标", "上一个目标"), ("target", "previous target")),
            First => pick(("首县", "第一个县"), ("first", "first county")),
            Last => pick(("末县", "最后一个县"), ("last", "last county")),
            NextUnreviewed => pick(
                ("下一未评", "下一个未评定项目"),
                ("next", "next unreviewed item"),
            ),
            Mark(Verdict::Met) => pick(
                ("完成", "评为完成，并前进"),
                ("met", "mark met and move on"),
            ),
            Mark(Verdict::PartlyMet) => pick(
                ("基本完成", "评为基本完成，并前进"),
                ("partly", "mark partly met and move on"),
            ),
            Mark(Verdict::NotMet) => pick(
                ("未完成", "评为未完成，并前进"),
                ("not met", "mark not met and move on"),
            ),
            AcceptSuggestion => pick(
                (
                    "采纳建议",
                    "按报送数对照采纳建议评定（达标→完成，未达标→未完成），并前进",
                ),
                (
                    "suggested",
                    "mark what the figure suggests (meets → met, short → not met) and move on",
                ),
            ),
            Clear => pick(
                ("清除", "清除评定（保留备注）"),
                ("clear", "clear the verdict (the note stays)"),
            ),
            EditNote => pick(("备注", "编辑备注"), ("note", "edit the note")),
            Undo => pick(
                ("撤销", "撤销我的上一次修改（记入日志）"),
                ("undo", "undo your last change (logged)"),
            ),
            Redo => pick(("重做", "重做撤销的修改"), ("redo", "redo what was undone")),
            ToggleFilter => pick(
                ("筛选", "只显示未评定 / 显示全部"),
                ("filter", "unreviewed only / all"),
            ),
            ToggleFlow => pick(
                ("按县/按指标", "切换：逐县评同一指标 / 逐项评同一县"),
                (
                    "flow",
                    "switch: one indicator across counties / one county across indicators",
                ),
            ),
            NextPane => pick(
                ("切换栏", "窄窗口中切换显示的栏"),
                ("pane", "next pane (narrow windows)"),
            ),
            Help => pick(("帮助", "显示全部快捷键"), ("help", "show every key")),
            Quit => pick(
                ("退出", "退出（一切已保存）"),
                ("quit", "quit (everything is saved)"),
            ),
            SaveNote => pick(("保存", "保存备注"), ("save", "save the note")),
            NewLine => pick(("换行", "换行"), ("new line", "new line")),
            CloseEditor => pick(
                ("关闭", "关闭编辑（有改动时先询问）"),
                ("close", "close (asks first if changed)"),
            ),
            CaretLeft => pick(("左移", "光标左移"), ("left", "caret left")),
            CaretRight => pick(("右移", "光标右移"), ("right", "caret right")),
            CaretUp => pick(("上移", "光标上移一行"), ("up", "caret up a line")),
            CaretDown => pick(("下移", "光标下移一行"), ("down", "caret down a line")),
            LineStart => pick(("行首", "到行首"), ("home", "start of line")),
            LineEnd => pick(("行尾", "到行尾"), ("end", "end of line")),
            DeleteBack => pick(
                ("删除", "删除光标前的字"),
                ("delete", "delete before the caret"),
            ),
            DeleteForward => pick(
                ("后删", "删除光标后的字"),
                ("delete", "delete after the caret"),
            ),
            DiscardNote => pick(
                ("放弃", "放弃改动，恢复原备注"),
                ("throw away", "throw the changes away"),
            ),
            KeepEditing => pick(
                ("继续编辑", "回到编辑"),
                ("keep editing", "back to editing"),
            ),
            ScrollDown => pick(("下翻", "向下滚动"), ("down", "scroll down")),
            ScrollUp => pick(("上翻", "向上滚动"), ("up", "scroll up")),
            CloseHelp => pick(("关闭", "关闭帮助"), ("close", "close help")),
            Search => pick(
                ("查找", "查找目标、指标、县和备注（支持拼音首字母）"),
                (
                    "find",
                    "find targets, indicators, counties, notes (pinyin initials too)",
                ),
            ),
            SearchNext => pick(("下一个", "下一个结果"), ("next", "next result")),
            SearchPrev => pick(("上一个", "上一个结果"), ("previous", "previous result")),
            SearchJump => pick(("跳转", "跳到所选结果"), ("go", "go to the result")),
            SearchClose => pick(
                ("返回", "关闭查找，回到原处"),
                ("back", "close, back where you were"),
            ),
            History => pick(
                ("历史", "所选项目的全部修改记录"),
                ("history", "every change of the selected item"),
            ),
            CloseHistory => pick(("关闭", "关闭历史"), ("close", "close the history")),
            KeepMine => pick(
                ("保留我的", "保留我的评定（覆盖他人的）"),
                ("keep mine", "keep my verdict (over theirs)"),
            ),
            TakeTheirs => pick(
                ("采用他的", "采用他人的评定"),
                ("take theirs", "take their verdict"),
            ),
            OpenSummary => pick(
                ("汇总", "汇总：各县得分、排名、各目标完成情况"),
                (
                    "summary",
                    "summary: scores, ranking, each target's progress",
                ),
            ),
            CloseSummary => pick(("返回", "关闭汇总"), ("back", "close the summary")),
            SummaryJump => pick(
                ("去该县", "回到评定界面，定位到所选县"),
                ("go", "back to marking, at the selected county"),
            ),
            PageDown => pick(("下页", "向下翻一页"), ("page down", "one page down")),
            PageUp => pick(("上页", "向上翻一页"), ("page up", "one page up")),
            InsertStandardNote(_) => pick(
                ("常用备注", "插入常用备注（按编号）"),
                ("standard note", "insert a standard note (by number)"),
            ),
        }
    }
}
