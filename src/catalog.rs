//! The targets and the counties, read from their data files (TOML and CSV) and checked.
//! The 2014 set is embedded so the binary runs from any directory.

use crate::error::{FileError, Location, line_of};
use crate::model::{
    Assessment, Comparator, County, Indicator, IndicatorKind, Requirement, Target, TargetClass,
};
use crate::text::{is_unsafe, width};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use toml::Spanned;

/// The embedded 2014 targets (衢市民〔2014〕89号).
pub const TARGETS_2014: &str = include_str!("../data/targets/2014.toml");
pub const TARGETS_2014_PATH: &str = "data/targets/2014.toml";
/// The embedded six county-level units of Quzhou.
pub const COUNTIES_QUZHOU: &str = include_str!("../data/regions/quzhou.csv");
pub const COUNTIES_QUZHOU_PATH: &str = "data/regions/quzhou.csv";
/// The embedded, invented demo submissions for 2014.
pub const DEMO_SUBMISSIONS_2014: &str = include_str!("../data/demo/submissions-2014.csv");
pub const DEMO_SUBMISSIONS_2014_PATH: &str = "data/demo/submissions-2014.csv";

/// The only version of the targets file format there is so far.
pub const TARGETS_FORMAT: u32 = 1;

/// An assessment with its classes and targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub assessment: Assessment,
    pub classes: Vec<TargetClass>,
    pub targets: Vec<Target>,
}

impl Catalog {
    /// The embedded 2014 targets.
    pub fn embedded_2014() -> Result<Catalog, FileError> {
        parse_targets(TARGETS_2014, &format!("<embedded> {TARGETS_2014_PATH}"))
    }

    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.targets.iter().flat_map(|t| t.indicators.iter())
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators().find(|i| i.id == id)
    }
}

/// Reads a targets file from disk.
pub fn load_targets(path: &Path) -> Result<Catalog, FileError> {
    let shown = path.display().to_string();
    let text = read_text(path)?;
    parse_targets(&text, &shown)
}

/// Reads a counties file from disk.
pub fn load_counties(path: &Path) -> Result<Vec<County>, FileError> {
    let shown = path.display().to_string();
    let text = read_text(path)?;
    parse_counties(&text, &shown)
}

/// The embedded counties of Quzhou.
pub fn embedded_counties() -> Result<Vec<County>, FileError> {
    parse_counties(
        COUNTIES_QUZHOU,
        &format!("<embedded> {COUNTIES_QUZHOU_PATH}"),
    )
}

