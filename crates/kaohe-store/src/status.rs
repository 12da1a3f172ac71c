//! `status`: the verdicts and the submitted counts read out of the database, counted by
//! kaohe-core's [`Report`] into progress, scores and ranks.

use crate::Store;
use crate::items::verdict_at;
use anyhow::Result;
use kaohe_core::catalog::Catalog;
use kaohe_core::model::Verdict;
use kaohe_core::report::{Report, Status, Submitted, Verdicts};
use kaohe_core::score::Scorer;

impl Store {
    /// Progress overall, per county and per target, with each county's score and rank.
    ///
    /// Counted in one pass over the reviews (and the submissions counted per county and per
    /// target in SQL): a cross join of every county with every indicator is 361,188 rows at
    /// national scale, and grouping it three times took seconds.
    pub fn status(&self) -> Result<Status> {
        self.status_with(&self.catalog()?)
    }

    /// The status as `catalog`'s scoring would make it (its targets and indicators the ones
    /// the database holds): what `kaohe points --dry-run` compares with [`Store::status`].
    pub fn status_with(&self, catalog: &Catalog) -> Result<Status> {
        let catalog = catalog.clone();
        let counties = self.counties()?;
        // Indicators numbered as the scorer numbers them (document order), with their target.
        let scorer = Scorer::new(&catalog);
        let indicator_at: std::collections::HashMap<&str, (usize, usize)> = catalog
            .indicators()
            .enumerate()
            .map(|(k, i)| (i.id.as_str(), (k, scorer.target_of(k))))
            .collect();
        let county_at: std::collections::HashMap<&str, usize> = counties
            .iter()
            .enumerate()
            .map(|(k, c)| (c.code.as_str(), k))
            .collect();
        let n = counties.len();

        let mut submitted = Submitted {
            by_county: vec![0; n],
            by_target: vec![0; catalog.targets.len()],
        };
        // Counted in SQL: a row per submission is 361,188 rows at national scale.
        let mut stmt = self
            .conn
            .prepare("SELECT county_code, COUNT(*) FROM submissions GROUP BY county_code")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let code: String = r.get(0)?;
            if let Some(&c) = county_at.get(code.as_str()) {
                submitted.by_county[c] = r.get(1)?;
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT i.target_id, COUNT(*) FROM submissions s JOIN indicators i ON i.id = s.indicator_id
             GROUP BY i.target_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: u32 = r.get(0)?;
            if let Some(t) = catalog.targets.iter().position(|t| t.id == id) {
                submitted.by_target[t] = r.get(1)?;
            }
        }

        let at = |code: &str, id: &str| -> Option<usize> {
            Some(indicator_at.get(id)?.0 * n + county_at.get(code)?)
        };
        let stale: std::collections::HashSet<usize> = self
            .changed_since_review()?
            .iter()
            .filter_map(|(code, id)| at(code, id))
            .collect();
        let mut verdicts: Vec<Option<Verdict>> = vec![None; indicator_at.len() * n];
        let mut stmt = self.conn.prepare(
            "SELECT county_code, indicator_id, verdict FROM reviews WHERE verdict IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (code, id): (String, String) = (r.get(0)?, r.get(1)?);
            if let Some(k) = at(&code, &id) {
                verdicts[k] = verdict_at(r, 2)?;
            }
        }

        // The verdict that counts: the second review's, where one was given on the first
        // verdict as it stands.
        let mut stmt = self.conn.prepare(
            "SELECT sr.county_code, sr.indicator_id, sr.verdict FROM second_reviews sr
             JOIN reviews r ON r.county_code = sr.county_code
                 AND r.indicator_id = sr.indicator_id AND r.verdict = sr.first_verdict",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (code, id): (String, String) = (r.get(0)?, r.get(1)?);
            if let Some(k) = at(&code, &id) {
                verdicts[k] = verdict_at(r, 2)?;
            }
        }

        let of = Verdicts {
            counties: n,
            of: &verdicts,
        };
        let facts = self.score_facts(catalog.indicators(), &counties)?;
        let mut report = Report::count(&scorer, of, &facts, |k| stale.contains(&k));
        // The counties' own assessments, where any was given (read through a partial index).
        let mut own: Vec<Option<Verdict>> = Vec::new();
        for (code, id, v) in self.self_verdicts()? {
            if let Some(k) = at(&code, &id) {
                if own.is_empty() {
                    own = vec![None; verdicts.len()];
                }
                own[k] = Some(v);
            }
        }
        report.count_self(&scorer, of, &own);
        Ok(Status::new(&catalog, &scorer, counties, report, &submitted))
    }
}
