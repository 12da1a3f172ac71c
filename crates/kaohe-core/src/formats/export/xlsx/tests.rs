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
