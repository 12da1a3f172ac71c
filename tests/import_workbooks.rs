//! `kaohe import` of workbooks as counties make them, with other programs than kaohe: the
//! files of tests/fixtures/workbooks (made by make.py there, with openpyxl, xlwt, odfpy and
//! LibreOffice, and an .xlsb from its documented records), each imported through the real
//! binary into a database of its own and checked by what the database then holds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use serde_json::Value;
use std::path::PathBuf;

mod common;
use common::Env;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/workbooks")
        .join(name)
}

/// The item of `county` (its code) × `indicator` in `kaohe export`'s JSON.
fn item<'a>(export: &'a Value, county: &str, indicator: &str) -> &'a Value {
    export
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county_code"] == county && i["indicator"] == indicator)
        .unwrap_or_else(|| panic!("no item {county} {indicator}"))
}

/// What the database holds of an item: the figure as written, as a number, and its flags.
fn stored(export: &Value, county: &str, indicator: &str) -> (String, Option<f64>, usize) {
    let i = item(export, county, indicator);
    (
        i["value"].as_str().unwrap().to_string(),
        i["value_number"].as_f64(),
        i["flags"].as_array().map_or(0, Vec::len),
    )
}

fn held(value: &str, number: f64) -> (String, Option<f64>, usize) {
    (value.to_string(), Some(number), 0)
}

