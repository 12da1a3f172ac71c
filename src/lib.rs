//! kaohe (考核): reviewing county-level civil-affairs work against the bureau's annual targets.
//!
//! Data flows one way: data files → [`catalog`] → [`store`] (SQLite, all SQL) ← [`import`];
//! the [`cli`] and the workspace ([`tui`]) only ask the store.

pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod error;
pub mod export;
pub mod figure;
pub mod import;
pub mod model;
pub mod paths;
pub mod score;
pub mod search;
pub mod store;
pub mod text;
pub mod tui;
