#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The registry of reviewers from the command line, as one account (the one running the tests,
//! which owns the database it makes): listing, adding, changing, removing, the history, and what
//! an account not in the registry may do. Other accounts are in tests/shared_host.rs.

mod common;

use common::Env;
use kaohe::host::Account;

/// Some uid no account has: the registry takes an account by its number.
const OTHER: &str = "3999001";

fn me() -> Account {
    Account::current()
}

#[test]
fn without_a_registry_everything_is_as_before() {
    let env = Env::new();
    env.ok(&["init"]);
    let out = env.ok(&["reviewers"]);
    assert!(out.starts_with("no registry:"), "{out}");
    assert_eq!(env.json(&["reviewers", "--json"]), serde_json::json!([]));
    env.ok(&["--reviewer", "王芳", "mark", "柯城区", "1.2", "完成"]);
    let log = env.json(&["log", "--json"]);
    assert_eq!(log[0]["reviewer"], "王芳");
    assert_eq!(log[0]["account"], me().name.as_str());
}

#[test]
fn the_owner_adds_changes_and_removes_and_the_history_says_who_did_what() {
    let env = Env::new();
    env.ok(&["init"]);
    let out = env.ok(&[
        "reviewers",
        "add",
        OTHER,
        "--name",
        "张三",
        "--division",
        "养老服务处",
    ]);
    assert!(
        out.contains(&format!(
            "added {OTHER} (uid {OTHER}): 张三 · 养老服务处 · reviewer"
        )),
        "{out}"
    );
    assert!(out.contains("this database now has a registry"), "{out}");
    let out = env.ok(&["reviewers", "add", OTHER, "--role", "checker"]);
    assert!(
        out.contains("张三 · 养老服务处 · reviewer → 张三 · 养老服务处 · checker"),
        "{out}"
    );
    let out = env.ok(&["reviewers", "add", OTHER, "--role", "复核人"]);
    assert!(out.contains("nothing changed"), "{out}");
    let out = env.ok(&["reviewers", "remove", OTHER]);
    assert!(out.contains(&format!("removed {OTHER}")), "{out}");
    let list = env.json(&["reviewers", "--json"]);
    assert_eq!(list[0]["active"], false, "{list}");
    assert_eq!(list[0]["role"], "checker");
    // Re-adding restores it, with what it is given and the rest kept.
    env.ok(&[
        "reviewers",
        "add",
        OTHER,
        "--name",
        "张三丰",
        "--division",
        "",
    ]);
    let list = env.json(&["reviewers", "--json"]);
    assert_eq!(
        (
            &list[0]["name"],
            &list[0]["division"],
            &list[0]["role"],
            &list[0]["active"]
        ),
        (
            &serde_json::json!("张三丰"),
            &serde_json::Value::Null,
            &serde_json::json!("checker"),
            &serde_json::json!(true)
        )
    );
    assert_eq!(list[0]["changed_by_account"], me().name.as_str());

    let history = env.json(&["reviewers", "--history", "--json"]);
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["added", "changed", "removed", "restored"]);
    for e in history.as_array().unwrap() {
        // The owner is not in the registry: its account stands for its name.
        assert_eq!(e["by_account"], me().name.as_str());
        assert_eq!(e["by_name"], me().name.as_str());
    }
    assert_eq!(history[3]["was_name"], "张三");
    let text = env.ok(&["reviewers", "--history"]);
    assert!(
        text.lines().last().unwrap().contains(
            "restored 3999001 (uid 3999001): 张三 · 养老服务处 · checker → 张三丰 · checker"
        ),
        "{text}"
    );
    let text = env.ok(&["reviewers"]);
    assert!(text.contains("张三丰"), "{text}");
}

#[test]
fn bad_registrations_are_refused_and_change_nothing() {
    let env = Env::new();
    env.ok(&["init"]);
    env.ok(&["reviewers", "add", OTHER, "--name", "张三"]);
    let before = std::fs::read(env.db()).unwrap();
    for (args, expect) in [
        (
            vec!["reviewers", "add", "3999002", "--name", "张三"],
            "\"张三\" is already the registered name of account 3999001",
        ),
        (
            vec!["reviewers", "add", "3999002"],
            "account 3999002 is not in the registry yet: give the name",
        ),
        (
            vec!["reviewers", "add", "3999002", "--name", " "],
            "--name is empty",
        ),
        (
            vec!["reviewers", "add", "3999002", "--name", "a\u{1b}b"],
            "--name contains the control character U+001B",
        ),
        (
            vec!["reviewers", "add", "no-such-login-kaohe", "--name", "李四"],
            "no account named no-such-login-kaohe on this host",
        ),
        (
            vec!["reviewers", "remove", "3999002"],
            "account 3999002 is not an active reviewer",
        ),
        (
            vec![
                "reviewers",
                "add",
                "3999002",
                "--name",
                "李四",
                "--role",
                "boss",
            ],
            "unknown role \"boss\"",
        ),
    ] {
        let e = env.refused(env.with_db().args(&args));
        assert!(e.contains(expect), "{args:?}: {e}");
    }
    let long = "长".repeat(65);
    let e = env.refused(
        env.with_db()
            .args(["reviewers", "add", "3999002", "--name", &long]),
    );
    assert!(e.contains("--name is longer than 64 characters"), "{e}");
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
    // A database that does not exist is not made by a registry command.
    let e = env.refused(
        env.kaohe()
            .arg("--db")
            .arg(env.path("none.db"))
            .arg("reviewers"),
    );
    assert!(e.contains("does not exist yet"), "{e}");
    assert!(!env.path("none.db").exists());
}

