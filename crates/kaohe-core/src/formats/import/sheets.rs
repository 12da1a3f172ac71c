//! Which sheets of a workbook hold the county's submissions. `--sheet NAME` says (a hidden
//! sheet too, if named). Otherwise only the sheets shown are looked at, never a hidden one
//! (last year's, kept out of sight): one shown sheet is read; of several, those whose rows
//! hold a submissions table are found, and one such is read, or, when each is one county's
//! (by its name, a title row, or a county column naming it alone), all of them. Several
//! tables that are not a county's each are refused, naming them, for `--sheet` to choose.

use super::checker::{Cell, Places};
use super::layout::{LayoutKind, header_layout};
use super::workbook::{Named, RowSink, Rows, TITLE_ROWS, TextBudget, county_in_title};
use crate::error::{FileError, Location};
use crate::formats::columns::{self, Column};
use crate::lookup::Lookup;
use crate::model::County;
use crate::source::book::{Book, Flow, SheetInfo, Visibility};
use crate::source::limits::Limit;

/// A sheet to read, and the county it is for by its name, if it names one.
#[derive(Debug, Clone, Copy)]
pub(super) struct Chosen<'a> {
    pub(super) index: usize,
    pub(super) county: Option<&'a County>,
}

/// The sheets to read, in the order of their tabs.
pub(super) fn choose<'a>(
    book: &mut dyn Book,
    path: &str,
    wanted: Option<&str>,
    lookup: &'a Lookup,
    limit: &Limit,
) -> Result<Vec<Chosen<'a>>, FileError> {
    let sheets: Vec<SheetInfo> = book.sheets().to_vec();
    let chosen = |index: usize| Chosen {
        index,
        county: lookup.county_named_in(&sheets[index].name),
    };
    if let Some(wanted) = wanted {
        let index = sheets
            .iter()
            .position(|s| s.name == wanted)
            .or_else(|| sheets.iter().position(|s| s.name.trim() == wanted.trim()))
            .ok_or_else(|| {
                FileError::new(
                    Location::file(path),
                    format!(
                        "no sheet \"{wanted}\"; the workbook's sheets are: {}",
                        listed(&sheets, 0..sheets.len())
                    ),
                )
            })?;
        if !sheets[index].worksheet {
            return Err(FileError::new(
                Location::sheet(path, &sheets[index].name),
                "the sheet is a chart or a macro sheet, not a table of cells; name another with --sheet",
            ));
        }
        return Ok(vec![chosen(index)]);
    }
    let shown: Vec<usize> = (0..sheets.len())
        .filter(|&i| sheets[i].visible() && sheets[i].worksheet)
        .collect();
    match shown.as_slice() {
        [] if sheets.iter().any(|s| s.worksheet) => {
            let hidden = (0..sheets.len()).filter(|&i| sheets[i].worksheet);
            return Err(FileError::new(
                Location::file(path),
                format!(
                    "the workbook shows no sheet: its sheets are hidden ({}); read one with --sheet NAME",
                    listed(&sheets, hidden)
                ),
            ));
        }
        [] => {
            return Err(FileError::new(
                Location::file(path),
                "the workbook has no sheets",
            ));
        }
        &[only] => return Ok(vec![chosen(only)]),
        _ => {}
    }
    // The sheet shown when the workbook was saved, if it is one shown; else the first shown.
    let default = book
        .active()
        .filter(|a| shown.contains(a))
        .or(shown.first().copied())
        .unwrap_or_default();
    let mut tables: Vec<(usize, Option<String>)> = Vec::new();
    for &index in &shown {
        let survey = survey(book, index, path, lookup, limit)?;
        if survey.header {
            tables.push((index, survey.county()));
        }
    }
    match tables.as_slice() {
        // None looks like a table: the default sheet is read, and says what it lacks.
        [] => return Ok(vec![chosen(default)]),
        &[(only, _)] => return Ok(vec![chosen(only)]),
        _ => {}
    }
    // Several tables: read whole if each is one county's, and no two the same county's.
    let mut why = None;
    for (i, (index, county)) in tables.iter().enumerate() {
        let name = &sheets[*index].name;
        match county {
            None => {
                why = Some(format!("sheet {name} is not one county's"));
                break;
            }
            Some(code) => {
                if let Some((other, _)) = tables[..i].iter().find(|(_, c)| c.as_ref() == Some(code))
                {
                    let county = lookup.county(code).map_or(code.as_str(), |c| &c.name);
                    why = Some(format!(
                        "sheets {} and {name} are both {county}'s",
                        sheets[*other].name
                    ));
                    break;
                }
            }
        }
    }
    let Some(why) = why else {
        return Ok(tables.iter().map(|&(index, _)| chosen(index)).collect());
    };
    let suggested = tables
        .iter()
        .map(|&(i, _)| i)
        .find(|&i| i == default)
        .or(tables.first().map(|&(i, _)| i))
        .unwrap_or_default();
    Err(FileError::new(
        Location::file(path),
        format!(
            "the workbook shows {} sheets of submissions ({}) and they are not a sheet per county ({why}); read one at a time with --sheet NAME, such as --sheet {}",
            tables.len(),
            listed(&sheets, tables.iter().map(|&(i, _)| i)),
            sheets[suggested].name
        ),
    ))
}

