use super::*;
use crate::catalog::{Catalog, embedded_counties};
use crate::model::Note;
use crate::model::Verdict::{Met, NotMet, PartlyMet};
use crate::store::{Expected, ReviewChange};
use crate::tui::action::Action;
use crate::tui::strings::ZH;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the store would do with a write: the same rules, in memory (a verdict under whoever
/// gave it, each reviewer's note their own in the item's thread).
#[derive(Default)]
struct FakeStore {
    reviews: HashMap<(usize, usize), Held>,
    log: Vec<(Cursor, Option<Verdict>, Option<Verdict>)>,
    fail: bool,
    /// Items put aside (marking's tests).
    aside: HashSet<(usize, usize)>,
    /// Batches written, each one transaction (marking's tests).
    transactions: usize,
}

/// An item's review as the fake store holds it.
#[derive(Debug, Clone, Default)]
struct Held {
    verdict: Option<Verdict>,
    reviewer: String,
    notes: Vec<Note>,
}

impl Held {
    /// A verdict `reviewer` gave, without a note.
    fn by(reviewer: &str, verdict: Option<Verdict>) -> Held {
        Held {
            verdict,
            reviewer: reviewer.into(),
            notes: Vec::new(),
        }
    }
}

impl FakeStore {
    /// An item's verdict and its latest note (empty without one).
    fn verdict_and_note(&self, indicator: usize, county: usize) -> (Option<Verdict>, String) {
        let held = self
            .reviews
            .get(&(indicator, county))
            .cloned()
            .unwrap_or_default();
        let note = held
            .notes
            .last()
            .map(|n| n.text.clone())
            .unwrap_or_default();
        (held.verdict, note)
    }

    fn run(&mut self, app: &mut App, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Review(write) => {
                    let result = self.write(app, &write);
                    app.written(write, result);
                }
                Effect::Reviews(batch) => {
                    let result = self.write_batch(app, &batch);
                    app.batch_written(batch, result);
                }
                Effect::PutAside { at, aside } => {
                    if aside {
                        self.aside.insert((at.indicator, at.county));
                    } else {
                        self.aside.remove(&(at.indicator, at.county));
                    }
                    app.aside_written(at, aside, Ok(()));
                }
                Effect::LoadNotes => {
                    let mut notes = Vec::new();
                    for (&(i, c), held) in &self.reviews {
                        for n in &held.notes {
                            notes.push((
                                app.counties[c].code.clone(),
                                app.indicators[i].id.clone(),
                                n.text.clone(),
                            ));
                        }
                    }
                    app.open_finder(notes);
                }
                _ => {}
            }
        }
    }

    /// A write as the App's reviewer.
    fn write(&mut self, app: &App, w: &Write) -> Result<(ReviewChange, Item), String> {
        let (name, account) = (app.reviewer.clone(), app.account.clone());
        self.write_as(app, w, &name, &account)
    }

    /// A write as `name` on `account`.
    fn write_as(
        &mut self,
        app: &App,
        w: &Write,
        name: &str,
        account: &str,
    ) -> Result<(ReviewChange, Item), String> {
        if self.fail {
            return Err("disk I/O error".into());
        }
        let key = (w.at.indicator, w.at.county);
        let mut held = self.reviews.get(&key).cloned().unwrap_or_default();
        let mine = held.notes.last().is_some_and(|n| n.is_by(name, account));
        let from_note = if mine {
            held.notes
                .last()
                .map(|n| n.text.clone())
                .unwrap_or_default()
        } else {
            String::new()
        };
        let from = held.verdict;
        let to = w.verdict.unwrap_or(from);
        let note = w.note.clone().unwrap_or_else(|| from_note.clone());
        let change = ReviewChange {
            from,
            to,
            from_note: from_note.clone(),
            note: note.clone(),
            confirmed: false,
            from_revision: None,
            to_revision: None,
            from_by: None,
        };
        if change.changed() {
            self.log.push((w.at, from, to));
        }
        if note != from_note {
            if mine {
                held.notes.pop();
            }
            if !note.is_empty() {
                held.notes.push(Note {
                    author: name.into(),
                    account: account.into(),
                    at: "2026-11-29T09:30:00+08:00".into(),
                    text: note,
                });
            }
        }
        if from != to || held.reviewer.is_empty() {
            held.reviewer = name.into();
        }
        held.verdict = to;
        self.reviews.insert(key, held.clone());
        // The submission is the store's too: it stays as it was.
        let sub = app.item(w.at).submission();
        let item = Item {
            county_code: app.counties[w.at.county].code.clone(),
            county: app.counties[w.at.county].name.clone(),
            indicator: app.indicators[w.at.indicator].id.clone(),
            value: sub.as_ref().map(|s| s.value.clone()),
            value_number: sub.as_ref().and_then(|s| s.value_number),
            numerator: sub.as_ref().and_then(|s| s.numerator),
            denominator: sub.as_ref().and_then(|s| s.denominator),
            evidence: sub.as_ref().map(|s| s.evidence.clone()),
            remark: sub.as_ref().map(|s| s.remark.clone()),
            verdict: to,
            note: Some(
                held.notes
                    .last()
                    .map(|n| n.text.clone())
                    .unwrap_or_default(),
            ),
            reviewer: Some(held.reviewer.clone()),
            reviewed_at: Some("2026-11-29T09:00:00+08:00".into()),
            changed_since_review: false,
            bare_fraction: false,
            converted_from: None,
            notes: held.notes,
            // The county's own assessment is the submission's: the store keeps it.
            self_verdict: app.own_verdict(w.at),
            self_score: sub.as_ref().and_then(|s| s.self_score),
            stages: crate::item::Stages::NONE,
            // The findings are the store's too: they stay as they were.
            cases: app.item(w.at).cases,
            void_reason: app.item(w.at).void_reason.clone(),
            verified: app.item(w.at).verified.clone(),
        };
        Ok((change, item))
    }
}

impl FakeStore {
    /// A batch as the store writes it: in one transaction, each write only where the item
    /// still holds what it expects.
    fn write_batch(&mut self, app: &App, batch: &Batch) -> Result<Vec<Answer>, String> {
        if self.fail {
            return Err("disk I/O error".into());
        }
        self.transactions += 1;
        let mut answers = Vec::new();
        for w in &batch.writes {
            let key = (w.at.indicator, w.at.county);
            let now = self.reviews.get(&key).and_then(|h| h.verdict);
            if w.expected.verdict.is_some_and(|v| v != now) {
                let mut item = app.item(w.at).clone();
                item.verdict = now;
                answers.push(Answer::Changed(item));
                continue;
            }
            let (change, item) = self.write(app, w)?;
            answers.push(Answer::Saved(change, item));
        }
        Ok(answers)
    }
}

fn workspace() -> Workspace {
    Workspace {
        catalog: Catalog::embedded_2014().unwrap(),
        counties: embedded_counties().unwrap(),
        reviews: Vec::new(),
        drafts: Vec::new(),
        position: None,
        reviewer: "张三".into(),
        account: "zhang".into(),
        owners: Vec::new(),
        me: None,
        set_aside: Vec::new(),
    }
}

fn app() -> App {
    App::new(workspace(), &ZH)
}

fn at(indicator: usize, county: usize) -> Cursor {
    Cursor { indicator, county }
}

fn press(app: &mut App, store: &mut FakeStore, action: Action) {
    let effects = app.update(action);
    store.run(app, effects);
}

#[test]
fn opens_on_the_first_item() {
    let app = app();
    assert_eq!(app.cursor, at(0, 0));
    assert_eq!(app.indicator().id, "1.1");
    assert_eq!(app.county().name, "柯城区");
    assert_eq!(app.progress(), (0, 127 * 6));
    assert_eq!(app.mode(), Mode::Browse);
}

#[test]
fn marking_moves_down_the_counties_then_to_the_next_indicator() {
    let mut app = app();
    let mut store = FakeStore::default();
    for (k, v) in [Met, PartlyMet, NotMet, Met, Met].into_iter().enumerate() {
        press(&mut app, &mut store, Action::Mark(v));
        assert_eq!(app.cursor, at(0, k + 1));
    }
    assert_eq!(app.item(at(0, 1)).verdict, Some(PartlyMet));
    // The sixth and last county of 1.1: on to the first unreviewed item of 1.2.
    press(&mut app, &mut store, Action::Mark(NotMet));
    assert_eq!(app.cursor, at(1, 0));
    assert_eq!(app.indicator_progress(0), (6, 6));
    assert_eq!(app.progress().0, 6);
    let message = app.message.clone().unwrap().text;
    assert!(message.contains("开化县 1.1"), "{message}");
    assert!(message.contains("未完成"), "{message}");
}

