//! The guarded set-up: kaohe installed setgid to a group the reviewers are not in, so that the
//! database (in a directory only that group can enter) is reachable through kaohe alone and
//! nobody edits it with `sqlite3`.
//!
//! Running setgid (the effective group differs from the real one), kaohe gives the group up at
//! once and takes it back only around opening or creating the database: every other file (an
//! import, an export, a theme, a config, a targets file) is read and written as the user, with
//! the user's own groups. An open database stays usable after the group is given up, because
//! the kernel checks access when a file is opened, not when it is read or written.
//!
//! Which database a guarded kaohe opens is not the user's to choose: it comes only from the
//! system config beside the installation ([`trusted_config_path`]), and only if that file could
//! not have been written by anyone but root or the binary's owner.

use anyhow::{Result, anyhow, bail};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

/// How this process was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not setgid: kaohe is the user and nothing more.
    Plain,
    /// Setgid: `kaohe` is the group the binary carries, `real` the user's own.
    Guarded { real: u32, kaohe: u32 },
    /// Setgid, and the group could not be given up (errno): nothing may run.
    Failed(i32),
}

static STATE: OnceLock<State> = OnceLock::new();
/// One raise at a time: glibc's setegid changes every thread's group, so two overlapping
/// raises would end with whichever dropped last.
static RAISE: Mutex<()> = Mutex::new(());
thread_local! {
    /// This thread is inside a raise (a nested one runs as it is, without locking again).
    static RAISED: Cell<bool> = const { Cell::new(false) };
}

fn state() -> State {
    *STATE.get_or_init(|| {
        // SAFETY: getgid and getegid cannot fail and touch no memory.
        let (real, effective) = unsafe { (libc::getgid(), libc::getegid()) };
        if real == effective {
            return State::Plain;
        }
        // SAFETY: setegid to the real gid is always permitted; it touches no memory.
        if unsafe { libc::setegid(real) } != 0 {
            return State::Failed(std::io::Error::last_os_error().raw_os_error().unwrap_or(0));
        }
        State::Guarded {
            real,
            kaohe: effective,
        }
    })
}

/// Gives up kaohe's group if kaohe runs setgid: called first thing, before any file is read.
/// An error means kaohe must not run at all.
pub fn start() -> std::result::Result<(), String> {
    match state() {
        State::Failed(errno) => Err(format!(
            "cannot give up the group this kaohe is installed with ({}): refusing to run",
            std::io::Error::from_raw_os_error(errno)
        )),
        _ => Ok(()),
    }
}

/// The group kaohe is installed setgid to, when it is (the guarded set-up).
pub fn guarded() -> Option<u32> {
    match state() {
        State::Guarded { kaohe, .. } => Some(kaohe),
        _ => None,
    }
}

/// Gives the group up again when a raise ends, however it ends (an error, a panic).
struct Lower {
    real: u32,
}

impl Drop for Lower {
    fn drop(&mut self) {
        // SAFETY: setegid to the real gid is always permitted; it touches no memory.
        if unsafe { libc::setegid(self.real) } != 0 {
            // Carrying on with the group would read the user's files with it: stop here.
            eprintln!(
                "kaohe: cannot give up kaohe's group again ({}): stopping",
                std::io::Error::last_os_error()
            );
            std::process::exit(1);
        }
        RAISED.with(|r| r.set(false));
    }
}

/// Runs `f` with kaohe's group in the guarded set-up (and simply runs it otherwise): for
/// opening and creating the database, and nothing else. Keep `f` short and free of the
/// user's files.
pub fn with_kaohe_group<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    let (real, kaohe) = match state() {
        State::Plain => return f(),
        State::Guarded { real, kaohe } => (real, kaohe),
        State::Failed(_) => {
            bail!("kaohe's group was never given up: refusing to open the database")
        }
    };
    if RAISED.with(Cell::get) {
        return f();
    }
    let _one_at_a_time = RAISE.lock().unwrap_or_else(PoisonError::into_inner);
    // SAFETY: setegid to the saved set-group-ID is permitted; it touches no memory.
    if unsafe { libc::setegid(kaohe) } != 0 {
        return Err(anyhow!(std::io::Error::last_os_error()).context(format!(
            "cannot take kaohe's group ({}) to open the database",
            group_name(kaohe)
        )));
    }
    RAISED.with(|r| r.set(true));
    let _lower = Lower { real };
    f()
}

/// The name of group `gid` from the group database, or its number.
pub fn group_name(gid: u32) -> String {
    kaohe_host::group::shown(gid)
}

/// "this kaohe runs setgid (group kaohe)": how messages name the guarded set-up.
pub fn describe(kaohe: u32) -> String {
    format!("this kaohe runs setgid (group {})", group_name(kaohe))
}

/// Where an installation keeps its system config: `<prefix>/etc/kaohe/config.toml`, where
/// `<prefix>` is the directory above the binary's, and `/usr` and `/usr/local` keep theirs in
/// `/etc`.
pub fn trusted_config_for(binary: &Path) -> PathBuf {
    let prefix = binary
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("/"));
    let prefix = if prefix == Path::new("/usr") || prefix == Path::new("/usr/local") {
        Path::new("/")
    } else {
        prefix
    };
    prefix.join("etc/kaohe/config.toml")
}

/// The running binary and who owns it.
fn binary() -> Result<(PathBuf, u32)> {
    use std::os::unix::fs::MetadataExt;
    let exe = std::env::current_exe()
        .map_err(|e| anyhow!(e).context("cannot find kaohe's own binary"))?;
    let owner = std::fs::metadata(&exe)
        .map_err(|e| anyhow!(e).context(format!("cannot read {}", exe.display())))?
        .uid();
    Ok((exe, owner))
}

