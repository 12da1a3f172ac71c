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
