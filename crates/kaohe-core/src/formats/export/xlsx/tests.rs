use super::*;

#[test]
fn excel_cells_are_cut_at_excels_limit() {
    let long = "备".repeat(33_000);
    let cut = excel_text(&long);
    assert_eq!(cut.chars().count(), 32_767);
    assert!(cut.ends_with('…'));
    assert_eq!(excel_text("台账齐全"), "台账齐全");
}

#[test]
fn stored_times_become_excel_dates_as_written() {
    let serial = |s: &str| excel_time(s).map(|t| t.to_excel());
    // 2026-11-29 is Excel's day 46355; 09:30 is 0.3958… of it. The zone is not Excel's.
    let at = serial("2026-11-29T09:30:00+08:00").unwrap();
    assert!((at - (46355.0 + 9.5 / 24.0)).abs() < 1e-9, "{at}");
    assert_eq!(serial("2026-11-29 09:30:00"), Some(at));
    assert_eq!(serial("2026-11-29T09:30Z"), Some(at));
    for not_a_time in [
        "",
        "2026-11-29",
        "昨天",
        "2026-13-01T09:30",
        "2026-11-29T25:00",
        "2026/11/29 09:30",
    ] {
        assert_eq!(serial(not_a_time), None, "{not_a_time}");
    }
}

/// Results of the embedded assessment with nothing submitted or reviewed: every county ×
/// indicator an item, in order.
fn unreviewed() -> (crate::formats::export::Listed, Results<'static>) {
    use crate::catalog::{Catalog, embedded_counties};
    use crate::item::{Item, Stages};
    use crate::report::{Report, Status, Submitted, Verdicts};
    use crate::score::{Facts, Scorer};
    use crate::stages::{OwnWork, People, Targets};
    let catalog = Catalog::embedded_2014().unwrap();
    let counties = embedded_counties().unwrap();
    let scorer = Scorer::new(&catalog);
    let n = counties.len();
    let verdicts = vec![None; scorer.indicators() * n];
    let report = Report::count(
        &scorer,
        Verdicts {
            counties: n,
            of: &verdicts,
        },
        &Facts::default(),
        |_| false,
    );
    let mut items = Vec::new();
    for c in &counties {
        for i in catalog.indicators() {
            items.push(Item {
                county_code: c.code.clone(),
                county: c.name.clone(),
                indicator: i.id.clone(),
                value: None,
                value_number: None,
                numerator: None,
                denominator: None,
                evidence: None,
                remark: None,
                verdict: None,
                note: None,
                reviewer: None,
                reviewed_at: None,
                changed_since_review: false,
                bare_fraction: false,
                converted_from: None,
                self_verdict: None,
                self_score: None,
                stages: Stages::NONE,
                notes: Vec::new(),
                cases: None,
                void_reason: None,
                verified: None,
            });
        }
    }
    let targets = Targets {
        ids: catalog.targets.iter().map(|t| t.id).collect(),
        titles: catalog.targets.iter().map(|t| t.title.clone()).collect(),
        items: vec![n as i64; catalog.targets.len()],
    };
    let people = People::count(&targets, &[], &[], &[], &OwnWork::default());
    let status = Status::new(&catalog, &scorer, counties, report, &Submitted::default());
    let listed = crate::formats::export::Listed {
        items,
        evidence: Default::default(),
    };
    // The items are borrowed for the results' life: leaked, as a test's are.
    let leaked: &'static crate::formats::export::Listed = Box::leak(Box::new(listed.clone()));
    let results = Results {
        items: leaked,
        catalog,
        status,
        people,
    };
    (listed, results)
}

