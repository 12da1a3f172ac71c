//! `kaohe` without a subcommand: the review workspace on the database.

use super::context::Context;
use crate::tui::{self, Ended, Settings};
use anyhow::Result;

/// Opens the workspace in the terminal, with settings already checked. A missing database is
/// created first, as for any command.
pub fn run(context: &Context, settings: Settings) -> Result<Ended> {
    tui::require_terminal()?;
    let (store, created) = context.open_telling()?;
    let database = tui::OnDatabase {
        path: context.db_shown(),
        shared: context.is_shared(),
        created,
    };
    tui::run(store, &context.reviewer, settings, database)
}
