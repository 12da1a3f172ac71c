//! The evidence counties send: each file's content kept once, outside the database, under its
//! SHA-256 (`<db>.evidence/ab/abcdef…`); in the database, what came from whom under which
//! name, and what each item's evidence column cites (a file tied to it, missing, or matching
//! several). What an item's evidence is, as the detail pane, the viewer and the exports read it.

use crate::blobs::{Blobs, Kept};
use crate::submissions::ImportPreview;
use crate::{Reviewer, Store, now};
use anyhow::{Result, bail};
use kaohe_core::evidence::names::SentFile;
use kaohe_core::evidence::resolve::{Citation, Tiers};
use kaohe_core::evidence::{
    EvidenceFile, FileKind, ItemEvidence, Request, Summary, ambiguous_words,
};
use kaohe_core::lookup::SubmissionRow;
use rusqlite::{Connection, Transaction, params};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The directory beside the database where its evidence files are kept: `<db>.evidence`.
pub fn evidence_dir(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".evidence");
    PathBuf::from(name)
}

/// Where the file of content `sha256` is kept under `dir`: `dir/ab/abcdef…`.
pub fn blob_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(sha256.get(..2).unwrap_or("__")).join(sha256)
}

/// One item's evidence as `conn` sees it.
pub(crate) fn item_evidence(
    conn: &Connection,
    county_code: &str,
    indicator_id: &str,
) -> Result<ItemEvidence> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.state, c.cited, c.path, b.sha256, b.kind, b.size, b.pages
         FROM evidence_citations c LEFT JOIN evidence_blobs b ON b.sha256 = c.sha256
         WHERE c.county_code = ?1 AND c.indicator_id = ?2 ORDER BY c.position",
    )?;
    let mut rows = stmt.query(params![county_code, indicator_id])?;
    let mut evidence = ItemEvidence::default();
    while let Some(r) = rows.next()? {
        let state: String = r.get(0)?;
        let cited: String = r.get(1)?;
        match state.as_str() {
            "tied" => {
                let file = file_of(r.get(2)?, r, 3)?;
                // Two names citing the same content are one file.
                if !evidence.files.iter().any(|f| f.sha256 == file.sha256) {
                    evidence.files.push(file);
                }
            }
            "ambiguous" => evidence.ambiguous.push(cited),
            _ => evidence.missing.push(cited),
        }
    }
    Ok(evidence)
}

/// A file from its path and the blob's columns (sha256, kind, size, pages) from `at` of `r`.
fn file_of(
    path: Option<String>,
    r: &rusqlite::Row<'_>,
    at: usize,
) -> rusqlite::Result<EvidenceFile> {
    let path = path.unwrap_or_default();
    let kind: Option<String> = r.get(at + 1)?;
    Ok(EvidenceFile {
        name: file_name(&path).to_string(),
        sha256: r.get::<_, Option<String>>(at)?.unwrap_or_default(),
        kind: kind
            .as_deref()
            .and_then(FileKind::from_name)
            .unwrap_or(FileKind::Other),
        size: r.get::<_, Option<i64>>(at + 2)?.unwrap_or(0).max(0) as u64,
        pages: r
            .get::<_, Option<i64>>(at + 3)?
            .and_then(|p| u32::try_from(p).ok()),
    })
}

/// The last component of a path kept with '/' between folders.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

impl Store {
    /// One county × indicator's evidence: the files tied to it (in the order its evidence
    /// column cites them), and the names it cites that are missing or ambiguous.
    pub fn evidence_for(&self, county_code: &str, indicator_id: &str) -> Result<ItemEvidence> {
        item_evidence(&self.conn, county_code, indicator_id)
    }

