//! All SQL lives here. One SQLite file per assessment, shared by several reviewers:
//! WAL, a busy timeout, and every write in an IMMEDIATE transaction.

mod reviews;
mod schema;

pub use reviews::{Expected, ReviewChange, ReviewWrite, Written};

pub use schema::{MIGRATIONS, latest as latest_schema};

use anyhow::{Context, Result, anyhow, bail};
use kaohe_core::catalog::Catalog;
use kaohe_core::item::Item;
use kaohe_core::lookup::{Lookup, SubmissionRow};
use kaohe_core::model::{
    Assessment, Comparator, County, Indicator, IndicatorKind, Requirement, Shares, Target,
    TargetClass, Verdict,
};
use kaohe_core::report::{Report, Status, Submitted, Verdicts};
use kaohe_core::score::Scorer;
use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Marks a SQLite file as kaohe's (`PRAGMA application_id`, "kaoh").
pub const APPLICATION_ID: i32 = 0x6b61_6f68;
/// How long a write waits for another reviewer's write to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Who makes a change: the name shown, and the OS account always recorded beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewer {
    pub name: String,
    pub account: String,
}

/// The current time, RFC 3339 with the local offset.
pub fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// What a new database is made from.
#[derive(Debug, Clone)]
pub struct Seed {
    pub catalog: Catalog,
    pub counties: Vec<County>,
    /// Submissions written at creation, already parsed and checked (the store parses no
    /// file), and the name of the file they came from.
    pub submissions: Option<(Vec<SubmissionRow>, String)>,
}

