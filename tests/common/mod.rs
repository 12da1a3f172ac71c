//! What the command-line tests share: a temporary home and database, and the real binary run
//! in it. Each test crate uses part of it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod pty;
pub mod screen;
pub mod term;
pub mod users;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A temporary home, data and config directory with a database path in it.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("k.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// kaohe with its own home and data directory, and no KAOHE_DB from the caller.
    pub fn kaohe(&self) -> Command {
        let mut cmd = Command::cargo_bin("kaohe").unwrap();
        cmd.env_remove("KAOHE_DB")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_CONFIG_DIRS", self.dir.path().join("etc-xdg"))
            .env_remove("KAOHE_CONFIG")
            .env_remove("KAOHE_LANG")
            .env("USER", "tester")
            .env("LOGNAME", "tester");
        cmd
    }

    pub fn with_db(&self) -> Command {
        let mut cmd = self.kaohe();
        cmd.arg("--db").arg(self.db());
        cmd
    }

    /// Runs a command that must succeed, saying nothing on stderr; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.with_db().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// Runs a command that must be refused: non-zero exit, one line on stderr, returned.
    pub fn refused(&self, cmd: &mut Command) -> String {
        let out = cmd.output().unwrap();
        assert!(!out.status.success(), "should have failed");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "not one line: {stderr:?}");
        assert!(stderr.starts_with("kaohe: "), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr.trim_end().to_string()
    }

    /// An import that must be refused, leaving the database holding what it held.
    pub fn import_refused(&self, file: &Path, extra: &[&str]) -> String {
        if !self.db().exists() {
            self.ok(&["init"]);
        }
        let before = db_content(&self.db());
        let message = self.refused(self.with_db().arg("import").arg(file).args(extra));
        // What it holds, not its bytes: an import written as the file is read says so to
        // those it keeps waiting (long_writes) and takes that off again when refused.
        assert_eq!(db_content(&self.db()), before, "{message}");
        message
    }

    /// Starts every command at once against the database and waits for all to succeed.
    pub fn all_at_once(&self, commands: Vec<Vec<String>>) {
        let children: Vec<_> = commands
            .into_iter()
            .map(|args| {
                std::process::Command::new(assert_cmd::cargo::cargo_bin("kaohe"))
                    .arg("--db")
                    .arg(self.db())
                    .args(args)
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{stderr}");
        }
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

/// What a database holds, as text: its schema (tables, indexes, triggers) and every table's
/// rows, sorted. Two databases holding the same compare equal whatever their bytes.
pub fn db_content(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let schema: Vec<(String, String, Option<String>)> = conn
        .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut content = Vec::new();
    for (kind, name, sql) in schema {
        content.push(format!("{kind} {name}: {}", sql.unwrap_or_default()));
        if kind != "table" {
            continue;
        }
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{}\"", name.replace('"', "\"\"")))
            .unwrap();
        let columns = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                (0..columns)
                    .map(|k| {
                        r.get::<_, rusqlite::types::Value>(k)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .map(|v| v.join("|"))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.sort();
        content.extend(rows.into_iter().map(|row| format!("{name}: {row}")));
    }
    content
}
