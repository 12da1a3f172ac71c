//! A shared database: one whose group may read and write it (mode & 0o060 == 0o060), used by
//! several OS accounts on one host, and the two files SQLite keeps beside it (`-wal`, `-shm`).
//!
//! SQLite's unix VFS makes `-wal` and `-shm` with the database's mode but in the group of the
//! account that happens to open it first (unless the directory is setgid), and deletes them when
//! the last connection closes, so the next first opener makes them again in its own group: the
//! rest of the team is then locked out. For a shared database the store therefore makes them
//! itself, in the database's group and mode, before SQLite would; keeps them (persistent WAL) so
//! SQLite never makes them again; and mends a leftover of the wrong group or mode where this
//! account owns it, or names the command that mends it where it cannot.

use crate::StoreError;
use anyhow::Result;
use std::fs::Metadata;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Owner, group and mode (the permission bits with setuid, setgid and sticky) of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ownership {
    pub uid: u32,
    pub gid: u32,
    pub mode: u32,
}

impl Ownership {
    pub fn of(meta: &Metadata) -> Ownership {
        Ownership {
            uid: meta.uid(),
            gid: meta.gid(),
            mode: meta.mode() & 0o7777,
        }
    }
}

/// Whether a database of this mode is shared: its group may read and write it.
pub fn is_shared(mode: u32) -> bool {
    mode & 0o060 == 0o060
}

/// The suffixes of the files SQLite keeps beside a database in WAL mode.
pub const SIDE_FILES: [&str; 2] = ["-wal", "-shm"];

/// `db` with `suffix` (`-wal`, `-shm`) appended, as SQLite names it.
pub fn side_file(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// How a file beside a shared database differs from what it must be (the database's group and
/// permission bits, as SQLite itself gives a file it makes): what each must become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mismatch {
    pub group: Option<u32>,
    pub mode: Option<u32>,
}

/// How `side` differs from the database `db` it lies beside, if it does.
pub fn mismatch(db: Ownership, side: Ownership) -> Option<Mismatch> {
    let want_mode = db.mode & 0o777;
    let m = Mismatch {
        group: (side.gid != db.gid).then_some(db.gid),
        mode: (side.mode != want_mode).then_some(want_mode),
    };
    (m.group.is_some() || m.mode.is_some()).then_some(m)
}

/// The shell command that gives `path` what `m` says it lacks; with `sudo` in front of each
/// part when the account that will run it does not own the file.
pub fn mending_command(path: &Path, m: Mismatch, sudo: bool) -> String {
    let sudo = if sudo { "sudo " } else { "" };
    let shown = shell_word(&path.display().to_string());
    let mut parts = Vec::new();
    if let Some(gid) = m.group {
        parts.push(format!("{sudo}chgrp {} {shown}", group_name(gid)));
    }
    if let Some(mode) = m.mode {
        parts.push(format!("{sudo}chmod {mode:o} {shown}"));
    }
    parts.join(" && ")
}

/// A word as a shell reads it: quoted when it holds anything but the plainest characters.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || "/._-+,:@%=".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// What `found` is, in the words a message uses: "is in group alice with mode 600".
pub fn described(found: Ownership, m: Mismatch) -> String {
    match (m.group.is_some(), m.mode.is_some()) {
        (true, true) => format!(
            "is in group {} with mode {:o}",
            group_name(found.gid),
            found.mode
        ),
        (true, false) => format!("is in group {}", group_name(found.gid)),
        _ => format!("has mode {:o}", found.mode),
    }
}

/// What the database has that `m` says a side file lacks: "group kaohe and mode 660".
pub fn wanted(m: Mismatch) -> String {
    let mut parts = Vec::new();
    if let Some(gid) = m.group {
        parts.push(format!("group {}", group_name(gid)));
    }
    if let Some(mode) = m.mode {
        parts.push(format!("mode {mode:o}"));
    }
    parts.join(" and ")
}

/// Whether an account with user id `euid` (in the file's group or not) may read and write a
/// file of this ownership, by its permission bits. Root may.
pub fn may_read_write(file: Ownership, euid: u32, in_files_group: bool) -> bool {
    if euid == 0 {
        return true;
    }
    let bits = if file.uid == euid {
        file.mode >> 6
    } else if in_files_group {
        file.mode >> 3
    } else {
        file.mode
    };
    bits & 0o6 == 0o6
}

