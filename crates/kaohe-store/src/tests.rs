use super::*;
use kaohe_core::catalog::{DEMO_SUBMISSIONS_2014, embedded_counties};

/// The item had changed since it was read: the test spelling of [`Written::Conflict`].
#[derive(Debug, thiserror::Error)]
#[error("changed since it was read")]
struct Changed;

/// The shapes these tests write reviews in, each through the one entry point
/// ([`Store::write_review`]), answering the change written or [`Changed`].
trait Reviews {
    fn review(
        &mut self,
        county_code: &str,
        indicator_id: &str,
        verdict: Option<Option<Verdict>>,
        note: Option<&str>,
        who: &Reviewer,
    ) -> Result<ReviewChange>;

    #[allow(clippy::too_many_arguments)]
    fn review_if(
        &mut self,
        county_code: &str,
        indicator_id: &str,
        expected: &Expected,
        verdict: Option<Option<Verdict>>,
        note: Option<&str>,
        put_back_revision: Option<i64>,
        who: &Reviewer,
    ) -> Result<ReviewChange>;

    fn save_note(
        &mut self,
        county_code: &str,
        indicator_id: &str,
        note: &str,
        expected: &Expected,
        who: &Reviewer,
    ) -> Result<ReviewChange>;
}

fn saved(written: Written) -> Result<ReviewChange> {
    match written {
        Written::Saved { change, .. } => Ok(change),
        Written::Conflict { .. } => Err(Changed.into()),
    }
}

impl Reviews for Store {
    fn review(
        &mut self,
        county_code: &str,
        indicator_id: &str,
        verdict: Option<Option<Verdict>>,
        note: Option<&str>,
        who: &Reviewer,
    ) -> Result<ReviewChange> {
        self.review_if(
            county_code,
            indicator_id,
            &Expected::default(),
            verdict,
            note,
            None,
            who,
        )
    }

    fn review_if(
        &mut self,
        county_code: &str,
        indicator_id: &str,
        expected: &Expected,
        verdict: Option<Option<Verdict>>,
        note: Option<&str>,
        put_back_revision: Option<i64>,
        who: &Reviewer,
    ) -> Result<ReviewChange> {
        let mut write = ReviewWrite::new(county_code, indicator_id)
            .expecting(expected.clone())
            .putting_back(put_back_revision);
        write.verdict = verdict;
        write.note = note.map(str::to_string);
        saved(self.write_review(&write, who)?)
    }

    fn save_note(
        &mut self,
        county_code: &str,
        indicator_id: &str,
        note: &str,
        expected: &Expected,
        who: &Reviewer,
    ) -> Result<ReviewChange> {
        let write = ReviewWrite::new(county_code, indicator_id)
            .note(note)
            .expecting(expected.clone())
            .dropping_draft();
        saved(self.write_review(&write, who)?)
    }
}

fn who() -> Reviewer {
    Reviewer {
        name: "张审核".into(),
        account: "zhang".into(),
    }
}

fn seed() -> Seed {
    Seed {
        catalog: Catalog::embedded_2014().unwrap(),
        counties: embedded_counties().unwrap(),
        submissions: None,
    }
}

fn new_store(dir: &tempfile::TempDir) -> Store {
    Store::create(&dir.path().join("k.db"), &seed(), &who()).unwrap()
}

#[test]
fn a_new_database_holds_the_catalog_and_counties() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(&dir);
    assert_eq!(store.catalog().unwrap(), Catalog::embedded_2014().unwrap());
    assert_eq!(store.counties().unwrap(), embedded_counties().unwrap());
    assert_eq!(store.schema_version().unwrap(), latest_schema());
    let mode: String = store
        .conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: bool = store
        .conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert!(fk);
}

#[cfg(unix)]
#[test]
fn a_new_database_has_no_world_access() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(&dir);
    let mode = std::fs::metadata(store.path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o007, 0, "mode {mode:o}");
}

