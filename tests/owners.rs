#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Owners and notes' authors, as the real binary meets them: `kaohe assign`, a targets file's
//! divisions, every export's thread of notes, and in a pseudo-terminal a colleague's verdict in
//! the marking flow and a workspace opening on its reviewer's own work.

mod common;

use common::Env;
use common::pty::Screen;
use common::users::{self, ALICE, BOB, CAROL, Host, TEAM_GID};
use portable_pty::CommandBuilder;
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;

/// The workspace on `env`'s database in a `cols`×`rows` pseudo-terminal, as this account.
fn workspace(env: &Env, args: &[&str], cols: u16, rows: u16) -> Screen {
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kaohe"));
    cmd.arg("--db");
    cmd.arg(env.db());
    cmd.args(args);
    cmd.cwd(env.dir.path());
    cmd.env("HOME", env.dir.path());
    cmd.env("XDG_DATA_HOME", env.dir.path().join("data"));
    cmd.env("XDG_CONFIG_HOME", env.dir.path().join("config"));
    cmd.env("XDG_CONFIG_DIRS", env.dir.path().join("etc-xdg"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("USER", "tester");
    cmd.env("LOGNAME", "tester");
    cmd.env_remove("KAOHE_DB");
    cmd.env_remove("KAOHE_LANG");
    cmd.env_remove("KAOHE_CONFIG");
    Screen::spawn(cmd, cols, rows)
}

/// The export's record of one county × indicator.
fn record(env: &Env, county: &str, indicator: &str) -> Value {
    env.json(&["export"])
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county"] == county && i["indicator"] == indicator)
        .unwrap()
        .clone()
}

/// (author, text) of each note of an exported record.
fn thread(record: &Value) -> Vec<(String, String)> {
    record["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["author"].as_str().unwrap().to_string(),
                n["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, t)| (a.to_string(), t.to_string()))
        .collect()
}

#[test]
fn assign_gives_targets_indicators_and_counties_owners_and_lists_them() {
    let env = Env::new();
    env.ok(&["init"]);
    assert!(env.ok(&["assign"]).starts_with("no owners"));
    assert_eq!(
        env.ok(&["assign", "1", "--division", " 养老服务处 "]),
        "target 1 加快养老服务业发展: everyone's → 养老服务处\n"
    );
    assert_eq!(
        env.ok(&["assign", "1.21", "--division", "福利彩票中心"]),
        "indicator 1.21 福彩年度销售任务: everyone's → 福利彩票中心\n"
    );
    env.ok(&["assign", "--county", "开化县", "--division", "社会救助处"]);
    assert_eq!(
        env.ok(&["assign", "1", "--division", "养老服务处"]),
        "target 1 加快养老服务业发展: unchanged (养老服务处)\n"
    );
    let listed = env.ok(&["assign"]);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 3, "{listed}");
    assert!(
        lines[0].starts_with("target 1 加快养老服务业发展") && lines[0].ends_with("养老服务处")
    );
    assert!(lines[1].starts_with("indicator 1.21") && lines[1].ends_with("福利彩票中心"));
    assert!(lines[2].starts_with("county 330824 开化县") && lines[2].ends_with("社会救助处"));
    assert_eq!(
        env.json(&["assign", "--json"])[2],
        json!({"scope": "county", "key": "330824", "name": "开化县",
               "owner": {"division": "社会救助处"}})
    );
    // The targets list says whose each target and indicator is.
    let targets = env.json(&["targets", "--json"]);
    assert_eq!(targets[0]["division"], "养老服务处");
    assert_eq!(targets[0]["indicators"][20]["division"], "福利彩票中心");
    assert_eq!(targets[1]["division"], Value::Null);
    assert!(
        env.ok(&["targets"])
            .contains("加快养老服务业发展  〔养老服务处〕")
    );

    // Cleared: everyone's again; every change is in the history, with who made it.
    assert_eq!(
        env.ok(&["assign", "--county", "330824", "--clear"]),
        "county 330824 开化县: 社会救助处 → everyone's\n"
    );
    let history = env.json(&["assign", "--history", "--json"]);
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 4);
    assert_eq!(history[3]["scope"], "county");
    assert_eq!(history[3]["was"], json!({"division": "社会救助处"}));
    assert_eq!(history[3]["now"], Value::Null);
    assert_eq!(history[3]["by_name"], account());
    let text = env.ok(&["assign", "--history"]);
    assert!(
        text.lines()
            .nth(3)
            .unwrap()
            .ends_with("county 330824 开化县: 社会救助处 → everyone's"),
        "{text}"
    );

    // Refused, each in one line, nothing changed.
    let before = std::fs::read(env.db()).unwrap();
    for (args, says) in [
        (
            vec!["assign", "13", "--division", "x"],
            "kaohe: unknown target or indicator \"13\" (give a target's number such as 4 or an indicator's id such as 4.2; `kaohe targets` lists them)",
        ),
        (
            vec!["assign", "2"],
            "kaohe: say who owns it: --division DIVISION, --account ACCOUNT (a reviewer of the registry) or --clear",
        ),
        (
            vec!["assign", "--division", "养老服务处"],
            "kaohe: say what to assign: a target (4), an indicator (4.2) or --county COUNTY",
        ),
        (
            vec!["assign", "2", "--division", "养老\u{1b}[2J"],
            "kaohe: --division contains the control character U+001B",
        ),
        (
            vec!["assign", "--county", "杭州市", "--division", "养老服务处"],
            "kaohe: unknown county \"杭州市\" (give a code such as 330802 or a name such as 柯城区; `kaohe counties` lists them)",
        ),
        (
            vec!["assign", "2", "--account", "4999"],
            "kaohe: account 4999 is not an active reviewer in the registry; `kaohe reviewers` lists them",
        ),
    ] {
        let e = env.refused(env.with_db().args(&args));
        assert_eq!(e, says, "{args:?}");
    }
    let out = env
        .with_db()
        .args(["assign", "2", "--division", "a", "--clear"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "two owners at once is a usage error"
    );
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
    // Nothing to assign in a database that does not exist: none is made.
    let other = Env::new();
    let e = other.refused(other.with_db().args(["assign"]));
    assert!(e.contains("does not exist yet"), "{e}");
    assert!(!other.db().exists());
}

#[test]
fn assign_to_a_reviewer_of_the_registry_by_account() {
    let env = Env::new();
    env.ok(&["init"]);
    env.ok(&["reviewers", "add", "4002", "--name", "王五"]);
    assert_eq!(
        env.ok(&["assign", "--county", "开化县", "--account", "4002"]),
        "county 330824 开化县: everyone's → reviewer 王五 (uid 4002)\n"
    );
    assert_eq!(
        env.json(&["assign", "--json"])[0]["owner"],
        json!({"reviewer": "王五", "uid": 4002})
    );
    // A division nobody in the registry is in is taken, and said.
    let out = env.ok(&["assign", "4", "--division", "社会福利处"]);
    assert!(
        out.lines()
            .nth(1)
            .unwrap()
            .starts_with("no active reviewer of the registry is in 社会福利处 yet"),
        "{out}"
    );
    // A reviewer removed from the registry cannot be given more.
    env.ok(&["reviewers", "remove", "4002"]);
    let e = env.refused(env.with_db().args(["assign", "3", "--account", "4002"]));
    assert_eq!(
        e,
        "kaohe: account 4002 is not an active reviewer in the registry; `kaohe reviewers` lists them"
    );
}

#[test]
fn only_the_databases_owner_or_a_lead_assigns() {
    if !users::can_switch("only_the_databases_owner_or_a_lead_assigns") {
        return;
    }
    let host = Host::new();
    let dir = host.path("team");
    std::fs::create_dir(&dir).unwrap();
    std::os::unix::fs::chown(&dir, Some(0), Some(TEAM_GID)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o2770)).unwrap();
    let db = dir.join("k.db");
    let run = |uid: u32, args: &[&str]| {
        host.kaohe_as(uid, &[TEAM_GID])
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(ALICE, &["init"]).status.success());
    std::os::unix::fs::chown(&db, None, Some(TEAM_GID)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o660)).unwrap();
    for args in [
        ["reviewers", "add", "4002", "--name", "李四"].as_slice(),
        &[
            "reviewers",
            "add",
            "4003",
            "--name",
            "王五",
            "--role",
            "lead",
        ],
    ] {
        assert!(run(ALICE, args).status.success());
    }
    let refused = run(BOB, &["assign", "1", "--division", "养老服务处"]);
    assert!(!refused.status.success());
    assert_eq!(
        String::from_utf8(refused.stderr).unwrap(),
        "kaohe: only the database's owner (account 4001) or a registered lead may assign owners; account 4002 is neither\n"
    );
    let led = run(CAROL, &["assign", "1", "--division", "养老服务处"]);
    assert!(
        led.status.success(),
        "{}",
        String::from_utf8_lossy(&led.stderr)
    );
    let history = run(BOB, &["assign", "--history", "--json"]);
    let history: Value = serde_json::from_slice(&history.stdout).unwrap();
    assert_eq!(history[0]["by_name"], "王五");
    assert_eq!(history[0]["by_account"], "4003");
}

#[test]
fn a_targets_file_gives_its_targets_and_indicators_divisions() {
    let env = Env::new();
    let targets = kaohe::catalog::TARGETS_2014
        .replacen(
            "title = \"加快养老服务业发展\"",
            "title = \"加快养老服务业发展\"\ndivision = \"养老服务处\"",
            1,
        )
        .replacen(
            "id = \"1.21\"",
            "id = \"1.21\"\ndivision = \"福利彩票中心\"",
            1,
        );
    let file = env.write("2014.toml", &targets);
    env.ok(&["init", "--targets", file.to_str().unwrap()]);
    let listed = env.ok(&["assign"]);
    assert!(
        listed.lines().next().unwrap().ends_with("养老服务处"),
        "{listed}"
    );
    assert!(
        listed.lines().nth(1).unwrap().ends_with("福利彩票中心"),
        "{listed}"
    );
    let history = env.json(&["assign", "--history", "--json"]);
    assert_eq!(history[0]["by_name"], account(), "made with the database");

    // A bad division is refused where it is written, and no database is made.
    let line = |text: &str| {
        text.lines()
            .position(|l| l.starts_with("division = "))
            .unwrap()
            + 1
    };
    let other = Env::new();
    let bad = targets.replacen("division = \"养老服务处\"", "division = \"\"", 1);
    let file = other.write("bad.toml", &bad);
    let e = other.refused(
        other
            .with_db()
            .args(["init", "--targets", file.to_str().unwrap()]),
    );
    assert_eq!(
        e,
        format!(
            "kaohe: {}:{}:1: target 1's division is empty: give the division's name, e.g. 养老服务处",
            file.display(),
            line(&bad)
        )
    );
    let bad = targets.replacen(
        "division = \"养老服务处\"",
        "division = [\"养老服务处\"]",
        1,
    );
    let file = other.write("bad.toml", &bad);
    let e = other.refused(
        other
            .with_db()
            .args(["init", "--targets", file.to_str().unwrap()]),
    );
    assert!(
        e.starts_with(&format!("kaohe: {}:{}:", file.display(), line(&bad))),
        "{e}"
    );
    assert!(!other.db().exists());
}

#[test]
fn every_export_shows_the_thread_under_its_authors() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    let out = env.ok(&[
        "--reviewer",
        "王五",
        "mark",
        "开化县",
        "4.2",
        "基本完成",
        "--note",
        "督导记录不全",
    ]);
    assert!(out.ends_with("未审核 → 基本完成\n"), "{out}");
    // 李四 gives another verdict: it says whose it replaces; 王五's note stays 王五's.
    let out = env.ok(&["--reviewer", "李四", "mark", "开化县", "4.2", "未完成"]);
    assert!(out.ends_with("基本完成 (王五) → 未完成\n"), "{out}");
    env.ok(&[
        "--reviewer",
        "李四",
        "mark",
        "开化县",
        "4.2",
        "未完成",
        "--note",
        "已补齐督导记录\n附名册",
    ]);
    let r = record(&env, "开化县", "4.2");
    assert_eq!(r["verdict"], "not_met");
    assert_eq!(r["reviewer"], "李四");
    assert_eq!(
        r["note"], "已补齐督导记录\n附名册",
        "the latest note's text"
    );
    assert_eq!(
        thread(&r),
        pairs(&[("王五", "督导记录不全"), ("李四", "已补齐督导记录\n附名册")])
    );
    let first = &r["notes"][0];
    assert_eq!(first["account"], account());
    assert!(first["at"].as_str().unwrap().contains('T'), "RFC 3339");
    // --note again puts 李四's own latest note right; 王五's stays.
    env.ok(&[
        "--reviewer",
        "李四",
        "mark",
        "开化县",
        "4.2",
        "未完成",
        "--note",
        "缺名册",
    ]);
    assert_eq!(
        thread(&record(&env, "开化县", "4.2")),
        pairs(&[("王五", "督导记录不全"), ("李四", "缺名册")])
    );
    let at = |n: usize| {
        let at = record(&env, "开化县", "4.2")["notes"][n]["at"]
            .as_str()
            .unwrap()
            .to_string();
        at[..16].replace('T', " ")
    };

    // CSV: one line a note in its cell, after the columns there were (and before issue 17's).
    let csv = env.ok(&["export", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let notes_at = headers.iter().position(|h| h == "notes").unwrap();
    assert_eq!(headers.get(notes_at - 1), Some("stage"));
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[1] == "开化县" && &r[2] == "4.2")
        .unwrap();
    let notes = row[notes_at].to_string();
    assert_eq!(
        notes,
        format!("王五 {}：督导记录不全\n李四 {}：缺名册", at(0), at(1))
    );
    assert_eq!(
        &row[headers.iter().position(|h| h == "note").unwrap()],
        "缺名册"
    );

    // The workbook: the same, under 备注记录.
    let book = env.path("结果.xlsx");
    env.ok(&[
        "export",
        "--format",
        "xlsx",
        "--out",
        book.to_str().unwrap(),
    ]);
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(&book).unwrap();
    let results = book.worksheet_range("评审结果").unwrap();
    let header: Vec<String> = results
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = header.iter().position(|h| h == "备注记录").unwrap();
    let row = results
        .rows()
        .find(|r| r[1] == "开化县" && r[2] == "4.2")
        .unwrap();
    assert_eq!(row[col].to_string(), notes);

    // Markdown: a list under the item not met.
    let report = env.ok(&["export", "--format", "md"]);
    assert!(
        report.contains(&format!(
            "  - 王五 {}：督导记录不全\n  - 李四 {}：缺名册\n",
            at(0),
            at(1)
        )),
        "{report}"
    );
    // An export imports again, JSON or workbook: the notes are passed over.
    let json = env.path("结果.json");
    env.ok(&["export", "--out", json.to_str().unwrap()]);
    let again = Env::new();
    again.ok(&["init"]);
    for file in [json, env.path("结果.xlsx")] {
        let out = again.ok(&["import", file.to_str().unwrap()]);
        assert!(out.contains("762"), "{out}");
    }
}

#[test]
fn a_colleagues_verdict_is_passed_by_in_the_flow_asked_about_when_marked_and_stays_theirs() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&[
        "--reviewer",
        "王五",
        "mark",
        "开化县",
        "4.2",
        "基本完成",
        "--note",
        "督导记录不全",
    ]);
    let mut s = workspace(&env, &["--reviewer", "李四"], 80, 24);
    s.wait_for("详情 · 柯城区 · 1.1");
    // On to 4.2: three targets on, one indicator on.
    s.send("]]]");
    s.wait_for("详情 · 柯城区 · 4.1");
    s.send("l");
    s.wait_for("详情 · 柯城区 · 4.2");
    // Enter in the flow, county after county: 开化县, 王五's, is passed by.
    for county in ["衢江区", "龙游县", "江山市", "常山县"] {
        s.send("\r");
        s.wait_for(&format!("详情 · {county} · 4.2"));
    }
    s.send("\r");
    s.wait_for("详情 · 柯城区 · 4.3");
    let r = record(&env, "开化县", "4.2");
    assert_eq!(
        (r["verdict"].as_str(), r["reviewer"].as_str()),
        (Some("partly_met"), Some("王五"))
    );
    assert_eq!(record(&env, "常山县", "4.2")["verdict"], "met");

    // Marking it directly asks first; n leaves it.
    s.send("h");
    s.wait_for("详情 · 柯城区 · 4.2");
    s.send("G");
    s.wait_for("详情 · 开化县 · 4.2");
    s.wait_for("备注 王五 ");
    s.send("\r");
    s.wait_for("王五已评「基本完成」，你要评「完成」？y 评定 · n 不评");
    s.send("n");
    s.wait_for("未评定，保留原样");
    assert_eq!(record(&env, "开化县", "4.2")["verdict"], "partly_met");
    // y marks it; 王五's note stays under 王五 in every export.
    s.send("\r");
    s.wait_for("王五已评「基本完成」");
    s.send("y");
    s.wait_for("已保存");
    let r = record(&env, "开化县", "4.2");
    assert_eq!(
        (r["verdict"].as_str(), r["reviewer"].as_str()),
        (Some("met"), Some("李四"))
    );
    assert_eq!(r["note"], "督导记录不全");
    assert_eq!(thread(&r), pairs(&[("王五", "督导记录不全")]));
    // Undone, the verdict is 王五's again, under his name.
    s.send("u");
    s.wait_for("已撤销");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let r = record(&env, "开化县", "4.2");
    assert_eq!(
        (r["verdict"].as_str(), r["reviewer"].as_str()),
        (Some("partly_met"), Some("王五"))
    );
    assert_eq!(thread(&r), pairs(&[("王五", "督导记录不全")]));
    let log = env.json(&["log", "--json", "--county", "开化县", "--indicator", "4.2"]);
    let who: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reviewer"].as_str().unwrap())
        .collect();
    assert_eq!(who, ["王五", "李四", "李四"]);
}

