#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The verified figure (核定值) on screen: both figures in the detail pane (核减 where the
//! verified one is lower), the table's "county → verified" and its standing, the editor with
//! the real cursor at the caret, and the question before replacing a colleague's figure; at
//! 80×24 and 120×40.

mod common;

use common::screen::{fix_times, text};
use kaohe::catalog::{self, Catalog};
use kaohe::model::Verdict;
use kaohe::store::{ReviewWrite, Reviewer, Seed, Store, VerifyWrite};
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
    who: Reviewer,
}

/// The demo database: 衢江区's 83.3％ for 1.2 verified by 王五 as 60% (核减), and a verdict.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let who = Reviewer {
        name: "张三".into(),
        account: "zhangsan".into(),
    };
    let wang = Reviewer {
        name: "王五".into(),
        account: "wangwu".into(),
    };
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
        submissions: Some((rows, catalog::DEMO_SUBMISSIONS_2014_PATH.into())),
    };
    let mut store = Store::create(&dir.path().join("k.db"), &seed, &who).unwrap();
    store
        .write_reviews(
            &[ReviewWrite::new("330803", "1.2").verdict(Some(Verdict::PartlyMet))],
            &who,
        )
        .unwrap();
    store
        .write_verified(
            &VerifyWrite {
                county_code: "330803".into(),
                indicator_id: "1.2".into(),
                figure: Some(("60%".into(), 60.0)),
                reason: "实地核查：12个社区中只有7个照料中心在运营".into(),
                seen: None,
            },
            &wang,
        )
        .unwrap();
    Fixture {
        _dir: dir,
        store,
        who,
    }
}

/// The App on indicator 1.2 at 衢江区, times fixed.
fn app(f: &Fixture) -> App {
    let ws = load(&f.store, &f.who).unwrap();
    let mut app = App::new(ws, Strings::get(Lang::Zh));
    let mut items = f.store.items().unwrap();
    fix_times(&mut items);
    app.loaded(items);
    app.update(Action::NextIndicator);
    app.update(Action::NextCounty);
    app.on_database(std::path::Path::new("/srv/kaohe/kaohe.db"), true, false);
    app.message = None;
    app
}

fn screen(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| view::draw(f, app, &Theme::default()))
        .unwrap();
    terminal
}

