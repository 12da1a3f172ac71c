//! `kaohe doctor`: what this account's kaohe would use and whether it can: the database in
//! force and why, the configs, the files of the database (modes, owners, groups, and this
//! account's access to each), free disk space, the WAL's size and a quick integrity check. Each
//! problem comes with the command that mends it; any problem ends in a non-zero exit.
//!
//! It reads and never writes: no database is created, nothing is mended (except that reading a
//! shared database makes its missing `-wal`/`-shm`, in its group and mode, as any kaohe would).

use super::context::Context;
use super::identity::Standing;
use super::shared_dir::{self, DirProblem};
use crate::host::privilege;
use crate::host::{Account, Group, account, group};
use crate::store::shared::{
    self, Ownership, described, is_shared, mending_command, mismatch, shell_word, wanted,
};
use crate::store::{Store, parent_dir};
use anyhow::{Result, bail};
use clap::Args;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct Doctor {
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

/// Below this much free space on the database's filesystem, doctor calls it a problem.
const LOW_DISK: u64 = 100 << 20;

impl Doctor {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        // In the guarded set-up the database's files are kaohe's group's: they are looked at as kaohe
        // would use them (the settings were read, as the user, when the command began).
        let report = privilege::with_kaohe_group(|| Ok(Report::gather(context)))?;
        if self.json {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        } else {
            report.write_text(out)?;
        }
        match report.problems.len() {
            0 => Ok(()),
            1 => bail!("1 problem found; it is listed above with the command that mends it"),
            n => bail!("{n} problems found; each is listed above with the command that mends it"),
        }
    }
}

/// Where the database in force comes from, in words.
fn database_source(context: &Context) -> String {
    let from = context.db_from.to_string();
    match privilege::guarded() {
        Some(gid) => format!(
            "{from} (kaohe runs setgid to group {}: only the installation's config names it)",
            Group::of(gid)
        ),
        None => from,
    }
}

/// The system-wide config in force, if any, else where one was looked for.
fn system_config(context: &Context) -> ConfigFacts {
    let loaded = &context.configs;
    ConfigFacts {
        scope: "system",
        path: loaded
            .system
            .clone()
            .or_else(|| loaded.system_searched.first().cloned()),
        exists: loaded.system.is_some(),
        error: None,
    }
}

/// Whether this account is registered in the database's registry, as one line. Nothing when
/// the database is missing or cannot be opened (the problems above say why).
fn registration(context: &Context, exists: bool) -> Option<String> {
    if !exists {
        return None;
    }
    let store = context.open_existing().ok()?;
    let identity = context.identity(&store).ok()?;
    let account = &context.account.name;
    Some(match identity.standing {
        Standing::NoRegistry => format!(
            "the database has no registry of reviewers: {account} marks as {}",
            identity.reviewer.name
        ),
        Standing::Registered(entry) => format!(
            "{account} is registered as {} ({}{})",
            entry.name,
            entry.role.as_str(),
            entry.division.map(|d| format!(", {d}")).unwrap_or_default()
        ),
        Standing::Unregistered(_) => format!(
            "{account} is not a registered reviewer: may look, not mark (the owner or a lead runs kaohe reviewers add {account} --name NAME)"
        ),
    })
}

/// An id with its name, where the account or group database has one.
#[derive(Debug, Clone, Serialize)]
struct Named {
    id: u32,
    name: Option<String>,
}

impl Named {
    fn user(uid: u32) -> Named {
        Named {
            id: uid,
            name: account::name_of(uid),
        }
    }

    fn group(gid: u32) -> Named {
        let g = Group::of(gid);
        Named {
            id: g.gid,
            name: g.name,
        }
    }

    fn shown(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.id.to_string())
    }

    /// The name and the id, or the id alone where there is no name: `kaohe (4242)`, `4242`.
    fn both(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.id),
            None => self.id.to_string(),
        }
    }
}

#[derive(Debug, Serialize)]
struct Report {
    database: DatabaseFacts,
    configs: Vec<ConfigFacts>,
    account: AccountFacts,
    files: Vec<FileFacts>,
    disk: Option<Disk>,
    wal_bytes: Option<u64>,
    integrity: Integrity,
    registration: Option<String>,
    problems: Vec<Problem>,
}

#[derive(Debug, Serialize)]
struct DatabaseFacts {
    path: PathBuf,
    source: String,
    exists: bool,
    /// Its group may read and write it (共享); else private (个人). Null when it is missing.
    shared: Option<bool>,
}

