//! The summary screen (`s`): every county's score and rank, counted by kaohe-core's report
//! from the verdicts the App holds, kept up to date as verdicts change while it is open.

use super::App;
use crate::report::{CountyReport, Progress, Report, Verdicts};
use crate::tui::action::Action;

/// Every county's score and rank, its share of each target's points (the heat map), and how
/// far each target's items have got.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Counties by rank (the document's order among equals).
    pub rows: Vec<SummaryRow>,
    /// Each target's items across all counties, by verdict.
    pub targets: Vec<Progress>,
    pub max_score: f64,
    /// The most a county can earn in each target.
    pub target_max: Vec<f64>,
    /// The selected row.
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Index into [`App::counties`].
    pub county: usize,
    pub report: CountyReport,
}

impl Summary {
    /// The county of the selected row.
    fn selected_county(&self) -> Option<usize> {
        self.rows.get(self.selected).map(|r| r.county)
    }

    /// Moves the selection a row, a page (`page` rows) or to either end.
    pub(super) fn select(&mut self, action: Action, page: usize) {
        let last = self.rows.len().saturating_sub(1);
        self.selected = match action {
            Action::ScrollDown => self.selected + 1,
            Action::ScrollUp => self.selected.saturating_sub(1),
            Action::PageDown => self.selected + page,
            Action::PageUp => self.selected.saturating_sub(page),
            Action::First => 0,
            _ => last,
        }
        .min(last);
    }
}

impl App {
    /// Scores, ranks and tallies from the verdicts held (every item's, read or not).
    pub fn summarize(&self, selected_county: Option<usize>) -> Summary {
        // Scored by the verdict that counts (a second review's over the first).
        let results = self.results();
        let of = Verdicts {
            counties: self.counties.len(),
            of: &results,
        };
        let mut report = Report::count(&self.scorer, of, |k| self.stale.contains(&k));
        // The counties' own assessments the verdicts differ from (自评不一致).
        report.count_self(&self.scorer, of, &self.marking.own);
        let mut rows: Vec<SummaryRow> = report
            .counties
            .into_iter()
            .enumerate()
            .map(|(county, report)| SummaryRow { county, report })
            .collect();
        rows.sort_by_key(|r| (r.report.rank, r.county));
        let selected = selected_county
            .and_then(|c| rows.iter().position(|r| r.county == c))
            .unwrap_or(0);
        Summary {
            rows,
            targets: report.targets,
            max_score: crate::score::round2(self.scorer.max_score()),
            target_max: self.scorer.target_max().to_vec(),
            selected,
        }
    }

    /// A verdict changed: counted again, the same county staying selected as ranks move.
    pub(super) fn summary_changed(&mut self) {
        let Some(open) = self.summary() else {
            return;
        };
        let again = self.summarize(open.selected_county());
        if let Some(open) = self.overlay.summary_mut() {
            *open = again;
        }
    }

    /// Enter: back to marking, at the selected county (shown even if the filter would hide it).
    pub(super) fn summary_jump(&mut self, summary: &Summary) {
        let Some(county) = summary.selected_county() else {
            return;
        };
        self.cursor.county = county;
        if self.only_unreviewed && !self.county_shown(self.cursor.indicator, county) {
            self.only_unreviewed = false;
        }
    }
}
