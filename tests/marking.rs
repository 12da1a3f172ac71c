#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A county's own assessment (自评) through the real binary: imported from a CSV and a
//! workbook, counted by `status`, carried by every export and back; and the workspace at
//! 80×24 in a pseudo-terminal, its detail pane scrolled to its last line.

use rust_xlsxwriter::Workbook;
use serde_json::Value;

mod common;
use common::Env;
use common::pty::Screen;

fn item<'a>(export: &'a Value, county: &str, indicator: &str) -> &'a Value {
    export
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county_code"] == county && i["indicator"] == indicator)
        .unwrap()
}

/// The county's own assessment of an item as the database holds it.
fn stored(env: &Env, county: &str, indicator: &str) -> (Option<String>, Option<f64>) {
    let c = rusqlite::Connection::open(env.db()).unwrap();
    c.query_row(
        "SELECT self_verdict, self_score FROM submissions WHERE county_code = ?1 AND indicator_id = ?2",
        [county, indicator],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

const SHEET: &str = "县(市、区),指标编号,完成值,佐证材料,自评结果,自评分\n\
柯城区,1.1,是,文件.pdf,完成,9.5\n\
柯城区,1.2,65%,台账.xlsx,基本完成,7分\n\
衢江区,1.2,83%,,完成,\n\
龙游县,1.2,72%,,,8\n\
江山市,1.2,60%,,not_met,\n";

#[test]
fn a_csvs_own_assessment_is_imported_and_stored_with_the_figures() {
    let env = Env::new();
    let file = env.write("自评.csv", SHEET);
    let out = env.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("5"), "{out}");
    assert_eq!(
        stored(&env, "330802", "1.1"),
        (Some("met".into()), Some(9.5))
    );
    assert_eq!(
        stored(&env, "330802", "1.2"),
        (Some("partly_met".into()), Some(7.0))
    );
    assert_eq!(stored(&env, "330803", "1.2"), (Some("met".into()), None));
    assert_eq!(stored(&env, "330825", "1.2"), (None, Some(8.0)));
    assert_eq!(
        stored(&env, "330881", "1.2"),
        (Some("not_met".into()), None)
    );
    let export = env.json(&["export"]);
    let kc = item(&export, "330802", "1.2");
    assert_eq!(kc["self_verdict"], "partly_met");
    assert_eq!(kc["self_score"], 7.0);
    assert_eq!(kc["self_disagrees"], false, "not reviewed yet");
    // A 自评 that is no verdict refuses the whole file, naming its line; nothing changes.
    let bad = env.write(
        "坏.csv",
        "county,indicator,value,自评\n柯城区,1.3,55%,差不多\n",
    );
    let e = env.import_refused(&bad, &[]);
    assert!(
        e.contains("坏.csv:2: self_verdict \"差不多\" is not a verdict"),
        "{e}"
    );
    assert_eq!(
        stored(&env, "330802", "1.2").0.as_deref(),
        Some("partly_met")
    );
}

#[test]
fn a_workbooks_own_assessment_is_imported_from_text_and_number_cells() {
    let env = Env::new();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("报送表").unwrap();
    for (c, h) in ["县(市、区)", "指标", "完成值", "自评", "自评得分"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "柯城区").unwrap();
    sheet.write_string(1, 1, "1.2").unwrap();
    sheet.write_string(1, 2, "65%").unwrap();
    sheet.write_string(1, 3, "已完成").unwrap();
    sheet.write_number(1, 4, 8.5).unwrap();
    sheet.write_string(2, 0, "开化县").unwrap();
    sheet.write_string(2, 1, "1.2").unwrap();
    sheet.write_string(2, 2, "40%").unwrap();
    sheet.write_string(2, 3, "未完成").unwrap();
    let file = env.write("自评.xlsx", book.save_to_buffer().unwrap());
    env.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(
        stored(&env, "330802", "1.2"),
        (Some("met".into()), Some(8.5))
    );
    assert_eq!(
        stored(&env, "330824", "1.2"),
        (Some("not_met".into()), None)
    );
    // A score that is no number: refused at its cell.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["县(市、区)", "指标", "完成值", "自评分"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["柯城区", "1.3", "55%", "良好"].iter().enumerate() {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    let bad = env.write("坏.xlsx", book.save_to_buffer().unwrap());
    let e = env.import_refused(&bad, &[]);
    assert!(e.contains("cell D2"), "{e}");
    assert!(e.contains("self_score \"良好\" is not a number"), "{e}");
}

#[test]
fn status_counts_where_a_countys_own_assessment_differs_from_the_verdict() {
    let env = Env::new();
    let file = env.write("自评.csv", SHEET);
    env.ok(&["import", file.to_str().unwrap()]);
    // 柯城区: 1.1 agrees (完成), 1.2 differs (自评 基本完成, city 未完成). 衢江区 1.2 differs.
    env.ok(&["mark", "柯城区", "1.1", "完成"]);
    env.ok(&["mark", "柯城区", "1.2", "未完成"]);
    env.ok(&["mark", "衢江区", "1.2", "基本完成"]);
    // 龙游县 gave only a score: never compared.
    env.ok(&["mark", "龙游县", "1.2", "未完成"]);
    let status = env.json(&["status", "--json"]);
    assert_eq!(status["self_disagrees"], 2);
    let counties = status["counties"].as_array().unwrap();
    let of =
        |code: &str| counties.iter().find(|c| c["code"] == code).unwrap()["self_disagrees"].clone();
    assert_eq!(of("330802"), 1);
    assert_eq!(of("330803"), 1);
    assert_eq!(of("330825"), 0);
    assert_eq!(status["targets"][0]["self_disagrees"], 2);
    let text = env.ok(&["status"]);
    let line = text.lines().find(|l| l.contains("330802 柯城区")).unwrap();
    assert!(line.ends_with("自评不一致 1"), "{line}");
    let line = text.lines().find(|l| l.contains("330825 龙游县")).unwrap();
    assert!(!line.contains("自评不一致"), "{line}");
}

#[test]
fn every_export_carries_the_countys_own_assessment_and_imports_back_the_same() {
    let env = Env::new();
    let file = env.write("自评.csv", SHEET);
    env.ok(&["import", file.to_str().unwrap()]);
    env.ok(&["mark", "柯城区", "1.2", "未完成", "--note", "覆盖率不足"]);
    let original = env.json(&["export"]);
    let own = |export: &Value| -> Vec<(String, String, Value, Value)> {
        export
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["county_code"].as_str().unwrap().to_string(),
                    i["indicator"].as_str().unwrap().to_string(),
                    i["self_verdict"].clone(),
                    i["self_score"].clone(),
                )
            })
            .collect()
    };
    let kc = item(&original, "330802", "1.2");
    assert_eq!(kc["self_disagrees"], true);
    // Each export into a new database, exported again: the same 自评 everywhere.
    for (format, name) in [("json", "e.json"), ("csv", "e.csv"), ("xlsx", "e.xlsx")] {
        let out = env.path(name);
        env.ok(&["export", "--format", format, "--out", out.to_str().unwrap()]);
        let again = Env::new();
        again.ok(&["import", out.to_str().unwrap()]);
        assert_eq!(own(&again.json(&["export"])), own(&original), "{format}");
    }
    // The CSV's columns, in words for programs.
    let csv = std::fs::read_to_string(env.path("e.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with(
            // … then issue 17's: the findings, the points, the grade, the verified figure;
            // issue 16's: what the figure was written as; issue 18's evidence; issue 16's
            // bare_fraction.
            ",self_verdict,self_score,self_disagrees,second_verdict,checker,check_reason,checked_at,stage,notes,cases,void_reason,points,grade,verified,verified_reason,verified_by,verified_at,verified_lower,as_written,evidence_files,evidence_missing,requests_open,bare_fraction"
        ),
        "{header}"
    );
    let row = csv
        .lines()
        .find(|l| l.starts_with("330802,柯城区,1.2,"))
        .unwrap();
    // … then the notes, each under its author.
    assert!(row.contains(",partly_met,7,yes,,,,,初步,"), "{row}");
    // (then no cases, no void, 0 points for not met, no grade, no verified figure, not
    // converted; no evidence file, nothing missing, no request; not a bare fraction)
    assert!(row.ends_with("：覆盖率不足,,,0,,,,,,,,0,,,"), "{row}");
    // The Markdown report says it per county, and lists the item.
    let md = env.ok(&["export", "--format", "md"]);
    assert!(md.contains("自评与评定不一致 1 项"), "{md}");
    assert!(md.contains("### 自评与评定不一致的项目"), "{md}");
    assert!(
        md.contains("- **1.2 照料中心覆盖率(城市)**　自评 基本完成（7分），评定 未完成"),
        "{md}"
    );
}

