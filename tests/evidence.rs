//! Issue 18 through the real binary: a county's evidence imported from a folder or a zip (GBK
//! names as Windows writes them), what is missing, extra or ambiguous reported, each content
//! kept once, refusals leaving the database and the store as they were, 退回补充 requests
//! opened, listed, exported and closed by a later import, and the evidence exported as a folder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Env;
use serde_json::Value;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

fn item<'a>(export: &'a Value, county: &str, indicator: &str) -> &'a Value {
    export
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["county_code"] == county && i["indicator"] == indicator)
        .unwrap()
}

/// Writes `files` (path inside `root`, content) under the test's directory.
fn folder(env: &Env, root: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = env.path(root);
    for (path, content) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    dir
}

/// Every file kept in the store (not its temporary folder): (name, size, mode).
fn kept(env: &Env) -> Vec<(String, u64, u32)> {
    let store = env.path("k.db.evidence");
    let mut found = Vec::new();
    let Ok(dirs) = std::fs::read_dir(&store) else {
        return found;
    };
    for d in dirs.flatten() {
        if d.file_name() == "tmp" {
            continue;
        }
        for f in std::fs::read_dir(d.path()).unwrap().flatten() {
            let m = f.metadata().unwrap();
            found.push((
                f.file_name().to_string_lossy().into_owned(),
                m.len(),
                m.mode() & 0o7777,
            ));
        }
    }
    found.sort();
    found
}

/// A zip entry as its headers will say it: raw name bytes, whether it is marked UTF-8, the
/// content, deflated or stored, and the size it declares (its own, unless a test lies).
struct Entry {
    name: Vec<u8>,
    utf8: bool,
    data: Vec<u8>,
    deflate: bool,
    declared: Option<u32>,
}

fn entry(name: &str, data: &[u8]) -> Entry {
    Entry {
        name: name.as_bytes().to_vec(),
        utf8: true,
        data: data.to_vec(),
        deflate: true,
        declared: None,
    }
}

/// An entry named in GBK without the UTF-8 mark, as Windows' "send to compressed folder"
/// writes one on a Chinese system.
fn gbk_entry(name: &str, data: &[u8]) -> Entry {
    let (bytes, _, bad) = encoding_rs::GBK.encode(name);
    assert!(!bad);
    Entry {
        name: bytes.into_owned(),
        utf8: false,
        ..entry("", data)
    }
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}

/// The entries as a zip, every header written here.
fn zip(entries: &[Entry]) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    let mut central = Vec::new();
    let u16le = |v: &mut Vec<u8>, n: u16| v.extend_from_slice(&n.to_le_bytes());
    let u32le = |v: &mut Vec<u8>, n: u32| v.extend_from_slice(&n.to_le_bytes());
    for e in entries {
        let packed = if e.deflate {
            let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
            z.write_all(&e.data).unwrap();
            z.finish().unwrap()
        } else {
            e.data.clone()
        };
        let method = if e.deflate { 8 } else { 0 };
        let flags = if e.utf8 { 1 << 11 } else { 0 };
        let size = e.declared.unwrap_or(e.data.len() as u32);
        let offset = out.len() as u32;
        u32le(&mut out, 0x0403_4b50);
        for n in [20, flags, method, 0, 0x21] {
            u16le(&mut out, n);
        }
        u32le(&mut out, crc32(&e.data));
        u32le(&mut out, packed.len() as u32);
        u32le(&mut out, size);
        u16le(&mut out, e.name.len() as u16);
        u16le(&mut out, 0);
        out.extend_from_slice(&e.name);
        out.extend_from_slice(&packed);

        u32le(&mut central, 0x0201_4b50);
        for n in [20, 20, flags, method, 0, 0x21] {
            u16le(&mut central, n);
        }
        u32le(&mut central, crc32(&e.data));
        u32le(&mut central, packed.len() as u32);
        u32le(&mut central, size);
        u16le(&mut central, e.name.len() as u16);
        for n in [0, 0, 0, 0] {
            u16le(&mut central, n);
        }
        u32le(&mut central, 0);
        u32le(&mut central, offset);
        central.extend_from_slice(&e.name);
    }
    let at = out.len() as u32;
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    for n in [0, 0, entries.len() as u16, entries.len() as u16] {
        u16le(&mut out, n);
    }
    u32le(&mut out, central.len() as u32);
    u32le(&mut out, at);
    u16le(&mut out, 0);
    out
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\n";

