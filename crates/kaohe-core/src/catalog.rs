//! The targets and the counties, read from their data files (TOML and CSV) and checked.
//! The 2014 set is embedded so the binary runs from any directory.

use crate::error::{FileError, LineCounter, Location, line_of};
use crate::model::{
    Assessment, Comparator, County, Indicator, IndicatorKind, Requirement, Shares, Target,
    TargetClass,
};
use crate::text::width;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use toml::Spanned;

/// The embedded 2014 targets (衢市民〔2014〕89号).
pub const TARGETS_2014: &str = include_str!("../../../data/targets/2014.toml");
pub const TARGETS_2014_PATH: &str = "data/targets/2014.toml";
/// The embedded six county-level units of Quzhou.
pub const COUNTIES_QUZHOU: &str = include_str!("../../../data/regions/quzhou.csv");
pub const COUNTIES_QUZHOU_PATH: &str = "data/regions/quzhou.csv";
/// The embedded, invented demo submissions for 2014.
pub const DEMO_SUBMISSIONS_2014: &str = include_str!("../../../data/demo/submissions-2014.csv");
pub const DEMO_SUBMISSIONS_2014_PATH: &str = "data/demo/submissions-2014.csv";

/// The only version of the targets file format there is so far.
pub const TARGETS_FORMAT: u32 = 1;

/// An assessment with its classes and targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub assessment: Assessment,
    pub classes: Vec<TargetClass>,
    pub targets: Vec<Target>,
    /// What each verdict earns of an indicator's points.
    pub shares: Shares,
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
            let valid = std::str::from_utf8(&e.as_bytes()[..good]).unwrap_or_default();
            let line = line_of(valid, good);
            Err(FileError::new(
                Location::line(&shown, line),
                "the file is not UTF-8 text (save it as UTF-8)",
            ))
        }
    }
}

/// Reads a spreadsheet saved as CSV, in the encoding it came in: UTF-8 (with or without a
/// byte-order mark) or GB18030 (what Excel on a Chinese Windows writes as "CSV"), told apart
/// without being told. Returns the text and the encoding's name.
pub fn read_csv_text(path: &Path) -> Result<(String, &'static str), FileError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| FileError::new(Location::file(&shown), format!("cannot read: {e}")))?;
    decode_csv(&bytes, &shown)
}

pub fn decode_csv(bytes: &[u8], shown: &str) -> Result<(String, &'static str), FileError> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok((text.to_string(), "UTF-8")),
            Err(e) => Err(not_text(shown, rest, e.valid_up_to(), "UTF-8")),
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), "UTF-8"));
    }
    // Not UTF-8: GB18030 decodes every byte sequence of GBK/GB2312 too.
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        let good = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        return Err(not_text(shown, bytes, good, "GB18030"));
    }
    Ok((text.into_owned(), "GB18030"))
}