#[derive(Debug, Serialize)]
struct ConfigFacts {
    /// `user` or `system`.
    scope: &'static str,
    path: Option<PathBuf>,
    exists: bool,
    /// What is wrong with it, if it is refused.
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct AccountFacts {
    uid: u32,
    name: String,
    gid: Named,
    /// The effective group, where it is not the real one (kaohe installed setgid).
    egid: Option<Named>,
    groups: Vec<Named>,
}

#[derive(Debug, Serialize)]
struct FileFacts {
    /// `directory`, `database`, `wal` or `shm`.
    role: &'static str,
    path: PathBuf,
    exists: bool,
    /// Octal, as chmod takes it (`2770`).
    mode: Option<String>,
    owner: Option<Named>,
    group: Option<Named>,
    size: Option<u64>,
    readable: bool,
    writable: bool,
    #[serde(skip)]
    ownership: Option<Ownership>,
    #[serde(skip)]
    is_dir: bool,
}

#[derive(Debug, Serialize)]
struct Disk {
    free_bytes: u64,
    total_bytes: u64,
}

#[derive(Debug, Default, Serialize)]
struct Integrity {
    checked: bool,
    ok: bool,
    /// What `PRAGMA quick_check` found wrong.
    found: Vec<String>,
    /// Why it was not checked.
    not_checked: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub problem: String,
    pub mend: String,
}

fn problem(problem: impl Into<String>, mend: impl Into<String>) -> Problem {
    Problem {
        problem: problem.into(),
        mend: mend.into(),
    }
}

impl FileFacts {
    fn of(role: &'static str, path: &Path) -> FileFacts {
        let meta = std::fs::metadata(path).ok();
        let ownership = meta.as_ref().map(Ownership::of);
        let is_dir = meta.as_ref().is_some_and(|m| m.is_dir());
        // A directory is used by entering it and making files in it.
        let write = if is_dir {
            libc::W_OK | libc::X_OK
        } else {
            libc::W_OK
        };
        FileFacts {
            role,
            path: path.to_path_buf(),
            exists: meta.is_some(),
            mode: ownership.map(|o| format!("{:o}", o.mode)),
            owner: ownership.map(|o| Named::user(o.uid)),
            group: ownership.map(|o| Named::group(o.gid)),
            size: meta.as_ref().filter(|m| m.is_file()).map(|m| m.len()),
            readable: meta.is_some() && may(path, libc::R_OK),
            writable: meta.is_some() && may(path, write),
            ownership,
            is_dir,
        }
    }

    /// This account's access, in words.
    fn access(&self) -> &'static str {
        match (self.readable, self.writable) {
            (true, true) => "read, write",
            (true, false) => "read only",
            (false, true) => "write only",
            (false, false) => "none",
        }
    }
}

/// Whether this process may access `path` so, as the kernel judges it with its effective ids.
fn may(path: &Path, how: libc::c_int) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: c is a NUL-terminated path; faccessat reads it and nothing else of ours.
    unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), how, libc::AT_EACCESS) == 0 }
}

/// Free and total space of the filesystem `path` is on.
fn disk(path: &Path) -> Option<Disk> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: an all-zero statvfs is a valid value to be overwritten.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: c is NUL-terminated and st is ours, of the size statvfs writes.
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    let unit = st.f_frsize as u64;
    Some(Disk {
        free_bytes: (st.f_bavail as u64).saturating_mul(unit),
        total_bytes: (st.f_blocks as u64).saturating_mul(unit),
    })
}

