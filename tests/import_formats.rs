//! `kaohe import` of workbooks, JSON and every header alias, through the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet};
use serde_json::Value;

mod common;
use common::Env;

fn item<'a>(export: &'a Value, county: &str, indicator: &str) -> &'a Value {
    export
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county_code"] == county && i["indicator"] == indicator)
        .unwrap()
}

const HEADER: [&str; 7] = [
    "县(市、区)",
    "指标编号",
    "完成值",
    "分子",
    "分母",
    "佐证材料",
    "备注",
];

/// A cell to write: text, a number, a percent-formatted number, a boolean, an error.
#[derive(Clone)]
enum C {
    T(&'static str),
    N(f64),
    Pct(f64),
    B(bool),
    Err(&'static str),
    Empty,
}

fn write_rows(sheet: &mut Worksheet, first_row: u32, rows: &[Vec<C>]) {
    let percent = Format::new().set_num_format("0%");
    for (r, row) in rows.iter().enumerate() {
        let r = first_row + r as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                C::T(s) => drop(sheet.write_string(r, c, *s).unwrap()),
                C::N(x) => drop(sheet.write_number(r, c, *x).unwrap()),
                C::Pct(x) => drop(sheet.write_number_with_format(r, c, *x, &percent).unwrap()),
                C::B(b) => drop(sheet.write_boolean(r, c, *b).unwrap()),
                C::Err(e) => drop(
                    sheet
                        .write_formula(r, c, Formula::new("=1/0").set_result(*e))
                        .unwrap(),
                ),
                C::Empty => {}
            }
        }
    }
}

/// A county's workbook: a merged title row, the Chinese header on row 2, then `rows`.
fn county_sheet(book: &mut Workbook, name: &str, rows: &[Vec<C>]) {
    let sheet = book.add_worksheet();
    sheet.set_name(name).unwrap();
    sheet
        .merge_range(0, 0, 0, 6, "2014年度考核报送表", &Format::new())
        .unwrap();
    let header: Vec<C> = HEADER.iter().map(|h| C::T(h)).collect();
    write_rows(sheet, 1, &[header]);
    write_rows(sheet, 2, rows);
}

fn workbook(rows: &[Vec<C>]) -> Vec<u8> {
    let mut book = Workbook::new();
    county_sheet(&mut book, "报送表", rows);
    book.save_to_buffer().unwrap()
}

fn good_rows() -> Vec<Vec<C>> {
    use C::*;
    vec![
        vec![
            T("柯城区"),
            T("1.1"),
            B(true),
            Empty,
            Empty,
            T("文件.pdf"),
            Empty,
        ],
        vec![
            N(330802.0),
            T("1.2"),
            T("68.6%"),
            N(24.0),
            N(35.0),
            T("台账.xlsx"),
            T("备注"),
        ],
        // Excel keeps 75% as 0.75 under a percent format: read as the 75% it shows.
        vec![T("衢江区"), T("1.2"), Pct(0.75), Empty, Empty, Empty, Empty],
        vec![T("衢江区"), N(1.3), Empty, N(30.0), N(40.0), Empty, Empty],
        vec![Empty, Empty, Empty, Empty, Empty, Empty, Empty],
        vec![
            T("龙游县"),
            T("2.1"),
            N(0.1 + 0.2),
            Empty,
            Empty,
            Empty,
            T("说明"),
        ],
    ]
}

