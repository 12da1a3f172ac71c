//! kaohe (考核): reviewing county-level civil-affairs work against the bureau's annual targets.
//!
//! Three crates, arrows one way: `kaohe-core` (the domain and the file formats) ←
//! `kaohe-store` (all SQL) ← this binary's [`cli`] and workspace ([`tui`]). The core's modules
//! are re-exported here under their own names, so `kaohe::catalog` is `kaohe_core::catalog`.

pub use kaohe_core::{
    catalog, check, error, evidence, figure, formats, item, lookup, model, owners, report, score,
    search, source, stages, text, units, verified,
};
pub use kaohe_store as store;

pub mod cli;
pub mod config;
pub mod host;
pub mod tui;
