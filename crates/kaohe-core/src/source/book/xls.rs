//! An .xls workbook (Excel 97–2003, BIFF8, as Excel, WPS, LibreOffice and xlwt write it): the
//! `Workbook` stream of its compound file read record by record. The workbook's records list
//! its sheets (hidden or not, `BOUNDSHEET8`), the active one (`WINDOW1`), its shared strings
//! (`SST`, continued across `CONTINUE` records), its number formats (`FORMAT`) and cell
//! styles (`XF`); a sheet's records, found where the workbook says, hold its cells, each with
//! its style, and its merged regions. A formula whose result was never computed (xlwt writes
//! an empty text with "calculate always") is told as uncomputed. A file is never more than
//! its size in memory: the strings it holds, counted against the limit.

use super::numfmt::{NumberFormat, date_text};
use super::{
    Book, BookKind, Budget, Flow, MERGE_COST, Merge, STRING_COST, SheetCell, SheetInfo, Value,
    Visibility, Visit, damaged, sheet_damaged,
};
use crate::error::FileError;
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};

// The record types read.
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;
const FILEPASS: u16 = 0x002F;
const DATEMODE: u16 = 0x0022;
const WINDOW1: u16 = 0x003D;
const BOUNDSHEET: u16 = 0x0085;
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const SST: u16 = 0x00FC;
const DIMENSIONS: u16 = 0x0200;
const NUMBER: u16 = 0x0203;
const RK: u16 = 0x027E;
const MULRK: u16 = 0x00BD;
const LABELSST: u16 = 0x00FD;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;
const BOOLERR: u16 = 0x0205;
const FORMULA: u16 = 0x0006;
const STRING: u16 = 0x0207;
/// What may stand between a formula and its text: a shared or array formula's own record.
const SHRFMLA: u16 = 0x04BC;
const ARRAY: u16 = 0x0221;
const TABLE: u16 = 0x0236;
const MERGECELLS: u16 = 0x00E5;
/// The calculation engine that last computed the workbook's formulas: Excel and LibreOffice
/// write one; xlwt, which computes nothing, does not.
const RECALCID: u16 = 0x01C1;

/// BIFF8's version in a `BOF`; BIFF5 (Excel 5.0/95) says 0x0500.
const BIFF8: u16 = 0x0600;

pub(super) struct Xls<R: Read + Seek> {
    file: cfb::CompoundFile<R>,
    stream: String,
    path: String,
    sheets: Vec<SheetInfo>,
    /// Where each sheet's records begin in the stream.
    offsets: Vec<u64>,
    active: Option<usize>,
    strings: Vec<String>,
    /// Each cell style's number format.
    styles: Vec<NumberFormat>,
    in_1904: bool,
    /// Whether a spreadsheet computed the formulas (the workbook names its engine).
    computed: bool,
    budget: Budget,
}

impl<R: Read + Seek> Xls<R> {
    pub(super) fn open(reader: R, path: &str, mut budget: Budget) -> Result<Xls<R>, FileError> {
        let mut file = cfb::CompoundFile::open(reader)
            .map_err(|e| damaged(path, &format!("its compound file is damaged ({e})")))?;
        if file.is_stream("EncryptedPackage") {
            return Err(damaged(
                path,
                &"the workbook is protected by a password; open it, remove the password (文件 → 信息 → 保护工作簿) and save it again",
            ));
        }
        let stream = if file.is_stream("Workbook") {
            "Workbook"
        } else if file.is_stream("Book") {
            return Err(damaged(
                path,
                &"it is an Excel 5.0/95 workbook, which kaohe does not read; save it as .xlsx (or Excel 97-2003 .xls) and import that",
            ));
        } else {
            return Err(damaged(
                path,
                &"the compound file holds no workbook (it may be a Word or other Office file)",
            ));
        };
        let mut records = Records::new(
            file.open_stream(stream)
                .map_err(|e| damaged(path, &format!("cannot open its workbook stream ({e})")))?,
        );
        let globals = read_globals(&mut records, path, &mut budget)?;
        let active = globals.active.filter(|&a| a < globals.sheets.len());
        Ok(Xls {
            file,
            stream: stream.to_string(),
            path: path.to_string(),
            sheets: globals.sheets,
            offsets: globals.offsets,
            active,
            strings: globals.strings,
            styles: globals.styles,
            in_1904: globals.in_1904,
            computed: globals.computed,
            budget,
        })
    }

