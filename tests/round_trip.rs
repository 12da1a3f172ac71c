//! Round trips keep everything: kaohe's own export (CSV, workbook, JSON) imported into a new
//! database and exported again gives the very same export — bytes for CSV and JSON, every
//! cell of every sheet for the workbook — so every fact of the first import (a bare fraction
//! stays flagged, not 未完成) survives. And the CSV export's cells that a spreadsheet would
//! take as formulas are inert there, and read back as the county wrote them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use calamine::Reader;
use common::Env;
use serde_json::Value;
use std::path::Path;

/// Every kind of figure and every fact of an import, each made the way a county's file (or
/// kaohe's JSON) makes it: a file to import into the first database. A new fact of an import
/// is one more line here (and the test compares it in every format).
const SOURCES: &[(&str, &str)] = &[
    // Figures, parts, evidence, remarks and the county's own assessment, with words that
    // are formulas to a spreadsheet, a leading apostrophe of the county's own, a negative
    // figure, a figure disagreeing with its parts and one that cannot be read.
    ("figures.csv", FIGURES),
    // A bare fraction: 0.021 from a spreadsheet's number cell for a percentage, flagged and
    // not compared with the threshold until someone looks.
    (
        "bare.json",
        r#"[{"county": "衢江区", "indicator": "1.3", "value": "0.021", "bare_fraction": true}]"#,
    ),
    // A figure in another unit, converted to the indicator's (686‰ kept as 68.6%): what it
    // was written as is kept beside it (as_written).
    ("units.csv", "county,indicator,value\n江山市,1.2,686‰\n"),
];

const FIGURES: &str = r#"county,indicator,value,numerator,denominator,evidence,remark,自评结果,自评分
柯城区,1.1,是,,,文件.pdf,"=HYPERLINK(""http://example.com"",""点此"")",完成,9
柯城区,1.2,52.4%,22,42,台账.xlsx；验收.pdf,"含新建,5个",基本完成,
衢江区,1.2,,30,42,,-5% 同比,,
龙游县,1.2,约七成,,,'引号开头,@某人 +86 570,未完成,7.5
龙游县,2.11,-5,,,,"两行
说明",,
江山市,1.3,70%,24,35,+附件,"	=1+1",,
常山县,2.12,13万元,,,,'=A1,,
"#;

/// A database holding every source, imported in order.
fn first_database() -> Env {
    let env = Env::new();
    env.ok(&["init"]);
    for (name, text) in SOURCES {
        let file = env.write(name, text);
        env.ok(&["import", file.to_str().unwrap()]);
    }
    env
}

/// The exported JSON record of one item.
fn record<'a>(export: &'a Value, county: &str, indicator: &str) -> &'a Value {
    export
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county"] == county && i["indicator"] == indicator)
        .unwrap()
}

/// Every sheet's name and cells, as calamine reads them.
fn cells(path: &Path) -> Vec<(String, Vec<Vec<calamine::Data>>)> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range.rows().map(<[calamine::Data]>::to_vec).collect();
            (name, rows)
        })
        .collect()
}