#[test]
fn after_the_last_county_the_next_unreviewed_item_is_taken() {
    let mut app = app();
    let mut store = FakeStore::default();
    // 1.2 already has its first two counties marked.
    app.cursor = at(1, 0);
    press(&mut app, &mut store, Action::Mark(Met));
    press(&mut app, &mut store, Action::Mark(Met));
    app.cursor = at(0, 5);
    press(&mut app, &mut store, Action::Mark(Met));
    assert_eq!(app.cursor, at(1, 2));
}

#[test]
fn marking_by_county_moves_along_the_indicators() {
    let mut app = app();
    let mut store = FakeStore::default();
    press(&mut app, &mut store, Action::ToggleFlow);
    assert_eq!(app.flow, Flow::ByCounty);
    press(&mut app, &mut store, Action::Mark(Met));
    assert_eq!(app.cursor, at(1, 0));
    app.cursor = at(126, 0);
    press(&mut app, &mut store, Action::Mark(Met));
    // After the county's last indicator: the next county's first unreviewed indicator.
    assert_eq!(app.cursor, at(0, 1));
    assert!(app.position().unwrap().by_county);
}

#[test]
fn clearing_stays_and_keeps_the_note() {
    let mut app = app();
    let mut store = FakeStore::default();
    press(&mut app, &mut store, Action::Mark(Met));
    press(&mut app, &mut store, Action::PrevCounty);
    press(&mut app, &mut store, Action::Clear);
    assert_eq!(app.cursor, at(0, 0));
    assert_eq!(app.current().verdict, None);
    assert_eq!(app.progress().0, 0);
}

#[test]
fn undo_and_redo_are_changes_of_their_own() {
    let mut app = app();
    let mut store = FakeStore::default();
    press(&mut app, &mut store, Action::Mark(Met));
    press(&mut app, &mut store, Action::Mark(NotMet));
    assert_eq!(app.cursor, at(0, 2));
    press(&mut app, &mut store, Action::Undo);
    // Back on the undone item, its verdict gone.
    assert_eq!(app.cursor, at(0, 1));
    assert_eq!(app.current().verdict, None);
    press(&mut app, &mut store, Action::Undo);
    assert_eq!(app.cursor, at(0, 0));
    assert_eq!(app.current().verdict, None);
    press(&mut app, &mut store, Action::Undo);
    assert_eq!(app.message.clone().unwrap().text, ZH.nothing_to_undo);
    press(&mut app, &mut store, Action::Redo);
    assert_eq!(app.item(at(0, 0)).verdict, Some(Met));
    press(&mut app, &mut store, Action::Redo);
    assert_eq!(app.item(at(0, 1)).verdict, Some(NotMet));
    press(&mut app, &mut store, Action::Redo);
    assert_eq!(app.message.clone().unwrap().text, ZH.nothing_to_redo);
    // Every step was written and logged: two marks, two undos, two redos.
    assert_eq!(store.log.len(), 6);
    assert_eq!(store.log[2], (at(0, 1), Some(NotMet), None));
    // A new change after an undo drops the redo.
    press(&mut app, &mut store, Action::Undo);
    press(&mut app, &mut store, Action::Mark(PartlyMet));
    press(&mut app, &mut store, Action::Redo);
    assert_eq!(app.message.clone().unwrap().text, ZH.nothing_to_redo);
}

#[test]
fn a_failed_write_changes_nothing_on_screen() {
    let mut app = app();
    let mut store = FakeStore {
        fail: true,
        ..FakeStore::default()
    };
    press(&mut app, &mut store, Action::Mark(Met));
    assert_eq!(app.cursor, at(0, 0));
    assert_eq!(app.current().verdict, None);
    let m = app.message.clone().unwrap();
    assert_eq!(m.level, Level::Error);
    assert!(m.text.contains("disk I/O error"), "{}", m.text);
}

#[test]
fn the_filter_hides_reviewed_items_but_never_the_selected_one() {
    let mut app = app();
    let mut store = FakeStore::default();
    press(&mut app, &mut store, Action::Mark(Met));
    press(&mut app, &mut store, Action::Mark(Met));
    press(&mut app, &mut store, Action::ToggleFilter);
    assert!(app.only_unreviewed);
    assert_eq!(app.shown_counties(), vec![2, 3, 4, 5]);
    press(&mut app, &mut store, Action::PrevCounty);
    assert_eq!(app.cursor, at(0, 2), "reviewed counties are skipped");
    // The selected item stays shown after it is marked, until the cursor leaves it.
    app.cursor = at(0, 5);
    press(&mut app, &mut store, Action::Mark(Met));
    press(&mut app, &mut store, Action::PrevIndicator);
    app.cursor = at(0, 2);
    for _ in 0..3 {
        press(&mut app, &mut store, Action::Mark(Met));
    }
    // 1.1 is done: it no longer shows once the cursor is elsewhere.
    assert_eq!(app.cursor, at(1, 0));
    assert!(!app.indicator_shown(0));
    press(&mut app, &mut store, Action::PrevIndicator);
    assert_eq!(app.cursor, at(1, 0));
    press(&mut app, &mut store, Action::ToggleFilter);
    assert!(app.indicator_shown(0));
    press(&mut app, &mut store, Action::PrevIndicator);
    assert_eq!(app.cursor, at(0, 0));
}

#[test]
fn next_unreviewed_wraps_around() {
    let mut app = app();
    let mut store = FakeStore::default();
    app.cursor = at(126, 5);
    press(&mut app, &mut store, Action::NextUnreviewed);
    assert_eq!(app.cursor, at(0, 0));
    press(&mut app, &mut store, Action::Mark(Met));
    app.cursor = at(126, 5);
    press(&mut app, &mut store, Action::NextUnreviewed);
    assert_eq!(app.cursor, at(0, 1));
}

#[test]
fn moving_between_targets_and_to_the_ends() {
    let mut app = app();
    let mut store = FakeStore::default();
    press(&mut app, &mut store, Action::NextTarget);
    assert_eq!(app.indicator().id, "2.1");
    press(&mut app, &mut store, Action::NextIndicator);
    press(&mut app, &mut store, Action::PrevTarget);
    assert_eq!(app.indicator().id, "1.1");
    press(&mut app, &mut store, Action::Last);
    assert_eq!(app.county().name, "开化县");
    press(&mut app, &mut store, Action::NextCounty);
    assert_eq!(app.county().name, "开化县", "stops at the last county");
    press(&mut app, &mut store, Action::First);
    assert_eq!(app.county().name, "柯城区");
    press(&mut app, &mut store, Action::PrevIndicator);
    assert_eq!(app.indicator().id, "1.1", "stops at the first indicator");
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

#[test]
fn a_note_is_kept_as_a_draft_while_typed_and_saved_on_enter() {
    let mut app = app();
    let mut store = FakeStore::default();
    assert!(app.key(&key('e')).is_empty());
    assert_eq!(app.mode(), Mode::Editor);
    // An input method commits a phrase at once.
    let effects = app.paste("佐证材料不足");
    assert_eq!(
        effects,
        vec![Effect::SaveDraft {
            at: at(0, 0),
            text: "佐证材料不足".into()
        }]
    );
    // Keys that mean something while browsing are text here.
    app.key(&key('q'));
    app.key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT));
    let effects = app.key(&key('1'));
    assert_eq!(
        effects,
        vec![Effect::SaveDraft {
            at: at(0, 0),
            text: "佐证材料不足q\n1".into()
        }]
    );
    assert!(!app.quit);
    assert_eq!(app.draft(at(0, 0)), Some("佐证材料不足q\n1"));
    let effects = app.key(&code(KeyCode::Enter));
    store.run(&mut app, effects);
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(app.current().note_text(), "佐证材料不足q\n1");
    assert_eq!(app.draft(app.cursor), None);
    assert_eq!(app.cursor, at(0, 0), "saving a note does not move on");
    // Undo takes the note back.
    press(&mut app, &mut store, Action::Undo);
    assert_eq!(app.current().note_text(), "");
}

