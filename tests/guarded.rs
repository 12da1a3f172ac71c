#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The guarded set-up: kaohe installed setgid to a group the reviewers are not in (run from root as
//! other uids).

mod common;

use common::users::{self, ALICE, Host};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

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
        // By `cp`, as `Host::new` does (a write handle held here could make the copy busy).
        let copied = std::process::Command::new("cp")
            .arg(host.binary())
            .arg(&binary)
            .status()
            .unwrap();
        assert!(copied.success());
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
