//! The workspace's own rows: notes being typed (drafts), kept while they are typed so that a
//! dropped connection loses nothing, and where each reviewer left off. Both are per reviewer:
//! the OS account with the name given (several may share one login).

use crate::{Reviewer, Store, now};
use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, params};

/// A note being typed in the workspace, kept until it is saved or thrown away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub county_code: String,
    pub indicator_id: String,
    pub text: String,
    pub saved_at: String,
}

/// Where a reviewer is in the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub indicator_id: String,
    pub county_code: String,
    /// Marking one county across all indicators rather than one indicator across all counties.
    pub by_county: bool,
}

/// Drops the reviewer's draft of one item, inside the caller's write (thrown away, or saved
/// as the note in the same transaction).
pub(crate) fn drop_draft(
    conn: &Connection,
    who: &Reviewer,
    county_code: &str,
    indicator_id: &str,
) -> Result<()> {
    conn.execute(
        "DELETE FROM drafts WHERE account = ?1 AND reviewer = ?2
             AND county_code = ?3 AND indicator_id = ?4",
        params![who.account, who.name, county_code, indicator_id],
    )?;
    Ok(())
}

impl Store {
    /// Keeps a note being typed, replacing the account's earlier draft of the same item.
    pub fn save_draft(
        &mut self,
        who: &Reviewer,
        county_code: &str,
        indicator_id: &str,
        text: &str,
    ) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO drafts (account, reviewer, county_code, indicator_id, text, saved_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (account, reviewer, county_code, indicator_id) DO UPDATE SET
                 text = excluded.text, saved_at = excluded.saved_at",
            params![
                who.account,
                who.name,
                county_code,
                indicator_id,
                text,
                now()
            ],
        )?;
        tx.commit()
            .with_context(|| format!("cannot keep the draft in {}", self.path.display()))?;
        Ok(())
    }

    /// Drops the account's draft of one item (the reviewer chose to throw it away).
    pub fn discard_draft(
        &mut self,
        who: &Reviewer,
        county_code: &str,
        indicator_id: &str,
    ) -> Result<()> {
        let tx = self.write()?;
        drop_draft(&tx, who, county_code, indicator_id)?;
        tx.commit()
            .with_context(|| format!("cannot drop the draft in {}", self.path.display()))?;
        Ok(())
    }

    /// The reviewer's drafts, the most recently typed first.
    pub fn drafts(&self, who: &Reviewer) -> Result<Vec<Draft>> {
        let mut stmt = self.conn.prepare(
            "SELECT county_code, indicator_id, text, saved_at FROM drafts
             WHERE account = ?1 AND reviewer = ?2
             ORDER BY saved_at DESC, county_code, indicator_id",
        )?;
        let rows = stmt.query_map(params![who.account, who.name], |r| {
            Ok(Draft {
                county_code: r.get(0)?,
                indicator_id: r.get(1)?,
                text: r.get(2)?,
                saved_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Remembers where the account is in the workspace.
    pub fn save_position(&mut self, who: &Reviewer, position: &Position) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO positions (account, reviewer, indicator_id, county_code, flow, saved_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (account, reviewer) DO UPDATE SET indicator_id = excluded.indicator_id,
                 county_code = excluded.county_code, flow = excluded.flow,
                 saved_at = excluded.saved_at",
            params![
                who.account,
                who.name,
                position.indicator_id,
                position.county_code,
                if position.by_county {
                    "county"
                } else {
                    "indicator"
                },
                now()
            ],
        )?;
        tx.commit()
            .with_context(|| format!("cannot keep your place in {}", self.path.display()))?;
        Ok(())
    }

    /// Where the reviewer left off, if they have used the workspace on this database.
    pub fn position(&self, who: &Reviewer) -> Result<Option<Position>> {
        Ok(self
            .conn
            .query_row(
                "SELECT indicator_id, county_code, flow FROM positions
                 WHERE account = ?1 AND reviewer = ?2",
                params![who.account, who.name],
                |r| {
                    Ok(Position {
                        indicator_id: r.get(0)?,
                        county_code: r.get(1)?,
                        by_county: r.get::<_, String>(2)? == "county",
                    })
                },
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Expected;
    use crate::test_support::{Reviews, new_store, who};

    #[test]
    fn drafts_are_kept_per_account_until_the_note_is_saved() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        // Another reviewer sharing the login: drafts of their own.
        let other = Reviewer {
            name: "李".into(),
            account: "zhang".into(),
        };
        store.save_draft(&who(), "330802", "1.1", "佐证").unwrap();
        store
            .save_draft(&who(), "330802", "1.1", "佐证材料不足")
            .unwrap();
        store
            .save_draft(&other, "330802", "1.1", "别人的草稿")
            .unwrap();
        let drafts = store.drafts(&who()).unwrap();
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].text, "佐证材料不足");
        // Saving the note drops the draft in the same transaction, and only this account's.
        let change = store
            .save_note(
                "330802",
                "1.1",
                "佐证材料不足",
                &Expected::default(),
                &who(),
            )
            .unwrap();
        assert_eq!(change.note, "佐证材料不足");
        assert!(store.drafts(&who()).unwrap().is_empty());
        assert_eq!(store.drafts(&other).unwrap().len(), 1);
        assert_eq!(
            store.item("330802", "1.1").unwrap().note.as_deref(),
            Some("佐证材料不足")
        );
        assert_eq!(store.log().unwrap().len(), 1);
        store.discard_draft(&other, "330802", "1.1").unwrap();
        assert!(store.drafts(&other).unwrap().is_empty());
    }

    #[test]
    fn the_place_is_kept_per_account() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        assert_eq!(store.position(&who()).unwrap(), None);
        let here = Position {
            indicator_id: "3.2".into(),
            county_code: "330825".into(),
            by_county: true,
        };
        store.save_position(&who(), &here).unwrap();
        store.save_position(&who(), &here).unwrap();
        assert_eq!(store.position(&who()).unwrap(), Some(here));
        // Another reviewer on the same login has a place of their own.
        let same_login = Reviewer {
            name: "王".into(),
            account: "zhang".into(),
        };
        assert_eq!(store.position(&same_login).unwrap(), None);
        // A place must name a real indicator and county.
        let nowhere = Position {
            indicator_id: "99.9".into(),
            county_code: "330825".into(),
            by_county: false,
        };
        assert!(store.save_position(&who(), &nowhere).is_err());
    }
}
