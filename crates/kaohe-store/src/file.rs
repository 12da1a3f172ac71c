//! The database file: what is at a path, judged before SQLite opens it (so a file that is not
//! ours is never touched); opening, with the WAL switch and the connection's settings; and
//! creation, atomic (built under a temporary name and renamed into place) or, for an empty
//! file made for us, filled in place under SQLite's write lock. A shared database (see
//! [`crate::shared`]) keeps its `-wal` and `-shm` in its own group and mode.

use crate::schema::{self, latest as latest_schema};
use crate::shared::SharedDb;
use crate::{Reviewer, Seed, Store, StoreError, submissions, targets};
use anyhow::{Context, Result, anyhow};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use std::borrow::Borrow;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Marks a SQLite file as kaohe's (`PRAGMA application_id`, "kaoh").
pub const APPLICATION_ID: i32 = 0x6b61_6f68;
/// How long a write waits for another reviewer's write to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// What is at a database path, judged without opening it as a database.
enum FileKind {
    Missing,
    /// Zero bytes: nothing in it yet, as SQLite itself treats it.
    Empty,
    /// A kaohe database; `header_version` is `user_version` as the file's header has it.
    Kaohe {
        header_version: u32,
    },
}

/// Reads the first 100 bytes without opening the file as a database, so a file that is
/// not ours is never touched.
fn inspect(path: &Path) -> Result<FileKind> {
    let cannot_open = || StoreError::CannotOpen {
        path: path.to_path_buf(),
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::Missing),
        Err(e) => return Err(anyhow!(e).context(cannot_open())),
    };
    if !meta.is_file() {
        return Err(StoreError::NotRegularFile {
            path: path.to_path_buf(),
        }
        .into());
    }
    if meta.len() == 0 {
        return Ok(FileKind::Empty);
    }
    // A first user filling an empty file (rollback mode, before it switches to WAL) writes
    // the header while its journal exists: a header read then may be half there. Wait for the
    // writer rather than call its database foreign.
    let journal = PathBuf::from(format!("{}-journal", path.display()));
    let mut waited = Duration::ZERO;
    let header = loop {
        let mut file = std::fs::File::open(path).with_context(cannot_open)?;
        let mut header = Vec::with_capacity(100);
        file.by_ref()
            .take(100)
            .read_to_end(&mut header)
            .with_context(|| StoreError::CannotRead {
                path: path.to_path_buf(),
            })?;
        let whole = header.len() == 100 && &header[..16] == b"SQLite format 3\0";
        if whole || !journal.exists() || waited >= BUSY_TIMEOUT {
            break header;
        }
        std::thread::sleep(Duration::from_millis(10));
        waited += Duration::from_millis(10);
    };
    if header.len() < 100 || &header[..16] != b"SQLite format 3\0" {
        return Err(StoreError::NotSqlite {
            path: path.to_path_buf(),
        }
        .into());
    }
    let be = |at: usize| [header[at], header[at + 1], header[at + 2], header[at + 3]];
    if i32::from_be_bytes(be(68)) != APPLICATION_ID {
        return Err(StoreError::ForeignSqlite {
            path: path.to_path_buf(),
        }
        .into());
    }
    Ok(FileKind::Kaohe {
        header_version: u32::from_be_bytes(be(60)),
    })
}

