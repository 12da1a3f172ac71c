//! The counties' list: it keeps still while the cursor moves within it, moves half its rows (or,
//! set so, a row a move) at a margin from its edges, centres after a jump; and what is read for it costs the rows
//! on screen, not the number of counties.

use super::*;

/// A workspace of `n` counties (the 2014 targets), every county's name `县{k}`.
fn counties(n: usize) -> App {
    let mut ws = workspace();
    ws.counties = (0..n)
        .map(|k| County {
            code: format!("{:06}", 330_000 + k),
            name: format!("县{k}"),
        })
        .collect();
    App::new(ws, &ZH)
}

/// Every item of `missing`'s runs read, as the run loop does before a frame: the runs named.
fn fill(app: &mut App) -> Vec<(usize, usize, usize)> {
    let mut runs = Vec::new();
    while let Some((indicator, from, to)) = app.missing() {
        runs.push((indicator, from, to));
        let items = (from..=to)
            .map(|c| Item {
                county_code: app.counties[c].code.clone(),
                indicator: app.indicators[indicator].id.clone(),
                ..UNREAD.clone()
            })
            .collect();
        app.loaded(items);
        assert!(runs.len() < 64, "missing() never settles: {runs:?}");
    }
    runs
}

fn step(app: &mut App, action: Action) {
    assert!(app.update(action).is_empty());
}

#[test]
fn moving_within_the_list_keeps_it_still_and_near_its_edge_it_moves_half_its_rows() {
    let mut app = counties(2_844);
    let room = 15;
    assert_eq!(app.list_rows(room), (0..15).collect::<Vec<_>>());
    // Down to three rows above the bottom: the list does not move.
    for k in 1..=11 {
        step(&mut app, Action::NextCounty);
        assert_eq!(app.list_rows(room)[0], 0, "after {k} moves");
    }
    // One more: the list moves seven rows (half of 15), the cursor on row 5; then it keeps
    // still for six moves, and moves seven again.
    let mut scrolls = Vec::new();
    for k in 12..100 {
        step(&mut app, Action::NextCounty);
        let rows = app.list_rows(room);
        let at = rows.iter().position(|&c| c == k).unwrap();
        assert!((5..=11).contains(&at), "county {k} on row {at}");
        if at == 5 {
            scrolls.push(k);
        }
    }
    assert_eq!(scrolls, (12..100).step_by(7).collect::<Vec<_>>());
    // Back up: still until the cursor would be within three rows of the top, then seven rows
    // the other way (the cursor on row 2 + 7 = 9).
    let top = app.list_rows(room)[0];
    let at = app
        .list_rows(room)
        .iter()
        .position(|&c| c == app.cursor.county)
        .unwrap();
    for _ in 0..at - 3 {
        step(&mut app, Action::PrevCounty);
        assert_eq!(app.list_rows(room)[0], top);
    }
    step(&mut app, Action::PrevCounty);
    assert_eq!(app.list_rows(room)[0], top - 7);
    assert_eq!(app.list_rows(room)[9], app.cursor.county);
}

#[test]
fn set_to_line_near_its_edge_the_list_scrolls_a_row_a_move() {
    let mut app = counties(2_844);
    app.set_list_scroll(Scroll::Line);
    let room = 15;
    assert_eq!(app.list_rows(room), (0..15).collect::<Vec<_>>());
    // Down to three rows above the bottom: the list does not move.
    for k in 1..=11 {
        step(&mut app, Action::NextCounty);
        assert_eq!(app.cursor.county, k);
        assert_eq!(app.list_rows(room)[0], 0, "after {k} moves");
    }
    // From there each move down scrolls one row: the cursor keeps three rows below it.
    for k in 12..100 {
        step(&mut app, Action::NextCounty);
        let rows = app.list_rows(room);
        assert_eq!(rows[0], k - 11);
        assert_eq!(rows.iter().position(|&c| c == k), Some(11));
    }
    // Back up: the list keeps still until the cursor is three rows from its top.
    let top = app.list_rows(room)[0];
    for _ in 0..8 {
        step(&mut app, Action::PrevCounty);
        assert_eq!(app.list_rows(room)[0], top);
    }
    step(&mut app, Action::PrevCounty);
    assert_eq!(app.list_rows(room)[0], top - 1);
    assert_eq!(app.list_rows(room)[3], app.cursor.county);
}

#[test]
fn another_indicator_keeps_the_list_where_it_is() {
    let mut app = counties(300);
    for _ in 0..40 {
        step(&mut app, Action::NextCounty);
    }
    let rows = app.list_rows(15);
    step(&mut app, Action::NextIndicator);
    assert_eq!(app.list_rows(15), rows);
}