#[test]
fn creating_over_an_existing_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(&dir);
    let before = std::fs::read(store.path()).unwrap();
    let e = Store::create(store.path(), &seed(), &who()).err().unwrap();
    assert!(e.to_string().contains("already exists"), "{e}");
    assert_eq!(std::fs::read(store.path()).unwrap(), before);
}

fn assert_refused_untouched(path: &Path, expect: &str) {
    let before = std::fs::read(path).unwrap();
    let e = format!("{:#}", Store::open(path).err().expect("must refuse"));
    assert!(e.contains(expect), "{e}");
    assert!(e.contains(&path.display().to_string()), "{e}");
    assert_eq!(std::fs::read(path).unwrap(), before, "file changed");
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    assert!(!wal.exists(), "a -wal file appeared");
}

#[test]
fn random_bytes_are_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("random.db");
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, bytes).unwrap();
    assert_refused_untouched(&path, "not a kaohe database (it is not a SQLite file)");
    std::fs::write(&path, b"tiny").unwrap();
    assert_refused_untouched(&path, "not a SQLite file");
}

#[test]
fn another_applications_sqlite_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('hi');")
            .unwrap();
    }
    assert_refused_untouched(&path, "another application's SQLite file");
}

#[test]
fn a_newer_schema_is_refused_with_its_version_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_store(&dir).path().to_path_buf();
    {
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    assert_refused_untouched(&path, "schema version 99");
}

#[test]
fn an_older_schema_is_upgraded_keeping_its_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    Store::create_file(&path, &seed(), &who(), 1).unwrap();
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
fn an_empty_file_is_not_opened_but_can_be_created_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    assert!(Store::open(&path).is_err());
    let store = Store::open_or_create(&path, || Ok(seed()), &who()).unwrap();
    assert_eq!(store.counties().unwrap().len(), 6);
}

#[test]
fn reviews_are_logged_change_by_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(&dir);
    let w = who();
    let c = store
        .review("330802", "1.2", Some(Some(Verdict::Met)), None, &w)
        .unwrap();
    assert!(c.changed());
    // The same again changes nothing and logs nothing.
    let c = store
        .review("330802", "1.2", Some(Some(Verdict::Met)), None, &w)
        .unwrap();
    assert!(!c.changed());
    store
        .review(
            "330802",
            "1.2",
            Some(Some(Verdict::NotMet)),
            Some("佐证材料不足"),
            &w,
        )
        .unwrap();
    store
        .review("330802", "1.2", None, Some("佐证材料不足,台账不全"), &w)
        .unwrap();
    store.review("330802", "1.2", Some(None), None, &w).unwrap();

    let log = store.log().unwrap();
    let steps: Vec<_> = log
        .iter()
        .map(|e| (e.from, e.to, e.note.as_str()))
        .collect();
    assert_eq!(
        steps,
        vec![
            (None, Some(Verdict::Met), ""),
            (Some(Verdict::Met), Some(Verdict::NotMet), "佐证材料不足"),
            (
                Some(Verdict::NotMet),
                Some(Verdict::NotMet),
                "佐证材料不足,台账不全"
            ),
            (Some(Verdict::NotMet), None, "佐证材料不足,台账不全"),
        ]
    );
    assert!(
        log.iter()
            .all(|e| e.reviewer == "张审核" && e.account == "zhang")
    );
    assert!(
        log.iter()
            .all(|e| chrono::DateTime::parse_from_rfc3339(&e.at).is_ok())
    );

    // A cleared verdict keeps its note.
    let item = store
        .items()
        .unwrap()
        .into_iter()
        .find(|i| i.county_code == "330802" && i.indicator == "1.2")
        .unwrap();
    assert_eq!(item.verdict, None);
    assert_eq!(item.note.as_deref(), Some("佐证材料不足,台账不全"));
}

#[test]
fn the_log_cannot_be_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(&dir);
    store
        .review("330802", "1.2", Some(Some(Verdict::Met)), None, &who())
        .unwrap();
    assert!(
        store
            .conn
            .execute("UPDATE review_log SET to_verdict = 'not_met'", [])
            .is_err()
    );
    assert!(store.conn.execute("DELETE FROM review_log", []).is_err());
    assert_eq!(store.log().unwrap().len(), 1);
}

