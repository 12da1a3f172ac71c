#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What the workspace draws, as text: the main screen at 80×24 and 120×40, the help overlay,
//! the note editor, narrow and tiny windows, English. Snapshots live in tests/snapshots/.

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
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};

/// The embedded targets and counties, with `csv`'s submissions (named `name`).
fn seed_with(csv: &str, name: &str) -> Seed {
    let catalog = Catalog::embedded_2014().unwrap();
    let counties = catalog::embedded_counties().unwrap();
    let lookup = kaohe::lookup::Lookup::from_parts(&catalog, &counties);
    let rows = kaohe::formats::import::parse_csv(csv, name, &lookup).unwrap();
    Seed {
        catalog,
        counties,
        submissions: Some((rows, name.to_string())),
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    who: Reviewer,
}

/// The demo database with a few reviews, as a reviewer would leave it.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let who = Reviewer {
        name: "张三".into(),
        account: "zhangsan".into(),
    };
    let seed = seed_with(
        catalog::DEMO_SUBMISSIONS_2014,
        catalog::DEMO_SUBMISSIONS_2014_PATH,
    );
    let mut store = Store::create(&dir.path().join("k.db"), &seed, &who).unwrap();
    let reviews = [
        ReviewWrite::new("330802", "1.2")
            .verdict(Some(Verdict::Met))
            .note("台账齐全，数据与年报一致"),
        ReviewWrite::new("330803", "1.2")
            .verdict(Some(Verdict::PartlyMet))
            .note("农村照料中心数据口径不一致，需补充说明"),
        ReviewWrite::new("330825", "1.2").verdict(Some(Verdict::NotMet)),
    ];
    store.write_reviews(&reviews, &who).unwrap();
    Fixture {
        _dir: dir,
        store,
        who,
    }
}

/// The App on the fixture, on indicator 1.2 at the second county, times fixed for snapshots.
fn app(f: &Fixture, lang: Lang) -> App {
    let ws = load(&f.store, &f.who).unwrap();
    let mut app = App::new(ws, Strings::get(lang));
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
    screen_in(app, width, height, &Theme::default())
}

fn screen_in(app: &App, width: u16, height: u16, theme: &Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(f, app, theme)).unwrap();
    terminal
}

/// The styles on screen, as runs per row: `row 5: 38-43 fg=Green +BOLD`.
fn styles(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let width = buffer.area.width as usize;
    let mut out = String::new();
    for (y, row) in buffer.content.chunks(width).enumerate() {
        // A wide character's second cell belongs to it.
        let mut keys = Vec::with_capacity(row.len());
        let mut x = 0;
        while x < row.len() {
            let key = (row[x].fg, row[x].bg, row[x].modifier);
            let w = kaohe::text::width(row[x].symbol()).max(1);
            for _ in 0..w.min(row.len() - x) {
                keys.push(key);
            }
            x += w;
        }
        let mut x = 0;
        while x < row.len() {
            let c = &row[x];
            let key = keys[x];
            let start = x;
            while x < row.len() && keys[x] == key {
                x += 1;
            }
            if key == (Color::Reset, Color::Reset, Modifier::empty()) {
                continue;
            }
            let mut desc = format!("row {y}: {start}-{}", x - 1);
            if c.fg != Color::Reset {
                desc.push_str(&format!(" fg={:?}", c.fg));
            }
            if c.bg != Color::Reset {
                desc.push_str(&format!(" bg={:?}", c.bg));
            }
            if !c.modifier.is_empty() {
                desc.push_str(&format!(" +{:?}", c.modifier));
            }
            out.push_str(&desc);
            out.push('\n');
        }
    }
    out
}

#[test]
fn main_screen_80x24() {
    let f = fixture();
    let app = app(&f, Lang::Zh);
    insta::assert_snapshot!(text(&screen(&app, 80, 24)));
}

#[test]
fn main_screen_120x40() {
    let f = fixture();
    let app = app(&f, Lang::Zh);
    insta::assert_snapshot!(text(&screen(&app, 120, 40)));
}

