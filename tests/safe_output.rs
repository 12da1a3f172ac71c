#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every byte a command prints to a terminal is safe: a database whose every text holds the
//! sequences a hostile file would carry (OSC 52 to write the clipboard, DCS, APC, a screen
//! clear, BEL, the C1 controls CSI, OSC and DCS as single characters, DEL, bidirectional
//! overrides and isolates), every command run in a real pseudo-terminal, and its bytes read.
//! JSON reads back as the very strings stored; piped, an export is the data exactly.

mod common;

use common::Env;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use rusqlite::Connection;
use serde_json::Value;
use std::io::Read;

/// What a county's file or a database edited by hand may hold.
const HOSTILE: &str = concat!(
    "\u{1b}]52;c;ZWNobyBwd25lZA==\u{7}",
    "\u{1b}P1$qm\u{1b}\\",
    "\u{1b}_apc\u{1b}\\",
    "\u{1b}[2J",
    "\u{7}",
    "\u{9b}31m",
    "\u{9d}0;title\u{9c}",
    "\u{90}dcs\u{9c}",
    "\u{202e}gnp.exe",
    "\u{2066}i\u{2069}",
    "\u{7f}"
);

/// The characters that must never reach a terminal raw, and where they were found.
fn raw_controls(bytes: &[u8]) -> Vec<String> {
    let text: Vec<char> = String::from_utf8_lossy(bytes).chars().collect();
    text.iter()
        .enumerate()
        .filter(|&(_, &c)| {
            matches!(c,
                '\u{0}'..='\u{8}' | '\u{b}'..='\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
                | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .map(|(i, &c)| {
            let before: String = text[i.saturating_sub(20)..i].iter().collect();
            format!("U+{:04X} after {before:?}", c as u32)
        })
        .take(10)
        .collect()
}

/// The command run in a pseudo-terminal: everything it printed (stdout and stderr, as a
/// terminal shows them) and whether it succeeded.
fn in_terminal(env: &Env, args: &[&str]) -> (Vec<u8>, bool) {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 50,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kaohe"));
    cmd.arg("--db");
    cmd.arg(env.db());
    cmd.args(args);
    cmd.cwd(env.dir.path());
    cmd.env("HOME", env.dir.path());
    cmd.env("XDG_DATA_HOME", env.dir.path().join("data"));
    cmd.env("XDG_CONFIG_HOME", env.dir.path().join("config"));
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("KAOHE_DB");
    cmd.env_remove("KAOHE_LANG");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    // Until the terminal closes (Linux answers EIO once the last writer has gone).
    while let Ok(n) = reader.read(&mut buf) {
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&buf[..n]);
    }
    let status = child.wait().unwrap();
    (bytes, status.success())
}

/// A database whose every text a command shows holds [`HOSTILE`]: submissions imported from a
/// file (whose name holds it too), and what a hand-edited database could hold besides.
fn hostile_database(env: &Env) -> std::path::PathBuf {
    env.ok(&["init"]);
    let csv = format!(
        "county,indicator,value,evidence,remark\n330802,1.2,75%{HOSTILE},证据{HOSTILE},说明{HOSTILE}\n"
    );
    let file = env.write(&format!("sheet{HOSTILE}.csv"), csv);
    env.ok(&["import", file.to_str().unwrap()]);
    env.ok(&["mark", "柯城区", "1.2", "met", "--note", "台账齐全"]);
    let db = Connection::open(env.db()).unwrap();
    db.execute_batch(&format!(
        "UPDATE counties SET name = name || '{HOSTILE}' WHERE code = '330802';
         UPDATE reviews SET note = '{HOSTILE}', reviewer = '{HOSTILE}';
         INSERT INTO review_log (at, reviewer, account, county_code, indicator_id,
             from_verdict, to_verdict, from_note, note)
         VALUES ('2026-01-01T09:00:00+08:00', '{HOSTILE}', '{HOSTILE}', '330802', '1.2',
             'met', 'not_met', '', '{HOSTILE}');
         UPDATE assessment SET title = title || '{HOSTILE}', number = number || '{HOSTILE}',
             issuer = issuer || '{HOSTILE}';
         UPDATE target_classes SET name = name || '{HOSTILE}';
         UPDATE targets SET title = title || '{HOSTILE}' WHERE id = 1;
         UPDATE indicators SET short = short || '{HOSTILE}', text = text || '{HOSTILE}'
             WHERE id = '1.2';"
    ))
    .unwrap();
    file
}

fn assert_clean(what: &str, bytes: &[u8]) {
    let raw = raw_controls(bytes);
    assert!(raw.is_empty(), "{what} printed raw: {raw:#?}");
}

/// The JSON a command printed to the terminal (whose line ends are CRLF, JSON whitespace).
fn json_from(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn nothing_any_command_prints_to_a_terminal_is_a_raw_control() {
    let env = Env::new();
    let file = hostile_database(&env);
    let sheet = file.to_str().unwrap();
    let refused = env.write(
        &format!("refused{HOSTILE}.csv"),
        format!("county,indicator,value\n{HOSTILE},1.2,5\n"),
    );
    let commands: Vec<Vec<&str>> = vec![
        vec!["status"],
        vec!["status", "--json"],
        vec!["log"],
        vec!["log", "--json"],
        vec!["targets"],
        vec!["targets", "--json"],
        vec!["counties"],
        vec!["counties", "--json"],
        vec!["export"],
        vec!["export", "--format", "json"],
        vec!["export", "--format", "csv"],
        vec!["export", "--format", "md"],
        vec!["mark", "330802", "1.2", "not_met"],
        vec!["import", sheet],
        vec!["import", "--dry-run", sheet],
        vec!["export", "--format", "csv", "--out", "out.csv"],
    ];
    for args in &commands {
        let (bytes, ok) = in_terminal(&env, args);
        assert!(ok, "{args:?}: {}", String::from_utf8_lossy(&bytes));
        assert!(!bytes.is_empty(), "{args:?} printed nothing");
        assert_clean(&format!("{args:?}"), &bytes);
    }
    // Refusals, which quote what they refuse: a file's name and its county, a county given.
    let refusals: Vec<Vec<&str>> = vec![
        vec!["import", refused.to_str().unwrap()],
        vec!["log", "--county", HOSTILE],
        vec!["mark", HOSTILE, "1.2", "met"],
        vec!["import", "/nonexistent/\u{1b}[2J\u{9b}.csv"],
        vec!["export", "--out", "/nonexistent\u{9d}/x.csv"],
    ];
    for args in &refusals {
        let (bytes, ok) = in_terminal(&env, args);
        assert!(!ok, "{args:?} was not refused");
        assert!(
            String::from_utf8_lossy(&bytes).starts_with("kaohe: "),
            "{args:?}: {}",
            String::from_utf8_lossy(&bytes)
        );
        assert_clean(&format!("{args:?}"), &bytes);
    }
}

#[test]
fn json_on_a_terminal_reads_back_as_the_very_strings_stored() {
    let env = Env::new();
    hostile_database(&env);
    let name = format!("柯城区{HOSTILE}");

    let (bytes, _) = in_terminal(&env, &["counties", "--json"]);
    assert_clean("counties --json", &bytes);
    assert_eq!(json_from(&bytes)[0]["name"], name.as_str());

    let (bytes, _) = in_terminal(&env, &["export"]);
    assert_clean("export", &bytes);
    let export = json_from(&bytes);
    let item = export
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county_code"] == "330802" && i["indicator"] == "1.2")
        .unwrap();
    assert_eq!(item["county"], name.as_str());
    assert_eq!(item["value"], format!("75%{HOSTILE}").as_str());
    assert_eq!(item["evidence"], format!("证据{HOSTILE}").as_str());
    assert_eq!(item["remark"], format!("说明{HOSTILE}").as_str());
    assert_eq!(item["note"], HOSTILE);
    assert_eq!(item["reviewer"], HOSTILE);

    let (bytes, _) = in_terminal(&env, &["log", "--json"]);
    assert_clean("log --json", &bytes);
    let log = json_from(&bytes);
    let last = log.as_array().unwrap().last().unwrap();
    assert_eq!(last["reviewer"], HOSTILE);
    assert_eq!(last["note"], HOSTILE);

    let (bytes, _) = in_terminal(&env, &["status", "--json"]);
    assert_clean("status --json", &bytes);
    assert_eq!(json_from(&bytes)["counties"][0]["name"], name.as_str());

    let (bytes, _) = in_terminal(&env, &["targets", "--json"]);
    assert_clean("targets --json", &bytes);
    let targets = json_from(&bytes);
    assert!(targets[0]["title"].as_str().unwrap().ends_with(HOSTILE));
    assert!(
        targets[0]["indicators"][1]["short"]
            .as_str()
            .unwrap()
            .ends_with(HOSTILE)
    );
}

#[test]
fn piped_an_export_is_the_data_exactly_and_json_is_escaped_anyway() {
    let env = Env::new();
    hostile_database(&env);
    // CSV and Markdown piped to a program keep every character as stored.
    let csv = env.ok(&["export", "--format", "csv"]);
    assert!(csv.contains(&format!("说明{HOSTILE}")), "{csv:?}");
    let md = env.ok(&["export", "--format", "md"]);
    assert!(md.contains('\u{1b}'), "{md:?}");
    // JSON carries the same strings, with nothing a terminal acts on in its bytes.
    let json = env.ok(&["export"]);
    assert_clean("export piped", json.as_bytes());
    assert!(
        json.contains("\\u009b31m") && json.contains("\\u202egnp.exe"),
        "{json}"
    );
    let export: Value = serde_json::from_str(&json).unwrap();
    assert!(
        export
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["note"] == HOSTILE)
    );
}

#[test]
fn a_csv_on_a_terminal_shows_its_rows_without_the_byte_order_mark() {
    let env = Env::new();
    hostile_database(&env);
    let (bytes, ok) = in_terminal(&env, &["export", "--format", "csv"]);
    assert!(ok);
    let text = String::from_utf8(bytes).unwrap();
    let start: String = text.chars().take(200).collect();
    assert!(
        text.starts_with("county_code,county,indicator"),
        "{start:?}"
    );
    // The controls are shown as symbols, where they stood.
    assert!(
        text.contains("说明\u{241b}]52;c;ZWNobyBwd25lZA==\u{2407}"),
        "{start:?}"
    );
}