#[test]
fn a_table_longer_than_a_sheet_continues_on_sheets_each_with_its_heading() {
    use calamine::{Reader, Xlsx};
    let (listed, results) = unreviewed();
    let limits = SheetLimits {
        rows: 40,
        columns: 16_384,
        tall_rows: 50_000,
    };
    let mut bytes = Vec::new();
    let written = write_xlsx_within(&results, &mut bytes, limits).unwrap();
    let items = listed.items.len();
    let sheets = items.div_ceil(39);
    assert!(sheets > 2, "{items} items");
    assert_eq!(written.items, items);
    assert_eq!(written.results_sheets, sheets);
    assert_eq!(
        written.split_words().unwrap(),
        format!("评审结果 split over {sheets} sheets: Excel holds 40 rows a sheet")
    );
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    let mut want: Vec<String> = vec!["评审结果".to_string()];
    want.extend((2..=sheets).map(|k| format!("评审结果 ({k})")));
    want.extend(["汇总", "目标", "复核", "热力图"].map(String::from));
    assert_eq!(names, want);
    // Every sheet of the results headed alike; their rows together are the items in order.
    let heads: Vec<String> = crate::formats::columns::in_workbook()
        .filter_map(|n| n.header)
        .map(String::from)
        .collect();
    let mut read = Vec::new();
    for name in &names[..sheets] {
        let range = book.worksheet_range(name).unwrap();
        let mut rows = range.rows();
        let head: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
        assert_eq!(head, heads, "{name}");
        let on_sheet: Vec<(String, String)> =
            rows.map(|r| (r[0].to_string(), r[2].to_string())).collect();
        assert!(on_sheet.len() <= 39 && !on_sheet.is_empty(), "{name}");
        read.extend(on_sheet);
    }
    let items: Vec<(String, String)> = listed
        .items
        .iter()
        .map(|i| (i.county_code.clone(), i.indicator.clone()))
        .collect();
    assert_eq!(read, items);
    // Six counties fit the ranking's sheet.
    assert_eq!(book.worksheet_range("汇总").unwrap().rows().count(), 7);
}

#[test]
fn a_table_wider_than_a_sheet_is_refused_before_anything_is_written() {
    let (_, results) = unreviewed();
    let limits = SheetLimits {
        rows: 1_048_576,
        columns: 12,
        tall_rows: 50_000,
    };
    let mut bytes = Vec::new();
    let e = write_xlsx_within(&results, &mut bytes, limits).unwrap_err();
    assert!(e.to_string().contains("评审结果 would need"), "{e}");
    assert!(e.to_string().contains("--format csv"), "{e}");
    assert!(bytes.is_empty());
}

#[test]
fn rows_past_the_tall_ones_keep_excels_height_and_are_counted() {
    use std::io::Read;
    let (mut listed, _) = unreviewed();
    // Every item's remark two lines: every row wants to be tall.
    for item in &mut listed.items {
        item.remark = Some("台账齐全\n另附说明".into());
    }
    let (_, mut results) = unreviewed();
    let leaked: &'static crate::formats::export::Listed = Box::leak(Box::new(listed.clone()));
    results.items = leaked;
    let limits = SheetLimits {
        tall_rows: 5,
        ..SheetLimits::EXCEL
    };
    let mut bytes = Vec::new();
    let written = write_xlsx_within(&results, &mut bytes, limits).unwrap();
    let items = listed.items.len();
    assert_eq!(written.short_rows, items - 5);
    let words = written.height_words().unwrap();
    assert!(words.starts_with(&format!("{} rows", items - 5)), "{words}");
    assert!(words.contains("AutoFit Row Height"), "{words}");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut sheet)
        .unwrap();
    // The first five rows under the heading tall, the rest Excel's own.
    assert_eq!(sheet.matches("customHeight=\"1\"").count(), 5);
    let tag = |r: usize| {
        let at = &sheet[sheet.find(&format!("<row r=\"{r}\"")).unwrap()..];
        at[..at.find('>').unwrap()].to_string()
    };
    assert!(tag(6).contains("customHeight"), "{}", tag(6));
    assert!(!tag(7).contains("customHeight"), "{}", tag(7));
}
