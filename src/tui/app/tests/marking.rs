//! Rapid marking: several rows one verdict (one undo step), items put aside, a verdict and
//! its note in one motion, the filters, the counties' own assessments, the detail's scrolling.

use super::*;
use crate::model::Submission;

/// 1.2 照料中心覆盖率(城市) (≥ 70%) as a county submitted it, reviewed or not.
fn figure(county: &str, value: &str, number: f64) -> Item {
    Item {
        county_code: county.into(),
        indicator: "1.2".into(),
        value: Some(value.into()),
        value_number: Some(number),
        ..UNREAD.clone()
    }
}

/// A key typed, and what it asks of the store done.
fn typed(app: &mut App, store: &mut FakeStore, c: char) {
    let effects = app.key(&key(c));
    store.run(app, effects);
}

fn codes(app: &App) -> Vec<String> {
    app.counties.iter().map(|c| c.code.clone()).collect()
}

#[test]
fn selected_rows_get_one_verdict_in_one_transaction_and_one_undo_takes_it_back() {
    let mut app = app();
    let mut store = FakeStore::default();
    // 柯城区, 龙游县 and 江山市 of 1.1: selected with Space and v, moving in between.
    app.key(&key(' '));
    press(&mut app, &mut store, Action::NextCounty);
    press(&mut app, &mut store, Action::NextCounty);
    app.key(&key('v'));
    press(&mut app, &mut store, Action::NextCounty);
    app.key(&key(' '));
    assert_eq!(app.selected_count(), 3);
    assert!(app.is_selected(at(0, 0)) && !app.is_selected(at(0, 1)));
    press(&mut app, &mut store, Action::Mark(PartlyMet));
    assert_eq!(store.transactions, 1, "one transaction for the three");
    assert_eq!(store.log.len(), 3);
    for c in [0, 2, 3] {
        assert_eq!(app.verdict_of(at(0, c)), Some(PartlyMet));
    }
    assert_eq!(app.verdict_of(at(0, 1)), None, "not selected, not marked");
    assert_eq!(app.cursor, at(0, 3), "the cursor stays");
    assert_eq!(app.selected_count(), 0, "the selection is used up");
    let said = app.message.clone().unwrap().text;
    assert_eq!(said, "已评定 3 项：基本完成");
    assert_eq!(app.indicator_progress(0), (3, 6));

    // One undo takes all three back, in one transaction; one redo gives them again.
    press(&mut app, &mut store, Action::Undo);
    assert_eq!(store.transactions, 2);
    for c in [0, 2, 3] {
        assert_eq!(app.verdict_of(at(0, c)), None);
    }
    assert_eq!(app.message.clone().unwrap().text, "已撤销 3 项");
    press(&mut app, &mut store, Action::Redo);
    for c in [0, 2, 3] {
        assert_eq!(app.verdict_of(at(0, c)), Some(PartlyMet));
    }
    press(&mut app, &mut store, Action::Undo);
    assert_eq!(app.progress().0, 0);
    press(&mut app, &mut store, Action::Undo);
    assert_eq!(app.message.clone().unwrap().text, ZH.nothing_to_undo);
    // 0 with rows selected clears them all, as one step too.
    press(&mut app, &mut store, Action::Redo);
    app.cursor = at(0, 0);
    app.key(&key(' '));
    app.cursor = at(0, 2);
    app.key(&key(' '));
    press(&mut app, &mut store, Action::Clear);
    assert_eq!(
        app.message.clone().unwrap().text,
        "已清除 2 项的评定（备注保留）"
    );
    assert_eq!(app.verdict_of(at(0, 0)), None);
    assert_eq!(app.verdict_of(at(0, 3)), Some(PartlyMet));
    press(&mut app, &mut store, Action::Undo);
    assert_eq!(app.verdict_of(at(0, 0)), Some(PartlyMet));
    assert_eq!(app.verdict_of(at(0, 2)), Some(PartlyMet));
}