/// Imports fixture `name` into a new database; what the import said, and the export after.
fn import(name: &str, extra: &[&str]) -> (Env, String, Value) {
    let env = Env::new();
    let file = fixture(name);
    let mut args = vec!["import", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = env.ok(&args);
    let export = env.json(&["export"]);
    (env, out, export)
}

#[test]
fn the_active_sheet_is_read_never_the_hidden_one_and_percent_cells_are_percentages() {
    // Last year's sheet hidden in front, this year's active, a sheet of instructions shown:
    // as openpyxl writes it, and as LibreOffice saves it as .xlsx, .ods and .xls.
    for name in [
        "hidden-sheet.xlsx",
        "hidden-sheet-libreoffice.xlsx",
        "hidden-sheet.ods",
        "hidden-sheet.xls",
    ] {
        let (_env, out, export) = import(name, &[]);
        assert!(
            out.starts_with("imported 7 submissions from ") && out.contains("(sheet 2014年)"),
            "{name}: {out}"
        );
        assert!(!out.contains("flagged"), "{name}: {out}");
        // 102% is kept as 1.02 under a percent format: a percentage above 100, met.
        assert_eq!(
            stored(&export, "330802", "2.14"),
            held("102%", 102.0),
            "{name}"
        );
        assert_eq!(
            item(&export, "330802", "2.14")["suggested"],
            "met",
            "{name}"
        );
        // Not last year's sheet, hidden in front of it.
        assert_eq!(
            item(&export, "330802", "2.14")["evidence"],
            "联网审批台账.xlsx",
            "{name}"
        );
        // A decimal of a percent, and a small percent no longer taken for a bare fraction.
        assert_eq!(
            stored(&export, "330802", "1.2"),
            held("68.5%", 68.5),
            "{name}"
        );
        assert_eq!(
            item(&export, "330802", "1.2")["remark"],
            "城市社区",
            "{name}"
        );
        assert_eq!(
            stored(&export, "330802", "1.9"),
            held("2.1%", 2.1),
            "{name}"
        );
        assert_eq!(item(&export, "330802", "1.9")["suggested"], "met", "{name}");
        assert_eq!(
            stored(&export, "330802", "2.11"),
            held("13.5", 13.5),
            "{name}"
        );
        let yes = item(&export, "330802", "1.1");
        assert_eq!(
            (&yes["value"], &yes["evidence"]),
            (&"是".into(), &"文件.pdf".into())
        );
        assert_eq!(
            stored(&export, "330803", "2.14"),
            held("100%", 100.0),
            "{name}"
        );
        let parts = item(&export, "330803", "1.2");
        assert_eq!(
            stored(&export, "330803", "1.2"),
            held("70%", 70.0),
            "{name}"
        );
        assert_eq!(
            (parts["numerator"].as_f64(), parts["denominator"].as_f64()),
            (Some(35.0), Some(50.0))
        );
    }
}

#[test]
fn a_hidden_sheet_is_read_when_named() {
    let (_env, out, export) = import("hidden-sheet.xlsx", &["--sheet", "2013年"]);
    assert!(out.starts_with("imported 2 submissions from "), "{out}");
    assert!(out.contains("(sheet 2013年)"), "{out}");
    assert_eq!(stored(&export, "330802", "2.14"), held("95%", 95.0));
    assert_eq!(item(&export, "330802", "2.14")["evidence"], "去年.pdf");
    // A name that is none lists the sheets, the hidden said to be.
    let env = Env::new();
    let e = env.import_refused(&fixture("hidden-sheet.xlsx"), &["--sheet", "2015年"]);
    assert!(
        e.ends_with(
            "hidden-sheet.xlsx: no sheet \"2015年\"; the workbook's sheets are: 2013年 (hidden), 2014年, 填表说明"
        ),
        "{e}"
    );
}

#[test]
fn excel_97_2003_and_opendocument_files_of_other_programs_keep_their_formats() {
    // xlwt: 0%, 0.0%, 0.00% and a unit its format writes after the number (0.0"元").
    let (_env, out, export) = import("xlwt.xls", &[]);
    assert!(
        out.starts_with("imported 6 submissions from ") && out.contains("(sheet 报送表)"),
        "{out}"
    );
    assert_eq!(stored(&export, "330802", "2.14"), held("102%", 102.0));
    assert_eq!(stored(&export, "330802", "1.2"), held("68.5%", 68.5));
    assert_eq!(stored(&export, "330803", "1.9"), held("2.1%", 2.1));
    assert_eq!(stored(&export, "330803", "2.11"), held("15元", 15.0));
    assert_eq!(stored(&export, "330825", "2.11"), held("13.5", 13.5));
    assert_eq!(item(&export, "330825", "1.1")["value"], "是");
    // odfpy: a cell says it is a percentage, a currency, a boolean.
    let (_env, out, export) = import("odfpy.ods", &[]);
    assert!(out.starts_with("imported 4 submissions from "), "{out}");
    assert_eq!(stored(&export, "330802", "2.14"), held("102%", 102.0));
    assert_eq!(stored(&export, "330802", "1.2"), held("68.5%", 68.5));
    assert_eq!(stored(&export, "330803", "2.11"), held("13.5", 13.5));
    assert_eq!(item(&export, "330803", "1.1")["value"], "是");
}

#[test]
fn an_xlsb_is_read_with_its_styles_and_its_active_sheet() {
    // The file is written from Microsoft's record format (make.py); calamine reads it too.
    use calamine::{Data, Reader, SheetVisible, Xlsb, open_workbook};
    let mut book: Xlsb<_> = open_workbook(fixture("hidden-sheet.xlsb")).unwrap();
    let visible: Vec<bool> = book
        .sheets_metadata()
        .iter()
        .map(|s| s.visible == SheetVisible::Visible)
        .collect();
    assert_eq!(visible, [false, true]);
    let sheet = book.worksheet_range("2014年").unwrap();
    assert_eq!(sheet.get_value((1, 2)), Some(&Data::Float(1.02)));

    let (_env, out, export) = import("hidden-sheet.xlsb", &[]);
    assert!(
        out.starts_with("imported 4 submissions from ") && out.contains("(sheet 2014年)"),
        "{out}"
    );
    assert_eq!(stored(&export, "330802", "2.14"), held("102%", 102.0));
    assert_eq!(stored(&export, "330802", "1.2"), held("68.5%", 68.5));
    assert_eq!(stored(&export, "330803", "2.11"), held("13", 13.0));
    assert_eq!(item(&export, "330803", "1.1")["value"], "是");
}

#[test]
fn a_sheet_per_county_is_read_whole_each_sheets_county_known() {
    for name in ["per-county.xlsx", "per-county.ods", "per-county.xls"] {
        let (_env, out, export) = import(name, &[]);
        assert!(
            out.starts_with("imported 10 submissions from ")
                && out.contains("(sheets 柯城区, 330803, 龙游, Sheet4, 第五张)"),
            "{name}: {out}"
        );
        // By its name, its code, its short name, its title row, its county column.
        for (county, figure) in [
            ("330802", 100.0),
            ("330803", 96.0),
            ("330825", 97.0),
            ("330881", 98.0),
            ("330822", 99.0),
        ] {
            assert_eq!(
                stored(&export, county, "2.14"),
                held(&format!("{figure}%"), figure),
                "{name} {county}"
            );
            assert_eq!(
                item(&export, county, "1.1")["value"],
                "是",
                "{name} {county}"
            );
        }
        // 开化县's sheet is hidden: not read.
        assert_eq!(
            item(&export, "330824", "2.14")["value"],
            Value::Null,
            "{name}"
        );
    }
}

#[test]
fn several_tables_that_are_not_one_per_county_are_refused_naming_them() {
    let env = Env::new();
    let file = fixture("two-tables.xlsx");
    let e = env.import_refused(&file, &[]);
    assert!(
        e.ends_with(
            "two-tables.xlsx: the workbook shows 2 sheets of submissions (2014年, 2013年) and they are not a sheet per county (sheet 2014年 is not one county's); read one at a time with --sheet NAME, such as --sheet 2014年"
        ),
        "{e}"
    );
    let out = env.ok(&["import", file.to_str().unwrap(), "--sheet", "2014年"]);
    assert!(out.starts_with("imported 2 submissions from "), "{out}");
    let export = env.json(&["export"]);
    assert_eq!(stored(&export, "330803", "1.2"), held("80%", 80.0));
}

#[test]
fn a_formula_never_computed_is_refused_at_its_cell() {
    for (name, expected) in [
        (
            "formula.xlsx",
            "formula.xlsx: sheet 报送表, cell C3: the cell holds the formula =D3/E3 with no computed value (column value); open the file in Excel or WPS and save it, so that its values are computed",
        ),
        (
            "formula.ods",
            "formula.ods: sheet 报送表, cell C3: the cell holds the formula =[.D3]/[.E3] with no computed value (column value); open the file in Excel or WPS and save it, so that its values are computed",
        ),
        (
            "xlwt-formula.xls",
            "xlwt-formula.xls: sheet 报送表, cell C2: the cell holds a formula with no computed value (column value); open the file in Excel or WPS and save it, so that its values are computed",
        ),
    ] {
        let env = Env::new();
        let e = env.import_refused(&fixture(name), &[]);
        assert!(e.ends_with(expected), "{e}");
    }
}

#[test]
fn a_date_where_a_figure_belongs_is_refused_at_its_cell() {
    let env = Env::new();
    let e = env.import_refused(&fixture("date-figure.xlsx"), &[]);
    assert!(
        e.ends_with(
            "date-figure.xlsx: sheet 报送表, cell C3: the cell is the date 2014-05-01, not a figure (column value, county 柯城区, indicator 2.14); if it is a figure, format the cell as a number (常规 or 数值) and type it again"
        ),
        "{e}"
    );
}

#[test]
fn only_a_workbook_that_says_nothing_of_its_formats_has_its_bare_fractions_guessed_at() {
    let (_env, out, export) = import("no-styles.xlsx", &[]);
    assert!(out.contains("1 flagged"), "{out}");
    let fraction = item(&export, "330803", "1.2");
    assert_eq!(fraction["value"], "0.75");
    assert_eq!(fraction["suggested"], Value::Null);
    assert_eq!(
        fraction["flags"],
        serde_json::json!(["报送值 0.75 是表格中的小数，若指 75% 请改写为百分数"])
    );
    // A whole number is no fraction.
    assert_eq!(stored(&export, "330803", "2.11"), held("13", 13.0));
}

#[test]
fn a_countys_own_sheet_needs_no_county_column() {
    use rust_xlsxwriter::{Format, Workbook};
    let env = Env::new();
    // Named for the county: the commonest file a county sends.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("柯城区").unwrap();
    for (c, h) in ["指标编号", "完成值"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "2.14").unwrap();
    sheet
        .write_number_with_format(1, 1, 1.05, &Format::new().set_num_format("0%"))
        .unwrap();
    let file = env.write("柯城.xlsx", book.save_to_buffer().unwrap());
    let out = env.ok(&["import", file.to_str().unwrap()]);
    assert!(
        out.starts_with("imported 1 submission from ") && out.contains("(sheet 柯城区)"),
        "{out}"
    );
    assert_eq!(
        stored(&env.json(&["export"]), "330802", "2.14"),
        held("105%", 105.0)
    );

    // Titled for another county than its name says: which is it?
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("柯城区").unwrap();
    sheet
        .write_string(0, 0, "衢江区2014年度考核报送表")
        .unwrap();
    sheet.write_string(1, 0, "指标编号").unwrap();
    sheet.write_string(1, 1, "完成值").unwrap();
    sheet.write_string(2, 0, "2.14").unwrap();
    sheet.write_string(2, 1, "100%").unwrap();
    let file = env.write("两县.xlsx", book.save_to_buffer().unwrap());
    let e = env.import_refused(&file, &[]);
    assert!(
        e.ends_with("两县.xlsx: sheet 柯城区, row 1: the sheet's name says 柯城区 and its title says 衢江区; correct the one that is wrong"),
        "{e}"
    );

    // Neither a county column nor a county named: the message says how to name one.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "指标编号").unwrap();
    sheet.write_string(0, 1, "完成值").unwrap();
    sheet.write_string(1, 0, "2.14").unwrap();
    sheet.write_string(1, 1, "100%").unwrap();
    let file = env.write("无县.xlsx", book.save_to_buffer().unwrap());
    let e = env.import_refused(&file, &[]);
    assert!(
        e.contains("无县.xlsx: sheet Sheet1, row 1: missing column \"county\" (the header has: 指标编号,完成值); kaohe reads a row per county × indicator")
            && e.ends_with("; or, for a sheet of one county, name the county in the sheet's name or a title row above the header"),
        "{e}"
    );
}

#[test]
fn excels_unicode_text_is_read() {
    // "Unicode text" as Excel saves it: UTF-16, little-endian, with its byte-order mark.
    let env = Env::new();
    let text = "county,indicator,value\r\n柯城区,2.14,102%\r\n衢江区,1.1,是\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let file = env.write("unicode.txt", bytes);
    let out = env.ok(&["import", file.to_str().unwrap()]);
    assert!(
        out.starts_with("imported 2 submissions from ") && out.contains("(read as UTF-16LE)"),
        "{out}"
    );
    let export = env.json(&["export"]);
    assert_eq!(stored(&export, "330802", "2.14"), held("102%", 102.0));
    assert_eq!(item(&export, "330803", "1.1")["value"], "是");
}

#[test]
fn a_damaged_or_foreign_compound_file_is_refused_in_one_line() {
    let env = Env::new();
    // The magic of a compound file, and nothing of one after it.
    let mut bytes = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
    bytes.extend_from_slice(&[0u8; 600]);
    let file = env.write("坏.xls", &bytes);
    let e = env.import_refused(&file, &[]);
    assert!(e.contains("坏.xls: cannot read the workbook (is it a damaged or non-Excel file?): its compound file is damaged"), "{e}");
    // A workbook cut in half.
    let whole = std::fs::read(fixture("xlwt.xls")).unwrap();
    let file = env.write("半.xls", &whole[..whole.len() / 2]);
    let e = env.import_refused(&file, &[]);
    assert!(e.contains("半.xls: cannot read the workbook"), "{e}");
}

// --- Property tests: whatever a valid workbook holds, it is read or refused with a place.

fn lookup() -> kaohe::lookup::Lookup {
    kaohe::lookup::Lookup::from_parts(
        &kaohe::catalog::Catalog::embedded_2014().unwrap(),
        &kaohe::catalog::embedded_counties().unwrap(),
    )
}

/// A cell of a generated sheet: what it holds and the number format it is shown with.
#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    Number(f64, &'static str),
    Bool(bool),
    Formula(&'static str, Option<&'static str>),
    Empty,
}

