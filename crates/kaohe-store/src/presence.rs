//! Other reviewers at work on the same database: who is in a workspace now and where (one
//! row per open workspace, refreshed while it runs), and whether anyone has written since.
//!
//! A row names the host and process of its workspace. One on this host whose process has
//! ended (killed, crashed) is not present, and the next heartbeat removes it; any other row
//! counts until it has gone unseen for [`SEEN_WITHIN`].

use crate::{Reviewer, Store, StoreError};
use anyhow::{Context, Result};
use rusqlite::params;
use std::time::Duration;

/// How long a session may go unseen and still count as present. A workspace writes its row
/// far more often (`tui/live.rs`), so only one that stopped without ending (a stopped or
/// frozen process) or whose process cannot be looked at from here goes quiet this long.
pub const SEEN_WITHIN: Duration = Duration::from_secs(25);

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

/// Seconds since 1970: presence needs only to compare times.
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The oldest `seen_at` still present.
fn seen_since() -> i64 {
    unix_now() - SEEN_WITHIN.as_secs() as i64
}

impl Store {
    /// SQLite's `data_version`: it changes when another connection commits (our own commits
    /// leave it be), so a workspace can poll it cheaply to notice other reviewers.
    pub fn data_version(&self) -> Result<i64> {
        // Kept compiled: the workspace asks after every key.
        let mut stmt = self.conn.prepare_cached("PRAGMA data_version")?;
        Ok(stmt.query_row([], |r| r.get(0))?)
    }

    /// Says (or keeps saying) that a workspace is open in this process, and where its
    /// reviewer is; and clears away sessions that have ended without saying so.
    pub fn present(&mut self, session: &str, who: &Reviewer, at: Option<&Presence>) -> Result<()> {
        // A heartbeat need not survive a power cut (the next one says the same a few seconds
        // later): its commit is not synced to disk, sparing every beat an fsync. WAL stays
        // consistent under NORMAL (checkpoints still sync); every other write keeps FULL.
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let written = self.write_presence(session, who, at);
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        written
    }

    fn write_presence(
        &mut self,
        session: &str,
        who: &Reviewer,
        at: Option<&Presence>,
    ) -> Result<()> {
        let host = process::this_host();
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO sessions (id, reviewer, account, indicator_id, county_code, editing,
                 seen_at, host, pid)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (id) DO UPDATE SET indicator_id = excluded.indicator_id,
                 county_code = excluded.county_code, editing = excluded.editing,
                 seen_at = excluded.seen_at, host = excluded.host, pid = excluded.pid",
            params![
                session,
                who.name,
                who.account,
                at.map(|p| p.indicator_id.as_str()),
                at.map(|p| p.county_code.as_str()),
                at.is_some_and(|p| p.editing),
                unix_now(),
                host,
                std::process::id(),
            ],
        )?;
        // Sessions that ended without saying so (kill -9, a crash, a hang-up that lost the
        // race): those not seen for a while, and those on this host whose process is gone.
        tx.execute(
            "DELETE FROM sessions WHERE seen_at < ?1",
            params![seen_since()],
        )?;
        let ended: Vec<String> = if host.is_empty() {
            Vec::new()
        } else {
            let mut stmt =
                tx.prepare("SELECT id, pid FROM sessions WHERE host = ?1 AND id != ?2")?;
            let rows = stmt.query_map(params![host, session], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
                .into_iter()
                .filter(|(_, pid)| process::ended(*pid))
                .map(|(id, _)| id)
                .collect()
        };
        for id in ended {
            tx.execute("DELETE FROM sessions WHERE id = ?1", params![id])?;
        }
        tx.commit().with_context(|| StoreError::CannotWrite {
            path: self.path.clone(),
        })?;
        Ok(())
    }

    /// The workspace is closing: it is no longer present.
    pub fn leave(&mut self, session: &str) -> Result<()> {
        let tx = self.write()?;
        tx.execute("DELETE FROM sessions WHERE id = ?1", params![session])?;
        tx.commit()?;
        Ok(())
    }

