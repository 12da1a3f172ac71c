//! `kaohe manual` (hidden, for packagers): the manual page in roff, generated from the clap
//! model, so that `man kaohe` says what `--help` says and a new command appears in it without
//! anyone writing a word. One page: the options every command takes, then a section for each
//! command (and each command under it), then the environment, the files and examples.
//!
//! `packaging/build-deb` runs `kaohe manual | gzip -9n > kaohe.1.gz`.

use super::Cli;
use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};
use std::io::Write;

#[derive(Debug, Args)]
pub struct Manual {}

impl Manual {
    pub fn run(self, out: &mut dyn Write) -> Result<()> {
        out.write_all(page(Cli::command())?.as_bytes())?;
        Ok(())
    }
}

/// roff's own preamble, which every piece clap_mangen renders begins with: kept once, at the top.
const PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";

/// The whole page for `cmd` and everything under it.
pub fn page(mut cmd: clap::Command) -> std::io::Result<String> {
    // Gives every subcommand its full name ("kaohe reviewers add") and its share of the
    // global options.
    cmd.build();
    let man = Man::new(cmd.clone()).title("KAOHE").manual("User Commands");
    let mut page = String::new();
    for render in [
        Man::render_title,
        Man::render_name_section,
        Man::render_synopsis_section,
        Man::render_description_section,
        Man::render_options_section,
    ] {
        page.push_str(&piece(&man, render, page.is_empty())?);
    }
    let mut roff = Roff::new();
    roff.control("PP", []);
    roff.text([roman(
        "These options go before or after any command below, and apply to all of them.",
    )]);
    roff.control("SH", ["COMMANDS"]);
    page.push_str(&body(&roff));
    for sub in commands(&cmd) {
        command_section(sub, &mut page)?;
    }
    page.push_str(&body(&closing(&cmd)));
    Ok(page)
}

/// The commands under `cmd` a reader is meant to see, in the order `--help` lists them.
fn commands(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
}

/// One command's section (a subsection of COMMANDS), then those of the commands under it.
fn command_section(sub: &clap::Command, page: &mut String) -> std::io::Result<()> {
    let name = sub.get_bin_name().unwrap_or(sub.get_name()).to_string();
    // The options every command shares are told once, at the top; --help is everywhere.
    let own = sub.clone().mut_args(|arg| {
        if arg.is_global_set() || arg.get_id() == "help" {
            arg.hide(true)
        } else {
            arg
        }
    });
    let man = Man::new(own.clone());
    let mut roff = Roff::new();
    roff.control("SS", [name.as_str()]);
    page.push_str(&body(&roff));
    page.push_str(&subsection(&piece(
        &man,
        Man::render_synopsis_section,
        false,
    )?));
    let mut roff = Roff::new();
    roff.control("PP", []);
    page.push_str(&body(&roff));
    page.push_str(&subsection(&piece(
        &man,
        Man::render_description_section,
        false,
    )?));
    let shown = |positional: bool| {
        own.get_arguments()
            .any(|arg| !arg.is_hide_set() && arg.is_positional() == positional)
    };
    let heading = match (shown(true), shown(false)) {
        (true, true) => Some("Arguments and options:"),
        (true, false) => Some("Arguments:"),
        (false, true) => Some("Options:"),
        (false, false) => None,
    };
    if let Some(heading) = heading {
        let mut roff = Roff::new();
        roff.control("PP", []);
        roff.text([italic(heading)]);
        page.push_str(&body(&roff));
        page.push_str(&subsection(&piece(
            &man,
            Man::render_options_section,
            false,
        )?));
    }
    for under in commands(sub) {
        command_section(under, page)?;
    }
    Ok(())
}