/// The schema version a kaohe file holds, read without any chance of writing to it: from the
/// header when no WAL lies beside it, else through a read-only connection (which never
/// checkpoints into the main file).
fn stored_version(path: &Path, header_version: u32) -> Result<u32> {
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    if std::fs::metadata(&wal).map_or(true, |m| m.len() == 0) {
        return Ok(header_version);
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| StoreError::CannotOpen {
        path: path.to_path_buf(),
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .with_context(|| StoreError::CannotRead {
            path: path.to_path_buf(),
        })
}

/// Puts the database in WAL mode, answering the mode it is in. Switching needs the file to
/// itself, and SQLite answers "locked" at once, without its busy wait, while other first
/// users of a just-filled file read it: wait here instead, as long as the busy timeout.
fn switch_to_wal(conn: &Connection) -> rusqlite::Result<String> {
    let start = std::time::Instant::now();
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && start.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            answer => return answer,
        }
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Plans that do not depend on the values bound: otherwise SQLite compiles a kept
    // statement again whenever a value it planned for changes (a partial index it might use),
    // which was a fifth of a workspace move's time, every move binding new counties.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

/// The most a shared database's WAL keeps between uses: it is truncated to this after a
/// checkpoint, and emptied when the last connection closes.
const SHARED_WAL_LIMIT: i64 = 64 << 20;

/// Keeps `-wal` and `-shm` when the last connection closes (SQLITE_FCNTL_PERSIST_WAL), so that
/// SQLite never makes them again in the group of whoever opens the database next; with a
/// journal size limit, so the WAL kept is emptied rather than left at its largest.
fn keep_side_files(conn: &Connection) -> rusqlite::Result<()> {
    let mut on: std::ffi::c_int = 1;
    // SAFETY: the handle is this open connection's; "main" is NUL-terminated; the argument is
    // the int this file control reads (and writes back).
    let rc = unsafe {
        rusqlite::ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            rusqlite::ffi::SQLITE_FCNTL_PERSIST_WAL,
            (&raw mut on).cast(),
        )
    };
    if rc != rusqlite::ffi::SQLITE_OK {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rc),
            Some("cannot keep the WAL's files".to_string()),
        ));
    }
    conn.pragma_update(None, "journal_size_limit", SHARED_WAL_LIMIT)
}

/// The group and mode a new database file is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// 0600: this account only.
    Private,
    /// 0660 in this group: a shared database.
    Shared { gid: u32 },
}

impl Access {
    /// Gives the file open as `file` this access.
    fn give(self, file: &std::fs::File) -> std::io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        match self {
            Access::Private => Ok(()),
            Access::Shared { gid } => {
                std::os::unix::fs::fchown(file, None, Some(gid))?;
                file.set_permissions(std::fs::Permissions::from_mode(0o660))
            }
        }
    }
}

/// Who made a database that was missing a moment ago.
pub(crate) enum Created {
    ByUs,
    ByAnother,
}

/// The directory a file is (to be) in.
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

