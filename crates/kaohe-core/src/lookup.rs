//! Names and codes a user gives, resolved against a catalog and its counties. Codes and ids
//! are read as typed on a Chinese keyboard too: full-width digits, letters and dots
//! (`３３０８２５`, `１．２`) are the ASCII ones.

use crate::catalog::Catalog;
use crate::model::{County, Submission};
use anyhow::{Result, anyhow, bail};
use std::collections::HashMap;

/// Resolves the county names and codes and the indicator ids a user gives.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    /// code or name → the county's place in `in_order`
    counties: HashMap<String, usize>,
    /// The counties in the database's order: what a message lists.
    in_order: Vec<County>,
    /// id → the indicator's unit if numeric
    indicators: HashMap<String, Option<String>>,
    /// An indicator's short name → its id.
    shorts: HashMap<String, String>,
    /// The indicator ids in document order: what a message lists.
    ids: Vec<String>,
    /// id → its place in `ids`.
    indicator_at: HashMap<String, usize>,
}

/// A code, id or name as the database spells it: full-width digits, letters, dots and spaces
/// made ASCII (what a Chinese input method types), spaces around trimmed.
pub fn ascii_key(key: &str) -> String {
    crate::figure::normalize_width(key.trim_matches(|c: char| c.is_whitespace()))
}

impl Lookup {
    pub fn from_parts(catalog: &Catalog, counties: &[County]) -> Lookup {
        let mut lookup = Lookup::default();
        for (at, c) in counties.iter().enumerate() {
            lookup.counties.insert(c.code.clone(), at);
            lookup.counties.insert(c.name.clone(), at);
        }
        lookup.in_order = counties.to_vec();
        for i in catalog.indicators() {
            lookup
                .indicators
                .insert(i.id.clone(), i.requirement.as_ref().map(|r| r.unit.clone()));
            lookup.shorts.insert(i.short.clone(), i.id.clone());
            lookup.indicator_at.insert(i.id.clone(), lookup.ids.len());
            lookup.ids.push(i.id.clone());
        }
        lookup
    }

    /// A county by its code or its name, as typed (full-width digits too).
    pub fn county(&self, key: &str) -> Option<&County> {
        let at = match self.counties.get(key.trim()) {
            Some(at) => *at,
            None => *self.counties.get(&ascii_key(key))?,
        };
        self.in_order.get(at)
    }

    /// `None` if unknown; `Some(unit)` (the unit of a numeric indicator, else `None`) if known.
    pub fn indicator(&self, id: &str) -> Option<Option<&str>> {
        self.indicator_id(id).map(|(_, unit)| unit)
    }

    /// An indicator by its id as typed (`1.2`, `１．２`): its id as the database spells it,
    /// and its unit if numeric.
    pub fn indicator_id(&self, id: &str) -> Option<(&str, Option<&str>)> {
        let found = self
            .indicators
            .get_key_value(id.trim())
            .or_else(|| self.indicators.get_key_value(&ascii_key(id)))?;
        Some((found.0.as_str(), found.1.as_deref()))
    }

    /// County × indicator's place in a grid of every county by every indicator (see
    /// [`Lookup::item_positions`]), by the county's code and the indicator's id as the
    /// database spells them: what an import marks the items it was given in.
    pub fn item_position(&self, county_code: &str, indicator_id: &str) -> Option<usize> {
        let county = *self.counties.get(county_code)?;
        // The map holds names too: a code only.
        if self.in_order.get(county)?.code != county_code {
            return None;
        }
        let indicator = *self.indicator_at.get(indicator_id)?;
        Some(county * self.ids.len() + indicator)
    }

    /// How many items (county × indicator) there are.
    pub fn item_positions(&self) -> usize {
        self.in_order.len() * self.ids.len()
    }

    /// An indicator by its id or its short name (照料中心覆盖率(城市)), as a wide sheet's
    /// header or row may give it.
    pub fn indicator_by_id_or_name(&self, key: &str) -> Option<(&str, Option<&str>)> {
        self.indicator_id(key).or_else(|| {
            let id = self
                .shorts
                .get(key.trim())
                .or_else(|| self.shorts.get(&ascii_key(key)))?;
            self.indicator_id(id)
        })
    }

    /// The counties, as a message lists them: "330802 柯城区, 330803 衢江区, …" (at most a
    /// dozen, then how many more).
    pub fn known_counties(&self) -> String {
        const SHOWN: usize = 12;
        let mut names: Vec<String> = self
            .in_order
            .iter()
            .take(SHOWN)
            .map(|c| format!("{} {}", c.code, c.name))
            .collect();
        if self.in_order.len() > SHOWN {
            names.push(format!("… {} more", self.in_order.len() - SHOWN));
        }
        names.join(", ")
    }

