//! The directory a shared database lives in: setgid (so every file made in it, by kaohe, SQLite
//! or anything else, is the group's), in the database's group, open to the group (it lists,
//! enters and makes files there) and closed to everyone else. `kaohe init --shared` makes it or
//! mends it; `kaohe doctor` names what is wrong with it and the command that mends each thing.

use crate::host::{Account, Group};
use crate::store::shared::{Ownership, SIDE_FILES, shell_word};
use anyhow::{Result, anyhow, bail};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The mode a shared database's directory is made with, and mended to.
pub const MODE: u32 = 0o2770;

/// What a shared database's directory can lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirProblem {
    /// It is in another group than the database's.
    Group,
    /// Not setgid: a file made in it takes its maker's group, not the directory's.
    NotSetgid,
    /// The group cannot list, enter or make files in it.
    GroupCannotWrite,
    /// Others may list, enter or write it.
    OthersHaveAccess,
}

/// What is wrong with a directory `dir` for a shared database in group `gid`.
pub fn problems(dir: Ownership, gid: u32) -> Vec<DirProblem> {
    let mut found = Vec::new();
    if dir.gid != gid {
        found.push(DirProblem::Group);
    }
    if dir.mode & 0o2000 == 0 {
        found.push(DirProblem::NotSetgid);
    }
    if dir.mode & 0o070 != 0o070 {
        found.push(DirProblem::GroupCannotWrite);
    }
    if dir.mode & 0o007 != 0 {
        found.push(DirProblem::OthersHaveAccess);
    }
    found
}

impl DirProblem {
    /// What is wrong, to follow the directory's name: "is not setgid, so …".
    pub fn describe(self, dir: Ownership, group: &Group) -> String {
        match self {
            DirProblem::Group => format!(
                "is in group {}, not the database's group {group}",
                Group::of(dir.gid)
            ),
            DirProblem::NotSetgid => format!(
                "is not setgid (mode {:o}), so a file made in it takes its maker's group, not {group}",
                dir.mode
            ),
            DirProblem::GroupCannotWrite => format!(
                "does not let group {group} list, enter and make files in it (mode {:o})",
                dir.mode
            ),
            DirProblem::OthersHaveAccess => {
                format!(
                    "is open to accounts outside the group (mode {:o})",
                    dir.mode
                )
            }
        }
    }

    /// The command that mends this one thing.
    pub fn command(self, dir: &Path, group: &Group, sudo: bool) -> String {
        let sudo = if sudo { "sudo " } else { "" };
        let dir = shell_word(&dir.display().to_string());
        match self {
            DirProblem::Group => format!("{sudo}chgrp {} {dir}", shell_word(&group.shown())),
            DirProblem::NotSetgid => format!("{sudo}chmod g+s {dir}"),
            DirProblem::GroupCannotWrite => format!("{sudo}chmod g+rwx {dir}"),
            DirProblem::OthersHaveAccess => format!("{sudo}chmod o-rwx {dir}"),
        }
    }
}

/// The one command that makes the directory right: `chgrp G D && chmod 2770 D`, the `chgrp`
/// only when its group is wrong.
pub fn whole_command(dir: &Path, found: &[DirProblem], group: &Group, sudo: bool) -> String {
    let s = if sudo { "sudo " } else { "" };
    let shown = shell_word(&dir.display().to_string());
    let mut parts = Vec::new();
    if found.contains(&DirProblem::Group) {
        parts.push(format!("{s}chgrp {} {shown}", shell_word(&group.shown())));
    }
    if found.iter().any(|p| *p != DirProblem::Group) {
        parts.push(format!("{s}chmod {MODE:o} {shown}"));
    }
    parts.join(" && ")
}

/// A directory anyone may make files in (world-writable or sticky, like /tmp): no place for a
/// shared database, and never one kaohe changes.
pub fn is_public(dir: Ownership) -> bool {
    dir.mode & 0o1002 != 0
}

