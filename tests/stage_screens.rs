#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What the workspace draws of the later stages, as text: 复核 mode (the 复核 column, the
//! second review in the detail pane, the header), a locked item, the reason's editor, and the
//! summary's 按人 view — at 80×24 first. Snapshots live in tests/snapshots/.

mod common;

use common::screen::text;
use kaohe::catalog::{self, Catalog};
use kaohe::model::Verdict;
use kaohe::stages::{Decision, Lock};
use kaohe::store::{Acting, CheckWrite, ReviewWrite, Reviewer, Seed, Store};
use kaohe::tui::action::Action;
use kaohe::tui::app::App;
use kaohe::tui::strings::{Lang, Strings};
use kaohe::tui::theme::Theme;
use kaohe::tui::{load, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
}

fn reviewer(name: &str, account: &str) -> Reviewer {
    Reviewer {
        name: name.into(),
        account: account.into(),
    }
}

/// The demo database: 张三 marked 1.2 for three counties; 李四 agreed with 柯城区's and changed
/// 衢江区's to 未完成 with a reason.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let catalog = Catalog::embedded_2014().unwrap();
    let counties = catalog::embedded_counties().unwrap();
    let lookup = kaohe::lookup::Lookup::from_parts(&catalog, &counties);
    let rows = kaohe::formats::import::parse_csv(
        catalog::DEMO_SUBMISSIONS_2014,
        catalog::DEMO_SUBMISSIONS_2014_PATH,
        &lookup,
    )
    .unwrap();
    let seed = Seed {
        catalog,
        counties,
        submissions: Some((rows, "demo.csv".into())),
    };
    let zhang = reviewer("张三", "zhangsan");
    let mut store = Store::create(&dir.path().join("k.db"), &seed, &zhang).unwrap();
    let reviews = [
        ReviewWrite::new("330802", "1.2")
            .verdict(Some(Verdict::Met))
            .note("台账齐全"),
        ReviewWrite::new("330803", "1.2").verdict(Some(Verdict::Met)),
        ReviewWrite::new("330825", "1.2").verdict(Some(Verdict::NotMet)),
    ];
    store.write_reviews(&reviews, &zhang).unwrap();
    let li = Acting {
        uid: 7,
        who: reviewer("李四", "lisi"),
    };
    for (county, decision, reason) in [
        ("330802", Decision::Confirm, ""),
        (
            "330803",
            Decision::Change(Verdict::NotMet),
            "农村照料中心数据口径不一致",
        ),
    ] {
        let write = CheckWrite {
            county_code: county.into(),
            indicator_id: "1.2".into(),
            decision,
            reason: reason.into(),
            first_seen: None,
        };
        store.write_check(&write, &li).unwrap();
    }
    Fixture { _dir: dir, store }
}

/// The workspace as 李四, on 1.2 at 衢江区, times fixed for snapshots.
fn app(f: &Fixture, lang: Lang) -> App {
    let who = reviewer("李四", "lisi");
    let mut store_app = App::new(load(&f.store, &who).unwrap(), Strings::get(lang));
    store_app.set_checks(f.store.check_states().unwrap());
    let mut items = f.store.items().unwrap();
    for item in &mut items {
        if item.reviewed_at.is_some() {
            item.reviewed_at = Some("2026-11-29T09:30:00+08:00".into());
        }
        for note in &mut item.notes {
            note.at = "2026-11-29T09:30:00+08:00".into();
        }
        if item.stages.checked_at.is_some() {
            item.stages.checked_at = Some("2026-11-30T14:00:00+08:00".into());
        }
    }
    store_app.loaded(items);
    store_app.cursor = kaohe::tui::app::Cursor {
        indicator: 1,
        county: 1,
    };
    store_app.on_database(std::path::Path::new("/srv/kaohe/kaohe.db"), true, false);
    store_app.message = None;
    store_app
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| view::draw(f, app, &Theme::default()))
        .unwrap();
    text(&terminal)
}