impl Store {
    /// Opens an existing kaohe database, upgrading its schema if it is older than this build's.
    /// Fails, changing nothing, if it is missing, not a kaohe database, or of a newer schema.
    pub fn open(path: &Path) -> Result<Store> {
        let owned = || path.to_path_buf();
        let header_version = match inspect(path)? {
            FileKind::Kaohe { header_version } => header_version,
            FileKind::Missing => return Err(StoreError::Missing { path: owned() }.into()),
            FileKind::Empty => return Err(StoreError::EmptyFile { path: owned() }.into()),
        };
        let shared = SharedDb::of(path);
        if let Some(db) = &shared {
            db.mend_or_refuse()?;
        }
        let version = stored_version(path, header_version)?;
        if version > latest_schema() {
            return Err(StoreError::NewerSchema {
                path: owned(),
                version,
                known: latest_schema(),
            }
            .into());
        }
        if version == 0 {
            return Err(StoreError::Incomplete { path: owned() }.into());
        }
        if let Some(db) = &shared {
            db.make_missing();
        }
        let cannot_open = || StoreError::CannotOpen { path: owned() };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(cannot_open)?;
        configure(&conn).with_context(cannot_open)?;
        if shared.is_some() {
            keep_side_files(&conn).with_context(cannot_open)?;
        }
        // Persistent once set at creation; asking again is a no-op on a WAL database. (A file
        // another first user has just filled may not be WAL yet: then this switches it.)
        let mode: String = switch_to_wal(&conn).map_err(|e| {
            use rusqlite::ErrorCode::{CannotOpen, ReadOnly};
            let why = if matches!(e.sqlite_error_code(), Some(ReadOnly | CannotOpen)) {
                StoreError::CannotOpenBeside {
                    path: owned(),
                    dir: parent_dir(path),
                }
            } else {
                cannot_open()
            };
            anyhow!(e).context(why)
        })?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::WalRefused {
                path: owned(),
                mode,
            }
            .into());
        }
        if let Some(db) = &shared {
            db.mend_own();
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        let mut store = Store::on(conn, owned());
        store.watch.wal_mode();
        if version < latest_schema() {
            store.migrate(latest_schema())?;
        }
        Ok(store)
    }

    /// Creates a new database at `path` from `seed`. It appears whole or not at all; a new
    /// file gets no world access. Fails if a database (or any non-empty file) is there already.
    pub fn create(path: &Path, seed: &Seed, who: &Reviewer) -> Result<Store> {
        Self::create_from(path, || Ok(seed), who)
    }

    /// [`Store::create`] with the seed made only once the path is known to be free and its
    /// directory there: a file refused is refused before anything is read for it.
    pub fn create_from<S: Borrow<Seed>>(
        path: &Path,
        seed: impl FnOnce() -> Result<S>,
        who: &Reviewer,
    ) -> Result<Store> {
        Self::create_with_access(path, seed, who, Access::Private)
    }

    /// [`Store::create_from`], giving the new file `access`: a shared database is 0660 in its
    /// group from the moment it appears (its temporary file is given both before the rename).
    pub fn create_with_access<S: Borrow<Seed>>(
        path: &Path,
        seed: impl FnOnce() -> Result<S>,
        who: &Reviewer,
        access: Access,
    ) -> Result<Store> {
        match Self::create_file_as(path, seed, who, latest_schema(), access)? {
            Created::ByUs => Store::open(path),
            Created::ByAnother => Err(StoreError::AlreadyExists {
                path: path.to_path_buf(),
            }
            .into()),
        }
    }

    /// Makes the database file with the schema at `schema_version` (older ones only to test
    /// upgrades). Safe against another process doing the same at the same moment.
    pub(crate) fn create_file<S: Borrow<Seed>>(
        path: &Path,
        seed: impl FnOnce() -> Result<S>,
        who: &Reviewer,
        schema_version: u32,
    ) -> Result<Created> {
        Self::create_file_as(path, seed, who, schema_version, Access::Private)
    }

    fn create_file_as<S: Borrow<Seed>>(
        path: &Path,
        seed: impl FnOnce() -> Result<S>,
        who: &Reviewer,
        schema_version: u32,
        access: Access,
    ) -> Result<Created> {
        let owned = || path.to_path_buf();
        let cannot_create = || StoreError::CannotCreate { path: owned() };
        let cannot_switch = || StoreError::CannotSwitchToWal { path: owned() };
        match inspect(path)? {
            FileKind::Kaohe { .. } => return Ok(Created::ByAnother),
            // An empty file someone made for us (mktemp): filled in place, under SQLite's
            // write lock, so concurrent first users serialise and the file keeps its owner.
            FileKind::Empty => {
                if access != Access::Private {
                    let file = std::fs::OpenOptions::new()
                        .write(true)
                        .open(path)
                        .with_context(cannot_create)?;
                    access.give(&file).with_context(cannot_create)?;
                }
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .with_context(cannot_create)?;
                configure(&conn)?;
                let mut store = Store::on(conn, owned());
                if !store.initialize(seed()?.borrow(), who, schema_version)? {
                    return Ok(Created::ByAnother);
                }
                switch_to_wal(&store.conn).with_context(cannot_switch)?;
                return Ok(Created::ByUs);
            }
            FileKind::Missing => {}
        }
        let dir = parent_dir(path);
        if !dir.is_dir() {
            return Err(StoreError::NoDirectory { path: owned(), dir }.into());
        }
        // Built under a temporary name (mode 0600, until given its access) and renamed into
        // place when complete, so an interrupted init leaves no half-made database behind.
        let temp = tempfile::Builder::new()
            .prefix(".kaohe-new-")
            .suffix(".db")
            .tempfile_in(&dir)
            .with_context(|| StoreError::CannotCreateIn { dir: dir.clone() })?;
        {
            let conn = Connection::open(temp.path()).with_context(cannot_create)?;
            configure(&conn)?;
            let mut store = Store::on(conn, temp.path().to_path_buf());
            store.initialize(seed()?.borrow(), who, schema_version)?;
            store
                .conn
                .pragma_update(None, "journal_mode", "WAL")
                .with_context(cannot_switch)?;
        }
        access.give(temp.as_file()).with_context(cannot_create)?;
        match temp.persist_noclobber(path).map_err(|e| e.error) {
            Ok(_) => {}
            // Another process won the race; what it renamed into place is whole.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Ok(Created::ByAnother);
            }
            Err(e) => return Err(anyhow!(e).context(StoreError::CannotPlace { path: owned() })),
        }
        if let Ok(d) = std::fs::File::open(&dir) {
            // Make the new directory entry durable too; not all filesystems allow it.
            let _ = d.sync_all();
        }
        Ok(Created::ByUs)
    }

    /// Opens `path`, creating it first from `seed` if it is missing or an empty file.
    pub fn open_or_create(
        path: &Path,
        seed: impl FnOnce() -> Result<Seed>,
        who: &Reviewer,
    ) -> Result<Store> {
        if matches!(inspect(path)?, FileKind::Missing | FileKind::Empty) {
            // Made before the file: making the seed may prepare the place (the data directory).
            let seed = seed()?;
            Self::create_file(path, || Ok(seed), who, latest_schema())?;
        }
        Store::open(path)
    }

    /// `PRAGMA quick_check` of the database at `path`, through a read-only connection: it never
    /// creates a database or changes one. Answers what the check found wrong (nothing: empty).
    pub fn quick_check(path: &Path) -> Result<Vec<String>> {
        let owned = || path.to_path_buf();
        match inspect(path)? {
            FileKind::Kaohe { .. } => {}
            FileKind::Missing => return Err(StoreError::Missing { path: owned() }.into()),
            FileKind::Empty => return Err(StoreError::EmptyFile { path: owned() }.into()),
        }
        // Reading a WAL database needs its side files; made right here, never by SQLite.
        if let Some(db) = SharedDb::of(path) {
            db.make_missing();
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| StoreError::CannotOpen { path: owned() })?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let found = (|| {
            let mut stmt = conn.prepare("PRAGMA quick_check")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<rusqlite::Result<Vec<String>>>()
        })()
        .with_context(|| StoreError::CannotRead { path: owned() })?;
        Ok(if found == ["ok"] { Vec::new() } else { found })
    }

    /// Whether `path` holds nothing yet, so that using it would create a database.
    pub fn would_create(path: &Path) -> Result<bool> {
        Ok(matches!(
            inspect(path)?,
            FileKind::Missing | FileKind::Empty
        ))
    }

    /// Fills an empty database from `seed` in one transaction. Returns false, writing nothing,
    /// if another process filled it first.
    fn initialize(&mut self, seed: &Seed, who: &Reviewer, schema_version: u32) -> Result<bool> {
        let path = self.path.clone();
        let tx = self.write()?;
        let app_id: i32 = tx.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let objects: i64 = tx.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))?;
        if app_id == APPLICATION_ID {
            return Ok(false);
        }
        if objects > 0 {
            return Err(StoreError::ForeignSqlite { path }.into());
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        schema::create(&tx, schema_version)?;
        targets::insert_catalog(&tx, &seed.catalog, &seed.counties)?;
        if schema_version >= 5 {
            let rules = schema_version >= schema::with_rules();
            targets::write_scoring(&tx, &seed.catalog, rules)?;
        }
        if schema_version >= 9 {
            crate::owners::seed_owners(&tx, &seed.catalog, who)?;
        }
        if let Some((rows, file)) = &seed.submissions {
            submissions::insert_submissions(&tx, rows, file, who)?;
        }
        tx.commit().context("cannot save the new database")?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{new_store, seed, who};
    use kaohe_core::catalog::{Catalog, embedded_counties};

    #[test]
    fn a_new_database_holds_the_catalog_and_counties() {
        let dir = tempfile::tempdir().unwrap();
        let store = new_store(&dir);
        assert_eq!(store.catalog().unwrap(), Catalog::embedded_2014().unwrap());
        assert_eq!(store.counties().unwrap(), embedded_counties().unwrap());
        assert_eq!(store.schema_version().unwrap(), latest_schema());
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: bool = store
            .conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert!(fk);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_database_has_no_world_access() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = new_store(&dir);
        let mode = std::fs::metadata(store.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o007, 0, "mode {mode:o}");
    }

    fn mode_and_group(path: &Path) -> (u32, u32) {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).unwrap();
        (m.mode() & 0o7777, m.gid())
    }

    fn side(db: &Path, suffix: &str) -> PathBuf {
        crate::shared::side_file(db, suffix)
    }

    #[test]
    fn a_shared_database_is_made_0660_in_its_group_and_keeps_its_side_files() {
        // SAFETY: getegid cannot fail.
        let gid = unsafe { libc::getegid() };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.db");
        let access = Access::Shared { gid };
        let store = Store::create_with_access(&path, || Ok(seed()), &who(), access).unwrap();
        assert_eq!(mode_and_group(&path), (0o660, gid));
        for suffix in ["-wal", "-shm"] {
            assert_eq!(
                mode_and_group(&side(&path, suffix)),
                (0o660, gid),
                "{suffix}"
            );
        }
        drop(store);
        // Kept when the last connection closes, so SQLite never makes them again.
        assert!(side(&path, "-wal").exists() && side(&path, "-shm").exists());
        assert_eq!(Store::quick_check(&path).unwrap(), Vec::<String>::new());
        let store = Store::open(&path).unwrap();
        assert_eq!(store.counties().unwrap().len(), 6);
    }

    #[test]
    fn a_private_database_leaves_no_side_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = new_store(&dir).path().to_path_buf();
        assert!(!side(&path, "-wal").exists(), "the WAL is removed on close");
    }

    #[test]
    fn a_leftover_side_file_of_the_wrong_group_and_mode_is_mended_by_its_owner() {
        // SAFETY: geteuid cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("skipped: giving a file another group needs root");
            return;
        }
        let (team, other) = (3_999_042, 3_999_043);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.db");
        let access = Access::Shared { gid: team };
        drop(Store::create_with_access(&path, || Ok(seed()), &who(), access).unwrap());
        let wal = side(&path, "-wal");
        std::os::unix::fs::chown(&wal, None, Some(other)).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::remove_file(side(&path, "-shm")).unwrap();
        let store = Store::open(&path).unwrap();
        assert_eq!(mode_and_group(&wal), (0o660, team));
        assert_eq!(mode_and_group(&side(&path, "-shm")), (0o660, team));
        drop(store);
    }

    #[test]
    fn the_quick_check_never_creates_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.db");
        let e = Store::quick_check(&path).err().unwrap();
        assert!(matches!(e.downcast_ref(), Some(StoreError::Missing { .. })));
        assert!(!path.exists());
        std::fs::write(&path, b"").unwrap();
        assert!(Store::quick_check(&path).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"");
    }

    #[test]
    fn creating_over_an_existing_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = new_store(&dir);
        let before = std::fs::read(store.path()).unwrap();
        let e = Store::create(store.path(), &seed(), &who()).err().unwrap();
        assert!(e.to_string().contains("already exists"), "{e}");
        assert_eq!(std::fs::read(store.path()).unwrap(), before);
    }

    fn assert_refused_untouched(path: &Path, expect: &str) {
        let before = std::fs::read(path).unwrap();
        let e = format!("{:#}", Store::open(path).err().expect("must refuse"));
        assert!(e.contains(expect), "{e}");
        assert!(e.contains(&path.display().to_string()), "{e}");
        assert_eq!(std::fs::read(path).unwrap(), before, "file changed");
        let wal = PathBuf::from(format!("{}-wal", path.display()));
        assert!(!wal.exists(), "a -wal file appeared");
    }

    #[test]
    fn random_bytes_are_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("random.db");
        let bytes: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        std::fs::write(&path, bytes).unwrap();
        assert_refused_untouched(&path, "not a kaohe database (it is not a SQLite file)");
        std::fs::write(&path, b"tiny").unwrap();
        assert_refused_untouched(&path, "not a SQLite file");
    }

    #[test]
    fn another_applications_sqlite_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('hi');")
                .unwrap();
        }
        assert_refused_untouched(&path, "another application's SQLite file");
    }

    #[test]
    fn a_newer_schema_is_refused_with_its_version_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = new_store(&dir).path().to_path_buf();
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", 99).unwrap();
        }
        assert_refused_untouched(&path, "schema version 99");
    }

    #[test]
    fn an_empty_file_is_not_opened_but_can_be_created_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.db");
        std::fs::write(&path, b"").unwrap();
        assert!(Store::open(&path).is_err());
        let store = Store::open_or_create(&path, || Ok(seed()), &who()).unwrap();
        assert_eq!(store.counties().unwrap().len(), 6);
    }

    #[test]
    fn two_processes_creating_one_database_at_once_both_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("race.db");
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    Store::open_or_create(&path, || Ok(seed()), &who())
                        .map(|s| s.counties().unwrap().len())
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap().unwrap(), 6);
        }
    }

    #[test]
    fn a_newer_schema_behind_a_live_wal_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = new_store(&dir).path().to_path_buf();
        let writer = Connection::open(&path).unwrap();
        // A version past the newest this build writes.
        let newer = latest_schema() + 1;
        writer.pragma_update(None, "user_version", newer).unwrap();
        let wal = PathBuf::from(format!("{}-wal", path.display()));
        assert!(
            wal.metadata().unwrap().len() > 0,
            "the change should sit in the WAL"
        );
        let before = std::fs::read(&path).unwrap();
        let e = format!("{:#}", Store::open(&path).err().expect("must refuse"));
        assert!(e.contains(&format!("schema version {newer}")), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert!(
            wal.metadata().unwrap().len() > 0,
            "the WAL was checkpointed"
        );
        drop(writer);
    }

    #[test]
    fn an_interrupted_creation_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("half.db");
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            c.execute_batch("CREATE TABLE x (y);").unwrap();
        }
        assert_refused_untouched(&path, "incomplete kaohe database");
    }

    #[test]
    fn refusals_answer_their_kind() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.db");
        let e = Store::open(&missing).err().unwrap();
        assert_eq!(
            e.to_string(),
            format!("{} does not exist", missing.display())
        );
        assert!(matches!(e.downcast_ref(), Some(StoreError::Missing { .. })));
        let e = Store::open(dir.path()).err().unwrap();
        assert!(matches!(
            e.downcast_ref(),
            Some(StoreError::NotRegularFile { .. })
        ));
        let nowhere = dir.path().join("no-such-dir").join("k.db");
        let e = Store::create(&nowhere, &seed(), &who()).err().unwrap();
        assert!(matches!(
            e.downcast_ref(),
            Some(StoreError::NoDirectory { .. })
        ));
        let store = new_store(&dir);
        let e = Store::create(store.path(), &seed(), &who()).err().unwrap();
        assert!(matches!(
            e.downcast_ref(),
            Some(StoreError::AlreadyExists { .. })
        ));
    }

    #[test]
    fn not_a_regular_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let e = format!("{:#}", Store::open(dir.path()).err().unwrap());
        assert!(e.contains("is not a regular file"), "{e}");
    }
}
