//! The evidence in the App (issue 18): the viewer over an item's files (paged, found in, from
//! file to file, a file not shown), and 退回补充 (the reason typed, the request written or
//! not, the 已退回 filter). Pure: previews and requests are handed in as the effects would.

use super::*;
use kaohe_core::evidence::{EvidenceFile, FileKind, ItemEvidence, Request};
use kaohe_preview::{Kind, Label, Part, Preview, Refusal, Why};

fn file(name: &str, sha: char) -> EvidenceFile {
    EvidenceFile {
        name: name.into(),
        sha256: sha.to_string().repeat(64),
        kind: FileKind::Pdf,
        size: 2048,
        pages: Some(2),
    }
}

/// 柯城区 1.1 with a notice (two pages) and a photo; 台账.xlsx cited and missing.
fn with_files(app: &mut App) {
    app.evidence_loaded(
        at(0, 0),
        ItemEvidence {
            files: vec![file("通知.pdf", 'a'), file("照片.png", 'b')],
            missing: vec!["台账.xlsx".into()],
            ambiguous: Vec::new(),
        },
    );
}

fn text_preview(pages: &[&[&str]]) -> Preview {
    Preview {
        kind: Kind::Pdf,
        parts: pages
            .iter()
            .enumerate()
            .map(|(i, lines)| Part::Text {
                label: Label::Page(i as u32 + 1),
                lines: lines.iter().map(|l| l.to_string()).collect(),
            })
            .collect(),
        notes: Vec::new(),
        pages: Some(pages.len() as u32),
    }
}

fn texts(app: &App) -> Vec<String> {
    app.viewer()
        .unwrap()
        .rows()
        .iter()
        .map(|r| match r {
            Row::Text { text, .. } => text.clone(),
            Row::Picture { .. } => "▀".into(),
        })
        .collect()
}

/// What the App asks for to show the file of content `sha…`.
fn load(sha: char, name: &str) -> Vec<Effect> {
    vec![Effect::LoadPreview {
        sha256: sha.to_string().repeat(64),
        name: name.into(),
    }]
}

#[test]
fn the_viewer_opens_on_the_first_file_and_pages_through_it() {
    let mut app = app();
    with_files(&mut app);
    app.set_viewer_size(40, 4);
    let effects = app.key(&key('a'));
    assert_eq!(effects, load('a', "通知.pdf"));
    assert_eq!(app.mode(), Mode::Viewer);
    assert!(matches!(app.viewer().unwrap().doc, Doc::Loading));
    let lines: Vec<String> = (1..=9).map(|i| format!("第{i}行")).collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    app.preview_loaded(&"a".repeat(64), Ok(text_preview(&[&lines, &["完"]])));
    assert_eq!(texts(&app)[..3], ["── 第 1 页 ──", "第1行", "第2行"]);
    // 1 + 9 + 1 + 1 rows; four on screen, so the top goes no further than row 8.
    assert_eq!(app.viewer().unwrap().rows().len(), 12);
    app.key(&key('j'));
    assert_eq!(app.viewer().unwrap().top, 1);
    app.key(&code(KeyCode::PageDown));
    assert_eq!(app.viewer().unwrap().top, 4);
    app.key(&key('G'));
    assert_eq!(app.viewer().unwrap().top, 8);
    app.key(&code(KeyCode::PageDown));
    assert_eq!(app.viewer().unwrap().top, 8);
    app.key(&key('g'));
    assert_eq!(app.viewer().unwrap().top, 0);
    app.key(&code(KeyCode::Esc));
    assert_eq!(app.mode(), Mode::Browse);
}

#[test]
fn files_are_gone_through_in_turn_each_read_once() {
    let mut app = app();
    with_files(&mut app);
    app.key(&key('a'));
    app.preview_loaded(&"a".repeat(64), Ok(text_preview(&[&["通知正文"]])));
    let effects = app.key(&key(']'));
    assert_eq!(effects, load('b', "照片.png"));
    assert_eq!(app.viewer().unwrap().current().name, "照片.png");
    // Back to the notice: kept, not read again.
    assert!(app.key(&key('[')).is_empty());
    assert!(texts(&app).contains(&"通知正文".to_string()));
    // Round the end.
    app.key(&key('['));
    assert_eq!(app.viewer().unwrap().file, 1);
}