#[test]
fn main_screen_in_english() {
    let f = fixture();
    let app = app(&f, Lang::En);
    insta::assert_snapshot!(text(&screen(&app, 120, 40)));
}

#[test]
fn the_header_names_the_database_and_gives_way_when_narrow() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    let header = |app: &App, w| {
        text(&screen(app, w, 24))
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    let at_80 = header(&app, 80);
    assert!(
        at_80.contains("kaohe.db·共享 · 评审人 张三 · 已评 3/762"),
        "{at_80}"
    );
    assert!(
        at_80.starts_with("2014年度"),
        "the title keeps its place: {at_80}"
    );
    // Too narrow for the title to keep a few columns: the database gives way first, the
    // reviewer and progress stay.
    let at_56 = header(&app, 56);
    assert!(!at_56.contains("kaohe.db"), "{at_56}");
    assert!(at_56.contains("评审人 张三 · 已评 3/762"), "{at_56}");
    // A private database, in English; a long name is cut.
    app.on_database(
        std::path::Path::new("/home/zs/.local/share/kaohe/assessment-2014-final-final.db"),
        false,
        false,
    );
    assert!(
        app.message.is_none(),
        "an old private database says nothing"
    );
    let mut en = self::app(&f, Lang::En);
    en.on_database(std::path::Path::new("k.db"), false, false);
    let line = header(&en, 120);
    assert!(line.contains("k.db·private · Reviewer 张三"), "{line}");
    let line = header(&app, 120);
    assert!(
        line.contains("assessment-2014-final-f…·个人 · 评审人"),
        "{line}"
    );
}

#[test]
fn a_new_private_database_says_so_on_the_first_screen() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    app.on_database(
        std::path::Path::new("/home/zs/.local/share/kaohe/kaohe.db"),
        false,
        true,
    );
    let screen = text(&screen(&app, 120, 40));
    let message = screen.lines().nth(38).unwrap();
    assert!(
        message.starts_with("新建了个人数据库，同事看不到：/home/zs/.local/share/kaohe/kaohe.db"),
        "{screen}"
    );
    assert!(screen.lines().next().unwrap().contains("kaohe.db·个人"));
    // A new shared one (made by `init --shared` elsewhere, say) needs no warning.
    let mut shared = self::app(&f, Lang::Zh);
    shared.on_database(std::path::Path::new("/srv/kaohe/kaohe.db"), true, true);
    assert!(shared.message.is_none());
}

#[test]
fn help_overlay_from_the_keymap() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    app.update(Action::Help);
    insta::assert_snapshot!(text(&screen(&app, 100, 60)));
}

#[test]
fn the_help_pages_and_its_last_page_ends_with_the_legend() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    let area = ratatui::layout::Rect::new(0, 0, 80, 24);
    app.help_rows = view::help_page_rows(area);
    app.update(Action::Help);
    app.update(Action::PageDown);
    let second = text(&screen(&app, 80, 24));
    insta::assert_snapshot!("help_second_page_80x24", second);
    // The page down showed the next page: its first line is the one after the first page's
    // last.
    app.update(Action::PageUp);
    let first = text(&screen(&app, 80, 24));
    let inner = |s: &str| -> Vec<String> {
        s.lines()
            .skip(2)
            .take(app.help_rows)
            .map(|l| l.to_string())
            .collect()
    };
    assert_ne!(inner(&first), inner(&second));
    app.update(Action::Bottom);
    let last = text(&screen(&app, 80, 24));
    // The legend's last line sits on the box's last row: the help's length is the App's.
    let legend = Strings::get(Lang::Zh).marking.legend;
    let (_, meaning) = legend[legend.len() - 1];
    let bottom_row = last.lines().nth(1 + app.help_rows).unwrap_or("");
    let start: String = meaning.chars().take(4).collect();
    assert!(bottom_row.contains(&start), "{last}");
    app.update(Action::ScrollUp);
    assert_ne!(text(&screen(&app, 80, 24)), last, "a line up shows at once");
}