#[test]
fn reimport_replaces_submissions_and_status_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(&dir);
    let lookup = store.lookup().unwrap();
    let first = kaohe_core::formats::import::parse_csv(
        "county,indicator,value\n柯城区,1.2,65%\n衢江区,1.2,71%\n",
        "a.csv",
        &lookup,
    )
    .unwrap();
    store.import_submissions(&first, "a.csv", &who()).unwrap();
    let second = kaohe_core::formats::import::parse_csv(
        "county,indicator,value\n柯城区,1.2,72%\n",
        "b.csv",
        &lookup,
    )
    .unwrap();
    store.import_submissions(&second, "b.csv", &who()).unwrap();
    let items = store.items().unwrap();
    let value = |code: &str| {
        items
            .iter()
            .find(|i| i.county_code == code && i.indicator == "1.2")
            .and_then(|i| i.value_number)
    };
    assert_eq!(value("330802"), Some(72.0));
    assert_eq!(value("330803"), Some(71.0));

    store
        .review("330802", "1.2", Some(Some(Verdict::Met)), None, &who())
        .unwrap();
    store
        .review(
            "330803",
            "1.2",
            Some(Some(Verdict::PartlyMet)),
            None,
            &who(),
        )
        .unwrap();
    let status = store.status().unwrap();
    let indicators = Catalog::embedded_2014().unwrap().indicators().count() as i64;
    assert_eq!(status.progress.total, 6 * indicators);
    assert_eq!(status.progress.reviewed, 2);
    assert_eq!(status.progress.submitted, 2);
    assert_eq!(status.progress.met, 1);
    assert_eq!(status.progress.partly_met, 1);
    assert_eq!(status.counties[0].progress.reviewed, 1);
    assert_eq!(status.counties[0].progress.total, indicators);
    assert_eq!(status.targets[0].progress.reviewed, 2);
    assert_eq!(status.targets[1].progress.reviewed, 0);
}

#[test]
fn a_demo_database_holds_every_demo_submission() {
    let dir = tempfile::tempdir().unwrap();
    let base = seed();
    let lookup = Lookup::from_parts(&base.catalog, &base.counties);
    let rows =
        kaohe_core::formats::import::parse_csv(DEMO_SUBMISSIONS_2014, "demo.csv", &lookup).unwrap();
    let demo = Seed {
        submissions: Some((rows, "demo.csv".to_string())),
        ..base
    };
    let store = Store::create(&dir.path().join("demo.db"), &demo, &who()).unwrap();
    let status = store.status().unwrap();
    assert_eq!(status.progress.submitted, status.progress.total);
    assert_eq!(status.progress.reviewed, 0);
}

#[test]
fn two_processes_creating_one_database_at_once_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.db");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || {
                Store::open_or_create(&path, || Ok(seed()), &who())
                    .map(|s| s.counties().unwrap().len())
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().unwrap(), 6);
    }
}

#[test]
fn a_newer_schema_behind_a_live_wal_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_store(&dir).path().to_path_buf();
    let writer = Connection::open(&path).unwrap();
    writer.pragma_update(None, "user_version", 9).unwrap();
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    assert!(
        wal.metadata().unwrap().len() > 0,
        "the change should sit in the WAL"
    );
    let before = std::fs::read(&path).unwrap();
    let e = format!("{:#}", Store::open(&path).err().expect("must refuse"));
    assert!(e.contains("schema version 9"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(
        wal.metadata().unwrap().len() > 0,
        "the WAL was checkpointed"
    );
    drop(writer);
}

#[test]
fn an_interrupted_creation_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("half.db");
    {
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        c.execute_batch("CREATE TABLE x (y);").unwrap();
    }
    assert_refused_untouched(&path, "incomplete kaohe database");
}

#[test]
fn not_a_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let e = format!("{:#}", Store::open(dir.path()).err().unwrap());
    assert!(e.contains("is not a regular file"), "{e}");
}

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

