//! The App's later stages: the 复核 queue and its order, confirming, a change that needs a
//! reason, locks refusing every write action, a lock arriving live, the summary's 按人 view.

use super::*;
use crate::catalog::{Catalog, embedded_counties};
use crate::item::Stages;
use crate::model::Verdict::{Met, NotMet, PartlyMet};
use crate::stages::{Decision, Lock};
use crate::store::{CheckChange, CheckState, ReviewChange};
use crate::tui::action::Action;
use crate::tui::strings::ZH;

/// 1.1 (indicator 0) is target 1's; 2.1 (indicator 22) target 2's.
const T2: usize = 22;

fn at(indicator: usize, county: usize) -> Cursor {
    Cursor { indicator, county }
}

/// 张三 marked 1.1 for 柯城区, 衢江区 and 龙游县 and 1.2 for 柯城区; 李四 (this workspace's
/// reviewer, a checker) marked 1.1 for 江山市.
fn app() -> App {
    let state = |county: &str, indicator: &str, verdict| ReviewState {
        county_code: county.into(),
        indicator_id: indicator.into(),
        verdict: Some(verdict),
        changed_since_review: false,
        // The first verdicts are others' (李四 checks them), but for 江山市's 1.1, his own.
        by_other: (county, indicator) != ("330881", "1.1"),
    };
    let ws = Workspace {
        catalog: Catalog::embedded_2014().unwrap(),
        counties: embedded_counties().unwrap(),
        reviews: vec![
            state("330802", "1.1", Met),
            state("330803", "1.1", PartlyMet),
            state("330825", "1.1", PartlyMet),
            state("330881", "1.1", Met),
            state("330802", "1.2", NotMet),
        ],
        drafts: Vec::new(),
        position: None,
        reviewer: "李四".into(),
        account: "lisi".into(),
        owners: Vec::new(),
        me: None,
        set_aside: Vec::new(),
    };
    let mut app = App::new(ws, &ZH);
    app.set_checks(Vec::new());
    app.cursor = at(0, 0);
    app
}

fn check_state(county: &str, indicator: &str, verdict: Verdict, first: Verdict) -> CheckState {
    CheckState {
        county_code: county.into(),
        indicator_id: indicator.into(),
        verdict,
        first_verdict: first,
        checker: "李四".into(),
    }
}

fn lock(target: Option<u32>) -> Lock {
    Lock {
        target,
        by: "王五".into(),
        account: "wangwu".into(),
        at: "2026-12-01T10:00:00+08:00".into(),
        reason: String::new(),
    }
}

/// What the store answers a second review: written, with the item as it then stands.
fn answer_check(app: &mut App, effects: Vec<Effect>) {
    for effect in effects {
        let Effect::Check(w) = effect else {
            continue;
        };
        let first = w.first_seen;
        let to = w.decision.verdict(first);
        let item = Item {
            county_code: app.counties[w.at.county].code.clone(),
            county: app.counties[w.at.county].name.clone(),
            indicator: app.indicators[w.at.indicator].id.clone(),
            verdict: Some(first),
            reviewer: Some("张三".into()),
            stages: Stages {
                second_verdict: Some(to),
                checker: Some("李四".into()),
                check_reason: (!w.reason.is_empty()).then(|| w.reason.clone()),
                checked_at: Some("2026-12-01T09:00:00+08:00".into()),
                signed_off: false,
            },
            ..UNREAD.clone()
        };
        let change = CheckChange {
            first,
            first_reviewer: "张三".into(),
            from: None,
            to,
            written: true,
        };
        app.checked(w, Ok((change, item)));
    }
}

/// What the store answers a review: written.
fn answer_review(app: &mut App, effects: Vec<Effect>) {
    for effect in effects {
        let Effect::Review(w) = effect else {
            continue;
        };
        let from = app.verdict_of(w.at);
        let to = w.verdict.unwrap_or(from);
        let change = ReviewChange {
            from,
            to,
            from_note: String::new(),
            note: w.note.clone().unwrap_or_default(),
            confirmed: false,
            from_revision: None,
            to_revision: None,
            from_by: None,
        };
        let item = Item {
            county_code: app.counties[w.at.county].code.clone(),
            indicator: app.indicators[w.at.indicator].id.clone(),
            verdict: to,
            reviewer: Some("李四".into()),
            ..UNREAD.clone()
        };
        app.written(w, Ok((change, item)));
    }
}

