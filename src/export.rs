//! Results out: JSON (the default), CSV and XLSX.

use crate::model::format_number;
use crate::store::Item;
use anyhow::Result;
use std::io::Write;

/// One JSON array of every county × indicator.
pub fn write_json(items: &[Item], out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, items)?;
    writeln!(out)?;
    Ok(())
}

pub const CSV_COLUMNS: [&str; 13] = [
    "county_code",
    "county",
    "indicator",
    "value",
    "value_number",
    "numerator",
    "denominator",
    "evidence",
    "remark",
    "verdict",
    "note",
    "reviewer",
    "reviewed_at",
];

/// CSV in UTF-8 with a byte-order mark, so Excel on a Chinese Windows opens it right.
pub fn write_csv(items: &[Item], out: &mut dyn Write) -> Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS)?;
    let number = |x: Option<f64>| x.map(format_number).unwrap_or_default();
    for i in items {
        w.write_record([
            i.county_code.as_str(),
            &i.county,
            &i.indicator,
            i.value.as_deref().unwrap_or(""),
            &number(i.value_number),
            &number(i.numerator),
            &number(i.denominator),
            i.evidence.as_deref().unwrap_or(""),
            i.remark.as_deref().unwrap_or(""),
            i.verdict.map_or("", |v| v.as_str()),
            i.note.as_deref().unwrap_or(""),
            i.reviewer.as_deref().unwrap_or(""),
            i.reviewed_at.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Excel holds at most 32,767 characters in a cell: a longer text (a very long note) is cut
/// there with "…" rather than fail the whole export; CSV and JSON keep every character.
fn excel_text(s: &str) -> std::borrow::Cow<'_, str> {
    const MOST: usize = 32_767;
    if s.chars().count() <= MOST {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut cut: String = s.chars().take(MOST - 1).collect();
    cut.push('…');
    std::borrow::Cow::Owned(cut)
}

/// An Excel workbook: a results sheet (every county × indicator, with its figure, verdict, note,
/// reviewer and time) and a summary sheet (progress per county and per target). Chinese
/// headers, columns fitted to their contents, the header row frozen. Rows are streamed to disk
/// as they are written (constant memory), so a national export stays small.
pub fn write_xlsx(
    items: &[Item],
    catalog: &crate::catalog::Catalog,
    status: &crate::store::Status,
    out: &mut dyn Write,
) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let indicators: std::collections::HashMap<&str, &crate::model::Indicator> =
        catalog.indicators().map(|i| (i.id.as_str(), i)).collect();
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();

    let headers = [
        "县(市、区)代码",
        "县(市、区)",
        "指标编号",
        "指标",
        "要求",
        "报送值",
        "分子",
        "分母",
        "佐证材料",
        "说明",
        "评定",
        "备注",
        "评定人",
        "评定时间",
    ];
    let text_row = |i: &Item| -> [String; 14] {
        let ind = indicators.get(i.indicator.as_str());
        let requirement = ind
            .and_then(|d| d.requirement.as_ref())
            .map_or_else(String::new, |r| r.to_string());
        let number = |x: Option<f64>| x.map(format_number).unwrap_or_default();
        [
            i.county_code.clone(),
            i.county.clone(),
            i.indicator.clone(),
            ind.map_or_else(String::new, |d| d.short.clone()),
            requirement,
            i.value.clone().unwrap_or_default(),
            number(i.numerator),
            number(i.denominator),
            i.evidence.clone().unwrap_or_default(),
            i.remark.clone().unwrap_or_default(),
            i.verdict.map_or("", |v| v.chinese()).to_string(),
            i.note.clone().unwrap_or_default(),
            i.reviewer.clone().unwrap_or_default(),
            i.reviewed_at.clone().unwrap_or_default(),
        ]
    };
    // Widths first (a streamed sheet cannot change them after its rows): the widest cell of
    // each column, in terminal columns (Chinese two), within reason.
    let mut widths: Vec<usize> = headers.iter().map(|h| crate::text::width(h)).collect();
    for i in items {
        for (w, cell) in widths.iter_mut().zip(text_row(i).iter()) {
            *w = (*w).max(crate::text::width(cell));
        }
    }
    let sheet = book.add_worksheet_with_constant_memory();
    sheet.set_name("评审结果")?;
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 1.0)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, i) in items.iter().enumerate() {
        let row = r as u32 + 1;
        let cells = text_row(i);
        for (c, cell) in cells.iter().enumerate() {
            let col = c as u16;
            // Numerator and denominator are numbers, for sums and formulas.
            let number = match c {
                6 => i.numerator,
                7 => i.denominator,
                _ => None,
            };
            match number {
                Some(x) => {
                    sheet.write_number(row, col, x)?;
                }
                None if !cell.is_empty() => {
                    sheet.write_string(row, col, excel_text(cell).as_ref())?;
                }
                None => {}
            }
        }
    }

    let summary = book.add_worksheet();
    summary.set_name("汇总")?;
    let heads = [
        "县(市、区)代码",
        "县(市、区)",
        "已评定",
        "项目数",
        "完成",
        "基本完成",
        "未完成",
        "已报送",
    ];
    for (c, h) in heads.iter().enumerate() {
        summary.write_string_with_format(0, c as u16, *h, &bold)?;
        summary.set_column_width(c as u16, (crate::text::width(h) + 2) as f64)?;
    }
    summary.set_column_width(1, 16)?;
    summary.set_freeze_panes(1, 0)?;
    let counts = |p: &crate::store::Progress| {
        [
            p.reviewed,
            p.total,
            p.met,
            p.partly_met,
            p.not_met,
            p.submitted,
        ]
    };
    let mut row = 1u32;
    for c in &status.counties {
        summary.write_string(row, 0, &c.code)?;
        summary.write_string(row, 1, &c.name)?;
        for (k, n) in counts(&c.progress).iter().enumerate() {
            summary.write_number(row, 2 + k as u16, *n as f64)?;
        }
        row += 1;
    }
    row += 1;
    summary.write_string_with_format(row, 0, "目标", &bold)?;
    row += 1;
    for t in &status.targets {
        summary.write_string(row, 0, t.id.to_string())?;
        summary.write_string(row, 1, &t.title)?;
        for (k, n) in counts(&t.progress).iter().enumerate() {
            summary.write_number(row, 2 + k as u16, *n as f64)?;
        }
        row += 1;
    }
    let buffer = book.save_to_buffer()?;
    out.write_all(&buffer)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_cells_are_cut_at_excels_limit() {
        let long = "备".repeat(33_000);
        let cut = excel_text(&long);
        assert_eq!(cut.chars().count(), 32_767);
        assert!(cut.ends_with('…'));
        assert_eq!(excel_text("台账齐全"), "台账齐全");
    }
}
