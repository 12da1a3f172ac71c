//! Progress by person: the facts kaohe-core's [`People`] counts — every item with a first
//! verdict (its target, who gave it, the second review on it), the registry's people and the
//! locks — read out of the database.

use crate::RegistryEntry;
use crate::Store;
use anyhow::Result;
use kaohe_core::catalog::Catalog;
use kaohe_core::owners::{Me, Owner, Owners};
use kaohe_core::stages::{Checked, Marked, OwnWork, People, Person, Targets};
use std::collections::{HashMap, HashSet};

impl Store {
    /// Progress by reviewer, division, target and stage (`status --by`, the summary screen,
    /// the exports).
    pub fn people(&self) -> Result<People> {
        let catalog = self.catalog()?;
        let counties = self.counties()?.len() as i64;
        let targets = Targets {
            ids: catalog.targets.iter().map(|t| t.id).collect(),
            titles: catalog.targets.iter().map(|t| t.title.clone()).collect(),
            items: catalog
                .targets
                .iter()
                .map(|t| t.indicators.len() as i64 * counties)
                .collect(),
        };
        let target_at: HashMap<u32, usize> = targets
            .ids
            .iter()
            .enumerate()
            .map(|(k, &id)| (id, k))
            .collect();
        // Every first verdict, with the second review given on it as it stands.
        let mut stmt = self.conn.prepare(
            "SELECT i.target_id, r.reviewer, sr.checker, sr.verdict = sr.first_verdict
             FROM reviews r
             JOIN indicators i ON i.id = r.indicator_id
             LEFT JOIN second_reviews sr ON sr.county_code = r.county_code
                 AND sr.indicator_id = r.indicator_id AND sr.first_verdict = r.verdict
             WHERE r.verdict IS NOT NULL",
        )?;
        let mut marked = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let target: u32 = r.get(0)?;
            let checker: Option<String> = r.get(2)?;
            let agreed: Option<bool> = r.get(3)?;
            marked.push(Marked {
                target: target_at.get(&target).copied().unwrap_or(usize::MAX),
                reviewer: r.get(1)?,
                check: checker.map(|checker| Checked {
                    checker,
                    agreed: agreed.unwrap_or(false),
                }),
            });
        }
        // The registry's people: the active, and the removed whose work is here (with their
        // division); without a registry, everyone is found on the work.
        let on_work: HashSet<&str> = marked
            .iter()
            .flat_map(|m| {
                std::iter::once(m.reviewer.as_str())
                    .chain(m.check.as_ref().map(|c| c.checker.as_str()))
            })
            .collect();
        let entries: Vec<RegistryEntry> = self
            .reviewers()?
            .into_iter()
            .filter(|e| e.active || on_work.contains(e.name.as_str()))
            .collect();
        let own = self.own_work_left(&catalog, &entries)?;
        let people: Vec<Person> = entries
            .into_iter()
            .map(|e| Person {
                name: e.name,
                division: e.division,
                role: Some(e.role),
            })
            .collect();
        Ok(People::count(
            &targets,
            &marked,
            &people,
            &self.locks()?,
            &own,
        ))
    }

    /// What is left of each one's own work: the items owned by their division or by them
    /// (`kaohe assign`, the targets file's divisions) that have no verdict yet, by reviewer
    /// name and by division (the division's own items and its reviewers'). Empty while nothing
    /// has an owner: then nobody's own work is known, and the rows say "—".
    fn own_work_left(&self, catalog: &Catalog, people: &[RegistryEntry]) -> Result<OwnWork> {
        let owners = Owners::new(&self.owners()?);
        if owners.is_empty() {
            return Ok(OwnWork::default());
        }
        let mut stmt = self
            .conn
            .prepare("SELECT county_code, indicator_id FROM reviews WHERE verdict IS NOT NULL")?;
        // Marked counties by indicator: looked up without building a key an item.
        let mut marked: HashMap<String, HashSet<String>> = HashMap::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            marked.entry(r.get(1)?).or_default().insert(r.get(0)?);
        }
        let counties = self.counties()?;
        // Unmarked items by their owner (items nobody in particular owns are nobody's here).
        let mut left: HashMap<&Owner, i64> = HashMap::new();
        for indicator in catalog.targets.iter().flat_map(|t| &t.indicators) {
            let done = marked.get(&indicator.id);
            for county in &counties {
                if done.is_some_and(|d| d.contains(&county.code)) {
                    continue;
                }
                if let Some(owner) = owners.of_item(indicator, &county.code) {
                    *left.entry(owner).or_default() += 1;
                }
            }
        }
        let mut own = OwnWork::default();
        for p in people {
            let me = Me {
                uid: Some(p.uid),
                division: p.division.clone(),
            };
            let theirs: i64 = left
                .iter()
                .filter(|(o, _)| o.includes(&me))
                .map(|(_, n)| n)
                .sum();
            own.by_reviewer.insert(p.name.clone(), theirs);
            if let Some(d) = &p.division {
                // The division's own items once, and each of its reviewers' own.
                let division = own
                    .by_division
                    .entry(d.clone())
                    .or_insert_with(|| left.get(&Owner::Division(d.clone())).copied().unwrap_or(0));
                *division += left
                    .iter()
                    .filter(|(o, _)| matches!(o, Owner::Reviewer { uid, .. } if *uid == p.uid))
                    .map(|(_, n)| n)
                    .sum::<i64>();
            }
        }
        Ok(own)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{Reviews, new_store, who};
    use crate::{OwnerRef, Registrar, Registration};
    use kaohe_core::model::{Role, Verdict};
    use kaohe_core::owners::Scope;

    #[test]
    fn what_is_left_of_ones_own_work_is_what_ones_division_or_one_owns_unmarked() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        // Nobody owns anything yet: nobody's own work is known.
        let people = store.people().unwrap();
        assert!(people.reviewers.iter().all(|r| r.left.is_none()));
        let owner = Registrar {
            uid: 1,
            who: who(),
            owner: true,
        };
        for (uid, account, name, division) in [
            (1001, "zhang", "张三", "养老服务处"),
            (1002, "li", "李四", "社会救助处"),
            (1003, "wang", "王五", "养老服务处"),
        ] {
            let entry = Registration {
                uid,
                account: account.into(),
                name: Some(name.into()),
                division: Some(Some(division.into())),
                role: Some(Role::Reviewer),
            };
            store.register(&entry, &owner).unwrap();
        }
        let division = OwnerRef::Division("养老服务处".into());
        store
            .assign(&Scope::Target(1), Some(&division), &owner)
            .unwrap();
        store
            .assign(
                &Scope::County("330802".into()),
                Some(&OwnerRef::Reviewer(1002)),
                &owner,
            )
            .unwrap();
        store
            .review("330802", "1.1", Some(Some(Verdict::Met)), None, &who())
            .unwrap();
        let catalog = store.catalog().unwrap();
        let counties = store.counties().unwrap().len() as i64;
        let of_target_1 = catalog.targets[0].indicators.len() as i64;
        let all: i64 = catalog
            .targets
            .iter()
            .map(|t| t.indicators.len() as i64)
            .sum();
        let people = store.people().unwrap();
        let left = |name: &str| {
            people
                .reviewers
                .iter()
                .find(|r| r.reviewer == name)
                .and_then(|r| r.left)
        };
        // Target 1 is 养老服务处's: every county's, less the one marked.
        assert_eq!(left("张三"), Some(of_target_1 * counties - 1));
        assert_eq!(left("王五"), Some(of_target_1 * counties - 1));
        // 柯城区 is 李四's where its indicator and target have no owner.
        assert_eq!(left("李四"), Some(all - of_target_1));
        let division_left = |name: &str| {
            people
                .divisions
                .iter()
                .find(|d| d.division.as_deref() == Some(name))
                .and_then(|d| d.left)
        };
        assert_eq!(
            division_left("养老服务处"),
            Some(of_target_1 * counties - 1)
        );
        assert_eq!(division_left("社会救助处"), Some(all - of_target_1));
    }
}
