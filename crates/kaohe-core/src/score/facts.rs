//! What rule shapes read besides the verdict: the figure as a number, the cases a reviewer
//! counted, a reviewer's finding that voids the item (不计分), and whether the item names its
//! evidence. Kept sparse: most indicators are scored by their verdict alone, and most items
//! carry no finding.

use crate::model::Verdict;
use std::collections::{HashMap, HashSet};

/// Everything one county × indicator's points depend on.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ItemFacts {
    /// The verdict that counts (a second review's over the first).
    pub verdict: Option<Verdict>,
    /// The figure as a number: the verified figure (核定值) where one is recorded, else the
    /// county's; `None` where there is none to read (nothing submitted, not a number, or a
    /// bare fraction that may be a percentage).
    pub figure: Option<f64>,
    /// The cases a reviewer counted (`None`: none entered).
    pub cases: Option<u32>,
    /// A reviewer's finding voids the item (不计分).
    pub void: bool,
    /// The county named evidence for it (its evidence column is not empty).
    pub evidence_named: bool,
}

/// Whether an evidence cell names any evidence. Counties write 无, 暂无, /, — or 0 in a cell
/// they leave empty on paper; none of these names a file, and a bonus needs one named
/// ("无表彰文件佐证的，暂未实施加分").
pub fn names_evidence(cell: &str) -> bool {
    const NOTHING: [&str; 16] = [
        "无",
        "暂无",
        "没有",
        "空",
        "无佐证",
        "无材料",
        "/",
        "\\",
        "-",
        "--",
        "—",
        "——",
        "0",
        "n/a",
        "na",
        "none",
    ];
    // Full-width forms (ＮＡ, ／) as their ASCII.
    let text: String = cell
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect::<String>()
        .to_lowercase();
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '。' || c == '.');
    !text.is_empty() && !NOTHING.contains(&text)
}

/// The facts of every item but its verdict, by the index [`crate::report::Verdicts::of`] uses
/// (`indicator * counties + county`). Only what is there is kept: a figure of an indicator
/// whose rule reads one, a count, a void, named evidence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    figures: HashMap<usize, f64>,
    cases: HashMap<usize, u32>,
    void: HashSet<usize>,
    evidence: HashSet<usize>,
}

impl Facts {
    pub fn set_figure(&mut self, k: usize, figure: Option<f64>) {
        match figure.filter(|x| x.is_finite()) {
            Some(x) => self.figures.insert(k, x),
            None => self.figures.remove(&k),
        };
    }

    pub fn set_cases(&mut self, k: usize, cases: Option<u32>) {
        match cases {
            Some(n) => self.cases.insert(k, n),
            None => self.cases.remove(&k),
        };
    }

    pub fn set_void(&mut self, k: usize, void: bool) {
        if void {
            self.void.insert(k);
        } else {
            self.void.remove(&k);
        }
    }

    pub fn set_evidence_named(&mut self, k: usize, named: bool) {
        if named {
            self.evidence.insert(k);
        } else {
            self.evidence.remove(&k);
        }
    }

    /// Item `k`'s facts, with its verdict.
    pub fn item(&self, k: usize, verdict: Option<Verdict>) -> ItemFacts {
        ItemFacts {
            verdict,
            figure: self.figures.get(&k).copied(),
            cases: self.cases.get(&k).copied(),
            void: self.void.contains(&k),
            evidence_named: self.evidence.contains(&k),
        }
    }

    /// Whether item `k` is voided.
    pub fn is_void(&self, k: usize) -> bool {
        self.void.contains(&k)
    }

    /// The cases counted on item `k`.
    pub fn cases(&self, k: usize) -> Option<u32> {
        self.cases.get(&k).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::names_evidence;

    #[test]
    fn a_placeholder_names_no_evidence() {
        for nothing in [
            "", "  ", "无", "暂无", "／", "/", "—", "——", "0", "N/A", "无。", "ＮＡ",
        ] {
            assert!(!names_evidence(nothing), "{nothing:?}");
        }
        for named in [
            "表彰文件.pdf",
            "衢政发〔2014〕12号",
            "无锡考察报告.docx",
            "附件1",
        ] {
            assert!(names_evidence(named), "{named:?}");
        }
    }
}
