//! County sheets in the layouts counties send them, made by other programs (openpyxl,
//! XlsxWriter, LibreOffice, Python's csv module and encoders: tests/fixtures/layouts/make.py),
//! imported through the real binary, each checked by what the import STORES.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use std::path::PathBuf;

mod common;
use common::Env;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/layouts")
        .join(name)
}

/// A new database with nothing submitted, `name` imported into it: the result line.
fn imported(env: &Env, name: &str) -> String {
    env.ok(&["init"]);
    env.ok(&["import", fixture(name).to_str().unwrap()])
}

/// Every stored submission: (county code, indicator) → its exported record.
fn stored(env: &Env) -> Vec<Value> {
    env.json(&["export"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["value"].is_null())
        .cloned()
        .collect()
}

fn item<'a>(items: &'a [Value], county: &str, indicator: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["county_code"] == county && i["indicator"] == indicator)
        .unwrap_or_else(|| panic!("no {county} × {indicator} stored"))
}

/// (value, value_number, as_written) of one stored item.
fn figure(items: &[Value], county: &str, indicator: &str) -> (Value, Value, Value) {
    let i = item(items, county, indicator);
    (
        i["value"].clone(),
        i["value_number"].clone(),
        i["as_written"].clone(),
    )
}

#[test]
fn a_long_sheet_with_a_title_units_a_total_and_a_footer_keeps_each_figure_in_its_indicators_unit() {
    let env = Env::new();
    let out = imported(&env, "long_title_units_footer.xlsx");
    assert!(out.starts_with("imported 6 submissions from "), "{out}");
    assert!(
        out.contains("; passed over 4 footer rows (填报人, 审核人, 备注 …) and 1 total row (合计, 小计 …); 5 flagged"),
        "{out}"
    );
    let items = stored(&env);
    assert_eq!(items.len(), 6);
    // The unit the indicator asks for: kept as written.
    assert_eq!(
        figure(&items, "330802", "1.2"),
        (json!("75"), json!(75.0), json!(null))
    );
    assert_eq!(item(&items, "330802", "1.2")["evidence"], "台账.xlsx");
    // ‰ for a %, 万元 for 元, 亩 for 平方米 where exact: converted, what was written kept.
    assert_eq!(
        figure(&items, "330802", "1.9"),
        (json!("1.5%"), json!(1.5), json!("15‰"))
    );
    assert_eq!(item(&items, "330802", "1.9")["remark"], "按户籍人口");
    assert_eq!(
        figure(&items, "330802", "2.11"),
        (json!("15元"), json!(15.0), json!("0.0015万元"))
    );
    assert_eq!(
        figure(&items, "330802", "3.6"),
        (json!("300平方米"), json!(300.0), json!("0.45亩"))
    );
    assert_eq!(item(&items, "330802", "3.6")["suggested"], "met");
    assert_eq!(
        item(&items, "330802", "1.9")["flags"],
        json!(["报送值原为 15‰，已换算为 1.5%"])
    );
    // 1亩 is 666.66…平方米, and a 个 is no 家: kept with their units, no number, flagged.
    assert_eq!(
        figure(&items, "330803", "3.6"),
        (json!("1亩"), json!(null), json!(null))
    );
    assert_eq!(
        item(&items, "330803", "3.6")["flags"],
        json!(["报送值 1亩 约合 666.67平方米，不能精确换算，按原文保留；请按平方米填报"])
    );
    assert_eq!(item(&items, "330803", "3.6")["suggested"], Value::Null);
    assert_eq!(
        figure(&items, "330803", "3.12"),
        (json!("3个"), json!(null), json!(null))
    );
}