fn not_text(shown: &str, bytes: &[u8], good: usize, tried: &str) -> FileError {
    let valid = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
    let line = line_of(valid, good);
    FileError::new(
        Location::line(shown, line),
        format!(
            "the file is neither UTF-8 nor GB18030 text (read as {tried}); save it as CSV UTF-8"
        ),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTargetsFile {
    format: Spanned<u32>,
    assessment: Spanned<RawAssessment>,
    scoring: Option<Spanned<RawScoring>>,
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
    weight: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    id: u32,
    class: u8,
    title: String,
    text: String,
    points: Option<f64>,
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
    partly: Option<f64>,
    points: Option<f64>,
    veto: Option<bool>,
    deduct: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScoring {
    met: Option<f64>,
    partly_met: Option<f64>,
    not_met: Option<f64>,
}

/// Something wrong in the targets file, and the key it is about (to point at its line).
struct Fault {
    key: Option<&'static str>,
    message: String,
}

fn fault(key: &'static str, message: impl Into<String>) -> Fault {
    Fault {
        key: Some(key),
        message: message.into(),
    }
}

/// Where `key = …` is written in the table that starts at `span` (up to the next table
/// header); the table's start if it is not there.
fn key_offset(text: &str, span: &std::ops::Range<usize>, key: &str) -> usize {
    let Some(rest) = text.get(span.start..) else {
        return span.start;
    };
    // The reader's span of an array-of-tables entry may cover only its [[header]].
    let first_line = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let end = rest[first_line..]
        .find("\n[")
        .map_or(rest.len(), |i| first_line + i + 1);
    let region = &rest[..end.max(span.end.saturating_sub(span.start)).min(rest.len())];
    let mut offset = 0;
    for line in region.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let is_key = trimmed
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if is_key {
            return span.start + offset + (line.len() - trimmed.len());
        }
        offset += line.len();
    }
    // In an inline table: `method = { title = "…" }`.
    [format!("{key} ="), format!("{key}=")]
        .iter()
        .find_map(|k| region.find(k.as_str()))
        .map_or(span.start, |i| span.start + i)
}

/// The TOML reader's messages, in words a bureau clerk reads.
pub fn plain_toml_message(
    message: &str,
    text: &str,
    span: Option<std::ops::Range<usize>>,
) -> String {
    let message = message.trim();
    if message == "duplicate key" {
        if let Some(key) = span.and_then(|s| text.get(s)) {
            return format!("the key {} is given twice", key.trim());
        }
    }
    let mut plain = message.to_string();
    for (from, to) in [
        (" as i128", ""),
        (" as i64", ""),
        ("expected i32", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected u8", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list [ … ]"),
    ] {
        plain = plain.replace(from, to);
    }
    if let Some(at) = plain.find("expected struct ") {
        let rest = &plain[at + "expected struct ".len()..];
        let name_end = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        plain = format!("{}expected a table{}", &plain[..at], &rest[name_end..]);
    }
    plain
}

/// Refuses text that would be terminal commands rather than words (line breaks included:
/// every field of the file is one line of the document).
fn check_words(key: &'static str, what: &str, text: &str) -> Result<(), Fault> {
    crate::text::check_words(what, text, false).map_err(|m| fault(key, m))
}

/// Parses and checks a targets file. `path` is only used in messages.
pub fn parse_targets(text: &str, path: &str) -> Result<Catalog, FileError> {
    let at = |offset: usize| Location::at_offset(path, text, offset);
    let locate = |span: &std::ops::Range<usize>, f: Fault| {
        let offset = f.key.map_or(span.start, |k| key_offset(text, span, k));
        FileError::new(at(offset), f.message)
    };
    let raw: RawTargetsFile = toml::from_str(text).map_err(|e| {
        let location = e
            .span()
            .map_or_else(|| Location::file(path), |span| at(span.start));
        FileError::new(location, plain_toml_message(e.message(), text, e.span()))
    })?;
    let whole = 0..text.len();

    if *raw.format.get_ref() != TARGETS_FORMAT {
        return Err(FileError::new(
            at(raw.format.span().start),
            format!(
                "format {} is not supported (this kaohe reads format {TARGETS_FORMAT})",
                raw.format.get_ref()
            ),
        ));
    }

    let span = raw.assessment.span();
    let assessment = check_assessment(raw.assessment.into_inner()).map_err(|f| locate(&span, f))?;

    let mut classes: Vec<TargetClass> = Vec::new();
    for spanned in raw.classes {
        let span = spanned.span();
        let c = spanned.into_inner();
        let check = || -> Result<(), Fault> {
            if classes.iter().any(|k| k.class == c.class) {
                return Err(fault(
                    "class",
                    format!("class {} is declared twice", c.class),
                ));
            }
            if c.name.trim().is_empty() {
                return Err(fault(
                    "name",
                    format!("class {} has an empty name", c.class),
                ));
            }
            check_words("name", &format!("class {}'s name", c.class), &c.name)?;
            if let Some(w) = c.weight {
                if !w.is_finite() || w < 0.0 {
                    return Err(fault(
                        "weight",
                        format!("class {}: weight must be a number, 0 or more", c.class),
                    ));
                }
            }
            Ok(())
        };
        check().map_err(|f| locate(&span, f))?;
        classes.push(TargetClass {
            class: c.class,
            name: c.name,
            weight: c.weight.unwrap_or(1.0),
        });
    }
    if classes.is_empty() {
        return Err(locate(&whole, fault("classes", "no [[classes]] declared")));
    }

    let mut targets: Vec<Target> = Vec::new();
    let mut shorts: HashMap<String, String> = HashMap::new();
    for (k, spanned) in raw.targets.into_iter().enumerate() {
        let span = spanned.span();
        let t = spanned.into_inner();
        check_target(&t, k + 1, &classes).map_err(|f| locate(&span, f))?;
        let mut indicators: Vec<Indicator> = Vec::new();
        let mut given_points: Vec<Option<f64>> = Vec::new();
        for (n, spanned) in t.indicators.into_iter().enumerate() {
            given_points.push(spanned.get_ref().points);
            let span = spanned.span();
            let indicator = check_indicator(spanned.into_inner(), t.id, n + 1, &t.text)
                .map_err(|f| locate(&span, f))?;
            if let Some(other) = shorts.insert(indicator.short.clone(), indicator.id.clone()) {
                return Err(locate(
                    &span,
                    fault(
                        "short",
                        format!(
                            "indicator {}: short \"{}\" is already indicator {other}'s",
                            indicator.id, indicator.short
                        ),
                    ),
                ));
            }
            indicators.push(indicator);
        }
        let points = share_points(t.id, t.points, &given_points, &mut indicators)
            .map_err(|f| locate(&span, f))?;
        targets.push(Target {
            id: t.id,
            class: t.class,
            title: t.title,
            text: t.text,
            points,
            indicators,
        });
    }
    if targets.is_empty() {
        return Err(locate(&whole, fault("targets", "no [[targets]] given")));
    }
    let shares = match raw.scoring {
        None => Shares::default(),
        Some(spanned) => {
            let span = spanned.span();
            check_shares(spanned.into_inner()).map_err(|f| locate(&span, f))?
        }
    };
    Ok(Catalog {
        assessment,
        classes,
        targets,
        shares,
    })
}

/// What a target is worth when its file gives no points: the 2014 notice gives none (its
/// method, 衢市民〔2013〕45号, is not in hand), so every target weighs the same.
pub const DEFAULT_TARGET_POINTS: f64 = 10.0;

/// Settles a target's points and its indicators' shares: points given are kept, the rest of
/// the target's points are shared equally among the indicators given none. A target with no
/// points of its own is worth the sum of its indicators' when all are given, else the default.
fn share_points(
    target_id: u32,
    target_points: Option<f64>,
    given: &[Option<f64>],
    indicators: &mut [Indicator],
) -> Result<f64, Fault> {
    if let Some(p) = target_points {
        if !p.is_finite() || p <= 0.0 {
            return Err(fault(
                "points",
                format!("target {target_id}: points must be a number above 0"),
            ));
        }
    }
    let explicit: f64 = given.iter().flatten().sum();
    let unspecified = given.iter().filter(|p| p.is_none()).count();
    let points = match target_points {
        Some(p) => p,
        None if unspecified == 0 => explicit,
        None => DEFAULT_TARGET_POINTS,
    };
    // A small tolerance: 3.3 + 3.3 + 3.4 is 10 to a reader, not 9.999999999999998.
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * a.abs().max(b.abs()).max(1.0);
    if unspecified == 0 && !close(explicit, points) {
        return Err(fault(
            "points",
            format!(
                "target {target_id} is worth {} points but its indicators' points add up to {}",
                crate::model::format_number(points),
                crate::model::format_number(explicit)
            ),
        ));
    }
    if unspecified > 0 && explicit > points && !close(explicit, points) {
        return Err(fault(
            "points",
            format!(
                "target {target_id} is worth {} points but its indicators already take {}",
                crate::model::format_number(points),
                crate::model::format_number(explicit)
            ),
        ));
    }
    let each = if unspecified > 0 {
        ((points - explicit) / unspecified as f64).max(0.0)
    } else {
        0.0
    };
    for (indicator, given) in indicators.iter_mut().zip(given) {
        indicator.points = given.unwrap_or(each);
    }
    Ok(points)
}

fn check_shares(raw: RawScoring) -> Result<Shares, Fault> {
    let default = Shares::default();
    let shares = Shares {
        met: raw.met.unwrap_or(default.met),
        partly_met: raw.partly_met.unwrap_or(default.partly_met),
        not_met: raw.not_met.unwrap_or(default.not_met),
    };
    for (key, value) in [
        ("met", shares.met),
        ("partly_met", shares.partly_met),
        ("not_met", shares.not_met),
    ] {
        if !(0.0..=1.0).contains(&value) {
            return Err(fault(
                key,
                format!("scoring.{key} is a share of the points: a number from 0 to 1"),
            ));
        }
    }
    if !(shares.met >= shares.partly_met && shares.partly_met >= shares.not_met) {
        return Err(fault(
            "partly_met",
            "scoring: met must earn at least partly_met, and partly_met at least not_met",
        ));
    }
    Ok(shares)
}

fn check_assessment(a: RawAssessment) -> Result<Assessment, Fault> {
    let (method_title, method_number) = a.method.map(|m| (m.title, m.number)).unwrap_or_default();
    // (key to point at, name in the message, value, required)
    for (key, name, value, required) in [
        ("title", "title", &a.title, true),
        ("issuer", "issuer", &a.issuer, true),
        ("number", "number", &a.number, true),
        ("notice", "notice", &a.notice, false),
        ("addressees", "addressees", &a.addressees, false),
        ("preamble", "preamble", &a.preamble, false),
        ("method", "method.title", &method_title, false),
        ("method", "method.number", &method_number, false),
    ] {
        if required && value.trim().is_empty() {
            return Err(fault(key, format!("assessment.{name} is empty")));
        }
        check_words(key, &format!("assessment.{name}"), value)?;
    }
    if !(1949..=2200).contains(&a.year) {
        return Err(fault(
            "year",
            format!("assessment.year {} is not a plausible year", a.year),
        ));
    }
    let date = match (a.date.date, a.date.time) {
        (Some(d), None) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
        _ => {
            return Err(fault(
                "date",
                "assessment.date must be a plain date such as 2014-08-26",
            ));
        }
    };
    Ok(Assessment {
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
    })
}

/// Checks the `position`-th (from 1) target.
fn check_target(t: &RawTarget, position: usize, classes: &[TargetClass]) -> Result<(), Fault> {
    if t.id as usize != position {
        return Err(fault(
            "id",
            format!(
                "target id {} should be {position} (targets are numbered 1, 2, … in order)",
                t.id
            ),
        ));
    }
    if !classes.iter().any(|c| c.class == t.class) {
        return Err(fault(
            "class",
            format!(
                "target {} is in class {}, which is not declared in [[classes]]",
                t.id, t.class
            ),
        ));
    }
    if t.title.trim().is_empty() {
        return Err(fault(
            "title",
            format!("target {} has an empty title", t.id),
        ));
    }
    if t.text.trim().is_empty() {
        return Err(fault("text", format!("target {} has an empty text", t.id)));
    }
    check_words("title", &format!("target {}'s title", t.id), &t.title)?;
    check_words("text", &format!("target {}'s text", t.id), &t.text)?;
    if !t.text.starts_with(&t.title) {
        return Err(fault(
            "text",
            format!(
                "target {}'s text must begin with its title \"{}\" (the paragraph's first sentence)",
                t.id, t.title
            ),
        ));
    }
    if t.indicators.is_empty() {
        return Err(fault(
            "id",
            format!("target {} has no [[targets.indicators]]", t.id),
        ));
    }
    Ok(())
}

/// The widest a short label may be, in terminal columns: it must fit a narrow screen column.
pub const SHORT_WIDTH: usize = 20;

/// Checks the `position`-th (from 1) indicator of target `target_id`.
fn check_indicator(
    raw: RawIndicator,
    target_id: u32,
    position: usize,
    target_text: &str,
) -> Result<Indicator, Fault> {
    let id = raw.id.trim().to_string();
    let expected = format!("{target_id}.{position}");
    if id != expected {
        return Err(fault(
            "id",
            format!(
                "indicator id \"{id}\" should be \"{expected}\" (the indicators of target {target_id} are numbered {target_id}.1, {target_id}.2, … in order)"
            ),
        ));
    }
    let short = raw.short.unwrap_or_default().trim().to_string();
    if short.is_empty() {
        return Err(fault(
            "id",
            format!("indicator {id} needs a short label (short = \"…\")"),
        ));
    }
    if width(&short) > SHORT_WIDTH {
        return Err(fault(
            "short",
            format!(
                "indicator {id}: short \"{short}\" is {} columns wide; at most {SHORT_WIDTH} (10 Chinese characters)",
                width(&short)
            ),
        ));
    }
    if raw.text.trim().is_empty() {
        return Err(fault("text", format!("indicator {id} has an empty text")));
    }
    let source = raw.source.unwrap_or_default();
    if source.trim().is_empty() {
        return Err(fault(
            "id",
            format!("indicator {id} needs its source: the words of the paragraph it comes from"),
        ));
    }
    for (key, value) in [("short", &short), ("text", &raw.text), ("source", &source)] {
        check_words(key, &format!("indicator {id}'s {key}"), value)?;
    }
    if !target_text.contains(&source) {
        return Err(fault(
            "source",
            format!(
                "indicator {id}: source \"{source}\" is not found word for word in target {target_id}'s text"
            ),
        ));
    }
    let kind: IndicatorKind = raw
        .kind
        .parse()
        .map_err(|e| fault("kind", format!("indicator {id}: {e}")))?;
    let requirement = match kind {
        IndicatorKind::Numeric => {
            let (Some(comparator), Some(threshold), Some(unit)) =
                (raw.comparator, raw.threshold, raw.unit)
            else {
                return Err(fault(
                    "kind",
                    format!("indicator {id} is numeric: it needs comparator, threshold and unit"),
                ));
            };
            let comparator: Comparator = comparator
                .parse()
                .map_err(|e| fault("comparator", format!("indicator {id}: {e}")))?;
            if !threshold.is_finite() || threshold < 0.0 {
                return Err(fault(
                    "threshold",
                    format!("indicator {id}: threshold must be a number, 0 or more"),
                ));
            }
            let unit = unit.trim().to_string();
            if unit.is_empty() {
                return Err(fault(
                    "unit",
                    format!("indicator {id}: unit is empty (%, 元, 平方米, 家, 个 …)"),
                ));
            }
            check_words("unit", &format!("indicator {id}'s unit"), &unit)?;
            if let Some(edge) = raw.partly {
                let beyond = match comparator {
                    Comparator::AtLeast => edge < threshold && edge >= 0.0,
                    Comparator::AtMost => edge > threshold,
                };
                if !edge.is_finite() || !beyond {
                    let side = match comparator {
                        Comparator::AtLeast => "below",
                        Comparator::AtMost => "above",
                    };
                    return Err(fault(
                        "partly",
                        format!(
                            "indicator {id}: partly (the edge of the 基本完成 band) must lie {side} the threshold {}",
                            crate::model::format_number(threshold)
                        ),
                    ));
                }
            }
            Some(Requirement {
                comparator,
                threshold,
                unit,
                partly: raw.partly,
            })
        }
        IndicatorKind::YesNo | IndicatorKind::Qualitative => {
            if let Some(key) = [
                ("comparator", raw.comparator.is_some()),
                ("threshold", raw.threshold.is_some()),
                ("unit", raw.unit.is_some()),
                ("partly", raw.partly.is_some()),
            ]
            .into_iter()
            .find_map(|(key, given)| given.then_some(key))
            {
                return Err(fault(
                    key,
                    format!(
                        "indicator {id} is {}: comparator, threshold, unit and partly belong only to numeric indicators",
                        kind.as_str()
                    ),
                ));
            }
            None
        }
    };
    for (key, value) in [("points", raw.points), ("deduct", raw.deduct)] {
        if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
            return Err(fault(
                key,
                format!("indicator {id}: {key} must be a number, 0 or more"),
            ));
        }
    }
    Ok(Indicator {
        id,
        short,
        text: raw.text,
        source,
        kind,
        requirement,
        // Settled with the target's other indicators (share_points).
        points: 0.0,
        veto: raw.veto.unwrap_or(false),
        deduct: raw.deduct.unwrap_or(0.0),
    })
}

/// Parses and checks a counties file (`code,name`, GB/T 2260 codes).
pub fn parse_counties(text: &str, path: &str) -> Result<Vec<County>, FileError> {
    let text = csv_text(text);
    let text = text.as_ref();
    let mut reader = csv_reader(text);
    let headers = reader
        .headers()
        .map_err(|e| csv_error(path, text, &e))?
        .clone();
    let mut lines = LineCounter::new(text);
    let header_line = headers
        .position()
        .map_or(1, |p| record_line(&mut lines, text, p));
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
        let line = record
            .position()
            .map_or(0, |p| record_line(&mut lines, text, p));
        let here = || Location::line(path, line);
        if record.iter().all(str::is_empty) {
            continue;
        }
        check_row_length(path, line, &record, &headers)?;
        let code = record.get(code_col).unwrap_or("").to_string();
        let name = record.get(name_col).unwrap_or("").to_string();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FileError::new(
                here(),
                format!("code \"{code}\" is not a six-digit GB/T 2260 code"),
            ));
        }
        if name.is_empty() {
            return Err(FileError::new(here(), format!("county {code} has no name")));
        }
        crate::text::check_words(&format!("county {code}'s name"), &name, false)
            .map_err(|m| FileError::new(here(), m))?;
        if name.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FileError::new(
                here(),
                format!(
                    "county {code}'s name \"{name}\" is a number; names and codes must not be confused"
                ),
            ));
        }
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