#[test]
fn a_jump_centres_the_cursor_and_the_ends_fill_the_pane() {
    let mut app = counties(2_844);
    let room = 15;
    app.list_rows(room);
    // G: the last county on the bottom row, the pane full.
    step(&mut app, Action::Last);
    let rows = app.list_rows(room);
    assert_eq!(rows.len(), room);
    assert_eq!(rows.last(), Some(&2_843));
    // g: back to the top.
    step(&mut app, Action::First);
    assert_eq!(app.list_rows(room), (0..15).collect::<Vec<_>>());
    // Anywhere else far off: in the middle.
    app.cursor.county = 1_000;
    let rows = app.list_rows(room);
    assert_eq!(rows[room / 2], 1_000);
}

#[test]
fn the_selected_row_is_always_on_the_list_however_few_its_rows() {
    let mut app = counties(200);
    for room in [1, 2, 3, 4, 7, 15, 37] {
        for (k, action) in [Action::NextCounty; 60]
            .into_iter()
            .chain([Action::Last, Action::PrevCounty, Action::First])
            .chain([Action::NextCounty; 5])
            .enumerate()
        {
            step(&mut app, action);
            let rows = app.list_rows(room);
            assert_eq!(rows.len(), room, "{room} rows, key {k}");
            assert!(rows.contains(&app.cursor.county), "{room} rows, key {k}");
        }
    }
    // The pane shrinking or growing under a scrolled list.
    for room in [15, 3, 40, 1, 15] {
        assert!(app.list_rows(room).contains(&app.cursor.county));
    }
    // No rows at all (a pane too short for any): nothing, and no panic.
    assert!(app.list_rows(0).is_empty());
}

#[test]
fn under_a_filter_the_list_holds_the_shown_counties_only_and_the_selected_one() {
    let mut app = counties(500);
    let mut store = FakeStore::default();
    // Every county of 1.1 marked but every tenth.
    for c in 0..500 {
        if c % 10 != 0 {
            app.cursor = at(0, c);
            press(&mut app, &mut store, Action::Mark(Met));
        }
    }
    app.cursor = at(0, 5);
    step(&mut app, Action::ToggleFilter);
    let rows = app.list_rows(10);
    assert!(rows.contains(&5));
    assert!(rows.iter().all(|&c| c == 5 || c % 10 == 0), "{rows:?}");
    assert_eq!(rows.len(), 10);
    step(&mut app, Action::Last);
    let rows = app.list_rows(10);
    assert_eq!(rows.last(), Some(&490));
    assert!(rows.iter().all(|&c| c % 10 == 0), "{rows:?}");
}

#[test]
fn a_step_down_reads_only_the_counties_coming_on_screen() {
    for (by, most) in [(Scroll::HalfPage, 7), (Scroll::Line, 1)] {
        let mut app = counties(2_844);
        app.set_list_scroll(by);
        app.set_list_room(15);
        // The first frame reads the list's rows (and a few beyond), in one run.
        assert_eq!(fill(&mut app), vec![(0, 0, 20)]);
        app.list_rows(15);
        // Within the list, nothing more is read; then the counties the list's move brings on
        // screen (three beyond its last row), in one run: half a page, or one a step.
        for _ in 0..8 {
            step(&mut app, Action::NextCounty);
            assert_eq!(fill(&mut app), vec![], "at {}", app.cursor.county);
            app.list_rows(15);
        }
        let mut read_to = 20;
        for _ in 0..50 {
            step(&mut app, Action::NextCounty);
            let runs = fill(&mut app);
            let last = *app.list_rows(15).last().unwrap();
            let c = app.cursor.county;
            if !runs.is_empty() {
                assert_eq!(runs, vec![(0, read_to + 1, last + 3)], "{by:?} at {c}");
                assert!(last + 3 - read_to <= most, "{by:?} at {c}: {runs:?}");
                read_to = last + 3;
            }
            // Everything on screen (and three beyond) is read.
            assert!(read_to >= last + 3, "{by:?} at {c}");
        }
        // Another indicator: its rows on screen, not a window of 129 counties.
        step(&mut app, Action::NextIndicator);
        let runs = fill(&mut app);
        assert_eq!(runs.len(), 1);
        let (_, from, to) = runs[0];
        assert!(to - from < 15 + 2 * 3, "{runs:?}");
    }
}

#[test]
fn a_jump_far_down_reads_only_what_the_screen_will_show() {
    let mut app = counties(28_440);
    app.set_list_room(15);
    fill(&mut app);
    app.list_rows(15);
    step(&mut app, Action::Last);
    let runs = fill(&mut app);
    assert_eq!(runs, vec![(0, 28_440 - 15 - 3, 28_439)]);
    // Every row on screen is read.
    for c in app.list_rows(15) {
        assert_eq!(app.item(at(0, c)).county_code, app.counties[c].code);
    }
}

#[test]
fn the_county_column_is_measured_once_from_every_name() {
    let mut ws = workspace();
    ws.counties.push(County {
        code: "339999".into(),
        name: "一个名字很长的县级行政区".into(),
    });
    let app = App::new(ws, &ZH);
    assert_eq!(app.county_names_width(), 24);
    assert_eq!(counties(3).county_names_width(), 3);
}
