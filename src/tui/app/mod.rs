//! The workspace's state and what can be asked of it. Pure: no terminal, no SQL. `update`
//! (update.rs) says what must be written ([`Effect`]); the run loop has the store write it,
//! then tells the App what the database now holds (results.rs). So nothing shows as saved
//! before it is.
//!
//! The App keeps one byte an item for every item (its verdict) and the items themselves
//! ([`Item`], as the store reads them) only for those on screen and near it, with this
//! reviewer's drafts beside them.

mod aside;
mod effect;
mod filters;
mod finder;
mod list;
mod marking;
mod mode;
mod movement;
mod note;
mod owners;
mod results;
mod scoring;
mod selection;
mod stages;
mod summary;
mod undo;
mod update;
mod verify;
mod viewer;
mod waiting;

pub use effect::{Answer, Batch, BatchKind, CheckWrite, Effect, VerifyWrite, Why, Write};
pub use filters::{Filter, MENU_ROWS};
pub use finder::Finder;
pub use list::Scroll;
pub use mode::{Conflict, History};
pub use note::{NOTE_LIMIT, NoteEditor, QUERY_LIMIT};
pub use owners::{OwnerLabel, Question};
pub use scoring::{Finding, FindingInput, FindingKind};
pub use stages::{CheckMark, CheckStatus, PendingChange};
pub use summary::{Summary, SummaryRow, bar_cells};
pub use undo::{Change, State, Step};
pub use verify::{FIGURE_LIMIT, VerifyEditor, VerifyField};
pub use viewer::{Doc, Failure, Row, RowStyle, Viewer, picture_rows};
pub use waiting::{Holder, Stopped};

use super::action::Mode;
use super::keymap::Keymap;
use super::strings::Strings;
use crate::catalog::Catalog;
use crate::item::Item;
use crate::model::{Assessment, County, Indicator, TargetClass, Verdict};
use crate::search::Index;
use crate::store::{Draft, Position, Presence, ReviewState};
use mode::Overlay;
use std::collections::{HashMap, HashSet};

/// One target of the document and where its indicators sit in [`App::indicators`].
#[derive(Debug, Clone)]
pub struct TargetRow {
    pub id: u32,
    pub class: u8,
    pub title: String,
    pub first: usize,
    pub len: usize,
}

/// An item: indices into [`App::indicators`] and [`App::counties`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    pub indicator: usize,
    pub county: usize,
}

/// The marking flow: what `1`/`2`/`3` move on to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flow {
    /// One indicator across all counties (the default).
    #[default]
    ByIndicator,
    /// One county across all indicators.
    ByCounty,
}

/// The pane shown when the window is too narrow for all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    Targets,
    #[default]
    Submissions,
    Detail,
}

/// Another reviewer's workspace: who, and the item they are on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Other {
    pub reviewer: String,
    pub at: Option<Cursor>,
    pub editing: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub level: Level,
}

/// The database the workspace is on, as the header names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Database {
    /// The file's name, without its directory (the header has little room).
    pub file: String,
    /// Its group may read and write it (共享), or only its owner (个人).
    pub shared: bool,
}

/// What the workspace opens on: everything but the items' details, which are read as the
/// screen needs them ([`App::missing`], [`App::loaded`]).
pub struct Workspace {
    pub catalog: Catalog,
    pub counties: Vec<County>,
    pub reviews: Vec<ReviewState>,
    pub drafts: Vec<Draft>,
    pub position: Option<Position>,
    pub reviewer: String,
    /// The reviewer's OS account: with their name, whose note is theirs.
    pub account: String,
    /// Who owns what, and who the reviewer is to it (`None` without a registry: every item
    /// is everyone's).
    pub owners: Vec<crate::owners::Assignment>,
    pub me: Option<crate::owners::Me>,
    /// The items this reviewer has put aside for later: (county code, indicator id).
    pub set_aside: Vec<(String, String)>,
}

