//! The worked example of data/README.md (一.6, 计分规则的算例): one indicator of each rule
//! shape, six counties, every figure worked by hand there and asserted here (and through the
//! binary by tests/rules.rs).

use super::*;
use crate::catalog::parse_targets;
use crate::report::{Report, Verdicts};
use Verdict::{Met as M, NotMet as N, PartlyMet as P};

const FILE: &str = include_str!("../../../../tests/fixtures/rules.toml");

/// 柯城区, 衢江区, 龙游县, 江山市, 常山县, 开化县 (the embedded counties' order).
const COUNTIES: usize = 6;

/// Indicators in document order: 1.1 shortfall, 1.2 all or nothing, 1.3 per case, 2.1 rank,
/// 2.2 by verdict (一票否决), 3.1 bonus per case, 3.2 bonus by verdict.
const VERDICTS: [[Option<Verdict>; COUNTIES]; 7] = [
    [Some(M), Some(N), Some(N), Some(N), Some(M), Some(N)],
    [Some(M), Some(N), Some(M), Some(M), Some(M), Some(M)],
    [Some(M), Some(P), Some(N), Some(P), Some(M), Some(P)],
    [Some(M), Some(M), Some(M), Some(M), Some(N), Some(N)],
    [Some(M), Some(M), Some(M), Some(M), Some(M), Some(N)],
    [Some(M), Some(M), Some(M), None, None, Some(M)],
    [Some(M), Some(M), None, Some(P), None, None],
];

/// The figures of 1.1 and 1.2 and 2.1 (常山县 sent no 2.1), the cases counted on 1.3 and 3.1,
/// the evidence named on 3.1 and 3.2, and 龙游县's 1.2 voided (弄虚作假).
fn facts() -> Facts {
    let mut f = Facts::default();
    let at = |i: usize, c: usize| i * COUNTIES + c;
    for (c, x) in [99.0, 97.0, 96.5, 90.0, 98.0, 95.0].into_iter().enumerate() {
        f.set_figure(at(0, c), Some(x));
    }
    for (c, x) in [100.0, 99.5, 100.0, 100.0, 100.0, 100.0]
        .into_iter()
        .enumerate()
    {
        f.set_figure(at(1, c), Some(x));
    }
    for (c, x) in [
        Some(95.0),
        Some(95.0),
        Some(93.0),
        Some(91.0),
        None,
        Some(80.0),
    ]
    .into_iter()
    .enumerate()
    {
        f.set_figure(at(3, c), x);
    }
    for (c, n) in [None, Some(3), Some(10), Some(1), Some(0), Some(2)]
        .into_iter()
        .enumerate()
    {
        f.set_cases(at(2, c), n);
    }
    for (c, n) in [Some(2), Some(5), Some(2), None, None, Some(1)]
        .into_iter()
        .enumerate()
    {
        f.set_cases(at(5, c), n);
    }
    for c in [0, 1, 5] {
        f.set_evidence_named(at(5, c), true);
    }
    for c in [0, 1, 3] {
        f.set_evidence_named(at(6, c), true);
    }
    f.set_void(at(1, 2), true);
    f
}

fn verdicts() -> Vec<Option<Verdict>> {
    VERDICTS.iter().flatten().copied().collect()
}

fn report(facts: &Facts) -> Report {
    let scorer = Scorer::new(&parse_targets(FILE, "rules.toml").unwrap());
    let v = verdicts();
    let of = Verdicts {
        counties: COUNTIES,
        of: &v,
    };
    Report::count(&scorer, of, facts, |_| false)
}

