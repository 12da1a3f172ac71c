//! Every item read in order for the exports, a county at a time (issue 19): the county's
//! items in document order, its note threads and its evidence read through their indexes and
//! joined to the items, then given out one by one. What is held at once is one county's: an
//! export of any country runs in the same memory.

use crate::items::{ITEM_SELECT, item_from_row};
use crate::{Store, evidence, notes};
use anyhow::Result;
use kaohe_core::evidence::Summary;
use kaohe_core::formats::export::Items;
use kaohe_core::item::Item;
use kaohe_core::model::Note;
use rusqlite::Connection;
use std::collections::HashMap;

/// One county's items in document order (ties broken by id, as everywhere they are listed).
const COUNTY_ITEMS: &str = " WHERE c.code = ?1 ORDER BY t.position, t.id, i.position, i.id";

/// One county's note threads, each oldest first: found through `notes_by_item` (indicator,
/// county), an indicator at a time. CROSS JOIN keeps the indicators outside: the planner
/// would otherwise scan every note for each county.
const COUNTY_NOTES: &str = "SELECT n.indicator_id, n.author, n.account, n.at, n.text
     FROM indicators i CROSS JOIN notes n ON n.indicator_id = i.id AND n.county_code = ?1
     ORDER BY n.seq";

impl Store {
    /// Every county × indicator, counties in list order then indicators in document order,
    /// each with its note thread and evidence, given to `f` one at a time.
    pub fn each_item(
        &self,
        f: &mut dyn FnMut(&Item, Option<&Summary>) -> Result<()>,
    ) -> Result<()> {
        let mut walk = CountyWalk::default();
        for county in self.counties()? {
            walk.read(&self.conn, &county.code)?;
            for (item, summary) in walk.items.iter().zip(&walk.evidence) {
                f(item, summary.as_ref())?;
            }
        }
        Ok(())
    }

    /// County `code`'s items in document order, each with its note thread and evidence (none
    /// for a county not in the database).
    pub fn county_items(&self, code: &str) -> Result<Vec<(Item, Option<Summary>)>> {
        let mut walk = CountyWalk::default();
        walk.read(&self.conn, code)?;
        Ok(walk.items.into_iter().zip(walk.evidence).collect())
    }
}

impl Items for Store {
    fn each(&self, f: &mut dyn FnMut(&Item, Option<&Summary>) -> Result<()>) -> Result<()> {
        self.each_item(f)
    }

    fn of_county(&self, code: &str) -> Result<Vec<(Item, Option<Summary>)>> {
        self.county_items(code)
    }
}

/// One county's items, read together; kept between counties so that its buffers are too.
#[derive(Default)]
struct CountyWalk {
    items: Vec<Item>,
    /// Beside each item, its evidence and open requests (`None`: neither).
    evidence: Vec<Option<Summary>>,
    /// Where each indicator's item is in `items`.
    at: HashMap<String, usize>,
}

impl CountyWalk {
    fn read(&mut self, conn: &Connection, code: &str) -> Result<()> {
        let mut stmt = conn.prepare_cached(&format!("{ITEM_SELECT}{COUNTY_ITEMS}"))?;
        self.items.clear();
        let mut rows = stmt.query([code])?;
        while let Some(r) = rows.next()? {
            self.items.push(item_from_row(r)?);
        }
        self.at.clear();
        for (k, item) in self.items.iter().enumerate() {
            self.at.insert(item.indicator.clone(), k);
        }
        let mut stmt = conn.prepare_cached(COUNTY_NOTES)?;
        let mut rows = stmt.query([code])?;
        while let Some(r) = rows.next()? {
            let indicator = r.get_ref(0)?.as_str()?;
            if let Some(&k) = self.at.get(indicator) {
                let note: Note = notes::note_of(r, 1)?;
                self.items[k].notes.push(note);
            }
        }
        let mut summaries = evidence::county_summaries(conn, code)?;
        self.evidence.clear();
        self.evidence.extend(
            self.items
                .iter()
                .map(|item| summaries.remove(&item.indicator)),
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::*;
    use crate::{ReviewWrite, Store};
    use kaohe_core::model::Verdict;

    #[test]
    fn the_walk_gives_what_the_whole_table_read_gives_in_its_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let county = store.counties().unwrap()[2].code.clone();
        // A thread of two notes by two reviewers, and a note on another item.
        let other = crate::Reviewer {
            name: "李四".into(),
            account: "lisi".into(),
        };
        for (note, by) in [("台账缺失", who()), ("已补", other)] {
            let write = ReviewWrite::new(&county, "1.2")
                .verdict(Some(Verdict::NotMet))
                .note(note);
            store.write_review(&write, &by).unwrap();
        }
        let write = ReviewWrite::new(&county, "2.1")
            .verdict(Some(Verdict::Met))
            .note("齐全");
        store.write_review(&write, &who()).unwrap();
        let whole = store.items().unwrap();
        let mut walked = Vec::new();
        store
            .each_item(&mut |item, evidence| {
                assert!(evidence.is_none());
                walked.push(item.clone());
                Ok(())
            })
            .unwrap();
        assert_eq!(walked, whole);
        let one: Vec<_> = store
            .county_items(&county)
            .unwrap()
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        let theirs: Vec<_> = whole
            .iter()
            .filter(|i| i.county_code == county)
            .cloned()
            .collect();
        assert_eq!(one, theirs);
        assert!(one.iter().any(|i| i.notes.len() == 2));
        assert!(
            Store::county_items(&store, "no such county")
                .unwrap()
                .is_empty()
        );
    }
}