    /// A county's files that no item of it cites: of each path, the latest import's file, each
    /// content once. `path` in each answer is the file's path as sent (its name last).
    pub fn uncited_files(&self, county_code: &str) -> Result<Vec<(String, EvidenceFile)>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.path, b.sha256, b.kind, b.size, b.pages FROM evidence_received r
             JOIN evidence_blobs b ON b.sha256 = r.sha256
             WHERE r.county_code = ?1
               AND r.import_id = (SELECT MAX(x.import_id) FROM evidence_received x
                                  WHERE x.county_code = r.county_code AND x.path = r.path)
               AND NOT EXISTS (SELECT 1 FROM evidence_citations c
                               WHERE c.county_code = r.county_code AND c.sha256 = r.sha256)
             ORDER BY r.path",
        )?;
        let mut rows = stmt.query([county_code])?;
        let mut seen = HashSet::new();
        let mut files = Vec::new();
        while let Some(r) = rows.next()? {
            let path: String = r.get(0)?;
            let file = file_of(Some(path.clone()), r, 1)?;
            if seen.insert(file.sha256.clone()) {
                files.push((path, file));
            }
        }
        Ok(files)
    }

    /// Where the file of content `sha256` (an [`EvidenceFile::sha256`]) is kept. It is
    /// read-only; in the guarded set-up only kaohe's group may open it.
    pub fn evidence_path(&self, sha256: &str) -> PathBuf {
        blob_path(&evidence_dir(&self.path), sha256)
    }
}

/// What an import brings of evidence: the folder or zip it came in, the files kept, and each
/// county's files under their paths in its folder.
#[derive(Debug, Clone, Default)]
pub struct EvidenceIn {
    /// The folder or zip, as named.
    pub source: String,
    /// Every file kept (each content once).
    pub blobs: Vec<Kept>,
    /// The counties this import brings evidence for, each with its files (none: the county's
    /// folder was missing, so everything its items cite is).
    pub counties: Vec<CountyFiles>,
}

/// One county's files in an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyFiles {
    pub county_code: String,
    pub files: Vec<SentFile>,
}

/// What an import did, or would do, with the evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceOutcome {
    /// Each county whose items' citations were looked at, in the catalog's order.
    pub counties: Vec<CountyOutcome>,
    /// The requests the new evidence answered (closed, or to be closed on a dry run).
    pub closed: Vec<Request>,
}

/// One county's citations as found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CountyOutcome {
    pub county_code: String,
    /// Whether this import brought its files (else they were looked for among earlier ones).
    pub brought: bool,
    /// How many files this import brought for it.
    pub files: usize,
    /// Each submitted item's citations, indicators in document order (items citing nothing
    /// left out).
    pub items: Vec<(String, Vec<Citation>)>,
    /// This import's files of the county that no item cites.
    pub uncited: Vec<SentFile>,
}

impl EvidenceOutcome {
    /// (county code, indicator, name) of each name cited that no file matches.
    pub fn missing(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.cited(|c| matches!(c, Citation::Missing { .. }))
    }

    /// Each name cited that matches several files, with them.
    pub fn ambiguous(&self) -> impl Iterator<Item = (&str, &str, &Citation)> {
        self.counties.iter().flat_map(|c| {
            c.items.iter().flat_map(move |(ind, cs)| {
                cs.iter()
                    .filter(|x| matches!(x, Citation::Ambiguous { .. }))
                    .map(move |x| (c.county_code.as_str(), ind.as_str(), x))
            })
        })
    }

    /// How many names found their file.
    pub fn tied(&self) -> usize {
        self.cited(|c| matches!(c, Citation::Tied { .. })).count()
    }

    fn cited(
        &self,
        keep: impl Fn(&Citation) -> bool + Copy,
    ) -> impl Iterator<Item = (&str, &str, &str)> {
        self.counties.iter().flat_map(move |c| {
            c.items.iter().flat_map(move |(ind, cs)| {
                cs.iter()
                    .filter(move |x| keep(x))
                    .map(move |x| (c.county_code.as_str(), ind.as_str(), x.cited()))
            })
        })
    }
}

