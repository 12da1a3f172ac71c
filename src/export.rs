//! Results out: JSON (the default) and CSV.

use crate::model::format_number;
use crate::store::Item;
use anyhow::Result;
use std::io::Write;

/// One JSON array of every county × indicator.
pub fn write_json(items: &[Item], out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, items)?;
    writeln!(out)?;
    Ok(())
}

pub const CSV_COLUMNS: [&str; 13] = [
    "county_code",
    "county",
    "indicator",
    "value",
    "value_number",
    "numerator",
    "denominator",
    "evidence",
    "remark",
    "verdict",
    "note",
    "reviewer",
    "reviewed_at",
];

/// CSV in UTF-8 with a byte-order mark, so Excel on a Chinese Windows opens it right.
pub fn write_csv(items: &[Item], out: &mut dyn Write) -> Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS)?;
    let number = |x: Option<f64>| x.map(format_number).unwrap_or_default();
    for i in items {
        w.write_record([
            i.county_code.as_str(),
            &i.county,
            &i.indicator,
            i.value.as_deref().unwrap_or(""),
            &number(i.value_number),
            &number(i.numerator),
            &number(i.denominator),
            i.evidence.as_deref().unwrap_or(""),
            i.remark.as_deref().unwrap_or(""),
            i.verdict.map_or("", |v| v.as_str()),
            i.note.as_deref().unwrap_or(""),
            i.reviewer.as_deref().unwrap_or(""),
            i.reviewed_at.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush()?;
    Ok(())
}