#[test]
fn a_folder_beside_the_sheet_is_imported_and_what_is_missing_extra_or_ambiguous_is_said() {
    let env = Env::new();
    folder(
        &env,
        "柯城区",
        &[
            ("通知.pdf", PDF),
            ("通知.docx", b"PK\x03\x04 word"),
            ("会议/会议纪要.pdf", b"%PDF-1.4 minutes"),
            ("照片/门牌.jpg", b"\xFF\xD8\xFF\xE0 door sign"),
            ("照片/门牌(副本).jpg", b"\xFF\xD8\xFF\xE0 door sign"),
            ("多余.txt", "用不上的说明".as_bytes()),
            (".DS_Store", b"junk"),
        ],
    );
    let sheet = env.write(
        "柯城区.csv",
        "县(市、区),指标编号,完成值,佐证材料\n\
         柯城区,1.2,65%,通知；会议纪要.pdf\n\
         柯城区,1.3,55%,门牌.jpg、门牌(副本).jpg\n\
         柯城区,2.1,是,方案.doc\n\
         柯城区,2.2,是,无\n",
    );
    let out = env.ok(&["import", sheet.to_str().unwrap()]);
    let first = out.lines().next().unwrap();
    assert!(
        first.contains("found beside the sheet: the sheet's name")
            && first.contains("6 files")
            && first.contains("5 different contents")
            && first.contains("1 system file passed over")
            && first.contains("5 names cited: 3 found, 1 missing, 1 ambiguous")
            && first.contains("1 file cited by no item"),
        "{out}"
    );
    assert!(
        out.contains("缺失 330802 柯城区 2.1：方案.doc（未收到此文件）"),
        "{out}"
    );
    assert!(
        out.contains("不唯一 330802 柯城区 1.2：通知 对应多个文件（通知.docx、通知.pdf）"),
        "{out}"
    );
    assert!(out.contains("未引用 330802 柯城区：多余.txt"), "{out}");

    // Each content once, read-only (the database is private: 0400).
    let blobs = kept(&env);
    assert_eq!(blobs.len(), 5, "{blobs:?}");
    assert!(blobs.iter().all(|(_, _, mode)| *mode == 0o400), "{blobs:?}");
    let sign = blobs.iter().filter(|(_, size, _)| *size == 14).count();
    assert_eq!(sign, 1, "two names, one content");

    let export = env.json(&["export"]);
    let one = item(&export, "330802", "1.2");
    assert_eq!(one["evidence_files"], 1);
    assert_eq!(one["evidence_missing"][0], "通知（对应多个文件）");
    let two = item(&export, "330802", "1.3");
    assert_eq!(
        (
            two["evidence_files"].clone(),
            two["evidence_missing"].clone()
        ),
        (1.into(), serde_json::json!([]))
    );
    assert_eq!(
        item(&export, "330802", "2.1")["evidence_missing"][0],
        "方案.doc"
    );
    assert_eq!(
        item(&export, "330802", "2.2")["evidence_missing"],
        serde_json::json!([])
    );
    assert_eq!(item(&export, "330803", "1.2")["evidence_files"], 0);
    let csv = env.ok(&["export", "--format", "csv"]);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",evidence_files,evidence_missing,requests_open,bare_fraction"),
        "{csv}"
    );
    // Imported again, unchanged: nothing new kept, the same found.
    let again = env.ok(&["import", sheet.to_str().unwrap()]);
    assert!(again.contains("(all kept already)"), "{again}");
    assert_eq!(kept(&env), blobs);
}