#[test]
fn note_editor_with_the_cursor_at_the_caret() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    app.update(Action::EditNote);
    // A new line, then a phrase from the input method.
    app.update(Action::NewLine);
    app.phrase("补充说明：农村照料中心按行政村计");
    let mut terminal = screen(&app, 80, 24);
    insta::assert_snapshot!(text(&terminal));
    // The real cursor sits right after the last character typed, where the input method's
    // window should open: two columns per Chinese character.
    let pos = terminal.get_cursor_position().unwrap();
    let editor = view::editor_box(ratatui::layout::Rect::new(0, 0, 80, 24));
    let typed = "补充说明：农村照料中心按行政村计";
    assert_eq!(pos.x, editor.x + 1 + kaohe::text::width(typed) as u16);
    let screen = text(&terminal);
    let line = screen.lines().nth(pos.y as usize).unwrap();
    assert!(line.contains(typed), "{line}");
}

#[test]
fn narrow_windows_show_one_pane_and_tiny_ones_say_so() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    insta::assert_snapshot!("narrow_submissions", text(&screen(&app, 60, 20)));
    app.update(Action::NextPane);
    insta::assert_snapshot!("narrow_detail", text(&screen(&app, 60, 20)));
    insta::assert_snapshot!("too_small", text(&screen(&app, 20, 6)));
}

#[test]
fn no_size_panics() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    for (w, h) in [
        (0, 0),
        (1, 1),
        (2, 30),
        (200, 2),
        (23, 8),
        (24, 8),
        (79, 24),
        (80, 8),
        (300, 100),
    ] {
        screen(&app, w, h);
    }
    app.update(Action::EditNote);
    app.paste("很长的备注".repeat(100).as_str());
    app.update(Action::Help);
    for (w, h) in [(1, 1), (24, 8), (30, 9), (80, 24), (13, 40)] {
        screen(&app, w, h);
    }
}

#[test]
fn escape_sequences_in_a_submission_are_shown_as_symbols() {
    let dir = tempfile::tempdir().unwrap();
    let who = Reviewer {
        name: "张三".into(),
        account: "zhangsan".into(),
    };
    let csv = "county,indicator,value,evidence,remark\n\
               柯城区,1.1,是,\"a\u{1b}]0;PWNED\u{7}.pdf\",\"\u{1b}[2J\u{1b}]52;c;SGVsbG8=\u{7}清屏\"\n";
    let seed = seed_with(csv, "evil.csv");
    let mut store = Store::create(&dir.path().join("k.db"), &seed, &who).unwrap();
    let app = kaohe::tui::open(&mut store, &who, Strings::get(Lang::Zh)).unwrap();
    let terminal = screen(&app, 120, 40);
    let text: String = terminal
        .backend()
        .buffer()
        .content
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(!text.contains('\u{1b}'), "ESC reached the screen");
    assert!(!text.contains('\u{7}'), "BEL reached the screen");
    assert!(text.contains("␛]0;PWNED␇.pdf"), "{text}");
    assert!(text.contains("␛[2J"), "{text}");
}