    /// Where sheet `sheet`'s records begin, if it is a sheet of cells.
    fn sheet_at(&self, sheet: usize) -> Option<(String, u64)> {
        let info = self.sheets.get(sheet).filter(|s| s.worksheet)?;
        Some((info.name.clone(), *self.offsets.get(sheet)?))
    }
}

/// What a walk through a sheet's records hands each record to: its type, its data, and the
/// records after it (a formula's text follows it in a record of its own).
type EachRecord<'f, R> =
    dyn FnMut(u16, &[u8], &mut Records<cfb::Stream<R>>) -> Result<Flow, FileError> + 'f;

/// Walks a sheet's own records (not those of a chart within it), from `offset` in `stream`,
/// handing each to `each` with its type; the walk stops where `each` says.
fn walk<R: Read + Seek>(
    file: &mut cfb::CompoundFile<R>,
    stream: &str,
    offset: u64,
    path: &str,
    sheet: &str,
    each: &mut EachRecord<'_, R>,
) -> Result<(), FileError> {
    let bad = |e: &dyn std::fmt::Display| sheet_damaged(path, sheet, e);
    let stream = file
        .open_stream(stream)
        .map_err(|e| bad(&format!("cannot open its workbook stream ({e})")))?;
    let mut records = Records::new(stream);
    records.seek(offset).map_err(|e| bad(&e))?;
    let mut depth = 0usize;
    let mut data = Vec::new();
    while let Some(kind) = records.next(&mut data).map_err(|e| bad(&e))? {
        match kind {
            BOF => depth += 1,
            EOF => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Ok(());
                }
            }
            _ if depth == 1 && each(kind, &data, &mut records)? == Flow::Stop => return Ok(()),
            _ => {}
        }
        if depth == 0 {
            return Err(bad(&"its records do not begin where the workbook says"));
        }
    }
    Ok(())
}

/// What a sheet's strings and styles make of its cells.
struct Context<'a> {
    strings: &'a [String],
    styles: &'a [NumberFormat],
    in_1904: bool,
    computed: bool,
}

impl Context<'_> {
    /// A number cell's value, by its style's number format.
    fn number(&self, x: f64, style: u16) -> Value {
        let format = self
            .styles
            .get(usize::from(style))
            .cloned()
            .unwrap_or(NumberFormat::Unknown);
        match format {
            NumberFormat::Date => match date_text(x, self.in_1904) {
                Some(date) => Value::Date(date),
                None => Value::Number(x, NumberFormat::Plain(None)),
            },
            format => Value::Number(x, format),
        }
    }

    /// The cells a record holds: (row, column, value); none for a record of no cell.
    fn cells<S: Read + Seek>(
        &self,
        kind: u16,
        data: &[u8],
        records: &mut Records<S>,
        out: &mut Vec<(u16, u16, Value)>,
    ) -> std::io::Result<()> {
        let (Some(row), Some(column), Some(style)) =
            (u16_at(data, 0), u16_at(data, 2), u16_at(data, 4))
        else {
            return Ok(());
        };
        match kind {
            NUMBER => {
                if let Some(x) = f64_at(data, 6).filter(|x| x.is_finite()) {
                    out.push((row, column, self.number(x, style)));
                }
            }
            RK => {
                if let Some(rk) = u32_at(data, 6) {
                    out.push((row, column, self.number(rk_number(rk), style)));
                }
            }
            MULRK => {
                // rw, colFirst, then (ixfe, rk) for each column, then colLast.
                let runs = data.len().saturating_sub(6) / 6;
                for i in 0..runs {
                    let at = 4 + 6 * i;
                    if let (Some(style), Some(rk)) = (u16_at(data, at), u32_at(data, at + 2)) {
                        let c = column.saturating_add(u16::try_from(i).unwrap_or(u16::MAX));
                        out.push((row, c, self.number(rk_number(rk), style)));
                    }
                }
            }
            LABELSST => {
                if let Some(index) = u32_at(data, 6) {
                    let text = usize::try_from(index)
                        .ok()
                        .and_then(|i| self.strings.get(i))
                        .cloned()
                        .unwrap_or_default();
                    out.push((row, column, Value::Text(text)));
                }
            }
            LABEL | RSTRING => {
                let text = Segments::one(data.get(6..).unwrap_or_default()).string16();
                out.push((row, column, Value::Text(text.unwrap_or_default())));
            }
            BOOLERR => {
                let (Some(&value), Some(&error)) = (data.get(6), data.get(7)) else {
                    return Ok(());
                };
                let value = if error == 0 {
                    Value::Bool(value != 0)
                } else {
                    Value::Error(error_text(value).to_string())
                };
                out.push((row, column, value));
            }
            FORMULA => {
                let value = self.formula(data, style, records)?;
                out.push((row, column, value));
            }
            _ => {}
        }
        Ok(())
    }

    /// A formula's value as its record keeps it: a number, or a text in the `STRING` record
    /// after it, a boolean, an error, an empty text. An empty text in a workbook no
    /// spreadsheet computed is what xlwt writes for every formula: no value at all.
    fn formula<S: Read + Seek>(
        &self,
        data: &[u8],
        style: u16,
        records: &mut Records<S>,
    ) -> std::io::Result<Value> {
        let Some(result) = data.get(6..14) else {
            return Ok(Value::Empty);
        };
        if result[6..8] != [0xFF, 0xFF] {
            return Ok(match f64_at(data, 6).filter(|x| x.is_finite()) {
                Some(x) => self.number(x, style),
                None => Value::Error("#NUM!".into()),
            });
        }
        Ok(match result[0] {
            0 => {
                // The text follows in a STRING record, after a shared or array formula's.
                let mut text = Vec::new();
                while matches!(records.peek_next(&mut text)?, Some(SHRFMLA | ARRAY | TABLE)) {
                    records.next(&mut text)?;
                }
                match records.peek_next(&mut text)? {
                    Some(STRING) => {
                        records.next(&mut text)?;
                        Value::Text(Segments::one(&text).string16().unwrap_or_default())
                    }
                    _ => Value::Text(String::new()),
                }
            }
            1 => Value::Bool(result[2] != 0),
            2 => Value::Error(error_text(result[2]).to_string()),
            3 if !self.computed => Value::Uncomputed(String::new()),
            _ => Value::Empty,
        })
    }
}

