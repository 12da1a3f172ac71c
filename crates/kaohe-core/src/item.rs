//! One county × indicator as it stands: the one shape the store, the exports and the
//! workspace share.

use crate::model::{Note, Review, Submission, Verdict};
use crate::verified::Verified;
use serde::Serialize;

/// One county × indicator: the export row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub county_code: String,
    pub county: String,
    pub indicator: String,
    pub value: Option<String>,
    pub value_number: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub evidence: Option<String>,
    pub remark: Option<String>,
    pub verdict: Option<Verdict>,
    pub note: Option<String>,
    pub reviewer: Option<String>,
    pub reviewed_at: Option<String>,
    /// The figure changed (a corrected sheet was imported) after the verdict was given.
    pub changed_since_review: bool,
    /// See [`Submission::bare_fraction`]; exports also say it in `flags`, and
    /// an import of the JSON export reads it back.
    pub bare_fraction: bool,
    /// See [`Submission::converted_from`]: the figure as the county wrote it, when kaohe
    /// converted it to the indicator's unit (原报送值).
    #[serde(rename = "as_written")]
    pub converted_from: Option<String>,
    /// The county's own assessment (自评结果), as its sheet gave it.
    pub self_verdict: Option<Verdict>,
    /// The score the county gave itself (自评分).
    pub self_score: Option<f64>,
    /// Its second review (复核) and sign-off (审定).
    #[serde(flatten)]
    pub stages: Stages,
    /// The item's notes, oldest first, each under its author: the thread. `note` is the
    /// latest one's text (kept for what read it before there were threads).
    pub notes: Vec<Note>,
    /// The cases a reviewer counted, where the indicator's rule counts them (issue 17).
    pub cases: Option<u32>,
    /// Why a reviewer voided the item (不计分), if one did.
    pub void_reason: Option<String>,
    /// The figure a reviewer recorded as verified (核定值), if one did: the exports write it
    /// in columns of their own.
    #[serde(skip)]
    pub verified: Option<Verified>,
}

/// Where an item stands after its first review: the second review (复核) of the first verdict
/// as it stands (none where there is none, or the first verdict changed since), and whether it
/// is signed off (审定: locked).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Stages {
    pub second_verdict: Option<Verdict>,
    pub checker: Option<String>,
    /// The reason for a change (none for an agreement without a remark).
    pub check_reason: Option<String>,
    pub checked_at: Option<String>,
    /// A lock covers it (the exports write its stage: 初步 or 审定).
    #[serde(skip)]
    pub signed_off: bool,
}

impl Stages {
    /// No second review, not signed off (a `const`, for items made in statics).
    pub const NONE: Stages = Stages {
        second_verdict: None,
        checker: None,
        check_reason: None,
        checked_at: None,
        signed_off: false,
    };
}

impl Item {
    /// What the county submitted, if anything.
    pub fn submission(&self) -> Option<Submission> {
        Some(Submission {
            value: self.value.clone()?,
            value_number: self.value_number,
            numerator: self.numerator,
            denominator: self.denominator,
            evidence: self.evidence.clone().unwrap_or_default(),
            remark: self.remark.clone().unwrap_or_default(),
            bare_fraction: self.bare_fraction,
            converted_from: self.converted_from.clone(),
            self_verdict: self.self_verdict,
            self_score: self.self_score,
        })
    }

    /// The review as it stands: who gave it and when, once someone has given a verdict or
    /// written a note.
    pub fn review(&self) -> Option<Review> {
        Some(Review {
            verdict: self.verdict,
            note: self.note.clone().unwrap_or_default(),
            reviewer: self.reviewer.clone()?,
            reviewed_at: self.reviewed_at.clone().unwrap_or_default(),
        })
    }

    /// Whether the county's own assessment differs from the city's verdict (see
    /// [`crate::check::self_disagrees`]).
    pub fn self_disagrees(&self) -> bool {
        crate::check::self_disagrees(self.self_verdict, self.result())
    }

    /// The verdict that counts: the second review's, where there is one, else the first.
    pub fn result(&self) -> Option<Verdict> {
        crate::stages::result(self.verdict, self.stages.second_verdict)
    }

    /// What the item is judged by: the county's submission with the verified figure (核定值)
    /// in place of its figure, where one is recorded. What the figure suggests is read from
    /// this; what looks wrong with the county's figure, from [`Item::submission`].
    pub fn judged(&self) -> Option<Submission> {
        let county = self.submission()?;
        Some(match &self.verified {
            Some(v) => v.applied_to(&county),
            None => county,
        })
    }

    /// The figure the item is scored by, as a number: the verified one where recorded, else
    /// the county's (rules that score by the figure take this).
    pub fn figure_to_score(&self) -> Option<f64> {
        match &self.verified {
            Some(v) => Some(v.number),
            None => self.value_number,
        }
    }

    /// The verified figure is lower than the county's: 核减.
    pub fn verified_lower(&self) -> bool {
        self.verified
            .as_ref()
            .is_some_and(|v| v.lower_than(self.value_number))
    }

    /// The reviewer's note; empty when there is none.
    pub fn note_text(&self) -> &str {
        self.note.as_deref().unwrap_or_default()
    }

    /// The note `name` on `account` may change: the thread's latest, when they wrote it;
    /// empty otherwise (what they write then is a new note below the others').
    pub fn own_note(&self, name: &str, account: &str) -> &str {
        match self.notes.last() {
            Some(n) if n.is_by(name, account) => &n.text,
            _ => "",
        }
    }
}