#[test]
fn the_file_reads_as_written() {
    let c = parse_targets(FILE, "rules.toml").unwrap();
    let rules: Vec<Rule> = c.indicators().map(|i| i.rule).collect();
    assert_eq!(
        rules,
        [
            Rule::Shortfall {
                full_at: 98.0,
                per: 1.0,
                deduct: 0.5,
                whole: false
            },
            Rule::AllOrNothing { at: Some(100.0) },
            Rule::PerCase { deduct: 0.5 },
            Rule::Rank { step: 0.5 },
            Rule::Verdict,
            Rule::Bonus {
                cap: 3.0,
                each: Some(1.0)
            },
            Rule::Bonus {
                cap: 2.0,
                each: None
            },
        ]
    );
    assert_eq!(c.bonus_cap, Some(4.0));
    assert_eq!(c.grades.0.len(), 3);
    // Target 3 holds only bonus items: it is worth nothing of the most, 10 + 6 = 16.
    assert_eq!(c.targets[2].points, 0.0);
    assert_eq!(Scorer::new(&c).max_score(), 16.0);
}

#[test]
fn each_item_earns_what_the_readme_works_out() {
    let r = report(&facts());
    let item = |i: usize| -> Vec<Option<f64>> {
        (0..COUNTIES)
            .map(|c| r.points[i * COUNTIES + c].points())
            .collect()
    };
    // 1.1: ≥ 98% all 2, 0.5 off per point short, down to 0.
    assert_eq!(
        item(0),
        [
            Some(2.0),
            Some(1.5),
            Some(1.25),
            Some(0.0),
            Some(2.0),
            Some(0.5)
        ]
    );
    // 1.2: 100% or nothing; 龙游县's voided.
    assert_eq!(
        item(1),
        [
            Some(4.0),
            Some(0.0),
            Some(0.0),
            Some(4.0),
            Some(4.0),
            Some(4.0)
        ]
    );
    // 1.3: 4, less 0.5 a case, down to 0.
    assert_eq!(
        item(2),
        [
            Some(4.0),
            Some(2.5),
            Some(0.0),
            Some(3.5),
            Some(4.0),
            Some(3.0)
        ]
    );
    // 2.1: places 1, 1, 3, 4, none, 5 → 3, 3, 2, 1.5, 0, 1.
    assert_eq!(
        item(3),
        [
            Some(3.0),
            Some(3.0),
            Some(2.0),
            Some(1.5),
            Some(0.0),
            Some(1.0)
        ]
    );
    // 3.1: 1 a case, at most 3, only with evidence; 3.2: its cap's share by verdict.
    assert_eq!(
        item(5),
        [Some(2.0), Some(3.0), Some(0.0), None, None, Some(1.0)]
    );
    assert_eq!(item(6), [Some(2.0), Some(2.0), None, Some(1.0), None, None]);
}

#[test]
fn each_county_scores_ranks_and_grades_as_the_readme_works_out() {
    let r = report(&facts());
    let got: Vec<(f64, f64, usize, Option<&str>)> = r
        .counties
        .iter()
        .map(|c| (c.score.score, c.score.bonus, c.rank, c.grade.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (20.0, 4.0, 1, Some("优秀")),
            (14.0, 4.0, 2, Some("良好")),
            (6.25, 0.0, 5, Some("一般")),
            (13.0, 1.0, 3, Some("良好")),
            (13.0, 0.0, 3, Some("良好")),
            (0.0, 0.0, 6, Some("一般")),
        ]
    );
    let c = &r.counties;
    assert_eq!(c[0].score.targets, [10.0, 6.0, 0.0]);
    assert_eq!(c[2].score.voided, ["1.2"]);
    assert_eq!(c[2].score.bonus_unproven, ["3.1"]);
    assert_eq!(c[4].score.without_figure, ["2.1"]);
    assert_eq!(c[5].score.vetoed_by, ["2.2"]);
}

/// The hook for the verified figure (核定值): the scorer reads whichever figure the facts
/// carry, so a verified 98% in place of 龙游县's 96.5% is worth the 0.75 it was short.
#[test]
fn a_figure_changed_changes_the_score() {
    let mut facts = facts();
    facts.set_figure(2, Some(98.0));
    let r = report(&facts);
    assert_eq!(r.counties[2].score.score, 7.0);
    // Taking 1.2's void away gives 龙游县 its 4 points.
    facts.set_void(COUNTIES + 2, false);
    assert_eq!(report(&facts).counties[2].score.score, 11.0);
}