#[test]
fn a_workbook_with_a_title_row_and_chinese_headers_imports() {
    let env = Env::new();
    let file = env.write("柯城区.xlsx", workbook(&good_rows()));
    let out = env.ok(&["import", file.to_str().unwrap()]);
    assert!(out.starts_with("imported 5 submissions from "), "{out}");
    assert!(out.contains("(sheet 报送表)"), "{out}");
    assert!(!out.contains("flagged"), "{out}");
    let export = env.json(&["export"]);
    let yes = item(&export, "330802", "1.1");
    assert_eq!(yes["value"], "是");
    assert_eq!(yes["evidence"], "文件.pdf");
    let rate = item(&export, "330802", "1.2");
    assert_eq!(rate["value"], "68.6%");
    assert_eq!(rate["numerator"], 24.0);
    assert_eq!(rate["remark"], "备注");
    let parts = item(&export, "330803", "1.3");
    assert_eq!(parts["value"], "");
    assert_eq!(parts["value_number"], 75.0);
    // Binary noise (0.30000000000000004) is not part of what the county wrote.
    assert_eq!(item(&export, "330825", "2.1")["value"], "0.3");
    // The percent cell is the percentage it shows, with no flag: a verdict is suggested.
    let percent = item(&export, "330803", "1.2");
    assert_eq!(percent["value"], "75%");
    assert_eq!(percent["value_number"], 75.0);
    assert_eq!(percent["suggested"], "met");
    assert_eq!(percent["flags"], serde_json::json!([]));
}

#[test]
fn the_format_is_told_by_content_not_name() {
    let env = Env::new();
    let file = env.write("报送.csv", workbook(&good_rows()));
    let out = env.ok(&["import", "--dry-run", file.to_str().unwrap()]);
    assert!(
        out.contains(
            "(sheet 报送表) is fine: 5 submissions would be imported (5 new); nothing was written (--dry-run)"
        ),
        "{out}"
    );
    let json = env.write(
        "报送.txt",
        "\u{feff}\n  [{\"county\": \"柯城区\", \"indicator\": \"1.1\", \"value\": \"是\"}]",
    );
    let out = env.ok(&["import", json.to_str().unwrap()]);
    assert!(out.starts_with("imported 1 submission from"), "{out}");
}

#[test]
fn sheet_picks_a_sheet_and_a_missing_one_lists_those_there_are() {
    let env = Env::new();
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("填表说明").unwrap();
    notes.write_string(0, 0, "请在报送表中填写").unwrap();
    county_sheet(&mut book, "报送表", &good_rows()[..2]);
    let file = env.write("s.xlsx", book.save_to_buffer().unwrap());
    let f = file.to_str().unwrap();
    // The one shown sheet that holds a table is read, and named; not the instructions.
    let out = env.ok(&["import", "--dry-run", f]);
    assert!(
        out.contains("(sheet 报送表) is fine: 2 submissions would be imported"),
        "{out}"
    );
    let e = env.import_refused(&file, &["--sheet", "填表说明"]);
    assert!(
        e.contains(
            "s.xlsx: sheet 填表说明: no header row found: kaohe reads a row per county × indicator"
        ),
        "{e}"
    );
    let e = env.import_refused(&file, &["--sheet", "汇总"]);
    assert!(
        e.ends_with("s.xlsx: no sheet \"汇总\"; the workbook's sheets are: 填表说明, 报送表"),
        "{e}"
    );
    let out = env.ok(&["import", f, "--sheet", "报送表"]);
    assert!(out.starts_with("imported 2 submissions"), "{out}");
    let csv = env.write("s.csv", "county,indicator,value\n柯城区,1.1,是\n");
    let e = env.import_refused(&csv, &["--sheet", "报送表"]);
    assert!(e.contains("--sheet is for Excel workbooks"), "{e}");
}

