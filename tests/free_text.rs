//! Free text on the command line may start with `-`: `kaohe mark … --note -5%`, and the
//! reasons of `check`, `lock` and `unlock`, stored as typed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Env;
use serde_json::Value;

fn exported(env: &Env, county: &str, indicator: &str) -> Value {
    env.json(&["export"])
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county"] == county && i["indicator"] == indicator)
        .cloned()
        .unwrap()
}

#[test]
fn notes_and_reasons_may_start_with_a_hyphen() {
    let env = Env::new();
    env.ok(&["init"]);
    let out = env.ok(&[
        "--reviewer",
        "张三",
        "mark",
        "柯城区",
        "1.2",
        "基本完成",
        "--note",
        "-5%",
    ]);
    assert_eq!(out, "330802 柯城区 1.2: 未审核 → 基本完成\n");
    assert_eq!(exported(&env, "柯城区", "1.2")["note"], "-5%");
    // A lone hyphen and a double one are text too, and options after them still count.
    env.ok(&[
        "mark",
        "柯城区",
        "1.3",
        "完成",
        "--note",
        "-",
        "--reviewer",
        "张三",
    ]);
    assert_eq!(exported(&env, "柯城区", "1.3")["note"], "-");
    assert_eq!(exported(&env, "柯城区", "1.3")["reviewer"], "张三");
    env.ok(&[
        "--reviewer",
        "张三",
        "mark",
        "柯城区",
        "1.4",
        "未完成",
        "--note",
        "-- 少报 2 例\n-- 台账缺页",
    ]);
    assert_eq!(
        exported(&env, "柯城区", "1.4")["note"],
        "-- 少报 2 例\n-- 台账缺页"
    );

    env.ok(&[
        "--reviewer",
        "李四",
        "check",
        "柯城区",
        "1.2",
        "未完成",
        "--reason",
        "-3.5 个百分点",
    ]);
    assert_eq!(
        exported(&env, "柯城区", "1.2")["check_reason"],
        "-3.5 个百分点"
    );

    env.ok(&[
        "--reviewer",
        "王五",
        "lock",
        "--target",
        "2",
        "--reason",
        "-已核",
    ]);
    let out = env.ok(&[
        "--reviewer",
        "王五",
        "unlock",
        "--target",
        "2",
        "--reason",
        "-更正",
    ]);
    assert!(out.ends_with("the reason is logged: -更正\n"), "{out}");
    let log = env.ok(&["log"]);
    assert!(log.contains("理由：-已核"), "{log}");
    assert!(log.contains("理由：-更正"), "{log}");

    // The verified figure's reason and a void's reason, likewise (issue 17's commands).
    let sheet = env.write(
        "s.csv",
        "county,indicator,value
衢江区,1.2,83%
",
    );
    env.ok(&["import", sheet.to_str().unwrap()]);
    env.ok(&[
        "--reviewer",
        "王五",
        "verify",
        "衢江区",
        "1.2",
        "60",
        "--reason",
        "-23 个百分点：实地核查",
    ]);
    assert_eq!(
        exported(&env, "衢江区", "1.2")["verified_reason"],
        "-23 个百分点：实地核查"
    );
    env.ok(&["finding", "衢江区", "1.2", "--void", "-台账不符"]);
    assert_eq!(exported(&env, "衢江区", "1.2")["void_reason"], "-台账不符");

    // An option where the text should be is text left out, not a note "--demo" written to the
    // database the forgotten --demo would not have chosen: refused, nothing written.
    let before = std::fs::read(env.db()).unwrap();
    for (args, option) in [
        (
            &["mark", "柯城区", "1.5", "完成", "--note", "--demo"][..],
            "--note",
        ),
        (
            &["check", "柯城区", "1.3", "未完成", "--reason", "--lang"][..],
            "--reason",
        ),
        (&["lock", "--reason", "-h"][..], "--reason"),
        (
            &["verify", "衢江区", "1.2", "61", "--reason", "--demo"][..],
            "--reason",
        ),
        (
            &["finding", "衢江区", "1.2", "--void", "--unvoid"][..],
            "--void",
        ),
    ] {
        let e = env.refused(env.with_db().args(args));
        assert!(
            e.contains(&format!("{option} is followed by the option")),
            "{e}"
        );
    }
    assert_eq!(std::fs::read(env.db()).unwrap(), before);

    // A note still needs its text: the option at the end without one is refused in one line.
    let e = env.refused(
        env.with_db()
            .args(["mark", "柯城区", "1.5", "完成", "--note"]),
    );
    assert!(e.contains("a value is required for '--note <TEXT>'"), "{e}");
}
