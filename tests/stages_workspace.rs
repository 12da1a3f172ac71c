#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The later stages end to end: the real binary's workspace in a pseudo-terminal at 80×24
//! (PuTTY's and Xshell's default), read through a terminal emulator. An item signed off (审定)
//! is refused in the workspace, and the screen says who locked it and when — also when the
//! lock comes while the workspace is open; a 复核 change without a reason is refused. Every
//! wait is for what the screen shows, never a fixed time.

mod common;

use common::Env;
use common::pty::Screen;
use portable_pty::CommandBuilder;
use rusqlite::Connection;

/// The workspace on the test's database as `reviewer`, at 80×24, looking for others' work
/// often.
fn workspace(env: &Env, reviewer: &str) -> Screen {
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kaohe"));
    cmd.arg("--db");
    cmd.arg(env.db());
    cmd.args(["--reviewer", reviewer]);
    cmd.cwd(env.dir.path());
    cmd.env("HOME", env.dir.path());
    cmd.env("XDG_DATA_HOME", env.dir.path().join("data"));
    cmd.env("XDG_CONFIG_HOME", env.dir.path().join("config"));
    cmd.env("XDG_CONFIG_DIRS", env.dir.path().join("etc-xdg"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("KAOHE_POLL_MS", "100");
    cmd.env_remove("KAOHE_DB");
    cmd.env_remove("KAOHE_LANG");
    cmd.env_remove("KAOHE_CONFIG");
    Screen::spawn(cmd, 80, 24)
}

fn count(env: &Env, sql: &str) -> i64 {
    Connection::open(env.db())
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_item_signed_off_is_refused_in_the_workspace_with_who_and_when() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&["--reviewer", "张三", "mark", "柯城区", "1.1", "完成"]);
    let mut s = workspace(&env, "甲");
    // It opens on the first item not reviewed: 衢江区 1.1.
    s.wait_for("详情 · 衢江区");
    // A lead signs off target 1 while the workspace is open: it learns of it live.
    env.ok(&[
        "--reviewer",
        "王五",
        "lock",
        "--target",
        "1",
        "--reason",
        "年终审定",
    ]);
    s.wait_for("王五 锁定了目标 1（已审定）");
    s.wait_for("部分审定");
    // A mark is refused at once, with who locked it and when.
    s.send("1");
    let screen = s.wait_for("锁定了目标 1；要改动须由组长 kaohe unlock");
    assert!(screen.contains("已审定：王五 20"), "{screen}");
    // The detail pane says so too.
    assert!(screen.contains("审定 王五 20"), "{screen}");
    // So are a note and Enter (each key waits for the screen, so that none is taken with
    // the next as a paste); nothing was written.
    s.send("j");
    s.wait_for("详情 · 龙游县");
    s.wait_gone("已审定：王五 20");
    s.send("e");
    s.wait_for("已审定：王五 20");
    assert!(
        !s.text().contains("┌备注 ·"),
        "no editor opened:\n{}",
        s.text()
    );
    s.send("k");
    s.wait_for("详情 · 衢江区");
    s.wait_gone("已审定：王五 20");
    s.send("\r");
    s.wait_for("已审定：王五 20");
    assert_eq!(count(&env, "SELECT COUNT(*) FROM reviews"), 1);
    assert_eq!(count(&env, "SELECT COUNT(*) FROM review_log"), 1);
    // Target 2 is open: ] goes there, and a mark is saved.
    s.send("]");
    s.wait_for("详情 · 衢江区 · 2.1");
    s.send("1");
    s.wait_for("已保存");
    assert_eq!(count(&env, "SELECT COUNT(*) FROM reviews"), 2);
    // Unlocked with a reason, the open workspace may mark target 1 again.
    env.ok(&[
        "--reviewer",
        "王五",
        "unlock",
        "--target",
        "1",
        "--reason",
        "数据更正",
    ]);
    s.wait_for("目标 1 已解锁");
    s.send("[");
    s.wait_for("详情 · 龙游县 · 1.1");
    s.send("1");
    s.wait_for("已保存");
    assert_eq!(count(&env, "SELECT COUNT(*) FROM reviews"), 3);
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn a_check_change_without_a_reason_is_refused_and_one_with_it_is_kept() {
    let env = Env::new();
    env.ok(&["--demo", "init"]);
    env.ok(&["--reviewer", "张三", "mark", "柯城区", "1.1", "完成"]);
    env.ok(&["--reviewer", "张三", "mark", "衢江区", "1.1", "完成"]);
    let mut s = workspace(&env, "李四");
    s.wait_for("详情 · 龙游县");
    // c: 复核 mode, the header says so, on the first item to check.
    s.send("c");
    let screen = s.wait_for("待复核 2 项");
    assert!(screen.contains("· 复核"), "{screen}");
    s.wait_for("详情 · 柯城区");
    // 3 changes 完成 to 未完成: the editor opens for the reason; Enter without one is refused.
    s.send("3");
    s.wait_for("改判理由 完成 → 未完成");
    s.send("\r");
    s.wait_for("改判须写明理由");
    assert_eq!(count(&env, "SELECT COUNT(*) FROM second_reviews"), 0);
    assert_eq!(count(&env, "SELECT COUNT(*) FROM check_log"), 0);
    // With a reason, the change is kept beside the first verdict, which stays.
    s.send("督导记录不全");
    s.wait_for("督导记录不全");
    s.send("\r");
    s.wait_for("已改判");
    assert_eq!(
        count(
            &env,
            "SELECT COUNT(*) FROM second_reviews WHERE county_code = '330802' AND verdict = 'not_met'
                 AND first_verdict = 'met' AND reason = '督导记录不全' AND checker = '李四'"
        ),
        1
    );
    assert_eq!(
        count(&env, "SELECT COUNT(*) FROM reviews WHERE verdict = 'met'"),
        2,
        "the first verdicts stay"
    );
    // On to 衢江区; Enter agrees, and the queue is done.
    s.wait_for("详情 · 衢江区");
    s.send("\r");
    s.wait_for("复核 ✓ 同意 · 李四");
    s.wait_for("没有待复核的项目");
    assert_eq!(count(&env, "SELECT COUNT(*) FROM check_log"), 2);
    assert_eq!(
        count(&env, "SELECT COUNT(*) FROM drafts"),
        0,
        "a reason is no draft"
    );
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}
