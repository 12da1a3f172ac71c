//! Reading what a user hands kaohe, whatever it is about: a file's text in the encoding it
//! came in ([`decode`]), CSV as kaohe reads every CSV ([`csv`]), TOML read with its errors
//! told at their line and in plain words ([`toml`]); how much of a file kaohe takes in
//! ([`limits`]), a workbook's zip looked through before it is unpacked ([`workbook`]), and a
//! workbook's sheets read as they stream, whatever program wrote it ([`book`]).

pub mod book;
pub mod csv;
pub mod csv_stream;
pub mod decode;
pub mod limits;
pub mod toml;
pub mod workbook;