#[test]
fn a_conditional_review_never_overwrites_a_change_it_did_not_see() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(&dir);
    store
        .review("330802", "1.1", Some(Some(Verdict::Met)), None, &who())
        .unwrap();
    // Someone else changes it.
    store
        .review(
            "330802",
            "1.1",
            Some(Some(Verdict::NotMet)),
            Some("复核"),
            &who(),
        )
        .unwrap();
    let e = store
        .review_if(
            "330802",
            "1.1",
            &Expected {
                verdict: Some(Some(Verdict::Met)),
                note: Some(String::new()),
            },
            Some(None),
            Some(""),
            None,
            &who(),
        )
        .unwrap_err();
    assert!(e.is::<Changed>());
    assert_eq!(store.log().unwrap().len(), 2, "nothing written");
    let change = store
        .review_if(
            "330802",
            "1.1",
            &Expected {
                verdict: Some(Some(Verdict::NotMet)),
                note: Some("复核".into()),
            },
            Some(None),
            Some(""),
            None,
            &who(),
        )
        .unwrap();
    assert_eq!(change.to, None);
    assert_eq!(store.log().unwrap().len(), 3);
}

#[test]
fn a_note_typed_over_another_reviewers_new_note_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(&dir);
    // Editing began on an empty note; meanwhile someone wrote one.
    store
        .review("330802", "1.1", None, Some("他人的备注"), &who())
        .unwrap();
    let expected = Expected {
        verdict: None,
        note: Some(String::new()),
    };
    let e = store
        .save_note("330802", "1.1", "我的备注", &expected, &who())
        .unwrap_err();
    assert!(e.is::<Changed>());
    assert_eq!(
        store.item("330802", "1.1").unwrap().note.as_deref(),
        Some("他人的备注")
    );
}

/// One submission row for 柯城区 × `indicator`.
fn row(indicator: &str, value: &str, evidence: &str) -> SubmissionRow {
    SubmissionRow {
        line: 2,
        county_code: "330802".into(),
        indicator_id: indicator.into(),
        submission: kaohe_core::model::Submission {
            value: value.into(),
            value_number: kaohe_core::figure::parse_figure(value).number(),
            evidence: evidence.into(),
            ..Default::default()
        },
    }
}

fn stale(store: &Store) -> Vec<(String, String)> {
    store.changed_since_review().unwrap()
}

#[test]
fn a_figure_changed_after_its_verdict_is_marked_until_reviewed_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(&dir);
    let w = who();
    store
        .import_submissions(
            &[row("1.2", "65%", "a.pdf"), row("1.3", "55%", "")],
            "一.csv",
            &w,
        )
        .unwrap();
    store
        .review(
            "330802",
            "1.2",
            Some(Some(Verdict::NotMet)),
            Some("未达标"),
            &w,
        )
        .unwrap();
    store
        .review("330802", "1.3", Some(Some(Verdict::Met)), None, &w)
        .unwrap();
    assert!(stale(&store).is_empty());

    // A corrected sheet: 1.2's figure changes; 1.3 is sent again unchanged but for its evidence.
    store
        .import_submissions(
            &[row("1.2", "72%", "a.pdf"), row("1.3", "55%", "b.pdf")],
            "二.csv",
            &w,
        )
        .unwrap();
    assert_eq!(stale(&store), [("330802".to_string(), "1.2".to_string())]);
    let item = store.item("330802", "1.2").unwrap();
    assert!(item.changed_since_review);
    assert_eq!(item.verdict, Some(Verdict::NotMet), "the verdict is kept");
    assert!(!store.item("330802", "1.3").unwrap().changed_since_review);
    let status = store.status().unwrap();
    assert_eq!(status.progress.changed_since_review, 1);
    assert_eq!(status.counties[0].progress.changed_since_review, 1);

    // A note alone is not a review of the new figure.
    store
        .review("330802", "1.2", None, Some("已收到更正"), &w)
        .unwrap();
    assert_eq!(stale(&store).len(), 1);
    // The same verdict given again is: written and logged although it is the same.
    let before = store.log().unwrap().len();
    let c = store
        .review("330802", "1.2", Some(Some(Verdict::NotMet)), None, &w)
        .unwrap();
    assert!(c.confirmed && c.changed());
    assert!(stale(&store).is_empty());
    assert_eq!(store.log().unwrap().len(), before + 1);
    // And given again once more, it changes nothing.
    let c = store
        .review("330802", "1.2", Some(Some(Verdict::NotMet)), None, &w)
        .unwrap();
    assert!(!c.changed());

    // A verdict given before anything was submitted is stale once a figure arrives.
    store
        .review("330802", "1.4", Some(Some(Verdict::NotMet)), None, &w)
        .unwrap();
    store
        .import_submissions(&[row("1.4", "是", "")], "三.csv", &w)
        .unwrap();
    assert_eq!(stale(&store), [("330802".to_string(), "1.4".to_string())]);
}