/// Reads a whole file as UTF-8 text, naming the file and the first bad byte's line if it is not.
pub fn read_text(path: &Path) -> Result<String, FileError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| FileError::new(Location::file(&shown), format!("cannot read: {e}")))?;
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..good].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            Err(FileError::new(
                Location::line(&shown, line),
                "the file is not UTF-8 text (save it as UTF-8)",
            ))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTargetsFile {
    format: Spanned<u32>,
    assessment: Spanned<RawAssessment>,
    classes: Vec<Spanned<RawClass>>,
    targets: Vec<Spanned<RawTarget>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssessment {
    year: i32,
    title: String,
    issuer: String,
    number: String,
    date: toml::value::Datetime,
    #[serde(default)]
    notice: String,
    #[serde(default)]
    addressees: String,
    #[serde(default)]
    preamble: String,
    method: Option<RawMethod>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMethod {
    title: String,
    number: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClass {
    class: u8,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    id: u32,
    class: u8,
    title: String,
    text: String,
    #[serde(default)]
    indicators: Vec<Spanned<RawIndicator>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: String,
    short: Option<String>,
    text: String,
    source: Option<String>,
    kind: String,
    comparator: Option<String>,
    threshold: Option<f64>,
    unit: Option<String>,
}

/// Parses and checks a targets file. `path` is only used in messages.
pub fn parse_targets(text: &str, path: &str) -> Result<Catalog, FileError> {
    let at = |offset: usize| Location::at_offset(path, text, offset);
    let raw: RawTargetsFile = toml::from_str(text).map_err(|e| {
        let location = e
            .span()
            .map_or_else(|| Location::file(path), |span| at(span.start));
        FileError::new(location, e.message().trim().to_string())
    })?;

    if *raw.format.get_ref() != TARGETS_FORMAT {
        return Err(FileError::new(
            at(raw.format.span().start),
            format!(
                "format {} is not supported (this kaohe reads format {TARGETS_FORMAT})",
                raw.format.get_ref()
            ),
        ));
    }

    let assessment_span = raw.assessment.span();
    let a = raw.assessment.into_inner();
    for (field, value) in [
        ("title", &a.title),
        ("issuer", &a.issuer),
        ("number", &a.number),
    ] {
        if value.trim().is_empty() {
            return Err(FileError::new(
                at(assessment_span.start),
                format!("assessment.{field} is empty"),
            ));
        }
    }
    for (field, value) in [
        ("title", &a.title),
        ("issuer", &a.issuer),
        ("number", &a.number),
    ] {
        check_words(&format!("assessment.{field}"), value)
            .map_err(|m| FileError::new(at(assessment_span.start), m))?;
    }
    let date = match (a.date.date, a.date.time) {
        (Some(d), None) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
        _ => {
            return Err(FileError::new(
                at(assessment_span.start),
                "assessment.date must be a plain date such as 2014-08-26",
            ));
        }
    };
    let (method_title, method_number) = a.method.map(|m| (m.title, m.number)).unwrap_or_default();
    let assessment = Assessment {
        year: a.year,
        title: a.title,
        issuer: a.issuer,
        number: a.number,
        date,
        notice: a.notice,
        addressees: a.addressees,
        preamble: a.preamble,
        method_title,
        method_number,
    };

    let mut classes = Vec::new();
    for spanned in raw.classes {
        let span = spanned.span();
        let c = spanned.into_inner();
        if classes.iter().any(|k: &TargetClass| k.class == c.class) {
            return Err(FileError::new(
                at(span.start),
                format!("class {} is declared twice", c.class),
            ));
        }
        check_words(&format!("class {}'s name", c.class), &c.name)
            .map_err(|m| FileError::new(at(span.start), m))?;
        if c.name.trim().is_empty() {
            return Err(FileError::new(
                at(span.start),
                format!("class {} has an empty name", c.class),
            ));
        }
        classes.push(TargetClass {
            class: c.class,
            name: c.name,
        });
    }
    if classes.is_empty() {
        return Err(FileError::new(
            Location::file(path),
            "no [[classes]] declared",
        ));
    }

    let mut targets: Vec<Target> = Vec::new();
    let mut shorts: HashMap<String, String> = HashMap::new();
    for spanned in raw.targets {
        let span = spanned.span();
        let t = spanned.into_inner();
        let here = at(span.start);
        if t.id == 0 {
            return Err(FileError::new(here, "target id must be 1 or more"));
        }
        if targets.iter().any(|x| x.id == t.id) {
            return Err(FileError::new(
                here,
                format!("target {} is given twice", t.id),
            ));
        }
        if !classes.iter().any(|c| c.class == t.class) {
            return Err(FileError::new(
                here,
                format!(
                    "target {} is in class {}, which is not declared in [[classes]]",
                    t.id, t.class
                ),
            ));
        }
        if t.title.trim().is_empty() || t.text.trim().is_empty() {
            return Err(FileError::new(
                here,
                format!("target {} needs a title and a text", t.id),
            ));
        }
        if t.indicators.is_empty() {
            return Err(FileError::new(
                here,
                format!("target {} has no [[targets.indicators]]", t.id),
            ));
        }
        if !t.text.starts_with(&t.title) {
            return Err(FileError::new(
                here,
                format!(
                    "target {}'s text must begin with its title \"{}\" (the paragraph's first sentence)",
                    t.id, t.title
                ),
            ));
        }
        for (field, text) in [("title", &t.title), ("text", &t.text)] {
            check_words(&format!("target {}'s {field}", t.id), text)
                .map_err(|m| FileError::new(here.clone(), m))?;
        }
        let mut indicators: Vec<Indicator> = Vec::new();
        for (k, spanned) in t.indicators.into_iter().enumerate() {
            let span = spanned.span();
            let raw = spanned.into_inner();
            let indicator = check_indicator(raw, t.id, k + 1, &t.text)
                .map_err(|message| FileError::new(at(span.start), message))?;
            if let Some(other) = shorts.insert(indicator.short.clone(), indicator.id.clone()) {
                return Err(FileError::new(
                    at(span.start),
                    format!(
                        "indicator {}: short \"{}\" is already indicator {other}'s",
                        indicator.id, indicator.short
                    ),
                ));
            }
            indicators.push(indicator);
        }
        targets.push(Target {
            id: t.id,
            class: t.class,
            title: t.title,
            text: t.text,
            indicators,
        });
    }
    if targets.is_empty() {
        return Err(FileError::new(Location::file(path), "no [[targets]] given"));
    }
    Ok(Catalog {
        assessment,
        classes,
        targets,
    })
}

/// The widest a short label may be, in terminal columns: it must fit a narrow screen column.
pub const SHORT_WIDTH: usize = 20;

/// Refuses text that would be terminal commands rather than words.
fn check_words(what: &str, text: &str) -> Result<(), String> {
    match text.chars().find(|&c| is_unsafe(c, false)) {
        Some(c) => Err(format!(
            "{what} contains the control character U+{:04X}",
            c as u32
        )),
        None => Ok(()),
    }
}

/// Checks the `position`-th (from 1) indicator of target `target_id`.
fn check_indicator(
    raw: RawIndicator,
    target_id: u32,
    position: usize,
    target_text: &str,
) -> Result<Indicator, String> {
    let id = raw.id.trim().to_string();
    let expected = format!("{target_id}.{position}");
    if id != expected {
        return Err(format!(
            "indicator id \"{id}\" should be \"{expected}\" (the indicators of target {target_id} are numbered {target_id}.1, {target_id}.2, … in order)"
        ));
    }
    if raw.text.trim().is_empty() {
        return Err(format!("indicator {id} has an empty text"));
    }
    let short = raw.short.unwrap_or_default();
    if short.trim().is_empty() {
        return Err(format!(
            "indicator {id} needs a short label (short = \"…\")"
        ));
    }
    if width(&short) > SHORT_WIDTH {
        return Err(format!(
            "indicator {id}: short \"{short}\" is {} columns wide; at most {SHORT_WIDTH} (10 Chinese characters)",
            width(&short)
        ));
    }
    for (field, text) in [("short", &short), ("text", &raw.text)] {
        check_words(&format!("indicator {id}'s {field}"), text)?;
    }
    let kind: IndicatorKind = raw
        .kind
        .parse()
        .map_err(|e| format!("indicator {id}: {e}"))?;
    let requirement = match kind {
        IndicatorKind::Numeric => {
            let (Some(comparator), Some(threshold), Some(unit)) =
                (raw.comparator, raw.threshold, raw.unit)
            else {
                return Err(format!(
                    "indicator {id} is numeric: it needs comparator, threshold and unit"
                ));
            };
            let comparator: Comparator = comparator
                .parse()
                .map_err(|e| format!("indicator {id}: {e}"))?;
            if !threshold.is_finite() {
                return Err(format!("indicator {id}: threshold must be a finite number"));
            }
            Some(Requirement {
                comparator,
                threshold,
                unit: unit.trim().to_string(),
            })
        }
        IndicatorKind::YesNo | IndicatorKind::Qualitative => {
            if raw.comparator.is_some() || raw.threshold.is_some() || raw.unit.is_some() {
                return Err(format!(
                    "indicator {id} is {}: comparator, threshold and unit belong only to numeric indicators",
                    kind.as_str()
                ));
            }
            None
        }
    };
    let source = raw.source.unwrap_or_default();
    if source.trim().is_empty() {
        return Err(format!(
            "indicator {id} needs its source: the words of the paragraph it comes from"
        ));
    }
    if !target_text.contains(&source) {
        return Err(format!(
            "indicator {id}: source \"{source}\" is not found word for word in target {target_id}'s text"
        ));
    }
    Ok(Indicator {
        id,
        short,
        text: raw.text,
        source,
        kind,
        requirement,
    })
}

/// Parses and checks a counties file (`code,name`, GB/T 2260 codes).
pub fn parse_counties(text: &str, path: &str) -> Result<Vec<County>, FileError> {
    let text = csv_text(text);
    let text = text.as_ref();
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_error(path, text, &e))?
        .clone();
    let header_line = headers.position().map_or(1, |p| record_line(text, p));
    if headers.iter().all(str::is_empty) {
        return Err(FileError::new(
            Location::file(path),
            "the file has no header line (code,name)",
        ));
    }
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(code_col), Some(name_col)) = (column("code"), column("name")) else {
        return Err(FileError::new(
            Location::line(path, header_line),
            format!(
                "the header must name the columns code and name (found: {})",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    };
    let mut counties: Vec<County> = Vec::new();
    let mut codes: HashMap<String, u64> = HashMap::new();
    let mut names: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, text, &e))?;
        let line = record.position().map_or(0, |p| record_line(text, p));
        let here = || Location::line(path, line);
        let code = record.get(code_col).unwrap_or("").to_string();
        let name = record.get(name_col).unwrap_or("").to_string();
        if code.is_empty() && name.is_empty() {
            continue;
        }
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FileError::new(
                here(),
                format!("code \"{code}\" is not a six-digit GB/T 2260 code"),
            ));
        }
        if name.is_empty() {
            return Err(FileError::new(here(), format!("county {code} has no name")));
        }
        check_words(&format!("county {code}'s name"), &name)
            .map_err(|m| FileError::new(here(), m))?;
        if let Some(first) = codes.insert(code.clone(), line) {
            return Err(FileError::new(
                here(),
                format!("code {code} is given twice (first on line {first})"),
            ));
        }
        if let Some(first) = names.insert(name.clone(), line) {
            return Err(FileError::new(
                here(),
                format!("name {name} is given twice (first on line {first})"),
            ));
        }
        counties.push(County { code, name });
    }
    if counties.is_empty() {
        return Err(FileError::new(Location::file(path), "no counties listed"));
    }
    Ok(counties)
}