    /// The other workspaces open now: seen within [`SEEN_WITHIN`], and, on this host, with
    /// their process still running. Reads only (the rows of ended ones go at the next
    /// heartbeat, [`Store::present`]), so it can be asked often.
    pub fn others(&self, session: &str) -> Result<Vec<Presence>> {
        let host = process::this_host();
        let mut stmt = self.conn.prepare_cached(
            "SELECT reviewer, account, indicator_id, county_code, editing, host, pid
             FROM sessions WHERE id != ?1 AND seen_at >= ?2 ORDER BY reviewer, id",
        )?;
        let rows = stmt.query_map(params![session, seen_since()], |r| {
            let presence = Presence {
                reviewer: r.get(0)?,
                account: r.get(1)?,
                indicator_id: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                county_code: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                editing: r.get(4)?,
            };
            let ended =
                !host.is_empty() && r.get::<_, String>(5)? == host && process::ended(r.get(6)?);
            Ok((!ended).then_some(presence))
        })?;
        Ok(rows
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect())
    }
}

/// The process behind a session (or a long write), as this host sees it.
pub(crate) mod process {
    /// The host's name as the kernel has it; "" when it cannot say (then no session is taken
    /// for this host's, and only time judges them).
    pub(crate) fn this_host() -> String {
        let mut name = [0u8; 256];
        // SAFETY: `name` is writable for the length given.
        if unsafe { libc::gethostname(name.as_mut_ptr().cast(), name.len()) } != 0 {
            return String::new();
        }
        let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
        String::from_utf8_lossy(&name[..end]).into_owned()
    }

    /// Whether process `pid` on this host has ended: the kernel lists no such process, or
    /// lists only a zombie (killed, its parent not yet told). Anything unclear counts as
    /// running, for the timeout to settle.
    pub(crate) fn ended(pid: i64) -> bool {
        // 0 and negative numbers name process groups, not a process (rows from before the
        // host and pid were kept hold 0).
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        if pid <= 0 {
            return false;
        }
        match probe(pid) {
            Probe::NoSuchProcess => true,
            Probe::Listed => zombie(pid),
            Probe::Unclear => false,
        }
    }

    /// What the kernel says of a process number.
    #[derive(Debug, PartialEq, Eq)]
    pub(super) enum Probe {
        NoSuchProcess,
        Listed,
        Unclear,
    }

