//! The targets a database holds: the assessment, its targets and indicators with their
//! scoring, and the counties — written once at creation, read back as kaohe-core's
//! [`Catalog`], and their scoring replaced by a targets file's when its targets are the same.

use crate::{Reviewer, Store, now};
use anyhow::{Context, Result, anyhow, bail};
use kaohe_core::catalog::Catalog;
use kaohe_core::lookup::Lookup;
use kaohe_core::model::{
    Assessment, Comparator, County, Indicator, IndicatorKind, Requirement, Shares, Target,
    TargetClass,
};
use kaohe_core::score::{Grades, Rule};
use rusqlite::{Transaction, params};

/// A scoring applied (`kaohe points FILE`): who, when, from which file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScoringEvent {
    #[serde(skip)]
    pub seq: i64,
    pub at: String,
    pub by: String,
    pub account: String,
    pub file: String,
    /// The review log's last event when it was applied: the logs' one order.
    #[serde(skip)]
    pub review_seq: i64,
}

/// Writes the catalog and the counties into a new database's empty tables (the scoring
/// apart: see [`write_scoring`]).
pub(crate) fn insert_catalog(
    tx: &Transaction<'_>,
    catalog: &Catalog,
    counties: &[County],
) -> Result<()> {
    let a = &catalog.assessment;
    tx.execute(
        "INSERT INTO assessment (id, year, title, issuer, number, issued_on, notice, addressees,
             preamble, method_title, method_number, created_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            a.year,
            a.title,
            a.issuer,
            a.number,
            a.date,
            a.notice,
            a.addressees,
            a.preamble,
            a.method_title,
            a.method_number,
            now()
        ],
    )?;
    for c in &catalog.classes {
        tx.execute(
            "INSERT INTO target_classes (class, name) VALUES (?1, ?2)",
            params![c.class, c.name],
        )?;
    }
    for (tpos, t) in catalog.targets.iter().enumerate() {
        tx.execute(
            "INSERT INTO targets (id, class, position, title, text) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![t.id, t.class, tpos as i64, t.title, t.text],
        )?;
        for (ipos, i) in t.indicators.iter().enumerate() {
            let r = i.requirement.as_ref();
            tx.execute(
                "INSERT INTO indicators (id, target_id, position, short, text, source, kind,
                     comparator, threshold, unit)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    i.id,
                    t.id,
                    ipos as i64,
                    i.short,
                    i.text,
                    i.source,
                    i.kind.as_str(),
                    r.map(|r| r.comparator.as_str()),
                    r.map(|r| r.threshold),
                    r.map(|r| r.unit.as_str()),
                ],
            )?;
        }
    }
    for (pos, c) in counties.iter().enumerate() {
        tx.execute(
            "INSERT INTO counties (code, name, position) VALUES (?1, ?2, ?3)",
            params![c.code, c.name, pos as i64],
        )?;
    }
    Ok(())
}

/// The scoring part of a catalog (schema 5), written over the defaults migration 5 gives;
/// with `rules` (a schema that keeps them), each indicator's rule shape, the bonus cap and
/// the grades too.
pub(crate) fn write_scoring(tx: &Transaction<'_>, catalog: &Catalog, rules: bool) -> Result<()> {
    let s = &catalog.shares;
    tx.execute(
        "UPDATE assessment SET share_met = ?1, share_partly_met = ?2, share_not_met = ?3",
        params![s.met, s.partly_met, s.not_met],
    )?;
    if rules {
        let grades = (!catalog.grades.is_empty()).then(|| catalog.grades.to_json());
        tx.execute(
            "UPDATE assessment SET bonus_cap = ?1, grades = ?2",
            params![catalog.bonus_cap, grades],
        )?;
        for i in catalog.indicators() {
            let rule = (i.rule != Rule::Verdict).then(|| i.rule.to_json());
            tx.execute(
                "UPDATE indicators SET rule = ?2 WHERE id = ?1",
                params![i.id, rule],
            )?;
        }
    }
    for c in &catalog.classes {
        tx.execute(
            "UPDATE target_classes SET weight = ?2 WHERE class = ?1",
            params![c.class, c.weight],
        )?;
    }
    for t in &catalog.targets {
        tx.execute(
            "UPDATE targets SET points = ?2 WHERE id = ?1",
            params![t.id, t.points],
        )?;
        for i in &t.indicators {
            tx.execute(
                "UPDATE indicators SET points = ?2, partly = ?3, veto = ?4, deduct = ?5
                 WHERE id = ?1",
                params![
                    i.id,
                    i.points,
                    i.requirement.as_ref().and_then(|r| r.partly),
                    i.veto,
                    i.deduct
                ],
            )?;
        }
    }
    Ok(())
}

