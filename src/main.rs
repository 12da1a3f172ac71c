use clap::Parser;
use clap::error::ErrorKind;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match kaohe::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // One plain line: clap's message without its usage block and tips.
            let text = e.to_string();
            let message = text.split("\nUsage:").next().unwrap_or_default();
            let message = message.strip_prefix("error: ").unwrap_or(message);
            let message: Vec<&str> = message
                .lines()
                .map(str::trim)
                .filter(|l| {
                    !l.is_empty()
                        && !l.starts_with("tip:")
                        && !l.starts_with("For more information")
                })
                .collect();
            eprintln!(
                "kaohe: {} (see kaohe --help)",
                kaohe::text::clean(&message.join(" "))
            );
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match kaohe::cli::run(cli, &mut out) {
        Ok(kaohe::tui::Ended::Quit) => ExitCode::SUCCESS,
        Ok(kaohe::tui::Ended::Signal(sig)) => ExitCode::from(128u8.saturating_add(sig as u8)),
        Err(e) => {
            // A closed pipe (kaohe export | head) is not an error worth a message.
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("kaohe: {}", single_line(&message(&e)));
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(BrokenPipe))
            || cause.downcast_ref::<csv::Error>().is_some_and(
                |c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe),
            )
    })
}

/// The error and its causes, each said once (SQLite's errors repeat their text in their cause).
fn message(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        let core = match text.split_once(": ") {
            Some((head, rest)) if head.starts_with("Error code ") => rest,
            _ => text.as_str(),
        };
        if !parts.iter().any(|p| p.contains(core)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// Keeps the message on one line whatever a cause printed, and shows any control character
/// (which a message may quote from a user's file) as a visible symbol, never as a command.
fn single_line(s: &str) -> String {
    let joined = s
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    kaohe::text::clean(&joined)
}
