//! Rule-based scoring in the workspace (issue 17): the cases counted (`C`) and 不计分 (`V`)
//! typed in the note editor, what an item earns under its rule, the grades on the summary,
//! and the scoring applied anew while the workspace is open.

use super::*;
use crate::catalog::parse_targets;
use crate::score::{Facts, Rule, Standing};
use crate::store::FindingWrite;

const RULES: &str = include_str!("../../../../tests/fixtures/rules.toml");

/// A workspace on the rule shapes' targets (1.1 shortfall, 1.2 all or nothing, 1.3 per case,
/// 2.1 rank, 2.2 by verdict, 3.1 and 3.2 bonuses) and the six counties.
fn rules_app() -> App {
    let mut ws = workspace();
    ws.catalog = parse_targets(RULES, "rules.toml").unwrap();
    let mut app = App::new(ws, &ZH);
    app.facts_loaded(Facts::default());
    app
}

/// Types `text` into whatever takes text now.
fn type_in(app: &mut App, text: &str) {
    for c in text.chars() {
        app.key(&key(c));
    }
}

/// The one finding `effects` ask for.
fn finding_of(effects: &[Effect]) -> Finding {
    match effects {
        [Effect::Finding(f)] => f.clone(),
        other => panic!("not one finding: {other:?}"),
    }
}

/// The store's answer to a finding: written, the item holding it.
fn written(app: &mut App, finding: &Finding) {
    let mut item = app.item(finding.at).clone();
    item.county_code = app.counties[finding.at.county].code.clone();
    item.indicator = app.indicators[finding.at.indicator].id.clone();
    match &finding.write {
        FindingWrite::Cases(n) => item.cases = *n,
        FindingWrite::Void(reason) => item.void_reason = Some(reason.clone()),
        FindingWrite::Unvoid => item.void_reason = None,
    }
    app.finding_written(finding, Ok((true, item)));
}

/// A verdict given on `at`, as the store would answer it.
fn marked(app: &mut App, store: &mut FakeStore, at: Cursor, verdict: Verdict) {
    app.cursor = at;
    press(app, store, Action::Mark(verdict));
}

#[test]
fn cases_are_typed_in_the_editor_and_counted_at_once() {
    let mut app = rules_app();
    let mut store = FakeStore::default();
    // 1.3 per case, 衢江区: met, then 3 cases found (4 − 3 × 0.5).
    marked(&mut app, &mut store, at(2, 1), Met);
    app.cursor = at(2, 1);
    assert_eq!(app.item_score(at(2, 1)).unwrap().points, 4.0);
    app.key(&key('C'));
    assert_eq!(app.mode(), Mode::Editor);
    assert_eq!(app.finding_pending().unwrap().kind, FindingKind::Cases);
    assert!(
        app.message
            .clone()
            .unwrap()
            .text
            .starts_with("输入查实的例数")
    );
    // Full-width digits, as a Chinese input method types them.
    type_in(&mut app, "３");
    let effects = app.key(&code(KeyCode::Enter));
    let f = finding_of(&effects);
    assert_eq!(f.write, FindingWrite::Cases(Some(3)));
    assert!(app.drafts.is_empty(), "a count is no draft of a note");
    written(&mut app, &f);
    assert_eq!(app.mode(), Mode::Browse, "the editor closes once written");
    assert_eq!(
        app.message.clone().unwrap().text,
        "已录入例数：衢江区 1.3 关系保人情保 3 例"
    );
    let score = app.item_score(at(2, 1)).unwrap();
    assert_eq!((score.points, score.standing), (2.5, Standing::Scored));
    // Emptied, the count is taken away.
    app.key(&key('C'));
    assert_eq!(app.editor().unwrap().buffer.text(), "3");
    app.key(&code(KeyCode::Backspace));
    let effects = app.key(&code(KeyCode::Enter));
    assert_eq!(finding_of(&effects).write, FindingWrite::Cases(None));
}

#[test]
fn what_is_no_count_is_refused_and_a_rule_without_cases_says_so() {
    let mut app = rules_app();
    app.cursor = at(2, 0);
    app.key(&key('C'));
    type_in(&mut app, "三例");
    let effects = app.key(&code(KeyCode::Enter));
    assert!(effects.is_empty());
    assert_eq!(
        app.message.clone().unwrap().text,
        "「三例」不是例数：请输入 0 或正整数"
    );
    assert_eq!(app.mode(), Mode::Editor, "still typing");
    app.key(&code(KeyCode::Esc));
    app.key(&key('d'));
    assert_eq!(app.mode(), Mode::Browse);
    // 1.1 is scored by its shortfall: no count to enter.
    app.cursor = at(0, 0);
    app.key(&key('C'));
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(
        app.message.clone().unwrap().text,
        "本指标按「shortfall」计分，不按例数：无须录入例数"
    );
}

