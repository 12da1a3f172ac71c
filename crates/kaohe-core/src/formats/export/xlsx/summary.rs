//! The workbook's summary sheets, a table each: the counties ranked (汇总) with a chart of
//! their scores under the table, the targets (目标) with the whole assessment as their last
//! row, the second review by reviewer of the first (复核), and the county × target heat map
//! (热力图: each county's share of each target's points, coloured by a colour scale).

use super::limits::Plan;
use super::{CHECKS_SHEET, TARGETS_SHEET};
use crate::formats::export::{Results, ranked, stage_words};
use crate::report::{CountyStatus, Progress};
use crate::stages::Agreement;
use anyhow::Result;
use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartType, ConditionalFormat3ColorScale, ConditionalFormatType, Format,
    Workbook, Worksheet,
};

/// One cell of a summary table.
enum Cell {
    Number(f64),
    /// A share, shown as a percentage (`85.0%`).
    Share(f64),
    Text(String),
    Empty,
}

/// Writes a table's heading row in bold, each column a little wider than its heading (or
/// `widths` where given).
fn heading(sheet: &mut Worksheet, heads: &[String], widths: &[(usize, usize)]) -> Result<()> {
    let bold = Format::new().set_bold();
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
        let w = widths
            .iter()
            .find(|(at, _)| *at == c)
            .map_or_else(|| crate::text::width(h) + 2, |(_, w)| *w);
        sheet.set_column_width(c as u16, w.clamp(6, 30) as f64)?;
    }
    Ok(())
}

fn write_row(sheet: &mut Worksheet, row: u32, cells: &[Cell]) -> Result<()> {
    let share = Format::new().set_num_format("0.0%");
    for (c, cell) in cells.iter().enumerate() {
        let c = c as u16;
        match cell {
            Cell::Number(x) => {
                sheet.write_number(row, c, *x)?;
            }
            Cell::Share(x) => {
                sheet.write_number_with_format(row, c, *x, &share)?;
            }
            Cell::Text(t) if !t.is_empty() => {
                sheet.write_string(row, c, t)?;
            }
            Cell::Text(_) | Cell::Empty => {}
        }
    }
    Ok(())
}

fn count(n: i64) -> Cell {
    Cell::Number(n as f64)
}

/// Progress as the tables count it: reviewed, items, met, partly met, not met, submitted,
/// changed since reviewed.
const PROGRESS_HEADS: [&str; 7] = [
    "已评定",
    "项目数",
    "完成",
    "基本完成",
    "未完成",
    "已报送",
    "评定后数据已变",
];

fn progress(p: &Progress) -> [Cell; 7] {
    [
        count(p.reviewed),
        count(p.total),
        count(p.met),
        count(p.partly_met),
        count(p.not_met),
        count(p.submitted),
        count(p.changed_since_review),
    ]
}

/// The second review's counts: checked, agreed, changed, and the share agreed (blank before
/// any).
const AGREEMENT_HEADS: [&str; 4] = ["已复核", "同意", "改判", "一致率"];

fn agreement(a: &Agreement) -> [Cell; 4] {
    [
        count(a.checked),
        count(a.agreed),
        count(a.changed),
        a.agreement.map_or(Cell::Empty, |p| Cell::Share(p / 100.0)),
    ]
}

/// What a county shows in a column of the ranking.
type Of<'r> = Box<dyn Fn(&CountyStatus) -> Cell + 'r>;

/// The ranking's columns: a heading and what a county shows there, in order. The grades
/// (等次) and the bonus (加分) have a column where the targets file gives them.
fn ranking_columns<'r>(results: &'r Results<'_>) -> Vec<(String, Of<'r>)> {
    let counties = &results.status.counties;
    let mut columns: Vec<(String, Of<'_>)> = vec![
        ("名次".into(), Box::new(|c| Cell::Number(c.rank as f64))),
        (
            "县(市、区)代码".into(),
            Box::new(|c| Cell::Text(c.code.clone())),
        ),
        (
            "县(市、区)".into(),
            Box::new(|c| Cell::Text(c.name.clone())),
        ),
        ("得分".into(), Box::new(|c| Cell::Number(c.score))),
        ("满分".into(), Box::new(|c| Cell::Number(c.max_score))),
    ];
    if counties.iter().any(|c| c.grade.is_some()) {
        columns.push((
            "等次".into(),
            Box::new(|c| Cell::Text(c.grade.clone().unwrap_or_default())),
        ));
    }
    if counties.iter().any(|c| c.bonus > 0.0) {
        columns.push(("加分".into(), Box::new(|c| Cell::Number(c.bonus))));
    }
    columns.push((
        "一票否决".into(),
        Box::new(|c| Cell::Text(c.vetoed_by.join("、"))),
    ));
    columns.push((
        "不计分".into(),
        Box::new(|c| Cell::Text(c.voided.join("、"))),
    ));
    for (k, head) in PROGRESS_HEADS.iter().enumerate() {
        columns.push((
            (*head).to_string(),
            Box::new(move |c| {
                progress(&c.progress)
                    .into_iter()
                    .nth(k)
                    .unwrap_or(Cell::Empty)
            }),
        ));
    }
    // The points earned in each target.
    for (k, t) in results.status.targets.iter().enumerate() {
        columns.push((
            format!("{} {}", t.id, t.title),
            Box::new(move |c| {
                c.target_scores
                    .get(k)
                    .map_or(Cell::Empty, |x| Cell::Number(*x))
            }),
        ));
    }
    columns.push((
        "自评与评定不一致".into(),
        Box::new(|c| count(c.progress.self_disagrees)),
    ));
    columns
}

