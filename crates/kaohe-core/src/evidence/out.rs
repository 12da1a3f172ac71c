//! Names in a folder of evidence kaohe writes (`kaohe export --evidence DIR`): each a name any
//! file system takes, as close to the county's as can be, and two that would be one made
//! visibly two (`表.xlsx`, `表 (2).xlsx`).

use std::collections::HashSet;

/// The most bytes a name may have (ext4, and most others).
const MOST_BYTES: usize = 255;

/// `name` as one path component: `/`, `\`, NUL, the other control characters and the marks
/// Windows forbids (`<>:"|?*`) as `_`; `.` and `..` and an empty name as `_`; spaces and dots
/// at its end (Windows drops them) taken off; cut to 255 bytes, its extension kept.
pub fn component(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\<>:\"|?*".contains(c) || crate::text::is_unsafe(c, false) {
                '_'
            } else {
                c
            }
        })
        .collect();
    while out.ends_with([' ', '.']) {
        out.pop();
    }
    let out = out.trim_start().to_string();
    if out.is_empty() || out == "." || out == ".." {
        return "_".to_string();
    }
    cut(&out, MOST_BYTES)
}

/// A name cut to `most` bytes on a character's boundary, its extension (up to 16 bytes) kept.
fn cut(name: &str, most: usize) -> String {
    if name.len() <= most {
        return name.to_string();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.len() < 16 => (s, format!(".{e}")),
        _ => (name, String::new()),
    };
    let room = most.saturating_sub(ext.len());
    let mut end = room.min(stem.len());
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ext}", &stem[..end])
}

/// The names taken in one folder, told apart without regard to ASCII case (as Windows and
/// macOS tell them).
#[derive(Debug, Default)]
pub struct Taken {
    names: HashSet<String>,
}

impl Taken {
    /// `name` made a component, or `stem (2).ext`, `stem (3).ext` … where it is taken: the
    /// name given it, now taken.
    pub fn take(&mut self, name: &str) -> String {
        let name = component(name);
        let mut n = 1;
        let mut candidate = name.clone();
        while !self.names.insert(candidate.to_ascii_lowercase()) {
            n += 1;
            let (stem, ext) = match name.rsplit_once('.') {
                Some((s, e)) if !s.is_empty() => (s, format!(".{e}")),
                _ => (name.as_str(), String::new()),
            };
            let suffix = format!(" ({n}){ext}");
            candidate = format!("{}{suffix}", cut(stem, MOST_BYTES - suffix.len()));
        }
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_any_file_system_takes() {
        assert_eq!(component("会议纪要.pdf"), "会议纪要.pdf");
        assert_eq!(component("a/b\\c.pdf"), "a_b_c.pdf");
        assert_eq!(component(".."), "_");
        assert_eq!(component(""), "_");
        assert_eq!(component("x\u{1b}[31m.pdf"), "x_[31m.pdf");
        assert_eq!(component("说明. "), "说明");
        assert_eq!(component("1.2 城市:社区?"), "1.2 城市_社区_");
        let long = "很".repeat(100) + ".pdf";
        let cut = component(&long);
        assert!(cut.len() <= 255 && cut.ends_with(".pdf"), "{cut}");
    }

    #[test]
    fn a_name_taken_is_made_visibly_another() {
        let mut t = Taken::default();
        assert_eq!(t.take("表.xlsx"), "表.xlsx");
        assert_eq!(t.take("表.xlsx"), "表 (2).xlsx");
        assert_eq!(t.take("表.XLSX"), "表 (3).XLSX");
        assert_eq!(t.take("README"), "README");
        assert_eq!(t.take("readme"), "readme (2)");
        assert_eq!(t.take("表 (2).xlsx"), "表 (2) (2).xlsx");
    }
}
