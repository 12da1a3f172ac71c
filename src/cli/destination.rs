//! A file an export replaces: checked before anything is written, then written beside its
//! target and renamed into place.
//!
//! The path is walked here a component at a time, as the kernel walks it, so that every
//! symbolic link on the way is judged before it is followed:
//! - In a directory anyone may write that has the sticky bit (`/tmp`), a link is followed only
//!   if it belongs to the account running kaohe or to the directory's owner: anyone could have
//!   planted any other, pointing anywhere. This is the kernel's `protected_symlinks` rule,
//!   applied whether or not the host turned it on.
//! - A link to nothing is refused, whoever made it: kaohe never creates a file where a link
//!   points (a planted link to `~/.ssh/authorized_keys` would otherwise make that file).
//! - The database, its `-wal`, `-shm` and `-journal` are refused, by name (also through links
//!   or a relative path) and by device and inode (a hard link).

use super::error::io_error_kind;
use crate::host::account::name_of;
use crate::store::parent_dir;
use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::fs::{File, Metadata};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// A file an export will replace, checked before anything is written.
pub struct Destination {
    /// As the user named it.
    pub path: PathBuf,
    /// Where the bytes go: the path walked, every link on it followed (it may not exist yet).
    target: PathBuf,
    existing: Option<Metadata>,
}

/// More links than this on one path is a loop (the kernel's own limit).
const MAX_LINKS: usize = 40;

impl Destination {
    /// Refuses a destination in a missing directory, one reached through a link someone else
    /// may have planted or a link to nothing, one that is not a regular file or is read-only,
    /// and the database and its companion files.
    pub fn check(path: &Path, db: &Path) -> Result<Destination> {
        let shown = path.display().to_string();
        let target = walk(path, &shown)?;
        let existing = match std::fs::metadata(&target) {
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot write {shown}")),
        };
        if let Some(which) = database_file(&target, existing.as_ref(), db) {
            bail!("cannot write {shown}: it is {which}; name another file");
        }
        if let Some(meta) = &existing {
            if !meta.is_file() {
                bail!("cannot write {shown}: it is not a regular file; name a file");
            }
            if meta.permissions().readonly() {
                bail!(
                    "cannot write {shown}: the file is read-only; make it writable or name another"
                );
            }
        }
        Ok(Destination {
            path: path.to_path_buf(),
            target,
            existing,
        })
    }

    /// Writes the file beside its target and renames it into place, so that no reader ever
    /// sees half a file. An old file's permissions are kept. A new one is made 0660 less the
    /// umask: never open to others, as the database is not (an export holds the same verdicts
    /// and notes), and shared with the group where the umask lets the group in.
    pub fn replace_with(&self, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        self.replace_with_file(|file| write(file))
    }

    /// [`Destination::replace_with`], `write` given the temporary file itself: a zip (a
    /// workbook, a Word document) goes back over its headers as it is written.
    pub fn replace_with_file(&self, write: impl FnOnce(&mut File) -> Result<()>) -> Result<()> {
        let shown = self.path.display();
        let context = || format!("cannot write {shown}");
        let dir = parent_dir(&self.target);
        let mut builder = tempfile::Builder::new();
        builder.prefix(".kaohe-export-");
        // Never readable by others, not even while it is being written.
        builder.permissions(std::fs::Permissions::from_mode(0o660));
        let mut temp = builder
            .tempfile_in(&dir)
            .map_err(|e| full(e, &dir))
            .with_context(context)?;
        write(temp.as_file_mut())
            .map_err(|e| full_in_chain(e, &dir))
            .with_context(context)?;
        if let Some(meta) = &self.existing {
            temp.as_file()
                .set_permissions(meta.permissions())
                .with_context(context)?;
        }
        temp.as_file()
            .sync_all()
            .map_err(|e| full(e, &dir))
            .with_context(context)?;
        temp.persist(&self.target)
            .map_err(|e| e.error)
            .with_context(context)?;
        Ok(())
    }
}

