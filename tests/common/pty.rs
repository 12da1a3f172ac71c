//! A program in a pseudo-terminal, its screen read through a terminal emulator (vt100): for
//! tests that run the workspace as another account (`setpriv` with `users::setpriv_args`).
//! Every wait is for what the screen shows, never a fixed time, and what it shows is the last
//! whole frame (see [`Term`]).

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::term::Term;

const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Screen {
    child: Box<dyn Child + Send + Sync>,
    // Kept open for as long as the program runs.
    _master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<Term>>,
}

impl Screen {
    /// Starts `cmd` on a `cols`×`rows` terminal.
    pub fn spawn(cmd: CommandBuilder, cols: u16, rows: u16) -> Screen {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(Term::new(rows, cols)));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let p = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().feed(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Screen {
            child,
            _master: pair.master,
            writer,
            parser,
        }
    }

    pub fn text(&self) -> String {
        self.parser.lock().unwrap().settled.clone()
    }

    /// Waits until the screen shows `what`; returns the screen.
    pub fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.text();
            if screen.contains(what) {
                return screen;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "the screen never showed {what:?}; it shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until the screen no longer shows `what`.
    pub fn wait_gone(&self, what: &str) {
        let start = Instant::now();
        while self.text().contains(what) {
            assert!(
                start.elapsed() < TIMEOUT,
                "the screen kept showing {what:?}:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Types bytes as a terminal would send them.
    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Sends the program a signal.
    pub fn signal(&self, signal: i32) {
        let pid = self.child.process_id().expect("the program runs") as i32;
        // SAFETY: kill only sends a signal to the process this screen started.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    }

    /// Waits for the program to end; returns its exit code.
    pub fn exit_code(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            if start.elapsed() > TIMEOUT {
                self.child.kill().ok();
                panic!("the program did not end; it shows:\n{}", self.text());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
