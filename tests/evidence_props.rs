#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests of issue 18's readers: any bytes given as a county's zip are listed and
//! unpacked or refused with the file named, never a panic; names in an evidence column are
//! split and matched by the rule (a file cited by its name, in any case or width, is that
//! file); names written into an exported folder are always names a file system takes.

use kaohe::evidence::bundle::Bundle;
use kaohe::evidence::names::{SentFile, fold, split};
use kaohe::evidence::out::{Taken, component};
use kaohe::evidence::resolve::{Citation, Tiers};
use kaohe::source::limits::{Limits, MIB};
use proptest::prelude::*;
use std::io::Write;

/// A small valid zip of `entries` (name, content), stored or deflated, made with the zip crate
/// as another program would.
fn valid_zip(entries: &[(String, Vec<u8>)], deflate: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, data) in entries {
        w.start_file(name.as_str(), options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Lists the zip of `bytes` and unpacks every entry: each step answers or refuses with the
/// file named.
fn read_all(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("县.zip");
    std::fs::write(&path, bytes).unwrap();
    let shown = path.display().to_string();
    let limits = Limits::with(Some(kaohe::source::limits::Size(4 * MIB)));
    let mut bundle = match Bundle::open(&path, &limits.evidence()) {
        Ok(b) => b,
        Err(e) => {
            let said = e.to_string();
            assert!(said.starts_with(&shown), "{said}");
            return Err(said);
        }
    };
    let mut read = Vec::new();
    for i in 0..bundle.entries().len() {
        let mut out = Vec::new();
        match bundle.copy(i, &mut out, &mut |_| {}) {
            Ok(n) => {
                assert_eq!(n as usize, out.len());
                read.push((bundle.entries()[i].path.clone(), out));
            }
            Err(e) => {
                let said = e.to_string();
                assert!(said.starts_with(&shown), "{said}");
                return Err(said);
            }
        }
    }
    Ok(read)
}

fn name() -> impl Strategy<Value = String> {
    "[a-z中文档案表]{1,6}(\\.(pdf|docx|xlsx|jpg|txt))?"
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        rng_seed: proptest::test_runner::RngSeed::Fixed(2018),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_bytes_as_a_zip_are_read_or_refused_with_the_file_named(
        tail in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        let _ = read_all(&bytes);
    }

    #[test]
    fn a_valid_zip_with_bytes_changed_or_cut_is_read_or_refused_with_the_file_named(
        entries in proptest::collection::vec((name(), proptest::collection::vec(any::<u8>(), 0..300)), 1..4),
        deflate in any::<bool>(),
        changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut entries = entries;
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|a, b| a.0 == b.0);
        let mut bytes = valid_zip(&entries, deflate);
        if changes.is_empty() && cut.is_none() {
            // Untouched, it reads back as written.
            let read = read_all(&bytes).unwrap();
            prop_assert_eq!(read, entries);
            return Ok(());
        }
        for (at, b) in changes {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        if let Some(at) = cut {
            bytes.truncate(at.index(bytes.len()));
        }
        let _ = read_all(&bytes);
    }

    #[test]
    fn a_file_cited_by_its_name_in_any_case_or_width_is_that_file(
        names in proptest::collection::btree_set(name(), 1..8),
        which in proptest::collection::vec(any::<prop::sample::Index>(), 1..5),
        upper in any::<bool>(),
        wide in any::<bool>(),
    ) {
        // Names distinct as folded (ASCII case aside): as a county's folder can hold them.
        let mut seen = std::collections::HashSet::new();
        let names: Vec<String> = names.into_iter().filter(|n| seen.insert(fold(n))).collect();
        let files: Vec<SentFile> = names
            .iter()
            .enumerate()
            .map(|(i, n)| SentFile { path: format!("材料/{n}"), sha256: format!("{i:064x}") })
            .collect();
        let tiers = Tiers::new(vec![files.clone()]);
        let mut cited: Vec<&String> = which.iter().map(|i| &names[i.index(names.len())]).collect();
        cited.dedup();
        let written: Vec<String> = cited
            .iter()
            .map(|n| {
                let mut s = if upper { n.to_uppercase() } else { n.to_string() };
                if wide {
                    s = s.chars().map(|c| if c.is_ascii_graphic() {
                        char::from_u32(c as u32 + 0xFEE0).unwrap()
                    } else { c }).collect();
                }
                s
            })
            .collect();
        let text = written.join("、");
        let found = tiers.cite(&text);
        let mut expected: Vec<&String> = Vec::new();
        for n in &cited {
            if !expected.iter().any(|e| fold(e) == fold(n)) {
                expected.push(n);
            }
        }
        prop_assert_eq!(found.len(), expected.len(), "{}: {:?}", text, found);
        for (c, n) in found.iter().zip(expected) {
            match c {
                Citation::Tied { path, .. } => prop_assert_eq!(path, &format!("材料/{n}")),
                other => prop_assert!(false, "{} cited as {:?}", n, other),
            }
        }
    }

    #[test]
    fn any_evidence_column_splits_into_trimmed_names(s in "\\PC{0,80}") {
        for piece in split(&s) {
            prop_assert!(!piece.is_empty());
            prop_assert_eq!(piece.trim(), piece.as_str());
            prop_assert!(!piece.contains(['、', '，', ',', '；', ';', '\n']));
        }
        let tiers = Tiers::new(vec![vec![SentFile { path: s.clone(), sha256: "a".repeat(64) }]]);
        let _ = tiers.cite(&s);
    }

    #[test]
    fn exported_names_are_names_a_file_system_takes(names in proptest::collection::vec("\\PC{0,300}", 1..6)) {
        let mut taken = Taken::default();
        let mut given = std::collections::HashSet::new();
        for n in &names {
            let c = component(n);
            prop_assert!(!c.is_empty() && c.len() <= 255, "{:?}", c);
            prop_assert!(c != "." && c != ".." && !c.contains(['/', '\0']), "{:?}", c);
            let t = taken.take(n);
            prop_assert!(t.len() <= 255);
            prop_assert!(given.insert(t.to_ascii_lowercase()), "{:?} given twice", t);
        }
    }
}
