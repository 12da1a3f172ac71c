//! A workbook's sheets (.xlsx, read with calamine cell by cell, never a sheet held whole) and
//! a CSV file, as rows of text: each row a line, its cells in columns lined up by terminal
//! columns (a Chinese character is two), a cell wider than a column pushing on past it.

use crate::lines::Budget;
use crate::text::decode;
use crate::unpack::{check_zip, damaged, open_zip};
use crate::{Kind, Label, Limits, Note, Part, Preview, Why};
use kaohe_core::text::{clean, pad, width};
use std::io::Cursor;

/// Columns of a sheet shown; cells past them are left out.
const MOST_COLUMNS: u32 = 256;
/// The widest a column is made for its cells (a longer cell pushes the row on).
const COLUMN_WIDTH: usize = 30;

pub(crate) fn read_workbook(kind: Kind, bytes: &[u8], limits: &Limits) -> Result<Preview, Why> {
    if kind != Kind::Xlsx {
        // calamine lays .xls and .ods sheets out whole, as wide and tall as their farthest
        // cell: two cells far apart would take gigabytes. Only .xlsx streams.
        return Err(Why::SaveAsXlsx { kind });
    }
    let mut zip = open_zip(bytes, kind)?;
    check_zip(&mut zip, kind, limits.unpacked_bytes)?;
    drop(zip);
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| damaged(kind, &e))?;
    let mut budget = Budget::new(limits.text_chars);
    let mut parts = Vec::new();
    let mut notes = Vec::new();
    for name in book.sheet_names() {
        let shown = clean(&name);
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut cut = false;
        if let Ok(mut cells) = book.worksheet_cells_reader(&name) {
            let first = cells.dimensions().start.0;
            loop {
                let cell = match cells.next_cell() {
                    Ok(Some(cell)) => cell,
                    Ok(None) => break,
                    Err(e) => return Err(damaged(kind, &e)),
                };
                let (row, column) = cell.get_position();
                let at = row.saturating_sub(first) as usize;
                if at >= limits.sheet_rows {
                    cut = true;
                    break;
                }
                if column >= MOST_COLUMNS {
                    continue;
                }
                let text = cell_text(cell.get_value());
                if text.is_empty() {
                    continue;
                }
                if rows.len() <= at {
                    rows.resize_with(at + 1, Vec::new);
                }
                let cells = &mut rows[at];
                if cells.len() <= column as usize {
                    cells.resize(column as usize + 1, String::new());
                }
                cells[column as usize] = text;
            }
        }
        if cut {
            notes.push(Note::RowsCut {
                sheet: shown.clone(),
                kept: limits.sheet_rows,
            });
        }
        let mut lines = Vec::new();
        for line in lay_out(&rows) {
            if !budget.push_line(&line, &mut lines) {
                break;
            }
        }
        parts.push(Part::Text {
            label: Label::Sheet(shown),
            lines,
        });
    }
    notes.extend(budget.note());
    Ok(Preview {
        kind,
        parts,
        notes,
        pages: None,
    })
}

/// A CSV file: decoded as a text file is, its delimiter told from its first line (comma, tab
/// or semicolon), its rows laid out as a sheet's.
pub(crate) fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Preview, Why> {
    let decoded = decode(bytes);
    let first = decoded.text.lines().next().unwrap_or_default();
    let delimiter = [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|&d| first.matches(char::from(d)).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(decoded.text.as_bytes());
    let mut rows = Vec::new();
    let mut cut = false;
    for record in reader.records() {
        if rows.len() >= limits.sheet_rows {
            cut = true;
            break;
        }
        let Ok(record) = record else {
            // A quote never closed: the rest is one field; what was read stays.
            break;
        };
        rows.push(
            record
                .iter()
                .take(MOST_COLUMNS as usize)
                .map(clean)
                .collect::<Vec<_>>(),
        );
    }
    let mut budget = Budget::new(limits.text_chars);
    let mut lines = Vec::new();
    for line in lay_out(&rows) {
        if !budget.push_line(&line, &mut lines) {
            break;
        }
    }
    let mut preview = Preview::one(
        Kind::Csv,
        Part::Text {
            label: Label::Whole,
            lines,
        },
    );
    preview.notes.extend(decoded.notes());
    if cut {
        preview.notes.push(Note::RowsCut {
            sheet: String::new(),
            kept: limits.sheet_rows,
        });
    }
    preview.notes.extend(budget.note());
    Ok(preview)
}

/// Rows as lines, each column as wide as its widest cell (up to [`COLUMN_WIDTH`]), two
/// spaces between columns, no spaces at a line's end.
fn lay_out(rows: &[Vec<String>]) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; columns];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell).min(COLUMN_WIDTH));
        }
    }
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                line.push_str(&pad(cell, widths[i]));
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// A cell's value as a person reads it: numbers without a trailing ".0", dates as dates,
/// errors as Excel shows them. Made safe for a terminal.
fn cell_text(value: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match value {
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => clean(s),
        DataRef::SharedString(s) => clean(s),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) if d.is_datetime() => date(d.as_f64()),
        DataRef::DateTime(d) => number(d.as_f64()),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        let s = format!("{f:.10}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// An Excel date serial (days since 1899-12-30) as "2014-03-05", with the time when it has one.
fn date(serial: f64) -> String {
    if !(0.0..3_000_000.0).contains(&serial) {
        return number(serial);
    }
    let days = serial.floor() as i64;
    // Days from 1970-01-01, then the civil date (Howard Hinnant's algorithm).
    let z = days - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let seconds = ((serial - serial.floor()) * 86_400.0).round() as i64;
    if seconds == 0 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_by_terminal_columns() {
        let rows = vec![
            vec!["县".to_string(), "覆盖率".to_string()],
            vec!["柯城区".to_string(), "95%".to_string()],
        ];
        assert_eq!(lay_out(&rows), vec!["县      覆盖率", "柯城区  95%"]);
    }

    #[test]
    fn dates_and_numbers_read_as_people_write_them() {
        assert_eq!(date(41_703.0), "2014-03-05");
        assert_eq!(date(41_703.5), "2014-03-05 12:00");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.95), "0.95");
    }

    #[test]
    fn csv_delimiters_are_told() {
        let p = read_csv("县;数\n柯城区;3\n".as_bytes(), &Limits::default()).unwrap();
        let Part::Text { lines, .. } = &p.parts[0] else {
            panic!()
        };
        assert_eq!(lines, &vec!["县      数", "柯城区  3"]);
    }
}