/// Sheets' names, the hidden ones said to be.
fn listed(sheets: &[SheetInfo], which: impl Iterator<Item = usize>) -> String {
    which
        .map(|i| match sheets[i].visibility {
            Visibility::Visible => sheets[i].name.clone(),
            Visibility::Hidden | Visibility::VeryHidden => format!("{} (hidden)", sheets[i].name),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a look through a sheet found: whether it holds a submissions table, and whose.
struct Survey<'a> {
    lookup: &'a Lookup,
    name_county: Option<&'a County>,
    title_county: Option<&'a County>,
    header: bool,
    /// The counties head the table's columns: it is no one county's.
    per_county: bool,
    /// The rows with something in them looked at above the header.
    above: usize,
    county_column: Option<usize>,
    /// The counties the county column names, by code (two are enough to know the sheet is not
    /// one county's; a name kaohe does not know counts as one more).
    named: Vec<String>,
}

impl Survey<'_> {
    /// The county (its code) the sheet is for, if it is one county's.
    fn county(&self) -> Option<String> {
        if !self.header || self.per_county {
            return None;
        }
        if self.county_column.is_some() {
            return match self.named.as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            };
        }
        self.name_county
            .or(self.title_county)
            .map(|c| c.code.clone())
    }
}

impl RowSink for Survey<'_> {
    fn row(
        &mut self,
        _n: u64,
        cells: Vec<Cell>,
        _text: &mut TextBudget,
    ) -> Result<Flow, FileError> {
        if !self.header {
            if cells.iter().all(|c| c.text.is_empty()) {
                return Ok(Flow::Go);
            }
            self.above += 1;
            let named = Named::of(&cells);
            let known = self.name_county.or(self.title_county).is_some();
            // Any layout kaohe reads: long, or a column per county or per indicator.
            if let Some(layout) = header_layout(self.lookup, &cells, known) {
                self.header = true;
                self.per_county = layout == LayoutKind::ColumnPerCounty;
                if !named.county || self.per_county {
                    return Ok(Flow::Stop);
                }
                // A code column is the key where it stands beside the name's.
                self.county_column = cells
                    .iter()
                    .position(|c| columns::is_county_code(&c.text))
                    .or_else(|| {
                        cells.iter().position(|c| {
                            columns::by_name(&c.text).map(|(c, _)| c) == Some(Column::County)
                        })
                    });
            } else if self.title_county.is_none() && self.above <= TITLE_ROWS && !named.indicator {
                self.title_county = county_in_title(self.lookup, &cells);
            }
            return Ok(Flow::Go);
        }
        let Some(key) = self
            .county_column
            .and_then(|at| cells.get(at))
            .map(|c| c.text.as_str())
            .filter(|t| !t.is_empty())
        else {
            return Ok(Flow::Go);
        };
        let code = self
            .lookup
            .county(key)
            .map_or_else(|| key.to_string(), |c| c.code.clone());
        if !self.named.contains(&code) {
            self.named.push(code);
        }
        Ok(if self.named.len() > 1 {
            Flow::Stop
        } else {
            Flow::Go
        })
    }
}

/// Looks through sheet `index` for a submissions table and the county it is for.
fn survey<'a>(
    book: &mut dyn Book,
    index: usize,
    path: &str,
    lookup: &'a Lookup,
    limit: &Limit,
) -> Result<Survey<'a>, FileError> {
    let name = book.sheets()[index].name.clone();
    let mut survey = Survey {
        lookup,
        name_county: lookup.county_named_in(&name),
        title_county: None,
        header: false,
        per_county: false,
        above: 0,
        county_column: None,
        named: Vec::new(),
    };
    let places = Places::Sheet {
        path,
        sheet: &name,
        first_column: 0,
    };
    // Its own count of the text read: the sheet chosen is read again, and counted then.
    let mut text = TextBudget::new(limit);
    let mut rows = Rows::new(&mut survey, places, &mut text);
    book.cells(index, &mut rows)?;
    rows.finish()?;
    Ok(survey)
}