#[test]
fn main_screen_in_each_theme() {
    use kaohe::tui::theme::{BUILT_IN, Depth};
    let f = fixture();
    let app = app(&f, Lang::Zh);
    for (name, _) in BUILT_IN {
        let theme = Theme::load(name, None, Depth::Basic16).unwrap();
        let terminal = screen_in(&app, 80, 24, &theme);
        insta::assert_snapshot!(format!("theme_{name}"), styles(&terminal));
    }
    // NO_COLOR: not one colour on the screen, the selection still reversed.
    let theme = Theme::load("default", None, Depth::None).unwrap();
    let terminal = screen_in(&app, 80, 24, &theme);
    let buffer = terminal.backend().buffer();
    assert!(
        buffer
            .content
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
    assert!(
        buffer
            .content
            .iter()
            .any(|c| c.modifier.contains(Modifier::REVERSED))
    );
}

#[test]
fn the_finder_over_the_screen() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    app.open_finder(f.store.notes().unwrap());
    for c in "dbbz".chars() {
        app.key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    let mut terminal = screen(&app, 100, 30);
    insta::assert_snapshot!(text(&terminal));
    // The query's caret is where the cursor is: after "/ dbbz".
    let pos = terminal.get_cursor_position().unwrap();
    let line = text(&terminal)
        .lines()
        .nth(pos.y as usize)
        .unwrap()
        .to_string();
    assert!(line.contains("/ dbbz"), "{line}");
}

#[test]
fn the_summary_screen_ranks_counties_over_a_heat_map() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    app.update(Action::OpenSummary);
    let at_80 = text(&screen(&app, 80, 24));
    // 柯城区 (1.2 met) ranks first, 衢江区 (partly met) second, the rest share third.
    assert!(at_80.contains("  1  柯城区"), "{at_80}");
    assert!(at_80.contains("  2  衢江区"), "{at_80}");
    insta::assert_snapshot!("summary_80x24", at_80);
    let at_120 = screen(&app, 120, 40);
    insta::assert_snapshot!("summary_120x40", text(&at_120));
    // Enter goes back to marking at the selected county.
    app.update(Action::ScrollDown);
    let chosen = app.summary().unwrap().rows[app.summary().unwrap().selected].county;
    app.update(Action::SummaryJump);
    assert!(app.summary().is_none());
    assert_eq!(app.cursor.county, chosen);
}

#[test]
fn the_detail_pane_says_what_is_wrong_with_a_figure_and_a_changed_one() {
    let mut f = fixture();
    // 衢江区 1.2 (reviewed 基本完成) is corrected: 60% that its parts (24/35) put at 68.6%.
    let row = kaohe::lookup::SubmissionRow {
        line: 2,
        county_code: "330803".into(),
        indicator_id: "1.2".into(),
        submission: kaohe::model::Submission {
            value: "60%".into(),
            value_number: Some(60.0),
            numerator: Some(24.0),
            denominator: Some(35.0),
            ..Default::default()
        },
    };
    f.store
        .import_submissions(&[row], "更正.csv", &f.who)
        .unwrap();
    let app = app(&f, Lang::Zh);
    let screen = text(&screen(&app, 120, 40));
    assert!(
        screen.contains("报送值 60% 与分子/分母算得 68.6% 不一致"),
        "{screen}"
    );
    assert!(
        screen.contains("评定后报送数据已变更，请重新评定"),
        "{screen}"
    );
    assert!(screen.contains("数据已变 1"), "{screen}");
    assert!(screen.contains("◐ 基本完成*"), "{screen}");
}

#[test]
fn the_detail_pane_says_what_a_converted_figure_was_written_as() {
    let mut f = fixture();
    // 衢江区 writes 1.9 (a percentage) in ‰: kept as 1.5%, from 15‰.
    let lookup = f.store.lookup().unwrap();
    let rows = kaohe::formats::import::parse_csv(
        "县(市、区),指标编号,完成值,单位\n衢江区,1.9,15,‰\n",
        "衢江区.csv",
        &lookup,
    )
    .unwrap();
    f.store
        .import_submissions(&rows, "衢江区.csv", &f.who)
        .unwrap();
    let on_1_9 = |lang| {
        let mut app = app(&f, lang);
        while app.indicator().id != "1.9" {
            app.update(Action::NextIndicator);
        }
        app
    };
    let zh = on_1_9(Lang::Zh);
    let wide = text(&screen(&zh, 120, 40));
    assert!(wide.contains("报送值原为 15‰，已换算为 1.5%"), "{wide}");
    let small = text(&screen(&zh, 80, 24));
    assert!(small.contains("15‰"), "{small}");
    let english = text(&screen(&on_1_9(Lang::En), 120, 40));
    assert!(
        english.contains("written 15‰, converted to 1.5%"),
        "{english}"
    );
}