#[test]
fn a_two_row_header_reads_its_second_row_under_its_first() {
    let env = Env::new();
    let out = imported(&env, "two_row_header.xlsx");
    assert!(out.starts_with("imported 2 submissions"), "{out}");
    let items = stored(&env);
    let kecheng = item(&items, "330802", "1.2");
    assert_eq!(kecheng["numerator"], 24.0);
    assert_eq!(kecheng["denominator"], 35.0);
    assert!((kecheng["value_number"].as_f64().unwrap() - 68.571_428).abs() < 1e-5);
    assert_eq!(kecheng["self_verdict"], "met");
    assert_eq!(kecheng["self_score"], 9.0);
    assert_eq!(kecheng["evidence"], "台账.xlsx");
    let qujiang = item(&items, "330803", "1.6");
    assert_eq!(qujiang["self_verdict"], "partly_met");
    assert_eq!(qujiang["self_score"], 7.5);
    assert_eq!(qujiang["value_number"], 37.5);

    // The same saved by LibreOffice as Excel 97-2003 (.xls), its merges kept: stored alike.
    let xls = Env::new();
    let out = imported(&xls, "two_row_header_lo.xls");
    assert!(out.starts_with("imported 2 submissions"), "{out}");
    assert_eq!(stored(&xls), items);

    // The same in a CSV, the merge an empty cell.
    let env = Env::new();
    imported(&env, "two_row_header.csv");
    let items = stored(&env);
    let changshan = item(&items, "330822", "1.7");
    assert_eq!(
        (
            changshan["numerator"].clone(),
            changshan["denominator"].clone()
        ),
        (json!(21.0), json!(30.0))
    );
    assert_eq!(changshan["value_number"], 70.0);
    assert_eq!(changshan["evidence"], "登记证.pdf");
}

