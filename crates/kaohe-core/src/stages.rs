//! The stages after the first review (初审): the second review (复核), by a checker who
//! confirms the first verdict or changes it with a reason, and sign-off (审定), a lead's lock on
//! the assessment or on one target. What they add up to: the verdict that counts, agreement
//! between the two reviews, and progress by person, division and stage.
//!
//! Pure counting over facts the store reads; the store decides who may do what.

use crate::model::{Role, Verdict};
use serde::Serialize;
use std::collections::HashMap;

/// A checker's decision on a first verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// 同意: the first verdict stands.
    Confirm,
    /// 改判: another verdict (a reason is needed).
    Change(Verdict),
}

impl Decision {
    /// The second verdict this decision gives on a first verdict.
    pub fn verdict(self, first: Verdict) -> Verdict {
        match self {
            Decision::Confirm => first,
            Decision::Change(v) => v,
        }
    }

    /// `Change` to the verdict already given is a confirmation.
    pub fn on(self, first: Verdict) -> Decision {
        match self {
            Decision::Change(v) if v == first => Decision::Confirm,
            d => d,
        }
    }
}

/// The verdict that counts for an item: the second review's where there is one on the first
/// verdict as it stands, else the first.
pub fn result(first: Option<Verdict>, second: Option<Verdict>) -> Option<Verdict> {
    first.and(second.or(first))
}

/// A lock: the whole assessment (`target: None`) or one target signed off (审定) by a lead.
/// While it holds, nothing it covers may change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lock {
    /// The target's id; `None` for the whole assessment.
    pub target: Option<u32>,
    /// Who locked it: the name recorded, and the OS account.
    pub by: String,
    pub account: String,
    /// RFC 3339.
    pub at: String,
    pub reason: String,
}

impl Lock {
    /// "目标 3", or "整个考核".
    pub fn scope_zh(&self) -> String {
        self.target
            .map_or_else(|| "整个考核".to_string(), |t| format!("目标 {t}"))
    }

    /// "target 3", or "the whole assessment".
    pub fn scope_en(&self) -> String {
        self.target.map_or_else(
            || "the whole assessment".to_string(),
            |t| format!("target {t}"),
        )
    }

    /// The one line a write refused by this lock shows:
    /// "已审定：王五 2026-12-01 10:00 锁定了目标 3；要改动须由组长 kaohe unlock --target 3".
    pub fn refusal(&self) -> String {
        format!(
            "已审定：{} {} 锁定了{}；要改动须由组长 {}",
            self.by,
            short_time(&self.at),
            self.scope_zh(),
            self.unlock_command()
        )
    }

    /// The same in English, for `--lang en`.
    pub fn refusal_en(&self) -> String {
        format!(
            "Signed off (审定): {} locked {} on {}; to change it a lead runs {}",
            self.by,
            self.scope_en(),
            short_time(&self.at),
            self.unlock_command()
        )
    }

    /// The command that lifts it.
    pub fn unlock_command(&self) -> String {
        match self.target {
            Some(t) => format!("kaohe unlock --target {t} --reason 理由"),
            None => "kaohe unlock --reason 理由".to_string(),
        }
    }

    /// Whether it covers an item of the target at `target` (its id).
    pub fn covers(&self, target: u32) -> bool {
        self.target.is_none_or(|t| t == target)
    }
}

/// The lock that covers an item of target `target`, the whole assessment's first.
pub fn covering(locks: &[Lock], target: u32) -> Option<&Lock> {
    locks
        .iter()
        .find(|l| l.target.is_none())
        .or_else(|| locks.iter().find(|l| l.covers(target)))
}

/// "2026-12-01T10:00:00+08:00" → "2026-12-01 10:00".
pub fn short_time(rfc3339: &str) -> String {
    match rfc3339.get(..16) {
        Some(t) if rfc3339.is_char_boundary(16) => t.replace('T', " "),
        _ => rfc3339.to_string(),
    }
}

