//! The command line against temporary databases and homes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::path::Path;

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

#[test]
fn init_creates_a_private_database_once() {
    let env = Env::new();
    let out = env.ok(&["init"]);
    assert!(out.contains("12 targets"), "{out}");
    assert!(out.contains("6 counties"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.db()).unwrap().permissions().mode();
        assert_eq!(mode & 0o007, 0, "{mode:o}");
    }
    let before = env.json(&["export"]);
    let e = env.refused(env.with_db().arg("init"));
    assert!(e.contains("already exists"), "{e}");
    assert_eq!(env.json(&["export"]), before);
}

#[test]
fn db_goes_before_or_after_the_subcommand_or_in_kaohe_db() {
    let env = Env::new();
    env.kaohe()
        .args(["init", "--db"])
        .arg(env.db())
        .assert()
        .success();
    assert!(env.db().exists());
    env.kaohe()
        .args(["counties", "--db"])
        .arg(env.db())
        .assert()
        .success();
    let other = env.path("env.db");
    env.kaohe()
        .env("KAOHE_DB", &other)
        .arg("init")
        .assert()
        .success();
    assert!(other.exists());
    env.kaohe()
        .env("KAOHE_DB", &other)
        .arg("counties")
        .assert()
        .success();
}

#[test]
fn without_db_the_data_directory_is_used_and_demo_is_separate() {
    let env = Env::new();
    env.kaohe().arg("init").assert().success();
    let data = env.path("data").join("kaohe");
    assert!(data.join("kaohe.db").exists());
    env.kaohe().args(["--demo", "init"]).assert().success();
    let out = env
        .kaohe()
        .args(["--demo", "status", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(data.join("kaohe-demo.db").exists());
    let demo: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(demo["submitted"], demo["total"]);
    let plain: Value = serde_json::from_slice(
        &env.kaohe()
            .args(["status", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(plain["submitted"], 0);
}

#[test]
fn demo_with_db_creates_that_database_with_the_demo() {
    let env = Env::new();
    // A mark (any command that writes) creates it with the demo's submissions.
    env.ok(&["--demo", "mark", "柯城区", "1.1", "clear"]);
    let status = env.json(&["--demo", "status", "--json"]);
    assert_eq!(status["submitted"], status["total"]);
    assert_eq!(status["reviewed"], 0);
    let e = env.refused(env.with_db().args(["init", "--demo"]));
    assert!(e.contains("already exists"));
}

#[test]
fn init_demo_with_other_counties_says_what_is_wrong_with_the_place_first() {
    let env = Env::new();
    let other = env.write("others.csv", "code,name\n110101,东城区\n");
    // A database is there already: that is said first, with why the demo could not be used.
    env.ok(&["init"]);
    let before = std::fs::read(env.db()).unwrap();
    let e = env.refused(
        env.with_db()
            .args(["--demo", "init", "--counties"])
            .arg(&other),
    );
    assert!(
        e.contains("the demo submissions are for the embedded 2014 targets and Quzhou counties: ")
            && e.contains("already exists"),
        "{e}"
    );
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
    // A free place: the demo's counties are not these, and nothing is left behind.
    let fresh = env.path("fresh.db");
    let e = env.refused(
        env.kaohe()
            .arg("--db")
            .arg(&fresh)
            .args(["--demo", "init", "--counties"])
            .arg(&other),
    );
    assert!(
        e.contains("the demo submissions are for the embedded 2014 targets and Quzhou counties: ")
            && e.contains("柯城区"),
        "{e}"
    );
    assert!(!fresh.exists());
}

#[test]
fn targets_json_has_the_shape_scripts_expect() {
    let env = Env::new();
    env.ok(&["init"]);
    let targets = env.json(&["targets", "--json"]);
    let targets = targets.as_array().unwrap();
    assert_eq!(targets.len(), 12);
    assert_eq!(targets[0]["id"], 1);
    assert_eq!(targets[0]["class"], 1);
    assert_eq!(targets[5]["class"], 2);
    assert_eq!(targets[0]["title"], "加快养老服务业发展");
    let indicators: Vec<&Value> = targets
        .iter()
        .flat_map(|t| t["indicators"].as_array().unwrap())
        .collect();
    let numeric = indicators
        .iter()
        .find(|i| i["text"].as_str().unwrap().contains("项目变更率"))
        .unwrap();
    assert_eq!(numeric["comparator"], "<=");
    assert_eq!(numeric["threshold"], 5.0);
    assert_eq!(numeric["unit"], "%");
    let plain = indicators.iter().find(|i| i["kind"] != "numeric").unwrap();
    assert!(
        plain["comparator"].is_null() && plain["threshold"].is_null() && plain["unit"].is_null()
    );
    let table = env.ok(&["targets"]);
    assert!(
        table.contains("二类目标") && table.contains("≤ 5%"),
        "{table}"
    );
}

#[test]
fn counties_json_lists_code_and_name() {
    let env = Env::new();
    env.ok(&["init"]);
    let counties = env.json(&["counties", "--json"]);
    assert_eq!(
        counties[0],
        serde_json::json!({"code": "330802", "name": "柯城区"})
    );
    assert_eq!(counties.as_array().unwrap().len(), 6);
}

#[test]
fn import_then_export_round_trips_the_figures() {
    let env = Env::new();
    let file = env.write(
        "s.csv",
        "county,indicator,value,numerator,denominator,evidence,remark\n\
         柯城区,1.2,\"72.5%\",29,40,台账.xlsx；验收.pdf,\"含新建,5个\"\n\
         330803,2.5,13.6元,,,,\n",
    );
    let out = env.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("imported 2 submissions"), "{out}");
    let export = env.json(&["export"]);
    let a = item(&export, "330802", "1.2");
    assert_eq!(a["county"], "柯城区");
    assert_eq!(a["value"], "72.5%");
    assert_eq!(a["numerator"], 29.0);
    assert_eq!(a["denominator"], 40.0);
    assert_eq!(a["evidence"], "台账.xlsx；验收.pdf");
    assert_eq!(a["remark"], "含新建,5个");
    assert!(a["verdict"].is_null() && a["reviewed_at"].is_null());
    assert_eq!(item(&export, "330803", "2.5")["value"], "13.6元");
}

#[test]
fn a_bad_import_names_the_line_and_changes_nothing() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    let before = env.json(&["export"]);
    let cases = [
        (
            "county,indicator,value\n柯城区,1.2,80%\n衢州区,1.2,80%\n",
            ":3: unknown county \"衢州区\"",
        ),
        (
            "county,indicator,value\n柯城区,1.2,80%\n柯城区,9.9,80%\n",
            ":3: unknown indicator \"9.9\"",
        ),
        (
            "county,indicator,value\n柯城区,1.2,80%\n330802,1.2,81%\n",
            ":3: county 330802 indicator 1.2 is given twice (first on line 2)",
        ),
        (
            "county,value\n柯城区,80%\n",
            ":1: missing column \"indicator\"",
        ),
        (
            "county,indicator,value,numerator,denominator\n柯城区,1.2,,4,0\n",
            ":2: the denominator is zero",
        ),
        ("", ": the file is empty"),
    ];
    for (text, expected) in cases {
        let file = env.write("bad.csv", text);
        let e = env.refused(env.with_db().arg("import").arg(&file));
        assert!(e.contains(&format!("{}{expected}", file.display())), "{e}");
    }
    let e = env.refused(env.with_db().args(["import", "/nonexistent/x.csv"]));
    assert!(e.contains("/nonexistent/x.csv: cannot read"), "{e}");
    // (GBK/GB18030 is read: see a_gb18030_sheet_from_excel…; these bytes are neither.)
    let file = env.path("garbled.csv");
    std::fs::write(&file, b"county,indicator,value\n\xbf\xff\xb3,1.2,80%\n").unwrap();
    let e = env.refused(env.with_db().arg("import").arg(&file));
    assert!(
        e.contains(":2: the file is neither UTF-8 nor GB18030"),
        "{e}"
    );
    assert_eq!(env.json(&["export"]), before);
}

#[test]
fn mark_by_code_or_name_in_english_or_chinese_and_clear() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    let out = env.ok(&[
        "--reviewer",
        "王芳",
        "mark",
        "柯城区",
        "1.2",
        "完成",
        "--note",
        "台账齐全",
    ]);
    assert!(out.contains("未审核 → 完成"), "{out}");
    env.ok(&["mark", "330803", "1.2", "partly_met"]);
    env.ok(&["mark", "龙游县", "11.1", "未完成"]);
    let export = env.json(&["export"]);
    let a = item(&export, "330802", "1.2");
    assert_eq!(a["verdict"], "met");
    assert_eq!(a["note"], "台账齐全");
    assert_eq!(a["reviewer"], "王芳");
    assert!(chrono::DateTime::parse_from_rfc3339(a["reviewed_at"].as_str().unwrap()).is_ok());
    assert_eq!(item(&export, "330803", "1.2")["verdict"], "partly_met");
    assert_eq!(
        item(&export, "330803", "1.2")["reviewer"],
        kaohe::cli::paths::account().as_str()
    );
    assert_eq!(item(&export, "330825", "11.1")["verdict"], "not_met");

    let out = env.ok(&["mark", "柯城区", "1.2", "met"]);
    assert!(out.contains("unchanged"), "{out}");
    env.ok(&["mark", "柯城区", "1.2", "clear"]);
    let a = item(&env.json(&["export"]), "330802", "1.2").clone();
    assert!(a["verdict"].is_null());
    assert_eq!(a["note"], "台账齐全");

    let status = env.json(&["status", "--json"]);
    assert_eq!(status["reviewed"], 2);
    assert_eq!(status["partly_met"], 1);
    assert_eq!(status["not_met"], 1);
    assert_eq!(status["counties"][1]["reviewed"], 1);
    assert_eq!(status["targets"][10]["reviewed"], 1);
}

#[test]
fn mark_refuses_what_it_cannot_resolve() {
    let env = Env::new();
    env.ok(&["init"]);
    let before = env.json(&["export"]);
    let e = env.refused(env.with_db().args(["mark", "衢州区", "1.2", "met"]));
    assert!(e.contains("unknown county \"衢州区\""), "{e}");
    let e = env.refused(env.with_db().args(["mark", "柯城区", "1.99", "met"]));
    assert!(e.contains("unknown indicator \"1.99\""), "{e}");
    let e = env.refused(env.with_db().args(["mark", "柯城区", "1.2", "done"]));
    assert!(e.contains("unknown verdict \"done\""), "{e}");
    let e = env.refused(env.with_db().args(["mark", "", "", ""]));
    assert!(e.contains("unknown"), "{e}");
    let e = env.refused(
        env.with_db()
            .args(["--reviewer", " ", "mark", "柯城区", "1.2", "met"]),
    );
    assert!(e.contains("--reviewer is empty"), "{e}");
    env.refused(env.with_db().args(["mark", "柯城区"]));
    env.refused(env.with_db().arg("frobnicate"));
    assert_eq!(env.json(&["export"]), before);
}

#[test]
fn export_csv_has_a_bom_and_goes_to_a_file() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&[
        "mark",
        "开化县",
        "12.1",
        "met",
        "--note",
        "多行\n笔记,含逗号",
    ]);
    let out = env.path("out.csv");
    let said = env.ok(&["export", "--format", "csv", "--out", out.to_str().unwrap()]);
    assert!(said.contains("exported"), "{said}");
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with("\u{feff}county_code,county,indicator,value".as_bytes()));
    let text = String::from_utf8(bytes).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let targets = env.json(&["targets", "--json"]);
    let indicators: usize = targets
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["indicators"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows.len(), 6 * indicators);
    let marked = rows
        .iter()
        .find(|r| &r[0] == "330824" && &r[2] == "12.1")
        .unwrap();
    assert_eq!(&marked[10], "met");
    assert_eq!(&marked[11], "多行\n笔记,含逗号");
}