/// The system config a guarded kaohe reads (see [`trusted_config_for`]).
pub fn trusted_config_path() -> Result<PathBuf> {
    Ok(trusted_config_for(&binary()?.0))
}

/// Why a file or directory cannot be trusted to name the database, if it cannot: it must be
/// owned by root or by the binary's owner, and not writable by its group or by others.
pub fn untrusted(uid: u32, mode: u32, binary_owner: u32) -> Option<String> {
    if uid != 0 && uid != binary_owner {
        return Some(format!(
            "is owned by uid {uid}, not by root or by kaohe's owner"
        ));
    }
    match (mode & 0o020 != 0, mode & 0o002 != 0) {
        (true, true) => Some("is writable by its group and by others".into()),
        (true, false) => Some("is writable by its group".into()),
        (false, true) => Some("is writable by others".into()),
        (false, false) => None,
    }
}

/// The trusted system config's text, read with kaohe's group (so an administrator may keep it
/// `root:GROUP 0640`), after checking that neither it nor its directory could have been
/// written by anyone but root or the binary's owner. `None` if there is no such file.
pub fn read_trusted_config() -> Result<Option<(PathBuf, Vec<u8>)>> {
    use std::io::Read;
    use std::os::unix::fs::MetadataExt;
    let Some(kaohe) = guarded() else {
        bail!("there is a trusted system config only in the guarded set-up");
    };
    let (exe, owner) = binary()?;
    let path = trusted_config_for(&exe);
    with_kaohe_group(|| {
        let refuse = |what: &Path, why: String| {
            anyhow!(
                "{} {why}: {}, and takes its database only from {} when neither it nor its directory can be changed by anyone but root (chown root {}; chmod go-w {})",
                what.display(),
                describe(kaohe),
                path.display(),
                what.display(),
                what.display()
            )
        };
        let named_dir = path.parent().unwrap_or(Path::new("/"));
        match std::fs::metadata(named_dir) {
            Ok(m) => {
                if let Some(why) = untrusted(m.uid(), m.mode(), owner) {
                    return Err(refuse(named_dir, why));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(anyhow!(e).context(format!("cannot read {}", named_dir.display())));
            }
        }
        let real = match std::fs::canonicalize(&path) {
            Ok(real) => real,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(anyhow!(e).context(format!("cannot read {}", path.display()))),
        };
        let real_dir = real.parent().unwrap_or(Path::new("/"));
        let m = std::fs::metadata(real_dir)
            .map_err(|e| anyhow!(e).context(format!("cannot read {}", real_dir.display())))?;
        if let Some(why) = untrusted(m.uid(), m.mode(), owner) {
            return Err(refuse(real_dir, why));
        }
        // The checks are made on the file as opened, so it cannot be swapped between them.
        let mut file = std::fs::File::open(&real)
            .map_err(|e| anyhow!(e).context(format!("cannot read {}", path.display())))?;
        let m = file
            .metadata()
            .map_err(|e| anyhow!(e).context(format!("cannot read {}", path.display())))?;
        if !m.is_file() {
            bail!("{} is not a regular file", path.display());
        }
        if let Some(why) = untrusted(m.uid(), m.mode(), owner) {
            return Err(refuse(&path, why));
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| anyhow!(e).context(format!("cannot read {}", path.display())))?;
        Ok(Some((path.clone(), bytes)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trusted_config_sits_beside_the_installation() {
        let at = |bin: &str| trusted_config_for(Path::new(bin));
        assert_eq!(at("/usr/bin/kaohe"), Path::new("/etc/kaohe/config.toml"));
        assert_eq!(
            at("/usr/local/bin/kaohe"),
            Path::new("/etc/kaohe/config.toml")
        );
        assert_eq!(
            at("/opt/kaohe/bin/kaohe"),
            Path::new("/opt/kaohe/etc/kaohe/config.toml")
        );
        assert_eq!(
            at("/srv/test/prefix/bin/kaohe"),
            Path::new("/srv/test/prefix/etc/kaohe/config.toml")
        );
        assert_eq!(at("/bin/kaohe"), Path::new("/etc/kaohe/config.toml"));
    }

    #[test]
    fn only_root_or_the_binarys_owner_may_be_able_to_write_it() {
        assert_eq!(untrusted(0, 0o100644, 0), None);
        assert_eq!(untrusted(0, 0o100640, 1000), None);
        assert_eq!(untrusted(1000, 0o100600, 1000), None, "the binary's owner");
        assert_eq!(untrusted(0, 0o40755, 0), None, "a directory");
        assert!(untrusted(4001, 0o100644, 0).unwrap().contains("uid 4001"));
        assert_eq!(
            untrusted(0, 0o100664, 0).as_deref(),
            Some("is writable by its group")
        );
        assert_eq!(
            untrusted(0, 0o100646, 0).as_deref(),
            Some("is writable by others")
        );
        assert_eq!(
            untrusted(0, 0o42777, 0).as_deref(),
            Some("is writable by its group and by others")
        );
        // Sticky /tmp is still writable by others.
        assert!(untrusted(0, 0o41777, 0).is_some());
    }

    #[test]
    fn a_plain_process_runs_what_it_is_given_as_itself() {
        // The test binary is not setgid.
        assert_eq!(guarded(), None);
        assert!(start().is_ok());
        // SAFETY: getegid cannot fail.
        let before = unsafe { libc::getegid() };
        let inside = with_kaohe_group(|| Ok(unsafe { libc::getegid() })).unwrap();
        assert_eq!(inside, before);
        assert_eq!(group_name(0), "root");
        assert_eq!(group_name(3_999_999), "3999999");
    }
}
