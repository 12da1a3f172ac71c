//! The evidence `kaohe import` takes beside a sheet: the folder or zip given with `--evidence`,
//! or found beside the sheet; listed and checked before anything is written, its files kept in
//! the store (streamed, with a progress line), then tied to the items in the import's one
//! transaction. A refused import takes back the files it put there.
//!
//! Found beside the sheet `DIR/NAME.xlsx`, in this order: a folder `DIR/NAME/` or a zip
//! `DIR/NAME.zip` (the sheet's own name), else `DIR/佐证材料/` or `DIR/佐证材料.zip`. Two of one
//! rank are refused (say which with `--evidence`); `--no-evidence` takes the sheet alone.

use super::context::Context;
use super::progress::ProgressLine;
use super::table::plural;
use crate::evidence::bundle::Bundle;
use crate::evidence::folders::{Assigned, CountyName, assign};
use crate::evidence::kind::Hashing;
use crate::evidence::names::SentFile;
use crate::evidence::resolve::Citation;
use crate::host::privilege::with_kaohe_group;
use crate::lookup::{Lookup, SubmissionRow};
use crate::source::limits::{Limits, Size};
use crate::store::{
    Blobs, CountyFiles, EvidenceIn, EvidenceOutcome, ImportPreview, Kept, Reviewer, Store,
};
use crate::text::clean;
use crate::tui::strings::Lang;
use anyhow::{Result, anyhow, bail};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder's name a county's evidence is looked for under, beside any sheet.
const EVIDENCE_FOLDER: &str = "佐证材料";

/// Where the evidence came from, as the result line says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Given(PathBuf),
    /// Found beside the sheet, and by which rule.
    Beside(PathBuf, &'static str),
}

impl Source {
    fn path(&self) -> &Path {
        match self {
            Source::Given(p) | Source::Beside(p, _) => p,
        }
    }

    /// "柯城区/ (found beside the sheet: the sheet's name)".
    fn words(&self) -> String {
        let shown = clean(&self.path().display().to_string());
        match self {
            Source::Given(_) => shown,
            Source::Beside(_, rule) => format!("{shown} (found beside the sheet: {rule})"),
        }
    }
}