impl<R: Read + Seek> Book for Xls<R> {
    fn kind(&self) -> BookKind {
        BookKind::Xls
    }

    fn sheets(&self) -> &[SheetInfo] {
        &self.sheets
    }

    fn active(&self) -> Option<usize> {
        self.active
    }

    fn merges(&mut self, sheet: usize) -> Result<Vec<Merge>, FileError> {
        let Some((name, offset)) = self.sheet_at(sheet) else {
            return Ok(Vec::new());
        };
        let mut budget = self.budget.clone();
        let mut merges = Vec::new();
        walk(
            &mut self.file,
            &self.stream,
            offset,
            &self.path,
            &name,
            &mut |kind, data, _| {
                if kind == MERGECELLS {
                    let n = usize::from(u16_at(data, 0).unwrap_or(0));
                    for i in 0..n {
                        let at = 2 + 8 * i;
                        let (Some(r1), Some(r2), Some(c1), Some(c2)) = (
                            u16_at(data, at),
                            u16_at(data, at + 2),
                            u16_at(data, at + 4),
                            u16_at(data, at + 6),
                        ) else {
                            break;
                        };
                        budget.hold(MERGE_COST, "merged regions")?;
                        merges.push(Merge {
                            first: (u32::from(r1.min(r2)), u32::from(c1.min(c2))),
                            last: (u32::from(r1.max(r2)), u32::from(c1.max(c2))),
                        });
                    }
                }
                Ok(Flow::Go)
            },
        )?;
        Ok(merges)
    }

    fn cells(&mut self, sheet: usize, visit: &mut dyn Visit) -> Result<(), FileError> {
        let Some((name, offset)) = self.sheet_at(sheet) else {
            return Ok(());
        };
        let Xls {
            file,
            stream,
            path,
            strings,
            styles,
            in_1904,
            computed,
            ..
        } = self;
        let context = Context {
            strings,
            styles,
            in_1904: *in_1904,
            computed: *computed,
        };
        let mut found = Vec::new();
        walk(
            file,
            stream,
            offset,
            path,
            &name,
            &mut |kind, data, records| {
                if kind == DIMENSIONS {
                    if let (Some(first), Some(last)) = (u32_at(data, 0), u32_at(data, 4)) {
                        visit.rows(u64::from(last.saturating_sub(first)));
                    }
                    return Ok(Flow::Go);
                }
                context
                    .cells(kind, data, records, &mut found)
                    .map_err(|e| sheet_damaged(path, &name, &e))?;
                for (row, column, value) in found.drain(..) {
                    if value == Value::Empty {
                        continue;
                    }
                    let cell = SheetCell {
                        row: u32::from(row),
                        column: u32::from(column),
                        value,
                    };
                    if visit.cell(cell)? == Flow::Stop {
                        return Ok(Flow::Stop);
                    }
                }
                Ok(Flow::Go)
            },
        )
    }
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

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    let b = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn f64_at(data: &[u8], at: usize) -> Option<f64> {
    let b = data.get(at..at.checked_add(8)?)?;
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(b);
    Some(f64::from_le_bytes(bytes))
}

/// A stream's records, read one at a time: a type, a length, that many bytes.
struct Records<S: Read + Seek> {
    stream: S,
    /// A record read ahead by [`Records::peek_next`]: its type and data.
    ahead: Option<(u16, Vec<u8>)>,
}

impl<S: Read + Seek> Records<S> {
    fn new(stream: S) -> Self {
        Records {
            stream,
            ahead: None,
        }
    }

