//! The database watched, not trusted: a connection notices when the file it opened is no longer
//! the one at its path (moved over, `mv`), was written over by something that is not SQLite
//! (copied over, `cp`), or lost its write-ahead log or that log's index (`-wal`, `-shm` removed
//! or replaced). A store that has seen any of these writes nothing more, and closes so that the
//! file now at the path is left as it is.
//!
//! What can be seen, and how:
//!
//! - **Identity**: the device and inode at the path (`stat`), against those when it was opened;
//!   the same for `-wal` and `-shm`, which SQLite keeps open for as long as the connection is.
//! - **A write SQLite did not make**: in WAL mode only a checkpoint writes the database file, and
//!   every checkpoint first moves the WAL-index's checkpoint fields (`nBackfillAttempted` before
//!   it writes a page, `nBackfill` after; a new WAL cycle changes the salts). So the file's
//!   content changing (its size or modification time) while those fields stood still, since a
//!   look at which no checkpoint was under way, was not SQLite. The fields are read from the
//!   shared memory SQLite itself maps (the WAL-index, <https://sqlite.org/walformat.html>),
//!   through the VFS's own `xShmMap`; the header from SQLite's own descriptor (`xRead`).
//!   SQLite's own counters (`data_version`, the header's change counter) cannot see a raw
//!   write: they are what a raw write replaces.
//!
//! The files are never opened here: closing any descriptor of a file drops every POSIX lock
//! this process holds on it, SQLite's included, and another process could then take the
//! database for its last user and remove the WAL under us. `stat` opens nothing, and the
//! contents are read through the descriptors SQLite holds.

use rusqlite::ffi;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// What happened to the database under an open connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swap {
    /// Another file is at the path now (moved over it, `mv`), or no file at all.
    Replaced,
    /// The file was written over by something that is not SQLite (copied over it, `cp`).
    Rewritten,
    /// Its `-wal` or `-shm` was removed or replaced while it was open.
    SideFileRemoved,
}

impl std::fmt::Display for Swap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Swap::Replaced => "was replaced by another file while kaohe had it open",
            Swap::Rewritten => "was written over (not by SQLite) while kaohe had it open",
            Swap::SideFileRemoved => "lost its -wal or -shm file while kaohe had it open",
        })
    }
}

/// A file's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    fn of(meta: &std::fs::Metadata) -> FileId {
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }
}

/// What a write to a file's content changes: its size and modification time. (Not the change
/// time: a `chmod` or `chgrp` of the database, as `kaohe doctor` suggests, changes that alone.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    mtime: (i64, i64),
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        Stamp {
            size: meta.len(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
        }
    }
}

/// The WAL-index's fields that tell of checkpoints and WAL cycles, and its last frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WalIndex {
    salt: [u32; 2],
    max_frame: u32,
    backfill: u32,
    attempted: u32,
}

impl WalIndex {
    /// What any checkpoint or new WAL cycle changes.
    fn checkpoints(&self) -> (u32, u32, u32, u32) {
        (self.salt[0], self.salt[1], self.backfill, self.attempted)
    }

    /// No checkpoint is under way (or was left half done).
    fn settled(&self) -> bool {
        self.backfill == self.attempted
    }

    /// Everything in the WAL is in the database file too: a reader reads the file alone.
    pub(crate) fn all_in_file(&self) -> bool {
        self.backfill >= self.max_frame
    }
}

/// What a connection saw of its files, and what it found.
pub(crate) struct Watch {
    /// The database file as SQLite opened it (links resolved), and its side files.
    db: PathBuf,
    id: Option<FileId>,
    stamp: Option<Stamp>,
    wal: Option<FileId>,
    shm: Option<FileId>,
    index: Option<WalIndex>,
    found: Option<Swap>,
    /// The WAL-index when the swap was found: the WAL is the one it was while its salts are.
    index_at_swap: Option<WalIndex>,
    /// Which side file went (`-wal`, `-shm`), when one did.
    lost: Option<&'static str>,
    /// The connection is in WAL mode (a database being made is not yet): only then is the
    /// WAL-index read. Asking for it earlier would make SQLite open one, and take its locks,
    /// under a database still in rollback mode.
    wal_mode: bool,
}

