//! An .xlsb workbook (Excel's binary workbook, BIFF12): a zip like an .xlsx's whose parts are
//! records (a type and a length, each in 7-bit groups, then the data) in place of XML. The
//! workbook's records list its sheets (`BrtBundleSh`, hidden or not) and the active one
//! (`BrtBookView`); its shared strings (`BrtSSTItem`) and cell styles' number formats
//! (`BrtFmt`, `BrtXF`) are read as an .xlsx's are; a sheet's cell records each name their
//! style. Excel keeps every formula's value in its record, so none is uncomputed.

use super::numfmt::{NumberFormat, date_text};
use super::parts::Parts;
use super::{
    Book, BookKind, Budget, Flow, MERGE_COST, Merge, STRING_COST, SheetCell, SheetInfo, Value,
    Visibility, Visit, damaged, sheet_damaged,
};
use crate::error::FileError;
use std::collections::HashMap;
use std::io::{Read, Seek};

// The record types read.
const BRT_ROW_HDR: u32 = 0;
const BRT_CELL_BLANK: u32 = 1;
const BRT_CELL_RK: u32 = 2;
const BRT_CELL_ERROR: u32 = 3;
const BRT_CELL_BOOL: u32 = 4;
const BRT_CELL_REAL: u32 = 5;
const BRT_CELL_ST: u32 = 6;
const BRT_CELL_ISST: u32 = 7;
const BRT_FMLA_STRING: u32 = 8;
const BRT_FMLA_NUM: u32 = 9;
const BRT_FMLA_BOOL: u32 = 10;
const BRT_FMLA_ERROR: u32 = 11;
const BRT_SST_ITEM: u32 = 19;
const BRT_FMT: u32 = 44;
const BRT_XF: u32 = 47;
const BRT_BOOK_VIEW: u32 = 158;
const BRT_WS_DIM: u32 = 148;
const BRT_WB_PROP: u32 = 153;
const BRT_BUNDLE_SH: u32 = 156;
const BRT_MERGE_CELL: u32 = 176;
const BRT_BEGIN_CELL_XFS: u32 = 617;
const BRT_END_CELL_XFS: u32 = 618;

const WORKBOOK: &str = "xl/workbook.bin";

pub(super) struct Xlsb<R: Read + Seek> {
    parts: Parts<R>,
    path: String,
    sheets: Vec<SheetInfo>,
    sheet_parts: Vec<Option<String>>,
    active: Option<usize>,
    strings: Vec<String>,
    styles: Option<Vec<NumberFormat>>,
    in_1904: bool,
    budget: Budget,
}

impl<R: Read + Seek> Xlsb<R> {
    pub(super) fn open(reader: R, path: &str, mut budget: Budget) -> Result<Xlsb<R>, FileError> {
        let mut parts = Parts::open(reader, path)?;
        let rels = parts.relationships(WORKBOOK)?;
        let mut sheets = Vec::new();
        let mut sheet_parts = Vec::new();
        let mut active = None;
        let mut in_1904 = false;
        each_record(&mut parts, path, WORKBOOK, &mut |kind, data| {
            match kind {
                BRT_BUNDLE_SH => {
                    let mut at = Bytes::new(data);
                    let (Some(state), Some(_tab)) = (at.u32(), at.u32()) else {
                        return Ok(Flow::Go);
                    };
                    let id = at.nullable_wide();
                    let name = at.wide().unwrap_or_default();
                    budget.hold(name.len() as u64 + STRING_COST, "sheets")?;
                    let target = id.as_deref().and_then(|id| rels.get(id));
                    sheets.push(SheetInfo {
                        name,
                        visibility: match state {
                            0 => Visibility::Visible,
                            1 => Visibility::Hidden,
                            _ => Visibility::VeryHidden,
                        },
                        worksheet: target.is_some_and(|(kind, _)| kind == "worksheet"),
                    });
                    sheet_parts.push(target.map(|(_, part)| part.clone()));
                }
                BRT_BOOK_VIEW if active.is_none() => {
                    active = Bytes::new(data.get(24..).unwrap_or_default())
                        .u32()
                        .and_then(|a| usize::try_from(a).ok());
                }
                BRT_WB_PROP => {
                    in_1904 = Bytes::new(data).u32().is_some_and(|f| f & 0x01 != 0);
                }
                _ => {}
            }
            Ok(Flow::Go)
        })?;
        let active = active.filter(|&a| a < sheets.len());
        let strings = match rels.of_kind("sharedStrings").map(str::to_string) {
            Some(part) => {
                let mut strings = Vec::new();
                each_record(&mut parts, path, &part, &mut |kind, data| {
                    if kind == BRT_SST_ITEM {
                        // A flags byte, then the text.
                        let text = Bytes::new(data.get(1..).unwrap_or_default())
                            .wide()
                            .unwrap_or_default();
                        budget.hold(text.len() as u64 + STRING_COST, "shared strings")?;
                        strings.push(text);
                    }
                    Ok(Flow::Go)
                })?;
                strings
            }
            None => Vec::new(),
        };
        let styles = match rels.of_kind("styles").map(str::to_string) {
            Some(part) => {
                let mut codes: HashMap<u16, NumberFormat> = HashMap::new();
                let mut ids: Vec<u16> = Vec::new();
                let mut in_cell_xfs = false;
                each_record(&mut parts, path, &part, &mut |kind, data| {
                    match kind {
                        BRT_FMT => {
                            let mut at = Bytes::new(data);
                            if let (Some(id), Some(code)) = (at.u16(), at.wide()) {
                                budget.hold(code.len() as u64 + STRING_COST, "styles")?;
                                codes.insert(id, NumberFormat::of_code(&code));
                            }
                        }
                        BRT_BEGIN_CELL_XFS => in_cell_xfs = true,
                        BRT_END_CELL_XFS => in_cell_xfs = false,
                        BRT_XF if in_cell_xfs => {
                            budget.hold(16, "styles")?;
                            let mut at = Bytes::new(data);
                            at.u16();
                            ids.push(at.u16().unwrap_or(0));
                        }
                        _ => {}
                    }
                    Ok(Flow::Go)
                })?;
                Some(
                    ids.into_iter()
                        .map(|id| {
                            codes
                                .get(&id)
                                .cloned()
                                .unwrap_or_else(|| NumberFormat::builtin(u32::from(id)))
                        })
                        .collect(),
                )
            }
            None => None,
        };
        Ok(Xlsb {
            parts,
            path: path.to_string(),
            sheets,
            sheet_parts,
            active,
            strings,
            styles,
            in_1904,
            budget,
        })
    }