#[test]
fn the_check_queue_takes_first_verdicts_changed_since_first_then_the_rest_in_order() {
    let mut app = app();
    // 龙游县's 1.1 was checked on 完成 and has been changed to 基本完成 since; 衢江区's is
    // checked on the verdict it has.
    app.set_checks(vec![
        check_state("330825", "1.1", Met, Met),
        check_state("330803", "1.1", PartlyMet, PartlyMet),
    ]);
    assert_eq!(app.check_status(at(0, 2)), Some(CheckStatus::Outdated));
    assert_eq!(app.check_status(at(0, 1)), Some(CheckStatus::Agreed));
    assert_eq!(app.check_status(at(0, 0)), Some(CheckStatus::Unchecked));
    assert_eq!(app.check_status(at(0, 5)), None, "not marked");
    app.update(Action::ToggleCheck);
    assert_eq!(app.mode(), Mode::Check);
    assert!(app.checking());
    assert_eq!(
        app.cursor,
        at(0, 2),
        "the verdict changed since its check comes first"
    );
    let message = app.message.clone().unwrap().text;
    assert!(message.contains("待复核 3 项"), "{message}");
    // Then the rest in the flow's order from the start: 柯城区 1.1, 柯城区 1.2 (衢江区 is
    // checked, 江山市 李四's own); then round to the first part again.
    app.update(Action::NextToCheck);
    assert_eq!(app.cursor, at(0, 0));
    app.update(Action::NextToCheck);
    assert_eq!(app.cursor, at(1, 0));
    app.update(Action::NextToCheck);
    assert_eq!(app.cursor, at(0, 2));
    // Browsing keys still move in 复核 mode; c leaves it.
    let j = ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Char('j'),
        ratatui::crossterm::event::KeyModifiers::NONE,
    );
    app.key(&j);
    assert_eq!(app.cursor, at(0, 3));
    // From an item not in the queue, n takes the first part first.
    app.update(Action::NextToCheck);
    assert_eq!(app.cursor, at(0, 2));
    app.update(Action::ToggleCheck);
    assert_eq!(app.mode(), Mode::Browse);
}

#[test]
fn enter_agrees_and_moves_on_to_the_next_item_to_check() {
    let mut app = app();
    app.update(Action::ToggleCheck);
    assert_eq!(app.cursor, at(0, 0));
    let effects = app.update(Action::CheckConfirm);
    let [Effect::Check(w)] = effects.as_slice() else {
        panic!("Enter agrees: {effects:?}");
    };
    assert_eq!(
        (w.at, w.decision, w.first_seen, w.reason.as_str()),
        (at(0, 0), Decision::Confirm, Met, "")
    );
    answer_check(&mut app, effects);
    assert_eq!(app.check_status(at(0, 0)), Some(CheckStatus::Agreed));
    assert_eq!(app.cursor, at(0, 1), "on to the next");
    assert!(
        app.message.clone().unwrap().text.contains("已复核（同意）"),
        "{:?}",
        app.message
    );
    // 2 on a 基本完成 is the same verdict: an agreement, no reason asked.
    let effects = app.update(Action::CheckChange(PartlyMet));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Check(CheckWrite {
            decision: Decision::Confirm,
            ..
        })]
    ));
    // Its own first verdict is not its checker's to check.
    app.cursor = at(0, 3);
    assert!(app.update(Action::CheckConfirm).is_empty());
    assert_eq!(app.message.clone().unwrap().text, ZH.own_first_review);
    // Nor an item with no first verdict.
    app.cursor = at(0, 5);
    assert!(app.update(Action::CheckConfirm).is_empty());
    assert_eq!(app.message.clone().unwrap().text, ZH.not_marked_to_check);
}