impl Watch {
    pub(crate) fn new(conn: &rusqlite::Connection, fallback: &Path) -> Watch {
        let db = conn
            .path()
            .filter(|p| !p.is_empty())
            .map_or_else(|| fallback.to_path_buf(), PathBuf::from);
        Watch {
            db,
            id: None,
            stamp: None,
            wal: None,
            shm: None,
            index: None,
            found: None,
            index_at_swap: None,
            lost: None,
            wal_mode: false,
        }
    }

    /// The connection is in WAL mode from now on.
    pub(crate) fn wal_mode(&mut self) {
        self.wal_mode = true;
    }

    /// The WAL-index, in WAL mode.
    ///
    /// # Safety
    /// `handle` is the open connection this watch belongs to, used on this thread only.
    unsafe fn index(&self, handle: *mut ffi::sqlite3) -> Option<WalIndex> {
        // SAFETY: as this function's contract says.
        self.wal_mode
            .then(|| unsafe { wal_index(handle) })
            .flatten()
    }

    /// What was found, if anything (it stays found).
    pub(crate) fn found(&self) -> Option<Swap> {
        self.found
    }

    fn side(&self, suffix: &str) -> PathBuf {
        crate::shared::side_file(&self.db, suffix)
    }

    /// Looks at the files now; answers what happened to them, if anything. Cheap: three
    /// `stat`s and a read of shared memory, and the header's 100 bytes when the file changed.
    ///
    /// # Safety
    /// `handle` is the open connection this watch belongs to, used on this thread only.
    pub(crate) unsafe fn check(&mut self, handle: *mut ffi::sqlite3) -> Option<Swap> {
        if self.found.is_some() {
            return self.found;
        }
        // SAFETY: as this function's contract says.
        let index = unsafe { self.index(handle) };
        let swap = self.look(handle, index);
        if swap.is_some() {
            self.found = swap;
            self.index_at_swap = index.or(self.index);
        }
        swap
    }

    fn look(&mut self, handle: *mut ffi::sqlite3, index: Option<WalIndex>) -> Option<Swap> {
        let meta = match std::fs::metadata(&self.db) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(Swap::Replaced),
            // Cannot look (a directory made unreadable): nothing can be said either way.
            Err(_) => return None,
        };
        let id = FileId::of(&meta);
        if self.id.is_some_and(|was| was != id) {
            return Some(Swap::Replaced);
        }
        self.id = Some(id);
        for suffix in crate::shared::SIDE_FILES {
            let now = std::fs::metadata(self.side(suffix))
                .ok()
                .map(|m| FileId::of(&m));
            let slot = if suffix == "-wal" {
                &mut self.wal
            } else {
                &mut self.shm
            };
            match (*slot, now) {
                (Some(was), Some(now)) if was != now => {
                    self.lost = Some(suffix);
                    return Some(Swap::SideFileRemoved);
                }
                (Some(_), None) => {
                    self.lost = Some(suffix);
                    return Some(Swap::SideFileRemoved);
                }
                (_, now) => *slot = slot.or(now),
            }
        }
        let stamp = Stamp::of(&meta);
        // Only in WAL mode does nothing but a checkpoint write the file (a database being made
        // is written by its own transactions).
        if let (Some(was_stamp), Some(was)) = (self.stamp, self.index) {
            if was_stamp != stamp {
                // SAFETY: `handle` is this watch's open connection (see `check`).
                if !unsafe { header_is_kaohe(handle) } {
                    return Some(Swap::Rewritten);
                }
                match index {
                    // Written, with no checkpoint begun since a look at which none was under
                    // way.
                    Some(now) if was.settled() && was.checkpoints() == now.checkpoints() => {
                        return Some(Swap::Rewritten);
                    }
                    // The WAL-index could not be read whole now: judged at the next look.
                    None => return None,
                    Some(_) => {}
                }
            }
        }
        self.stamp = Some(stamp);
        self.index = index.or(self.index);
        None
    }

    /// A `-wal` removed while open: what it held is still read through SQLite's descriptor, so
    /// it is put into the database file at once (a later `kill -9` then loses nothing), when
    /// nobody has begun another one there and the index is the one it belongs to. Answers
    /// whether everything the WAL held is in the file now (`None`: not tried).
    pub(crate) fn rescue(&self, conn: &rusqlite::Connection) -> Option<bool> {
        if self.lost != Some("-wal") || self.side("-wal").exists() {
            return None;
        }
        let shm = std::fs::metadata(self.side("-shm"))
            .ok()
            .map(|m| FileId::of(&m));
        if shm.is_none() || shm != self.shm {
            return None;
        }
        // (busy, frames in the WAL, frames checkpointed)
        let answer: rusqlite::Result<(i64, i64, i64)> =
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            });
        Some(matches!(answer, Ok((0, log, done)) if log == done))
    }

    /// What the connection must do as it closes, given what was found.
    pub(crate) fn closing(&self, conn: &rusqlite::Connection) {
        let Some(swap) = self.found else {
            return;
        };
        // SAFETY: the connection is open, and used on this thread only.
        let handle = unsafe { conn.handle() };
        // The WAL is still the one from before the swap while nobody began a new cycle in it.
        // SAFETY: as above.
        let now = unsafe { self.index(handle) };
        let unchanged = match (self.index_at_swap, now) {
            (Some(then), Some(now)) => then.salt == now.salt,
            _ => false,
        };
        // Never a checkpoint of the WAL into whatever file is at the path now, and never the
        // removal of side files that may now be another process's.
        let _ = conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        );
        match swap {
            Swap::Replaced if unchanged => {
                // What the WAL holds goes into the file this connection opened (no longer at
                // the path: harmless to the one there now) ...
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                // ... and the WAL, now all in that file, is emptied: left as it is, the next
                // first user of the file at the path would recover it into that file.
                // SAFETY: as above.
                let after = unsafe { self.index(handle) };
                if after.is_some_and(|a| a.all_in_file() && Some(a.salt) == now.map(|n| n.salt)) {
                    // SAFETY: as above.
                    unsafe { truncate_wal(handle) };
                }
            }
            Swap::Rewritten if unchanged => {
                // The WAL's frames belong to the file as it was before it was written over: they
                // must never be checkpointed into what is there now, nor recovered into it by
                // the next first user. Emptied.
                // SAFETY: as above.
                unsafe { truncate_wal(handle) };
            }
            _ => {}
        }
    }
}

