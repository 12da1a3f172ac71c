//! The schema, as numbered migrations, each a file in `migrations/` executed as it is.
//! `PRAGMA user_version` holds how many have been applied. Never edit a migration that has
//! shipped (a test below pins every file's bytes): add the next one.

use crate::Store;
use anyhow::{Context, Result};
use rusqlite::Transaction;

pub const MIGRATIONS: &[&str] = &[
    // 1: the assessment, its targets and indicators, the counties, submissions, reviews and the log.
    include_str!("../migrations/0001_assessment_submissions_reviews_log.sql"),
    // 2: where each submission came from — one row per import, for the audit trail.
    include_str!("../migrations/0002_imports.sql"),
    // 3: the workspace: where each reviewer left off, and notes being typed (drafts), kept
    // while they are typed so that a dropped connection loses nothing. A reviewer is the OS
    // account with the name given (several may share one login, each with --reviewer).
    include_str!("../migrations/0003_positions_and_drafts.sql"),
    // 4: who is in a workspace right now, and where: one row per open workspace, refreshed
    // while it runs and removed when it ends (a row not seen for a minute is stale).
    include_str!("../migrations/0004_sessions.sql"),
    // 5: scores and "changed since reviewed". Points are data (the notice gives none): each
    // class a weight, each target points, each indicator its share (a database made before
    // this gets the defaults: 10 per target, shared equally), a 基本完成 band, 一票否决 and a
    // deduction. A submission's revision counts changes of its figure; a review records the
    // revision it was given on, so a figure changed since is seen.
    include_str!("../migrations/0005_scores_and_revisions.sql"),
    // 6: a verdict can only be behind a figure changed since its import (revision > 1) or
    // given before there was a figure (revision 0): two small indexes find them without joining
    // every review to its submission (60 ms at national scale, at every start). And a bare
    // number ≤ 1 from a workbook's number cell for a percentage (maybe 75% kept as 0.75) is
    // remembered with its submission.
    include_str!("../migrations/0006_stale_indexes_and_bare_fraction.sql"),
    // 7: the registry of reviewers: who may mark, by OS account (uid), with the name their
    // work is recorded under, division and role; removing keeps the entry (inactive), and every
    // change is logged, append-only.
    include_str!("../migrations/0007_reviewers.sql"),
    // 8: which host and process holds each open workspace, so that one whose process has
    // ended is gone at once, not after the timeout.
    include_str!("../migrations/0008_session_process.sql"),
    // 9: long writes under way (an import), who runs them and from which process, so that a
    // workspace waiting for the write lock can say for whom.
    include_str!("../migrations/0009_long_writes.sql"),
    // 10: a county's own assessment (自评结果, 自评分) beside its figures, and the items each
    // reviewer has put aside for later.
    include_str!("../migrations/0010_self_assessment_and_set_aside.sql"),
    // 11: the second review (复核): a checker's verdict beside the first, the first
    // verdict it was given on, the reason for a change; every decision logged.
    include_str!("../migrations/0011_second_reviews.sql"),
    // 12: sign-off (审定): locks on the assessment or a target, their log, and
    // triggers that refuse any write a lock covers.
    include_str!("../migrations/0012_locks.sql"),
    // 13: who owns what: a target, an indicator or a county belongs to a division or to one
    // reviewer; every change logged, append-only.
    include_str!("../migrations/0013_owners.sql"),
    // 14: an item's notes as a thread, each under its author; the existing note becomes the
    // first, by whoever the log says wrote it; a verdict is under whoever gave it.
    include_str!("../migrations/0014_note_threads.sql"),
    // 15 (issue 17): each indicator's rule shape, the bonus cap and the
    // grades; the reviewer's findings (cases counted, 不计分 with its reason) and their log;
    // the log of scorings applied, which open workspaces watch; sign-off covers them all.
    include_str!("../migrations/0015_rules_grades_findings.sql"),
    // 16 (issue 17): the verified figure (核定值) beside the county's, with its reason and who
    // recorded it; every change logged, append-only; a lock covers it like a review.
    include_str!("../migrations/0016_verified_figures.sql"),
    // 17 (issue 16): a figure written in another unit than its indicator's and converted
    // exactly on import (15‰ kept as 1.5%) remembers what it was written as.
    include_str!("../migrations/0017_converted_from.sql"),
    // 18 (issue 18): the evidence counties send (each file kept once by its SHA-256 beside the
    // database; what came from whom under which name, what each item cites) and the requests
    // for more (退回补充), closed by the import that brings new evidence.
    include_str!("../migrations/0018_evidence_and_requests.sql"),
    // 19 (issue 19): counties found by their place in the list, so the workspace reads the
    // few counties a move brings on screen by an indexed range.
    include_str!("../migrations/0019_counties_by_position.sql"),
];

