//! Items a reviewer has put aside for later (the workspace's `x`, Prodigy's "ignore"): their
//! own, like drafts, by OS account and name. A working list, not the team's record: not logged,
//! and no verdict changes with it.

use crate::{Reviewer, Store, now};
use anyhow::{Context, Result};
use rusqlite::params;

impl Store {
    /// Puts an item aside for the reviewer (`aside`), or takes it back. Doing what is already
    /// so changes nothing.
    pub fn put_aside(
        &mut self,
        who: &Reviewer,
        county_code: &str,
        indicator_id: &str,
        aside: bool,
    ) -> Result<()> {
        let tx = self.write()?;
        if aside {
            tx.execute(
                "INSERT INTO set_aside (account, reviewer, county_code, indicator_id, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account, reviewer, county_code, indicator_id) DO NOTHING",
                params![who.account, who.name, county_code, indicator_id, now()],
            )?;
        } else {
            tx.execute(
                "DELETE FROM set_aside WHERE account = ?1 AND reviewer = ?2
                     AND county_code = ?3 AND indicator_id = ?4",
                params![who.account, who.name, county_code, indicator_id],
            )?;
        }
        tx.commit()
            .with_context(|| format!("cannot keep the item aside in {}", self.path.display()))?;
        Ok(())
    }

    /// The items the reviewer has put aside: (county code, indicator id).
    pub fn set_aside(&self, who: &Reviewer) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT county_code, indicator_id FROM set_aside
             WHERE account = ?1 AND reviewer = ?2 ORDER BY at, county_code, indicator_id",
        )?;
        let rows = stmt.query_map(params![who.account, who.name], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{new_store, who};

    #[test]
    fn items_are_put_aside_per_reviewer_and_taken_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        // Another reviewer sharing the login: a list of their own.
        let other = Reviewer {
            name: "李".into(),
            account: "zhang".into(),
        };
        store.put_aside(&who(), "330802", "1.2", true).unwrap();
        store.put_aside(&who(), "330802", "1.2", true).unwrap();
        store.put_aside(&who(), "330803", "1.1", true).unwrap();
        store.put_aside(&other, "330824", "2.1", true).unwrap();
        let mine = store.set_aside(&who()).unwrap();
        assert_eq!(mine.len(), 2);
        assert!(mine.contains(&("330802".to_string(), "1.2".to_string())));
        assert_eq!(
            store.set_aside(&other).unwrap(),
            vec![("330824".to_string(), "2.1".to_string())]
        );
        store.put_aside(&who(), "330802", "1.2", false).unwrap();
        assert_eq!(
            store.set_aside(&who()).unwrap(),
            vec![("330803".to_string(), "1.1".to_string())]
        );
        // Nobody's verdict or the log changes with it.
        assert!(store.log().unwrap().is_empty());
        // An unknown item is refused by the database, not kept.
        assert!(store.put_aside(&who(), "999999", "1.1", true).is_err());
    }
}