#[test]
fn nothing_typed_is_lost_by_a_stray_escape() {
    let mut app = app();
    app.key(&key('e'));
    app.paste("台账不全");
    assert!(app.key(&code(KeyCode::Esc)).is_empty());
    assert_eq!(
        app.mode(),
        Mode::Confirm,
        "changes are never dropped without asking"
    );
    app.key(&code(KeyCode::Esc));
    assert_eq!(app.mode(), Mode::Editor);
    assert_eq!(app.editor().unwrap().buffer.text(), "台账不全");
    app.key(&code(KeyCode::Esc));
    let effects = app.key(&key('d'));
    assert_eq!(effects, vec![Effect::DiscardDraft { at: at(0, 0) }]);
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(app.draft(app.cursor), None);
    // Unchanged: Esc just closes.
    app.key(&key('e'));
    assert!(app.key(&code(KeyCode::Esc)).is_empty());
    assert_eq!(app.mode(), Mode::Browse);
}

#[test]
fn deleting_back_to_the_saved_note_drops_the_draft() {
    let mut app = app();
    app.key(&key('e'));
    app.paste("甲");
    let effects = app.key(&code(KeyCode::Backspace));
    assert_eq!(effects, vec![Effect::DiscardDraft { at: at(0, 0) }]);
}

#[test]
fn a_draft_left_behind_is_offered_back_at_start() {
    let mut ws = workspace();
    ws.drafts = vec![Draft {
        county_code: "330881".into(),
        indicator_id: "2.3".into(),
        text: "数据口径不一致".into(),
        saved_at: "2026-11-29T09:00:00+08:00".into(),
    }];
    ws.position = Some(Position {
        indicator_id: "1.5".into(),
        county_code: "330802".into(),
        by_county: false,
    });
    let app = App::new(ws, &ZH);
    assert_eq!(app.mode(), Mode::Editor);
    assert_eq!(app.indicator().id, "2.3");
    assert_eq!(app.county().name, "江山市");
    let editor = app.editor().unwrap();
    assert_eq!(editor.buffer.text(), "数据口径不一致");
    assert_eq!(editor.saved, "");
    assert_eq!(app.message.clone().unwrap().text, ZH.draft_restored);
}

#[test]
fn the_reviewers_place_is_taken_up_again() {
    let mut ws = workspace();
    ws.position = Some(Position {
        indicator_id: "3.2".into(),
        county_code: "330825".into(),
        by_county: true,
    });
    let app = App::new(ws, &ZH);
    assert_eq!(app.indicator().id, "3.2");
    assert_eq!(app.county().name, "龙游县");
    assert_eq!(app.flow, Flow::ByCounty);
    // A place that no longer exists (another targets file) falls back to the start.
    let mut ws = workspace();
    ws.position = Some(Position {
        indicator_id: "99.1".into(),
        county_code: "330802".into(),
        by_county: false,
    });
    assert_eq!(App::new(ws, &ZH).cursor, at(0, 0));
}

#[test]
fn help_and_quit() {
    let mut app = app();
    app.key(&key('?'));
    assert_eq!(app.mode(), Mode::Help);
    app.key(&key('j'));
    assert_eq!(app.help(), Some(1));
    app.key(&key('q'));
    assert_eq!(app.mode(), Mode::Browse);
    assert!(!app.quit, "q closes help first");
    app.key(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit);
}

#[test]
fn help_pages_and_goes_to_either_end() {
    let mut app = app();
    app.help_rows = 10;
    app.key(&key('?'));
    let last = app.help_len() - 10;
    assert!(last > 20, "the help is longer than two pages: {last}");
    app.key(&key(' '));
    assert_eq!(app.help(), Some(10));
    app.key(&KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE));
    assert_eq!(app.help(), Some(20));
    app.key(&key('b'));
    assert_eq!(app.help(), Some(10));
    app.key(&KeyEvent::new(KeyCode::PageUp, KeyModifiers::NONE));
    app.key(&KeyEvent::new(KeyCode::PageUp, KeyModifiers::NONE));
    assert_eq!(app.help(), Some(0), "not above the top");
    app.key(&key('G'));
    assert_eq!(app.help(), Some(last), "the last page, not past it");
    app.key(&key('j'));
    app.key(&key(' '));
    assert_eq!(app.help(), Some(last));
    // A line up from the bottom shows at once (nothing hidden past the end to scroll back).
    app.key(&key('k'));
    assert_eq!(app.help(), Some(last - 1));
    app.key(&key('g'));
    assert_eq!(app.help(), Some(0));
    app.key(&KeyEvent::new(KeyCode::End, KeyModifiers::NONE));
    assert_eq!(app.help(), Some(last));
    app.key(&KeyEvent::new(KeyCode::Home, KeyModifiers::NONE));
    assert_eq!(app.help(), Some(0));
    // Still the help: g and G did not move the cursor underneath.
    assert_eq!(app.mode(), Mode::Help);
    assert_eq!(app.cursor, at(0, 0));
}

#[test]
fn an_undo_overtaken_by_someone_else_is_dropped_and_the_truth_shown() {
    let mut app = app();
    let mut store = FakeStore::default();
    press(&mut app, &mut store, Action::Mark(Met));
    let effects = app.update(Action::Undo);
    let Some(Effect::Review(write)) = effects.into_iter().next() else {
        panic!("undo writes");
    };
    // Meanwhile another reviewer marked it not met.
    let mut theirs = store
        .write(
            &app,
            &Write {
                at: at(0, 0),
                verdict: Some(Some(NotMet)),
                note: Some("复核未通过".into()),
                why: Why::Mark,
                expected: Expected::default(),
            },
        )
        .unwrap()
        .1;
    theirs.reviewer = Some("李四".into());
    app.changed_underneath(write, theirs);
    assert_eq!(app.cursor, at(0, 0));
    assert_eq!(app.current().verdict, Some(NotMet));
    assert_eq!(app.current().reviewer.as_deref(), Some("李四"));
    assert_eq!(app.message.clone().unwrap().level, Level::Warning);
    // The step is gone: nothing left to undo.
    press(&mut app, &mut store, Action::Undo);
    assert_eq!(app.message.clone().unwrap().text, ZH.nothing_to_undo);
}