#[test]
fn every_format_exported_imported_and_exported_again_is_the_same_whole() {
    let first = first_database();
    // The facts are really there to lose: the bare fraction is flagged and suggests nothing.
    let export = first.json(&["export"]);
    let bare = record(&export, "衢江区", "1.3");
    assert_eq!(bare["bare_fraction"], true);
    assert_eq!(bare["suggested"], Value::Null, "{bare}");
    assert_eq!(bare["flags"].as_array().unwrap().len(), 1, "{bare}");
    for format in ["csv", "xlsx", "json"] {
        let name = format!("first.{format}");
        let exported = first.path(&name);
        first.ok(&[
            "export",
            "--format",
            format,
            "--out",
            exported.to_str().unwrap(),
        ]);
        let second = Env::new();
        second.ok(&["init"]);
        let out = second.ok(&["import", exported.to_str().unwrap()]);
        assert!(out.starts_with("imported 9 submissions"), "{format}: {out}");
        let again = second.path(&format!("again.{format}"));
        second.ok(&[
            "export",
            "--format",
            format,
            "--out",
            again.to_str().unwrap(),
        ]);
        if format == "xlsx" {
            let (a, b) = (cells(&exported), cells(&again));
            assert_eq!(a.len(), 5, "every sheet");
            assert_eq!(a, b, "{format}");
        } else {
            assert_eq!(
                String::from_utf8(std::fs::read(&exported).unwrap()).unwrap(),
                String::from_utf8(std::fs::read(&again).unwrap()).unwrap(),
                "{format}"
            );
        }
        // Flagged still, not 未完成.
        let export = second.json(&["export"]);
        let bare = record(&export, "衢江区", "1.3");
        assert_eq!(
            (&bare["bare_fraction"], &bare["suggested"]),
            (&Value::Bool(true), &Value::Null),
            "{format}: {bare}"
        );
        // Converted still, with what it was written as.
        let converted = record(&export, "江山市", "1.2");
        assert_eq!(converted["as_written"], "686‰", "{format}: {converted}");
    }
}

