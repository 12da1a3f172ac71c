//! OS groups: a group named on the command line (a name in the group database, or a number),
//! the groups this process is in, and whether it may give a file to a group.
//!
//! A gid with no entry in the group database (a container, a test running with bare ids) is
//! named by its number, as accounts are.

use crate::lookup::{name_at, with_buffer};

/// An OS group: its id and its name from the group database, where it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub gid: u32,
    pub name: Option<String>,
}

impl Group {
    /// The group `given` names: a group name in the group database, or a group id (which need
    /// not be in it).
    pub fn named(given: &str) -> Option<Group> {
        if let Ok(gid) = given.parse::<u32>() {
            return Some(Group::of(gid));
        }
        gid_of(given).map(|gid| Group {
            gid,
            name: Some(given.to_string()),
        })
    }

    /// The group of id `gid`, named if the group database has it.
    pub fn of(gid: u32) -> Group {
        Group {
            gid,
            name: name_of(gid),
        }
    }

    /// How the group is shown and typed in a command: its name, else its number.
    pub fn shown(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.gid.to_string())
    }
}

impl std::fmt::Display for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown())
    }
}

/// Whether this process is in group `gid` as the kernel judges it (its effective group or one
/// of its supplementary groups), so that it may give a file it owns to that group. Root may
/// give a file to any group, so counts as able.
pub fn is_member(gid: u32) -> bool {
    // SAFETY: geteuid and getegid cannot fail.
    let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
    euid == 0 || egid == gid || supplementary().contains(&gid)
}

/// The groups this process is in: its real group first, then its supplementary groups.
pub fn current() -> Vec<Group> {
    // SAFETY: getgid cannot fail.
    let gid = unsafe { libc::getgid() };
    let mut gids = vec![gid];
    for g in supplementary() {
        if !gids.contains(&g) {
            gids.push(g);
        }
    }
    gids.into_iter().map(Group::of).collect()
}

/// The process's supplementary groups.
pub fn supplementary() -> Vec<u32> {
    // SAFETY: a count of 0 asks only how many there are.
    let n = unsafe { libc::getgroups(0, std::ptr::null_mut()) };
    if n <= 0 {
        return Vec::new();
    }
    let mut groups = vec![0 as libc::gid_t; n as usize];
    // SAFETY: the buffer holds n entries, as passed.
    let got = unsafe { libc::getgroups(n, groups.as_mut_ptr()) };
    groups.truncate(got.max(0) as usize);
    groups
}

/// The name of group `gid`, if the group database has one.
pub fn name_of(gid: u32) -> Option<String> {
    with_buffer(|buf| {
        // SAFETY: an all-zero group is a valid value to be overwritten by getgrgid_r.
        let mut grp: libc::group = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::group = std::ptr::null_mut();
        // SAFETY: every pointer is to memory we own, sized as passed.
        let rc =
            unsafe { libc::getgrgid_r(gid, &mut grp, buf.as_mut_ptr(), buf.len(), &mut found) };
        // SAFETY: on success gr_name points into `buf`, which outlives this read.
        let name = (!found.is_null()).then(|| unsafe { name_at(grp.gr_name) });
        (rc, name.flatten())
    })
}

/// The name of group `gid`, else its number: how a message names a group.
pub fn shown(gid: u32) -> String {
    name_of(gid).unwrap_or_else(|| gid.to_string())
}

/// The id of the group called `name`, if the group database has it.
pub fn gid_of(name: &str) -> Option<u32> {
    let cname = std::ffi::CString::new(name).ok()?;
    with_buffer(|buf| {
        // SAFETY: as in `name_of`.
        let mut grp: libc::group = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::group = std::ptr::null_mut();
        // SAFETY: every pointer is to memory we own, sized as passed; cname is NUL-terminated.
        let rc = unsafe {
            libc::getgrnam_r(
                cname.as_ptr(),
                &mut grp,
                buf.as_mut_ptr(),
                buf.len(),
                &mut found,
            )
        };
        (rc, (!found.is_null()).then_some(grp.gr_gid))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_named_by_name_or_number() {
        // Group 0 is root's on every Linux system.
        assert_eq!(Group::named("0").map(|g| g.shown()), Some("root".into()));
        assert_eq!(Group::named("root").map(|g| g.gid), Some(0));
        // Far above any gid a system allocates: no group database has it.
        let bare = Group::named("3999042").unwrap_or_else(|| unreachable!());
        assert_eq!(
            bare,
            Group {
                gid: 3_999_042,
                name: None
            }
        );
        assert_eq!(bare.to_string(), "3999042");
        assert_eq!(Group::named("no-such-group-kaohe-test"), None);
    }

    #[test]
    fn this_process_is_in_its_own_groups() {
        // SAFETY: getegid and geteuid cannot fail.
        let (egid, euid) = unsafe { (libc::getegid(), libc::geteuid()) };
        assert!(is_member(egid));
        let current = current();
        assert!(!current.is_empty());
        for g in &current {
            assert!(is_member(g.gid), "{g}");
        }
        // Root counts as able to give a file to any group; anyone else is not in a bare gid.
        assert_eq!(is_member(3_999_042), euid == 0);
    }
}
