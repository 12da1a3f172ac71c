//! Every export of one database, byte for byte as the golden files under
//! tests/fixtures/export-golden/ hold it (issue 19): the exports stream their rows from the store
//! one at a time, and what they write is what the whole-table exports wrote before. The
//! database has something in every column: rule shapes, grades and a bonus, findings, a note
//! thread of several authors, a multi-line note and one that would be a formula, a figure
//! changed since reviewed, the counties' own assessments, a 复核 agreeing and one changing,
//! a verified figure, evidence tied, missing and ambiguous, open requests, and a target
//! signed off. Times and accounts are made fixed so that the bytes are the same on any
//! machine, on any day.
//!
//! To write the golden files again (after a deliberate change of an export), run with
//! `KAOHE_WRITE_GOLDEN=1` and review the diff.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Env;
use std::io::Read;
use std::path::{Path, PathBuf};

const RULES: &str = "tests/fixtures/rules.toml";
const SUBMISSIONS: &str = "tests/fixtures/rules-submissions.csv";
const GOLDEN: &str = "tests/fixtures/export-golden";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\n";

/// The counties in the order the embedded file gives them.
const COUNTIES: [&str; 6] = ["柯城区", "衢江区", "龙游县", "江山市", "常山县", "开化县"];

/// Each indicator's verdicts for the six counties (M met, P partly met, N not met, - none).
const VERDICTS: [(&str, &str); 7] = [
    ("1.1", "MNNNMN"),
    ("1.2", "MNMMMM"),
    ("1.3", "MPNPMP"),
    ("2.1", "MMMMNN"),
    ("2.2", "MMMMMN"),
    ("3.1", "MMM--M"),
    ("3.2", "MM-P--"),
];

/// The fixed time every stored time is made.
const AT: &str = "2026-11-29T09:30:00+08:00";

fn fixture() -> Env {
    let env = Env::new();
    env.ok(&["init", "--targets", RULES]);
    env.ok(&["import", SUBMISSIONS]);
    for (indicator, verdicts) in VERDICTS {
        for (county, v) in COUNTIES.iter().zip(verdicts.chars()) {
            let verdict = match v {
                'M' => "met",
                'P' => "partly_met",
                'N' => "not_met",
                _ => continue,
            };
            env.ok(&["--reviewer", "张三", "mark", county, indicator, verdict]);
        }
    }
    for (county, n) in [("衢江区", 3), ("龙游县", 10), ("开化县", 2)] {
        env.ok(&["finding", county, "1.3", "--cases", &n.to_string()]);
    }
    env.ok(&["finding", "柯城区", "3.1", "--cases", "2"]);
    env.ok(&[
        "finding",
        "龙游县",
        "1.2",
        "--void",
        "弄虚作假：台账与抽查不符",
    ]);
    // A thread of three notes by two reviewers, one of several lines; a note that a
    // spreadsheet would take for a formula; (A remark below holds a character a terminal would act on.)
    let note = |who: &str, county: &str, indicator: &str, verdict: &str, text: &str| {
        env.ok(&[
            "--reviewer",
            who,
            "mark",
            county,
            indicator,
            verdict,
            "--note",
            text,
        ]);
    };
    note(
        "张三",
        "衢江区",
        "1.1",
        "not_met",
        "台账缺失\n抽查三处，两处不符",
    );
    note(
        "李四",
        "衢江区",
        "1.1",
        "not_met",
        "同意：*确属*未完成 | 见附件",
    );
    note("张三", "衢江区", "1.1", "not_met", "已电话告知");
    note(
        "张三",
        "龙游县",
        "2.1",
        "met",
        "=HYPERLINK(\"http://x\",\"点此\")",
    );
    note("张三", "开化县", "2.2", "not_met", "-5% 与年报不符");
    // A second review agreeing and one changing the verdict.
    env.ok(&["--reviewer", "李四", "check", "柯城区", "1.1", "confirm"]);
    env.ok(&[
        "--reviewer",
        "李四",
        "check",
        "衢江区",
        "1.3",
        "not_met",
        "--reason",
        "补充材料未到",
    ]);
    env.ok(&[
        "--reviewer",
        "王五",
        "verify",
        "江山市",
        "1.1",
        "88%",
        "--reason",
        "实地核查",
    ]);
    // 柯城区 again, with its evidence folder and its own assessment: 1.1's figure changes
    // under its verdict.
    let dir = env.path("柯城区");
    for (path, content) in [
        ("通知.pdf", PDF),
        ("通知.docx", b"PK\x03\x04 word".as_slice()),
        ("会议纪要.pdf", b"%PDF-1.4 minutes".as_slice()),
    ] {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(path), content).unwrap();
    }
    let sheet = env.write(
        "柯城区.csv",
        "县(市、区),指标编号,完成值,佐证材料,自评结果,自评分,说明\n\
         柯城区,1.1,97%,会议纪要.pdf,完成,2,与年报\u{1b}[2J一致\n\
         柯城区,1.2,100%,通知；方案.doc,基本完成,3,\n",
    );
    env.ok(&["import", sheet.to_str().unwrap()]);
    env.ok(&[
        "--reviewer",
        "张三",
        "request",
        "柯城区",
        "1.2",
        "--reason",
        "缺方案，请补签到表",
    ]);
    env.ok(&[
        "--reviewer",
        "李四",
        "request",
        "衢江区",
        "2.1",
        "--reason",
        "缺台账",
    ]);
    let db = rusqlite::Connection::open(env.db()).unwrap();
    fix_times(
        &db,
        &[
            ("reviews", "reviewed_at"),
            ("reviews", "account"),
            ("notes", "at"),
            ("notes", "account"),
            ("second_reviews", "checked_at"),
            ("verified_figures", "verified_at"),
            ("verified_figures", "account"),
            ("requests", "asked_at"),
            ("requests", "account"),
        ],
    );
    drop(db);
    env.ok(&["--reviewer", "王五", "lock", "--target", "2"]);
    let db = rusqlite::Connection::open(env.db()).unwrap();
    fix_times(&db, &[("locks", "locked_at"), ("locks", "account")]);
    env
}

