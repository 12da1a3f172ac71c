//! Who owns what. The bureau marks as its divisions (处室): a target belongs to a division, or
//! to one reviewer; an indicator may belong to another owner than its target; a county may
//! have an owner too. An item (county × indicator) belongs to its indicator's owner, else its
//! target's, else its county's; with none of these it is everyone's. A reviewer's own work is
//! what belongs to their division or to them, and what is everyone's.

use crate::model::Indicator;
use crate::text::{check_name, width};
use std::collections::HashMap;

/// Who an item belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Owner {
    /// A division: every reviewer the registry puts in it.
    Division(String),
    /// One reviewer of the registry, by uid, with the name the registry gives them.
    Reviewer { uid: u32, name: String },
}

/// What can be given an owner.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A target, by its number.
    Target(u32),
    /// An indicator (`4.2`), over its target's owner.
    Indicator(String),
    /// A county, by its code: the owner of its items whose indicator and target have none.
    County(String),
}

/// One thing and its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub scope: Scope,
    pub owner: Owner,
}

/// A reviewer as ownership sees them: their uid and the division the registry gives them
/// (none for an account the registry does not hold).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Me {
    pub uid: Option<u32>,
    pub division: Option<String>,
}

impl Owner {
    /// The division's name, or the reviewer's.
    pub fn name(&self) -> &str {
        match self {
            Owner::Division(d) => d,
            Owner::Reviewer { name, .. } => name,
        }
    }

    /// Whether `me` is this owner or in it.
    pub fn includes(&self, me: &Me) -> bool {
        match self {
            Owner::Division(d) => me.division.as_deref() == Some(d.as_str()),
            Owner::Reviewer { uid, .. } => me.uid == Some(*uid),
        }
    }

    /// The name in at most [`SHORT_LABEL`] columns, for a narrow table: whole when it fits,
    /// else without the 处/科/室 a division's name ends in (养老服务处 → 养老服务), else cut.
    pub fn short(&self) -> String {
        let name = self.name();
        if width(name) <= SHORT_LABEL {
            return name.to_string();
        }
        let bare = name.trim_end_matches(['处', '科', '室', '局', '所']);
        crate::text::truncate(bare, SHORT_LABEL)
    }
}

/// The columns an owner's short label takes at most (four Chinese characters).
pub const SHORT_LABEL: usize = 8;

impl Scope {
    /// Its kind as the database and the exports name it: `target`, `indicator`, `county`.
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::Target(_) => "target",
            Scope::Indicator(_) => "indicator",
            Scope::County(_) => "county",
        }
    }

    /// Its key as the database keeps it: the target's number, the indicator's id, the county's
    /// code.
    pub fn key(&self) -> String {
        match self {
            Scope::Target(id) => id.to_string(),
            Scope::Indicator(id) | Scope::County(id) => id.clone(),
        }
    }

    /// A scope from its kind and key; `None` for anything else.
    pub fn from_parts(kind: &str, key: &str) -> Option<Scope> {
        match kind {
            "target" => key.parse().ok().map(Scope::Target),
            "indicator" => Some(Scope::Indicator(key.to_string())),
            "county" => Some(Scope::County(key.to_string())),
            _ => None,
        }
    }
}

/// Every owner given, found by what they own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owners {
    targets: HashMap<u32, Owner>,
    indicators: HashMap<String, Owner>,
    counties: HashMap<String, Owner>,
}

impl Owners {
    pub fn new(assignments: &[Assignment]) -> Owners {
        let mut owners = Owners::default();
        for a in assignments {
            let owner = a.owner.clone();
            match &a.scope {
                Scope::Target(id) => owners.targets.insert(*id, owner),
                Scope::Indicator(id) => owners.indicators.insert(id.clone(), owner),
                Scope::County(code) => owners.counties.insert(code.clone(), owner),
            };
        }
        owners
    }

    /// Nobody owns anything: every item is everyone's.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty() && self.indicators.is_empty() && self.counties.is_empty()
    }

    /// The owner of an indicator's items, before any county's: its own, else its target's.
    pub fn of_indicator(&self, indicator: &Indicator) -> Option<&Owner> {
        self.indicators
            .get(&indicator.id)
            .or_else(|| self.targets.get(&indicator.target_id()))
    }

    /// A county's owner: of its items whose indicator and target have none.
    pub fn of_county(&self, code: &str) -> Option<&Owner> {
        self.counties.get(code)
    }

    /// Who an item belongs to, if anyone in particular.
    pub fn of_item(&self, indicator: &Indicator, county_code: &str) -> Option<&Owner> {
        self.of_indicator(indicator)
            .or_else(|| self.of_county(county_code))
    }

    /// Whether an item is `me`'s own work: theirs, their division's, or everyone's.
    pub fn is_own(&self, indicator: &Indicator, county_code: &str, me: &Me) -> bool {
        self.of_item(indicator, county_code)
            .is_none_or(|o| o.includes(me))
    }
}