pub struct App {
    pub strings: &'static Strings,
    pub assessment: Assessment,
    pub classes: Vec<TargetClass>,
    pub targets: Vec<TargetRow>,
    pub indicators: Vec<Indicator>,
    /// For each indicator, the index of its target in `targets`.
    pub target_of: Vec<usize>,
    pub counties: Vec<County>,
    /// The widest county name, in terminal columns: measured once, as the counties are known,
    /// not from every name each frame.
    county_names_width: usize,
    /// Where the counties' list is scrolled: the county on its top row, and the rows it had
    /// (list.rs). Kept by the frame that shows the list, so a move within it changes only
    /// the two rows involved.
    list: list::ListScroll,
    /// The verdict of every item, indicator-major (`indicator * counties + county`): one byte
    /// an item, all the App keeps of every item. Moving, filtering, `n` and progress use it.
    verdicts: Vec<Option<Verdict>>,
    /// Items read from the database, by the same index: those on screen and near it.
    cache: HashMap<usize, Item>,
    /// This reviewer's drafts, by the same index: notes typed and not yet saved.
    drafts: HashMap<usize, String>,
    /// Positions of counties and indicators by code and id.
    county_at: HashMap<String, usize>,
    indicator_at: HashMap<String, usize>,
    /// For each indicator, how many counties have a verdict.
    reviewed: Vec<usize>,
    /// Items whose figure changed after their verdict was given (by the same index), and how
    /// many of them each indicator has: they want reviewing again.
    stale: HashSet<usize>,
    stale_count: Vec<usize>,
    pub reviewer: String,
    /// The reviewer's OS account.
    pub account: String,
    /// Own work and others' (owners.rs).
    own: owners::OwnWork,
    /// The account, when it may look but not change anything (a database whose registry of
    /// reviewers does not hold it): every write action says so instead.
    pub browse_only: Option<String>,
    pub cursor: Cursor,
    pub flow: Flow,
    pub only_unreviewed: bool,
    pub pane: Pane,
    /// What is over the panes: the editor, the finder, the history, the summary, a question,
    /// the help. The mode follows from it.
    overlay: Overlay,
    /// The editor was opened (on a draft, at start) before its item was read.
    editor_unread: bool,
    /// The finder's notes are as the database holds them (nothing changed since they were read).
    notes_fresh: bool,
    /// Other reviewers in a workspace on this database now, and where.
    pub others: Vec<Other>,
    scorer: crate::score::Scorer,
    /// Rows a page-down moves on the summary screen (from the window size).
    pub page_rows: usize,
    /// Lines the help shows at once (from the window size): a page of it.
    pub help_rows: usize,
    /// The keys in force (defaults with the user's rebindings).
    pub keymap: Keymap,
    /// Standard notes the editor inserts with one key each.
    pub standard_notes: Vec<String>,
    /// Targets, indicators and counties; notes grouped by text (regrouped when the finder
    /// opens).
    pub index: Index,
    pub message: Option<Message>,
    /// The database, named in the header (once the run loop has said which).
    pub database: Option<Database>,
    /// Why nothing is written (the database read-only, or swapped under the workspace).
    stopped: Option<Stopped>,
    /// Reviews waiting for the write lock, in order: shown as pending, never as saved.
    pending: Vec<Write>,
    /// Other writes waiting for the lock (a batch for selected rows, a 复核): counted, so the
    /// reviewer is told they wait; their rows show as they were until written.
    pending_other: usize,
    /// Whom they wait for, while they wait (`Some(None)`: someone kaohe cannot name).
    waiting: Option<Option<Holder>>,
    /// `q` was pressed while writes waited: quit once they are written.
    quit_when_written: bool,
    undo: Vec<Step>,
    /// What was undone, to redo (a review's step or a batch's).
    redo: Vec<Step>,
    /// Columns available to the note editor's text (from the window size).
    pub editor_width: usize,
    /// The paste coming in: what became of it so far, told when it ends.
    pasting: Pasting,
    /// The later stages: second reviews, locks, 复核 mode, progress by person (stages.rs).
    stage: stages::StageState,
    pub quit: bool,
    /// Rapid marking: selection, items put aside, the filters, the counties' own
    /// assessments, the detail pane's scrolling (marking.rs).
    marking: marking::Marking,
    /// The evidence: items' files, open requests, previews (viewer.rs).
    evidence: viewer::EvidenceState,
    /// The viewer's text area (columns, rows), from the window size.
    pub viewer_size: (u16, u16),
    /// How pictures are drawn in this terminal.
    pub pictures: crate::tui::graphics::Pictures,
    /// What rule-based scoring reads beside the verdicts, and a finding being typed
    /// (scoring.rs).
    scoring: scoring::Scoring,
}

