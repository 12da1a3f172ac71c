//! Where checked submissions go as they are read: handed on one at a time to a [`Sink`] (the
//! store's staging table, or a `Vec` for a small file), never held whole. What the intake
//! keeps is bounded by the database, not the file: the line each item was first given on, in
//! a grid of every county by every indicator (4 bytes an item: 14 MB for 28,440 counties ×
//! 127 indicators), which refuses an item given twice however far apart.

use super::{Checked, Flagged, LayoutKind, PassedOver};
use crate::error::FileError;
use crate::lookup::SubmissionRow;

/// Takes checked submissions, and the flagged figures among them, as a file is read. An
/// error stops the read: the file is refused with it.
pub trait Sink {
    fn submission(&mut self, row: SubmissionRow) -> Result<(), FileError>;
    /// A submission whose figure looks wrong (handed on before the submission itself).
    fn flagged(&mut self, flagged: Flagged) -> Result<(), FileError>;

    /// The rows handed on that the sink is done with, given back rather than dropped: a read
    /// on another thread ([`super::piped`]) drops them where they were made, which costs
    /// the allocator less than freeing them here.
    fn spent(&mut self) -> Vec<SubmissionRow> {
        Vec::new()
    }
}

/// Every submission and flag, collected: for a file known to be small (the demo, tests).
#[derive(Debug, Default)]
pub struct Collect {
    pub rows: Vec<SubmissionRow>,
    pub flagged: Vec<Flagged>,
}

impl Sink for Collect {
    fn submission(&mut self, row: SubmissionRow) -> Result<(), FileError> {
        self.rows.push(row);
        Ok(())
    }

    fn flagged(&mut self, flagged: Flagged) -> Result<(), FileError> {
        self.flagged.push(flagged);
        Ok(())
    }
}

impl Collect {
    /// What was collected, as a [`Checked`] with the read's tally.
    pub fn checked(self, tally: Tally) -> Checked {
        Checked {
            rows: self.rows,
            flagged: self.flagged,
            layout: tally.layout,
            passed_over: tally.passed_over,
        }
    }
}

/// What a read handed on, counted: the numbers an import reports, without its rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub submissions: u64,
    pub flagged: u64,
    /// How the (first) table was laid out.
    pub layout: LayoutKind,
    /// The footer and total rows passed over (of the first table).
    pub passed_over: PassedOver,
}

/// Where an item was first given: the row, and the sheet when several are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FirstGiven<'a> {
    pub(super) row: u64,
    /// The sheet's name where it is another sheet than the one being read.
    pub(super) other_sheet: Option<&'a str>,
}

/// The sink of one read, with what it counts and the items given so far.
pub(super) struct Intake<'s> {
    sink: &'s mut dyn Sink,
    items: usize,
    /// By item position: the row it was first given on (0: not given). Made at the first
    /// submission; a row past `u32::MAX` is kept as `u32::MAX`.
    first: Vec<u32>,
    /// By item position, the sheet (its place in `sheets`) it was given on: made only when a
    /// second sheet is read.
    sheet_of: Vec<u16>,
    sheets: Vec<String>,
    submissions: u64,
    flagged: u64,
}

impl<'s> Intake<'s> {
    /// An intake for a database of `items` county × indicator items.
    pub(super) fn new(sink: &'s mut dyn Sink, items: usize) -> Intake<'s> {
        Intake {
            sink,
            items,
            first: Vec::new(),
            sheet_of: Vec::new(),
            sheets: Vec::new(),
            submissions: 0,
            flagged: 0,
        }
    }

    /// A sheet begins: the rows handed on from now are its.
    pub(super) fn sheet(&mut self, name: &str) {
        self.sheets.push(name.to_string());
        if self.sheets.len() == 2 {
            self.sheet_of = vec![0; self.items];
        }
    }

    fn current_sheet(&self) -> u16 {
        u16::try_from(self.sheets.len().saturating_sub(1)).unwrap_or(u16::MAX)
    }

    /// Where the item at `position` was given already, if it was.
    pub(super) fn first_given(&self, position: usize) -> Option<FirstGiven<'_>> {
        let row = *self.first.get(position).filter(|&&r| r != 0)?;
        let sheet = self.sheet_of.get(position).copied();
        let other_sheet = sheet
            .filter(|&s| s != self.current_sheet())
            .and_then(|s| self.sheets.get(usize::from(s)))
            .map(String::as_str);
        Some(FirstGiven {
            row: u64::from(row),
            other_sheet,
        })
    }

    /// Hands on a checked submission of the item at `position`.
    pub(super) fn submission(
        &mut self,
        position: usize,
        row: SubmissionRow,
    ) -> Result<(), FileError> {
        if self.first.is_empty() {
            self.first = vec![0; self.items];
        }
        let sheet = self.current_sheet();
        if let Some(first) = self.first.get_mut(position) {
            *first = u32::try_from(row.line).unwrap_or(u32::MAX).max(1);
        }
        if let Some(at) = self.sheet_of.get_mut(position) {
            *at = sheet;
        }
        self.submissions += 1;
        self.sink.submission(row)
    }

    pub(super) fn flagged(&mut self, flagged: Flagged) -> Result<(), FileError> {
        self.flagged += 1;
        self.sink.flagged(flagged)
    }

    /// The counts, with the table's layout and what it passed over.
    pub(super) fn tally(&self, layout: LayoutKind, passed_over: PassedOver) -> Tally {
        Tally {
            submissions: self.submissions,
            flagged: self.flagged,
            layout,
            passed_over,
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::Submission;

    /// A submission of 柯城区 × 1.1 on line `line`.
    pub(in crate::formats::import) fn row(line: u64) -> SubmissionRow {
        SubmissionRow {
            line,
            county_code: "330802".into(),
            indicator_id: "1.1".into(),
            submission: Submission::default(),
        }
    }

    #[test]
    fn an_item_is_remembered_by_its_row_and_sheet_and_nothing_else_is_kept() {
        let mut sink = Collect::default();
        let mut intake = Intake::new(&mut sink, 10);
        intake.sheet("柯城区");
        assert_eq!(intake.first_given(3), None);
        intake.submission(3, row(7)).unwrap();
        assert_eq!(
            intake.first_given(3),
            Some(FirstGiven {
                row: 7,
                other_sheet: None
            })
        );
        intake.sheet("衢江区");
        assert_eq!(intake.first_given(3).unwrap().other_sheet, Some("柯城区"));
        assert_eq!(intake.first_given(4), None);
        // A position past the grid (never given by a lookup) is handed on, not remembered.
        intake.submission(99, row(8)).unwrap();
        assert_eq!(
            intake
                .tally(LayoutKind::Long, PassedOver::default())
                .submissions,
            2
        );
        assert_eq!(sink.rows.len(), 2);
    }
}
