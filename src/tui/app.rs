//! The workspace's state and its update. Pure: no terminal, no SQL. `update` says what must be
//! written ([`Effect`]); the run loop has the store write it, then tells the App what the
//! database now holds ([`App::written`]). So nothing shows as saved before it is.

use super::action::{Action, Mode};
use super::editor::TextBuffer;
use super::keymap::Keymap;
use super::strings::Strings;
use crate::catalog::Catalog;
use crate::item::Item;
use crate::model::{Assessment, County, Indicator, Review, Submission, TargetClass, Verdict};
use crate::report::{CountyReport, Progress, Report, Verdicts};
use crate::search::{Entry, Found, Index, Jump, Kind, NoteGroup};
use crate::store::{Draft, Expected, LogEntry, Position, ReviewChange, ReviewState};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::HashMap;

/// One target of the document and where its indicators sit in [`App::indicators`].
#[derive(Debug, Clone)]
pub struct TargetRow {
    pub id: u32,
    pub class: u8,
    pub title: String,
    pub first: usize,
    pub len: usize,
}

/// One county × indicator as the database holds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub submission: Option<Submission>,
    pub review: Option<Review>,
    /// A note being typed by this reviewer and not yet saved.
    pub draft: Option<String>,
    /// The figure changed after the verdict was given.
    pub changed_since_review: bool,
}

impl Cell {
    pub fn verdict(&self) -> Option<Verdict> {
        self.review.as_ref().and_then(|r| r.verdict)
    }

    pub fn note(&self) -> &str {
        self.review.as_ref().map_or("", |r| r.note.as_str())
    }
}

/// The summary screen (`s`): every county's score and rank, its share of each target's points
/// (the heat map), and how far each target's items have got.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Counties by rank (the document's order among equals).
    pub rows: Vec<SummaryRow>,
    /// Each target's items across all counties, by verdict.
    pub targets: Vec<Progress>,
    pub max_score: f64,
    /// The most a county can earn in each target.
    pub target_max: Vec<f64>,
    /// The selected row.
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Index into [`App::counties`].
    pub county: usize,
    pub report: CountyReport,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteEditor {
    pub at: Cursor,
    /// The note as saved in the database when editing began.
    pub saved: String,
    pub buffer: TextBuffer,
    /// Asking whether to save or throw away the changes.
    pub confirming: bool,
}

/// The finder (`/`): a query typed like a note, and what it matches.
pub struct Finder {
    pub query: TextBuffer,
    pub found: Found,
    /// How many hits `found` holds (every item of a matched note counted).
    pub count: usize,
    pub selected: usize,
    /// The normalized query the hits are for: a longer query searches only among them.
    searched: String,
}

/// Another reviewer's workspace: who, and the item they are on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Other {
    pub reviewer: String,
    pub at: Option<Cursor>,
    pub editing: bool,
}

/// My write that found another reviewer's newer verdict on the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub mine: Write,
    /// Their verdict, and who gave it.
    pub theirs: Option<Verdict>,
    pub by: String,
}

/// A verdict and note, before or after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub verdict: Option<Verdict>,
    pub note: String,
    /// The verdict was given on an earlier figure than the one there now (as far as this
    /// workspace knew), for the screen.
    pub on_old_figure: bool,
    /// The submission revision the verdict was given on, for the store: an undo or redo puts
    /// it back with the verdict, so a re-import in between is still seen.
    pub revision: Option<i64>,
}

/// One change this reviewer made, for undo and redo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub at: Cursor,
    pub before: State,
    pub after: State,
}

/// Why a review is written: what the App does once it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    Mark,
    Clear,
    Note,
    Undo(Change),
    Redo(Change),
}

/// A review to write: `verdict` `Some(None)` clears it; `None` leaves it as it is. `expected`
/// is what the item must still hold for the write to go ahead (undo, redo, a note typed over
/// minutes): otherwise nothing is written and the reviewer is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    pub at: Cursor,
    pub verdict: Option<Option<Verdict>>,
    pub note: Option<String>,
    pub why: Why,
    pub expected: Expected,
}

/// One step `u` can take back: a review change, or a note's changes thrown away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Review(Change),
    Discarded { at: Cursor, text: String },
}

/// What the store must do for the App.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Review(Write),
    /// Read the item's history from the log (for `H`).
    LoadHistory(Cursor),
    /// Read every note, and open the finder on them (for `/`).
    LoadNotes,
    SaveDraft {
        at: Cursor,
        text: String,
    },
    DiscardDraft {
        at: Cursor,
    },
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

