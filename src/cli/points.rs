//! `kaohe points FILE`: the scoring of a targets file applied to the database, the targets
//! themselves checked to be the same.

use super::context::Context;
use crate::catalog;
use crate::model::format_number;
use crate::score::{Scorer, round2};
use crate::source::limits::{Limits, Size};
use crate::text::clean;
use anyhow::{Result, bail};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Points {
    /// The targets file (TOML, as `init --targets` takes; see data/README.md 一.6)
    pub file: PathBuf,
    /// Check the file and say what the most a county can earn would be, writing nothing
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
        let most = |x: f64| format_number(round2(x));
        if self.dry_run {
            writeln!(
                out,
                "{shown} is fine: the most a county can earn would be {} (now {}); nothing was written (--dry-run)",
                most(now),
                most(was)
            )?;
            return Ok(());
        }
        // Points change every county's score: only a reviewer who may mark applies them.
        context.writer(&store)?;
        store.apply_scoring(&catalog)?;
        writeln!(
            out,
            "applied the points of {shown}: the most a county can earn is {} (was {}); `kaohe status` shows the scores and ranks",
            most(now),
            most(was)
        )?;
        Ok(())
    }
}
