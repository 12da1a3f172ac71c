//! Names and codes a user gives, resolved against a catalog and its counties.

use crate::catalog::Catalog;
use crate::model::{County, Submission};
use anyhow::{Result, anyhow, bail};

/// Resolves the county names and codes and the indicator ids a user gives.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    /// code or name → county
    counties: std::collections::HashMap<String, County>,
    /// id → the indicator's unit if numeric
    indicators: std::collections::HashMap<String, Option<String>>,
}

impl Lookup {
    pub fn from_parts(catalog: &Catalog, counties: &[County]) -> Lookup {
        let mut lookup = Lookup::default();
        for c in counties {
            lookup.counties.insert(c.code.clone(), c.clone());
            lookup.counties.insert(c.name.clone(), c.clone());
        }
        for i in catalog.indicators() {
            lookup
                .indicators
                .insert(i.id.clone(), i.requirement.as_ref().map(|r| r.unit.clone()));
        }
        lookup
    }

    /// A county by its code or its name.
    pub fn county(&self, key: &str) -> Option<&County> {
        self.counties.get(key.trim())
    }

    /// `None` if unknown; `Some(unit)` (the unit of a numeric indicator, else `None`) if known.
    pub fn indicator(&self, id: &str) -> Option<Option<&str>> {
        self.indicators.get(id.trim()).map(Option::as_deref)
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

    /// The one county a sheet's name or title names (issue 16: a workbook with a sheet per
    /// county): by its full name within the text (柯城区, 衢州市柯城区2014年度考核表), else
    /// its code, else its name without 区/县/市 (柯城); `None` if the text names none, or
    /// more than one.
    pub fn county_named_in(&self, text: &str) -> Option<&County> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let mut counties: Vec<&County> = self
            .counties
            .iter()
            .filter(|(key, county)| *key == &county.code)
            .map(|(_, county)| county)
            .collect();
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

    /// An indicator id, or an error that says how to name one.
    pub fn find_indicator<'a>(&self, id: &'a str) -> Result<&'a str> {
        let id = id.trim();
        match self.indicator(id) {
            Some(_) => Ok(id),
            None => bail!(
                "unknown indicator \"{id}\" (give an id such as 1.2; `kaohe targets` lists them)"
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