#[test]
fn an_account_not_in_the_registry_may_look_but_not_change_anything() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&["mark", "柯城区", "1.1", "完成"]);
    env.ok(&["reviewers", "add", OTHER, "--name", "张三"]);
    let before = std::fs::read(env.db()).unwrap();
    let me = me().name;
    let refusal = format!(
        "kaohe: account {me} is not in this database's registry of reviewers, so it may look but not change anything; the database's owner or a lead adds it with: kaohe reviewers add {me} --name NAME"
    );
    let sheet = env.write("s.csv", "county,indicator,value\n柯城区,1.2,75%\n");
    let points = env.write("p.toml", kaohe::catalog::TARGETS_2014);
    for args in [
        vec!["mark", "柯城区", "1.2", "完成"],
        vec!["mark", "柯城区", "1.1", "clear"],
        vec!["import", sheet.to_str().unwrap()],
        vec!["points", points.to_str().unwrap()],
    ] {
        let e = env.refused(env.with_db().args(&args));
        assert_eq!(e, refusal, "{args:?}");
    }
    assert_eq!(std::fs::read(env.db()).unwrap(), before, "nothing written");
    // Looking is as before.
    env.ok(&["status"]);
    env.ok(&["export", "--format", "csv"]);
    env.ok(&["log"]);
    env.ok(&["import", sheet.to_str().unwrap(), "--dry-run"]);
    // A --reviewer does not make it someone.
    let e =
        env.refused(
            env.with_db()
                .args(["--reviewer", "张三", "mark", "柯城区", "1.2", "完成"]),
        );
    assert!(
        e.contains(&format!(
            "--reviewer 张三 is the registered name of account {OTHER}, not of account {me}"
        )),
        "{e}"
    );
    let e =
        env.refused(
            env.with_db()
                .args(["--reviewer", "路人", "mark", "柯城区", "1.2", "完成"]),
        );
    assert!(
        e.contains("--reviewer is not taken on this database"),
        "{e}"
    );
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
}

#[test]
fn a_registered_account_marks_under_its_registered_name_only() {
    let env = Env::new();
    env.ok(&["init"]);
    let me = me();
    env.ok(&[
        "reviewers",
        "add",
        &me.uid.to_string(),
        "--name",
        "管理员",
        "--role",
        "lead",
    ]);
    env.ok(&["reviewers", "add", OTHER, "--name", "张三"]);
    env.ok(&["mark", "柯城区", "1.2", "完成", "--note", "台账齐全"]);
    // Repeating one's own name is fine; another's, or any other, is not.
    env.ok(&["--reviewer", "管理员", "mark", "衢江区", "1.2", "未完成"]);
    for name in ["张三", "李四"] {
        let e =
            env.refused(
                env.with_db()
                    .args(["--reviewer", name, "mark", "龙游县", "1.2", "完成"]),
            );
        assert_eq!(
            e,
            format!(
                "kaohe: --reviewer {name} is not your name on this database: your name comes from the registry: 管理员 (leave out --reviewer)"
            )
        );
    }
    let log = env.json(&["log", "--json"]);
    assert_eq!(log.as_array().unwrap().len(), 2, "{log}");
    for e in log.as_array().unwrap() {
        assert_eq!(
            (e["reviewer"].as_str(), e["account"].as_str()),
            (Some("管理员"), Some(me.name.as_str()))
        );
    }
    let export = env.json(&["export"]);
    let item = export
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county_code"] == "330802" && i["indicator"] == "1.2")
        .unwrap();
    assert_eq!(item["reviewer"], "管理员");
    // The registry's own changes are recorded under the registered name once there is one.
    let history = env.json(&["reviewers", "--history", "--json"]);
    assert_eq!(history[1]["by_name"], "管理员");
    assert_eq!(history[1]["by_account"], me.name.as_str());
    // Removed: looking only, again.
    env.ok(&["reviewers", "remove", &me.uid.to_string()]);
    let e = env.refused(env.with_db().args(["mark", "龙游县", "1.2", "完成"]));
    assert!(
        e.contains(&format!(
            "account {} was removed from this database's registry",
            me.name
        )),
        "{e}"
    );
}