/// The login name of the account running the tests (kaohe's own account, never $USER).
fn account() -> String {
    kaohe::host::Account::current().name
}

/// The account running the tests, by uid: registered so its workspace has own work.
fn me() -> String {
    // SAFETY: getuid cannot fail.
    unsafe { libc::getuid() }.to_string()
}

#[test]
fn the_workspace_opens_on_own_work_with_others_items_labelled_and_asked_about() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&[
        "reviewers",
        "add",
        &me(),
        "--name",
        "张三",
        "--division",
        "养老服务处",
    ]);
    env.ok(&["assign", "1", "--division", "社会救助处"]);
    env.ok(&["assign", "2", "--division", "养老服务处"]);
    let mut s = workspace(&env, &[], 80, 24);
    // Target 1 is 社会救助处's: the workspace opens on target 2, the reviewer's division's.
    s.wait_for("详情 · 柯城区 · 2.1");
    s.wait_for("本人工作 0/");
    // Back to target 1: its items say whose they are, and marking one asks first.
    s.send("[");
    s.wait_for("详情 · 柯城区 · 1.1");
    s.wait_for("[社会救助]");
    s.wait_for("归属 社会救助处（他人的）");
    s.send("1");
    s.wait_for("此项归社会救助处，你要评「完成」？y 评定 · n 不评");
    s.send("\u{1b}");
    s.wait_for("未评定，保留原样");
    assert_eq!(record(&env, "柯城区", "1.1")["verdict"], Value::Null);
    // o: all the work; marking asks no more.
    s.send("o");
    s.wait_for("全部工作：");
    s.send("1");
    s.wait_for("详情 · 衢江区 · 1.1");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    assert_eq!(record(&env, "柯城区", "1.1")["verdict"], "met");
}