#[test]
fn the_export_imports_back() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    let out = env.path("all.csv");
    env.ok(&["export", "--format", "csv", "--out", out.to_str().unwrap()]);
    let fresh = env.path("fresh.db");
    env.kaohe()
        .arg("--db")
        .arg(&fresh)
        .arg("init")
        .assert()
        .success();
    env.kaohe()
        .arg("--db")
        .arg(&fresh)
        .arg("import")
        .arg(&out)
        .assert()
        .success();
    let status: Value = serde_json::from_slice(
        &env.kaohe()
            .arg("--db")
            .arg(&fresh)
            .args(["status", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(status["submitted"], status["total"]);
}

fn assert_untouched_refusal(env: &Env, path: &Path, expect: &str) {
    let before = std::fs::read(path).unwrap();
    let e = env.refused(env.kaohe().arg("--db").arg(path).arg("status"));
    assert!(
        e.contains(&path.display().to_string()) && e.contains(expect),
        "{e}"
    );
    assert_eq!(std::fs::read(path).unwrap(), before);
}

#[test]
fn a_file_that_is_not_a_kaohe_database_is_refused_untouched() {
    let env = Env::new();
    let random = env.path("random.db");
    std::fs::write(
        &random,
        (0..3000u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    assert_untouched_refusal(&env, &random, "not a kaohe database");
    let other = env.path("other.db");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    assert_untouched_refusal(&env, &other, "another application's SQLite file");
    env.ok(&["init"]);
    // A schema newer than this build's, whatever migrations it has.
    let newer = kaohe::store::latest_schema() + 1;
    {
        let c = rusqlite::Connection::open(env.db()).unwrap();
        c.pragma_update(None, "user_version", newer).unwrap();
    }
    assert_untouched_refusal(&env, &env.db(), &format!("schema version {newer}"));
}

#[test]
fn init_takes_other_targets_and_counties_and_refuses_bad_ones() {
    let env = Env::new();
    let counties = env.write(
        "counties.csv",
        "# 省内三县\ncode,name\n330100,杭州市\n330200,宁波市\n330300,温州市\n",
    );
    env.kaohe()
        .arg("--db")
        .arg(env.db())
        .args(["init", "--counties"])
        .arg(&counties)
        .assert()
        .success();
    let list = env.json(&["counties", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert_eq!(list[2]["name"], "温州市");

    let bad = env.write(
        "bad-counties.csv",
        "code,name\n330100,杭州市\n3302,宁波市\n",
    );
    let db2 = env.path("two.db");
    let e = env.refused(
        env.kaohe()
            .arg("--db")
            .arg(&db2)
            .args(["init", "--counties"])
            .arg(&bad),
    );
    assert!(
        e.contains(&format!("{}:3: code \"3302\"", bad.display())),
        "{e}"
    );
    assert!(!db2.exists());

    let targets = std::fs::read_to_string("data/targets/2014.toml")
        .unwrap()
        .replacen("comparator = \">=\"", "comparator = \"at least\"", 1);
    let bad = env.write("bad.toml", &targets);
    let e = env.refused(
        env.kaohe()
            .arg("--db")
            .arg(&db2)
            .args(["init", "--targets"])
            .arg(&bad),
    );
    assert!(e.contains(&format!("{}:", bad.display())), "{e}");
    assert!(e.contains("unknown comparator \"at least\""), "{e}");
    assert!(!db2.exists());
    let e = env.refused(env.kaohe().arg("--db").arg(&db2).args([
        "init",
        "--targets",
        "/nonexistent.toml",
    ]));
    assert!(e.contains("/nonexistent.toml: cannot read"), "{e}");
    let e = env.refused(env.kaohe().args(["--db", "/nonexistent/dir/k.db", "init"]));
    assert!(e.contains("does not exist"), "{e}");
}

#[test]
fn the_workspace_needs_a_terminal_and_says_so() {
    let env = Env::new();
    let e = env.refused(env.kaohe().arg("--demo"));
    assert!(e.contains("needs a terminal"), "{e}");
    assert!(
        !env.path("data/kaohe/kaohe-demo.db").exists(),
        "no database is made for a workspace that cannot start"
    );
    env.kaohe().arg("--help").assert().success();
    env.kaohe().args(["mark", "--help"]).assert().success();
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    for format in ["json", "csv"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kaohe"))
            .arg("--db")
            .arg(env.db())
            .args(["export", "--format", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{format}: {:?}", out.status);
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn many_reviewers_marking_at_once_all_land() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    let counties = ["330802", "330803", "330825", "330881", "330822", "330824"];
    env.all_at_once(
        counties
            .iter()
            .flat_map(|c| ["1.1", "1.2", "1.3", "1.4"].map(|i| (*c, i)))
            .map(|(county, indicator)| {
                ["--reviewer", county, "mark", county, indicator, "not_met"]
                    .map(String::from)
                    .to_vec()
            })
            .collect(),
    );
    let status = env.json(&["status", "--json"]);
    assert_eq!(status["not_met"], 24);
    for c in status["counties"].as_array().unwrap() {
        assert_eq!(c["reviewed"], 4);
    }
}

#[test]
fn export_never_writes_over_the_database() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&["mark", "柯城区", "1.1", "met"]);
    let before = std::fs::read(env.db()).unwrap();
    let e = env.refused(
        env.with_db()
            .args(["export", "--format", "csv", "--out"])
            .arg(env.db()),
    );
    assert!(e.contains("it is the database itself"), "{e}");
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
    assert_eq!(env.json(&["status", "--json"])["met"], 1);
}

#[test]
fn a_refused_command_leaves_no_new_database() {
    let env = Env::new();
    env.refused(env.with_db().args(["mark", "衢州区", "1.2", "met"]));
    env.refused(
        env.with_db()
            .args(["mark", "柯城区", "1.2", "met", "--note", "\u{1b}[2J"]),
    );
    env.refused(env.with_db().args(["import", "/nonexistent.csv"]));
    let bad = env.write("bad.csv", "county,indicator,value\n衢州区,1.2,80%\n");
    env.refused(env.with_db().arg("import").arg(&bad));
    assert!(!env.db().exists());
    env.refused(env.kaohe().args(["mark", "x", "1.1", "met"]));
    assert!(!env.path("data").join("kaohe").join("kaohe.db").exists());
    // Once the command is right, the database is made and the change is in it.
    env.ok(&["mark", "柯城区", "1.2", "met"]);
    assert_eq!(env.json(&["status", "--json"])["met"], 1);
}

#[test]
fn first_use_of_an_empty_file_by_many_at_once_loses_nothing() {
    let env = Env::new();
    std::fs::write(env.db(), b"").unwrap();
    env.all_at_once(
        (1..=12)
            .map(|n| {
                vec![
                    "mark".into(),
                    "衢江区".into(),
                    format!("1.{n}"),
                    "met".into(),
                ]
            })
            .collect(),
    );
    assert_eq!(env.json(&["status", "--json"])["met"], 12);
}

#[test]
fn what_a_file_says_never_reaches_the_terminal_raw() {
    let env = Env::new();
    env.ok(&["init"]);
    let file = env.write(
        "evil.csv",
        "county,indicator,value\n\u{1b}]0;PWNED\u{7}\u{1b}[2J,1.1,5\n",
    );
    let e = env.refused(env.with_db().arg("import").arg(&file));
    assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e:?}");
    assert!(e.contains("unknown county \"\u{241b}]0;PWNED"), "{e}");
}

#[test]
fn a_refused_export_leaves_no_database_and_links_are_followed() {
    let env = Env::new();
    let e = env.refused(
        env.with_db()
            .args(["export", "--out", "/nonexistent/x.csv"]),
    );
    assert!(
        e.contains("the directory /nonexistent does not exist"),
        "{e}"
    );
    assert!(!env.db().exists());
    #[cfg(unix)]
    {
        // A link of one's own to a file that is there is followed (one to nothing is refused:
        // tests/out_safety.rs).
        env.ok(&["init"]);
        let link = env.path("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        std::fs::write(env.path("real.csv"), "").unwrap();
        env.ok(&["export", "--format", "csv", "--out", link.to_str().unwrap()]);
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            std::fs::read(env.path("real.csv"))
                .unwrap()
                .starts_with("\u{feff}county_code".as_bytes())
        );
    }
}

#[test]
fn notes_keep_line_breaks_from_any_terminal() {
    let env = Env::new();
    env.ok(&[
        "mark",
        "柯城区",
        "1.2",
        "met",
        "--note",
        "第一行\r\n第二行\r第三行\t完",
    ]);
    let export = env.json(&["export"]);
    assert_eq!(
        item(&export, "330802", "1.2")["note"],
        "第一行\n第二行\n第三行\t完"
    );
}

#[test]
fn bad_bytes_and_odd_rows_are_found_on_their_line() {
    let env = Env::new();
    env.ok(&["init"]);
    let file = env.path("cr.csv");
    std::fs::write(
        &file,
        b"county,indicator,value\r\xe6\x9f\xaf\xe5\x9f\x8e\xe5\x8c\xba,1.1,\xff\r",
    )
    .unwrap();
    let e = env.refused(env.with_db().arg("import").arg(&file));
    assert!(
        e.contains("cr.csv:2: the file is neither UTF-8 nor GB18030"),
        "{e}"
    );
    let file = env.write(
        "ws.csv",
        "county,indicator,value\n柯城区,1.1,是\n   \n柯城区,1.2\n",
    );
    let e = env.refused(env.with_db().arg("import").arg(&file));
    assert!(
        e.contains("ws.csv:4: the row has 2 columns but the header has 3"),
        "{e}"
    );
}

#[test]
fn a_bad_theme_or_config_is_refused_before_anything_starts() {
    let env = Env::new();
    let e = env.refused(env.kaohe().args(["--demo", "--theme", "neon"]));
    assert!(e.contains("no theme called \"neon\""), "{e}");
    assert!(e.contains("high-contrast"), "{e}");
    let theme = env.path("mine.toml");
    std::fs::write(
        &theme,
        "base = \"light\"\n[styles]\nmet = \"green\"\nnot_met = \"rojo\"\n",
    )
    .unwrap();
    let e = env.refused(env.kaohe().args(["--demo", "--theme"]).arg(&theme));
    assert!(
        e.contains("mine.toml:4:1: not_met: \"rojo\" is not a colour"),
        "{e}"
    );
    let config = env.path("config.toml");
    std::fs::write(&config, "[keys]\nnext_county = \"j\"\nundo = \"j\"\n").unwrap();
    let e = env.refused(env.kaohe().args(["--demo", "--config"]).arg(&config));
    assert!(
        e.contains("config.toml:3:1: j is bound to both next_county and undo"),
        "{e}"
    );
    let e = env.refused(env.kaohe().args(["config", "--config"]).arg(&config));
    assert!(e.contains("config.toml:3:1"), "{e}");
    // The same file found in the config directory.
    let dir = env.path("xdg-config/kaohe");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "theme = \"light\"\nfoo = 1\n").unwrap();
    let e = env.refused(
        env.kaohe()
            .env("XDG_CONFIG_HOME", env.path("xdg-config"))
            .arg("--demo"),
    );
    assert!(
        e.contains("config.toml:2:1: unknown setting \"foo\""),
        "{e}"
    );
    // Nothing was created for a workspace that never started; the file was not rewritten.
    assert!(!env.path("data/kaohe/kaohe-demo.db").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("config.toml")).unwrap(),
        "theme = \"light\"\nfoo = 1\n"
    );
}

#[test]
fn config_and_completions() {
    let env = Env::new();
    let out = env
        .kaohe()
        .args(["config", "--print-default"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("# next_county = [\"j\", \"down\"]"), "{text}");
    assert!(text.contains("佐证材料不足"), "{text}");
    let out = env
        .kaohe()
        .env("XDG_CONFIG_HOME", env.path("none"))
        .arg("config")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("defaults are in force"));
    for shell in ["bash", "zsh", "fish"] {
        let out = env.kaohe().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(
            script.contains("kaohe") && script.contains("export"),
            "{shell}"
        );
    }
    let e = env.refused(env.kaohe().args(["completions", "tcsh"]));
    assert!(e.contains("tcsh"), "{e}");
}

#[test]
fn the_manual_page_is_generated_from_the_command_line() {
    use clap::CommandFactory;
    let env = Env::new();
    let out = env.kaohe().arg("manual").output().unwrap();
    assert!(out.status.success());
    assert!(out.stderr.is_empty());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains("\n.TH KAOHE 1 "), "{page}");
    for section in [
        "NAME",
        "SYNOPSIS",
        "OPTIONS",
        "COMMANDS",
        "ENVIRONMENT",
        "FILES",
    ] {
        assert!(page.contains(&format!("\n.SH {section}\n")), "{section}");
    }
    // Every command, with its own options (and not the global ones again).
    for sub in kaohe::cli::Cli::command().get_subcommands() {
        let heading = format!(".SS \"kaohe {}\"", sub.get_name());
        assert_eq!(
            page.contains(&heading),
            !sub.is_hide_set() && sub.get_name() != "help",
            "{heading}"
        );
    }
    let export = &page[page.find(".SS \"kaohe export\"").unwrap()..];
    let export = &export[..export[1..].find(".SS").unwrap()];
    assert!(export.contains("\\-\\-format"), "{export}");
    assert!(!export.contains("\\-\\-reviewer"), "{export}");
    assert!(page.contains("KAOHE_DB"));
    // A printing command: no database is made or opened.
    assert!(!env.path("data").exists());
    // Hidden from the help a reviewer reads.
    let help = env.ok(&["--help"]);
    assert!(!help.contains("manual"), "{help}");
}

#[test]
fn the_log_holds_every_change_and_filters() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&[
        "--reviewer",
        "张三",
        "mark",
        "柯城区",
        "1.2",
        "met",
        "--note",
        "台账齐全",
    ]);
    env.ok(&["--reviewer", "李四", "mark", "330802", "1.2", "not_met"]);
    env.ok(&["--reviewer", "李四", "mark", "衢江区", "1.3", "partly_met"]);
    env.ok(&["--reviewer", "张三", "mark", "柯城区", "1.2", "clear"]);
    let all = env.json(&["log", "--json"]);
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 4);
    let first = &all[0];
    assert_eq!(first["reviewer"], "张三");
    assert!(
        !first["account"].as_str().unwrap().is_empty(),
        "the OS account is always recorded"
    );
    assert_eq!(first["county_code"], "330802");
    assert_eq!(first["indicator"], "1.2");
    assert_eq!(first["from"], Value::Null);
    assert_eq!(first["to"], "met");
    assert_eq!(first["note"], "台账齐全");
    assert!(first["at"].as_str().unwrap().starts_with("20"));
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "at",
            "reviewer",
            "account",
            "county_code",
            "indicator",
            "from",
            "to",
            "note",
            "stage"
        ]
    );
    // A change and a clear: from and to as they were.
    assert_eq!(
        (all[1]["from"].clone(), all[1]["to"].clone()),
        ("met".into(), "not_met".into())
    );
    assert_eq!(
        (all[3]["from"].clone(), all[3]["to"].clone()),
        ("not_met".into(), Value::Null)
    );
    assert_eq!(all[3]["note"], "台账齐全", "clear keeps the note");
    let by_county = env.json(&["log", "--json", "--county", "柯城区"]);
    assert_eq!(by_county.as_array().unwrap().len(), 3);
    let by_indicator = env.json(&["log", "--json", "--indicator", "1.3"]);
    assert_eq!(by_indicator.as_array().unwrap().len(), 1);
    let by_reviewer = env.json(&["log", "--json", "--reviewer", "李四"]);
    assert_eq!(by_reviewer.as_array().unwrap().len(), 2);
    let text = env.ok(&["log", "--county", "330802", "--reviewer", "张三"]);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.contains("柯城区 1.2  未审核 → 完成  备注：台账齐全"),
        "{text}"
    );
    let e = env.refused(env.with_db().args(["log", "--county", "杭州市"]));
    assert!(e.contains("unknown county"), "{e}");
}

