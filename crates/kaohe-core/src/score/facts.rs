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
