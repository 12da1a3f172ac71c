//! A reviewer's findings on an item, which rule shapes read (issue 17): the cases counted (a
//! deduction or a bonus per case), and a void (不计分: 弄虚作假 found) with its reason. Written
//! one at a time, refused where a lock covers the item or where the indicator's rule counts no
//! cases, and logged, append-only.

use crate::items::read_item;
use crate::locks::{Covered, refuse_locked};
use crate::{Reviewer, Store, now};
use anyhow::{Context, Result, anyhow};
use kaohe_core::item::Item;
use kaohe_core::score::Rule;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// One finding to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingWrite {
    /// The cases counted (`None` takes the count away).
    Cases(Option<u32>),
    /// The item voided (不计分), with the reason.
    Void(String),
    /// The void taken away.
    Unvoid,
}

/// What a [`FindingWrite`] did: the count and the void before and after, whether anything
/// changed, and the item as it now stands.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingChange {
    pub from_cases: Option<u32>,
    pub to_cases: Option<u32>,
    pub from_void: Option<String>,
    pub to_void: Option<String>,
    pub written: bool,
    pub item: Item,
}

/// The findings' refusals.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindingError {
    #[error(
        "indicator {indicator} counts no cases (its rule is {shape}): a count would change nothing; the rules that count cases are per_case and bonus with each (data/README.md 一.6)"
    )]
    CountsNoCases {
        indicator: String,
        shape: &'static str,
    },
    #[error("不计分 needs its reason (e.g. 弄虚作假：台账与抽查不符)")]
    ReasonNeeded,
}

/// The findings held on one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldFinding {
    pub county_code: String,
    pub indicator_id: String,
    pub cases: Option<u32>,
    pub void_reason: Option<String>,
}

/// One event of the findings' log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingEvent {
    #[serde(skip)]
    pub seq: i64,
    pub at: String,
    pub by: String,
    pub account: String,
    pub county_code: String,
    pub indicator: String,
    /// `cases`, `void` or `unvoid`.
    pub action: String,
    pub from_cases: Option<u32>,
    pub to_cases: Option<u32>,
    /// The void's reason (a `void`), or the reason it had (an `unvoid`).
    pub reason: String,
    /// The review log's last event when this was written: the logs' one order.
    #[serde(skip)]
    pub review_seq: i64,
}

impl Store {
    /// Writes one finding on `county_code` × `indicator_id` in its own transaction, logged as
    /// `who`'s. The same finding again writes nothing (`written` is false).
    pub fn write_finding(
        &mut self,
        county_code: &str,
        indicator_id: &str,
        write: &FindingWrite,
        who: &Reviewer,
    ) -> Result<FindingChange> {
        let path = self.path.display().to_string();
        let tx = self.write()?;
        refuse_locked(&tx, Covered::Indicator(indicator_id))?;
        // Read first: an item that does not exist is named as such.
        read_item(&tx, county_code, indicator_id)?;
        let held: Option<(Option<u32>, Option<String>)> = tx
            .query_row(
                "SELECT cases, void_reason FROM findings
                 WHERE county_code = ?1 AND indicator_id = ?2",
                params![county_code, indicator_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (from_cases, from_void) = held.unwrap_or_default();
        let (mut to_cases, mut to_void) = (from_cases, from_void.clone());
        match write {
            FindingWrite::Cases(n) => {
                let rule: Option<String> = tx.query_row(
                    "SELECT rule FROM indicators WHERE id = ?1",
                    [indicator_id],
                    |r| r.get(0),
                )?;
                let rule = match rule {
                    Some(json) => Rule::from_json(&json).map_err(|e| anyhow!("{e}"))?,
                    None => Rule::Verdict,
                };
                // Taking a count away is always allowed: the rule may have changed since.
                if n.is_some() && !rule.counts_cases() {
                    return Err(FindingError::CountsNoCases {
                        indicator: indicator_id.to_string(),
                        shape: rule.shape(),
                    }
                    .into());
                }
                to_cases = *n;
            }
            FindingWrite::Void(reason) => {
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(FindingError::ReasonNeeded.into());
                }
                to_void = Some(reason.to_string());
            }
            FindingWrite::Unvoid => to_void = None,
        }
        let written = (to_cases, &to_void) != (from_cases, &from_void);
        if written {
            let at = now();
            if to_cases.is_none() && to_void.is_none() {
                tx.execute(
                    "DELETE FROM findings WHERE county_code = ?1 AND indicator_id = ?2",
                    params![county_code, indicator_id],
                )?;
            } else {
                tx.execute(
                    "INSERT INTO findings (county_code, indicator_id, cases, void_reason,
                         by_name, account, at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (county_code, indicator_id) DO UPDATE SET
                         cases = excluded.cases, void_reason = excluded.void_reason,
                         by_name = excluded.by_name, account = excluded.account,
                         at = excluded.at",
                    params![
                        county_code,
                        indicator_id,
                        to_cases,
                        to_void,
                        who.name,
                        who.account,
                        at
                    ],
                )?;
            }
            let (action, reason) = match write {
                FindingWrite::Cases(_) => ("cases", String::new()),
                FindingWrite::Void(_) => ("void", to_void.clone().unwrap_or_default()),
                FindingWrite::Unvoid => ("unvoid", from_void.clone().unwrap_or_default()),
            };
            tx.execute(
                "INSERT INTO finding_log (at, by_name, account, county_code, indicator_id,
                     action, from_cases, to_cases, reason, review_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,
                     (SELECT COALESCE(MAX(seq), 0) FROM review_log))",
                params![
                    at,
                    who.name,
                    who.account,
                    county_code,
                    indicator_id,
                    action,
                    from_cases,
                    to_cases,
                    reason
                ],
            )?;
        }
        let item = read_item(&tx, county_code, indicator_id)?;
        tx.commit()
            .with_context(|| format!("cannot save the finding into {path}"))?;
        Ok(FindingChange {
            from_cases,
            to_cases,
            from_void,
            to_void,
            written,
            item,
        })
    }