#[test]
fn a_selection_belongs_to_the_indicator_on_screen_and_esc_clears_it() {
    let mut app = app();
    let mut store = FakeStore::default();
    app.key(&key(' '));
    app.key(&key(' '));
    assert_eq!(app.selected_count(), 0, "Space again unselects");
    app.key(&key(' '));
    press(&mut app, &mut store, Action::ClearSelection);
    assert_eq!(app.selected_count(), 0);
    assert_eq!(app.message.clone().unwrap().text, "已取消选择");
    app.key(&key(' '));
    press(&mut app, &mut store, Action::NextIndicator);
    assert_eq!(
        app.selected_count(),
        0,
        "another indicator's table has none selected"
    );
    // And 1 marks only the item under the cursor again, moving on.
    press(&mut app, &mut store, Action::Mark(Met));
    assert_eq!(store.log.len(), 1);
    assert_eq!(app.verdict_of(at(0, 0)), None);
    assert_eq!(app.cursor, at(1, 1));
}

#[test]
fn one_verdict_for_several_leaves_a_colleagues_verdict_and_a_change_meanwhile_alone() {
    let mut app = app();
    let mut store = FakeStore::default();
    // 衢江区 1.1 was marked not met by 李四.
    let theirs = Item {
        county_code: "330803".into(),
        indicator: "1.1".into(),
        verdict: Some(NotMet),
        reviewer: Some("李四".into()),
        ..UNREAD.clone()
    };
    store.reviews.insert((0, 1), Held::by("李四", Some(NotMet)));
    app.changed_by_other(
        &crate::store::LogEntry {
            seq: 1,
            at: "2026-11-29T09:00:00+08:00".into(),
            reviewer: "李四".into(),
            account: "lisi".into(),
            county_code: "330803".into(),
            indicator: "1.1".into(),
            from: None,
            to: Some(NotMet),
            from_note: String::new(),
            note: String::new(),
        },
        theirs,
    );
    for _ in 0..3 {
        app.key(&key(' '));
        press(&mut app, &mut store, Action::NextCounty);
    }
    assert_eq!(app.selected_count(), 3);
    // 龙游县 is marked by someone else after it was seen (the store finds it changed).
    store.reviews.insert((0, 2), Held::by("王五", Some(Met)));
    press(&mut app, &mut store, Action::Mark(PartlyMet));
    assert_eq!(app.verdict_of(at(0, 0)), Some(PartlyMet));
    assert_eq!(
        app.verdict_of(at(0, 1)),
        Some(NotMet),
        "李四's verdict stays"
    );
    assert_eq!(
        app.verdict_of(at(0, 2)),
        Some(Met),
        "the change meanwhile stays"
    );
    let said = app.message.clone().unwrap();
    assert_eq!(said.level, Level::Warning);
    assert!(said.text.starts_with("已评定 1 项"), "{}", said.text);
    assert!(said.text.contains("衢江区（李四 未完成）"), "{}", said.text);
    assert!(said.text.contains("1 项已被他人改动"), "{}", said.text);
    assert!(said.text.contains("龙游县"), "{}", said.text);
    // The undo step is what was written: 柯城区 alone.
    press(&mut app, &mut store, Action::Undo);
    assert_eq!(app.verdict_of(at(0, 0)), None);
    assert_eq!(app.verdict_of(at(0, 1)), Some(NotMet));
    assert_eq!(app.verdict_of(at(0, 2)), Some(Met));
}