/// ENVIRONMENT (the options that an environment variable also sets), FILES, EXAMPLES (the
/// examples `--help` ends with) and VERSION.
fn closing(cmd: &clap::Command) -> Roff {
    let mut roff = Roff::new();
    let from_env: Vec<_> = cmd
        .get_arguments()
        .filter_map(|arg| Some((arg.get_env()?.to_string_lossy(), arg.get_long()?)))
        .collect();
    roff.control("SH", ["ENVIRONMENT"]);
    for (var, long) in from_env {
        roff.control("TP", []);
        roff.text([bold(var.as_ref())]);
        roff.text([
            roman("As "),
            bold(format!("--{long}")),
            roman(" (which wins)."),
        ]);
    }
    for (var, what) in [
        (
            "KAOHE_POLL_MS",
            "How often, in milliseconds, an idle workspace looks for other reviewers' work \
             (default 500).",
        ),
        (
            "NO_COLOR",
            "Set to anything: the workspace sends no colour at all.",
        ),
    ] {
        roff.control("TP", []);
        roff.text([bold(var)]);
        roff.text([roman(what)]);
    }
    roff.control("SH", ["FILES"]);
    for (file, what) in [
        (
            "/etc/kaohe/config.toml",
            "Settings for everyone on the host: the shared database, the theme, a bank of \
             standard notes. Found through XDG_CONFIG_DIRS.",
        ),
        (
            "~/.config/kaohe/config.toml",
            "Your own settings, over the host's (see kaohe config --print-default).",
        ),
        (
            "~/.local/share/kaohe/kaohe.db",
            "The private database used when none is configured or given.",
        ),
    ] {
        roff.control("TP", []);
        roff.text([italic(file)]);
        roff.text([roman(what)]);
    }
    if let Some(after) = cmd.get_after_help() {
        roff.control("SH", ["EXAMPLES"]);
        for line in after.to_string().lines() {
            let line = line.trim();
            if line.is_empty() || line.ends_with(':') {
                continue;
            }
            roff.control("PP", []);
            roff.text([bold(line)]);
        }
    }
    if let Some(version) = cmd.get_version() {
        roff.control("SH", ["VERSION"]);
        roff.text([roman(version)]);
    }
    roff
}

/// One piece clap_mangen renders, as text; only the first keeps roff's preamble.
fn piece(
    man: &Man,
    render: fn(&Man, &mut dyn Write) -> std::io::Result<()>,
    first: bool,
) -> std::io::Result<String> {
    let mut out = Vec::new();
    render(man, &mut out)?;
    let text = String::from_utf8_lossy(&out).into_owned();
    Ok(if first {
        text
    } else {
        text.strip_prefix(PREAMBLE).unwrap_or(&text).to_string()
    })
}

/// Roff written here, without its preamble.
fn body(roff: &Roff) -> String {
    let text = roff.render();
    text.strip_prefix(PREAMBLE).unwrap_or(&text).to_string()
}

/// A piece of a command's own page, inside its subsection: without its section heading.
fn subsection(text: &str) -> String {
    text.lines()
        .filter(|line| !line.starts_with(".SH "))
        .map(|line| format!("{line}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, Command};

    #[test]
    fn commands_under_commands_get_sections_and_hidden_ones_none() {
        let cli = Command::new("kaohe")
            .version("9.9")
            .arg(Arg::new("db").long("db").global(true).help("The database"))
            .subcommand(
                Command::new("reviewers")
                    .about("The registry")
                    .subcommand(
                        Command::new("add")
                            .about("Add a reviewer")
                            .arg(Arg::new("name").long("name").help("Their name")),
                    )
                    .subcommand(Command::new("secret").hide(true)),
            )
            .subcommand(Command::new("manual").hide(true));
        let page = page(cli).unwrap();
        assert!(page.starts_with(PREAMBLE));
        assert_eq!(page.matches(PREAMBLE).count(), 1, "{page}");
        let reviewers = page.find(".SS \"kaohe reviewers\"\n").unwrap();
        let add = page.find(".SS \"kaohe reviewers add\"\n").unwrap();
        assert!(reviewers < add);
        let add = &page[add..];
        assert!(add.contains("\\-\\-name"), "{add}");
        assert!(
            !add.contains("\\-\\-db"),
            "the global option is told once: {add}"
        );
        assert!(
            !page.contains("secret") && !page.contains("kaohe manual"),
            "{page}"
        );
        assert!(page.contains(".SH VERSION\n9.9\n"), "{page}");
    }
}