/// The first directory above `dir` that the others of group `gid` cannot pass through (it must
/// let them search it: x for the group when it is theirs, else for others), with its ownership.
pub fn closed_above(dir: &Path, gid: u32) -> Option<(PathBuf, Ownership)> {
    let dir = std::path::absolute(dir).ok()?;
    dir.ancestors().skip(1).find_map(|above| {
        let own = Ownership::of(&std::fs::metadata(above).ok()?);
        let bit = if own.gid == gid { 0o010 } else { 0o001 };
        (own.mode & bit == 0).then(|| (above.to_path_buf(), own))
    })
}

/// What `kaohe init --shared` does to the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// It is missing: make it.
    Make,
    /// It is this account's and holds nothing else: mend these.
    Mend(Vec<DirProblem>),
    /// It is right as it is.
    Right,
}

/// Decides, changing nothing, what is to be done to `dir` for a shared database `db` in
/// `group`; refuses, with the command that mends it, a directory kaohe cannot or must not make
/// right.
pub fn plan(dir: &Path, db: &Path, group: &Group) -> Result<Plan> {
    let shown = dir.display();
    let elsewhere =
        "put the shared database in a directory of its own, e.g. --db /srv/kaohe/kaohe.db";
    if let Some((above, own)) = closed_above(dir, group.gid) {
        bail!(
            "the others in group {group} cannot reach {shown}: {} is closed to them (mode {:o}); {elsewhere}",
            above.display(),
            own.mode
        );
    }
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() && !p.is_dir() => bail!(
                "cannot make {shown}: {} does not exist; run: {}, then this again",
                p.display(),
                make_command(dir, group)
            ),
            _ => return Ok(Plan::Make),
        },
        Err(e) => return Err(anyhow!(e).context(format!("cannot look at the directory {shown}"))),
    };
    if !meta.is_dir() {
        bail!("{shown} is not a directory");
    }
    let own = Ownership::of(&meta);
    if is_public(own) {
        bail!(
            "{shown} is open to every account (mode {:o}); {elsewhere}",
            own.mode
        );
    }
    let found = problems(own, group.gid);
    if found.is_empty() {
        return Ok(Plan::Right);
    }
    let wrong = format!(
        "must be in group {group}, setgid and closed to others (it is in group {} with mode {:o})",
        Group::of(own.gid),
        own.mode
    );
    let me = Account::current();
    // SAFETY: geteuid cannot fail.
    let euid = unsafe { libc::geteuid() };
    if own.uid != euid && euid != 0 {
        bail!(
            "{shown} {wrong}, and it belongs to {}: run: {}, then this again",
            crate::host::account::name_of(own.uid).unwrap_or_else(|| own.uid.to_string()),
            whole_command(dir, &found, group, true)
        );
    }
    // A directory that holds other things (a home, a project) is never opened to a group.
    if let Some(other) = other_entry(dir, db)? {
        bail!(
            "{shown} {wrong}, and it holds other files ({other}), so kaohe leaves it as it is; \
             if it is meant for the database alone, run: {}",
            whole_command(dir, &found, group, me.uid != own.uid)
        );
    }
    Ok(Plan::Mend(found))
}

/// The first entry of `dir` that is not the database `db`, its side files or one of kaohe's
/// temporary files.
fn other_entry(dir: &Path, db: &Path) -> Result<Option<String>> {
    let name = db.file_name().map(|n| n.to_string_lossy().into_owned());
    let ours = |entry: &str| {
        entry.starts_with(".kaohe-")
            || name.as_deref().is_some_and(|n| {
                entry == n || SIDE_FILES.iter().any(|s| entry == format!("{n}{s}"))
            })
    };
    let entries = std::fs::read_dir(dir)
        .map_err(|e| anyhow!(e).context(format!("cannot list the directory {}", dir.display())))?;
    for entry in entries {
        let entry = entry?.file_name().to_string_lossy().into_owned();
        if !ours(&entry) {
            return Ok(Some(entry));
        }
    }
    Ok(None)
}

/// The commands that make the directory by hand.
fn make_command(dir: &Path, group: &Group) -> String {
    let shown = shell_word(&dir.display().to_string());
    format!(
        "sudo mkdir -p {shown} && sudo chgrp {} {shown} && sudo chmod {MODE:o} {shown}",
        shell_word(&group.shown())
    )
}

