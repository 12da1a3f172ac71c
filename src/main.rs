//! The `kaohe` binary: parses the command line, runs it, and turns how it ended into the exit
//! status — from the error's kind, in one place.

use clap::Parser;
use kaohe::cli::{self, Cli, CommandError, ErrorKind, Output};
use kaohe::tui::Ended;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Installed setgid (the guarded set-up), the group is given up before anything is read.
    if let Err(e) = kaohe::host::privilege::start() {
        eprintln!("kaohe: {e}");
        return ExitCode::FAILURE;
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return failed(&CommandError::from(e)),
    };
    let stdout = std::io::stdout();
    // On a terminal every byte a command prints is cleaned (the workspace draws on its own).
    let mut out = Output::new(stdout.lock(), stdout.is_terminal());
    let ran = cli::run(cli, &mut out).and_then(|ended| {
        // What is held back of a cut character is shown, and a failed last write is said —
        // unless the terminal is gone (a hang-up), when there is nobody to write to.
        let finished = out.finish();
        if ended == Ended::Quit {
            finished
                .map_err(|e| anyhow::Error::from(e).context("cannot write to standard output"))?;
        }
        Ok(ended)
    });
    match ran {
        Ok(Ended::Quit) => ExitCode::SUCCESS,
        Ok(Ended::Signal(sig)) => ExitCode::from(128u8.saturating_add(sig as u8)),
        Err(e) => failed(&e),
    }
}

fn failed(e: &CommandError) -> ExitCode {
    e.print();
    exit_code(e.kind())
}

/// The exit status for each kind of error.
fn exit_code(kind: ErrorKind) -> ExitCode {
    match kind {
        // Asked for, or nobody left to tell.
        ErrorKind::Help | ErrorKind::ClosedPipe => ExitCode::SUCCESS,
        // As clap does.
        ErrorKind::Usage => ExitCode::from(2),
        ErrorKind::Input | ErrorKind::Database | ErrorKind::Io | ErrorKind::Internal => {
            ExitCode::FAILURE
        }
    }
}
