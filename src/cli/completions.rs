//! `kaohe completions SHELL`: a completion script generated from the clap model.

use super::Cli;
use anyhow::Result;
use clap::{Args, CommandFactory};
use std::io::Write;

#[derive(Debug, Args)]
pub struct Completions {
    /// bash, zsh, fish, elvish or powershell
    pub shell: clap_complete::Shell,
}

impl Completions {
    pub fn run(self, out: &mut dyn Write) -> Result<()> {
        clap_complete::generate(self.shell, &mut Cli::command(), "kaohe", out);
        Ok(())
    }
}