#[test]
fn an_older_database_gets_the_default_points() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.db");
    Store::create_file(&path, &seed(), &who(), 4).unwrap();
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

#[test]
fn an_undone_review_of_a_changed_figure_is_marked_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(&dir);
    let w = who();
    store
        .import_submissions(&[row("1.2", "65%", "")], "一.csv", &w)
        .unwrap();
    store
        .review("330802", "1.2", Some(Some(Verdict::NotMet)), None, &w)
        .unwrap();
    store
        .import_submissions(&[row("1.2", "72%", "")], "二.csv", &w)
        .unwrap();
    // Reviewed on the new figure, then the reviewer takes it back: the old verdict was given
    // on the old figure, and says so again.
    let change = store
        .review("330802", "1.2", Some(Some(Verdict::Met)), None, &w)
        .unwrap();
    assert_eq!(
        (change.from_revision, change.to_revision),
        (Some(1), Some(2))
    );
    assert!(stale(&store).is_empty());
    let expected = Expected {
        verdict: Some(Some(Verdict::Met)),
        note: Some(String::new()),
    };
    store
        .review_if(
            "330802",
            "1.2",
            &expected,
            Some(Some(Verdict::NotMet)),
            Some(""),
            change.from_revision,
            &w,
        )
        .unwrap();
    assert_eq!(stale(&store), [("330802".to_string(), "1.2".to_string())]);
    assert_eq!(
        store.item("330802", "1.2").unwrap().verdict,
        Some(Verdict::NotMet)
    );
}

#[test]
fn a_redo_after_a_re_import_puts_back_the_figure_the_verdict_was_given_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(&dir);
    let w = who();
    store
        .import_submissions(&[row("1.2", "65%", "")], "一.csv", &w)
        .unwrap();
    store
        .review("330802", "1.2", Some(Some(Verdict::NotMet)), None, &w)
        .unwrap();
    let met = store
        .review("330802", "1.2", Some(Some(Verdict::Met)), None, &w)
        .unwrap();
    // Undo (back to 未完成, given on revision 1), a corrected sheet, then redo (完成, also
    // given on revision 1): both verdicts are the old figure's.
    let expect = |v| Expected {
        verdict: Some(Some(v)),
        note: Some(String::new()),
    };
    store
        .review_if(
            "330802",
            "1.2",
            &expect(Verdict::Met),
            Some(Some(Verdict::NotMet)),
            Some(""),
            met.from_revision,
            &w,
        )
        .unwrap();
    store
        .import_submissions(&[row("1.2", "72%", "")], "二.csv", &w)
        .unwrap();
    assert_eq!(stale(&store).len(), 1);
    store
        .review_if(
            "330802",
            "1.2",
            &expect(Verdict::NotMet),
            Some(Some(Verdict::Met)),
            Some(""),
            met.to_revision,
            &w,
        )
        .unwrap();
    assert_eq!(
        stale(&store).len(),
        1,
        "the redone verdict was given on 65%, not 72%"
    );
    assert_eq!(
        store.item("330802", "1.2").unwrap().verdict,
        Some(Verdict::Met)
    );
}