    fn seek(&mut self, offset: u64) -> std::io::Result<()> {
        self.ahead = None;
        self.stream.seek(SeekFrom::Start(offset)).map(|_| ())
    }

    /// The next record's type, its data in `data`; `None` at the stream's end.
    fn next(&mut self, data: &mut Vec<u8>) -> std::io::Result<Option<u16>> {
        if let Some((kind, ahead)) = self.ahead.take() {
            *data = ahead;
            return Ok(Some(kind));
        }
        let mut head = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            match self.stream.read(&mut head[got..])? {
                0 if got == 0 => return Ok(None),
                0 => return Err(std::io::Error::other("a record is cut off")),
                n => got += n,
            }
        }
        let kind = u16::from_le_bytes([head[0], head[1]]);
        let len = u16::from_le_bytes([head[2], head[3]]);
        data.clear();
        data.resize(usize::from(len), 0);
        self.stream
            .read_exact(data)
            .map_err(|_| std::io::Error::other("a record is cut off"))?;
        Ok(Some(kind))
    }

    /// The next record's type, read ahead and kept for [`Records::next`].
    fn peek_next(&mut self, data: &mut Vec<u8>) -> std::io::Result<Option<u16>> {
        if self.ahead.is_none() {
            if let Some(kind) = self.next(data)? {
                self.ahead = Some((kind, std::mem::take(data)));
            }
        }
        Ok(self.ahead.as_ref().map(|(kind, _)| *kind))
    }
}

/// What the workbook's own records say.
#[derive(Default)]
struct Globals {
    sheets: Vec<SheetInfo>,
    offsets: Vec<u64>,
    active: Option<usize>,
    strings: Vec<String>,
    styles: Vec<NumberFormat>,
    in_1904: bool,
    computed: bool,
}

fn read_globals<S: Read + Seek>(
    records: &mut Records<S>,
    path: &str,
    budget: &mut Budget,
) -> Result<Globals, FileError> {
    let bad = |e: &dyn std::fmt::Display| damaged(path, e);
    let mut globals = Globals::default();
    let mut codes: HashMap<u16, NumberFormat> = HashMap::new();
    let mut style_ids: Vec<u16> = Vec::new();
    let mut data = Vec::new();
    let mut first = true;
    while let Some(kind) = records.next(&mut data).map_err(|e| bad(&e))? {
        if first {
            first = false;
            if kind != BOF {
                return Err(bad(&"its workbook stream does not begin as one"));
            }
            match u16_at(&data, 0) {
                Some(BIFF8) => continue,
                Some(0x0500) => {
                    return Err(bad(
                        &"it is an Excel 5.0/95 workbook, which kaohe does not read; save it as .xlsx and import that",
                    ));
                }
                _ => {
                    return Err(bad(
                        &"its version of the Excel format is not Excel 97-2003's",
                    ));
                }
            }
        }
        match kind {
            EOF => break,
            FILEPASS => {
                return Err(bad(
                    &"the workbook is protected by a password; open it, remove the password and save it again",
                ));
            }
            DATEMODE => globals.in_1904 = u16_at(&data, 0) == Some(1),
            RECALCID => globals.computed = true,
            WINDOW1 if globals.active.is_none() => {
                globals.active = u16_at(&data, 10).map(usize::from);
            }
            BOUNDSHEET => {
                let (Some(offset), Some(&state), Some(&kind)) =
                    (u32_at(&data, 0), data.get(4), data.get(5))
                else {
                    continue;
                };
                let name = Segments::one(data.get(6..).unwrap_or_default())
                    .string8()
                    .unwrap_or_default();
                budget.hold(name.len() as u64 + STRING_COST, "sheets")?;
                globals.offsets.push(u64::from(offset));
                globals.sheets.push(SheetInfo {
                    name,
                    visibility: match state & 0x03 {
                        0 => Visibility::Visible,
                        1 => Visibility::Hidden,
                        _ => Visibility::VeryHidden,
                    },
                    // 0 a worksheet (or a dialog); 1 a macro sheet, 2 a chart, 6 a module.
                    worksheet: kind == 0,
                });
            }
            FORMAT => {
                if let Some(id) = u16_at(&data, 0) {
                    let code = Segments::one(data.get(2..).unwrap_or_default())
                        .string16()
                        .unwrap_or_default();
                    budget.hold(code.len() as u64 + STRING_COST, "styles")?;
                    codes.insert(id, NumberFormat::of_code(&code));
                }
            }
            XF => {
                budget.hold(16, "styles")?;
                style_ids.push(u16_at(&data, 2).unwrap_or(0));
            }
            SST => {
                // The shared strings run on through the CONTINUE records after it.
                let mut segments = vec![std::mem::take(&mut data)];
                let mut next = Vec::new();
                while records.peek_next(&mut next).map_err(|e| bad(&e))? == Some(CONTINUE) {
                    records.next(&mut next).map_err(|e| bad(&e))?;
                    segments.push(std::mem::take(&mut next));
                }
                globals.strings = read_strings(&segments, budget)?;
            }
            _ => {}
        }
    }
    globals.styles = style_ids
        .into_iter()
        .map(|id| {
            codes
                .get(&id)
                .cloned()
                .unwrap_or_else(|| NumberFormat::builtin(u32::from(id)))
        })
        .collect();
    Ok(globals)
}

