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
        let mut report = Report::count(&self.scorer, of, self.facts(), |k| self.stale.contains(&k));
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

/// How many cells of a bar `width` wide each part of a target's items takes: met, partly met,
/// not met, then not reviewed (what `total` leaves). Exactly `width` cells in all (nothing when
/// there are no items), in proportion by the largest remainder; a part with any item gets a
/// cell at least while there are cells for every such part, and a part with none gets none —
/// so a target whose items are all reviewed shows no "not reviewed" cell, however it rounds.
pub fn bar_cells(counts: [i64; 3], total: i64, width: usize) -> [usize; 4] {
    let reviewed: i64 = counts.iter().map(|&n| n.max(0)).sum();
    let parts = [
        counts[0].max(0),
        counts[1].max(0),
        counts[2].max(0),
        (total - reviewed).max(0),
    ];
    let all: i64 = parts.iter().sum();
    if all == 0 || width == 0 {
        return [0; 4];
    }
    // Each part's exact share in cells, as a whole and a remainder (in units of 1/all).
    let share = |n: i64| (n as u128 * width as u128) / all as u128;
    let rest = |n: i64| (n as u128 * width as u128) % all as u128;
    let mut cells = parts.map(|n| share(n) as usize);
    for (c, &n) in cells.iter_mut().zip(&parts) {
        if n > 0 && *c == 0 {
            *c = 1;
        }
    }
    let mut sum: usize = cells.iter().sum();
    // Too few: one more cell each to the parts with items, the largest remainder first
    // (the floors leave at most one cell short a part).
    let mut order: Vec<usize> = (0..4).filter(|&k| parts[k] > 0).collect();
    order.sort_by_key(|&k| (std::cmp::Reverse(rest(parts[k])), k));
    for &k in order.iter().cycle().take(order.len() * width.max(1)) {
        if sum >= width {
            break;
        }
        cells[k] += 1;
        sum += 1;
    }
    // Too many (cells given to small parts): from the parts with the most cells, keeping
    // every part's one cell while any has more.
    while sum > width {
        let most = (0..4).max_by_key(|&k| (cells[k], std::cmp::Reverse(rest(parts[k]))));
        let Some(k) = most.filter(|&k| cells[k] > 0) else {
            break;
        };
        cells[k] -= 1;
        sum -= 1;
    }
    cells
}

#[cfg(test)]
mod bar_tests {
    use super::bar_cells;

    #[test]
    fn a_target_all_reviewed_shows_no_unreviewed_cell() {
        // The case that drew a "·" on 30/30: 29 met and 1 partly met, 40 cells.
        assert_eq!(bar_cells([29, 1, 0], 30, 40), [39, 1, 0, 0]);
        assert_eq!(bar_cells([10, 10, 10], 30, 40), [14, 13, 13, 0]);
        // The cells short go one a part, not all to the first.
        assert_eq!(bar_cells([5, 5, 5], 20, 38), [10, 10, 9, 9]);
        for width in 1..60 {
            for met in 0..=7 {
                for partly in 0..=(7 - met) {
                    let not = 7 - met - partly;
                    let cells = bar_cells([met, partly, not], 7, width);
                    assert_eq!(cells[3], 0, "{met} {partly} {not} in {width}");
                    assert_eq!(cells.iter().sum::<usize>(), width);
                }
            }
        }
    }

    #[test]
    fn every_part_with_items_shows_and_the_cells_add_up() {
        // One item of a thousand not reviewed still shows.
        assert_eq!(bar_cells([999, 0, 0], 1000, 40), [39, 0, 0, 1]);
        // Nothing reviewed: all of it not reviewed.
        assert_eq!(bar_cells([0, 0, 0], 132, 40), [0, 0, 0, 40]);
        assert_eq!(bar_cells([0, 0, 0], 0, 40), [0; 4]);
        for total in 1..40i64 {
            for met in 0..=total {
                for not in 0..=(total - met) {
                    for width in [1usize, 3, 4, 10, 37, 40] {
                        let cells = bar_cells([met, 0, not], total, width);
                        assert_eq!(cells.iter().sum::<usize>(), width);
                        let parts = [met, 0, not, total - met - not];
                        let with_items = parts.iter().filter(|&&n| n > 0).count();
                        for k in 0..4 {
                            if parts[k] == 0 {
                                assert_eq!(cells[k], 0, "{parts:?} {width}");
                            } else if width >= with_items {
                                assert!(cells[k] >= 1, "{parts:?} {width} {cells:?}");
                            }
                        }
                    }
                }
            }
        }
    }
}
