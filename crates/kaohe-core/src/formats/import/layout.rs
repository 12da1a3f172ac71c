//! The layout of a submissions table, whatever file it came in: every reader (a CSV, a
//! workbook's sheet) hands its rows here one by one, and only the places errors name differ.
//! The header is found below any title rows, with its second row where it has one (完成情况
//! merged over 分子 and 分母, 自评 over 结果 and 得分); the layout is told from it:
//!
//! - long: a row per county × indicator (县(市、区), 指标编号, 完成值 …), as kaohe exports;
//! - a column per county: rows are indicators, the counties head the columns (by name or
//!   code), each county's column its figure (or, under a two-row header, its figure,
//!   evidence …);
//! - a column per indicator: rows are counties, the indicators head the columns (by id or
//!   short name).
//!
//! Each wide row is turned into one long row per county or indicator for the [`Checker`],
//! with the cells its parts came from. Footer rows (填报人, 审核人, 联系电话 …, 备注：) and
//! total rows (合计, 小计 …) are passed over and counted. Nothing is held but the header and
//! the rows checked: a table of any length is read in bounded memory.

use super::checker::{Cell, CellKind, Checker, Fields, Places, Source};
use super::intake::Intake;
use crate::error::FileError;
use crate::formats::columns::{self, Beside, COLUMNS, Column, Read};
use crate::formats::inert::undo_inert;
use crate::lookup::{Lookup, ascii_key};
use crate::model::County;

/// How a table is laid out (see the module's comment).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LayoutKind {
    /// A row per county × indicator.
    #[default]
    Long,
    /// Rows are indicators; a column per county.
    ColumnPerCounty,
    /// Rows are counties; a column per indicator.
    ColumnPerIndicator,
}

impl LayoutKind {
    /// How a message names it.
    pub fn words(self) -> &'static str {
        match self {
            LayoutKind::Long => "a row per county × indicator",
            LayoutKind::ColumnPerCounty => "a column per county",
            LayoutKind::ColumnPerIndicator => "a column per indicator",
        }
    }
}

/// The rows and columns a table had that are no submissions: counted, for the result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassedOver {
    /// 填报人, 审核人, 联系电话, 填报日期, 备注： … below the figures.
    pub footer_rows: usize,
    /// 合计, 小计, 总计 … rows.
    pub total_rows: usize,
    /// 合计, 全市 … columns beside the counties' (a column per county).
    pub total_columns: usize,
}

impl PassedOver {
    pub fn any(&self) -> bool {
        self.footer_rows + self.total_rows + self.total_columns > 0
    }
}

/// The first words of a footer row (who filled the table in, who checked it, how to reach
/// them, when) and of a note under the table.
const FOOTER: &[&str] = &[
    "填报人",
    "填表人",
    "填报单位负责人",
    "单位负责人",
    "负责人",
    "审核人",
    "审核",
    "复核人",
    "制表人",
    "制表",
    "统计人",
    "联系人",
    "联系电话",
    "电话",
    "手机",
    "填报日期",
    "填表日期",
    "报送日期",
    "日期",
    "备注",
    "说明",
    "分管领导",
    "主要领导",
    "签字",
    "签名",
    "盖章",
    "（盖章）",
    "(盖章)",
];

/// What a total row (or column) says where a county or an indicator would be.
const TOTALS: &[&str] = &[
    "合计",
    "小计",
    "总计",
    "总合计",
    "全市",
    "全市合计",
    "全市总计",
    "平均",
    "平均值",
    "汇总",
    "total",
    "subtotal",
    "sum",
];

/// Words of a header's second row that qualify the first's (自评 over 结果 and 得分).
const QUALIFIERS: &[&str] = &["结果", "得分", "分数", "等次", "结论", "数值"];

