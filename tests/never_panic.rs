#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests: whatever a county's file or a reviewer's keys hold, the readers and the text
//! helpers answer (a value or a located error), never panic.

use kaohe::catalog::{self, Catalog};
use kaohe::lookup::Lookup;
use proptest::prelude::*;

fn lookup() -> Lookup {
    Lookup::from_parts(
        &Catalog::embedded_2014().unwrap(),
        &catalog::embedded_counties().unwrap(),
    )
}

proptest! {
    // A fixed seed: CI sees the same 500 cases every run, so a test can never pass one run and
    // fail the next. (To explore further, change the seed and run again.)
    #![proptest_config(ProptestConfig {
        cases: 500,
        rng_seed: proptest::test_runner::RngSeed::Fixed(2014),
        ..ProptestConfig::default()
    })]

    #[test]
    fn figures_of_any_text_are_read_or_kept(s in "\\PC{0,40}") {
        let _ = kaohe::figure::parse_figure(&s);
        let _ = kaohe::figure::parse_amount(&s);
    }

    #[test]
    fn any_csv_is_read_or_refused_with_a_place(
        rows in proptest::collection::vec("[^\\n]{0,60}", 0..8),
        header in prop_oneof![
            Just("county,indicator,value,numerator,denominator,evidence,remark".to_string()),
            Just("县(市、区),指标,完成值".to_string()),
            "[a-z,]{0,30}",
        ],
    ) {
        let text = format!("{header}\n{}", rows.join("\n"));
        match kaohe::formats::import::parse_csv(&text, "x.csv", &lookup()) {
            Ok(_) => {}
            Err(e) => prop_assert!(e.to_string().starts_with("x.csv"), "{e}"),
        }
    }

    #[test]
    fn any_bytes_decode_or_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        match kaohe::source::decode::decode_csv(&bytes, "x.csv") {
            Ok(_) => {}
            Err(e) => prop_assert!(e.to_string().starts_with("x.csv:"), "{e}"),
        }
    }

    #[test]
    fn wrapped_text_never_passes_the_edge(s in "\\PC{0,80}", width in 2usize..40) {
        for line in kaohe::text::wrap(&s, width) {
            // Measured character by character, as terminals advance (emoji sequences such as
            // 🕯️ are measured differently by different terminals); a line is within the width
            // unless it is one character wider than any line.
            let columns: usize = line.chars().map(kaohe::text::char_width).sum();
            let alone = line.chars().count() == 1;
            prop_assert!(columns <= width || alone, "{line:?} at {width}");
        }
        prop_assert!(kaohe::text::width(&kaohe::text::truncate(&s, width)) <= width);
    }

    #[test]
    fn any_query_searches(q in "\\PC{0,12}") {
        let index = kaohe::search::Index::new(vec![kaohe::search::Entry::new(
            kaohe::search::Kind::County,
            "衢江区".into(),
            kaohe::search::Jump::County(0),
            &["330803"],
        )]);
        let found = index.search(&q, None);
        for k in 0..found.len(&index) {
            let hit = found.nth(&index, k).unwrap();
            let _ = index.positions(&hit, &q);
        }
    }
}

/// A cell of a generated workbook.
#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    Number(f64),
    Bool(bool),
}

/// A small valid workbook, to cut and change.
fn workbook_bytes() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["县(市、区)", "指标编号", "完成值", "分子", "分母"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "柯城区").unwrap();
    sheet.write_string(1, 1, "1.2").unwrap();
    sheet.write_number(1, 2, 0.75).unwrap();
    sheet.write_number(1, 3, 3.0).unwrap();
    sheet.write_number(1, 4, 4.0).unwrap();
    book.save_to_buffer().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        rng_seed: proptest::test_runner::RngSeed::Fixed(2014),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_bytes_after_a_zip_magic_are_read_or_refused(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut file = b"PK\x03\x04".to_vec();
        file.extend(bytes);
        let read = kaohe::formats::import::read_submissions(&file, "x.xlsx", None, &lookup(), &mut |_, _| {});
        if let Err(e) = read {
            prop_assert!(e.to_string().starts_with("x.xlsx"), "{e}");
        }
    }

    #[test]
    fn a_workbook_with_bytes_changed_is_read_or_refused(
        changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        cut_it in any::<bool>(),
    ) {
        let mut file = workbook_bytes();
        for (at, byte) in changes {
            let i = at.index(file.len());
            file[i] = byte;
        }
        if cut_it {
            file.truncate(cut.index(file.len()).max(4));
        }
        let read = kaohe::formats::import::read_submissions(&file, "x.xlsx", None, &lookup(), &mut |_, _| {});
        if let Err(e) = read {
            prop_assert!(e.to_string().starts_with("x.xlsx"), "{e}");
        }
    }

    #[test]
    fn any_cells_in_a_valid_workbook_are_read_or_refused(
        header in proptest::collection::vec(prop_oneof![
            Just("县(市、区)".to_string()),
            Just("指标编号".to_string()),
            Just("指标".to_string()),
            Just("完成值".to_string()),
            Just("完成情况".to_string()),
            Just("分子".to_string()),
            Just("分母".to_string()),
            Just("备注".to_string()),
            Just("说明".to_string()),
            "\\PC{0,6}",
        ], 0..8),
        cells in proptest::collection::vec(
            proptest::collection::vec(prop_oneof![
                "\\PC{0,12}".prop_map(Cell::Text),
                any::<f64>().prop_map(Cell::Number),
                any::<bool>().prop_map(Cell::Bool),
                Just(Cell::Text("柯城区".into())),
                Just(Cell::Text("1.2".into())),
                Just(Cell::Number(1.1)),
                Just(Cell::Number(0.0)),
            ], 0..8),
            0..6,
        ),
    ) {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(0, c as u16, h).unwrap();
        }
        for (r, row) in cells.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell {
                    Cell::Text(t) => { sheet.write_string(r, c, t).unwrap(); }
                    // Excel keeps no NaN or infinity: such a number is not a cell one can meet.
                    Cell::Number(x) if x.is_finite() => { sheet.write_number(r, c, *x).unwrap(); }
                    Cell::Number(_) => {}
                    Cell::Bool(b) => { sheet.write_boolean(r, c, *b).unwrap(); }
                }
            }
        }
        let file = book.save_to_buffer().unwrap();
        let read = kaohe::formats::import::read_submissions(&file, "x.xlsx", None, &lookup(), &mut |_, _| {});
        if let Err(e) = read {
            prop_assert!(e.to_string().starts_with("x.xlsx"), "{e}");
        }
    }

    #[test]
    fn any_json_is_read_or_refused(s in "[\\[\\]{}\",:0-9a-z柯城区 \\n.]{0,80}") {
        let text = format!("[{s}");
        let read = kaohe::formats::import::read_submissions(text.as_bytes(), "x.json", None, &lookup(), &mut |_, _| {});
        if let Err(e) = read {
            prop_assert!(e.to_string().starts_with("x.json"), "{e}");
        }
    }
}
