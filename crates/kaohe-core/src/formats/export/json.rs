//! The JSON export: one array of every county × indicator, the item's fields as serde writes
//! them (their names are the column table's keys, a test makes sure) and the checks'.

use super::{Results, Row};
use anyhow::Result;
use std::io::Write;

/// One JSON array of every county × indicator.
pub fn write_json(results: &Results, out: &mut dyn Write) -> Result<()> {
    let rows: Vec<Row<'_>> = results.rows().collect();
    serde_json::to_writer_pretty(&mut *out, &rows)?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::columns::{self, BARE_FRACTION};
    use crate::item::Item;

    #[test]
    fn a_records_keys_are_the_tables() {
        let item = Item {
            county_code: "330802".into(),
            county: "柯城区".into(),
            indicator: "1.2".into(),
            value: None,
            value_number: None,
            numerator: None,
            denominator: None,
            evidence: None,
            remark: None,
            verdict: None,
            note: None,
            reviewer: None,
            reviewed_at: None,
            changed_since_review: false,
            bare_fraction: false,
        };
        let record = serde_json::to_value(Row::new(&item, None)).unwrap();
        let mut keys: Vec<&str> = record
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut table: Vec<&str> = columns::in_csv().filter_map(|n| n.key).collect();
        table.push(BARE_FRACTION);
        keys.sort_unstable();
        table.sort_unstable();
        assert_eq!(keys, table);
    }
}