/// What the workspace opens on: everything but the items' details, which are read as the
/// screen needs them ([`App::missing`], [`App::loaded`]).
pub struct Workspace {
    pub catalog: Catalog,
    pub counties: Vec<County>,
    pub reviews: Vec<ReviewState>,
    pub drafts: Vec<Draft>,
    pub position: Option<Position>,
    pub reviewer: String,
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
    /// The verdict of every item, indicator-major (`indicator * counties + county`): one byte
    /// an item, all the App keeps of every item. Moving, filtering, `n` and progress use it.
    verdicts: Vec<Option<Verdict>>,
    /// Items read from the database, by the same index: those on screen and near it.
    cache: HashMap<usize, Cell>,
    /// This reviewer's drafts, by the same index.
    drafts: HashMap<usize, String>,
    /// Positions of counties and indicators by code and id.
    county_at: HashMap<String, usize>,
    indicator_at: HashMap<String, usize>,
    /// For each indicator, how many counties have a verdict.
    reviewed: Vec<usize>,
    /// Items whose figure changed after their verdict was given (by the same index), and how
    /// many of them each indicator has: they want reviewing again.
    stale: std::collections::HashSet<usize>,
    stale_count: Vec<usize>,
    pub reviewer: String,
    pub cursor: Cursor,
    pub flow: Flow,
    pub only_unreviewed: bool,
    pub pane: Pane,
    editor: Option<NoteEditor>,
    /// The editor was opened (on a draft, at start) before its item was read.
    editor_unread: bool,
    /// The finder's notes are as the database holds them (nothing changed since they were read).
    notes_fresh: bool,
    finder: Option<Finder>,
    help: Option<usize>,
    /// Other reviewers in a workspace on this database now, and where.
    pub others: Vec<Other>,
    /// A verdict of mine that met another's newer one: keep mine or take theirs?
    conflict: Option<Conflict>,
    /// The selected item's history (`H`): its events and how far it is scrolled.
    history: Option<(Cursor, Vec<LogEntry>, usize)>,
    /// The summary screen, while open (recomputed as verdicts change).
    summary: Option<Summary>,
    scorer: crate::score::Scorer,
    /// Rows a page-down moves on the summary screen (from the window size).
    pub page_rows: usize,
    /// The keys in force (defaults with the user's rebindings).
    pub keymap: Keymap,
    /// Standard notes the editor inserts with one key each.
    pub standard_notes: Vec<String>,
    /// Targets, indicators and counties; notes grouped by text (regrouped when the finder
    /// opens).
    pub index: Index,
    pub message: Option<Message>,
    undo: Vec<Step>,
    redo: Vec<Change>,
    /// Columns available to the note editor's text (from the window size).
    pub editor_width: usize,
    pub quit: bool,
}

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
        for r in &ws.reviews {
            if let Some(at) = find(&r.county_code, &r.indicator_id) {
                verdicts[at] = r.verdict;
            }
        }
        let mut stale = std::collections::HashSet::new();
        let mut stale_count = vec![0; indicators.len()];
        for r in ws.reviews.iter().filter(|r| r.changed_since_review) {
            if let Some(at) = find(&r.county_code, &r.indicator_id) {
                stale.insert(at);
                stale_count[at / n] += 1;
            }
        }
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
            cursor: Cursor::default(),
            flow: Flow::ByIndicator,
            only_unreviewed: false,
            pane: Pane::Submissions,
            editor: None,
            editor_unread: false,
            notes_fresh: false,
            finder: None,
            help: None,
            history: None,
            summary: None,
            scorer,
            page_rows: 10,
            others: Vec::new(),
            conflict: None,
            keymap: Keymap::default(),
            standard_notes: Vec::new(),
            index: Index::default(),
            message: None,
            undo: Vec::new(),
            redo: Vec::new(),
            editor_width: 60,
            quit: false,
        };

        if app.is_empty() {
            return app;
        }
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
            app.cursor = Cursor {
                indicator: at / n,
                county: at % n,
            };
            app.open_editor_on_draft();
            app.inform(app.strings.draft_restored);
        }
        app
    }

    /// A database with no counties or no indicators: nothing to show but the header.
    pub fn is_empty(&self) -> bool {
        self.verdicts.is_empty()
    }

    fn index(&self, at: Cursor) -> usize {
        at.indicator * self.counties.len() + at.county
    }

    /// An item as read from the database; an empty one if it has not been read (the run loop
    /// reads what [`App::missing`] names before every frame).
    pub fn cell(&self, at: Cursor) -> &Cell {
        static EMPTY: Cell = Cell {
            submission: None,
            review: None,
            draft: None,
            changed_since_review: false,
        };
        self.cache.get(&self.index(at)).unwrap_or(&EMPTY)
    }

    fn cell_mut(&mut self, at: Cursor) -> &mut Cell {
        let k = self.index(at);
        self.cache.entry(k).or_default()
    }

    /// The verdict the figure suggests (see [`crate::check::suggested`]).
    pub fn suggestion(&self, at: Cursor) -> Option<Verdict> {
        let sub = self.cell(at).submission.as_ref()?;
        crate::check::suggested(&self.indicators[at.indicator], sub)
    }

    /// What looks wrong with the item's figure (see [`crate::check::flags`]).
    pub fn flags(&self, at: Cursor) -> Vec<crate::figure::FigureFlag> {
        self.cell(at)
            .submission
            .as_ref()
            .map(|sub| crate::check::flags(&self.indicators[at.indicator], sub))
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

    /// The items near the cursor not read yet: (indicator, first county, last county). The
    /// screen shows at most a few dozen rows; 64 either side cover any window.
    pub fn missing(&self) -> Option<(usize, usize, usize)> {
        if self.is_empty() {
            return None;
        }
        let mut wanted = vec![self.cursor];
        if let Some(e) = &self.editor {
            wanted.push(e.at);
        }
        for at in wanted {
            let lo = at.county.saturating_sub(64);
            let hi = (at.county + 64).min(self.counties.len() - 1);
            let base = at.indicator * self.counties.len();
            if (lo..=hi).any(|c| !self.cache.contains_key(&(base + c))) {
                return Some((at.indicator, lo, hi));
            }
        }
        None
    }

    /// Items read from the database for the screen (drafts kept beside them).
    pub fn loaded(&mut self, items: Vec<Item>) {
        if self.cache.len() > 20_000 {
            // Far more than any screen: start again from what is wanted now.
            self.cache.clear();
        }
        for item in items {
            if let Some(k) = self.item_index(&item.county_code, &item.indicator) {
                self.set_stale(k, item.changed_since_review);
                let draft = self.drafts.get(&k).cloned();
                self.cache.insert(
                    k,
                    Cell {
                        draft,
                        ..cell_of(item)
                    },
                );
            }
        }
        // An editor opened on a draft at start learns the saved note it was begun from.
        if self.editor_unread {
            if let Some(e) = &self.editor {
                let k = self.index(e.at);
                if let Some(cell) = self.cache.get(&k) {
                    let saved = cell.note().to_string();
                    self.editor_unread = false;
                    if let Some(e) = &mut self.editor {
                        e.saved = saved;
                    }
                }
            }
        }
    }

    fn item_index(&self, county_code: &str, indicator_id: &str) -> Option<usize> {
        let i = *self.indicator_at.get(indicator_id)?;
        let c = *self.county_at.get(county_code)?;
        Some(i * self.counties.len() + c)
    }

    /// Forget what was read (submissions changed under it): read again as needed.
    pub fn forget_cached(&mut self) {
        self.cache.clear();
    }

    pub fn current(&self) -> &Cell {
        self.cell(self.cursor)
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
    fn wants_review(&self, at: Cursor) -> bool {
        !self.is_reviewed(at) || self.is_stale(at)
    }

    fn set_stale(&mut self, k: usize, stale: bool) {
        let n = self.counties.len();
        if stale && self.stale.insert(k) {
            self.stale_count[k / n] += 1;
        } else if !stale && self.stale.remove(&k) {
            self.stale_count[k / n] -= 1;
        }
    }

    /// Every item whose figure changed after its verdict (read again after an import).
    pub fn set_stale_items(&mut self, items: &[(String, String)]) {
        self.stale.clear();
        self.stale_count.iter_mut().for_each(|c| *c = 0);
        for (county, indicator) in items {
            if let Some(k) = self.item_index(county, indicator) {
                self.set_stale(k, true);
            }
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

    /// The note editor, while open.
    pub fn editor(&self) -> Option<&NoteEditor> {
        self.editor.as_ref()
    }

    /// The finder, while open.
    pub fn finder(&self) -> Option<&Finder> {
        self.finder.as_ref()
    }

    /// How far the help overlay is scrolled, while it is open.
    pub fn help(&self) -> Option<usize> {
        self.help
    }

    /// The question a conflicting verdict asks, while it waits for an answer.
    pub fn conflict(&self) -> Option<&Conflict> {
        self.conflict.as_ref()
    }

    /// The selected item's history (`H`), while shown: the item, its events, the scroll.
    pub fn history(&self) -> Option<&(Cursor, Vec<LogEntry>, usize)> {
        self.history.as_ref()
    }

    /// The summary screen, while open.
    pub fn summary(&self) -> Option<&Summary> {
        self.summary.as_ref()
    }

    pub fn mode(&self) -> Mode {
        if self.conflict.is_some() && self.help.is_none() {
            return Mode::Conflict;
        }
        if self.history.is_some() && self.help.is_none() {
            return Mode::History;
        }
        if self.summary.is_some() && self.help.is_none() {
            return Mode::Summary;
        }
        match (&self.help, &self.editor, &self.finder) {
            (Some(_), _, _) => Mode::Help,
            (None, Some(e), _) if e.confirming => Mode::Confirm,
            (None, Some(_), _) => Mode::Editor,
            (None, None, Some(_)) => Mode::Search,
            (None, None, None) => Mode::Browse,
        }
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

    // ---- what is shown ----

    /// Whether the county's row shows for the indicator under the filter.
    pub fn county_shown(&self, indicator: usize, county: usize) -> bool {
        let at = Cursor { indicator, county };
        !self.only_unreviewed || at == self.cursor || self.wants_review(at)
    }

    /// Whether the indicator shows in the targets pane under the filter.
    pub fn indicator_shown(&self, indicator: usize) -> bool {
        if !self.only_unreviewed || indicator == self.cursor.indicator {
            return true;
        }
        match self.flow {
            Flow::ByIndicator => {
                self.reviewed[indicator] < self.counties.len() || self.stale_count[indicator] > 0
            }
            Flow::ByCounty => self.wants_review(Cursor {
                indicator,
                county: self.cursor.county,
            }),
        }
    }

    /// The counties shown for the current indicator, in order.
    pub fn shown_counties(&self) -> Vec<usize> {
        (0..self.counties.len())
            .filter(|&c| self.county_shown(self.cursor.indicator, c))
            .collect()
    }

    // ---- input ----

    /// A key press. Typing in the note editor is text; everything else goes through the keymap.
    pub fn key(&mut self, event: &KeyEvent) -> Vec<Effect> {
        if event.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let mode = self.mode();
        if let Some(action) = self.keymap.action(mode, event) {
            return self.update(action);
        }
        if matches!(mode, Mode::Editor | Mode::Search) {
            if let KeyCode::Char(c) = event.code {
                if !event
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                {
                    return self.type_text(&c.to_string());
                }
            }
        }
        Vec::new()
    }

    /// Pasted text (and what some input methods send as a paste) goes into the note editor.
    pub fn paste(&mut self, text: &str) -> Vec<Effect> {
        if matches!(self.mode(), Mode::Editor | Mode::Search) {
            self.type_text(text)
        } else {
            Vec::new()
        }
    }

    fn type_text(&mut self, text: &str) -> Vec<Effect> {
        if let (Mode::Search, Some(f)) = (self.mode(), self.finder.as_mut()) {
            // A query is one line.
            f.query.insert(&text.replace(['\n', '\r'], " "));
            self.find();
            return Vec::new();
        }
        let Some(editor) = self.editor.as_mut() else {
            return Vec::new();
        };
        editor.buffer.insert(text);
        self.draft_changed()
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        if self.is_empty() {
            if matches!(action, Action::Quit) {
                self.quit = true;
            }
            return Vec::new();
        }
        if self.mode() == Mode::Browse {
            self.message = None;
        }
        use Action::*;
        match action {
            NextCounty => self.step_county(true),
            PrevCounty => self.step_county(false),
            NextIndicator => self.step_indicator(true),
            PrevIndicator => self.step_indicator(false),
            NextTarget => self.step_target(true),
            PrevTarget => self.step_target(false),
            First if self.mode() != Mode::Summary => {
                if let Some(&c) = self.shown_counties().first() {
                    self.cursor.county = c;
                }
            }
            Last if self.mode() != Mode::Summary => {
                if let Some(&c) = self.shown_counties().last() {
                    self.cursor.county = c;
                }
            }
            NextUnreviewed => match self.next_unreviewed_from(Some(self.cursor)) {
                Some(at) => self.cursor = at,
                None => self.inform(self.strings.all_reviewed),
            },
            Mark(v) => {
                return vec![Effect::Review(Write {
                    at: self.cursor,
                    verdict: Some(Some(v)),
                    note: None,
                    why: Why::Mark,
                    // Over the verdict on screen only: another's newer verdict is asked about.
                    expected: Expected {
                        verdict: Some(self.verdict_of(self.cursor)),
                        note: None,
                    },
                })];
            }
            AcceptSuggestion => match self.suggestion(self.cursor) {
                Some(v) => return self.update(Mark(v)),
                None => self.inform(self.strings.no_suggestion),
            },
            Clear => {
                return vec![Effect::Review(Write {
                    at: self.cursor,
                    verdict: Some(None),
                    note: None,
                    why: Why::Clear,
                    expected: Expected {
                        verdict: Some(self.verdict_of(self.cursor)),
                        note: None,
                    },
                })];
            }
            EditNote => {
                let resumed = self.current().draft.is_some();
                self.open_editor();
                if resumed {
                    self.inform(self.strings.draft_resumed);
                }
            }
            Undo => match self.undo.pop() {
                Some(Step::Review(change)) => {
                    return vec![Effect::Review(Write {
                        at: change.at,
                        // A note's step leaves the verdict alone: writing it again would count
                        // as reviewing a changed figure anew.
                        verdict: (change.before.verdict != change.after.verdict)
                            .then_some(change.before.verdict),
                        note: Some(change.before.note.clone()),
                        expected: Expected {
                            verdict: Some(change.after.verdict),
                            note: Some(change.after.note.clone()),
                        },
                        why: Why::Undo(change),
                    })];
                }
                Some(Step::Discarded { at, text }) => {
                    // The thrown-away note comes back into the editor, as a draft again.
                    self.cursor = at;
                    self.open_editor();
                    if let Some(e) = &mut self.editor {
                        e.buffer = TextBuffer::new(&text);
                    }
                    self.inform(self.strings.draft_resumed);
                    return self.draft_changed();
                }
                None => self.inform(self.strings.nothing_to_undo),
            },
            Redo => match self.redo.pop() {
                Some(change) => {
                    return vec![Effect::Review(Write {
                        at: change.at,
                        verdict: (change.before.verdict != change.after.verdict)
                            .then_some(change.after.verdict),
                        note: Some(change.after.note.clone()),
                        expected: Expected {
                            verdict: Some(change.before.verdict),
                            note: Some(change.before.note.clone()),
                        },
                        why: Why::Redo(change),
                    })];
                }
                None => self.inform(self.strings.nothing_to_redo),
            },
            ToggleFilter => {
                self.only_unreviewed = !self.only_unreviewed;
                self.inform(if self.only_unreviewed {
                    self.strings.filter_on
                } else {
                    self.strings.filter_off
                });
            }
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
            Help => self.help = Some(0),
            Quit => self.quit = true,
            SaveNote => {
                if let Some(e) = &mut self.editor {
                    e.confirming = false;
                    return vec![Effect::Review(Write {
                        at: e.at,
                        verdict: None,
                        note: Some(e.buffer.text()),
                        why: Why::Note,
                        // Only if nobody changed the note since editing began.
                        expected: Expected {
                            verdict: None,
                            note: Some(e.saved.clone()),
                        },
                    })];
                }
            }
            NewLine => return self.type_text("\n"),
            CloseEditor => {
                if let Some(e) = &mut self.editor {
                    if e.buffer.text() == e.saved {
                        let at = e.at;
                        self.editor = None;
                        return self.drop_draft(at);
                    }
                    e.confirming = true;
                }
            }
            DiscardNote => {
                if let Some(e) = self.editor.take() {
                    // Kept for `u`: a stray key must not lose a note for good.
                    self.undo.push(Step::Discarded {
                        at: e.at,
                        text: e.buffer.text(),
                    });
                    self.inform(self.strings.draft_discarded);
                    return self.drop_draft(e.at);
                }
            }
            KeepEditing => {
                if let Some(e) = &mut self.editor {
                    e.confirming = false;
                }
            }
            CaretLeft | CaretRight if self.mode() == Mode::Search => {
                if let Some(f) = &mut self.finder {
                    if action == CaretLeft {
                        f.query.left();
                    } else {
                        f.query.right();
                    }
                }
            }
            CaretLeft | CaretRight | CaretUp | CaretDown | LineStart | LineEnd => {
                let width = self.editor_width;
                if let Some(e) = &mut self.editor {
                    let b = &mut e.buffer;
                    match action {
                        CaretLeft => b.left(),
                        CaretRight => b.right(),
                        CaretUp => b.up(width),
                        CaretDown => b.down(width),
                        LineStart => b.line_start(),
                        _ => b.line_end(),
                    }
                }
            }
            DeleteBack | DeleteForward if self.mode() == Mode::Search => {
                if let Some(f) = &mut self.finder {
                    if action == DeleteBack {
                        f.query.delete_back();
                    } else {
                        f.query.delete_forward();
                    }
                }
                self.find();
            }
            DeleteBack | DeleteForward => {
                if let Some(e) = &mut self.editor {
                    if action == DeleteBack {
                        e.buffer.delete_back();
                    } else {
                        e.buffer.delete_forward();
                    }
                    return self.draft_changed();
                }
            }
            // The notes are read again only if something changed since the last look.
            Search if self.notes_fresh => self.show_finder(),
            Search => return vec![Effect::LoadNotes],
            SearchNext | SearchPrev => {
                if let Some(f) = &mut self.finder {
                    if action == SearchNext {
                        f.selected = (f.selected + 1).min(f.count.saturating_sub(1));
                    } else {
                        f.selected = f.selected.saturating_sub(1);
                    }
                }
            }
            SearchJump => {
                if let Some(f) = self.finder.take() {
                    if let Some(hit) = f.found.nth(&self.index, f.selected) {
                        let jump = hit.jump;
                        self.jump(jump);
                    }
                }
            }
            SearchClose => self.finder = None,
            InsertStandardNote(n) => {
                let Some(note) = self
                    .standard_notes
                    .get(usize::from(n).wrapping_sub(1))
                    .cloned()
                else {
                    return Vec::new();
                };
                if let Some(e) = &mut self.editor {
                    // After text that does not end a clause, a standard note starts a new one.
                    let text: Vec<char> = e.buffer.text().chars().collect();
                    let before = text[..e.buffer.caret()].last().copied();
                    let separate = before.is_some_and(|c| !"，。；：、！？,.;:!? \n".contains(c));
                    let insert = if separate { format!("；{note}") } else { note };
                    e.buffer.insert(&insert);
                    return self.draft_changed();
                }
            }
            OpenSummary => self.summary = Some(self.summarize(Some(self.cursor.county))),
            CloseSummary => self.summary = None,
            SummaryJump => {
                if let Some(row) = self
                    .summary
                    .take()
                    .and_then(|v| v.rows.get(v.selected).cloned())
                {
                    self.cursor.county = row.county;
                    if self.only_unreviewed && !self.county_shown(self.cursor.indicator, row.county)
                    {
                        self.only_unreviewed = false;
                    }
                }
            }
            ScrollDown | ScrollUp | PageDown | PageUp | First | Last
                if self.mode() == Mode::Summary =>
            {
                let page = self.page_rows.max(1);
                if let Some(v) = &mut self.summary {
                    let last = v.rows.len().saturating_sub(1);
                    v.selected = match action {
                        ScrollDown => v.selected + 1,
                        ScrollUp => v.selected.saturating_sub(1),
                        PageDown => v.selected + page,
                        PageUp => v.selected.saturating_sub(page),
                        First => 0,
                        _ => last,
                    }
                    .min(last);
                }
            }
            PageDown | PageUp | First | Last => {}
            ScrollDown if self.mode() == Mode::History => {
                if let Some((_, events, scroll)) = &mut self.history {
                    *scroll = (*scroll + 1).min(events.len().saturating_sub(1));
                }
            }
            ScrollUp if self.mode() == Mode::History => {
                if let Some((_, _, scroll)) = &mut self.history {
                    *scroll = scroll.saturating_sub(1);
                }
            }
            ScrollDown => {
                // No further than the help's length (every binding, and a heading and a blank
                // line for each of the eight modes).
                let most = self.keymap.len() + 16;
                self.help = self.help.map(|s| (s + 1).min(most));
            }
            History => return vec![Effect::LoadHistory(self.cursor)],
            KeepMine => {
                if let Some(c) = self.conflict.take() {
                    let mut write = c.mine;
                    // Over their verdict now, knowingly.
                    write.expected = Expected {
                        verdict: Some(c.theirs),
                        note: None,
                    };
                    return vec![Effect::Review(write)];
                }
            }
            TakeTheirs => {
                if let Some(c) = self.conflict.take() {
                    let text = format!(
                        "{}{}{}",
                        self.strings.took_theirs,
                        self.strings.colon,
                        self.describe(c.mine.at, c.theirs)
                    );
                    self.inform(&text);
                }
            }
            CloseHistory => self.history = None,
            ScrollUp => self.help = self.help.map(|s| s.saturating_sub(1)),
            CloseHelp => self.help = None,
        }
        Vec::new()
    }

    /// What the finder looks through besides notes: targets, indicators (by their short name
    /// and their full wording) and counties.
    fn fixed_search_entries(&self) -> Vec<Entry> {
        let mut entries = Vec::new();
        for (t, target) in self.targets.iter().enumerate() {
            entries.push(Entry::new(
                Kind::Target,
                format!("{} {}", target.id, target.title),
                Jump::Target(t),
                &[],
            ));
        }
        for (i, ind) in self.indicators.iter().enumerate() {
            entries.push(Entry::new(
                Kind::Indicator,
                format!("{} {}", ind.id, ind.short),
                Jump::Indicator(i),
                &[&ind.text],
            ));
        }
        for (c, county) in self.counties.iter().enumerate() {
            entries.push(Entry::new(
                Kind::County,
                county.name.clone(),
                Jump::County(c),
                &[&county.code],
            ));
        }
        entries
    }

    /// The finder opens with every note as the database holds it now, grouped by text (the
    /// spellings of a text already known are kept, not worked out again).
    pub fn open_finder(&mut self, notes: Vec<(String, String, String)>) {
        let mut old: HashMap<String, NoteGroup> = self
            .index
            .take_notes()
            .into_iter()
            .map(|g| (g.note.clone(), g))
            .collect();
        let mut groups: Vec<NoteGroup> = Vec::new();
        let mut at_text: HashMap<String, usize> = HashMap::new();
        let county: HashMap<&str, usize> = self
            .counties
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.as_str(), i))
            .collect();
        let indicator: HashMap<&str, usize> = self
            .indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| (ind.id.as_str(), i))
            .collect();
        let mut placed: Vec<((usize, usize), usize)> = Vec::new();
        for (county_code, indicator_id, note) in &notes {
            let (Some(&c), Some(&i)) = (
                county.get(county_code.as_str()),
                indicator.get(indicator_id.as_str()),
            ) else {
                continue;
            };
            let one_line = note.replace(['\n', '\r'], " ");
            let g = *at_text.entry(one_line.clone()).or_insert_with(|| {
                let mut group = old
                    .remove(&one_line)
                    .unwrap_or_else(|| NoteGroup::new(&one_line));
                group.items.clear();
                groups.push(group);
                groups.len() - 1
            });
            placed.push(((i, c), g));
        }
        // Items in document order within each note.
        placed.sort();
        for ((i, c), g) in placed {
            groups[g].items.push((i, c));
        }
        self.index.set_notes(groups);
        self.notes_fresh = true;
        self.show_finder();
    }

    fn show_finder(&mut self) {
        // Targets, indicators and counties are indexed the first time the finder opens (not
        // at start: 2,844 counties' pinyin is work the first frame need not wait for).
        if self.index.entries().is_empty() {
            let entries = self.fixed_search_entries();
            self.index.set_entries(entries);
        }
        self.finder = Some(Finder {
            query: TextBuffer::default(),
            found: Found::default(),
            count: 0,
            selected: 0,
            searched: String::new(),
        });
    }

    /// Runs the finder's query: among the previous candidates when it only grew.
    fn find(&mut self) {
        let Some(f) = &mut self.finder else {
            return;
        };
        let query = crate::search::normalize(&f.query.text());
        let grew = !f.searched.is_empty() && query.starts_with(&f.searched);
        f.found = self.index.search(&query, grew.then_some(&f.found));
        f.count = f.found.len(&self.index);
        f.searched = query;
        f.selected = 0;
    }

    /// The text a hit shows, and the characters the query matched in it: an entry's own
    /// text, or "县 · 指标：备注" for a note.
    pub fn hit_text(&self, hit: &crate::search::Hit) -> (String, Vec<usize>) {
        let query = self
            .finder
            .as_ref()
            .map_or_else(String::new, |f| f.query.text());
        let positions = self.index.positions(hit, &query);
        match (hit.note, hit.jump) {
            (Some(g), Jump::Item { indicator, county }) => {
                let ind = &self.indicators[indicator];
                let prefix = format!(
                    "{} · {} {}：",
                    self.counties[county].name, ind.id, ind.short
                );
                let shift = prefix.chars().count();
                let positions = positions.iter().map(|p| p + shift).collect();
                (format!("{prefix}{}", self.index.notes()[g].note), positions)
            }
            _ => (
                self.index.entries()[hit.candidate.id].text.clone(),
                positions,
            ),
        }
    }

    fn jump(&mut self, jump: Jump) {
        match jump {
            Jump::Target(t) => self.cursor.indicator = self.targets[t].first,
            Jump::Indicator(i) => self.cursor.indicator = i,
            Jump::County(c) => self.cursor.county = c,
            Jump::Item { indicator, county } => self.cursor = Cursor { indicator, county },
        }
    }

    /// At start, before anything is read: the draft is all there is; the saved note is
    /// filled in once the item is read ([`App::loaded`]).
    fn open_editor_on_draft(&mut self) {
        let k = self.index(self.cursor);
        let text = self.drafts.get(&k).cloned().unwrap_or_default();
        self.editor = Some(NoteEditor {
            at: self.cursor,
            saved: String::new(),
            buffer: TextBuffer::new(&text),
            confirming: false,
        });
        self.editor_unread = true;
    }

    fn open_editor(&mut self) {
        let cell = self.current();
        let saved = cell.note().to_string();
        let k = self.index(self.cursor);
        let text = self
            .drafts
            .get(&k)
            .cloned()
            .unwrap_or_else(|| saved.clone());
        self.editor = Some(NoteEditor {
            at: self.cursor,
            saved,
            buffer: TextBuffer::new(&text),
            confirming: false,
        });
    }

    /// The editor's text changed: keep it as a draft, or drop the draft if it is the saved note.
    fn draft_changed(&mut self) -> Vec<Effect> {
        let Some(e) = &self.editor else {
            return Vec::new();
        };
        let (at, text) = (e.at, e.buffer.text());
        if text == e.saved {
            return self.drop_draft(at);
        }
        let k = self.index(at);
        self.drafts.insert(k, text.clone());
        self.cell_mut(at).draft = Some(text.clone());
        vec![Effect::SaveDraft { at, text }]
    }

    fn drop_draft(&mut self, at: Cursor) -> Vec<Effect> {
        let k = self.index(at);
        let had = self.drafts.remove(&k).is_some();
        if self.cell_mut(at).draft.take().is_some() || had {
            vec![Effect::DiscardDraft { at }]
        } else {
            Vec::new()
        }
    }

    // ---- results from the store ----

    /// A review was written (or failed to be). `item` is the item as the database now holds it.
    pub fn written(&mut self, write: Write, result: Result<(ReviewChange, Item), String>) {
        let (change, item) = match result {
            Ok(ok) => ok,
            Err(e) => {
                // Nothing moves: the undo or redo stays where it was, the editor stays open.
                match write.why {
                    Why::Undo(c) => self.undo.push(Step::Review(c)),
                    Why::Redo(c) => self.redo.push(c),
                    _ => {}
                }
                self.warn(
                    Level::Error,
                    format!("{}{}{e}", self.strings.save_failed, self.strings.colon),
                );
                return;
            }
        };
        let at = write.at;
        let was_stale = self.is_stale(at);
        self.refresh(at, item);
        let record = Change {
            at,
            before: State {
                verdict: change.from,
                note: change.from_note.clone(),
                on_old_figure: was_stale,
                revision: change.from_revision,
            },
            after: State {
                verdict: change.to,
                note: change.note.clone(),
                on_old_figure: self.is_stale(at),
                revision: change.to_revision,
            },
        };
        let s = self.strings;
        let what = self.describe(at, change.to);
        match write.why {
            Why::Mark | Why::Clear | Why::Note => {
                // A verdict given again on a changed figure is a review, but not a step to undo:
                // there is nothing on screen to put back.
                let undoable = change.from != change.to || change.from_note != change.note;
                if undoable {
                    self.undo.push(Step::Review(record));
                    self.redo.clear();
                }
                match write.why {
                    Why::Mark => {
                        self.inform(&format!("{}{}{what}", s.saved, s.colon));
                        self.advance();
                    }
                    Why::Clear => self.inform(&format!("{}{}{what}", s.cleared, s.colon)),
                    _ => {
                        let k = self.index(at);
                        self.drafts.remove(&k);
                        self.cell_mut(at).draft = None;
                        self.editor = None;
                        let where_ = self.name(at);
                        self.inform(&format!("{}{}{where_}", s.note_saved, s.colon));
                    }
                }
            }
            Why::Undo(original) => {
                self.redo.push(original);
                self.cursor = at;
                self.inform(&format!("{}{}{what}", s.undone, s.colon));
            }
            Why::Redo(original) => {
                self.undo.push(Step::Review(original));
                self.cursor = at;
                self.inform(&format!("{}{}{what}", s.redone, s.colon));
            }
        }
    }

    /// A conditional write found the item changed by someone else since: nothing was written,
    /// and the item shows what the database holds. An undo or redo step is dropped (it can no
    /// longer apply). A note stays in the editor: the reviewer sees the other note in the
    /// detail pane and decides — Enter again saves theirs over it, Esc offers to throw it away.
    pub fn changed_underneath(&mut self, write: Write, item: Item) {
        let at = write.at;
        self.refresh(at, item);
        self.cursor = at;
        let s = self.strings;
        if matches!(write.why, Why::Mark | Why::Clear) {
            let cell = self.cell(at);
            let by = cell
                .review
                .as_ref()
                .map_or_else(String::new, |r| r.reviewer.clone());
            self.conflict = Some(Conflict {
                theirs: cell.verdict(),
                by,
                mine: write,
            });
            return;
        }
        if write.why == Why::Note {
            let now = self.cell(at).note().to_string();
            if let Some(e) = &mut self.editor {
                e.saved = now;
            }
            self.warn(Level::Warning, s.note_changed_underneath.to_string());
            return;
        }
        let text = format!("{}{}{}", s.changed_underneath, s.colon, self.name(at));
        self.warn(Level::Warning, text);
    }

    /// Shows an item as the database now holds it, keeping this reviewer's draft.
    fn refresh(&mut self, at: Cursor, item: Item) {
        let was = self.is_reviewed(at);
        let k = self.index(at);
        let draft = self.drafts.get(&k).cloned();
        let cell = Cell {
            draft,
            ..cell_of(item)
        };
        self.verdicts[k] = cell.verdict();
        self.set_stale(k, cell.changed_since_review);
        self.cache.insert(k, cell);
        self.notes_fresh = false;
        let now = self.is_reviewed(at);
        match (was, now) {
            (false, true) => self.reviewed[at.indicator] += 1,
            (true, false) => self.reviewed[at.indicator] -= 1,
            _ => {}
        }
        if let Some(v) = &self.summary {
            // The same county stays selected as ranks move.
            let county = v.rows.get(v.selected).map(|r| r.county);
            self.summary = Some(self.summarize(county));
        }
    }

    /// Scores, ranks and tallies from the verdicts held (every item's, read or not).
    pub fn summarize(&self, selected_county: Option<usize>) -> Summary {
        let report = Report::count(
            &self.scorer,
            Verdicts {
                counties: self.counties.len(),
                of: &self.verdicts,
            },
            |k| self.stale.contains(&k),
        );
        let mut rows: Vec<SummaryRow> = report
            .counties
            .into_iter()
            .enumerate()
            .map(|(county, report)| SummaryRow { county, report })
            .collect();
        rows.sort_by_key(|r| (r.report.rank, r.county));
        let selected = selected_county
            .and_then(|c| rows.iter().position(|r| r.county == c))
            .unwrap_or(0);
        Summary {
            rows,
            targets: report.targets,
            max_score: crate::score::round2(self.scorer.max_score()),
            target_max: self.scorer.target_max().to_vec(),
            selected,
        }
    }

    /// Where this reviewer is, for the others to see.
    pub fn presence(&self) -> Option<crate::store::Presence> {
        let at = self.editor.as_ref().map_or(self.cursor, |e| e.at);
        (!self.is_empty()).then(|| crate::store::Presence {
            reviewer: self.reviewer.clone(),
            account: String::new(),
            indicator_id: self.indicators[at.indicator].id.clone(),
            county_code: self.counties[at.county].code.clone(),
            editing: self.editor.is_some(),
        })
    }

    /// Who else is in a workspace now.
    pub fn set_others(&mut self, others: Vec<crate::store::Presence>) {
        let find_i = |id: &str| self.indicator_at.get(id).copied();
        let find_c = |code: &str| self.county_at.get(code).copied();
        self.others = others
            .into_iter()
            .map(|p| Other {
                at: find_i(&p.indicator_id)
                    .zip(find_c(&p.county_code))
                    .map(|(indicator, county)| Cursor { indicator, county }),
                reviewer: p.reviewer,
                editing: p.editing,
            })
            .collect();
    }

    /// Another reviewer changed an item (seen in the log): show it as the database holds it,
    /// cursor untouched, and say so — a warning if it is the item I am on or writing about.
    pub fn changed_by_other(&mut self, event: &LogEntry, item: Item) {
        let Some(k) = self.item_index(&event.county_code, &event.indicator) else {
            return;
        };
        let n = self.counties.len();
        let (indicator, county) = (k / n, k % n);
        let at = Cursor { indicator, county };
        let before = self.cell(at).review.clone();
        self.refresh(at, item);
        if self.cell(at).review == before {
            // Already on screen (an undo that met it, say): nothing new to tell.
            return;
        }
        let s = self.strings;
        let mine = at == self.cursor || self.editor.as_ref().is_some_and(|e| e.at == at);
        let what = if event.from == event.to && event.note == event.from_note {
            // The same verdict given again on a changed figure.
            format!("{} {}", self.describe(at, event.to), s.confirmed)
        } else if event.from == event.to {
            format!("{} {}", self.name(at), s.note)
        } else {
            self.describe(at, event.to)
        };
        let text = format!("{} {}{}{what}", event.reviewer, s.changed_it, s.colon);
        if mine {
            self.warn(Level::Warning, format!("{text}（{}）", s.yours_too));
        } else {
            self.message = Some(Message {
                text,
                level: Level::Info,
            });
        }
    }

    /// An item as the database holds it now (changed in another of my own sessions).
    pub fn refresh_item(&mut self, county_code: &str, indicator_id: &str, item: Item) {
        if let Some(k) = self.item_index(county_code, indicator_id) {
            let n = self.counties.len();
            self.refresh(
                Cursor {
                    indicator: k / n,
                    county: k % n,
                },
                item,
            );
        }
    }

    /// The selected item's history, read from the log: shown until closed.
    pub fn history_loaded(&mut self, at: Cursor, events: Vec<LogEntry>) {
        self.history = Some((at, events, 0));
    }

    /// The database could not be read (notes, history, items for the screen): say so.
    pub fn read_failed(&mut self, error: String) {
        self.warn(
            Level::Error,
            format!("{}{}{error}", self.strings.read_failed, self.strings.colon),
        );
    }

    /// A draft could not be kept in the database: say so, keep typing.
    pub fn draft_failed(&mut self, error: String) {
        self.warn(
            Level::Warning,
            format!(
                "{}{}{error}",
                self.strings.draft_not_kept, self.strings.colon
            ),
        );
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

    fn inform(&mut self, text: &str) {
        self.message = Some(Message {
            text: text.to_string(),
            level: Level::Info,
        });
    }

    fn warn(&mut self, level: Level, text: String) {
        self.message = Some(Message { text, level });
    }

    // ---- movement ----

    fn step_county(&mut self, forward: bool) {
        let i = self.cursor.indicator;
        let n = self.counties.len();
        let c = self.cursor.county;
        let next = if forward {
            (c + 1..n).find(|&c| self.county_shown(i, c))
        } else {
            (0..c).rev().find(|&c| self.county_shown(i, c))
        };
        if let Some(c) = next {
            self.cursor.county = c;
        }
    }

    fn step_indicator(&mut self, forward: bool) {
        let i = self.cursor.indicator;
        let m = self.indicators.len();
        let next = if forward {
            (i + 1..m).find(|&i| self.indicator_shown(i))
        } else {
            (0..i).rev().find(|&i| self.indicator_shown(i))
        };
        if let Some(i) = next {
            self.cursor.indicator = i;
        }
    }

    fn step_target(&mut self, forward: bool) {
        let t = self.target_of[self.cursor.indicator];
        let targets: Vec<usize> = if forward {
            (t + 1..self.targets.len()).collect()
        } else {
            (0..t).rev().collect()
        };
        for t in targets {
            let row = &self.targets[t];
            if let Some(i) = (row.first..row.first + row.len).find(|&i| self.indicator_shown(i)) {
                self.cursor.indicator = i;
                return;
            }
        }
    }

    /// Items in the order the flow marks them.
    fn order(&self, k: usize) -> Cursor {
        let n = self.counties.len();
        let m = self.indicators.len();
        match self.flow {
            Flow::ByIndicator => Cursor {
                indicator: k / n,
                county: k % n,
            },
            Flow::ByCounty => Cursor {
                indicator: k % m,
                county: k / m,
            },
        }
    }

    fn rank(&self, at: Cursor) -> usize {
        match self.flow {
            Flow::ByIndicator => at.indicator * self.counties.len() + at.county,
            Flow::ByCounty => at.county * self.indicators.len() + at.indicator,
        }
    }

    /// The first unreviewed item after `from` in the flow's order (from the start if `None`),
    /// wrapping around.
    fn next_unreviewed_from(&self, from: Option<Cursor>) -> Option<Cursor> {
        let total = self.verdicts.len();
        let start = from.map_or(0, |at| self.rank(at) + 1);
        (0..total)
            .map(|k| self.order((start + k) % total))
            .find(|&at| self.wants_review(at))
    }

    /// After a mark: the next county of the same indicator (the next indicator for the same
    /// county when marking by county); after the last, the first unreviewed item beyond.
    fn advance(&mut self) {
        let at = self.cursor;
        match self.flow {
            Flow::ByIndicator => {
                let next = (at.county + 1..self.counties.len())
                    .find(|&c| self.county_shown(at.indicator, c));
                if let Some(c) = next {
                    self.cursor.county = c;
                    return;
                }
                let from = Cursor {
                    indicator: at.indicator,
                    county: self.counties.len() - 1,
                };
                match self.next_unreviewed_from(Some(from)) {
                    Some(next) => self.cursor = next,
                    None => self.inform(self.strings.all_reviewed),
                }
            }
            Flow::ByCounty => {
                let next = (at.indicator + 1..self.indicators.len()).find(|&i| {
                    !self.only_unreviewed
                        || self.wants_review(Cursor {
                            indicator: i,
                            county: at.county,
                        })
                });
                if let Some(i) = next {
                    self.cursor.indicator = i;
                    return;
                }
                let from = Cursor {
                    indicator: self.indicators.len() - 1,
                    county: at.county,
                };
                match self.next_unreviewed_from(Some(from)) {
                    Some(next) => self.cursor = next,
                    None => self.inform(self.strings.all_reviewed),
                }
            }
        }
    }
}

fn cell_of(item: Item) -> Cell {
    let submission = item.submission();
    let changed_since_review = item.changed_since_review;
    let review = item.reviewer.map(|reviewer| Review {
        verdict: item.verdict,
        note: item.note.unwrap_or_default(),
        reviewer,
        reviewed_at: item.reviewed_at.unwrap_or_default(),
    });
    Cell {
        submission,
        review,
        draft: None,
        changed_since_review,
    }
}

#[cfg(test)]
mod tests;
