#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The verified figure (核定值) through the real binary: `kaohe verify` records, replaces and
//! clears it (refusals leave the database byte for byte as it was), `kaohe log` shows it, every
//! export carries both figures (核减 where lower) and kaohe's import passes them over; in the
//! workspace (a pseudo-terminal at 80×24) `=` records one, the suggestion then goes by it, and
//! a colleague's figure recorded meanwhile is never replaced unasked.

mod common;

use common::Env;
use common::pty::Screen;
use portable_pty::CommandBuilder;
use serde_json::Value;

/// The demo database: 衢江区 sent 83.3％ (10/12) for 1.2 (≥ 70%): it suggests 完成.
fn demo() -> Env {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env
}

fn item<'a>(export: &'a Value, county: &str, indicator: &str) -> &'a Value {
    export
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county"] == county && i["indicator"] == indicator)
        .unwrap()
}

#[test]
fn verify_records_replaces_and_clears_and_the_log_says_so() {
    let env = demo();
    let out = env.ok(&[
        "--reviewer",
        "王五",
        "verify",
        "衢江区",
        "1.2",
        "60",
        "--reason",
        "实地核查：12个社区只有7个照料中心在运营",
    ]);
    assert_eq!(
        out,
        "330803 衢江区 1.2: 核定值 — → 60% · 报送 83.3％ · 核减 · suggests 未完成\n"
    );
    // The same again changes nothing; another reviewer's replaces it, naming whose it was.
    let out = env.ok(&[
        "--reviewer",
        "王五",
        "verify",
        "衢江区",
        "1.2",
        "60%",
        "--reason",
        "实地核查：12个社区只有7个照料中心在运营",
    ]);
    assert_eq!(out, "330803 衢江区 1.2: unchanged (核定值 60%)\n");
    let out = env.ok(&[
        "--reviewer",
        "张三",
        "verify",
        "330803",
        "1.2",
        "８０％",
        "--reason",
        "补充台账后复核",
    ]);
    assert_eq!(
        out,
        "330803 衢江区 1.2: 核定值 60% (王五) → 80% · 报送 83.3％ · 核减 · suggests 完成\n"
    );
    let out = env.ok(&["--reviewer", "张三", "verify", "衢江区", "1.2", "clear"]);
    assert_eq!(
        out,
        "330803 衢江区 1.2: 核定值 80% → — · 报送 83.3％ · suggests 完成\n"
    );
    let log = env.ok(&["log", "--county", "衢江区"]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert!(
        lines[0].contains("王五(")
            && lines[0].ends_with(
                ")  衢江区 1.2  核定 — → 60%（报送 83.3％）  理由：实地核查：12个社区只有7个照料中心在运营"
            ),
        "{log}"
    );
    assert!(lines[1].contains("核定 60%（王五） → 80%"), "{log}");
    assert!(lines[2].contains("核定 80% → —"), "{log}");
    let json = env.json(&["log", "--json"]);
    let events = json.as_array().unwrap();
    assert_eq!(events[0]["stage"], "核定");
    assert_eq!(events[0]["verified_from"], Value::Null);
    assert_eq!(events[0]["verified_to"], "60%");
    assert_eq!(events[1]["verified_from_by"], "王五");
    assert_eq!(events[0]["county_figure"], "83.3％");
}

#[test]
fn what_cannot_be_verified_is_refused_in_one_line_and_changes_nothing() {
    let env = demo();
    let before = std::fs::read(env.db()).unwrap();
    let cases: [(&[&str], &str); 7] = [
        (
            &["verify", "衢江区", "1.2", "60%"],
            "kaohe: a verified figure needs its reason: --reason TEXT (what the evidence showed)",
        ),
        (
            &["verify", "衢江区", "1.2", "约七成", "--reason", "x"],
            "kaohe: \"约七成\" is not a number in %: give the verified figure as a number, e.g. 70%",
        ),
        (
            &["verify", "衢江区", "1.2", "13万元", "--reason", "x"],
            "kaohe: \"13万元\" is not a number in %: give the verified figure as a number, e.g. 70%",
        ),
        (
            &["verify", "衢江区", "1.1", "1", "--reason", "x"],
            "kaohe: indicator 1.1 asks for no number (it is yes_no): a verified figure (核定值) is a number against a threshold; say what was found in a note",
        ),
        (
            &["verify", "衢江区", "1.2", "83.3", "--reason", "x"],
            "kaohe: 330803 × 1.2: 83.3％ is the county's own figure; a verified figure (核定值) is recorded where it differs",
        ),
        (
            &["verify", "衢江区", "9.9", "1", "--reason", "x"],
            "kaohe: unknown indicator",
        ),
        (
            &["verify", "衢江区", "1.2", "60%", "--reason", "a\u{1b}[2J"],
            "kaohe: --reason contains the control character U+001B",
        ),
    ];
    for (args, said) in cases {
        let message = env.refused(env.with_db().args(args));
        assert!(message.starts_with(said), "{args:?}: {message}");
    }
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
    // A lock refuses it, naming who locked it.
    env.ok(&["--reviewer", "王五", "lock", "--target", "1"]);
    let before = std::fs::read(env.db()).unwrap();
    let message =
        env.refused(
            env.with_db()
                .args(["verify", "衢江区", "1.2", "60%", "--reason", "x"]),
        );
    assert!(message.contains("已审定：王五"), "{message}");
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
}

#[test]
fn nothing_submitted_nothing_to_verify() {
    let env = Env::new();
    env.ok(&["init"]);
    let message =
        env.refused(
            env.with_db()
                .args(["verify", "衢江区", "1.2", "60%", "--reason", "x"]),
        );
    assert!(message.contains("nothing was submitted"), "{message}");
    // A database that does not exist yet is not made for it.
    let env = Env::new();
    let message =
        env.refused(
            env.with_db()
                .args(["verify", "衢江区", "1.2", "60%", "--reason", "x"]),
        );
    assert!(message.contains("does not exist yet"), "{message}");
    assert!(!env.db().exists());
}

#[test]
fn every_export_carries_both_figures_and_an_import_passes_the_verified_over() {
    let env = demo();
    env.ok(&[
        "--reviewer",
        "王五",
        "verify",
        "衢江区",
        "1.2",
        "60%",
        "--reason",
        "实地核查, \"7个\"在运营",
    ]);
    env.ok(&[
        "--reviewer",
        "王五",
        "verify",
        "柯城区",
        "1.2",
        "55%",
        "--reason",
        "台账复核",
    ]);
    // JSON: the county's figure as sent, the verified one beside it, and what it suggests.
    let json = env.json(&["export"]);
    let q = item(&json, "衢江区", "1.2");
    assert_eq!(q["value"], "83.3％");
    assert_eq!(q["verified"], "60%");
    assert_eq!(q["verified_reason"], "实地核查, \"7个\"在运营");
    assert_eq!(q["verified_by"], "王五");
    assert_eq!(q["verified_lower"], true);
    assert_eq!(q["suggested"], "not_met", "the verified figure is judged");
    let k = item(&json, "柯城区", "1.2");
    assert_eq!(
        (&k["verified"], &k["verified_lower"]),
        (&Value::from("55%"), &Value::from(false)),
        "higher than 52.4%: no 核减"
    );
    let untouched = item(&json, "龙游县", "1.2");
    assert_eq!(untouched["verified"], Value::Null);
    // CSV: the same columns; 核减 is "yes".
    let csv = env.ok(&["export", "--format", "csv"]);
    let head = csv.lines().next().unwrap();
    assert!(
        head.ends_with(
            "verified,verified_reason,verified_by,verified_at,verified_lower,as_written,evidence_files,evidence_missing,requests_open,bare_fraction"
        ),
        "{head}"
    );
    let row = csv
        .lines()
        .find(|l| l.starts_with("330803,衢江区,1.2,"))
        .unwrap();
    assert!(
        row.contains(",60%,\"实地核查, \"\"7个\"\"在运营\",王五,"),
        "{row}"
    );
    // 核减, then no figure as written (it was not converted), no evidence file, nothing
    // missing, no request, not a bare fraction.
    assert!(row.ends_with(",yes,,0,,,"), "{row}");
    // Markdown: the item listed with both figures once it is not met.
    env.ok(&["mark", "衢江区", "1.2", "未完成"]);
    let md = env.ok(&["export", "--format", "md"]);
    assert!(
        md.contains("报送 83.3％，核定 60%（王五，核减：实地核查, \"7个\"在运营）"),
        "{md}"
    );
    // The workbook: headers 核定值 … 核减, the cells as the CSV's.
    let xlsx = env.path("r.xlsx");
    env.ok(&[
        "export",
        "--format",
        "xlsx",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    use calamine::{Reader, open_workbook_auto};
    let mut book = open_workbook_auto(&xlsx).unwrap();
    let sheet = book.worksheet_range("评审结果").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let head = &rows[0];
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    let row = rows
        .iter()
        .find(|r| r[0] == "330803" && r[2] == "1.2")
        .unwrap();
    assert_eq!(row[at("核定值")], "60%");
    assert_eq!(row[at("核定人")], "王五");
    assert_eq!(row[at("核减")], "核减");
    // Each export imported into a new database gives the county's figures, not the city's.
    for (name, format) in [("e.csv", "csv"), ("e.json", "json"), ("e.xlsx", "xlsx")] {
        let file = env.path(name);
        env.ok(&[
            "export",
            "--format",
            format,
            "--out",
            file.to_str().unwrap(),
        ]);
        let other = Env::new();
        other.ok(&["init"]);
        other.ok(&["import", file.to_str().unwrap()]);
        let back = other.json(&["export"]);
        let q = item(&back, "衢江区", "1.2");
        assert_eq!(q["value"], "83.3％", "{format}");
        assert_eq!(
            q["verified"],
            Value::Null,
            "{format}: the city's is passed over"
        );
        assert_eq!(q["suggested"], "met", "{format}");
    }
}

/// The workspace on the test's database as `reviewer`, at 80×24, looking for others' work
/// often.
fn workspace(env: &Env, reviewer: &str) -> Screen {
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kaohe"));
    cmd.arg("--db");
    cmd.arg(env.db());
    cmd.args(["--reviewer", reviewer]);
    cmd.cwd(env.dir.path());
    cmd.env("HOME", env.dir.path());
    cmd.env("XDG_DATA_HOME", env.dir.path().join("data"));
    cmd.env("XDG_CONFIG_HOME", env.dir.path().join("config"));
    cmd.env("XDG_CONFIG_DIRS", env.dir.path().join("etc-xdg"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("KAOHE_POLL_MS", "100");
    cmd.env_remove("KAOHE_DB");
    cmd.env_remove("KAOHE_LANG");
    cmd.env_remove("KAOHE_CONFIG");
    Screen::spawn(cmd, 80, 24)
}

/// From the first item (柯城区 1.1) to 衢江区 1.2.
fn to_quzhou_1_2(s: &mut Screen) {
    s.wait_for("详情 · 柯城区 · 1.1");
    s.send("l");
    s.wait_for("详情 · 柯城区 · 1.2");
    s.send("j");
    s.wait_for("详情 · 衢江区 · 1.2");
}

#[test]
fn in_the_workspace_a_verified_figure_changes_the_suggestion_and_so_the_score() {
    let env = demo();
    let mut s = workspace(&env, "张三");
    to_quzhou_1_2(&mut s);
    let screen = s.text();
    assert!(
        screen.contains("建议 完成"),
        "83.3% suggests 完成:\n{screen}"
    );
    // `=`: the editor, the figure, Tab, the reason in Chinese (an input method's phrase).
    s.send("=");
    s.wait_for("┌核定值 · 衢江区");
    s.send("60");
    s.wait_for("核定值  ▸60");
    s.send("\t");
    s.wait_for("核定说明▸");
    s.send("实地核查只有7个在运营");
    s.wait_for("实地核查只有7个在运营");
    s.send("\r");
    s.wait_for("已核定：衢江区 1.2 照料中心覆盖率(城市) 60%（核减）");
    let screen = s.wait_for("核定 60% · 核减 · 张三");
    assert!(screen.contains("衢江区 83.3％→60% 未达标"), "{screen}");
    assert!(screen.contains("建议 未完成"), "{screen}");
    // Enter marks what the figure suggests: the verified figure's.
    s.send("\r");
    s.wait_for("衢江区 1.2 照料中心覆盖率(城市) → 未完成");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let json = env.json(&["export"]);
    let q = item(&json, "衢江区", "1.2");
    assert_eq!(
        (&q["verdict"], &q["verified"]),
        (&Value::from("not_met"), &Value::from("60%"))
    );
    let status = env.json(&["status", "--json"]);
    let quzhou = status["counties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "衢江区")
        .unwrap();
    assert_eq!(
        quzhou["score"], 0.0,
        "not met on the verified figure: no points"
    );
    // Without the verified figure the same key would have earned the indicator's points.
    env.ok(&["verify", "衢江区", "1.2", "clear"]);
    let json = env.json(&["export"]);
    assert_eq!(item(&json, "衢江区", "1.2")["suggested"], "met");
}

#[test]
fn a_colleagues_verified_figure_recorded_meanwhile_is_not_replaced_unasked() {
    let env = demo();
    let mut s = workspace(&env, "张三");
    to_quzhou_1_2(&mut s);
    s.send("=");
    s.wait_for("┌核定值 · 衢江区");
    s.send("58");
    s.wait_for("核定值  ▸58");
    s.send("\t");
    s.wait_for("核定说明▸");
    s.send("台账不全");
    s.wait_for("台账不全");
    // 王五 records his while the editor is open.
    env.ok(&[
        "--reviewer",
        "王五",
        "verify",
        "衢江区",
        "1.2",
        "60%",
        "--reason",
        "实地核查",
    ]);
    s.wait_for("王五 核定了：衢江区 1.2");
    // Enter writes nothing over it and says whose is there.
    s.send("\r");
    s.wait_for("王五 刚核定为 60%，你的未保存");
    assert_eq!(
        item(&env.json(&["export"]), "衢江区", "1.2")["verified"],
        "60%"
    );
    // Enter again asks first; `n` writes nothing, `y` replaces it.
    s.send("\r");
    s.wait_for("王五 已核定为 60%，你要改为 58%？ y 改 · n 不改");
    s.send("n");
    s.wait_gone("你要改为 58%？");
    assert_eq!(
        item(&env.json(&["export"]), "衢江区", "1.2")["verified"],
        "60%"
    );
    s.send("\r");
    s.wait_for("你要改为 58%？");
    s.send("y");
    s.wait_for("已核定：衢江区 1.2 照料中心覆盖率(城市) 58%（核减）");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let q = item(&env.json(&["export"]), "衢江区", "1.2").clone();
    assert_eq!(
        (&q["verified"], &q["verified_by"]),
        (&Value::from("58%"), &Value::from("张三"))
    );
    let log = env.ok(&["log", "--county", "衢江区"]);
    assert!(log.contains("核定 60%（王五） → 58%"), "{log}");
}

#[test]
fn in_the_workspace_what_cannot_be_verified_is_said_in_the_box() {
    let env = demo();
    let mut s = workspace(&env, "张三");
    to_quzhou_1_2(&mut s);
    s.send("=");
    s.wait_for("┌核定值 · 衢江区");
    // No reason: said, and the reason's field takes what is typed next.
    s.send("60");
    s.wait_for("核定值  ▸60");
    s.send("\r");
    s.wait_for("请写核定说明（核实的依据）");
    s.wait_for("核定说明▸");
    // Words are no figure.
    s.send("\t");
    s.wait_for("核定值  ▸60");
    s.send("\x7f");
    s.wait_for("核定值  ▸6 ");
    s.send("\x7f");
    s.wait_for("核定值  ▸ ");
    s.send("约七成");
    s.wait_for("核定值  ▸约七成");
    s.send("\r");
    s.wait_for("“约七成”不是以“%”计的数字");
    // Esc with changes asks; d throws them away.
    s.send("\x1b");
    s.wait_for("有未保存的改动");
    s.send("d");
    s.wait_for("已放弃核定值的改动");
    // A yes/no indicator takes none.
    s.send("h");
    s.wait_for("详情 · 衢江区 · 1.1");
    s.send("=");
    s.wait_for("该指标没有数值要求");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    assert_eq!(
        item(&env.json(&["export"]), "衢江区", "1.2")["verified"],
        Value::Null
    );
}

mod typed {
    use kaohe::catalog::Catalog;
    use kaohe::verified::read_verified;
    use proptest::prelude::*;

    proptest! {
        // A fixed seed, as tests/never_panic.rs: the same cases every run.
        #![proptest_config(ProptestConfig {
            cases: 500,
            rng_seed: proptest::test_runner::RngSeed::Fixed(2014),
            ..ProptestConfig::default()
        })]

        /// Whatever a reviewer types as a verified figure is a number in the indicator's
        /// unit, written as kaohe writes it, or refused with a line that quotes it safely.
        #[test]
        fn any_typed_figure_is_a_number_in_the_unit_or_refused(
            typed in prop_oneof!["\\PC{0,24}", "[-+]?[0-9０-９.,，]{0,10}[%％元]?", "\\PC{0,3}\u{1b}\\PC{0,3}"],
            which in 0usize..127,
        ) {
            static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
            let catalog = CATALOG.get_or_init(|| Catalog::embedded_2014().unwrap());
            let ind = catalog.indicators().nth(which).unwrap();
            match read_verified(ind, &typed) {
                Ok((value, number)) => {
                    let unit = &ind.requirement.as_ref().unwrap().unit;
                    prop_assert!(number.is_finite());
                    prop_assert!(value.ends_with(unit.as_str()), "{value}");
                    // Read again, it is the same figure.
                    prop_assert_eq!(read_verified(ind, &value).unwrap(), (value.clone(), number));
                }
                Err(e) => {
                    let line = e.to_string();
                    prop_assert!(!line.contains('\n') && !line.contains('\u{1b}'), "{line:?}");
                    prop_assert!(!e.zh().contains('\u{1b}'), "{}", e.zh());
                }
            }
        }
    }
}

/// The rule shapes' worked example (tests/fixtures/rules.toml, data/README.md 一.6): 1.1 is
/// scored by its figure, 2 points at ≥ 98%, 0.5 off a point short; 1.2 all or nothing at 100%.
#[test]
fn a_verified_figure_is_what_a_rule_scores_by() {
    let env = Env::new();
    env.ok(&["init", "--targets", "tests/fixtures/rules.toml"]);
    env.ok(&["import", "tests/fixtures/rules-submissions.csv"]);
    env.ok(&["mark", "柯城区", "1.1", "met"]);
    env.ok(&["mark", "柯城区", "1.2", "met"]);
    let points = |ind: &str| -> f64 {
        let json = env.json(&["export"]);
        item(&json, "柯城区", ind)["points"].as_f64().unwrap()
    };
    let score = || -> f64 {
        let status = env.json(&["status", "--json"]);
        status["counties"][0]["score"].as_f64().unwrap()
    };
    // The county's 99% and 100%: full points.
    assert_eq!((points("1.1"), points("1.2")), (2.0, 4.0));
    let before = score();
    // Verified at 96%: two points short, 1 off; and 1.2 at 99.5%: nothing.
    env.ok(&["verify", "柯城区", "1.1", "96%", "--reason", "抽查台账"]);
    env.ok(&[
        "verify",
        "柯城区",
        "1.2",
        "99.5",
        "--reason",
        "2个社区未覆盖",
    ]);
    assert_eq!((points("1.1"), points("1.2")), (1.0, 0.0));
    assert_eq!(score(), before - 5.0);
    // Cleared, the county's figures score again.
    env.ok(&["verify", "柯城区", "1.1", "clear"]);
    env.ok(&["verify", "柯城区", "1.2", "clear"]);
    assert_eq!(score(), before);
}