#[test]
fn a_zip_from_windows_with_gbk_names_is_read_and_tied() {
    let env = Env::new();
    let z = zip(&[
        gbk_entry("佐证材料/", b""),
        gbk_entry("佐证材料/会议纪要.pdf", PDF),
        gbk_entry("佐证材料/台账/2014年救助台账.xlsx", b"PK\x03\x04 ledger"),
        gbk_entry("佐证材料/台账/汇总表.xlsx", b"PK\x03\x04 sum a"),
        entry("佐证材料/旧/汇总表.xlsx", b"PK\x03\x04 sum b"),
        gbk_entry("佐证材料/说明.txt", "另附".as_bytes()),
        entry("__MACOSX/佐证材料/._会议纪要.pdf", b"junk"),
    ]);
    let zipped = env.write("柯城区材料.zip", z);
    let sheet = env.write(
        "报送表.csv",
        "county,indicator,value,evidence\n\
         330802,1.2,65%,会议纪要.PDF 2014年救助台账.xlsx\n\
         330802,1.3,55%,汇总表.xlsx；照片.jpg\n",
    );
    let out = env.ok(&[
        "import",
        sheet.to_str().unwrap(),
        "--evidence",
        zipped.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert!(out.contains("evidence from "), "{out}");
    assert!(out.contains("5 files"), "{out}");
    assert!(
        out.contains("4 names cited: 2 found, 1 missing, 1 ambiguous"),
        "{out}"
    );
    assert!(
        out.contains("missing 330802 柯城区 1.3: 照片.jpg (no such file came)"),
        "{out}"
    );
    assert!(
        out.contains("ambiguous 330802 柯城区 1.3: 汇总表.xlsx matches several files (台账/汇总表.xlsx, 旧/汇总表.xlsx)"),
        "{out}"
    );
    assert!(out.contains("uncited 330802 柯城区: 说明.txt"), "{out}");
    // The names are the county's, read from GBK.
    let dir = env.path("导出");
    env.ok(&["export", "--evidence", dir.to_str().unwrap()]);
    let item_dir = dir.join("330802 柯城区").join("1.2 照料中心覆盖率(城市)");
    assert_eq!(std::fs::read(item_dir.join("会议纪要.pdf")).unwrap(), PDF);
    assert_eq!(
        std::fs::read(item_dir.join("2014年救助台账.xlsx")).unwrap(),
        b"PK\x03\x04 ledger"
    );
    assert_eq!(
        std::fs::read(dir.join("330802 柯城区").join("未引用").join("说明.txt")).unwrap(),
        "另附".as_bytes()
    );
}

#[test]
fn a_zip_that_climbs_out_or_lies_is_refused_and_the_database_and_store_stay_as_they_were() {
    let env = Env::new();
    env.ok(&["init"]);
    let sheet = env.write(
        "柯城区.csv",
        "county,indicator,value,evidence\n330802,1.2,65%,通知.pdf\n",
    );
    let before = std::fs::read(env.db()).unwrap();
    let refused = |zip_name: &str, bytes: Vec<u8>| {
        let z = env.write(zip_name, bytes);
        let message = env.import_refused(&sheet, &["--evidence", z.to_str().unwrap()]);
        assert_eq!(std::fs::read(env.db()).unwrap(), before);
        assert!(kept(&env).is_empty(), "{message}: {:?}", kept(&env));
        message
    };
    let m = refused("up.zip", zip(&[entry("../../etc/通知.pdf", PDF)]));
    assert!(
        m.contains("up.zip: ../../etc/通知.pdf") && m.contains("climbs out"),
        "{m}"
    );
    let m = refused("abs.zip", zip(&[entry("/etc/通知.pdf", PDF)]));
    assert!(m.contains("absolute path"), "{m}");
    // A good file first (kept in the store as it is read), then one that unpacks to far more
    // than it declares: refused, and the good one taken back out of the store.
    let mut bomb = entry("b.pdf", &vec![b'A'; 4 << 20]);
    bomb.declared = Some(100);
    let m = refused("bomb.zip", zip(&[entry("a/通知.pdf", PDF), bomb]));
    assert!(
        m.contains("bomb.zip: b.pdf") && m.contains("zip bomb"),
        "{m}"
    );
    // Declared over the limit: refused before anything is unpacked, with the flag that raises it.
    let big = |name: &str| {
        let mut e = entry(name, PDF);
        e.declared = Some(u32::MAX);
        e
    };
    let m = refused("big.zip", zip(&[big("大.pdf"), big("更大.pdf")]));
    assert!(
        m.contains("over kaohe's limit") && m.contains("--limit"),
        "{m}"
    );
    // Not a zip at all.
    let m = refused("fake.zip", b"%PDF-1.4 not a zip".to_vec());
    assert!(m.contains("is not a zip file"), "{m}");
    // Two entries of one name.
    let m = refused(
        "twice.zip",
        zip(&[entry("通知.pdf", PDF), entry("通知.pdf", b"x")]),
    );
    assert!(m.contains("two entries of one name"), "{m}");
}

#[test]
fn a_refused_import_leaves_no_database_and_a_dry_run_writes_nothing() {
    let env = Env::new();
    folder(&env, "柯城区", &[("通知.pdf", PDF)]);
    let sheet = env.write(
        "柯城区.csv",
        "county,indicator,value,evidence\n330802,1.2,65%,通知.pdf\n",
    );
    let out = env.ok(&["import", sheet.to_str().unwrap(), "--dry-run"]);
    assert!(
        out.contains("1 file, 27 bytes (all would be new)")
            && out.contains("1 name cited: 1 found, 0 missing")
            && out.contains("nothing was written"),
        "{out}"
    );
    assert!(!env.db().exists());
    assert!(!env.path("k.db.evidence").exists());
    // A sheet of two counties with one folder that is neither's: refused, no database made.
    let two = env.write(
        "柯城区.csv",
        "county,indicator,value,evidence\n330802,1.2,65%,通知.pdf\n330803,1.2,70%,通知.pdf\n",
    );
    let m = env.refused(env.with_db().arg("import").arg(&two));
    assert!(
        m.contains("the sheet has rows of 2 counties (柯城区、衢江区)"),
        "{m}"
    );
    assert!(!env.db().exists());
    assert!(!env.path("k.db.evidence").exists());
    // Two candidates beside the sheet: which is meant is asked.
    env.write("柯城区.zip", zip(&[entry("通知.pdf", PDF)]));
    let m = env.refused(env.with_db().arg("import").arg(&sheet));
    assert!(m.contains("--evidence PATH"), "{m}");
    // Never the database's own folder (and its store).
    let m = env.refused(
        env.with_db()
            .arg("import")
            .arg(&sheet)
            .arg("--evidence")
            .arg(env.dir.path()),
    );
    assert!(m.contains("holds the database itself"), "{m}");
    let out = env.ok(&["import", sheet.to_str().unwrap(), "--no-evidence"]);
    assert!(!out.contains("evidence from"), "{out}");
    assert!(kept(&env).is_empty());
}

#[test]
fn a_sheet_of_several_counties_takes_a_folder_each() {
    let env = Env::new();
    folder(
        &env,
        "佐证材料",
        &[
            ("330802柯城区/通知.pdf", PDF),
            ("衢江区/通知.pdf", b"%PDF-1.4 qujiang"),
        ],
    );
    let sheet = env.write(
        "汇总.csv",
        "county,indicator,value,evidence\n330802,1.2,65%,通知.pdf\n330803,1.2,70%,通知\n330881,1.2,70%,通知\n",
    );
    let out = env.ok(&["import", sheet.to_str().unwrap()]);
    assert!(out.contains("found beside the sheet: 佐证材料"), "{out}");
    // 江山市 sent no folder: what it cites is missing.
    assert!(out.contains("缺失 330881 江山市 1.2：通知"), "{out}");
    let export = env.json(&["export"]);
    assert_eq!(item(&export, "330802", "1.2")["evidence_files"], 1);
    assert_eq!(item(&export, "330803", "1.2")["evidence_files"], 1);
    assert_eq!(
        item(&export, "330881", "1.2")["evidence_missing"][0],
        "通知"
    );
    assert_eq!(kept(&env).len(), 2, "each county's own file");
}

#[test]
fn a_request_is_opened_listed_exported_and_closed_by_a_reimport_bringing_new_evidence() {
    let env = Env::new();
    folder(&env, "柯城区", &[("通知.pdf", PDF)]);
    let sheet = env.write(
        "柯城区.csv",
        "county,indicator,value,evidence\n柯城区,1.2,65%,通知.pdf、会议纪要.pdf\n柯城区,1.3,55%,\n",
    );
    env.ok(&["import", sheet.to_str().unwrap()]);
    env.ok(&["mark", "柯城区", "1.2", "基本完成"]);
    let out = env.ok(&[
        "request",
        "柯城区",
        "1.2",
        "--reason",
        "缺会议纪要，请补签到表",
    ]);
    assert!(
        out.starts_with("request #1 to 330802 柯城区 1.2: 缺会议纪要，请补签到表"),
        "{out}"
    );
    env.ok(&["request", "330802", "1.3", "--reason", "缺台账"]);
    env.ok(&["request", "衢江区", "2.1", "--reason", "缺方案"]);
    let m = env.refused(
        env.with_db()
            .args(["request", "柯城区", "1.2", "--reason", " "]),
    );
    assert!(m.contains("needs a reason"), "{m}");
    let m = env.refused(
        env.with_db()
            .args(["request", "某县", "1.2", "--reason", "x"]),
    );
    assert!(m.contains("unknown county"), "{m}");

    // Listed per county; the list the clerk sends; the exports.
    let listed = env.ok(&["requests"]);
    assert!(
        listed.contains("330802 柯城区: 2 requests open"),
        "{listed}"
    );
    assert!(listed.contains("330803 衢江区: 1 request open"), "{listed}");
    let only = env.ok(&["requests", "--county", "柯城区", "--format", "markdown"]);
    assert!(only.contains("## 柯城区（330802）"), "{only}");
    assert!(only.contains("以下 2 项请补充佐证材料"), "{only}");
    assert!(only.contains("需补充：缺会议纪要，请补签到表"), "{only}");
    assert!(!only.contains("衢江区"), "{only}");
    let letter = env.path("退回补充.md");
    let said = env.ok(&[
        "requests",
        "--format",
        "md",
        "--out",
        letter.to_str().unwrap(),
    ]);
    assert!(said.contains("wrote 3 requests (2 counties)"), "{said}");
    assert_eq!(
        std::fs::read_to_string(&letter).unwrap(),
        env.ok(&["requests", "--format", "markdown"])
    );
    let json = env.json(&["requests", "--format", "json"]);
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert_eq!(json[0]["reason"], "缺会议纪要，请补签到表");
    assert_eq!(json[0]["open"], true);
    let csv = env.ok(&["requests", "--format", "csv"]);
    assert!(
        csv.starts_with("\u{feff}id,county_code,county,indicator,"),
        "{csv}"
    );
    let export = env.json(&["export"]);
    let asked = &item(&export, "330802", "1.2")["requests_open"];
    assert_eq!(asked[0]["reason"], "缺会议纪要，请补签到表");
    assert_eq!(asked[0]["id"], 1);
    let md = env.ok(&["export", "--format", "md"]);
    assert!(md.contains("### 佐证材料缺失或待补充的项目"), "{md}");
    assert!(
        md.contains("缺：会议纪要.pdf；待补充：\\#1 缺会议纪要"),
        "{md}"
    );

    // The same sheet again: no new evidence, the request stays open.
    env.ok(&["import", sheet.to_str().unwrap()]);
    assert!(env.ok(&["requests"]).contains("2 requests open"));
    // The minutes come: the request is answered, the verdict marked changed since reviewed.
    folder(
        &env,
        "柯城区",
        &[("补充/会议纪要.pdf", b"%PDF-1.4 minutes")],
    );
    let out = env.ok(&["import", sheet.to_str().unwrap()]);
    assert!(
        out.contains("1 request answered by new evidence (closed; a verdict given on its item is marked changed since reviewed, 评定后数据已变)")
            && !out.contains("given on earlier figures"),
        "{out}"
    );
    assert!(
        out.contains("已补充 #1 330802 柯城区 1.2：缺会议纪要，请补签到表"),
        "{out}"
    );
    let listed = env.ok(&["requests", "--county", "柯城区"]);
    assert!(
        listed.contains("1 request open") && !listed.contains("#1 "),
        "{listed}"
    );
    let all = env.ok(&["requests", "--all", "--county", "柯城区"]);
    assert!(all.contains("[answered ") && all.contains("by "), "{all}");
    let export = env.json(&["export"]);
    let one = item(&export, "330802", "1.2");
    assert_eq!(one["requests_open"], serde_json::json!([]));
    assert_eq!(one["evidence_files"], 2);
    assert_eq!(one["changed_since_review"], true);
    assert_eq!(one["verdict"], "partly_met", "the verdict is kept, marked");
    let status = env.json(&["status", "--json"]);
    assert_eq!(status["changed_since_review"], 1);
}

#[test]
fn the_evidence_folder_holds_every_file_as_sent_and_clashing_names_made_two() {
    let env = Env::new();
    let sent: Vec<(&str, &[u8])> = vec![
        ("一季度/台账.xlsx", b"PK\x03\x04 q1"),
        ("二季度/台账.xlsx", b"PK\x03\x04 q2"),
        ("通知.pdf", PDF),
        ("照片/门牌.JPG", b"\xFF\xD8\xFF\xE0 sign"),
    ];
    let src = folder(&env, "柯城区", &sent);
    let sheet = env.write(
        "柯城区.csv",
        "county,indicator,value,evidence\n柯城区,1.2,65%,一季度/台账.xlsx；二季度/台账.xlsx；通知.pdf\n柯城区,1.3,55%,门牌\n",
    );
    env.ok(&["import", sheet.to_str().unwrap()]);
    let dir = env.path("审计");
    let out = env.ok(&["export", "--evidence", dir.to_str().unwrap()]);
    assert!(
        out.starts_with("exported 4 evidence files (") && out.contains("of 1 county"),
        "{out}"
    );
    let county = dir.join("330802 柯城区");
    let one = county.join("1.2 照料中心覆盖率(城市)");
    let mut names: Vec<String> = std::fs::read_dir(&one)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["台账 (2).xlsx", "台账.xlsx", "通知.pdf"]);
    // File by file, byte for byte as the county sent them.
    let read = |p: &Path| std::fs::read(p).unwrap();
    assert_eq!(
        read(&one.join("台账.xlsx")),
        read(&src.join("一季度/台账.xlsx"))
    );
    assert_eq!(
        read(&one.join("台账 (2).xlsx")),
        read(&src.join("二季度/台账.xlsx"))
    );
    assert_eq!(read(&one.join("通知.pdf")), read(&src.join("通知.pdf")));
    assert_eq!(
        read(&county.join("1.3 照料中心覆盖率(农村)").join("门牌.JPG")),
        read(&src.join("照片/门牌.JPG"))
    );
    let index = std::fs::read_to_string(dir.join("清单.csv")).unwrap();
    assert_eq!(index.lines().count(), 5, "{index}");
    assert!(
        index.contains(",tied,台账.xlsx,330802 柯城区/1.2 照料中心覆盖率(城市)/台账 (2).xlsx,"),
        "{index}"
    );
    // Never into a folder with files in it; only one county's.
    let m = env.refused(
        env.with_db()
            .args(["export", "--evidence", dir.to_str().unwrap()]),
    );
    assert!(m.contains("a folder with files in it"), "{m}");
    let other = env.path("衢江区的");
    let out = env.ok(&[
        "export",
        "--evidence",
        other.to_str().unwrap(),
        "--county",
        "衢江区",
    ]);
    assert!(out.starts_with("exported 0 evidence files"), "{out}");
    // A file changed in the store outside kaohe is never passed on.
    let (blob, _, _) = kept(&env).into_iter().next().unwrap();
    let path = env.path("k.db.evidence").join(&blob[..2]).join(&blob);
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let size = std::fs::metadata(&path).unwrap().len() as usize;
    std::fs::write(&path, vec![b'x'; size]).unwrap();
    let third = env.path("三");
    let m = env.refused(
        env.with_db()
            .args(["export", "--evidence", third.to_str().unwrap()]),
    );
    assert!(m.contains("changed outside kaohe"), "{m}");
    assert!(!third.exists(), "nothing half written");
}

/// kaohe run in the test's directory with its address space capped at `cap` bytes.
fn capped(env: &Env, cap: u64, args: &[&str]) -> std::process::Output {
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

/// A folder of one big file (sparse: it takes no disk until kaohe copies it) and a sheet
/// citing it.
fn big_folder(env: &Env, size: u64) -> PathBuf {
    let dir = env.path("柯城区");
    std::fs::create_dir_all(&dir).unwrap();
    let f = std::fs::File::create(dir.join("全年台账.pdf")).unwrap();
    f.set_len(size).unwrap();
    std::fs::write(dir.join("通知.pdf"), PDF).unwrap();
    env.write(
        "柯城区.csv",
        "county,indicator,value,evidence\n柯城区,1.2,65%,全年台账.pdf、通知.pdf\n",
    )
}

#[test]
fn a_folder_larger_than_kaohes_memory_is_kept_streaming() {
    const MIB: u64 = 1 << 20;
    let env = Env::new();
    let sheet = big_folder(&env, 384 * MIB);
    // Capped below the file's size: held whole, it could not be read.
    let out = capped(&env, 256 * MIB, &["import", sheet.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 files, 384 MiB (all new)"), "{stdout}");
    let blobs = kept(&env);
    assert!(
        blobs.iter().any(|(_, size, _)| *size == 384 * MIB),
        "{blobs:?}"
    );
}

fn import_in_a_terminal(env: &Env, sheet: &Path) -> common::pty::Screen {
    let mut cmd = portable_pty::CommandBuilder::new(env!("CARGO_BIN_EXE_kaohe"));
    cmd.arg("--db");
    cmd.arg(env.db());
    cmd.arg("import");
    cmd.arg(sheet);
    cmd.cwd(env.dir.path());
    cmd.env("HOME", env.dir.path());
    cmd.env("XDG_DATA_HOME", env.dir.path().join("data"));
    cmd.env("XDG_CONFIG_HOME", env.dir.path().join("config"));
    cmd.env("XDG_CONFIG_DIRS", env.dir.path().join("etc-xdg"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("USER", "tester");
    for k in ["KAOHE_DB", "KAOHE_LANG", "KAOHE_CONFIG"] {
        cmd.env_remove(k);
    }
    common::pty::Screen::spawn(cmd, 100, 10)
}

#[test]
fn a_big_folder_shows_its_progress_and_kill_9_leaves_no_half_file_under_a_final_name() {
    const MIB: u64 = 1 << 20;
    let env = Env::new();
    env.ok(&["init"]);
    let before = std::fs::read(env.db()).unwrap();
    let sheet = big_folder(&env, 1024 * MIB);
    let mut screen = import_in_a_terminal(&env, &sheet);
    screen.wait_for("佐证 ");
    screen.wait_for(" 个文件 ");
    screen.signal(libc::SIGKILL);
    let _ = screen.exit_code();
    // Only what was whole is under a final name: the small file, perhaps, never a part of the
    // big one (its part is in tmp/, under the dead process's number).
    for (name, size, _) in kept(&env) {
        assert!(
            size == PDF.len() as u64,
            "{name} is {size} bytes under a final name"
        );
    }
    assert_eq!(
        std::fs::read(env.db()).unwrap(),
        before,
        "nothing was imported"
    );
    let parts: Vec<_> = std::fs::read_dir(env.path("k.db.evidence/tmp"))
        .unwrap()
        .collect();
    assert_eq!(parts.len(), 1, "the killed import's part is left in tmp/");

    // The next import takes the dead one's part away and keeps everything whole.
    std::fs::File::options()
        .write(true)
        .open(env.path("柯城区/全年台账.pdf"))
        .unwrap()
        .set_len(64 * MIB)
        .unwrap();
    let mut screen = import_in_a_terminal(&env, &sheet);
    screen.wait_for("imported 1 submission");
    assert_eq!(screen.exit_code(), 0);
    assert_eq!(
        std::fs::read_dir(env.path("k.db.evidence/tmp"))
            .unwrap()
            .count(),
        0
    );
    let sizes: Vec<u64> = kept(&env).into_iter().map(|(_, s, _)| s).collect();
    assert!(
        sizes.contains(&(64 * MIB)) && sizes.contains(&(PDF.len() as u64)),
        "{sizes:?}"
    );
}