/// The most characters a division's name may have.
pub const DIVISION_CHARS: usize = 64;

/// A division's name as given (a targets file, `kaohe assign --division`), trimmed and
/// checked: not empty, a name people can read, at most [`DIVISION_CHARS`] characters.
pub fn check_division(what: &str, given: &str) -> Result<String, String> {
    let name = given.trim();
    if name.is_empty() {
        return Err(format!(
            "{what} is empty: give the division's name, e.g. 养老服务处"
        ));
    }
    check_name(what, name)?;
    if name.chars().count() > DIVISION_CHARS {
        return Err(format!("{what} is longer than {DIVISION_CHARS} characters"));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn division(d: &str) -> Owner {
        Owner::Division(d.to_string())
    }

    #[test]
    fn an_item_belongs_to_its_indicators_owner_else_its_targets_else_its_countys() {
        let catalog = Catalog::embedded_2014().unwrap();
        let ind = |id: &str| catalog.indicator(id).unwrap();
        let owners = Owners::new(&[
            Assignment {
                scope: Scope::Target(1),
                owner: division("养老服务处"),
            },
            Assignment {
                scope: Scope::Indicator("1.21".into()),
                owner: division("福利彩票中心"),
            },
            Assignment {
                scope: Scope::County("330881".into()),
                owner: Owner::Reviewer {
                    uid: 1002,
                    name: "王五".into(),
                },
            },
        ]);
        assert_eq!(
            owners.of_item(ind("1.2"), "330881"),
            Some(&division("养老服务处"))
        );
        assert_eq!(
            owners.of_item(ind("1.21"), "330802"),
            Some(&division("福利彩票中心"))
        );
        assert_eq!(
            owners.of_item(ind("2.1"), "330881").map(Owner::name),
            Some("王五")
        );
        assert_eq!(owners.of_item(ind("2.1"), "330802"), None);

        let zhang = Me {
            uid: Some(1001),
            division: Some("养老服务处".into()),
        };
        let wang = Me {
            uid: Some(1002),
            division: None,
        };
        assert!(owners.is_own(ind("1.2"), "330881", &zhang));
        assert!(!owners.is_own(ind("1.21"), "330802", &zhang));
        assert!(owners.is_own(ind("2.1"), "330802", &zhang), "everyone's");
        assert!(!owners.is_own(ind("2.1"), "330881", &zhang));
        assert!(owners.is_own(ind("2.1"), "330881", &wang));
        assert!(!owners.is_own(ind("1.2"), "330881", &wang));
        assert!(Owners::default().is_own(ind("1.2"), "330881", &wang));
    }

    #[test]
    fn short_labels_fit_eight_columns() {
        assert_eq!(division("养老服务处").short(), "养老服务");
        assert_eq!(division("办公室").short(), "办公室");
        assert_eq!(division("社会组织管理局").short(), "社会组…");
        let wang = Owner::Reviewer {
            uid: 1,
            name: "王五".into(),
        };
        assert_eq!(wang.short(), "王五");
        assert!(width(&division("社会事务和区划地名处").short()) <= SHORT_LABEL);
    }

    #[test]
    fn a_division_is_a_name_people_can_read() {
        assert_eq!(
            check_division("division", " 养老服务处 "),
            Ok("养老服务处".into())
        );
        assert!(
            check_division("division", " ")
                .unwrap_err()
                .contains("empty")
        );
        assert!(
            check_division("division", "养老\u{1b}[2J")
                .unwrap_err()
                .contains("U+001B")
        );
        assert!(
            check_division("division", &"处".repeat(65))
                .unwrap_err()
                .contains("64")
        );
    }

    #[test]
    fn scopes_read_back_from_their_parts() {
        for scope in [
            Scope::Target(4),
            Scope::Indicator("4.2".into()),
            Scope::County("330824".into()),
        ] {
            assert_eq!(Scope::from_parts(scope.kind(), &scope.key()), Some(scope));
        }
        assert_eq!(Scope::from_parts("target", "x"), None);
        assert_eq!(Scope::from_parts("class", "1"), None);
    }
}
