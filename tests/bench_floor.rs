#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The scale bench's measuring tools, tested: the floor of a frame (the UTF-8 of the cells
//! that change) and the end-to-end stepping through a pty. The bench itself runs without a
//! test harness, so its modules are compiled here as well.

#[path = "../benches/pty/mod.rs"]
#[allow(dead_code)]
mod pty;
#[path = "../benches/report/mod.rs"]
#[allow(dead_code)]
mod report;
#[path = "../benches/screen/mod.rs"]
#[allow(dead_code)]
mod screen;
#[path = "../benches/stepping/mod.rs"]
#[allow(dead_code)]
mod stepping;

use portable_pty::CommandBuilder;
use pty::{Done, Session};
use screen::{Snapshot, parser};
use std::time::Duration;

fn floor(before: &str, after: &str) -> usize {
    let mut p = parser(10, 2);
    p.process(before.as_bytes());
    let was = Snapshot::of(p.screen());
    p.process(after.as_bytes());
    was.floor_to(&Snapshot::of(p.screen())).bytes
}

#[test]
fn an_unchanged_screen_has_no_floor() {
    // Writing what is already there changes no cell.
    assert_eq!(floor("ab中", "\x1b[1;1Hab中"), 0);
}

#[test]
fn the_floor_is_the_utf8_of_the_changed_cells() {
    // One ASCII cell the same, one changed (1 byte), a wide character replaced (3 bytes, its
    // right half counted with it).
    assert_eq!(floor("ab中", "\x1b[1;1Hax国"), 1 + 3);
}

#[test]
fn a_style_change_alone_counts_the_cells_text() {
    assert_eq!(floor("ab", "\x1b[1;1H\x1b[7ma\x1b[0m"), 1);
    assert_eq!(floor("中", "\x1b[1;1H\x1b[31m中\x1b[0m"), 3);
}

#[test]
fn an_erased_cell_counts_as_the_space_that_writes_it() {
    // a, b, and both halves of 中 become blanks.
    assert_eq!(floor("ab中", "\x1b[1;1H\x1b[K"), 4);
    // A blank written as a space is no change.
    assert_eq!(floor("a", "\x1b[1;2H "), 0);
}

#[test]
fn a_scrolled_region_counts_every_cell_that_moved() {
    // Two rows swap places by a scroll: every differing cell of both rows counts.
    let mut p = parser(3, 2);
    p.process(b"abc\r\ndef");
    let was = Snapshot::of(p.screen());
    p.process(b"\x1b[1;2r\x1b[2;1H\n\x1b[r\x1b[2;1Hghi");
    // Row 1 now "def" (3 changed), row 2 written "ghi" over the blank the scroll left.
    let f = was.floor_to(&Snapshot::of(p.screen()));
    assert_eq!(f.cells, 6);
    assert_eq!(f.bytes, 6);
}

/// A program that ends every frame as kaohe does: each key it reads is echoed (a frame of the
/// key and the end marker), except `n`, which changes nothing and draws nothing.
fn echo() -> Session {
    let mut cmd = CommandBuilder::new("sh");
    cmd.arg("-c");
    cmd.arg(
        "stty raw -echo; printf 'ready\\033[?2026l'; \
         while c=$(dd bs=1 count=1 2>/dev/null); do \
           [ \"$c\" = q ] && exit 0; \
           [ \"$c\" = n ] || printf '%s\\033[?2026l' \"$c\"; \
         done",
    );
    let mut s = Session::spawn(cmd, 20, 3).unwrap();
    assert!(
        s.first_frame(Done::Marker, Duration::from_secs(30))
            .is_some()
    );
    s
}

#[test]
fn a_key_is_timed_to_its_frames_end_and_counted() {
    let mut s = echo();
    let f = s
        .press(b"x", Done::Marker, Duration::from_secs(30))
        .unwrap();
    // The key's cell, then the marker.
    assert_eq!(f.bytes, 1 + pty::FRAME_END.len());
    assert_eq!(f.floor.bytes, 1);
    assert!(s.text().contains("readyx"));
    // A frame that ends at its last byte is counted the same.
    let f = s
        .press(
            b"y",
            Done::Quiet(Duration::from_millis(50)),
            Duration::from_secs(30),
        )
        .unwrap();
    assert_eq!(f.bytes, 1 + pty::FRAME_END.len());
    s.quit(b"q", Duration::from_secs(10));
}

#[test]
fn a_key_that_draws_nothing_is_no_frame_and_no_hang() {
    let mut s = echo();
    assert!(
        s.press(b"n", Done::Marker, Duration::from_millis(200))
            .is_none()
    );
    assert!(
        s.press(
            b"n",
            Done::Quiet(Duration::from_millis(20)),
            Duration::from_millis(200)
        )
        .is_none()
    );
    // The next key's frame is its own.
    let f = s
        .press(b"z", Done::Marker, Duration::from_secs(30))
        .unwrap();
    assert_eq!(f.bytes, 1 + pty::FRAME_END.len());
    s.quit(b"q", Duration::from_secs(10));
}

#[test]
fn stepping_turns_back_at_the_ends_of_the_list() {
    let mut s = echo();
    let keys = stepping::Keys {
        down: b"j",
        up: b"k",
    };
    // Three rows from the first: down, down, then up to the first, then down again.
    let run = stepping::step(
        &mut s,
        &keys,
        3,
        0,
        6,
        Done::Marker,
        Duration::from_secs(30),
    );
    assert_eq!(run.frames.len(), 6);
    assert_eq!(run.missed, 0);
    assert!(s.text().contains("readyjjkkjj"), "{}", s.text());
    let summary = run.summary().unwrap();
    assert_eq!(summary.bytes.0, 1 + pty::FRAME_END.len());
    assert_eq!(summary.floor.0, 1);
    s.quit(b"q", Duration::from_secs(10));
}
