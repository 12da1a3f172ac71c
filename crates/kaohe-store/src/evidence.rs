//! The evidence counties send: each file's content kept once, outside the database, under its
//! SHA-256 (`<db>.evidence/ab/abcdef…`); in the database, what came from whom under which
//! name, and what each item's evidence column cites (a file tied to it, missing, or matching
//! several). What an item's evidence is, as the detail pane, the viewer and the exports read it.

use crate::Store;
use anyhow::Result;
use kaohe_core::evidence::{EvidenceFile, FileKind, ItemEvidence};
use rusqlite::{Connection, params};
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
                let file = file_of(r.get(2)?, r)?;
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

/// A tied file from its path and the blob's columns 3..=6 of `r`.
fn file_of(path: Option<String>, r: &rusqlite::Row<'_>) -> rusqlite::Result<EvidenceFile> {
    let path = path.unwrap_or_default();
    let kind: Option<String> = r.get(4)?;
    Ok(EvidenceFile {
        name: file_name(&path).to_string(),
        sha256: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        kind: kind
            .as_deref()
            .and_then(FileKind::from_name)
            .unwrap_or(FileKind::Other),
        size: r.get::<_, Option<i64>>(5)?.unwrap_or(0).max(0) as u64,
        pages: r.get::<_, Option<i64>>(6)?.and_then(|p| u32::try_from(p).ok()),
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

    /// Where the file of content `sha256` (an [`EvidenceFile::sha256`]) is kept. It is
    /// read-only; in the guarded set-up only kaohe's group may open it.
    pub fn evidence_path(&self, sha256: &str) -> PathBuf {
        blob_path(&evidence_dir(&self.path), sha256)
    }
}
