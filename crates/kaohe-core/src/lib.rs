//! kaohe's domain, free of SQLite, the terminal and the command line (its Cargo.toml makes
//! that a fact): the targets and counties ([`catalog`]), figures as typed ([`figure`]) and
//! their units ([`units`]), how a
//! figure stands against its requirement ([`check`]), points and ranks ([`score`], [`report`]),
//! who owns what ([`owners`]), the counties' evidence files and requests for more ([`evidence`]), finding ([`search`]), text measured in terminal columns
//! ([`text`]), reading a user's file
//! whatever it holds (its encoding, CSV and TOML: [`source`]), and the file formats a county
//! sends and the bureau publishes ([`formats`]).

pub mod catalog;
pub mod check;
pub mod error;
pub mod evidence;
pub mod figure;
pub mod formats;
pub mod item;
pub mod lookup;
pub mod model;
pub mod owners;
pub mod report;
pub mod score;
pub mod search;
pub mod source;
pub mod stages;
pub mod text;
pub mod units;
pub mod verified;