#[test]
fn export_xlsx_is_a_workbook_with_chinese_headers() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&["mark", "柯城区", "1.2", "完成", "--note", "台账齐全"]);
    let out = env.path("结果.xlsx");
    env.ok(&["export", "--format", "xlsx", "--out", out.to_str().unwrap()]);
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["评审结果", "汇总", "目标", "复核", "热力图"]
    );
    let results = book.worksheet_range("评审结果").unwrap();
    assert_eq!(results.height(), 763, "a header and 762 items");
    let header: Vec<String> = results
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        &header[..4],
        ["县(市、区)代码", "县(市、区)", "指标编号", "指标"]
    );
    let marked = results
        .rows()
        .find(|r| r[0] == Data::String("330802".into()) && r[2] == Data::String("1.2".into()))
        .unwrap();
    assert_eq!(marked[4].to_string(), "≥ 70%");
    assert_eq!(marked[5].to_string(), "52.4%", "the figure as written");
    assert_eq!(marked[6], Data::Float(52.4), "and as a number");
    assert_eq!(marked[7], Data::Float(22.0), "numerators are numbers");
    assert_eq!(marked[11].to_string(), "未完成", "52.4% suggests not met");
    assert_eq!(marked[12].to_string(), "完成");
    assert_eq!(marked[13].to_string(), "台账齐全");
    let summary = book.worksheet_range("汇总").unwrap();
    let header: Vec<String> = summary
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        &header[..5],
        ["名次", "县(市、区)代码", "县(市、区)", "得分", "满分"]
    );
    assert_eq!(
        header[14], "1 加快养老服务业发展",
        "after 一票否决 and 不计分"
    );
    // Ranked: 柯城区 earned 1.2's share of target 1 (10 points over 22 indicators), the
    // others nothing and share second place.
    let kecheng = summary.rows().nth(1).unwrap();
    assert_eq!(kecheng[0], Data::Float(1.0));
    assert_eq!(kecheng[2].to_string(), "柯城区");
    assert_eq!(kecheng[3], Data::Float(0.45));
    assert_eq!(kecheng[4], Data::Float(120.0));
    assert_eq!(kecheng[7], Data::Float(1.0), "one reviewed");
    assert_eq!(summary.rows().nth(2).unwrap()[0], Data::Float(2.0));
    let e = env.refused(env.with_db().args(["export", "--format", "xlsx"]));
    assert!(e.contains("--out"), "{e}");
}