#[test]
fn a_preview_for_a_file_no_longer_shown_is_kept_but_not_shown() {
    let mut app = app();
    with_files(&mut app);
    app.key(&key('a'));
    app.key(&key(']'));
    app.preview_loaded(&"a".repeat(64), Ok(text_preview(&[&["通知正文"]])));
    assert!(matches!(app.viewer().unwrap().doc, Doc::Loading));
    assert!(app.key(&key('[')).is_empty(), "kept");
}

#[test]
fn a_file_not_shown_says_which_and_why() {
    let mut app = app();
    with_files(&mut app);
    app.key(&key('a'));
    let refusal = Refusal::new("通知.pdf", Why::Encrypted);
    app.preview_loaded(&"a".repeat(64), Err(Failure::Refused(refusal)));
    let Doc::Failed(why) = &app.viewer().unwrap().doc else {
        panic!()
    };
    assert_eq!(why, "通知.pdf：无法显示：设有密码；请该县提供未加密的文件");
    // Not kept: the next look reads it again.
    app.key(&key(']'));
    assert!(!app.key(&key('[')).is_empty());
}

#[test]
fn an_item_without_files_says_so_and_names_what_is_missing() {
    let mut app = app();
    app.evidence_loaded(
        at(0, 0),
        ItemEvidence {
            files: Vec::new(),
            missing: vec!["台账.xlsx".into()],
            ambiguous: Vec::new(),
        },
    );
    assert!(app.key(&key('a')).is_empty());
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "本项没有导入的佐证文件：缺少台账.xlsx"
    );
}

#[test]
fn finding_goes_to_each_place_even_where_the_wrapping_split_it() {
    let mut app = app();
    with_files(&mut app);
    app.set_viewer_size(10, 3);
    app.key(&key('a'));
    // 10 columns: five Chinese characters a row; 居家养老 starts on row 2 of the long line
    // and runs onto its third.
    app.preview_loaded(
        &"a".repeat(64),
        Ok(text_preview(&[&[
            "开头",
            "一二三四五六七居家养老服务",
            "x",
            "y",
            "居家养老",
        ]])),
    );
    app.key(&key('/'));
    assert_eq!(app.mode(), Mode::ViewerFind);
    app.type_text("居家养老");
    app.key(&code(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::Viewer);
    let v = app.viewer().unwrap();
    let rows = texts(&app);
    assert_eq!(rows[v.hits[0]], "六七居家养");
    assert_eq!(rows[v.hits[1]], "居家养老");
    assert_eq!(app.message.as_ref().unwrap().text, "「居家养老」第 1/2 处");
    app.key(&key('n'));
    assert_eq!(app.message.as_ref().unwrap().text, "「居家养老」第 2/2 处");
    let v = app.viewer().unwrap();
    assert!(v.top <= v.hits[1] && v.hits[1] < v.top + 3);
    app.key(&key('n'));
    assert_eq!(app.message.as_ref().unwrap().text, "「居家养老」第 1/2 处");
    app.key(&key('N'));
    assert_eq!(app.message.as_ref().unwrap().text, "「居家养老」第 2/2 处");
    // Nothing there.
    app.key(&key('/'));
    for _ in 0..4 {
        app.key(&code(KeyCode::Backspace));
    }
    app.type_text("敬老院");
    app.key(&code(KeyCode::Enter));
    assert_eq!(app.message.as_ref().unwrap().text, "文件里没有「敬老院」");
}

#[test]
fn a_picture_takes_the_rows_it_needs_under_its_heading() {
    let mut app = app();
    with_files(&mut app);
    app.set_viewer_size(40, 11);
    app.key(&key('a'));
    app.key(&key(']'));
    let picture = kaohe_preview::Picture::new(400, 100, vec![9; 400 * 100 * 3]).unwrap();
    let preview = Preview {
        kind: Kind::Png,
        parts: vec![Part::Picture {
            label: Label::Whole,
            picture,
        }],
        notes: Vec::new(),
        pages: None,
    };
    app.preview_loaded(&"b".repeat(64), Ok(preview));
    // 40 columns × 20 half-block rows: 400 × 100 fits as 40 × 10 pixels, five rows.
    assert_eq!(texts(&app), ["图片 400×100", "▀", "▀", "▀", "▀", "▀"]);
}

#[test]
fn a_request_is_typed_as_a_reason_and_written_by_the_store() {
    let mut app = app();
    assert!(app.key(&key('r')).is_empty());
    assert_eq!(app.mode(), Mode::Editor);
    assert_eq!(app.request_pending(), Some(at(0, 0)));
    // No reason, no request.
    assert!(app.update(Action::SaveNote).is_empty());
    assert_eq!(app.message.as_ref().unwrap().text, "请写明退回的理由");
    // Typed: no draft is kept of it (it is no note).
    assert!(app.type_text("请补充2014年台账").is_empty());
    let effects = app.update(Action::SaveNote);
    assert_eq!(
        effects,
        vec![Effect::OpenRequest {
            at: at(0, 0),
            reason: "请补充2014年台账".into()
        }]
    );
    // The store could not write it: the reason stays in the editor.
    app.request_written(at(0, 0), Err("database is locked".into()));
    assert_eq!(app.mode(), Mode::Editor);
    assert_eq!(app.editor().unwrap().buffer.text(), "请补充2014年台账");
    let request = Request {
        id: 1,
        county_code: "330802".into(),
        indicator_id: "1.1".into(),
        reason: "请补充2014年台账".into(),
        asked_by: "张三".into(),
        account: "zhangsan".into(),
        asked_at: "2026-12-01T10:00:00+08:00".into(),
        closed_at: None,
        closed_by: None,
    };
    app.request_written(at(0, 0), Ok(request));
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(app.open_requests(at(0, 0)).len(), 1);
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "已退回补充：柯城区 1.1 养老服务业政策文件"
    );
}