#[test]
fn enter_with_rows_selected_gives_each_its_figures_suggestion_or_nothing() {
    let mut app = app();
    let mut store = FakeStore::default();
    app.loaded(vec![
        figure("330802", "52.4%", 52.4),
        figure("330803", "83.3%", 83.3),
    ]);
    app.cursor = at(1, 0);
    app.key(&key(' '));
    press(&mut app, &mut store, Action::NextCounty);
    app.key(&key(' '));
    press(&mut app, &mut store, Action::AcceptSuggestion);
    assert_eq!(app.verdict_of(at(1, 0)), Some(NotMet));
    assert_eq!(app.verdict_of(at(1, 1)), Some(Met));
    // A selected row whose figure suggests nothing: nothing is marked, and it is named.
    press(&mut app, &mut store, Action::NextCounty);
    app.key(&key(' '));
    press(&mut app, &mut store, Action::PrevCounty);
    app.key(&key(' '));
    assert!(app.update(Action::AcceptSuggestion).is_empty());
    assert!(app.message.clone().unwrap().text.contains("龙游县"));
    assert_eq!(app.verdict_of(at(1, 1)), Some(Met));
}

#[test]
fn an_item_put_aside_is_passed_over_by_the_flow_and_n_and_listed_by_its_filter() {
    let mut app = app();
    let mut store = FakeStore::default();
    // 柯城区 1.1 put aside: on to 衢江区, as a verdict would.
    typed(&mut app, &mut store, 'x');
    assert!(store.aside.contains(&(0, 0)));
    assert!(app.is_aside(at(0, 0)));
    assert_eq!(app.cursor, at(0, 1));
    assert!(app.message.clone().unwrap().text.starts_with("已搁置"));
    // 龙游县 too; marking 衢江区 then skips it for 江山市.
    press(&mut app, &mut store, Action::NextCounty);
    typed(&mut app, &mut store, 'x');
    assert_eq!(app.cursor, at(0, 3));
    app.cursor = at(0, 1);
    press(&mut app, &mut store, Action::Mark(Met));
    assert_eq!(
        app.cursor,
        at(0, 3),
        "the flow passes over 龙游县, put aside"
    );
    // n passes over them, and the unreviewed-only filter hides them.
    for _ in 0..3 {
        press(&mut app, &mut store, Action::Mark(Met));
    }
    assert_eq!(app.cursor, at(1, 0), "after 开化县: 1.2, not 柯城区 1.1");
    app.cursor = at(0, 5);
    press(&mut app, &mut store, Action::NextUnreviewed);
    assert_eq!(app.cursor, at(1, 0));
    press(&mut app, &mut store, Action::ToggleFilter);
    app.cursor = at(0, 1);
    assert!(!app.county_shown(0, 0) && !app.county_shown(0, 2));
    // The 已搁置 filter (F, then 3) lists them, and goes to the first.
    app.key(&key('F'));
    assert_eq!(app.mode(), Mode::Filter);
    assert_eq!(app.filter_menu(), Some(1), "on the filter in force");
    app.key(&key('3'));
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(app.filter(), Some(Filter::SetAside));
    assert!(!app.only_unreviewed, "one filter at a time");
    assert_eq!(app.cursor, at(0, 2), "on to the next item put aside");
    assert_eq!(app.shown_counties(), vec![0, 2]);
    // A verdict takes it off the list; x takes one back.
    press(&mut app, &mut store, Action::Mark(NotMet));
    assert!(!app.is_aside(at(0, 2)));
    assert!(!store.aside.contains(&(0, 2)));
    app.cursor = at(0, 0);
    typed(&mut app, &mut store, 'x');
    assert!(!app.is_aside(at(0, 0)) && store.aside.is_empty());
    assert_eq!(app.cursor, at(0, 0), "taking back stays");
    assert_eq!(
        app.message.clone().unwrap().text,
        "已取消搁置：柯城区 1.1 养老服务业政策文件"
    );
}