/// Where a target, or the assessment, stands: 初步 until it is locked, 审定 after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Stage {
    #[serde(rename = "初步")]
    Preliminary,
    /// Some targets locked, not all (the assessment as a whole only).
    #[serde(rename = "部分审定")]
    PartlySignedOff,
    #[serde(rename = "审定")]
    SignedOff,
}

impl Stage {
    pub fn chinese(self) -> &'static str {
        match self {
            Stage::Preliminary => "初步",
            Stage::PartlySignedOff => "部分审定",
            Stage::SignedOff => "审定",
        }
    }

    pub fn english(self) -> &'static str {
        match self {
            Stage::Preliminary => "preliminary",
            Stage::PartlySignedOff => "partly signed off",
            Stage::SignedOff => "signed off",
        }
    }

    /// A target's stage under these locks.
    pub fn of_target(locks: &[Lock], target: u32) -> Stage {
        if covering(locks, target).is_some() {
            Stage::SignedOff
        } else {
            Stage::Preliminary
        }
    }

    /// The assessment's stage under these locks, of these targets (their ids).
    pub fn of_assessment(locks: &[Lock], targets: &[u32]) -> Stage {
        let locked = targets
            .iter()
            .filter(|&&t| covering(locks, t).is_some())
            .count();
        if locks.iter().any(|l| l.target.is_none()) || (locked == targets.len() && locked > 0) {
            Stage::SignedOff
        } else if locked > 0 {
            Stage::PartlySignedOff
        } else {
            Stage::Preliminary
        }
    }
}

/// How far the second review agrees with the first: items second-reviewed, of them agreed
/// (the first verdict confirmed) and changed, and the share agreed in percent (one decimal;
/// none before anything is second-reviewed).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Agreement {
    pub checked: i64,
    pub agreed: i64,
    pub changed: i64,
    pub agreement: Option<f64>,
}

impl Agreement {
    fn count(&mut self, agreed: bool) {
        self.checked += 1;
        if agreed {
            self.agreed += 1;
        } else {
            self.changed += 1;
        }
        self.agreement = Some(percent(self.agreed, self.checked));
    }

    fn add(&mut self, other: &Agreement) {
        self.checked += other.checked;
        self.agreed += other.agreed;
        self.changed += other.changed;
        self.agreement = (self.checked > 0).then(|| percent(self.agreed, self.checked));
    }

    /// "66.7%", or "—" before anything is second-reviewed.
    pub fn percent_text(&self) -> String {
        self.agreement
            .map_or_else(|| "—".to_string(), |p| format!("{p:.1}%"))
    }
}

/// `part` of `whole` in percent, rounded to one decimal.
fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 * 1000.0 / whole as f64).round() / 10.0
}

/// One item with a first verdict, as the progress by person counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked {
    /// Index of its target in [`Targets::ids`].
    pub target: usize,
    /// Who gave the first verdict.
    pub reviewer: String,
    /// The second review on that verdict as it stands, if any: who gave it, and whether it
    /// agreed.
    pub check: Option<Checked>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub checker: String,
    pub agreed: bool,
}

/// A person the progress is told for: from the registry (with division and role), or a name
/// found on the work of a database without one (or since removed from it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub division: Option<String>,
    /// `None` where there is no registry entry: anyone may do anything there.
    pub role: Option<Role>,
}

impl Person {
    /// Whether this person does 复核: a checker or a lead, or anyone without a registry.
    pub fn checks(&self) -> bool {
        self.role
            .is_none_or(|r| matches!(r, Role::Checker | Role::Lead))
    }
}

/// The targets the items belong to: ids, titles and how many items each has.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Targets {
    pub ids: Vec<u32>,
    pub titles: Vec<String>,
    pub items: Vec<i64>,
}

/// What is left of each one's own work (items they own and nobody has marked yet).
///
/// The seam for ownership: empty until targets have owners (divisions, `kaohe assign`), so
/// the rows say "—"; the owners' part fills it, by reviewer name and by division.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OwnWork {
    pub by_reviewer: HashMap<String, i64>,
    pub by_division: HashMap<String, i64>,
}

