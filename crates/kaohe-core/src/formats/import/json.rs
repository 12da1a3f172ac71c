//! kaohe's own JSON export read back: each record's keys laid out as a table's columns (those
//! of the review passed over) and handed to the checker, errors naming the record's line. The
//! records are checked as the parser meets them, never gathered first: memory is the text and
//! the rows kept, whatever the file holds.

use super::Checked;
use super::checker::{Cell, CellKind, Checker, Fields, Places};
use super::intake::{Collect, Intake, Sink, Tally};
use super::layout::{LayoutKind, PassedOver};
use crate::error::{FileError, LineCounter, Location};
use crate::formats::columns::{self, Column, Read};
use crate::lookup::Lookup;
use crate::model::format_number;
use serde::de::{DeserializeSeed, Error as _, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

/// Reads the array `kaohe export --format json` writes. Errors name the record's line.
pub fn read_json(
    text: &str,
    path: &str,
    lookup: &Lookup,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Checked, FileError> {
    let mut collect = Collect::default();
    let tally = read_json_into(text, path, lookup, &mut collect, progress)?;
    Ok(collect.checked(tally))
}

/// [`read_json`], each record handed to `sink` as it is checked.
pub(super) fn read_json_into(
    text: &str,
    path: &str,
    lookup: &Lookup,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Tally, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        return Err(FileError::new(
            Location::line(path, 1),
            "the file is one JSON object; kaohe imports an array of records [{\"county\": …, \"indicator\": …, \"value\": …}, …] as `kaohe export --format json` writes",
        ));
    }
    // The header the records are laid out under: the submission's columns, and the facts of
    // an earlier import the export carries.
    let fields: Vec<Column> = columns::submission().chain(columns::facts()).collect();
    let places = Places::Lines { path };
    let mut records = Records {
        text,
        path,
        layout: Fields::in_order(&fields),
        fields,
        checker: Checker::new(lookup, places),
        intake: Intake::new(sink, lookup.item_positions()),
        lines: LineCounter::new(text),
        total: text.bytes().filter(|&b| b == b'\n').count() as u64 + 1,
        n: 0,
        refused: None,
        progress,
    };
    let mut parser = serde_json::Deserializer::from_str(text);
    let parsed = (&mut records)
        .deserialize(&mut parser)
        .and_then(|()| parser.end());
    if let Some(refused) = records.refused.take() {
        return Err(refused);
    }
    parsed.map_err(|e| {
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        let at = if e.line() == 0 {
            Location::file(path)
        } else {
            Location {
                line: Some(e.line() as u64),
                column: Some(e.column().max(1) as u64),
                ..Location::file(path)
            }
        };
        FileError::new(at, format!("not valid JSON: {message}"))
    })?;
    if !records.checker.any_row() {
        return Err(FileError::new(
            Location::file(path),
            "the file holds no records ([])",
        ));
    }
    Ok(records
        .intake
        .tally(LayoutKind::Long, PassedOver::default()))
}

/// The records of one file, checked one by one as the parser meets them.
struct Records<'a, 'p> {
    text: &'a str,
    path: &'a str,
    fields: Vec<Column>,
    /// Where each column is among a record's cells: in `fields`' order.
    layout: Fields,
    checker: Checker<'a>,
    intake: Intake<'p>,
    lines: LineCounter<'a>,
    /// Lines in the file: what progress counts in.
    total: u64,
    /// Records so far.
    n: usize,
    /// The first record refused, which stops the parser.
    refused: Option<FileError>,
    progress: &'p mut dyn FnMut(u64, u64),
}

impl<'de> DeserializeSeed<'de> for &mut Records<'de, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for &mut Records<'de, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            if let Err(refused) = self.record(raw) {
                self.refused = Some(refused);
                return Err(A::Error::custom("a record was refused"));
            }
        }
        Ok(())
    }
}