#[test]
fn a_gb18030_sheet_from_excel_imports_and_dry_run_writes_nothing() {
    let env = Env::new();
    let text = "县(市、区),指标,完成值,分子,分母,佐证材料,备注\n柯城区,1.2,75%,30,40,台账.xlsx,数据截至年底\n衢江区,1.3,是,,,,\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let file = env.path("报送.csv");
    std::fs::write(&file, &bytes).unwrap();
    // A dry run on a database not made yet makes none.
    let out = env.ok(&["import", "--dry-run", file.to_str().unwrap()]);
    assert!(
        out.contains("(GB18030) is fine: 2 submissions would be imported"),
        "{out}"
    );
    assert!(!env.db().exists());
    env.ok(&["init"]);
    let before = std::fs::read(env.db()).unwrap();
    env.ok(&["import", "--dry-run", file.to_str().unwrap()]);
    assert_eq!(std::fs::read(env.db()).unwrap(), before, "nothing written");
    let out = env.ok(&["import", file.to_str().unwrap()]);
    assert!(
        out.contains("imported 2 submissions") && out.contains("(read as GB18030)"),
        "{out}"
    );
    let items = env.json(&["export"]);
    let row = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county"] == "柯城区" && i["indicator"] == "1.2")
        .unwrap()
        .clone();
    assert_eq!(row["value"], "75%");
    assert_eq!(row["remark"], "数据截至年底");
    // Bytes that are neither: refused with the line.
    let bad = env.path("bad.csv");
    std::fs::write(&bad, b"county,indicator,value\n\xff\xfe\xfd,1.1,5\n").unwrap();
    let e = env.refused(env.with_db().arg("import").arg(&bad));
    assert!(
        e.contains("bad.csv:2: the file is neither UTF-8 nor GB18030"),
        "{e}"
    );
}