/// The shared strings of an `SST` record and its `CONTINUE`s, each counted against the budget.
fn read_strings(segments: &[Vec<u8>], budget: &mut Budget) -> Result<Vec<String>, FileError> {
    let mut at = Segments {
        segments: segments.iter().map(Vec::as_slice).collect(),
        segment: 0,
        // After the counts of strings in all and of unique ones.
        pos: 8,
    };
    let mut strings = Vec::new();
    // The count the record claims is not trusted: strings are read while there are bytes.
    while let Some(text) = at.rich_string() {
        budget.hold(text.len() as u64 + STRING_COST, "shared strings")?;
        strings.push(text);
    }
    Ok(strings)
}

/// Bytes that run on across records: a string's characters continue in the next after a
/// byte saying whether they are one byte each or two.
struct Segments<'a> {
    segments: Vec<&'a [u8]>,
    segment: usize,
    pos: usize,
}

impl<'a> Segments<'a> {
    /// One record's bytes.
    fn one(data: &'a [u8]) -> Segments<'a> {
        Segments {
            segments: vec![data],
            segment: 0,
            pos: 0,
        }
    }

    /// Whether the bytes of the current record are used up, moving to the next if so; false
    /// at the end of the last.
    fn at_end_of_segment(&mut self) -> bool {
        let len = self.segments.get(self.segment).map_or(0, |s| s.len());
        self.pos >= len
    }

    fn next_segment(&mut self) -> bool {
        if self.segment + 1 < self.segments.len() {
            self.segment += 1;
            self.pos = 0;
            true
        } else {
            false
        }
    }

    fn byte(&mut self) -> Option<u8> {
        while self.at_end_of_segment() {
            if !self.next_segment() {
                return None;
            }
        }
        let b = *self.segments.get(self.segment)?.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([
            self.byte()?,
            self.byte()?,
            self.byte()?,
            self.byte()?,
        ]))
    }

    fn skip(&mut self, mut n: u64) -> Option<()> {
        while n > 0 {
            if self.at_end_of_segment() && !self.next_segment() {
                return None;
            }
            let len = self.segments.get(self.segment)?.len();
            let step = (len - self.pos).min(usize::try_from(n).unwrap_or(usize::MAX));
            self.pos += step;
            n -= step as u64;
        }
        Some(())
    }

    /// `n` characters, one byte each (Latin-1) or two (UTF-16) as `wide` says; where they
    /// run on into the next record, its first byte says which for the rest.
    fn chars(&mut self, n: usize, mut wide: bool) -> Option<String> {
        let mut units: Vec<u16> = Vec::with_capacity(n.min(8224));
        for _ in 0..n {
            if self.at_end_of_segment() {
                if !self.next_segment() {
                    return None;
                }
                wide = self.byte()? & 0x01 != 0;
            }
            let unit = if wide {
                self.u16()?
            } else {
                u16::from(self.byte()?)
            };
            units.push(unit);
        }
        Some(String::from_utf16_lossy(&units))
    }

