#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `export --out` writes the file the user meant: never where a link someone else planted
//! points, never through a link to nothing, never over the database or its companion files,
//! and a new file with no access for others.

mod common;

use common::Env;
use common::users::{self, ALICE, Host, MALLORY};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::os::unix::process::CommandExt;
use std::path::Path;

/// Makes a symbolic link belong to `uid`, as if that account had made it.
fn lchown(link: &Path, uid: u32) {
    std::os::unix::fs::lchown(link, Some(uid), Some(uid)).unwrap();
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Runs a command as it must be refused: not successful, one line saying why on stderr.
fn refused(mut cmd: std::process::Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success(), "not refused: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("kaohe: "), "{stderr}");
    stderr
}

#[test]
fn a_link_planted_in_a_shared_directory_is_never_followed() {
    if !users::can_switch("a_link_planted_in_a_shared_directory_is_never_followed") {
        return;
    }
    let host = Host::new();
    // A shared directory as /tmp is: anyone may write, the sticky bit set, owned by root.
    let shared = host.path("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let home = host.home(ALICE);
    let db = home.join("k.db");
    let alice = |args: &[&str]| {
        let mut cmd = host.kaohe_as(ALICE, &[]);
        cmd.arg("--db").arg(&db).args(args);
        cmd
    };
    assert!(alice(&["init"]).output().unwrap().status.success());
    // Alice's own file, which Mallory would have her export replace.
    let precious = home.join("precious.csv");
    std::fs::write(&precious, "alice's own work\n").unwrap();
    std::os::unix::fs::chown(&precious, Some(ALICE), Some(ALICE)).unwrap();

    // Mallory's link where Alice will export.
    let planted = shared.join("report.csv");
    symlink(&precious, &planted).unwrap();
    lchown(&planted, MALLORY);
    let mut cmd = alice(&["export", "--format", "csv", "--out"]);
    cmd.arg(&planted);
    let e = refused(cmd);
    assert!(
        e.contains("is a symbolic link made by another account (uid 4666)")
            && e.contains("a directory anyone can write"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(&precious).unwrap(),
        "alice's own work\n"
    );
    assert!(is_link(&planted));

    // A planted link to a directory, on the way to the file: refused too, nothing made.
    let planted_dir = shared.join("exports");
    symlink(&home, &planted_dir).unwrap();
    lchown(&planted_dir, MALLORY);
    let mut cmd = alice(&["export", "--format", "csv", "--out"]);
    cmd.arg(planted_dir.join("new.csv"));
    let e = refused(cmd);
    assert!(e.contains("made by another account"), "{e}");
    assert!(!home.join("new.csv").exists());

    // Her own link there is hers to follow, and so is one the directory's owner made.
    let own = shared.join("mine.csv");
    symlink(&precious, &own).unwrap();
    lchown(&own, ALICE);
    let mut cmd = alice(&["export", "--format", "csv", "--out"]);
    cmd.arg(&own);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read_to_string(&precious)
            .unwrap()
            .starts_with("\u{feff}county_code")
    );
    let roots = shared.join("roots.csv");
    symlink(&precious, &roots).unwrap();
    let mut cmd = alice(&["export", "--format", "csv", "--out"]);
    cmd.arg(&roots);
    assert!(cmd.output().unwrap().status.success());
}

#[test]
fn a_link_to_nothing_is_refused_and_nothing_is_made() {
    let env = Env::new();
    env.ok(&["init"]);
    // As a planted ~/.ssh/authorized_keys would be: the link's own directory is there.
    let ssh = env.path(".ssh");
    std::fs::create_dir(&ssh).unwrap();
    let keys = ssh.join("authorized_keys");
    let link = env.path("results.csv");
    symlink(&keys, &link).unwrap();
    let e = env.refused(
        env.with_db()
            .args(["export", "--format", "csv", "--out"])
            .arg(&link),
    );
    assert!(
        e.contains("it is a symbolic link to") && e.contains("which does not exist"),
        "{e}"
    );
    assert!(!keys.exists());
    assert!(is_link(&link));
    assert_eq!(std::fs::read_dir(&ssh).unwrap().count(), 0);
    // Through a chain of links too, and a relative one.
    let chain = env.path("chain.csv");
    symlink("results.csv", &chain).unwrap();
    env.refused(env.with_db().args(["export", "--out"]).arg(&chain));
    assert!(!keys.exists());
    // A loop is refused as one.
    let a = env.path("a.csv");
    let b = env.path("b.csv");
    symlink(&b, &a).unwrap();
    symlink(&a, &b).unwrap();
    let e = env.refused(env.with_db().args(["export", "--out"]).arg(&a));
    assert!(e.contains("loop"), "{e}");
}

#[test]
fn the_database_and_its_log_and_index_are_never_written_over() {
    let env = Env::new();
    env.ok(&["init"]);
    env.ok(&["mark", "柯城区", "1.1", "met"]);
    // Files beside the database that SQLite may make, whether or not they are there now.
    std::fs::write(env.path("k.db-shm"), "").unwrap();
    let before = std::fs::read(env.db()).unwrap();
    let link = env.path("link-to-db");
    symlink(env.db(), &link).unwrap();
    let hard = env.path("hard.csv");
    std::fs::hard_link(env.db(), &hard).unwrap();
    let sub = env.path("sub");
    std::fs::create_dir(&sub).unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["k.db-wal".into()], "the database's write-ahead log"),
        (
            vec!["k.db-shm".into()],
            "the database's shared-memory index",
        ),
        (
            vec!["k.db-journal".into()],
            "the database's rollback journal",
        ),
        (vec!["link-to-db".into()], "the database itself"),
        (vec!["./sub/../k.db".into()], "the database itself"),
        (vec!["hard.csv".into()], "the database itself"),
    ];
    for (out, what) in cases {
        for format in ["csv", "json"] {
            // The database named relatively, from its own directory.
            let e = env.refused(
                env.kaohe()
                    .current_dir(env.dir.path())
                    .args(["--db", "k.db", "export", "--format", format, "--out"])
                    .args(&out),
            );
            assert!(e.contains(what), "{out:?}: {e}");
            assert!(e.contains("name another file"), "{e}");
        }
    }
    // And the database named through a link, the log named beside the file it leads to.
    let e = env.refused(
        env.kaohe()
            .arg("--db")
            .arg(&link)
            .args(["export", "--out"])
            .arg(env.path("k.db-wal")),
    );
    assert!(e.contains("write-ahead log"), "{e}");
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
    assert_eq!(env.json(&["status", "--json"])["met"], 1);
}

#[test]
fn a_new_export_has_no_world_access_and_an_old_one_keeps_its_own() {
    let env = Env::new();
    env.ok(&["init"]);
    for (umask, expect) in [
        (0o022, 0o640),
        (0o002, 0o660),
        (0o000, 0o660),
        (0o077, 0o600),
    ] {
        let out = env.path(&format!("new-{umask:o}.csv"));
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"));
        cmd.arg("--db")
            .arg(env.db())
            .args(["export", "--format", "csv", "--out"])
            .arg(&out)
            .env("HOME", env.dir.path());
        // SAFETY: umask is async-signal-safe and touches no memory.
        unsafe {
            cmd.pre_exec(move || {
                libc::umask(umask);
                Ok(())
            });
        }
        assert!(cmd.output().unwrap().status.success());
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, expect, "umask {umask:o}: mode {mode:o}");
    }
    // A file already there keeps what its owner gave it, world access included.
    let old = env.path("shared.csv");
    std::fs::write(&old, "").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    env.ok(&["export", "--out", old.to_str().unwrap()]);
    assert_eq!(
        std::fs::metadata(&old).unwrap().permissions().mode() & 0o777,
        0o644
    );
    assert!(std::fs::read_to_string(&old).unwrap().starts_with('['));
}
