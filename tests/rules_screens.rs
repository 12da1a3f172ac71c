#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What the workspace draws of rule-based scoring (issue 17), as text: the summary ranked with
//! its grades and bonuses, and the detail pane's rule, points, cases and 不计分, at 80×24 and
//! larger, in Chinese and English. The database is the worked example of data/README.md (一.6).
//! Snapshots live in tests/snapshots/.

mod common;

use common::screen::{fix_times, text};
use kaohe::catalog::{self, parse_targets};
use kaohe::model::Verdict::{self, Met, NotMet, PartlyMet};
use kaohe::store::{FindingWrite, ReviewWrite, Reviewer, Seed, Store};
use kaohe::tui::action::Action;
use kaohe::tui::app::{App, Cursor};
use kaohe::tui::strings::{Lang, Strings};
use kaohe::tui::theme::Theme;
use kaohe::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const RULES: &str = include_str!("fixtures/rules.toml");
const SUBMISSIONS: &str = include_str!("fixtures/rules-submissions.csv");

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    who: Reviewer,
}

/// The worked example: targets, submissions, verdicts and findings, as tests/rules.rs makes
/// it through the binary.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let who = Reviewer {
        name: "张三".into(),
        account: "zhangsan".into(),
    };
    let catalog = parse_targets(RULES, "rules.toml").unwrap();
    let counties = catalog::embedded_counties().unwrap();
    let lookup = kaohe::lookup::Lookup::from_parts(&catalog, &counties);
    let rows = kaohe::formats::import::parse_csv(SUBMISSIONS, "s.csv", &lookup).unwrap();
    let seed = Seed {
        catalog,
        counties: counties.clone(),
        submissions: Some((rows, "s.csv".into())),
    };
    let mut store = Store::create(&dir.path().join("r.db"), &seed, &who).unwrap();
    let v = |c: char| -> Option<Verdict> {
        match c {
            'M' => Some(Met),
            'P' => Some(PartlyMet),
            'N' => Some(NotMet),
            _ => None,
        }
    };
    let mut reviews = Vec::new();
    for (indicator, verdicts) in [
        ("1.1", "MNNNMN"),
        ("1.2", "MNMMMM"),
        ("1.3", "MPNPMP"),
        ("2.1", "MMMMNN"),
        ("2.2", "MMMMMN"),
        ("3.1", "MMM--M"),
        ("3.2", "MM-P--"),
    ] {
        for (county, c) in counties.iter().zip(verdicts.chars()) {
            if let Some(verdict) = v(c) {
                reviews.push(ReviewWrite::new(&county.code, indicator).verdict(Some(verdict)));
            }
        }
    }
    store.write_reviews(&reviews, &who).unwrap();
    let findings = [
        ("330803", "1.3", FindingWrite::Cases(Some(3))),
        ("330825", "1.3", FindingWrite::Cases(Some(10))),
        ("330881", "1.3", FindingWrite::Cases(Some(1))),
        ("330822", "1.3", FindingWrite::Cases(Some(0))),
        ("330824", "1.3", FindingWrite::Cases(Some(2))),
        ("330802", "3.1", FindingWrite::Cases(Some(2))),
        ("330803", "3.1", FindingWrite::Cases(Some(5))),
        ("330825", "3.1", FindingWrite::Cases(Some(2))),
        ("330824", "3.1", FindingWrite::Cases(Some(1))),
        (
            "330825",
            "1.2",
            FindingWrite::Void("弄虚作假：覆盖率台账与抽查不符".into()),
        ),
    ];
    for (county, indicator, write) in findings {
        store
            .write_finding(county, indicator, &write, &who)
            .unwrap();
    }
    Fixture {
        _dir: dir,
        store,
        who,
    }
}

/// The App on the fixture at `at`, everything read, times fixed for snapshots.
fn app(f: &mut Fixture, lang: Lang, at: Cursor) -> App {
    let mut app = kaohe::tui::open(&mut f.store, &f.who, Strings::get(lang)).unwrap();
    let mut items = f.store.items().unwrap();
    fix_times(&mut items);
    app.loaded(items);
    app.cursor = at;
    app.on_database(std::path::Path::new("/srv/kaohe/kaohe.db"), true, false);
    app.message = None;
    app
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| view::draw(f, app, &Theme::default()))
        .unwrap();
    text(&terminal)
}

const AT: Cursor = Cursor {
    indicator: 1,
    county: 2,
};

#[test]
fn the_summary_ranks_and_grades_with_the_bonus_shown() {
    let mut f = fixture();
    let mut app = app(&mut f, Lang::Zh, AT);
    app.update(Action::OpenSummary);
    let at_80 = screen(&app, 80, 24);
    assert!(at_80.contains("等次"), "{at_80}");
    assert!(at_80.contains("  1  柯城区"), "{at_80}");
    assert!(at_80.contains("20/16 加4"), "{at_80}");
    // 江山市 and 常山县 share third at 13.
    assert!(at_80.contains("  3  江山市"), "{at_80}");
    assert!(at_80.contains("  3  常山县"), "{at_80}");
    insta::assert_snapshot!("rules_summary_80x24", at_80);
    let at_120 = screen(&app, 120, 40);
    // Target 3 holds bonus items only: no share of the most to colour.
    assert!(at_120.contains(" — "), "{at_120}");
    insta::assert_snapshot!("rules_summary_120x40", at_120);
}

#[test]
fn the_detail_pane_shows_the_rule_the_points_the_cases_and_a_void() {
    let mut f = fixture();
    // 龙游县 1.2: 100%, all or nothing, voided.
    let app_void = app(&mut f, Lang::Zh, AT);
    let shown = screen(&app_void, 80, 24);
    assert!(shown.contains("不计分：弄虚作假"), "{shown}");
    assert!(shown.contains("已认定不计分，得"), "{shown}");
    insta::assert_snapshot!("rules_detail_void_80x24", shown);
    // 衢江区 1.3: per case, 3 cases found.
    let cases = app(
        &mut f,
        Lang::Zh,
        Cursor {
            indicator: 2,
            county: 1,
        },
    );
    let shown = screen(&cases, 120, 40);
    assert!(
        shown.contains("满分 4 分，每例扣 0.5 分，扣完为止 · 得 2.5/4 分"),
        "{shown}"
    );
    insta::assert_snapshot!("rules_detail_cases_120x40", shown);
    // 常山县 2.1 in English: by rank, with no figure to rank.
    let rank = app(
        &mut f,
        Lang::En,
        Cursor {
            indicator: 3,
            county: 4,
        },
    );
    let shown = screen(&rank, 120, 40);
    assert!(shown.contains("no figure to score by"), "{shown}");
    insta::assert_snapshot!("rules_detail_rank_en_120x40", shown);
}