    /// Sheet `sheet`'s part and name, if it is a sheet of cells.
    fn sheet_part(&self, sheet: usize) -> Result<Option<(String, String)>, FileError> {
        let Some(info) = self.sheets.get(sheet).filter(|s| s.worksheet) else {
            return Ok(None);
        };
        match self.sheet_parts.get(sheet).cloned().flatten() {
            Some(part) if self.parts.has(&part) => Ok(Some((part, info.name.clone()))),
            _ => Err(sheet_damaged(
                &self.path,
                &info.name,
                &"the workbook lists it, but holds no part for it",
            )),
        }
    }
}

impl<R: Read + Seek> Book for Xlsb<R> {
    fn kind(&self) -> BookKind {
        BookKind::Xlsb
    }

    fn sheets(&self) -> &[SheetInfo] {
        &self.sheets
    }

    fn active(&self) -> Option<usize> {
        self.active
    }

    fn merges(&mut self, sheet: usize) -> Result<Vec<Merge>, FileError> {
        let Some((part, _)) = self.sheet_part(sheet)? else {
            return Ok(Vec::new());
        };
        let mut budget = self.budget.clone();
        let mut merges = Vec::new();
        each_record(&mut self.parts, &self.path, &part, &mut |kind, data| {
            if kind == BRT_MERGE_CELL {
                let mut at = Bytes::new(data);
                if let (Some(r1), Some(r2), Some(c1), Some(c2)) =
                    (at.u32(), at.u32(), at.u32(), at.u32())
                {
                    budget.hold(MERGE_COST, "merged regions")?;
                    merges.push(Merge {
                        first: (r1.min(r2), c1.min(c2)),
                        last: (r1.max(r2), c1.max(c2)),
                    });
                }
            }
            Ok(Flow::Go)
        })?;
        Ok(merges)
    }

    fn cells(&mut self, sheet: usize, visit: &mut dyn Visit) -> Result<(), FileError> {
        let Some((part, name)) = self.sheet_part(sheet)? else {
            return Ok(());
        };
        let Xlsb {
            parts,
            path,
            strings,
            styles,
            in_1904,
            ..
        } = self;
        let (styles, strings, in_1904) = (styles.as_deref(), &*strings, *in_1904);
        let number = |x: f64, style: u32| -> Value {
            let format = match styles {
                None => NumberFormat::Unknown,
                Some(styles) => usize::try_from(style)
                    .ok()
                    .and_then(|s| styles.get(s))
                    .cloned()
                    .unwrap_or(NumberFormat::Unknown),
            };
            match format {
                NumberFormat::Date => match date_text(x, in_1904) {
                    Some(date) => Value::Date(date),
                    None => Value::Number(x, NumberFormat::Plain(None)),
                },
                format => Value::Number(x, format),
            }
        };
        let mut row = 0u32;
        let result = each_record(parts, path, &part, &mut |kind, data| {
            let mut at = Bytes::new(data);
            if kind == BRT_ROW_HDR {
                row = at.u32().unwrap_or(row);
                return Ok(Flow::Go);
            }
            if kind == BRT_WS_DIM {
                if let (Some(first), Some(last)) = (at.u32(), at.u32()) {
                    visit.rows(u64::from(last.saturating_sub(first)) + 1);
                }
                return Ok(Flow::Go);
            }
            if !(BRT_CELL_BLANK..=BRT_FMLA_ERROR).contains(&kind) || kind == BRT_CELL_BLANK {
                return Ok(Flow::Go);
            }
            let (Some(column), Some(style)) = (at.u32(), at.u32()) else {
                return Ok(Flow::Go);
            };
            let style = style & 0x00FF_FFFF;
            let value = match kind {
                BRT_CELL_RK => at.u32().map(|rk| number(rk_number(rk), style)),
                BRT_CELL_REAL | BRT_FMLA_NUM => {
                    at.f64().filter(|x| x.is_finite()).map(|x| number(x, style))
                }
                BRT_CELL_BOOL | BRT_FMLA_BOOL => at.u8().map(|b| Value::Bool(b != 0)),
                BRT_CELL_ERROR | BRT_FMLA_ERROR => {
                    at.u8().map(|e| Value::Error(error_text(e).to_string()))
                }
                BRT_CELL_ST | BRT_FMLA_STRING => at.wide().map(Value::Text),
                BRT_CELL_ISST => at.u32().map(|i| {
                    Value::Text(
                        usize::try_from(i)
                            .ok()
                            .and_then(|i| strings.get(i))
                            .cloned()
                            .unwrap_or_default(),
                    )
                }),
                _ => None,
            };
            match value {
                Some(value) if value != Value::Empty => {
                    visit.cell(SheetCell { row, column, value })
                }
                _ => Ok(Flow::Go),
            }
        });
        result.map_err(|e| super::in_sheet(e, path, &name))
    }
}