#[test]
fn status_by_reviewer_and_division_says_what_is_left_of_each_ones_own_work() {
    let env = Env::new();
    env.ok(&["init"]);
    env.ok(&[
        "reviewers",
        "add",
        &me(),
        "--name",
        "张三",
        "--division",
        "养老服务处",
    ]);
    env.ok(&["reviewers", "add", "4002", "--name", "王五"]);
    let by = |env: &Env, what: &str, name: &str| -> Value {
        let by = env.json(&["status", "--by", what, "--json"]);
        let (list, key) = match what {
            "reviewer" => ("reviewers", "reviewer"),
            _ => ("divisions", "division"),
        };
        by[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[key] == name)
            .unwrap_or_else(|| panic!("{name}: {by}"))["left"]
            .clone()
    };
    // Nobody owns anything yet: nobody's own work is known.
    assert_eq!(by(&env, "reviewer", "张三"), Value::Null);
    // Target 1 (22 indicators, 6 counties) is 养老服务处's; 开化县 is 王五's elsewhere.
    env.ok(&["assign", "1", "--division", "养老服务处"]);
    env.ok(&["assign", "--county", "开化县", "--account", "4002"]);
    env.ok(&["mark", "柯城区", "1.1", "met"]);
    env.ok(&["mark", "开化县", "2.1", "met"]);
    assert_eq!(by(&env, "reviewer", "张三"), json!(22 * 6 - 1));
    assert_eq!(by(&env, "division", "养老服务处"), json!(22 * 6 - 1));
    let indicators = env.json(&["status", "--by", "stage", "--json"])["stage"]["items"]
        .as_i64()
        .unwrap()
        / 6;
    assert_eq!(by(&env, "reviewer", "王五"), json!(indicators - 22 - 1));
    // The table says it too, where it said "—" before.
    let text = env.ok(&["status", "--by", "reviewer"]);
    assert!(!text.contains("待评 —"), "{text}");
}
