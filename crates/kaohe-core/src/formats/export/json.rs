//! The JSON export: one array of every county × indicator, the item's fields as serde writes
//! them (their names are the column table's keys, a test makes sure) and the checks'. Also the
//! one way kaohe writes any JSON (`status --json`, `log --json` …): escaped so that no
//! character unsafe for a terminal is ever in it raw.

use super::{Results, Row};
use crate::text::is_unsafe;
use anyhow::Result;
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer as _};
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io::{self, Write};

/// One JSON array of every county × indicator, each record written as it is read (laid out
/// as [`write_json_value`] lays out an array); answers how many were written.
pub fn write_json(results: &Results<'_>, out: &mut dyn Write) -> Result<usize> {
    let mut ser =
        serde_json::Serializer::with_formatter(&mut *out, Escaped(PrettyFormatter::new()));
    let mut array = ser.serialize_seq(None)?;
    let mut rows = 0;
    results.each_row(&mut |row: &Row<'_>| {
        array.serialize_element(row)?;
        rows += 1;
        Ok(())
    })?;
    array.end()?;
    writeln!(out)?;
    Ok(rows)
}

/// `value` as indented JSON and a line break. Besides what JSON itself escapes (C0 controls),
/// every character [`is_unsafe`] for a terminal — DEL, the C1 controls (U+0080–U+009F, CSI,
/// OSC, DCS among them), the bidirectional overrides and isolates — is written as `\uXXXX`:
/// the same string to any JSON reader, and nothing a terminal would act on.
pub fn write_json_value<T: Serialize + ?Sized>(value: &T, out: &mut dyn Write) -> Result<()> {
    let mut ser =
        serde_json::Serializer::with_formatter(&mut *out, Escaped(PrettyFormatter::new()));
    value.serialize(&mut ser)?;
    writeln!(out)?;
    Ok(())
}

/// serde_json's indented layout, escaping what it leaves raw and a terminal would act on.
struct Escaped<'a>(PrettyFormatter<'a>);

impl Formatter for Escaped<'_> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // serde_json has escaped every C0 control already; the rest are ours.
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c, false) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                // Every unsafe character is in the Basic Multilingual Plane: one \u escape.
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::columns;
    use crate::item::Item;
    use crate::model::{Note, Verdict};

    #[test]
    fn nothing_a_terminal_acts_on_is_written_raw_and_the_text_reads_back_the_same() {
        let hostile = "\u{1b}]52;c;eA==\u{7}\u{1b}P1$q\u{1b}\\\u{1b}[2J\u{7f}\u{9b}\u{9d}\u{90}\u{202e}\u{2066}\u{2028}\u{feff}柯城区\n";
        let value = serde_json::json!({ "remark": hostile, hostile: [hostile] });
        let mut out = Vec::new();
        write_json_value(&value, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.chars().any(|c| is_unsafe(c, true)), "raw in {text:?}");
        assert!(
            text.contains("\\u009b") && text.contains("\\u202e"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        // Laid out as before: indented two spaces, one key a line.
        let plain = serde_json::to_string_pretty(&serde_json::json!({"a": [1, "柯城区"]})).unwrap();
        let mut ours = Vec::new();
        write_json_value(&serde_json::json!({"a": [1, "柯城区"]}), &mut ours).unwrap();
        assert_eq!(String::from_utf8(ours).unwrap(), format!("{plain}\n"));
    }

    #[test]
    fn a_records_keys_are_the_tables() {
        // A submitted and reviewed item, so every key has something in it.
        let item = Item {
            county_code: "330802".into(),
            county: "柯城区".into(),
            indicator: "1.2".into(),
            value: Some("70%".into()),
            value_number: Some(70.0),
            numerator: Some(24.0),
            denominator: Some(35.0),
            evidence: Some("台账.xlsx".into()),
            remark: Some("城市社区".into()),
            verdict: Some(Verdict::Met),
            note: Some("台账齐全".into()),
            reviewer: Some("王".into()),
            reviewed_at: Some("2014-05-01 09:00:00".into()),
            changed_since_review: true,
            bare_fraction: true,
            converted_from: Some("15‰".into()),
            notes: vec![Note {
                author: "王".into(),
                account: "wang".into(),
                at: "2014-05-01T09:00:00+08:00".into(),
                text: "台账齐全".into(),
            }],
            self_verdict: Some(Verdict::PartlyMet),
            self_score: Some(8.5),
            stages: crate::item::Stages::NONE,
            cases: Some(2),
            void_reason: Some("弄虚作假".into()),
            verified: Some(crate::verified::Verified {
                value: "68%".into(),
                number: 68.0,
                reason: "台账核实".into(),
                by: "李".into(),
                account: "li".into(),
                at: "2014-05-02T09:00:00+08:00".into(),
                county_value: "70%".into(),
            }),
        };
        let record = serde_json::to_value(Row::new(&item, None)).unwrap();
        let mut keys: Vec<&str> = record
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut table: Vec<&str> = columns::in_csv().filter_map(|n| n.key).collect();
        keys.sort_unstable();
        table.sort_unstable();
        assert_eq!(keys, table);
    }
}