/// Does what `plan` decided. Answers what was done, for the user to read, if anything was.
pub fn apply(dir: &Path, plan: &Plan, group: &Group) -> Result<Option<String>> {
    let shown = dir.display();
    let done = match plan {
        Plan::Right => return Ok(None),
        Plan::Make => {
            let mut builder = std::fs::DirBuilder::new();
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o770);
            builder.create(dir).map_err(|e| {
                anyhow!(
                    "cannot make the directory {shown} ({}): run: {}, then this again",
                    reason(&e),
                    make_command(dir, group)
                )
            })?;
            format!("made {shown}")
        }
        Plan::Mend(_) => format!("mended {shown}"),
    };
    let give = || -> std::io::Result<()> {
        std::os::unix::fs::chown(dir, None, Some(group.gid))?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(MODE))
    };
    give().map_err(|e| {
        anyhow!(
            "cannot give {shown} to group {group} with mode {MODE:o} ({}): run: {}",
            reason(&e),
            whole_command(
                dir,
                &[DirProblem::Group, DirProblem::NotSetgid],
                group,
                true
            )
        )
    })?;
    Ok(Some(format!("{done}: group {group}, mode {MODE:o}")))
}

/// The OS's reason, without its error number: "Permission denied".
fn reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.split_once(" (os error") {
        Some((reason, _)) => reason.to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: u32 = 3_999_042;

    fn own(uid: u32, gid: u32, mode: u32) -> Ownership {
        Ownership { uid, gid, mode }
    }

    #[test]
    fn a_shared_directory_is_setgid_the_groups_and_closed_to_others() {
        assert_eq!(problems(own(1, TEAM, 0o2770), TEAM), vec![]);
        assert_eq!(
            problems(own(1, TEAM, 0o2775), TEAM),
            vec![DirProblem::OthersHaveAccess]
        );
        assert_eq!(
            problems(own(1, TEAM, 0o770), TEAM),
            vec![DirProblem::NotSetgid]
        );
        assert_eq!(
            problems(own(1, 5, 0o2750), TEAM),
            vec![DirProblem::Group, DirProblem::GroupCannotWrite]
        );
    }

    #[test]
    fn each_problem_comes_with_its_command() {
        let team = Group::of(TEAM);
        let dir = Path::new("/srv/kaohe");
        assert_eq!(
            whole_command(
                dir,
                &[DirProblem::Group, DirProblem::NotSetgid],
                &team,
                true
            ),
            format!("sudo chgrp {TEAM} /srv/kaohe && sudo chmod 2770 /srv/kaohe")
        );
        assert_eq!(
            whole_command(dir, &[DirProblem::OthersHaveAccess], &team, false),
            "chmod 2770 /srv/kaohe"
        );
        assert_eq!(
            DirProblem::NotSetgid.command(dir, &team, true),
            "sudo chmod g+s /srv/kaohe"
        );
        assert_eq!(
            DirProblem::OthersHaveAccess.command(dir, &team, false),
            "chmod o-rwx /srv/kaohe"
        );
        assert!(
            DirProblem::NotSetgid
                .describe(own(1, TEAM, 0o770), &team)
                .contains("not setgid (mode 770)")
        );
    }

    #[test]
    fn a_directory_like_tmp_is_public() {
        assert!(is_public(own(0, 0, 0o1777)));
        assert!(is_public(own(0, TEAM, 0o2772)));
        assert!(!is_public(own(0, TEAM, 0o2770)));
    }

    #[test]
    fn a_home_directory_is_never_mended_into_a_shared_one() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap_or_else(|e| panic!("{e}"));
        // SAFETY: getegid cannot fail.
        let gid = unsafe { libc::getegid() };
        let db = dir.path().join("k.db");
        let e = plan(dir.path(), &db, &Group::of(gid)).err();
        let e = format!("{:#}", e.unwrap_or_else(|| panic!("must refuse")));
        assert!(e.contains("holds other files (notes.txt)"), "{e}");
        std::fs::remove_file(dir.path().join("notes.txt")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("k.db-wal"), "").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            plan(dir.path(), &db, &Group::of(gid)),
            Ok(Plan::Mend(_))
        ));
        let missing = dir.path().join("new");
        assert_eq!(
            plan(&missing, &missing.join("k.db"), &Group::of(gid)).ok(),
            Some(Plan::Make)
        );
    }
}
