//! Results out: JSON (the default), CSV, XLSX and a Markdown report.

use crate::catalog::Catalog;
use crate::item::Item;
use crate::model::{Indicator, Verdict, format_number};
use crate::report::{CountyStatus, Status};
use anyhow::Result;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;

/// Everything an export shows: every county × indicator, the targets, and progress, scores
/// and ranks.
pub struct Results {
    pub items: Vec<Item>,
    pub catalog: Catalog,
    pub status: Status,
}

impl Results {
    fn indicators(&self) -> HashMap<&str, &Indicator> {
        self.catalog
            .indicators()
            .map(|i| (i.id.as_str(), i))
            .collect()
    }
}

/// What the checks say of one item: the verdict its figure suggests, and what looks wrong
/// with the figure, in Chinese (what the bureau reads).
fn checks(indicator: Option<&&Indicator>, item: &Item) -> (Option<Verdict>, Vec<String>) {
    match (indicator, item.submission()) {
        (Some(ind), Some(sub)) => (
            crate::check::suggested(ind, &sub),
            crate::check::flags(ind, &sub)
                .iter()
                .map(|f| f.zh(&sub.value))
                .collect(),
        ),
        _ => (None, Vec::new()),
    }
}

/// One exported item: the item as stored, and the checks on it.
#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    item: &'a Item,
    suggested: Option<Verdict>,
    flags: Vec<String>,
}