impl Report {
    fn gather(context: &Context) -> Report {
        let db_path = context.db.clone();
        let dir_path = parent_dir(&db_path);
        let dir = FileFacts::of("directory", &dir_path);
        let db = FileFacts::of("database", &db_path);
        let wal = FileFacts::of("wal", &shared::side_file(&db_path, "-wal"));
        let shm = FileFacts::of("shm", &shared::side_file(&db_path, "-shm"));
        let me = Account::current();
        // SAFETY: getgid and getegid cannot fail.
        let (gid, egid) = unsafe { (libc::getgid(), libc::getegid()) };
        let account = AccountFacts {
            uid: me.uid,
            name: me.name.clone(),
            gid: Named::group(gid),
            egid: (egid != gid).then(|| Named::group(egid)),
            groups: group::current()
                .into_iter()
                .filter(|g| g.gid != gid)
                .map(|g| Named {
                    id: g.gid,
                    name: g.name,
                })
                .collect(),
        };
        let database = DatabaseFacts {
            path: db_path.clone(),
            source: database_source(context),
            exists: db.exists,
            shared: db.ownership.map(|o| is_shared(o.mode)),
        };
        let mut problems = Vec::new();
        let configs = configs(context);
        problems.extend(file_problems(&me, &dir, &db, &[&wal, &shm]));
        // The nearest directory that exists, so a missing database's place is still measured.
        let measured = dir_path
            .ancestors()
            .find(|p| p.exists())
            .unwrap_or(&dir_path);
        let disk = disk(measured);
        if let Some(d) = disk.as_ref().filter(|d| d.free_bytes < LOW_DISK) {
            problems.push(problem(
                format!(
                    "only {} free on the filesystem of {}",
                    bytes(d.free_bytes),
                    measured.display()
                ),
                format!(
                    "free some space there (df -h {} shows it)",
                    shell_word(&measured.display().to_string())
                ),
            ));
        }
        let integrity = integrity(&db_path, db.exists);
        let registration = registration(context, db.exists);
        if !integrity.found.is_empty() {
            problems.push(problem(
                format!(
                    "the integrity check found {}: {}",
                    integrity.found.len(),
                    integrity.found[0]
                ),
                format!(
                    "stop every kaohe on it, keep a copy (cp {0} {0}.damaged) and restore your last backup",
                    shell_word(&db_path.display().to_string())
                ),
            ));
        }
        // Unless a problem above explains it already.
        let unexplained = db.exists && problems.is_empty();
        if let Some(why) = integrity.not_checked.as_ref().filter(|_| unexplained) {
            problems.push(problem(
                format!("the integrity check could not run: {why}"),
                "mend what the message names, then run kaohe doctor again",
            ));
        }
        Report {
            database,
            configs,
            account,
            wal_bytes: wal.size,
            files: vec![dir, db, wal, shm],
            disk,
            integrity,
            registration,
            problems,
        }
    }
}

/// The user's config (and the system's, where there is one), each checked as the workspace
/// would read it.
/// The settings files in force: already read and checked when the command began (a refused
/// one stops every command, doctor too, with its file and line).
fn configs(context: &Context) -> Vec<ConfigFacts> {
    let loaded = &context.configs;
    vec![
        ConfigFacts {
            scope: "user",
            path: loaded.user.clone(),
            exists: loaded.user_exists,
            error: None,
        },
        system_config(context),
    ]
}