fn any_cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        "\\PC{0,10}".prop_map(Cell::Text),
        prop_oneof![
            Just("柯城区"),
            Just("330803"),
            Just("2.14"),
            Just("1.2"),
            Just("县(市、区)"),
            Just("指标编号"),
            Just("完成值"),
            Just("分子"),
            Just("分母"),
            Just("备注"),
            Just("合计"),
            Just("75%"),
        ]
        .prop_map(|s| Cell::Text(s.to_string())),
        (
            prop_oneof![any::<f64>(), -2.0..2.0f64, 0.0..50_000.0f64],
            prop_oneof![
                Just("General"),
                Just("0%"),
                Just("0.00%"),
                Just("yyyy-mm-dd"),
                Just("h:mm"),
                Just("0\"人\""),
                Just("0.0‰"),
                Just("@"),
                Just("#,##0.00;[Red]-#,##0.00"),
            ]
        )
            .prop_map(|(x, f)| Cell::Number(x, f)),
        any::<bool>().prop_map(Cell::Bool),
        (
            prop_oneof![Just("=1/0"), Just("=A1"), Just("=SUM(B1:B3)")],
            prop_oneof![
                Just(None),
                Just(Some("")),
                Just(Some("0.75")),
                Just(Some("#DIV/0!"))
            ]
        )
            .prop_map(|(f, r)| Cell::Formula(f, r)),
        Just(Cell::Empty),
    ]
}

