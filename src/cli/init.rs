//! `kaohe init`: a new database with the targets and counties, the embedded 2014 set unless
//! files are given.

use super::context::Context;
use super::paths;
use crate::catalog::{self, Catalog};
use crate::source::limits::{Limits, Size};
use crate::store::Store;
use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Init {
    /// A targets file (TOML; see data/README.md) instead of the embedded 2014 targets
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    /// A counties file (CSV `code,name`) instead of the embedded Quzhou counties
    #[arg(long, value_name = "FILE")]
    pub counties: Option<PathBuf>,
    /// The most kaohe reads from --targets or --counties, such as 64MiB [default: 4MiB]
    #[arg(long, value_name = "SIZE")]
    pub limit: Option<Size>,
}

impl Init {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        let limits = Limits::with(self.limit);
        let catalog = match &self.targets {
            Some(path) => catalog::load_targets_within(path, &limits)?,
            None => Catalog::embedded_2014()?,
        };
        let counties = match &self.counties {
            Some(path) => catalog::load_counties_within(path, &limits)?,
            None => catalog::embedded_counties()?,
        };
        paths::prepare_default_dir(&context.db)?;
        let made = format!(
            "{} targets, {} indicators, {} counties",
            catalog.targets.len(),
            catalog.indicators().count(),
            counties.len()
        );
        // The demo submissions are read only once the database is known to be free to make,
        // as they always were: what is wrong with the place is said first.
        let seed = move || context.seed(catalog, counties);
        let store = Store::create_from(&context.db, seed, &context.reviewer).map_err(|e| {
            if context.demo && (self.targets.is_some() || self.counties.is_some()) {
                e.context(
                    "the demo submissions are for the embedded 2014 targets and Quzhou counties",
                )
            } else {
                e
            }
        })?;
        let status = store.status()?;
        writeln!(
            out,
            "created {}: {made}, {} submissions",
            context.db.display(),
            status.progress.submitted
        )?;
        Ok(())
    }
}
