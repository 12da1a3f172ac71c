//! What the store's tests share: a reviewer, the embedded 2014 seed, a new database, and the
//! older shapes of a review write spelled through the one entry point.

use crate::{Expected, ReviewChange, ReviewWrite, Reviewer, Seed, Store, Written};
use anyhow::Result;
use kaohe_core::catalog::{Catalog, embedded_counties};
use kaohe_core::lookup::SubmissionRow;
use kaohe_core::model::Verdict;

/// The item had changed since it was read: the test spelling of [`Written::Conflict`].
#[derive(Debug, thiserror::Error)]
#[error("changed since it was read")]
pub(crate) struct Changed;

/// The shapes these tests write reviews in, each through the one entry point
/// ([`Store::write_review`]), answering the change written or [`Changed`].
pub(crate) trait Reviews {
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

pub(crate) fn who() -> Reviewer {
    Reviewer {
        name: "张审核".into(),
        account: "zhang".into(),
    }
}

/// A lead (for locks): uid 4242, 王五.
pub(crate) fn lead() -> crate::Acting {
    crate::Acting {
        uid: 4242,
        who: Reviewer {
            name: "王五".into(),
            account: "wangwu".into(),
        },
    }
}

pub(crate) fn seed() -> Seed {
    Seed {
        catalog: Catalog::embedded_2014().unwrap(),
        counties: embedded_counties().unwrap(),
        submissions: None,
    }
}

pub(crate) fn new_store(dir: &tempfile::TempDir) -> Store {
    Store::create(&dir.path().join("k.db"), &seed(), &who()).unwrap()
}

/// The targets file with one indicator of each rule shape (tests/fixtures/rules.toml).
pub(crate) const RULES: &str = include_str!("../../../tests/fixtures/rules.toml");

/// A new database on the rule shapes' targets and the six counties.
pub(crate) fn rules_store(dir: &tempfile::TempDir) -> Store {
    let seed = Seed {
        catalog: kaohe_core::catalog::parse_targets(RULES, "rules.toml").unwrap(),
        counties: embedded_counties().unwrap(),
        submissions: None,
    };
    Store::create(&dir.path().join("r.db"), &seed, &who()).unwrap()
}

/// A submission row of `value` (a number, where it reads as one) with `evidence`.
pub(crate) fn row(county: &str, indicator: &str, value: &str, evidence: &str) -> SubmissionRow {
    SubmissionRow {
        line: 2,
        county_code: county.into(),
        indicator_id: indicator.into(),
        submission: kaohe_core::model::Submission {
            value: value.into(),
            value_number: value.trim_end_matches('%').parse().ok(),
            evidence: evidence.into(),
            ..Default::default()
        },
    }
}