/// A sheet: its cells by row, its merged ranges, whether it is hidden.
type Sheet = (Vec<Vec<Cell>>, Vec<(u32, u16, u32, u16)>, bool);

fn any_sheet() -> impl Strategy<Value = Sheet> {
    (
        proptest::collection::vec(proptest::collection::vec(any_cell(), 0..6), 0..7),
        proptest::collection::vec((0u32..8, 0u16..6, 0u32..4, 0u16..3), 0..3),
        any::<bool>(),
    )
        .prop_map(|(cells, merges, hidden)| {
            let merges = merges
                .into_iter()
                .map(|(r, c, h, w)| (r, c, r + h, c + w))
                .collect();
            (cells, merges, hidden)
        })
}

/// A workbook of `sheets`, written by rust_xlsxwriter, the sheet `active` shown.
fn workbook(sheets: &[Sheet], names: &[String], active: usize) -> Option<Vec<u8>> {
    use rust_xlsxwriter::{Format, Formula, Workbook};
    let mut book = Workbook::new();
    for (i, (cells, merges, hidden)) in sheets.iter().enumerate() {
        let sheet = book.add_worksheet();
        sheet.set_name(&names[i]).ok()?;
        for (r, row) in cells.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Cell::Text(t) => drop(sheet.write_string(r, c, t)),
                    Cell::Number(x, _) if !x.is_finite() => {}
                    Cell::Number(x, f) => drop(sheet.write_number_with_format(
                        r,
                        c,
                        *x,
                        &Format::new().set_num_format(*f),
                    )),
                    Cell::Bool(b) => drop(sheet.write_boolean(r, c, *b)),
                    Cell::Formula(f, result) => {
                        let formula = match result {
                            Some(v) => Formula::new(*f).set_result(*v),
                            None => Formula::new(*f),
                        };
                        drop(sheet.write_formula(r, c, formula));
                    }
                    Cell::Empty => {}
                }
            }
        }
        // Merged over what was written, as a county merges a column of its name.
        let mut taken: Vec<(u32, u16, u32, u16)> = Vec::new();
        for &(r1, c1, r2, c2) in merges {
            let overlaps = taken
                .iter()
                .any(|&(a1, b1, a2, b2)| r1 <= a2 && a1 <= r2 && c1 <= b2 && b1 <= c2);
            if (r1, c1) != (r2, c2)
                && !overlaps
                && sheet
                    .merge_range(r1, c1, r2, c2, "柯城区", &Format::new())
                    .is_ok()
            {
                taken.push((r1, c1, r2, c2));
            }
        }
        if i == active {
            sheet.set_active(true);
        } else if *hidden {
            sheet.set_hidden(true);
        }
    }
    book.save_to_buffer().ok()
}