/// A CSV text as the reader wants it: without a byte-order mark, and with old Mac line ends
/// (a lone CR) made LF, which the reader's comment handling needs. Byte offsets are kept.
pub(crate) fn csv_text(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bytes = text.as_bytes();
    let lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone_cr) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut fixed = String::with_capacity(text.len());
    for (i, ch) in text.char_indices() {
        fixed.push(if ch == '\r' && lone_cr(i) { '\n' } else { ch });
    }
    std::borrow::Cow::Owned(fixed)
}

/// The line a CSV record starts on. The reader's position is where it started reading, which
/// is before any blank or comment lines it skipped to reach the record.
pub(crate) fn record_line(text: &str, position: &csv::Position) -> u64 {
    let bytes = text.as_bytes();
    let mut at = (position.byte() as usize).min(bytes.len());
    loop {
        match bytes.get(at) {
            Some(b'\r' | b'\n') => at += 1,
            Some(b'#') => {
                while at < bytes.len() && !matches!(bytes[at], b'\r' | b'\n') {
                    at += 1;
                }
            }
            _ => break,
        }
    }
    line_of(text, at)
}

/// A CSV reader's error, at the line of `text` it happened on.
pub(crate) fn csv_error(path: &str, text: &str, e: &csv::Error) -> FileError {
    let location = e.position().map_or_else(
        || Location::file(path),
        |p| Location::line(path, record_line(text, p)),
    );
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text".to_string(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        _ => e.to_string(),
    };
    FileError::new(location, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"format = 1
[assessment]
year = 2015
title = "2015年度目标"
issuer = "衢州市民政局"
number = "衢市民〔2015〕1号"
date = 2015-03-01

[[classes]]
class = 1
name = "一类目标"

[[targets]]
id = 1
class = 1
title = "养老"
text = "养老。覆盖率达70%。"

[[targets.indicators]]
id = "1.1"
short = "覆盖率"
text = "覆盖率"
source = "覆盖率达70%"
kind = "numeric"
comparator = ">="
threshold = 70
unit = "%"
"#;

    #[test]
    fn the_embedded_2014_set_loads() {
        let catalog = Catalog::embedded_2014().unwrap();
        assert_eq!(catalog.targets.len(), 12);
        assert_eq!(embedded_counties().unwrap().len(), 6);
    }

    #[test]
    fn a_minimal_file_loads() {
        let c = parse_targets(MINIMAL, "m.toml").unwrap();
        assert_eq!(c.assessment.date, "2015-03-01");
        let i = &c.targets[0].indicators[0];
        assert_eq!(i.short, "覆盖率");
        assert_eq!(i.requirement.as_ref().unwrap().to_string(), "≥ 70%");
    }

    fn error_of(text: &str) -> String {
        parse_targets(text, "t.toml").unwrap_err().to_string()
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let broken = MINIMAL.replace("year = 2015", "year = ");
        assert!(
            error_of(&broken).starts_with("t.toml:3:"),
            "{}",
            error_of(&broken)
        );
    }

    #[test]
    fn semantic_errors_name_the_indicator_line() {
        let bad = MINIMAL.replace("comparator = \">=\"", "comparator = \"=>\"");
        let e = error_of(&bad);
        assert!(e.starts_with("t.toml:19:"), "{e}");
        assert!(e.contains("unknown comparator \"=>\""), "{e}");

        let bad = MINIMAL.replace("id = \"1.1\"", "id = \"2.1\"");
        assert!(
            error_of(&bad).contains("should be \"1.1\""),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace("text = \"覆盖率\"", "text = \"覆盖\\u001b[2J率\"");
        assert!(
            error_of(&bad).contains("control character U+001B"),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace("short = \"覆盖率\"", "short = \"一二三四五六七八九十十一\"");
        assert!(
            error_of(&bad).contains("24 columns wide"),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace("title = \"养老\"", "title = \"养老服务\"");
        assert!(
            error_of(&bad).contains("must begin with its title"),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace("class = 1\ntitle", "class = 3\ntitle");
        assert!(error_of(&bad).contains("class 3, which is not declared"));

        let bad = MINIMAL.replace("source = \"覆盖率达70%\"", "source = \"覆盖率达80%\"");
        assert!(error_of(&bad).contains("not found word for word"));

        let bad = MINIMAL.replace("unit = \"%\"", "");
        assert!(error_of(&bad).contains("needs comparator, threshold and unit"));

        let bad = MINIMAL.replace("threshold = 70", "threshhold = 70");
        assert!(error_of(&bad).contains("threshhold"), "{}", error_of(&bad));

        let bad = MINIMAL.replace("kind = \"numeric\"", "kind = \"yes_no\"");
        assert!(error_of(&bad).contains("belong only to numeric"));
    }

    #[test]
    fn counties_are_checked() {
        let ok = parse_counties("# 注释\ncode,name\n330802,柯城区\n", "c.csv").unwrap();
        assert_eq!(ok[0].name, "柯城区");
        let e = parse_counties("code,name\n330802,柯城区\n33080,衢江区\n", "c.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.csv:3: code \"33080\" is not a six-digit GB/T 2260 code"
        );
        let e = parse_counties(
            "# 注\ncode,name\n330802,柯城区\n\n# 注\n33080X,衢江区\n",
            "c.csv",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("c.csv:6: code \"33080X\""), "{e}");
        let e = parse_counties("code,name\n330802,柯城区\n330802,衢江区\n", "c.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.csv:3: code 330802 is given twice (first on line 2)"
        );
        let e = parse_counties("county,name\n", "c.csv").unwrap_err();
        assert!(e.to_string().starts_with("c.csv:1: the header must name"));
        let e = parse_counties("# only a comment\ncode,name\n", "c.csv").unwrap_err();
        assert_eq!(e.to_string(), "c.csv: no counties listed");
    }
}