    /// The indicator ids, as a message lists them: each target's run of ids as a range,
    /// "1.1–1.13, 2.1–2.9, …" (at most a dozen runs, then how many more ids).
    pub fn known_indicators(&self) -> String {
        const SHOWN: usize = 12;
        let mut runs: Vec<(String, String, usize)> = Vec::new();
        for id in &self.ids {
            let target = id.split_once('.').map_or(id.as_str(), |(t, _)| t);
            match runs.last_mut() {
                Some((first, last, n))
                    if first.split_once('.').map_or(first.as_str(), |(t, _)| t) == target =>
                {
                    last.clone_from(id);
                    *n += 1;
                }
                _ => runs.push((id.clone(), id.clone(), 1)),
            }
        }
        let shown: Vec<String> = runs
            .iter()
            .take(SHOWN)
            .map(|(first, last, n)| match n {
                1 => first.clone(),
                2 => format!("{first}, {last}"),
                _ => format!("{first}–{last}"),
            })
            .collect();
        let mut words = shown.join(", ");
        let more: usize = runs.iter().skip(SHOWN).map(|r| r.2).sum();
        if more > 0 {
            words.push_str(&format!(", … {more} more"));
        }
        words
    }

    /// A county by code or name, or an error that says how to name one.
    pub fn find_county(&self, key: &str) -> Result<&County> {
        self.county(key).ok_or_else(|| {
            anyhow!(
                "unknown county \"{}\" (give a code such as 330802 or a name such as 柯城区; `kaohe counties` lists them)",
                key.trim()
            )
        })
    }

    /// Every county, each once (in the counties file's order): whose folder of evidence is whose
    /// (issue 18).
    pub fn all_counties(&self) -> impl Iterator<Item = &County> {
        self.in_order.iter()
    }

    /// Every indicator's id, in document order.
    pub fn indicator_ids(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(String::as_str)
    }

    /// The one county a sheet's name or title names (issue 16: a workbook with a sheet per
    /// county): by its full name within the text (柯城区, 衢州市柯城区2014年度考核表), else
    /// its code, else its name without 区/县/市 (柯城); `None` if the text names none, or
    /// more than one.
    pub fn county_named_in(&self, text: &str) -> Option<&County> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let mut counties: Vec<&County> = self.in_order.iter().collect();
        counties.sort_by(|a, b| a.code.cmp(&b.code));
        let short = |name: &str| -> Option<String> {
            let trimmed = name.trim_end_matches(['区', '县', '市']);
            (trimmed != name && trimmed.chars().count() >= 2).then(|| trimmed.to_string())
        };
        let digits_at = |at: usize, len: usize| {
            let before = text[..at].chars().next_back();
            let after = text[at + len..].chars().next();
            !before.is_some_and(|c| c.is_ascii_digit())
                && !after.is_some_and(|c| c.is_ascii_digit())
        };
        let ways: [&dyn Fn(&County) -> bool; 3] = [
            &|c| text.contains(c.name.as_str()),
            &|c| {
                text.match_indices(c.code.as_str())
                    .any(|(at, code)| digits_at(at, code.len()))
            },
            &|c| short(&c.name).is_some_and(|s| text.contains(s.as_str())),
        ];
        for named in ways {
            let mut found: Vec<&County> = counties.iter().copied().filter(|c| named(c)).collect();
            // 西城区 holds 城区 too: a name within another's found beside it is not meant.
            let all = found.clone();
            found.retain(|c| {
                !all.iter()
                    .any(|o| o.code != c.code && o.name.contains(c.name.as_str()))
            });
            match found.len() {
                0 => continue,
                1 => return found.first().copied(),
                _ => return None,
            }
        }
        None
    }

    /// An indicator id as the database spells it, or an error that says how to name one.
    pub fn find_indicator(&self, id: &str) -> Result<&str> {
        match self.indicator_id(id) {
            Some((id, _)) => Ok(id),
            None => bail!(
                "unknown indicator \"{}\" (give an id such as 1.2; `kaohe targets` lists them)",
                id.trim()
            ),
        }
    }
}

/// One row of an import, checked and resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct SubmissionRow {
    pub line: u64,
    pub county_code: String,
    pub indicator_id: String,
    pub submission: Submission,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, embedded_counties};

    fn lookup() -> Lookup {
        Lookup::from_parts(
            &Catalog::embedded_2014().unwrap(),
            &embedded_counties().unwrap(),
        )
    }

    #[test]
    fn full_width_codes_and_ids_are_the_ascii_ones() {
        let l = lookup();
        assert_eq!(l.county("３３０８２５").unwrap().name, "龙游县");
        assert_eq!(l.county(" 330825\u{3000}").unwrap().name, "龙游县");
        assert_eq!(l.indicator_id("１．２").unwrap().0, "1.2");
        assert_eq!(l.find_indicator("１．１０").unwrap(), "1.10");
        assert_eq!(l.find_county("柯城区").unwrap().code, "330802");
        assert!(l.indicator_id("1．99").is_none());
        assert_eq!(ascii_key("ＡＢｃ１"), "ABc1");
    }

    #[test]
    fn indicators_are_found_by_short_name_too() {
        let l = lookup();
        assert_eq!(
            l.indicator_by_id_or_name("照料中心覆盖率(城市)").unwrap().0,
            "1.2"
        );
        assert_eq!(l.indicator_by_id_or_name("1.3").unwrap().0, "1.3");
        assert!(l.indicator_by_id_or_name("覆盖率").is_none());
    }

    #[test]
    fn messages_list_what_the_database_knows() {
        let l = lookup();
        assert!(
            l.known_counties()
                .starts_with("330802 柯城区, 330803 衢江区"),
            "{}",
            l.known_counties()
        );
        let ids = l.known_indicators();
        assert!(ids.starts_with("1.1–1."), "{ids}");
        assert!(ids.contains("2.1–2."), "{ids}");
    }
}