#[test]
fn bad_workbooks_are_refused_naming_sheet_and_cell() {
    use C::*;
    let env = Env::new();
    let row = |county: C, indicator: C, value: C, n: C, d: C| vec![county, indicator, value, n, d];
    let cases: Vec<(Vec<Vec<C>>, &str)> = vec![
        (
            vec![
                row(T("柯城区"), T("1.1"), T("是"), Empty, Empty),
                row(T("衢州区"), T("1.1"), T("是"), Empty, Empty),
            ],
            "sheet 报送表, cell A4: unknown county \"衢州区\" (column county)",
        ),
        (
            vec![row(T("柯城区"), T("99.1"), T("是"), Empty, Empty)],
            "sheet 报送表, cell B3: unknown indicator \"99.1\" (column indicator, county 柯城区)",
        ),
        (
            vec![
                row(T("柯城区"), T("1.1"), T("是"), Empty, Empty),
                row(N(330802.0), T("1.1"), T("否"), Empty, Empty),
            ],
            "sheet 报送表, cell B4: county 330802 indicator 1.1 is given twice (first on row 3)",
        ),
        (
            vec![row(T("柯城区"), T("1.2"), Empty, N(3.0), N(0.0))],
            "sheet 报送表, cell E3: the denominator is zero (county 柯城区, indicator 1.2)",
        ),
        (
            vec![row(T("柯城区"), T("1.2"), Err("#DIV/0!"), Empty, Empty)],
            "sheet 报送表, cell C3: the cell holds the error #DIV/0! (column value)",
        ),
        (
            // 1.10 typed into a number cell reads back as 1.1.
            vec![row(T("柯城区"), N(1.1), T("是"), Empty, Empty)],
            "sheet 报送表, cell B3: the indicator is the number 1.1, which cannot tell 1.1 from 1.10",
        ),
        (
            vec![],
            "sheet 报送表: the sheet has no rows under its header",
        ),
    ];
    for (i, (rows, expected)) in cases.into_iter().enumerate() {
        let file = env.write(&format!("bad{i}.xlsx"), workbook(&rows));
        let e = env.import_refused(&file, &[]);
        assert!(
            e.contains(&format!("bad{i}.xlsx: {expected}")),
            "{e}\nexpected {expected}"
        );
    }

    // A missing column, named at the header row.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    write_rows(
        sheet,
        0,
        &[vec![T("指标编号"), T("完成值")], vec![T("1.1"), T("是")]],
    );
    let file = env.write("nocounty.xlsx", book.save_to_buffer().unwrap());
    let e = env.import_refused(&file, &[]);
    assert!(
        e.contains("nocounty.xlsx: sheet Sheet1, row 1: missing column \"county\" (the header has: 指标编号,完成值)"),
        "{e}"
    );

    // An empty sheet.
    let mut book = Workbook::new();
    book.add_worksheet();
    let file = env.write("empty.xlsx", book.save_to_buffer().unwrap());
    let e = env.import_refused(&file, &[]);
    assert!(
        e.ends_with("empty.xlsx: sheet Sheet1: the sheet is empty"),
        "{e}"
    );

    // Damaged bytes behind a zip's magic, and a cut-off workbook.
    let file = env.write("junk.xlsx", b"PK\x03\x04 this is not a workbook at all");
    let e = env.import_refused(&file, &[]);
    assert!(e.contains("junk.xlsx: cannot read the workbook"), "{e}");
    let whole = workbook(&good_rows());
    let file = env.write("cut.xlsx", &whole[..whole.len() / 2]);
    let e = env.import_refused(&file, &[]);
    assert!(e.contains("cut.xlsx: cannot read the workbook"), "{e}");
}

#[test]
fn a_json_export_imports_again_identically() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&["mark", "柯城区", "1.2", "met", "--note", "台账齐全"]);
    let first = env.ok(&["export"]);
    let file = env.write("export.json", &first);
    let fresh = Env::new();
    let out = fresh.ok(&["import", file.to_str().unwrap()]);
    assert!(out.starts_with("imported 762 submissions from"), "{out}");
    let first: Value = serde_json::from_str(&first).unwrap();
    let second = fresh.json(&["export"]);
    let submission = |v: &Value| -> Vec<Value> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let keys = [
                    "county_code",
                    "indicator",
                    "value",
                    "value_number",
                    "numerator",
                    "denominator",
                    "evidence",
                    "remark",
                ];
                Value::Array(keys.iter().map(|k| i[*k].clone()).collect())
            })
            .collect()
    };
    assert_eq!(submission(&first), submission(&second));
    // The review is not imported: verdicts are the city's, not the county's.
    assert_eq!(item(&second, "330802", "1.2")["verdict"], Value::Null);
}