/// The evidence for the import of `sheet`: `--evidence PATH`, nothing with `--no-evidence`,
/// else what lies beside the sheet (see the module's note).
pub fn locate(sheet: &Path, given: Option<&Path>, none: bool) -> Result<Option<Source>> {
    if let Some(path) = given {
        return Ok(Some(Source::Given(path.to_path_buf())));
    }
    if none {
        return Ok(None);
    }
    // Beside the sheet, named as the sheet is named (no "./" before a bare name).
    let beside = |name: &std::ffi::OsStr| sheet.with_file_name(name);
    let stem = sheet.file_stem().map(|s| s.to_os_string());
    let mut ranks: Vec<(Vec<PathBuf>, &'static str)> = Vec::new();
    if let Some(stem) = stem {
        let mut zip = stem.clone();
        zip.push(".zip");
        let mut upper = stem.clone();
        upper.push(".ZIP");
        ranks.push((
            vec![beside(&stem), beside(&zip), beside(&upper)],
            "the sheet's name",
        ));
    }
    ranks.push((
        vec![
            beside(EVIDENCE_FOLDER.as_ref()),
            beside(format!("{EVIDENCE_FOLDER}.zip").as_ref()),
            beside(format!("{EVIDENCE_FOLDER}.ZIP").as_ref()),
        ],
        EVIDENCE_FOLDER,
    ));
    for (candidates, rule) in ranks {
        let mut there: Vec<PathBuf> = candidates
            .into_iter()
            .filter(|p| {
                // The sheet itself is never its own evidence; a zip's name differs in case
                // only on a file system that ignores case.
                p.as_path() != sheet
                    && std::fs::metadata(p)
                        .is_ok_and(|m| m.is_dir() || (m.is_file() && is_zip_name(p)))
            })
            .collect();
        there.dedup_by(|a, b| same_file(a, b));
        match there.as_slice() {
            [] => continue,
            [one] => return Ok(Some(Source::Beside(one.clone(), rule))),
            several => {
                let names: Vec<String> = several
                    .iter()
                    .map(|p| clean(&p.display().to_string()))
                    .collect();
                bail!(
                    "both {} lie beside the sheet: say which is the county's evidence with --evidence PATH (or import the sheet alone with --no-evidence)",
                    names.join(" and ")
                );
            }
        }
    }
    Ok(None)
}

fn is_zip_name(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// A county's evidence, listed: refused here, before the sheet is read or a database made,
/// if it cannot be taken.
pub struct Evidence {
    source: Source,
    bundle: Bundle,
}

impl Evidence {
    /// Lists the evidence at `source`, refusing a folder that holds the database `db` (its
    /// store of evidence with it).
    pub fn open(source: Source, limits: &Limits, db: &Path) -> Result<Evidence> {
        if let (Ok(folder), Ok(dir)) = (
            std::fs::canonicalize(source.path()),
            std::fs::canonicalize(crate::store::parent_dir(db)),
        ) {
            if folder.is_dir() && dir.starts_with(&folder) {
                bail!(
                    "{} holds the database itself: give the folder of the county's evidence alone",
                    clean(&source.path().display().to_string())
                );
            }
        }
        let bundle = Bundle::open(source.path(), &limits.evidence())?;
        Ok(Evidence { source, bundle })
    }

    /// Whose files are whose, against the counties of `rows` (refused, naming the folder, if
    /// that cannot be told).
    pub fn assign(&self, rows: &[SubmissionRow], lookup: &Lookup) -> Result<Assigned> {
        let all: Vec<CountyName> = lookup
            .all_counties()
            .map(|c| CountyName {
                code: c.code.clone(),
                name: c.name.clone(),
            })
            .collect();
        let mut sheet: Vec<CountyName> = Vec::new();
        for row in rows {
            if !sheet.iter().any(|c| c.code == row.county_code) {
                if let Some(c) = all.iter().find(|c| c.code == row.county_code) {
                    sheet.push(c.clone());
                }
            }
        }
        let paths: Vec<String> = self
            .bundle
            .entries()
            .iter()
            .map(|e| e.path.clone())
            .collect();
        assign(&paths, &sheet, &all)
            .map_err(|why: String| anyhow!("{}: {}", clean(self.bundle.shown()), clean(&why)))
    }

    /// Streams every file of `assigned` through SHA-256: into the store under `blobs`, or
    /// (`None`, a dry run) nowhere. Answers what the import brings; `written` gets the
    /// contents this put into the store, as they are put there (to be taken back if the
    /// import is refused, even midway).
    pub fn keep(
        &mut self,
        assigned: &Assigned,
        blobs: Option<&Blobs>,
        written: &mut Vec<String>,
    ) -> Result<EvidenceIn> {
        self.keep_into(assigned, blobs, written)
    }

    fn keep_into(
        &mut self,
        assigned: &Assigned,
        blobs: Option<&Blobs>,
        written: &mut Vec<String>,
    ) -> Result<EvidenceIn> {
        if let Some(blobs) = blobs {
            with_kaohe_group(|| blobs.prepare())?;
        }
        let entries: Vec<usize> = assigned
            .by_county
            .values()
            .flat_map(|files| files.iter().map(|(i, _)| *i))
            .collect();
        let total: u64 = entries
            .iter()
            .filter_map(|&i| self.bundle.entries().get(i))
            .map(|e| e.size)
            .sum();
        let mut progress = ProgressLine::on_stderr();
        let mut done_bytes: u64 = 0;
        let mut by_entry: HashMap<usize, Kept> = HashMap::new();
        for (n, &i) in entries.iter().enumerate() {
            let name = self
                .bundle
                .entries()
                .get(i)
                .map(|e| e.path.clone())
                .unwrap_or_default();
            let files = (n, entries.len());
            let mut tick = |bytes: u64| {
                done_bytes += bytes;
                progress.update_evidence(files, (done_bytes, total));
            };
            let kept = match blobs {
                Some(blobs) => {
                    let mut temp = with_kaohe_group(|| blobs.temp())?;
                    self.bundle.copy(i, &mut temp, &mut tick)?;
                    let kept = with_kaohe_group(|| blobs.keep(temp, &name))?;
                    if kept.new {
                        written.push(kept.sha256.clone());
                    }
                    kept
                }
                None => {
                    let mut sink = Hashing::new(std::io::sink());
                    self.bundle.copy(i, &mut sink, &mut tick)?;
                    let kind = crate::evidence::FileKind::sniff(sink.head(), &name);
                    let (sha256, size, _, _) = sink.finish();
                    Kept {
                        sha256,
                        size,
                        kind,
                        new: false,
                    }
                }
            };
            by_entry.insert(i, kept);
        }
        progress.clear();
        let mut brought = EvidenceIn {
            source: self.bundle.shown().to_string(),
            ..EvidenceIn::default()
        };
        for (code, files) in &assigned.by_county {
            let mut sent = Vec::new();
            for (i, path) in files {
                if let Some(kept) = by_entry.get(i) {
                    sent.push(SentFile {
                        path: path.clone(),
                        sha256: kept.sha256.clone(),
                    });
                    if !brought.blobs.iter().any(|b| b.sha256 == kept.sha256) {
                        brought.blobs.push(kept.clone());
                    }
                }
            }
            brought.counties.push(CountyFiles {
                county_code: code.clone(),
                files: sent,
            });
        }
        Ok(brought)
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    pub fn passed_over(&self) -> usize {
        self.bundle.passed_over().len()
    }
}

/// The import, with its evidence: the files kept, then the submissions and the ties in one
/// transaction. Refused, it takes back the files it put there (under the write lock, so that
/// none another import holds meanwhile is taken).
pub fn import(
    store: &mut Store,
    rows: &[SubmissionRow],
    file: &str,
    who: &Reviewer,
    evidence: Option<(&mut Evidence, &Assigned)>,
    most: usize,
) -> Result<(ImportPreview, EvidenceOutcome, Option<EvidenceIn>)> {
    let Some((evidence, assigned)) = evidence else {
        let (changes, outcome) =
            store.import_with_evidence_saying(rows, file, who, None, Some(most))?;
        return Ok((changes.unwrap_or_default(), outcome, None));
    };
    // A lock (审定) refuses the import: said before gigabytes are copied.
    store.refuse_locked_rows(rows, file)?;
    // The store's files are reached with kaohe's group (the guarded set-up); the county's,
    // as the user.
    let blobs = with_kaohe_group(|| store.blobs())?;
    let mut written = Vec::new();
    let imported = evidence
        .keep(assigned, Some(&blobs), &mut written)
        .and_then(|brought| {
            let (changes, outcome) = with_kaohe_group(|| {
                store.import_with_evidence_saying(rows, file, who, Some(&brought), Some(most))
            })?;
            Ok((changes.unwrap_or_default(), outcome, Some(brought)))
        });
    if imported.is_err() {
        // Under the write lock, so that none another import tied meanwhile is taken. If the
        // lock cannot be had, they stay: a file no import holds is clutter, never a wrong tie.
        let _ = with_kaohe_group(|| store.forget_blobs(&blobs, &written));
    }
    imported
}

/// What the import would find (`--dry-run`): the files hashed, not kept; compared with the
/// database as it is, or with a scratch one made as it would be.
pub fn preview(
    context: &Context,
    rows: &[SubmissionRow],
    evidence: Option<(&mut Evidence, &Assigned)>,
) -> Result<(EvidenceOutcome, Option<EvidenceIn>, usize)> {
    let brought = match evidence {
        Some((e, assigned)) => Some(e.keep(assigned, None, &mut Vec::new())?),
        None => None,
    };
    let outcome = |store: &Store| -> Result<(EvidenceOutcome, usize)> {
        let outcome = store.evidence_preview(rows, brought.as_ref())?;
        let held = match &brought {
            Some(b) => {
                let blobs = with_kaohe_group(|| store.blobs())?;
                with_kaohe_group(|| {
                    Ok(b.blobs
                        .iter()
                        .filter(|k| blobs.holds(&k.sha256, k.size))
                        .count())
                })?
            }
            None => 0,
        };
        Ok((outcome, held))
    };
    let (outcome, held) = if context.would_create()? {
        let scratch = tempfile::tempdir()
            .map_err(|e| anyhow!(e).context("cannot make a scratch directory"))?;
        let store = Store::create(
            &scratch.path().join("preview.db"),
            &context.embedded_seed()?,
            &context.named_reviewer(),
        )?;
        outcome(&store)?
    } else {
        outcome(&context.open_existing()?)?
    };
    Ok((outcome, brought, held))
}

/// The database's names (or the embedded set's, where it would be made), for a dry run.
pub fn lookup(context: &Context) -> Result<Lookup> {
    if context.would_create()? {
        let seed = context.embedded_seed()?;
        Ok(Lookup::from_parts(&seed.catalog, &seed.counties))
    } else {
        context.open_existing()?.lookup()
    }
}

/// Each county's name by its code.
pub fn county_names(lookup: &Lookup) -> BTreeMap<String, String> {
    lookup
        .all_counties()
        .map(|c| (c.code.clone(), c.name.clone()))
        .collect()
}

/// "; evidence from 柯城区/ (…): 57 files, 312 MiB (55 new); 61 names cited: 58 found, 2
/// missing, 1 ambiguous; 3 files cited by no item; 1 request answered (closed)".
pub fn summary(
    evidence: Option<&Evidence>,
    brought: Option<&EvidenceIn>,
    outcome: &EvidenceOutcome,
    held: Option<usize>,
    dry_run: bool,
) -> String {
    let mut words = String::new();
    if let (Some(e), Some(b)) = (evidence, brought) {
        let files: usize = b.counties.iter().map(|c| c.files.len()).sum();
        let bytes: u64 = b.blobs.iter().map(|k| k.size).sum();
        let contents = b.blobs.len();
        let new = match held {
            Some(h) => contents.saturating_sub(h),
            None => b.blobs.iter().filter(|k| k.new).count(),
        };
        let mut kept = format!("{}, {}", plural(files, "file"), Size(bytes));
        if contents < files {
            kept.push_str(&format!(", {contents} different contents"));
        }
        let already = contents - new.min(contents);
        kept.push_str(&match (new, already, dry_run) {
            (0, _, _) => " (all kept already)".to_string(),
            (_, 0, false) => " (all new)".to_string(),
            (_, 0, true) => " (all would be new)".to_string(),
            (n, a, false) => format!(" ({n} new, {a} kept already)"),
            (n, a, true) => format!(" ({n} would be new, {a} kept already)"),
        });
        words.push_str(&format!("; evidence from {}: {kept}", e.source().words()));
        if e.passed_over() > 0 {
            words.push_str(&format!(
                " ({} passed over: .DS_Store, Thumbs.db, hidden and Office lock files)",
                plural(e.passed_over(), "system file")
            ));
        }
    }
    let cited: usize = outcome
        .counties
        .iter()
        .flat_map(|c| c.items.iter())
        .map(|(_, c)| c.len())
        .sum();
    if cited > 0 || !outcome.counties.is_empty() {
        let missing = outcome.missing().count();
        let ambiguous = outcome.ambiguous().count();
        words.push_str(&format!(
            "; {} cited: {} found, {missing} missing, {ambiguous} ambiguous",
            plural(cited, "name"),
            outcome.tied()
        ));
        let uncited: usize = outcome.counties.iter().map(|c| c.uncited.len()).sum();
        if uncited > 0 {
            words.push_str(&format!("; {} cited by no item", plural(uncited, "file")));
        }
    }
    if !outcome.closed.is_empty() {
        let verb = if dry_run {
            "would be answered"
        } else {
            "answered"
        };
        words.push_str(&format!(
            "; {} {verb} by new evidence (closed; a verdict given on its item is marked changed since reviewed, 评定后数据已变)",
            plural(outcome.closed.len(), "request")
        ));
    }
    words
}

/// The names missing and ambiguous, the files no item cites, the requests answered: a line
/// each, up to 20 of each, then how many more.
pub fn write_details(
    outcome: &EvidenceOutcome,
    counties: &BTreeMap<String, String>,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<()> {
    const SHOWN: usize = 20;
    let zh = lang == Lang::Zh;
    let county = |code: &str| {
        format!(
            "{code} {}",
            counties.get(code).map(String::as_str).unwrap_or_default()
        )
    };
    let mut lines = |label: &str, all: Vec<String>| -> Result<()> {
        for line in all.iter().take(SHOWN) {
            writeln!(out, "  {label} {}", clean(line))?;
        }
        if all.len() > SHOWN {
            writeln!(out, "  {label} … and {} more", all.len() - SHOWN)?;
        }
        Ok(())
    };
    let missing = outcome
        .missing()
        .map(|(c, i, name)| {
            if zh {
                format!("{} {i}：{name}（未收到此文件）", county(c))
            } else {
                format!("{} {i}: {name} (no such file came)", county(c))
            }
        })
        .collect();
    lines(if zh { "缺失" } else { "missing" }, missing)?;
    let ambiguous = outcome
        .ambiguous()
        .map(|(c, i, citation)| {
            let candidates = match citation {
                Citation::Ambiguous { candidates, .. } => candidates.join(if zh { "、" } else { ", " }),
                _ => String::new(),
            };
            if zh {
                format!(
                    "{} {i}：{} 对应多个文件（{candidates}），未关联：请在佐证材料栏写明扩展名或文件夹",
                    county(c),
                    citation.cited()
                )
            } else {
                format!(
                    "{} {i}: {} matches several files ({candidates}), none tied: name it with its extension or folder",
                    county(c),
                    citation.cited()
                )
            }
        })
        .collect();
    lines(if zh { "不唯一" } else { "ambiguous" }, ambiguous)?;
    let uncited = outcome
        .counties
        .iter()
        .flat_map(|c| {
            c.uncited.iter().map(move |f| {
                if zh {
                    format!("{}：{}（没有指标引用）", county(&c.county_code), f.path)
                } else {
                    format!("{}: {} (cited by no item)", county(&c.county_code), f.path)
                }
            })
        })
        .collect();
    lines(if zh { "未引用" } else { "uncited" }, uncited)?;
    let closed = outcome
        .closed
        .iter()
        .map(|r| {
            if zh {
                format!(
                    "#{} {} {}：{}（{} 退回补充，已收到新材料）",
                    r.id,
                    county(&r.county_code),
                    r.indicator_id,
                    r.reason,
                    r.asked_by
                )
            } else {
                format!(
                    "#{} {} {}: {} (asked by {}; new evidence came)",
                    r.id,
                    county(&r.county_code),
                    r.indicator_id,
                    r.reason,
                    r.asked_by
                )
            }
        })
        .collect();
    lines(if zh { "已补充" } else { "answered" }, closed)?;
    Ok(())
}
