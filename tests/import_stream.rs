//! `kaohe import` streams: a file far longer than any buffer is checked and written without
//! being held, row for row; refused anywhere (its last row too), it leaves the database as it
//! was; an item given twice is refused however far apart its rows are.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Env;
use serde_json::Value;

/// Every item of the embedded set, (county code, indicator), in the export's order.
fn items(env: &Env) -> Vec<(String, String)> {
    env.json(&["export"])
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["county_code"].as_str().unwrap().to_string(),
                i["indicator"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A remark of about 2 KB, told apart by `n`: every row is longer than the reader's lines.
fn remark(n: usize) -> String {
    format!("第{n}行：{}", "说明文字".repeat(170))
}

/// A CSV of every item with a long remark, with a byte-order mark, CRLF line ends and a
/// comment line every hundred rows; `last` replaces the last row. Returns the text and the
/// line the last row is on.
fn big_csv(items: &[(String, String)], last: Option<&str>) -> (String, u64) {
    let mut text = String::from("\u{feff}county,indicator,value,remark\r\n");
    let mut line = 1;
    for (n, (county, indicator)) in items.iter().enumerate() {
        if n % 100 == 50 {
            text.push_str("# 以下接上页\r\n");
            line += 1;
        }
        line += 1;
        match last {
            Some(row) if n + 1 == items.len() => text.push_str(row),
            _ => text.push_str(&format!("{county},{indicator},,{}", remark(n))),
        }
        text.push_str("\r\n");
    }
    (text, line)
}

#[test]
fn a_file_far_longer_than_any_buffer_is_stored_row_for_row() {
    let env = Env::new();
    env.ok(&["init"]);
    let items = items(&env);
    assert!(items.len() > 500, "{}", items.len());
    let (text, _) = big_csv(&items, None);
    assert!(text.len() > 1_000_000, "{}", text.len());
    let file = env.write("big.csv", &text);
    let out = env.ok(&["import", file.to_str().unwrap()]);
    assert!(
        out.starts_with(&format!("imported {} submissions from ", items.len())),
        "{out}"
    );
    let export = env.json(&["export"]);
    let stored: Vec<&Value> = export.as_array().unwrap().iter().collect();
    assert_eq!(stored.len(), items.len());
    for (n, item) in stored.iter().enumerate() {
        assert_eq!(item["remark"].as_str().unwrap(), remark(n), "item {n}");
    }
    // The same file again: every row replaces its own, nothing changes.
    let again = env.ok(&["import", "--dry-run", file.to_str().unwrap()]);
    assert!(
        again.contains(&format!(
            "0 new, {} replacing earlier ones (0 with another figure)",
            items.len()
        )),
        "{again}"
    );
}

#[test]
fn an_error_on_the_last_row_of_a_long_file_leaves_the_database_as_it_was() {
    let env = Env::new();
    env.ok(&["init"]);
    let items = items(&env);
    let (good, _) = big_csv(&items, None);
    env.ok(&["import", env.write("good.csv", &good).to_str().unwrap()]);
    // Every row but the last changes its remark; the last names no county.
    let (bad, line) = big_csv(&items, Some("衢州,1.1,,备注"));
    let bad = bad.replace("说明文字", "改过的字");
    let message = env.import_refused(&env.write("bad.csv", &bad), &[]);
    assert!(
        message.contains(&format!("bad.csv:{line}: unknown county \"衢州\"")),
        "{message}"
    );
}

#[test]
fn an_item_given_twice_is_refused_however_far_apart_its_rows_are() {
    let env = Env::new();
    env.ok(&["init"]);
    let items = items(&env);
    let (county, indicator) = &items[0];
    let (text, line) = big_csv(&items, Some(&format!("{county},{indicator},,又一次")));
    let message = env.import_refused(&env.write("twice.csv", &text), &[]);
    assert!(
        message.ends_with(&format!(
            "twice.csv:{line}: county {county} indicator {indicator} is given twice (first on line 2)"
        )),
        "{message}"
    );
}