#[test]
fn scores_and_ranks_on_a_hand_checked_example() {
    let env = Env::new();
    let counties = env.write(
        "counties.csv",
        "code,name\n330802,柯城区\n330803,衢江区\n330825,龙游县\n",
    );
    env.kaohe()
        .arg("--db")
        .arg(env.db())
        .args([
            "init",
            "--targets",
            "tests/fixtures/scoring.toml",
            "--counties",
        ])
        .arg(&counties)
        .assert()
        .success();
    // 柯城区, as data/README.md works it: 8 + 3 + 0 + 3 + 3 + 0 − 2 = 15.
    for (indicator, verdict) in [
        ("1.1", "met"),
        ("1.2", "partly_met"),
        ("1.3", "not_met"),
        ("2.1", "met"),
        ("2.2", "met"),
        ("3.1", "not_met"),
    ] {
        env.ok(&["mark", "柯城区", indicator, verdict]);
    }
    // 衢江区: everything met, 36. 龙游县: everything met but 2.2, 一票否决.
    for indicator in ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1"] {
        env.ok(&["mark", "衢江区", indicator, "met"]);
        let v = if indicator == "2.2" { "not_met" } else { "met" };
        env.ok(&["mark", "龙游县", indicator, v]);
    }
    let status = env.json(&["status", "--json"]);
    let county = |code: &str| {
        status["counties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .unwrap()
            .clone()
    };
    let kecheng = county("330802");
    assert_eq!(kecheng["score"], 15.0);
    assert_eq!(kecheng["max_score"], 36.0);
    assert_eq!(kecheng["rank"], 2);
    assert_eq!(kecheng["reviewed"], 6);
    assert_eq!(kecheng["total"], 6);
    assert_eq!(county("330803")["score"], 36.0);
    assert_eq!(county("330803")["rank"], 1);
    let longyou = county("330825");
    assert_eq!(longyou["score"], 0.0);
    assert_eq!(longyou["rank"], 3);
    assert_eq!(longyou["vetoed_by"], serde_json::json!(["2.2"]));
    let points: Vec<f64> = status["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["points"].as_f64().unwrap())
        .collect();
    assert_eq!(points, [20.0, 6.0, 10.0]);
    assert_eq!(status["reviewed"], 18);

    let text = env.ok(&["status"]);
    assert!(text.contains("名次"), "{text}");
    assert!(text.contains("一票否决：2.2 未完成"), "{text}");
    let report = env.ok(&["export", "--format", "md"]);
    assert!(report.contains("| 2 | 柯城区 | 15 | 36 |"), "{report}");
    assert!(report.contains("得分 **15** / 36，第 2 名"), "{report}");
    assert!(
        report.contains("一票否决：2.2 未完成，得分作废"),
        "{report}"
    );
    assert!(
        report.contains("### 基本完成的项目\n\n- **1.2 二**"),
        "{report}"
    );
}

#[test]
fn bad_points_are_refused_where_they_are_written() {
    let env = Env::new();
    let good = std::fs::read_to_string("tests/fixtures/scoring.toml").unwrap();
    for (from, to, expected) in [
        (
            "points = 4\n",
            "points = 11\n",
            "bad.toml:24:1: target 1 is worth 10 points but its indicators already take 11",
        ),
        (
            "weight = 2\n",
            "weight = -1\n",
            "bad.toml:13:1: class 1: weight must be a number, 0 or more",
        ),
        (
            "partly = 60\n",
            "partly = 80\n",
            "bad.toml:46:1: indicator 1.3: partly (the edge of the 基本完成 band) must lie below the threshold 70",
        ),
        (
            "deduct = 2\n",
            "deduct = -2\n",
            "bad.toml:80:1: indicator 3.1: deduct must be a number, 0 or more",
        ),
        (
            "[[classes]]\nclass = 1\n",
            "[scoring]\npartly_met = 2\n\n[[classes]]\nclass = 1\n",
            "bad.toml:11:1: scoring.partly_met is a share of the points: a number from 0 to 1",
        ),
    ] {
        assert!(good.contains(from), "{from}");
        let bad = env.write("bad.toml", good.replacen(from, to, 1));
        let e = env.refused(env.with_db().args(["init", "--targets"]).arg(&bad));
        assert!(e.contains(expected), "{e}");
        assert!(!env.db().exists(), "nothing made");
    }
}

#[test]
fn a_corrected_sheet_shows_as_changed_since_reviewed_in_status_and_exports() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&["mark", "柯城区", "1.2", "not_met", "--note", "未达标"]);
    let sheet = env.write(
        "更正.csv",
        "县(市、区),指标,完成值,分子,分母\n柯城区,1.2,,30,42\n柯城区,1.3,60%,24,35\n",
    );
    let out = env.ok(&["import", sheet.to_str().unwrap()]);
    assert!(out.contains("1.3"), "the flagged figure is listed: {out}");
    let status = env.json(&["status", "--json"]);
    assert_eq!(status["changed_since_review"], 1);
    assert_eq!(status["counties"][0]["changed_since_review"], 1);
    assert!(env.ok(&["status"]).contains("评定后数据已变 1"));
    let items = env.json(&["export"]);
    let item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county_code"] == "330802" && i["indicator"] == "1.2")
        .unwrap()
        .clone();
    assert_eq!(item["changed_since_review"], true);
    assert_eq!(item["verdict"], "not_met", "the verdict is kept");
    assert_eq!(item["suggested"], "met", "30/42 is 71.4%, over 70%");
    assert_eq!(item["flags"], serde_json::json!([]));
    let disagreeing = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county_code"] == "330802" && i["indicator"] == "1.3")
        .unwrap()
        .clone();
    assert_eq!(
        disagreeing["flags"],
        serde_json::json!(["报送值 60% 与分子/分母算得 68.6% 不一致"])
    );
    let csv = env.ok(&["export", "--format", "csv"]);
    assert!(csv.contains(",not_met,未达标,"), "{csv}");
    // The flags, then the county's own assessment (none here): self_verdict, self_score,
    // self_disagrees.
    assert!(
        // Then the 自评 columns, the second review's (none here), the stage and the notes
        // (none on this row), then the cases, the void, the points and the grade (none), and
        // the verified figure's five (none), what it was written as (kept as written), then
        // issue 18's: no evidence file, nothing missing, no request open; and bare_fraction (no).
        csv.contains(",报送值 60% 与分子/分母算得 68.6% 不一致,,,,,,,,初步,,,,,,,,,,,,0,,,\n"),
        "{csv}"
    );
    // changed_since_review, flags (none), the 自评 and second review's columns (none), the
    // stage, then the notes, then the verified figure's columns (none).
    assert!(csv.lines().any(|l| l.starts_with("330802,柯城区,1.2,")
        && l.contains(",yes,,,,,,,,,初步,")
        // … the notes, no cases, no void, 0 points (not met), no grade, no verified figure,
        // nothing converted; no evidence file, nothing missing, no request; not a bare fraction.
        && l.ends_with("：未达标,,,0,,,,,,,,0,,,")));
    let report = env.ok(&["export", "--format", "md"]);
    assert!(report.contains("1 项在评定后报送数据有变"), "{report}");
    // Reviewed again, it is no longer marked.
    env.ok(&["mark", "柯城区", "1.2", "met"]);
    assert_eq!(env.json(&["status", "--json"])["changed_since_review"], 0);
}

