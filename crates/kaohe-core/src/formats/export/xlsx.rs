//! The workbook export (written with rust_xlsxwriter): a results sheet headed as the column
//! table says, and a summary sheet of scores, ranks and progress.

use super::{Results, Words, ranked, stage_words};
use crate::formats::columns::{self, Column};
use anyhow::Result;
use std::borrow::Cow;
use std::io::Write;

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

/// An Excel workbook: a results sheet (every county × indicator, with its figure, the verdict
/// it suggests, the verdict given, note, reviewer and time) and a summary sheet (scores,
/// ranks and progress per county; points and progress per target). Chinese headers, columns
/// fitted to their contents, the header row frozen. Rows are streamed to disk as they are
/// written (constant memory), so a national export stays small.
pub fn write_xlsx(results: &Results, out: &mut dyn Write) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let status = &results.status;
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();

    let in_workbook: Vec<Column> = columns::in_workbook().map(|n| n.column).collect();
    let headers: Vec<&str> = columns::in_workbook().filter_map(|n| n.header).collect();
    // Widths first (a streamed sheet cannot change them after its rows): the widest cell of
    // each column, in terminal columns (Chinese two), within reason.
    let mut widths: Vec<usize> = headers.iter().map(|h| crate::text::width(h)).collect();
    for row in results.rows() {
        for (w, cell) in widths
            .iter_mut()
            .zip(row.texts(&in_workbook, Words::Workbook))
        {
            *w = (*w).max(crate::text::width(&cell));
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
    for (r, row) in results.rows().enumerate() {
        let at = r as u32 + 1;
        let cells = row.texts(&in_workbook, Words::Workbook);
        for (c, (column, cell)) in in_workbook.iter().zip(&cells).enumerate() {
            let col = c as u16;
            // Numerator, denominator and the county's own score are numbers, for sums and formulas.
            let number = match column {
                Column::Numerator => row.item.numerator,
                Column::Denominator => row.item.denominator,
                Column::SelfScore => row.item.self_score,
                Column::EvidenceFiles => Some(row.evidence_files as f64),
                _ => None,
            };
            match number {
                Some(x) => {
                    sheet.write_number(at, col, x)?;
                }
                None if !cell.is_empty() => {
                    sheet.write_string(at, col, excel_text(cell).as_ref())?;
                }
                None => {}
            }
        }
    }

    let summary = book.add_worksheet();
    summary.set_name("汇总")?;
    let mut heads: Vec<String> = [
        "名次",
        "县(市、区)代码",
        "县(市、区)",
        "得分",
        "满分",
        "一票否决",
        "已评定",
        "项目数",
        "完成",
        "基本完成",
        "未完成",
        "已报送",
        "评定后数据已变",
    ]
    .map(String::from)
    .to_vec();
    // Then the points earned in each target, then how many verdicts the county's own
    // assessment differs from.
    heads.extend(
        status
            .targets
            .iter()
            .map(|t| format!("{} {}", t.id, t.title)),
    );
    heads.push("自评与评定不一致".to_string());
    let self_column = 13 + status.targets.len() as u16;
    for (c, h) in heads.iter().enumerate() {
        summary.write_string_with_format(0, c as u16, h, &bold)?;
        let w = if c == 2 {
            16
        } else {
            crate::text::width(h) + 2
        };
        summary.set_column_width(c as u16, w.min(30) as f64)?;
    }
    summary.set_freeze_panes(1, 3)?;
    let counts = |p: &crate::report::Progress| {
        [
            p.reviewed,
            p.total,
            p.met,
            p.partly_met,
            p.not_met,
            p.submitted,
            p.changed_since_review,
        ]
    };
    let mut row = 1u32;
    for c in ranked(&status.counties) {
        summary.write_number(row, 0, c.rank as f64)?;
        summary.write_string(row, 1, &c.code)?;
        summary.write_string(row, 2, &c.name)?;
        summary.write_number(row, 3, c.score)?;
        summary.write_number(row, 4, c.max_score)?;
        if !c.vetoed_by.is_empty() {
            summary.write_string(row, 5, c.vetoed_by.join("、"))?;
        }
        for (k, n) in counts(&c.progress).iter().enumerate() {
            summary.write_number(row, 6 + k as u16, *n as f64)?;
        }
        for (k, points) in c.target_scores.iter().enumerate() {
            summary.write_number(row, 13 + k as u16, *points)?;
        }
        summary.write_number(row, self_column, c.progress.self_disagrees as f64)?;
        row += 1;
    }
    row += 1;
    for (c, h) in ["目标", "", "目标名称", "", "满分"].iter().enumerate() {
        if !h.is_empty() {
            summary.write_string_with_format(row, c as u16, *h, &bold)?;
        }
    }
    // Each target's stage and second review, beside its counts.
    let agreement_heads = ["阶段", "已复核", "同意", "改判", "一致率", "待复核"];
    for (k, h) in agreement_heads.iter().enumerate() {
        summary.write_string_with_format(row, 13 + k as u16, *h, &bold)?;
    }
    row += 1;
    let people = &results.people;
    for t in &status.targets {
        summary.write_number(row, 0, t.id as f64)?;
        summary.write_string(row, 2, &t.title)?;
        summary.write_number(row, 4, t.points)?;
        for (k, n) in counts(&t.progress).iter().enumerate() {
            summary.write_number(row, 6 + k as u16, *n as f64)?;
        }
        if let Some(p) = people.targets.iter().find(|p| p.id == t.id) {
            summary.write_string(row, 13, p.stage.chinese())?;
            write_agreement(summary, row, 14, &p.agreement)?;
            summary.write_number(row, 18, p.checks_left as f64)?;
        }
        row += 1;
    }
    // The second review by the reviewer of the first, then the stage.
    row += 1;
    let heads = [
        "初审评审人",
        "",
        "处室",
        "",
        "",
        "",
        "已初审",
        "",
        "",
        "",
        "",
        "",
        "",
        "复核他人",
        "已复核",
        "同意",
        "改判",
        "一致率",
    ];
    for (c, h) in heads.iter().enumerate() {
        if !h.is_empty() {
            summary.write_string_with_format(row, c as u16, *h, &bold)?;
        }
    }
    row += 1;
    for r in &people.reviewers {
        summary.write_string(row, 0, &r.reviewer)?;
        if let Some(d) = &r.division {
            summary.write_string(row, 2, d)?;
        }
        summary.write_number(row, 6, r.marked as f64)?;
        summary.write_number(row, 13, r.checks_done as f64)?;
        write_agreement(summary, row, 14, &r.agreement)?;
        row += 1;
    }
    row += 1;
    summary.write_string_with_format(row, 0, "阶段", &bold)?;
    summary.write_string(row, 2, stage_words(people.stage.stage, &people.stage.locks))?;
    let a = &people.stage.agreement;
    summary.write_string_with_format(row, 13, "合计", &bold)?;
    write_agreement(summary, row, 14, a)?;
    summary.write_number(row, 18, people.stage.checks_left as f64)?;
    let buffer = book.save_to_buffer()?;
    out.write_all(&buffer)?;
    Ok(())
}

/// Second-reviewed, agreed, changed and the share agreed (a number, blank before any), from
/// column `from`.
fn write_agreement(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    from: u16,
    a: &crate::stages::Agreement,
) -> Result<()> {
    sheet.write_number(row, from, a.checked as f64)?;
    sheet.write_number(row, from + 1, a.agreed as f64)?;
    sheet.write_number(row, from + 2, a.changed as f64)?;
    if let Some(p) = a.agreement {
        sheet.write_string(row, from + 3, format!("{p:.1}%"))?;
    }
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