/// A paste as it comes in (in pieces, over a slow link): how many characters went in, how many
/// did not fit (and under which bound), how many were refused where no text is typed.
#[derive(Debug, Clone, Copy, Default)]
struct Pasting {
    typed: usize,
    cut_at: Option<usize>,
    refused: usize,
}

/// What an item not read yet shows as: nothing submitted, nothing reviewed.
static UNREAD: Item = Item {
    county_code: String::new(),
    county: String::new(),
    indicator: String::new(),
    value: None,
    value_number: None,
    numerator: None,
    denominator: None,
    evidence: None,
    remark: None,
    verdict: None,
    note: None,
    reviewer: None,
    reviewed_at: None,
    changed_since_review: false,
    bare_fraction: false,
    converted_from: None,
    self_verdict: None,
    self_score: None,
    stages: crate::item::Stages::NONE,
    notes: Vec::new(),
    cases: None,
    void_reason: None,
    verified: None,
};

impl App {
    pub fn new(ws: Workspace, strings: &'static Strings) -> App {
        let scorer = crate::score::Scorer::new(&ws.catalog);
        let mut targets = Vec::new();
        let mut indicators = Vec::new();
        let mut target_of = Vec::new();
        for (t, target) in ws.catalog.targets.iter().enumerate() {
            targets.push(TargetRow {
                id: target.id,
                class: target.class,
                title: target.title.clone(),
                first: indicators.len(),
                len: target.indicators.len(),
            });
            for i in &target.indicators {
                indicators.push(i.clone());
                target_of.push(t);
            }
        }
        let n = ws.counties.len();
        let mut verdicts = vec![None; indicators.len() * n];
        let county_index: HashMap<String, usize> = ws
            .counties
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        let indicator_index: HashMap<String, usize> = indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| (ind.id.clone(), i))
            .collect();
        let find = |county: &str, indicator: &str| -> Option<usize> {
            Some(indicator_index.get(indicator)? * n + county_index.get(county)?)
        };
        let mut own = owners::OwnWork::new(ws.me);
        // The first verdicts this reviewer gave: not theirs to second-review (复核).
        let mut mine = HashSet::new();
        for r in &ws.reviews {
            if let Some(at) = find(&r.county_code, &r.indicator_id) {
                verdicts[at] = r.verdict;
                own.marked(at, r.by_other);
                if r.verdict.is_some() && !r.by_other {
                    mine.insert(at);
                }
            }
        }
        let mut stale = HashSet::new();
        let mut stale_count = vec![0; indicators.len()];
        for r in ws.reviews.iter().filter(|r| r.changed_since_review) {
            if let Some(at) = find(&r.county_code, &r.indicator_id) {
                stale.insert(at);
                stale_count[at / n] += 1;
            }
        }
        let aside: HashSet<usize> = ws
            .set_aside
            .iter()
            .filter_map(|(county, indicator)| find(county, indicator))
            .collect();
        let mut drafts = HashMap::new();
        let mut first_draft = None;
        for d in &ws.drafts {
            if let Some(at) = find(&d.county_code, &d.indicator_id) {
                drafts.insert(at, d.text.clone());
                first_draft.get_or_insert(at);
            }
        }
        let reviewed = (0..indicators.len())
            .map(|i| {
                verdicts[i * n..(i + 1) * n]
                    .iter()
                    .filter(|v| v.is_some())
                    .count()
            })
            .collect();
        let mut app = App {
            strings,
            assessment: ws.catalog.assessment,
            classes: ws.catalog.classes,
            targets,
            indicators,
            target_of,
            county_names_width: ws
                .counties
                .iter()
                .map(|c| crate::text::width(&c.name))
                .max()
                .unwrap_or(0),
            list: list::ListScroll::default(),
            counties: ws.counties,
            verdicts,
            cache: HashMap::new(),
            drafts,
            county_at: county_index.clone(),
            indicator_at: indicator_index.clone(),
            reviewed,
            stale,
            stale_count,
            reviewer: ws.reviewer,
            account: ws.account,
            own,
            browse_only: None,
            cursor: Cursor::default(),
            flow: Flow::ByIndicator,
            only_unreviewed: false,
            pane: Pane::Submissions,
            overlay: Overlay::None,
            editor_unread: false,
            notes_fresh: false,
            scorer,
            page_rows: 10,
            help_rows: 20,
            others: Vec::new(),
            keymap: Keymap::default(),
            standard_notes: Vec::new(),
            index: Index::default(),
            message: None,
            database: None,
            stopped: None,
            pending: Vec::new(),
            pending_other: 0,
            waiting: None,
            quit_when_written: false,
            undo: Vec::new(),
            redo: Vec::new(),
            editor_width: 60,
            pasting: Pasting::default(),
            stage: stages::StageState::with_mine(mine),
            quit: false,
            marking: marking::Marking::new(aside),
            evidence: viewer::EvidenceState::default(),
            viewer_size: (78, 18),
            pictures: Default::default(),
            scoring: scoring::Scoring::unread(),
        };