/// The database file SQLite has open for `main`.
///
/// # Safety
/// `handle` is an open connection.
unsafe fn main_file(
    handle: *mut ffi::sqlite3,
    op: std::ffi::c_int,
) -> Option<*mut ffi::sqlite3_file> {
    let mut file: *mut ffi::sqlite3_file = std::ptr::null_mut();
    // SAFETY: "main" is NUL-terminated; both file controls write one sqlite3_file pointer.
    let rc =
        unsafe { ffi::sqlite3_file_control(handle, c"main".as_ptr(), op, (&raw mut file).cast()) };
    // SAFETY: a non-null pointer SQLite answered points to an open file object.
    (rc == ffi::SQLITE_OK && !file.is_null() && !unsafe { (*file).pMethods }.is_null())
        .then_some(file)
}

/// The WAL-index header and checkpoint information, read from the shared memory SQLite maps
/// for the connection; `None` if it is not mapped or was being written while read.
///
/// # Safety
/// `handle` is an open connection, used on this thread only.
pub(crate) unsafe fn wal_index(handle: *mut ffi::sqlite3) -> Option<WalIndex> {
    // SAFETY: as this function's contract says.
    let file = unsafe { main_file(handle, ffi::SQLITE_FCNTL_FILE_POINTER) }?;
    // SAFETY: `main_file` answers only files with methods.
    let methods = unsafe { &*(*file).pMethods };
    if methods.iVersion < 2 {
        return None;
    }
    let map = methods.xShmMap?;
    let mut region: *mut std::ffi::c_void = std::ptr::null_mut();
    // SAFETY: region 0 of the WAL-index, 32 KiB as SQLite maps it, not extended: answers the
    // region SQLite has mapped already (or null when there is none).
    let rc = unsafe { map(file, 0, 32 * 1024, 0, &raw mut region) };
    if rc != ffi::SQLITE_OK || region.is_null() {
        return None;
    }
    let base = region.cast::<u8>();
    // Native-endian 32-bit fields of shared memory others may be writing: read each once.
    // SAFETY: the first 136 bytes of region 0 are the headers, and the region is mapped.
    let u32_at = |offset: usize| unsafe { base.add(offset).cast::<u32>().read_volatile() };
    // The header is kept twice; a writer changes the first, then the second. Two that differ
    // were read while being written.
    let first: Vec<u32> = (0..12).map(|i| u32_at(i * 4)).collect();
    let second: Vec<u32> = (12..24).map(|i| u32_at(i * 4)).collect();
    // SAFETY: byte 12 of the header is `isInit`, within the mapped region.
    let initialized = unsafe { base.add(12).read_volatile() } != 0;
    if first != second || !initialized {
        return None;
    }
    Some(WalIndex {
        max_frame: first[4],
        salt: [first[8], first[9]],
        backfill: u32_at(96),
        attempted: u32_at(128),
    })
}