impl Store {
    /// What each verdict earns of an indicator's points.
    fn shares(&self) -> Result<Shares> {
        Ok(self.conn.query_row(
            "SELECT share_met, share_partly_met, share_not_met FROM assessment WHERE id = 1",
            [],
            |r| {
                Ok(Shares {
                    met: r.get(0)?,
                    partly_met: r.get(1)?,
                    not_met: r.get(2)?,
                })
            },
        )?)
    }

    /// The most all bonus items add together, and the grades.
    fn bonus_cap_and_grades(&self) -> Result<(Option<f64>, Grades)> {
        let (cap, grades): (Option<f64>, Option<String>) = self.conn.query_row(
            "SELECT bonus_cap, grades FROM assessment WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let grades = match grades {
            Some(json) => Grades::from_json(&json).map_err(|e| anyhow!("{e}"))?,
            None => Grades::default(),
        };
        Ok((cap, grades))
    }

    /// The document the targets come from.
    pub fn assessment(&self) -> Result<Assessment> {
        Ok(self.conn.query_row(
            "SELECT year, title, issuer, number, issued_on, notice, addressees, preamble,
                    method_title, method_number FROM assessment WHERE id = 1",
            [],
            |r| {
                Ok(Assessment {
                    year: r.get(0)?,
                    title: r.get(1)?,
                    issuer: r.get(2)?,
                    number: r.get(3)?,
                    date: r.get(4)?,
                    notice: r.get(5)?,
                    addressees: r.get(6)?,
                    preamble: r.get(7)?,
                    method_title: r.get(8)?,
                    method_number: r.get(9)?,
                })
            },
        )?)
    }

