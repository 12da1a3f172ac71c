#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The database watched, not trusted: the real binary in a pseudo-terminal while its database is
//! moved or copied over, loses its `-wal`, is held locked by another process (an import by 王五),
//! or is read-only; and the commands that only read, given a database that is not there. Every
//! wait is for what the screen shows (or the process's end, or the database's content), never a
//! fixed time.

mod common;

use common::pty::Screen;
use common::users::{self, ALICE, Host};
use portable_pty::CommandBuilder;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(30);

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn db(&self) -> PathBuf {
        self.path("k.db")
    }

    fn kaohe(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"));
        cmd.env_remove("KAOHE_DB")
            .env_remove("KAOHE_CONFIG")
            .env_remove("KAOHE_LANG")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_CONFIG_DIRS", self.path("etc-xdg"))
            .env("USER", "tester")
            .env("LOGNAME", "tester");
        cmd
    }

    /// A command on `db` that must succeed; its standard output.
    fn ok(&self, db: &Path, args: &[&str]) -> String {
        let out = self
            .kaohe()
            .arg("--db")
            .arg(db)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The workspace on `db`, looking at the database every 100 ms.
    fn open(&self, db: &Path) -> Screen {
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kaohe"));
        cmd.arg("--db");
        cmd.arg(db);
        cmd.args(["--reviewer", "张三"]);
        cmd.cwd(self.dir.path());
        cmd.env("HOME", self.dir.path());
        cmd.env("XDG_DATA_HOME", self.path("data"));
        cmd.env("XDG_CONFIG_HOME", self.path("config"));
        cmd.env("XDG_CONFIG_DIRS", self.path("etc-xdg"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("USER", "tester");
        cmd.env("LOGNAME", "tester");
        cmd.env("KAOHE_POLL_MS", "100");
        for name in [
            "KAOHE_DB",
            "KAOHE_LANG",
            "KAOHE_CONFIG",
            "NO_COLOR",
            "COLORTERM",
        ] {
            cmd.env_remove(name);
        }
        Screen::spawn(cmd, 120, 30)
    }

    /// The demo assessment at `db` (every county's figures submitted).
    fn demo(&self, db: &Path) {
        self.ok(db, &["--demo", "init"]);
    }
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn status_reviewed(env: &Env, db: &Path) -> u64 {
    let status: serde_json::Value =
        serde_json::from_str(&env.ok(db, &["status", "--json"])).unwrap();
    status["reviewed"].as_u64().unwrap()
}

/// Waits (bounded) until `check` holds.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < TIMEOUT, "never: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Another kaohe database, with one verdict of its own (开化县 2.1 完成), as a backup would be.
fn backup(env: &Env) -> PathBuf {
    let path = env.path("backup.db");
    env.demo(&path);
    env.ok(&path, &["mark", "开化县", "2.1", "完成"]);
    path
}

/// The backup put back over the open workspace's database (`mv`, or `cp` by another process),
/// then a mark tried: refused, said, nothing written; after `q`, the file at the path is byte for
/// byte what was put there, and opens as the backup.
fn swapped_under_the_workspace(put_back: fn(&Path, &Path), said: &str) {
    let env = Env::new();
    env.demo(&env.db());
    let backup = backup(&env);
    let mut s = env.open(&env.db());
    s.wait_for("已评 0/762");
    s.send("1");
    s.wait_for("已评 1/762");
    put_back(&backup, &env.db());
    let restored = std::fs::read(env.db()).unwrap();
    let screen = s.wait_for(said);
    assert!(screen.contains("已停止写入"), "{screen}");
    // A mark now is refused (the cursor stays), and never shown as saved.
    s.send("2");
    s.send("k");
    s.wait_for("详情 · 柯城区");
    let screen = s.wait_for(said);
    assert!(screen.contains("已评 1/762"), "{screen}");
    assert!(
        !screen.contains("已保存") && !screen.contains("待写入"),
        "{screen}"
    );
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    assert!(
        std::fs::read(env.db()).unwrap() == restored,
        "the old workspace wrote into the file put back"
    );
    // The file put back opens whole, as the backup it is.
    assert_eq!(status_reviewed(&env, &env.db()), 1);
    let log: serde_json::Value =
        serde_json::from_str(&env.ok(&env.db(), &["log", "--json"])).unwrap();
    assert_eq!(log.as_array().unwrap().len(), 1);
    assert_eq!(log[0]["county_code"], "330824", "{log}");
    assert!(
        std::fs::read(env.db()).unwrap() == restored,
        "reading it changed it"
    );
}

#[test]
fn a_database_moved_over_an_open_workspace_is_noticed_and_left_as_it_is() {
    swapped_under_the_workspace(
        |backup, db| std::fs::rename(backup, db).unwrap(),
        "数据库文件已被替换（mv）",
    );
}

#[test]
fn a_database_copied_over_an_open_workspace_is_noticed_and_left_as_it_is() {
    swapped_under_the_workspace(
        |backup, db| {
            // Another process copies it, as a reviewer restoring a backup would.
            let copied = std::process::Command::new("cp")
                .arg(backup)
                .arg(db)
                .status();
            assert!(copied.unwrap().success());
        },
        "数据库文件被其他程序改写（cp）",
    );
}

#[test]
fn a_removed_wal_is_noticed_nothing_more_is_written_and_a_kill_9_loses_nothing_shown_saved() {
    let env = Env::new();
    env.demo(&env.db());
    let mut s = env.open(&env.db());
    s.wait_for("已评 0/762");
    s.send("1");
    s.wait_for("已评 1/762");
    s.send("1231");
    s.wait_for("已评 5/762");
    std::fs::remove_file(env.path("k.db-wal")).unwrap();
    let screen = s.wait_for("数据库的 -wal 或 -shm 文件被删除");
    assert!(screen.contains("此前保存的都已写入数据库文件"), "{screen}");
    // The cursor is on 开化县 after five marks; a mark now is refused and it stays there.
    s.send("1");
    s.send("k");
    s.wait_for("详情 · 常山县");
    let screen = s.wait_for("已停止写入");
    assert!(screen.contains("已评 5/762"), "{screen}");
    s.signal(libc::SIGKILL);
    s.exit_code();
    // The five shown as saved are in the file; the one tried after is not.
    assert_eq!(status_reviewed(&env, &env.db()), 5);
    assert_eq!(count(&env.db(), "SELECT COUNT(*) FROM review_log"), 5);
}

/// Holds the database's write lock as a long import by 王五 would: says so first (the table an
/// import writes to before it takes the lock), then takes it.
fn hold_as_wangs_import(db: &Path) -> Connection {
    let conn = Connection::open(db).unwrap();
    let mut host = [0u8; 256];
    // SAFETY: the buffer is writable for the length given.
    assert_eq!(
        unsafe { libc::gethostname(host.as_mut_ptr().cast(), host.len()) },
        0
    );
    let end = host.iter().position(|&b| b == 0).unwrap();
    let host = String::from_utf8_lossy(&host[..end]).into_owned();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    conn.execute(
        "INSERT INTO long_writes (what, reviewer, account, host, pid, started_at)
         VALUES ('import', '王五', 'wangwu', ?1, ?2, ?3)",
        rusqlite::params![host, std::process::id(), now],
    )
    .unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    conn
}

/// Sends `key` and waits for the screen to show `then`; answers how long that took.
fn answered(s: &mut Screen, key: &str, then: &str) -> Duration {
    let start = Instant::now();
    s.send(key);
    s.wait_for(then);
    start.elapsed()
}

#[test]
fn a_held_lock_leaves_keys_answered_says_for_whom_and_writes_as_soon_as_it_frees() {
    let env = Env::new();
    env.demo(&env.db());
    let mut s = env.open(&env.db());
    s.wait_for("已评 0/762");
    let holder = hold_as_wangs_import(&env.db());
    // Moves are answered at once while the lock is held (they wrote the reviewer's place and
    // presence, and waited for the lock, before).
    let moved = answered(&mut s, "j", "详情 · 衢江区");
    assert!(moved < Duration::from_secs(2), "a move took {moved:?}");
    // A mark is answered too: pending, the cursor on, and whom it waits for said.
    let marked = answered(&mut s, "1", "详情 · 龙游县");
    assert!(marked < Duration::from_secs(2), "a mark took {marked:?}");
    // The message line, then (drawn before it in the same frame) the header and the table.
    let screen = s.wait_for("数据库正被王五的导入占用：1 项等待写入");
    assert!(
        screen.contains("等待写入 1") && screen.contains("✓ 待写入"),
        "{screen}"
    );
    assert!(!screen.contains("已保存"), "{screen}");
    assert_eq!(
        count(&env.db(), "SELECT COUNT(*) FROM reviews"),
        0,
        "written while locked"
    );
    // More keys while locked: the cursor goes on moving, the screen on changing.
    let moved = answered(&mut s, "j", "详情 · 江山市");
    assert!(moved < Duration::from_secs(2), "a move took {moved:?}");
    // The lock frees (the import ends): written at once, and only then said saved.
    holder
        .execute_batch("DELETE FROM long_writes; COMMIT")
        .unwrap();
    s.wait_for("已评 1/762");
    s.wait_for("已保存");
    s.wait_gone("等待写入");
    assert_eq!(
        count(
            &env.db(),
            "SELECT COUNT(*) FROM reviews WHERE county_code = '330803' AND indicator_id = '1.1' AND verdict = 'met'"
        ),
        1
    );
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn a_hang_up_while_the_database_is_locked_keeps_the_draft_for_the_next_start() {
    let env = Env::new();
    env.demo(&env.db());
    let mut s = env.open(&env.db());
    s.wait_for("已评 0/762");
    let holder = hold_as_wangs_import(&env.db());
    s.send("e");
    s.wait_for("Enter 保存");
    s.send("锁住时写的备注");
    s.wait_for("锁住时写的备注");
    s.signal(libc::SIGHUP);
    assert_eq!(s.exit_code(), 129);
    assert_eq!(count(&env.db(), "SELECT COUNT(*) FROM drafts"), 0);
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    // The next start opens on it, and writes it into the database.
    let mut s = env.open(&env.db());
    // (The message line is drawn last in a frame: once it shows, the editor above it does.)
    let screen = s.wait_for("已找回上次断线时未能存入数据库的 1 条备注草稿");
    assert!(screen.contains("锁住时写的备注"), "{screen}");
    eventually("the draft is in the database", || {
        count(
            &env.db(),
            "SELECT COUNT(*) FROM drafts WHERE text = '锁住时写的备注' AND county_code = '330802'",
        ) == 1
    });
    eventually("the recovery file goes once its draft is written", || {
        std::fs::read_dir(env.path("data/kaohe/recovery")).map_or(0, |d| d.count()) == 0
    });
    s.send("\r");
    s.wait_for("备注已保存");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn commands_that_only_read_refuse_a_missing_database_and_create_none() {
    let env = Env::new();
    let typo = env.path("kaoeh.db");
    for args in [
        &["status"][..],
        &["log"],
        &["export"],
        &["export", "--format", "csv"],
        &["targets"],
        &["counties", "--json"],
    ] {
        let out = env
            .kaohe()
            .arg("--db")
            .arg(&typo)
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert_eq!(
            err.trim_end(),
            format!(
                "kaohe: database {} does not exist, and a command that only reads creates none: `kaohe init --db {}` creates it",
                typo.display(),
                typo.display()
            ),
            "{args:?}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!typo.exists(), "{args:?} created it");
    }
    // Nor the default one, nor the demo's.
    for (args, init) in [
        (&["status"][..], "`kaohe init` creates it"),
        (&["--demo", "log"], "`kaohe init --demo` creates it"),
    ] {
        let out = env.kaohe().args(args).output().unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            !out.status.success() && err.contains(init),
            "{args:?}: {err}"
        );
    }
    assert!(!env.path("data").exists(), "a data directory was made");
}

#[test]
fn a_read_only_database_says_so_in_the_workspace_and_mark_refuses() {
    if !users::can_switch("a_read_only_database_says_so_in_the_workspace_and_mark_refuses") {
        return;
    }
    let host = Host::new();
    let home = host.home(ALICE);
    let db = home.join("k.db");
    let made = host
        .kaohe_as(ALICE, &[])
        .arg("--db")
        .arg(&db)
        .args(["--demo", "init"])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&db).unwrap();
    // mark: one line, before anything is done.
    let out = host
        .kaohe_as(ALICE, &[])
        .arg("--db")
        .arg(&db)
        .args(["mark", "柯城区", "1.2", "完成"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success());
    assert_eq!(
        err.trim_end(),
        format!(
            "kaohe: {} is read-only for this account, so nothing was written (its owner or group can give write access, or use an account that has it)",
            db.display()
        )
    );
    // Reading still works.
    let status = host
        .kaohe_as(ALICE, &[])
        .arg("--db")
        .arg(&db)
        .args(["status", "--json"])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    // The workspace says so at once, and a mark changes nothing.
    let mut cmd = CommandBuilder::new("setpriv");
    cmd.args(users::setpriv_args(ALICE, ALICE, &[]));
    cmd.arg(host.binary());
    cmd.arg("--db");
    cmd.arg(&db);
    cmd.env_clear();
    cmd.env("PATH", "/usr/bin:/bin");
    cmd.env("HOME", &home);
    cmd.env("XDG_DATA_HOME", home.join(".local/share"));
    cmd.env("XDG_CONFIG_HOME", home.join(".config"));
    cmd.env("XDG_CONFIG_DIRS", host.path("etc-xdg"));
    cmd.env("TERM", "xterm-256color");
    cmd.cwd(&home);
    let mut s = Screen::spawn(cmd, 120, 30);
    let screen = s.wait_for("数据库只读：本账号不能写入");
    assert!(screen.contains("只读"), "{screen}");
    s.send("1");
    s.send("j");
    s.wait_for("详情 · 衢江区");
    s.send("1");
    let screen = s.wait_for("数据库只读");
    assert!(
        screen.contains("已评 0/762") && !screen.contains("已保存"),
        "{screen}"
    );
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    assert!(
        std::fs::read(&db).unwrap() == before,
        "the database changed"
    );
}

#[test]
fn a_second_review_given_while_locked_is_written_when_the_lock_frees() {
    let env = Env::new();
    env.demo(&env.db());
    // 李四's first verdict, for this workspace's reviewer (张三) to check.
    env.ok(
        &env.db(),
        &["--reviewer", "李四", "mark", "柯城区", "1.1", "完成"],
    );
    let mut s = env.open(&env.db());
    s.wait_for("已评 1/762");
    s.send("c");
    s.wait_for("复核：待复核 1 项");
    let holder = hold_as_wangs_import(&env.db());
    // 同意, while the lock is held: answered, said waiting, and not said done.
    s.send("\r");
    let screen = s.wait_for("数据库正被王五的导入占用");
    assert!(!screen.contains("已复核（同意）"), "{screen}");
    assert_eq!(count(&env.db(), "SELECT COUNT(*) FROM second_reviews"), 0);
    // The lock frees: written, and the queue goes on (this was the only item to check).
    holder
        .execute_batch("DELETE FROM long_writes; COMMIT")
        .unwrap();
    let screen = s.wait_for("没有待复核的项目");
    assert!(!screen.contains("等待写入"), "{screen}");
    assert_eq!(
        count(
            &env.db(),
            "SELECT COUNT(*) FROM second_reviews WHERE county_code = '330802' AND indicator_id = '1.1' AND verdict = 'met'"
        ),
        1
    );
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}