/// One JSON array of every county × indicator.
pub fn write_json(results: &Results, out: &mut dyn Write) -> Result<()> {
    let indicators = results.indicators();
    let rows: Vec<Row<'_>> = results
        .items
        .iter()
        .map(|item| {
            let (suggested, flags) = checks(indicators.get(item.indicator.as_str()), item);
            Row {
                item,
                suggested,
                flags,
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &rows)?;
    writeln!(out)?;
    Ok(())
}

pub const CSV_COLUMNS: [&str; 16] = [
    "county_code",
    "county",
    "indicator",
    "value",
    "value_number",
    "numerator",
    "denominator",
    "evidence",
    "remark",
    "suggested",
    "verdict",
    "note",
    "reviewer",
    "reviewed_at",
    "changed_since_review",
    "flags",
];

/// CSV in UTF-8 with a byte-order mark, so Excel on a Chinese Windows opens it right.
pub fn write_csv(results: &Results, out: &mut dyn Write) -> Result<()> {
    let indicators = results.indicators();
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS)?;
    let number = |x: Option<f64>| x.map(format_number).unwrap_or_default();
    for i in &results.items {
        let (suggested, flags) = checks(indicators.get(i.indicator.as_str()), i);
        let flags = flags.join("；");
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
            suggested.map_or("", |v| v.as_str()),
            i.verdict.map_or("", |v| v.as_str()),
            i.note.as_deref().unwrap_or(""),
            i.reviewer.as_deref().unwrap_or(""),
            i.reviewed_at.as_deref().unwrap_or(""),
            if i.changed_since_review { "yes" } else { "" },
            &flags,
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

/// An Excel workbook: a results sheet (every county × indicator, with its figure, the verdict
/// it suggests, the verdict given, note, reviewer and time) and a summary sheet (scores,
/// ranks and progress per county; points and progress per target). Chinese headers, columns
/// fitted to their contents, the header row frozen. Rows are streamed to disk as they are
/// written (constant memory), so a national export stays small.
pub fn write_xlsx(results: &Results, out: &mut dyn Write) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let (items, status) = (&results.items, &results.status);
    let indicators = results.indicators();
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();

    const HEADERS: [&str; 17] = [
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
        "建议评定",
        "评定",
        "备注",
        "评定人",
        "评定时间",
        "评定后数据已变",
        "自动检查",
    ];
    let text_row = |i: &Item| -> [String; 17] {
        let ind = indicators.get(i.indicator.as_str());
        let requirement = ind
            .and_then(|d| d.requirement.as_ref())
            .map_or_else(String::new, |r| r.to_string());
        let number = |x: Option<f64>| x.map(format_number).unwrap_or_default();
        let (suggested, flags) = checks(ind, i);
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
            suggested.map_or("", |v| v.chinese()).to_string(),
            i.verdict.map_or("", |v| v.chinese()).to_string(),
            i.note.clone().unwrap_or_default(),
            i.reviewer.clone().unwrap_or_default(),
            i.reviewed_at.clone().unwrap_or_default(),
            if i.changed_since_review { "是" } else { "" }.to_string(),
            flags.join("；"),
        ]
    };
    // Widths first (a streamed sheet cannot change them after its rows): the widest cell of
    // each column, in terminal columns (Chinese two), within reason.
    let mut widths: Vec<usize> = HEADERS.iter().map(|h| crate::text::width(h)).collect();
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
    for (c, h) in HEADERS.iter().enumerate() {
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
    // Then the points earned in each target.
    heads.extend(
        status
            .targets
            .iter()
            .map(|t| format!("{} {}", t.id, t.title)),
    );
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
        row += 1;
    }
    row += 1;
    for (c, h) in ["目标", "", "目标名称", "", "满分"].iter().enumerate() {
        if !h.is_empty() {
            summary.write_string_with_format(row, c as u16, *h, &bold)?;
        }
    }
    row += 1;
    for t in &status.targets {
        summary.write_number(row, 0, t.id as f64)?;
        summary.write_string(row, 2, &t.title)?;
        summary.write_number(row, 4, t.points)?;
        for (k, n) in counts(&t.progress).iter().enumerate() {
            summary.write_number(row, 6 + k as u16, *n as f64)?;
        }
        row += 1;
    }
    let buffer = book.save_to_buffer()?;
    out.write_all(&buffer)?;
    Ok(())
}

/// Counties in rank order (the document's order among equals).
fn ranked(counties: &[CountyStatus]) -> Vec<&CountyStatus> {
    let mut ranked: Vec<&CountyStatus> = counties.iter().collect();
    ranked.sort_by_key(|c| c.rank);
    ranked
}

/// Markdown: the ranking, then a report per county — its score and rank, and the items not
/// met or partly met with their figures and notes, for the bureau's write-up.
pub fn write_markdown(results: &Results, out: &mut dyn Write) -> Result<()> {
    let (catalog, status) = (&results.catalog, &results.status);
    let a = &catalog.assessment;
    let indicators = results.indicators();
    writeln!(out, "# {} 评定结果\n", md(&a.title))?;
    writeln!(
        out,
        "{}　{}。已评定 {}/{} 项；未评定的项目不得分。\n",
        md(&a.issuer),
        md(&a.number),
        status.progress.reviewed,
        status.progress.total
    )?;
    writeln!(
        out,
        "| 名次 | 县(市、区) | 得分 | 满分 | 已评定 | 完成 | 基本完成 | 未完成 |"
    )?;
    writeln!(out, "|---:|---|---:|---:|---:|---:|---:|---:|")?;
    for c in ranked(&status.counties) {
        let p = &c.progress;
        let veto = if c.vetoed_by.is_empty() {
            ""
        } else {
            "（一票否决）"
        };
        writeln!(
            out,
            "| {} | {}{veto} | {} | {} | {}/{} | {} | {} | {} |",
            c.rank,
            md(&c.name),
            format_number(c.score),
            format_number(c.max_score),
            p.reviewed,
            p.total,
            p.met,
            p.partly_met,
            p.not_met
        )?;
    }
    for c in ranked(&status.counties) {
        let p = &c.progress;
        writeln!(out, "\n## {}. {}（{}）\n", c.rank, md(&c.name), md(&c.code))?;
        writeln!(
            out,
            "得分 **{}** / {}，第 {} 名。已评定 {}/{}：完成 {}，基本完成 {}，未完成 {}。",
            format_number(c.score),
            format_number(c.max_score),
            c.rank,
            p.reviewed,
            p.total,
            p.met,
            p.partly_met,
            p.not_met
        )?;
        if !c.vetoed_by.is_empty() {
            writeln!(
                out,
                "\n一票否决：{} 未完成，得分作废。",
                md(&c.vetoed_by.join("、"))
            )?;
        }
        if p.changed_since_review > 0 {
            writeln!(
                out,
                "\n{} 项在评定后报送数据有变，须重新评定。",
                p.changed_since_review
            )?;
        }
        for (verdict, heading) in [
            (Verdict::NotMet, "未完成的项目"),
            (Verdict::PartlyMet, "基本完成的项目"),
        ] {
            let items: Vec<&Item> = results
                .items
                .iter()
                .filter(|i| i.county_code == c.code && i.verdict == Some(verdict))
                .collect();
            if items.is_empty() {
                continue;
            }
            writeln!(out, "\n### {heading}\n")?;
            for i in items {
                let ind = indicators.get(i.indicator.as_str());
                let mut line = format!(
                    "- **{} {}**",
                    md(&i.indicator),
                    md(&ind.map_or_else(String::new, |d| d.short.clone()))
                );
                if let Some(r) = ind.and_then(|d| d.requirement.as_ref()) {
                    line.push_str(&format!("　要求 {}", md(&r.to_string())));
                }
                if let Some(v) = i.value.as_deref().filter(|v| !v.is_empty()) {
                    line.push_str(&format!("，报送 {}", md(v)));
                }
                if i.changed_since_review {
                    line.push_str("（评定后数据已变）");
                }
                if let Some(note) = i.note.as_deref().filter(|n| !n.is_empty()) {
                    line.push_str(&format!("  \n  备注：{}", md(note)));
                }
                if let Some(who) = i.reviewer.as_deref() {
                    line.push_str(&format!("（{}）", md(who)));
                }
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(())
}

/// Text as Markdown shows it literally: its punctuation escaped, its lines kept as lines
/// inside a list item.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        // Indentation means code or nesting to Markdown, nothing in a note: dropped, so the
        // marks below are at the line's start.
        let line = line.trim_start_matches([' ', '\t']);
        // "1. " or "1) " starting a line would make it a numbered list.
        let chars: Vec<char> = line.chars().collect();
        let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
        let list_mark = digits > 0
            && chars.get(digits).is_some_and(|c| ".)".contains(*c))
            && chars.get(digits + 1).is_none_or(|c| c.is_whitespace());
        for (k, ch) in line.chars().enumerate() {
            // Marks anywhere (& too: "&lt;" must not become "<"), and those that only mean
            // something at a line's start there.
            let numbered = list_mark && k == digits;
            if "\\`*_[]<>|~&".contains(ch) || (k == 0 && "#+-=".contains(ch)) || numbered {
                out.push('\\');
            }
            out.push(ch);
        }
        if lines.peek().is_some() {
            out.push_str("  \n  ");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_shows_text_as_written() {
        assert_eq!(md("台账*齐全*"), "台账\\*齐全\\*");
        assert_eq!(md("a|b"), "a\\|b");
        // A second line stays inside its list item, and cannot start a list of its own.
        assert_eq!(md("一\n- 二"), "一  \n  \\- 二");
        assert_eq!(md("1.2 覆盖率"), "1.2 覆盖率");
        assert_eq!(md("1."), "1\\.");
        assert_eq!(md("一\n1. 二"), "一  \n  1\\. 二");
        assert_eq!(md("&lt;"), "\\&lt;");
        assert_eq!(
            md("一\n  - 二\n  # 三\n 1. 四"),
            "一  \n  \\- 二  \n  \\# 三  \n  1\\. 四"
        );
        assert_eq!(md("共 12 项。"), "共 12 项。");
    }

    #[test]
    fn excel_cells_are_cut_at_excels_limit() {
        let long = "备".repeat(33_000);
        let cut = excel_text(&long);
        assert_eq!(cut.chars().count(), 32_767);
        assert!(cut.ends_with('…'));
        assert_eq!(excel_text("台账齐全"), "台账齐全");
    }
}