#[test]
fn bad_json_is_refused_with_its_line() {
    let env = Env::new();
    let syntax = env.write(
        "syntax.json",
        "[\n  {\"county\": \"柯城区\",\n   \"indicator\": \"1.1\" \"value\": \"是\"}\n]",
    );
    let e = env.import_refused(&syntax, &[]);
    assert!(e.contains("syntax.json:3:"), "{e}");
    assert!(e.contains("not valid JSON: expected"), "{e}");
    let key = env.write(
        "key.json",
        "[\n  {\"county\": \"柯城区\", \"indicator\": \"1.1\", \"value\": \"是\"},\n  {\"county\": \"柯城区\", \"indicator\": \"1.2\", \"valeu\": \"75%\"}\n]",
    );
    let e = env.import_refused(&key, &[]);
    assert!(
        e.contains("key.json:3: unknown key \"valeu\" in record 2"),
        "{e}"
    );
    let county = env.write(
        "county.json",
        "[\n  {\"county\": \"柯城区\", \"indicator\": \"1.1\", \"value\": \"是\"},\n  {\n    \"county\": \"衢州区\",\n    \"indicator\": \"1.1\",\n    \"value\": \"是\"\n  }\n]",
    );
    let e = env.import_refused(&county, &[]);
    assert!(
        e.ends_with("county.json:3: unknown county \"衢州区\" (column county); the database knows 330802 柯城区, 330803 衢江区, 330825 龙游县, 330881 江山市, 330822 常山县, 330824 开化县"),
        "{e}"
    );
    let object = env.write("object.json", "{\"county\": \"柯城区\"}");
    let e = env.import_refused(&object, &[]);
    assert!(
        e.contains("object.json:1: the file is one JSON object"),
        "{e}"
    );
    let empty = env.write("empty.json", "[]");
    let e = env.import_refused(&empty, &[]);
    assert!(
        e.ends_with("empty.json: the file holds no records ([])"),
        "{e}"
    );
}

#[test]
fn bad_csv_files_are_refused_with_their_line_and_the_database_unchanged() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&["mark", "柯城区", "1.2", "met", "--note", "台账齐全"]);
    let head = "县(市、区),指标,完成值,分子,分母\n柯城区,1.1,是,,\n";
    for (name, text, expected) in [
        (
            "county.csv",
            format!("{head}衢州区,1.1,是,,\n"),
            "county.csv:3: unknown county \"衢州区\"",
        ),
        (
            "indicator.csv",
            format!("{head}柯城区,13.1,是,,\n"),
            "indicator.csv:3: unknown indicator \"13.1\"",
        ),
        (
            "twice.csv",
            format!("{head}330802,1.1,否,,\n"),
            "twice.csv:3: county 330802 indicator 1.1 is given twice (first on line 2)",
        ),
        (
            "zero.csv",
            format!("{head}柯城区,1.2,,3,0\n"),
            "zero.csv:3: the denominator is zero",
        ),
        (
            "column.csv",
            "县(市、区),完成值\n柯城区,是\n".to_string(),
            "column.csv:1: missing column \"indicator\"",
        ),
        (
            "misspelt.csv",
            "county,indicator,valeu\n柯城区,1.1,是\n".to_string(),
            "misspelt.csv:1: unknown column \"valeu\"",
        ),
        ("empty.csv", String::new(), "empty.csv: the file is empty"),
        (
            "header.csv",
            "county,indicator,value\n".to_string(),
            "header.csv: the file has no rows",
        ),
    ] {
        let file = env.write(name, text);
        let e = env.import_refused(&file, &[]);
        assert!(e.contains(expected), "{e}");
    }
    // Bytes that are neither UTF-8 nor GB18030, a line in.
    let bytes = env.write("bytes.csv", b"county,indicator,value\n\xff\xfe\xfd,1.1,5\n");
    let e = env.import_refused(&bytes, &[]);
    assert!(
        e.contains("bytes.csv:2: the file is neither UTF-8 nor GB18030"),
        "{e}"
    );
    // Nothing of the good rows before a bad one was written.
    let export = env.json(&["export"]);
    assert_eq!(item(&export, "330802", "1.2")["note"], "台账齐全");
}