#[test]
fn a_column_per_county_is_read_a_county_at_a_time_as_written_by_xlsxwriter_and_libreoffice() {
    let mut exports = Vec::new();
    // As XlsxWriter wrote it, and as LibreOffice saved it again as .xlsx and as .ods.
    for name in [
        "column_per_county.xlsx",
        "column_per_county_lo.xlsx",
        "column_per_county_lo.ods",
    ] {
        let env = Env::new();
        let out = imported(&env, name);
        assert!(
            out.contains("(a column per county); passed over 1 footer row (填报人, 审核人, 备注 …), 1 total row (合计, 小计 …) and 1 total column (合计, 全市 …)"),
            "{name}: {out}"
        );
        let items = stored(&env);
        // Four indicators × six counties, less 常山县's empty 2.11.
        assert_eq!(items.len(), 23, "{name}");
        assert_eq!(item(&items, "330822", "1.1")["value"], "否");
        assert_eq!(
            figure(&items, "330803", "1.2"),
            (json!("68"), json!(68.0), json!(null))
        );
        assert_eq!(item(&items, "330822", "1.2")["value"], "71.5");
        // 0.7 for a percentage: a cell XlsxWriter wrote without a format says nothing of how
        // it shows it, and keeps the bare-fraction flag; LibreOffice gives every cell its
        // format, and a plain number is as shown (see tests/import_workbooks.rs).
        assert_eq!(
            figure(&items, "330824", "1.2"),
            (json!("0.7"), json!(0.7), json!(null))
        );
        let bare = name == "column_per_county.xlsx";
        assert_eq!(
            item(&items, "330824", "1.2")["bare_fraction"],
            bare,
            "{name}"
        );
        assert_eq!(
            figure(&items, "330881", "1.9"),
            (json!("1.25%"), json!(1.25), json!("12.5‰"))
        );
        assert_eq!(item(&items, "330881", "1.9")["suggested"], "not_met");
        assert_eq!(
            figure(&items, "330802", "2.11"),
            (json!("13.5"), json!(13.5), json!(null))
        );
        // Each figure is the cell under its county: none is another's.
        let row: Vec<&Value> = ["330802", "330803", "330822", "330824", "330825", "330881"]
            .iter()
            .map(|c| &item(&items, c, "1.9")["as_written"])
            .collect();
        assert_eq!(
            row,
            [
                &json!("15‰"),
                &json!("20‰"),
                &json!("18‰"),
                &json!("17‰"),
                &json!("16‰"),
                &json!("12.5‰")
            ]
        );
        // The rest of the two stores alike.
        exports.push(
            items
                .into_iter()
                .filter(|i| !(i["county_code"] == "330824" && i["indicator"] == "1.2"))
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(
        exports[0], exports[1],
        "LibreOffice's .xlsx stores the same"
    );
    assert_eq!(exports[0], exports[2], "LibreOffice's .ods stores the same");
}

#[test]
fn counties_under_a_merged_title_and_by_their_codes_head_columns() {
    let env = Env::new();
    let out = imported(&env, "column_per_county_titled.xlsx");
    assert!(out.starts_with("imported 9 submissions"), "{out}");
    let items = stored(&env);
    // 330802 and 330803 are number cells heading their columns.
    assert_eq!(item(&items, "330802", "1.3")["value"], "55%");
    assert_eq!(item(&items, "330803", "1.3")["value"], "48%");
    assert_eq!(item(&items, "330881", "1.3")["value"], "52%");
    assert_eq!(item(&items, "330802", "3.6")["value_number"], 320.0);
    assert_eq!(
        figure(&items, "330803", "3.6"),
        (json!("500平方米"), json!(500.0), json!("0.05公顷"))
    );
    // ㎡ is 平方米: nothing to convert.
    assert_eq!(
        figure(&items, "330822", "3.6"),
        (json!("300㎡"), json!(300.0), json!(null))
    );
}

#[test]
fn each_county_merged_over_its_figure_and_evidence_gives_both() {
    let env = Env::new();
    let out = imported(&env, "column_per_county_parts.xlsx");
    assert!(out.starts_with("imported 3 submissions"), "{out}");
    let items = stored(&env);
    assert_eq!(item(&items, "330802", "1.2")["evidence"], "柯城台账.pdf");
    assert_eq!(item(&items, "330803", "1.2")["evidence"], "衢江台账.pdf");
    assert_eq!(item(&items, "330803", "1.2")["value"], "69%");
    assert_eq!(item(&items, "330802", "1.4")["value"], "是");
    assert_eq!(item(&items, "330802", "1.4")["evidence"], "系统截图.png");
}

#[test]
fn a_column_per_indicator_by_id_or_name_in_a_workbook_and_a_tab_separated_file() {
    let env = Env::new();
    let out = imported(&env, "column_per_indicator.xlsx");
    assert!(
        out.starts_with("imported 5 submissions")
            && out.contains("(a column per indicator); passed over 1 total row"),
        "{out}"
    );
    let items = stored(&env);
    assert_eq!(item(&items, "330802", "1.2")["value"], "75%");
    // The unit in the header, "1.9 …（‰）", is the column's.
    assert_eq!(
        figure(&items, "330802", "1.9"),
        (json!("1.5%"), json!(1.5), json!("15‰"))
    );
    // A code typed full-width is the county's.
    assert_eq!(
        figure(&items, "330825", "1.9"),
        (json!("1.2%"), json!(1.2), json!("12‰"))
    );
    assert_eq!(item(&items, "330825", "1.2")["value_number"], 80.0);
    // An indicator heading its column by its short name.
    assert_eq!(item(&items, "330802", "1.3")["bare_fraction"], true);

    let env = Env::new();
    let out = imported(&env, "column_per_indicator_tab.txt");
    assert!(out.starts_with("imported 3 submissions"), "{out}");
    let items = stored(&env);
    assert_eq!(item(&items, "330803", "1.2")["value"], "71%");
    assert_eq!(item(&items, "330803", "1.6")["value"], "38%");
    // The row's remark is each of its submissions', its comma no delimiter.
    assert_eq!(item(&items, "330803", "1.2")["remark"], "1,200户已入住");
    assert_eq!(item(&items, "330803", "1.6")["remark"], "1,200户已入住");
    assert_eq!(item(&items, "330824", "1.2")["value"], "69.5%");
    assert_eq!(items.len(), 3);

    // The same as Excel's "Unicode text": UTF-16, tab-separated; stored alike.
    let utf16 = Env::new();
    let out = imported(&utf16, "column_per_indicator_utf16.txt");
    assert!(
        out.contains("(read as UTF-16LE) (a column per indicator)"),
        "{out}"
    );
    assert_eq!(stored(&utf16), items);
}

#[test]
fn gb18030_semicolons_title_rows_and_full_width_ids() {
    let env = Env::new();
    let out = imported(&env, "long_gb18030.csv");
    assert!(
        out.starts_with("imported 2 submissions from ") && out.contains("(read as GB18030); passed over 1 footer row (填报人, 审核人, 备注 …) and 1 total row"),
        "{out}"
    );
    let items = stored(&env);
    // ３３０８０３ and １．２ are 330803 and 1.2; １．１０ is 1.10, not 1.1.
    assert_eq!(item(&items, "330803", "1.2")["value"], "７２％");
    assert_eq!(item(&items, "330803", "1.2")["value_number"], 72.0);
    assert_eq!(item(&items, "330803", "1.2")["remark"], "含新建小区，共3个");
    assert_eq!(item(&items, "330802", "1.10")["value"], "是");
    assert_eq!(items.len(), 2);

    let env = Env::new();
    let out = imported(&env, "long_semicolon.csv");
    assert!(out.starts_with("imported 3 submissions"), "{out}");
    let items = stored(&env);
    assert_eq!(
        figure(&items, "330802", "1.9"),
        (json!("1.5%"), json!(1.5), json!("15‰"))
    );
    assert_eq!(
        item(&items, "330802", "1.9")["remark"],
        "按户籍人口,不含外来"
    );
    assert_eq!(
        figure(&items, "330825", "2.12"),
        (json!("3.5"), json!(3.5), json!(null))
    );
    assert_eq!(
        figure(&items, "330881", "2.11"),
        (json!("13000元"), json!(13000.0), json!("13千元"))
    );
}

#[test]
fn refusals_say_what_layout_they_saw_and_what_to_change_and_write_nothing() {
    let env = Env::new();
    let refused = |name: &str| env.import_refused(&fixture(name), &[]);
    let e = refused("refused_unit_contradicts.csv");
    assert!(
        e.ends_with("refused_unit_contradicts.csv:2: the figure \"15‰\" is in ‰ but its unit column says %; correct one of them (county 柯城区, indicator 1.9)"),
        "{e}"
    );
    let e = refused("refused_counties_and_indicators.csv");
    assert!(
        e.contains("refused_counties_and_indicators.csv:1: the header names both a county (column 2 \"柯城区\") and an indicator (column 3 \"1.2\") as columns; kaohe reads a row per county × indicator"),
        "{e}"
    );
    assert!(e.ends_with("keep one kind of column heading"), "{e}");
    let e = refused("refused_row_below_footer.csv");
    assert!(
        e.ends_with("refused_row_below_footer.csv:4: this row gives figures below the table's footer (which begins on line 3); move the row above the footer, or delete the footer"),
        "{e}"
    );
    let e = refused("refused_figure_of_no_county.csv");
    assert!(
        e.ends_with("refused_figure_of_no_county.csv:1: column 2 \"完成值\" gives the value of no one county: the header has a column per county (each county heading its own column); put it under a county, or delete the column"),
        "{e}"
    );
    // A wide header with an unknown column names the layouts.
    let file = env.write("wide.csv", "指标编号,柯城区,柯城\n1.2,75%,70%\n");
    let e = env.import_refused(&file, &[]);
    assert!(
        e.contains("wide.csv:1: unknown column \"柯城\" (column 3)"),
        "{e}"
    );
    assert!(
        e.contains("a county (柯城区 …) or an indicator (1.2 …) heading a column"),
        "{e}"
    );
    // No header at all: the three layouts, and what to give.
    let file = env.write("bare.csv", "柯城区,1.2,75%\n");
    let e = env.import_refused(&file, &[]);
    assert!(
        e.ends_with("bare.csv: no header row found: kaohe reads a row per county × indicator (a header such as 县(市、区), 指标编号, 完成值), a column per county (指标编号, then 柯城区, 衢江区 … each heading a column) or a column per indicator (县(市、区), then 1.1, 1.2 … each heading a column); give the table a header row of one of these"),
        "{e}"
    );
    // A note under the table that is neither a footer nor a row.
    let file = env.write(
        "note.csv",
        "县(市、区),指标编号,完成值\n柯城区,1.2,75%\n本表由各县民政局填报,,\n",
    );
    let e = env.import_refused(&file, &[]);
    assert!(
        e.contains("note.csv:3: the row holds only \"本表由各县民政局填报\", which is no county or indicator; a note under the table begins 备注： or 说明："),
        "{e}"
    );
}

#[test]
fn an_unknown_county_or_indicator_lists_those_the_database_knows() {
    let env = Env::new();
    env.ok(&["init"]);
    let file = env.write("a.csv", "县(市、区),指标编号,完成值\n柯城,1.2,75%\n");
    let e = env.import_refused(&file, &[]);
    assert!(
        e.ends_with("a.csv:2: unknown county \"柯城\" (column county); the database knows 330802 柯城区, 330803 衢江区, 330825 龙游县, 330881 江山市, 330822 常山县, 330824 开化县"),
        "{e}"
    );
    let file = env.write("b.csv", "县(市、区),指标编号,完成值\n柯城区,1.99,75%\n");
    let e = env.import_refused(&file, &[]);
    assert!(
        e.contains("b.csv:2: unknown indicator \"1.99\" (column indicator, county 柯城区); the database knows 1.1–1."),
        "{e}"
    );
    assert!(
        e.contains(", 12.1–12.") && e.ends_with("(`kaohe targets` lists them)"),
        "{e}"
    );
}

#[test]
fn codes_and_ids_typed_full_width_mark_the_item_they_name() {
    let env = Env::new();
    env.ok(&["init"]);
    let out = env.ok(&["mark", "３３０８０２", "１．２", "met"]);
    assert!(out.starts_with("330802 柯城区 1.2:"), "{out}");
    let export = env.json(&["export"]);
    let marked = export
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county_code"] == "330802" && i["indicator"] == "1.2")
        .unwrap();
    assert_eq!(marked["verdict"], "met");
}

#[test]
fn what_a_figure_was_written_as_survives_every_export_and_its_import() {
    let env = Env::new();
    imported(&env, "long_title_units_footer.xlsx");
    let before = stored(&env);
    for format in ["csv", "json", "xlsx"] {
        let out = env.path(&format!("out.{format}"));
        env.ok(&["export", "--format", format, "--out", out.to_str().unwrap()]);
        let again = Env::new();
        again.ok(&["init"]);
        again.ok(&["import", out.to_str().unwrap()]);
        let after = stored(&again);
        for (a, b) in before.iter().zip(&after) {
            for key in ["value", "value_number", "as_written", "flags", "suggested"] {
                assert_eq!(a[key], b[key], "{format}: {key} of {a}");
            }
        }
        assert_eq!(before.len(), after.len(), "{format}");
    }
    // An export whose figure was edited away from what it was written as is refused.
    let edited = env.write(
        "edited.csv",
        "county,indicator,value,as_written\n柯城区,1.9,2%,15‰\n",
    );
    let e = env.import_refused(&edited, &[]);
    assert!(
        e.ends_with("edited.csv:2: value \"2%\" is not as_written \"15‰\" in the indicator's unit (1.5%) (county 柯城区, indicator 1.9); correct one of them, or leave value empty"),
        "{e}"
    );
}
