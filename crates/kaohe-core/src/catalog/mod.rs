//! The catalog an assessment is reviewed against: its targets (a TOML file, `targets.rs`) and
//! the counties (a CSV file, `counties.rs`), read and checked. The 2014 set is embedded
//! (`embedded.rs`) so the binary runs from any directory.

mod counties;
mod embedded;
mod targets;

pub use counties::parse_counties;
pub use embedded::{
    COUNTIES_QUZHOU, COUNTIES_QUZHOU_PATH, DEMO_SUBMISSIONS_2014, DEMO_SUBMISSIONS_2014_PATH,
    TARGETS_2014, TARGETS_2014_PATH,
};
pub use targets::{DEFAULT_TARGET_POINTS, SHORT_WIDTH, TARGETS_FORMAT, parse_targets};

use crate::error::FileError;
use crate::model::{Assessment, County, Indicator, Shares, Target, TargetClass};
use crate::score::Grades;
use crate::source::decode::read_text_within;
use crate::source::limits::Limits;
use std::path::Path;

/// An assessment with its classes and targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub assessment: Assessment,
    pub classes: Vec<TargetClass>,
    pub targets: Vec<Target>,
    /// What each verdict earns of an indicator's points.
    pub shares: Shares,
    /// The most all bonus items (加分项) together add to a county's score (`[scoring]
    /// bonus_cap`); `None`: only each item's own cap.
    pub bonus_cap: Option<f64>,
    /// The grades (等次) counties are given by score or rank; none unless the file names them.
    pub grades: Grades,
}

impl Catalog {
    /// The embedded 2014 targets.
    pub fn embedded_2014() -> Result<Catalog, FileError> {
        parse_targets(TARGETS_2014, &format!("<embedded> {TARGETS_2014_PATH}"))
    }

    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.targets.iter().flat_map(|t| t.indicators.iter())
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators().find(|i| i.id == id)
    }
}

/// Reads a targets file from disk, within the default limit for one.
pub fn load_targets(path: &Path) -> Result<Catalog, FileError> {
    load_targets_within(path, &Limits::default())
}

/// Reads a targets file from disk; a file over `limits` is refused before it is read.
pub fn load_targets_within(path: &Path, limits: &Limits) -> Result<Catalog, FileError> {
    let shown = path.display().to_string();
    let text = read_text_within(path, &limits.targets_file())?;
    parse_targets(&text, &shown)
}

/// Reads a counties file from disk, within the default limit for one.
pub fn load_counties(path: &Path) -> Result<Vec<County>, FileError> {
    load_counties_within(path, &Limits::default())
}

/// Reads a counties file from disk; a file over `limits` is refused before it is read.
pub fn load_counties_within(path: &Path, limits: &Limits) -> Result<Vec<County>, FileError> {
    let shown = path.display().to_string();
    let text = read_text_within(path, &limits.counties_file())?;
    parse_counties(&text, &shown)
}

/// The embedded counties of Quzhou.
pub fn embedded_counties() -> Result<Vec<County>, FileError> {
    parse_counties(
        COUNTIES_QUZHOU,
        &format!("<embedded> {COUNTIES_QUZHOU_PATH}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_2014_set_loads() {
        let catalog = Catalog::embedded_2014().unwrap();
        assert_eq!(catalog.targets.len(), 12);
        assert_eq!(embedded_counties().unwrap().len(), 6);
    }
}
