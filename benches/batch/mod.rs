//! A batch job run as a child process, timed from spawn to exit, with its peak resident memory
//! as the kernel counted it (`wait4`'s `ru_maxrss`): kaohe's commands and the anchors alike.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a job went.
#[derive(Clone, Debug)]
pub struct Job {
    pub took: Duration,
    /// Peak resident set, KiB.
    pub peak_kib: u64,
    /// Exit status 0.
    pub ok: bool,
    /// The last line of its standard error (why it failed, when it did).
    pub said: String,
}

/// Runs `cmd` to its end, standard output to `out` (a file, or nothing), standard error kept.
///
/// The peak is taken by GNU time (`/usr/bin/time -f %M`) where installed: a child's
/// `ru_maxrss` from `wait4` starts at its parent's resident set when it was spawned (the
/// kernel keeps the high-water mark across exec, and std spawns with vfork), so the bench's
/// own memory would be charged to every job. GNU time is small: what it forks is the job's own.
pub fn run(cmd: &mut Command, out: Stdio) -> Job {
    let time = Path::new("/usr/bin/time");
    let peak_file = tempfile::NamedTempFile::new().ok();
    let mut timed;
    let cmd = match (&peak_file, time.is_file()) {
        (Some(f), true) => {
            timed = Command::new(time);
            timed
                .arg("-f")
                .arg("%M")
                .arg("-o")
                .arg(f.path())
                .arg(cmd.get_program())
                .args(cmd.get_args());
            for (k, v) in cmd.get_envs() {
                match v {
                    Some(v) => timed.env(k, v),
                    None => timed.env_remove(k),
                };
            }
            if let Some(d) = cmd.get_current_dir() {
                timed.current_dir(d);
            }
            &mut timed
        }
        _ => cmd,
    };
    let mut job = wait(cmd, out);
    if let (Some(f), true) = (&peak_file, time.is_file()) {
        // GNU time writes "Command exited with non-zero status N" before the figure on failure.
        if let Some(kib) = std::fs::read_to_string(f.path())
            .ok()
            .and_then(|t| t.lines().rev().find_map(|l| l.trim().parse::<u64>().ok()))
        {
            job.peak_kib = kib;
        }
    }
    job
}

/// Spawns `cmd`, waits for it with `wait4`: its time and exit status (and `ru_maxrss`).
fn wait(cmd: &mut Command, out: Stdio) -> Job {
    let err = match tempfile::tempfile() {
        Ok(f) => f,
        Err(e) => return failed(format!("no temporary file for standard error: {e}")),
    };
    let err_for_child = match err.try_clone() {
        Ok(f) => f,
        Err(e) => return failed(format!("no temporary file for standard error: {e}")),
    };
    cmd.stdin(Stdio::null()).stdout(out).stderr(err_for_child);
    let start = Instant::now();
    let child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return failed(format!("could not start {:?}: {e}", cmd.get_program())),
    };
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data the kernel fills; wait4 reaps only the child started here
    // (std's `Child` is dropped without waiting, so it never reaps it a second time).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = loop {
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == -1 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        break r;
    };
    let took = start.elapsed();
    drop(child);
    let said = last_line(err);
    if reaped != pid {
        return failed(format!("wait4 failed: {}", std::io::Error::last_os_error()));
    }
    Job {
        took,
        peak_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        ok: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        said,
    }
}

fn failed(said: String) -> Job {
    Job {
        took: Duration::ZERO,
        peak_kib: 0,
        ok: false,
        said,
    }
}

fn last_line(mut f: std::fs::File) -> String {
    use std::io::{Read, Seek, SeekFrom};
    let mut text = String::new();
    let _ = f.seek(SeekFrom::Start(0));
    let _ = f.take(1 << 20).read_to_string(&mut text);
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Standard output into the file at `path` (made anew).
pub fn to_file(path: &std::path::Path) -> Stdio {
    match std::fs::File::create(path) {
        Ok(f) => Stdio::from(f),
        Err(_) => Stdio::null(),
    }
}

/// The first program of `names` found on the `PATH` (or in Cargo's bin directory, where
/// `cargo install` puts csvlens).
pub fn find(names: &[&str]) -> Option<std::path::PathBuf> {
    let mut dirs: Vec<std::path::PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(std::path::Path::new(&home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(std::path::Path::new(&home).join(".cargo/bin"));
    }
    names
        .iter()
        .find_map(|n| dirs.iter().map(|d| d.join(n)).find(|p| p.is_file()))
}