#[test]
fn every_header_alias_is_accepted() {
    let env = Env::new();
    let aliases: [&[&str]; 7] = [
        &[
            "county",
            "县(市、区)",
            "县（市、区）",
            "县市区",
            "地区",
            "单位",
        ],
        &["indicator", "指标", "指标编号"],
        &["value", "完成值", "数值", "完成情况"],
        &["numerator", "分子"],
        &["denominator", "分母"],
        &["evidence", "佐证材料"],
        &["remark", "说明", "备注"],
    ];
    let standard: Vec<&str> = aliases.iter().map(|a| a[0]).collect();
    for (column, names) in aliases.iter().enumerate() {
        for name in *names {
            let mut header = standard.clone();
            header[column] = name;
            let text = format!("{}\n柯城区,1.2,70%,35,50,a.pdf,无\n", header.join(","));
            let file = env.write("alias.csv", &text);
            let out = env.ok(&["import", "--dry-run", file.to_str().unwrap()]);
            assert!(
                out.contains("1 submission would be imported"),
                "{name}: {out}"
            );
        }
    }
    // And in a workbook.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    use C::*;
    write_rows(
        sheet,
        0,
        &[
            vec![
                T("单位"),
                T("指标"),
                T("完成情况"),
                T("分子"),
                T("分母"),
                T("佐证材料"),
                T("说明"),
            ],
            vec![
                T("柯城区"),
                T("1.2"),
                T("70%"),
                N(35.0),
                N(50.0),
                T("a.pdf"),
                T("无"),
            ],
        ],
    );
    let file = env.write("alias.xlsx", book.save_to_buffer().unwrap());
    let out = env.ok(&["import", "--dry-run", file.to_str().unwrap()]);
    assert!(out.contains("1 submission would be imported"), "{out}");
}

