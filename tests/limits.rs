//! Bounded inputs: every file a user hands kaohe is refused, in one line naming the limit and
//! the flag that raises it, before it can take more memory than its limit allows. The zip
//! bombs here are built in the test, small on disk, and kaohe runs on them with its address
//! space capped (RLIMIT_AS), so a reader that unpacked them would abort, not pass.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Env;
use std::ffi::OsStr;
use std::path::Path;
use std::process::Output;

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

/// kaohe run on the test's database with its address space capped at `cap` bytes.
fn capped(env: &Env, cap: u64, args: &[&OsStr]) -> Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("kaohe"));
    cmd.arg("--db")
        .arg(env.db())
        .args(args)
        .env_remove("KAOHE_DB")
        .env_remove("KAOHE_CONFIG")
        .env_remove("KAOHE_LANG")
        .env("HOME", env.dir.path())
        .env("XDG_DATA_HOME", env.dir.path().join("data"))
        .env("XDG_CONFIG_HOME", env.dir.path().join("config"))
        .env("USER", "tester");
    // SAFETY: setrlimit is async-signal-safe, and nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: cap as libc::rlim_t,
                rlim_max: cap as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().unwrap()
}

/// An import under a memory cap that must be refused: exit 1 (not a signal, not a panic),
/// one line on standard error, the database byte for byte as it was. Returns the line.
fn import_refused_within(env: &Env, cap: u64, file: &Path, extra: &[&str]) -> String {
    if !env.db().exists() {
        env.ok(&["init"]);
    }
    let before = std::fs::read(env.db()).unwrap();
    let mut args: Vec<&OsStr> = vec![OsStr::new("import"), file.as_os_str()];
    args.extend(extra.iter().map(OsStr::new));
    let out = capped(env, cap, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{:?}: {stderr}", out.status);
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr:?}");
    assert!(stderr.starts_with("kaohe: "), "{stderr}");
    assert_eq!(std::fs::read(env.db()).unwrap(), before, "{stderr}");
    stderr.trim_end().to_string()
}

/// CRC-32 as zip keeps it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}

/// One part of a zip as written: the bytes stored, and what its headers declare.
struct Part {
    name: String,
    data: Vec<u8>,
    deflated: bool,
    size: u32,
    crc: u32,
}

/// A part stored as it is.
fn stored(name: &str, bytes: &[u8]) -> Part {
    Part {
        name: name.into(),
        data: bytes.to_vec(),
        deflated: false,
        size: bytes.len() as u32,
        crc: crc32(bytes),
    }
}

/// A part of `head`, `body` × `times` and `tail`, deflated without ever being held whole:
/// `body` is deflated once and its bytes repeated (a full flush makes each copy stand alone).
/// It declares its true size; its checksum is worked out only for a part that is not a bomb
/// (no reader gets to a bomb's end).
fn deflated(name: &str, head: &[u8], body: &[u8], times: u64, tail: &[u8]) -> Part {
    use flate2::{Compress, Compression, FlushCompress};
    let piece = |bytes: &[u8], flush: FlushCompress| {
        let mut c = Compress::new(Compression::best(), false);
        let mut out = Vec::with_capacity(bytes.len() + 1024);
        c.compress_vec(bytes, &mut out, flush).unwrap();
        assert_eq!(c.total_in(), bytes.len() as u64);
        out
    };
    let body_deflated = piece(body, FlushCompress::Full);
    let mut data = piece(head, FlushCompress::Full);
    for _ in 0..times {
        data.extend_from_slice(&body_deflated);
    }
    data.extend(piece(tail, FlushCompress::Finish));
    let size = head.len() as u64 + body.len() as u64 * times + tail.len() as u64;
    let mut crc = flate2::Crc::new();
    if size < 64 * MIB {
        crc.update(head);
        for _ in 0..times {
            crc.update(body);
        }
        crc.update(tail);
    }
    Part {
        name: name.into(),
        data,
        deflated: true,
        size: u32::try_from(size).unwrap(),
        crc: crc.sum(),
    }
}

