//! `kaohe export --format xlsx` read back as a spreadsheet program would: each table on a sheet
//! of its own, figures and amounts as number cells, times as date cells with a date format,
//! notes wrapped in rows tall enough, a chart of the scores and the county × target heat map as
//! a colour scale — the cells with calamine, the chart and the conditional formats from the
//! workbook's own XML parts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use calamine::{Data, DataType, Reader, Xlsx};
use common::Env;
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A demo database with verdicts, notes (one of several lines, one long) and a 复核, exported.
fn exported() -> (Env, PathBuf) {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&[
        "--reviewer",
        "张三",
        "mark",
        "柯城区",
        "1.2",
        "完成",
        "--note",
        "台账齐全\n照料中心名单已核对\n抽查三处",
    ]);
    env.ok(&[
        "--reviewer",
        "张三",
        "mark",
        "衢江区",
        "1.2",
        "基本完成",
        "--note",
        &"农村照料中心数据口径不一致，需补充说明。".repeat(12),
    ]);
    env.ok(&["--reviewer", "张三", "mark", "龙游县", "1.1", "未完成"]);
    env.ok(&[
        "--reviewer",
        "李四",
        "check",
        "衢江区",
        "1.2",
        "完成",
        "--reason",
        "补充材料已到",
    ]);
    env.ok(&[
        "--reviewer",
        "王五",
        "verify",
        "衢江区",
        "1.2",
        "60",
        "--reason",
        "实地核查",
    ]);
    let out = env.path("结果.xlsx");
    env.ok(&["export", "--format", "xlsx", "--out", out.to_str().unwrap()]);
    (env, out)
}

/// A part of the workbook's zip, as text.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// A sheet's heading row.
fn heads(range: &calamine::Range<Data>) -> Vec<String> {
    range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

#[test]
fn each_table_is_on_a_sheet_of_its_own_and_numbers_and_times_are_cells_of_their_kind() {
    let (env, out) = exported();
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["评审结果", "汇总", "目标", "复核", "热力图"]
    );

    let results = book.worksheet_range("评审结果").unwrap();
    let h = heads(&results);
    let at = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (r, row) = results
        .rows()
        .enumerate()
        .find(|(_, r)| r[at("县(市、区)")] == "柯城区" && r[at("指标编号")] == "1.2")
        .unwrap();
    // The figure as written beside the figure as a number.
    assert_eq!(row[at("报送值")], Data::String("52.4%".into()));
    assert_eq!(row[at("报送值(数值)")], Data::Float(52.4));
    assert_eq!(row[at("分子")], Data::Float(22.0));
    assert_eq!(row[at("分母")], Data::Float(42.0));
    // The review time is a date cell, the time of day as kaohe stored it.
    let export = env.json(&["export"]);
    let stored = export
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county"] == "柯城区" && i["indicator"] == "1.2")
        .unwrap()["reviewed_at"]
        .as_str()
        .unwrap()
        .to_string();
    let Data::DateTime(when) = &row[at("评定时间")] else {
        panic!("not a date: {:?}", row[at("评定时间")]);
    };
    let (y, mo, d, hh, mi, ss, _) = when.to_ymd_hms_milli();
    assert_eq!(
        format!("{y:04}-{mo:02}-{d:02}T{hh:02}:{mi:02}:{ss:02}"),
        stored[..19],
        "{stored}"
    );
    // A row without a verdict has no time at all, and text cells stay text.
    let unreviewed = results
        .rows()
        .find(|r| r[at("县(市、区)")] == "开化县" && r[at("指标编号")] == "1.2")
        .unwrap();
    assert_eq!(unreviewed[at("评定时间")], Data::Empty);
    assert_eq!(
        row[at("备注")],
        Data::String("台账齐全\n照料中心名单已核对\n抽查三处".into())
    );
    // The 复核's time is a date too.
    let checked = results
        .rows()
        .find(|r| r[at("县(市、区)")] == "衢江区" && r[at("指标编号")] == "1.2")
        .unwrap();
    assert!(
        matches!(checked[at("复核时间")], Data::DateTime(_)),
        "{:?}",
        checked[at("复核时间")]
    );
    // So is the verified figure's (核定时间); the figure itself stays as kaohe keeps it.
    assert!(
        matches!(checked[at("核定时间")], Data::DateTime(_)),
        "{:?}",
        checked[at("核定时间")]
    );
    assert_eq!(checked[at("核定值")], Data::String("60%".into()));

    // The date format and the wrapped notes, in the workbook's styles and the sheet's rows:
    // the three-line note's row is three lines tall, the long note's at most eight.
    let styles = part(&out, "xl/styles.xml");
    assert!(
        styles.contains("formatCode=\"yyyy-mm-dd hh:mm\""),
        "{styles}"
    );
    assert!(styles.contains("wrapText=\"1\""), "{styles}");
    let sheet = part(&out, "xl/worksheets/sheet1.xml");
    let height = |excel_row: usize| -> f64 {
        let start = sheet.find(&format!("<row r=\"{excel_row}\"")).unwrap();
        let tag = &sheet[start..start + sheet[start..].find('>').unwrap()];
        assert!(tag.contains("customHeight=\"1\""), "{tag}");
        let ht = tag.split("ht=\"").nth(1).unwrap();
        ht[..ht.find('"').unwrap()].parse().unwrap()
    };
    assert_eq!(height(r + 1), 45.0, "three lines");
    let (long, _) = results
        .rows()
        .enumerate()
        .find(|(_, r)| r[at("县(市、区)")] == "衢江区" && r[at("指标编号")] == "1.2")
        .unwrap();
    assert_eq!(height(long + 1), 120.0, "eight lines at most");
    // A long file name as evidence wraps to two lines (开化县2014年居家养老服务照料中心台账.xlsx,
    // 43 columns wide, in a column of 40); a row of one line keeps Excel's own height.
    let (two, _) = results
        .rows()
        .enumerate()
        .find(|(_, r)| r[at("县(市、区)")] == "开化县" && r[at("指标编号")] == "1.2")
        .unwrap();
    assert_eq!(height(two + 1), 30.0);
    let rows = sheet.matches("<row r=").count();
    let tall = sheet.matches("customHeight=\"1\"").count();
    assert_eq!(rows, 763);
    assert!(tall > 0 && tall < rows, "{tall} of {rows} rows are tall");
    let header = &sheet[sheet.find("<row r=\"1\"").unwrap()..];
    assert!(!header[..header.find('>').unwrap()].contains("customHeight"));
}