/// The import's evidence resolved against what the database holds: for every county that
/// brings files now, or is in `rows` and brought some before, every submitted item's evidence
/// column (as `rows` give it, else as held) looked for among its files, newest first.
/// `this_import`: the import's id when it is written (its own files are then not "earlier").
fn resolve(
    conn: &Connection,
    rows: &[SubmissionRow],
    evidence: Option<&EvidenceIn>,
    this_import: Option<i64>,
) -> Result<EvidenceOutcome> {
    let brought: BTreeMap<&str, &CountyFiles> = evidence
        .map(|e| {
            e.counties
                .iter()
                .map(|c| (c.county_code.as_str(), c))
                .collect()
        })
        .unwrap_or_default();
    let mut concerned: Vec<String> = brought.keys().map(|c| c.to_string()).collect();
    {
        let mut had = conn.prepare_cached(
            "SELECT 1 FROM evidence_imports WHERE county_code = ?1 AND import_id IS NOT ?2",
        )?;
        let mut seen: HashSet<&str> = HashSet::new();
        for row in rows {
            let code = row.county_code.as_str();
            if seen.insert(code)
                && !brought.contains_key(code)
                && had.exists(params![code, this_import])?
            {
                concerned.push(code.to_string());
            }
        }
    }
    // In the catalog's order.
    let position: HashMap<String, i64> = conn
        .prepare("SELECT code, position FROM counties")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    concerned.sort_by_key(|c| position.get(c).copied().unwrap_or(i64::MAX));

    let mut outcome = EvidenceOutcome::default();
    for code in concerned {
        // Earlier imports' files, newest first, a tier each.
        let mut tiers: Vec<Vec<SentFile>> = vec![
            brought
                .get(code.as_str())
                .map(|c| c.files.clone())
                .unwrap_or_default(),
        ];
        {
            let mut stmt = conn.prepare_cached(
                "SELECT import_id, path, sha256 FROM evidence_received
                 WHERE county_code = ?1 AND import_id IS NOT ?2
                 ORDER BY import_id DESC, path",
            )?;
            let mut q = stmt.query(params![code, this_import])?;
            let mut last: Option<i64> = None;
            while let Some(r) = q.next()? {
                let import: i64 = r.get(0)?;
                if last != Some(import) {
                    tiers.push(Vec::new());
                    last = Some(import);
                }
                if let Some(tier) = tiers.last_mut() {
                    tier.push(SentFile {
                        path: r.get(1)?,
                        sha256: r.get(2)?,
                    });
                }
            }
        }
        let tiers = Tiers::new(tiers);
        // Every submitted item's evidence column: the rows' over what is held.
        let mut texts: BTreeMap<(i64, i64), (String, String)> = BTreeMap::new();
        {
            let mut stmt = conn.prepare_cached(
                "SELECT s.indicator_id, s.evidence, t.position, i.position FROM submissions s
                 JOIN indicators i ON i.id = s.indicator_id JOIN targets t ON t.id = i.target_id
                 WHERE s.county_code = ?1",
            )?;
            let mut q = stmt.query([&code])?;
            while let Some(r) = q.next()? {
                texts.insert((r.get(2)?, r.get(3)?), (r.get(0)?, r.get(1)?));
            }
        }
        let order: HashMap<String, (i64, i64)> = conn
            .prepare_cached(
                "SELECT i.id, t.position, i.position FROM indicators i
                 JOIN targets t ON t.id = i.target_id",
            )?
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        for row in rows.iter().filter(|r| r.county_code == code) {
            if let Some(&at) = order.get(&row.indicator_id) {
                texts.insert(
                    at,
                    (row.indicator_id.clone(), row.submission.evidence.clone()),
                );
            }
        }
        let items: Vec<(String, Vec<Citation>)> = texts
            .into_values()
            .map(|(indicator, text)| (indicator, tiers.cite(&text)))
            .collect();
        let uncited = tiers.uncited(items.iter().flat_map(|(_, c)| c.iter()));
        outcome.counties.push(CountyOutcome {
            files: brought.get(code.as_str()).map_or(0, |c| c.files.len()),
            brought: brought.contains_key(code.as_str()),
            county_code: code,
            items,
            uncited,
        });
    }
    // The requests new evidence answers: an open one on an item now tied to a file it was not.
    for county in &outcome.counties {
        for (indicator, citations) in &county.items {
            let open = crate::requests::open_requests_of(conn, &county.county_code, indicator)?;
            if open.is_empty() {
                continue;
            }
            let before = tied_shas(conn, &county.county_code, indicator)?;
            let new = citations.iter().any(|c| match c {
                Citation::Tied { sha256, .. } => !before.contains(sha256),
                _ => false,
            });
            if new {
                outcome.closed.extend(open);
            }
        }
    }
    Ok(outcome)
}

