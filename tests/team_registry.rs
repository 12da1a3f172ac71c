#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The registry of reviewers as a team meets it: several OS accounts (other uids, run from root) on one
//! database, marking, borrowing names and changing the registry.

mod common;

use common::users::{self, ALICE, Host};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

// ---- registry: reviewers as data -------------------------------------------------------------

use common::users::{BOB, CAROL, TEAM_GID};

/// A member of the team's group whom nobody has registered (yet).
const DAVE: u32 = 4004;

/// A database ALICE made, in a setgid directory of the team's group, the file readable and
/// writable by the group: what `init --shared` leaves, made by hand here.
#[allow(clippy::unwrap_used)]
fn registry_team_database(host: &Host) -> PathBuf {
    let dir = host.path("team");
    std::fs::create_dir(&dir).unwrap();
    std::os::unix::fs::chown(&dir, Some(0), Some(TEAM_GID)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o2770)).unwrap();
    let db = dir.join("k.db");
    registry_ok(host, ALICE, &db, &["init"]);
    std::os::unix::fs::chown(&db, None, Some(TEAM_GID)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o660)).unwrap();
    db
}

/// kaohe as `uid` (in the team's group) on `db`: its output.
#[allow(clippy::unwrap_used)]
fn registry_run(
    host: &Host,
    uid: u32,
    db: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    host.kaohe_as(uid, &[TEAM_GID])
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

#[allow(clippy::unwrap_used)]
fn registry_ok(host: &Host, uid: u32, db: &std::path::Path, args: &[&str]) -> String {
    let out = registry_run(host, uid, db, args);
    assert!(
        out.status.success(),
        "{uid} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A command that must be refused with one line, which is returned.
#[allow(clippy::unwrap_used)]
fn registry_refused(host: &Host, uid: u32, db: &std::path::Path, args: &[&str]) -> String {
    let out = registry_run(host, uid, db, args);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success(), "{uid} {args:?} was not refused");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr.trim_end().to_string()
}

/// ALICE owns the database; BOB is registered as 李四, CAROL as 王五, a lead.
#[allow(clippy::unwrap_used)]
fn registry_team(host: &Host) -> PathBuf {
    let db = registry_team_database(host);
    registry_ok(
        host,
        ALICE,
        &db,
        &["reviewers", "add", "4002", "--name", "李四"],
    );
    registry_ok(
        host,
        ALICE,
        &db,
        &[
            "reviewers",
            "add",
            "4003",
            "--name",
            "王五",
            "--role",
            "lead",
        ],
    );
    db
}

#[allow(clippy::unwrap_used)]
fn registry_log(host: &Host, db: &std::path::Path) -> Vec<serde_json::Value> {
    let out = registry_ok(host, BOB, db, &["log", "--json"]);
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn registry_an_unregistered_account_cannot_mark_and_the_log_has_account_and_name() {
    if !users::can_switch(
        "registry_an_unregistered_account_cannot_mark_and_the_log_has_account_and_name",
    ) {
        return;
    }
    let host = Host::new();
    let db = registry_team(&host);
    for uid in [DAVE, ALICE] {
        // The owner is not a reviewer either until registered.
        let e = registry_refused(&host, uid, &db, &["mark", "柯城区", "1.2", "完成"]);
        assert_eq!(
            e,
            format!(
                "kaohe: account {uid} is not in this database's registry of reviewers, so it may look but not change anything; the database's owner or a lead adds it with: kaohe reviewers add {uid} --name NAME"
            )
        );
    }
    // But may look.
    registry_ok(&host, DAVE, &db, &["status"]);
    assert!(registry_log(&host, &db).is_empty());
    registry_ok(&host, BOB, &db, &["mark", "柯城区", "1.2", "完成"]);
    registry_ok(&host, CAROL, &db, &["mark", "衢江区", "1.2", "未完成"]);
    let log = registry_log(&host, &db);
    let who: Vec<(&str, &str)> = log
        .iter()
        .map(|e| {
            (
                e["account"].as_str().unwrap(),
                e["reviewer"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(who, [("4002", "李四"), ("4003", "王五")]);
    let export = registry_ok(&host, DAVE, &db, &["export"]);
    let export: serde_json::Value = serde_json::from_str(&export).unwrap();
    let reviewers: Vec<&str> = export
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["reviewer"].as_str())
        .collect();
    assert_eq!(reviewers, ["李四", "王五"]);
}

#[test]
fn registry_reviewer_cannot_borrow_a_registered_name() {
    if !users::can_switch("registry_reviewer_cannot_borrow_a_registered_name") {
        return;
    }
    let host = Host::new();
    let db = registry_team(&host);
    let e = registry_refused(
        &host,
        DAVE,
        &db,
        &["--reviewer", "李四", "mark", "柯城区", "1.2", "完成"],
    );
    assert!(
        e.contains("--reviewer 李四 is the registered name of account 4002, not of account 4004"),
        "{e}"
    );
    let e = registry_refused(
        &host,
        BOB,
        &db,
        &["--reviewer", "王五", "mark", "柯城区", "1.2", "完成"],
    );
    assert_eq!(
        e,
        "kaohe: --reviewer 王五 is not your name on this database: your name comes from the registry: 李四 (leave out --reviewer)"
    );
    assert!(registry_log(&host, &db).is_empty(), "nothing was marked");
}

#[test]
fn registry_only_the_owner_or_a_lead_changes_it() {
    if !users::can_switch("registry_only_the_owner_or_a_lead_changes_it") {
        return;
    }
    let host = Host::new();
    let db = registry_team(&host);
    let neither = |uid: u32| {
        format!(
            "kaohe: only the database's owner (account 4001) or a registered lead may change its reviewers; account {uid} is neither"
        )
    };
    // A reviewer, and an account not in the registry (not even for itself), may not.
    let e = registry_refused(
        &host,
        BOB,
        &db,
        &["reviewers", "add", "4004", "--name", "赵六"],
    );
    assert_eq!(e, neither(BOB));
    let e = registry_refused(
        &host,
        DAVE,
        &db,
        &["reviewers", "add", "4004", "--name", "赵六"],
    );
    assert_eq!(e, neither(DAVE));
    let e = registry_refused(&host, BOB, &db, &["reviewers", "remove", "4003"]);
    assert_eq!(e, neither(BOB));
    // A lead may, and the owner may, even unregistered.
    registry_ok(
        &host,
        CAROL,
        &db,
        &["reviewers", "add", "4004", "--name", "赵六"],
    );
    registry_ok(&host, DAVE, &db, &["mark", "柯城区", "1.2", "完成"]);
    registry_ok(&host, ALICE, &db, &["reviewers", "remove", "4003"]);
    // A lead removed is a lead no more.
    let e = registry_refused(&host, CAROL, &db, &["reviewers", "remove", "4004"]);
    assert_eq!(e, neither(CAROL));

    let history = registry_ok(&host, DAVE, &db, &["reviewers", "--history", "--json"]);
    let history: serde_json::Value = serde_json::from_str(&history).unwrap();
    let who: Vec<(&str, &str, &str, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["by_account"].as_str().unwrap(),
                e["by_name"].as_str().unwrap(),
                e["action"].as_str().unwrap(),
                e["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        who,
        [
            ("4001", "4001", "added", "李四"),
            ("4001", "4001", "added", "王五"),
            ("4003", "王五", "added", "赵六"),
            ("4001", "4001", "removed", "王五"),
        ]
    );
    let log = registry_log(&host, &db);
    assert_eq!(
        (log[0]["account"].as_str(), log[0]["reviewer"].as_str()),
        (Some("4004"), Some("赵六"))
    );
}

/// The workspace as `uid` (in the team's group) on `db`, in a 120×30 pseudo-terminal.
fn registry_workspace(host: &Host, uid: u32, db: &std::path::Path) -> common::pty::Screen {
    let home = host.home(uid);
    let mut cmd = portable_pty::CommandBuilder::new("setpriv");
    cmd.args(users::setpriv_args(uid, uid, &[TEAM_GID]));
    cmd.arg(host.binary());
    cmd.arg("--db");
    cmd.arg(db);
    cmd.env_clear();
    cmd.env("PATH", "/usr/bin:/bin");
    cmd.env("HOME", &home);
    cmd.env("XDG_DATA_HOME", home.join(".local/share"));
    cmd.env("XDG_CONFIG_HOME", home.join(".config"));
    cmd.env("XDG_CONFIG_DIRS", host.path("etc-xdg"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("USER", "李四");
    cmd.cwd(&home);
    common::pty::Screen::spawn(cmd, 120, 30)
}

#[test]
fn registry_an_unregistered_workspace_refuses_a_verdict() {
    if !users::can_switch("registry_an_unregistered_workspace_refuses_a_verdict") {
        return;
    }
    let host = Host::new();
    let db = registry_team(&host);
    let mut s = registry_workspace(&host, DAVE, &db);
    let refusal = "4004 未登记，只读：所有者或组长可运行 kaohe reviewers add 4004 --name 姓名";
    let screen = s.wait_for(refusal);
    assert!(
        screen.contains("评审人 4004 · 只读 · 已评 0/762"),
        "{screen}"
    );
    // Moving clears the line; a verdict brings it back and marks nothing.
    s.send("j");
    s.wait_gone(refusal);
    s.send("1");
    s.wait_for(refusal);
    s.send("e");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    assert!(registry_log(&host, &db).is_empty(), "nothing was marked");
}

#[test]
fn registry_a_reviewer_removed_while_the_workspace_is_open_marks_no_more() {
    if !users::can_switch("registry_a_reviewer_removed_while_the_workspace_is_open_marks_no_more") {
        return;
    }
    let host = Host::new();
    let db = registry_team(&host);
    let mut s = registry_workspace(&host, BOB, &db);
    s.wait_for("评审人 李四 · 已评 0/762");
    s.send("1");
    s.wait_for("已评 1/762");
    registry_ok(&host, CAROL, &db, &["reviewers", "remove", "4002"]);
    s.send("1");
    let refusal = "4002 未登记，只读：所有者或组长可运行 kaohe reviewers add 4002 --name 姓名";
    let screen = s.wait_for(refusal);
    assert!(
        screen.contains("评审人 李四 · 只读 · 已评 1/762"),
        "{screen}"
    );
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let log = registry_log(&host, &db);
    assert_eq!(log.len(), 1, "only the mark made while registered: {log:?}");
    assert_eq!(
        (log[0]["account"].as_str(), log[0]["reviewer"].as_str()),
        (Some("4002"), Some("李四"))
    );
}
