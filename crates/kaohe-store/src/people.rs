//! Progress by person: the facts kaohe-core's [`People`] counts — every item with a first
//! verdict (its target, who gave it, the second review on it), the registry's people and the
//! locks — read out of the database.

use crate::Store;
use anyhow::Result;
use kaohe_core::stages::{Checked, Marked, OwnWork, People, Person, Targets};
use std::collections::{HashMap, HashSet};

impl Store {
    /// Progress by reviewer, division, target and stage (`status --by`, the summary screen,
    /// the exports).
    pub fn people(&self) -> Result<People> {
        let catalog = self.catalog()?;
        let counties = self.counties()?.len() as i64;
        let targets = Targets {
            ids: catalog.targets.iter().map(|t| t.id).collect(),
            titles: catalog.targets.iter().map(|t| t.title.clone()).collect(),
            items: catalog
                .targets
                .iter()
                .map(|t| t.indicators.len() as i64 * counties)
                .collect(),
        };
        let target_at: HashMap<u32, usize> = targets
            .ids
            .iter()
            .enumerate()
            .map(|(k, &id)| (id, k))
            .collect();
        // Every first verdict, with the second review given on it as it stands.
        let mut stmt = self.conn.prepare(
            "SELECT i.target_id, r.reviewer, sr.checker, sr.verdict = sr.first_verdict
             FROM reviews r
             JOIN indicators i ON i.id = r.indicator_id
             LEFT JOIN second_reviews sr ON sr.county_code = r.county_code
                 AND sr.indicator_id = r.indicator_id AND sr.first_verdict = r.verdict
             WHERE r.verdict IS NOT NULL",
        )?;
        let mut marked = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let target: u32 = r.get(0)?;
            let checker: Option<String> = r.get(2)?;
            let agreed: Option<bool> = r.get(3)?;
            marked.push(Marked {
                target: target_at.get(&target).copied().unwrap_or(usize::MAX),
                reviewer: r.get(1)?,
                check: checker.map(|checker| Checked {
                    checker,
                    agreed: agreed.unwrap_or(false),
                }),
            });
        }
        // The registry's people: the active, and the removed whose work is here (with their
        // division); without a registry, everyone is found on the work.
        let on_work: HashSet<&str> = marked
            .iter()
            .flat_map(|m| {
                std::iter::once(m.reviewer.as_str())
                    .chain(m.check.as_ref().map(|c| c.checker.as_str()))
            })
            .collect();
        let people: Vec<Person> = self
            .reviewers()?
            .into_iter()
            .filter(|e| e.active || on_work.contains(e.name.as_str()))
            .map(|e| Person {
                name: e.name,
                division: e.division,
                role: Some(e.role),
            })
            .collect();
        // Ownership (divisions owning targets, `kaohe assign`) fills this in: until then
        // nobody's own work is known, and what is left of it shows as "—".
        let own = OwnWork::default();
        Ok(People::count(
            &targets,
            &marked,
            &people,
            &self.locks()?,
            &own,
        ))
    }
}