/// A shared database at its path, with its ownership as read when it was opened.
pub(crate) struct SharedDb {
    path: PathBuf,
    own: Ownership,
}

impl SharedDb {
    /// The database at `path` if it is a shared one.
    pub(crate) fn of(path: &Path) -> Option<SharedDb> {
        let meta = std::fs::metadata(path).ok()?;
        let own = Ownership::of(&meta);
        is_shared(own.mode).then(|| SharedDb {
            path: path.to_path_buf(),
            own,
        })
    }

    /// The side files there are (regular files only: anything else is SQLite's to refuse).
    fn sides(&self) -> impl Iterator<Item = (PathBuf, Ownership)> + '_ {
        SIDE_FILES.iter().filter_map(|suffix| {
            let path = side_file(&self.path, suffix);
            let meta = std::fs::symlink_metadata(&path).ok()?;
            meta.is_file().then(|| (path, Ownership::of(&meta)))
        })
    }

    /// Before SQLite opens the database: a side file of the wrong group or mode is mended when
    /// this account owns it; one it cannot mend is refused, naming it and the command that mends
    /// it, when it keeps this account out (else it is left as it is: `kaohe doctor` names it).
    pub(crate) fn mend_or_refuse(&self) -> Result<()> {
        let me = Me::now();
        for (path, found) in self.sides() {
            let Some(m) = mismatch(self.own, found) else {
                continue;
            };
            let mine = me.owns(found);
            let may_chgrp = m.group.is_none() || me.in_group(self.own.gid);
            let command = mending_command(&path, m, !me.is_root());
            let advice = if mine && may_chgrp {
                match mend(&path, self.own, m) {
                    Ok(()) => continue,
                    Err(e) => format!("mending it failed ({e}); run: {command}"),
                }
            } else if may_read_write(found, me.euid, me.in_group(found.gid)) {
                continue;
            } else if mine {
                format!(
                    "you own it but are not in group {}, so run: {command}",
                    group_name(self.own.gid)
                )
            } else {
                format!(
                    "it belongs to {}, who mends it by running kaohe once, or run: {command}",
                    user_name(found.uid)
                )
            };
            return Err(StoreError::SideFileWrong {
                path,
                found: described(found, m),
                wanted: wanted(m),
                advice,
            }
            .into());
        }
        Ok(())
    }

    /// Makes the side files that are missing, in the database's group and mode, before SQLite
    /// would make them in this account's group. Each appears whole (made under a temporary
    /// name, then linked into place), so another account never finds one half made; one
    /// another process made first is left to it. Best effort: where this fails, SQLite makes
    /// the file, and reports what stops it.
    pub(crate) fn make_missing(&self) {
        let dir = crate::file::parent_dir(&self.path);
        let me = Me::now();
        for suffix in SIDE_FILES {
            let path = side_file(&self.path, suffix);
            if std::fs::symlink_metadata(&path).is_ok() {
                continue;
            }
            let Ok(temp) = tempfile::Builder::new()
                .prefix(".kaohe-side-")
                .tempfile_in(&dir)
            else {
                return;
            };
            // As SQLite does when root makes one: owned by the database's owner.
            let uid = me.is_root().then_some(self.own.uid);
            let given = std::os::unix::fs::fchown(temp.as_file(), uid, Some(self.own.gid))
                .and_then(|()| {
                    temp.as_file()
                        .set_permissions(std::fs::Permissions::from_mode(self.own.mode & 0o777))
                });
            if given.is_ok() {
                // Another process placing one first is as good (ours is then removed);
                // anything else is SQLite's to meet.
                let _ = temp.persist_noclobber(&path);
            }
        }
    }

    /// After SQLite has made what it needed: any side file this account owns that is not in
    /// the database's group and mode is mended (SQLite may have made one if another process
    /// removed it between our look and its open). Best effort: the next open looks again.
    pub(crate) fn mend_own(&self) {
        let me = Me::now();
        for (path, found) in self.sides() {
            if let Some(m) = mismatch(self.own, found) {
                if me.owns(found) && (m.group.is_none() || me.in_group(self.own.gid)) {
                    let _ = mend(&path, self.own, m);
                }
            }
        }
    }
}

/// Gives `path` the database's group and mode where `m` says it lacks them.
fn mend(path: &Path, db: Ownership, m: Mismatch) -> std::io::Result<()> {
    if m.group.is_some() {
        std::os::unix::fs::lchown(path, None, Some(db.gid))?;
    }
    // Always: a change of group can clear a setgid bit, and the mode is wanted whole.
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(db.mode & 0o777))
}