/// Whether a refusal names the file, and where in it when it is about a sheet.
fn placed(e: &str) -> bool {
    e.starts_with("x.xlsx: ")
        && !e.contains("structure is broken")
        && (!e.contains("cannot read the sheet") || e.contains("sheet "))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        rng_seed: proptest::test_runner::RngSeed::Fixed(2014),
        ..ProptestConfig::default()
    })]

    /// Any cells, number formats, merges and hidden sheets of a valid workbook are read or
    /// refused with a place, never a panic (nor the catch of one).
    #[test]
    fn any_cells_formats_and_merges_are_read_or_refused_with_a_place(
        sheets in proptest::collection::vec(any_sheet(), 1..4),
        names in proptest::collection::vec(prop_oneof![
            Just("报送表".to_string()), Just("柯城区".to_string()), Just("330803".to_string()),
            Just("龙游".to_string()), "[a-z]{1,8}",
        ], 4),
        active in 0usize..4,
        sheet in proptest::option::of(0usize..4),
    ) {
        let mut names = names;
        for (i, name) in names.iter_mut().enumerate() {
            name.push_str(&i.to_string());
        }
        let active = active % sheets.len();
        let Some(file) = workbook(&sheets, &names, active) else {
            return Ok(());
        };
        let sheet = sheet.map(|s| names[s % sheets.len()].clone());
        let read = kaohe::formats::import::read_submissions(&file, "x.xlsx", sheet.as_deref(), &lookup(), &mut |_, _| {});
        match read {
            Ok(imported) => {
                prop_assert!(!imported.sheets.is_empty());
                for row in &imported.checked.rows {
                    // A figure is never a date, nor a formula left uncomputed.
                    prop_assert!(!row.submission.value.starts_with('='), "{row:?}");
                }
            }
            Err(e) => prop_assert!(placed(&e.to_string()), "{e}"),
        }
    }

    /// A county's figures, in any number format, are stored as the county saw them: a percent
    /// cell as its percentage, a plain number as itself.
    #[test]
    fn figures_in_any_format_are_read_as_shown(
        figures in proptest::collection::vec((0.0..3.0f64, prop_oneof![Just("0%"), Just("0.0%"), Just("General"), Just("0.00")]), 1..6),
    ) {
        use rust_xlsxwriter::{Format, Workbook};
        let indicators = ["1.2", "1.3", "1.6", "1.7", "1.8", "2.14"];
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["县(市、区)", "指标编号", "完成值"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (r, (x, f)) in figures.iter().enumerate() {
            let r = r as u32 + 1;
            sheet.write_string(r, 0, "柯城区").unwrap();
            sheet.write_string(r, 1, indicators[r as usize - 1]).unwrap();
            sheet.write_number_with_format(r, 2, *x, &Format::new().set_num_format(*f)).unwrap();
        }
        let file = book.save_to_buffer().unwrap();
        let imported = kaohe::formats::import::read_submissions(&file, "x.xlsx", None, &lookup(), &mut |_, _| {}).unwrap();
        prop_assert_eq!(imported.checked.rows.len(), figures.len());
        for (row, (x, f)) in imported.checked.rows.iter().zip(&figures) {
            let s = &row.submission;
            prop_assert!(!s.bare_fraction, "{s:?}");
            let expected = if f.ends_with('%') { x * 100.0 } else { *x };
            let got = s.value_number.unwrap();
            prop_assert!((got - expected).abs() <= expected.abs() * 1e-12, "{x} {f}: {s:?}");
            prop_assert_eq!(s.value.ends_with('%'), f.ends_with('%'));
        }
    }

    /// Any bytes changed in, or cut from, a fixture of every kind: read or refused naming the
    /// file, never a panic.
    #[test]
    fn every_kind_of_workbook_changed_is_read_or_refused(
        which in 0usize..5,
        changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let name = ["hidden-sheet.xls", "hidden-sheet.ods", "hidden-sheet.xlsb", "per-county.xlsx", "many-strings-libreoffice.xls"][which];
        let mut file = std::fs::read(fixture(name)).unwrap();
        for (at, byte) in changes {
            let i = at.index(file.len());
            file[i] = byte;
        }
        if let Some(cut) = cut {
            file.truncate(cut.index(file.len()).max(8));
        }
        let read = kaohe::formats::import::read_submissions(&file, "x.xlsx", None, &lookup(), &mut |_, _| {});
        if let Err(e) = read {
            let e = e.to_string();
            prop_assert!(e.starts_with("x.xlsx"), "{e}");
            prop_assert!(!e.contains("structure is broken"), "{name}: {e}");
        }
    }
}