#[test]
fn when_only_items_put_aside_are_left_n_says_so() {
    let mut ws = workspace();
    // Put aside in an earlier session: kept in the database, read at start.
    ws.set_aside = vec![("330802".into(), "1.1".into())];
    let mut app = App::new(ws, &ZH);
    assert!(app.is_aside(at(0, 0)));
    let mut store = FakeStore::default();
    let n = app.verdicts.len();
    for k in 1..n {
        store
            .reviews
            .insert((k / 6, k % 6), Held::by("张三", Some(Met)));
        app.verdicts[k] = Some(Met);
    }
    press(&mut app, &mut store, Action::NextUnreviewed);
    assert_eq!(
        app.message.clone().unwrap().text,
        "其余未评定的 1 项都已搁置（F 选「已搁置」查看）"
    );
}

#[test]
fn shift_and_a_digit_marks_opens_the_note_in_place_and_saving_it_moves_on() {
    let mut app = app();
    let mut store = FakeStore::default();
    let effects = app.key(&key('@'));
    store.run(&mut app, effects);
    assert_eq!(app.verdict_of(at(0, 0)), Some(PartlyMet));
    assert_eq!(app.cursor, at(0, 0), "no move yet");
    assert_eq!(app.mode(), Mode::Editor);
    assert_eq!(app.editor().unwrap().at, at(0, 0));
    let effects = app.type_text("佐证材料不全");
    store.run(&mut app, effects);
    let effects = app.key(&code(KeyCode::Enter));
    store.run(&mut app, effects);
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(
        store.verdict_and_note(0, 0),
        (Some(PartlyMet), "佐证材料不全".to_string())
    );
    assert_eq!(
        app.cursor,
        at(0, 1),
        "the note saved: on to the next county"
    );
    // Esc out of an unchanged editor stays where it is.
    let effects = app.key(&key('#'));
    store.run(&mut app, effects);
    app.key(&code(KeyCode::Esc));
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(app.cursor, at(0, 1));
    assert_eq!(app.verdict_of(at(0, 1)), Some(NotMet));
    // A later note on the same item (e) does not move on.
    press(&mut app, &mut store, Action::EditNote);
    let effects = app.type_text("x");
    store.run(&mut app, effects);
    let effects = app.key(&code(KeyCode::Enter));
    store.run(&mut app, effects);
    assert_eq!(app.cursor, at(0, 1));
    // Undo takes back the note, then the verdict: two steps, as typed.
    press(&mut app, &mut store, Action::Undo);
    press(&mut app, &mut store, Action::Undo);
    assert_eq!(app.verdict_of(at(0, 1)), None);
}

#[test]
fn e_writes_the_note_of_the_item_just_marked_without_moving_back() {
    let mut app = app();
    let mut store = FakeStore::default();
    press(&mut app, &mut store, Action::NotePrevious);
    assert_eq!(app.message.clone().unwrap().text, "还没有刚评定的项目");
    assert_eq!(app.mode(), Mode::Browse);
    press(&mut app, &mut store, Action::Mark(NotMet));
    assert_eq!(app.cursor, at(0, 1));
    app.key(&key('E'));
    assert_eq!(app.editor().unwrap().at, at(0, 0));
    let effects = app.type_text("未见正式文件");
    store.run(&mut app, effects);
    let effects = app.key(&code(KeyCode::Enter));
    store.run(&mut app, effects);
    assert_eq!(store.verdict_and_note(0, 0).1, "未见正式文件");
    assert_eq!(app.cursor, at(0, 1), "the cursor never went back");
    assert_eq!(app.mode(), Mode::Browse);
}