#[test]
fn an_account_that_may_only_look_is_told_so_in_the_header_and_on_a_mark() {
    let f = fixture();
    for (lang, width, header, line) in [
        (
            Lang::Zh,
            80,
            "评审人 张三 · 只读 · 已评 3/762",
            "mallory 未登记，只读：所有者或组长可运行 kaohe reviewers add mallory --name 姓名",
        ),
        (
            Lang::En,
            140,
            "Reviewer 张三 · read-only · Reviewed 3/762",
            "mallory is not a registered reviewer, read-only: the owner or a lead runs kaohe reviewers add mallory --name NAME",
        ),
    ] {
        let mut app = app(&f, lang);
        app.browse_only("mallory");
        let before = app.verdict_of(app.cursor);
        assert!(app.update(Action::Mark(Verdict::NotMet)).is_empty());
        let shown = text(&screen(&app, width, 24));
        let rows: Vec<&str> = shown.lines().collect();
        assert!(rows[0].contains(header), "{shown}");
        assert!(
            rows.iter().any(|r| r.trim_end() == line),
            "the whole line, uncut at {width} columns:\n{shown}"
        );
        assert_eq!(app.verdict_of(app.cursor), before, "nothing marked");
    }
}

#[test]
fn others_items_their_owner_and_a_thread_of_notes_at_80x24() {
    use kaohe::owners::Scope;
    use kaohe::store::{OwnerRef, Registrar, Registration};
    let mut f = fixture();
    let by = Registrar {
        uid: 0,
        who: f.who.clone(),
        owner: true,
    };
    f.store
        .register(
            &Registration {
                uid: 1001,
                account: "zhangsan".into(),
                name: Some("张三".into()),
                division: Some(Some("养老服务处".into())),
                role: None,
            },
            &by,
        )
        .unwrap();
    // 1.2 is 社会救助处's; on 衢江区 王五 gave another verdict, and a note after 张三's.
    f.store
        .assign(
            &Scope::Indicator("1.2".into()),
            Some(&OwnerRef::Division("社会救助处".into())),
            &by,
        )
        .unwrap();
    let wang = Reviewer {
        name: "王五".into(),
        account: "wangwu".into(),
    };
    f.store
        .write_review(
            &ReviewWrite::new("330803", "1.2")
                .verdict(Some(Verdict::NotMet))
                .note("复核：口径说明已补"),
            &wang,
        )
        .unwrap();
    let mut app = app(&f, Lang::Zh);
    assert!(app.only_own());
    let screen80 = text(&screen(&app, 80, 24));
    assert!(screen80.contains("[社会救助]"), "{screen80}");
    assert!(screen80.contains("归属 社会救助处（他人的）"), "{screen80}");
    // 王五's note is the latest: it shows, under his name.
    assert!(
        screen80.contains("王五 11-29 09:30 复核：口径说明已补"),
        "{screen80}"
    );
    insta::assert_snapshot!(screen80);
    // Marking it asks first, on the message line, keys and all at 80 columns.
    app.update(Action::Mark(Verdict::Met));
    let asked = text(&screen(&app, 80, 24));
    let line = asked.lines().nth(22).unwrap();
    assert_eq!(
        line.trim_end(),
        "此项归社会救助处；王五已评「未完成」，你要评「完成」？y 评定 · n 不评"
    );
    // The history (H) lists the notes, each under its author, before the changes.
    app.update(Action::LeaveIt);
    app.history_loaded(app.cursor, Vec::new());
    let history = text(&screen(&app, 80, 24));
    assert!(history.contains("备注（2）"), "{history}");
    assert!(
        history.contains("张三 2026-11-29 09:30：农村照料中心数据口径不一致"),
        "{history}"
    );
    assert!(
        history.contains("王五 2026-11-29 09:30：复核：口径说明已补"),
        "{history}"
    );
}