/// What is wrong with the database's files for this account, each with its mending command.
fn file_problems(
    me: &Account,
    dir: &FileFacts,
    db: &FileFacts,
    sides: &[&FileFacts],
) -> Vec<Problem> {
    let mut found = Vec::new();
    let quoted = |f: &FileFacts| shell_word(&f.path.display().to_string());
    // SAFETY: geteuid cannot fail.
    let euid = unsafe { libc::geteuid() };
    let sudo = |own: Ownership| {
        if euid == own.uid || euid == 0 {
            ""
        } else {
            "sudo "
        }
    };
    let Some(db_own) = db.ownership else {
        if dir.exists && !dir.writable {
            found.push(problem(
                format!(
                    "you ({}) cannot make files in {}, where the database would be made",
                    me.name,
                    dir.path.display()
                ),
                "give --db a place you can write, or ask an administrator for one",
            ));
        }
        return found;
    };
    let db_group = Group::of(db_own.gid);
    let shared_db = is_shared(db_own.mode);
    let in_db_group = group::is_member(db_own.gid);

    let dir_own = dir.ownership.filter(|_| dir.is_dir);
    // A directory made for a team: setgid, and its group may make files there.
    let team_dir = dir_own.filter(|d| d.mode & 0o2070 == 0o2070);

    // This account and the database.
    if !db.readable || !db.writable {
        let cannot = if db.readable {
            "write"
        } else {
            "read or write"
        };
        let what = format!("you ({}) cannot {cannot} {}", me.name, db.path.display());
        if shared_db && !in_db_group {
            found.push(problem(
                format!("{what}: it is shared with group {db_group}, and you are not in it"),
                format!(
                    "sudo usermod -aG {} {}, then log in again",
                    shell_word(&db_group.shown()),
                    shell_word(&me.name)
                ),
            ));
        } else if db_own.uid == euid {
            found.push(problem(
                format!("{what} (mode {:o})", db_own.mode),
                format!("chmod u+rw {}", quoted(db)),
            ));
        } else if shared_db || team_dir.is_none() {
            let owner = Named::user(db_own.uid).shown();
            found.push(problem(
                format!("{what}: it belongs to {owner} (mode {:o})", db_own.mode),
                format!(
                    "its owner ({owner}) shares it with the team's group: chgrp GROUP {0} && chmod 660 {0}",
                    quoted(db)
                ),
            ));
        }
        // Else it is a private database in a team's directory, named just below.
    }
    if !shared_db {
        // A private database where a shared one belongs: the rest of the group is locked out.
        if let Some(d) = dir_own.filter(|d| d.mode & 0o2070 == 0o2070) {
            let s = sudo(db_own);
            let dir_group = Group::of(d.gid);
            let chgrp = if db_own.gid == d.gid {
                String::new()
            } else {
                format!(
                    "{s}chgrp {} {} && ",
                    shell_word(&dir_group.shown()),
                    quoted(db)
                )
            };
            let head = if db.writable {
                db.path.display().to_string()
            } else {
                format!("you ({}) cannot write {}: it", me.name, db.path.display())
            };
            found.push(problem(
                format!(
                    "{head} is private (mode {:o}) in the shared directory {}, so the rest of group {dir_group} cannot use it",
                    db_own.mode,
                    dir.path.display()
                ),
                format!("{chgrp}{s}chmod 660 {}", quoted(db)),
            ));
        }
        return found;
    }
    if db_own.mode & 0o007 != 0 {
        found.push(problem(
            format!(
                "{} is open to accounts outside group {db_group} (mode {:o})",
                db.path.display(),
                db_own.mode
            ),
            format!("{}chmod o-rwx {}", sudo(db_own), quoted(db)),
        ));
    }
    for side in sides {
        let Some(own) = side.ownership else { continue };
        if let Some(m) = mismatch(db_own, own) {
            found.push(problem(
                format!(
                    "{} {} where the database beside it has {}",
                    side.path.display(),
                    described(own, m),
                    wanted(m)
                ),
                mending_command(&side.path, m, !sudo(own).is_empty() || !in_db_group),
            ));
        }
    }
    if let Some(d) = dir_own {
        for p in shared_dir::problems(d, db_own.gid) {
            found.push(problem(
                format!("{} {}", dir.path.display(), p.describe(d, &db_group)),
                p.command(&dir.path, &db_group, !sudo(d).is_empty()),
            ));
        }
        if let Some((above, own)) = shared_dir::closed_above(&dir.path, db_own.gid) {
            let bit = if own.gid == db_own.gid { "g+x" } else { "o+x" };
            found.push(problem(
                format!(
                    "the others in group {db_group} cannot reach {}: {} is closed to them (mode {:o})",
                    dir.path.display(),
                    above.display(),
                    own.mode
                ),
                format!(
                    "{}chmod {bit} {}",
                    sudo(own),
                    shell_word(&above.display().to_string())
                ),
            ));
        }
        let missing_side = sides.iter().any(|s| !s.exists);
        let group_problem = found.iter().any(|p| p.mend.contains("usermod"));
        if missing_side && !dir.writable && !group_problem {
            found.push(problem(
                format!(
                    "you ({}) cannot make files in {}, where SQLite must make {}-wal and -shm",
                    me.name,
                    dir.path.display(),
                    db.path.display()
                ),
                DirProblem::GroupCannotWrite.command(&dir.path, &db_group, !sudo(d).is_empty()),
            ));
        }
    }
    found
}

/// The quick integrity check, read-only: never on a database that is not there.
fn integrity(db: &Path, exists: bool) -> Integrity {
    if !exists {
        return Integrity {
            not_checked: Some("the database does not exist yet".to_string()),
            ..Integrity::default()
        };
    }
    match Store::quick_check(db) {
        Ok(found) => Integrity {
            checked: true,
            ok: found.is_empty(),
            found,
            not_checked: None,
        },
        Err(e) => {
            // Each cause said once: SQLite's errors repeat their text in their cause.
            let mut why: Vec<String> = Vec::new();
            for cause in e.chain().map(ToString::to_string) {
                let core = match cause.split_once(": ") {
                    Some((head, rest)) if head.starts_with("Error code ") => rest.to_string(),
                    _ => cause.clone(),
                };
                if !why.iter().any(|w| w.contains(&core)) {
                    why.push(cause);
                }
            }
            let why = why.join(": ");
            Integrity {
                not_checked: Some(why),
                ..Integrity::default()
            }
        }
    }
}

