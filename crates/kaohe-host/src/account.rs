//! The OS account running kaohe: the real user id, and its name from the account database.
//!
//! The real uid is the one identity a user cannot choose: `$USER` and `$LOGNAME` are theirs to
//! set, and a setgid kaohe runs with the user's real uid and kaohe's group. An id with no entry
//! in the account database (a container, a test running as a bare uid) is named by its number.

use crate::lookup::{name_at, with_buffer};

/// An OS account: its user id and the name it logs in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub uid: u32,
    pub name: String,
}

impl Account {
    /// The account running this process (the real uid, not the effective one).
    pub fn current() -> Account {
        // SAFETY: getuid cannot fail and touches no memory of ours.
        let uid = unsafe { libc::getuid() };
        Account {
            uid,
            name: name_of(uid).unwrap_or_else(|| uid.to_string()),
        }
    }

    /// The account `given` names: a login name in the account database, or a user id.
    pub fn named(given: &str) -> Option<Account> {
        if let Ok(uid) = given.parse::<u32>() {
            return Some(Account {
                uid,
                name: name_of(uid).unwrap_or_else(|| uid.to_string()),
            });
        }
        uid_of(given).map(|uid| Account {
            uid,
            name: given.to_string(),
        })
    }
}

/// The login name of `uid`, if the account database has one.
pub fn name_of(uid: u32) -> Option<String> {
    with_buffer(|buf| {
        // SAFETY: an all-zero passwd is a valid value to be overwritten by getpwuid_r.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is to memory we own, sized as passed.
        let rc =
            unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut found) };
        // SAFETY: on success pw_name points into `buf`, which outlives this read.
        let name = (!found.is_null()).then(|| unsafe { name_at(pwd.pw_name) });
        (rc, name.flatten())
    })
}

/// The user id of the login `name`, if the account database has it.
pub fn uid_of(name: &str) -> Option<u32> {
    let cname = std::ffi::CString::new(name).ok()?;
    with_buffer(|buf| {
        // SAFETY: as in `name_of`.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is to memory we own, sized as passed; cname is NUL-terminated.
        let rc = unsafe {
            libc::getpwnam_r(
                cname.as_ptr(),
                &mut pwd,
                buf.as_mut_ptr(),
                buf.len(),
                &mut found,
            )
        };
        (rc, (!found.is_null()).then_some(pwd.pw_uid))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_account_is_the_real_uid_whatever_user_says() {
        let me = Account::current();
        // SAFETY: getuid cannot fail.
        assert_eq!(me.uid, unsafe { libc::getuid() });
        assert!(!me.name.is_empty());
        assert_eq!(Account::named(&me.uid.to_string()), Some(me.clone()));
    }

    #[test]
    fn a_bare_uid_is_named_by_its_number() {
        // Far above any uid a system allocates; no account database has it.
        let a = Account::named("3999999").unwrap_or_else(|| unreachable!());
        assert_eq!(a.uid, 3_999_999);
        assert_eq!(a.name, "3999999");
        assert_eq!(Account::named("no-such-login-kaohe-test"), None);
    }
}