/// The CSV export's cells, as a CSV reader reads them.
fn csv_cells(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn the_csv_export_is_inert_in_a_spreadsheet_and_reads_back_as_written() {
    let first = first_database();
    let csv = first.ok(&["export", "--format", "csv"]);
    let rows = csv_cells(&csv);
    let at = |key: &str| rows[0].iter().position(|h| h == key).unwrap();
    let row = |county: &str, indicator: &str| {
        rows.iter()
            .find(|r| r[1] == county && r[2] == indicator)
            .unwrap()
            .clone()
    };
    let (remark, evidence, value) = (at("remark"), at("evidence"), at("value"));
    assert_eq!(
        row("柯城区", "1.1")[remark],
        "'=HYPERLINK(\"http://example.com\",\"点此\")"
    );
    assert_eq!(row("衢江区", "1.2")[remark], "'-5% 同比");
    assert_eq!(row("龙游县", "1.2")[remark], "'@某人 +86 570");
    assert_eq!(row("江山市", "1.3")[evidence], "'+附件");
    // A cell the import trimmed of its tab starts with "=": inert too.
    assert_eq!(row("江山市", "1.3")[remark], "'=1+1");
    // The county's own leading apostrophe gets one more, so that it comes back.
    assert_eq!(row("龙游县", "1.2")[evidence], "''引号开头");
    assert_eq!(row("常山县", "2.12")[remark], "''=A1");
    // A figure is a number to the spreadsheet, as it is to kaohe.
    assert_eq!(row("龙游县", "2.11")[value], "-5");
    assert_eq!(row("龙游县", "2.11")[at("value_number")], "-5");
    // Nothing a spreadsheet would evaluate: no cell starts a formula.
    for r in &rows {
        for cell in r {
            let first = cell.chars().next();
            assert!(
                !matches!(first, Some('=' | '+' | '@' | '\t' | '\r'))
                    && (first != Some('-') || cell.parse::<f64>().is_ok()),
                "{cell:?}"
            );
        }
    }

    // Read back into a new database: as the county wrote it, every character.
    let file = first.write("export.csv", &csv);
    let second = Env::new();
    second.ok(&["import", file.to_str().unwrap()]);
    let export = second.json(&["export"]);
    let text = |county: &str, indicator: &str, key: &str| {
        record(&export, county, indicator)[key]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        text("柯城区", "1.1", "remark"),
        "=HYPERLINK(\"http://example.com\",\"点此\")"
    );
    assert_eq!(text("龙游县", "1.2", "evidence"), "'引号开头");
    assert_eq!(text("常山县", "2.12", "remark"), "'=A1");
    assert_eq!(text("龙游县", "2.11", "value"), "-5");
    assert_eq!(record(&export, "龙游县", "2.11")["value_number"], -5.0);
    assert_eq!(text("江山市", "1.3", "evidence"), "+附件");

    // A county's own CSV keeps its apostrophes: only kaohe's own export is undone.
    let county = second.write(
        "county.csv",
        "county,indicator,value,remark\n柯城区,1.3,60%,'=A1\n柯城区,1.4,60%,''x\n",
    );
    second.ok(&["import", county.to_str().unwrap()]);
    let export = second.json(&["export"]);
    assert_eq!(record(&export, "柯城区", "1.3")["remark"], "'=A1");
    assert_eq!(record(&export, "柯城区", "1.4")["remark"], "''x");
    // Nor does a county's sheet give a fact of an import: its bare_fraction column is its
    // own business, passed over.
    let sheet = second.write(
        "facts.csv",
        "county,indicator,value,bare_fraction\n柯城区,1.3,0.5,yes\n",
    );
    second.ok(&["import", sheet.to_str().unwrap()]);
    let export = second.json(&["export"]);
    assert_eq!(record(&export, "柯城区", "1.3")["bare_fraction"], false);
}

#[test]
fn a_fact_kaohe_did_not_write_is_refused_at_its_place() {
    let env = Env::new();
    env.ok(&["init"]);
    let csv = env.write(
        "e.csv",
        "county_code,county,indicator,value,value_number,flags,bare_fraction\n330802,柯城区,1.3,0.5,0.5,,maybe\n",
    );
    let e = env.import_refused(&csv, &[]);
    assert!(
        e.ends_with("e.csv:2: bare_fraction \"maybe\" is neither yes nor empty, as kaohe's export writes it (county 330802, indicator 1.3)"),
        "{e}"
    );
    let json = env.write(
        "e.json",
        r#"[{"county": "柯城区", "indicator": "1.3", "value": "0.5", "bare_fraction": "maybe"}]"#,
    );
    let e = env.import_refused(&json, &[]);
    assert!(e.contains("e.json:1: bare_fraction \"maybe\""), "{e}");
}

mod property {
    //! Whatever a county sent, each of kaohe's exports reads back as the same submissions,
    //! through the library (a database a case).
    use kaohe::catalog::{self, Catalog};
    use kaohe::formats::export::{self, Results};
    use kaohe::formats::import::read_submissions;
    use kaohe::store::{Reviewer, Seed, Store};
    use proptest::prelude::*;
    use serde_json::{Value, json};
    use std::collections::BTreeMap;

    /// Indicators of every kind: yes/no, percentages, qualitative, amounts in 元 and 平方米.
    const INDICATORS: [&str; 6] = ["1.1", "1.2", "1.3", "2.1", "2.11", "3.6"];
    const COUNTIES: [&str; 6] = ["330802", "330803", "330825", "330881", "330822", "330824"];

    /// Text as counties type it, with what spreadsheets and CSV take as special: formula
    /// starts, apostrophes, quotes, commas, line breaks, Chinese.
    fn words() -> impl Strategy<Value = String> {
        "[=+@'\\-]?[a-z0-9 ,\"'=+@；。柯城区台账\\-\\n]{0,12}"
    }

    fn figure() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("是".to_string()),
            Just("否".to_string()),
            Just("约七成".to_string()),
            Just("13万元".to_string()),
            (0u32..100_000, 0u32..3)
                .prop_map(|(n, d)| format!("{}", f64::from(n) / 10f64.powi(d as i32))),
            (0u32..2_000).prop_map(|n| format!("{}%", f64::from(n) / 10.0)),
            (1u32..1_000).prop_map(|n| format!("-{n}")),
            (1u32..1_000).prop_map(|n| format!("0.{n:03}")),
            words(),
        ]
    }

    fn amount() -> impl Strategy<Value = Option<f64>> {
        prop_oneof![
            Just(None),
            (1u32..100_000, 0u32..3).prop_map(|(n, d)| Some(f64::from(n) / 10f64.powi(d as i32))),
        ]
    }

    prop_compose! {
        fn record()(
            county in 0..COUNTIES.len(),
            indicator in 0..INDICATORS.len(),
            value in figure(),
            parts in (amount(), amount()),
            evidence in words(),
            remark in words(),
            own in prop_oneof![Just(Value::Null), Just(json!("完成")), Just(json!("基本完成")), Just(json!("not_met"))],
            score in prop_oneof![Just(Value::Null), (0u32..1000).prop_map(|s| json!(f64::from(s) / 10.0))],
            bare_fraction in any::<bool>(),
        ) -> Value {
            json!({
                "county_code": COUNTIES[county],
                "indicator": INDICATORS[indicator],
                "value": value,
                "numerator": parts.0,
                "denominator": parts.1,
                "evidence": evidence,
                "remark": remark,
                "self_verdict": own,
                "self_score": score,
                "bare_fraction": bare_fraction,
            })
        }
    }

    fn who() -> Reviewer {
        Reviewer {
            name: "测试".into(),
            account: "tester".into(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 16,
            rng_seed: proptest::test_runner::RngSeed::Fixed(16),
            ..ProptestConfig::default()
        })]

        #[test]
        fn every_format_reads_back_the_submissions_it_was_made_from(
            records in proptest::collection::vec(record(), 1..10)
        ) {
            // One record an item.
            let mut seen = std::collections::HashSet::new();
            let records: Vec<Value> = records
                .into_iter()
                .filter(|r| seen.insert((r["county_code"].clone(), r["indicator"].clone())))
                .collect();
            let dir = tempfile::tempdir().unwrap();
            let seed = Seed {
                catalog: Catalog::embedded_2014().unwrap(),
                counties: catalog::embedded_counties().unwrap(),
                submissions: None,
            };
            let mut store = Store::create(&dir.path().join("k.db"), &seed, &who()).unwrap();
            let lookup = store.lookup().unwrap();
            let source = serde_json::to_vec(&records).unwrap();
            let sent = read_submissions(&source, "sent.json", None, &lookup, &mut |_, _| {});
            // A record kaohe refuses (an empty one, …) is no submission to round-trip.
            prop_assume!(sent.is_ok());
            let sent = sent.unwrap().checked.rows;
            store.import_submissions(&sent, "sent.json", &who()).unwrap();
            let by_item = |rows: &[kaohe::lookup::SubmissionRow]| -> BTreeMap<(String, String), kaohe::model::Submission> {
                rows.iter()
                    .map(|r| ((r.county_code.clone(), r.indicator_id.clone()), r.submission.clone()))
                    .collect()
            };
            let items = export::Listed {
                items: store.items().unwrap(),
                evidence: Default::default(),
            };
            let results = Results {
                items: &items,
                catalog: store.catalog().unwrap(),
                status: store.status().unwrap(),
                people: store.people().unwrap(),
            };
            // The database itself as the items, read as the exports read it, for the CSV.
            let streamed = Results {
                items: &store,
                catalog: store.catalog().unwrap(),
                status: store.status().unwrap(),
                people: store.people().unwrap(),
            };
            type Writer = fn(&Results<'_>, &mut Vec<u8>) -> anyhow::Result<()>;
            let writers: [(&str, Writer); 3] = [
                ("e.csv", |r, w| export::write_csv(r, w).map(drop)),
                ("e.xlsx", |r, w| export::write_xlsx(r, w).map(drop)),
                ("e.json", |r, w| export::write_json(r, w).map(drop)),
            ];
            for (name, write) in writers {
                let mut bytes = Vec::new();
                write(&results, &mut bytes).unwrap();
                if name == "e.csv" {
                    let mut again = Vec::new();
                    write(&streamed, &mut again).unwrap();
                    prop_assert_eq!(&again, &bytes, "the store's walk and the list disagree");
                }
                let back = read_submissions(&bytes, name, None, &lookup, &mut |_, _| {});
                let back = match back {
                    Ok(imported) => imported.checked.rows,
                    Err(e) => return Err(TestCaseError::fail(format!("{name}: {e}"))),
                };
                prop_assert_eq!(by_item(&back), by_item(&sent), "{}", name);
            }
        }
    }
}
