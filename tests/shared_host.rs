#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A team on one host: several OS accounts (other uids and gids, run from root) on one database.

mod common;

use common::users::{self, ALICE, Host};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

#[test]
fn the_account_recorded_is_the_real_uid_not_user() {
    if !users::can_switch("the_account_recorded_is_the_real_uid_not_user") {
        return;
    }
    let host = Host::new();
    let db = host.home(ALICE).join("k.db");
    let out = host
        .kaohe_as(ALICE, &[])
        .args(["--db"])
        .arg(&db)
        .args(["mark", "柯城区", "1.2", "完成"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = host
        .kaohe_as(ALICE, &[])
        .arg("--db")
        .arg(&db)
        .args(["log", "--json"])
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&log.stdout).unwrap();
    assert_eq!(log[0]["account"], "4001", "{log}");
    assert_eq!(users::mode_owner_group(&db).1, ALICE);
}

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

// The guarded set-up: kaohe installed setgid to a group the reviewers are not in, the database
// in a directory only that group can enter. Through kaohe a reviewer marks; around it, nothing.

/// kaohe's group in the guarded set-up: no reviewer is in it.
const KAOHE_GID: u32 = 4343;

/// A guarded installation under a host: `prefix/bin/kaohe` setgid to KAOHE_GID, its config in
/// `prefix/etc/kaohe/config.toml`, and the database in `srv/`, made and given to the group by
/// hand as an administrator would.
struct Guarded {
    host: Host,
    binary: PathBuf,
    config: PathBuf,
    db: PathBuf,
}

impl Guarded {
    /// The set-up, or None (saying why) where it cannot be made.
    fn new(test: &str) -> Option<Guarded> {
        if !users::can_switch(test) {
            return None;
        }
        let host = Host::new();
        if nosuid(host.dir.path()) {
            eprintln!(
                "skipped {test}: {} is on a filesystem mounted nosuid, where a setgid binary runs without its group",
                host.dir.path().display()
            );
            return None;
        }
        let prefix = host.path("prefix");
        let bin = prefix.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let binary = bin.join("kaohe");
        std::fs::copy(host.binary(), &binary).unwrap();
        // chown clears the setgid bit, so the mode comes after it.
        std::os::unix::fs::chown(&binary, Some(0), Some(KAOHE_GID)).unwrap();
        set_mode(&binary, 0o2755);
        let etc = prefix.join("etc/kaohe");
        std::fs::create_dir_all(&etc).unwrap();
        for dir in [prefix.as_path(), &bin, &prefix.join("etc"), &etc] {
            set_mode(dir, 0o755);
        }
        let srv = host.path("srv");
        std::fs::create_dir(&srv).unwrap();
        std::os::unix::fs::chown(&srv, Some(0), Some(KAOHE_GID)).unwrap();
        set_mode(&srv, 0o2770);
        let db = srv.join("kaohe.db");
        let config = etc.join("config.toml");
        std::fs::write(&config, format!("db = \"{}\"\n", db.display())).unwrap();
        set_mode(&config, 0o644);
        // Made by root with the ordinary binary, then given to the group.
        let out = std::process::Command::new(host.binary())
            .env_clear()
            .env("HOME", host.path("root-home"))
            .arg("--db")
            .arg(&db)
            .arg("init")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::os::unix::fs::chown(&db, Some(0), Some(KAOHE_GID)).unwrap();
        set_mode(&db, 0o660);
        Some(Guarded {
            host,
            binary,
            config,
            db,
        })
    }

    /// The setgid kaohe as ALICE (in her own group only), in her home.
    fn alice(&self) -> std::process::Command {
        let home = self.host.home(ALICE);
        let mut cmd = std::process::Command::new(&self.binary);
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CONFIG_DIRS", self.host.path("etc-xdg"))
            .current_dir(&home);
        users::run_as(&mut cmd, ALICE, ALICE, &[]);
        cmd
    }

    /// A file of ALICE's in her home, `mode`.
    fn alices_file(&self, name: &str, text: &str, mode: u32) -> PathBuf {
        let path = self.host.home(ALICE).join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
            std::os::unix::fs::chown(dir, Some(ALICE), Some(ALICE)).unwrap();
        }
        std::fs::write(&path, text).unwrap();
        std::os::unix::fs::chown(&path, Some(ALICE), Some(ALICE)).unwrap();
        set_mode(&path, mode);
        path
    }
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Whether `path` is on a filesystem mounted nosuid.
fn nosuid(path: &Path) -> bool {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: an all-zero statvfs is a valid value to be overwritten.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: c is NUL-terminated and st is ours.
    let rc = unsafe { libc::statvfs(c.as_ptr(), &mut st) };
    rc == 0 && st.f_flag & libc::ST_NOSUID != 0
}

/// Runs a command that must succeed; its stdout.
fn ok(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must be refused with one line; that line.
fn refused(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(!out.status.success(), "should have been refused");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("kaohe: "), "{stderr}");
    stderr.trim_end().to_string()
}

#[test]
fn guarded_marks_go_through_kaohe_and_nowhere_else() {
    let Some(g) = Guarded::new("guarded_marks_go_through_kaohe_and_nowhere_else") else {
        return;
    };
    ok(g.alice()
        .args(["mark", "柯城区", "1.2", "完成", "--note", "台账齐全"]));
    let status: serde_json::Value =
        serde_json::from_str(&ok(g.alice().args(["status", "--json"]))).unwrap();
    assert_eq!(status["reviewed"], 1);
    assert_eq!(status["database"]["path"], g.db.display().to_string());
    assert_eq!(status["database"]["shared"], true);
    let log: serde_json::Value =
        serde_json::from_str(&ok(g.alice().args(["log", "--json"]))).unwrap();
    assert_eq!(log[0]["account"], ALICE.to_string(), "{log}");
    // Around kaohe, ALICE cannot even read the file.
    let mut cat = std::process::Command::new("/bin/cat");
    cat.arg(&g.db);
    users::run_as(&mut cat, ALICE, ALICE, &[]);
    let out = cat.output().unwrap();
    assert!(!out.status.success(), "ALICE read the database directly");
    assert!(out.stdout.is_empty());
    // What kaohe made beside the database stayed in the group.
    for side in ["-wal", "-shm"] {
        let path = PathBuf::from(format!("{}{side}", g.db.display()));
        if path.exists() {
            assert_eq!(users::mode_owner_group(&path).2, KAOHE_GID, "{side}");
        }
    }
    // `kaohe config` says what is in force.
    let out = ok(g.alice().arg("config"));
    assert!(
        out.contains(&format!("system config {}: OK", g.config.display())),
        "{out}"
    );
    assert!(out.contains("this kaohe runs setgid (group 4343)"), "{out}");
}

#[test]
fn guarded_the_database_comes_only_from_the_installations_config() {
    let Some(g) = Guarded::new("guarded_the_database_comes_only_from_the_installations_config")
    else {
        return;
    };
    let mine = g.host.home(ALICE).join("mine.db");
    let comes_from = format!(
        "is not taken here: this kaohe runs setgid (group 4343): its database is the one named in {}",
        g.config.display()
    );
    let e = refused(g.alice().arg("--db").arg(&mine).arg("status"));
    assert_eq!(e, format!("kaohe: --db {comes_from}"));
    let e = refused(g.alice().env("KAOHE_DB", &mine).arg("status"));
    assert_eq!(e, format!("kaohe: KAOHE_DB {comes_from}"));
    let e = refused(g.alice().args(["--demo", "status"]));
    assert_eq!(e, format!("kaohe: --demo {comes_from}"));
    let user = g.alices_file(
        ".config/kaohe/config.toml",
        &format!("theme = \"light\"\ndb = \"{}\"\n", mine.display()),
        0o600,
    );
    let e = refused(g.alice().arg("status"));
    assert!(
        e.starts_with(&format!(
            "kaohe: {}:2:1: db is not taken from your config: this kaohe runs setgid",
            user.display()
        )),
        "{e}"
    );
    assert!(!mine.exists(), "no database of ALICE's was made");
    std::fs::remove_file(&user).unwrap();
    // A system config in XDG_CONFIG_DIRS, which any user may set, is not read at all.
    let xdg = g.host.path("etc-xdg/kaohe");
    std::fs::create_dir_all(&xdg).unwrap();
    std::fs::write(
        xdg.join("config.toml"),
        format!("db = \"{}\"\n", mine.display()),
    )
    .unwrap();
    ok(g.alice().args(["mark", "柯城区", "1.3", "完成"]));
    assert!(!mine.exists());
    // The installation's config must be beyond the users' reach.
    set_mode(&g.config, 0o666);
    let e = refused(g.alice().arg("status"));
    assert!(
        e.starts_with(&format!(
            "kaohe: {} is writable by its group and by others: this kaohe runs setgid (group 4343), and takes its database only from",
            g.config.display()
        )),
        "{e}"
    );
    set_mode(&g.config, 0o644);
    std::os::unix::fs::chown(&g.config, Some(ALICE), None).unwrap();
    let e = refused(g.alice().arg("status"));
    assert!(e.contains(&format!("is owned by uid {ALICE}")), "{e}");
    std::os::unix::fs::chown(&g.config, Some(0), None).unwrap();
    set_mode(g.config.parent().unwrap(), 0o777);
    let e = refused(g.alice().arg("status"));
    assert!(
        e.contains("etc/kaohe is writable by its group and by others"),
        "{e}"
    );
    set_mode(g.config.parent().unwrap(), 0o755);
    // Without its config a guarded kaohe has no database at all.
    std::fs::remove_file(&g.config).unwrap();
    let e = refused(g.alice().arg("status"));
    assert_eq!(
        e,
        format!(
            "kaohe: this kaohe runs setgid (group 4343) takes its database only from db = in {}, which does not exist: an administrator sets it up",
            g.config.display()
        )
    );
}

#[test]
fn guarded_the_users_own_files_are_read_and_written_as_the_user() {
    let Some(g) = Guarded::new("guarded_the_users_own_files_are_read_and_written_as_the_user")
    else {
        return;
    };
    // An export into ALICE's home is ALICE's, in her group, not kaohe's.
    let out = g.host.home(ALICE).join("results.csv");
    ok(g.alice()
        .args(["export", "--format", "csv", "--out"])
        .arg(&out));
    let (_, owner, group) = users::mode_owner_group(&out);
    assert_eq!((owner, group), (ALICE, ALICE));
    // Into the guarded directory she cannot write as herself, so neither can kaohe for her.
    let inside = g.db.with_file_name("stolen.csv");
    let e = refused(
        g.alice()
            .args(["export", "--format", "csv", "--out"])
            .arg(&inside),
    );
    assert!(e.contains("stolen.csv"), "{e}");
    assert!(!inside.exists());
    // An import from a file only ALICE can read works …
    let csv = "county,indicator,value\n柯城区,1.1,是\n";
    let hers = g.alices_file("mine.csv", csv, 0o600);
    let said = ok(g.alice().arg("import").arg(&hers));
    assert!(said.starts_with("imported 1 submission"), "{said}");
    // … and one only kaohe's group can read is refused, as it would be without kaohe.
    let groups = g.host.path("group-only.csv");
    std::fs::write(&groups, csv).unwrap();
    std::os::unix::fs::chown(&groups, Some(0), Some(KAOHE_GID)).unwrap();
    set_mode(&groups, 0o640);
    let e = refused(g.alice().arg("import").arg(&groups));
    assert!(e.contains("group-only.csv: cannot read"), "{e}");
    assert!(e.contains("Permission denied"), "{e}");
    // So is a theme only the group can read.
    let theme = g.host.path("group-only-theme.toml");
    std::fs::write(&theme, "base = \"light\"\n").unwrap();
    std::os::unix::fs::chown(&theme, Some(0), Some(KAOHE_GID)).unwrap();
    set_mode(&theme, 0o640);
    let e = refused(g.alice().arg("--theme").arg(&theme).arg("config"));
    assert!(e.contains("group-only-theme.toml: cannot read"), "{e}");
}

// ---- shared: `init --shared`, -wal/-shm kept in the database's group and mode, `doctor` ----

use common::users::{MALLORY, mode_owner_group};
use std::process::Output;

/// A directory every account can pass through, owned by ALICE (who may make directories in it),
/// as a clerk's /srv would be for the one setting kaohe up.
#[allow(clippy::unwrap_used)]
fn shared_srv(host: &Host) -> PathBuf {
    let srv = host.path("srv");
    if !srv.exists() {
        std::fs::create_dir(&srv).unwrap();
        std::os::unix::fs::chown(&srv, Some(ALICE), Some(ALICE)).unwrap();
        std::fs::set_permissions(&srv, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    srv
}

/// kaohe as `uid` in `groups`, on `db`, with `args`.
#[allow(clippy::unwrap_used)]
fn shared_run(host: &Host, uid: u32, groups: &[u32], db: &Path, args: &[&str]) -> Output {
    // Another test's `Host::new` copying its binary while this process forks can leave the
    // copy's write handle in a child for a moment, and the kernel then refuses to run the copy
    // (ETXTBSY): tried again until that child has gone on to exec.
    let mut tries = 0;
    loop {
        let mut cmd = host.kaohe_as(uid, groups);
        match cmd.arg("--db").arg(db).args(args).output() {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && tries < 100 => {
                tries += 1;
                std::thread::yield_now();
            }
            out => return out.unwrap(),
        }
    }
}

#[allow(clippy::unwrap_used)]
fn shared_ok(host: &Host, uid: u32, db: &Path, args: &[&str]) -> String {
    let out = shared_run(host, uid, &[TEAM_GID], db, args);
    assert!(
        out.status.success(),
        "{uid} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn shared_side(db: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", db.display()))
}

#[allow(clippy::unwrap_used)]
fn shared_chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Makes a shared database as ALICE with `init --shared`, in a directory of its own.
fn shared_init(host: &Host, name: &str) -> PathBuf {
    let db = shared_srv(host).join(name).join("k.db");
    let tg = TEAM_GID.to_string();
    shared_ok(host, ALICE, &db, &["init", "--shared", &tg]);
    db
}

#[test]
fn shared_init_by_a_member_makes_the_directory_2770_in_the_group_and_the_database_0660() {
    if !users::can_switch("shared_init_by_a_member_makes_the_directory_2770_in_the_group") {
        return;
    }
    let host = Host::new();
    let db = shared_srv(&host).join("kaohe").join("kaohe.db");
    let tg = TEAM_GID.to_string();
    let out = shared_ok(&host, ALICE, &db, &["--demo", "init", "--shared", &tg]);
    assert!(out.contains("762 submissions"), "--demo works too: {out}");
    assert!(out.contains("shared: group 4242"), "{out}");
    let dir = db.parent().unwrap();
    assert_eq!(mode_owner_group(dir), (0o2770, ALICE, TEAM_GID));
    assert_eq!(mode_owner_group(&db), (0o660, ALICE, TEAM_GID));
    for suffix in ["-wal", "-shm"] {
        let side = shared_side(&db, suffix);
        assert_eq!(
            mode_owner_group(&side),
            (0o660, ALICE, TEAM_GID),
            "{suffix}"
        );
    }
    // Made again over itself: refused, nothing changed.
    let out = shared_run(&host, ALICE, &[TEAM_GID], &db, &["init", "--shared", &tg]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));

    // An existing directory of ALICE's, holding nothing else, is mended.
    let own = shared_srv(&host).join("mine");
    std::fs::create_dir(&own).unwrap();
    std::os::unix::fs::chown(&own, Some(ALICE), Some(ALICE)).unwrap();
    shared_chmod(&own, 0o755);
    let out = shared_ok(&host, ALICE, &own.join("k.db"), &["init", "--shared", &tg]);
    assert!(out.contains("mended"), "{out}");
    assert_eq!(mode_owner_group(&own), (0o2770, ALICE, TEAM_GID));

    // One of root's is not ALICE's to mend: the command that does is named.
    let roots = shared_srv(&host).join("roots");
    std::fs::create_dir(&roots).unwrap();
    shared_chmod(&roots, 0o777);
    shared_chmod(&roots, 0o755);
    let out = shared_run(
        &host,
        ALICE,
        &[TEAM_GID],
        &roots.join("k.db"),
        &["init", "--shared", &tg],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    let mend = format!(
        "sudo chgrp 4242 {0} && sudo chmod 2770 {0}",
        roots.display()
    );
    assert!(err.contains(&mend), "{err}");
    assert!(!roots.join("k.db").exists());
    assert_eq!(mode_owner_group(&roots), (0o755, 0, 0));
}

#[test]
fn shared_init_by_an_account_not_in_the_group_is_refused() {
    if !users::can_switch("shared_init_by_an_account_not_in_the_group_is_refused") {
        return;
    }
    let host = Host::new();
    let srv = shared_srv(&host);
    shared_chmod(&srv, 0o777);
    let db = srv.join("kaohe").join("k.db");
    let out = shared_run(&host, MALLORY, &[], &db, &["init", "--shared", "4242"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("you (4666) are not in group 4242")
            && err.contains("sudo usermod -aG 4242 4666"),
        "{err}"
    );
    assert!(!db.parent().unwrap().exists(), "nothing is made");
}

/// Marks by each account, as separate processes: `first` alone (so it is the one that opens
/// the database first), then all three at once, several marks each. Answers the marks made:
/// (account, county, indicator).
#[allow(clippy::unwrap_used)]
fn shared_mark_at_once(
    host: &Host,
    db: &Path,
    first: u32,
    round: usize,
) -> Vec<(u32, String, String)> {
    let counties = ["330802", "330803", "330825", "330881", "330822", "330824"];
    let who = [ALICE, BOB, CAROL];
    let mut made = Vec::new();
    let first_item = (first, counties[5].to_string(), format!("{}.1", round + 1));
    let note = format!("first {first}");
    shared_ok(
        host,
        first,
        db,
        &[
            "mark",
            &first_item.1,
            &first_item.2,
            "完成",
            "--note",
            &note,
        ],
    );
    made.push(first_item);
    std::thread::scope(|s| {
        let runs: Vec<_> = who
            .iter()
            .enumerate()
            .map(|(k, &uid)| {
                let county = counties[k];
                s.spawn(move || {
                    let mut done = Vec::new();
                    for i in 1..=4 {
                        let indicator = format!("{}.{i}", round + 1);
                        let note = format!("{uid} {i}");
                        let args = ["mark", county, &indicator, "基本完成", "--note", &note];
                        let out = shared_run(host, uid, &[TEAM_GID], db, &args);
                        assert!(
                            out.status.success(),
                            "{uid} {args:?}: {}",
                            String::from_utf8_lossy(&out.stderr)
                        );
                        done.push((uid, county.to_string(), indicator));
                    }
                    done
                })
            })
            .collect();
        for run in runs {
            made.extend(run.join().unwrap());
        }
    });
    made
}

/// In each order of first use (the first opener is the one whose process would make `-wal` and
/// `-shm`), the three accounts mark at once; every mark is in the log and the export, and the
/// side files stay in the team's group and the database's mode.
#[allow(clippy::unwrap_used)]
fn shared_every_order_of_first_use(host: &Host, db: &Path) {
    let mut made = Vec::new();
    for (round, first) in [ALICE, BOB, CAROL].into_iter().enumerate() {
        // Every process has ended, and the last checkpointed and emptied the WAL: removing the
        // side files loses nothing, and makes the next opener the first.
        for suffix in ["-wal", "-shm"] {
            let side = shared_side(db, suffix);
            if side.exists() {
                if suffix == "-wal" {
                    assert_eq!(
                        std::fs::metadata(&side).unwrap().len(),
                        0,
                        "WAL not emptied"
                    );
                }
                std::fs::remove_file(&side).unwrap();
            }
        }
        made.extend(shared_mark_at_once(host, db, first, round));
        for suffix in ["-wal", "-shm"] {
            let (mode, _, gid) = mode_owner_group(&shared_side(db, suffix));
            assert_eq!(
                (mode, gid),
                (0o660, TEAM_GID),
                "{suffix} after {first} opened first"
            );
        }
    }
    let log: serde_json::Value =
        serde_json::from_str(&shared_ok(host, CAROL, db, &["log", "--json"])).unwrap();
    let logged: Vec<(String, String, String)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["account"].as_str().unwrap().to_string(),
                e["county_code"].as_str().unwrap().to_string(),
                e["indicator"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(logged.len(), made.len(), "{log}");
    let export: serde_json::Value =
        serde_json::from_str(&shared_ok(host, BOB, db, &["export"])).unwrap();
    for (uid, county, indicator) in &made {
        assert!(
            logged
                .iter()
                .any(|(a, c, i)| a == &uid.to_string() && c == county && i == indicator),
            "{uid} {county} {indicator} not in the log: {logged:?}"
        );
        let row = export
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["county_code"] == county.as_str() && r["indicator"] == indicator.as_str())
            .unwrap();
        assert!(!row["verdict"].is_null(), "{row}");
        assert_eq!(row["reviewer"], uid.to_string(), "{row}");
    }
}

#[test]
fn shared_three_accounts_mark_one_database_at_once_in_every_order_of_first_use() {
    if !users::can_switch("shared_three_accounts_mark_one_database_at_once") {
        return;
    }
    let host = Host::new();
    let db = shared_init(&host, "kaohe");
    shared_every_order_of_first_use(&host, &db);
}

#[test]
fn shared_a_directory_made_by_hand_without_setgid_works_for_all_three() {
    if !users::can_switch("shared_a_directory_made_by_hand_without_setgid_works_for_all_three") {
        return;
    }
    let host = Host::new();
    // As a clerk would: a directory in the team's group, 770, not setgid; a private database
    // made in it and then given to the group.
    let dir = host.path("hand");
    std::fs::create_dir(&dir).unwrap();
    std::os::unix::fs::chown(&dir, None, Some(TEAM_GID)).unwrap();
    shared_chmod(&dir, 0o770);
    let db = dir.join("k.db");
    shared_ok(&host, ALICE, &db, &["init"]);
    assert_eq!(mode_owner_group(&db), (0o600, ALICE, ALICE));
    std::os::unix::fs::chown(&db, None, Some(TEAM_GID)).unwrap();
    shared_chmod(&db, 0o660);
    shared_every_order_of_first_use(&host, &db);
}

#[test]
fn shared_a_leftover_wal_of_a_wrong_mode_is_mended_by_its_owner_and_named_to_others() {
    if !users::can_switch("shared_a_leftover_wal_of_a_wrong_mode_is_mended_or_named") {
        return;
    }
    let host = Host::new();
    let db = shared_init(&host, "kaohe");
    let wal = shared_side(&db, "-wal");
    let shm = shared_side(&db, "-shm");
    // A moment's wrong mode on the database left ALICE's -wal at 600.
    shared_chmod(&wal, 0o600);
    let out = shared_run(
        &host,
        BOB,
        &[TEAM_GID],
        &db,
        &["mark", "柯城区", "1.1", "完成"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    let mend = format!("sudo chmod 660 {}", wal.display());
    assert!(
        err.contains(&format!("{} has mode 600", wal.display())) && err.contains(&mend),
        "{err}"
    );
    assert!(err.contains("belongs to 4001"), "{err}");
    assert_eq!(
        mode_owner_group(&wal),
        (0o600, ALICE, TEAM_GID),
        "not BOB's to mend"
    );
    // Its owner's next use mends it, and BOB gets in.
    shared_ok(&host, ALICE, &db, &["status"]);
    assert_eq!(mode_owner_group(&wal), (0o660, ALICE, TEAM_GID));
    shared_ok(&host, BOB, &db, &["mark", "柯城区", "1.1", "完成"]);

    // A -shm in its maker's own group (as SQLite makes it outside a setgid directory).
    std::os::unix::fs::chown(&shm, Some(BOB), Some(BOB)).unwrap();
    let out = shared_run(&host, CAROL, &[TEAM_GID], &db, &["status"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    let mend = format!("sudo chgrp 4242 {}", shm.display());
    assert!(
        err.contains("is in group 4002") && err.contains(&mend),
        "{err}"
    );
    shared_ok(&host, BOB, &db, &["status"]);
    assert_eq!(mode_owner_group(&shm), (0o660, BOB, TEAM_GID));
    shared_ok(&host, CAROL, &db, &["mark", "衢江区", "1.1", "未完成"]);
    let log = shared_ok(&host, CAROL, &db, &["log"]);
    assert_eq!(log.lines().count(), 2, "{log}");
}

#[test]
fn shared_doctor_names_each_seeded_problem_and_its_mending_command() {
    if !users::can_switch("shared_doctor_names_each_seeded_problem") {
        return;
    }
    let host = Host::new();
    let db = shared_init(&host, "kaohe");
    let dir = db.parent().unwrap().to_path_buf();
    let wal = shared_side(&db, "-wal");

    let out = shared_run(&host, BOB, &[TEAM_GID], &db, &["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("no problems found"), "{text}");
    assert!(
        text.contains("shared (共享)") && text.contains("from --db"),
        "{text}"
    );
    assert!(text.contains("integrity  ok"), "{text}");
    // Readable in 80 columns, but for the lines that hold a path.
    assert!(
        text.lines()
            .all(|l| l.contains('/') || l.chars().count() <= 78),
        "{text}"
    );

    // Seeded: a -wal of a wrong mode, a directory open to others and not setgid.
    shared_chmod(&wal, 0o600);
    shared_chmod(&dir, 0o775);
    let out = shared_run(&host, BOB, &[TEAM_GID], &db, &["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let d = dir.display();
    for (problem, mend) in [
        (
            format!(
                "{} has mode 600 where the database beside it has mode 660",
                wal.display()
            ),
            format!("mend: sudo chmod 660 {}", wal.display()),
        ),
        (
            format!("{d} is not setgid (mode 775)"),
            format!("mend: sudo chmod g+s {d}"),
        ),
        (
            format!("{d} is open to accounts outside the group (mode 775)"),
            format!("mend: sudo chmod o-rwx {d}"),
        ),
    ] {
        assert!(text.contains(&problem), "no {problem:?} in\n{text}");
        assert!(text.contains(&mend), "no {mend:?} in\n{text}");
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("3 problems found"));
    // Doctor reads and mends nothing.
    assert_eq!(mode_owner_group(&wal).0, 0o600);

    // As JSON, the same problems.
    let out = shared_run(&host, BOB, &[TEAM_GID], &db, &["doctor", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["problems"].as_array().unwrap().len(), 3, "{json}");
    assert_eq!(json["database"]["shared"], true);
    assert_eq!(json["files"][2]["mode"], "600", "{json}");
    assert_eq!(json["account"]["uid"], BOB);

    // No write access: an account outside the group, and a database made private.
    let out = shared_run(&host, MALLORY, &[], &db, &["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        text.contains(&format!("you (4666) cannot read or write {}", db.display()))
            && text.contains("mend: sudo usermod -aG 4242 4666, then log in again"),
        "{text}"
    );
    shared_chmod(&dir, 0o2770);
    shared_chmod(&wal, 0o660);
    shared_chmod(&db, 0o640);
    let out = shared_run(&host, BOB, &[TEAM_GID], &db, &["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        text.contains(&format!("you (4002) cannot write {}", db.display()))
            && text.contains(&format!("sudo chmod 660 {}", db.display())),
        "{text}"
    );
    // A database that is not there is not made.
    let none = dir.join("none.db");
    let out = shared_run(&host, BOB, &[TEAM_GID], &none, &["doctor"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!none.exists());
}