impl Records<'_, '_> {
    /// One record laid out under the header and checked.
    fn record(&mut self, raw: &RawValue) -> Result<(), FileError> {
        // A borrowed raw value is a slice of the text: its address gives its line.
        let offset = (raw.get().as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        let line = self.lines.line_at(offset);
        (self.progress)(line, self.total);
        self.n += 1;
        let n = self.n;
        let path = self.path;
        let fail = |message: String| FileError::new(Location::line(path, line), message);
        let record: serde_json::Map<String, Value> =
            serde_json::from_str(raw.get()).map_err(|_| {
                fail(format!(
                    "record {n} is not an object {{\"county\": …, \"indicator\": …}}"
                ))
            })?;
        let fields = &self.fields;
        let place_of = |column: Column| fields.iter().position(|&c| c == column);
        let mut cells = vec![Cell::default(); fields.len()];
        let mut code = String::new();
        for (key, value) in &record {
            let column = match columns::by_key(key) {
                Some(names) if names.read == Read::PassedOver => continue,
                Some(names) => names.column,
                None => {
                    let keys: Vec<&str> = columns::in_csv()
                        .filter(|n| n.read != Read::PassedOver)
                        .filter_map(|n| n.key)
                        .collect();
                    return Err(fail(format!(
                        "unknown key \"{key}\" in record {n}; the keys are {} (and the review's, which are passed over)",
                        keys.join(", ")
                    )));
                }
            };
            // A number as the indicator (1.10) reads back as 1.1: checked as a workbook's is.
            let kind = if value.is_number() {
                CellKind::Number
            } else {
                CellKind::Text
            };
            let text = match value {
                Value::Null => String::new(),
                Value::String(s) => s.trim().to_string(),
                Value::Number(x) => x.as_f64().map_or_else(|| x.to_string(), format_number),
                Value::Bool(b) => if *b { "是" } else { "否" }.to_string(),
                Value::Array(_) | Value::Object(_) => {
                    return Err(fail(format!(
                        "\"{key}\" in record {n} is a list or an object; give text or a number"
                    )));
                }
            };
            if column == Column::CountyCode {
                code = text;
            } else if let Some(at) = place_of(column) {
                cells[at] = Cell { text, kind };
            }
        }
        if let Some(at) = place_of(Column::County).filter(|_| !code.is_empty()) {
            cells[at].text = code;
        }
        self.checker
            .row(line, &cells, &self.layout, &mut self.intake)
    }
}

#[cfg(test)]
mod tests {
    use super::super::demo_lookup as lookup;
    use super::*;

    #[test]
    fn json_errors_name_the_records_line() {
        let read = |text: &str| {
            read_json(text, "s.json", &lookup(), &mut |_, _| {}).map_err(|e| e.to_string())
        };
        let text = "[\n {\"county\": \"柯城区\", \"indicator\": \"1.1\", \"value\": \"是\"},\n\n {\"county_code\": \"330802\", \"county\": \"柯城区\",\n  \"indicator\": \"1.1\", \"value\": \"否\", \"verdict\": \"met\"}\n]";
        assert_eq!(
            read(text).unwrap_err(),
            "s.json:4: county 330802 indicator 1.1 is given twice (first on line 2)"
        );
        assert_eq!(
            read("[1]").unwrap_err(),
            "s.json:1: record 1 is not an object {\"county\": …, \"indicator\": …}"
        );
        assert_eq!(
            read("[{\"county\": [1]}]").unwrap_err(),
            "s.json:1: \"county\" in record 1 is a list or an object; give text or a number"
        );
        assert_eq!(
            read("[\n").unwrap_err(),
            "s.json:2:1: not valid JSON: EOF while parsing a list"
        );
        let rows = read("[{\"county\": \"柯城区\", \"indicator\": \"1.2\", \"value\": null, \"numerator\": 3, \"denominator\": 4}]").unwrap();
        assert_eq!(rows.rows[0].submission.value_number, Some(75.0));
    }
}
