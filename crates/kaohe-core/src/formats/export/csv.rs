//! The CSV export: the columns with a key, in the table's order, worded for programs, every
//! cell made inert for spreadsheet programs ([`crate::formats::inert`]).

use super::{Results, Words};
use crate::formats::columns::{self, Column};
use crate::formats::inert::make_inert;
use anyhow::Result;
use std::io::Write;

/// CSV in UTF-8 with a byte-order mark, so Excel on a Chinese Windows opens it right. A cell
/// that would start a formula gets an apostrophe in front; kaohe's import takes it off.
pub fn write_csv(results: &Results, out: &mut dyn Write) -> Result<()> {
    let names: Vec<&str> = columns::in_csv().filter_map(|n| n.key).collect();
    let in_csv: Vec<Column> = columns::in_csv().map(|n| n.column).collect();
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(&names)?;
    for row in results.rows() {
        let texts = row.texts(&in_csv, Words::Csv);
        w.write_record(texts.iter().map(|t| make_inert(t)).map(|t| t.into_owned()))?;
    }
    w.flush()?;
    Ok(())
}