/// A size in bytes as people read it: `0 B`, `132 KiB`, `12.3 GiB`.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else if value < 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// A mode as `ls -l` shows it: `drwxrws---`.
fn mode_string(mode: u32, is_dir: bool) -> String {
    let mut s = String::from(if is_dir { "d" } else { "-" });
    let special = [(0o4000, 's', 'S'), (0o2000, 's', 'S'), (0o1000, 't', 'T')];
    for (i, (bit, on, off)) in special.into_iter().enumerate() {
        let shift = 6 - 3 * i;
        let rwx = (mode >> shift) & 7;
        s.push(if rwx & 4 != 0 { 'r' } else { '-' });
        s.push(if rwx & 2 != 0 { 'w' } else { '-' });
        s.push(match (rwx & 1 != 0, mode & bit != 0) {
            (true, true) => on,
            (false, true) => off,
            (true, false) => 'x',
            (false, false) => '-',
        });
    }
    s
}

impl Report {
    fn write_text(&self, out: &mut dyn Write) -> Result<()> {
        let label = |s: &str| format!("{s:<11}");
        let db = &self.database;
        writeln!(out, "{}{}", label("database"), db.path.display())?;
        let kind = match db.shared {
            Some(true) => "shared (共享): its group reads and writes it",
            Some(false) => "private (个人)",
            None => "does not exist yet: kaohe makes it on first use",
        };
        writeln!(out, "{}{}; {kind}", label(""), db.source)?;
        for (i, c) in self.configs.iter().enumerate() {
            let head = label(if i == 0 { "configs" } else { "" });
            let path = c
                .path
                .as_ref()
                .map_or("(no config directory)".to_string(), |p| {
                    p.display().to_string()
                });
            let state = match (&c.error, c.exists) {
                (Some(_), _) => "refused, see below",
                (None, true) => "read",
                (None, false) => "not there, so the defaults are in force",
            };
            writeln!(out, "{head}{}: {path}", c.scope)?;
            writeln!(out, "{}  {state}", label(""))?;
        }
        if !self.configs.iter().any(|c| c.scope == "system") {
            writeln!(out, "{}system: none", label(""))?;
        }
        let a = &self.account;
        let mut you = if a.name == a.uid.to_string() {
            format!("uid {}", a.uid)
        } else {
            format!("{} (uid {})", a.name, a.uid)
        };
        you.push_str(&format!(", group {}", a.gid.both()));
        if let Some(e) = &a.egid {
            you.push_str(&format!(", running as group {}", e.both()));
        }
        writeln!(out, "{}{you}", label("you"))?;
        if !a.groups.is_empty() {
            let groups: Vec<String> = a.groups.iter().map(Named::both).collect();
            writeln!(out, "{}also in {}", label(""), groups.join(", "))?;
        }
        writeln!(out)?;
        writeln!(out, "{}{}", label("files in"), self.files[0].path.display())?;
        writeln!(
            out,
            "{}{:<16}{:<10}{:<10}{:>9}  you",
            label(""),
            "mode",
            "owner",
            "group",
            "size"
        )?;
        for f in &self.files {
            let role = match f.role {
                "wal" => "-wal",
                "shm" => "-shm",
                r => r,
            };
            let Some(own) = f.ownership else {
                writeln!(out, "{}not there", label(role))?;
                continue;
            };
            let mode = format!("{:04o} {}", own.mode, mode_string(own.mode, f.is_dir));
            let owner = f.owner.as_ref().map(Named::shown).unwrap_or_default();
            let group = f.group.as_ref().map(Named::shown).unwrap_or_default();
            let size = f.size.map_or("-".to_string(), bytes);
            writeln!(
                out,
                "{}{:<16}{:<10}{:<10}{:>9}  {}",
                label(role),
                mode,
                fit(&owner, 9),
                fit(&group, 9),
                size,
                f.access()
            )?;
        }
        writeln!(out)?;
        match &self.disk {
            Some(d) => writeln!(
                out,
                "{}{} free of {}",
                label("disk"),
                bytes(d.free_bytes),
                bytes(d.total_bytes)
            )?,
            None => writeln!(out, "{}unknown", label("disk"))?,
        }
        writeln!(
            out,
            "{}{}",
            label("WAL"),
            self.wal_bytes.map_or("none".to_string(), bytes)
        )?;
        let i = &self.integrity;
        let integrity = match (&i.not_checked, i.ok) {
            (Some(why), _) => format!("not checked: {why}"),
            (None, true) => "ok (PRAGMA quick_check)".to_string(),
            (None, false) => format!("{} problem(s) found (PRAGMA quick_check)", i.found.len()),
        };
        writeln!(out, "{}{integrity}", label("integrity"))?;
        if let Some(line) = &self.registration {
            writeln!(out, "{}{line}", label("registry"))?;
        }
        writeln!(out)?;
        match self.problems.len() {
            0 => writeln!(out, "no problems found")?,
            1 => writeln!(out, "1 problem:")?,
            n => writeln!(out, "{n} problems:")?,
        }
        for p in &self.problems {
            writeln!(out, "- {}", crate::text::clean(&p.problem))?;
            writeln!(out, "  mend: {}", crate::text::clean(&p.mend))?;
        }
        Ok(())
    }
}