#[test]
fn the_verdict_against_the_figure_filter_goes_by_every_items_figure() {
    let mut app = app();
    let mut store = FakeStore::default();
    let c = codes(&app);
    // 1.2 (≥ 70%): 柯城区 52.4%, 衢江区 83.3%, 开化县 40%, 龙游县 75% against 60/100.
    let figures = vec![
        (
            c[0].clone(),
            "1.2".to_string(),
            figure(&c[0], "52.4%", 52.4).submission().unwrap(),
        ),
        (
            c[1].clone(),
            "1.2".to_string(),
            figure(&c[1], "83.3%", 83.3).submission().unwrap(),
        ),
        (
            c[5].clone(),
            "1.2".to_string(),
            figure(&c[5], "40%", 40.0).submission().unwrap(),
        ),
        (
            c[2].clone(),
            "1.2".to_string(),
            Submission {
                value: "75%".into(),
                value_number: Some(75.0),
                numerator: Some(60.0),
                denominator: Some(100.0),
                ..Submission::default()
            },
        ),
    ];
    // 柯城区 met (against 52.4%), 衢江区 met, 开化县 met (against 40%).
    for county in [0, 1, 5] {
        app.cursor = at(1, county);
        press(&mut app, &mut store, Action::Mark(Met));
    }
    app.cursor = at(0, 0);
    app.key(&key('F'));
    app.key(&key('4'));
    assert_eq!(app.filter(), Some(Filter::Contradicts));
    assert!(app.needs_checks(), "what the figures say is read first");
    app.checks_loaded(figures.clone(), Vec::new());
    assert!(!app.needs_checks());
    assert_eq!(
        app.cursor,
        at(1, 0),
        "on to the first verdict against its figure"
    );
    assert_eq!(app.shown_counties(), vec![0, 5]);
    press(&mut app, &mut store, Action::NextUnreviewed);
    assert_eq!(app.cursor, at(1, 5));
    // Only the indicator with such items shows in the targets pane.
    assert!(app.indicator_shown(1) && !app.indicator_shown(2));

    // A doubtful figure: 龙游县's 75% is not its 60/100.
    app.key(&key('F'));
    app.key(&key('5'));
    assert_eq!(app.filter(), Some(Filter::Flagged));
    assert_eq!(app.cursor, at(1, 2));
    assert_eq!(app.shown_counties(), vec![2]);

    // f: back to unreviewed only; F 1: everything.
    press(&mut app, &mut store, Action::ToggleFilter);
    assert_eq!((app.filter(), app.only_unreviewed), (None, true));
    app.key(&key('F'));
    app.key(&key('1'));
    assert_eq!((app.filter(), app.only_unreviewed), (None, false));
    assert_eq!(app.shown_counties().len(), 6);
}

#[test]
fn not_met_or_partly_met_without_a_note_is_a_filter_and_a_note_takes_it_off() {
    let mut app = app();
    let mut store = FakeStore::default();
    press(&mut app, &mut store, Action::Mark(NotMet)); // 柯城区: no note
    press(&mut app, &mut store, Action::Mark(Met)); // 衢江区: met, needs none
    press(&mut app, &mut store, Action::Mark(PartlyMet)); // 龙游县: noted below
    app.cursor = at(0, 2);
    press(&mut app, &mut store, Action::EditNote);
    let effects = app.type_text("部分达标");
    store.run(&mut app, effects);
    let effects = app.key(&code(KeyCode::Enter));
    store.run(&mut app, effects);
    app.cursor = at(0, 3);
    // The notes held: 龙游县's.
    app.key(&key('F'));
    app.key(&key('6'));
    assert_eq!(app.filter(), Some(Filter::NoNote));
    app.checks_loaded(
        Vec::new(),
        vec![(codes(&app)[2].clone(), "1.1".to_string())],
    );
    assert_eq!(app.cursor, at(0, 0));
    assert_eq!(app.shown_counties(), vec![0]);
    // A note written now takes it off.
    press(&mut app, &mut store, Action::EditNote);
    let effects = app.type_text("未见文件");
    store.run(&mut app, effects);
    let effects = app.key(&code(KeyCode::Enter));
    store.run(&mut app, effects);
    app.cursor = at(0, 5);
    assert!(
        app.shown_counties() == vec![5],
        "{:?}",
        app.shown_counties()
    );
    press(&mut app, &mut store, Action::NextUnreviewed);
    assert_eq!(app.message.clone().unwrap().text, ZH.all_reviewed);
}

