//! `kaohe` without a subcommand: the review workspace on the database.

use super::context::Context;
use crate::tui::{self, Ended, Settings};
use anyhow::Result;

/// Opens the workspace in the terminal, with settings already checked. A missing database is
/// created first, as for any command. An account a registry does not hold browses only.
pub fn run(context: &Context, settings: Settings) -> Result<Ended> {
    tui::require_terminal()?;
    let store = context.open()?;
    let identity = context.identity(&store)?;
    let browse_only = !identity.may_write();
    tui::run(store, &identity.reviewer, settings, browse_only)
}