    /// Every finding held.
    pub fn findings(&self) -> Result<Vec<HeldFinding>> {
        let mut stmt = self
            .conn
            .prepare("SELECT county_code, indicator_id, cases, void_reason FROM findings")?;
        let rows = stmt.query_map([], |r| {
            Ok(HeldFinding {
                county_code: r.get(0)?,
                indicator_id: r.get(1)?,
                cases: r.get(2)?,
                void_reason: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The findings' log after event `after`, oldest first.
    pub fn finding_log_after(&self, after: i64) -> Result<Vec<FindingEvent>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, by_name, account, county_code, indicator_id, action, from_cases,
                    to_cases, reason, review_seq
             FROM finding_log WHERE seq > ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([after], |r| {
            Ok(FindingEvent {
                seq: r.get(0)?,
                at: r.get(1)?,
                by: r.get(2)?,
                account: r.get(3)?,
                county_code: r.get(4)?,
                indicator: r.get(5)?,
                action: r.get(6)?,
                from_cases: r.get(7)?,
                to_cases: r.get(8)?,
                reason: r.get(9)?,
                review_seq: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The number of the findings' last event (0 when none).
    pub fn last_finding_event(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM finding_log", [], |r| {
                r.get(0)
            })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Locked;
    use crate::test_support::{Reviews, lead, new_store, row, rules_store, who};
    use kaohe_core::model::Verdict;

    #[test]
    fn cases_and_a_void_are_kept_logged_and_read_with_the_item() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = rules_store(&dir);
        let c = store
            .write_finding("330803", "1.3", &FindingWrite::Cases(Some(3)), &who())
            .unwrap();
        assert!(c.written);
        assert_eq!((c.from_cases, c.to_cases), (None, Some(3)));
        assert_eq!(c.item.cases, Some(3));
        // The same again writes nothing.
        let again = store
            .write_finding("330803", "1.3", &FindingWrite::Cases(Some(3)), &who())
            .unwrap();
        assert!(!again.written);
        let v = store
            .write_finding(
                "330803",
                "1.3",
                &FindingWrite::Void(" 弄虚作假：台账与抽查不符 ".into()),
                &who(),
            )
            .unwrap();
        assert_eq!(
            v.item.void_reason.as_deref(),
            Some("弄虚作假：台账与抽查不符")
        );
        assert_eq!(v.item.cases, Some(3), "the count stays");
        store
            .write_finding("330803", "1.3", &FindingWrite::Unvoid, &who())
            .unwrap();
        store
            .write_finding("330803", "1.3", &FindingWrite::Cases(None), &who())
            .unwrap();
        assert!(store.findings().unwrap().is_empty(), "nothing held: no row");
        let log = store.finding_log_after(0).unwrap();
        let actions: Vec<(&str, Option<u32>, Option<u32>, &str)> = log
            .iter()
            .map(|e| {
                (
                    e.action.as_str(),
                    e.from_cases,
                    e.to_cases,
                    e.reason.as_str(),
                )
            })
            .collect();
        assert_eq!(
            actions,
            [
                ("cases", None, Some(3), ""),
                ("void", Some(3), Some(3), "弄虚作假：台账与抽查不符"),
                ("unvoid", Some(3), Some(3), "弄虚作假：台账与抽查不符"),
                ("cases", Some(3), None, ""),
            ]
        );
        assert_eq!(store.last_finding_event().unwrap(), log[3].seq);
        assert!(
            store.conn.execute("DELETE FROM finding_log", []).is_err(),
            "append-only"
        );
    }

    #[test]
    fn what_a_rule_cannot_use_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = rules_store(&dir);
        let e = store
            .write_finding("330802", "1.1", &FindingWrite::Cases(Some(1)), &who())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "indicator 1.1 counts no cases (its rule is shortfall): a count would change nothing; the rules that count cases are per_case and bonus with each (data/README.md 一.6)"
        );
        let e = store
            .write_finding("330802", "1.1", &FindingWrite::Void("  ".into()), &who())
            .unwrap_err();
        assert!(e.is::<FindingError>(), "{e}");
        let e = store
            .write_finding("330899", "1.1", &FindingWrite::Unvoid, &who())
            .unwrap_err();
        assert!(e.to_string().contains("no item 330899 × 1.1"), "{e}");
        assert_eq!(store.last_finding_event().unwrap(), 0);
    }

    #[test]
    fn a_lock_refuses_a_finding() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store.lock(Some(1), "", &lead()).unwrap();
        let e = store
            .write_finding(
                "330802",
                "1.1",
                &FindingWrite::Void("弄虚作假".into()),
                &who(),
            )
            .unwrap_err();
        assert!(e.is::<Locked>(), "{e}");
        // And the triggers, whatever path a write takes.
        let e = store
            .conn
            .execute(
                "INSERT INTO findings VALUES ('330802', '1.1', NULL, 'x', 'x', 'x', 'now')",
                [],
            )
            .unwrap_err();
        assert!(e.to_string().contains("已审定"), "{e}");
    }

    #[test]
    fn the_scores_read_the_figures_evidence_and_findings() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = rules_store(&dir);
        let rows = [
            row("330802", "1.1", "99%", ""),
            row("330803", "1.1", "97%", ""),
            row("330802", "1.2", "100%", ""),
            row("330802", "3.1", "获省级表彰2项", "表彰文件.pdf"),
            row("330803", "3.1", "获省级表彰2项", ""),
        ];
        store.import_submissions(&rows, "s.csv", &who()).unwrap();
        for (county, indicator) in [
            ("330802", "1.1"),
            ("330803", "1.1"),
            ("330802", "1.2"),
            ("330802", "3.1"),
            ("330803", "3.1"),
        ] {
            store
                .review(county, indicator, Some(Some(Verdict::Met)), None, &who())
                .unwrap();
        }
        for county in ["330802", "330803"] {
            store
                .write_finding(county, "3.1", &FindingWrite::Cases(Some(2)), &who())
                .unwrap();
        }
        store
            .write_finding(
                "330802",
                "1.2",
                &FindingWrite::Void("弄虚作假".into()),
                &who(),
            )
            .unwrap();
        let status = store.status().unwrap();
        let (a, b) = (&status.counties[0], &status.counties[1]);
        // 柯城区: 1.1 at 99% all 2; 1.2 voided; 3.1 two cases with evidence: 2.
        assert_eq!((a.score, a.bonus), (4.0, 2.0));
        assert_eq!(a.voided, ["1.2"]);
        // 衢江区: 1.1 at 97% 1.5; 3.1 without evidence: nothing.
        assert_eq!((b.score, b.bonus), (1.5, 0.0));
        assert_eq!(b.bonus_unproven, ["3.1"]);
        assert_eq!(status.points.of("330802", "1.2"), Some(0.0));
        assert_eq!(status.points.of("330803", "1.1"), Some(1.5));
        assert_eq!(status.points.of("330803", "1.2"), None, "not reviewed");
        assert_eq!(a.grade.as_deref(), Some("一般"));
    }

    #[test]
    fn a_bare_fraction_is_no_figure_to_score_by() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = rules_store(&dir);
        let mut r = row("330802", "1.1", "0.99", "");
        r.submission.bare_fraction = true;
        store.import_submissions(&[r], "s.xlsx", &who()).unwrap();
        store
            .review("330802", "1.1", Some(Some(Verdict::Met)), None, &who())
            .unwrap();
        let status = store.status().unwrap();
        assert_eq!(status.counties[0].score, 0.0);
        assert_eq!(status.counties[0].without_figure, ["1.1"]);
    }

    #[test]
    fn rules_and_grades_are_kept_and_applied_anew() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = rules_store(&dir);
        let file =
            kaohe_core::catalog::parse_targets(crate::test_support::RULES, "rules.toml").unwrap();
        assert_eq!(
            store.catalog().unwrap(),
            file,
            "everything read back as given"
        );
        assert_eq!(store.last_scoring_change().unwrap(), 0);
        let changed = crate::test_support::RULES.replace(
            "rule = { shape = \"rank\", step = 0.5 }",
            "rule = { shape = \"rank\", step = 1 }",
        );
        let catalog = kaohe_core::catalog::parse_targets(&changed, "r2.toml").unwrap();
        store.check_same_targets(&catalog, "r2.toml").unwrap();
        store.apply_scoring(&catalog, &who(), "r2.toml").unwrap();
        assert_eq!(store.catalog().unwrap(), catalog);
        assert_eq!(store.last_scoring_change().unwrap(), 1);
        // Locked, the rule cannot change underneath either.
        store.lock(None, "", &lead()).unwrap();
        let e = store
            .conn
            .execute("UPDATE indicators SET rule = NULL", [])
            .unwrap_err();
        assert!(e.to_string().contains("已审定"), "{e}");
        let e = store
            .conn
            .execute("UPDATE assessment SET grades = NULL", [])
            .unwrap_err();
        assert!(e.to_string().contains("已审定"), "{e}");
    }
}
