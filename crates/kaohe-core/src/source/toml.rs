//! TOML files (the targets, a reviewer's config, a theme) read with their errors told at
//! file:line:col in words a bureau clerk reads. The reader gives the spans of values and
//! tables, not of keys, so an error about a key is pointed at by finding the line it is on.

use crate::error::{FileError, Location};
use serde::de::DeserializeOwned;
use std::ops::Range;

/// Reads a TOML text as `T`; a reader's error is told at its place in `path`, plainly.
pub fn parse<T: DeserializeOwned>(text: &str, path: &str) -> Result<T, FileError> {
    toml::from_str(text).map_err(|e| {
        let location = e.span().map_or_else(
            || Location::file(path),
            |span| Location::at_offset(path, text, span.start),
        );
        FileError::new(location, plain_toml_message(e.message(), text, e.span()))
    })
}

/// The TOML reader's messages, in words a bureau clerk reads.
fn plain_toml_message(message: &str, text: &str, span: Option<Range<usize>>) -> String {
    let message = message.trim();
    if message == "duplicate key" {
        if let Some(key) = span.and_then(|s| text.get(s)) {
            return format!("the key {} is given twice", key.trim());
        }
    }
    let mut plain = message.to_string();
    for (from, to) in [
        (" as i128", ""),
        (" as i64", ""),
        ("expected i32", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected u8", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list [ … ]"),
    ] {
        plain = plain.replace(from, to);
    }
    if let Some(at) = plain.find("expected struct ") {
        let rest = &plain[at + "expected struct ".len()..];
        let name_end = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        plain = format!("{}expected a table{}", &plain[..at], &rest[name_end..]);
    }
    plain
}

/// The table a key is looked for in.
#[derive(Debug, Clone, Copy)]
pub enum Table<'a> {
    /// The top level of the file, where a `[key]` header also counts as the key.
    Top,
    /// The table under the header `[name]`.
    Named(&'a str),
    /// The table the reader spanned: an inline table, or an entry of an array of tables (whose
    /// span may cover only its `[[header]]`).
    Spanned(&'a Range<usize>),
}

/// Where `key = …` (or `"key" = …`, `'key' = …`) is written in `table` of `text`: the start of
/// its line, or of `key =` in an inline table. If it is not there: the start of a spanned
/// table, else the start of the file.
pub fn key_offset(text: &str, table: Table<'_>, key: &str) -> usize {
    match table {
        Table::Top => find_key(text, section(text, 0, false), key)
            .or_else(|| header_offset(text, key))
            .unwrap_or(0),
        Table::Named(name) => header_offset(text, name)
            .and_then(|start| find_key(text, section(text, start, true), key))
            .unwrap_or(0),
        Table::Spanned(span) => {
            if text.get(span.start..).is_none() {
                return span.start;
            }
            let end = section(text, span.start, true).end.max(span.end);
            let region = span.start..end.min(text.len());
            find_key(text, region.clone(), key)
                .or_else(|| {
                    // In an inline table: `method = { title = "…" }`.
                    let written = &text[region];
                    [format!("{key} ="), format!("{key}=")]
                        .iter()
                        .find_map(|k| written.find(k.as_str()))
                        .map(|i| span.start + i)
                })
                .unwrap_or(span.start)
        }
    }
}

/// The lines of `text` in `range`, each trimmed of leading blanks and with the offset where
/// what is left starts.
fn lines(text: &str, range: Range<usize>) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = range.start;
    text.get(range)
        .unwrap_or_default()
        .split_inclusive('\n')
        .map(move |line| {
            let trimmed = line.trim_start();
            let at = offset + (line.len() - trimmed.len());
            offset += line.len();
            (at, trimmed)
        })
}

/// The name in a `[header]` line (`[[name]]` gives `[name`, which names no `[name]` table).
fn header_name(trimmed: &str) -> Option<&str> {
    let rest = trimmed.strip_prefix('[')?;
    Some(rest.split(']').next().unwrap_or("").trim())
}

/// Where the header `[name]` is written.
fn header_offset(text: &str, name: &str) -> Option<usize> {
    lines(text, 0..text.len())
        .find(|(_, line)| header_name(line) == Some(name))
        .map(|(at, _)| at)
}

/// The lines from `start` up to the next header line, past the first line when it is the
/// table's own (its header, or the line its inline table is on).
fn section(text: &str, start: usize, own_first_line: bool) -> Range<usize> {
    let end = lines(text, start..text.len())
        .enumerate()
        .find(|(n, (_, line))| header_name(line).is_some() && !(own_first_line && *n == 0))
        .map_or(text.len(), |(_, (at, _))| at);
    start..end
}

/// The first line in `range` that gives `key` a value.
fn find_key(text: &str, range: Range<usize>, key: &str) -> Option<usize> {
    let quoted = [format!("\"{key}\""), format!("'{key}'")];
    lines(text, range)
        .find(|(_, line)| {
            [key, quoted[0].as_str(), quoted[1].as_str()]
                .iter()
                .any(|k| {
                    line.strip_prefix(k)
                        .is_some_and(|rest| rest.trim_start().starts_with('='))
                })
        })
        .map(|(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "theme = \"x\"\n\n[keys]\nundo = \"u\"\n'quit' = \"q\"\n\n[[targets]]\nid = 1\n\n[[targets]]\nid = 2\nm = { id = 3 }\n[notes]\n";

    fn line(offset: usize) -> usize {
        TEXT[..offset].matches('\n').count() + 1
    }

    #[test]
    fn keys_are_found_in_their_table() {
        assert_eq!(line(key_offset(TEXT, Table::Top, "theme")), 1);
        assert_eq!(line(key_offset(TEXT, Table::Top, "notes")), 13);
        assert_eq!(
            line(key_offset(TEXT, Table::Top, "undo")),
            1,
            "not at the top"
        );
        assert_eq!(line(key_offset(TEXT, Table::Named("keys"), "undo")), 4);
        assert_eq!(line(key_offset(TEXT, Table::Named("keys"), "quit")), 5);
        assert_eq!(key_offset(TEXT, Table::Named("keys"), "id"), 0);
        let second = TEXT.rfind("[[targets]]").unwrap_or(0);
        let span = second..second + "[[targets]]".len();
        assert_eq!(line(key_offset(TEXT, Table::Spanned(&span), "id")), 11);
        assert_eq!(key_offset(TEXT, Table::Spanned(&span), "gone"), second);
        let inline = TEXT.find("{ id").unwrap_or(0);
        let span = inline..inline + "{ id = 3 }".len();
        assert_eq!(key_offset(TEXT, Table::Spanned(&span), "id"), inline + 2);
    }
}
