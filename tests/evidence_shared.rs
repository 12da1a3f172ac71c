#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Issue 18 on a team's host: the evidence of a shared database is kept as the database is,
//! in its group (a setgid directory, 2770; each file 0440), so that every member imports more
//! and reads what the others imported. Run as root (other uids in the child); skipped
//! otherwise.

mod common;

use common::users::{self, ALICE, BOB, CAROL, Host, TEAM_GID, mode_owner_group};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// A sheet and its folder of evidence in `uid`'s home, readable by it alone.
fn sent_by(host: &Host, uid: u32, county: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let home = host.home(uid);
    let dir = home.join(county);
    for (name, content) in files {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), content).unwrap();
    }
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    let sheet = home.join(format!("{county}.csv"));
    std::fs::write(
        &sheet,
        format!(
            "county,indicator,value,evidence\n{county},1.2,65%,{}\n",
            names.join("、")
        ),
    )
    .unwrap();
    for p in [&dir, &sheet] {
        own(p, uid);
    }
    for (name, _) in files {
        own(&dir.join(name), uid);
    }
    sheet
}

fn own(path: &Path, uid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(uid)).unwrap();
    let mode = if path.is_dir() { 0o700 } else { 0o600 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn ok(host: &Host, uid: u32, db: &Path, args: &[&str]) -> String {
    let out = host
        .kaohe_as(uid, &[TEAM_GID])
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{uid} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_shared_databases_evidence_is_kept_in_its_group_and_every_member_adds_and_reads() {
    if !users::can_switch("a_shared_databases_evidence_is_kept_in_its_group") {
        return;
    }
    let host = Host::new();
    let srv = host.path("srv");
    std::fs::create_dir(&srv).unwrap();
    std::os::unix::fs::chown(&srv, Some(ALICE), Some(ALICE)).unwrap();
    std::fs::set_permissions(&srv, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = srv.join("kaohe").join("k.db");
    ok(
        &host,
        ALICE,
        &db,
        &["init", "--shared", &TEAM_GID.to_string()],
    );

    let sheet = sent_by(&host, ALICE, "柯城区", &[("通知.pdf", b"%PDF-1.4 alice")]);
    let out = ok(&host, ALICE, &db, &["import", sheet.to_str().unwrap()]);
    assert!(out.contains("1 found"), "{out}");
    let store = srv.join("kaohe").join("k.db.evidence");
    assert_eq!(mode_owner_group(&store), (0o2770, ALICE, TEAM_GID));
    assert_eq!(mode_owner_group(&store.join("tmp")).0, 0o2770);

    // BOB adds his county's, into the directory ALICE's import made.
    let sheet = sent_by(&host, BOB, "衢江区", &[("纪要.pdf", b"%PDF-1.4 bob")]);
    let out = ok(&host, BOB, &db, &["import", sheet.to_str().unwrap()]);
    assert!(out.contains("1 found"), "{out}");
    let mut owners = Vec::new();
    for d in std::fs::read_dir(&store).unwrap().flatten() {
        if d.file_name() == "tmp" {
            continue;
        }
        assert_eq!(mode_owner_group(&d.path()).0 & 0o2070, 0o2070);
        for f in std::fs::read_dir(d.path()).unwrap().flatten() {
            let (mode, owner, group) = mode_owner_group(&f.path());
            assert_eq!((mode, group), (0o440, TEAM_GID), "{:?}", f.path());
            owners.push(owner);
        }
    }
    owners.sort();
    assert_eq!(owners, [ALICE, BOB]);

    // CAROL reads both, byte for byte.
    let out_dir = host.home(CAROL).join("导出");
    ok(
        &host,
        CAROL,
        &db,
        &["export", "--evidence", out_dir.to_str().unwrap()],
    );
    let read = |county: &str, name: &str| {
        std::fs::read(
            out_dir
                .join(county)
                .join("1.2 照料中心覆盖率(城市)")
                .join(name),
        )
        .unwrap()
    };
    assert_eq!(read("330802 柯城区", "通知.pdf"), b"%PDF-1.4 alice");
    assert_eq!(read("330803 衢江区", "纪要.pdf"), b"%PDF-1.4 bob");
    assert_eq!(
        mode_owner_group(&out_dir).1,
        CAROL,
        "an export is its maker's"
    );
}

/// kaohe's group in the guarded set-up: no reviewer is in it.
const KAOHE_GID: u32 = 4343;

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Whether `path` is on a filesystem mounted nosuid (a setgid binary then runs without it).
fn nosuid(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: an all-zero statvfs is a valid value to be overwritten.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: c is NUL-terminated and st is ours.
    let rc = unsafe { libc::statvfs(c.as_ptr(), &mut st) };
    rc == 0 && st.f_flag & libc::ST_NOSUID != 0
}

#[test]
fn in_the_guarded_set_up_the_evidence_is_kaohes_groups_and_reached_only_through_kaohe() {
    let test = "in_the_guarded_set_up_the_evidence_is_kaohes_groups";
    if !users::can_switch(test) {
        return;
    }
    let host = Host::new();
    if nosuid(host.dir.path()) {
        eprintln!("skipped {test}: the test directory is mounted nosuid");
        return;
    }
    // As guarded.rs sets it up: kaohe setgid to KAOHE_GID, its config beside it, the database
    // in a directory only that group enters.
    let prefix = host.path("prefix");
    let bin = prefix.join("bin");
    let etc = prefix.join("etc/kaohe");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&etc).unwrap();
    let binary = bin.join("kaohe");
    assert!(
        std::process::Command::new("cp")
            .arg(host.binary())
            .arg(&binary)
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::chown(&binary, Some(0), Some(KAOHE_GID)).unwrap();
    set_mode(&binary, 0o2755);
    for dir in [prefix.as_path(), &bin, &prefix.join("etc"), &etc] {
        set_mode(dir, 0o755);
    }
    let srv = host.path("srv");
    std::fs::create_dir(&srv).unwrap();
    std::os::unix::fs::chown(&srv, Some(0), Some(KAOHE_GID)).unwrap();
    set_mode(&srv, 0o2770);
    let db = srv.join("kaohe.db");
    std::fs::write(
        etc.join("config.toml"),
        format!("db = \"{}\"\n", db.display()),
    )
    .unwrap();
    set_mode(&etc.join("config.toml"), 0o644);
    let made = std::process::Command::new(host.binary())
        .env_clear()
        .env("HOME", host.path("root-home"))
        .arg("--db")
        .arg(&db)
        .arg("init")
        .output()
        .unwrap();
    assert!(made.status.success());
    std::os::unix::fs::chown(&db, Some(0), Some(KAOHE_GID)).unwrap();
    set_mode(&db, 0o660);

    let alice = |args: &[&str]| {
        let home = host.home(ALICE);
        let mut cmd = std::process::Command::new(&binary);
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CONFIG_DIRS", host.path("etc-xdg"))
            .current_dir(&home)
            .args(args);
        users::run_as(&mut cmd, ALICE, ALICE, &[]);
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let sheet = sent_by(&host, ALICE, "柯城区", &[("通知.pdf", b"%PDF-1.4 guarded")]);
    let out = alice(&["import", sheet.to_str().unwrap()]);
    assert!(out.contains("1 found"), "{out}");
    // A plain sheet after it (the earlier files looked at again) works as well.
    let out = alice(&["import", sheet.to_str().unwrap(), "--no-evidence"]);
    assert!(out.contains("1 found"), "{out}");
    let store = srv.join("kaohe.db.evidence");
    assert_eq!(mode_owner_group(&store).2, KAOHE_GID);
    let kept: Vec<PathBuf> = std::fs::read_dir(&store)
        .unwrap()
        .flatten()
        .filter(|d| d.file_name() != "tmp")
        .flat_map(|d| {
            std::fs::read_dir(d.path())
                .unwrap()
                .flatten()
                .map(|f| f.path())
        })
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(mode_owner_group(&kept[0]), (0o440, ALICE, KAOHE_GID));
    // Read back through kaohe, into her own folder, as hers.
    let out_dir = host.home(ALICE).join("导出");
    alice(&["export", "--evidence", out_dir.to_str().unwrap()]);
    let copied = out_dir
        .join("330802 柯城区")
        .join("1.2 照料中心覆盖率(城市)")
        .join("通知.pdf");
    assert_eq!(std::fs::read(&copied).unwrap(), b"%PDF-1.4 guarded");
    assert_eq!(mode_owner_group(&copied).1, ALICE);
    assert_eq!(
        mode_owner_group(&copied).2,
        ALICE,
        "in her group, not kaohe's"
    );
}
