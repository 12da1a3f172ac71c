#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What the workspace draws, as text: the main screen at 80×24 and 120×40, the help overlay,
//! the note editor, narrow and tiny windows, English. Snapshots live in tests/snapshots/.

use kaohe::catalog::{self, Catalog};
use kaohe::model::Verdict;
use kaohe::store::{Reviewer, Seed, Store};
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

/// The demo database with a few reviews, as a reviewer would leave it.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let who = Reviewer {
        name: "张三".into(),
        account: "zhangsan".into(),
    };
    let seed = Seed {
        catalog: Catalog::embedded_2014().unwrap(),
        counties: catalog::embedded_counties().unwrap(),
        submissions: Some((
            catalog::DEMO_SUBMISSIONS_2014.to_string(),
            catalog::DEMO_SUBMISSIONS_2014_PATH.to_string(),
        )),
    };
    let mut store = Store::create(&dir.path().join("k.db"), &seed, &who).unwrap();
    store
        .review(
            "330802",
            "1.2",
            Some(Some(Verdict::Met)),
            Some("台账齐全，数据与年报一致"),
            &who,
        )
        .unwrap();
    store
        .review(
            "330803",
            "1.2",
            Some(Some(Verdict::PartlyMet)),
            Some("农村照料中心数据口径不一致，需补充说明"),
            &who,
        )
        .unwrap();
    store
        .review("330825", "1.2", Some(Some(Verdict::NotMet)), None, &who)
        .unwrap();
    Fixture {
        _dir: dir,
        store,
        who,
    }
}

/// The App on the fixture, on indicator 1.2 at the second county, times fixed for snapshots.
fn app(f: &Fixture, lang: Lang) -> App {
    let mut ws = load(&f.store, &f.who).unwrap();
    for item in &mut ws.items {
        if item.reviewed_at.is_some() {
            item.reviewed_at = Some("2026-11-29T09:30:00+08:00".into());
        }
    }
    let mut app = App::new(ws, Strings::get(lang));
    app.update(Action::NextIndicator);
    app.update(Action::NextCounty);
    app.message = None;
    app
}

/// The screen as plain text, a line per row, wide characters once (not followed by the blank
/// cell they cover).
fn text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let width = buffer.area.width as usize;
    let mut out = String::new();
    for row in buffer.content.chunks(width.max(1)) {
        let mut skip = 0;
        for cell in row {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            out.push_str(cell.symbol());
            skip = kaohe::text::width(cell.symbol()).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

fn screen(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let theme = Theme { color: true };
    terminal.draw(|f| view::draw(f, app, &theme)).unwrap();
    terminal
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
fn help_overlay_from_the_keymap() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    app.update(Action::Help);
    insta::assert_snapshot!(text(&screen(&app, 100, 60)));
}

#[test]
fn note_editor_with_the_cursor_at_the_caret() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    app.update(Action::EditNote);
    app.paste("\n补充说明：农村照料中心按行政村计");
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
    let seed = Seed {
        catalog: Catalog::embedded_2014().unwrap(),
        counties: catalog::embedded_counties().unwrap(),
        submissions: Some((csv.to_string(), "evil.csv".to_string())),
    };
    let store = Store::create(&dir.path().join("k.db"), &seed, &who).unwrap();
    let app = App::new(load(&store, &who).unwrap(), Strings::get(Lang::Zh));
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
