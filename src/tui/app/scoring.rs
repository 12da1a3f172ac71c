//! Rule-based scoring in the workspace (issue 17): what the rules read beside the verdicts
//! (the figures, evidence and findings, as kaohe-core's [`Facts`]), read from the store and read
//! again when an import, a finding or the scoring itself changes; the reviewer's findings
//! entered with a key — the cases counted (`C`) and 不计分 with its reason (`V`) — typed in the
//! note editor; and the scoring applied anew (`kaohe points`) while the workspace is open.

use super::effect::Effect;
use super::mode::Overlay;
use super::{App, Cursor, Level, NoteEditor};
use crate::catalog::Catalog;
use crate::item::Item;
use crate::score::{Facts, ItemScore, Scorer};
use crate::store::{FindingEvent, FindingWrite};
use crate::tui::action::Action;
use crate::tui::editor::TextBuffer;

/// Which finding the note editor is taking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// The cases counted: a whole number, or nothing to take the count away.
    Cases,
    /// 不计分: its reason; nothing takes a void away.
    Void,
}

/// A finding being typed in the note editor, on an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingInput {
    pub at: Cursor,
    pub kind: FindingKind,
}

/// A finding to write on an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub at: Cursor,
    pub write: FindingWrite,
}

/// What the App keeps for rule-based scoring.
#[derive(Debug, Default)]
pub(super) struct Scoring {
    facts: Facts,
    /// The facts are to be read (again) before the next frame.
    unread: bool,
    input: Option<FindingInput>,
}

impl Scoring {
    /// Nothing read yet: the facts are read before the first frame.
    pub(super) fn unread() -> Scoring {
        Scoring {
            unread: true,
            ..Scoring::default()
        }
    }
}

/// The longest count typed: far more cases than any county has.
const CASES_DIGITS: usize = 6;

impl App {
    // ---- What the run loop tells the App.

    /// Whether the facts must be read (at start, after an import, a finding by someone else,
    /// or the scoring applied anew).
    pub fn needs_facts(&self) -> bool {
        self.scoring.unread && !self.is_empty()
    }

    /// The facts as the database holds them now: scores follow them.
    pub fn facts_loaded(&mut self, facts: Facts) {
        self.scoring.facts = facts;
        self.scoring.unread = false;
        self.summary_changed();
    }

    /// Something the facts are made of changed in the database: read them again.
    pub fn facts_changed(&mut self) {
        self.scoring.unread = true;
    }

    /// The scoring was applied anew (`kaohe points`, seen live): the rules, points and grades
    /// from `catalog` (the same targets), and the facts they read, read again; said with who
    /// applied it and from which file.
    pub fn scoring_changed(&mut self, catalog: &Catalog, by: &str, file: &str) {
        let before = crate::score::round2(self.scorer.max_score());
        self.scorer = Scorer::new(catalog);
        for (mine, theirs) in self.indicators.iter_mut().zip(catalog.indicators()) {
            if mine.id == theirs.id {
                mine.points = theirs.points;
                mine.rule = theirs.rule;
                mine.veto = theirs.veto;
                mine.deduct = theirs.deduct;
                mine.requirement.clone_from(&theirs.requirement);
            }
        }
        self.classes.clone_from(&catalog.classes);
        self.scoring.unread = true;
        self.summary_changed();
        let after = crate::score::round2(self.scorer.max_score());
        let text = self
            .strings
            .scoring
            .applied
            .replace("{who}", by)
            .replace("{file}", file)
            .replace("{before}", &crate::model::format_number(before))
            .replace("{after}", &crate::model::format_number(after));
        self.warn(Level::Info, text);
    }

    /// An item as the database holds it: its findings kept for scoring.
    pub(super) fn findings_refreshed(&mut self, k: usize, item: &Item) {
        self.scoring.facts.set_cases(k, item.cases);
        self.scoring.facts.set_void(k, item.void_reason.is_some());
    }

    /// A finding was written (or not, and why).
    pub fn finding_written(&mut self, finding: &Finding, result: Result<(bool, Item), String>) {
        let s = self.strings;
        let (written, item) = match result {
            Ok(ok) => ok,
            Err(e) => {
                self.warn(Level::Error, format!("{}{}{e}", s.save_failed, s.colon));
                return;
            }
        };
        self.close_finding_input(finding.at);
        let at = finding.at;
        self.refresh(at, item);
        let name = self.name(at);
        let text = match (&finding.write, written) {
            (_, false) => format!("{}{}{name}", s.scoring.unchanged, s.colon),
            (FindingWrite::Cases(Some(n)), _) => s
                .scoring
                .cases_saved
                .replace("{item}", &name)
                .replace("{n}", &n.to_string()),
            (FindingWrite::Cases(None), _) => s.scoring.cases_cleared.replace("{item}", &name),
            (FindingWrite::Void(_), _) => s.scoring.voided.replace("{item}", &name),
            (FindingWrite::Unvoid, _) => s.scoring.unvoided.replace("{item}", &name),
        };
        self.warn(Level::Info, text);
    }

    /// "柯城区 1.3 关系保人情保 例数 3", for what could not be written at the end.
    pub fn describe_finding(&self, finding: &Finding) -> String {
        let s = self.strings;
        let what = match &finding.write {
            FindingWrite::Cases(Some(n)) => format!("{} {n}", s.scoring.cases),
            FindingWrite::Cases(None) => format!("{} —", s.scoring.cases),
            FindingWrite::Void(_) => s.scoring.void.to_string(),
            FindingWrite::Unvoid => format!("{} —", s.scoring.void),
        };
        format!("{} {what}", self.name(finding.at))
    }