/// Makes each of `columns` (table, column) fixed: times [`AT`], accounts "tester". The
/// triggers that keep a request as asked are lifted meanwhile (and put back as they were).
fn fix_times(db: &rusqlite::Connection, columns: &[(&str, &str)]) {
    let guard: String = db
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'requests_only_closed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    db.execute_batch("DROP TRIGGER requests_only_closed")
        .unwrap();
    for (table, column) in columns {
        let value = if *column == "account" { "tester" } else { AT };
        db.execute(
            &format!("UPDATE {table} SET {column} = ?1 WHERE {column} IS NOT NULL"),
            [value],
        )
        .unwrap_or_else(|e| panic!("{table}.{column}: {e}"));
    }
    db.execute_batch(&guard).unwrap();
}

fn golden(name: &str) -> PathBuf {
    Path::new(GOLDEN).join(name)
}

/// `bytes` are the golden file `name`'s (written instead under KAOHE_WRITE_GOLDEN=1).
fn assert_golden(name: &str, bytes: &[u8]) {
    let path = golden(name);
    if std::env::var_os("KAOHE_WRITE_GOLDEN").is_some() {
        std::fs::create_dir_all(GOLDEN).unwrap();
        std::fs::write(&path, bytes).unwrap();
        return;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if want != bytes {
        let shown = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let (want, got) = (shown(&want), shown(bytes));
        let first = want
            .lines()
            .zip(got.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(want.lines().count().min(got.lines().count()));
        panic!(
            "{name} differs from its golden file at line {}:\n  golden: {:?}\n  now:    {:?}",
            first + 1,
            want.lines().nth(first),
            got.lines().nth(first)
        );
    }
}

/// A part of a zip (a workbook or a Word document), as text.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn every_export_is_byte_for_byte_as_before() {
    let env = fixture();
    let run = |format: &str| {
        let out = env
            .with_db()
            .args(["export", "--format", format])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    assert_golden("export.csv", &run("csv"));
    assert_golden("export.json", &run("json"));
    assert_golden("export.md", &run("md"));
    // A Word document and a workbook are zips: their parts that hold the results.
    let docx = env.path("通报.docx");
    env.ok(&[
        "export",
        "--format",
        "docx",
        "--out",
        docx.to_str().unwrap(),
    ]);
    assert_golden("document.xml", part(&docx, "word/document.xml").as_bytes());
    let xlsx = env.path("结果.xlsx");
    env.ok(&[
        "export",
        "--format",
        "xlsx",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert_golden(
        "sheet1.xml",
        part(&xlsx, "xl/worksheets/sheet1.xml").as_bytes(),
    );
    // The summary sheets, cell by cell (how a workbook stores its strings is its own).
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let mut cells = String::new();
    use calamine::Reader;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        cells.push_str(&format!("## {name}\n"));
        for row in range.rows() {
            let row: Vec<String> = row.iter().map(|c| format!("{c:?}")).collect();
            cells.push_str(&row.join("\t"));
            cells.push('\n');
        }
    }
    assert_golden("workbook-cells.txt", cells.as_bytes());
}

#[test]
fn status_counts_as_before() {
    let env = fixture();
    let dir = env.dir.path().to_str().unwrap().to_string();
    for (name, args) in [
        ("status.txt", vec!["status"]),
        ("status.json", vec!["status", "--json"]),
        ("status-by-reviewer.txt", vec!["status", "--by", "reviewer"]),
    ] {
        let out = env.ok(&args).replace(&dir, "$DIR");
        assert_golden(name, out.as_bytes());
    }
}