#[test]
fn the_ranking_targets_and_second_review_are_tables_of_their_own() {
    let (env, out) = exported();
    let status = env.json(&["status", "--json"]);
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();

    // 汇总: a heading, then a county a row in rank order, and nothing else.
    let ranking = book.worksheet_range("汇总").unwrap();
    let h = heads(&ranking);
    assert_eq!(
        h[..6],
        [
            "名次",
            "县(市、区)代码",
            "县(市、区)",
            "得分",
            "满分",
            "一票否决"
        ]
    );
    assert_eq!(h[6], "不计分");
    assert_eq!(h[14], "1 加快养老服务业发展");
    assert_eq!(h.last().unwrap(), "自评与评定不一致");
    let rows: Vec<&[Data]> = ranking.rows().skip(1).collect();
    assert_eq!(rows.len(), 6, "a row a county: {rows:?}");
    let ranks: Vec<f64> = rows.iter().map(|r| r[0].get_float().unwrap()).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    // Each county's score as `status` says.
    for r in &rows {
        let code = r[1].to_string();
        let county = status["counties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code.as_str())
            .unwrap();
        assert_eq!(r[3].get_float(), county["score"].as_f64(), "{code}");
    }

    // 目标: the twelve targets, then the whole assessment.
    let targets = book.worksheet_range("目标").unwrap();
    let h = heads(&targets);
    assert_eq!(h[..4], ["目标", "类别", "目标名称", "满分"]);
    let rows: Vec<&[Data]> = targets.rows().skip(1).collect();
    assert_eq!(rows.len(), 13);
    assert_eq!(rows[0][2].to_string(), "加快养老服务业发展");
    assert_eq!(rows[0][1].to_string(), "一类");
    let whole = rows[12];
    assert_eq!(whole[0].to_string(), "合计");
    assert_eq!(whole[3], Data::Float(120.0), "the most a county can earn");
    let at = |name: &str| h.iter().position(|x| x == name).unwrap();
    assert_eq!(whole[at("已评定")], Data::Float(3.0));
    assert_eq!(whole[at("阶段")].to_string(), "初步（未审定）");
    assert_eq!(whole[at("已复核")], Data::Float(1.0));
    assert_eq!(whole[at("改判")], Data::Float(1.0));
    assert_eq!(whole[at("一致率")], Data::Float(0.0), "a share, not text");

    // 复核: a row a reviewer of first verdicts.
    let checks = book.worksheet_range("复核").unwrap();
    let h = heads(&checks);
    assert_eq!(h[0], "初审评审人");
    let zhang = checks.rows().find(|r| r[0] == "张三").unwrap();
    let at = |name: &str| h.iter().position(|x| x == name).unwrap();
    assert_eq!(zhang[at("已初审")], Data::Float(3.0));
    assert_eq!(zhang[at("已复核")], Data::Float(1.0));
    let li = checks.rows().find(|r| r[0] == "李四").unwrap();
    assert_eq!(li[at("复核他人")], Data::Float(1.0));
}

#[test]
fn a_chart_of_the_scores_and_a_heat_map_of_the_targets() {
    let (env, out) = exported();
    let status = env.json(&["status", "--json"]);
    // The chart: a bar a county, its scores and names from the ranking's columns, on 汇总.
    let chart = part(&out, "xl/charts/chart1.xml");
    assert!(chart.contains("<c:barChart>"), "{chart}");
    assert!(chart.contains("<c:f>汇总!$D$2:$D$7</c:f>"), "{chart}");
    assert!(chart.contains("<c:f>汇总!$C$2:$C$7</c:f>"), "{chart}");
    assert!(chart.contains("各县(市、区)得分"), "{chart}");
    let ranking = part(&out, "xl/worksheets/sheet2.xml");
    assert!(ranking.contains("<drawing r:id="), "the chart is on 汇总");
    let rels = part(&out, "xl/worksheets/_rels/sheet2.xml.rels");
    assert!(rels.contains("../drawings/drawing1.xml"), "{rels}");
    let drawing_rels = part(&out, "xl/drawings/_rels/drawing1.xml.rels");
    assert!(
        drawing_rels.contains("../charts/chart1.xml"),
        "{drawing_rels}"
    );

    // The heat map: each county's share of each target's points, in rank order, coloured by
    // a three-colour scale from 0 through 50% to 100%.
    let heat = part(&out, "xl/worksheets/sheet5.xml");
    assert!(
        heat.contains("<conditionalFormatting sqref=\"C2:N7\">"),
        "{heat}"
    );
    assert!(heat.contains("<colorScale>"), "{heat}");
    for value in ["0", "0.5", "1"] {
        assert!(
            heat.contains(&format!("<cfvo type=\"num\" val=\"{value}\"/>")),
            "{heat}"
        );
    }
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let map = book.worksheet_range("热力图").unwrap();
    let h = heads(&map);
    assert_eq!(h[..3], ["名次", "县(市、区)", "1 加快养老服务业发展"]);
    assert_eq!(h.len(), 14);
    let targets = status["targets"].as_array().unwrap();
    for row in map.rows().skip(1) {
        let county = status["counties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == row[1].to_string().as_str())
            .unwrap();
        for (k, t) in targets.iter().enumerate() {
            let share =
                county["target_scores"][k].as_f64().unwrap() / t["points"].as_f64().unwrap();
            assert_eq!(row[2 + k].get_float(), Some(share), "{} {k}", row[1]);
        }
    }
    let kecheng = map.rows().find(|r| r[1] == "柯城区").unwrap();
    assert!(kecheng[2].get_float().unwrap() > 0.0, "{kecheng:?}");
}

#[test]
fn a_workbook_export_of_a_database_without_submissions_has_every_sheet_and_imports_nothing() {
    let env = Env::new();
    env.ok(&["init"]);
    let out = env.path("空.xlsx");
    env.ok(&["export", "--format", "xlsx", "--out", out.to_str().unwrap()]);
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names().len(), 5);
    // Every county is ranked (all 0), so the chart is drawn; the results read back as nothing
    // submitted.
    let ranking = book.worksheet_range("汇总").unwrap();
    assert_eq!(ranking.rows().count(), 7);
    let out = env.ok(&["import", "--dry-run", out.to_str().unwrap()]);
    assert!(out.contains("0 submissions would be imported"), "{out}");
    let _: Value = env.json(&["export"]);
}

#[test]
fn the_ranking_gives_the_grades_bonuses_and_voided_items_where_the_rules_have_them() {
    let env = Env::new();
    env.ok(&["init", "--targets", "tests/fixtures/rules.toml"]);
    env.ok(&["import", "tests/fixtures/rules-submissions.csv"]);
    for county in ["柯城区", "衢江区", "龙游县", "江山市"] {
        for indicator in ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2"] {
            env.ok(&["mark", county, indicator, "met"]);
        }
    }
    env.ok(&["finding", "龙游县", "1.2", "--void", "弄虚作假"]);
    let status = env.json(&["status", "--json"]);
    let out = env.path("规则.xlsx");
    env.ok(&["export", "--format", "xlsx", "--out", out.to_str().unwrap()]);
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let ranking = book.worksheet_range("汇总").unwrap();
    let h = heads(&ranking);
    assert_eq!(
        h[4..9],
        ["满分", "等次", "加分", "一票否决", "不计分"],
        "{h:?}"
    );
    for row in ranking.rows().skip(1) {
        let county = status["counties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == row[1].to_string().as_str())
            .unwrap();
        assert_eq!(
            row[5].to_string(),
            county["grade"].as_str().unwrap_or(""),
            "{row:?}"
        );
        assert_eq!(row[6].get_float(), county["bonus"].as_f64(), "{row:?}");
    }
    assert!(
        ranking.rows().any(|r| !r[5].to_string().is_empty()),
        "some county has a grade"
    );
    let longyou = ranking.rows().find(|r| r[2] == "龙游县").unwrap();
    assert_eq!(longyou[8].to_string(), "1.2");
    // Each item's points are a number, its void reason the reviewer's words.
    let results = book.worksheet_range("评审结果").unwrap();
    let h = heads(&results);
    let at = |name: &str| h.iter().position(|x| x == name).unwrap();
    let item = |county: &str, indicator: &str| {
        results
            .rows()
            .find(|r| r[at("县(市、区)")] == county && r[at("指标编号")] == indicator)
            .unwrap()
            .to_vec()
    };
    assert!(
        matches!(item("柯城区", "1.1")[at("得分")], Data::Float(x) if x > 0.0),
        "{:?}",
        item("柯城区", "1.1")
    );
    assert_eq!(
        item("龙游县", "1.2")[at("不计分原因")].to_string(),
        "弄虚作假"
    );
    assert_eq!(item("龙游县", "1.2")[at("得分")], Data::Float(0.0));
}