    /// Another reviewer's finding (seen in its log): shown on the item and in the scores,
    /// and said.
    pub fn finding_by_other(&mut self, event: &FindingEvent, item: Item) {
        let Some(k) = self.item_index(&event.county_code, &event.indicator) else {
            return;
        };
        let at = self.cursor_of(k);
        self.refresh(at, item);
        let s = self.strings;
        let name = self.name(at);
        let what = match event.action.as_str() {
            "cases" => match event.to_cases {
                Some(n) => s.scoring.cases_saved.replace("{n}", &n.to_string()),
                None => s.scoring.cases_cleared.to_string(),
            },
            "void" => s.scoring.voided.to_string(),
            _ => s.scoring.unvoided.to_string(),
        }
        .replace("{item}", &name);
        let level = if at == self.cursor {
            Level::Warning
        } else {
            Level::Info
        };
        // "李四 已认定不计分：龙游县 1.2 城市覆盖率".
        self.warn(level, format!("{} {what}", event.by));
    }

    // ---- What the screen shows.

    /// What the item earns under its indicator's rule as the App knows it now (`None` where
    /// there is no item).
    pub fn item_score(&self, at: Cursor) -> Option<ItemScore> {
        let n = self.counties.len();
        let results = self.results();
        self.scorer.item(at.indicator, at.county, n, |k| {
            self.scoring
                .facts
                .item(k, results.get(k).copied().flatten())
        })
    }

    /// The facts scores are counted from.
    pub(super) fn facts(&self) -> &Facts {
        &self.scoring.facts
    }

    /// The finding being typed in the editor, while it is open on it.
    pub fn finding_pending(&self) -> Option<FindingInput> {
        let input = self.scoring.input?;
        self.editor().filter(|e| e.at == input.at).map(|_| input)
    }

    /// Whether the editor holds a finding (not a note): its text is no draft.
    pub(super) fn editing_finding(&self) -> bool {
        self.finding_pending().is_some()
    }

    // ---- Keys.

    /// `C` and `V` while browsing (`None`: another action).
    pub(super) fn browse_scoring(&mut self, action: Action) -> Option<Vec<Effect>> {
        let kind = match action {
            Action::CountCases => FindingKind::Cases,
            Action::ToggleVoid => FindingKind::Void,
            _ => return None,
        };
        if !self.may_write() {
            self.refuse_write();
            return Some(Vec::new());
        }
        let at = self.cursor;
        let s = self.strings;
        let item = self.item(at);
        let text = match kind {
            FindingKind::Cases => {
                let rule = self.indicators[at.indicator].rule;
                if !rule.counts_cases() {
                    let text = s.scoring.counts_no_cases.replace("{shape}", rule.shape());
                    self.warn(Level::Warning, text);
                    return Some(Vec::new());
                }
                item.cases.map(|n| n.to_string()).unwrap_or_default()
            }
            FindingKind::Void => item.void_reason.clone().unwrap_or_default(),
        };
        // Whatever the editor held before (a 复核 reason) is gone.
        self.editor_for_note();
        self.scoring.input = Some(FindingInput { at, kind });
        self.overlay.open(Overlay::Editor(NoteEditor {
            at,
            saved: text.clone(),
            buffer: TextBuffer::new(&text),
            confirming: false,
        }));
        let prompt = match kind {
            FindingKind::Cases => s.scoring.cases_prompt,
            FindingKind::Void if text.is_empty() => s.scoring.void_prompt,
            FindingKind::Void => s.scoring.unvoid_prompt,
        };
        self.inform(prompt);
        Some(Vec::new())
    }

    /// Enter in the editor while it holds a finding: the finding, if what is typed is one.
    pub(super) fn save_finding(&mut self) -> Vec<Effect> {
        let Some(input) = self.finding_pending() else {
            return Vec::new();
        };
        let Some(e) = self.overlay.editor_mut() else {
            return Vec::new();
        };
        e.confirming = false;
        let typed = e.buffer.text();
        let typed = typed.trim();
        let was_void = self.item(input.at).void_reason.is_some();
        let write = match input.kind {
            FindingKind::Cases if typed.is_empty() => FindingWrite::Cases(None),
            FindingKind::Cases => {
                // Full-width digits as a Chinese input method types them.
                let digits: String = typed
                    .chars()
                    .map(|c| match c {
                        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                        c => c,
                    })
                    .collect();
                match digits.parse::<u32>() {
                    Ok(n) if digits.len() <= CASES_DIGITS => FindingWrite::Cases(Some(n)),
                    _ => {
                        let text = self
                            .strings
                            .scoring
                            .cases_not_a_count
                            .replace("{typed}", typed);
                        self.warn(Level::Warning, text);
                        return Vec::new();
                    }
                }
            }
            FindingKind::Void if typed.is_empty() && was_void => FindingWrite::Unvoid,
            FindingKind::Void if typed.is_empty() => {
                self.warn(
                    Level::Warning,
                    self.strings.scoring.void_needs_reason.into(),
                );
                return Vec::new();
            }
            FindingKind::Void => FindingWrite::Void(typed.to_string()),
        };
        vec![Effect::Finding(Finding {
            at: input.at,
            write,
        })]
    }

    /// The finding thrown away (Esc, then d): nothing written.
    pub(super) fn drop_finding(&mut self) -> Vec<Effect> {
        if let Some(input) = self.finding_pending() {
            self.close_finding_input(input.at);
            self.inform(self.strings.scoring.dropped);
        }
        Vec::new()
    }

    /// Closes the editor if it holds a finding on `at`.
    fn close_finding_input(&mut self, at: Cursor) {
        if self.finding_pending().is_some_and(|i| i.at == at) {
            self.overlay.close();
        }
        self.scoring.input = None;
    }

    /// The editor opened for something else: whatever finding it held before is gone.
    pub(super) fn editor_not_for_finding(&mut self) {
        self.scoring.input = None;
    }
}