/// The parts as a zip file, every header written by hand so that a test can make one lie.
fn zip(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let u16le = |v: &mut Vec<u8>, n: u16| v.extend_from_slice(&n.to_le_bytes());
    let u32le = |v: &mut Vec<u8>, n: u32| v.extend_from_slice(&n.to_le_bytes());
    for p in parts {
        let offset = out.len() as u32;
        let method = if p.deflated { 8 } else { 0 };
        u32le(&mut out, 0x0403_4b50);
        for n in [20, 0, method, 0, 0x21] {
            u16le(&mut out, n);
        }
        u32le(&mut out, p.crc);
        u32le(&mut out, p.data.len() as u32);
        u32le(&mut out, p.size);
        u16le(&mut out, p.name.len() as u16);
        u16le(&mut out, 0);
        out.extend_from_slice(p.name.as_bytes());
        out.extend_from_slice(&p.data);

        u32le(&mut central, 0x0201_4b50);
        for n in [20, 20, 0, method, 0, 0x21] {
            u16le(&mut central, n);
        }
        u32le(&mut central, p.crc);
        u32le(&mut central, p.data.len() as u32);
        u32le(&mut central, p.size);
        u16le(&mut central, p.name.len() as u16);
        for n in [0, 0, 0, 0] {
            u16le(&mut central, n);
        }
        u32le(&mut central, 0);
        u32le(&mut central, offset);
        central.extend_from_slice(p.name.as_bytes());
    }
    let central_at = out.len() as u32;
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    for n in [0, 0, parts.len() as u16, parts.len() as u16] {
        u16le(&mut out, n);
    }
    u32le(&mut out, central.len() as u32);
    u32le(&mut out, central_at);
    u16le(&mut out, 0);
    out
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// A workbook of one sheet, 报送表, holding `sheet_data` (its rows) and `merges`, with more
/// parts (shared strings) beside.
fn workbook(sheet_data: &str, merges: &[String], more: Vec<Part>) -> Vec<u8> {
    let merge_cells = if merges.is_empty() {
        String::new()
    } else {
        let refs: String = merges
            .iter()
            .map(|r| format!("<mergeCell ref=\"{r}\"/>"))
            .collect();
        format!("<mergeCells count=\"{}\">{refs}</mergeCells>", merges.len())
    };
    let sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"{MAIN}\"><sheetData>{sheet_data}</sheetData>{merge_cells}</worksheet>"
    );
    let mut parts = vec![
        stored(
            "xl/workbook.xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{MAIN}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"报送表\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>").as_bytes(),
        ),
        stored(
            "xl/_rels/workbook.xml.rels",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>",
        ),
        stored("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    parts.extend(more);
    zip(&parts)
}

/// A spreadsheet column's letters: 0 → A.
fn letters(mut column: u32) -> String {
    let mut out = Vec::new();
    column += 1;
    while column > 0 {
        out.push(b'A' + ((column - 1) % 26) as u8);
        column = (column - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

/// A row of inline-text cells from column A.
fn row(n: u32, cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .enumerate()
        .map(|(c, text)| {
            format!(
                "<c r=\"{}{n}\" t=\"inlineStr\"><is><t>{text}</t></is></c>",
                letters(c as u32)
            )
        })
        .collect();
    format!("<row r=\"{n}\">{cells}</row>")
}

const HEADER: &[&str] = &["county", "indicator", "value"];

/// A shared-strings part that unpacks past 1 GiB (one string of 1.1 billion `a`s, which a
/// reader would hold whole), about a megabyte on disk.
fn shared_strings_bomb() -> Part {
    deflated(
        "xl/sharedStrings.xml",
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"{MAIN}\"><si><t>")
            .as_bytes(),
        &[b'a'; 1 << 20],
        1100,
        b"</t></si></sst>",
    )
}

#[test]
fn a_zip_bomb_is_refused_unopened_within_a_memory_bound() {
    let env = Env::new();
    let book = workbook(&row(1, HEADER), &[], vec![shared_strings_bomb()]);
    assert!(
        (500_000..3_000_000).contains(&book.len()),
        "{} bytes on disk",
        book.len()
    );
    let file = env.write("bomb.xlsx", &book);
    let message = import_refused_within(&env, 512 * MIB, &file, &[]);
    assert_eq!(
        message,
        format!(
            "kaohe: {}: the workbook unpacks to 1.1 GiB, over kaohe's limit of 1 GiB for a workbook's contents; if it is genuine, raise the limit: --limit 2GiB",
            file.display()
        )
    );
}

#[test]
fn a_zip_bomb_that_hides_its_size_is_refused_at_the_size_it_declared() {
    let env = Env::new();
    let mut bomb = shared_strings_bomb();
    bomb.size = 4096;
    let file = env.write("hidden.xlsx", workbook(&row(1, HEADER), &[], vec![bomb]));
    let message = import_refused_within(&env, 512 * MIB, &file, &[]);
    assert!(
        message.ends_with(
            ": the workbook is damaged or made to mislead: its part xl/sharedStrings.xml unpacks to more than the 4 KiB it declares"
        ),
        "{message}"
    );
}

#[test]
fn shared_strings_count_as_what_they_take_in_memory() {
    let env = Env::new();
    // 1 MB of `<si/>` is 200,000 strings: some 16 MB once held.
    let strings = deflated(
        "xl/sharedStrings.xml",
        b"<sst>",
        &b"<si/>".repeat(200_000),
        1,
        b"</sst>",
    );
    let file = env.write(
        "strings.xlsx",
        workbook(&row(1, HEADER), &[], vec![strings]),
    );
    let message = import_refused_within(&env, 512 * MIB, &file, &["--limit", "8MiB"]);
    assert!(
        message.contains(": the workbook's ")
            && message.ends_with(
                " shared strings would take more than 8 MiB in memory, over kaohe's limit of 8 MiB for a workbook's contents; if it is genuine, raise the limit: --limit 16MiB"
            ),
        "{message}"
    );
    // A few bytes claiming four trillion strings, for which a reader would make room first.
    let claim = stored(
        "xl/sharedStrings.xml",
        b"<sst uniqueCount=\"4000000000000\"><si><t>a</t></si></sst>",
    );
    let file = env.write("claim.xlsx", workbook(&row(1, HEADER), &[], vec![claim]));
    let message = import_refused_within(&env, 512 * MIB, &file, &[]);
    assert!(
        message.contains(
            ": the workbook's 4000000000000 shared strings would take more than 1 GiB in memory"
        ),
        "{message}"
    );
}

#[test]
fn one_string_repeated_on_every_row_is_held_to_the_limit() {
    let env = Env::new();
    env.ok(&["init"]);
    let ids: Vec<String> = env
        .json(&["targets", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["indicators"].as_array().unwrap().clone())
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    // A 64 KiB remark, stored once as a shared string, given on all 762 rows: 48 MiB of text.
    let remark = "备".repeat(64 * 1024 / 3);
    let strings = deflated(
        "xl/sharedStrings.xml",
        format!("<sst xmlns=\"{MAIN}\"><si><t>").as_bytes(),
        remark.as_bytes(),
        1,
        b"</t></si></sst>",
    );
    let mut rows = row(1, &["county", "indicator", "value", "remark"]);
    let mut n = 1;
    for county in ["柯城区", "衢江区", "龙游县", "江山市", "常山县", "开化县"] {
        for id in &ids {
            n += 1;
            rows.push_str(&format!(
                "<row r=\"{n}\"><c r=\"A{n}\" t=\"inlineStr\"><is><t>{county}</t></is></c><c r=\"B{n}\" t=\"inlineStr\"><is><t>{id}</t></is></c><c r=\"C{n}\" t=\"inlineStr\"><is><t>1</t></is></c><c r=\"D{n}\" t=\"s\"><v>0</v></c></row>"
            ));
        }
    }
    let book = workbook(&rows, &[], vec![strings]);
    assert!(book.len() < 200_000, "{}", book.len());
    let file = env.write("remarks.xlsx", &book);
    let message = import_refused_within(&env, 512 * MIB, &file, &["--limit", "16MiB"]);
    assert!(
        message.contains(": sheet 报送表, cell D")
            && message.ends_with(
                ": the sheet's text comes to more than 16 MiB with its shared strings and merged cells filled in, over kaohe's limit of 16 MiB for a workbook's contents; if it is genuine, raise the limit: --limit 32MiB"
            ),
        "{message}"
    );
    // Raised, the same file is read whole.
    let out = env.ok(&["import", file.to_str().unwrap(), "--limit", "64MiB"]);
    assert!(out.starts_with("imported 762 submissions"), "{out}");
    let export = env.json(&["export"]);
    assert_eq!(export[761]["remark"].as_str().unwrap(), remark);
}

#[test]
fn thousands_of_tall_merges_cost_nothing_for_the_rows_they_cover() {
    let env = Env::new();
    // 柯城区 merged down its three rows, and 4,000 columns beside the table each merged from
    // row 2 to Excel's last row: filled row by row, that is four billion cells.
    let mut rows = row(1, HEADER);
    let mut second = row(2, &["柯城区", "1.1", "是"]);
    second.truncate(second.len() - "</row>".len());
    let mut merges = vec!["A2:A4".to_string()];
    for c in 4..4004 {
        let col = letters(c);
        second.push_str(&format!(
            "<c r=\"{col}2\" t=\"inlineStr\"><is><t>x</t></is></c>"
        ));
        merges.push(format!("{col}2:{col}1048576"));
    }
    second.push_str("</row>");
    rows.push_str(&second);
    rows.push_str(&row(3, &["", "1.2", "75%"]));
    rows.push_str(&row(4, &["", "1.3", "80%"]));
    let file = env.write("merges.xlsx", workbook(&rows, &merges, vec![]));
    env.ok(&["init"]);
    let out = capped(&env, 512 * MIB, &[OsStr::new("import"), file.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("imported 3 submissions"),
        "{out:?}"
    );
    let export = env.json(&["export"]);
    let item = |indicator: &str| {
        export
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["county"] == "柯城区" && i["indicator"] == indicator)
            .unwrap()
            .clone()
    };
    assert_eq!(item("1.2")["value"], "75%");
    assert_eq!(item("1.3")["value"], "80%");
}

/// A file of `size` bytes that takes no room on the disk, starting with `head`.
fn sparse(env: &Env, name: &str, head: &[u8], size: u64) -> std::path::PathBuf {
    let path = env.write(name, head);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(size)
        .unwrap();
    path
}

#[test]
fn an_over_size_file_is_refused_before_it_is_read() {
    let env = Env::new();
    // Read, these would take more than the cap.
    let csv = sparse(&env, "big.csv", b"county,indicator,value\n", GIB + GIB / 5);
    let message = import_refused_within(&env, 256 * MIB, &csv, &[]);
    assert_eq!(
        message,
        format!(
            "kaohe: {}: the file is 1.2 GiB, over kaohe's limit of 1 GiB for a submissions file; if it is genuine, raise the limit: --limit 2GiB",
            csv.display()
        )
    );
    let book = sparse(&env, "big.xlsx", b"PK\x03\x04", 300 * MIB);
    let message = import_refused_within(&env, 256 * MIB, &book, &[]);
    assert!(
        message.ends_with(
            ": the file is 300 MiB, over kaohe's limit of 256 MiB for a workbook; if it is genuine, raise the limit: --limit 1GiB"
        ),
        "{message}"
    );
    let json = sparse(&env, "big.json", b"[", 2 * GIB);
    let message = import_refused_within(&env, 256 * MIB, &json, &[]);
    assert!(
        message.contains("the file is 2 GiB, over kaohe's limit of 1 GiB for a submissions file"),
        "{message}"
    );
}

#[test]
fn the_limit_flag_sets_the_limit_that_applies() {
    let env = Env::new();
    let demo = Env::new();
    demo.ok(&["--demo", "init"]);
    let text = demo.ok(&["export", "--format", "csv"]);
    assert!(
        text.len() > 64 * 1024 && text.len() < 1024 * 1024,
        "{}",
        text.len()
    );
    let file = env.write("demo.csv", &text);
    let message = env.import_refused(&file, &["--limit", "64KiB"]);
    assert!(
        message.contains(": the file is ")
            && message.ends_with(
                ", over kaohe's limit of 64 KiB for a submissions file; if it is genuine, raise the limit: --limit 1MiB"
            ),
        "{message}"
    );
    let out = env.ok(&["import", file.to_str().unwrap(), "--limit", "1MiB"]);
    assert!(out.starts_with("imported 762 submissions"), "{out}");
    // Not a size: a usage error.
    let out = env
        .with_db()
        .args(["import", file.to_str().unwrap(), "--limit", "lots"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("\"lots\" is not a size"),
        "{out:?}"
    );
}

#[test]
fn an_over_size_targets_or_counties_file_is_refused_before_it_is_read() {
    let env = Env::new();
    let targets = sparse(&env, "big.toml", b"# targets\n", 113 * MIB);
    let counties = sparse(&env, "big-counties.csv", b"code,name\n", 5 * MIB);
    // No database is made.
    let message = env.refused(env.with_db().args(["init", "--targets"]).arg(&targets));
    assert_eq!(
        message,
        format!(
            "kaohe: {}: the file is 113 MiB, over kaohe's limit of 4 MiB for a targets file; if it is genuine, raise the limit: --limit 128MiB",
            targets.display()
        )
    );
    let message = env.refused(env.with_db().args(["init", "--counties"]).arg(&counties));
    assert!(
        message.ends_with(": the file is 5 MiB, over kaohe's limit of 4 MiB for a counties file; if it is genuine, raise the limit: --limit 8MiB"),
        "{message}"
    );
    assert!(!env.db().exists());
    env.ok(&["init"]);
    let before = std::fs::read(env.db()).unwrap();
    let out = capped(
        &env,
        256 * MIB,
        &[OsStr::new("points"), targets.as_os_str()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("over kaohe's limit of 4 MiB for a targets file"),
        "{out:?}"
    );
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
    // The flag raises (and lowers) it: the 2014 targets are 44 KB.
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/targets/2014.toml");
    let message = env.refused(
        env.with_db()
            .args(["points", "--dry-run", "--limit", "16KiB"])
            .arg(&real),
    );
    assert!(message.contains("over kaohe's limit of 16 KiB for a targets file; if it is genuine, raise the limit: --limit 1MiB"), "{message}");
    let out = env.ok(&[
        "points",
        "--dry-run",
        "--limit",
        "1MiB",
        real.to_str().unwrap(),
    ]);
    assert!(out.contains("is fine"), "{out}");
    let made = Env::new();
    made.ok(&[
        "init",
        "--limit",
        "1MiB",
        "--targets",
        real.to_str().unwrap(),
    ]);
}

#[test]
fn a_pipe_is_read_within_the_limit_whatever_its_format() {
    let env = Env::new();
    env.ok(&["init"]);
    let demo = Env::new();
    demo.ok(&["--demo", "init"]);
    let text = demo.ok(&["export", "--format", "csv"]);
    // A pipe has no size to ask: it is refused once it turns out longer than the limit.
    let out = env
        .with_db()
        .args(["import", "/dev/stdin", "--limit", "64KiB"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        "kaohe: /dev/stdin: the file is more than 64 KiB, over kaohe's limit of 64 KiB for a submissions file; if it is genuine, raise the limit: --limit 1MiB"
    );
    let out = env
        .with_db()
        .args(["import", "/dev/stdin"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("imported 762 submissions"));
    // A workbook from a pipe, which cannot be read at will, is read whole first.
    let book = demo.path("demo.xlsx");
    demo.ok(&[
        "export",
        "--format",
        "xlsx",
        "--out",
        book.to_str().unwrap(),
    ]);
    let out = env
        .with_db()
        .args(["import", "/dev/stdin", "--dry-run"])
        .write_stdin(std::fs::read(&book).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("is fine: 762 submissions would be imported"),
        "{out:?}"
    );
}
