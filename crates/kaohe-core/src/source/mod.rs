//! Reading what a user hands kaohe, whatever it is about: a file's text in the encoding it
//! came in ([`decode`]), CSV as kaohe reads every CSV ([`csv`]), and TOML read with its errors
//! told at their line and in plain words ([`toml`]).

pub mod csv;
pub mod decode;
pub mod toml;
