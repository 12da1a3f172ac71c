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