#[test]
fn a_change_needs_a_reason_typed_in_the_editor() {
    let mut app = app();
    app.update(Action::ToggleCheck);
    // 3 on 柯城区's 完成: the editor opens for the reason; nothing is written yet.
    assert!(app.update(Action::CheckChange(NotMet)).is_empty());
    assert_eq!(app.mode(), Mode::Editor);
    let pending = app.reason_pending().unwrap();
    assert_eq!((pending.first, pending.to), (Met, NotMet));
    // Enter on an empty reason is refused, the editor stays.
    assert!(app.update(Action::SaveNote).is_empty());
    assert_eq!(app.message.clone().unwrap().text, ZH.reason_needed);
    assert_eq!(app.mode(), Mode::Editor);
    // Typing it keeps no draft: a reason is no note.
    assert!(app.phrase("督导记录不全").is_empty());
    let effects = app.update(Action::SaveNote);
    let [Effect::Check(w)] = effects.as_slice() else {
        panic!("the change with its reason: {effects:?}");
    };
    assert_eq!(w.decision, Decision::Change(NotMet));
    assert_eq!(w.reason, "督导记录不全");
    answer_check(&mut app, effects);
    assert_eq!(app.mode(), Mode::Check, "the editor closed");
    assert_eq!(
        app.check_status(at(0, 0)),
        Some(CheckStatus::Changed(NotMet))
    );
    assert_eq!(app.cursor, at(0, 1));
    // The summary counts the second verdict: 柯城区 has 1.1 未完成 and 1.2 未完成.
    let summary = app.summarize(Some(0));
    let kecheng = summary.rows.iter().find(|r| r.county == 0).unwrap();
    assert_eq!(
        (kecheng.report.progress.met, kecheng.report.progress.not_met),
        (0, 2)
    );
    // A reason thrown away (Esc, then d) changes nothing and leaves nothing to undo.
    app.update(Action::CheckChange(Met));
    app.phrase("写了一半");
    app.update(Action::CloseEditor);
    assert_eq!(app.mode(), Mode::Confirm);
    assert!(app.update(Action::DiscardNote).is_empty());
    assert_eq!(app.mode(), Mode::Check);
    assert_eq!(app.check_status(at(0, 1)), Some(CheckStatus::Unchecked));
    app.update(Action::Undo);
    assert_eq!(app.message.clone().unwrap().text, ZH.nothing_to_undo);
    // The note editor opened afterwards is a note's again.
    app.update(Action::EditNote);
    assert!(app.reason_pending().is_none());
    assert!(!app.phrase("备注").is_empty(), "a note's draft is kept");
}

#[test]
fn a_reviewer_whose_role_does_not_check_stays_out_of_check_mode() {
    let mut app = app();
    app.may_not_check(ZH.may_not_check.replace("{role}", "评审人"));
    app.update(Action::ToggleCheck);
    assert_eq!(app.mode(), Mode::Browse);
    let message = app.message.clone().unwrap().text;
    assert!(message.contains("复核须由复核人或组长进行"), "{message}");
}

#[test]
fn a_lock_refuses_every_write_action_with_who_and_when() {
    let mut app = app();
    // A mark of 衢江区 1.1 to undo, and one undone to redo, before the lock: each over a
    // colleague's verdict, so asked about first (y).
    app.cursor = at(0, 1);
    app.update(Action::Mark(NotMet));
    assert_eq!(app.mode(), Mode::Ask);
    let e = app.update(Action::MarkAnyway);
    answer_review(&mut app, e);
    app.cursor = at(0, 2);
    app.update(Action::Mark(NotMet));
    let e = app.update(Action::MarkAnyway);
    answer_review(&mut app, e);
    let e = app.update(Action::Undo);
    answer_review(&mut app, e);
    // An editor open on a note, then the lock of target 1 arrives.
    app.cursor = at(0, 0);
    app.update(Action::EditNote);
    app.phrase("备注");
    app.set_locks(vec![lock(Some(1))]);
    let line = "已审定：王五 2026-12-01 10:00 锁定了目标 1；要改动须由组长 kaohe unlock";
    let refused = |app: &mut App, action: Action| {
        let effects = app.update(action);
        assert!(effects.is_empty(), "{action:?} wrote {effects:?}");
        let message = app.message.clone().unwrap().text;
        assert!(message.starts_with(line), "{action:?}: {message}");
    };
    refused(&mut app, Action::SaveNote);
    assert_eq!(app.mode(), Mode::Editor, "the note is kept in the editor");
    app.update(Action::CloseEditor);
    app.update(Action::DiscardNote);
    for action in [
        Action::Mark(Met),
        Action::Mark(PartlyMet),
        Action::AcceptSuggestion,
        Action::Clear,
        Action::EditNote,
        Action::Undo,
        Action::Redo,
    ] {
        refused(&mut app, action);
        assert_eq!(app.mode(), Mode::Browse);
        assert_eq!(app.cursor, at(0, 0), "nothing moved");
    }
    app.update(Action::ToggleCheck);
    assert_eq!(
        app.cursor,
        at(0, 0),
        "every marked item is locked: none is in the queue"
    );
    assert_eq!(app.message.clone().unwrap().text, ZH.nothing_to_check);
    app.cursor = at(0, 1);
    refused(&mut app, Action::CheckConfirm);
    refused(&mut app, Action::CheckChange(NotMet));
    // Another target is open.
    app.update(Action::ToggleCheck);
    app.cursor = at(T2, 0);
    assert!(!app.update(Action::Mark(Met)).is_empty());
    // The whole assessment: that too.
    app.set_locks(vec![lock(None)]);
    app.cursor = at(T2, 0);
    let effects = app.update(Action::Mark(Met));
    assert!(effects.is_empty());
    assert!(app.message.clone().unwrap().text.contains("锁定了整个考核"));
}

