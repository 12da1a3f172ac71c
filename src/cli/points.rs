//! `kaohe points FILE`: the scoring of a targets file (points, rule shapes, grades) applied to
//! the database, the targets themselves checked to be the same; with `--dry-run`, or after
//! applying, every county's score, rank and grade before → after.

use super::context::Context;
use crate::catalog::{self, Catalog};
use crate::model::format_number;
use crate::report::{CountyStatus, Status};
use crate::score::{Scorer, round2};
use crate::source::limits::{Limits, Size};
use crate::store::Store;
use crate::text::{clean, pad, width};
use anyhow::{Result, bail};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Points {
    /// The targets file (TOML, as `init --targets` takes; see data/README.md 一.6)
    pub file: PathBuf,
    /// Check the file and show every county's score, rank and grade before → after, writing
    /// nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The most kaohe reads from the targets file, such as 64MiB [default: 4MiB]
    #[arg(long, value_name = "SIZE")]
    pub limit: Option<Size>,
}

impl Points {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        let file = &self.file;
        let shown = clean(&file.display().to_string());
        let catalog = catalog::load_targets_within(file, &Limits::with(self.limit))?;
        if context.would_create()? {
            bail!(
                "{} does not exist yet: `kaohe init --targets {}` makes it with these points",
                context.db.display(),
                file.display()
            );
        }
        let mut store = context.open()?;
        let was = Scorer::new(&store.catalog()?).max_score();
        let now = Scorer::new(&catalog).max_score();
        store.check_same_targets(&catalog, &file.display().to_string())?;
        let before = store.status()?;
        let after = store.status_with(&catalog)?;
        let most = |x: f64| format_number(round2(x));
        if self.dry_run {
            writeln!(
                out,
                "{shown} is fine: the most a county can earn would be {} (now {}); nothing was written (--dry-run)",
                most(now),
                most(was)
            )?;
        } else {
            // Points change every county's score: only a reviewer who may mark applies them.
            let who = context.writer(&store)?;
            store.apply_scoring(&catalog, &who, &file.display().to_string())?;
            writeln!(
                out,
                "applied the points of {shown}: the most a county can earn is {} (was {}); `kaohe status` shows the scores and ranks",
                most(now),
                most(was)
            )?;
        }
        writeln!(out)?;
        write_table(&before, &after, out)?;
        write_unused_cases(&store, &catalog, out)?;
        Ok(())
    }
}

/// Every county's score, rank and grade (where there are grades) before → after, by the rank
/// after, in columns measured as a terminal shows them.
fn write_table(before: &Status, after: &Status, out: &mut dyn Write) -> Result<()> {
    let graded = before
        .counties
        .iter()
        .chain(&after.counties)
        .any(|c| c.grade.is_some());
    let mut rows: Vec<(&CountyStatus, &CountyStatus)> =
        before.counties.iter().zip(&after.counties).collect();
    rows.sort_by_key(|(_, a)| a.rank);
    let score = |c: &CountyStatus| {
        let mut s = format_number(c.score);
        if !c.vetoed_by.is_empty() {
            s.push_str("（否决）");
        }
        s
    };
    let grade = |c: &CountyStatus| c.grade.clone().unwrap_or_else(|| "—".to_string());
    let mut table: Vec<Vec<String>> = vec![{
        let mut head = vec![
            "县(市、区)".to_string(),
            "得分 前 → 后".to_string(),
            "增减".to_string(),
            "名次 前 → 后".to_string(),
        ];
        if graded {
            head.push("等次 前 → 后".to_string());
        }
        head
    }];
    for (b, a) in rows {
        let delta = round2(a.score - b.score);
        let delta = if delta > 0.0 {
            format!("+{}", format_number(delta))
        } else if delta < 0.0 {
            format!("−{}", format_number(-delta))
        } else {
            "0".to_string()
        };
        let mut row = vec![
            clean(&a.name),
            format!("{} → {}", score(b), score(a)),
            delta,
            format!("{} → {}", b.rank, a.rank),
        ];
        if graded {
            row.push(clean(&format!("{} → {}", grade(b), grade(a))));
        }
        table.push(row);
    }
    let columns = table.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|k| table.iter().map(|r| width(&r[k])).max().unwrap_or(0))
        .collect();
    for row in &table {
        let mut line = String::new();
        for (k, cell) in row.iter().enumerate() {
            if k + 1 == columns {
                line.push_str(cell);
            } else {
                line.push_str(&pad(cell, widths[k] + 2));
            }
        }
        writeln!(out, "  {}", line.trim_end())?;
    }
    Ok(())
}

/// Counts entered on indicators whose rule (in `catalog`) counts no cases: kept, and said,
/// since they now count for nothing.
fn write_unused_cases(store: &Store, catalog: &Catalog, out: &mut dyn Write) -> Result<()> {
    let unused: Vec<String> = store
        .findings()?
        .into_iter()
        .filter(|f| {
            f.cases.is_some()
                && catalog
                    .indicator(&f.indicator_id)
                    .is_some_and(|i| !i.rule.counts_cases())
        })
        .map(|f| format!("{} × {}", f.county_code, f.indicator_id))
        .collect();
    if !unused.is_empty() {
        writeln!(
            out,
            "\nnote: {} counted case(s) are on indicators whose rule counts none, so they count for nothing (kept): {}",
            unused.len(),
            clean(&unused.join(", "))
        )?;
    }
    Ok(())
}
