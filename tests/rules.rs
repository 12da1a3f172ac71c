#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Rule shapes, findings and grades through the real binary (issue 17): the worked example of
//! data/README.md (一.6, 计分规则的算例) made with `kaohe init --targets`, `import`, `mark` and
//! `finding`, and the same figures read back from `status --json` and every export; the
//! scoring changed mid-review with `kaohe points --dry-run`; and malformed rules refused at
//! their place. The same figures are asserted in crates/kaohe-core/src/score/worked.rs.

mod common;

use common::Env;
use common::pty::Screen;
use portable_pty::CommandBuilder;
use proptest::prelude::*;
use serde_json::Value;

const RULES: &str = "tests/fixtures/rules.toml";
const SUBMISSIONS: &str = "tests/fixtures/rules-submissions.csv";

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

/// The worked example's database: targets, submissions, verdicts and findings.
fn worked() -> Env {
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
            env.ok(&["mark", county, indicator, verdict]);
        }
    }
    for (county, n) in [
        ("衢江区", 3),
        ("龙游县", 10),
        ("江山市", 1),
        ("常山县", 0),
        ("开化县", 2),
    ] {
        env.ok(&["finding", county, "1.3", "--cases", &n.to_string()]);
    }
    for (county, n) in [("柯城区", 2), ("衢江区", 5), ("龙游县", 2), ("开化县", 1)] {
        env.ok(&["finding", county, "3.1", "--cases", &n.to_string()]);
    }
    let out = env.ok(&[
        "finding",
        "龙游县",
        "1.2",
        "--void",
        "弄虚作假：覆盖率台账与抽查不符",
    ]);
    assert_eq!(
        out,
        "330825 龙游县 1.2: 不计分（弄虚作假：覆盖率台账与抽查不符）\n"
    );
    env
}