/// How kaohe reads every CSV: `#` lines are comments, cells are trimmed, and rows may differ
/// in length from the header so that the caller can say which row and how.
pub fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// A CSV text as the reader wants it: without a byte-order mark, and with old Mac line ends
/// (a lone CR) made LF, which the reader's comment handling needs. Byte offsets are kept.
pub fn csv_text(text: &str) -> std::borrow::Cow<'_, str> {
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
pub fn record_line(lines: &mut LineCounter<'_>, text: &str, position: &csv::Position) -> u64 {
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
    lines.line_at(at)
}

/// Refuses a row with more or fewer cells than the header has columns.
pub fn check_row_length(
    path: &str,
    line: u64,
    record: &csv::StringRecord,
    headers: &csv::StringRecord,
) -> Result<(), FileError> {
    if record.len() == headers.len() {
        return Ok(());
    }
    Err(FileError::new(
        Location::line(path, line),
        format!(
            "the row has {} columns but the header has {}",
            record.len(),
            headers.len()
        ),
    ))
}

/// A CSV reader's error, at the line of `text` it happened on.
pub fn csv_error(path: &str, text: &str, e: &csv::Error) -> FileError {
    let location = e.position().map_or_else(
        || Location::file(path),
        |p| Location::line(path, record_line(&mut LineCounter::new(text), text, p)),
    );
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text".to_string(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} columns but the header has {expected_len}"),
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
        assert!(
            e.starts_with(&format!("t.toml:{}:1:", line_of_key(&bad, "comparator"))),
            "{e}"
        );
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

    /// The line of the first line of `text` that starts with `key =`.
    fn line_of_key(text: &str, key: &str) -> usize {
        text.lines()
            .position(|l| l.trim_start().starts_with(&format!("{key} =")))
            .unwrap()
            + 1
    }

    #[test]
    fn errors_point_at_the_key_that_is_wrong() {
        let bad = MINIMAL.replace("threshold = 70", "threshold = nan");
        let line = line_of_key(&bad, "threshold");
        assert!(error_of(&bad).starts_with(&format!("t.toml:{line}:1: indicator 1.1: threshold")));

        let bad = MINIMAL.replace("title = \"2015年度目标\"", "title = \"\"");
        assert!(
            error_of(&bad).starts_with("t.toml:4:1: assessment.title is empty"),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace("date = 2015-03-01", "date = 2015-03-01T10:00:00");
        assert!(
            error_of(&bad).starts_with("t.toml:7:1: assessment.date"),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace("unit = \"%\"", "unit = \"% \\u001b[2J\"");
        let line = line_of_key(&bad, "unit");
        assert!(
            error_of(&bad).starts_with(&format!(
                "t.toml:{line}:1: indicator 1.1's unit contains the control character U+001B"
            )),
            "{}",
            error_of(&bad)
        );

        let bad = MINIMAL.replace(
            "date = 2015-03-01",
            "date = 2015-03-01\npreamble = \"a\\u0007b\"",
        );
        assert!(
            error_of(&bad).contains("assessment.preamble contains the control character U+0007"),
            "{}",
            error_of(&bad)
        );
    }

    #[test]
    fn reader_errors_are_plain() {
        let bad = MINIMAL.replace("year = 2015", "year = 2015\nyear = 2016");
        assert_eq!(error_of(&bad), "t.toml:4:1: the key year is given twice");
        let bad = MINIMAL.replace("year = 2015", "year = \"2015\"");
        assert!(
            error_of(&bad).contains("expected a whole number"),
            "{}",
            error_of(&bad)
        );
        let bad = MINIMAL.replace("threshold = 70", "threshold = \"70\"");
        assert!(
            error_of(&bad).contains("expected a number"),
            "{}",
            error_of(&bad)
        );
    }

    #[test]
    fn numbers_and_units_must_make_sense() {
        let bad = MINIMAL.replace("id = 1\nclass", "id = 2\nclass");
        assert!(
            error_of(&bad).contains("target id 2 should be 1"),
            "{}",
            error_of(&bad)
        );
        let bad = MINIMAL.replace("unit = \"%\"", "unit = \"\"");
        assert!(
            error_of(&bad).contains("unit is empty"),
            "{}",
            error_of(&bad)
        );
        let bad = MINIMAL.replace("threshold = 70", "threshold = -70");
        assert!(error_of(&bad).contains("0 or more"), "{}", error_of(&bad));
        let bad = MINIMAL.replace("year = 2015", "year = 0");
        assert!(
            error_of(&bad).contains("not a plausible year"),
            "{}",
            error_of(&bad)
        );
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
        let e = parse_counties("code,name\n330802,330803\n", "c.csv").unwrap_err();
        assert!(e.to_string().contains("is a number"), "{e}");
        let e = parse_counties("code,name\n330802,柯城区,多余\n", "c.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.csv:2: the row has 3 columns but the header has 2"
        );
        let e = parse_counties("county,name\n", "c.csv").unwrap_err();
        assert!(e.to_string().starts_with("c.csv:1: the header must name"));
        let e = parse_counties("# only a comment\ncode,name\n", "c.csv").unwrap_err();
        assert_eq!(e.to_string(), "c.csv: no counties listed");
    }
}
