//! The CSV export: the columns with a key, in the table's order, worded for programs, every
//! cell made inert for spreadsheet programs ([`crate::formats::inert`]).

use super::{Results, Words};
use crate::formats::columns::{self, Column};
use crate::formats::inert::make_inert;
use anyhow::Result;
use std::io::Write;

/// CSV in UTF-8 with a byte-order mark, so Excel on a Chinese Windows opens it right. A cell
/// that would start a formula gets an apostrophe in front; kaohe's import takes it off. Each
/// row is written as it is read; answers how many were written.
pub fn write_csv(results: &Results<'_>, out: &mut dyn Write) -> Result<usize> {
    let names: Vec<&str> = columns::in_csv().filter_map(|n| n.key).collect();
    let in_csv: Vec<Column> = columns::in_csv().map(|n| n.column).collect();
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(&names)?;
    let mut rows = 0;
    results.each_row(&mut |row| {
        for &column in &in_csv {
            w.write_field(make_inert(&row.text(column, Words::Csv)).as_bytes())?;
        }
        w.write_record(None::<&[u8]>)?;
        rows += 1;
        Ok(())
    })?;
    w.flush()?;
    Ok(rows)
}