#[test]
fn check_mode_shows_both_verdicts_at_80x24() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    app.update(Action::ToggleCheck);
    app.message = None;
    // Back on 衢江区 (the queue took it to 龙游县).
    app.cursor.county = 1;
    let at_80 = screen(&app, 80, 24);
    assert!(at_80.contains("· 复核"), "the header says so:\n{at_80}");
    assert!(at_80.contains("✗改"), "the 复核 column:\n{at_80}");
    assert!(at_80.contains("同意"), "{at_80}");
    assert!(
        at_80.contains("复核 ✗ 未完成（改判）· 李四 · 2026-11-30 14:00"),
        "the detail pane:\n{at_80}"
    );
    assert!(at_80.contains("理由 农村照料中心数据口径不一致"), "{at_80}");
    assert!(at_80.contains("Enter 同意"), "the hint line:\n{at_80}");
    insta::assert_snapshot!("check_mode_80x24", at_80);
    insta::assert_snapshot!("check_mode_120x40", screen(&app, 120, 40));
}

#[test]
fn a_change_opens_the_editor_for_its_reason() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    app.update(Action::ToggleCheck);
    // 龙游县 (未完成) is next in the queue: 1 would change it to 完成.
    assert_eq!(app.cursor.county, 2);
    app.update(Action::CheckChange(Verdict::Met));
    let at_80 = screen(&app, 80, 24);
    assert!(
        at_80.contains("改判理由 未完成 → 完成 · 龙游县"),
        "the editor's title:\n{at_80}"
    );
    insta::assert_snapshot!("check_reason_editor_80x24", at_80);
}

#[test]
fn a_locked_item_says_who_locked_it_and_when() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    app.set_locks(vec![Lock {
        target: Some(1),
        by: "王五".into(),
        account: "wangwu".into(),
        at: "2026-12-01T10:00:00+08:00".into(),
        reason: String::new(),
    }]);
    app.update(Action::Mark(Verdict::Met));
    let at_80 = screen(&app, 80, 24);
    assert!(
        at_80.contains("已审定：王五 2026-12-01 10:00 锁定了目标 1；要改动须由组长 kaohe unlock"),
        "the refusal:\n{at_80}"
    );
    assert!(at_80.contains("部分审定"), "the header:\n{at_80}");
    assert!(
        at_80.contains("审定 王五 2026-12-01 10:00 锁定了目标 1"),
        "the detail pane:\n{at_80}"
    );
    insta::assert_snapshot!("locked_item_80x24", at_80);
}

#[test]
fn the_summary_shows_progress_by_person_at_80x24() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    app.update(Action::OpenSummary);
    app.update(Action::SummaryPeople);
    let reading = screen(&app, 80, 24);
    assert!(reading.contains("正在读取"), "{reading}");
    app.people_loaded(f.store.people().unwrap());
    let at_80 = screen(&app, 80, 24);
    // 张三: 3 marked, 2 second-reviewed, 1 agreed, 1 changed: 50.0%. 李四: 2 checks given, 1
    // left (龙游县).
    assert!(at_80.contains("张三"), "{at_80}");
    assert!(at_80.contains("50.0%"), "{at_80}");
    insta::assert_snapshot!("people_80x24", at_80);
    // It scrolls to the last target.
    for _ in 0..30 {
        app.update(Action::ScrollDown);
    }
    let scrolled = screen(&app, 80, 24);
    assert!(scrolled.contains("12 加强社会工作"), "{scrolled}");
    app.update(Action::SummaryPeople);
    assert!(screen(&app, 80, 24).contains("名次"));
}

#[test]
fn check_mode_in_english() {
    let f = fixture();
    let mut app = app(&f, Lang::En);
    app.update(Action::ToggleCheck);
    app.message = None;
    app.cursor.county = 1;
    let at_80 = screen(&app, 80, 24);
    assert!(at_80.contains("2nd review"), "{at_80}");
    insta::assert_snapshot!("check_mode_english_80x24", at_80);
}