    /// The assessment and its targets and indicators, in document order.
    pub fn catalog(&self) -> Result<Catalog> {
        let assessment = self.assessment()?;
        let classes = self
            .conn
            .prepare("SELECT class, name, weight FROM target_classes ORDER BY class")?
            .query_map([], |r| {
                Ok(TargetClass {
                    class: r.get(0)?,
                    name: r.get(1)?,
                    weight: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut targets = self
            .conn
            .prepare(
                "SELECT t.id, t.class, t.title, t.text, t.points, o.division FROM targets t
                 LEFT JOIN owners o ON o.scope = 'target' AND o.key = CAST(t.id AS TEXT)
                 ORDER BY t.position",
            )?
            .query_map([], |r| {
                Ok(Target {
                    id: r.get(0)?,
                    class: r.get(1)?,
                    title: r.get(2)?,
                    text: r.get(3)?,
                    points: r.get(4)?,
                    indicators: Vec::new(),
                    division: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT i.target_id, i.id, i.short, i.text, i.source, i.kind, i.comparator,
                    i.threshold, i.unit, COALESCE(i.points, 0), i.partly, i.veto, i.deduct,
                    o.division, i.rule
             FROM indicators i
             LEFT JOIN owners o ON o.scope = 'indicator' AND o.key = i.id
             ORDER BY i.target_id, i.position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let target_id: u32 = r.get(0)?;
            let id: String = r.get(1)?;
            let kind: String = r.get(5)?;
            let kind: IndicatorKind = kind
                .parse()
                .map_err(|e: String| anyhow!("indicator {id}: {e}"))?;
            let comparator: Option<String> = r.get(6)?;
            let requirement = match comparator {
                Some(c) => Some(Requirement {
                    comparator: c
                        .parse::<Comparator>()
                        .map_err(|e| anyhow!("indicator {id}: {e}"))?,
                    threshold: r.get(7)?,
                    unit: r.get(8)?,
                    partly: r.get(10)?,
                }),
                None => None,
            };
            let rule = match r.get::<_, Option<String>>(14)? {
                Some(json) => Rule::from_json(&json).map_err(|e| anyhow!("indicator {id}: {e}"))?,
                None => Rule::Verdict,
            };
            let indicator = Indicator {
                id,
                short: r.get(2)?,
                text: r.get(3)?,
                source: r.get(4)?,
                kind,
                requirement,
                points: r.get(9)?,
                veto: r.get(11)?,
                deduct: r.get(12)?,
                division: r.get(13)?,
                rule,
            };
            if let Some(t) = targets.iter_mut().find(|t| t.id == target_id) {
                t.indicators.push(indicator);
            }
        }
        let (bonus_cap, grades) = self.bonus_cap_and_grades()?;
        Ok(Catalog {
            assessment,
            classes,
            targets,
            shares: self.shares()?,
            bonus_cap,
            grades,
        })
    }

    /// The counties in their customary order.
    pub fn counties(&self) -> Result<Vec<County>> {
        Ok(self
            .conn
            .prepare("SELECT code, name FROM counties ORDER BY position")?
            .query_map([], |r| {
                Ok(County {
                    code: r.get(0)?,
                    name: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// What an import resolves names against.
    pub fn lookup(&self) -> Result<Lookup> {
        Ok(Lookup::from_parts(&self.catalog()?, &self.counties()?))
    }

    /// Refuses a targets file whose targets or indicators are not the ones this database
    /// holds (apart from their scoring), naming the first difference.
    pub fn check_same_targets(&self, catalog: &Catalog, shown: &str) -> Result<()> {
        let held = self.catalog()?;
        let ids = |c: &Catalog| c.indicators().map(|i| i.id.clone()).collect::<Vec<_>>();
        let (theirs, mine) = (ids(catalog), ids(&held));
        if theirs != mine {
            // Name the first indicator one has and the other has not.
            let differs = theirs
                .iter()
                .find(|id| !mine.contains(id))
                .map(|id| format!("indicator {id} is not in {}", self.path.display()))
                .or_else(|| {
                    mine.iter()
                        .find(|id| !theirs.contains(id))
                        .map(|id| format!("the file has no indicator {id}"))
                })
                .unwrap_or_else(|| "its indicators are in another order".to_string());
            bail!(
                "{shown} has other indicators than {} ({} there, {} here; {differs}): its points cannot be applied to these targets",
                self.path.display(),
                theirs.len(),
                mine.len()
            );
        }
        let words = |i: &Indicator| {
            (
                i.short.clone(),
                i.text.clone(),
                i.kind,
                i.requirement
                    .as_ref()
                    .map(|r| (r.comparator, r.threshold.to_bits(), r.unit.clone())),
            )
        };
        for (mine, theirs) in held.indicators().zip(catalog.indicators()) {
            if words(mine) != words(theirs) {
                bail!(
                    "{shown}: indicator {} is not the one {} holds (its words or requirement differ): its points cannot be applied to these targets",
                    theirs.id,
                    self.path.display()
                );
            }
        }
        for (mine, theirs) in held.targets.iter().zip(&catalog.targets) {
            if (mine.class, &mine.title) != (theirs.class, &theirs.title) {
                bail!(
                    "{shown}: target {} is not the one {} holds: its points cannot be applied to these targets",
                    theirs.id,
                    self.path.display()
                );
            }
        }
        Ok(())
    }

    /// Writes a catalog's scoring (weights, points, bands, deductions, 一票否决, shares, rule
    /// shapes, the bonus cap, grades) over the database's, in one transaction, logged as
    /// `who`'s from `file` (open workspaces watch that log and score again). Call
    /// [`Store::check_same_targets`] first.
    pub fn apply_scoring(&mut self, catalog: &Catalog, who: &Reviewer, file: &str) -> Result<()> {
        let tx = self.write()?;
        // Points change every county's score: refused while anything is signed off.
        crate::locks::refuse_locked(&tx, crate::locks::Covered::Anything)?;
        write_scoring(&tx, catalog, true)?;
        tx.execute(
            "INSERT INTO scoring_log (at, by_name, account, file, review_seq)
             VALUES (?1, ?2, ?3, ?4, (SELECT COALESCE(MAX(seq), 0) FROM review_log))",
            params![now(), who.name, who.account, file],
        )?;
        tx.commit()
            .with_context(|| format!("cannot save the points into {}", self.path.display()))?;
        Ok(())
    }

    /// The scorings applied after event `after`, oldest first.
    pub fn scoring_log_after(&self, after: i64) -> Result<Vec<ScoringEvent>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, by_name, account, file, review_seq FROM scoring_log
             WHERE seq > ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([after], |r| {
            Ok(ScoringEvent {
                seq: r.get(0)?,
                at: r.get(1)?,
                by: r.get(2)?,
                account: r.get(3)?,
                file: r.get(4)?,
                review_seq: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The number of the last scoring applied (0: none since the database was made): what
    /// an open workspace compares to know the scoring changed.
    pub fn last_scoring_change(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM scoring_log", [], |r| {
                r.get(0)
            })?)
    }
}
