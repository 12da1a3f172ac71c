//! The settings files in layers (the system's under the reviewer's), and the database they name:
//! which one each command uses, why, and what happens when it is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

mod common;
use common::Env;

/// The system config (in `$XDG_CONFIG_DIRS`, as Env sets it) with `text`.
fn system_config(env: &Env, text: &str) -> PathBuf {
    let dir = env.path("etc-xdg/kaohe");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The reviewer's own config (in `$XDG_CONFIG_HOME`, as Env sets it) with `text`.
fn user_config(env: &Env, text: &str) -> PathBuf {
    let dir = env.path("config/kaohe");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// A database made at `path` (its directory made first).
fn database_at(env: &Env, path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let out = env
        .kaohe()
        .arg("--db")
        .arg(path)
        .arg("init")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs kaohe (without --db) and insists that it succeeds; its stdout.
fn run(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Which database `status --json` was run on.
fn status_db(cmd: &mut assert_cmd::Command) -> Value {
    let status: Value = serde_json::from_str(&run(cmd.args(["status", "--json"]))).unwrap();
    status["database"].clone()
}

fn marks_in(env: &Env, db: &Path) -> u64 {
    let status: Value = serde_json::from_str(&run(env
        .kaohe()
        .arg("--db")
        .arg(db)
        .args(["status", "--json"])))
    .unwrap();
    status["reviewed"].as_u64().unwrap()
}

#[test]
fn a_system_config_in_xdg_config_dirs_names_the_database() {
    let env = Env::new();
    let team = env.path("srv/kaohe/team.db");
    database_at(&env, &team);
    // A relative path is taken from the config's directory, not from where kaohe runs.
    let config = system_config(&env, "db = \"../../srv/kaohe/team.db\"\n");
    run(env.kaohe().args(["mark", "柯城区", "1.2", "完成"]));
    assert_eq!(marks_in(&env, &team), 1);
    assert!(
        !env.path("data/kaohe/kaohe.db").exists(),
        "no private database was made"
    );
    let db = status_db(&mut env.kaohe());
    // The path as the config gives it, from the config's directory.
    let shown = PathBuf::from(db["path"].as_str().unwrap());
    assert_eq!(
        std::fs::canonicalize(&shown).unwrap(),
        std::fs::canonicalize(&team).unwrap()
    );
    assert_eq!(db["shared"], false);
    // `kaohe config` says which files and which database are in force, and why.
    let out = run(env.kaohe().arg("config"));
    assert!(
        out.contains(&format!("system config {}: OK", config.display())),
        "{out}"
    );
    assert!(out.contains("your config "), "{out}");
    assert!(
        out.contains("does not exist: the system config's settings and the defaults are in force"),
        "{out}"
    );
    assert!(
        out.contains(&format!(", from {}", config.display())),
        "{out}"
    );
}

#[test]
fn the_users_config_overrides_the_systems_and_kaohe_db_and_db_override_both() {
    let env = Env::new();
    let team = env.path("srv/team.db");
    let mine = env.path("mine/mine.db");
    let flag = env.path("flag.db");
    let var = env.path("var.db");
    for db in [&team, &mine, &flag, &var] {
        database_at(&env, db);
    }
    system_config(
        &env,
        &format!("db = \"{}\"\ntheme = \"light\"\n", team.display()),
    );
    let user = user_config(&env, &format!("db = \"{}\"\n", mine.display()));
    run(env.kaohe().args(["mark", "柯城区", "1.2", "完成"]));
    assert_eq!((marks_in(&env, &mine), marks_in(&env, &team)), (1, 0));
    let out = run(env.kaohe().arg("config"));
    assert!(
        out.contains(&format!("your config {}: OK", user.display())),
        "{out}"
    );
    assert!(out.contains(&format!("from {}", user.display())), "{out}");
    // KAOHE_DB beats both configs; --db beats KAOHE_DB.
    run(env
        .kaohe()
        .env("KAOHE_DB", &var)
        .args(["mark", "柯城区", "1.3", "完成"]));
    assert_eq!(marks_in(&env, &var), 1);
    let out = run(env.kaohe().env("KAOHE_DB", &var).arg("config"));
    assert!(out.contains("from KAOHE_DB"), "{out}");
    run(env
        .kaohe()
        .env("KAOHE_DB", &var)
        .arg("--db")
        .arg(&flag)
        .args(["mark", "柯城区", "1.4", "完成"]));
    assert_eq!(marks_in(&env, &flag), 1);
    assert_eq!(marks_in(&env, &var), 1);
    assert_eq!((marks_in(&env, &mine), marks_in(&env, &team)), (1, 0));
    // An empty KAOHE_DB counts as unset.
    let db = status_db(env.kaohe().env("KAOHE_DB", ""));
    assert!(
        db["path"].as_str().unwrap().ends_with("mine/mine.db"),
        "{db}"
    );
}

#[test]
fn a_configured_database_that_is_missing_is_refused_and_nothing_is_made() {
    let env = Env::new();
    let team = env.path("srv/team.db");
    std::fs::create_dir_all(env.path("srv")).unwrap();
    let config = system_config(&env, &format!("db = \"{}\"\n", team.display()));
    let commands: [&[&str]; 6] = [
        &["status"],
        &["mark", "柯城区", "1.2", "完成"],
        &["export", "--format", "csv"],
        &["log"],
        &["targets"],
        &[
            "points",
            concat!(env!("CARGO_MANIFEST_DIR"), "/data/targets/2014.toml"),
        ],
    ];
    for args in commands {
        let e = env.refused(env.kaohe().args(args));
        assert_eq!(
            e,
            format!(
                "kaohe: database {}, named in {}, does not exist: create it with `kaohe init --shared GROUP --db {}`",
                team.display(),
                config.display(),
                team.display()
            ),
            "{args:?}"
        );
        assert!(!team.exists(), "{args:?} made the team's database");
        assert!(
            !env.path("data/kaohe").exists(),
            "{args:?} made a private database instead"
        );
    }
    // The user's config naming a missing one says so too, naming the user's file.
    let user = user_config(&env, "db = \"elsewhere.db\"\n");
    let e = env.refused(env.kaohe().arg("status"));
    assert!(
        e.contains(&format!("named in {}, does not exist", user.display())),
        "{e}"
    );
    std::fs::remove_file(&user).unwrap();
    // `init` is the one command that makes it.
    let out = run(env.kaohe().arg("init"));
    assert!(
        out.starts_with(&format!("created {}", team.display())),
        "{out}"
    );
    run(env.kaohe().args(["mark", "柯城区", "1.2", "完成"]));
    assert_eq!(marks_in(&env, &team), 1);
}

#[test]
fn status_names_the_database_and_whether_it_is_shared() {
    let env = Env::new();
    env.ok(&["init"]);
    let out = env.ok(&["status"]);
    let line = out.lines().nth(1).unwrap();
    assert_eq!(line, format!("数据库 {}（个人）", env.db().display()));
    let json = env.json(&["status", "--json"]);
    assert_eq!(json["database"]["path"], env.db().display().to_string());
    assert_eq!(json["database"]["shared"], false);
    assert_eq!(json["reviewed"], 0, "the status is still there");
    std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o660)).unwrap();
    let out = env.ok(&["status"]);
    assert_eq!(
        out.lines().nth(1).unwrap(),
        format!("数据库 {}（共享）", env.db().display())
    );
    assert_eq!(env.json(&["status", "--json"])["database"]["shared"], true);
    // Group-readable but not group-writable is not shared.
    std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(env.json(&["status", "--json"])["database"]["shared"], false);
    // A relative --db is shown as a whole path.
    let out = run(env
        .kaohe()
        .current_dir(env.dir.path())
        .args(["--db", "k.db", "status", "--json"]));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["database"]["path"], env.db().display().to_string());
}

#[test]
fn a_bad_system_config_is_refused_with_its_place_before_anything_else() {
    let env = Env::new();
    let config = system_config(&env, "theme = \"light\"\nreviewer = \"张三\"\n");
    let e = env.refused(env.kaohe().arg("status"));
    assert_eq!(
        e,
        format!(
            "kaohe: {}:2:1: reviewer is each reviewer's own: set it in your config (~/.config/kaohe/config.toml), not the system's",
            config.display()
        )
    );
    assert!(!env.path("data/kaohe").exists(), "nothing was made");
    // Refused by `kaohe config` too, and before the workspace would start.
    let e = env.refused(env.kaohe().arg("config"));
    assert!(e.contains(":2:1: reviewer"), "{e}");
    let e = env.refused(env.kaohe().arg("--demo"));
    assert!(e.contains(":2:1: reviewer"), "{e}");
    system_config(&env, "db = 7\n");
    let e = env.refused(env.kaohe().arg("status"));
    assert!(
        e.ends_with(":1:1: db is the database file's path, in quotes"),
        "{e}"
    );
    // A key the two files give two actions: told in the reviewer's file.
    system_config(&env, "[keys]\nundo = \"w\"\n");
    let user = user_config(&env, "[keys]\nnext_county = \"w\"\n");
    let e = env.refused(env.with_db().arg("status"));
    assert_eq!(
        e,
        format!(
            "kaohe: {}:2:1: w is bound to both next_county and undo: give one of them another key",
            user.display()
        )
    );
    assert!(!env.db().exists());
}

#[test]
fn the_users_config_gives_the_reviewers_name() {
    let env = Env::new();
    user_config(&env, "reviewer = \"张三\"\n");
    env.ok(&["mark", "柯城区", "1.2", "完成"]);
    env.ok(&["--reviewer", "李四", "mark", "柯城区", "1.3", "完成"]);
    let log = env.json(&["log", "--json"]);
    assert_eq!(log[0]["reviewer"], "张三", "{log}");
    assert_eq!(log[1]["reviewer"], "李四", "--reviewer still wins: {log}");
}
