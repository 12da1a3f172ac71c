//! Several OS accounts on one host, without creating any: as root (CI runs as root), a child
//! process is started with another uid, gid and supplementary groups. Elsewhere these tests
//! cannot run, and say why.
//!
//! The uids and gids used have no entry in the account database, as on a bare CI machine:
//! kaohe names such an account by its number.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

/// A group the reviewers share, and the accounts in it (uid = primary gid, as Debian makes them).
pub const TEAM_GID: u32 = 4242;
pub const ALICE: u32 = 4001;
pub const BOB: u32 = 4002;
pub const CAROL: u32 = 4003;
/// An account in no group of the team.
pub const MALLORY: u32 = 4666;

/// Whether this process may start children as other accounts; if not, says why on stderr
/// (the test then returns early, passing, with the reason in its output).
pub fn can_switch(test: &str) -> bool {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        return true;
    }
    eprintln!(
        "skipped {test}: running the binary as other accounts needs root (CI runs as root); \
         as an ordinary user the kernel refuses to change uid"
    );
    false
}

/// Makes `cmd` run as `uid` with primary group `gid` and the supplementary `groups`.
pub fn run_as(cmd: &mut std::process::Command, uid: u32, gid: u32, groups: &[u32]) {
    let groups: Vec<libc::gid_t> = groups.to_vec();
    // SAFETY: between fork and exec only async-signal-safe calls are made (setgroups, setgid,
    // setuid), on memory allocated before the fork.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setgroups(groups.len(), groups.as_ptr()) != 0
                || libc::setgid(gid) != 0
                || libc::setuid(uid) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// The `setpriv` prefix that runs a program as `uid` (for a pseudo-terminal's command builder,
/// which has no pre-exec hook).
pub fn setpriv_args(uid: u32, gid: u32, groups: &[u32]) -> Vec<String> {
    let groups = if groups.is_empty() {
        "--clear-groups".to_string()
    } else {
        format!(
            "--groups={}",
            groups
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    vec![
        format!("--reuid={uid}"),
        format!("--regid={gid}"),
        groups,
        "--".to_string(),
    ]
}

/// A directory every account can enter, with a copy of the binary in it that every account can
/// run (the build's own directories may be private to root).
pub struct Host {
    pub dir: tempfile::TempDir,
}

impl Host {
    pub fn new() -> Host {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        // Copied by `cp`, not by this process: a file this multi-threaded test process holds
        // open for writing can be inherited by a child another test forks meanwhile, and running
        // it then fails with ETXTBSY ("text file busy") until that child execs.
        let copied = std::process::Command::new("cp")
            .arg(env!("CARGO_BIN_EXE_kaohe"))
            .arg(bin.join("kaohe"))
            .status()
            .unwrap();
        assert!(copied.success(), "cp of the binary failed");
        std::fs::set_permissions(bin.join("kaohe"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        Host { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn binary(&self) -> PathBuf {
        self.path("bin/kaohe")
    }

    /// A home of the account's own, as `adduser` would make it.
    pub fn home(&self, uid: u32) -> PathBuf {
        let home = self.path(&format!("home/{uid}"));
        if !home.exists() {
            std::fs::create_dir_all(&home).unwrap();
            std::fs::set_permissions(self.path("home"), std::fs::Permissions::from_mode(0o755))
                .unwrap();
            std::os::unix::fs::chown(&home, Some(uid), Some(uid)).unwrap();
            std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        home
    }

    /// kaohe as `uid` (primary group its own, plus `groups`), in its own home, with no setting
    /// inherited from the test's environment.
    pub fn kaohe_as(&self, uid: u32, groups: &[u32]) -> std::process::Command {
        let home = self.home(uid);
        let mut cmd = std::process::Command::new(self.binary());
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CONFIG_DIRS", self.path("etc-xdg"))
            .env("USER", "root")
            .env("LOGNAME", "root")
            .current_dir(&home);
        run_as(&mut cmd, uid, uid, groups);
        cmd
    }
}

/// Mode, owner and group of a file.
pub fn mode_owner_group(path: &Path) -> (u32, u32, u32) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).unwrap();
    (m.mode() & 0o7777, m.uid(), m.gid())
}