/// A name cut to fit a column, marked where cut.
fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut cut: String = s.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_read_as_ls_shows_them() {
        assert_eq!(mode_string(0o2770, true), "drwxrws---");
        assert_eq!(mode_string(0o660, false), "-rw-rw----");
        assert_eq!(mode_string(0o2660, false), "-rw-rwS---");
        assert_eq!(mode_string(0o1777, true), "drwxrwxrwt");
        assert_eq!(mode_string(0o4755, false), "-rwsr-xr-x");
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(131_072), "128 KiB");
        assert_eq!(bytes(1_572_864), "1.5 MiB");
        assert_eq!(bytes(13_207_024_435), "12 GiB");
    }

    fn facts(role: &'static str, path: &str, own: Option<Ownership>, rw: bool) -> FileFacts {
        FileFacts {
            role,
            path: PathBuf::from(path),
            exists: own.is_some(),
            mode: own.map(|o| format!("{:o}", o.mode)),
            owner: own.map(|o| Named::user(o.uid)),
            group: own.map(|o| Named::group(o.gid)),
            size: Some(0),
            readable: rw,
            writable: rw,
            ownership: own,
            is_dir: role == "directory",
        }
    }

    fn own(uid: u32, gid: u32, mode: u32) -> Option<Ownership> {
        Some(Ownership { uid, gid, mode })
    }

    #[test]
    fn each_problem_of_a_shared_database_comes_with_its_command() {
        // SAFETY: getegid and geteuid cannot fail.
        let (gid, euid) = unsafe { (libc::getegid(), libc::geteuid()) };
        let me = Account::current();
        let other = euid + 1;
        let dir = facts("directory", "/srv/kaohe", own(other, gid, 0o775), true);
        let db = facts("database", "/srv/kaohe/k.db", own(euid, gid, 0o660), true);
        let wal = facts("wal", "/srv/kaohe/k.db-wal", own(other, gid, 0o600), true);
        let shm = facts("shm", "/srv/kaohe/k.db-shm", own(euid, gid, 0o660), true);
        let found = file_problems(&me, &dir, &db, &[&wal, &shm]);
        let mends: Vec<&str> = found.iter().map(|p| p.mend.as_str()).collect();
        let sudo = if euid == 0 { "" } else { "sudo " };
        assert_eq!(
            mends,
            vec![
                format!("{sudo}chmod 660 /srv/kaohe/k.db-wal").as_str(),
                format!("{sudo}chmod g+s /srv/kaohe").as_str(),
                format!("{sudo}chmod o-rwx /srv/kaohe").as_str(),
            ]
        );
        assert!(
            found[0]
                .problem
                .contains("has mode 600 where the database beside it has mode 660")
        );
    }

    #[test]
    fn a_private_database_in_a_shared_directory_is_a_problem() {
        // SAFETY: getegid and geteuid cannot fail.
        let (gid, euid) = unsafe { (libc::getegid(), libc::geteuid()) };
        let me = Account::current();
        let dir = facts("directory", "/srv/kaohe", own(euid, gid, 0o2770), true);
        let db = facts("database", "/srv/kaohe/k.db", own(euid, gid, 0o600), true);
        let found = file_problems(&me, &dir, &db, &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].mend, "chmod 660 /srv/kaohe/k.db");
        assert!(found[0].problem.contains("is private (mode 600)"));
    }
}
