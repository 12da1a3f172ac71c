//! The data files built into the binary (from `data/` at the repository's top), so that it
//! runs from any directory. Each comes with the path it is named by in messages.

/// The embedded 2014 targets (衢市民〔2014〕89号).
pub const TARGETS_2014: &str = include_str!("../../../../data/targets/2014.toml");
pub const TARGETS_2014_PATH: &str = "data/targets/2014.toml";
/// The embedded six county-level units of Quzhou.
pub const COUNTIES_QUZHOU: &str = include_str!("../../../../data/regions/quzhou.csv");
pub const COUNTIES_QUZHOU_PATH: &str = "data/regions/quzhou.csv";
/// The embedded, invented demo submissions for 2014.
pub const DEMO_SUBMISSIONS_2014: &str = include_str!("../../../../data/demo/submissions-2014.csv");
pub const DEMO_SUBMISSIONS_2014_PATH: &str = "data/demo/submissions-2014.csv";
