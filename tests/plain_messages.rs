#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Messages that say what happened in plain words: a full disk is a full disk (not "disk I/O
//! error", not a line of the file being imported), and a reviewer's name must be one people
//! can see.

mod common;

use common::Env;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A small tmpfs of its own, unmounted when dropped. Only root may mount one, and a sandbox
/// may refuse even root: then the test says why and passes.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(test: &str, size: &str) -> Option<SmallDisk> {
        // SAFETY: geteuid cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!(
                "skipped {test}: mounting a small tmpfs to fill needs root (CI runs as root)"
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(out) if out.status.success() => Some(SmallDisk { dir }),
            Ok(out) => {
                eprintln!(
                    "skipped {test}: this machine refuses to mount a tmpfs ({})",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("skipped {test}: cannot run mount ({e})");
                None
            }
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Fills the disk, then frees `leave` bytes of it.
    fn fill_leaving(&self, leave: u64) {
        let path = self.path("filler");
        let mut filler = std::fs::File::create(&path).unwrap();
        let block = vec![0u8; 4096];
        while filler.write_all(&block).is_ok() {}
        let len = std::fs::metadata(&path).unwrap().len();
        filler.set_len(len.saturating_sub(leave)).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .output();
    }
}

fn kaohe(db: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kaohe"));
    cmd.env_remove("KAOHE_DB")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .arg("--db")
        .arg(db);
    cmd
}

fn refused(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success(), "not refused: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr.trim_end().to_string()
}

#[test]
fn a_full_disk_before_the_shared_memory_file_exists_is_said_as_one() {
    let Some(disk) = SmallDisk::mount(
        "a_full_disk_before_the_shared_memory_file_exists_is_said_as_one",
        "1m",
    ) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let db = disk.path("k.db");
    assert!(
        kaohe(&db, home.path())
            .arg("init")
            .output()
            .unwrap()
            .status
            .success()
    );
    let before = std::fs::read(&db).unwrap();
    disk.fill_leaving(0);
    let e = refused(kaohe(&db, home.path()).args(["mark", "柯城区", "1.2", "met"]));
    assert_eq!(
        e,
        format!(
            "kaohe: the disk is full ({}'s filesystem); free space and run again",
            db.display()
        )
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_full_disk_during_an_import_blames_no_line_and_imports_nothing() {
    let Some(disk) = SmallDisk::mount(
        "a_full_disk_during_an_import_blames_no_line_and_imports_nothing",
        "16m",
    ) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    // Enough rows that SQLite writes pages to its log before the commit (its cache holds about
    // 2 MB): the disk fills on a row, which used to be blamed ("line 15232: cannot store …").
    let ids: Vec<String> = {
        let probe = home.path().join("probe.db");
        assert!(
            kaohe(&probe, home.path())
                .arg("init")
                .status()
                .unwrap()
                .success()
        );
        let out = kaohe(&probe, home.path())
            .args(["targets", "--json"])
            .output()
            .unwrap();
        let targets: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        targets
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| t["indicators"].as_array().unwrap().iter())
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    let codes: Vec<u32> = (331000..331300).collect();
    let counties = home.path().join("counties.csv");
    let mut text = String::from("code,name\n");
    for code in &codes {
        text.push_str(&format!("{code},县{code}\n"));
    }
    std::fs::write(&counties, text).unwrap();
    let sheet = home.path().join("sheet.csv");
    let mut text = String::from("county,indicator,value,evidence,remark\n");
    for code in &codes {
        for id in &ids {
            text.push_str(&format!("{code},{id},75%,佐证材料{code},说明{id}\n"));
        }
    }
    std::fs::write(&sheet, text).unwrap();
    let db = disk.path("k.db");
    assert!(
        kaohe(&db, home.path())
            .arg("init")
            .arg("--counties")
            .arg(&counties)
            .output()
            .unwrap()
            .status
            .success()
    );
    // Another reader keeps the -wal and -shm files there, as an open workspace does; the disk
    // then fills, leaving 1 MB.
    let reader = rusqlite::Connection::open(&db).unwrap();
    let _: i64 = reader
        .query_row("SELECT count(*) FROM counties", [], |r| r.get(0))
        .unwrap();
    assert!(disk.path("k.db-shm").exists());
    disk.fill_leaving(1 << 20);
    let e = refused(kaohe(&db, home.path()).arg("import").arg(&sheet));
    assert_eq!(
        e,
        format!(
            "kaohe: the disk is full ({}'s filesystem); free space and run again",
            db.display()
        )
    );
    let submitted: i64 = reader
        .query_row("SELECT count(*) FROM submissions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(submitted, 0);
}

#[test]
fn a_name_nobody_can_see_is_refused_as_a_reviewer() {
    let env = Env::new();
    for (name, says) in [
        ("\u{200b}", "invisible character U+200B"),
        ("张\u{200d}三", "invisible character U+200D"),
        ("\u{3164}", "invisible character U+3164"),
        ("\u{301}\u{302}", "shows nothing"),
        ("\u{301}张三", "starts with the combining mark U+0301"),
        ("\u{3000}", "--reviewer is empty"),
    ] {
        let e =
            env.refused(
                env.with_db()
                    .args(["--reviewer", name, "mark", "柯城区", "1.2", "met"]),
            );
        assert!(
            e.contains("--reviewer") && e.contains(says),
            "{name:?}: {e}"
        );
    }
    assert!(!env.db().exists());
    // A name people can read is taken as it is.
    env.ok(&["--reviewer", "José 张三", "mark", "柯城区", "1.2", "met"]);
    let log = env.json(&["log", "--json"]);
    assert_eq!(log[0]["reviewer"], "José 张三");
}
