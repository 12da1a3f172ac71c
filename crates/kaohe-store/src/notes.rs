//! An item's notes as a thread: each note under its author and time, oldest first. A reviewer
//! writes their own note: it replaces their note when theirs is the thread's latest (fixing
//! what they just wrote), and otherwise goes below the others' as a new one; nobody's note is
//! ever written over by someone else. Written only from inside the review write
//! (reviews.rs), which keeps `reviews.note` as the latest note's text.

use crate::Reviewer;
use anyhow::Result;
use kaohe_core::model::Note;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::HashMap;

pub(crate) fn note_of(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Note> {
    Ok(Note {
        author: r.get(first)?,
        account: r.get(first + 1)?,
        at: r.get(first + 2)?,
        text: r.get(first + 3)?,
    })
}

/// One item's thread, oldest first.
pub(crate) fn thread(
    conn: &Connection,
    county_code: &str,
    indicator_id: &str,
) -> Result<Vec<Note>> {
    let mut stmt = conn.prepare_cached(
        "SELECT author, account, at, text FROM notes
         WHERE indicator_id = ?1 AND county_code = ?2 ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![indicator_id, county_code], |r| note_of(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The notes of one indicator's items for the counties at positions `?2..=?3`. The counties in
/// the range first (by their position's index), then each one's thread by `notes_by_item`: a
/// few rows read, not the indicator's every note (CROSS JOIN keeps SQLite to that order).
pub(crate) const THREADS_IN_RANGE: &str = "SELECT n.county_code, n.author, n.account, n.at, n.text
     FROM counties c CROSS JOIN notes n ON n.indicator_id = ?1 AND n.county_code = c.code
     WHERE c.position BETWEEN ?2 AND ?3 ORDER BY c.position, n.seq";

/// The threads of one indicator's items for the counties at positions `from..=to`, by county
/// code.
pub(crate) fn threads_in_range(
    conn: &Connection,
    indicator_id: &str,
    from: usize,
    to: usize,
) -> Result<HashMap<String, Vec<Note>>> {
    let mut stmt = conn.prepare_cached(THREADS_IN_RANGE)?;
    let mut threads: HashMap<String, Vec<Note>> = HashMap::new();
    let mut rows = stmt.query(params![indicator_id, from as i64, to as i64])?;
    while let Some(r) = rows.next()? {
        threads.entry(r.get(0)?).or_default().push(note_of(r, 1)?);
    }
    Ok(threads)
}

/// Every thread, by (county code, indicator id).
pub(crate) fn all_threads(conn: &Connection) -> Result<HashMap<(String, String), Vec<Note>>> {
    let mut stmt = conn.prepare(
        "SELECT county_code, indicator_id, author, account, at, text FROM notes ORDER BY seq",
    )?;
    let mut threads: HashMap<(String, String), Vec<Note>> = HashMap::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        threads
            .entry((r.get(0)?, r.get(1)?))
            .or_default()
            .push(note_of(r, 2)?);
    }
    Ok(threads)
}

/// The thread's latest note: its number, author, account and text.
fn latest_in(
    conn: &Connection,
    county_code: &str,
    indicator_id: &str,
) -> Result<Option<(i64, String, String, String)>> {
    Ok(conn
        .query_row(
            "SELECT seq, author, account, text FROM notes
             WHERE indicator_id = ?1 AND county_code = ?2 ORDER BY seq DESC LIMIT 1",
            params![indicator_id, county_code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?)
}

/// The latest note's text (empty without a note): what `reviews.note` holds.
pub(crate) fn latest(conn: &Connection, county_code: &str, indicator_id: &str) -> Result<String> {
    Ok(latest_in(conn, county_code, indicator_id)?.map_or_else(String::new, |(.., text)| text))
}

/// The note `who` may change: the thread's latest, when theirs; else none (empty).
pub(crate) fn own(
    conn: &Connection,
    county_code: &str,
    indicator_id: &str,
    who: &Reviewer,
) -> Result<String> {
    Ok(match latest_in(conn, county_code, indicator_id)? {
        Some((_, author, account, text)) if author == who.name && account == who.account => text,
        _ => String::new(),
    })
}

/// Sets `who`'s note to `text` inside the caller's write: their latest note is changed (or,
/// for an empty text, taken away); without one, a non-empty text is a new note at the end.
pub(crate) fn set_own(
    tx: &Transaction<'_>,
    county_code: &str,
    indicator_id: &str,
    text: &str,
    who: &Reviewer,
    at: &str,
) -> Result<()> {
    let mine = latest_in(tx, county_code, indicator_id)?
        .filter(|(_, author, account, _)| *author == who.name && *account == who.account)
        .map(|(seq, ..)| seq);
    match (mine, text.is_empty()) {
        (Some(seq), true) => {
            tx.execute("DELETE FROM notes WHERE seq = ?1", [seq])?;
        }
        (Some(seq), false) => {
            tx.execute(
                "UPDATE notes SET text = ?2, at = ?3 WHERE seq = ?1",
                params![seq, text, at],
            )?;
        }
        (None, true) => {}
        (None, false) => {
            tx.execute(
                "INSERT INTO notes (county_code, indicator_id, author, account, at, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![county_code, indicator_id, who.name, who.account, at, text],
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::test_support::{Changed, Reviews, new_store, seed, who};
    use crate::{Expected, Reviewer, Store};
    use kaohe_core::model::Verdict;
    use rusqlite::Connection;

    fn named(name: &str, account: &str) -> Reviewer {
        Reviewer {
            name: name.into(),
            account: account.into(),
        }
    }

    /// (author, text) of each note of an item's thread.
    fn thread(store: &Store, county: &str, indicator: &str) -> Vec<(String, String)> {
        store
            .item(county, indicator)
            .unwrap()
            .notes
            .into_iter()
            .map(|n| (n.author, n.text))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, t)| (a.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn a_colleagues_verdict_changed_keeps_their_note_under_their_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let (wang, li) = (named("王五", "wang"), named("李四", "li"));
        store
            .review(
                "330824",
                "4.2",
                Some(Some(Verdict::PartlyMet)),
                Some("督导记录不全"),
                &wang,
            )
            .unwrap();
        // 李四 gives another verdict: the note stays 王五's, the verdict becomes 李四's.
        let change = store
            .review("330824", "4.2", Some(Some(Verdict::Met)), None, &li)
            .unwrap();
        assert_eq!((change.from_note.as_str(), change.note.as_str()), ("", ""));
        let item = store.item("330824", "4.2").unwrap();
        assert_eq!(item.verdict, Some(Verdict::Met));
        assert_eq!(item.reviewer.as_deref(), Some("李四"));
        assert_eq!(item.note.as_deref(), Some("督导记录不全"));
        assert_eq!(
            thread(&store, "330824", "4.2"),
            pairs(&[("王五", "督导记录不全")])
        );
        assert_eq!(item.notes[0].account, "wang");

        // 李四's note goes below 王五's; writing it again changes 李四's own, the latest.
        store
            .review("330824", "4.2", None, Some("已核实"), &li)
            .unwrap();
        store
            .review("330824", "4.2", None, Some("已核实，材料齐全"), &li)
            .unwrap();
        assert_eq!(
            thread(&store, "330824", "4.2"),
            pairs(&[("王五", "督导记录不全"), ("李四", "已核实，材料齐全")])
        );
        // A note alone leaves the verdict under whoever gave it.
        let c = store
            .review("330824", "4.2", None, Some("同意"), &wang)
            .unwrap();
        assert_eq!((c.from_note.as_str(), c.note.as_str()), ("", "同意"));
        let item = store.item("330824", "4.2").unwrap();
        assert_eq!(item.reviewer.as_deref(), Some("李四"));
        assert_eq!(item.note.as_deref(), Some("同意"), "the latest note's text");
        // The same verdict given again with a note does not take the verdict over either.
        store
            .review(
                "330824",
                "4.2",
                Some(Some(Verdict::Met)),
                Some("同意，已复核"),
                &wang,
            )
            .unwrap();
        assert_eq!(
            store.item("330824", "4.2").unwrap().reviewer.as_deref(),
            Some("李四")
        );
        assert_eq!(
            thread(&store, "330824", "4.2"),
            pairs(&[
                ("王五", "督导记录不全"),
                ("李四", "已核实，材料齐全"),
                ("王五", "同意，已复核")
            ])
        );
        // An empty note takes one's own latest note away, and nobody else's.
        store
            .review("330824", "4.2", None, Some(""), &wang)
            .unwrap();
        store
            .review("330824", "4.2", None, Some(""), &wang)
            .unwrap();
        assert_eq!(
            thread(&store, "330824", "4.2"),
            pairs(&[("王五", "督导记录不全"), ("李四", "已核实，材料齐全")])
        );
        // The log says whose note changed: each event's own reviewer's.
        let notes: Vec<(String, String, String)> = store
            .log()
            .unwrap()
            .into_iter()
            .filter(|e| e.note != e.from_note)
            .map(|e| (e.reviewer, e.from_note, e.note))
            .collect();
        assert_eq!(notes[0], ("王五".into(), "".into(), "督导记录不全".into()));
        assert_eq!(
            notes.last().unwrap(),
            &("王五".into(), "同意，已复核".into(), "".into())
        );
        // Every note is found.
        let found = store.notes().unwrap();
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn a_note_is_refused_only_when_ones_own_note_changed_underneath() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let (wang, li) = (named("王五", "wang"), named("李四", "li"));
        store
            .review("330802", "1.1", None, Some("甲"), &li)
            .unwrap();
        // 李四 began editing "甲"; 王五 wrote below it: 李四's "甲" is no longer the latest.
        store
            .review("330802", "1.1", None, Some("乙"), &wang)
            .unwrap();
        let editing = Expected {
            verdict: None,
            note: Some("甲".into()),
        };
        let e = store
            .save_note("330802", "1.1", "甲改", &editing, &li)
            .unwrap_err();
        assert!(e.is::<Changed>());
        // A new note of 李四's, begun when the latest was someone else's, is saved below.
        let fresh = Expected {
            verdict: None,
            note: Some(String::new()),
        };
        store.save_note("330802", "1.1", "丙", &fresh, &li).unwrap();
        assert_eq!(
            thread(&store, "330802", "1.1"),
            pairs(&[("李四", "甲"), ("王五", "乙"), ("李四", "丙")])
        );
        // One name on another account is another reviewer.
        let other_li = named("李四", "li2");
        store
            .review("330802", "1.1", None, Some("丁"), &other_li)
            .unwrap();
        assert_eq!(thread(&store, "330802", "1.1").len(), 4);
    }

    #[test]
    fn an_older_databases_note_becomes_its_threads_first_under_whoever_wrote_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v9.db");
        Store::create_file(&path, || Ok(seed()), &who(), 9).unwrap();
        {
            let c = Connection::open(&path).unwrap();
            // As kaohe before threads left it: 王五 marked 4.2 with a note, 李四's verdict
            // then took the review (and the note) under his name.
            c.execute_batch(
                "INSERT INTO review_log (at, reviewer, account, county_code, indicator_id,
                     from_verdict, to_verdict, from_note, note) VALUES
                 ('2026-11-29T09:30:00+08:00', '王五', 'wang', '330824', '4.2', NULL,
                     'partly_met', '', '督导记录不全'),
                 ('2026-11-29T10:00:00+08:00', '李四', 'li', '330824', '4.2', 'partly_met',
                     'met', '督导记录不全', '督导记录不全'),
                 ('2026-11-29T11:00:00+08:00', '张三', 'zhang', '330802', '1.1', NULL,
                     'met', '', ''),
                 ('2026-11-29T11:05:00+08:00', '赵六', 'zhao', '330802', '1.1', 'met',
                     'met', '', '请补充台账');
                 INSERT INTO reviews VALUES
                 ('330824', '4.2', 'met', '督导记录不全', '李四', 'li',
                     '2026-11-29T10:00:00+08:00', 1),
                 ('330802', '1.1', 'met', '请补充台账', '赵六', 'zhao',
                     '2026-11-29T11:05:00+08:00', 1),
                 ('330803', '1.1', NULL, '日志之前的备注', '钱七', 'qian',
                     '2014-12-01T09:00:00+08:00', 1);",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let item = store.item("330824", "4.2").unwrap();
        assert_eq!(
            item.reviewer.as_deref(),
            Some("李四"),
            "who gave the verdict"
        );
        assert_eq!(item.note.as_deref(), Some("督导记录不全"));
        assert_eq!(item.notes.len(), 1);
        assert_eq!(
            (
                item.notes[0].author.as_str(),
                item.notes[0].account.as_str()
            ),
            ("王五", "wang")
        );
        assert_eq!(item.notes[0].at, "2026-11-29T09:30:00+08:00");
        // A note written over someone's verdict put the verdict under the note's writer: the
        // log gives it back to whoever gave it.
        let item = store.item("330802", "1.1").unwrap();
        assert_eq!(item.reviewer.as_deref(), Some("张三"));
        assert_eq!(
            item.reviewed_at.as_deref(),
            Some("2026-11-29T11:00:00+08:00")
        );
        assert_eq!(
            thread(&store, "330802", "1.1"),
            pairs(&[("赵六", "请补充台账")])
        );
        // With nothing in the log, the note is the review's reviewer's.
        assert_eq!(
            thread(&store, "330803", "1.1"),
            pairs(&[("钱七", "日志之前的备注")])
        );
        assert_eq!(
            store.item("330803", "1.1").unwrap().notes[0].at,
            "2014-12-01T09:00:00+08:00"
        );
    }
}
