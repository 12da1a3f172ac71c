//! What the snapshot tests share: a screen read as text, and times fixed so snapshots do not
//! change with the clock.

use kaohe::item::Item;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The screen as plain text, a line per row, wide characters once (not followed by the blank
/// cell they cover).
pub fn text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let width = buffer.area.width as usize;
    let mut out = String::new();
    for row in buffer.content.chunks(width.max(1)) {
        let mut skip = 0;
        for cell in row {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            out.push_str(cell.symbol());
            skip = kaohe::text::width(cell.symbol()).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

/// Every review and note time set to one moment.
pub fn fix_times(items: &mut [Item]) {
    for item in items {
        if item.reviewed_at.is_some() {
            item.reviewed_at = Some("2026-11-29T09:30:00+08:00".into());
        }
        for note in &mut item.notes {
            note.at = "2026-11-29T09:30:00+08:00".into();
        }
        if let Some(v) = &mut item.verified {
            v.at = "2026-11-29T09:30:00+08:00".into();
        }
    }
}