/// One reviewer's progress: their first reviews (done, and left of their own work), how
/// those fared in the second review, and the second reviews they gave (done, and left of what
/// others marked).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewerProgress {
    pub reviewer: String,
    pub division: Option<String>,
    pub role: Option<Role>,
    /// 初审 verdicts given.
    pub marked: i64,
    /// Items of their own work not marked yet; `null` until targets have owners.
    pub left: Option<i64>,
    /// The second review of their first verdicts.
    #[serde(flatten)]
    pub agreement: Agreement,
    /// 复核 given by them.
    pub checks_done: i64,
    /// Items others marked and nobody has second-reviewed yet; `null` for a reviewer who
    /// does not do 复核.
    pub checks_left: Option<i64>,
}

/// A division's progress: its reviewers' together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DivisionProgress {
    /// `None`: reviewers with no division.
    pub division: Option<String>,
    pub reviewers: Vec<String>,
    pub marked: i64,
    pub left: Option<i64>,
    #[serde(flatten)]
    pub agreement: Agreement,
    pub checks_done: i64,
}

/// A target's progress through the stages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetProgress {
    pub id: u32,
    pub title: String,
    pub items: i64,
    /// 初审: items with a verdict.
    pub marked: i64,
    #[serde(flatten)]
    pub agreement: Agreement,
    /// 复核 left: items marked, not yet second-reviewed.
    pub checks_left: i64,
    pub stage: Stage,
    /// The lock that covers it (the whole assessment's, or its own).
    pub lock: Option<Lock>,
}

/// The assessment's progress through the stages: 初审 done and left, 复核 done and left (of
/// what is marked), and 审定.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageProgress {
    pub items: i64,
    pub marked: i64,
    pub unmarked: i64,
    #[serde(flatten)]
    pub agreement: Agreement,
    pub checks_left: i64,
    pub stage: Stage,
    pub locks: Vec<Lock>,
}

/// Progress by reviewer, division, target and stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct People {
    pub stage: StageProgress,
    pub reviewers: Vec<ReviewerProgress>,
    pub divisions: Vec<DivisionProgress>,
    pub targets: Vec<TargetProgress>,
}