#[test]
fn points_arriving_mid_review_apply_to_the_same_targets_only() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&["mark", "柯城区", "1.2", "met"]);
    assert_eq!(
        env.json(&["status", "--json"])["counties"][0]["max_score"],
        120.0
    );
    // The method's points arrive: 一类 weighs 2, target 1 is worth 20.
    let targets = std::fs::read_to_string("data/targets/2014.toml")
        .unwrap()
        .replacen(
            "class = 1\nname = \"一类目标\"\n",
            "class = 1\nname = \"一类目标\"\nweight = 2\n",
            1,
        )
        .replacen(
            "title = \"加快养老服务业发展\"\n",
            "title = \"加快养老服务业发展\"\npoints = 20\n",
            1,
        );
    let file = env.write("2014-points.toml", &targets);
    let before = std::fs::read(env.db()).unwrap();
    let out = env.ok(&["points", "--dry-run", file.to_str().unwrap()]);
    assert!(out.contains("would be 190 (now 120)"), "{out}");
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
    let out = env.ok(&["points", file.to_str().unwrap()]);
    assert!(out.contains("is 190 (was 120)"), "{out}");
    let status = env.json(&["status", "--json"]);
    let kecheng = &status["counties"][0];
    assert_eq!(kecheng["max_score"], 190.0);
    // 1.2 met: 20 points over target 1's 22 indicators, twice over: 1.82.
    assert_eq!(kecheng["score"], 1.82);
    assert_eq!(kecheng["reviewed"], 1, "the verdicts are untouched");
    // Other targets' points are refused, naming what differs.
    let e = env.refused(
        env.with_db()
            .args(["points", "tests/fixtures/scoring.toml"]),
    );
    assert!(e.contains("has other indicators than"), "{e}");
    let changed = targets.replacen("threshold = 70\n", "threshold = 75\n", 1);
    let file = env.write("other.toml", &changed);
    let e = env.refused(env.with_db().arg("points").arg(&file));
    assert!(e.contains("indicator 1.2 is not the one"), "{e}");
    assert_eq!(
        env.json(&["status", "--json"])["counties"][0]["max_score"],
        190.0
    );
}