    /// A sheet's name: a count in one byte, a flags byte, the characters.
    fn string8(&mut self) -> Option<String> {
        let n = self.byte()?;
        let flags = self.byte()?;
        self.chars(usize::from(n), flags & 0x01 != 0)
    }

    /// A text: a count in two bytes, a flags byte, the characters.
    fn string16(&mut self) -> Option<String> {
        let n = self.u16()?;
        let flags = self.byte()?;
        self.chars(usize::from(n), flags & 0x01 != 0)
    }

    /// A shared string: a count, flags, the counts of its formatting runs and phonetic data
    /// if it has them, its characters, then those runs and that data (passed over).
    fn rich_string(&mut self) -> Option<String> {
        let n = self.u16()?;
        let flags = self.byte()?;
        let runs = if flags & 0x08 != 0 { self.u16()? } else { 0 };
        let extra = if flags & 0x04 != 0 { self.u32()? } else { 0 };
        let text = self.chars(usize::from(n), flags & 0x01 != 0)?;
        self.skip(4 * u64::from(runs))?;
        self.skip(u64::from(extra))?;
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rk_numbers_are_read_as_excel_keeps_them() {
        // 1.0 as a float's top bits; 100 as an integer; 1.23 as 123 ÷ 100.
        assert_eq!(rk_number(0x3FF0_0000), 1.0);
        assert_eq!(rk_number((100 << 2) | 0x02), 100.0);
        assert_eq!(rk_number((123 << 2) | 0x03), 1.23);
        assert_eq!(rk_number(((-5i32 << 2) as u32) | 0x02), -5.0);
    }

    /// A compound file holding `stream`, as Word, Excel 95 or a password writes one.
    fn compound_with(stream: &str) -> Vec<u8> {
        use std::io::Write;
        let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
        file.create_stream(stream)
            .unwrap()
            .write_all(&[0u8; 64])
            .unwrap();
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    #[test]
    fn compound_files_that_are_no_excel_97_workbook_are_refused_saying_what_they_are() {
        let refused = |stream: &str| {
            let bytes = compound_with(stream);
            let budget = Budget::new(
                "x.xls",
                &crate::source::limits::Limits::default().workbook_contents(),
            );
            match Xls::open(std::io::Cursor::new(bytes), "x.xls", budget) {
                Ok(_) => panic!("{stream} was read"),
                Err(e) => e.to_string(),
            }
        };
        assert!(refused("EncryptedPackage").contains("protected by a password"));
        assert!(refused("Book").contains("Excel 5.0/95 workbook"));
        assert!(refused("WordDocument").contains("holds no workbook"));
        // A workbook stream that is no workbook's records.
        assert!(refused("Workbook").contains("does not begin as one"));
    }

    #[test]
    fn strings_run_on_across_records_with_their_width_said_again() {
        // "柯城ab": 2 wide chars in the first record, then a CONTINUE saying narrow.
        let mut first = vec![4, 0, 0x01];
        first.extend_from_slice(&0x67EFu16.to_le_bytes());
        first.extend_from_slice(&0x57CEu16.to_le_bytes());
        let second = vec![0x00, b'a', b'b'];
        let mut at = Segments {
            segments: vec![&first, &second],
            segment: 0,
            pos: 0,
        };
        assert_eq!(at.rich_string().as_deref(), Some("柯城ab"));
        assert_eq!(at.rich_string(), None);
        // Strings held are counted against the limit: a table of empty ones is no bomb.
        let empty = [0u8, 0, 0];
        let mut sst = vec![0u8; 8];
        for _ in 0..2000 {
            sst.extend_from_slice(&empty);
        }
        let limit = crate::source::limits::Limits::with(Some(crate::source::limits::Size(100_000)))
            .workbook_contents();
        let e = read_strings(&[sst], &mut Budget::new("x.xls", &limit)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.xls: the workbook's shared strings would take more than 97.7 KiB in memory, over kaohe's limit of 97.7 KiB for a workbook's contents; if it is genuine, raise the limit: --limit 1MiB"
        );
        // A string cut short is none, not a panic.
        assert_eq!(Segments::one(&[9, 0, 0, b'a']).string16(), None);
        assert_eq!(Segments::one(&[]).string8(), None);
    }
}