#[test]
fn flagged_figures_are_listed_and_imported() {
    let env = Env::new();
    let mut text = String::from("county,indicator,value,numerator,denominator\n");
    text.push_str("柯城区,1.2,70%,24,35\n柯城区,1.3,约七成,,\n柯城区,1.4,68.6%,24,35\n");
    let file = env.write("flags.csv", &text);
    let out = env.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(
        out,
        "imported 3 submissions from ".to_string()
            + file.to_str().unwrap()
            + "; 2 flagged for a second look:\n  柯城区 1.2 \"70%\": 报送值 70% 与分子/分母算得 68.6% 不一致\n  柯城区 1.3 \"约七成\": 报送值无法识别，按原文保留\n"
    );
    let out = env.ok(&[
        "--lang",
        "en",
        "import",
        "--dry-run",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.contains("1.3 \"约七成\": the figure cannot be read; kept as written"),
        "{out}"
    );

    // Many flags: twenty shown, then how many more.
    // Figures that disagree with their parts are flagged whatever the indicator.
    let mut text = String::from("county,indicator,value,numerator,denominator\n");
    for county in ["柯城区", "衢江区"] {
        for i in 1..=15 {
            text.push_str(&format!("{county},1.{i},70%,24,35\n"));
        }
    }
    let file = env.write("many.csv", &text);
    let out = env.ok(&["import", "--dry-run", file.to_str().unwrap()]);
    let flagged: Vec<&str> = out
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    // flags.csv's three rows are sent again from another file: said after the flags.
    assert!(
        out.contains("\n3 rows would replace a submission from another file:\n"),
        "{out}"
    );
    assert!(
        out.lines()
            .next()
            .unwrap()
            .contains("flagged for a second look:"),
        "{out}"
    );
    assert_eq!(flagged_total(&out), 30);
    assert_eq!(
        flagged.last().unwrap().trim(),
        "… and 10 more (--verbose lists them all)"
    );
    assert_eq!(flagged.len(), 21, "{out}");
}

/// "…; N flagged …" → N.
fn flagged_total(out: &str) -> usize {
    let first = out.lines().next().unwrap();
    let (_, rest) = first.rsplit_once("; ").unwrap();
    rest.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn without_a_terminal_a_large_import_prints_only_its_result() {
    let env = Env::new();
    let export = Env::new();
    export.ok(&["--demo", "init"]);
    let mut text = export.ok(&["export", "--format", "csv"]);
    // 762 submissions and 2,000 empty lines: over the progress threshold.
    for _ in 0..2000 {
        text.push_str(",,,,,,,,,,,,\n");
    }
    let file = env.write("large.csv", &text);
    let out = env
        .with_db()
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);
}

#[test]
fn on_a_terminal_a_large_import_shows_progress_then_clears_it() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::Read;
    let env = Env::new();
    let export = Env::new();
    export.ok(&["--demo", "init"]);
    let mut text = export.ok(&["export", "--format", "csv"]);
    for _ in 0..2000 {
        text.push_str(",,,,,,,,,,,,\n");
    }
    let file = env.write("large.csv", &text);
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kaohe"));
    cmd.arg("--db");
    cmd.arg(env.db());
    cmd.args(["import", file.to_str().unwrap()]);
    cmd.env("HOME", env.dir.path());
    cmd.env("XDG_DATA_HOME", env.dir.path().join("data"));
    cmd.env("XDG_CONFIG_HOME", env.dir.path().join("config"));
    cmd.env_remove("KAOHE_DB");
    cmd.env_remove("KAOHE_CONFIG");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let reading = std::thread::spawn(move || {
        let mut raw = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            raw.extend_from_slice(&buf[..n]);
        }
        raw
    });
    assert!(child.wait().unwrap().success());
    drop(pair.master);
    let raw = reading.join().unwrap();
    let shown = String::from_utf8_lossy(&raw);
    assert!(shown.contains("\r导入 "), "{shown:?}");
    assert!(shown.contains(" 行 ▕"), "{shown:?}");
    let size = |n| std::num::NonZeroU16::new(n).unwrap();
    let mut screen = vt100::Parser::new(size(24), size(120), 0);
    screen.process(&raw);
    let contents = screen.screen().contents();
    assert!(
        contents.starts_with("imported 762 submissions"),
        "{contents}"
    );
    assert!(
        !contents.contains("导入"),
        "the progress line is cleared: {contents}"
    );
}

#[test]
fn a_county_merged_down_its_rows_is_read_on_each() {
    use C::*;
    let env = Env::new();
    let mut book = Workbook::new();
    county_sheet(
        &mut book,
        "报送表",
        &[
            vec![Empty, T("1.1"), T("是")],
            vec![Empty, T("1.2"), T("75%")],
            vec![Empty, T("1.3"), T("80%")],
            vec![T("衢江区"), T("1.1"), T("否")],
        ],
    );
    let sheet = book.worksheet_from_name("报送表").unwrap();
    sheet
        .merge_range(2, 0, 4, 0, "柯城区", &Format::new())
        .unwrap();
    let file = env.write("merged.xlsx", book.save_to_buffer().unwrap());
    let out = env.ok(&["import", file.to_str().unwrap()]);
    assert!(out.starts_with("imported 4 submissions"), "{out}");
    let export = env.json(&["export"]);
    assert_eq!(item(&export, "330802", "1.3")["value"], "80%");
    assert_eq!(item(&export, "330803", "1.1")["value"], "否");
}