#[test]
fn both_figures_in_the_detail_pane_and_the_table_120x40() {
    let f = fixture();
    let app = app(&f);
    let shown = text(&screen(&app, 120, 40));
    assert!(shown.contains("83.3％→60%"), "{shown}");
    assert!(shown.contains("核减"), "{shown}");
    assert!(shown.contains("实地核查"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn both_figures_at_80x24() {
    let f = fixture();
    let app = app(&f);
    let shown = text(&screen(&app, 80, 24));
    assert!(shown.contains("核减"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn the_editor_with_the_cursor_at_the_caret_and_the_question() {
    let f = fixture();
    let mut app = app(&f);
    app.update(Action::Verify);
    // Opened on 王五's figure: retyped, with a reason in Chinese.
    for _ in 0..3 {
        app.update(Action::DeleteBack);
    }
    app.phrase("58");
    app.update(Action::NextField);
    app.update(Action::LineEnd);
    app.phrase("；另有1个停业");
    let mut terminal = screen(&app, 80, 24);
    let shown = text(&terminal);
    assert!(shown.contains("王五 已核定为 60%"), "{shown}");
    insta::assert_snapshot!("editor_80x24", shown);
    // The cursor sits after the last character typed, for the input method.
    let at = terminal.get_cursor_position().unwrap();
    let row = shown.lines().nth(at.y as usize).unwrap();
    assert!(row.contains("另有1个停业"), "{row}");
    // Enter over a colleague's figure asks first; nothing is written yet.
    let effects = app.update(Action::SaveVerified);
    assert!(effects.is_empty());
    terminal = screen(&app, 80, 24);
    let shown = text(&terminal);
    assert!(
        shown.contains("王五 已核定为 60%，你要改为 58%？ y 改 · n 不改"),
        "{shown}"
    );
    insta::assert_snapshot!("question_80x24", shown);
    let effects = app.update(Action::MarkAnyway);
    assert_eq!(effects.len(), 1, "{effects:?}");
}

/// What the App asks the store for a verified figure, written through the real store and
/// told back, as the run loop does.
fn write_through(f: &mut Fixture, app: &mut App, w: kaohe::tui::app::VerifyWrite) {
    let write = VerifyWrite {
        county_code: app.counties[w.at.county].code.clone(),
        indicator_id: app.indicators[w.at.indicator].id.clone(),
        figure: w.figure.clone(),
        reason: w.reason.clone(),
        seen: Some(w.seen.clone()),
    };
    match f.store.write_verified(&write, &f.who).unwrap() {
        kaohe::store::VerifyWritten::Saved { change, item } => {
            app.verified_written(w, Ok((*change, item)));
        }
        kaohe::store::VerifyWritten::Conflict { now } => app.verified_changed_underneath(w, now),
    }
}

fn the_write(effects: Vec<kaohe::tui::app::Effect>) -> kaohe::tui::app::VerifyWrite {
    match effects.as_slice() {
        [kaohe::tui::app::Effect::Verify(w)] => w.clone(),
        other => panic!("not one verified figure to write: {other:?}"),
    }
}

#[test]
fn recorded_then_cleared_the_suggestion_follows() {
    let mut f = fixture();
    let mut app = app(&f);
    // 龙游县's 93.8 for 1.2 suggests 完成.
    app.update(Action::NextCounty);
    assert_eq!(app.county().name, "龙游县");
    assert_eq!(app.suggestion(app.cursor), Some(Verdict::Met));
    app.update(Action::Verify);
    app.phrase("65.5");
    app.update(Action::NextField);
    app.phrase("核实台账");
    let w = the_write(app.update(Action::SaveVerified));
    assert_eq!(w.figure, Some(("65.5%".to_string(), 65.5)));
    write_through(&mut f, &mut app, w);
    assert!(app.verify_editor().is_none(), "closed once written");
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "已核定：龙游县 1.2 照料中心覆盖率(城市) 65.5%（核减）"
    );
    assert_eq!(app.suggestion(app.cursor), Some(Verdict::NotMet));
    // Cleared: the figure emptied and saved (my own: nothing asked).
    app.update(Action::Verify);
    for _ in 0..5 {
        app.update(Action::DeleteBack);
    }
    let w = the_write(app.update(Action::SaveVerified));
    assert_eq!(w.figure, None);
    write_through(&mut f, &mut app, w);
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "已清除核定值：龙游县 1.2 照料中心覆盖率(城市)"
    );
    assert_eq!(app.suggestion(app.cursor), Some(Verdict::Met));
    assert!(f.store.verified("330881", "1.2").unwrap().is_none());
}

#[test]
fn an_item_someone_else_owns_is_asked_about_first_and_a_lock_refuses() {
    let f = fixture();
    let mut ws = load(&f.store, &f.who).unwrap();
    // Target 1 belongs to 养老服务处; this reviewer is in 社会救助处.
    ws.owners = vec![kaohe::owners::Assignment {
        scope: kaohe::owners::Scope::Target(1),
        owner: kaohe::owners::Owner::Division("养老服务处".into()),
    }];
    ws.me = Some(kaohe::owners::Me {
        uid: Some(1000),
        division: Some("社会救助处".into()),
    });
    let mut app = App::new(ws, Strings::get(Lang::Zh));
    let mut items = f.store.items().unwrap();
    fix_times(&mut items);
    app.loaded(items);
    // It opens on own work (target 2): to 龙游县 1.2, which is 养老服务处's.
    app.cursor = kaohe::tui::app::Cursor {
        indicator: 1,
        county: 2,
    };
    assert_eq!(
        (app.county().name.as_str(), app.indicator().id.as_str()),
        ("龙游县", "1.2")
    );
    app.update(Action::Verify);
    app.phrase("65");
    app.update(Action::NextField);
    app.phrase("核实台账");
    assert!(app.update(Action::SaveVerified).is_empty(), "asked first");
    let shown = text(&screen(&app, 80, 24));
    assert!(
        shown.contains("此项归养老服务处；你要记录核定值 65%？ y 改 · n 不改"),
        "{shown}"
    );
    // n: back to the editor, nothing written; y: written.
    assert!(app.update(Action::LeaveIt).is_empty());
    assert!(app.verify_editor().is_some_and(|e| !e.asking));
    app.update(Action::SaveVerified);
    the_write(app.update(Action::MarkAnyway));

    // A lock on target 1: `=` is refused at once, saying who locked it.
    let mut f = fixture();
    f.store
        .lock(
            Some(1),
            "",
            &kaohe::store::Acting {
                uid: 1,
                who: Reviewer {
                    name: "王五".into(),
                    account: "wangwu".into(),
                },
            },
        )
        .unwrap();
    let mut locked = self::app(&f);
    locked.set_locks(f.store.locks().unwrap());
    locked.update(Action::Verify);
    assert!(locked.verify_editor().is_none());
    assert!(
        locked
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("已审定：王五"),
        "{:?}",
        locked.message
    );
}

#[test]
fn nothing_submitted_or_no_number_opens_no_editor() {
    let f = fixture();
    let mut app = app(&f);
    // 1.1 asks for no number.
    app.update(Action::PrevIndicator);
    app.update(Action::Verify);
    assert!(app.verify_editor().is_none());
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "该指标没有数值要求，不记核定值（核实情况请写在备注里）"
    );
}
