//! `kaohe` without a subcommand: the review workspace on the database.

use super::context::Context;
use super::identity::Standing;
use crate::tui::{self, Access, Ended, Settings};
use anyhow::Result;

/// Opens the workspace in the terminal, with settings already checked. A missing database is
/// created first, as for any command. An account a registry does not hold browses only.
pub fn run(context: &Context, settings: Settings) -> Result<Ended> {
    tui::require_terminal()?;
    let (store, created) = context.open_telling()?;
    let identity = context.identity(&store)?;
    let access = match &identity.standing {
        Standing::NoRegistry => Access::Open,
        Standing::Registered(entry) => Access::Registered(entry.uid),
        Standing::Unregistered(_) => Access::BrowseOnly,
    };
    let database = tui::OnDatabase {
        path: context.db_shown(),
        shared: context.is_shared(),
        created,
        recovery_dir: super::paths::data_dir().ok().map(|d| d.join("recovery")),
    };
    tui::run(store, &identity.reviewer, settings, access, database)
}
