//! `kaohe counties`: the county-level units, as a list or JSON.

use super::context::Context;
use crate::formats::export::write_json_value;
use crate::text::clean;
use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct Counties {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

impl Counties {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        let counties = context.open_existing()?.counties()?;
        if self.json {
            write_json_value(&counties, out)?;
        } else {
            for c in counties {
                writeln!(out, "{}  {}", clean(&c.code), clean(&c.name))?;
            }
        }
        Ok(())
    }
}
