//! The detail pane's lines about rule-based scoring (issue 17): the indicator's rule and what
//! the item earns under it, the cases counted, and 不计分 with its reason. Shown where an
//! indicator has a rule of its own or the item carries a finding; an indicator scored by
//! verdict alone, with no finding, shows none of them.

use crate::model::format_number;
use crate::score::{Rule, Standing, round2};
use crate::tui::action::{Action, Mode};
use crate::tui::app::App;
use crate::tui::strings::Lang;
use crate::tui::theme::Theme;
use ratatui::style::Style;

/// (label, text, style) for each line, in the order the pane shows them.
pub(super) fn detail_lines(app: &App, theme: &Theme) -> Vec<(&'static str, String, Style)> {
    let s = app.strings;
    let ind = app.indicator();
    let item = app.current();
    let rule = ind.rule;
    let mut lines = Vec::new();
    if rule == Rule::Verdict && item.cases.is_none() && item.void_reason.is_none() {
        return lines;
    }
    let (unit, comparator) = ind
        .requirement
        .as_ref()
        .map_or(("", None), |r| (r.unit.as_str(), Some(r.comparator)));
    let words = match s.lang {
        Lang::Zh => rule.zh(ind.points, unit, comparator),
        Lang::En => rule.en(ind.points, unit, comparator),
    };
    let most = match rule {
        Rule::Bonus { cap, .. } => cap,
        _ => ind.points * class_weight(app),
    };
    let (earned, style) = match app.item_score(app.cursor) {
        Some(score) => match score.standing {
            Standing::Scored => (
                s.scoring
                    .earned
                    .replace("{points}", &format_number(round2(score.points)))
                    .replace("{most}", &format_number(round2(most))),
                Style::new(),
            ),
            Standing::NotReviewed => (s.scoring.not_reviewed.to_string(), theme.dim()),
            Standing::Void => (s.scoring.voided_earns.to_string(), theme.warning()),
            Standing::NoFigure => (s.scoring.no_figure.to_string(), theme.warning()),
            Standing::NoEvidence => (s.scoring.no_evidence.to_string(), theme.warning()),
        },
        None => (String::new(), Style::new()),
    };
    lines.push((s.scoring.rule, format!("{words} · {earned}"), style));
    if rule.counts_cases() || item.cases.is_some() {
        let text = match item.cases {
            Some(n) => n.to_string(),
            None => {
                let key = app
                    .keymap
                    .first_key(Mode::Browse, Action::CountCases)
                    .unwrap_or_default();
                s.scoring.cases_none.replace("{key}", &key)
            }
        };
        let style = if item.cases.is_some() {
            Style::new()
        } else {
            theme.dim()
        };
        lines.push((s.scoring.cases, text, style));
    }
    if let Some(reason) = &item.void_reason {
        let text = s.scoring.void_because.replace("{reason}", reason);
        lines.push((s.scoring.finding, text, theme.warning()));
    }
    lines
}

/// The weight of the selected indicator's class.
fn class_weight(app: &App) -> f64 {
    let class = app.targets[app.target_of[app.cursor.indicator]].class;
    app.classes
        .iter()
        .find(|c| c.class == class)
        .map_or(1.0, |c| c.weight)
}