/// Whether the file SQLite has open begins as a kaohe database does (read through SQLite's own
/// descriptor).
///
/// # Safety
/// `handle` is an open connection, used on this thread only.
unsafe fn header_is_kaohe(handle: *mut ffi::sqlite3) -> bool {
    // SAFETY: as this function's contract says.
    let Some(file) = (unsafe { main_file(handle, ffi::SQLITE_FCNTL_FILE_POINTER) }) else {
        return true;
    };
    // SAFETY: `main_file` answers only files with methods.
    let Some(read) = (unsafe { (*(*file).pMethods).xRead }) else {
        return true;
    };
    let mut header = [0u8; 100];
    // SAFETY: the buffer holds the 100 bytes asked for.
    let rc = unsafe { read(file, header.as_mut_ptr().cast(), 100, 0) };
    rc == ffi::SQLITE_OK
        && &header[..16] == b"SQLite format 3\0"
        && i32::from_be_bytes([header[68], header[69], header[70], header[71]])
            == crate::APPLICATION_ID
}

/// Empties the WAL through the descriptor SQLite holds for it.
///
/// # Safety
/// `handle` is an open connection, used on this thread only, that will write nothing more.
unsafe fn truncate_wal(handle: *mut ffi::sqlite3) {
    // SAFETY: as this function's contract says.
    let Some(wal) = (unsafe { main_file(handle, ffi::SQLITE_FCNTL_JOURNAL_POINTER) }) else {
        return;
    };
    // SAFETY: `main_file` answers only files with methods.
    let methods = unsafe { &*(*wal).pMethods };
    if let (Some(truncate), Some(sync)) = (methods.xTruncate, methods.xSync) {
        // SAFETY: the WAL's own open file object.
        unsafe {
            if truncate(wal, 0) == ffi::SQLITE_OK {
                sync(wal, ffi::SQLITE_SYNC_NORMAL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StoreError;
    use crate::test_support::{Reviews, new_store, seed, who};
    use kaohe_core::model::Verdict;
    use std::process::Command;

    fn mark(store: &mut Store, county: &str, indicator: &str) -> anyhow::Result<()> {
        store
            .review(county, indicator, Some(Some(Verdict::Met)), None, &who())
            .map(|_| ())
    }

    use crate::Store;

    /// Another kaohe database, with a verdict of its own, made beside `dir`'s.
    fn other_database(dir: &tempfile::TempDir) -> PathBuf {
        let path = dir.path().join("other.db");
        let mut other = Store::create(&path, &seed(), &who()).unwrap();
        mark(&mut other, "330881", "2.1").unwrap();
        drop(other);
        path
    }

    fn refused_as_swapped(store: &mut Store, swap: Swap) {
        let e = mark(store, "330802", "1.3").expect_err("a write must be refused");
        assert!(
            matches!(e.downcast_ref(), Some(StoreError::Swapped { swap: s, .. }) if *s == swap),
            "{e:#}"
        );
    }

    /// The verdicts a database holds, read by a fresh store (after every other has closed).
    fn verdicts(path: &Path) -> Vec<(String, String)> {
        let store = Store::open(path).unwrap();
        assert_eq!(Store::quick_check(path).unwrap(), Vec::<String>::new());
        let mut stmt = store
            .conn
            .prepare("SELECT county_code, indicator_id FROM reviews ORDER BY 1, 2")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn pair(county: &str, indicator: &str) -> (String, String) {
        (county.to_string(), indicator.to_string())
    }

    #[test]
    fn checkpoints_writes_and_a_chmod_are_not_taken_for_a_swap() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let mut other = Store::open(store.path()).unwrap();
        assert_eq!(store.watch(), None);
        for (i, indicator) in ["1.1", "1.2", "1.3", "2.1", "2.2"].iter().enumerate() {
            mark(&mut other, "330802", indicator).unwrap();
            if i % 2 == 0 {
                other.checkpoint().unwrap();
            }
            assert_eq!(store.watch(), None, "after the other's write {i}");
            mark(&mut store, "330803", indicator).unwrap();
            store.checkpoint().unwrap();
            assert_eq!(store.watch(), None, "after my write {i}");
        }
        // A new WAL cycle, and a checkpoint that empties the WAL.
        other
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        assert_eq!(store.watch(), None);
        mark(&mut other, "330803", "3.1").unwrap();
        assert_eq!(store.watch(), None);
        std::fs::set_permissions(store.path(), std::fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(store.watch(), None);
        mark(&mut store, "330822", "1.1").unwrap();
    }

    #[test]
    fn a_file_moved_over_is_found_and_the_new_file_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        mark(&mut store, "330802", "1.1").unwrap();
        store.checkpoint().unwrap();
        mark(&mut store, "330802", "1.2").unwrap();
        let other = other_database(&dir);
        let restored = std::fs::read(&other).unwrap();
        std::fs::rename(&other, store.path()).unwrap();
        assert_eq!(store.watch(), Some(Swap::Replaced));
        refused_as_swapped(&mut store, Swap::Replaced);
        let path = store.path().to_path_buf();
        drop(store);
        assert!(
            std::fs::read(&path).unwrap() == restored,
            "the new file was written"
        );
        assert_eq!(verdicts(&path), [pair("330881", "2.1")]);
    }

    #[test]
    fn a_file_copied_over_is_found_and_left_as_it_is_even_with_frames_not_checkpointed() {
        for checkpointed in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let mut store = new_store(&dir);
            for indicator in ["1.1", "1.2", "1.3"] {
                mark(&mut store, "330802", indicator).unwrap();
            }
            if checkpointed {
                store.checkpoint().unwrap();
            }
            assert_eq!(store.watch(), None);
            let other = other_database(&dir);
            let restored = std::fs::read(&other).unwrap();
            // Another process copies over it (in this one, opening the file would drop the
            // store's locks).
            let copied = Command::new("cp").arg(&other).arg(store.path()).status();
            assert!(copied.unwrap().success());
            assert_eq!(store.watch(), Some(Swap::Rewritten), "{checkpointed}");
            refused_as_swapped(&mut store, Swap::Rewritten);
            let path = store.path().to_path_buf();
            drop(store);
            assert!(
                std::fs::read(&path).unwrap() == restored,
                "the copy was written (checkpointed before: {checkpointed})"
            );
            assert_eq!(verdicts(&path), [pair("330881", "2.1")], "{checkpointed}");
        }
    }

    #[test]
    fn a_removed_wal_is_found_and_what_it_held_put_into_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        for indicator in ["1.1", "1.2", "1.3", "2.1", "2.2"] {
            mark(&mut store, "330802", indicator).unwrap();
        }
        assert_eq!(store.watch(), None);
        std::fs::remove_file(crate::shared::side_file(store.path(), "-wal")).unwrap();
        assert_eq!(store.watch(), Some(Swap::SideFileRemoved));
        assert_eq!(store.rescued(), Some(true));
        refused_as_swapped(&mut store, Swap::SideFileRemoved);
        let path = store.path().to_path_buf();
        drop(store);
        assert_eq!(verdicts(&path).len(), 5);
    }

    #[test]
    fn a_removed_shm_is_found_and_nothing_tried_with_the_index_left_behind() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        mark(&mut store, "330802", "1.1").unwrap();
        assert_eq!(store.watch(), None);
        std::fs::remove_file(crate::shared::side_file(store.path(), "-shm")).unwrap();
        assert_eq!(store.watch(), Some(Swap::SideFileRemoved));
        assert_eq!(
            store.rescued(),
            None,
            "no checkpoint through an index nobody else sees"
        );
        refused_as_swapped(&mut store, Swap::SideFileRemoved);
        let path = store.path().to_path_buf();
        drop(store);
        assert_eq!(verdicts(&path), [pair("330802", "1.1")]);
    }

    #[test]
    fn a_long_write_is_rolled_back_if_the_file_was_swapped_while_it_ran() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        assert_eq!(store.watch(), None);
        let other = other_database(&dir);
        let tx = store.write().unwrap();
        tx.execute(
            "INSERT INTO reviews (county_code, indicator_id, verdict, note, reviewer, account, reviewed_at)
             VALUES ('330802', '1.1', 'met', '', 'x', 'x', 'now')",
            [],
        )
        .unwrap();
        std::fs::rename(&other, dir.path().join("k.db")).unwrap();
        let e = tx.commit().expect_err("must not commit");
        assert!(
            matches!(e.downcast_ref(), Some(StoreError::Swapped { .. })),
            "{e:#}"
        );
    }
}
