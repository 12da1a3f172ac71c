//! What rule shapes read besides the verdicts, gathered for scoring (kaohe-core's [`Facts`]):
//! the figures of the indicators whose rule reads one, whether a bonus item names its
//! evidence, and the reviewers' findings. The one place that decides which figure a rule
//! scores.

use crate::Store;
use anyhow::Result;
use kaohe_core::model::{County, Indicator};
use kaohe_core::score::Facts;
use std::collections::HashMap;

/// The figure a rule scores, in the submissions row `s` and the verified figures' row `v`:
/// the verified figure (核定值) where one is recorded, else the county's as a number.
const FIGURE: &str = "COALESCE(v.value_number, s.value_number)";

impl Store {
    /// The facts of every item of `indicators` (all of a catalog's, in document order) ×
    /// `counties` that its indicator's rule reads, laid out as kaohe-core's report lays out the
    /// verdicts (`indicator * counties + county`).
    pub fn score_facts<'a>(
        &self,
        indicators: impl Iterator<Item = &'a Indicator>,
        counties: &[County],
    ) -> Result<Facts> {
        let indicators: Vec<&Indicator> = indicators.collect();
        let n = counties.len();
        let county_at: HashMap<&str, usize> = counties
            .iter()
            .enumerate()
            .map(|(k, c)| (c.code.as_str(), k))
            .collect();
        let indicator_at: HashMap<&str, (usize, kaohe_core::score::Rule)> = indicators
            .iter()
            .enumerate()
            .map(|(k, i)| (i.id.as_str(), (k, i.rule)))
            .collect();
        let at = |code: &str, id: &str| -> Option<(usize, kaohe_core::score::Rule)> {
            let (i, rule) = indicator_at.get(id)?;
            Some((i * n + county_at.get(code)?, *rule))
        };
        let mut facts = Facts::default();
        // Only the indicators whose rule reads a figure or evidence: a few of them, if any.
        let wanted: Vec<&str> = indicators
            .iter()
            .filter(|i| i.rule.reads_figure() || i.rule.is_bonus())
            .map(|i| i.id.as_str())
            .collect();
        // One pass over the submissions for all of them: `indicator_id` leads no index, so a
        // query per indicator would scan the whole table once each.
        if !wanted.is_empty() {
            let marks = vec!["?"; wanted.len()].join(", ");
            let mut stmt = self.conn.prepare(&format!(
                // A verified figure is a person's reading: a bare fraction under it is no doubt.
                "SELECT s.county_code, s.indicator_id, {FIGURE},
                        s.bare_fraction AND v.value_number IS NULL, COALESCE(s.evidence, '')
                 FROM submissions s
                 LEFT JOIN verified_figures v
                     ON v.county_code = s.county_code AND v.indicator_id = s.indicator_id
                 WHERE s.indicator_id IN ({marks})"
            ))?;
            let mut rows = stmt.query(rusqlite::params_from_iter(wanted.iter()))?;
            while let Some(r) = rows.next()? {
                let code: String = r.get(0)?;
                let id: String = r.get(1)?;
                let Some((k, rule)) = at(&code, &id) else {
                    continue;
                };
                let figure: Option<f64> = r.get(2)?;
                // A bare number ≤ 1 that may be a percentage is no figure to score by until
                // a person has said what it is.
                let bare: bool = r.get::<_, Option<bool>>(3)?.unwrap_or(false);
                if rule.reads_figure() && !bare {
                    facts.set_figure(k, figure);
                }
                let evidence: String = r.get(4)?;
                facts.set_evidence_named(k, kaohe_core::score::names_evidence(&evidence));
            }
        }
        for f in self.findings()? {
            if let Some((k, _)) = at(&f.county_code, &f.indicator_id) {
                facts.set_cases(k, f.cases);
                facts.set_void(k, f.void_reason.is_some());
            }
        }
        Ok(facts)
    }
}