#[test]
fn kaohes_own_workbook_export_imports_again_identically() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&["mark", "柯城区", "1.2", "met", "--note", "台账齐全"]);
    let book = env.path("评审结果.xlsx");
    env.ok(&[
        "export",
        "--format",
        "xlsx",
        "--out",
        book.to_str().unwrap(),
    ]);
    let fresh = Env::new();
    let out = fresh.ok(&["import", book.to_str().unwrap()]);
    assert!(out.starts_with("imported 762 submissions from"), "{out}");
    let keys = [
        "county_code",
        "indicator",
        "value",
        "value_number",
        "numerator",
        "denominator",
        "evidence",
        "remark",
    ];
    let submissions = |v: Value| -> Vec<Vec<Value>> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| keys.iter().map(|k| i[*k].clone()).collect())
            .collect()
    };
    assert_eq!(
        submissions(env.json(&["export"])),
        submissions(fresh.json(&["export"]))
    );
}

#[test]
fn two_names_of_one_column_take_the_likelier_and_keep_the_words() {
    let env = Env::new();
    env.ok(&["init"]);
    // The id and the name of the indicator; a figure with words about it; 说明 and 备注 both;
    // 单位 as the unit of measure beside the county.
    let sheet = env.write(
        "两列.csv",
        "县(市、区),单位,指标编号,指标,完成值,完成情况,说明,备注\n\
         柯城区,%,1.2,照料中心覆盖率(城市),75%,已超额完成,数据截至年底,附台账\n\
         衢江区,,1.1,养老服务业政策文件,是,,,\n",
    );
    let out = env.ok(&["import", sheet.to_str().unwrap()]);
    assert!(out.contains("imported 2 submissions"), "{out}");
    let export = env.json(&["export"]);
    let row = item(&export, "330802", "1.2");
    assert_eq!(row["value"], "75%");
    assert_eq!(row["remark"], "已超额完成；数据截至年底；附台账");
    assert_eq!(item(&export, "330803", "1.1")["value"], "是");
    // The same name twice is still a mistake, refused.
    let twice = env.write(
        "twice.csv",
        "county,indicator,备注,备注\n柯城区,1.1,甲,乙\n",
    );
    let e = env.import_refused(&twice, &[]);
    assert!(e.contains("columns 3 and 4 both give the remark"), "{e}");
}

#[test]
fn a_json_indicator_given_as_a_number_is_refused_where_it_is_ambiguous() {
    let env = Env::new();
    let file = env.write(
        "n.json",
        "[\n  {\"county\": \"柯城区\", \"indicator\": 1.10, \"value\": \"是\"}\n]",
    );
    let e = env.import_refused(&file, &[]);
    assert!(
        e.contains("n.json:2: the indicator is the number 1.1, which cannot tell 1.1 from 1.10"),
        "{e}"
    );
    // A number that can only be one indicator is fine.
    let file = env.write(
        "ok.json",
        "[\n  {\"county\": \"柯城区\", \"indicator\": 2.3, \"value\": \"是\"}\n]",
    );
    assert!(
        env.ok(&["import", file.to_str().unwrap()])
            .contains("imported 1 submission")
    );
}

#[test]
fn a_dry_run_says_what_would_be_replaced_and_which_verdicts_would_want_another_look() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&["mark", "柯城区", "1.2", "not_met"]);
    env.ok(&["mark", "柯城区", "1.1", "met"]);
    // 1.2 corrected (it has a verdict); 1.1 sent again with its figure as it was and new
    // evidence (a verdict on it too, which stays as it is).
    let export = env.json(&["export"]);
    let same = item(&export, "330802", "1.1")["value"]
        .as_str()
        .unwrap()
        .to_string();
    let sheet = env.write(
        "更正.csv",
        format!("县(市、区),指标,完成值,佐证材料\n柯城区,1.2,71%,\n柯城区,1.1,{same},新文件.pdf\n"),
    );
    let before = std::fs::read(env.db()).unwrap();
    let out = env.ok(&["import", "--dry-run", sheet.to_str().unwrap()]);
    assert!(
        out.contains("2 submissions would be imported (0 new, 2 replacing earlier ones (1 with another figure); 1 verdict would be marked changed since reviewed)"),
        "{out}"
    );
    assert_eq!(
        std::fs::read(env.db()).unwrap(),
        before,
        "a dry run writes nothing"
    );
    let out = env.ok(&["import", sheet.to_str().unwrap()]);
    assert!(
        out.contains("imported 2 submissions from")
            && out
                .contains("; 1 verdict given on earlier figures now marked changed since reviewed"),
        "{out}"
    );
}

