//! See before you write: `kaohe import --dry-run`, and the import itself, name every reviewed
//! item whose figure changes (county, indicator, old → new, the verdict and who gave it) and
//! every row replacing a submission another file brought; twenty of each, `--verbose` all.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Env;

/// 柯城区 and 衢江区 × 1.2 and 1.3 from a.csv; 柯城区 1.2 and 衢江区 1.3 marked.
fn reviewed() -> Env {
    let env = Env::new();
    env.ok(&["init"]);
    let a = env.write(
        "a.csv",
        "county,indicator,value,numerator,denominator\n柯城区,1.2,65%,,\n柯城区,1.3,40%,,\n衢江区,1.2,80%,,\n衢江区,1.3,,22,42\n",
    );
    env.ok(&["import", a.to_str().unwrap()]);
    env.ok(&["--reviewer", "张三", "mark", "柯城区", "1.2", "未完成"]);
    env.ok(&["--reviewer", "李四", "mark", "衢江区", "1.3", "完成"]);
    env
}

#[test]
fn a_dry_run_and_the_import_name_each_reviewed_figure_that_changes_and_each_other_files_row() {
    let env = reviewed();
    // Another file: both reviewed figures change, 柯城区 1.3 (not reviewed) too, 衢江区 1.2 is
    // sent again as it was, 龙游县 1.2 is new.
    let b = env.write(
        "b.csv",
        "county,indicator,value,numerator,denominator\n柯城区,1.2,72%,,\n柯城区,1.3,45%,,\n衢江区,1.2,80%,,\n衢江区,1.3,,23,42\n龙游县,1.2,90%,,\n",
    );
    let b = b.to_str().unwrap();
    let before = std::fs::read(env.db()).unwrap();
    let out = env.ok(&["import", "--dry-run", b]);
    assert_eq!(std::fs::read(env.db()).unwrap(), before, "nothing written");
    let mut lines = out.lines();
    assert!(
        lines.next().unwrap().ends_with(
            "is fine: 5 submissions would be imported (1 new, 4 replacing earlier ones (3 with another figure); 2 verdicts would be marked changed since reviewed); nothing was written (--dry-run)"
        ),
        "{out}"
    );
    let rest: Vec<&str> = lines.collect();
    let imported_at = |line: &str| line.split("imported ").nth(1).unwrap()[..16].to_string();
    let when = imported_at(rest.iter().find(|l| l.contains("imported ")).unwrap());
    assert_eq!(
        rest,
        [
            "2 reviewed items whose figure would change (each verdict stays, marked changed since reviewed until reviewed again):",
            "  330802 柯城区 1.2: 65% → 72% (未完成, 张三)",
            "  330803 衢江区 1.3: (22/42) → (23/42) (完成, 李四)",
            "4 rows would replace a submission from another file:",
            &format!(
                "  330802 柯城区 1.2: from {}, imported {when} (another figure)",
                env.path("a.csv").display()
            ),
            &format!(
                "  330802 柯城区 1.3: from {}, imported {when} (another figure)",
                env.path("a.csv").display()
            ),
            &format!(
                "  330803 衢江区 1.2: from {}, imported {when} (the same figure)",
                env.path("a.csv").display()
            ),
            &format!(
                "  330803 衢江区 1.3: from {}, imported {when} (another figure)",
                env.path("a.csv").display()
            ),
        ]
    );

    // The import says the same in the past tense.
    let out = env.ok(&["import", b]);
    assert!(
        out.contains("\n2 reviewed items whose figure changed (each verdict stays, marked changed since reviewed until reviewed again):\n  330802 柯城区 1.2: 65% → 72% (未完成, 张三)\n"),
        "{out}"
    );
    assert!(
        out.contains("\n4 rows replaced a submission from another file:\n"),
        "{out}"
    );

    // The same file again, corrected once more: nothing from another file; the reviewed
    // figure already marked says so.
    let again = env.write("b.csv", "county,indicator,value\n柯城区,1.2,73%\n");
    let out = env.ok(&["import", "--dry-run", again.to_str().unwrap()]);
    assert!(!out.contains("another file"), "{out}");
    assert!(
        out.contains(
            "  330802 柯城区 1.2: 72% → 73% (未完成, 张三; already marked changed since reviewed)"
        ),
        "{out}"
    );
    assert!(!out.contains("would be marked"), "{out}");
}

#[test]
fn long_lists_show_twenty_then_how_many_more_and_verbose_shows_all() {
    let env = Env::new();
    env.ok(&["init"]);
    // 25 reviewed items, all corrected by another file.
    let indicators: Vec<String> = (1..=22)
        .map(|i| format!("1.{i}"))
        .chain((1..=3).map(|i| format!("2.{i}")))
        .collect();
    let sheet = |value: &str| {
        let mut text = String::from("county,indicator,value\n");
        for i in &indicators {
            text.push_str(&format!("柯城区,{i},{value}\n"));
        }
        text
    };
    let a = env.write("a.csv", sheet("是"));
    env.ok(&["import", a.to_str().unwrap()]);
    for i in &indicators {
        env.ok(&["--reviewer", "王五", "mark", "柯城区", i, "完成"]);
    }
    let b = env.write("b.csv", sheet("否"));
    let b = b.to_str().unwrap();
    let out = env.ok(&["import", "--dry-run", b]);
    let entries = out.lines().filter(|l| l.starts_with("  330802 ")).count();
    assert_eq!(entries, 40, "twenty of each list: {out}");
    assert_eq!(
        out.matches("  … and 5 more (--verbose lists them all)\n")
            .count(),
        2,
        "{out}"
    );
    assert!(
        out.contains("25 reviewed items whose figure would change"),
        "{out}"
    );
    assert!(
        out.contains("25 rows would replace a submission from another file:"),
        "{out}"
    );
    let all = env.ok(&["import", "--dry-run", "--verbose", b]);
    let entries = all.lines().filter(|l| l.starts_with("  330802 ")).count();
    assert_eq!(entries, 50, "{all}");
    assert!(!all.contains("more (--verbose"), "{all}");
    assert!(
        all.contains("  330802 柯城区 2.3: 是 → 否 (完成, 王五)"),
        "{all}"
    );
    // The import itself, likewise.
    let out = env.ok(&["import", "--verbose", b]);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("  330802 ")).count(),
        50
    );
}

#[test]
fn a_submission_from_before_kaohe_recorded_files_is_from_another_file() {
    let env = reviewed();
    // Databases made before imports were recorded have submissions without an import.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute(
        "UPDATE submissions SET import_id = NULL WHERE county_code = '330802' AND indicator_id = '1.3'",
        [],
    )
    .unwrap();
    drop(conn);
    let a = env.write("a.csv", "county,indicator,value\n柯城区,1.3,41%\n");
    let out = env.ok(&["import", "--dry-run", a.to_str().unwrap()]);
    assert!(
        out.contains("  330802 柯城区 1.3: from a file kaohe did not record, imported "),
        "{out}"
    );
}
