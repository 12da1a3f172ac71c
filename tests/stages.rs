#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The later stages on the command line, the real binary on temporary databases: `check`
//! (复核), `lock`/`unlock` (审定) and every write refused while locked with one line, `status
//! --by reviewer|division|stage` on a hand-checked example, the log and the exports.

mod common;

use calamine::Reader;
use common::Env;
use serde_json::Value;

/// Marks as `who` (no registry: the name is who someone is).
fn mark(env: &Env, who: &str, county: &str, indicator: &str, verdict: &str) {
    env.ok(&["--reviewer", who, "mark", county, indicator, verdict]);
}

fn check(env: &Env, who: &str, county: &str, indicator: &str, decision: &str, reason: &str) {
    let mut args = vec!["--reviewer", who, "check", county, indicator, decision];
    if !reason.is_empty() {
        args.extend(["--reason", reason]);
    }
    env.ok(&args);
}

/// The exported item.
fn exported(env: &Env, county: &str, indicator: &str) -> Value {
    let all = env.json(&["export"]);
    all.as_array()
        .unwrap()
        .iter()
        .find(|i| i["county"] == county && i["indicator"] == indicator)
        .cloned()
        .unwrap()
}

#[test]
fn check_confirms_or_changes_with_a_reason_and_both_verdicts_are_kept() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    mark(&env, "张三", "柯城区", "1.1", "完成");
    mark(&env, "张三", "衢江区", "1.1", "完成");
    // A change without a reason is refused, and nothing is written.
    let before = std::fs::read(env.db()).unwrap();
    let line = env.refused(env.with_db().args([
        "--reviewer",
        "李四",
        "check",
        "衢江区",
        "1.1",
        "基本完成",
    ]));
    assert!(line.contains("needs a reason: --reason TEXT"), "{line}");
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
    let out = env.ok(&[
        "--reviewer",
        "李四",
        "check",
        "衢江区",
        "1.1",
        "partly_met",
        "--reason",
        "农村照料中心口径不一",
    ]);
    assert_eq!(
        out,
        "330803 衢江区 1.1: 复核 改判 完成 → 基本完成 (初审 张三)\n"
    );
    let out = env.ok(&["--reviewer", "李四", "check", "柯城区", "1.1", "confirm"]);
    assert_eq!(out, "330802 柯城区 1.1: 复核 同意 完成 (初审 张三)\n");
    // The same again changes nothing.
    let out = env.ok(&["--reviewer", "李四", "check", "柯城区", "1.1", "同意"]);
    assert!(out.contains("unchanged (复核 同意 完成"), "{out}");
    // Both verdicts are kept, and the export carries the second with its checker and reason.
    let item = exported(&env, "衢江区", "1.1");
    assert_eq!(item["verdict"], "met");
    assert_eq!(item["reviewer"], "张三");
    assert_eq!(item["second_verdict"], "partly_met");
    assert_eq!(item["checker"], "李四");
    assert_eq!(item["check_reason"], "农村照料中心口径不一");
    assert!(item["checked_at"].as_str().unwrap().starts_with("20"));
    assert_eq!(item["stage"], "初步");
    let agreed = exported(&env, "柯城区", "1.1");
    assert_eq!(agreed["second_verdict"], "met");
    assert_eq!(agreed["check_reason"], Value::Null);
    // The verdict that counts is the second: one met, one partly met.
    let status = env.json(&["status", "--json"]);
    assert_eq!(
        (status["met"].as_i64(), status["partly_met"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(status["stages"]["checked"], 2);
    assert_eq!(status["stages"]["agreement"], 50.0);
    // The CSV too.
    let csv = env.ok(&["export", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(
        // (then issue 17's findings, points and grade)
        header.contains(",second_verdict,checker,check_reason,checked_at,stage,notes,"),
        "{header}"
    );
    assert!(
        csv.lines().any(|l| l.starts_with("330803,衢江区,1.1,")
            && l.contains(",partly_met,李四,农村照料中心口径不一,")),
        "{csv}"
    );
    // And an export imports again: its new columns are passed over.
    let back = env.write("back.csv", csv.trim_start_matches('\u{feff}'));
    env.ok(&["import", back.to_str().unwrap(), "--dry-run"]);
}

#[test]
fn check_refuses_ones_own_first_verdict_and_an_item_not_marked() {
    let env = Env::new();
    // No database yet: refused, and none is made.
    for args in [
        &["check", "柯城区", "1.1", "confirm"][..],
        &["lock"][..],
        &["unlock", "--reason", "x"][..],
    ] {
        let line = env.refused(env.with_db().args(args));
        assert!(line.contains("does not exist yet"), "{line}");
        assert!(!env.db().exists(), "{args:?} made a database");
    }
    env.ok(&["init"]);
    mark(&env, "张三", "柯城区", "1.1", "完成");
    let line = env.refused(env.with_db().args([
        "--reviewer",
        "张三",
        "check",
        "柯城区",
        "1.1",
        "confirm",
    ]));
    assert_eq!(
        line,
        "kaohe: 330802 × 1.1: the first verdict (初审) is 张三's own; 复核 is someone else's"
    );
    let line = env.refused(env.with_db().args([
        "--reviewer",
        "李四",
        "check",
        "柯城区",
        "1.2",
        "confirm",
    ]));
    assert!(line.contains("has no first verdict (初审) yet"), "{line}");
    let line =
        env.refused(
            env.with_db()
                .args(["--reviewer", "李四", "check", "柯城区", "1.1", "clear"]),
        );
    assert!(line.contains("unknown decision \"clear\""), "{line}");
}

/// "kaohe: 已审定：王五 2026-12-01 10:00 锁定了目标 1；要改动须由组长 kaohe unlock --target 1 --reason 理由"
fn is_lock_line(line: &str, scope: &str, unlock: &str) -> bool {
    let Some(rest) = line.strip_prefix("kaohe: 已审定：王五 ") else {
        return false;
    };
    // The date and time: "2026-12-01 10:00".
    let (when, rest) = rest.split_at(16);
    when.as_bytes()[4] == b'-'
        && when.as_bytes()[13] == b':'
        && rest == format!(" 锁定了{scope}；要改动须由组长 {unlock}")
}

#[test]
fn while_locked_every_write_is_refused_with_who_and_when() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    mark(&env, "张三", "柯城区", "1.1", "完成");
    let out = env.ok(&[
        "--reviewer",
        "王五",
        "lock",
        "--target",
        "1",
        "--reason",
        "年终审定",
    ]);
    assert!(
        out.starts_with("signed off (审定) target 1 加快养老服务业发展: 王五 "),
        "{out}"
    );
    let unlock = "kaohe unlock --target 1 --reason 理由";
    // What the database holds: a refused import announces itself to those it keeps waiting
    // and takes that off again, so its bytes may differ.
    let before = common::db_content(&env.db());
    let refused = |args: &[&str]| {
        let line = env.refused(env.with_db().args(args));
        assert!(is_lock_line(&line, "目标 1", unlock), "{args:?}: {line}");
        assert_eq!(common::db_content(&env.db()), before, "{args:?} wrote");
    };
    refused(&["--reviewer", "张三", "mark", "衢江区", "1.2", "完成"]);
    refused(&["--reviewer", "张三", "mark", "柯城区", "1.1", "clear"]);
    refused(&["--reviewer", "李四", "check", "柯城区", "1.1", "confirm"]);
    // An import with one row in the locked target: refused whole, naming the row.
    let sheet = env.write(
        "s.csv",
        "县(市、区),指标,完成值\n柯城区,2.1,是\n衢江区,1.3,55%\n",
    );
    let line = env.import_refused(&sheet, &[]);
    assert!(
        line.contains("s.csv line 3 (330803 × 1.3): 已审定：王五 "),
        "{line}"
    );
    let line = env.refused(env.with_db().arg("import").arg(&sheet).arg("--dry-run"));
    assert!(
        line.contains("line 3 (330803 × 1.3): 已审定：王五 "),
        "{line}"
    );
    // Points change every score: refused while anything is locked.
    let targets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/targets/2014.toml");
    refused(&["points", targets.to_str().unwrap()]);
    // Another target is open: marks and imports go in.
    mark(&env, "张三", "柯城区", "2.1", "完成");
    let open = env.write("t.csv", "县(市、区),指标,完成值\n柯城区,2.1,是\n");
    env.ok(&["import", open.to_str().unwrap()]);
    // The whole assessment: everything.
    env.ok(&["--reviewer", "王五", "lock"]);
    let line = env.refused(env.with_db().args(["mark", "柯城区", "2.1", "未完成"]));
    assert!(
        is_lock_line(&line, "整个考核", "kaohe unlock --reason 理由"),
        "{line}"
    );
    // Locking what is locked says so.
    let line = env.refused(env.with_db().args(["lock", "--target", "1"]));
    assert!(
        line.starts_with("kaohe: target 1 is already signed off: 已审定"),
        "{line}"
    );
    // status and the exports say 审定.
    let status = env.ok(&["status"]);
    assert!(status.contains("阶段 审定：整个考核（王五 "), "{status}");
    assert_eq!(exported(&env, "柯城区", "1.1")["stage"], "审定");
    let md = env.ok(&["export", "--format", "md"]);
    assert!(md.contains("阶段：审定：整个考核（王五 "), "{md}");
}

#[test]
fn unlocking_needs_a_reason_and_is_logged() {
    let env = Env::new();
    env.ok(&["init"]);
    env.ok(&["--reviewer", "王五", "lock", "--target", "1"]);
    // No reason: clap refuses (exit 2); an empty one, the store.
    let out = env
        .with_db()
        .args(["unlock", "--target", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line = env.refused(
        env.with_db()
            .args(["unlock", "--target", "1", "--reason", " "]),
    );
    assert!(line.contains("unlocking needs a reason"), "{line}");
    let line = env.refused(env.with_db().args(["unlock", "--reason", "x"]));
    assert!(
        line.contains("the whole assessment is not locked"),
        "{line}"
    );
    let out = env.ok(&[
        "--reviewer",
        "王五",
        "unlock",
        "--target",
        "1",
        "--reason",
        "数据更正",
    ]);
    assert!(
        out.starts_with("unlocked target 1 加快养老服务业发展 (signed off by 王五 "),
        "{out}"
    );
    assert!(out.ends_with("the reason is logged: 数据更正\n"), "{out}");
    mark(&env, "张三", "柯城区", "1.1", "完成");
    let log = env.ok(&["log"]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert!(lines[0].ends_with("审定 锁定 目标 1"), "{log}");
    assert!(
        lines[1].ends_with("审定 解锁 目标 1  理由：数据更正"),
        "{log}"
    );
    assert!(lines[2].contains("张三("), "{log}");
    let json = env.json(&["log", "--json"]);
    assert_eq!(json[1]["stage"], "审定");
    assert_eq!(json[1]["action"], "unlocked");
    assert_eq!(json[1]["target"], 1);
    assert_eq!(json[1]["note"], "数据更正");
    assert_eq!(json[2]["stage"], "初审");
    // A log for one county leaves the locks out.
    assert_eq!(env.ok(&["log", "--county", "柯城区"]).lines().count(), 1);
}

/// The hand-checked example, on the command line.
///
/// 张三 marks 柯城区, 衢江区, 龙游县 and 常山县 on 1.1 and 柯城区 on 2.1 (5); 李四 marks 江山市
/// on 1.1 (1): 6 marked. 王五 second-reviews: 柯城区 1.1 同意, 衢江区 1.1 改判, 龙游县 1.1
/// 同意, 江山市 1.1 同意 (李四's), 柯城区 2.1 改判; 常山县 1.1 is left.
///
/// By reviewer: 张三 5 marked, 4 second-reviewed, 2 agreed, 2 changed: 2/4 = 50.0%.
///              李四 1 marked, 1 second-reviewed, 1 agreed: 100.0%.
///              王五 5 second reviews given, 1 left (常山县, 张三's).
/// By target:   1: 5 marked (张三 4, 李四 1), 4 second-reviewed, 3 agreed, 1 changed: 75.0%,
///              1 left. 2: 1 marked, 1 second-reviewed, 0 agreed, 1 changed: 0.0%.
/// Overall:     6 marked, 5 second-reviewed, 3 agreed, 2 changed: 3/5 = 60.0%; 1 left.
/// By division (registered afterwards): 养老服务处 = 张三 + 王五: 5 marked, 4 checked, 2 agreed:
///              50.0%, 5 checks given; 社会救助处 = 李四: 1 marked, 100.0%.
/// The verdicts that count: 柯城区 1.1 完成, 衢江区 1.1 基本完成 (changed), 龙游县 1.1 未完成,
/// 常山县 1.1 完成, 柯城区 2.1 未完成 (changed), 江山市 1.1 基本完成: 2 met, 2 partly, 2 not.
#[test]
fn status_by_reviewer_division_and_stage_gives_the_hand_checked_figures() {
    let env = Env::new();
    env.ok(&["init"]);
    for (county, indicator, verdict) in [
        ("柯城区", "1.1", "完成"),
        ("衢江区", "1.1", "完成"),
        ("龙游县", "1.1", "未完成"),
        ("常山县", "1.1", "完成"),
        ("柯城区", "2.1", "完成"),
    ] {
        mark(&env, "张三", county, indicator, verdict);
    }
    mark(&env, "李四", "江山市", "1.1", "基本完成");
    check(&env, "王五", "柯城区", "1.1", "confirm", "");
    check(&env, "王五", "衢江区", "1.1", "基本完成", "口径不一");
    check(&env, "王五", "龙游县", "1.1", "confirm", "");
    check(&env, "王五", "江山市", "1.1", "confirm", "");
    check(&env, "王五", "柯城区", "2.1", "未完成", "无佐证");

    let by = env.json(&["status", "--by", "reviewer", "--json"]);
    assert_eq!(by["by"], "reviewer");
    let row = |name: &str| {
        by["reviewers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["reviewer"] == name)
            .cloned()
            .unwrap()
    };
    let figures = |r: &Value| {
        (
            r["marked"].as_i64().unwrap(),
            r["checked"].as_i64().unwrap(),
            r["agreed"].as_i64().unwrap(),
            r["changed"].as_i64().unwrap(),
            r["agreement"].as_f64(),
            r["checks_done"].as_i64().unwrap(),
        )
    };
    assert_eq!(figures(&row("张三")), (5, 4, 2, 2, Some(50.0), 0));
    assert_eq!(figures(&row("李四")), (1, 1, 1, 0, Some(100.0), 0));
    assert_eq!(figures(&row("王五")), (0, 0, 0, 0, None, 5));
    assert_eq!(row("王五")["checks_left"], 1);
    assert_eq!(row("张三")["left"], Value::Null, "no owners yet");
    let target = |k: usize| {
        let t = &by["targets"][k];
        (
            t["marked"].as_i64().unwrap(),
            t["checked"].as_i64().unwrap(),
            t["agreed"].as_i64().unwrap(),
            t["changed"].as_i64().unwrap(),
            t["agreement"].as_f64(),
            t["checks_left"].as_i64().unwrap(),
        )
    };
    assert_eq!(target(0), (5, 4, 3, 1, Some(75.0), 1));
    assert_eq!(target(1), (1, 1, 0, 1, Some(0.0), 0));
    let stage = &by["stage"];
    assert_eq!(
        (
            stage["marked"].as_i64(),
            stage["checked"].as_i64(),
            stage["agreed"].as_i64()
        ),
        (Some(6), Some(5), Some(3))
    );
    assert_eq!(stage["agreement"], 60.0);
    assert_eq!(stage["checks_left"], 1);
    assert_eq!(stage["stage"], "初步");

    // The table, as read.
    let text = env.ok(&["status", "--by", "reviewer"]);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("{name}: {text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("张三"), "张三 — — 5 — 4 2 2 50.0% 0 0");
    assert_eq!(line("王五"), "王五 — — 0 — 0 0 0 — 5 1");
    assert_eq!(
        line("1 加快养老服务业发展"),
        "1 加快养老服务业发展 初步 5/132 4 3 1 75.0% 1"
    );

    // The verdicts that count.
    let status = env.json(&["status", "--json"]);
    let counts = (
        status["met"].as_i64(),
        status["partly_met"].as_i64(),
        status["not_met"].as_i64(),
    );
    assert_eq!(counts, (Some(2), Some(2), Some(2)));

    // Divisions come from the registry, registered afterwards by the database's owner.
    for (uid, name, division, role) in [
        ("60001", "张三", "养老服务处", "reviewer"),
        ("60002", "李四", "社会救助处", "reviewer"),
        ("60003", "王五", "养老服务处", "checker"),
    ] {
        env.ok(&[
            "reviewers",
            "add",
            uid,
            "--name",
            name,
            "--division",
            division,
            "--role",
            role,
        ]);
    }
    let by = env.json(&["status", "--by", "division", "--json"]);
    let division = |name: &str| {
        by["divisions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["division"] == name)
            .cloned()
            .unwrap()
    };
    let yl = division("养老服务处");
    assert_eq!(yl["reviewers"], serde_json::json!(["张三", "王五"]));
    assert_eq!(
        (
            yl["marked"].as_i64(),
            yl["checked"].as_i64(),
            yl["agreed"].as_i64()
        ),
        (Some(5), Some(4), Some(2))
    );
    assert_eq!(yl["agreement"], 50.0);
    assert_eq!(yl["checks_done"], 5);
    assert_eq!(division("社会救助处")["agreement"], 100.0);
    let text = env.ok(&["status", "--by", "division"]);
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == [
                    "养老服务处",
                    "张三、王五",
                    "5",
                    "—",
                    "4",
                    "2",
                    "2",
                    "50.0%",
                    "5"
                ]),
        "{text}"
    );
    // A reviewer (role) checks nothing: no 待复核 for them.
    let by = env.json(&["status", "--by", "reviewer", "--json"]);
    assert_eq!(by["reviewers"][0]["checks_left"], Value::Null);

    // By stage: 初审 6/762, 复核 5/6 (1 left), 审定 none; then with target 2 locked.
    let text = env.ok(&["status", "--by", "stage"]);
    let row = |stage: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(stage))
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(row("初审"), "初审 6/762 756 已评定的项目");
    assert_eq!(row("复核"), "复核 5/6 1 同意 3，改判 2，一致率 60.0%");
    assert_eq!(row("审定"), "审定 0/12 个目标 12 未锁定：初步");
    env.ok(&[
        "reviewers",
        "add",
        "60004",
        "--name",
        "赵六",
        "--role",
        "lead",
    ]);
}

#[test]
fn the_workbook_and_the_report_carry_the_second_review_and_the_stage() {
    let env = Env::new();
    env.ok(&["init"]);
    mark(&env, "张三", "柯城区", "1.1", "完成");
    check(&env, "李四", "柯城区", "1.1", "未完成", "督导记录不全");
    env.ok(&["--reviewer", "王五", "lock", "--target", "1"]);
    let out = env.path("r.xlsx");
    env.ok(&["export", "--format", "xlsx", "--out", out.to_str().unwrap()]);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let results = book.worksheet_range("评审结果").unwrap();
    let heads: Vec<String> = results
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let at = |name: &str| heads.iter().position(|h| h == name).unwrap();
    let row = results
        .rows()
        .find(|r| r[at("县(市、区)")] == "柯城区" && r[at("指标编号")] == "1.1")
        .unwrap();
    assert_eq!(row[at("评定")].to_string(), "完成");
    assert_eq!(row[at("复核评定")].to_string(), "未完成");
    assert_eq!(row[at("复核人")].to_string(), "李四");
    assert_eq!(row[at("改判理由")].to_string(), "督导记录不全");
    assert_eq!(row[at("阶段")].to_string(), "审定");
    // The second review by the reviewer of the first, on a sheet of its own: 张三's one
    // verdict checked and changed, none agreed (a share, 0%).
    let checks = book.worksheet_range("复核").unwrap();
    let heads: Vec<String> = checks
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let at = |name: &str| heads.iter().position(|h| h == name).unwrap();
    let zhang = checks.rows().find(|r| r[0] == "张三").unwrap();
    assert_eq!(zhang[at("已复核")], calamine::Data::Float(1.0));
    assert_eq!(zhang[at("改判")], calamine::Data::Float(1.0));
    assert_eq!(zhang[at("一致率")], calamine::Data::Float(0.0));
    // Each target's stage, and the assessment's on the last row.
    let targets = book.worksheet_range("目标").unwrap();
    let heads: Vec<String> = targets
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let stage = heads.iter().position(|h| h == "阶段").unwrap();
    assert_eq!(targets.rows().nth(1).unwrap()[stage].to_string(), "审定");
    let whole = targets.rows().next_back().unwrap();
    assert_eq!(whole[0].to_string(), "合计");
    assert!(
        whole[stage].to_string().starts_with("部分审定：目标 1（"),
        "{whole:?}"
    );
    let md = env.ok(&["export", "--format", "md"]);
    assert!(
        md.contains("复核：李四 改判（初审 完成）：督导记录不全"),
        "{md}"
    );
    assert!(
        md.contains("| 张三 |  | 1 | 1 | 0 | 1 | 0.0% | 0 |"),
        "{md}"
    );
    assert!(
        md.contains("| 1 加快养老服务业发展 | 审定 | 1/132 |"),
        "{md}"
    );
}