#[test]
fn a_void_needs_its_reason_and_an_emptied_reason_takes_it_away() {
    let mut app = rules_app();
    let mut store = FakeStore::default();
    // 1.2 all or nothing, 龙游县 at 100%: 4, until voided.
    app.cursor = at(1, 2);
    let mut item = app.item(at(1, 2)).clone();
    item.county_code = "330825".into();
    item.indicator = "1.2".into();
    item.value = Some("100%".into());
    item.value_number = Some(100.0);
    app.loaded(vec![item]);
    let mut facts = Facts::default();
    facts.set_figure(6 + 2, Some(100.0));
    app.facts_loaded(facts);
    marked(&mut app, &mut store, at(1, 2), Met);
    assert_eq!(app.item_score(at(1, 2)).unwrap().points, 4.0);
    app.cursor = at(1, 2);
    app.key(&key('V'));
    assert_eq!(app.finding_pending().unwrap().kind, FindingKind::Void);
    let effects = app.key(&code(KeyCode::Enter));
    assert!(effects.is_empty());
    assert_eq!(app.message.clone().unwrap().text, "不计分须写明理由");
    type_in(&mut app, "弄虚作假：台账与抽查不符");
    let f = finding_of(&app.key(&code(KeyCode::Enter)));
    assert_eq!(
        f.write,
        FindingWrite::Void("弄虚作假：台账与抽查不符".into())
    );
    written(&mut app, &f);
    let score = app.item_score(at(1, 2)).unwrap();
    assert_eq!((score.points, score.standing), (0.0, Standing::Void));
    // V again: the reason to change, or to empty.
    app.key(&key('V'));
    assert!(
        app.message
            .clone()
            .unwrap()
            .text
            .starts_with("已认定不计分")
    );
    assert_eq!(
        app.editor().unwrap().buffer.text(),
        "弄虚作假：台账与抽查不符"
    );
    for _ in 0.."弄虚作假：台账与抽查不符".chars().count() {
        app.key(&code(KeyCode::Backspace));
    }
    let f = finding_of(&app.key(&code(KeyCode::Enter)));
    assert_eq!(f.write, FindingWrite::Unvoid);
    written(&mut app, &f);
    assert_eq!(app.item_score(at(1, 2)).unwrap().points, 4.0);
}

#[test]
fn a_reviewer_who_may_only_look_enters_no_finding() {
    let mut app = rules_app();
    app.browse_only("guest");
    app.cursor = at(2, 0);
    app.key(&key('C'));
    assert_eq!(app.mode(), Mode::Browse);
    app.key(&key('V'));
    assert_eq!(app.mode(), Mode::Browse);
    assert!(app.message.clone().unwrap().text.contains("guest"));
}

#[test]
fn the_summary_grades_the_counties_and_follows_a_new_scoring() {
    let mut app = rules_app();
    let mut store = FakeStore::default();
    // 2.1 by rank: 柯城区 95, 衢江区 93; 2.2 met by both.
    let mut facts = Facts::default();
    facts.set_figure(3 * 6, Some(95.0));
    facts.set_figure(3 * 6 + 1, Some(93.0));
    app.facts_loaded(facts);
    for c in [0, 1] {
        marked(&mut app, &mut store, at(3, c), Met);
        marked(&mut app, &mut store, at(4, c), Met);
    }
    let s = app.summarize(None);
    let got: Vec<(usize, f64, Option<&str>)> = s
        .rows
        .iter()
        .map(|r| (r.county, r.report.score.score, r.report.grade.as_deref()))
        .collect();
    // 3 + 3 = 6, 2.5 + 3 = 5.5; nobody reaches 良好 (12): 一般.
    assert_eq!(got[0], (0, 6.0, Some("一般")));
    assert_eq!(got[1], (1, 5.5, Some("一般")));
    // The scoring applied anew: a place lower now costs 1, and 良好 starts at 5.
    let changed = RULES
        .replace("shape = \"rank\", step = 0.5", "shape = \"rank\", step = 1")
        .replace("at_least = 12", "at_least = 5");
    let catalog = parse_targets(&changed, "r2.toml").unwrap();
    app.overlay.open(Overlay::Summary(app.summarize(None)));
    app.scoring_changed(&catalog, "王五", "r2.toml");
    assert_eq!(app.indicators[3].rule, Rule::Rank { step: 1.0 });
    assert!(app.needs_facts(), "the facts are read again");
    app.facts_loaded(app.facts().clone());
    let open = app.summary().unwrap();
    assert_eq!(open.rows[0].report.grade.as_deref(), Some("良好"));
    assert_eq!(open.rows[1].report.score.score, 5.0);
    assert_eq!(
        app.message.clone().unwrap().text,
        "计分规则已更新：王五 应用了 r2.toml（满分 16 → 16），得分已重算"
    );
}
