//! The evidence files on disk, beside the database: `<db>.evidence/ab/abcdef…`, each named by
//! its content's SHA-256 and never changed once there (read-only). A file is written under a
//! temporary name in `<db>.evidence/tmp/` and renamed into place only when whole and synced, so
//! a process killed midway leaves no half file under a final name (its temporary file, named
//! by its process, is removed by the next import once that process is gone).
//!
//! Permissions follow the database's: a shared database (its group reads and writes it) keeps
//! its evidence in a setgid directory of its group (2770) with each file readable by the group
//! (0440); a private one, 0700 and 0400.

use crate::Store;
use crate::evidence::{blob_path, evidence_dir};
use anyhow::{Context, Result, anyhow, bail};
use kaohe_core::evidence::FileKind;
use kaohe_core::evidence::kind::Hashing;
use std::io::{BufWriter, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Where a database's evidence files are kept, and with which group and modes.
#[derive(Debug, Clone)]
pub struct Blobs {
    dir: PathBuf,
    gid: u32,
    dir_mode: u32,
    file_mode: u32,
}

/// A file being written into the store: hashed as it is written.
pub struct TempBlob {
    sink: Hashing<BufWriter<tempfile::NamedTempFile>>,
}

impl Write for TempBlob {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.sink.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.sink.flush()
    }
}

/// A file kept: its content's address, size and kind, and whether this put it there (it was
/// not kept already).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub sha256: String,
    pub size: u64,
    pub kind: FileKind,
    pub new: bool,
}

impl Store {
    /// Where this database's evidence files are kept.
    pub fn blobs(&self) -> Result<Blobs> {
        let meta = std::fs::metadata(&self.path)
            .with_context(|| format!("cannot read {}", self.path.display()))?;
        Ok(Blobs::beside(&self.path, meta.gid(), meta.mode()))
    }

    /// Takes away the files of `written` (this import's new ones) that no import holds, after
    /// an import was refused: looked at inside a write, so that an import tying one of them
    /// meanwhile has either committed (and it stays) or not begun its write.
    pub fn forget_blobs(&mut self, blobs: &Blobs, written: &[String]) -> Result<usize> {
        if written.is_empty() {
            return Ok(0);
        }
        let tx = self.write()?;
        let mut removed = 0;
        {
            let mut held = tx.prepare("SELECT 1 FROM evidence_blobs WHERE sha256 = ?1")?;
            for sha in written {
                if !held.exists([sha])? {
                    let path = blob_path(&blobs.dir, sha);
                    if remove_file(&path).is_ok() {
                        removed += 1;
                        // Its folder too, where it was the last there (else this fails).
                        if let Some(dir) = path.parent() {
                            let _ = std::fs::remove_dir(dir);
                        }
                    }
                }
            }
        }
        tx.commit()?;
        Ok(removed)
    }
}

