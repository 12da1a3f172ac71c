#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A team on one host: several OS accounts (other uids and gids, run from root) on one database.

mod common;

use common::users::{self, ALICE, Host};
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

// ---- shared: `init --shared`, -wal/-shm kept in the database's group and mode, `doctor` ----

use common::users::{BOB, CAROL, MALLORY, TEAM_GID, mode_owner_group};
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
    host.kaohe_as(uid, groups)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
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
