//! The one-line progress `kaohe import` draws on standard error while it checks a large file
//! (and while it keeps a county's evidence):
//! printing, so the command line's, not the file format's (which only reports rows done).

/// A one-line progress on standard error while a large file is checked, when standard error
/// is a terminal; redrawn at most ten times a second and cleared when done (or dropped).
pub struct ProgressLine {
    on: bool,
    drawn: Option<std::time::Instant>,
}

/// Files shorter than this are checked before a progress line would be seen.
const PROGRESS_FROM: u64 = 2_000;

impl ProgressLine {
    pub fn on_stderr() -> ProgressLine {
        use std::io::IsTerminal;
        ProgressLine {
            on: std::io::stderr().is_terminal(),
            drawn: None,
        }
    }

    pub fn update(&mut self, done: u64, total: u64) {
        if !self.on || total < PROGRESS_FROM {
            return;
        }
        let now = std::time::Instant::now();
        if self
            .drawn
            .is_some_and(|t| now.duration_since(t).as_millis() < 100)
        {
            return;
        }
        self.drawn = Some(now);
        say(&format!("\r{}\x1b[K", progress_text(done, total)));
    }

    /// A line of evidence kept (`kaohe import --evidence`): files and bytes done of all.
    pub fn update_evidence(&mut self, files: (usize, usize), bytes: (u64, u64)) {
        if !self.on {
            return;
        }
        let now = std::time::Instant::now();
        if self
            .drawn
            .is_some_and(|t| now.duration_since(t).as_millis() < 100)
        {
            return;
        }
        self.drawn = Some(now);
        say(&format!("\r{}\x1b[K", evidence_text(files, bytes)));
    }

    /// A line said once, before rows can be counted (a workbook is unpacked whole first).
    pub fn note(&mut self, text: &str) {
        if self.on {
            self.drawn = Some(std::time::Instant::now());
            say(&format!("\r{text}\x1b[K"));
        }
    }

    pub fn clear(&mut self) {
        if self.drawn.take().is_some() {
            say("\r\x1b[K");
        }
    }
}

/// Writes to standard error; a terminal that hung up is no reason to panic (`eprint!` would).
fn say(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stderr().write_all(text.as_bytes());
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.clear();
    }
}

/// "导入 12,345/361,188 行 ▕██░░░░░░░░░░░░░░░░░░▏ 3%"
pub fn progress_text(done: u64, total: u64) -> String {
    const WIDTH: u64 = 20;
    let done = done.min(total);
    let filled = (done * WIDTH).checked_div(total).unwrap_or(0);
    let percent = (done * 100).checked_div(total).unwrap_or(0);
    format!(
        "导入 {}/{} 行 ▕{}{}▏ {percent}%",
        thousands(done),
        thousands(total),
        "█".repeat(filled as usize),
        "░".repeat((WIDTH - filled) as usize)
    )
}

/// "佐证 12/340 个文件 1.2 GiB/2 GiB ▕███░░░░░░░░░░░░░░░░░▏ 60%": by bytes, the files counted.
pub fn evidence_text((files_done, files): (usize, usize), (done, total): (u64, u64)) -> String {
    use crate::source::limits::Size;
    const WIDTH: u64 = 20;
    let done = done.min(total);
    let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    format!(
        "佐证 {}/{} 个文件 {}/{} ▕{}{}▏ {percent}%",
        thousands(files_done as u64),
        thousands(files as u64),
        Size(done),
        Size(total),
        "█".repeat(filled as usize),
        "░".repeat((WIDTH - filled) as usize)
    )
}

fn thousands(n: u64) -> String {
    crate::text::thousands(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_at_a_glance() {
        assert_eq!(
            progress_text(12_345, 361_188),
            "导入 12,345/361,188 行 ▕░░░░░░░░░░░░░░░░░░░░▏ 3%"
        );
        assert_eq!(
            progress_text(2_000, 2_000),
            "导入 2,000/2,000 行 ▕████████████████████▏ 100%"
        );
        assert_eq!(progress_text(5, 0), "导入 0/0 行 ▕░░░░░░░░░░░░░░░░░░░░▏ 0%");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(
            evidence_text((12, 340), (1 << 30, 2 << 30)),
            "佐证 12/340 个文件 1 GiB/2 GiB ▕██████████░░░░░░░░░░▏ 50%"
        );
        assert_eq!(thousands(999), "999");
    }
}