/// How many columns 汇总 has (the grades, the bonus and each target's points among them).
pub(super) fn ranking_width(results: &Results<'_>) -> usize {
    ranking_columns(results).len()
}

/// The most counties the chart of scores shows (the first in rank order): more bars than
/// this cannot be read, and a national export would draw thousands.
const CHART_MOST: usize = 50;

/// 汇总: the counties in rank order, then a chart of their scores below the table (on its
/// first sheet: the chart shows the first in rank order). A row a county, streamed: a
/// national ranking is thousands of rows.
pub(super) fn write_ranking(book: &mut Workbook, results: &Results<'_>, plan: &Plan) -> Result<()> {
    let columns = ranking_columns(results);
    let heads: Vec<String> = columns.iter().map(|(h, _)| h.clone()).collect();
    let at = |head: &str| heads.iter().position(|h| h == head).unwrap_or(0) as u16;
    let (name_column, score_column) = (at("县(市、区)"), at("得分"));
    let counties = ranked(&results.status.counties);
    let pages = &plan.ranking;
    for page in 0..pages.sheets {
        let sheet = book.add_worksheet_with_constant_memory();
        sheet.set_name(pages.name(page))?;
        heading(sheet, &heads, &[(name_column as usize, 16)])?;
        sheet.set_freeze_panes(1, name_column + 1)?;
    }
    let first = book.worksheets().len() - pages.sheets;
    for (r, county) in counties.iter().enumerate() {
        let (page, row) = pages.at(r);
        let cells: Vec<Cell> = columns.iter().map(|(_, of)| of(county)).collect();
        write_row(book.worksheet_from_index(first + page)?, row, &cells)?;
    }
    if counties.is_empty() {
        return Ok(());
    }
    let shown = counties.len().min(CHART_MOST);
    let mut chart = Chart::new(ChartType::Bar);
    let last = shown as u32;
    let ranking = pages.name(0);
    chart
        .add_series()
        .set_name("得分")
        .set_categories((ranking.as_str(), 1, name_column, last, name_column))
        .set_values((ranking.as_str(), 1, score_column, last, score_column))
        .set_data_label(ChartDataLabel::new().show_value());
    let title = if shown < counties.len() {
        format!("得分（前 {shown} 名，共 {} 个县(市、区)）", counties.len())
    } else {
        "各县(市、区)得分".to_string()
    };
    chart.title().set_name(&title);
    chart.legend().set_hidden();
    // A bar chart's categories run up its vertical axis: reversed, the first ranked is on top.
    chart.y_axis().set_reverse();
    let most = counties.iter().map(|c| c.max_score).fold(0.0, f64::max);
    if most > 0.0 {
        chart.x_axis().set_min(0.0).set_max(most);
    }
    chart
        .set_width(720)
        .set_height((120 + 28 * shown as u32).clamp(300, 1600));
    book.worksheet_from_index(first)?.insert_chart(
        pages.rows_on(0) as u32 + 2,
        name_column,
        &chart,
    )?;
    Ok(())
}