impl Blobs {
    /// The evidence of the database at `db`, whose group is `gid` and mode `mode`.
    pub fn beside(db: &Path, gid: u32, mode: u32) -> Blobs {
        let group_reads = mode & 0o040 != 0;
        let group_writes = mode & 0o020 != 0;
        let mut dir_mode = 0o700;
        if group_reads {
            dir_mode |= 0o2050;
        }
        if group_writes {
            dir_mode |= 0o020;
        }
        Blobs {
            dir: evidence_dir(db),
            gid,
            dir_mode,
            file_mode: if group_reads { 0o440 } else { 0o400 },
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the file of content `sha256` is kept.
    pub fn path(&self, sha256: &str) -> PathBuf {
        blob_path(&self.dir, sha256)
    }

    /// Makes the directory and its `tmp/` where missing, in the database's group and mode,
    /// and removes the temporary files of processes that have ended.
    pub fn prepare(&self) -> Result<()> {
        self.make_dir(&self.dir)?;
        let tmp = self.dir.join("tmp");
        self.make_dir(&tmp)?;
        if let Ok(read) = std::fs::read_dir(&tmp) {
            for item in read.flatten() {
                let name = item.file_name();
                let pid = name
                    .to_str()
                    .and_then(|n| n.split('-').next())
                    .and_then(|p| p.parse::<i32>().ok());
                if let Some(pid) = pid {
                    if pid > 0 && !process_runs(pid) {
                        let _ = std::fs::remove_file(item.path());
                    }
                }
            }
        }
        Ok(())
    }

    /// A directory of the store: made in the database's group and mode where missing (one
    /// made meanwhile by another process is as good); one there already is left as it is.
    fn make_dir(&self, dir: &Path) -> Result<()> {
        match std::fs::create_dir(dir) {
            Ok(()) => {
                let give = || -> std::io::Result<()> {
                    let meta = std::fs::metadata(dir)?;
                    if meta.gid() != self.gid {
                        std::os::unix::fs::chown(dir, None, Some(self.gid))?;
                    }
                    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(self.dir_mode))
                };
                give().with_context(|| {
                    format!(
                        "cannot give {} the database's group and mode ({:o})",
                        dir.display(),
                        self.dir_mode
                    )
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if std::fs::metadata(dir).map(|m| m.is_dir()).unwrap_or(false) {
                    Ok(())
                } else {
                    bail!(
                        "{} is in the way of kaohe's evidence: it is not a directory",
                        dir.display()
                    )
                }
            }
            Err(e) => Err(anyhow!(e).context(format!("cannot make {}", dir.display()))),
        }
    }

    /// A new file to write into the store (after [`Blobs::prepare`]).
    pub fn temp(&self) -> Result<TempBlob> {
        let tmp = self.dir.join("tmp");
        let file = tempfile::Builder::new()
            .prefix(&format!("{}-", std::process::id()))
            .suffix(".part")
            .tempfile_in(&tmp)
            .with_context(|| format!("cannot write into {}", tmp.display()))?;
        Ok(TempBlob {
            sink: Hashing::new(BufWriter::with_capacity(256 * 1024, file)),
        })
    }

    /// Puts a written file into place under its content's address, read-only, in the
    /// database's group: synced first, then renamed, so it appears whole or not at all. A file
    /// of that content kept already stays as it is (this one is dropped). `name` is the
    /// file's name as sent, for its kind.
    pub fn keep(&self, blob: TempBlob, name: &str) -> Result<Kept> {
        let kind = FileKind::sniff(blob.sink.head(), name);
        let (sha256, size, _, writer) = blob.sink.finish();
        let file = writer
            .into_inner()
            .map_err(|e| anyhow!(e.into_error()))
            .context("cannot write an evidence file")?;
        let final_path = self.path(&sha256);
        let kept = |new| Kept {
            sha256: sha256.clone(),
            size,
            kind,
            new,
        };
        if let Ok(meta) = std::fs::metadata(&final_path) {
            if meta.len() != size {
                bail!(
                    "{} is not the file it is named for (its size is {}, not {size}): it was changed outside kaohe; move it away and import again",
                    final_path.display(),
                    meta.len()
                );
            }
            return Ok(kept(false));
        }
        let f = file.as_file();
        if f.metadata()?.gid() != self.gid {
            std::os::unix::fs::fchown(f, None, Some(self.gid))
                .context("cannot give an evidence file the database's group")?;
        }
        f.set_permissions(std::fs::Permissions::from_mode(self.file_mode))?;
        f.sync_all()
            .context("cannot write an evidence file to disk")?;
        let sub = final_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.dir.clone());
        self.make_dir(&sub)?;
        match file.persist_noclobber(&final_path) {
            Ok(_) => {
                // The rename itself on disk too, before the database says the file is there.
                if let Ok(d) = std::fs::File::open(&sub) {
                    let _ = d.sync_all();
                }
                Ok(kept(true))
            }
            // Another import put the same content there meanwhile: as good.
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(kept(false)),
            Err(e) => Err(anyhow!(e.error).context(format!(
                "cannot put an evidence file in place at {}",
                final_path.display()
            ))),
        }
    }

    /// Whether the file of content `sha256` and `size` bytes is kept.
    pub fn holds(&self, sha256: &str, size: u64) -> bool {
        std::fs::metadata(self.path(sha256)).is_ok_and(|m| m.is_file() && m.len() == size)
    }
}

/// Removes a kept file (read-only as it is: its directory's permission is what counts).
fn remove_file(path: &Path) -> std::io::Result<()> {
    std::fs::remove_file(path)
}

/// Whether process `pid` still runs (one of another account's counts as running).
fn process_runs(pid: i32) -> bool {
    // SAFETY: signal 0 only asks whether the process exists; no memory is touched.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_follow_the_database() {
        let shared = Blobs::beside(Path::new("/srv/k.db"), 1000, 0o100660);
        assert_eq!((shared.dir_mode, shared.file_mode), (0o2770, 0o440));
        assert_eq!(shared.dir(), Path::new("/srv/k.db.evidence"));
        let private = Blobs::beside(Path::new("k.db"), 1000, 0o100600);
        assert_eq!((private.dir_mode, private.file_mode), (0o700, 0o400));
    }

    #[test]
    fn a_file_is_kept_once_whole_and_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.db");
        std::fs::write(&db, b"").unwrap();
        let gid = std::fs::metadata(&db).unwrap().gid();
        let blobs = Blobs::beside(&db, gid, 0o600);
        blobs.prepare().unwrap();
        let mut t = blobs.temp().unwrap();
        t.write_all(b"%PDF-1.4 minutes").unwrap();
        let kept = blobs.keep(t, "纪要.pdf").unwrap();
        assert!(kept.new);
        assert_eq!(kept.kind, FileKind::Pdf);
        let path = blobs.path(&kept.sha256);
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.4 minutes");
        assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o777, 0o400);
        // The same content again: kept already, nothing new, no temporary file left.
        let mut t = blobs.temp().unwrap();
        t.write_all(b"%PDF-1.4 minutes").unwrap();
        let again = blobs.keep(t, "副本.pdf").unwrap();
        assert_eq!(
            (again.sha256.as_str(), again.new),
            (kept.sha256.as_str(), false)
        );
        assert_eq!(
            std::fs::read_dir(dir.path().join("k.db.evidence/tmp"))
                .unwrap()
                .count(),
            0
        );
        assert!(blobs.holds(&kept.sha256, 16));
        assert!(!blobs.holds(&kept.sha256, 15));
    }

    #[test]
    fn a_dead_processs_temporary_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.db");
        let blobs = Blobs::beside(&db, unsafe { libc::getegid() }, 0o600);
        blobs.prepare().unwrap();
        // A pid far above any the kernel hands out, and our own.
        let dead = dir.path().join("k.db.evidence/tmp/2147483600-abc.part");
        let ours = dir
            .path()
            .join(format!("k.db.evidence/tmp/{}-abc.part", std::process::id()));
        std::fs::write(&dead, b"half").unwrap();
        std::fs::write(&ours, b"half").unwrap();
        blobs.prepare().unwrap();
        assert!(!dead.exists());
        assert!(ours.exists());
    }
}
