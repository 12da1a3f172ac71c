#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What rapid marking and the counties' own assessments (自评) look like at 80×24, in Chinese:
//! the table with its 自评 column, ≠, a selection and an item put aside; the detail pane
//! scrolled to its last line and shown whole; the filter menu; the summary's count; the
//! help's legend. Snapshots live in tests/snapshots/.

mod common;

use common::screen::{fix_times, text};
use kaohe::catalog::{self, Catalog};
use kaohe::model::Verdict;
use kaohe::store::{ReviewWrite, Reviewer, Seed, Store};
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

/// The demo database with the counties' own assessments of 1.2 and a few verdicts; 江山市 1.2
/// put aside.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let who = Reviewer {
        name: "张三".into(),
        account: "zhangsan".into(),
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
        submissions: Some((rows, catalog::DEMO_SUBMISSIONS_2014_PATH.to_string())),
    };
    let mut store = Store::create(&dir.path().join("k.db"), &seed, &who).unwrap();
    // A corrected sheet of 1.2 with each county's own assessment (自评结果, 自评分).
    let own = "县(市、区),指标编号,完成值,分子,分母,佐证材料,自评结果,自评分\n\
        柯城区,1.2,52.4%,22,42,台账.xlsx,完成,9.5\n\
        衢江区,1.2,83.3％,10,12,居家养老服务照料中心台账.xlsx,完成,10\n\
        龙游县,1.2,93.8,15,16,,完成,\n\
        江山市,1.2,84.0%,21,25,,基本完成,8\n";
    let rows = kaohe::formats::import::parse_csv(own, "自评.csv", &lookup).unwrap();
    store.import_submissions(&rows, "自评.csv", &who).unwrap();
    let reviews = [
        ReviewWrite::new("330802", "1.2")
            .verdict(Some(Verdict::Met))
            .note("台账齐全，数据与年报一致"),
        ReviewWrite::new("330803", "1.2")
            .verdict(Some(Verdict::PartlyMet))
            .note("农村照料中心数据口径不一致，需补充说明。另：部分社区照料中心未挂牌，运营记录不全，请县局在复核前补齐台账并附照片"),
        ReviewWrite::new("330825", "1.2").verdict(Some(Verdict::NotMet)),
    ];
    store.write_reviews(&reviews, &who).unwrap();
    store.put_aside(&who, "330881", "1.2", true).unwrap();
    Fixture {
        _dir: dir,
        store,
        who,
    }
}

/// The App on the fixture, on 1.2 at 衢江区, times fixed for snapshots, everything read.
fn app(f: &Fixture) -> App {
    let mut store = Store::open(f.store.path()).unwrap();
    let mut app = kaohe::tui::open(&mut store, &f.who, Strings::get(Lang::Zh)).unwrap();
    let ws = load(&f.store, &f.who).unwrap();
    assert_eq!(ws.set_aside.len(), 1);
    let mut items = f.store.items().unwrap();
    fix_times(&mut items);
    app.loaded(items);
    app.update(Action::NextIndicator);
    app.update(Action::NextCounty);
    app.on_database(std::path::Path::new("/srv/kaohe/kaohe.db"), true, false);
    app.message = None;
    app
}

/// The App drawn on an 80×24 screen, the detail pane measured first (as the run loop does).
fn at_80x24(app: &mut App) -> String {
    let theme = Theme::default();
    let (most, page) = view::detail_size(ratatui::layout::Rect::new(0, 0, 80, 24), app, &theme);
    app.set_detail_size(most, page);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| view::draw(f, app, &theme)).unwrap();
    text(&terminal)
}

#[test]
fn own_assessment_selection_and_an_item_put_aside_at_80x24() {
    let f = fixture();
    let mut app = app(&f);
    // 衢江区 and 龙游县 selected.
    app.update(Action::ToggleSelect);
    app.update(Action::NextCounty);
    app.update(Action::ToggleSelect);
    let screen = at_80x24(&mut app);
    assert!(screen.contains("已选 2"), "{screen}");
    assert!(
        screen.contains("+衢江区") && screen.contains("+龙游县"),
        "{screen}"
    );
    // The 自评 column; ≠ where the county's own assessment differs (衢江区, 龙游县).
    assert!(screen.contains(" 自评 评定"), "{screen}");
    assert!(screen.contains("◐ 基本完成≠"), "{screen}");
    assert!(screen.contains("✗ 未完成!≠"), "{screen}");
    assert!(screen.contains("○ 搁置"), "{screen}");
    insta::assert_snapshot!("marking_table_80x24", screen);
}

#[test]
fn the_detail_pane_at_80x24_scrolls_to_its_last_line_and_shows_whole() {
    let f = fixture();
    let mut app = app(&f);
    let first = at_80x24(&mut app);
    assert!(first.contains("……还有"), "{first}");
    assert!(first.contains("自评 ✓ 完成 · 10分"), "{first}");
    assert!(
        first.contains("注意 自评「完成」与评定「基本完成」不一致"),
        "{first}"
    );
    for _ in 0..10 {
        app.update(Action::DetailPageDown);
    }
    let end = at_80x24(&mut app);
    assert!(!end.contains("……还有"), "{end}");
    // The last line of the pane (above its bottom edge) is the last of the notice's words.
    let rows: Vec<&str> = end.lines().collect();
    let bottom = rows.iter().rposition(|r| r.contains("└───")).unwrap();
    assert!(rows[bottom - 1].contains("70%、50%"), "{end}");
    insta::assert_snapshot!("detail_scrolled_to_its_end_80x24", end);
    app.update(Action::ToggleDetailWhole);
    let whole = at_80x24(&mut app);
    assert!(
        whole.contains("要求 ≥ 70%") && whole.contains("70%、50%"),
        "{whole}"
    );
    assert!(!whole.contains("……还有"), "{whole}");
    insta::assert_snapshot!("detail_whole_80x24", whole);
}

#[test]
fn the_filter_menu_and_a_filter_in_the_header_at_80x24() {
    let f = fixture();
    let mut app = app(&f);
    app.update(Action::OpenFilters);
    app.update(Action::ScrollDown);
    let menu = at_80x24(&mut app);
    assert!(menu.contains("• 1 全部"), "{menu}");
    insta::assert_snapshot!("filter_menu_80x24", menu);
    // 7: 自评与评定不一致. The counties' own assessments are read with the App.
    app.update(Action::PickFilter(7));
    let screen = at_80x24(&mut app);
    assert!(screen.contains("筛选：自评与评定不一致"), "{screen}");
    assert!(!screen.contains("柯城区 52.4%"), "柯城区 agrees: {screen}");
    insta::assert_snapshot!("filtered_by_own_assessment_80x24", screen);
}

#[test]
fn the_summary_counts_where_the_own_assessment_differs_at_80x24() {
    let f = fixture();
    let mut app = app(&f);
    app.update(Action::OpenSummary);
    let screen = at_80x24(&mut app);
    assert!(screen.contains("自评≠"), "{screen}");
    insta::assert_snapshot!("summary_with_own_assessment_80x24", screen);
}

#[test]
fn the_help_ends_with_what_the_symbols_mean() {
    let f = fixture();
    let mut app = app(&f);
    app.update(Action::Help);
    for _ in 0..200 {
        app.update(Action::ScrollDown);
    }
    let screen = at_80x24(&mut app);
    assert!(screen.contains("符号"), "{screen}");
    assert!(
        screen.contains("目标栏：该目标或指标已全部评定（不代表都完成）"),
        "{screen}"
    );
    insta::assert_snapshot!("help_legend_80x24", screen);
}
