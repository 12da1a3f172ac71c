//! Where an export's items come from: one at a time, in the results' order (the store walks
//! the database so), or one county's together (a report's section is a county's, in rank
//! order). [`Listed`] holds them in memory, for tests and small callers.

use crate::evidence::Summary;
use crate::item::Item;
use anyhow::Result;
use std::collections::HashMap;

/// The items of an export, each with its evidence and open requests (`None`: it has none).
pub trait Items {
    /// Every county × indicator, counties in order then indicators in document order, given
    /// to `f` one at a time; the first error `f` returns ends the walk and is returned.
    fn each(&self, f: &mut dyn FnMut(&Item, Option<&Summary>) -> Result<()>) -> Result<()>;

    /// County `code`'s items, indicators in document order (none for a county not there).
    fn of_county(&self, code: &str) -> Result<Vec<(Item, Option<Summary>)>>;
}

/// Items held in memory, by (county code, indicator id) for their evidence.
#[derive(Debug, Clone, Default)]
pub struct Listed {
    /// In the results' order.
    pub items: Vec<Item>,
    pub evidence: HashMap<(String, String), Summary>,
}

impl Listed {
    fn evidence_of(&self, item: &Item) -> Option<&Summary> {
        self.evidence
            .get(&(item.county_code.clone(), item.indicator.clone()))
    }
}

impl Items for Listed {
    fn each(&self, f: &mut dyn FnMut(&Item, Option<&Summary>) -> Result<()>) -> Result<()> {
        for item in &self.items {
            f(item, self.evidence_of(item))?;
        }
        Ok(())
    }

    fn of_county(&self, code: &str) -> Result<Vec<(Item, Option<Summary>)>> {
        Ok(self
            .items
            .iter()
            .filter(|i| i.county_code == code)
            .map(|i| (i.clone(), self.evidence_of(i).cloned()))
            .collect())
    }
}
