use super::pen::{Pen, write_pen};
use super::*;
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::Paragraph;
use ratatui::{Terminal, TerminalOptions, Viewport};

fn terminal(w: u16, h: u16) -> Terminal<Tty<Vec<u8>>> {
    Terminal::with_options(
        Tty::with_size(Vec::new(), w, h),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )
    .unwrap()
}

/// Draws `screen` and gives the bytes that frame wrote.
fn show(t: &mut Terminal<Tty<Vec<u8>>>, screen: &Buffer, cursor: Option<(u16, u16)>) -> Vec<u8> {
    t.draw(|f| {
        *f.buffer_mut() = screen.clone();
        blank_covered(f.buffer_mut());
        if let Some((x, y)) = cursor {
            f.set_cursor_position((x, y));
        }
    })
    .unwrap();
    std::mem::take(t.backend_mut().writer_mut())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn lines(w: u16, rows: &[&str]) -> Buffer {
    let mut b = Buffer::empty(Rect::new(0, 0, w, rows.len() as u16));
    for (y, row) in rows.iter().enumerate() {
        b.set_string(0, y as u16, row, Style::default());
    }
    b
}

#[test]
fn wide_characters_need_no_cursor_moves() {
    let mut t = terminal(10, 1);
    t.draw(|f| f.render_widget(Paragraph::new("柯城区 ok"), f.area()))
        .unwrap();
    let out = text(t.backend_mut().writer_mut());
    // One move to the row; the blank between is written (cheaper than a move).
    assert!(out.contains("\x1b[H柯城区 ok"), "{out:?}");
    assert_eq!(out.matches('H').count(), 1, "{out:?}");
}

#[test]
fn basic_colours_in_basic_codes_and_one_sequence_per_change() {
    let mut out = Vec::new();
    let plain = Some(pen::PLAIN);
    write_pen(
        &mut out,
        plain,
        Pen {
            fg: Color::Red,
            bg: Color::Reset,
            modifier: Modifier::BOLD | Modifier::REVERSED,
        },
    )
    .unwrap();
    assert_eq!(text(&out), "\x1b[1;7;31m");
    let mut out = Vec::new();
    let bold_red = Pen {
        fg: Color::Red,
        bg: Color::Reset,
        modifier: Modifier::BOLD,
    };
    write_pen(
        &mut out,
        Some(bold_red),
        Pen {
            modifier: Modifier::empty(),
            ..bold_red
        },
    )
    .unwrap();
    assert_eq!(text(&out), "\x1b[0;31m");
}

#[test]
fn a_frame_that_changes_nothing_writes_nothing() {
    let mut t = terminal(20, 3);
    let screen = lines(20, &["柯城区", "衢江区", ""]);
    let first = show(&mut t, &screen, None);
    assert!(
        first.starts_with(BEGIN) && first.ends_with(END),
        "{:?}",
        text(&first)
    );
    assert!(show(&mut t, &screen, None).is_empty());
    // The cursor shown, then shown again where it is: only the first says so.
    assert!(!show(&mut t, &screen, Some((2, 1))).is_empty());
    assert!(show(&mut t, &screen, Some((2, 1))).is_empty());
    assert_eq!(t.backend().sent().frames, 2);
}

#[test]
fn a_shorter_line_is_erased_to_its_end() {
    let mut t = terminal(40, 1);
    show(
        &mut t,
        &lines(40, &["江山市 衢州市 龙游县 常山县 开化县"]),
        None,
    );
    let out = text(&show(&mut t, &lines(40, &["江山市"]), None));
    assert!(out.contains("\x1b[K"), "{out:?}");
    assert!(!out.contains("  "), "no run of spaces: {out:?}");
}

#[test]
fn chinese_replaced_by_narrow_text_is_erased_in_one_run() {
    let mut t = terminal(40, 1);
    show(
        &mut t,
        &lines(40, &["柯城区衢江区龙游县江山市常山县开化县 x"]),
        None,
    );
    let out = text(&show(
        &mut t,
        &lines(40, &["ab                                   x"]),
        None,
    ));
    // "ab" and one erase of the rest of the run (the x after it stays where it was).
    assert_eq!(out.matches("\x1b[").count(), 3, "{out:?}");
    assert!(out.contains("ab\x1b[35X"), "{out:?}");
}

#[test]
fn a_list_moved_by_a_row_is_scrolled_by_the_terminal() {
    let rows: Vec<String> = (0..20)
        .map(|i| format!("第{i}个县 柯城区 衢江区 龙游县"))
        .collect();
    let mut t = terminal(40, 22);
    let screen = |from: usize| {
        let mut r: Vec<&str> = vec!["标题"];
        r.extend(
            rows[from..from + 20.min(rows.len() - from)]
                .iter()
                .map(|s| s.as_str()),
        );
        r.resize(22, "");
        r[21] = "提示";
        lines(40, &r)
    };
    show(&mut t, &screen(0), None);
    let out = text(&show(&mut t, &screen(1), None));
    // The region between the title and the hint line, one row deleted at its top.
    assert!(out.contains("\x1b[2;21r\x1b[2H\x1b[M\x1b[r"), "{out:?}");
    assert!(out.len() < 60, "{} bytes: {out:?}", out.len());
    let out = text(&show(&mut t, &screen(0), None));
    assert!(out.contains("\x1b[L"), "{out:?}");
}

// The property: whatever the two screens, the bytes sent take a terminal showing the first
// to showing the second — every cell's character and how it looks.

const SYMBOLS: &[&str] = &["a", "b", " ", " ", "中", "文", "，", "x", "—"];
const FG: &[Color] = &[Color::Reset, Color::Red, Color::Indexed(200), Color::Gray];
const BG: &[Color] = &[Color::Reset, Color::Blue, Color::Reset];
const MODS: &[Modifier] = &[
    Modifier::empty(),
    Modifier::BOLD,
    Modifier::REVERSED,
    Modifier::UNDERLINED,
    Modifier::ITALIC,
];

#[derive(Clone, Debug)]
struct Row {
    spans: Vec<(String, Style)>,
    highlight: Option<Style>,
}

fn style() -> impl Strategy<Value = Style> {
    (0..FG.len(), 0..BG.len(), 0..MODS.len(), 0..MODS.len()).prop_map(|(f, b, m, n)| {
        Style::default()
            .fg(FG[f])
            .bg(BG[b])
            .add_modifier(MODS[m] | MODS[n])
    })
}

fn row() -> impl Strategy<Value = Row> {
    let span = (prop::collection::vec(0..SYMBOLS.len(), 0..8), style())
        .prop_map(|(s, st)| (s.iter().map(|i| SYMBOLS[*i]).collect::<String>(), st));
    (
        prop::collection::vec(span, 0..5),
        prop::option::weighted(0.2, style()),
    )
        .prop_map(|(spans, highlight)| Row { spans, highlight })
}

fn paint(w: u16, rows: &[Row]) -> Buffer {
    let mut b = Buffer::empty(Rect::new(0, 0, w, rows.len() as u16));
    for (y, r) in rows.iter().enumerate() {
        let y = y as u16;
        let mut x = 0;
        for (s, st) in &r.spans {
            x = b
                .set_stringn(x, y, s, usize::from(w.saturating_sub(x)), *st)
                .0;
        }
        if let Some(st) = r.highlight {
            b.set_style(Rect::new(0, y, w, 1), st);
        }
    }
    b
}

/// Two screens: the second the first with a block of rows moved, some rows drawn anew.
fn screens() -> impl Strategy<Value = (u16, Vec<Row>, Vec<Row>)> {
    screens_within(3..20)
}

/// The same, `widths` columns wide.
fn screens_within(
    widths: std::ops::Range<u16>,
) -> impl Strategy<Value = (u16, Vec<Row>, Vec<Row>)> {
    (widths, 2usize..9).prop_flat_map(|(w, h)| {
        (
            Just(w),
            prop::collection::vec(row(), h),
            prop::collection::vec(row(), h),
            0..h,
            0..h,
            1..h,
            any::<bool>(),
            prop::collection::vec(any::<bool>(), h),
        )
            .prop_map(|(w, old, fresh, a, b, by, up, redraw)| {
                let (top, bottom) = (a.min(b), a.max(b));
                let mut new = old.clone();
                for y in top..=bottom {
                    let from = if up { y + by } else { y.wrapping_sub(by) };
                    new[y] = if (top..=bottom).contains(&from) {
                        old[from].clone()
                    } else {
                        fresh[y].clone()
                    };
                }
                for (y, r) in redraw.iter().enumerate() {
                    if *r && y % 3 == 0 {
                        new[y] = fresh[y].clone();
                    }
                }
                (w, old, new)
            })
    })
}

fn vt_colour(c: Color) -> vt100::Color {
    match c {
        Color::Reset => vt100::Color::Default,
        Color::Red => vt100::Color::Idx(1),
        Color::Blue => vt100::Color::Idx(4),
        Color::Gray => vt100::Color::Idx(7),
        Color::Indexed(n) => vt100::Color::Idx(n),
        other => panic!("not drawn in the test: {other:?}"),
    }
}

/// Where the terminal shows something other than `screen` (as a blank's foreground, bold,
/// dim and italic cannot be seen, they are not compared on a blank).
fn differences(vt: &vt100::Screen, screen: &Buffer) -> Vec<String> {
    let mut found = Vec::new();
    let w = screen.area.width;
    for y in 0..screen.area.height {
        let row: Vec<Cell> = (0..w).map(|x| screen[(x, y)].clone()).collect();
        let mut slotted = Vec::new();
        screen::slots(&row, &mut slotted);
        let mut x = 0;
        while x < w {
            let slot = slotted[usize::from(x)];
            let want = &row[usize::from(x)];
            let symbol = screen::shown(want, slot);
            let Some(got) = vt.cell(y, x) else {
                found.push(format!("({x},{y}) missing"));
                break;
            };
            let contents = if got.contents().is_empty() {
                " "
            } else {
                got.contents()
            };
            let m = want.modifier;
            let blank = symbol == " " && !m.intersects(Modifier::REVERSED | Modifier::UNDERLINED);
            let same = contents == symbol
                && got.bgcolor() == vt_colour(want.bg)
                && (blank
                    || (got.fgcolor() == vt_colour(want.fg)
                        && got.bold() == m.contains(Modifier::BOLD)
                        && got.dim() == m.contains(Modifier::DIM)
                        && got.italic() == m.contains(Modifier::ITALIC)
                        && got.underline() == m.contains(Modifier::UNDERLINED)
                        && got.inverse() == m.contains(Modifier::REVERSED)))
                && (blank || got.underline() == m.contains(Modifier::UNDERLINED))
                && (!blank || (!got.underline() && !got.inverse()))
                && got.is_wide() == (slot.width == 2);
            if !same {
                found.push(format!(
                    "({x},{y}): want {symbol:?} {:?}, got {contents:?} fg {:?} bg {:?} bold {} dim {} italic {} underline {} inverse {} wide {}",
                    Pen::of(want),
                    got.fgcolor(),
                    got.bgcolor(),
                    got.bold(),
                    got.dim(),
                    got.italic(),
                    got.underline(),
                    got.inverse(),
                    got.is_wide()
                ));
            }
            x += slot.width;
        }
    }
    found
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn the_bytes_sent_make_the_new_screen(
        (w, old, new) in screens(),
        cursor in any::<bool>(),
        picture in prop::bool::weighted(0.2),
        clear in prop::bool::weighted(0.1),
    ) {
        let h = old.len() as u16;
        let (old, new) = (paint(w, &old), paint(w, &new));
        let mut t = terminal(w, h);
        let mut vt = vt100::Parser::new(h.try_into().unwrap(), w.try_into().unwrap(), 0);
        vt.process(&show(&mut t, &old, None));
        let wrong = differences(vt.screen(), &old);
        prop_assert!(wrong.is_empty(), "first screen: {wrong:?}");
        // Only changed cells written (a picture over the others), or the screen cleared first.
        t.backend_mut().set_picture(picture);
        if clear {
            t.clear().unwrap();
        }
        let at = cursor.then_some((w / 2, h - 1));
        let bytes = show(&mut t, &new, at);
        vt.process(&bytes);
        let wrong = differences(vt.screen(), &new);
        prop_assert!(wrong.is_empty(), "after {:?}: {wrong:?}", text(&bytes));
        prop_assert_eq!(vt.screen().hide_cursor(), at.is_none());
        if let Some((x, y)) = at {
            prop_assert_eq!(vt.screen().cursor_position(), (y, x));
        }
        // And nothing more when nothing changes.
        prop_assert!(show(&mut t, &new, at).is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn the_bound_on_a_row_search_leaves_the_bytes_a_full_search_finds(
        (w, old, new) in screens_within(3..100),
        cursor in any::<bool>(),
        picture in prop::bool::weighted(0.2),
    ) {
        let h = old.len() as u16;
        let (old, new) = (paint(w, &old), paint(w, &new));
        let mut bounded = terminal(w, h);
        let mut full = terminal(w, h);
        full.backend_mut().encoder.exhaustive = true;
        let at = cursor.then_some((w / 2, h - 1));
        for t in [&mut bounded, &mut full] {
            t.backend_mut().set_picture(picture);
        }
        for screen in [&old, &new, &old] {
            let a = show(&mut bounded, screen, at);
            let b = show(&mut full, screen, at);
            prop_assert_eq!(text(&a), text(&b));
        }
    }
}

#[test]
fn with_a_picture_shown_only_changed_cells_are_written() {
    let mut t = terminal(40, 2);
    show(
        &mut t,
        &lines(40, &["江山市 衢州市 龙游县 常山县 开化县", "x"]),
        None,
    );
    t.backend_mut().set_picture(true);
    let out = text(&show(&mut t, &lines(40, &["江山市", "x"]), None));
    assert!(!out.contains("\x1b[K") && !out.contains('X'), "{out:?}");
}

/// A highlighted row styles the column its wide character covers too; when the character moves
/// left, that column shows again with the row's style, though ratatui saw no change in it.
#[test]
fn a_column_a_wide_character_uncovers_shows_in_its_own_style() {
    let selected = Style::new().bold().reversed();
    let mut old = Buffer::empty(Rect::new(0, 0, 5, 1));
    old.set_string(0, 0, "axa中", Style::new());
    old.set_style(old.area, selected);
    let mut new = Buffer::empty(Rect::new(0, 0, 5, 1));
    new.set_string(0, 0, "aa中 ", selected);
    let mut t = terminal(5, 1);
    let mut vt = vt100::Parser::new(1u16.try_into().unwrap(), 5u16.try_into().unwrap(), 0);
    vt.process(&show(&mut t, &old, None));
    let bytes = show(&mut t, &new, None);
    vt.process(&bytes);
    let wrong = differences(vt.screen(), &new);
    assert!(wrong.is_empty(), "after {:?}: {wrong:?}", text(&bytes));
}

/// Lines of a key in its pen and a text in the plain one, each changed: every other line is
/// written text first, in the pen the line above ended in, so that each line changes pen
/// once, not twice.
#[test]
fn lines_of_two_pens_change_pen_once_a_line() {
    let key = Style::default()
        .fg(Color::Blue)
        .add_modifier(Modifier::BOLD);
    let page = |keys: &[&str], texts: &[&str]| {
        let mut b = Buffer::empty(Rect::new(0, 0, 30, keys.len() as u16));
        for (y, (k, t)) in keys.iter().zip(texts).enumerate() {
            b.set_string(2, y as u16, k, key);
            b.set_string(12, y as u16, t, Style::default());
        }
        b
    };
    let first = page(
        &["j ↓", "k ↑", "PgDn", "g Home"],
        &["下一个县", "上一个县", "向下翻一页", "第一个县"],
    );
    let second = page(
        &["Alt-5", "Alt-6", "Enter", "Esc"],
        &["插入常用备注", "保存备注", "回到编辑", "关闭编辑"],
    );
    let mut t = terminal(30, 4);
    let mut vt = vt100::Parser::new(4.try_into().unwrap(), 30.try_into().unwrap(), 0);
    vt.process(&show(&mut t, &first, None));
    let bytes = show(&mut t, &second, None);
    vt.process(&bytes);
    assert_eq!(differences(vt.screen(), &second), Vec::<String>::new());
    let pens = text(&bytes).matches('m').count();
    assert_eq!(pens, 4, "{:?}", text(&bytes));
}