/// (score, rank, grade, bonus) of each county, in the counties' order.
fn scores(status: &Value) -> Vec<(f64, u64, String, f64)> {
    status["counties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["score"].as_f64().unwrap(),
                c["rank"].as_u64().unwrap(),
                c["grade"].as_str().unwrap_or("").to_string(),
                c["bonus"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_worked_example_scores_through_the_binary_as_by_hand() {
    let env = worked();
    let status = env.json(&["status", "--json"]);
    let g = |s: &str| s.to_string();
    assert_eq!(
        scores(&status),
        [
            (20.0, 1, g("优秀"), 4.0),
            (14.0, 2, g("良好"), 4.0),
            (6.25, 5, g("一般"), 0.0),
            (13.0, 3, g("良好"), 1.0),
            (13.0, 3, g("良好"), 0.0),
            (0.0, 6, g("一般"), 0.0),
        ]
    );
    let c = &status["counties"];
    assert_eq!(c[0]["max_score"], 16.0);
    assert_eq!(c[0]["target_scores"], serde_json::json!([10.0, 6.0, 0.0]));
    assert_eq!(c[2]["voided"], serde_json::json!(["1.2"]));
    assert_eq!(c[2]["bonus_unproven"], serde_json::json!(["3.1"]));
    assert_eq!(c[4]["without_figure"], serde_json::json!(["2.1"]));
    assert_eq!(c[5]["vetoed_by"], serde_json::json!(["2.2"]));

    // The table says the same, graded, in columns.
    let text = env.ok(&["status"]);
    assert!(
        text.contains("1  330802 柯城区  得分 20/16（含加分 4）  等次 优秀"),
        "{text}"
    );
    assert!(text.contains("不计分：1.2  无佐证暂未加分：3.1"), "{text}");
    assert!(text.contains("无可计分数值：2.1"), "{text}");
    assert!(text.contains("一票否决：2.2 未完成"), "{text}");
}

#[test]
fn every_export_carries_the_points_findings_and_grades() {
    let env = worked();
    // JSON: each item's points under its rule, the findings, the county's grade.
    let items = env.json(&["export"]);
    let item = |county: &str, indicator: &str| -> Value {
        items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["county"] == county && i["indicator"] == indicator)
            .unwrap()
            .clone()
    };
    let points = |county: &str, indicator: &str| item(county, indicator)["points"].clone();
    // 1.1 shortfall: 96.5% is 1.5 short of 98: 2 − 0.75.
    assert_eq!(points("龙游县", "1.1"), 1.25);
    assert_eq!(points("江山市", "1.1"), 0.0, "扣完为止");
    // 1.2 all or nothing: 99.5% earns nothing; 龙游县's voided.
    assert_eq!(points("衢江区", "1.2"), 0.0);
    let voided = item("龙游县", "1.2");
    assert_eq!(voided["points"], 0.0);
    assert_eq!(voided["void_reason"], "弄虚作假：覆盖率台账与抽查不符");
    // 1.3 per case: 3 cases, 4 − 1.5.
    assert_eq!(item("衢江区", "1.3")["cases"], 3);
    assert_eq!(points("衢江区", "1.3"), 2.5);
    // 2.1 by rank, ties sharing the first place: 3, 3, 2, 1.5, –, 1.
    let ranked: Vec<Value> = COUNTIES.iter().map(|c| points(c, "2.1")).collect();
    assert_eq!(ranked, [3.0, 3.0, 2.0, 1.5, 0.0, 1.0].map(Value::from));
    // 3.1 bonus: capped at 3; without its evidence, nothing.
    assert_eq!(points("衢江区", "3.1"), 3.0);
    assert_eq!(points("龙游县", "3.1"), 0.0);
    assert_eq!(item("常山县", "3.1")["points"], Value::Null, "not reviewed");
    assert_eq!(item("柯城区", "1.1")["grade"], "优秀");

    // CSV: the same columns, at the end (before issue 16's as_written, issue 18's evidence
    // columns and issue 16's bare_fraction), with the table's keys.
    let csv = env.ok(&["export", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with(
            ",cases,void_reason,points,grade,verified,verified_reason,verified_by,verified_at,verified_lower,as_written,evidence_files,evidence_missing,requests_open,bare_fraction"
        ),
        "{header}"
    );
    let row = csv
        .lines()
        .find(|l| l.starts_with("330803,衢江区,1.3,"))
        .unwrap();
    // (then no verified figure, not converted, no evidence file, not a bare fraction)
    assert!(row.ends_with(",3,,2.5,良好,,,,,,,0,,,"), "{row}");

    // Markdown: the ranking with its grades, each county's grade and what the rules made.
    let md = env.ok(&["export", "--format", "md"]);
    assert!(
        md.contains("| 名次 | 县(市、区) | 得分 | 满分 | 等次 | 已评定 |"),
        "{md}"
    );
    assert!(md.contains("| 1 | 柯城区 | 20 | 16 | 优秀 | 7/7 |"), "{md}");
    assert!(md.contains("等次：**良好**。"), "{md}");
    assert!(md.contains("不计分（审核认定）：1.2。"), "{md}");
    assert!(md.contains("无佐证材料，暂未加分：3.1。"), "{md}");
    assert!(
        md.contains("### 不计分的项目\n\n- **1.2 城市覆盖率**　弄虚作假：覆盖率台账与抽查不符"),
        "{md}"
    );
    // The targets list says each indicator's rule.
    let targets = env.ok(&["targets"]);
    assert!(
        targets.contains("〈计分：≥ 98% 得满分（2 分），每低 1 个百分点扣 0.5 分，扣完为止〉"),
        "{targets}"
    );
    assert_eq!(
        env.json(&["targets", "--json"])[1]["indicators"][0]["rule"],
        serde_json::json!({"shape": "rank", "step": 0.5})
    );

    // Read back, kaohe's own export passes these columns over: nothing changes.
    let file = env.write("back.csv", &csv);
    let out = env.ok(&["import", file.to_str().unwrap(), "--dry-run"]);
    assert!(
        out.contains("24 submissions would be imported (0 new, 24 replacing earlier ones (0 with another figure))"),
        "{out}"
    );
    assert!(!out.contains("changed since reviewed"), "{out}");
}

#[test]
fn findings_are_logged_and_refused_plainly() {
    let env = worked();
    let log = env.ok(&["log", "--county", "龙游县", "--indicator", "1.2"]);
    assert!(
        log.contains("龙游县 1.2  不计分  理由：弄虚作假：覆盖率台账与抽查不符"),
        "{log}"
    );
    let json = env.json(&["log", "--json", "--indicator", "1.3", "--county", "衢江区"]);
    let finding = json
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "cases")
        .unwrap();
    assert_eq!(finding["to_cases"], 3);
    assert_eq!(finding["from_cases"], Value::Null);
    assert_eq!(finding["stage"], "初审");

    let before = std::fs::read(env.db()).unwrap();
    let e = env.refused(
        env.with_db()
            .args(["finding", "柯城区", "1.1", "--cases", "1"]),
    );
    assert_eq!(
        e,
        "kaohe: indicator 1.1 counts no cases (its rule is shortfall): a count would change nothing; the rules that count cases are per_case and bonus with each (data/README.md 一.6)"
    );
    let e = env.refused(
        env.with_db()
            .args(["finding", "柯城区", "1.1", "--void", "  "]),
    );
    assert!(e.contains("--void needs the reason"), "{e}");
    let e = env.refused(env.with_db().args(["finding", "柯城区", "1.1"]));
    assert!(e.contains("--cases"), "{e}");
    let e = env.refused(
        env.with_db()
            .args(["finding", "柯城区", "1.3", "--cases", "-1"]),
    );
    assert!(e.contains("-1"), "{e}");
    assert_eq!(std::fs::read(env.db()).unwrap(), before, "nothing written");

    // Taking them away: 龙游县 scores its 1.2 again.
    env.ok(&["finding", "龙游县", "1.2", "--unvoid"]);
    let out = env.ok(&["finding", "龙游县", "1.2", "--unvoid"]);
    assert!(out.contains("unchanged"), "{out}");
    let status = env.json(&["status", "--json"]);
    assert_eq!(status["counties"][2]["score"], 10.25);
    // A sign-off refuses a finding like any change.
    env.ok(&["lock", "--reason", "审定"]);
    let e = env.refused(
        env.with_db()
            .args(["finding", "衢江区", "1.3", "--cases", "4"]),
    );
    assert!(e.contains("已审定"), "{e}");
}

#[test]
fn the_points_dry_run_shows_every_county_before_and_after_then_applies() {
    let env = worked();
    // A place lower on 2.1 now costs 1; 优秀 from 13, 良好 from 10.
    let changed = std::fs::read_to_string(RULES)
        .unwrap()
        .replace("shape = \"rank\", step = 0.5", "shape = \"rank\", step = 1")
        .replace("at_least = 16", "at_least = 13")
        .replace("at_least = 12", "at_least = 10");
    let file = env.write("rules-2.toml", &changed);
    let before = std::fs::read(env.db()).unwrap();
    let out = env.ok(&["points", "--dry-run", file.to_str().unwrap()]);
    assert_eq!(std::fs::read(env.db()).unwrap(), before, "nothing written");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].ends_with("is fine: the most a county can earn would be 16 (now 16); nothing was written (--dry-run)"),
        "{out}"
    );
    let table = &lines[2..8 + 1];
    assert_eq!(
        table,
        [
            "  县(市、区)  得分 前 → 后           增减  名次 前 → 后  等次 前 → 后",
            "  柯城区      20 → 20                0     1 → 1         优秀 → 优秀",
            "  衢江区      14 → 14                0     2 → 2         良好 → 优秀",
            "  常山县      13 → 13                0     3 → 3         良好 → 优秀",
            "  江山市      13 → 11.5              −1.5  3 → 4         良好 → 良好",
            "  龙游县      6.25 → 5.25            −1    5 → 5         一般 → 一般",
            "  开化县      0（否决） → 0（否决）  0     6 → 6         一般 → 一般",
        ]
    );
    // The columns line up as a terminal shows them (a Chinese character is two columns).
    let at = |line: &str, what: &str| kaohe::text::width(&line[..line.find(what).unwrap()]);
    assert_eq!(at(table[0], "名次"), at(table[4], "3 → 4"));

    let out = env.ok(&["points", file.to_str().unwrap()]);
    assert!(out.starts_with("applied the points of"), "{out}");
    assert!(out.contains("江山市      13 → 11.5"), "{out}");
    let status = env.json(&["status", "--json"]);
    assert_eq!(status["counties"][3]["score"], 11.5);
    assert_eq!(status["counties"][1]["grade"], "优秀");
    let log = env.ok(&["log"]);
    assert!(log.contains("计分规则 应用"), "{log}");
}

