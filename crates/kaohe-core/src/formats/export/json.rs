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
    use crate::model::Verdict;

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