        if app.is_empty() {
            return app;
        }
        app.set_owners(&ws.owners);
        if let Some(p) = &ws.position {
            if let (Some(&i), Some(&c)) = (
                indicator_index.get(&p.indicator_id),
                county_index.get(&p.county_code),
            ) {
                app.cursor = Cursor {
                    indicator: i,
                    county: c,
                };
            }
            if p.by_county {
                app.flow = Flow::ByCounty;
            }
        } else if let Some(first) = app.next_unreviewed_from(None) {
            app.cursor = first;
        }
        // A note left half-typed is offered back first: the editor opens on it.
        if let Some(at) = first_draft {
            app.cursor = app.cursor_of(at);
            app.open_editor_on_draft();
            app.inform(app.strings.draft_restored);
        }
        app
    }

    /// From now on `account` may only look: a verdict, a note, an undo or a redo says why and
    /// changes nothing. A draft offered back at start is closed (it stays in the database).
    pub fn browse_only(&mut self, account: &str) {
        self.browse_only = Some(account.to_string());
        if self.editor().is_some() {
            self.overlay.close();
            self.editor_unread = false;
        }
        self.refuse_write();
    }

    /// Why nothing is written, if nothing is.
    pub fn stopped(&self) -> Option<&Stopped> {
        self.stopped.as_ref()
    }

    /// Whether a verdict or note may be written now (as far as the App knows).
    pub(super) fn may_write(&self) -> bool {
        self.browse_only.is_none() && self.stopped.is_none()
    }

    /// The line a write action shows when nothing may be written: why.
    pub(super) fn refuse_write(&mut self) {
        if let Some(text) = self.stopped_text() {
            self.warn(Level::Error, text);
        } else if let Some(account) = &self.browse_only {
            let text = self.strings.browse_only.replace("{account}", account);
            self.warn(Level::Warning, text);
        }
    }

    /// A database with no counties or no indicators: nothing to show but the header.
    pub fn is_empty(&self) -> bool {
        self.verdicts.is_empty()
    }

    fn index(&self, at: Cursor) -> usize {
        at.indicator * self.counties.len() + at.county
    }

    /// The item at an index of [`App::verdicts`]'s order.
    fn cursor_of(&self, k: usize) -> Cursor {
        let n = self.counties.len();
        Cursor {
            indicator: k / n,
            county: k % n,
        }
    }

    fn item_index(&self, county_code: &str, indicator_id: &str) -> Option<usize> {
        let i = *self.indicator_at.get(indicator_id)?;
        let c = *self.county_at.get(county_code)?;
        Some(i * self.counties.len() + c)
    }

    /// An item as read from the database; an empty one if it has not been read (the run loop
    /// reads what [`App::missing`] names before every frame).
    pub fn item(&self, at: Cursor) -> &Item {
        self.cache.get(&self.index(at)).unwrap_or(&UNREAD)
    }

    /// The selected item.
    pub fn current(&self) -> &Item {
        self.item(self.cursor)
    }

    /// The note this reviewer is typing on an item and has not saved, if any.
    pub fn draft(&self, at: Cursor) -> Option<&str> {
        self.drafts.get(&self.index(at)).map(String::as_str)
    }

    /// The verdict the figure suggests (see [`crate::check::suggested`]): the verified
    /// figure's (核定值), where one is recorded.
    pub fn suggestion(&self, at: Cursor) -> Option<Verdict> {
        let sub = self.item(at).judged()?;
        crate::check::suggested(&self.indicators[at.indicator], &sub)
    }

    /// What looks wrong with the item's figure (see [`crate::check::flags`]).
    pub fn flags(&self, at: Cursor) -> Vec<crate::figure::FigureFlag> {
        self.item(at)
            .submission()
            .map(|sub| crate::check::flags(&self.indicators[at.indicator], &sub))
            .unwrap_or_default()
    }

    /// Whether the verdict given says the opposite of the figure.
    pub fn contradicts(&self, at: Cursor) -> bool {
        crate::check::contradicts(self.verdict_of(at), self.suggestion(at))
    }

    /// An item's verdict, known for every item whether read or not.
    pub fn verdict_of(&self, at: Cursor) -> Option<Verdict> {
        self.verdicts[self.index(at)]
    }

    /// The widest county name, in terminal columns (measured once).
    pub fn county_names_width(&self) -> usize {
        self.county_names_width
    }

    pub fn indicator(&self) -> &Indicator {
        &self.indicators[self.cursor.indicator]
    }

    pub fn county(&self) -> &County {
        &self.counties[self.cursor.county]
    }

    fn is_reviewed(&self, at: Cursor) -> bool {
        self.verdict_of(at).is_some()
    }

    /// Whether the item's figure changed after its verdict was given.
    pub fn is_stale(&self, at: Cursor) -> bool {
        self.stale.contains(&self.index(at))
    }

    /// How many items' figures changed after their verdicts were given.
    pub fn stale_total(&self) -> usize {
        self.stale.len()
    }

    /// Not reviewed, or reviewed on a figure that has changed since: `n` and the filter go there.
    /// Items put aside are passed over until taken back.
    fn wants_review(&self, at: Cursor) -> bool {
        (!self.is_reviewed(at) || self.is_stale(at)) && !self.is_aside(at)
    }

    fn set_stale(&mut self, k: usize, stale: bool) {
        let n = self.counties.len();
        if stale && self.stale.insert(k) {
            self.stale_count[k / n] += 1;
        } else if !stale && self.stale.remove(&k) {
            self.stale_count[k / n] -= 1;
        }
    }

    /// (reviewed, total) over everything.
    pub fn progress(&self) -> (usize, usize) {
        (self.reviewed.iter().sum(), self.verdicts.len())
    }

    /// (reviewed, total) for one indicator across the counties.
    pub fn indicator_progress(&self, indicator: usize) -> (usize, usize) {
        (self.reviewed[indicator], self.counties.len())
    }

    /// (reviewed, total) for one target.
    pub fn target_progress(&self, target: usize) -> (usize, usize) {
        let t = &self.targets[target];
        let reviewed = self.reviewed[t.first..t.first + t.len].iter().sum();
        (reviewed, t.len * self.counties.len())
    }

    /// Which keys are live: what is up over the panes decides it.
    pub fn mode(&self) -> Mode {
        match self.overlay.mode() {
            Mode::Browse if self.checking() => Mode::Check,
            mode => mode,
        }
    }

    /// The note editor, while open (under the help or a question too).
    pub fn editor(&self) -> Option<&NoteEditor> {
        self.overlay.editor()
    }

    /// The finder, while open.
    pub fn finder(&self) -> Option<&Finder> {
        self.overlay.finder()
    }

    /// How far the help overlay is scrolled, while it is open.
    pub fn help(&self) -> Option<usize> {
        self.overlay.help()
    }

    /// The question a conflicting verdict asks, while it waits for an answer.
    pub fn conflict(&self) -> Option<&Conflict> {
        self.overlay.conflict()
    }

    /// The selected item's history (`H`), while shown.
    pub fn history(&self) -> Option<&History> {
        self.overlay.history()
    }

    /// The summary screen, while open.
    pub fn summary(&self) -> Option<&Summary> {
        self.overlay.summary()
    }

    /// Where the reviewer is, to be kept in the database.
    pub fn position(&self) -> Option<Position> {
        if self.is_empty() {
            return None;
        }
        Some(Position {
            indicator_id: self.indicator().id.clone(),
            county_code: self.county().code.clone(),
            by_county: self.flow == Flow::ByCounty,
        })
    }

    /// Where this reviewer is, for the others to see.
    pub fn presence(&self) -> Option<Presence> {
        let editor = self.editor();
        let at = editor.map_or(self.cursor, |e| e.at);
        (!self.is_empty()).then(|| Presence {
            reviewer: self.reviewer.clone(),
            account: String::new(),
            indicator_id: self.indicators[at.indicator].id.clone(),
            county_code: self.counties[at.county].code.clone(),
            editing: editor.is_some(),
        })
    }

    /// "柯城区 1.2 照料中心覆盖率(城市)"
    fn name(&self, at: Cursor) -> String {
        let ind = &self.indicators[at.indicator];
        format!("{} {} {}", self.counties[at.county].name, ind.id, ind.short)
    }

    /// "柯城区 1.2 照料中心覆盖率(城市) → 完成"
    fn describe(&self, at: Cursor, verdict: Option<Verdict>) -> String {
        let v = verdict.map_or(self.strings.unreviewed, |v| self.strings.verdict(v));
        format!("{} → {v}", self.name(at))
    }

    /// Names the database in the header. A private database this run has just made says so on
    /// the first screen, with where it is: marks in it are seen by nobody else.
    pub fn on_database(&mut self, path: &std::path::Path, shared: bool, created: bool) {
        let file = path.file_name().map_or_else(
            || path.display().to_string(),
            |f| f.to_string_lossy().into_owned(),
        );
        self.database = Some(Database { file, shared });
        if created && !shared {
            let text = self
                .strings
                .new_private_db
                .replace("{path}", &path.display().to_string());
            self.warn(Level::Warning, text);
        }
    }

    fn inform(&mut self, text: &str) {
        self.message = Some(Message {
            text: text.to_string(),
            level: Level::Info,
        });
    }

    fn warn(&mut self, level: Level, text: String) {
        self.message = Some(Message { text, level });
    }
}

#[cfg(test)]
mod stages_tests;
#[cfg(test)]
mod tests;