#[test]
fn the_countys_own_assessment_differing_is_a_filter_and_counted_per_county() {
    let mut app = app();
    let mut store = FakeStore::default();
    assert!(app.needs_own(), "read at start");
    let c = codes(&app);
    app.own_loaded(vec![
        (c[0].clone(), "1.1".into(), Met),
        (c[1].clone(), "1.1".into(), Met),
        (c[0].clone(), "1.2".into(), PartlyMet),
    ]);
    assert!(!app.needs_own() && app.any_own());
    assert_eq!(app.own_verdict(at(0, 0)), Some(Met));
    // The city: 柯城区 1.1 partly met (differs), 衢江区 1.1 met (agrees), 柯城区 1.2 not met.
    press(&mut app, &mut store, Action::Mark(PartlyMet));
    press(&mut app, &mut store, Action::Mark(Met));
    app.cursor = at(1, 0);
    press(&mut app, &mut store, Action::Mark(NotMet));
    assert!(app.own_differs(at(0, 0)));
    assert!(!app.own_differs(at(0, 1)));
    let summary = app.summarize(None);
    let of = |county: usize| {
        summary
            .rows
            .iter()
            .find(|r| r.county == county)
            .unwrap()
            .report
            .progress
            .self_disagrees
    };
    assert_eq!((of(0), of(1), of(2)), (2, 0, 0));
    app.cursor = at(2, 3);
    app.key(&key('F'));
    app.key(&key('7'));
    assert_eq!(app.filter(), Some(Filter::OwnDiffers));
    assert!(
        !app.needs_checks(),
        "the counties' own assessments are held already"
    );
    assert_eq!(app.cursor, at(0, 0));
    assert_eq!(app.shown_counties(), vec![0]);
    press(&mut app, &mut store, Action::NextUnreviewed);
    assert_eq!(app.cursor, at(1, 0));
    // An import: read again.
    app.forget_cached();
    assert!(app.needs_own());
}

#[test]
fn the_detail_pane_scrolls_to_its_end_and_back_and_d_shows_it_whole() {
    let mut app = app();
    let mut store = FakeStore::default();
    // As the run loop measures it: 5 lines more than fit, 3 a page.
    app.set_detail_size(5, 3);
    app.key(&key('J'));
    app.key(&key('J'));
    assert_eq!(app.detail_scroll(), 2);
    app.key(&code(KeyCode::PageDown));
    app.key(&code(KeyCode::PageDown));
    assert_eq!(app.detail_scroll(), 5, "no further than the last line");
    app.key(&key('K'));
    assert_eq!(app.detail_scroll(), 4);
    app.key(&code(KeyCode::PageUp));
    app.key(&code(KeyCode::PageUp));
    assert_eq!(app.detail_scroll(), 0);
    app.key(&key('J'));
    press(&mut app, &mut store, Action::NextCounty);
    assert_eq!(app.detail_scroll(), 0, "another item starts at its top");
    assert!(!app.detail_whole());
    app.key(&key('D'));
    assert!(app.detail_whole());
    // Moving and marking still work over the whole detail.
    press(&mut app, &mut store, Action::Mark(Met));
    assert_eq!(app.cursor, at(0, 2));
    app.key(&key('D'));
    assert!(!app.detail_whole());
}

#[test]
fn an_account_that_may_only_look_cannot_mark_several_put_aside_or_mark_and_note() {
    let mut app = app();
    app.browse_only("guest");
    app.key(&key(' '));
    assert_eq!(app.selected_count(), 0);
    assert!(app.key(&key('x')).is_empty());
    assert!(app.key(&key('!')).is_empty());
    assert!(app.key(&key('E')).is_empty());
    assert!(app.message.clone().unwrap().text.contains("guest"));
    // Looking is not writing: the filters and the detail still work.
    app.key(&key('F'));
    assert_eq!(app.mode(), Mode::Filter);
}