/// What each record of a part is handed to: its type and its data.
type EachRecord<'f> = dyn FnMut(u32, &[u8]) -> Result<Flow, FileError> + 'f;

/// Hands each record of part `part` to `each`, with its type, until `each` says to stop.
fn each_record<R: Read + Seek>(
    parts: &mut Parts<R>,
    path: &str,
    part: &str,
    each: &mut EachRecord<'_>,
) -> Result<(), FileError> {
    let Some(mut input) = parts.part(part)? else {
        return Ok(());
    };
    let mut data = Vec::new();
    loop {
        let Some(kind) = varint(&mut input, 2).map_err(|e| cut(path, part, &e))? else {
            return Ok(());
        };
        let len = varint(&mut input, 4)
            .map_err(|e| cut(path, part, &e))?
            .ok_or_else(|| cut(path, part, &"a record is cut off"))?;
        data.clear();
        (&mut input)
            .take(u64::from(len))
            .read_to_end(&mut data)
            .map_err(|e| cut(path, part, &e))?;
        if data.len() as u64 != u64::from(len) {
            return Err(cut(path, part, &"a record is cut off"));
        }
        if each(kind, &data)? == Flow::Stop {
            return Ok(());
        }
    }
}

fn cut(path: &str, part: &str, why: &dyn std::fmt::Display) -> FileError {
    damaged(path, &format!("its part {part} cannot be read ({why})"))
}

/// A number written 7 bits a byte, low first, the top bit saying another byte follows (at
/// most `bytes` of them); `None` at the end of the part.
fn varint(input: &mut impl Read, bytes: u32) -> std::io::Result<Option<u32>> {
    let mut value = 0u32;
    for i in 0..bytes {
        let mut b = [0u8; 1];
        if input.read(&mut b)? == 0 {
            if i == 0 {
                return Ok(None);
            }
            return Err(std::io::Error::other("a record is cut off"));
        }
        value |= u32::from(b[0] & 0x7F) << (7 * i);
        if b[0] & 0x80 == 0 {
            return Ok(Some(value));
        }
    }
    Ok(Some(value))
}

/// An RK number: a float's top 30 bits or a 30-bit integer, perhaps ×100.
fn rk_number(rk: u32) -> f64 {
    let x = if rk & 0x02 != 0 {
        f64::from((rk as i32) >> 2)
    } else {
        f64::from_bits(u64::from(rk & 0xFFFF_FFFC) << 32)
    };
    if rk & 0x01 != 0 { x / 100.0 } else { x }
}

/// An error value's code as Excel shows it.
fn error_text(code: u8) -> &'static str {
    match code {
        0x00 => "#NULL!",
        0x07 => "#DIV/0!",
        0x0F => "#VALUE!",
        0x17 => "#REF!",
        0x1D => "#NAME?",
        0x24 => "#NUM!",
        0x2A => "#N/A",
        _ => "#ERROR!",
    }
}

/// A record's data, read from the front.
struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.data.split_at_checked(n)?;
        self.data = rest;
        Some(taken)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn f64(&mut self) -> Option<f64> {
        let b = self.take(8)?;
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(b);
        Some(f64::from_le_bytes(bytes))
    }

    /// A text: its length in UTF-16 units (four bytes), then the units.
    fn wide(&mut self) -> Option<String> {
        let n = usize::try_from(self.u32()?).ok()?;
        let bytes = self.take(n.checked_mul(2)?)?;
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    }

    /// A text that may be none (its length 0xFFFFFFFF).
    fn nullable_wide(&mut self) -> Option<String> {
        if self.data.get(..4) == Some(&[0xFF, 0xFF, 0xFF, 0xFF]) {
            self.take(4);
            return None;
        }
        self.wide()
    }
}
