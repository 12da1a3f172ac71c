//! A team on one host: several OS accounts (other uids and gids, run from root) on one database.

mod common;

use common::users::{self, ALICE, Host};

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
