//! `kaohe lock` and `kaohe unlock`: sign-off (审定) of the whole assessment or one target by a
//! lead. While locked, every change it covers is refused; unlocking needs a reason, logged.

use super::context::Context;
use crate::stages::{Lock as Held, short_time};
use crate::store::{Acting, Store};
use crate::text::{check_words, clean};
use anyhow::{Result, anyhow};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct Lock {
    /// Sign off only this target (its id, e.g. 3) [default: the whole assessment]
    #[arg(long, value_name = "T")]
    pub target: Option<u32>,
    /// Why, or what was signed off (kept with the lock, and logged)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct Unlock {
    /// Lift the lock on this target (its id) [default: the lock on the whole assessment]
    #[arg(long, value_name = "T")]
    pub target: Option<u32>,
    /// Why the signed-off result must change (needed; logged)
    #[arg(long, value_name = "TEXT", required = true, allow_hyphen_values = true)]
    pub reason: String,
}

/// The reason as given, checked as a note is.
fn reason(given: &str) -> Result<String> {
    let reason = given.replace("\r\n", "\n").replace('\r', "\n");
    super::free_text::not_an_option("--reason", &reason)?;
    check_words("--reason", &reason, true)
        .map_err(|e| anyhow!("{e} (a reason may hold line breaks and tabs, nothing else)"))?;
    Ok(reason)
}

/// The database, which must exist: signing off a database nobody has marked makes none.
fn open(context: &Context) -> Result<Store> {
    if context.would_create()? {
        anyhow::bail!(
            "{} does not exist yet, so there is nothing to sign off",
            context.db.display()
        );
    }
    context.open_existing()
}

/// "target 3 加快养老服务业发展", or "the whole assessment".
fn scope(store: &Store, lock: &Held) -> Result<String> {
    let Some(id) = lock.target else {
        return Ok(lock.scope_en());
    };
    let title = store
        .catalog()?
        .targets
        .into_iter()
        .find(|t| t.id == id)
        .map(|t| t.title)
        .unwrap_or_default();
    Ok(format!("target {id} {}", clean(&title)))
}

impl Lock {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        let reason = reason(self.reason.as_deref().unwrap_or(""))?;
        let mut store = open(context)?;
        let by = Acting {
            uid: context.account.uid,
            who: context.writer(&store)?,
        };
        let lock = store.lock(self.target, &reason, &by)?;
        writeln!(
            out,
            "signed off (审定) {}: {} {}; every change to it is refused until a lead runs {}",
            scope(&store, &lock)?,
            clean(&lock.by),
            short_time(&lock.at),
            lock.unlock_command()
        )?;
        Ok(())
    }
}

impl Unlock {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        let reason = reason(&self.reason)?;
        let mut store = open(context)?;
        let by = Acting {
            uid: context.account.uid,
            who: context.writer(&store)?,
        };
        let lifted = store.unlock(self.target, &reason, &by)?;
        writeln!(
            out,
            "unlocked {} (signed off by {} {}); the reason is logged: {}",
            scope(&store, &lifted)?,
            clean(&lifted.by),
            short_time(&lifted.at),
            clean(&reason.replace('\n', " / "))
        )?;
        Ok(())
    }
}