impl People {
    /// Counts the marked items by person, division, target and stage. `people` are the
    /// registry's (in its order); any other name found on the work follows, by name.
    pub fn count(
        targets: &Targets,
        marked: &[Marked],
        people: &[Person],
        locks: &[Lock],
        own: &OwnWork,
    ) -> People {
        let mut people: Vec<Person> = people.to_vec();
        let mut found: Vec<&str> = marked
            .iter()
            .flat_map(|m| {
                std::iter::once(m.reviewer.as_str())
                    .chain(m.check.as_ref().map(|c| c.checker.as_str()))
            })
            .filter(|n| !people.iter().any(|p| p.name == *n))
            .collect();
        found.sort_unstable();
        found.dedup();
        people.extend(found.into_iter().map(|name| Person {
            name: name.to_string(),
            division: None,
            role: None,
        }));

        let mut reviewers: Vec<ReviewerProgress> = people
            .iter()
            .map(|p| ReviewerProgress {
                reviewer: p.name.clone(),
                division: p.division.clone(),
                role: p.role,
                marked: 0,
                left: own.by_reviewer.get(&p.name).copied(),
                agreement: Agreement::default(),
                checks_done: 0,
                checks_left: p.checks().then_some(0),
            })
            .collect();
        let at: HashMap<&str, usize> = people
            .iter()
            .enumerate()
            .map(|(k, p)| (p.name.as_str(), k))
            .collect();
        let mut by_target: Vec<TargetProgress> = (0..targets.ids.len())
            .map(|t| {
                let id = targets.ids[t];
                TargetProgress {
                    id,
                    title: targets.titles.get(t).cloned().unwrap_or_default(),
                    items: targets.items.get(t).copied().unwrap_or(0),
                    marked: 0,
                    agreement: Agreement::default(),
                    checks_left: 0,
                    stage: Stage::of_target(locks, id),
                    lock: covering(locks, id).cloned(),
                }
            })
            .collect();
        let mut unchecked_by: HashMap<&str, i64> = HashMap::new();
        let mut unchecked = 0i64;
        for m in marked {
            if let Some(&r) = at.get(m.reviewer.as_str()) {
                reviewers[r].marked += 1;
            }
            let target = by_target.get_mut(m.target);
            match &m.check {
                Some(c) => {
                    if let Some(&r) = at.get(m.reviewer.as_str()) {
                        reviewers[r].agreement.count(c.agreed);
                    }
                    if let Some(&r) = at.get(c.checker.as_str()) {
                        reviewers[r].checks_done += 1;
                    }
                    if let Some(t) = target {
                        t.agreement.count(c.agreed);
                    }
                }
                None => {
                    unchecked += 1;
                    *unchecked_by.entry(m.reviewer.as_str()).or_default() += 1;
                    if let Some(t) = target {
                        t.checks_left += 1;
                    }
                }
            }
            if let Some(t) = by_target.get_mut(m.target) {
                t.marked += 1;
            }
        }
        // What a checker has left: what others marked (nobody checks their own first review).
        for r in &mut reviewers {
            if let Some(left) = r.checks_left.as_mut() {
                *left = unchecked - unchecked_by.get(r.reviewer.as_str()).copied().unwrap_or(0);
            }
        }

        let mut divisions: Vec<DivisionProgress> = Vec::new();
        for r in &reviewers {
            let k = match divisions.iter().position(|d| d.division == r.division) {
                Some(k) => k,
                None => {
                    divisions.push(DivisionProgress {
                        division: r.division.clone(),
                        reviewers: Vec::new(),
                        marked: 0,
                        left: r
                            .division
                            .as_ref()
                            .and_then(|d| own.by_division.get(d).copied()),
                        agreement: Agreement::default(),
                        checks_done: 0,
                    });
                    divisions.len() - 1
                }
            };
            let d = &mut divisions[k];
            d.reviewers.push(r.reviewer.clone());
            d.marked += r.marked;
            d.agreement.add(&r.agreement);
            d.checks_done += r.checks_done;
        }
        // Named divisions by name, those without one last.
        divisions.sort_by(|a, b| match (&a.division, &b.division) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });

        let items: i64 = targets.items.iter().sum();
        let mut agreement = Agreement::default();
        by_target.iter().for_each(|t| agreement.add(&t.agreement));
        let stage = StageProgress {
            items,
            marked: marked.len() as i64,
            unmarked: items - marked.len() as i64,
            agreement,
            checks_left: unchecked,
            stage: Stage::of_assessment(locks, &targets.ids),
            locks: locks.to_vec(),
        };
        People {
            stage,
            reviewers,
            divisions,
            targets: by_target,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verdict::{Met, NotMet, PartlyMet};

    fn lock(target: Option<u32>) -> Lock {
        Lock {
            target,
            by: "王五".into(),
            account: "wangwu".into(),
            at: "2026-12-01T10:00:00+08:00".into(),
            reason: String::new(),
        }
    }

    #[test]
    fn the_refusal_says_who_locked_what_and_when() {
        assert_eq!(
            lock(Some(3)).refusal(),
            "已审定：王五 2026-12-01 10:00 锁定了目标 3；要改动须由组长 kaohe unlock --target 3 --reason 理由"
        );
        assert_eq!(
            lock(None).refusal(),
            "已审定：王五 2026-12-01 10:00 锁定了整个考核；要改动须由组长 kaohe unlock --reason 理由"
        );
    }

    #[test]
    fn the_whole_assessments_lock_covers_every_target_and_is_named_first() {
        let locks = [lock(Some(3)), lock(None)];
        assert_eq!(covering(&locks, 3).unwrap().target, None);
        assert_eq!(covering(&locks[..1], 3).unwrap().target, Some(3));
        assert!(covering(&locks[..1], 4).is_none());
        assert_eq!(Stage::of_assessment(&[], &[1, 2]), Stage::Preliminary);
        assert_eq!(
            Stage::of_assessment(&locks[..1], &[1, 3]),
            Stage::PartlySignedOff
        );
        assert_eq!(Stage::of_assessment(&locks, &[1, 3]), Stage::SignedOff);
        assert_eq!(Stage::of_target(&locks[..1], 1), Stage::Preliminary);
    }

    #[test]
    fn the_second_verdict_counts_where_there_is_one() {
        assert_eq!(result(Some(Met), None), Some(Met));
        assert_eq!(result(Some(Met), Some(NotMet)), Some(NotMet));
        assert_eq!(result(None, None), None);
        assert_eq!(Decision::Change(Met).on(Met), Decision::Confirm);
        assert_eq!(Decision::Change(PartlyMet).verdict(Met), PartlyMet);
    }

    /// The hand-checked example. Two targets (ids 1 and 2, of 12 and 6 items); 张三
    /// (养老服务处) marked 6 items, 李四 (社会救助处) 3, 赵六 (no registry entry) 1: 10 marked.
    /// 王五 (checker, 养老服务处) second-reviewed 5 of 张三's (agreed 4, changed 1) and 2 of
    /// 李四's (agreed 1, changed 1); 张三 himself (a reviewer) checks nothing.
    ///
    /// By reviewer: 张三 6 marked, 5 checked, 4 agreed, 1 changed: 4/5 = 80.0%.
    ///              李四 3 marked, 2 checked, 1 agreed, 1 changed: 1/2 = 50.0%.
    ///              赵六 1 marked, 0 checked: —.
    ///              王五 0 marked; checks done 7; left = unchecked (10 − 7 = 3), none his own: 3.
    ///              赵六 (no entry: anyone may check) left = 3 − his own 1 = 2.
    /// By division: 养老服务处 = 张三 + 王五: 6 marked, 5 checked, 4 agreed: 80.0%, 7 checks done.
    ///              社会救助处 = 李四: 3 marked, 2 checked, 1 agreed: 50.0%.
    ///              none = 赵六: 1 marked.
    /// By target:   target 1 holds 张三's 6 (5 checked: 4 agreed, 1 changed) and 赵六's 1:
    ///              7 marked, 5 checked, 80.0%, 2 left to check.
    ///              target 2 holds 李四's 3 (2 checked: 1 agreed, 1 changed): 3 marked, 50.0%,
    ///              1 left.
    /// Overall: 18 items, 10 marked, 8 unmarked; 7 checked, 5 agreed, 2 changed: 5/7 = 71.4%;
    ///              3 left to check; target 2 locked: 部分审定.
    #[test]
    fn a_hand_checked_example_gives_the_agreement_figures() {
        let targets = Targets {
            ids: vec![1, 2],
            titles: vec!["养老".into(), "救助".into()],
            items: vec![12, 6],
        };
        let check = |agreed: bool| {
            Some(Checked {
                checker: "王五".into(),
                agreed,
            })
        };
        let mut marked = Vec::new();
        let mut add = |target: usize, reviewer: &str, check: Option<Checked>| {
            marked.push(Marked {
                target,
                reviewer: reviewer.into(),
                check,
            })
        };
        for agreed in [true, true, true, true, false] {
            add(0, "张三", check(agreed));
        }
        add(0, "张三", None);
        add(0, "赵六", None);
        add(1, "李四", check(true));
        add(1, "李四", check(false));
        add(1, "李四", None);
        let people = [
            Person {
                name: "张三".into(),
                division: Some("养老服务处".into()),
                role: Some(Role::Reviewer),
            },
            Person {
                name: "李四".into(),
                division: Some("社会救助处".into()),
                role: Some(Role::Reviewer),
            },
            Person {
                name: "王五".into(),
                division: Some("养老服务处".into()),
                role: Some(Role::Checker),
            },
        ];
        let p = People::count(
            &targets,
            &marked,
            &people,
            &[lock(Some(2))],
            &OwnWork::default(),
        );
        let row = |name: &str| p.reviewers.iter().find(|r| r.reviewer == name).unwrap();
        let zhang = row("张三");
        assert_eq!(
            (
                zhang.marked,
                zhang.agreement.checked,
                zhang.agreement.agreed
            ),
            (6, 5, 4)
        );
        assert_eq!(zhang.agreement.changed, 1);
        assert_eq!(zhang.agreement.agreement, Some(80.0));
        assert_eq!(zhang.checks_left, None, "a reviewer does not check");
        assert_eq!(zhang.left, None, "no owners yet");
        let li = row("李四");
        assert_eq!((li.marked, li.agreement.agreement), (3, Some(50.0)));
        let zhao = row("赵六");
        assert_eq!((zhao.marked, zhao.agreement.agreement), (1, None));
        assert_eq!(zhao.agreement.percent_text(), "—");
        assert_eq!(zhao.checks_left, Some(2));
        let wang = row("王五");
        assert_eq!(
            (wang.marked, wang.checks_done, wang.checks_left),
            (0, 7, Some(3))
        );
        // Registry order, then names found on the work.
        let names: Vec<&str> = p.reviewers.iter().map(|r| r.reviewer.as_str()).collect();
        assert_eq!(names, ["张三", "李四", "王五", "赵六"]);

        // (division, marked, checked, agreed, agreement, checks given)
        type Row<'a> = (Option<&'a str>, i64, i64, i64, Option<f64>, i64);
        let d: Vec<Row> = p
            .divisions
            .iter()
            .map(|d| {
                (
                    d.division.as_deref(),
                    d.marked,
                    d.agreement.checked,
                    d.agreement.agreed,
                    d.agreement.agreement,
                    d.checks_done,
                )
            })
            .collect();
        assert_eq!(
            d,
            [
                (Some("养老服务处"), 6, 5, 4, Some(80.0), 7),
                (Some("社会救助处"), 3, 2, 1, Some(50.0), 0),
                (None, 1, 0, 0, None, 0),
            ]
        );

        let t: Vec<(i64, i64, Option<f64>, i64, Stage)> = p
            .targets
            .iter()
            .map(|t| {
                (
                    t.marked,
                    t.agreement.checked,
                    t.agreement.agreement,
                    t.checks_left,
                    t.stage,
                )
            })
            .collect();
        assert_eq!(
            t,
            [
                (7, 5, Some(80.0), 2, Stage::Preliminary),
                (3, 2, Some(50.0), 1, Stage::SignedOff),
            ]
        );
        let s = &p.stage;
        assert_eq!((s.items, s.marked, s.unmarked), (18, 10, 8));
        assert_eq!(
            (s.agreement.checked, s.agreement.agreed, s.agreement.changed),
            (7, 5, 2)
        );
        assert_eq!(s.agreement.agreement, Some(71.4));
        assert_eq!(s.checks_left, 3);
        assert_eq!(s.stage, Stage::PartlySignedOff);
    }

    #[test]
    fn what_is_left_of_ones_own_work_comes_from_the_owners_seam() {
        let targets = Targets {
            ids: vec![1],
            titles: vec!["养老".into()],
            items: vec![6],
        };
        let people = [Person {
            name: "张三".into(),
            division: Some("养老服务处".into()),
            role: None,
        }];
        let own = OwnWork {
            by_reviewer: HashMap::from([("张三".to_string(), 4)]),
            by_division: HashMap::from([("养老服务处".to_string(), 5)]),
        };
        let p = People::count(&targets, &[], &people, &[], &own);
        assert_eq!(p.reviewers[0].left, Some(4));
        assert_eq!(p.divisions[0].left, Some(5));
    }
}
