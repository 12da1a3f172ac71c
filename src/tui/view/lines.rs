//! Lines drawn into a pane as ratatui's `Paragraph` draws them (no wrap, no scroll, no block),
//! cell for cell, without its per-line machinery: every key draws the panes anew, and the
//! paragraph measured each character three times over and gathered each line into a list
//! first. A run of printable ASCII is a character a cell, without the grapheme search.

use ratatui::buffer::{Buffer, CellWidth};
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

/// Draws `lines` from the top of `area`, each cut where it no longer fits.
pub(super) fn draw_lines(buf: &mut Buffer, area: Rect, lines: Vec<Line>) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    if lines
        .iter()
        .any(|l| l.alignment.is_some_and(|a| a != Alignment::Left))
    {
        // Centred or right: the paragraph places them.
        Paragraph::new(lines).render(area, buf);
        return;
    }
    for (row, line) in lines.iter().take(usize::from(area.height)).enumerate() {
        let y = area.y + row as u16;
        let base = Style::default().patch(line.style);
        let mut x = 0u16;
        'line: for span in &line.spans {
            let text = span.content.as_ref();
            if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                let style = base.patch(span.style);
                for at in 0..text.len() {
                    if x >= area.width {
                        break 'line;
                    }
                    buf[(area.x + x, y)]
                        .set_symbol(&text[at..=at])
                        .set_style(style);
                    x += 1;
                }
                continue;
            }
            for g in span.styled_graphemes(base) {
                let w = g.symbol.cell_width();
                // Wider than the pane: left out, as the paragraph does; past its edge: the
                // line ends there.
                if w > area.width {
                    continue;
                }
                if x + w > area.width {
                    break 'line;
                }
                if w == 0 {
                    continue;
                }
                buf[(area.x + x, y)].set_symbol(g.symbol).set_style(g.style);
                x += w;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;

    const PIECES: &[&str] = &[
        "a",
        "Z",
        " ",
        "1.2",
        "·",
        "县",
        "柯城区",
        "e\u{301}",
        "\u{200b}",
        "👍🏽",
        "\t",
        "✓",
        "→",
        "ｱ",
        "\u{1f1e8}\u{1f1f3}",
        "x\u{0}y",
        "\r\n",
        "",
    ];
    const STYLES: &[Style] = &[
        Style::new(),
        Style::new().fg(Color::Red),
        Style::new().bg(Color::Blue).add_modifier(Modifier::BOLD),
        Style::new().remove_modifier(Modifier::BOLD).fg(Color::Gray),
    ];

    fn line() -> impl Strategy<Value = Line<'static>> {
        let span = (
            prop::collection::vec(0..PIECES.len(), 0..6),
            0..STYLES.len(),
        )
            .prop_map(|(p, s)| {
                Span::styled(p.iter().map(|i| PIECES[*i]).collect::<String>(), STYLES[s])
            });
        (prop::collection::vec(span, 0..5), 0..STYLES.len())
            .prop_map(|(spans, s)| Line::from(spans).style(STYLES[s]))
    }

    proptest! {
        #[test]
        fn the_lines_are_drawn_as_a_paragraph_draws_them(
            lines in prop::collection::vec(line(), 0..6),
            (x, y, w, h) in (0u16..4, 0u16..3, 0u16..14, 0u16..6),
        ) {
            let whole = Rect::new(0, 0, 16, 8);
            let area = Rect::new(x, y, w, h);
            let mut ours = Buffer::empty(whole);
            let mut theirs = Buffer::empty(whole);
            // Something beneath, as a frame's other widgets leave.
            for b in [&mut ours, &mut theirs] {
                b.set_string(0, 0, "底下的字 under", Style::new().fg(Color::Blue));
            }
            draw_lines(&mut ours, area, lines.clone());
            Paragraph::new(lines).render(area, &mut theirs);
            prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn a_centred_line_is_placed_as_the_paragraph_places_it() {
        let lines = vec![Line::from("中").centered(), Line::from("ab")];
        let area = Rect::new(0, 0, 8, 2);
        let mut ours = Buffer::empty(area);
        let mut theirs = Buffer::empty(area);
        draw_lines(&mut ours, area, lines.clone());
        Paragraph::new(lines).render(area, &mut theirs);
        assert_eq!(ours, theirs);
    }
}