/// The contents tied to one item now.
fn tied_shas(conn: &Connection, county_code: &str, indicator_id: &str) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sha256 FROM evidence_citations
         WHERE county_code = ?1 AND indicator_id = ?2 AND sha256 IS NOT NULL",
    )?;
    let rows = stmt.query_map(params![county_code, indicator_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes what `resolve` found, inside the import's transaction `tx` (import `import_id`): the
/// files kept, what each county sent, every citation, and the requests answered closed, their
/// items' verdicts marked changed since reviewed (one revision more, as a changed figure
/// does).
fn write_evidence(
    tx: &Transaction<'_>,
    blobs: Option<&Blobs>,
    import_id: i64,
    evidence: Option<&EvidenceIn>,
    outcome: &EvidenceOutcome,
) -> Result<()> {
    if let (Some(e), Some(blobs)) = (evidence, blobs) {
        let mut blob = tx.prepare(
            "INSERT INTO evidence_blobs (sha256, size, kind, first_import) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (sha256) DO NOTHING",
        )?;
        for b in &e.blobs {
            // Looked at inside the write: a refused import's clean-up cannot take it now.
            if !blobs.holds(&b.sha256, b.size) {
                bail!(
                    "the evidence file {} went missing while the import ran (another import refused at the same moment?): import again",
                    blobs.path(&b.sha256).display()
                );
            }
            blob.execute(params![b.sha256, b.size as i64, b.kind.as_str(), import_id])?;
        }
        let mut received = tx.prepare(
            "INSERT INTO evidence_received (import_id, county_code, path, sha256)
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut imports = tx.prepare(
            "INSERT INTO evidence_imports (import_id, county_code, source, files, bytes)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let sizes: HashMap<&str, u64> = e
            .blobs
            .iter()
            .map(|b| (b.sha256.as_str(), b.size))
            .collect();
        for c in &e.counties {
            let mut bytes: u64 = 0;
            for f in &c.files {
                received.execute(params![import_id, c.county_code, f.path, f.sha256])?;
                bytes += sizes.get(f.sha256.as_str()).copied().unwrap_or(0);
            }
            imports.execute(params![
                import_id,
                c.county_code,
                e.source,
                c.files.len() as i64,
                bytes as i64
            ])?;
        }
    }
    let mut forget = tx.prepare_cached(
        "DELETE FROM evidence_citations WHERE county_code = ?1 AND indicator_id = ?2",
    )?;
    let mut cite = tx.prepare_cached(
        "INSERT INTO evidence_citations (county_code, indicator_id, position, cited, state, path,
             sha256, candidates, import_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for county in &outcome.counties {
        for (indicator, citations) in &county.items {
            forget.execute(params![county.county_code, indicator])?;
            for (position, c) in citations.iter().enumerate() {
                let (state, path, sha, candidates) = match c {
                    Citation::Tied { path, sha256, .. } => {
                        ("tied", Some(path.as_str()), Some(sha256.as_str()), None)
                    }
                    Citation::Missing { .. } => ("missing", None, None, None),
                    Citation::Ambiguous { candidates, .. } => {
                        ("ambiguous", None, None, Some(candidates.join("\n")))
                    }
                };
                cite.execute(params![
                    county.county_code,
                    indicator,
                    position as i64,
                    c.cited(),
                    state,
                    path,
                    sha,
                    candidates,
                    import_id
                ])?;
            }
        }
    }
    let at = now();
    let mut close = tx.prepare_cached(
        "UPDATE requests SET closed_at = ?2, closed_by = ?3 WHERE id = ?1 AND closed_at IS NULL",
    )?;
    let mut bump = tx.prepare_cached(
        "UPDATE submissions SET revision = revision + 1 WHERE county_code = ?1 AND indicator_id = ?2",
    )?;
    let mut bumped: HashSet<(&str, &str)> = HashSet::new();
    for r in &outcome.closed {
        close.execute(params![r.id, at, import_id])?;
        if bumped.insert((&r.county_code, &r.indicator_id)) {
            bump.execute(params![r.county_code, r.indicator_id])?;
        }
    }
    Ok(())
}

impl Store {
    /// Imports `rows` from `file` with the evidence that came with them, all or nothing, in one
    /// transaction: the submissions, the files kept (already on disk, under `blobs`), each
    /// county's files, every citation found, and the requests the new evidence answered
    /// closed (their verdicts then changed since reviewed). Without evidence, the citations of
    /// counties that sent evidence before are looked for again among their earlier files.
    pub fn import_with_evidence(
        &mut self,
        rows: &[SubmissionRow],
        file: &str,
        who: &Reviewer,
        evidence: Option<&EvidenceIn>,
    ) -> Result<(usize, EvidenceOutcome)> {
        self.import_with_evidence_saying(rows, file, who, evidence, None)
            .map(|(_, outcome)| (rows.len(), outcome))
    }

    /// [`Store::import_with_evidence`], answering also what the import changed when `saying`
    /// (the most entries of each list), as [`Store::import_submissions_saying`] does.
    pub fn import_with_evidence_saying(
        &mut self,
        rows: &[SubmissionRow],
        file: &str,
        who: &Reviewer,
        evidence: Option<&EvidenceIn>,
        saying: Option<usize>,
    ) -> Result<(Option<ImportPreview>, EvidenceOutcome)> {
        // The files' directory is looked at only where files came (a guarded kaohe may stat
        // it only with its group).
        let blobs = evidence.map(|_| self.blobs()).transpose()?;
        self.import_submissions_with(rows, file, who, saying, |tx, import_id| {
            let outcome = resolve(tx, rows, evidence, Some(import_id))?;
            write_evidence(tx, blobs.as_ref(), import_id, evidence, &outcome)?;
            let mut outcome = outcome;
            let at = now();
            let import_file: Option<String> = Some(file.to_string());
            for r in &mut outcome.closed {
                r.closed_at = Some(at.clone());
                r.closed_by = import_file.clone();
            }
            Ok(outcome)
        })
    }

    /// What [`Store::import_with_evidence`] would find, writing nothing.
    pub fn evidence_preview(
        &self,
        rows: &[SubmissionRow],
        evidence: Option<&EvidenceIn>,
    ) -> Result<EvidenceOutcome> {
        resolve(&self.conn, rows, evidence, None)
    }
}

/// What the exports say of county `county_code`'s items' evidence, by indicator id: items
/// with neither a citation nor an open request are left out. Read through the citations'
/// key and the open requests' index: a county's rows, never the whole table.
pub(crate) fn county_summaries(
    conn: &Connection,
    county_code: &str,
) -> Result<HashMap<String, Summary>> {
    let mut all: HashMap<String, Summary> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT indicator_id, state, cited, sha256 FROM evidence_citations
         WHERE county_code = ?1 ORDER BY indicator_id, position",
    )?;
    let mut rows = stmt.query([county_code])?;
    // A file cited twice by one item counts once.
    let mut seen: HashSet<(String, String)> = HashSet::new();
    while let Some(r) = rows.next()? {
        let indicator: String = r.get(0)?;
        let state: String = r.get(1)?;
        let cited: String = r.get(2)?;
        let summary = all.entry(indicator.clone()).or_default();
        match state.as_str() {
            "tied" => {
                let sha: String = r.get(3)?;
                if seen.insert((indicator, sha)) {
                    summary.files += 1;
                }
            }
            "ambiguous" => summary.missing.push(ambiguous_words(&cited)),
            _ => summary.missing.push(cited),
        }
    }
    for r in crate::requests::open_requests_in_county(conn, county_code)? {
        all.entry(r.indicator_id.clone())
            .or_default()
            .requests_open
            .push(r);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Reviews, lead, new_store, who};
    use kaohe_core::model::{Submission, Verdict};
    use std::io::Write;

    fn row(county: &str, indicator: &str, value: &str, evidence: &str) -> SubmissionRow {
        SubmissionRow {
            line: 2,
            county_code: county.into(),
            indicator_id: indicator.into(),
            submission: Submission {
                value: value.into(),
                value_number: kaohe_core::figure::parse_figure(value).number(),
                evidence: evidence.into(),
                ..Default::default()
            },
        }
    }

    /// Keeps `files` (path, content) in the store as one county's folder.
    fn bring(store: &Store, county: &str, files: &[(&str, &str)]) -> EvidenceIn {
        let blobs = store.blobs().unwrap();
        blobs.prepare().unwrap();
        let mut e = EvidenceIn {
            source: "佐证材料".into(),
            ..Default::default()
        };
        let mut sent = Vec::new();
        for (path, content) in files {
            let mut t = blobs.temp().unwrap();
            t.write_all(content.as_bytes()).unwrap();
            let kept = blobs.keep(t, path).unwrap();
            sent.push(SentFile {
                path: path.to_string(),
                sha256: kept.sha256.clone(),
            });
            if !e.blobs.iter().any(|b| b.sha256 == kept.sha256) {
                e.blobs.push(kept);
            }
        }
        e.counties.push(CountyFiles {
            county_code: county.into(),
            files: sent,
        });
        e
    }

    fn names(e: &ItemEvidence) -> (Vec<&str>, Vec<&str>, Vec<&str>) {
        (
            e.files.iter().map(|f| f.name.as_str()).collect(),
            e.missing.iter().map(String::as_str).collect(),
            e.ambiguous.iter().map(String::as_str).collect(),
        )
    }

    #[test]
    fn files_are_tied_to_the_items_that_cite_them_and_what_is_not_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let e = bring(
            &store,
            "330802",
            &[
                ("通知.pdf", "%PDF-1.4 notice"),
                ("会议/纪要.docx", "minutes"),
                ("副本/纪要.docx", "minutes"),
                ("表.xlsx", "ledger a"),
                ("旧/表.xlsx", "ledger b"),
                ("多余.txt", "spare"),
            ],
        );
        assert_eq!(e.blobs.len(), 5, "the same content is kept once");
        let rows = [
            row("330802", "1.2", "65%", "通知.pdf、纪要"),
            row("330802", "1.3", "55%", "表；方案.doc"),
        ];
        let (n, outcome) = store
            .import_with_evidence(&rows, "柯城区.csv", &who(), Some(&e))
            .unwrap();
        assert_eq!(n, 2);
        assert_eq!(outcome.tied(), 2);
        let missing: Vec<_> = outcome.missing().collect();
        assert_eq!(missing, [("330802", "1.3", "方案.doc")]);
        assert_eq!(outcome.ambiguous().count(), 1);
        let uncited: Vec<&str> = outcome.counties[0]
            .uncited
            .iter()
            .map(|f| f.path.as_str())
            .collect();
        assert_eq!(uncited, ["多余.txt"]);

        let first = store.evidence_for("330802", "1.2").unwrap();
        assert_eq!(
            names(&first),
            (vec!["通知.pdf", "纪要.docx"], vec![], vec![])
        );
        assert_eq!(first.files[0].kind, FileKind::Pdf);
        assert_eq!(first.files[0].size, 15);
        let path = store.evidence_path(&first.files[0].sha256);
        assert_eq!(std::fs::read(path).unwrap(), b"%PDF-1.4 notice");
        assert_eq!(
            names(&store.evidence_for("330802", "1.3").unwrap()),
            (vec![], vec!["方案.doc"], vec!["表"])
        );
        assert!(store.evidence_for("330803", "1.2").unwrap().is_empty());
    }

    #[test]
    fn a_request_is_closed_by_new_evidence_and_the_verdict_marked_changed() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let w = who();
        let e = bring(&store, "330802", &[("通知.pdf", "%PDF-1.4 a")]);
        let rows = [row("330802", "1.2", "65%", "通知.pdf、会议纪要.pdf")];
        store
            .import_with_evidence(&rows, "一.csv", &w, Some(&e))
            .unwrap();
        store
            .review("330802", "1.2", Some(Some(Verdict::PartlyMet)), None, &w)
            .unwrap();
        let r = store
            .open_request("330802", "1.2", " 缺会议纪要 ", &w)
            .unwrap();
        assert_eq!(
            (r.reason.as_str(), r.asked_by.as_str(), r.is_open()),
            ("缺会议纪要", "张审核", true)
        );
        assert!(store.open_request("330802", "1.2", "  ", &w).is_err());
        assert_eq!(
            store.requests(Some("330802")).unwrap(),
            std::slice::from_ref(&r)
        );
        assert!(store.requests(Some("330803")).unwrap().is_empty());

        // The same sheet again, without new evidence: the request stays open.
        let (_, outcome) = store
            .import_with_evidence(&rows, "一.csv", &w, None)
            .unwrap();
        assert!(outcome.closed.is_empty());
        assert_eq!(
            outcome.counties.len(),
            1,
            "its earlier files looked at again"
        );
        assert!(store.requests(None).unwrap()[0].is_open());
        assert!(store.changed_since_review().unwrap().is_empty());

        // The minutes come: the request is answered, the verdict marked changed since.
        let more = bring(&store, "330802", &[("会议纪要.pdf", "%PDF-1.4 b")]);
        let preview = store.evidence_preview(&rows, Some(&more)).unwrap();
        assert_eq!(preview.closed.len(), 1);
        assert!(
            store.requests(None).unwrap()[0].is_open(),
            "a preview writes nothing"
        );
        let (_, outcome) = store
            .import_with_evidence(&rows, "二.csv", &w, Some(&more))
            .unwrap();
        assert_eq!(outcome.closed.len(), 1);
        let closed = &store.requests(None).unwrap()[0];
        assert!(!closed.is_open());
        assert_eq!(closed.closed_by.as_deref(), Some("二.csv"));
        assert_eq!(
            store.changed_since_review().unwrap(),
            [("330802".to_string(), "1.2".to_string())]
        );
        // Both files tied: the first from the earlier import.
        assert_eq!(
            names(&store.evidence_for("330802", "1.2").unwrap()).0,
            ["通知.pdf", "会议纪要.pdf"]
        );
        // Kept for good.
        assert!(store.conn.execute("DELETE FROM requests", []).is_err());
        assert!(
            store
                .conn
                .execute("UPDATE requests SET reason = 'x'", [])
                .is_err()
        );
    }

    #[test]
    fn a_request_on_a_signed_off_item_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store.lock(Some(1), "", &lead()).unwrap();
        let e = store
            .open_request("330802", "1.2", "缺材料", &who())
            .unwrap_err();
        assert!(e.downcast_ref::<crate::Locked>().is_some(), "{e:#}");
        assert!(
            store
                .open_request("330802", "2.1", "缺材料", &who())
                .is_ok()
        );
    }

    #[test]
    fn a_refused_import_leaves_no_tie_and_its_new_files_can_be_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let e = bring(&store, "330802", &[("通知.pdf", "%PDF-1.4 a")]);
        // A row the database refuses (no such indicator): nothing is written.
        let rows = [
            row("330802", "1.2", "65%", "通知.pdf"),
            row("330802", "99.9", "1", ""),
        ];
        assert!(
            store
                .import_with_evidence(&rows, "坏.csv", &who(), Some(&e))
                .is_err()
        );
        assert!(store.evidence_for("330802", "1.2").unwrap().is_empty());
        let blobs = store.blobs().unwrap();
        let shas: Vec<String> = e.blobs.iter().map(|b| b.sha256.clone()).collect();
        assert!(blobs.holds(&shas[0], 10));
        assert_eq!(store.forget_blobs(&blobs, &shas).unwrap(), 1);
        assert!(!blobs.holds(&shas[0], 10));
        // One an import holds is never taken.
        let e = bring(&store, "330802", &[("通知.pdf", "%PDF-1.4 a")]);
        store
            .import_with_evidence(&rows[..1], "好.csv", &who(), Some(&e))
            .unwrap();
        assert_eq!(store.forget_blobs(&blobs, &shas).unwrap(), 0);
        assert!(blobs.holds(&shas[0], 10));
    }
}