/// 目标: each target's points, progress, stage and second review; the last row the whole
/// assessment's.
pub(super) fn write_targets(book: &mut Workbook, results: &Results<'_>) -> Result<()> {
    let (status, people) = (&results.status, &results.people);
    let sheet = book.add_worksheet();
    sheet.set_name(TARGETS_SHEET)?;
    let heads: Vec<String> = ["目标", "类别", "目标名称", "满分"]
        .iter()
        .chain(&PROGRESS_HEADS)
        .chain(&["阶段"])
        .chain(&AGREEMENT_HEADS)
        .chain(&["待复核"])
        .map(|h| (*h).to_string())
        .collect();
    heading(sheet, &heads, &[(2, 30), (11, 12)])?;
    sheet.set_freeze_panes(1, 3)?;
    let mut row = 1u32;
    for t in &status.targets {
        let mut cells = vec![
            Cell::Number(f64::from(t.id)),
            Cell::Text(if t.class == 1 { "一类" } else { "二类" }.to_string()),
            Cell::Text(t.title.clone()),
            Cell::Number(t.points),
        ];
        cells.extend(progress(&t.progress));
        match people.targets.iter().find(|p| p.id == t.id) {
            Some(p) => {
                cells.push(Cell::Text(p.stage.chinese().to_string()));
                cells.extend(agreement(&p.agreement));
                cells.push(count(p.checks_left));
            }
            None => cells.extend((0..6).map(|_| Cell::Empty)),
        }
        write_row(sheet, row, &cells)?;
        row += 1;
    }
    let stage = &people.stage;
    let mut cells = vec![
        Cell::Text("合计".into()),
        Cell::Empty,
        Cell::Text("整个考核".into()),
        Cell::Number(status.targets.iter().map(|t| t.points).sum()),
    ];
    cells.extend(progress(&status.progress));
    cells.push(Cell::Text(stage_words(stage.stage, &stage.locks)));
    cells.extend(agreement(&stage.agreement));
    cells.push(count(stage.checks_left));
    write_row(sheet, row, &cells)?;
    Ok(())
}

/// 复核: the second review of each reviewer's first verdicts, and the 复核 they gave.
pub(super) fn write_checks(book: &mut Workbook, results: &Results<'_>) -> Result<()> {
    let sheet = book.add_worksheet();
    sheet.set_name(CHECKS_SHEET)?;
    let heads: Vec<String> = ["初审评审人", "处室", "已初审", "复核他人"]
        .iter()
        .chain(&AGREEMENT_HEADS)
        .map(|h| (*h).to_string())
        .collect();
    heading(sheet, &heads, &[(0, 14), (1, 16)])?;
    sheet.set_freeze_panes(1, 1)?;
    for (r, p) in results.people.reviewers.iter().enumerate() {
        let mut cells = vec![
            Cell::Text(p.reviewer.clone()),
            Cell::Text(p.division.clone().unwrap_or_default()),
            count(p.marked),
            count(p.checks_done),
        ];
        cells.extend(agreement(&p.agreement));
        write_row(sheet, r as u32 + 1, &cells)?;
    }
    Ok(())
}

/// 热力图: the counties in rank order, each target's share of its points earned (0–100%),
/// coloured from red (none) through yellow (half) to green (all) by a colour scale that
/// Excel and LibreOffice draw themselves. A row a county, streamed.
pub(super) fn write_heat_map(
    book: &mut Workbook,
    results: &Results<'_>,
    plan: &Plan,
) -> Result<()> {
    let status = &results.status;
    let mut heads: Vec<String> = vec!["名次".into(), "县(市、区)".into()];
    heads.extend(
        status
            .targets
            .iter()
            .map(|t| format!("{} {}", t.id, t.title)),
    );
    let bold_wrapped = Format::new().set_bold().set_text_wrap();
    let pages = &plan.heat_map;
    for page in 0..pages.sheets {
        let sheet = book.add_worksheet_with_constant_memory();
        sheet.set_name(pages.name(page))?;
        for (c, h) in heads.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h, &bold_wrapped)?;
            let width = match c {
                0 => 6,
                1 => 16,
                _ => 12,
            };
            sheet.set_column_width(c as u16, width)?;
        }
        // Target titles wrap over a few lines in their narrow columns.
        sheet.set_row_height(0, 60)?;
        sheet.set_freeze_panes(1, 2)?;
    }
    let first = book.worksheets().len() - pages.sheets;
    let counties = ranked(&status.counties);
    for (r, county) in counties.iter().enumerate() {
        let mut cells = vec![
            Cell::Number(county.rank as f64),
            Cell::Text(county.name.clone()),
        ];
        cells.extend(status.targets.iter().enumerate().map(|(k, t)| {
            match county.target_scores.get(k) {
                Some(points) if t.points > 0.0 => Cell::Share(points / t.points),
                _ => Cell::Empty,
            }
        }));
        let (page, row) = pages.at(r);
        write_row(book.worksheet_from_index(first + page)?, row, &cells)?;
    }
    if counties.is_empty() || status.targets.is_empty() {
        return Ok(());
    }
    let scale = ConditionalFormat3ColorScale::new()
        .set_minimum(ConditionalFormatType::Number, 0)
        .set_midpoint(ConditionalFormatType::Number, 0.5)
        .set_maximum(ConditionalFormatType::Number, 1);
    let last_column = 1 + status.targets.len() as u16;
    for page in 0..pages.sheets {
        let rows = pages.rows_on(page) as u32;
        book.worksheet_from_index(first + page)?
            .add_conditional_format(1, 2, rows, last_column, &scale)?;
    }
    Ok(())
}
