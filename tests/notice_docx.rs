#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The 通报 (`kaohe export --format docx`) read back: the zip's parts are there and every
//! XML part is well formed; the document's paragraphs and tables hold the heading, the
//! number line left for the clerk, the ranking as `status` gives it, and for every county its
//! section with each item not fully met (requirement, the county's figure, the verified one
//! with 核减, the verdict, the notes). Then LibreOffice converts it to PDF and its text is
//! checked (pdftotext where it is installed, else LibreOffice's own text export) — skipped,
//! saying why, where LibreOffice is not installed.

mod common;

use common::Env;
use quick_xml::events::Event;
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use std::process::Command;

/// A paragraph (its style and text, line breaks as \n) or a table (rows of cells' texts).
#[derive(Debug, Clone, PartialEq)]
enum Block {
    Para { style: String, text: String },
    Table(Vec<Vec<String>>),
}

/// The document's blocks, in order (a table's cells flattened to their text).
fn blocks(xml: &str) -> Vec<Block> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let (mut style, mut text) = (String::new(), String::new());
    let mut in_text = false;
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut cell: Option<String> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"w:pStyle" => {
                let v = e.try_get_attribute("w:val").unwrap().unwrap();
                style = String::from_utf8(v.value.to_vec()).unwrap();
            }
            Event::Start(e) => match e.name().as_ref() {
                b"w:p" => {
                    style.clear();
                    text.clear();
                }
                b"w:t" => in_text = true,
                b"w:tbl" => table = Some(Vec::new()),
                b"w:tr" => table.as_mut().unwrap().push(Vec::new()),
                b"w:tc" => cell = Some(String::new()),
                _ => {}
            },
            Event::Empty(e) if e.name().as_ref() == b"w:br" => text.push('\n'),
            Event::Text(t) if in_text => text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) if in_text => {
                let name = r.decode().unwrap();
                text.push(match name.as_ref() {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => r.resolve_char_ref().unwrap().unwrap(),
                });
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:p" => match &mut cell {
                    Some(c) => {
                        if !c.is_empty() {
                            c.push('\n');
                        }
                        c.push_str(&text);
                    }
                    None => out.push(Block::Para {
                        style: style.clone(),
                        text: text.clone(),
                    }),
                },
                b"w:tc" => {
                    let c = cell.take().unwrap();
                    table.as_mut().unwrap().last_mut().unwrap().push(c);
                }
                b"w:tbl" => out.push(Block::Table(table.take().unwrap())),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// Every part of the zip, by name.
fn parts(docx: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    (0..zip.len())
        .map(|k| {
            let mut f = zip.by_index(k).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            (f.name().to_string(), text)
        })
        .collect()
}

/// Well formed: every tag closed, in order, every reference known.
fn well_formed(name: &str, xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::GeneralRef(r)) => {
                let n = r.decode().unwrap();
                assert!(
                    ["amp", "lt", "gt", "quot", "apos"].contains(&n.as_ref())
                        || r.resolve_char_ref().unwrap().is_some(),
                    "{name}: &{n};"
                );
            }
            Ok(_) => {}
            Err(e) => panic!("{name} is not well formed: {e}"),
        }
    }
}

/// The demo with verdicts in every county (some not met, some partly), a verified figure
/// lower than the county's, notes (one with markup and an escape in it), a 复核 change.
fn reviewed() -> Env {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    // A county's figure holding an escape sequence, as a file may.
    let sheet = env.write(
        "fix.csv",
        "county,indicator,value\n江山市,2.1,未召开\u{1b}[2J\n",
    );
    env.ok(&["import", sheet.to_str().unwrap()]);
    let marks: &[(&str, &str, &str, Option<&str>)] = &[
        ("柯城区", "1.2", "未完成", Some("覆盖率 52.4%，低于 70%")),
        ("柯城区", "1.1", "完成", None),
        (
            "衢江区",
            "1.2",
            "基本完成",
            Some("农村照料中心数据口径不一致 <需补充> & 说明"),
        ),
        ("龙游县", "1.2", "完成", None),
        ("江山市", "2.1", "未完成", Some("未召开专题学习会")),
        ("常山县", "1.3", "基本完成", None),
        ("开化县", "1.2", "完成", None),
    ];
    for (county, ind, verdict, note) in marks {
        let mut args = vec!["--reviewer", "张三", "mark", county, ind, verdict];
        if let Some(n) = note {
            args.extend(["--note", n]);
        }
        env.ok(&args);
    }
    env.ok(&[
        "--reviewer",
        "王五",
        "verify",
        "衢江区",
        "1.2",
        "60%",
        "--reason",
        "实地核查：只有7个在运营",
    ]);
    env.ok(&[
        "--reviewer",
        "李四",
        "check",
        "开化县",
        "1.2",
        "未完成",
        "--reason",
        "台账与年报不一致",
    ]);
    env
}

