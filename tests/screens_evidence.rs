#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What the workspace draws of the evidence (issue 18), as text: the detail pane's files, what
//! is missing and the open request; the viewer on a PDF's Chinese text and on a picture, at
//! 80×24 and 120×40. The evidence is imported as a county sends it (tests/fixtures/viewer:
//! 柯城区.csv beside the folder 柯城区/ — a two-page notice in Adobe's standard Chinese font, a
//! photo, a GB18030 text with an escape in it — and 台账.xlsx cited but not sent).

mod common;

use common::screen::text;
use kaohe::store::{Reviewer, Store};
use kaohe::tui::action::Action;
use kaohe::tui::app::App;
use kaohe::tui::strings::{Lang, Strings};
use kaohe::tui::theme::Theme;
use kaohe::tui::view;
use kaohe_preview::Limits;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::{Path, PathBuf};

struct Fixture {
    dir: tempfile::TempDir,
    who: Reviewer,
}

impl Fixture {
    fn db(&self) -> PathBuf {
        self.dir.path().join("k.db")
    }

    fn store(&self) -> Store {
        Store::open(&self.db()).unwrap()
    }
}

fn kaohe(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .arg("--db")
        .arg(dir.join("k.db"))
        .args(args)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("KAOHE_DB")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A copy of tests/fixtures/viewer in `dir`.
fn copy_fixtures(dir: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/viewer");
    std::fs::copy(from.join("柯城区.csv"), dir.join("柯城区.csv")).unwrap();
    std::fs::create_dir_all(dir.join("柯城区")).unwrap();
    for f in std::fs::read_dir(from.join("柯城区")).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), dir.join("柯城区").join(f.file_name())).unwrap();
    }
}

/// A database with 柯城区's sheet and evidence imported, and a request for more on 1.1.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    copy_fixtures(dir.path());
    kaohe(dir.path(), &["init"]);
    let sheet = dir.path().join("柯城区.csv");
    kaohe(dir.path(), &["import", sheet.to_str().unwrap()]);
    let who = Reviewer {
        name: "张三".into(),
        account: "zhangsan".into(),
    };
    let f = Fixture { dir, who };
    f.store()
        .open_request("330802", "1.1", "请补充2014年养老服务台账（按月）", &f.who)
        .unwrap();
    f
}

/// The App as the workspace opens it on the fixture, on 柯城区 1.1.
fn app(f: &Fixture, lang: Lang) -> App {
    let mut store = f.store();
    let mut app = kaohe::tui::open(&mut store, &f.who, Strings::get(lang)).unwrap();
    app.on_database(Path::new("/srv/kaohe/kaohe.db"), true, false);
    app.message = None;
    app
}

/// Opens the viewer, and does what the effect would: the file read and previewed.
fn open_viewer(f: &Fixture, app: &mut App, width: u16, height: u16) {
    let area = ratatui::layout::Rect::new(0, 0, width, height);
    let (w, h) = view::viewer_text_size(area);
    app.set_viewer_size(w, h);
    app.update(Action::OpenEvidence);
    show_file(f, app);
}

fn show_file(f: &Fixture, app: &mut App) {
    let file = app.viewer().unwrap().current().clone();
    let path = f.store().evidence_path(&file.sha256);
    let bytes = std::fs::read(path).unwrap();
    let preview = kaohe_preview::preview(&bytes, &file.name, &Limits::default()).unwrap();
    app.preview_loaded(&file.sha256, Ok(preview));
}

fn screen(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| view::draw(frame, app, &Theme::default()))
        .unwrap();
    terminal
}

/// Request times as the clock made them, fixed for the snapshot.
fn fixed(screen: String) -> String {
    let re = |s: &str| {
        let mut out = String::new();
        for line in s.lines() {
            let mut l = line.to_string();
            if let Some(i) = l.find("张三 · 20") {
                let start = i + "张三 · ".len();
                let end = (start + 16).min(l.len());
                l.replace_range(start..end, "2026-12-01 10:00");
            }
            out.push_str(&l);
            out.push('\n');
        }
        out
    };
    re(&screen)
}

#[test]
fn the_detail_pane_lists_files_missing_and_asked_120x40() {
    let f = fixture();
    let app = app(&f, Lang::Zh);
    let shown = fixed(text(&screen(&app, 120, 40)));
    assert!(shown.contains("通知.pdf · PDF · 1.4 KiB"), "{shown}");
    assert!(shown.contains("缺少"));
    insta::assert_snapshot!(shown);
}

#[test]
fn the_detail_pane_lists_files_missing_and_asked_80x24() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    // The detail pane the whole window long (D), as a reviewer reads it at 80×24.
    app.update(Action::ToggleDetailWhole);
    insta::assert_snapshot!(fixed(text(&screen(&app, 80, 24))));
}

#[test]
fn the_viewer_shows_a_pdfs_chinese_text_80x24() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    open_viewer(&f, &mut app, 80, 24);
    let shown = text(&screen(&app, 80, 24));
    assert!(
        shown.contains("关于做好2014年度养老服务工作的通知"),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn the_viewer_shows_a_pdfs_chinese_text_120x40() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    open_viewer(&f, &mut app, 120, 40);
    insta::assert_snapshot!(text(&screen(&app, 120, 40)));
}

#[test]
fn the_viewer_finds_in_a_file_and_shows_a_text_file_made_safe_80x24() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    open_viewer(&f, &mut app, 80, 24);
    // The third file: the GB18030 text, its escape and bell shown as ␛ and ␇.
    app.update(Action::PrevFile);
    show_file(&f, &mut app);
    app.update(Action::FindInFile);
    app.paste("农村");
    app.update(Action::SearchJump);
    let shown = text(&screen(&app, 80, 24));
    assert!(shown.contains("备注␛[31m红字␇"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn the_viewer_draws_a_picture_in_half_blocks_80x24() {
    let f = fixture();
    let mut app = app(&f, Lang::Zh);
    open_viewer(&f, &mut app, 80, 24);
    app.update(Action::NextFile);
    show_file(&f, &mut app);
    let terminal = screen(&app, 80, 24);
    let shown = text(&terminal);
    assert!(shown.contains("图片 120×80"), "{shown}");
    // The photo's top left is red over red, its bottom right a check of green and white.
    let buffer = terminal.backend().buffer();
    let cells: Vec<_> = buffer
        .content
        .iter()
        .filter(|c| c.symbol() == "▀")
        .collect();
    assert!(cells.len() > 500, "{shown}");
    assert_eq!(cells[0].fg, ratatui::style::Color::Indexed(160));
    assert_eq!(cells[0].bg, ratatui::style::Color::Indexed(160));
    insta::assert_snapshot!(shown);
}

#[test]
fn the_viewer_in_english_80x24() {
    let f = fixture();
    let mut app = app(&f, Lang::En);
    open_viewer(&f, &mut app, 80, 24);
    insta::assert_snapshot!(text(&screen(&app, 80, 24)));
}