/// The account running the store, as the kernel judges its access to files.
struct Me {
    euid: u32,
    egid: u32,
    groups: Vec<u32>,
}

impl Me {
    fn now() -> Me {
        // SAFETY: geteuid and getegid cannot fail.
        let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
        Me {
            euid,
            egid,
            groups: supplementary_groups(),
        }
    }

    fn is_root(&self) -> bool {
        self.euid == 0
    }

    /// Whether this account owns `file` as far as changing its group and mode goes.
    fn owns(&self, file: Ownership) -> bool {
        self.is_root() || file.uid == self.euid
    }

    fn in_group(&self, gid: u32) -> bool {
        self.is_root() || self.egid == gid || self.groups.contains(&gid)
    }
}

/// The process's supplementary groups.
fn supplementary_groups() -> Vec<u32> {
    kaohe_host::group::supplementary()
}

/// A group's name from the group database, else its number.
pub fn group_name(gid: u32) -> String {
    kaohe_host::group::shown(gid)
}

/// An account's login name from the account database, else its number.
pub fn user_name(uid: u32) -> String {
    kaohe_host::account::name_of(uid).unwrap_or_else(|| uid.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: u32 = 3_999_042;

    fn own(uid: u32, gid: u32, mode: u32) -> Ownership {
        Ownership { uid, gid, mode }
    }

    #[test]
    fn shared_means_the_group_may_read_and_write() {
        assert!(is_shared(0o660));
        assert!(is_shared(0o664));
        assert!(!is_shared(0o640));
        assert!(!is_shared(0o600));
        assert!(!is_shared(0o606));
    }

    #[test]
    fn a_side_file_must_have_the_databases_group_and_mode() {
        let db = own(1, TEAM, 0o660);
        assert_eq!(mismatch(db, own(2, TEAM, 0o660)), None, "owner may differ");
        assert_eq!(
            mismatch(db, own(2, 2, 0o660)),
            Some(Mismatch {
                group: Some(TEAM),
                mode: None
            })
        );
        assert_eq!(
            mismatch(db, own(2, TEAM, 0o600)),
            Some(Mismatch {
                group: None,
                mode: Some(0o660)
            })
        );
        // More open than the database is as wrong as less.
        assert!(mismatch(db, own(2, TEAM, 0o666)).is_some());
        // The database's own setgid bit is not wanted on its side files.
        assert_eq!(mismatch(own(1, TEAM, 0o2660), own(2, TEAM, 0o660)), None);
    }

    #[test]
    fn the_mending_command_names_only_what_is_wrong() {
        let path = Path::new("/srv/kaohe/k.db-wal");
        let m = Mismatch {
            group: Some(TEAM),
            mode: Some(0o660),
        };
        assert_eq!(
            mending_command(path, m, true),
            format!("sudo chgrp {TEAM} /srv/kaohe/k.db-wal && sudo chmod 660 /srv/kaohe/k.db-wal")
        );
        let m = Mismatch {
            group: None,
            mode: Some(0o640),
        };
        assert_eq!(
            mending_command(Path::new("/a b/k.db-shm"), m, false),
            "chmod 640 '/a b/k.db-shm'"
        );
        assert_eq!(group_name(0), "root");
        assert_eq!(group_name(TEAM), TEAM.to_string());
    }

    #[test]
    fn access_is_read_from_the_bits_that_apply() {
        assert!(
            !may_read_write(own(10, 20, 0o640), 11, true),
            "the group may only read"
        );
        assert!(may_read_write(own(10, 20, 0o600), 10, false));
        assert!(!may_read_write(own(10, 20, 0o600), 11, true));
        assert!(may_read_write(own(10, 20, 0o660), 11, true));
        assert!(!may_read_write(own(10, 20, 0o660), 11, false));
        assert!(may_read_write(own(10, 20, 0o606), 11, false));
        // The owner's bits apply to the owner even when the group's would allow more.
        assert!(!may_read_write(own(10, 20, 0o460), 10, true));
        assert!(may_read_write(own(10, 20, 0o000), 0, false), "root may");
    }

    #[test]
    fn side_files_are_named_as_sqlite_names_them() {
        assert_eq!(
            side_file(Path::new("/x/k.db"), "-wal"),
            PathBuf::from("/x/k.db-wal")
        );
    }
}