#[test]
fn finding_by_pinyin_initials_and_jumping_there() {
    let mut app = app();
    let mut store = FakeStore::default();
    let effects = app.key(&key('/'));
    store.run(&mut app, effects);
    assert_eq!(app.mode(), Mode::Search);
    for c in "dbbz".chars() {
        app.key(&key(c));
    }
    let f = app.finder().unwrap();
    let first = &app.index.entries()[f.found.entries[0].id];
    assert!(first.text.contains("低保标准"), "{}", first.text);
    app.key(&code(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::Browse);
    assert!(app.indicator().short.contains("低保标准"));
    press(&mut app, &mut store, Action::Mark(Met));
    assert_eq!(app.indicator_progress(app.cursor.indicator).0, 1);
}

#[test]
fn the_finder_finds_counties_and_notes_and_esc_goes_back() {
    let mut app = app();
    let mut store = FakeStore::default();
    // A note to find.
    app.key(&key('e'));
    app.paste("台账不全");
    let effects = app.key(&code(KeyCode::Enter));
    store.run(&mut app, effects);
    app.cursor = at(5, 3);
    let effects = app.key(&key('/'));
    store.run(&mut app, effects);
    app.paste("台账");
    app.key(&code(KeyCode::Enter));
    assert_eq!(app.cursor, at(0, 0), "a note's hit goes to its item");
    let effects = app.key(&key('/'));
    store.run(&mut app, effects);
    app.paste("ｑｊ");
    let f = app.finder().unwrap();
    assert_eq!(app.index.entries()[f.found.entries[0].id].text, "衢江区");
    app.key(&code(KeyCode::Down));
    app.key(&code(KeyCode::Up));
    app.key(&code(KeyCode::Enter));
    assert_eq!(app.county().name, "衢江区");
    let effects = app.key(&key('/'));
    store.run(&mut app, effects);
    app.paste("开化");
    app.key(&code(KeyCode::Esc));
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(
        app.county().name,
        "衢江区",
        "Esc leaves the cursor where it was"
    );
}

#[test]
fn standard_notes_insert_with_one_key() {
    let mut app = app();
    app.standard_notes = vec!["佐证材料不足".into(), "台账不全".into()];
    app.key(&key('e'));
    app.key(&KeyEvent::new(KeyCode::Char('1'), KeyModifiers::ALT));
    app.key(&KeyEvent::new(KeyCode::Char('2'), KeyModifiers::ALT));
    // A key without a note does nothing.
    app.key(&KeyEvent::new(KeyCode::Char('9'), KeyModifiers::ALT));
    assert_eq!(
        app.editor().unwrap().buffer.text(),
        "佐证材料不足；台账不全"
    );
}

#[test]
fn a_note_thrown_away_comes_back_with_undo() {
    let mut app = app();
    app.key(&key('e'));
    app.paste("写了很久的备注");
    app.key(&code(KeyCode::Esc));
    let effects = app.key(&key('d'));
    assert_eq!(effects, vec![Effect::DiscardDraft { at: at(0, 0) }]);
    assert_eq!(app.mode(), Mode::Browse);
    let effects = app.key(&key('u'));
    assert_eq!(app.mode(), Mode::Editor);
    assert_eq!(app.editor().unwrap().buffer.text(), "写了很久的备注");
    assert_eq!(
        effects,
        vec![Effect::SaveDraft {
            at: at(0, 0),
            text: "写了很久的备注".into()
        }]
    );
}

#[test]
fn a_note_goes_below_a_colleagues_and_asks_only_if_my_own_changed_underneath() {
    let mut app = app();
    let mut store = FakeStore::default();
    // 李四 wrote a note first: mine starts empty, a new note below theirs.
    let lisi = Write {
        at: at(0, 0),
        verdict: None,
        note: Some("李四的意见".into()),
        why: Why::Note,
        expected: Expected::default(),
    };
    let (_, theirs) = store.write_as(&app, &lisi, "李四", "lisi").unwrap();
    app.loaded(vec![theirs]);
    app.key(&key('e'));
    assert_eq!(
        app.editor().unwrap().saved,
        "",
        "李四's note is not mine to change"
    );
    app.paste("我的意见");
    let Some(Effect::Review(write)) = app.key(&code(KeyCode::Enter)).into_iter().next() else {
        panic!("saving writes");
    };
    assert_eq!(
        write.expected.note.as_deref(),
        Some(""),
        "only if I still have no note of my own there"
    );
    store.run(&mut app, vec![Effect::Review(write)]);
    let thread: Vec<(&str, &str)> = app
        .current()
        .notes
        .iter()
        .map(|n| (n.author.as_str(), n.text.as_str()))
        .collect();
    assert_eq!(thread, vec![("李四", "李四的意见"), ("张三", "我的意见")]);
    // e again: my own note, the latest, is what I change.
    app.key(&key('e'));
    assert_eq!(app.editor().unwrap().saved, "我的意见");
    app.paste("，已核实");
    let Some(Effect::Review(write)) = app.key(&code(KeyCode::Enter)).into_iter().next() else {
        panic!("saving writes");
    };
    // Meanwhile my note was changed in another session of mine: asked, nothing lost.
    let mut now = app.current().clone();
    if let Some(n) = now.notes.last_mut() {
        n.text = "另一个窗口改的".into();
    }
    app.changed_underneath(write, now);
    assert_eq!(app.mode(), Mode::Editor);
    assert_eq!(app.editor().unwrap().buffer.text(), "我的意见，已核实");
    assert_eq!(app.editor().unwrap().saved, "另一个窗口改的");
    let Some(Effect::Review(write)) = app.key(&code(KeyCode::Enter)).into_iter().next() else {
        panic!("saving writes");
    };
    assert_eq!(write.expected.note.as_deref(), Some("另一个窗口改的"));
}

#[test]
fn a_mark_over_a_verdict_i_have_not_seen_asks_first() {
    let mut app = app();
    let mut store = FakeStore::default();
    let Some(Effect::Review(write)) = app.update(Action::Mark(Met)).into_iter().next() else {
        panic!("a mark writes");
    };
    assert_eq!(
        write.expected.verdict,
        Some(None),
        "over the verdict on screen only"
    );
    // The store found 李四's verdict there.
    let mut theirs = store
        .write(
            &app,
            &Write {
                at: at(0, 0),
                verdict: Some(Some(NotMet)),
                note: None,
                why: Why::Mark,
                expected: Expected::default(),
            },
        )
        .unwrap()
        .1;
    theirs.reviewer = Some("李四".into());
    app.changed_underneath(write.clone(), theirs.clone());
    assert_eq!(app.mode(), Mode::Conflict);
    assert_eq!(app.current().verdict, Some(NotMet), "theirs is on screen");
    let c = app.conflict().cloned().unwrap();
    assert_eq!((c.theirs, c.by.as_str()), (Some(NotMet), "李四"));
    // Keep mine: written over theirs, knowingly.
    let Some(Effect::Review(again)) = app.key(&key('y')).into_iter().next() else {
        panic!("keeping mine writes");
    };
    assert_eq!(again.verdict, Some(Some(Met)));
    assert_eq!(again.expected.verdict, Some(Some(NotMet)));
    assert_eq!(app.mode(), Mode::Browse);
    // Take theirs: nothing written.
    app.changed_underneath(write, theirs);
    assert!(app.key(&key('t')).is_empty());
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(app.current().verdict, Some(NotMet));
}

#[test]
fn others_changes_show_without_moving_the_cursor() {
    let mut app = app();
    app.cursor = at(3, 2);
    let mut store = FakeStore::default();
    let mut item = store
        .write(
            &app,
            &Write {
                at: at(0, 0),
                verdict: Some(Some(PartlyMet)),
                note: Some("补充材料后复核".into()),
                why: Why::Mark,
                expected: Expected::default(),
            },
        )
        .unwrap()
        .1;
    item.reviewer = Some("李四".into());
    let event = crate::store::LogEntry {
        seq: 9,
        at: "2026-11-29T10:00:00+08:00".into(),
        reviewer: "李四".into(),
        account: "lisi".into(),
        county_code: "330802".into(),
        indicator: "1.1".into(),
        from: None,
        to: Some(PartlyMet),
        from_note: String::new(),
        note: "补充材料后复核".into(),
    };
    app.changed_by_other(&event, item.clone());
    assert_eq!(app.cursor, at(3, 2));
    assert_eq!(app.item(at(0, 0)).verdict, Some(PartlyMet));
    assert_eq!(app.progress().0, 1);
    let m = app.message.clone().unwrap();
    assert!(m.text.starts_with("李四 刚修改了"), "{}", m.text);
    assert_eq!(m.level, Level::Info);
    // On the item I am on: a warning.
    app.cursor = at(0, 0);
    app.message = None;
    item.verdict = Some(NotMet);
    app.changed_by_other(&event, item);
    assert_eq!(app.message.clone().unwrap().level, Level::Warning);
    // Presence: where the others are.
    app.set_others(vec![crate::store::Presence {
        reviewer: "王五".into(),
        account: "wangwu".into(),
        indicator_id: "1.1".into(),
        county_code: "330803".into(),
        editing: true,
    }]);
    assert_eq!(app.others[0].at, Some(at(0, 1)));
    assert!(app.others[0].editing);
}

#[test]
fn enter_takes_what_the_figure_suggests_and_contradictions_show() {
    let mut ws = workspace();
    ws.reviews = Vec::new();
    let mut app = App::new(ws, &ZH);
    // 1.2 照料中心覆盖率(城市) ≥ 70%: 柯城区 reports 52.4%, 衢江区 83.3%.
    let item = |county: &str, value: &str, number: f64| Item {
        county_code: county.into(),
        indicator: "1.2".into(),
        value: Some(value.into()),
        value_number: Some(number),
        ..UNREAD.clone()
    };
    app.loaded(vec![
        item("330802", "52.4%", 52.4),
        item("330803", "83.3%", 83.3),
    ]);
    app.cursor = at(1, 0);
    assert_eq!(app.suggestion(at(1, 0)), Some(NotMet));
    assert_eq!(app.suggestion(at(1, 1)), Some(Met));
    let mut store = FakeStore::default();
    let effects = app.key(&code(KeyCode::Enter));
    let Some(Effect::Review(w)) = effects.first() else {
        panic!("Enter marks");
    };
    assert_eq!(w.verdict, Some(Some(NotMet)));
    store.run(&mut app, effects);
    assert_eq!(app.cursor, at(1, 1), "and moves on, as a mark does");
    // Met on a figure short of 70%: flagged.
    app.cursor = at(1, 0);
    press(&mut app, &mut store, Action::Mark(Met));
    assert!(app.contradicts(at(1, 0)));
    assert!(!app.contradicts(at(1, 1)));
    // Nothing to suggest on an item without a comparable figure.
    app.cursor = at(0, 0);
    assert!(app.key(&code(KeyCode::Enter)).is_empty());
    assert_eq!(app.message.clone().unwrap().text, ZH.no_suggestion);
}

#[test]
fn undoing_a_note_leaves_the_verdict_alone() {
    let mut app = app();
    let mut store = FakeStore::default();
    press(&mut app, &mut store, Action::Mark(Met));
    press(&mut app, &mut store, Action::PrevCounty);
    press(&mut app, &mut store, Action::EditNote);
    let effects = app.type_text("台账齐全");
    store.run(&mut app, effects);
    press(&mut app, &mut store, Action::SaveNote);
    assert_eq!(app.item(at(0, 0)).note_text(), "台账齐全");
    // Undo writes the note back and nothing else: the verdict written again would count as a
    // review of a figure changed since.
    let effects = app.update(Action::Undo);
    match effects.as_slice() {
        [Effect::Review(w)] => {
            assert_eq!(w.verdict, None);
            assert_eq!(w.note.as_deref(), Some(""));
        }
        other => panic!("{other:?}"),
    }
    store.run(&mut app, effects);
    let effects = app.update(Action::Redo);
    match effects.as_slice() {
        [Effect::Review(w)] => assert_eq!(w.verdict, None),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_verdict_on_a_changed_figure_is_where_n_and_the_filter_go() {
    let state = |code: &str, changed| ReviewState {
        county_code: code.into(),
        indicator_id: "1.1".into(),
        verdict: Some(Met),
        changed_since_review: changed,
        by_other: false,
    };
    let mut ws = workspace();
    ws.reviews = vec![state("330802", true), state("330803", false)];
    let mut app = App::new(ws, &ZH);
    // 柯城区's verdict was given on a figure since changed: it comes first, as unreviewed would.
    assert_eq!(app.cursor, at(0, 0));
    assert!(app.is_stale(at(0, 0)));
    assert_eq!(app.stale_total(), 1);
    assert_eq!(app.progress().0, 2, "it still counts as reviewed");
    app.update(Action::ToggleFilter);
    app.update(Action::NextCounty);
    assert_eq!(
        app.cursor,
        at(0, 2),
        "衢江区 (reviewed, unchanged) is filtered out"
    );
    assert!(app.county_shown(0, 0));
    assert!(!app.county_shown(0, 1));
}

#[test]
fn undoing_a_review_of_a_changed_figure_puts_back_the_old_figures_verdict() {
    let mut ws = workspace();
    ws.reviews = vec![ReviewState {
        county_code: "330802".into(),
        indicator_id: "1.1".into(),
        verdict: Some(Met),
        changed_since_review: true,
        by_other: false,
    }];
    let mut app = App::new(ws, &ZH);
    let mut store = FakeStore::default();
    store.reviews.insert(
        (0, 0),
        Held {
            verdict: Some(Met),
            reviewer: "张三".into(),
            notes: Vec::new(),
        },
    );
    assert!(app.is_stale(at(0, 0)));
    press(&mut app, &mut store, Action::Mark(NotMet));
    assert!(!app.is_stale(at(0, 0)), "reviewed on the figure there now");
    match app.update(Action::Undo).as_slice() {
        [Effect::Review(w)] => match &w.why {
            Why::Undo(c) => {
                assert!(
                    c.before.on_old_figure,
                    "the verdict put back was the old figure's"
                );
                assert!(!c.after.on_old_figure);
                assert_eq!(w.verdict, Some(Some(Met)));
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_account_that_may_only_look_moves_and_finds_but_changes_nothing() {
    let mut app = app();
    let mut store = FakeStore::default();
    press(&mut app, &mut store, Action::Mark(Met));
    app.cursor = at(0, 0);
    app.browse_only("mallory");
    let refusal = ZH.browse_only.replace("{account}", "mallory");
    // Said at once, and again on every write action; nothing is asked of the store.
    assert_eq!(app.message.clone().unwrap().text, refusal);
    for action in [
        Action::Mark(NotMet),
        Action::AcceptSuggestion,
        Action::Clear,
        Action::EditNote,
        Action::Undo,
        Action::Redo,
    ] {
        app.message = None;
        assert!(
            app.update(action).is_empty(),
            "{action:?} asked for a write"
        );
        let m = app.message.clone().unwrap();
        assert_eq!(
            (m.text.as_str(), m.level),
            (refusal.as_str(), Level::Warning)
        );
        assert_eq!(app.mode(), Mode::Browse, "{action:?}");
    }
    assert!(
        refusal.contains("kaohe reviewers add mallory --name"),
        "{refusal}"
    );
    assert_eq!(store.log.len(), 1, "only the mark made before");
    assert_eq!(app.item(at(0, 0)).verdict, Some(Met));
    // Looking goes on as before.
    press(&mut app, &mut store, Action::NextCounty);
    assert_eq!(app.cursor, at(0, 1));
    press(&mut app, &mut store, Action::OpenSummary);
    assert_eq!(app.mode(), Mode::Summary);
}

#[test]
fn a_draft_is_not_opened_for_an_account_that_may_only_look() {
    let mut ws = workspace();
    ws.drafts = vec![Draft {
        county_code: "330881".into(),
        indicator_id: "2.3".into(),
        text: "数据口径不一致".into(),
        saved_at: "2026-11-29T09:00:00+08:00".into(),
    }];
    let mut app = App::new(ws, &ZH);
    assert_eq!(app.mode(), Mode::Editor);
    app.browse_only("4666");
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(
        app.draft(app.cursor),
        Some("数据口径不一致"),
        "kept, not lost"
    );
    assert!(app.message.clone().unwrap().text.starts_with("4666 "));
}

#[test]
fn a_paste_while_browsing_acts_on_nothing_and_says_so_when_it_ends() {
    let mut app = app();
    let before = app.cursor;
    // Lines full of keys that mark and move.
    assert!(app.paste("1 完成\n2 jjl\n3 q").is_empty());
    assert!(app.paste("\ne 1").is_empty());
    assert_eq!(
        (app.cursor, app.mode(), app.quit),
        (before, Mode::Browse, false)
    );
    assert_eq!(app.progress().0, 0);
    app.paste_ended(false, 1024);
    let m = app.message.clone().unwrap();
    assert_eq!(m.level, Level::Warning);
    assert_eq!(
        m.text,
        "粘贴的 18 个字符没有当作按键执行（要写备注，请先按 e）"
    );
    // An input method's phrase neither.
    assert!(app.phrase("2023年").is_empty());
    assert_eq!(app.progress().0, 0);
    assert!(
        app.message
            .clone()
            .unwrap()
            .text
            .contains("5 个字符没有当作按键执行")
    );
}

#[test]
fn a_paste_in_the_editor_is_text_and_is_counted_when_it_ends() {
    let mut app = app();
    app.key(&key('e'));
    let effects = app.paste("台账不全\n请补充");
    assert_eq!(
        effects,
        vec![Effect::SaveDraft {
            at: at(0, 0),
            text: "台账不全\n请补充".into()
        }]
    );
    app.paste("2份");
    app.paste_ended(false, 1024);
    assert_eq!(app.message.clone().unwrap().text, "已粘贴 10 个字符");
    assert_eq!(app.editor().unwrap().buffer.text(), "台账不全\n请补充2份");
    // The reader said it cut the paste: the message says so.
    app.paste("x");
    app.paste_ended(true, 64 * 1024);
    assert_eq!(
        app.message.clone().unwrap().text,
        "粘贴的内容超过 64 KiB，只保留了前 1 个字符"
    );
}

#[test]
fn a_note_holds_at_most_64_kib_typed_or_pasted() {
    let mut app = app();
    app.key(&key('e'));
    let almost = "台".repeat(NOTE_LIMIT / 3); // 65,535 bytes
    app.paste(&almost);
    // One more Chinese character does not fit (nor anything after it in the paste).
    app.paste("账x");
    app.paste_ended(false, NOTE_LIMIT);
    let text = app.editor().unwrap().buffer.text();
    assert_eq!(text.len(), NOTE_LIMIT - 1);
    assert_eq!(
        app.message.clone().unwrap().text,
        "粘贴的内容超过 64 KiB，只保留了前 21845 个字符"
    );
    // A letter typed then fills the last byte.
    app.key(&key('y'));
    assert_eq!(app.editor().unwrap().buffer.text().len(), NOTE_LIMIT);
    // Full: a key typed adds nothing, and says why.
    assert!(app.key(&key('z')).is_empty());
    assert_eq!(app.editor().unwrap().buffer.text().len(), NOTE_LIMIT);
    assert_eq!(
        app.message.clone().unwrap().text,
        "最多只能写 64 KiB，多出的文字没有加入"
    );
}

/// 王五's verdict and note on an item, as the store reads it back.
fn colleagues(app: &App, at: Cursor, verdict: Verdict) -> Item {
    Item {
        county_code: app.counties[at.county].code.clone(),
        county: app.counties[at.county].name.clone(),
        indicator: app.indicators[at.indicator].id.clone(),
        verdict: Some(verdict),
        note: Some("督导记录不全".into()),
        reviewer: Some("王五".into()),
        reviewed_at: Some("2026-11-29T09:30:00+08:00".into()),
        notes: vec![Note {
            author: "王五".into(),
            account: "wangwu".into(),
            at: "2026-11-29T09:30:00+08:00".into(),
            text: "督导记录不全".into(),
        }],
        ..UNREAD.clone()
    }
}

#[test]
fn the_flow_passes_by_a_colleagues_verdict_and_marking_it_asks_first() {
    let mut ws = workspace();
    // 王五 marked 开化县 1.1 基本完成 with a note (kaohe --reviewer 王五 mark 开化县 1.1 …).
    ws.reviews = vec![ReviewState {
        county_code: "330824".into(),
        indicator_id: "1.1".into(),
        verdict: Some(PartlyMet),
        changed_since_review: false,
        by_other: true,
    }];
    let mut app = App::new(ws, &ZH);
    let mut store = FakeStore::default();
    store.reviews.insert(
        (0, 5),
        Held {
            verdict: Some(PartlyMet),
            reviewer: "王五".into(),
            notes: colleagues(&app, at(0, 5), PartlyMet).notes,
        },
    );
    assert!(app.marked_by_other(at(0, 5)));
    for county in 0..5 {
        assert_eq!(app.cursor, at(0, county));
        press(&mut app, &mut store, Action::Mark(Met));
    }
    // After 常山县 the flow passes 开化县 by: on to 1.2.
    assert_eq!(app.cursor, at(1, 0));
    assert_eq!(store.log.len(), 5);
    assert_eq!(store.reviews[&(0, 5)].verdict, Some(PartlyMet));

    // Marking it directly asks first; n leaves it as it is.
    press(&mut app, &mut store, Action::PrevIndicator);
    press(&mut app, &mut store, Action::Last);
    app.loaded(vec![colleagues(&app, at(0, 5), PartlyMet)]);
    assert_eq!(app.cursor, at(0, 5));
    assert!(
        app.update(Action::Mark(Met)).is_empty(),
        "nothing written yet"
    );
    assert_eq!(app.mode(), Mode::Ask);
    let q = app.question().cloned().unwrap();
    assert_eq!(q.theirs, Some(("王五".to_string(), PartlyMet)));
    assert_eq!(q.owner, None);
    assert!(app.key(&key('n')).is_empty());
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(
        app.cursor,
        at(0, 5),
        "n answered the question, it did not move on"
    );
    assert_eq!(app.current().verdict, Some(PartlyMet));
    assert!(
        app.message
            .clone()
            .unwrap()
            .text
            .starts_with(ZH.left_as_it_is)
    );
    // The same verdict as theirs changes nothing and asks nothing.
    let effects = app.update(Action::Mark(PartlyMet));
    assert!(matches!(effects.as_slice(), [Effect::Review(_)]));
    // y marks it, over the verdict on screen only; 王五's note stays 王五's.
    app.update(Action::Clear);
    assert_eq!(
        app.mode(),
        Mode::Ask,
        "clearing a colleague's verdict asks too"
    );
    app.key(&code(KeyCode::Esc));
    app.update(Action::Mark(Met));
    let effects = app.key(&key('y'));
    let [Effect::Review(write)] = effects.as_slice() else {
        panic!("y writes: {effects:?}");
    };
    assert_eq!(write.verdict, Some(Some(Met)));
    assert_eq!(write.expected.verdict, Some(Some(PartlyMet)));
    store.run(&mut app, effects);
    let item = app.item(at(0, 5));
    assert_eq!(item.verdict, Some(Met));
    assert_eq!(item.reviewer.as_deref(), Some("张三"));
    assert_eq!(item.notes.len(), 1);
    assert_eq!(item.notes[0].author, "王五");
    assert!(!app.marked_by_other(at(0, 5)), "mine now");
    assert_eq!(app.cursor, at(1, 0), "marked, then on");
}

#[test]
fn a_colleagues_verdict_seen_live_is_passed_by_too() {
    let mut app = app();
    let mut store = FakeStore::default();
    let (_, item) = store
        .write_as(
            &app,
            &Write {
                at: at(0, 1),
                verdict: Some(Some(NotMet)),
                note: None,
                why: Why::Mark,
                expected: Expected::default(),
            },
            "王五",
            "wangwu",
        )
        .unwrap();
    let event = crate::store::LogEntry {
        seq: 1,
        at: "2026-11-29T10:00:00+08:00".into(),
        reviewer: "王五".into(),
        account: "wangwu".into(),
        county_code: "330803".into(),
        indicator: "1.1".into(),
        from: None,
        to: Some(NotMet),
        from_note: String::new(),
        note: String::new(),
    };
    app.changed_by_other(&event, item);
    assert!(app.marked_by_other(at(0, 1)));
    press(&mut app, &mut store, Action::Mark(Met));
    assert_eq!(app.cursor, at(0, 2), "衢江区 is 王五's: passed by");
}

/// A registry where 张三 is in 养老服务处: target 1 is 社会救助处's, target 2 养老服务处's,
/// 开化县 王五's (where neither indicator nor target has an owner).
fn owned_workspace() -> Workspace {
    use crate::owners::{Assignment, Me, Owner, Scope};
    let mut ws = workspace();
    ws.me = Some(Me {
        uid: Some(1001),
        division: Some("养老服务处".into()),
    });
    ws.owners = vec![
        Assignment {
            scope: Scope::Target(1),
            owner: Owner::Division("社会救助处".into()),
        },
        Assignment {
            scope: Scope::Target(2),
            owner: Owner::Division("养老服务处".into()),
        },
        Assignment {
            scope: Scope::County("330824".into()),
            owner: Owner::Reviewer {
                uid: 1002,
                name: "王五".into(),
            },
        },
    ];
    ws
}

#[test]
fn the_workspace_opens_on_own_work_and_n_the_filter_and_the_flow_go_through_it() {
    let mut app = App::new(owned_workspace(), &ZH);
    let mut store = FakeStore::default();
    let t2 = app.targets[1].first;
    let t3 = app.targets[2].first;
    assert!(app.owners_apply() && app.only_own());
    // Target 1 is 社会救助处's: the first of own work is target 2's.
    assert_eq!(app.cursor, at(t2, 0));
    assert!(!app.is_own(at(0, 0)));
    assert_eq!(app.others_owner(at(0, 0)).unwrap().short, "社会救助");
    assert_eq!(app.owner_of(at(t2, 5)).unwrap().name, "养老服务处");
    assert!(
        app.is_own(at(t2, 5)),
        "the target's owner before the county's"
    );
    assert!(
        !app.is_own(at(t3, 5)),
        "开化县 is 王五's where the target has no owner"
    );
    assert!(app.is_own(at(t3, 4)), "nobody's: everyone's");
    let (m, n) = (app.indicators.len(), app.counties.len());
    let t1_len = app.targets[0].len;
    let t2_len = app.targets[1].len;
    assert_eq!(
        app.own_progress(),
        (0, t2_len * n + (m - t1_len - t2_len) * (n - 1))
    );

    // n goes through own work only, and wraps past target 1.
    app.cursor = at(t3 - 1, 5);
    press(&mut app, &mut store, Action::NextUnreviewed);
    assert_eq!(app.cursor, at(t3, 0));
    app.cursor = at(m - 1, 4);
    press(&mut app, &mut store, Action::NextUnreviewed);
    assert_eq!(app.cursor, at(t2, 0), "wrapped round, target 1 passed by");

    // The flow: the last own county of an unowned target's indicator, then on.
    app.cursor = at(t3, 4);
    press(&mut app, &mut store, Action::Mark(Met));
    assert_eq!(app.cursor, at(t3 + 1, 0), "开化县 is 王五's: passed by");

    // The filter shows own work wanting review; others' items are hidden, not the cursor's.
    press(&mut app, &mut store, Action::ToggleFilter);
    assert_eq!(app.shown_counties(), vec![0, 1, 2, 3, 4]);
    assert!(!app.indicator_shown(0));
    assert!(app.indicator_shown(t2));
    press(&mut app, &mut store, Action::ToggleFilter);

    // Marking someone else's item directly asks first.
    app.cursor = at(0, 0);
    assert!(app.update(Action::Mark(NotMet)).is_empty());
    let q = app.question().cloned().unwrap();
    assert_eq!(q.owner.as_deref(), Some("社会救助处"));
    assert_eq!(q.theirs, None);
    let effects = app.key(&key('y'));
    assert!(matches!(effects.as_slice(), [Effect::Review(_)]));
    store.run(&mut app, effects);
    assert_eq!(app.item(at(0, 0)).verdict, Some(NotMet));

    // o: all the work. n and the flow go everywhere; marking others' items asks nothing.
    press(&mut app, &mut store, Action::ToggleOwn);
    assert!(!app.only_own());
    assert_eq!(app.message.clone().unwrap().text, ZH.all_now);
    app.cursor = at(m - 1, 5);
    press(&mut app, &mut store, Action::NextUnreviewed);
    assert_eq!(app.cursor, at(0, 1));
    let effects = app.update(Action::Mark(Met));
    assert!(matches!(effects.as_slice(), [Effect::Review(_)]));
    store.run(&mut app, effects);
    press(&mut app, &mut store, Action::ToggleOwn);
    assert!(app.only_own());

    // Owners changed while the workspace is open (kaohe assign): target 1 is everyone's now.
    let mut owners = owned_workspace().owners;
    owners.remove(0);
    app.set_owners(&owners);
    assert!(app.is_own(at(0, 2)));
    app.cursor = at(m - 1, 4);
    press(&mut app, &mut store, Action::NextUnreviewed);
    assert_eq!(app.cursor, at(0, 2));
}

#[test]
fn without_a_registry_or_without_owners_everything_is_own() {
    let mut ws = owned_workspace();
    ws.me = None;
    let mut app = App::new(ws, &ZH);
    assert!(!app.owners_apply() && !app.only_own());
    assert_eq!(app.cursor, at(0, 0));
    assert!(app.is_own(at(0, 0)));
    assert!(app.others_owner(at(0, 0)).is_none());
    let effects = app.update(Action::Mark(Met));
    assert!(matches!(effects.as_slice(), [Effect::Review(_)]));
    app.update(Action::ToggleOwn);
    assert_eq!(app.message.clone().unwrap().text, ZH.no_owners);

    let mut ws = owned_workspace();
    ws.owners = Vec::new();
    let app = App::new(ws, &ZH);
    assert!(!app.owners_apply());
    assert_eq!(app.cursor, at(0, 0));
}

#[test]
fn when_own_work_is_all_reviewed_n_says_so_and_how_to_see_the_rest() {
    let mut ws = owned_workspace();
    ws.owners = vec![crate::owners::Assignment {
        scope: crate::owners::Scope::County("330802".into()),
        owner: crate::owners::Owner::Division("养老服务处".into()),
    }];
    // Only 柯城区 is 张三's division's; every other county is 王五's.
    for code in ["330803", "330822", "330881", "330825", "330824"] {
        ws.owners.push(crate::owners::Assignment {
            scope: crate::owners::Scope::County(code.into()),
            owner: crate::owners::Owner::Reviewer {
                uid: 1002,
                name: "王五".into(),
            },
        });
    }
    let mut app = App::new(ws, &ZH);
    let mut store = FakeStore::default();
    assert_eq!(app.cursor, at(0, 0));
    let m = app.indicators.len();
    for i in 0..m {
        assert_eq!(app.cursor, at(i, 0));
        press(&mut app, &mut store, Action::Mark(Met));
    }
    assert_eq!(app.message.clone().unwrap().text, ZH.own_all_reviewed);
}

/// A workspace where 王五 marked 开化县 1.1 基本完成 (the cursor on it, the item read).
fn over_a_colleagues_verdict(ws: Workspace) -> App {
    let mut ws = ws;
    ws.reviews = vec![ReviewState {
        county_code: "330824".into(),
        indicator_id: "1.1".into(),
        verdict: Some(PartlyMet),
        changed_since_review: false,
        by_other: true,
    }];
    let mut app = App::new(ws, &ZH);
    app.loaded(vec![colleagues(&app, at(0, 5), PartlyMet)]);
    app.cursor = at(0, 5);
    app
}

#[test]
fn an_item_put_aside_leaves_the_list_only_when_the_question_is_answered_yes() {
    let mut ws = workspace();
    ws.set_aside = vec![("330824".into(), "1.1".into())];
    let mut app = over_a_colleagues_verdict(ws);
    assert!(app.is_aside(at(0, 5)));
    // 1 asks first: nothing written, nothing taken off the list.
    assert!(app.update(Action::Mark(Met)).is_empty());
    assert_eq!(app.mode(), Mode::Ask);
    assert!(app.key(&key('n')).is_empty());
    assert!(app.is_aside(at(0, 5)));
    // ! asks too; y gives the verdict and takes the item off the list, as a mark does.
    assert!(app.key(&key('!')).is_empty());
    assert_eq!(app.mode(), Mode::Ask);
    let effects = app.key(&key('y'));
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::Review(Write {
                    why: Why::MarkThenNote,
                    ..
                }),
                Effect::PutAside { aside: false, .. }
            ]
        ),
        "{effects:?}"
    );
}

#[test]
fn a_question_answered_after_writing_stopped_or_a_lock_arrived_writes_nothing() {
    let mut app = over_a_colleagues_verdict(workspace());
    app.update(Action::Mark(Met));
    assert_eq!(app.mode(), Mode::Ask);
    app.stop_writing(Stopped::ReadOnly {
        path: "/srv/kaohe/kaohe.db".into(),
    });
    assert!(app.key(&key('y')).is_empty());
    assert_eq!(app.mode(), Mode::Browse, "the question is gone");
    assert!(app.message.as_ref().unwrap().text.starts_with("数据库只读"));

    // Target 1 signed off while the question was up: y is refused with who and when.
    let mut app = over_a_colleagues_verdict(workspace());
    app.update(Action::Mark(Met));
    app.set_locks(vec![crate::stages::Lock {
        target: Some(1),
        by: "王五".into(),
        account: "wangwu".into(),
        at: "2026-12-01T10:00:00+08:00".into(),
        reason: String::new(),
    }]);
    assert!(app.key(&key('y')).is_empty());
    assert_eq!(app.mode(), Mode::Browse);
    let said = app.message.clone().unwrap().text;
    assert!(said.starts_with("已审定：王五"), "{said}");
}

#[test]
fn a_mark_of_mine_waiting_over_a_colleagues_verdict_is_not_asked_about_again() {
    let mut app = over_a_colleagues_verdict(workspace());
    app.update(Action::Mark(Met));
    let first = the_write(app.key(&key('y')));
    app.queued(first);
    app.waiting_for(wang_importing());
    app.cursor = at(0, 5);
    // Still 王五's in the database, but mine once what waits is written.
    assert!(app.marked_by_other(at(0, 5)));
    let second = the_write(app.update(Action::Mark(NotMet)));
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(second.expected.verdict, Some(Some(Met)));

    // A note of mine waiting there gives no verdict: a mark over 王五's still asks.
    let mut app = over_a_colleagues_verdict(workspace());
    app.update(Action::EditNote);
    app.type_text("口径待核");
    let note = the_write(app.update(Action::SaveNote));
    assert_eq!(note.verdict, None);
    app.queued(note);
    assert!(app.update(Action::Mark(Met)).is_empty());
    assert_eq!(app.mode(), Mode::Ask);
}

#[test]
fn a_filter_in_own_work_goes_through_own_items_only() {
    let mut ws = owned_workspace();
    // Put aside: 柯城区 1.1 (社会救助处's) and 柯城区 of target 2's first (养老服务处's: own).
    let t2_first = {
        let app = App::new(owned_workspace(), &ZH);
        app.indicators[app.targets[1].first].id.clone()
    };
    ws.set_aside = vec![
        ("330802".into(), "1.1".into()),
        ("330802".into(), t2_first.clone()),
    ];
    let mut app = App::new(ws, &ZH);
    let t2 = app.targets[1].first;
    app.cursor = at(t2, 3);
    // The 已搁置 filter (F, then 3): own work's item only.
    app.key(&key('F'));
    app.key(&key('3'));
    assert_eq!(app.filter(), Some(Filter::SetAside));
    assert_eq!(app.cursor, at(t2, 0));
    assert!(!app.indicator_shown(0), "target 1's item is not own work");
    let mut store = FakeStore::default();
    press(&mut app, &mut store, Action::NextUnreviewed);
    assert_eq!(
        app.cursor,
        at(t2, 0),
        "nothing else of own work is put aside"
    );
    // o: all the work, and the other one shows.
    press(&mut app, &mut store, Action::ToggleOwn);
    assert!(app.indicator_shown(0));
    press(&mut app, &mut store, Action::NextUnreviewed);
    assert_eq!(app.cursor, at(0, 0));
}

/// The one review write an action asked for.
fn the_write(effects: Vec<Effect>) -> Write {
    let mut writes = effects.into_iter().filter_map(|e| match e {
        Effect::Review(w) => Some(w),
        _ => None,
    });
    let w = writes.next().expect("a review write");
    assert!(writes.next().is_none(), "one write");
    w
}

fn wang_importing() -> Option<Holder> {
    Some(Holder {
        reviewer: "王五".into(),
        what: "import".into(),
    })
}

#[test]
fn a_mark_that_waits_for_the_lock_shows_pending_moves_on_and_is_saved_once() {
    let mut app = app();
    let mut store = FakeStore::default();
    let first = the_write(app.update(Action::Mark(Met)));
    app.queued(first.clone());
    app.waiting_for(wang_importing());
    // On to the next county as usual, but nothing is shown as saved.
    assert_eq!(app.cursor, at(0, 1));
    assert_eq!(app.pending_at(at(0, 0)), Some(Some(Met)));
    assert_eq!(app.verdict_of(at(0, 0)), None);
    assert_eq!(app.progress().0, 0);
    assert!(app.message.is_none());
    let waiting = app.waiting_text().unwrap();
    assert!(
        waiting.contains("王五的导入") && waiting.contains("1 项等待写入"),
        "{waiting}"
    );
    // Keys go on being answered: another mark waits behind the first.
    let second = the_write(app.update(Action::Mark(NotMet)));
    app.queued(second.clone());
    assert_eq!(app.cursor, at(0, 2));
    assert_eq!(app.pending_count(), 2);
    // The lock frees: each is written in order, and the cursor stays where the reviewer is.
    let result = store.write(&app, &first);
    app.written(first, result);
    assert_eq!(app.cursor, at(0, 2));
    assert_eq!(app.verdict_of(at(0, 0)), Some(Met));
    assert_eq!(app.pending_at(at(0, 0)), None);
    assert!(app.message.as_ref().unwrap().text.starts_with("已保存"));
    let result = store.write(&app, &second);
    app.written(second, result);
    app.waiting_over();
    assert_eq!(app.cursor, at(0, 2));
    assert_eq!((app.pending_count(), app.progress().0), (0, 2));
    assert!(app.waiting_text().is_none());
}

#[test]
fn a_second_mark_on_an_item_that_waits_expects_the_first_not_what_is_saved() {
    let mut app = app();
    let first = the_write(app.update(Action::Mark(Met)));
    app.queued(first);
    app.update(Action::PrevCounty);
    let second = the_write(app.update(Action::Mark(NotMet)));
    assert_eq!(second.expected.verdict, Some(Some(Met)));
    app.queued(second);
    assert_eq!(app.pending_at(at(0, 0)), Some(Some(NotMet)));
}

#[test]
fn undo_and_a_waiting_notes_editor_wait_for_what_waits() {
    let mut app = app();
    let mut store = FakeStore::default();
    press(&mut app, &mut store, Action::Mark(Met));
    press(&mut app, &mut store, Action::PrevCounty);
    let write = the_write(app.update(Action::Mark(NotMet)));
    app.queued(write);
    assert!(app.update(Action::Undo).is_empty());
    assert_eq!(app.message.as_ref().unwrap().text, ZH.undo_pending);
    // A note saved while the lock is held: the editor closes, the text stays as the draft.
    app.cursor = at(1, 0);
    app.update(Action::EditNote);
    app.type_text("台账不全");
    let note = the_write(app.update(Action::SaveNote));
    app.queued(note.clone());
    assert!(app.editor().is_none());
    assert_eq!(app.draft(at(1, 0)), Some("台账不全"));
    assert_eq!(app.pending_at(at(1, 0)), Some(None));
    // Not opened again before it is written.
    app.update(Action::EditNote);
    assert!(app.editor().is_none());
    assert_eq!(app.message.as_ref().unwrap().text, ZH.note_pending);
    let result = store.write(&app, &note);
    app.written(note, result);
    assert_eq!(app.draft(at(1, 0)), None);
    assert_eq!(app.item(at(1, 0)).note_text(), "台账不全");
}

#[test]
fn quitting_with_writes_waiting_says_so_once_and_quits_when_they_are_written() {
    let mut app = app();
    let mut store = FakeStore::default();
    let write = the_write(app.update(Action::Mark(Met)));
    app.queued(write.clone());
    app.update(Action::Quit);
    assert!(!app.quit);
    let said = &app.message.as_ref().unwrap().text;
    assert!(
        said.contains("1 项等待写入") && said.contains("再按 q"),
        "{said}"
    );
    let result = store.write(&app, &write);
    app.written(write, result);
    assert!(app.quit, "quits once written");
    // Pressed twice, it quits at once.
    let mut app = self::app();
    let write = the_write(app.update(Action::Mark(Met)));
    app.queued(write);
    app.update(Action::Quit);
    app.update(Action::Quit);
    assert!(app.quit);
}

#[test]
fn a_workspace_whose_database_was_swapped_writes_nothing_and_says_why() {
    let mut app = app();
    let mark = Write {
        at: at(0, 3),
        verdict: Some(Some(Met)),
        note: None,
        why: Why::Mark,
        expected: Expected::default(),
    };
    app.queued(mark.clone());
    app.stop_writing(Stopped::Swapped {
        swap: crate::store::Swap::Replaced,
        rescued: None,
    });
    app.not_written(mark, app.stopped_text().unwrap());
    assert_eq!(app.pending_count(), 0);
    assert!(app.stopped_text().unwrap().contains("已被替换"));
    for action in [
        Action::Mark(Met),
        Action::Clear,
        Action::Undo,
        Action::EditNote,
    ] {
        app.message = None;
        assert!(app.update(action).is_empty(), "{action:?}");
        assert_eq!(app.message.as_ref().unwrap().level, Level::Error);
        assert!(app.message.as_ref().unwrap().text.contains("已停止写入"));
    }
    // Moving still works, and the reason stays on screen when nothing else is said.
    app.update(Action::NextCounty);
    assert!(app.message.is_none());
    assert!(app.stopped_text().is_some());
}

#[test]
fn a_note_being_typed_when_writing_stops_stays_in_the_editor() {
    let mut app = app();
    app.update(Action::EditNote);
    app.type_text("还没保存");
    app.stop_writing(Stopped::ReadOnly {
        path: "/srv/k.db".into(),
    });
    assert!(app.update(Action::SaveNote).is_empty());
    assert_eq!(app.editor().unwrap().buffer.text(), "还没保存");
    assert!(app.message.as_ref().unwrap().text.starts_with("数据库只读"));
}

/// Rapid marking, 自评 and the filters (tests/marking.rs).
mod marking;

/// The evidence viewer and 退回补充 (tests/evidence.rs).
mod evidence;

/// Rule-based scoring: the findings entered, the scores and grades, the scoring applied anew
/// (tests/scoring.rs).
mod scoring;

/// The counties' list: where it is scrolled, and what is read for it (tests/list.rs).
mod list;
