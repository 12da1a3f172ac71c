//! The `kaohe` binary: parses the command line, runs it, and turns how it ended into the exit
//! status — from the error's kind, in one place.

use clap::Parser;
use kaohe::cli::{self, Cli, CommandError, ErrorKind};
use kaohe::tui::Ended;
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
    let mut out = stdout.lock();
    match cli::run(cli, &mut out) {
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
