//! The workspace's settings (the settings files, the theme, the language) read and checked, and
//! `kaohe config`, which checks them as the workspace would and says which files and which
//! database are in force. The settings files themselves are [`crate::config`].

use super::GlobalArgs;
use super::paths;
use crate::config;
use crate::host::privilege;
use crate::text::clean;
use crate::tui::Settings;
use crate::tui::theme::{Depth, Theme};
use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct Config {
    /// Print the default settings, every line commented out, to start a config.toml from
    #[arg(long)]
    pub print_default: bool,
}

impl Config {
    pub fn run(self, global: &GlobalArgs, out: &mut dyn Write) -> Result<()> {
        if self.print_default {
            out.write_all(config::print_default().as_bytes())?;
            return Ok(());
        }
        // Checks the files (and the theme they name) as the workspace would.
        let loaded = config::load(global.config.as_deref())?;
        load(global, &loaded.config)?;
        let (db, from) = paths::database(paths::Naming {
            flag: global.db.clone(),
            env: std::env::var_os("KAOHE_DB"),
            config: &loaded.config,
            demo: global.demo,
            guarded: privilege::guarded(),
        })?;
        match &loaded.system {
            Some(p) => writeln!(out, "system config {}: OK", clean(&p.display().to_string()))?,
            None => writeln!(
                out,
                "no system config (looked for {})",
                loaded
                    .system_searched
                    .iter()
                    .map(|p| clean(&p.display().to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?,
        }
        let in_force = if loaded.system.is_some() {
            "the system config's settings and the defaults are in force"
        } else {
            "the defaults are in force"
        };
        match &loaded.user {
            Some(p) if loaded.user_exists => {
                writeln!(out, "your config {}: OK", clean(&p.display().to_string()))?
            }
            Some(p) => writeln!(
                out,
                "your config {} does not exist: {in_force} (kaohe config --print-default > {} to start one)",
                clean(&p.display().to_string()),
                clean(&p.display().to_string())
            )?,
            None => writeln!(out, "no config directory: {in_force}")?,
        }
        let db = std::path::absolute(&db).unwrap_or(db);
        writeln!(
            out,
            "database {}, {}",
            clean(&db.display().to_string()),
            clean(&from.to_string())
        )?;
        if let Some(kaohe) = privilege::guarded() {
            writeln!(
                out,
                "{}: the database is taken only from the system config; your files are read and written as you",
                privilege::describe(kaohe)
            )?;
        }
        Ok(())
    }
}

/// The workspace's settings from the settings files and the command line, all checked.
pub fn load(global: &GlobalArgs, config: &config::Config) -> Result<Settings> {
    let spec = global
        .theme
        .as_deref()
        .or(config.theme.as_deref())
        .unwrap_or("default");
    let themes_dir = config::config_dir().map(|d| d.join("themes"));
    let theme = Theme::load(spec, themes_dir.as_deref(), Depth::from_env())?;
    Ok(Settings {
        lang: global.lang,
        theme,
        keymap: config.keymap.clone(),
        standard_notes: config.standard_notes.clone(),
        pictures: crate::tui::graphics::Pictures {
            protocol: crate::tui::graphics::detect(config.graphics, &|k| std::env::var(k).ok()),
            colours: crate::tui::graphics::Colours::of(Depth::from_env()),
        },
        scroll: config.scroll,
    })
}