#[test]
fn a_lock_arriving_live_shows_at_once_and_an_unlock_lets_writes_through() {
    let mut app = app();
    app.locks_changed(vec![lock(Some(1))], false);
    let message = app.message.clone().unwrap();
    assert_eq!(message.level, Level::Warning);
    assert!(
        message.text.contains("王五 锁定了目标 1"),
        "{}",
        message.text
    );
    assert_eq!(app.stage(), crate::stages::Stage::PartlySignedOff);
    assert!(app.lock_at(at(0, 0)).is_some());
    assert!(app.lock_at(at(T2, 0)).is_none());
    assert!(app.update(Action::Mark(Met)).is_empty());
    app.locks_changed(Vec::new(), false);
    assert!(app.message.clone().unwrap().text.contains("目标 1 已解锁"));
    assert_eq!(app.stage(), crate::stages::Stage::Preliminary);
    assert!(!app.update(Action::Mark(Met)).is_empty());
    // My own lock is not told to me again.
    app.message = None;
    app.locks_changed(vec![lock(None)], true);
    assert!(app.message.is_none());
    assert_eq!(app.stage(), crate::stages::Stage::SignedOff);
}

#[test]
fn another_checkers_second_review_arrives_live() {
    let mut app = app();
    let event = crate::store::CheckEvent {
        seq: 1,
        at: "2026-12-01T09:00:00+08:00".into(),
        checker: "赵六".into(),
        account: "zhaoliu".into(),
        county_code: "330802".into(),
        indicator: "1.1".into(),
        first_verdict: Met,
        first_reviewer: "张三".into(),
        from: None,
        to: PartlyMet,
        reason: "台账不全".into(),
        review_seq: 0,
    };
    app.check_arrived(
        &event,
        Some(check_state("330802", "1.1", PartlyMet, Met)),
        false,
    );
    assert_eq!(
        app.check_status(at(0, 0)),
        Some(CheckStatus::Changed(PartlyMet))
    );
    let message = app.message.clone().unwrap().text;
    assert!(message.starts_with("赵六 复核了"), "{message}");
    assert!(message.contains("改判 完成 → 基本完成"), "{message}");
}

#[test]
fn p_on_the_summary_shows_progress_by_person() {
    let mut app = app();
    app.update(Action::OpenSummary);
    assert!(app.people_view().is_none());
    let effects = app.update(Action::SummaryPeople);
    assert_eq!(effects, vec![Effect::LoadPeople]);
    assert!(matches!(app.people_view(), Some((None, 0))));
    let people = crate::stages::People::count(
        &crate::stages::Targets::default(),
        &[],
        &[],
        &[],
        &crate::stages::OwnWork::default(),
    );
    app.people_loaded(people);
    assert!(matches!(app.people_view(), Some((Some(_), 0))));
    assert!(!app.people_wanted());
    app.update(Action::ScrollDown);
    assert!(matches!(app.people_view(), Some((Some(_), 1))));
    // A change anywhere makes it want reading again.
    app.locks_changed(vec![lock(None)], true);
    assert!(app.people_wanted());
    app.update(Action::SummaryPeople);
    assert!(app.people_view().is_none());
    app.update(Action::CloseSummary);
    assert_eq!(app.mode(), Mode::Browse);
}