#[test]
fn the_notice_reads_back_with_the_ranking_and_every_countys_section() {
    let env = reviewed();
    let file = env.path("通报.docx");
    let said = env.ok(&[
        "export",
        "--format",
        "docx",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(said.starts_with("exported 762 items to "), "{said}");
    let bytes = std::fs::read(&file).unwrap();
    // Standard output, redirected, gets the same document.
    let piped = env
        .with_db()
        .args(["export", "--format", "docx"])
        .output()
        .unwrap();
    assert!(piped.status.success());
    assert_eq!(piped.stdout, bytes);

    let parts = parts(&bytes);
    let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names[0], "[Content_Types].xml");
    for needed in [
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
        "word/_rels/document.xml.rels",
        "docProps/core.xml",
    ] {
        assert!(names.contains(&needed), "{needed} in {names:?}");
    }
    for (name, xml) in &parts {
        well_formed(name, xml);
    }
    let styles = &parts
        .iter()
        .find(|(n, _)| n == "word/styles.xml")
        .unwrap()
        .1;
    assert!(
        styles.contains("w:eastAsia=\"仿宋_GB2312\""),
        "the text's Chinese font"
    );
    assert!(styles.contains("w:eastAsia=\"宋体\""), "the heading's");
    let document = &parts
        .iter()
        .find(|(n, _)| n == "word/document.xml")
        .unwrap()
        .1;
    let blocks = blocks(document);
    let para = |style: &str| -> Vec<String> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Para { style: s, text } if s == style => Some(text.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(para("RedHead"), ["衢州市民政局文件"]);
    assert_eq!(
        para("DocNumber"),
        ["衢市民〔\u{3000}\u{3000}〕\u{3000}\u{3000}号"]
    );
    assert_eq!(
        para("NoticeTitle"),
        ["衢州市民政局关于2014年度对县(市、区)民政工作考核一二类目标完成情况的通报"]
    );
    assert_eq!(
        para("Addressees"),
        ["各县(市、区)民政局、衢江区移民办、江山市移民办："]
    );
    assert!(
        para("Body")
            .iter()
            .any(|p| p.contains("已评定 7 项") && p.contains("初步（未审定）")),
        "the notice says the results are not final"
    );
    assert_eq!(
        para("Heading1"),
        ["一、考核得分与排名", "二、各县（市、区）未完成目标情况"]
    );

    // The ranking: as `status` gives it, in rank order.
    let status = env.json(&["status", "--json"]);
    let mut counties: Vec<&Value> = status["counties"].as_array().unwrap().iter().collect();
    counties.sort_by_key(|c| c["rank"].as_u64().unwrap());
    let tables: Vec<&Vec<Vec<String>>> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect();
    let ranking = tables[0];
    assert_eq!(
        ranking[0],
        [
            "名次",
            "县（市、区）",
            "得分",
            "满分",
            "完成",
            "基本完成",
            "未完成"
        ]
    );
    assert_eq!(ranking.len(), 1 + counties.len());
    for (row, c) in ranking[1..].iter().zip(&counties) {
        let score = c["score"].as_f64().unwrap();
        assert_eq!(row[0], c["rank"].to_string());
        assert_eq!(row[1], c["name"].as_str().unwrap());
        assert_eq!(row[2].parse::<f64>().unwrap(), score, "{row:?}");
        assert_eq!(row[3], "120");
        assert_eq!(row[4], c["met"].to_string());
        assert_eq!(row[5], c["partly_met"].to_string());
        assert_eq!(row[6], c["not_met"].to_string());
    }

    // Every county's section, in rank order, each with its items not fully met.
    let export = env.json(&["export"]);
    let sections = para("Heading2");
    assert_eq!(sections.len(), counties.len());
    let numerals = ["一", "二", "三", "四", "五", "六"];
    for (k, c) in counties.iter().enumerate() {
        let name = c["name"].as_str().unwrap();
        assert!(
            sections[k].starts_with(&format!("（{}）{name}（得分 ", numerals[k])),
            "{sections:?}"
        );
        assert!(sections[k].ends_with(&format!("第 {} 名）", c["rank"])));
    }
    // The sections' tables, in order: one for each county with a shortfall.
    let mut shortfall_tables = tables[1..].iter();
    for c in &counties {
        let code = c["code"].as_str().unwrap();
        let wanted: Vec<&Value> = ["not_met", "partly_met"]
            .iter()
            .flat_map(|v| {
                export.as_array().unwrap().iter().filter(move |i| {
                    i["county_code"] == code
                        && (if i["second_verdict"].is_null() {
                            &i["verdict"]
                        } else {
                            &i["second_verdict"]
                        }) == v
                })
            })
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let t = shortfall_tables.next().unwrap();
        assert_eq!(
            t[0],
            ["指标", "要求", "报送值", "核定值", "评定", "评审意见"]
        );
        let ids: Vec<&str> = t[1..]
            .iter()
            .map(|r| r[0].split(' ').next().unwrap())
            .collect();
        let expected: Vec<&str> = wanted
            .iter()
            .map(|i| i["indicator"].as_str().unwrap())
            .collect();
        assert_eq!(ids, expected, "{}", c["name"]);
    }
    assert!(shortfall_tables.next().is_none());
    let row = |county: &str, ind: &str| -> Vec<String> {
        let k = counties.iter().position(|c| c["name"] == county).unwrap();
        let before = counties[..k]
            .iter()
            .filter(|c| c["not_met"].as_u64().unwrap() + c["partly_met"].as_u64().unwrap() > 0)
            .count();
        tables[1 + before]
            .iter()
            .find(|r| r[0].starts_with(&format!("{ind} ")))
            .unwrap()
            .clone()
    };
    // Both figures, 核减, the verdict, the note exactly as written (its escape shown).
    assert_eq!(
        row("衢江区", "1.2"),
        [
            "1.2 照料中心覆盖率(城市)",
            "≥ 70%",
            "83.3％",
            "60%（核减）\n实地核查：只有7个在运营",
            "基本完成",
            "农村照料中心数据口径不一致 <需补充> & 说明",
        ]
    );
    assert_eq!(
        row("柯城区", "1.2")[2..],
        ["52.4%", "", "未完成", "覆盖率 52.4%，低于 70%"]
    );
    assert_eq!(row("江山市", "2.1")[2], "未召开␛[2J");
    assert_eq!(row("江山市", "2.1")[5], "未召开专题学习会");
    // The 复核's verdict counts, with its reason.
    assert_eq!(
        row("开化县", "1.2")[4..],
        ["未完成", "复核：台账与年报不一致"]
    );
}

#[test]
fn no_word_document_for_a_terminal() {
    // Standard output is no terminal here, so a pseudo-terminal runs the command.
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    let mut cmd = portable_pty::CommandBuilder::new(env!("CARGO_BIN_EXE_kaohe"));
    cmd.args([
        "--db",
        env.db().to_str().unwrap(),
        "export",
        "--format",
        "docx",
    ]);
    cmd.env("HOME", env.dir.path());
    cmd.env_remove("KAOHE_DB");
    let mut s = common::pty::Screen::spawn(cmd, 120, 10);
    s.wait_for("--format docx writes a Word document: give the file with --out FILE.docx");
    assert_eq!(s.exit_code(), 1);
    assert!(!s.text().contains("PK"), "{}", s.text());
}

fn installed(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// LibreOffice's conversion of `docx` to `to` (pdf, txt:Text) in `dir`, with a profile of its
/// own (so that tests running at once do not share one).
fn soffice(docx: &Path, to: &str, dir: &Path) -> std::path::PathBuf {
    let profile = dir.join(format!("lo-profile-{}", to.replace(':', "-")));
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(dir)
        .arg(docx)
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ext = to.split(':').next().unwrap();
    let made = docx.with_extension(ext);
    let made = dir.join(made.file_name().unwrap());
    assert!(
        made.exists(),
        "soffice made no {ext}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    made
}

#[test]
fn libreoffice_converts_the_notice_to_pdf_with_its_text() {
    if !installed("soffice") {
        eprintln!(
            "skipped: LibreOffice (soffice) is not installed, so the 通报 cannot be converted here"
        );
        return;
    }
    let env = reviewed();
    let file = env.path("tongbao.docx");
    env.ok(&[
        "export",
        "--format",
        "docx",
        "--out",
        file.to_str().unwrap(),
    ]);
    let dir = env.path("converted");
    std::fs::create_dir(&dir).unwrap();
    let pdf = soffice(&file, "pdf", &dir);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    assert!(bytes.len() > 10_000, "a PDF of {} bytes", bytes.len());
    // The PDF's own text needs a Chinese font to have been there to draw it with; without
    // one, LibreOffice's text export (which needs no font) is read instead.
    let chinese_font = Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.is_empty());
    let text = if installed("pdftotext") && chinese_font {
        let out = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    } else {
        eprintln!(
            "pdftotext or a Chinese font is not installed: the text is checked from LibreOffice's text export"
        );
        let txt = soffice(&file, "txt:Text", &dir);
        std::fs::read_to_string(txt).unwrap()
    };
    // Compared without spaces and line breaks; a table's cells wrap at their width, and the
    // text of a PDF's table comes cell by cell: short words from cells.
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for expected in [
        "衢州市民政局文件",
        "衢市民〔〕号",
        "一、考核得分与排名",
        "二、各县（市、区）未完成目标情况",
        "柯城区",
        "衢江区",
        "龙游县",
        "江山市",
        "常山县",
        "开化县",
        "60%",
        "核减",
        "覆盖率52.4%，低于",
        "年月日",
    ] {
        assert!(flat.contains(expected), "{expected} not in:\n{text}");
    }
}

/// Where the targets file names grades (等次), the ranking gives each county's.
#[test]
fn the_ranking_gives_the_grades_where_the_targets_name_them() {
    let env = Env::new();
    env.ok(&["init", "--targets", "tests/fixtures/rules.toml"]);
    env.ok(&["import", "tests/fixtures/rules-submissions.csv"]);
    for county in ["柯城区", "衢江区", "龙游县", "江山市", "常山县", "开化县"] {
        env.ok(&["mark", county, "1.2", "met"]);
        env.ok(&["mark", county, "2.2", "met"]);
    }
    env.ok(&["mark", "衢江区", "1.1", "not_met", "--note", "准确率 97%"]);
    let file = env.path("g.docx");
    env.ok(&[
        "export",
        "--format",
        "docx",
        "--out",
        file.to_str().unwrap(),
    ]);
    let parts = parts(&std::fs::read(&file).unwrap());
    let document = &parts
        .iter()
        .find(|(n, _)| n == "word/document.xml")
        .unwrap()
        .1;
    let blocks = blocks(document);
    let Some(Block::Table(ranking)) = blocks.iter().find(|b| matches!(b, Block::Table(_))) else {
        panic!("no ranking table");
    };
    assert_eq!(
        ranking[0],
        [
            "名次",
            "县（市、区）",
            "得分",
            "满分",
            "等次",
            "完成",
            "基本完成",
            "未完成"
        ]
    );
    let status = env.json(&["status", "--json"]);
    for row in &ranking[1..] {
        let c = status["counties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == row[1].as_str())
            .unwrap();
        assert_eq!(row[4], c["grade"].as_str().unwrap_or(""), "{row:?}");
    }
    assert!(ranking[1..].iter().any(|r| !r[4].is_empty()), "{ranking:?}");
}

/// An item a reviewer voided (不计分) is among its county's shortfalls, met or not, with why.
#[test]
fn a_voided_item_is_listed_with_its_reason() {
    let env = Env::new();
    env.ok(&["init", "--targets", "tests/fixtures/rules.toml"]);
    env.ok(&["import", "tests/fixtures/rules-submissions.csv"]);
    env.ok(&["mark", "龙游县", "1.2", "met"]);
    env.ok(&[
        "finding",
        "龙游县",
        "1.2",
        "--void",
        "弄虚作假：台账与抽查不符",
    ]);
    let file = env.path("v.docx");
    env.ok(&[
        "export",
        "--format",
        "docx",
        "--out",
        file.to_str().unwrap(),
    ]);
    let parts = parts(&std::fs::read(&file).unwrap());
    let document = &parts
        .iter()
        .find(|(n, _)| n == "word/document.xml")
        .unwrap()
        .1;
    let blocks = blocks(document);
    assert!(blocks.iter().any(|b| matches!(b,
        Block::Para { style, text } if style == "Body"
            && text.starts_with("未完成 0 项，基本完成 0 项，不计分 1 项："))));
    let row = blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) => t.iter().find(|r| r[0].starts_with("1.2 ")).cloned(),
            _ => None,
        })
        .unwrap();
    assert_eq!(row[4], "完成\n不计分");
    assert_eq!(row[5], "不计分：弄虚作假：台账与抽查不符");
}
