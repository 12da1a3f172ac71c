//! The workspace's settings (the config file, the theme, the language) read and checked, and
//! `kaohe config`, which checks them as the workspace would. The config file itself is
//! [`crate::config`].

use super::GlobalArgs;
use crate::config;
use crate::text::clean;
use crate::tui::Settings;
use crate::tui::theme::{Depth, Theme};
use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::path::Path;

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
        let given = global.config.as_deref();
        let path = given
            .map(Path::to_path_buf)
            .or_else(|| config::config_dir().map(|d| d.join("config.toml")));
        // Checks the file (and the theme it names) as the workspace would.
        load(global)?;
        let shown = |p: &Path| clean(&p.display().to_string());
        match path {
            Some(p) if p.exists() => writeln!(out, "{}: OK", shown(&p))?,
            Some(p) => writeln!(
                out,
                "{} does not exist: the defaults are in force (kaohe config --print-default > {} to start one)",
                shown(&p),
                shown(&p)
            )?,
            None => writeln!(out, "no config directory: the defaults are in force")?,
        }
        Ok(())
    }
}

/// The workspace's settings from the config file and the command line, all checked.
pub fn load(global: &GlobalArgs) -> Result<Settings> {
    let config = config::load(global.config.as_deref())?;
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
        keymap: config.keymap,
        standard_notes: config.standard_notes,
    })
}