#[test]
fn malformed_rules_are_refused_at_their_place_and_nothing_is_made() {
    let text = std::fs::read_to_string(RULES).unwrap();
    for (from, to, says) in [
        (
            "shape = \"per_case\", deduct = 0.5",
            "shape = \"per_cases\", deduct = 0.5",
            "unknown rule shape \"per_cases\"",
        ),
        (
            "each = 1, cap = 3",
            "each = 1, cap = -3",
            "rule bonus: cap must be a number above 0",
        ),
        ("bonus_cap = 4", "bonus_cap = -4", "scoring.bonus_cap"),
        (
            "at_least = 12",
            "at_least = 18",
            "grade 良好: at_least 18 must be below 优秀's 16",
        ),
    ] {
        let env = Env::new();
        let bad = text.replacen(from, to, 1);
        let file = env.write("bad.toml", &bad);
        let e = env.refused(env.with_db().args(["init", "--targets"]).arg(&file));
        let line = bad[..bad.find(to).unwrap()].matches('\n').count() + 1;
        assert!(
            e.starts_with(&format!("kaohe: {}:{line}:", file.display())),
            "{e}"
        );
        assert!(e.contains(says), "{e}");
        assert!(!env.db().exists(), "no database made");
    }
}

/// The workspace on the worked example's database, as 张三, looking at the database every
/// 100 ms, in a `cols`×`rows` terminal.
fn open(env: &Env, cols: u16, rows: u16) -> Screen {
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kaohe"));
    cmd.arg("--db");
    cmd.arg(env.db());
    cmd.args(["--reviewer", "张三"]);
    cmd.cwd(env.dir.path());
    cmd.env("HOME", env.dir.path());
    cmd.env("XDG_DATA_HOME", env.path("data"));
    cmd.env("XDG_CONFIG_HOME", env.path("config"));
    cmd.env("XDG_CONFIG_DIRS", env.path("etc-xdg"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("USER", "tester");
    cmd.env("LOGNAME", "tester");
    cmd.env("KAOHE_POLL_MS", "100");
    for name in [
        "KAOHE_DB",
        "KAOHE_LANG",
        "KAOHE_CONFIG",
        "NO_COLOR",
        "COLORTERM",
    ] {
        cmd.env_remove(name);
    }
    Screen::spawn(cmd, cols, rows)
}

/// Two processes: a workspace shows the summary while `kaohe points` applies new rules and
/// grades beside it, and another reviewer's finding arrives; the open summary counts them
/// again, without a restart.
#[test]
fn an_open_workspace_scores_anew_when_the_rules_change_beside_it() {
    let env = worked();
    let mut screen = open(&env, 120, 32);
    screen.wait_for("评审人 张三");
    screen.send("s");
    // The summary's column of grades (the hint line names 汇总 on every screen).
    let shown = screen.wait_for("等次");
    assert!(shown.contains("江山市"), "{shown}");
    // 江山市 at 13, 良好; 柯城区's bonus shown beside its score.
    assert!(shown.contains("20/16 加4"), "{shown}");
    let line = |screen: &str, county: &str| -> String {
        screen
            .lines()
            .find(|l| l.contains(county))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line(&shown, "江山市").contains("13/16"), "{shown}");
    assert!(line(&shown, "江山市").contains("良好"), "{shown}");

    let changed = std::fs::read_to_string(RULES)
        .unwrap()
        .replace("shape = \"rank\", step = 0.5", "shape = \"rank\", step = 1")
        .replace("at_least = 12", "at_least = 10");
    let file = env.write("rules-2.toml", &changed);
    env.ok(&["--reviewer", "王五", "points", file.to_str().unwrap()]);
    let shown = screen.wait_for("计分规则已更新");
    assert!(shown.contains("王五 应用了"), "{shown}");
    let shown = screen.wait_for("11.5/16");
    assert!(line(&shown, "江山市").contains("11.5/16"), "{shown}");
    assert!(line(&shown, "江山市").contains("良好"), "{shown}");
    assert!(line(&shown, "龙游县").contains("5.25/16"), "{shown}");

    // Another reviewer takes 龙游县's void away: its 1.2 earns 4 again.
    env.ok(&["--reviewer", "李四", "finding", "龙游县", "1.2", "--unvoid"]);
    screen.wait_for("李四 已取消不计分：龙游县 1.2 城市覆盖率");
    let shown = screen.wait_for("9.25/16");
    assert!(line(&shown, "龙游县").contains("9.25/16"), "{shown}");
    // q closes the summary, then the workspace.
    screen.send("q");
    screen.wait_gone("等次");
    screen.send("q");
    assert_eq!(screen.exit_code(), 0);
}

/// `V` on the item under the cursor: the reason typed in the editor, the void written, logged
/// and counted, as `kaohe finding --void` would.
#[test]
fn a_void_entered_in_the_workspace_is_written_and_counted() {
    let env = worked();
    let mut screen = open(&env, 100, 30);
    // The workspace opens on the first item not reviewed: 江山市 3.1.
    screen.wait_for("评审人 张三");
    screen.send("V");
    screen.wait_for("不计分理由 · 江山市 · 3.1");
    screen.send("弄虚作假");
    // Enter once the text is in (sent with it, it would be part of a paste).
    screen.wait_for("│弄虚作假");
    screen.send("\r");
    screen.wait_for("已认定不计分");
    let shown = screen.wait_for("不计分：弄虚作假");
    assert!(shown.contains("认定"), "{shown}");
    screen.send("q");
    assert_eq!(screen.exit_code(), 0);
    let status = env.json(&["status", "--json"]);
    assert_eq!(status["counties"][3]["voided"], serde_json::json!(["3.1"]));
    let log = env.ok(&["log", "--county", "江山市"]);
    // Under the reviewer's name, beside the account the kernel says runs it.
    assert!(log.contains("  张三("), "{log}");
    assert!(
        log.contains(")  江山市 3.1  不计分  理由：弄虚作假"),
        "{log}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever a rule table holds, the file is read or refused with its place: never a panic.
    #[test]
    fn any_rule_is_read_or_refused_with_a_place(
        shape in "(verdict|shortfall|all_or_nothing|per_case|rank|bonus|[a-z_]{0,8})",
        keys in proptest::collection::vec(
            ("(full_at|per|deduct|whole|at|step|cap|each|[a-z]{1,5})",
             "(-?[0-9]{1,3}(\\.[0-9])?|true|nan|inf|\"x\")"),
            0..4,
        ),
    ) {
        let text = std::fs::read_to_string(RULES).unwrap();
        let mut table = format!("shape = \"{shape}\"");
        for (k, v) in &keys {
            table.push_str(&format!(", {k} = {v}"));
        }
        let file = text.replacen("shape = \"rank\", step = 0.5", &table, 1);
        match kaohe::catalog::parse_targets(&file, "p.toml") {
            Ok(c) => {
                let rule = c.indicator("2.1").unwrap().rule;
                prop_assert_eq!(rule.shape(), shape.as_str());
            }
            Err(e) => {
                let e = e.to_string();
                prop_assert!(e.starts_with("p.toml:"), "{}", e);
                prop_assert!(!e.contains('\n'), "{}", e);
            }
        }
    }
}