/// The path as the kernel would resolve it, judging each symbolic link before following it.
/// Answers the final path, free of links (the file itself may not exist yet).
pub(super) fn walk(path: &Path, shown: &str) -> Result<PathBuf> {
    let mut at = if path.is_absolute() {
        PathBuf::from("/")
    } else {
        std::env::current_dir().with_context(|| format!("cannot write {shown}"))?
    };
    // Components still to walk, the next one last; each says whether it came from a link that
    // stood where the file itself was named (then it may not be missing: that link dangles).
    let mut todo: Vec<(OsString, bool)> = Vec::new();
    push_components(&mut todo, path, false);
    let mut links = 0;
    while let Some((name, for_the_file)) = todo.pop() {
        if name == ".." {
            at.pop();
            continue;
        }
        let last = todo.is_empty();
        let here = at.join(&name);
        let meta = match std::fs::symlink_metadata(&here) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !last {
                    bail!(
                        "cannot write {shown}: the directory {} does not exist",
                        here.display()
                    );
                }
                if for_the_file {
                    bail!(
                        "cannot write {shown}: it is a symbolic link to {}, which does not exist, and kaohe never creates a file where a link points; name the file itself or remove the link",
                        here.display()
                    );
                }
                return Ok(here);
            }
            Err(e) => return Err(e).with_context(|| format!("cannot write {shown}")),
        };
        if meta.file_type().is_symlink() {
            links += 1;
            if links > MAX_LINKS {
                bail!(
                    "cannot write {shown}: its symbolic links go round in a loop; name the file itself"
                );
            }
            followable(&at, &here, &meta, shown)?;
            let link =
                std::fs::read_link(&here).with_context(|| format!("cannot write {shown}"))?;
            if link.is_absolute() {
                at = PathBuf::from("/");
            }
            push_components(&mut todo, &link, last || for_the_file);
            continue;
        }
        if !last && !meta.is_dir() {
            bail!(
                "cannot write {shown}: {} is not a directory",
                here.display()
            );
        }
        at = here;
    }
    Ok(at)
}

/// Queues `path`'s components to be walked next (so the first is popped first).
fn push_components(todo: &mut Vec<(OsString, bool)>, path: &Path, for_the_file: bool) {
    let names: Vec<OsString> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(name) => Some(name.to_os_string()),
            Component::ParentDir => Some(OsString::from("..")),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => None,
        })
        .collect();
    todo.extend(names.into_iter().rev().map(|n| (n, for_the_file)));
}

/// The kernel's `protected_symlinks` rule: in a sticky directory anyone may write, a link is
/// followed only if its owner is the one following it or the directory's owner.
fn followable(dir: &Path, link: &Path, meta: &Metadata, shown: &str) -> Result<()> {
    let dir_meta = std::fs::metadata(dir).with_context(|| format!("cannot write {shown}"))?;
    let shared = dir_meta.mode() & 0o1002 == 0o1002;
    // SAFETY: geteuid cannot fail and touches no memory of ours.
    let me = unsafe { libc::geteuid() };
    if !shared || meta.uid() == me || meta.uid() == dir_meta.uid() {
        return Ok(());
    }
    let owner = match name_of(meta.uid()) {
        Some(name) => format!("account {name} (uid {})", meta.uid()),
        None => format!("uid {}", meta.uid()),
    };
    bail!(
        "cannot write {shown}: {} is a symbolic link made by another account ({owner}) in {}, a directory anyone can write, so it may point anywhere; name the file itself or write elsewhere",
        link.display(),
        dir.display()
    )
}

/// Which of the database's files `target` is, if any: by name, beside the database as named
/// and beside the file its links lead to (where SQLite keeps them), and by device and inode.
fn database_file(target: &Path, existing: Option<&Metadata>, db: &Path) -> Option<String> {
    const COMPANIONS: [(&str, &str); 4] = [
        ("", "the database itself"),
        ("-wal", "the database's write-ahead log"),
        ("-shm", "the database's shared-memory index"),
        ("-journal", "the database's rollback journal"),
    ];
    let named = |base: &Path, suffix: &str| {
        let mut name = base.as_os_str().to_os_string();
        name.push(suffix);
        PathBuf::from(name)
    };
    let bases: Vec<PathBuf> = [real_dir_path(db), std::fs::canonicalize(db).ok()]
        .into_iter()
        .flatten()
        .collect();
    for (suffix, what) in COMPANIONS {
        for base in &bases {
            let file = named(base, suffix);
            let same_name = real_dir_path(&file).is_some_and(|f| f == target);
            let same_file = existing
                .zip(std::fs::metadata(&file).ok())
                .is_some_and(|(a, b)| a.dev() == b.dev() && a.ino() == b.ino());
            if same_name || same_file {
                return Some(format!("{what} ({})", file.display()));
            }
        }
    }
    None
}

/// `path` with its directory made absolute and free of links (the name itself as it is).
fn real_dir_path(path: &Path) -> Option<PathBuf> {
    let dir = std::fs::canonicalize(parent_dir(path)).ok()?;
    Some(match path.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    })
}

/// "The disk is full" for an error that says so, naming the directory's filesystem.
fn full(e: std::io::Error, dir: &Path) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::StorageFull {
        anyhow::anyhow!(
            "the disk is full ({}'s filesystem); free space and run again",
            dir.display()
        )
    } else {
        e.into()
    }
}

/// [`full`] for an error a writer passed on (the CSV and JSON writers wrap the OS's).
fn full_in_chain(e: anyhow::Error, dir: &Path) -> anyhow::Error {
    let is_full = e
        .chain()
        .any(|c| io_error_kind(c) == Some(std::io::ErrorKind::StorageFull));
    if is_full {
        full(std::io::ErrorKind::StorageFull.into(), dir)
    } else {
        e
    }
}