/// An open kaohe database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

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
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::Missing),
        Err(e) => return Err(anyhow!(e).context(format!("cannot open database {shown}"))),
    };
    if !meta.is_file() {
        bail!("{shown} is not a regular file, so not a kaohe database; it was left untouched");
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
        let mut file =
            std::fs::File::open(path).with_context(|| format!("cannot open database {shown}"))?;
        let mut header = Vec::with_capacity(100);
        file.by_ref()
            .take(100)
            .read_to_end(&mut header)
            .with_context(|| format!("cannot read database {shown}"))?;
        let whole = header.len() == 100 && &header[..16] == b"SQLite format 3\0";
        if whole || !journal.exists() || waited >= BUSY_TIMEOUT {
            break header;
        }
        std::thread::sleep(Duration::from_millis(10));
        waited += Duration::from_millis(10);
    };
    if header.len() < 100 || &header[..16] != b"SQLite format 3\0" {
        bail!("{shown} is not a kaohe database (it is not a SQLite file); it was left untouched");
    }
    let be = |at: usize| [header[at], header[at + 1], header[at + 2], header[at + 3]];
    if i32::from_be_bytes(be(68)) != APPLICATION_ID {
        bail!(
            "{shown} is not a kaohe database (it is another application's SQLite file); it was left untouched"
        );
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
    .with_context(|| format!("cannot open database {}", path.display()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .with_context(|| format!("cannot read database {}", path.display()))
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
    Ok(())
}

/// Who made a database that was missing a moment ago.
enum Created {
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
        let shown = path.display();
        let header_version = match inspect(path)? {
            FileKind::Kaohe { header_version } => header_version,
            FileKind::Missing => bail!("{shown} does not exist"),
            FileKind::Empty => bail!(
                "{shown} is an empty file, not a kaohe database (`kaohe init` makes one there)"
            ),
        };
        let version = stored_version(path, header_version)?;
        if version > latest_schema() {
            bail!(
                "{shown} was written by a newer kaohe (schema version {version}; this kaohe knows up to {}); it was left untouched — use a newer kaohe",
                latest_schema()
            );
        }
        if version == 0 {
            bail!(
                "{shown} is an incomplete kaohe database (its creation was interrupted); it was left untouched — remove it and create it again"
            );
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("cannot open database {shown}"))?;
        configure(&conn).with_context(|| format!("cannot open database {shown}"))?;
        // Persistent once set at creation; asking again is a no-op on a WAL database. (A file
        // another first user has just filled may not be WAL yet: then this switches it.)
        let mode: String = switch_to_wal(&conn)
            .map_err(|e| {
                use rusqlite::ErrorCode::{CannotOpen, ReadOnly};
                let why = if matches!(e.sqlite_error_code(), Some(ReadOnly | CannotOpen)) {
                    format!(
                        "cannot open database {shown} (SQLite must be able to write {shown}-wal and {shown}-shm in {})",
                        parent_dir(path).display()
                    )
                } else {
                    format!("cannot open database {shown}")
                };
                anyhow!(e).context(why)
            })?;
        if !mode.eq_ignore_ascii_case("wal") {
            bail!(
                "{shown}: SQLite refused WAL mode (journal_mode is {mode}); is it on a network filesystem?"
            );
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        if version < latest_schema() {
            store.migrate(latest_schema())?;
        }
        Ok(store)
    }

    /// Creates a new database at `path` from `seed`. It appears whole or not at all; a new
    /// file gets no world access. Fails if a database (or any non-empty file) is there already.
    pub fn create(path: &Path, seed: &Seed, who: &Reviewer) -> Result<Store> {
        match Self::create_file(path, seed, who, latest_schema())? {
            Created::ByUs => Store::open(path),
            Created::ByAnother => bail!("{} already exists; it was left untouched", path.display()),
        }
    }

    /// Makes the database file with the schema at `schema_version` (older ones only to test
    /// upgrades). Safe against another process doing the same at the same moment.
    fn create_file(
        path: &Path,
        seed: &Seed,
        who: &Reviewer,
        schema_version: u32,
    ) -> Result<Created> {
        let shown = path.display();
        match inspect(path)? {
            FileKind::Kaohe { .. } => return Ok(Created::ByAnother),
            // An empty file someone made for us (mktemp): filled in place, under SQLite's
            // write lock, so concurrent first users serialise and the file keeps its owner.
            FileKind::Empty => {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .with_context(|| format!("cannot create database {shown}"))?;
                configure(&conn)?;
                let mut store = Store {
                    conn,
                    path: path.to_path_buf(),
                };
                if !store.initialize(seed, who, schema_version)? {
                    return Ok(Created::ByAnother);
                }
                switch_to_wal(&store.conn)
                    .with_context(|| format!("cannot switch {shown} to WAL"))?;
                return Ok(Created::ByUs);
            }
            FileKind::Missing => {}
        }
        let dir = parent_dir(path);
        if !dir.is_dir() {
            bail!(
                "cannot create {shown}: the directory {} does not exist",
                dir.display()
            );
        }
        // Built under a temporary name (mode 0600) and renamed into place when complete,
        // so an interrupted init leaves no half-made database behind.
        let temp = tempfile::Builder::new()
            .prefix(".kaohe-new-")
            .suffix(".db")
            .tempfile_in(&dir)
            .with_context(|| format!("cannot create a database in {}", dir.display()))?;
        {
            let conn = Connection::open(temp.path())
                .with_context(|| format!("cannot create database {shown}"))?;
            configure(&conn)?;
            let mut store = Store {
                conn,
                path: temp.path().to_path_buf(),
            };
            store.initialize(seed, who, schema_version)?;
            store
                .conn
                .pragma_update(None, "journal_mode", "WAL")
                .with_context(|| format!("cannot switch {shown} to WAL"))?;
        }
        match temp.persist_noclobber(path).map_err(|e| e.error) {
            Ok(_) => {}
            // Another process won the race; what it renamed into place is whole.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Ok(Created::ByAnother);
            }
            Err(e) => return Err(anyhow!(e).context(format!("cannot create {shown}"))),
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
            Self::create_file(path, &seed()?, who, latest_schema())?;
        }
        Store::open(path)
    }

    /// Whether `path` holds nothing yet, so that using it would create a database.
    pub fn would_create(path: &Path) -> Result<bool> {
        Ok(matches!(
            inspect(path)?,
            FileKind::Missing | FileKind::Empty
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    fn write(&mut self) -> Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .with_context(|| format!("cannot write to {}", self.path.display()))
    }

    fn migrate(&mut self, upto: u32) -> Result<()> {
        let shown = self.path.display().to_string();
        let tx = self.write()?;
        // Read again inside the write lock: another process may have migrated meanwhile.
        let current: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current >= upto {
            return Ok(());
        }
        for (i, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .take(upto as usize)
            .skip(current as usize)
        {
            tx.execute_batch(sql)
                .with_context(|| format!("{shown}: schema migration {} failed", i + 1))?;
        }
        tx.pragma_update(None, "user_version", upto)?;
        tx.commit()
            .with_context(|| format!("{shown}: cannot save the schema upgrade"))?;
        Ok(())
    }

    /// Fills an empty database from `seed` in one transaction. Returns false, writing nothing,
    /// if another process filled it first.
    fn initialize(&mut self, seed: &Seed, who: &Reviewer, schema_version: u32) -> Result<bool> {
        let (catalog, counties) = (&seed.catalog, &seed.counties);
        let shown = self.path.display().to_string();
        let tx = self.write()?;
        let app_id: i32 = tx.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let objects: i64 = tx.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))?;
        if app_id == APPLICATION_ID {
            return Ok(false);
        }
        if objects > 0 {
            bail!(
                "{shown} is not a kaohe database (it is another application's SQLite file); it was left untouched"
            );
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        for sql in MIGRATIONS.iter().take(schema_version as usize) {
            tx.execute_batch(sql).context("creating the schema")?;
        }
        tx.pragma_update(None, "user_version", schema_version)?;
        let a = &catalog.assessment;
        tx.execute(
            "INSERT INTO assessment (id, year, title, issuer, number, issued_on, notice, addressees,
                 preamble, method_title, method_number, created_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                a.year,
                a.title,
                a.issuer,
                a.number,
                a.date,
                a.notice,
                a.addressees,
                a.preamble,
                a.method_title,
                a.method_number,
                now()
            ],
        )?;
        for c in &catalog.classes {
            tx.execute(
                "INSERT INTO target_classes (class, name) VALUES (?1, ?2)",
                params![c.class, c.name],
            )?;
        }
        for (tpos, t) in catalog.targets.iter().enumerate() {
            tx.execute(
                "INSERT INTO targets (id, class, position, title, text) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![t.id, t.class, tpos as i64, t.title, t.text],
            )?;
            for (ipos, i) in t.indicators.iter().enumerate() {
                let r = i.requirement.as_ref();
                tx.execute(
                    "INSERT INTO indicators (id, target_id, position, short, text, source, kind,
                         comparator, threshold, unit)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        i.id,
                        t.id,
                        ipos as i64,
                        i.short,
                        i.text,
                        i.source,
                        i.kind.as_str(),
                        r.map(|r| r.comparator.as_str()),
                        r.map(|r| r.threshold),
                        r.map(|r| r.unit.as_str()),
                    ],
                )?;
            }
        }
        for (pos, c) in counties.iter().enumerate() {
            tx.execute(
                "INSERT INTO counties (code, name, position) VALUES (?1, ?2, ?3)",
                params![c.code, c.name, pos as i64],
            )?;
        }
        if schema_version >= 5 {
            write_scoring(&tx, catalog)?;
        }
        if let Some((rows, file)) = &seed.submissions {
            insert_submissions(&tx, rows, file, who)?;
        }
        tx.commit().context("cannot save the new database")?;
        Ok(true)
    }

    /// What each verdict earns of an indicator's points.
    fn shares(&self) -> Result<Shares> {
        Ok(self.conn.query_row(
            "SELECT share_met, share_partly_met, share_not_met FROM assessment WHERE id = 1",
            [],
            |r| {
                Ok(Shares {
                    met: r.get(0)?,
                    partly_met: r.get(1)?,
                    not_met: r.get(2)?,
                })
            },
        )?)
    }

    /// The document the targets come from.
    pub fn assessment(&self) -> Result<Assessment> {
        Ok(self.conn.query_row(
            "SELECT year, title, issuer, number, issued_on, notice, addressees, preamble,
                    method_title, method_number FROM assessment WHERE id = 1",
            [],
            |r| {
                Ok(Assessment {
                    year: r.get(0)?,
                    title: r.get(1)?,
                    issuer: r.get(2)?,
                    number: r.get(3)?,
                    date: r.get(4)?,
                    notice: r.get(5)?,
                    addressees: r.get(6)?,
                    preamble: r.get(7)?,
                    method_title: r.get(8)?,
                    method_number: r.get(9)?,
                })
            },
        )?)
    }

    /// The assessment and its targets and indicators, in document order.
    pub fn catalog(&self) -> Result<Catalog> {
        let assessment = self.assessment()?;
        let classes = self
            .conn
            .prepare("SELECT class, name, weight FROM target_classes ORDER BY class")?
            .query_map([], |r| {
                Ok(TargetClass {
                    class: r.get(0)?,
                    name: r.get(1)?,
                    weight: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut targets = self
            .conn
            .prepare("SELECT id, class, title, text, points FROM targets ORDER BY position")?
            .query_map([], |r| {
                Ok(Target {
                    id: r.get(0)?,
                    class: r.get(1)?,
                    title: r.get(2)?,
                    text: r.get(3)?,
                    points: r.get(4)?,
                    indicators: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT target_id, id, short, text, source, kind, comparator, threshold, unit,
                    COALESCE(points, 0), partly, veto, deduct
             FROM indicators ORDER BY target_id, position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let target_id: u32 = r.get(0)?;
            let id: String = r.get(1)?;
            let kind: String = r.get(5)?;
            let kind: IndicatorKind = kind
                .parse()
                .map_err(|e: String| anyhow!("indicator {id}: {e}"))?;
            let comparator: Option<String> = r.get(6)?;
            let requirement = match comparator {
                Some(c) => Some(Requirement {
                    comparator: c
                        .parse::<Comparator>()
                        .map_err(|e| anyhow!("indicator {id}: {e}"))?,
                    threshold: r.get(7)?,
                    unit: r.get(8)?,
                    partly: r.get(10)?,
                }),
                None => None,
            };
            let indicator = Indicator {
                id,
                short: r.get(2)?,
                text: r.get(3)?,
                source: r.get(4)?,
                kind,
                requirement,
                points: r.get(9)?,
                veto: r.get(11)?,
                deduct: r.get(12)?,
            };
            if let Some(t) = targets.iter_mut().find(|t| t.id == target_id) {
                t.indicators.push(indicator);
            }
        }
        Ok(Catalog {
            assessment,
            classes,
            targets,
            shares: self.shares()?,
        })
    }

    /// The counties in their customary order.
    pub fn counties(&self) -> Result<Vec<County>> {
        Ok(self
            .conn
            .prepare("SELECT code, name FROM counties ORDER BY position")?
            .query_map([], |r| {
                Ok(County {
                    code: r.get(0)?,
                    name: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// What an import resolves names against.
    pub fn lookup(&self) -> Result<Lookup> {
        Ok(Lookup::from_parts(&self.catalog()?, &self.counties()?))
    }

    /// Writes parsed submissions in one transaction, replacing any earlier submission of the
    /// same county and indicator. Returns how many were written.
    pub fn import_submissions(
        &mut self,
        rows: &[SubmissionRow],
        file: &str,
        who: &Reviewer,
    ) -> Result<usize> {
        let tx = self.write()?;
        insert_submissions(&tx, rows, file, who)?;
        tx.commit()
            .with_context(|| format!("cannot save the import into {}", self.path.display()))?;
        Ok(rows.len())
    }

    /// Refuses a targets file whose targets or indicators are not the ones this database
    /// holds (apart from their scoring), naming the first difference.
    pub fn check_same_targets(&self, catalog: &Catalog, shown: &str) -> Result<()> {
        let held = self.catalog()?;
        let ids = |c: &Catalog| c.indicators().map(|i| i.id.clone()).collect::<Vec<_>>();
        let (theirs, mine) = (ids(catalog), ids(&held));
        if theirs != mine {
            // Name the first indicator one has and the other has not.
            let differs = theirs
                .iter()
                .find(|id| !mine.contains(id))
                .map(|id| format!("indicator {id} is not in {}", self.path.display()))
                .or_else(|| {
                    mine.iter()
                        .find(|id| !theirs.contains(id))
                        .map(|id| format!("the file has no indicator {id}"))
                })
                .unwrap_or_else(|| "its indicators are in another order".to_string());
            bail!(
                "{shown} has other indicators than {} ({} there, {} here; {differs}): its points cannot be applied to these targets",
                self.path.display(),
                theirs.len(),
                mine.len()
            );
        }
        let words = |i: &Indicator| {
            (
                i.short.clone(),
                i.text.clone(),
                i.kind,
                i.requirement
                    .as_ref()
                    .map(|r| (r.comparator, r.threshold.to_bits(), r.unit.clone())),
            )
        };
        for (mine, theirs) in held.indicators().zip(catalog.indicators()) {
            if words(mine) != words(theirs) {
                bail!(
                    "{shown}: indicator {} is not the one {} holds (its words or requirement differ): its points cannot be applied to these targets",
                    theirs.id,
                    self.path.display()
                );
            }
        }
        for (mine, theirs) in held.targets.iter().zip(&catalog.targets) {
            if (mine.class, &mine.title) != (theirs.class, &theirs.title) {
                bail!(
                    "{shown}: target {} is not the one {} holds: its points cannot be applied to these targets",
                    theirs.id,
                    self.path.display()
                );
            }
        }
        Ok(())
    }

    /// Writes a catalog's scoring (weights, points, bands, deductions, 一票否决, shares) over
    /// the database's, in one transaction. Call [`Store::check_same_targets`] first.
    pub fn apply_scoring(&mut self, catalog: &Catalog) -> Result<()> {
        let tx = self.write()?;
        write_scoring(&tx, catalog)?;
        tx.commit()
            .with_context(|| format!("cannot save the points into {}", self.path.display()))?;
        Ok(())
    }

    /// What importing `rows` would do, without writing: how many submissions are new, how
    /// many replace earlier ones (and of those, how many with another figure), and how many
    /// verdicts would then be marked changed since reviewed.
    pub fn import_preview(&self, rows: &[SubmissionRow]) -> Result<ImportPreview> {
        let mut stmt = self.conn.prepare(
            "SELECT s.value, s.numerator, s.denominator,
                    r.verdict IS NOT NULL AND r.revision >= COALESCE(s.revision, 0)
             FROM (SELECT ?1 AS c, ?2 AS i) k
             LEFT JOIN submissions s ON s.county_code = k.c AND s.indicator_id = k.i
             LEFT JOIN reviews r ON r.county_code = k.c AND r.indicator_id = k.i",
        )?;
        let mut preview = ImportPreview::default();
        for row in rows {
            // The earlier figure, and whether a verdict is on it (not behind it already).
            type Earlier = (Option<String>, Option<f64>, Option<f64>, Option<bool>);
            let (value, numerator, denominator, verdict): Earlier = stmt
                .query_row(params![row.county_code, row.indicator_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?;
            let s = &row.submission;
            // The same test as the import's revision (insert_submissions).
            let changed = match &value {
                None => true,
                Some(v) => {
                    *v != s.value || numerator != s.numerator || denominator != s.denominator
                }
            };
            if value.is_some() {
                preview.replaced += 1;
                preview.figure_changed += usize::from(changed);
            } else {
                preview.new += 1;
            }
            if changed && verdict == Some(true) {
                preview.verdicts_to_recheck += 1;
            }
        }
        Ok(preview)
    }

    /// Keeps a note being typed, replacing the account's earlier draft of the same item.
    pub fn save_draft(
        &mut self,
        who: &Reviewer,
        county_code: &str,
        indicator_id: &str,
        text: &str,
    ) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO drafts (account, reviewer, county_code, indicator_id, text, saved_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (account, reviewer, county_code, indicator_id) DO UPDATE SET
                 text = excluded.text, saved_at = excluded.saved_at",
            params![
                who.account,
                who.name,
                county_code,
                indicator_id,
                text,
                now()
            ],
        )?;
        tx.commit()
            .with_context(|| format!("cannot keep the draft in {}", self.path.display()))?;
        Ok(())
    }

    /// Drops the account's draft of one item (the reviewer chose to throw it away).
    pub fn discard_draft(
        &mut self,
        who: &Reviewer,
        county_code: &str,
        indicator_id: &str,
    ) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "DELETE FROM drafts WHERE account = ?1 AND reviewer = ?2
                 AND county_code = ?3 AND indicator_id = ?4",
            params![who.account, who.name, county_code, indicator_id],
        )?;
        tx.commit()
            .with_context(|| format!("cannot drop the draft in {}", self.path.display()))?;
        Ok(())
    }

    /// The reviewer's drafts, the most recently typed first.
    pub fn drafts(&self, who: &Reviewer) -> Result<Vec<Draft>> {
        let mut stmt = self.conn.prepare(
            "SELECT county_code, indicator_id, text, saved_at FROM drafts
             WHERE account = ?1 AND reviewer = ?2
             ORDER BY saved_at DESC, county_code, indicator_id",
        )?;
        let rows = stmt.query_map(params![who.account, who.name], |r| {
            Ok(Draft {
                county_code: r.get(0)?,
                indicator_id: r.get(1)?,
                text: r.get(2)?,
                saved_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Remembers where the account is in the workspace.
    pub fn save_position(&mut self, who: &Reviewer, position: &Position) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO positions (account, reviewer, indicator_id, county_code, flow, saved_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (account, reviewer) DO UPDATE SET indicator_id = excluded.indicator_id,
                 county_code = excluded.county_code, flow = excluded.flow,
                 saved_at = excluded.saved_at",
            params![
                who.account,
                who.name,
                position.indicator_id,
                position.county_code,
                if position.by_county {
                    "county"
                } else {
                    "indicator"
                },
                now()
            ],
        )?;
        tx.commit()
            .with_context(|| format!("cannot keep your place in {}", self.path.display()))?;
        Ok(())
    }

    /// Where the reviewer left off, if they have used the workspace on this database.
    pub fn position(&self, who: &Reviewer) -> Result<Option<Position>> {
        Ok(self
            .conn
            .query_row(
                "SELECT indicator_id, county_code, flow FROM positions
                 WHERE account = ?1 AND reviewer = ?2",
                params![who.account, who.name],
                |r| {
                    Ok(Position {
                        indicator_id: r.get(0)?,
                        county_code: r.get(1)?,
                        by_county: r.get::<_, String>(2)? == "county",
                    })
                },
            )
            .optional()?)
    }

    /// The verdict of every reviewed item, and whether it has a note: all the workspace keeps
    /// for every item (the rest is read as the screen needs it).
    pub fn review_states(&self) -> Result<Vec<ReviewState>> {
        let stale: std::collections::HashSet<(String, String)> =
            self.changed_since_review()?.into_iter().collect();
        let mut stmt = self
            .conn
            .prepare("SELECT county_code, indicator_id, verdict, note != '' FROM reviews")?;
        let rows = stmt.query_map([], |r| {
            Ok(ReviewState {
                county_code: r.get(0)?,
                indicator_id: r.get(1)?,
                verdict: verdict_at(r, 2)?,
                has_note: r.get(3)?,
                changed_since_review: false,
            })
        })?;
        let mut states = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        if !stale.is_empty() {
            for s in &mut states {
                s.changed_since_review =
                    stale.contains(&(s.county_code.clone(), s.indicator_id.clone()));
            }
        }
        Ok(states)
    }

    /// The items of one indicator for the counties at positions `from..=to` (in list order).
    pub fn items_range(&self, indicator_id: &str, from: usize, to: usize) -> Result<Vec<Item>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{ITEM_SELECT} WHERE i.id = ?1 AND c.position BETWEEN ?2 AND ?3 ORDER BY c.position"
        ))?;
        let rows = stmt.query_map(params![indicator_id, from as i64, to as i64], item_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The items (county code, indicator id) whose figure changed after their verdict: those
    /// whose figure a later import changed, and those reviewed before any figure came, each
    /// found through its partial index (migration 6), never by joining every review.
    pub fn changed_since_review(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.county_code, r.indicator_id FROM submissions s JOIN reviews r
                 ON r.county_code = s.county_code AND r.indicator_id = s.indicator_id
             WHERE s.revision > 1 AND r.verdict IS NOT NULL AND r.revision < s.revision
             UNION ALL
             SELECT r.county_code, r.indicator_id FROM reviews r JOIN submissions s
                 ON s.county_code = r.county_code AND s.indicator_id = r.indicator_id
             WHERE r.revision = 0 AND r.verdict IS NOT NULL AND s.revision = 1",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every note written: (county code, indicator id, note), for the finder.
    pub fn notes(&self) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT county_code, indicator_id, note FROM reviews WHERE note != ''")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One county × indicator as it stands in the database now.
    pub fn item(&self, county_code: &str, indicator_id: &str) -> Result<Item> {
        read_item(&self.conn, county_code, indicator_id)
    }

    /// Every county × indicator, with its submission and review, counties in order then
    /// indicators in document order.
    pub fn items(&self) -> Result<Vec<Item>> {
        let mut stmt = self.conn.prepare(&format!(
            "{ITEM_SELECT} ORDER BY c.position, t.position, i.position"
        ))?;
        let rows = stmt.query_map([], item_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The review log, oldest first.
    pub fn log(&self) -> Result<Vec<LogEntry>> {
        self.log_where(&LogFilter::default())
    }

    /// The events of the review log that `filter` lets through, oldest first.
    pub fn log_where(&self, filter: &LogFilter) -> Result<Vec<LogEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, reviewer, account, county_code, indicator_id, from_verdict,
                    to_verdict, from_note, note
             FROM review_log
             WHERE seq > ?1
               AND (?2 IS NULL OR county_code = ?2)
               AND (?3 IS NULL OR indicator_id = ?3)
               AND (?4 IS NULL OR reviewer = ?4 OR account = ?4)
             ORDER BY seq",
        )?;
        let rows = stmt.query_map(
            params![
                filter.after,
                filter.county_code,
                filter.indicator,
                filter.reviewer
            ],
            |r| {
                Ok(LogEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    reviewer: r.get(2)?,
                    account: r.get(3)?,
                    county_code: r.get(4)?,
                    indicator: r.get(5)?,
                    from: verdict_at(r, 6)?,
                    to: verdict_at(r, 7)?,
                    from_note: r.get(8)?,
                    note: r.get(9)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// SQLite's `data_version`: it changes when another connection commits (our own commits
    /// leave it be), so a workspace can poll it cheaply to notice other reviewers.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// The number of the last import (0 when none): a new one means submissions changed.
    pub fn last_import(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM imports", [], |r| r.get(0))?)
    }

    /// Says (or keeps saying) that a workspace is open, and where its reviewer is.
    pub fn present(&mut self, session: &str, who: &Reviewer, at: Option<&Presence>) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO sessions (id, reviewer, account, indicator_id, county_code, editing, seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET indicator_id = excluded.indicator_id,
                 county_code = excluded.county_code, editing = excluded.editing,
                 seen_at = excluded.seen_at",
            params![
                session,
                who.name,
                who.account,
                at.map(|p| p.indicator_id.as_str()),
                at.map(|p| p.county_code.as_str()),
                at.is_some_and(|p| p.editing),
                unix_now()
            ],
        )?;
        // Workspaces that ended without saying so (kill -9, a crash) are gone after an hour.
        tx.execute(
            "DELETE FROM sessions WHERE seen_at < ?1",
            params![unix_now() - 3600],
        )?;
        tx.commit()
            .with_context(|| format!("cannot write to {}", self.path.display()))?;
        Ok(())
    }

    /// The workspace is closing: it is no longer present.
    pub fn leave(&mut self, session: &str) -> Result<()> {
        let tx = self.write()?;
        tx.execute("DELETE FROM sessions WHERE id = ?1", params![session])?;
        tx.commit()?;
        Ok(())
    }

    /// The other workspaces seen in the last minute.
    pub fn others(&self, session: &str) -> Result<Vec<Presence>> {
        let mut stmt = self.conn.prepare(
            "SELECT reviewer, account, indicator_id, county_code, editing FROM sessions
             WHERE id != ?1 AND seen_at >= ?2 ORDER BY reviewer, id",
        )?;
        let rows = stmt.query_map(params![session, unix_now() - 60], |r| {
            Ok(Presence {
                reviewer: r.get(0)?,
                account: r.get(1)?,
                indicator_id: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                county_code: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                editing: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The number of the last event in the log (0 when empty).
    pub fn last_event(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM review_log", [], |r| {
                r.get(0)
            })?)
    }

    /// Progress overall, per county and per target, with each county's score and rank.
    ///
    /// Counted in one pass over the reviews (and the submissions counted per county and per
    /// target in SQL): a cross join of every county with every indicator is 361,188 rows at
    /// national scale, and grouping it three times took seconds.
    pub fn status(&self) -> Result<Status> {
        let catalog = self.catalog()?;
        let counties = self.counties()?;
        let indicator_at: std::collections::HashMap<&str, (usize, usize)> = catalog
            .targets
            .iter()
            .enumerate()
            .flat_map(|(t, target)| target.indicators.iter().map(move |i| (i.id.as_str(), t)))
            .enumerate()
            .map(|(k, (id, t))| (id, (k, t)))
            .collect();
        let county_at: std::collections::HashMap<&str, usize> = counties
            .iter()
            .enumerate()
            .map(|(k, c)| (c.code.as_str(), k))
            .collect();
        let n = counties.len();

        let mut submitted = Submitted {
            by_county: vec![0; n],
            by_target: vec![0; catalog.targets.len()],
        };
        // Counted in SQL: a row per submission is 361,188 rows at national scale.
        let mut stmt = self
            .conn
            .prepare("SELECT county_code, COUNT(*) FROM submissions GROUP BY county_code")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let code: String = r.get(0)?;
            if let Some(&c) = county_at.get(code.as_str()) {
                submitted.by_county[c] = r.get(1)?;
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT i.target_id, COUNT(*) FROM submissions s JOIN indicators i ON i.id = s.indicator_id
             GROUP BY i.target_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: u32 = r.get(0)?;
            if let Some(t) = catalog.targets.iter().position(|t| t.id == id) {
                submitted.by_target[t] = r.get(1)?;
            }
        }

        let at = |code: &str, id: &str| -> Option<usize> {
            Some(indicator_at.get(id)?.0 * n + county_at.get(code)?)
        };
        let stale: std::collections::HashSet<usize> = self
            .changed_since_review()?
            .iter()
            .filter_map(|(code, id)| at(code, id))
            .collect();
        let mut verdicts: Vec<Option<Verdict>> = vec![None; indicator_at.len() * n];
        let mut stmt = self.conn.prepare(
            "SELECT county_code, indicator_id, verdict FROM reviews WHERE verdict IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (code, id): (String, String) = (r.get(0)?, r.get(1)?);
            if let Some(k) = at(&code, &id) {
                verdicts[k] = verdict_at(r, 2)?;
            }
        }

        let scorer = Scorer::new(&catalog);
        let report = Report::count(
            &scorer,
            Verdicts {
                counties: n,
                of: &verdicts,
            },
            |k| stale.contains(&k),
        );
        Ok(Status::new(&catalog, &scorer, counties, report, &submitted))
    }
}

/// The scoring part of a catalog (schema 5), written over the defaults migration 5 gives.
fn write_scoring(tx: &Transaction<'_>, catalog: &Catalog) -> Result<()> {
    let s = &catalog.shares;
    tx.execute(
        "UPDATE assessment SET share_met = ?1, share_partly_met = ?2, share_not_met = ?3",
        params![s.met, s.partly_met, s.not_met],
    )?;
    for c in &catalog.classes {
        tx.execute(
            "UPDATE target_classes SET weight = ?2 WHERE class = ?1",
            params![c.class, c.weight],
        )?;
    }
    for t in &catalog.targets {
        tx.execute(
            "UPDATE targets SET points = ?2 WHERE id = ?1",
            params![t.id, t.points],
        )?;
        for i in &t.indicators {
            tx.execute(
                "UPDATE indicators SET points = ?2, partly = ?3, veto = ?4, deduct = ?5
                 WHERE id = ?1",
                params![
                    i.id,
                    i.points,
                    i.requirement.as_ref().and_then(|r| r.partly),
                    i.veto,
                    i.deduct
                ],
            )?;
        }
    }
    Ok(())
}

fn insert_submissions(
    tx: &Transaction<'_>,
    rows: &[SubmissionRow],
    file: &str,
    who: &Reviewer,
) -> Result<()> {
    let at = now();
    tx.execute(
        "INSERT INTO imports (at, account, reviewer, file, rows) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![at, who.account, who.name, file, rows.len() as i64],
    )?;
    let import_id = tx.last_insert_rowid();
    let mut stmt = tx.prepare(
        "INSERT INTO submissions (county_code, indicator_id, value, value_number, numerator,
             denominator, evidence, remark, imported_at, import_id, bare_fraction)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (county_code, indicator_id) DO UPDATE SET
             revision = submissions.revision + (submissions.value IS NOT excluded.value
                 OR submissions.numerator IS NOT excluded.numerator
                 OR submissions.denominator IS NOT excluded.denominator),
             value = excluded.value, value_number = excluded.value_number,
             numerator = excluded.numerator, denominator = excluded.denominator,
             evidence = excluded.evidence, remark = excluded.remark,
             bare_fraction = CASE WHEN submissions.value IS excluded.value
                 THEN submissions.bare_fraction OR excluded.bare_fraction
                 ELSE excluded.bare_fraction END,
             imported_at = excluded.imported_at, import_id = excluded.import_id",
    )?;
    for row in rows {
        let s = &row.submission;
        stmt.execute(params![
            row.county_code,
            row.indicator_id,
            s.value,
            s.value_number,
            s.numerator,
            s.denominator,
            s.evidence,
            s.remark,
            at,
            import_id,
            s.bare_fraction
        ])
        .with_context(|| {
            format!(
                "line {}: cannot store {} × {}",
                row.line, row.county_code, row.indicator_id
            )
        })?;
    }
    Ok(())
}

/// A verdict column: verdicts are stored by their English names, and anything else in the
/// column is an error, not a silent "unreviewed".
fn verdict_at(r: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Option<Verdict>> {
    let text: Option<String> = r.get(index)?;
    text.map(|text| {
        Verdict::ALL
            .into_iter()
            .find(|v| v.as_str() == text)
            .ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    index,
                    rusqlite::types::Type::Text,
                    format!("\"{text}\" is not a verdict").into(),
                )
            })
    })
    .transpose()
}

/// True where review `r` holds a verdict given before submission `s`'s figure last changed
/// (a macro, so that [`ITEM_SELECT`] can be one constant with it).
macro_rules! changed_since_review_sql {
    () => {
        "COALESCE(r.verdict IS NOT NULL AND r.revision < s.revision, 0)"
    };
}
const CHANGED_SINCE_REVIEW: &str = changed_since_review_sql!();

const ITEM_SELECT: &str = concat!(
    "SELECT c.code, c.name, i.id,
        s.value, s.value_number, s.numerator, s.denominator, s.evidence, s.remark,
        r.verdict, r.note, r.reviewer, r.reviewed_at, s.bare_fraction, ",
    changed_since_review_sql!(),
    " FROM counties c
    CROSS JOIN indicators i
    JOIN targets t ON t.id = i.target_id
    LEFT JOIN submissions s ON s.county_code = c.code AND s.indicator_id = i.id
    LEFT JOIN reviews r ON r.county_code = c.code AND r.indicator_id = i.id"
);

/// One county × indicator as `conn` (or a transaction) sees it now.
fn read_item(conn: &Connection, county_code: &str, indicator_id: &str) -> Result<Item> {
    conn.query_row(
        &format!("{ITEM_SELECT} WHERE c.code = ?1 AND i.id = ?2"),
        params![county_code, indicator_id],
        item_from_row,
    )
    .optional()?
    .ok_or_else(|| anyhow!("no item {county_code} × {indicator_id} in the database"))
}

fn item_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    Ok(Item {
        county_code: r.get(0)?,
        county: r.get(1)?,
        indicator: r.get(2)?,
        value: r.get(3)?,
        value_number: r.get(4)?,
        numerator: r.get(5)?,
        denominator: r.get(6)?,
        evidence: r.get(7)?,
        remark: r.get(8)?,
        verdict: verdict_at(r, 9)?,
        note: r.get(10)?,
        reviewer: r.get(11)?,
        reviewed_at: r.get(12)?,
        bare_fraction: r.get::<_, Option<bool>>(13)?.unwrap_or(false),
        changed_since_review: r.get(14)?,
    })
}

/// What the workspace keeps of every reviewed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewState {
    pub county_code: String,
    pub indicator_id: String,
    pub verdict: Option<Verdict>,
    pub has_note: bool,
    pub changed_since_review: bool,
}

/// A note being typed in the workspace, kept until it is saved or thrown away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub county_code: String,
    pub indicator_id: String,
    pub text: String,
    pub saved_at: String,
}

/// Seconds since 1970: presence needs only to compare times.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A reviewer in a workspace right now, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    pub reviewer: String,
    pub account: String,
    pub indicator_id: String,
    pub county_code: String,
    /// Writing a note there.
    pub editing: bool,
}

/// Where a reviewer is in the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub indicator_id: String,
    pub county_code: String,
    /// Marking one county across all indicators rather than one indicator across all counties.
    pub by_county: bool,
}

/// What an import would change (see [`Store::import_preview`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportPreview {
    pub new: usize,
    pub replaced: usize,
    /// Replaced with another figure (value, numerator or denominator).
    pub figure_changed: usize,
    /// Verdicts that would be marked changed since reviewed.
    pub verdicts_to_recheck: usize,
}

/// Which log events to show; `None` parts let everything through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Only events after this one.
    pub after: i64,
    pub county_code: Option<String>,
    pub indicator: Option<String>,
    /// A reviewer's name or OS account.
    pub reviewer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    /// The event's number: the log's order.
    #[serde(skip)]
    pub seq: i64,
    pub at: String,
    pub reviewer: String,
    pub account: String,
    pub county_code: String,
    pub indicator: String,
    pub from: Option<Verdict>,
    pub to: Option<Verdict>,
    pub from_note: String,
    pub note: String,
}

#[cfg(test)]
mod tests;
