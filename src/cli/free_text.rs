//! Free text given to an option (a note, a reason) may start with `-`: `--note -5%`. clap then
//! takes whatever follows the option as its text, so one of kaohe's own options there
//! (`--note --demo`) is text left out, not text: refused, rather than a note "--demo" written
//! to the database the forgotten `--demo` would not have chosen.

use anyhow::{Result, bail};
use clap::CommandFactory;

/// Refuses `text`, given to `option`, when it is the name of one of kaohe's options.
pub fn not_an_option(option: &str, text: &str) -> Result<()> {
    let long = text.strip_prefix("--");
    let short = text
        .strip_prefix('-')
        .filter(|s| s.chars().count() == 1)
        .and_then(|s| s.chars().next());
    if long.is_none() && short.is_none() {
        return Ok(());
    }
    let cli = super::Cli::command();
    let known = cli
        .get_arguments()
        .chain(cli.get_subcommands().flat_map(|c| c.get_arguments()))
        .any(|a| {
            long.is_some_and(|l| a.get_long() == Some(l) || l == "help" || l == "version")
                || short.is_some_and(|s| a.get_short() == Some(s) || s == 'h' || s == 'V')
        });
    if known {
        bail!(
            "{option} is followed by the option {text}, not by its text: give the text right after {option}"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_options_name_is_no_text() {
        for option in [
            "--demo",
            "--reviewer",
            "--note",
            "--target",
            "--help",
            "-h",
            "-V",
        ] {
            let e = not_an_option("--note", option).unwrap_err().to_string();
            assert_eq!(
                e,
                format!(
                    "--note is followed by the option {option}, not by its text: give the text right after --note"
                )
            );
        }
        for text in ["-5%", "-", "--", "-- 少报", "--少报", "-x", "台账齐全", ""] {
            assert!(not_an_option("--note", text).is_ok(), "{text}");
        }
    }
}
