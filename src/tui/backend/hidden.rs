//! The columns a wide character covers, made blank in the frame before ratatui compares it
//! with the last one.
//!
//! ratatui sends the backend only the cells that changed since its last frame, and it
//! compares the columns a wide character covers as it left them: with whatever style a widget
//! gave them (a highlighted row styles them too). The backend, which never sees those
//! columns, keeps them blank, as the terminal shows them. When the wide character then goes,
//! a column ratatui still holds styled is not sent — it looks unchanged to ratatui — and the
//! terminal would keep a blank in the wrong style. Blanking the covered columns in every
//! frame makes ratatui's last frame and the backend's screen agree, so every column that comes
//! back into sight with a style of its own is sent.

use ratatui::buffer::{Buffer, Cell};

/// Blanks the columns each wide character of `frame` covers.
pub fn blank_covered(frame: &mut Buffer) {
    let width = usize::from(frame.area.width);
    if width == 0 {
        return;
    }
    for row in frame.content.chunks_mut(width) {
        let mut x = 0;
        while x < row.len() {
            let symbol = row[x].symbol();
            // ASCII is one column: only other text needs measuring.
            let n = if symbol.len() > 1 {
                crate::text::width(symbol).max(1)
            } else {
                1
            };
            for cell in row.iter_mut().skip(x + 1).take(n - 1) {
                if *cell != Cell::default() {
                    *cell = Cell::default();
                }
            }
            x += n;
        }
    }
}
