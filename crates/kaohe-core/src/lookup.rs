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

    /// Every county, each once (in no particular order): whose folder of evidence is whose
    /// (issue 18).
    pub fn all_counties(&self) -> impl Iterator<Item = &County> {
        self.counties
            .iter()
            .filter(|(key, c)| **key == c.code)
            .map(|(_, c)| c)
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