#[test]
fn a_request_thrown_away_asks_nothing_and_a_note_after_it_is_a_note() {
    let mut app = app();
    app.key(&key('r'));
    app.type_text("草稿");
    app.update(Action::CloseEditor);
    assert!(app.update(Action::DiscardNote).is_empty());
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(app.message.as_ref().unwrap().text, "已放弃退回");
    app.key(&key('e'));
    assert_eq!(app.request_pending(), None);
    assert!(!app.type_text("备注").is_empty(), "a note's draft is kept");
}

#[test]
fn looking_only_asks_for_nothing() {
    let mut app = app();
    app.browse_only("guest");
    assert!(app.key(&key('r')).is_empty());
    assert_eq!(app.mode(), Mode::Browse);
}

#[test]
fn the_filter_goes_to_items_with_open_requests_only() {
    let mut app = app();
    let request = |county: &str, indicator: &str, closed: bool| Request {
        id: 1,
        county_code: county.into(),
        indicator_id: indicator.into(),
        reason: "补充".into(),
        asked_by: "张三".into(),
        account: "zhangsan".into(),
        asked_at: "2026-12-01T10:00:00+08:00".into(),
        closed_at: closed.then(|| "2026-12-02T10:00:00+08:00".into()),
        closed_by: closed.then(|| "柯城区.csv".into()),
    };
    let codes: Vec<String> = app.counties.iter().map(|c| c.code.clone()).collect();
    assert!(app.requests_loaded(vec![
        request(&codes[2], "1.2", false),
        request(&codes[0], "1.1", true),
    ]));
    assert!(!app.requests_loaded(vec![request(&codes[2], "1.2", false)]));
    assert!(app.open_requests(at(0, 0)).is_empty(), "closed is not open");
    app.key(&key('F'));
    app.key(&key('8'));
    assert_eq!(app.cursor, at(1, 2));
    assert!(app.message.as_ref().unwrap().text.ends_with("已退回待补充"));
}
