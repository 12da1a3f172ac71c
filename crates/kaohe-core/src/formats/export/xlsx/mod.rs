//! The workbook export (written with rust_xlsxwriter), a sheet a table: every county ×
//! indicator (评审结果, first, so that `kaohe import` reads it back), the ranking with a chart
//! of the scores (汇总), the targets (目标), the second review by reviewer (复核), and the
//! county × target heat map (热力图). A table longer than a sheet holds continues on further
//! sheets (评审结果 (2), …), each with the heading row; the limits are checked before anything
//! is read.

mod limits;
mod results;
mod summary;

pub use limits::{SheetLimits, Written};

use super::Results;
use anyhow::Result;
use rust_xlsxwriter::{ExcelDateTime, Workbook};
use std::borrow::Cow;
use std::io::Write;

/// The sheets, in the workbook's order.
pub const RESULTS_SHEET: &str = "评审结果";
pub const RANKING_SHEET: &str = "汇总";
pub const TARGETS_SHEET: &str = "目标";
pub const CHECKS_SHEET: &str = "复核";
pub const HEAT_MAP_SHEET: &str = "热力图";

/// More result rows than this and a sheet's XML may pass 4 GiB: the zip is then written with
/// Zip64 headers (which every Excel since 2007 reads), decided before the sheet is written.
const LARGE_ZIP_ROWS: usize = 200_000;

/// An Excel workbook of the results: see the module's words. Chinese headers, columns fitted
/// to their contents, header rows frozen; figures, amounts and counts as numbers, times as
/// dates, notes wrapped. The long sheets are streamed to temporary files as their rows are
/// written (constant memory) and the zip to `out` as it is made, so a national export stays
/// small in memory. Answers what was written: the items, and over how many sheets.
pub fn write_xlsx(results: &Results<'_>, out: &mut (dyn Write + Send)) -> Result<Written> {
    write_xlsx_within(results, out, SheetLimits::EXCEL)
}

/// [`write_xlsx`] within `limits` (Excel's, but for tests that split small tables).
pub fn write_xlsx_within(
    results: &Results<'_>,
    out: &mut (dyn Write + Send),
    limits: SheetLimits,
) -> Result<Written> {
    // Refused before anything is read or written: never fail after doing the work.
    let plan = limits.plan(results, summary::ranking_width(results))?;
    let mut book = Workbook::new();
    if results.count() > LARGE_ZIP_ROWS {
        book.use_zip_large_file(true);
    }
    let (items, short_rows) = results::write_results(&mut book, results, &plan, limits.tall_rows)?;
    summary::write_ranking(&mut book, results, &plan)?;
    summary::write_targets(&mut book, results)?;
    summary::write_checks(&mut book, results)?;
    summary::write_heat_map(&mut book, results, &plan)?;
    book.save_to_writer(out)?;
    Ok(Written {
        items,
        results_sheets: plan.results.sheets,
        limits,
        short_rows,
    })
}

/// Excel holds at most 32,767 characters in a cell: a longer text (a very long note) is cut
/// there with "…" rather than fail the whole export; CSV and JSON keep every character.
fn excel_text(s: &str) -> Cow<'_, str> {
    const MOST: usize = 32_767;
    if s.chars().count() <= MOST {
        return Cow::Borrowed(s);
    }
    let mut cut: String = s.chars().take(MOST - 1).collect();
    cut.push('…');
    Cow::Owned(cut)
}

/// A time as kaohe stores it (RFC 3339, `2026-11-29T09:30:00+08:00`, or `2026-11-29
/// 09:30:00`) as an Excel date: the wall-clock time as written, since Excel has no time
/// zones. `None` for anything else, which is then written as text.
fn excel_time(s: &str) -> Option<ExcelDateTime> {
    let b = s.as_bytes();
    let number = |from: usize, to: usize| -> Option<u16> {
        let part = s.get(from..to)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':')];
    if b.len() < 16 || separators.iter().any(|&(at, c)| b[at] != c) || !matches!(b[10], b'T' | b' ')
    {
        return None;
    }
    let seconds = match b.get(16) {
        Some(b':') => number(17, 19)?,
        _ => 0,
    };
    let date = ExcelDateTime::from_ymd(
        number(0, 4)?,
        u8::try_from(number(5, 7)?).ok()?,
        u8::try_from(number(8, 10)?).ok()?,
    )
    .ok()?;
    let minutes = u8::try_from(number(14, 16)?).ok()?;
    let hours = number(11, 13).filter(|h| *h < 24)?;
    date.and_hms(hours, minutes, seconds).ok()
}

#[cfg(test)]
mod tests;
