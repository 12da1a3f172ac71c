#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The counties' list with many counties, drawn as the run loop draws it (the list's rows told
//! to the App, what they show read from the store, then the frame): a move within the list
//! changes the two rows involved and nothing else; near its edge the list moves half its rows
//! (or, set so, a row a move) with the cursor kept off the edge; the selected row is on screen
//! in every layout.

use kaohe::catalog::{self, Catalog};
use kaohe::store::{Reviewer, Seed, Store};
use kaohe::tui::action::Action;
use kaohe::tui::app::{App, Scroll};
use kaohe::tui::strings::{Lang, Strings};
use kaohe::tui::theme::Theme;
use kaohe::tui::{fill, load, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    app: App,
}

/// A database of `n` counties (`测试{k}县`) on the 2014 targets, and the App on it.
fn fixture(n: usize) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let who = Reviewer {
        name: "张三".into(),
        account: "zhangsan".into(),
    };
    let mut text = String::from("code,name\n");
    for k in 0..n {
        text.push_str(&format!("{},测试{k}县\n", 110_000 + k));
    }
    let seed = Seed {
        catalog: Catalog::embedded_2014().unwrap(),
        counties: catalog::parse_counties(&text, "counties.csv").unwrap(),
        submissions: None,
    };
    let store = Store::create(&dir.path().join("k.db"), &seed, &who).unwrap();
    let ws = load(&store, &who).unwrap();
    let app = App::new(ws, Strings::get(Lang::Zh));
    Fixture {
        _dir: dir,
        store,
        app,
    }
}

/// A frame as the run loop makes it: the list's rows told, the items read, the screen drawn.
fn frame(f: &mut Fixture, terminal: &mut Terminal<TestBackend>) -> Vec<String> {
    let size = terminal.backend().buffer().area;
    f.app.set_list_room(view::list_room(
        Rect::new(0, 0, size.width, size.height),
        &f.app,
    ));
    fill(&mut f.store, &mut f.app);
    terminal
        .draw(|frame| view::draw(frame, &f.app, &Theme::default()))
        .unwrap();
    lines(terminal)
}

/// The screen, a string a row: each cell's symbol and style.
fn lines(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    buffer
        .content
        .chunks(buffer.area.width as usize)
        .map(|row| {
            row.iter()
                .map(|c| format!("{}{:?}{:?}{:?}", c.symbol(), c.fg, c.bg, c.modifier))
                .collect()
        })
        .collect()
}

/// The rows on which the selected county's name is drawn selected (reversed).
fn selected_rows(f: &Fixture, terminal: &Terminal<TestBackend>) -> usize {
    let name = &f.app.county().name;
    let buffer = terminal.backend().buffer();
    buffer
        .content
        .chunks(buffer.area.width as usize)
        .filter(|row| {
            // The reversed cells' text, each wide character once (not its blank second cell).
            let mut reversed = String::new();
            let mut skip = 0;
            for cell in row.iter() {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                skip = kaohe::text::width(cell.symbol()).saturating_sub(1);
                if cell.modifier.contains(Modifier::REVERSED) {
                    reversed.push_str(cell.symbol());
                }
            }
            // 测试1县 is not found in 测试12县: the name ends in 县.
            reversed.contains(name.as_str())
        })
        .count()
}

/// How many screen rows each of `moves` presses of `action` changes.
fn changed_rows(
    f: &mut Fixture,
    terminal: &mut Terminal<TestBackend>,
    action: Action,
    moves: usize,
) -> Vec<usize> {
    let mut before = lines(terminal);
    let mut changed = Vec::new();
    for _ in 0..moves {
        f.app.update(action);
        let after = frame(f, terminal);
        changed.push(before.iter().zip(&after).filter(|(a, b)| a != b).count());
        assert_eq!(selected_rows(f, terminal), 1);
        before = after;
    }
    changed
}

#[test]
fn a_move_within_the_list_changes_the_two_rows_involved_and_near_its_edge_it_moves_half_a_page() {
    let mut f = fixture(300);
    // Narrow: the submissions pane alone.
    let mut terminal = Terminal::new(TestBackend::new(60, 24)).unwrap();
    frame(&mut f, &mut terminal);
    let room = view::list_room(Rect::new(0, 0, 60, 24), &f.app);
    let changed = changed_rows(&mut f, &mut terminal, Action::NextCounty, 60);
    // Down to three rows above the bottom, two rows a move: the old cursor row, the new.
    let still = room - 1 - 3;
    assert!(changed[..still].iter().all(|&n| n == 2), "{changed:?}");
    // Then the list moves half its rows (every row of it changes, and nothing else), and the
    // next moves change two rows again until the margin is reached once more.
    let scrolls: Vec<usize> = (0..changed.len()).filter(|&k| changed[k] > 2).collect();
    assert!(changed.iter().all(|&n| n <= room), "{changed:?}");
    assert_eq!(scrolls[0], still, "{changed:?}");
    assert!(
        scrolls.windows(2).all(|w| w[1] - w[0] == room / 2),
        "{room} rows: {changed:?}"
    );
    // Back up within the list: two rows again.
    let changed = changed_rows(&mut f, &mut terminal, Action::PrevCounty, 3);
    assert_eq!(changed, [2, 2, 2]);
}

#[test]
fn set_to_line_the_list_scrolls_a_row_a_move_near_its_edge() {
    let mut f = fixture(300);
    f.app.set_list_scroll(Scroll::Line);
    let mut terminal = Terminal::new(TestBackend::new(60, 24)).unwrap();
    frame(&mut f, &mut terminal);
    let room = view::list_room(Rect::new(0, 0, 60, 24), &f.app);
    let changed = changed_rows(&mut f, &mut terminal, Action::NextCounty, 40);
    let still = room - 1 - 3;
    assert!(changed[..still].iter().all(|&n| n == 2), "{changed:?}");
    // Then every move scrolls the list: every row of it, and still nothing else.
    assert!(
        changed[still..].iter().all(|&n| n > 2 && n <= room),
        "{changed:?}"
    );
    // Back up within the list: two rows again.
    let changed = changed_rows(&mut f, &mut terminal, Action::PrevCounty, room - 1 - 3 - 3);
    assert!(changed.iter().all(|&n| n == 2), "{changed:?}");
}

#[test]
fn the_selected_row_is_on_screen_in_every_layout() {
    for (w, h) in [(120, 40), (80, 24), (60, 16), (40, 12), (30, 9), (24, 8)] {
        let mut f = fixture(300);
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        frame(&mut f, &mut terminal);
        let keys = [Action::NextCounty; 45]
            .into_iter()
            .chain([Action::Last, Action::PrevCounty, Action::PrevCounty])
            .chain([Action::NextIndicator, Action::First, Action::NextCounty])
            .chain([Action::PrevCounty; 3]);
        for (k, action) in keys.enumerate() {
            f.app.update(action);
            frame(&mut f, &mut terminal);
            assert_eq!(
                selected_rows(&f, &terminal),
                1,
                "{w}×{h}, key {k} ({action:?}), at {}",
                f.app.county().name,
            );
        }
    }
}