/// The workspace on a `cols`×`rows` terminal, on the test's database.
fn workspace(env: &Env, cols: u16, rows: u16) -> Screen {
    let mut cmd = portable_pty::CommandBuilder::new(env!("CARGO_BIN_EXE_kaohe"));
    cmd.arg("--db");
    cmd.arg(env.db());
    cmd.cwd(env.dir.path());
    cmd.env("HOME", env.dir.path());
    cmd.env("XDG_DATA_HOME", env.dir.path().join("data"));
    cmd.env("XDG_CONFIG_HOME", env.dir.path().join("config"));
    cmd.env("XDG_CONFIG_DIRS", env.dir.path().join("etc-xdg"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("USER", "tester");
    cmd.env("LOGNAME", "tester");
    for k in [
        "KAOHE_DB",
        "KAOHE_LANG",
        "KAOHE_CONFIG",
        "NO_COLOR",
        "COLORTERM",
    ] {
        cmd.env_remove(k);
    }
    Screen::spawn(cmd, cols, rows)
}

/// The rows of the detail pane, inside its borders (from under its title to above its
/// bottom edge): the pane is the one whose title starts 详情.
fn detail_rows(screen: &str) -> Vec<String> {
    let rows: Vec<&str> = screen.lines().collect();
    let top = rows.iter().position(|r| r.contains("┌详情")).unwrap();
    rows[top + 1..]
        .iter()
        .take_while(|r| !r.contains("└─"))
        .map(|r| {
            // The part right of the targets pane.
            let right = r.rfind('│').map_or(*r, |end| &r[..end]);
            right.rsplit("││").next().unwrap_or(right).to_string()
        })
        .collect()
}

#[test]
fn the_80x24_detail_pane_shows_its_last_line() {
    let env = Env::new();
    // An item whose detail is far longer than the 80×24 pane: a long remark and note.
    let remark = "农村照料中心建设进度".repeat(8);
    let sheet =
        format!("county,indicator,value,remark,自评结果,自评分\n柯城区,1.2,65%,{remark},完成,9\n");
    let file = env.write("s.csv", sheet);
    env.ok(&["import", file.to_str().unwrap()]);
    let note = "台账与年报口径不一致，需补充说明".repeat(4);
    env.ok(&["mark", "柯城区", "1.2", "基本完成", "--note", &note]);
    let mut s = workspace(&env, 80, 24);
    s.wait_for("各县报送 · 1.1");
    s.send("l");
    let screen = s.wait_for("各县报送 · 1.2");
    // The last line of the detail is the end of the notice's words: cut off, and said so.
    const LAST: &str = "70%、50%";
    let screen = if screen.contains("……还有") {
        screen
    } else {
        s.wait_for("……还有")
    };
    assert!(!screen.contains(LAST), "{screen}");
    assert!(screen.contains("自评 ✓ 完成 · 9分"), "{screen}");
    assert!(
        screen.contains("自评「完成」与评定「基本完成」不一致"),
        "{screen}"
    );
    // PgDn (and J) scroll the pane until its last line shows, last in the pane.
    s.send("\x1b[6~\x1b[6~\x1b[6~\x1b[6~\x1b[6~\x1b[6~");
    let screen = s.wait_for(LAST);
    let rows = detail_rows(&screen);
    assert!(
        rows.last().unwrap().contains(LAST),
        "not the pane's last row: {rows:#?}"
    );
    assert!(!screen.contains("……还有"), "{screen}");
    // K scrolls back up a line; D shows the detail whole, from its first line to its last.
    s.send("K");
    s.wait_for("……还有");
    s.send("D");
    let screen = s.wait_for("要求 ≥ 70%");
    let screen = if screen.contains(LAST) {
        screen
    } else {
        s.wait_for(LAST)
    };
    assert!(!screen.contains("……还有"), "{screen}");
    assert!(!screen.contains("┌目标"), "the detail alone: {screen}");
    s.send("Dq");
    assert_eq!(s.exit_code(), 0);
}
