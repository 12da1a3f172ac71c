//! The workbook's first sheet, 评审结果: every county × indicator, headed as the column table
//! says. The figure is there twice, as the county wrote it (text) and as a number; amounts and
//! scores are numbers, times dates, the long texts (notes, remarks, the checks' words) wrapped
//! in rows tall enough to read them.

use super::limits::Plan;
use super::{excel_text, excel_time};
use crate::formats::columns::{self, Column};
use crate::formats::export::{Results, Row, Words};
use anyhow::Result;
use rust_xlsxwriter::{Format, FormatAlign, Workbook};

/// How a column's cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    /// A number where there is one (for sums, formulas and charts).
    Number,
    /// A date and time, shown `2026-11-29 09:30`.
    Time,
    /// Text that may run long or hold several lines: wrapped in a narrower column.
    Wrapped,
}

fn kind(column: Column) -> Kind {
    match column {
        Column::ValueNumber
        | Column::Numerator
        | Column::Denominator
        | Column::SelfScore
        | Column::Cases
        | Column::Points
        | Column::EvidenceFiles => Kind::Number,
        Column::ReviewedAt | Column::CheckedAt | Column::VerifiedAt => Kind::Time,
        Column::Evidence
        | Column::Remark
        | Column::Note
        | Column::Flags
        | Column::CheckReason
        | Column::Notes
        | Column::VoidReason
        | Column::VerifiedReason
        | Column::EvidenceMissing
        | Column::RequestsOpen => Kind::Wrapped,
        _ => Kind::Text,
    }
}

/// The number a [`Kind::Number`] column shows for `row`.
fn number(row: &Row<'_>, column: Column) -> Option<f64> {
    let i = row.item;
    match column {
        Column::ValueNumber => i.value_number,
        Column::Numerator => i.numerator,
        Column::Denominator => i.denominator,
        Column::SelfScore => i.self_score,
        Column::Cases => i.cases.map(f64::from),
        Column::Points => row.points,
        Column::EvidenceFiles => Some(row.evidence_files as f64),
        _ => None,
    }
}

/// The widest a wrapped column is made, in Excel's character widths (a Chinese character is
/// about two): a note wraps there rather than stretch the sheet.
const WRAPPED_WIDTH: usize = 40;
/// The most lines a row is made tall enough for: a longer note shows its start, and the
/// whole of it in the cell (or by making the row taller).
const MOST_LINES: usize = 8;
/// Points a line of text takes (Excel's default row is 15).
const LINE_HEIGHT: f64 = 15.0;

/// 评审结果: the items in two walks, as a constant-memory sheet must be written: their
/// widths first, then their cells, row after row, a new sheet (with the heading row) where
/// one is full; at most `tall_rows` rows made taller than Excel's own. Answers how many items
/// were written, and how many rows wanted to be taller than they were made.
pub(super) fn write_results(
    book: &mut Workbook,
    results: &Results<'_>,
    plan: &Plan,
    tall_rows: usize,
) -> Result<(usize, usize)> {
    let columns: Vec<Column> = columns::in_workbook().map(|n| n.column).collect();
    let headers: Vec<&str> = columns::in_workbook().filter_map(|n| n.header).collect();
    let kinds: Vec<Kind> = columns.iter().map(|&c| kind(c)).collect();
    // Widths first (a streamed sheet cannot change them after its rows): the widest cell of
    // each column, in terminal columns (Chinese two), within reason.
    let mut widths: Vec<usize> = headers.iter().map(|h| crate::text::width(h)).collect();
    results.each_row(&mut |row| {
        for (w, &column) in widths.iter_mut().zip(&columns) {
            let cell = row.text(column, Words::Workbook);
            let longest = cell.lines().map(crate::text::width).max().unwrap_or(0);
            *w = (*w).max(longest);
        }
        Ok(())
    })?;
    for (w, k) in widths.iter_mut().zip(&kinds) {
        *w = match k {
            // "2026-11-29 09:30"
            Kind::Time => 16,
            Kind::Wrapped => (*w).clamp(10, WRAPPED_WIDTH),
            Kind::Text | Kind::Number => (*w).clamp(6, 60),
        };
    }

    let bold = Format::new().set_bold();
    // Every cell of a row top-aligned, so that a tall row reads from its top line.
    let top = Format::new().set_align(FormatAlign::Top);
    let wrapped = top.clone().set_text_wrap();
    let time = top.clone().set_num_format("yyyy-mm-dd hh:mm");
    let pages = &plan.results;
    // Each of the table's sheets, by its index in the workbook.
    let mut sheets: Vec<usize> = Vec::with_capacity(pages.sheets);
    let new_sheet = |book: &mut Workbook, page: usize| -> Result<usize> {
        let sheet = book.add_worksheet_with_constant_memory();
        sheet.set_name(pages.name(page))?;
        for (c, w) in widths.iter().enumerate() {
            sheet.set_column_width(c as u16, *w as f64 + 1.0)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        Ok(book.worksheets().len() - 1)
    };
    sheets.push(new_sheet(book, 0)?);
    let mut k = 0;
    let (mut tall, mut short) = (0, 0);
    results.each_row(&mut |row| {
        let (page, at) = pages.at(k);
        k += 1;
        while sheets.len() <= page {
            sheets.push(new_sheet(book, sheets.len())?);
        }
        let sheet = book.worksheet_from_index(sheets[page])?;
        let cells: Vec<_> = columns
            .iter()
            .map(|&c| row.text(c, Words::Workbook))
            .collect();
        // The row's height, set before its cells (a streamed row is written out once done).
        let lines = cells
            .iter()
            .zip(&kinds)
            .zip(&widths)
            .filter(|((_, k), _)| **k == Kind::Wrapped)
            .map(|((cell, _), w)| lines(cell, *w))
            .max()
            .unwrap_or(1)
            .clamp(1, MOST_LINES);
        if lines > 1 && tall < tall_rows {
            sheet.set_row_height(at, lines as f64 * LINE_HEIGHT)?;
            tall += 1;
        } else if lines > 1 {
            short += 1;
        }
        for (c, ((&column, cell), k)) in columns.iter().zip(&cells).zip(&kinds).enumerate() {
            let col = c as u16;
            match k {
                Kind::Number => {
                    if let Some(x) = number(row, column) {
                        sheet.write_number_with_format(at, col, x, &top)?;
                    }
                }
                Kind::Time => match excel_time(cell) {
                    Some(t) => {
                        sheet.write_datetime_with_format(at, col, t, &time)?;
                    }
                    None if !cell.is_empty() => {
                        sheet.write_string_with_format(at, col, excel_text(cell), &top)?;
                    }
                    None => {}
                },
                Kind::Wrapped if !cell.is_empty() => {
                    sheet.write_string_with_format(at, col, excel_text(cell), &wrapped)?;
                }
                Kind::Text if !cell.is_empty() => {
                    sheet.write_string_with_format(at, col, excel_text(cell), &top)?;
                }
                Kind::Wrapped | Kind::Text => {}
            }
        }
        Ok(())
    })?;
    Ok((k, short))
}

/// The lines `cell` takes wrapped at `width` columns: one for most, told without wrapping.
fn lines(cell: &str, width: usize) -> usize {
    if !cell.contains('\n') && crate::text::width(cell) <= width {
        return 1;
    }
    crate::text::wrap(cell, width).len()
}