/// Text with every space taken out (合 计, 填 报 人), full-width letters and digits made ASCII.
fn squeezed(text: &str) -> String {
    ascii_key(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn is_total(text: &str) -> bool {
    // Most cells are no total: told without a copy.
    if text.is_empty() || text.len() > 40 || text.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let t = squeezed(text);
    !t.is_empty() && TOTALS.iter().any(|w| t.eq_ignore_ascii_case(w))
}

/// Whether a row's first cell begins a footer or a note: 填报人：张三, 联系电话, 注：….
fn is_footer(text: &str) -> bool {
    // Most rows begin with no footer word: told without a copy.
    let first = text.trim_start().chars().next();
    if !first.is_some_and(|c| FOOTER.iter().any(|w| w.starts_with(c)) || c == '注') {
        return false;
    }
    let t = squeezed(text);
    if FOOTER.iter().any(|w| t.starts_with(w)) {
        return true;
    }
    // 注：, 注1. — not 注册 …
    t.strip_prefix('注').is_some_and(|rest| {
        rest.is_empty()
            || rest.starts_with([':', '：', '.', '、', '①'])
            || rest.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// A header's text with a unit in brackets after it taken off: "完成值（万元）" is 完成值, in
/// 万元. Brackets holding no unit stay: "照料中心覆盖率(城市)" is a name.
fn unit_in_header(text: &str) -> (&str, Option<&str>) {
    let t = text.trim();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(inner) = t.strip_suffix(close) {
            if let Some(at) = inner.rfind(open) {
                let unit = inner[at + open.len_utf8()..].trim();
                let name = inner[..at].trim();
                if !name.is_empty() && crate::units::is_unit(unit) {
                    return (name, Some(unit));
                }
            }
        }
    }
    (t, None)
}

/// What one column of a header is.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    /// A part of the row's submission(s), and how likely a name of it the header is.
    Field(Column, usize),
    /// The figures' unit of measure.
    Unit,
    /// Headed by a county: its code; what part of its submission the column gives (its
    /// figure, unless a second header row says otherwise).
    County(String, Column),
    /// Headed by an indicator: its id; what part the column gives.
    Indicator(String, Column),
    /// 合计, 全市 …: counted, passed over.
    Total,
    /// Described, or the review's: passed over.
    Skip,
}

/// One column of the header: what it is, and a unit its header gave it in brackets.
#[derive(Debug, Clone)]
struct Head {
    slot: Slot,
    unit: Option<String>,
}

/// A table being read.
pub(super) struct Layout<'a> {
    lookup: &'a Lookup,
    places: Places<'a>,
    /// Whether rows may be shorter than the header (a sheet's are; a CSV's must match it).
    ragged: bool,
    state: State,
    checker: Checker<'a>,
    passed: PassedOver,
    /// The county the table is for where it has no county column (a workbook's sheet named
    /// after it, or titled with it).
    county: Option<&'a County>,
}

enum State {
    /// Looking for the header: the first row naming one key column, if none names enough.
    Finding {
        nearest: Option<(u64, Vec<Cell>)>,
        any_cell: bool,
        /// The last row with anything in it: the first row of a header whose second names
        /// the counties or indicators (各县完成情况 merged over 柯城区, 衢江区 …).
        previous: Option<(u64, Vec<Cell>)>,
    },
    /// The header's (first) row: the next row may be its second.
    Header {
        row: u64,
        cells: Vec<Cell>,
    },
    Rows(Table),
}

/// The table's header, resolved.
struct Table {
    kind: LayoutKind,
    width: usize,
    /// Where each submission of a row is: one for a long row, one per county or indicator.
    groups: Vec<Group>,
    /// The row's cells that say whose row it is (the county's, the indicator's, both).
    keys: Vec<usize>,
    /// Columns passed over that describe the row (序号, 指标名称): where a 合计 may stand.
    described: Vec<usize>,
    /// The first footer row, once met.
    footer: Option<u64>,
    /// Columns of totals (合计, 全市) passed over.
    total_columns: usize,
    /// kaohe's own CSV export (told by its header): the apostrophe its export put before a
    /// formula-like cell is taken off again (see [`crate::formats::inert`]).
    undo_inert: bool,
}

/// One submission of a row: where its parts are, and the cells that are its own (a wide
/// row's county or indicator with nothing in them gave nothing).
struct Group {
    fields: Fields,
    own: Vec<usize>,
}

impl<'a> Layout<'a> {
    pub(super) fn new(lookup: &'a Lookup, places: Places<'a>, ragged: bool) -> Layout<'a> {
        Layout {
            lookup,
            places,
            ragged,
            state: State::Finding {
                nearest: None,
                any_cell: false,
                previous: None,
            },
            checker: Checker::new(lookup, places),
            passed: PassedOver::default(),
            county: None,
        }
    }

    /// Says the county the table is for, where its rows need not name one (a sheet of one
    /// county's): told before the header is met, so that a header without a county column is
    /// one.
    pub(super) fn county_known(&mut self, county: Option<&'a County>) {
        self.county = county;
    }

    /// The header's width, once a header row is found: the cells a merge may be filled down
    /// in.
    pub(super) fn header_width(&self) -> Option<usize> {
        match &self.state {
            State::Finding { .. } => None,
            State::Header { cells, .. } => Some(cells.len()),
            State::Rows(table) => Some(table.width),
        }
    }

    /// Reads row `n` (a line of a text, a sheet's row, from 1), handing what it gives to
    /// `intake`.
    pub(super) fn row(
        &mut self,
        n: u64,
        cells: Vec<Cell>,
        intake: &mut Intake<'_>,
    ) -> Result<(), FileError> {
        let blank = cells
            .iter()
            .all(|c| c.text.is_empty() && c.kind != CellKind::Error);
        match &mut self.state {
            State::Finding {
                any_cell, previous, ..
            } => {
                if blank {
                    return Ok(());
                }
                *any_cell = true;
                let seen = header_kind(self.lookup, &cells, self.county.is_some());
                if matches!(seen, Seen::Header) {
                    self.state = State::Header { row: n, cells };
                    return Ok(());
                }
                // The row above heading this one's counties or indicators.
                if let Some((above, top)) = previous.take() {
                    let under: Vec<Cell> = (0..top.len().max(cells.len()))
                        .map(|i| match cells.get(i) {
                            Some(c) if !c.text.is_empty() => c.clone(),
                            _ => top.get(i).cloned().unwrap_or_default(),
                        })
                        .collect();
                    let names_keys = cells.iter().any(|c| {
                        let (name, _) = unit_in_header(&c.text);
                        self.lookup.county(name).is_some()
                            || indicator_heading(self.lookup, name).is_some()
                    });
                    if names_keys && matches!(header_kind(self.lookup, &under, false), Seen::Header)
                    {
                        let table = self.resolve(&top, above, Some((&cells, n)))?;
                        self.state = State::Rows(table);
                        return Ok(());
                    }
                }
                let State::Finding {
                    nearest, previous, ..
                } = &mut self.state
                else {
                    return Ok(());
                };
                if matches!(seen, Seen::OneKey) && nearest.is_none() {
                    *nearest = Some((n, cells.clone()));
                }
                *previous = Some((n, cells));
                Ok(())
            }
            State::Header { .. } if blank => Ok(()),
            State::Header { row, cells: top } => {
                let (top_row, top) = (*row, std::mem::take(top));
                if is_second_row(self.lookup, &top, &cells) {
                    let table = self.resolve(&top, top_row, Some((&cells, n)))?;
                    self.state = State::Rows(table);
                    return Ok(());
                }
                let table = self.resolve(&top, top_row, None)?;
                self.state = State::Rows(table);
                self.data(n, cells, intake)
            }
            State::Rows(_) if blank => Ok(()),
            State::Rows(_) => self.data(n, cells, intake),
        }
    }

    /// How the table was laid out and what it passed over; or why it holds nothing kaohe can
    /// read.
    pub(super) fn finish(mut self, no_rows: &str) -> Result<(LayoutKind, PassedOver), FileError> {
        let table = match std::mem::replace(
            &mut self.state,
            State::Finding {
                nearest: None,
                any_cell: false,
                previous: None,
            },
        ) {
            State::Finding {
                nearest, any_cell, ..
            } => {
                if let Some((n, cells)) = nearest {
                    // Names what that row lacks.
                    self.resolve(&cells, n, None)?;
                }
                let message = match (any_cell, self.places) {
                    (true, _) => format!("no header row found: {LAYOUTS}"),
                    (false, Places::Lines { .. }) => "the file is empty".to_string(),
                    (false, Places::Sheet { .. }) => "the sheet is empty".to_string(),
                };
                return Err(FileError::new(self.places.whole(), message));
            }
            State::Header { row, cells } => self.resolve(&cells, row, None)?,
            State::Rows(table) => table,
        };
        self.passed.total_columns = table.total_columns;
        let kind = table.kind;
        if !self.checker.any_row() {
            return Err(FileError::new(self.places.whole(), no_rows));
        }
        Ok((kind, self.passed))
    }

    /// A row under the header.
    fn data(&mut self, n: u64, cells: Vec<Cell>, intake: &mut Intake<'_>) -> Result<(), FileError> {
        let State::Rows(table) = &mut self.state else {
            return Ok(());
        };
        let cells = if table.undo_inert {
            cells
                .into_iter()
                .map(|c| Cell::text(&undo_inert(&c.text)))
                .collect()
        } else {
            cells
        };
        let lookup = self.lookup;
        let first = cells
            .iter()
            .find(|c| !c.text.is_empty())
            .map_or("", |c| c.text.as_str());
        // Whether the row names a known county and indicator where its key cells are (one
        // a wide table's header gives is known).
        let resolves = |table: &Table| {
            table.groups.first().is_some_and(|g| {
                let known = |c: Column, found: &dyn Fn(&str) -> bool| match g.fields.get(c) {
                    Some(Source::Cell(i)) => cells.get(*i).is_some_and(|c| found(&c.text)),
                    _ => true,
                };
                known(Column::County, &|k| lookup.county(k).is_some())
                    && known(Column::Indicator, &|k| {
                        lookup.indicator_by_id_or_name(k).is_some()
                    })
            })
        };
        if is_footer(first) && !resolves(table) {
            self.passed.footer_rows += 1;
            table.footer.get_or_insert(n);
            return Ok(());
        }
        let total = table
            .keys
            .iter()
            .chain(&table.described)
            .filter_map(|&i| cells.get(i))
            .any(|c| is_total(&c.text))
            || is_total(first);
        if total {
            self.passed.total_rows += 1;
            return Ok(());
        }
        if let Some(footer) = table.footer {
            if resolves(table) {
                return Err(FileError::new(
                    self.places.at(n, None),
                    format!(
                        "this row gives figures below the table's footer (which begins on {} {footer}); move the row above the footer, or delete the footer",
                        self.places.row_word()
                    ),
                ));
            }
            self.passed.footer_rows += 1;
            return Ok(());
        }
        if !self.ragged && cells.len() != table.width {
            return Err(FileError::new(
                self.places.at(n, None),
                format!(
                    "the row has {} columns but the header has {}",
                    cells.len(),
                    table.width
                ),
            ));
        }
        // One lone note that names no county or indicator: said as such.
        let mut filled = cells.iter().filter(|c| !c.text.is_empty());
        if let (Some(only), None) = (filled.next(), filled.next()) {
            let known = lookup.county(&only.text).is_some()
                || lookup.indicator_by_id_or_name(&only.text).is_some();
            if only.kind == CellKind::Text
                && !known
                && !resolves(table)
                && table.kind == LayoutKind::Long
            {
                let at = cells.iter().position(|c| !c.text.is_empty());
                return Err(FileError::new(
                    self.places.at(n, at),
                    format!(
                        "the row holds only \"{}\", which is no county or indicator; a note under the table begins 备注： or 说明： (kaohe passes those over, as it does 填报人, 审核人, 联系电话, 填报日期 and 合计 rows), or delete the row",
                        only.text
                    ),
                ));
            }
        }
        if table.kind == LayoutKind::Long {
            if let Some(group) = table.groups.first() {
                return self.checker.row(n, &cells, &group.fields, intake);
            }
            return Ok(());
        }
        let mut any = false;
        for group in &table.groups {
            let given = group.own.iter().any(|&i| {
                cells
                    .get(i)
                    .is_some_and(|c| !c.text.is_empty() || c.kind == CellKind::Error)
            });
            if given {
                any = true;
                self.checker.row(n, &cells, &group.fields, intake)?;
            }
        }
        if !any {
            // A row of nothing submitted still counts as a row read.
            self.checker.row(n, &[], &Fields::new(), intake)?;
        }
        Ok(())
    }

    /// The header (its first row `top`, on row `top_row`; its second row, if any) resolved
    /// into the table's layout, or refused saying what layout it looked like and what to change.
    fn resolve(
        &self,
        top: &[Cell],
        top_row: u64,
        second: Option<(&[Cell], u64)>,
    ) -> Result<Table, FileError> {
        let lookup = self.lookup;
        let places = self.places;
        let last_row = second.map_or(top_row, |(_, n)| n);
        let width = top.len().max(second.map_or(0, |(s, _)| s.len()));
        let at = |column: Option<usize>| places.at(last_row, column);
        let texts: Vec<String> = (0..width)
            .map(|i| header_text(top, second.map(|(s, _)| s), i))
            .collect();
        let own_workbook = texts
            .iter()
            .any(|h| Column::CountyCode.header() == Some(h.as_str()));
        // kaohe's own CSV export, told by the columns only it writes.
        let own_csv = matches!(places, Places::Lines { .. }) && columns::is_own_csv_export(&texts);
        // Any of kaohe's own exports, whose facts of an earlier import are read back; a
        // county's sheet's columns of those names are passed over.
        let own_export = own_workbook || own_csv;
        let mut heads: Vec<Option<Head>> = Vec::with_capacity(width);
        let mut carried: Option<&str> = None;
        for i in 0..width {
            let upper = top.get(i).map_or("", |c| c.text.as_str());
            let lower = second
                .and_then(|(s, _)| s.get(i))
                .map_or("", |c| c.text.as_str());
            if !upper.is_empty() {
                carried = Some(upper);
            }
            // Under a merged cell, the text is in its first column only.
            let upper = if upper.is_empty() && !lower.is_empty() {
                carried.unwrap_or("")
            } else {
                upper
            };
            let number = top.get(i).is_some_and(|c| c.kind == CellKind::Number);
            let head = self
                .head(upper, lower, number, own_workbook, own_export)
                .map_err(|why| FileError::new(at(Some(i)), why))?;
            heads.push(head);
        }
        // A column that is nothing kaohe knows: said with what the table's layout wants there.
        if let Some(i) = heads.iter().position(Option::is_none) {
            let names: Vec<&str> = columns::submission().map(Column::name).collect();
            let known = if heads
                .iter()
                .flatten()
                .any(|h| matches!(h.slot, Slot::County(..)))
            {
                format!(
                    "; the counties heading the other columns, the database knows {}",
                    lookup.known_counties()
                )
            } else if heads
                .iter()
                .flatten()
                .any(|h| matches!(h.slot, Slot::Indicator(..)))
            {
                format!(
                    "; the indicators heading the other columns, the database knows {} (`kaohe targets` lists them)",
                    lookup.known_indicators()
                )
            } else {
                String::new()
            };
            return Err(FileError::new(
                at(Some(i)),
                format!(
                    "unknown column \"{}\" (column {}); the columns are {}, 单位 (the unit), or a county (柯城区 …) or an indicator (1.2 …) heading a column of its figures{known}",
                    texts[i],
                    places.column_label(i),
                    names.join(", ")
                ),
            ));
        }
        let mut heads: Vec<Head> = heads.into_iter().flatten().collect();
        let by_county = heads
            .iter()
            .position(|h| matches!(h.slot, Slot::County(..)));
        let by_indicator = heads
            .iter()
            .position(|h| matches!(h.slot, Slot::Indicator(..)));
        let kind = match (by_county, by_indicator) {
            (Some(c), Some(i)) => {
                return Err(FileError::new(
                    at(None),
                    format!(
                        "the header names both a county (column {} \"{}\") and an indicator (column {} \"{}\") as columns; kaohe reads {}: keep one kind of column heading",
                        places.column_label(c),
                        texts[c],
                        places.column_label(i),
                        texts[i],
                        LAYOUT_LIST
                    ),
                ));
            }
            (Some(_), None) => LayoutKind::ColumnPerCounty,
            (None, Some(_)) => LayoutKind::ColumnPerIndicator,
            (None, None) => LayoutKind::Long,
        };
        let row_fields = self.row_fields(&mut heads, &texts, kind, last_row)?;
        let mut keys = Vec::new();
        keys.extend(row_fields.index(Column::County));
        keys.extend(row_fields.index(Column::Indicator));
        let described: Vec<usize> = heads
            .iter()
            .enumerate()
            .filter(|(_, h)| h.slot == Slot::Skip)
            .map(|(i, _)| i)
            .collect();
        let groups = match kind {
            LayoutKind::Long => vec![Group {
                fields: row_fields,
                own: Vec::new(),
            }],
            _ => wide_groups(lookup, &heads, &row_fields, top_row, kind, &texts, |i| {
                places.column_label(i)
            })
            .map_err(|(column, why)| FileError::new(at(Some(column)), why))?,
        };
        Ok(Table {
            kind,
            width,
            groups,
            keys,
            described,
            footer: None,
            total_columns: heads.iter().filter(|h| h.slot == Slot::Total).count(),
            undo_inert: own_csv,
        })
    }

    /// What one column of the header is, from its first row's text (`upper`, carried from
    /// the left under a merge) and its second's (`lower`); `None` for an unknown column,
    /// `Err` for one that cannot be read.
    fn head(
        &self,
        upper: &str,
        lower: &str,
        number: bool,
        own_workbook: bool,
        own_export: bool,
    ) -> Result<Option<Head>, String> {
        let lookup = self.lookup;
        let (name, unit) = unit_in_header(upper);
        let text = header_text(&[Cell::text(upper)], Some(&[Cell::text(lower)]), 0);
        let head = |slot: Slot, unit: Option<&str>| {
            Some(Head {
                slot,
                unit: unit.map(str::to_string),
            })
        };
        // The part of a county's or indicator's submission its second header row names.
        let part = || -> Result<(Column, Option<&str>), String> {
            if lower.is_empty() {
                return Ok((Column::Value, unit));
            }
            if crate::units::is_unit(lower) {
                return Ok((Column::Value, Some(lower)));
            }
            let (lower_name, lower_unit) = unit_in_header(lower);
            match columns::by_name(lower_name) {
                Some((c, _)) if c != Column::County && c != Column::Indicator => {
                    Ok((c, lower_unit.or(unit)))
                }
                _ => Err(format!(
                    "\"{lower}\" under \"{upper}\" is no part of a submission; under a county or an indicator, give 完成值, 分子, 分母, 佐证材料, 备注, 自评结果 or 自评分"
                )),
            }
        };
        if !name.is_empty() {
            if let Some(county) = lookup.county(name) {
                let (c, unit) = part()?;
                return Ok(head(Slot::County(county.code.clone(), c), unit));
            }
            if columns::by_name(name).is_none() && !columns::is_unit(name) {
                if let Some(id) = indicator_heading(lookup, name) {
                    let longer = format!("{id}0");
                    if number && id.contains('.') && lookup.indicator(&longer).is_some() {
                        return Err(format!(
                            "the indicator heading the column is the number {id}, which cannot tell {id} from {longer}; give it as text (format the header row as text)"
                        ));
                    }
                    let (c, unit) = part()?;
                    return Ok(head(Slot::Indicator(id, c), unit));
                }
            }
        }
        // A title over the counties or indicators (各县完成情况 merged over 柯城区, 衢江区 …).
        if !lower.is_empty() {
            let (lower_name, lower_unit) = unit_in_header(lower);
            if let Some(county) = lookup.county(lower_name) {
                return Ok(head(
                    Slot::County(county.code.clone(), Column::Value),
                    lower_unit,
                ));
            }
            if columns::by_name(lower_name).is_none() && !columns::is_unit(lower_name) {
                if let Some(id) = indicator_heading(lookup, lower_name) {
                    return Ok(head(
                        Slot::Indicator(id, Column::Value),
                        lower_unit.or(unit),
                    ));
                }
            }
        }
        if is_total(&text) || (lower.is_empty() && is_total(upper)) || is_total(lower) {
            return Ok(head(Slot::Total, None));
        }
        // A plain column: by its names, the second row's qualifying the first's.
        let candidates: Vec<String> = if lower.is_empty() {
            vec![name.to_string()]
        } else if upper.is_empty() {
            vec![lower.to_string()]
        } else {
            let (lower_name, _) = unit_in_header(lower);
            let mut c = vec![format!("{name}{lower_name}"), lower_name.to_string()];
            // 单位 under a key column labels a row of units: the column is the key.
            if columns::is_unit(lower_name) {
                c.insert(0, name.to_string());
            }
            c
        };
        let unit = if lower.is_empty() {
            unit
        } else {
            unit_in_header(lower).1.or(unit)
        };
        for candidate in &candidates {
            let candidate = candidate.trim();
            if columns::is_county_code(candidate) {
                return Ok(head(Slot::Field(Column::CountyCode, 0), None));
            }
            if let Some(fact) = columns::fact_by_name(candidate).filter(|_| own_export) {
                return Ok(head(Slot::Field(fact, 0), None));
            }
            if own_workbook {
                if let Some(c) = columns::by_header(candidate) {
                    if c.names().read != Read::Submission || c == Column::County {
                        return Ok(head(Slot::Skip, None));
                    }
                    return Ok(head(Slot::Field(c, 0), unit));
                }
            }
            if let Some((c, rank)) = columns::by_name(candidate) {
                return Ok(head(Slot::Field(c, rank), unit));
            }
            if columns::is_unit(candidate) {
                return Ok(head(Slot::Unit, None));
            }
            if candidate.is_empty() || columns::passed_over(candidate) {
                return Ok(head(Slot::Skip, None));
            }
        }
        Ok(None)
    }

    /// The fields every submission of a row shares: the long row's all; a wide row's key (its
    /// indicator, or its county), its unit, and evidence and remarks that are the row's.
    fn row_fields(
        &self,
        heads: &mut [Head],
        texts: &[String],
        kind: LayoutKind,
        row: u64,
    ) -> Result<Fields, FileError> {
        let places = self.places;
        let at = |column: Option<usize>| places.at(row, column);
        let mut fields = Fields::new();
        let mut index_of = [None; COLUMNS.len()];
        let mut rank_of = [0; COLUMNS.len()];
        let mut unit_column: Option<usize> = None;
        let mut county_code_column = None;
        // 单位 is the county's column only where nothing else is: beside a county column, or
        // where the counties head columns, it is the unit of measure.
        let danwei = |rank: usize| {
            matches!(Column::County.names().beside, Beside::Unit(name)
                if Column::County.read_names().nth(rank) == Some(name))
        };
        let likelier_county = heads.iter().any(|h| match h.slot {
            Slot::Field(Column::CountyCode, _) => true,
            Slot::Field(Column::County, rank) => !danwei(rank),
            _ => false,
        });
        for head in heads.iter_mut() {
            if let Slot::Field(Column::County, rank) = head.slot {
                if danwei(rank) && (likelier_county || kind == LayoutKind::ColumnPerCounty) {
                    head.slot = Slot::Unit;
                }
            }
        }
        for (index, head) in heads.iter().enumerate() {
            let (column, rank) = match head.slot {
                Slot::Field(Column::CountyCode, _) => {
                    county_code_column = Some(index);
                    continue;
                }
                Slot::Field(c, rank) => (c, rank),
                Slot::Unit => {
                    if let Some(other) = unit_column {
                        return Err(FileError::new(
                            at(Some(index)),
                            format!(
                                "columns {} and {} both give the unit",
                                places.column_label(other),
                                places.column_label(index)
                            ),
                        ));
                    }
                    unit_column = Some(index);
                    continue;
                }
                _ => continue,
            };
            if let Some(other) = index_of[column as usize] {
                // Two names of one column, as counties' sheets have them: the likelier is the
                // column; what the less likely one may be beside it is the table's to say.
                let lesser = rank.max(rank_of[column as usize]);
                let lesser_name = column.read_names().nth(lesser).unwrap_or("");
                let (folds, joins_remark) = match column.names().beside {
                    Beside::Refused | Beside::Unit(_) => (false, false),
                    Beside::PassedOver(name) => (lesser_name == name, false),
                    Beside::JoinsRemark(name) => (name.is_none_or(|n| n == lesser_name), true),
                };
                if folds && rank != rank_of[column as usize] {
                    let passed_over = if rank < rank_of[column as usize] {
                        index_of[column as usize] = Some(index);
                        rank_of[column as usize] = rank;
                        other
                    } else {
                        index
                    };
                    if joins_remark {
                        fields.more_remarks.push(passed_over);
                    }
                    continue;
                }
                return Err(FileError::new(
                    at(Some(index)),
                    format!(
                        "columns {} and {} both give the {}",
                        places.column_label(other),
                        places.column_label(index),
                        column.name()
                    ),
                ));
            }
            index_of[column as usize] = Some(index);
            rank_of[column as usize] = rank;
        }
        // The joined remark reads in the sheet's order.
        fields.more_remarks.sort_unstable();
        if let Some(index) = county_code_column {
            index_of[Column::County as usize] = Some(index);
        }
        // A sheet of one county's without a county column: its rows are that county's.
        if let (None, Some(county), LayoutKind::Long) =
            (index_of[Column::County as usize], self.county, kind)
        {
            fields.set(Column::County, Source::Given(Cell::text(&county.code)));
        }
        for (c, index) in columns::submission()
            .chain(columns::facts())
            .map(|c| (c, index_of[c as usize]))
        {
            if let Some(i) = index {
                fields.set(c, Source::Cell(i));
            }
        }
        // A unit given in the figure's header, or a unit column.
        let value_unit =
            index_of[Column::Value as usize].and_then(|i| heads[i].unit.clone().map(|u| (i, u)));
        match (unit_column, value_unit) {
            (Some(u), Some((v, _))) => {
                return Err(FileError::new(
                    at(Some(u)),
                    format!(
                        "column {} gives the unit and column {} \"{}\" gives one in its header; keep one of them",
                        places.column_label(u),
                        places.column_label(v),
                        texts[v]
                    ),
                ));
            }
            (Some(u), None) => fields.unit = Some(Source::Cell(u)),
            (None, Some((v, unit))) => {
                fields.unit = Some(Source::Header {
                    cell: Cell::text(&unit),
                    row,
                    column: v,
                });
            }
            (None, None) => {}
        }
        let has = |c: Column| index_of[c as usize].is_some() || fields.get(c).is_some();
        let missing = |c: Column| {
            // A sheet of one county may say which in its name or a title row instead.
            let or_sheet = match (c, places) {
                (Column::County, Places::Sheet { .. }) => {
                    "; or, for a sheet of one county, name the county in the sheet's name or a title row above the header"
                }
                _ => "",
            };
            FileError::new(
                at(None),
                format!(
                    "missing column \"{}\" (the header has: {}); kaohe reads {}{or_sheet}",
                    c.name(),
                    texts.join(","),
                    LAYOUT_LIST
                ),
            )
        };
        match kind {
            LayoutKind::Long => {
                for required in [Column::County, Column::Indicator] {
                    if !has(required) {
                        return Err(missing(required));
                    }
                }
                let parts = has(Column::Numerator) && has(Column::Denominator);
                if !has(Column::Value) && !parts {
                    return Err(FileError::new(
                        at(None),
                        format!(
                            "missing column \"{}\" (or both \"{}\" and \"{}\")",
                            Column::Value.name(),
                            Column::Numerator.name(),
                            Column::Denominator.name()
                        ),
                    ));
                }
            }
            LayoutKind::ColumnPerCounty | LayoutKind::ColumnPerIndicator => {
                let (key, other, whose) = if kind == LayoutKind::ColumnPerCounty {
                    (Column::Indicator, Column::County, "county")
                } else {
                    (Column::County, Column::Indicator, "indicator")
                };
                if !has(key) {
                    return Err(FileError::new(
                        at(None),
                        format!(
                            "missing column \"{}\": the header has {} heading columns ({}), so each row must say its {} (the header has: {})",
                            key.name(),
                            kind.words(),
                            if kind == LayoutKind::ColumnPerCounty {
                                "柯城区 …"
                            } else {
                                "1.2 …"
                            },
                            key.name(),
                            texts.join(",")
                        ),
                    ));
                }
                // A part of a submission at the row's level cannot say whose it is.
                for c in [
                    other,
                    Column::Value,
                    Column::Numerator,
                    Column::Denominator,
                    Column::SelfVerdict,
                    Column::SelfScore,
                    Column::AsWritten,
                ] {
                    if let Some(i) = index_of[c as usize] {
                        return Err(FileError::new(
                            at(Some(i)),
                            format!(
                                "column {} \"{}\" gives the {} of no one {whose}: the header has {} (each {whose} heading its own column); put it under a {whose}, or delete the column",
                                places.column_label(i),
                                texts[i],
                                c.name(),
                                kind.words()
                            ),
                        ));
                    }
                }
            }
        }
        Ok(fields)
    }
}

/// Three layouts, as a message lists them.
const LAYOUT_LIST: &str = "a row per county × indicator (县(市、区), 指标编号, 完成值 …), a column per county (指标编号, then 柯城区, 衢江区 … each heading a column of figures) or a column per indicator (县(市、区), then 1.1, 1.2 … each heading a column)";

/// Why no header was found, and what to do.
const LAYOUTS: &str = "kaohe reads a row per county × indicator (a header such as 县(市、区), 指标编号, 完成值), a column per county (指标编号, then 柯城区, 衢江区 … each heading a column) or a column per indicator (县(市、区), then 1.1, 1.2 … each heading a column); give the table a header row of one of these";

/// A header cell's text, for messages: its first row's, and its second's under it.
fn header_text(top: &[Cell], second: Option<&[Cell]>, i: usize) -> String {
    let upper = top.get(i).map_or("", |c| c.text.as_str());
    let lower = second
        .and_then(|s| s.get(i))
        .map_or("", |c| c.text.as_str());
    match (upper.is_empty(), lower.is_empty()) {
        (false, false) => format!("{upper}/{lower}"),
        (true, _) => lower.to_string(),
        (false, true) => upper.to_string(),
    }
}

/// An indicator heading a column: its id (1.2, １．２), its short name, or its id followed by
/// its name ("1.2 照料中心覆盖率(城市)", "1.2、…").
fn indicator_heading(lookup: &Lookup, text: &str) -> Option<String> {
    if let Some((id, _)) = lookup.indicator_by_id_or_name(text) {
        return Some(id.to_string());
    }
    let key = ascii_key(text);
    let end = key
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(key.len());
    let (id, rest) = key.split_at(end);
    let id = id.trim_end_matches('.');
    if rest.trim().is_empty() || !id.contains('.') {
        return None;
    }
    lookup.indicator_id(id).map(|(id, _)| id.to_string())
}

/// The layout a row heads, if it is a header (see [`header_kind`]): for a look through a
/// workbook's sheets for the one holding a table.
pub(super) fn header_layout(
    lookup: &Lookup,
    cells: &[Cell],
    county_known: bool,
) -> Option<LayoutKind> {
    match header_kind(lookup, cells, county_known) {
        Seen::Header => Some(wide_kind(lookup, cells)),
        _ => None,
    }
}

/// Which layout a header row heads: counties heading columns, indicators, or neither.
fn wide_kind(lookup: &Lookup, cells: &[Cell]) -> LayoutKind {
    let heads = |found: &dyn Fn(&str) -> bool| {
        cells.iter().any(|c| {
            let (name, _) = unit_in_header(&c.text);
            !name.is_empty() && columns::by_name(name).is_none() && found(name)
        })
    };
    if heads(&|n| lookup.county(n).is_some()) {
        LayoutKind::ColumnPerCounty
    } else if heads(&|n| indicator_heading(lookup, n).is_some()) {
        LayoutKind::ColumnPerIndicator
    } else {
        LayoutKind::Long
    }
}

/// What a row may be, looked at for the header.
enum Seen {
    Header,
    /// It names the county column or the indicator column, not enough for a header.
    OneKey,
    Nothing,
}

/// Whether a row is a header: it names the county and the indicator columns (long; where the
/// table's county is known, the indicator and the figure), or the indicator column and a county
/// heading a column, or the county column and an indicator heading one.
fn header_kind(lookup: &Lookup, cells: &[Cell], county_known: bool) -> Seen {
    let (mut county, mut indicator, mut counties, mut indicators) = (false, false, 0, 0);
    let mut figure = false;
    for cell in cells {
        let (name, _) = unit_in_header(&cell.text);
        if name.is_empty() {
            continue;
        }
        match columns::by_name(name) {
            Some((Column::County, _)) => county = true,
            Some((Column::Indicator, _)) => indicator = true,
            Some((Column::Value | Column::Numerator, _)) => figure = true,
            Some(_) => {}
            None if columns::is_county_code(name) => county = true,
            None if lookup.county(name).is_some() => counties += 1,
            None if indicator_heading(lookup, name).is_some() => indicators += 1,
            None => {}
        }
    }
    // Long (in a sheet of one county's, its county need not be a column), a column per
    // county, a column per indicator.
    let long = indicator && (county || (county_known && figure));
    let per_county = indicator && counties > 0;
    let per_indicator = county && indicators > 0;
    if long || per_county || per_indicator {
        Seen::Header
    } else if county || indicator {
        Seen::OneKey
    } else {
        Seen::Nothing
    }
}

/// Whether `row`, just under the header's first row `top`, is its second: words only, each
/// a column's name (or qualifying the one above, 结果 under 自评), none a figure, a county or
/// an indicator; and somewhere under a merged cell, a county or an indicator, or a name it
/// qualifies.
fn is_second_row(lookup: &Lookup, top: &[Cell], row: &[Cell]) -> bool {
    let mut any = false;
    let mut grouped = false;
    let mut carried = "";
    for (i, cell) in row.iter().enumerate() {
        let upper = top.get(i).map_or("", |c| c.text.as_str());
        if !upper.is_empty() {
            carried = upper;
        }
        let word = cell.text.as_str();
        if word.is_empty() {
            continue;
        }
        if cell.kind != CellKind::Text {
            return false;
        }
        let (name, _) = unit_in_header(word);
        let qualified = format!("{carried}{name}");
        let header_word = columns::by_name(name).is_some()
            || columns::by_name(&qualified).is_some()
            || columns::is_unit(name)
            || crate::units::is_unit(name)
            || columns::passed_over(name)
            || QUALIFIERS.contains(&name);
        if !header_word || lookup.county(word).is_some() || lookup.indicator_id(word).is_some() {
            return false;
        }
        any = true;
        let over = if upper.is_empty() { carried } else { upper };
        let (over_name, _) = unit_in_header(over);
        grouped |= upper.is_empty()
            || lookup.county(over_name).is_some()
            || indicator_heading(lookup, over_name).is_some()
            || columns::by_name(&qualified)
                .is_some_and(|(c, _)| Some(c) != columns::by_name(over_name).map(|(c, _)| c))
            || columns::by_name(over_name).is_none();
    }
    any && grouped
}

/// A wide table's submissions of one row: a county's (or an indicator's) columns, the row's
/// key and its shared fields. `Err` names the column and why.
fn wide_groups(
    lookup: &Lookup,
    heads: &[Head],
    row_fields: &Fields,
    header_row: u64,
    kind: LayoutKind,
    texts: &[String],
    label: impl Fn(usize) -> String,
) -> Result<Vec<Group>, (usize, String)> {
    // Groups in the order their first column stands.
    let mut order: Vec<String> = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    for (i, head) in heads.iter().enumerate() {
        let (key, part) = match &head.slot {
            Slot::County(code, part) | Slot::Indicator(code, part) => (code.clone(), *part),
            _ => continue,
        };
        let at = match order.iter().position(|k| *k == key) {
            Some(at) => at,
            None => {
                order.push(key.clone());
                let mut fields = row_fields.clone();
                let whose = if kind == LayoutKind::ColumnPerCounty {
                    Column::County
                } else {
                    Column::Indicator
                };
                fields.set(
                    whose,
                    Source::Header {
                        cell: Cell::text(&key),
                        row: header_row,
                        column: i,
                    },
                );
                groups.push(Group {
                    fields,
                    own: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[at];
        if group.own.iter().any(
            |&j| matches!(&heads[j].slot, Slot::County(_, p) | Slot::Indicator(_, p) if *p == part),
        ) {
            let first = group.own.iter().copied().find(|&j| {
                matches!(&heads[j].slot, Slot::County(_, p) | Slot::Indicator(_, p) if *p == part)
            });
            let whose = match kind {
                LayoutKind::ColumnPerCounty => {
                    lookup.county(&key).map_or(key.clone(), |c| c.name.clone())
                }
                _ => key.clone(),
            };
            return Err((
                i,
                format!(
                    "columns {} and {} both give {whose}'s {} (\"{}\")",
                    first.map_or(String::new(), &label),
                    label(i),
                    part.name(),
                    texts[i]
                ),
            ));
        }
        group.fields.set(part, Source::Cell(i));
        if part == Column::Value {
            if let Some(unit) = &head.unit {
                group.fields.unit = Some(Source::Header {
                    cell: Cell::text(unit),
                    row: header_row,
                    column: i,
                });
            }
        }
        group.own.push(i);
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::super::intake::Collect;
    use super::super::{Checked, demo_lookup, parse, read_csv};
    use super::*;

    #[test]
    fn footers_and_totals_are_told() {
        assert!(is_footer("填报人：张三"));
        assert!(is_footer("填 报 人"));
        assert!(is_footer("联系电话：0570-1234567"));
        assert!(is_footer("注：1.本表"));
        assert!(is_footer("备注"));
        assert!(!is_footer("注册登记"));
        assert!(!is_footer("柯城区"));
        assert!(is_total("合　计"));
        assert!(is_total("小计"));
        assert!(is_total("Total"));
        assert!(!is_total("合计数额"));
    }

    #[test]
    fn units_in_headers_are_read() {
        assert_eq!(unit_in_header("完成值（万元）"), ("完成值", Some("万元")));
        assert_eq!(unit_in_header("面积(公顷)"), ("面积", Some("公顷")));
        assert_eq!(
            unit_in_header("照料中心覆盖率(城市)"),
            ("照料中心覆盖率(城市)", None)
        );
        assert_eq!(unit_in_header("（%）"), ("（%）", None));
    }

    #[test]
    fn indicators_head_columns_by_id_or_name() {
        let l = demo_lookup();
        assert_eq!(indicator_heading(&l, "1.2").as_deref(), Some("1.2"));
        assert_eq!(indicator_heading(&l, "１．３").as_deref(), Some("1.3"));
        assert_eq!(
            indicator_heading(&l, "1.2 照料中心覆盖率(城市)").as_deref(),
            Some("1.2")
        );
        assert_eq!(
            indicator_heading(&l, "照料中心覆盖率(农村)").as_deref(),
            Some("1.3")
        );
        assert_eq!(indicator_heading(&l, "2014"), None);
        assert_eq!(indicator_heading(&l, "完成值"), None);
    }

    #[test]
    fn a_title_row_above_a_csv_header_is_passed_over() {
        let rows = parse("2014年度民政工作考核报送表,,\n填报单位：柯城区民政局,,\ncounty,indicator,value\n柯城区,1.2,75%\n").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 4);
    }

    #[test]
    fn a_table_without_a_header_says_what_kaohe_reads() {
        let e = parse("柯城区,1.2,75%\n衢江区,1.2,70%\n").unwrap_err();
        assert!(
            e.starts_with("s.csv: no header row found: kaohe reads a row per county × indicator"),
            "{e}"
        );
    }

    /// Rows of a sheet (text cells, `#n` a number cell) read through the layout.
    fn sheet(rows: &[&[&str]]) -> Result<Checked, String> {
        let lookup = demo_lookup();
        let mut collect = Collect::default();
        let mut intake = Intake::new(&mut collect, lookup.item_positions());
        let places = Places::Sheet {
            path: "t.xlsx",
            sheet: "表",
            first_column: 0,
        };
        let mut layout = Layout::new(&lookup, places, true);
        for (n, row) in rows.iter().enumerate() {
            let cells = row
                .iter()
                .map(|t| match t.strip_prefix('#') {
                    Some(number) => Cell {
                        text: number.to_string(),
                        kind: CellKind::Number,
                    },
                    None => Cell::text(t),
                })
                .collect();
            layout
                .row(n as u64 + 1, cells, &mut intake)
                .map_err(|e| e.to_string())?;
        }
        let (kind, passed) = layout.finish("no rows").map_err(|e| e.to_string())?;
        let tally = intake.tally(kind, passed);
        Ok(collect.checked(tally))
    }

    #[test]
    fn a_number_heading_an_indicators_column_must_say_which() {
        let e = sheet(&[&["县(市、区)", "#1.1", "1.2"], &["柯城区", "是", "75%"]]).unwrap_err();
        assert_eq!(
            e,
            "t.xlsx: sheet 表, cell B1: the indicator heading the column is the number 1.1, which cannot tell 1.1 from 1.10; give it as text (format the header row as text)"
        );
        // 1.3 is no 1.30: a number is enough.
        let read = sheet(&[&["县(市、区)", "#1.3"], &["柯城区", "55%"]]).unwrap();
        assert_eq!(read.rows[0].indicator_id, "1.3");
    }

    #[test]
    fn a_county_given_twice_in_a_column_per_indicator_is_named_at_its_row() {
        let e = sheet(&[
            &["县(市、区)", "1.2", "1.3"],
            &["柯城区", "75%", "50%"],
            &["柯城区", "76%", ""],
        ])
        .unwrap_err();
        assert_eq!(
            e,
            "t.xlsx: sheet 表, cell A3: county 柯城区 indicator 1.2 is given twice (first on row 2)"
        );
    }

    #[test]
    fn an_unknown_heading_beside_counties_lists_the_counties() {
        let e = parse("指标编号,柯城区,柯城\n1.2,75%,70%\n").unwrap_err();
        assert!(
            e.ends_with("heading a column of its figures; the counties heading the other columns, the database knows 330802 柯城区, 330803 衢江区, 330825 龙游县, 330881 江山市, 330822 常山县, 330824 开化县"),
            "{e}"
        );
        let e = parse("县(市、区),1.2,低保\n柯城区,75%,70%\n").unwrap_err();
        assert!(
            e.contains("the indicators heading the other columns, the database knows 1.1–1."),
            "{e}"
        );
    }

    #[test]
    fn danwei_is_the_county_alone_and_the_unit_beside_one() {
        let rows = parse("单位,指标,完成值\n柯城区,1.2,75%\n").unwrap();
        assert_eq!(rows[0].county_code, "330802");
        let rows = parse("县(市、区),指标,完成值,单位\n柯城区,1.9,15,‰\n").unwrap();
        assert_eq!(rows[0].submission.value, "1.5%");
        assert_eq!(rows[0].submission.converted_from.as_deref(), Some("15‰"));
        // Where the counties head columns, 单位 is the unit too.
        let rows = parse("指标编号,单位,柯城区\n1.9,‰,15\n").unwrap();
        assert_eq!(rows[0].submission.value, "1.5%");
        // A dash says there is no unit: the figure is read as the indicator's.
        let rows = parse("指标编号,单位,柯城区\n1.2,—,75\n").unwrap();
        assert_eq!(rows[0].submission.value, "75");
        assert_eq!(rows[0].submission.value_number, Some(75.0));
    }

    #[test]
    fn a_figure_with_its_own_unit_is_converted_as_one_from_a_unit_column() {
        let rows =
            parse("县(市、区),指标,完成值\n柯城区,1.9,１５‰\n衢江区,3.6,0.05公顷\n").unwrap();
        assert_eq!(rows[0].submission.value, "1.5%");
        assert_eq!(rows[0].submission.value_number, Some(1.5));
        assert_eq!(rows[0].submission.converted_from.as_deref(), Some("１５‰"));
        assert_eq!(rows[1].submission.value, "500平方米");
        // A unit in the figure's header is every row's.
        let rows = parse("县(市、区),指标,完成值（万元）\n柯城区,2.11,0.0013\n").unwrap();
        assert_eq!(rows[0].submission.value, "13元");
        assert_eq!(
            rows[0].submission.converted_from.as_deref(),
            Some("0.0013万元")
        );
    }

    #[test]
    fn a_wide_row_gives_a_submission_for_each_county_with_something_in_its_cell() {
        let rows = parse("指标编号,柯城区,衢江区,龙游县\n1.2,75%,,70%\n一、社会救助,,,\n1.3,,,\n")
            .unwrap();
        let got: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|r| {
                (
                    r.county_code.as_str(),
                    r.indicator_id.as_str(),
                    r.submission.value.as_str(),
                )
            })
            .collect();
        assert_eq!(got, [("330802", "1.2", "75%"), ("330825", "1.2", "70%")]);
        // The rows the figures came from.
        assert!(rows.iter().all(|r| r.line == 2));
    }

    #[test]
    fn footers_may_run_over_several_rows_and_blank_ones() {
        let checked = read_csv(
            "县(市、区),指标,完成值\n柯城区,1.2,75%\n小计,,\n\n填报人：张三,审核人：李四,\n\n联系电话：123,,\n（本表一式两份）,,\n",
            "s.csv",
            &demo_lookup(),
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(checked.rows.len(), 1);
        assert_eq!(
            checked.passed_over,
            PassedOver {
                footer_rows: 3,
                total_rows: 1,
                total_columns: 0
            }
        );
    }

    #[test]
    fn a_sheet_of_one_countys_needs_no_county_column() {
        let lookup = demo_lookup();
        let places = Places::Sheet {
            path: "t.xlsx",
            sheet: "柯城区",
            first_column: 0,
        };
        let mut layout = Layout::new(&lookup, places, true);
        let mut collect = Collect::default();
        let mut intake = Intake::new(&mut collect, lookup.item_positions());
        layout.county_known(lookup.county("柯城区"));
        let rows: [&[&str]; 3] = [
            &["柯城区2014年度考核报送表"],
            &["指标编号", "完成值"],
            &["1.2", "75%"],
        ];
        for (n, row) in rows.iter().enumerate() {
            let cells = row.iter().map(|t| Cell::text(t)).collect();
            layout.row(n as u64 + 1, cells, &mut intake).unwrap();
        }
        layout.finish("no rows").unwrap();
        assert_eq!(collect.rows[0].county_code, "330802");
        assert_eq!(collect.rows[0].line, 3);
        // Without it, the county column is missing, and the message says how else to say it.
        let e = sheet(&[&["指标编号", "完成值"], &["1.2", "75%"]]).unwrap_err();
        assert!(
            e.starts_with("t.xlsx: sheet 表, row 1: missing column \"county\"")
                && e.ends_with("or, for a sheet of one county, name the county in the sheet's name or a title row above the header"),
            "{e}"
        );
    }

    /// Cells a county's table may hold anywhere: header words, counties, ids, units, figures,
    /// footers and totals, error values, anything.
    fn any_cell() -> impl proptest::strategy::Strategy<Value = Cell> {
        use proptest::prelude::*;
        let words = prop::sample::select(vec![
            "",
            "",
            "",
            "县(市、区)",
            "指标编号",
            "指标",
            "完成值",
            "完成情况",
            "分子",
            "分母",
            "自评",
            "结果",
            "得分",
            "单位",
            "计量单位",
            "佐证材料",
            "备注",
            "说明",
            "序号",
            "指标名称",
            "柯城区",
            "330803",
            "３３０８２５",
            "1.2",
            "１．３",
            "1.9（‰）",
            "照料中心覆盖率(城市)",
            "1.2 照料中心覆盖率(城市)",
            "合计",
            "全市",
            "填报人：张三",
            "联系电话",
            "注：",
            "‰",
            "%",
            "万元",
            "亩",
            "公顷",
            "75%",
            "15‰",
            "0.45亩",
            "是",
            "1e300",
            "-",
            "/",
            "as_written",
            "county",
            "indicator",
            "value",
        ]);
        prop_oneof![
            6 => words.prop_map(Cell::text),
            2 => any::<f64>().prop_map(|x| Cell {
                text: crate::model::format_number(x),
                kind: CellKind::Number,
            }),
            1 => "\\PC{0,6}".prop_map(|s| Cell::text(&s)),
            1 => Just(Cell {
                text: "#DIV/0!".into(),
                kind: CellKind::Error,
            }),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 400,
            rng_seed: proptest::test_runner::RngSeed::Fixed(16),
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Any table of cells, in a sheet (rows of any length) or a text (rows as long as the
        /// header), is read or refused with its place, never a panic; what is read is a known
        /// county × indicator.
        #[test]
        fn any_table_is_read_or_refused_with_a_place(
            rows in proptest::collection::vec(proptest::collection::vec(any_cell(), 0..7), 0..9),
            sheet in proptest::bool::ANY,
        ) {
            let lookup = demo_lookup();
            let places = if sheet {
                Places::Sheet { path: "t.xlsx", sheet: "表", first_column: 0 }
            } else {
                Places::Lines { path: "t.csv" }
            };
            let mut layout = Layout::new(&lookup, places, sheet);
            let mut collect = Collect::default();
            let mut intake = Intake::new(&mut collect, lookup.item_positions());
            let mut read = Ok(());
            for (n, cells) in rows.into_iter().enumerate() {
                read = layout.row(n as u64 + 1, cells, &mut intake);
                if read.is_err() {
                    break;
                }
            }
            let result = read.and_then(|()| layout.finish("no rows"));
            match result {
                Ok(_) => {
                    for row in &collect.rows {
                        proptest::prop_assert!(lookup.county(&row.county_code).is_some());
                        proptest::prop_assert!(lookup.indicator(&row.indicator_id).is_some());
                    }
                }
                Err(e) => {
                    let text = e.to_string();
                    let file = if sheet { "t.xlsx: sheet 表" } else { "t.csv" };
                    proptest::prop_assert!(text.starts_with(file), "{}", text);
                    proptest::prop_assert_eq!(text.lines().count(), 1);
                }
            }
        }
    }
}