    /// `kill(pid, 0)` sends nothing, only asks: ESRCH means no such process; EPERM means one
    /// is there, another account's, which we may not signal. Async-signal-safe (no allocation).
    pub(super) fn probe(pid: libc::pid_t) -> Probe {
        // SAFETY: signal 0 is never delivered; kill only checks that `pid` could be signalled.
        if unsafe { libc::kill(pid, 0) } == 0 {
            return Probe::Listed;
        }
        match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::ESRCH) => Probe::NoSuchProcess,
            Some(libc::EPERM) => Probe::Listed,
            _ => Probe::Unclear,
        }
    }

    /// A process the kernel lists only to give its parent its exit status. Where /proc hides
    /// other accounts' processes (hidepid) it cannot be read: then it counts as running.
    #[cfg(target_os = "linux")]
    fn zombie(pid: libc::pid_t) -> bool {
        // "pid (command) S …": the state follows the last ')', as the command may hold any.
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| {
                let after = &stat[stat.rfind(')')? + 1..];
                Some(after.trim_start().starts_with(['Z', 'X']))
            })
            .unwrap_or(false)
    }

    #[cfg(not(target_os = "linux"))]
    fn zombie(_pid: libc::pid_t) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{new_store, who};
    use std::process::{Child, Command};
    use std::time::Instant;

    /// A session row as another workspace would have written it.
    fn row(store: &Store, id: &str, name: &str, host: &str, pid: i64, seen_at: i64) {
        store
            .conn
            .execute(
                "INSERT INTO sessions (id, reviewer, account, editing, seen_at, host, pid)
                 VALUES (?1, ?2, 'acct', 0, ?3, ?4, ?5)",
                params![id, name, seen_at, host, pid],
            )
            .unwrap();
    }

    fn ids(store: &Store) -> Vec<String> {
        let mut stmt = store
            .conn
            .prepare("SELECT id FROM sessions ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn names(others: &[Presence]) -> Vec<&str> {
        others.iter().map(|p| p.reviewer.as_str()).collect()
    }

    /// A process that has ended and been reaped: its number names nothing now.
    fn ended_pid() -> i64 {
        let mut child = Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        i64::from(pid)
    }

    /// Waits (bounded) until the kernel shows `child` as a zombie: ended, not yet reaped.
    fn wait_zombie(child: &Child) {
        let start = Instant::now();
        loop {
            let stat = std::fs::read_to_string(format!("/proc/{}/stat", child.id())).unwrap();
            if stat[stat.rfind(')').unwrap() + 1..]
                .trim_start()
                .starts_with('Z')
            {
                return;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "never a zombie");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_session_on_this_host_whose_process_has_ended_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let here = process::this_host();
        assert!(!here.is_empty(), "the host has a name");
        let now = unix_now();
        row(&store, "killed", "甲", &here, ended_pid(), now);
        row(
            &store,
            "running",
            "乙",
            &here,
            i64::from(std::process::id()),
            now,
        );
        assert_eq!(names(&store.others("me").unwrap()), ["乙"]);
        // The next heartbeat, anyone's, removes the row.
        store.present("me", &who(), None).unwrap();
        assert_eq!(ids(&store), ["me", "running"]);
        let (host, pid): (String, i64) = store
            .conn
            .query_row("SELECT host, pid FROM sessions WHERE id = 'me'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((host, pid), (here, i64::from(std::process::id())));
    }

    #[test]
    fn a_killed_session_not_yet_reaped_is_gone_too() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let mut child = Command::new("true").spawn().unwrap();
        wait_zombie(&child);
        let here = process::this_host();
        row(
            &store,
            "zombie",
            "甲",
            &here,
            i64::from(child.id()),
            unix_now(),
        );
        assert!(store.others("me").unwrap().is_empty());
        store.present("me", &who(), None).unwrap();
        assert_eq!(ids(&store), ["me"]);
        child.wait().unwrap();
    }

    #[test]
    fn a_session_on_another_host_counts_until_it_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let now = unix_now();
        let timeout = SEEN_WITHIN.as_secs() as i64;
        // Its process number names nothing here, and that says nothing of the other host.
        let pid = ended_pid();
        row(&store, "recent", "甲", "elsewhere", pid, now - timeout + 5);
        row(&store, "quiet", "乙", "elsewhere", pid, now - timeout - 2);
        // Rows written before hosts and pids were kept: judged by time alone.
        row(&store, "older-build", "丙", "", 0, now);
        assert_eq!(names(&store.others("me").unwrap()), ["丙", "甲"]);
        store.present("me", &who(), None).unwrap();
        assert_eq!(ids(&store), ["me", "older-build", "recent"]);
    }

    #[test]
    fn the_timeout_is_about_half_a_minute() {
        assert!((20..=30).contains(&SEEN_WITHIN.as_secs()));
    }

    #[test]
    fn a_running_process_of_another_account_counts() {
        let dir = tempfile::tempdir().unwrap();
        let store = new_store(&dir);
        // Process 1 always runs; unless this is root, it is another account's (EPERM).
        row(&store, "init", "甲", &process::this_host(), 1, unix_now());
        assert_eq!(names(&store.others("me").unwrap()), ["甲"]);
        // SAFETY: geteuid cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            return;
        }
        // As root every process may be signalled: ask from a child that has become another
        // account, about this (root's) process.
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: the child makes only async-signal-safe calls (setgid, setuid, kill, _exit)
        // and allocates nothing.
        let child = unsafe { libc::fork() };
        assert!(child >= 0, "fork failed");
        if child == 0 {
            let code = unsafe {
                if libc::setgid(4666) != 0 || libc::setuid(4666) != 0 {
                    3
                } else {
                    match process::probe(parent) {
                        process::Probe::Listed => 0,
                        process::Probe::NoSuchProcess => 1,
                        process::Probe::Unclear => 2,
                    }
                }
            };
            unsafe { libc::_exit(code) };
        }
        let mut status = 0;
        // SAFETY: waits for the child just made.
        assert_eq!(unsafe { libc::waitpid(child, &mut status, 0) }, child);
        assert!(libc::WIFEXITED(status));
        assert_eq!(
            libc::WEXITSTATUS(status),
            0,
            "another account's running process is listed (EPERM), not gone"
        );
    }

    #[test]
    fn leaving_removes_the_row_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store.present("me", &who(), None).unwrap();
        store.leave("me").unwrap();
        assert!(ids(&store).is_empty());
    }
}