/// The migration that brought rule shapes, grades and findings (issue 17).
const RULES: &str = include_str!("../migrations/0015_rules_grades_findings.sql");

/// The schema version from which a database keeps rule shapes, grades and findings: found by
/// the migration itself, so that renumbering the list cannot make it wrong.
pub(crate) fn with_rules() -> u32 {
    MIGRATIONS
        .iter()
        .position(|m| *m == RULES)
        .map_or(u32::MAX, |p| p as u32 + 1)
}

/// The schema version this build writes.
pub fn latest() -> u32 {
    MIGRATIONS.len() as u32
}

/// Makes the schema at `version` in a new database, inside its first write.
pub(crate) fn create(tx: &Transaction<'_>, version: u32) -> Result<()> {
    for sql in MIGRATIONS.iter().take(version as usize) {
        tx.execute_batch(sql).context("creating the schema")?;
    }
    tx.pragma_update(None, "user_version", version)?;
    Ok(())
}

impl Store {
    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Applies the migrations an older database lacks, up to `upto`, in one transaction.
    pub(crate) fn migrate(&mut self, upto: u32) -> Result<()> {
        let shown = self.path.display().to_string();
        let tx = self.write()?;
        // Read again inside the write lock: another process may have migrated meanwhile.
        let current: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current >= upto {
            return Ok(());
        }
        for (i, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .take(upto as usize)
            .skip(current as usize)
        {
            tx.execute_batch(sql)
                .with_context(|| format!("{shown}: schema migration {} failed", i + 1))?;
        }
        tx.pragma_update(None, "user_version", upto)?;
        tx.commit()
            .with_context(|| format!("{shown}: cannot save the schema upgrade"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{seed, who};
    use kaohe_core::model::Verdict;
    use rusqlite::Connection;

    /// FNV-1a, 64 bits: a fingerprint that no Rust release changes (std's hasher may).
    fn fingerprint(text: &str) -> u64 {
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }

    #[test]
    fn the_shipped_migrations_are_byte_for_byte_as_shipped() {
        // (length in bytes, fingerprint) of each shipped migration. A new migration adds a
        // line here; a changed line means a shipped migration was edited: undo that.
        let shipped: [(usize, u64); 19] = [
            (2941, 0x4f02_ff44_88a9_8a95),
            (281, 0x2910_59a9_217d_2899),
            (713, 0x3fd3_683b_d9e3_1f21),
            (266, 0x5bc8_15ec_5f0f_07b3),
            (838, 0x1386_884f_32a3_9b53),
            (298, 0x607f_db64_0bbb_a590),
            (1488, 0xbb0b_eeb1_151a_43ab),
            // 0008_session_process.sql
            (398, 0x2287_5d7f_d460_266e),
            // 0009_long_writes.sql
            (701, 0x87fb_f66c_91e8_6f5a),
            // 0010_self_assessment_and_set_aside.sql
            (1105, 0x713e_36ff_ff65_ed8c),
            // 0011_second_reviews.sql
            (2058, 0x05c8_1c52_0248_358a),
            // 0012_locks.sql
            (4396, 0xd956_1bce_a369_eb50),
            // 0013_owners.sql
            (1322, 0x6198_edc8_0edf_8fe9),
            // 0014_note_threads.sql
            (3458, 0xcac1_b1e7_b34f_9730),
            // 0015_rules_grades_findings.sql (issue 17)
            (3959, 0xf654_4728_3367_aab4),
            // 0016_verified_figures.sql (issue 17)
            (2942, 0x8ccb_c3f4_5307_9df9),
            // 0017_converted_from.sql (issue 16)
            (242, 0xcaa8_f2f8_3d85_9e00),
            // 0018_evidence_and_requests.sql (issue 18)
            (4011, 0x2194_8add_3c13_3c7e),
            // 0019_counties_by_position.sql (issue 19)
            (241, 0x99b5_1454_2686_95fc),
        ];
        let held: Vec<(usize, u64)> = MIGRATIONS
            .iter()
            .map(|sql| (sql.len(), fingerprint(sql)))
            .collect();
        assert_eq!(held, shipped);
    }

    #[test]
    fn each_migration_file_is_numbered_by_its_place_in_the_list() {
        // The schema version is the place in MIGRATIONS: a file numbered otherwise (two
        // branches each taking "the next" number) would make a database skip or rerun one.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        names.sort();
        assert_eq!(names.len(), MIGRATIONS.len(), "{names:?}");
        for (place, name) in names.iter().enumerate() {
            assert!(
                name.starts_with(&format!("{:04}_", place + 1)),
                "{name} is migration {}",
                place + 1
            );
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            assert_eq!(
                text,
                MIGRATIONS[place],
                "{name} is not the list's {}",
                place + 1
            );
        }
    }

    #[test]
    fn an_older_schema_is_upgraded_keeping_its_reviews() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        Store::create_file(&path, || Ok(seed()), &who(), 1).unwrap();
        {
            let c = Connection::open(&path).unwrap();
            let v: u32 = c
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap();
            assert_eq!(v, 1);
            c.execute(
                "INSERT INTO reviews VALUES ('330802', '1.1', 'met', '旧笔记', '李', 'li', '2014-12-01T09:00:00+08:00')",
                [],
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), crate::latest_schema());
        let item = store
            .items()
            .unwrap()
            .into_iter()
            .find(|i| i.county_code == "330802" && i.indicator == "1.1")
            .unwrap();
        assert_eq!(item.verdict, Some(Verdict::Met));
        assert_eq!(item.note.as_deref(), Some("旧笔记"));
        let imports: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM imports", [], |r| r.get(0))
            .unwrap();
        assert_eq!(imports, 0);
    }

    #[test]
    fn a_database_signed_off_before_note_threads_upgrades_and_stays_locked() {
        // Version 12: a review whose note 李 wrote over 张's verdict, then the whole
        // assessment locked. Putting the verdict back under 张 is no change a lock refuses.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v12.db");
        Store::create_file(&path, || Ok(seed()), &who(), 12).unwrap();
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "INSERT INTO reviews (county_code, indicator_id, verdict, note, reviewer, account,
                     reviewed_at, revision)
                 VALUES ('330802', '1.1', 'met', '台账齐全', '李', 'li',
                     '2026-12-01T10:00:00+08:00', 0);
                 INSERT INTO review_log (at, reviewer, account, county_code, indicator_id,
                     from_verdict, to_verdict, from_note, note)
                 VALUES ('2026-12-01T09:00:00+08:00', '张', 'zhang', '330802', '1.1',
                     NULL, 'met', '', ''),
                     ('2026-12-01T10:00:00+08:00', '李', 'li', '330802', '1.1',
                     'met', 'met', '', '台账齐全');
                 INSERT INTO locks (target_id, locked_by, account, locked_at, reason)
                 VALUES (NULL, '王五', 'wangwu', '2026-12-02T10:00:00+08:00', '');",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), crate::latest_schema());
        let item = store.item("330802", "1.1").unwrap();
        assert_eq!(item.reviewer.as_deref(), Some("张"), "the verdict is 张's");
        let notes: Vec<(&str, &str)> = item
            .notes
            .iter()
            .map(|n| (n.author.as_str(), n.text.as_str()))
            .collect();
        assert_eq!(notes, [("李", "台账齐全")]);
        assert!(item.stages.signed_off);
        // The lock's triggers hold as before, on the reviews and on the notes.
        for sql in [
            "UPDATE reviews SET verdict = 'not_met'",
            "DELETE FROM notes",
        ] {
            let e = store.conn.execute(sql, []).unwrap_err();
            assert!(e.to_string().contains("已审定"), "{sql}: {e}");
        }
    }

    #[test]
    fn an_older_database_gets_the_default_points() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v4.db");
        Store::create_file(&path, || Ok(seed()), &who(), 4).unwrap();
        let store = Store::open(&path).unwrap();
        let catalog = store.catalog().unwrap();
        assert_eq!(
            catalog,
            seed().catalog,
            "the 2014 targets give no points: the defaults"
        );
        let status = store.status().unwrap();
        assert_eq!(status.counties[0].max_score, 120.0);
    }
}