#[test]
fn two_figure_columns_are_refused_not_folded_into_the_remark() {
    let env = Env::new();
    let sheet = env.write("两值.csv", "县(市、区),指标,完成值,数值\n龙游县,1.2,,80%\n");
    let e = env.import_refused(&sheet, &[]);
    assert!(e.contains("columns 3 and 4 both give the value"), "{e}");
    let ids = env.write(
        "两号.csv",
        "indicator,指标编号,county,value\n1.1,1.1,柯城区,是\n",
    );
    let e = env.import_refused(&ids, &[]);
    assert!(e.contains("columns 1 and 2 both give the indicator"), "{e}");
}

#[test]
fn a_bare_fraction_keeps_its_flag_through_the_json_export_and_a_resend() {
    let env = Env::new();
    env.ok(&["init"]);
    // A workbook that says nothing of its numbers' formats (no styles): its 0.75 for a
    // percentage may be 75%, and is flagged.
    let sheet = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/workbooks/no-styles.xlsx");
    env.ok(&["import", sheet.to_str().unwrap()]);
    let flagged = |env: &Env| {
        let export = env.json(&["export"]);
        let row = item(&export, "330803", "1.2").clone();
        (
            row["suggested"].clone(),
            row["flags"].as_array().unwrap().len(),
        )
    };
    assert_eq!(flagged(&env), (Value::Null, 1));
    // The JSON export read back, into this database and into a new one.
    let json = env.write("all.json", env.ok(&["export"]));
    env.ok(&["import", json.to_str().unwrap()]);
    assert_eq!(flagged(&env), (Value::Null, 1));
    let other = Env::new();
    other.ok(&["init"]);
    other.ok(&["import", json.to_str().unwrap()]);
    assert_eq!(flagged(&other), (Value::Null, 1));
    // The same 0.75 sent again as text keeps it too; a corrected figure clears it.
    let same = env.write("same.csv", "county,indicator,value\n衢江区,1.2,0.75\n");
    env.ok(&["import", same.to_str().unwrap()]);
    assert_eq!(flagged(&env), (Value::Null, 1));
}

#[test]
fn a_dry_run_counts_only_verdicts_not_already_marked_and_knows_the_demo() {
    let env = Env::new();
    // On a demo database not made yet, the demo's own submission is what would be replaced.
    let sheet = env.write("d.csv", "county,indicator,value\n柯城区,1.2,80%\n");
    let out = env.ok(&["--demo", "import", "--dry-run", sheet.to_str().unwrap()]);
    assert!(
        out.contains("(0 new, 1 replacing earlier ones (1 with another figure))"),
        "{out}"
    );
    assert!(!env.db().exists());
    env.ok(&["--demo", "init"]);
    env.ok(&["mark", "柯城区", "1.2", "not_met"]);
    env.ok(&["import", sheet.to_str().unwrap()]);
    // Already marked changed: another correction marks nothing new, and says so.
    let again = env.write("e.csv", "county,indicator,value\n柯城区,1.2,81%\n");
    let out = env.ok(&["import", "--dry-run", again.to_str().unwrap()]);
    assert!(!out.contains("would be marked"), "{out}");
    let out = env.ok(&["import", again.to_str().unwrap()]);
    assert!(!out.contains("now marked"), "{out}");
}
