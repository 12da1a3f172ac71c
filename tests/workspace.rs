#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The real binary in a pseudo-terminal, its screen read back through a terminal emulator
//! (vt100). Each test has its own database and home; every wait is for something on the screen
//! (or the process's end), with a generous timeout, never a fixed sleep.

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use rusqlite::Connection;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "common/term.rs"]
mod term;
use term::Term;

const TIMEOUT: Duration = Duration::from_secs(30);

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("k.db")
    }

    /// Runs a CLI command to completion (no terminal) and insists it succeeds.
    fn cli(&self, args: &[&str]) {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The workspace on a `cols`×`rows` terminal.
    fn open(&self, args: &[&str], cols: u16, rows: u16) -> Session {
        self.open_with(args, cols, rows, &[])
    }

    /// The same, with more environment.
    fn open_with(&self, args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kaohe"));
        cmd.arg("--db");
        cmd.arg(self.db());
        cmd.args(args);
        cmd.cwd(self.dir.path());
        cmd.env("HOME", self.dir.path());
        cmd.env("XDG_DATA_HOME", self.dir.path().join("data"));
        cmd.env("XDG_CONFIG_HOME", self.dir.path().join("config"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("USER", "tester");
        cmd.env("LOGNAME", "tester");
        cmd.env_remove("KAOHE_DB");
        cmd.env_remove("KAOHE_LANG");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("COLORTERM");
        cmd.env_remove("KAOHE_CONFIG");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(Term::new(rows, cols)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let (p, r) = (parser.clone(), raw.clone());
        let fd = pair.master.as_raw_fd().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        // Reads only when there is something to read, so that it can be told to stop and let
        // go of its end of the terminal (a hang-up needs every copy of the master closed).
        let reading = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while !stopped.load(Ordering::Relaxed) {
                let mut pfd = libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                if unsafe { libc::poll(&mut pfd, 1, 20) } <= 0 {
                    continue;
                }
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        p.lock().unwrap().feed(&buf[..n]);
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        let writer = Arc::new(Mutex::new(pair.master.take_writer().unwrap()));
        Session {
            child,
            master: pair.master,
            writer,
            parser,
            raw,
            stop,
            reading,
        }
    }

    fn connection(&self) -> Connection {
        Connection::open(self.db()).unwrap()
    }
}

struct Session {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    parser: Arc<Mutex<Term>>,
    raw: Arc<Mutex<Vec<u8>>>,
    /// Tells the thread reading the screen to stop.
    stop: Arc<AtomicBool>,
    reading: std::thread::JoinHandle<()>,
}

impl Session {
    fn screen(&self) -> String {
        self.parser.lock().unwrap().settled.clone()
    }

    /// Waits until the screen shows `what`; returns the screen.
    fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(what) {
                return screen;
            }
            if start.elapsed() > TIMEOUT {
                panic!("the screen never showed {what:?}; it shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until the screen no longer shows `what`.
    fn wait_gone(&self, what: &str) {
        self.wait_gone_within(what, TIMEOUT);
    }

    /// The same, waiting up to `timeout`.
    fn wait_gone_within(&self, what: &str, timeout: Duration) {
        let start = Instant::now();
        while self.screen().contains(what) {
            assert!(
                start.elapsed() < timeout,
                "the screen kept showing {what:?}:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Types bytes as a terminal would send them (an input method sends UTF-8).
    fn send(&mut self, bytes: &str) {
        let mut writer = self.writer.lock().unwrap();
        writer.write_all(bytes.as_bytes()).unwrap();
        writer.flush().unwrap();
    }

    /// Sends more than the terminal holds: the write only ends if the workspace reads it all.
    /// Panics if it has not within the timeout (the workspace stopped reading).
    fn send_all_of(&self, bytes: String) {
        let writer = self.writer.clone();
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut writer = writer.lock().unwrap();
            writer.write_all(bytes.as_bytes()).unwrap();
            writer.flush().unwrap();
            let _ = done.send(());
        });
        if finished.recv_timeout(TIMEOUT).is_err() {
            panic!(
                "the workspace stopped reading what was typed; it shows:\n{}",
                self.screen()
            );
        }
    }

    /// Presses `key` until the screen shows `what`, waiting a while after each press: for a
    /// key that may fall within a paste still coming in (and is then dropped with it).
    fn press_until(&mut self, key: &str, what: &str) {
        let start = Instant::now();
        loop {
            self.send(key);
            let pressed = Instant::now();
            while pressed.elapsed() < Duration::from_secs(2) {
                if self.screen().contains(what) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "the screen never showed {what:?}; it shows:\n{}",
                    self.screen()
                );
            }
        }
    }

    /// The terminal closes (an SSH connection dropped): every copy of its master end is
    /// closed. Returns the process, to wait for.
    fn hang_up(self) -> Box<dyn Child + Send + Sync> {
        self.stop.store(true, Ordering::Relaxed);
        self.reading.join().unwrap();
        // portable-pty's writer sends a line feed and EOF when dropped, unless EOF is unset:
        // a hang-up sends nothing.
        let fd = self.master.as_raw_fd().unwrap();
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            assert_eq!(libc::tcgetattr(fd, &mut t), 0);
            t.c_cc[libc::VEOF] = 0;
            assert_eq!(libc::tcsetattr(fd, libc::TCSANOW, &t), 0);
        }
        drop(self.writer);
        drop(self.master);
        self.child
    }

    fn signal(&self, signal: i32) {
        let pid = self.child.process_id().unwrap() as i32;
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    }

    fn resize(&self, cols: u16, rows: u16) {
        self.parser
            .lock()
            .unwrap()
            .parser
            .screen_mut()
            .set_size(nz(rows), nz(cols));
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    /// Waits until a frame drawn after output byte `from` is complete (its synchronized update
    /// closed).
    fn wait_for_frame(&self, from: usize) {
        let start = Instant::now();
        while !String::from_utf8_lossy(&self.raw()[from..]).contains("\u{1b}[?2026l") {
            assert!(start.elapsed() < TIMEOUT, "no frame ended");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits for the process to end; returns its exit code.
    fn exit_code(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            if start.elapsed() > TIMEOUT {
                self.child.kill().ok();
                panic!("the workspace did not end; it shows:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Waits until the output so far ends with the terminal restored.
    fn wait_restored(&self) -> Vec<u8> {
        let start = Instant::now();
        loop {
            let raw = self.raw();
            if restored(&raw) {
                return raw;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "the terminal was not restored: output ends {:?}",
                    String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..])
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// The alternate screen left, the cursor shown, after the last frame.
fn restored(raw: &[u8]) -> bool {
    let text = String::from_utf8_lossy(raw);
    let left = text.rfind("\u{1b}[?1049l");
    let frame = text.rfind("\u{1b}[?2026h");
    matches!((left, frame), (Some(l), Some(f)) if l > f)
        && text[left.unwrap_or(0)..].contains("\u{1b}[?25h")
}

fn nz(n: u16) -> std::num::NonZero<u16> {
    std::num::NonZero::new(n).unwrap()
}

const ALT_ENTER: &str = "\u{1b}\r";

fn verdicts(env: &Env, indicator: &str) -> Vec<(String, Option<String>)> {
    let conn = env.connection();
    let mut stmt = conn
        .prepare(
            "SELECT county_code, verdict FROM reviews WHERE indicator_id = ?1 ORDER BY county_code",
        )
        .unwrap();
    stmt.query_map([indicator], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn five_marks_then_kill_9_loses_none() {
    let env = Env::new();
    let mut s = env.open(&["--demo", "--reviewer", "张三"], 100, 30);
    s.wait_for("已评 0/762");
    s.send("1");
    s.wait_for("已评 1/762");
    s.send("1231");
    // What the screen shows as saved is in the database, however the process ends.
    s.wait_for("已评 5/762");
    s.signal(libc::SIGKILL);
    s.exit_code();
    let got = verdicts(&env, "1.1");
    let want: Vec<(String, Option<String>)> = [
        ("330802", "met"),
        ("330803", "met"),
        ("330825", "partly_met"),
        ("330881", "not_met"),
        ("330822", "met"),
    ]
    .iter()
    .map(|(c, v)| (c.to_string(), Some(v.to_string())))
    .collect::<std::collections::BTreeSet<_>>()
    .into_iter()
    .collect();
    assert_eq!(got, want);
    let logged: i64 = env
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM review_log WHERE reviewer = '张三'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 5);
}

#[test]
fn a_chinese_note_is_saved_exactly_and_q_restores_the_terminal() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("各县报送");
    s.send("j");
    s.wait_for("详情 · 衢江区");
    s.send("e");
    s.wait_for("Enter 保存");
    // Typed as a person types: each phrase, and the new line, after the screen showed the
    // last (sent in one write, the three would be a paste).
    s.send("佐证材料不足，");
    s.wait_for("│佐证材料不足，");
    let before = s.raw().len();
    s.send(ALT_ENTER);
    s.wait_for_frame(before);
    s.send("台账不全（见附件）");
    s.wait_for("台账不全（见附件）");
    // The real cursor comes to sit just after the last character typed: the input method's
    // window opens there. (It is placed at the end of the frame: wait for it.)
    let start = Instant::now();
    loop {
        let (row, col, line) = {
            let term = s.parser.lock().unwrap();
            let parser = &term.parser;
            let (row, col) = parser.screen().cursor_position();
            let line = parser
                .screen()
                .contents()
                .lines()
                .nth(row as usize)
                .unwrap_or("")
                .to_string();
            (row, col, line)
        };
        let expected = line
            .find("台账不全（见附件）")
            .map(|at| kaohe::text::width(&line[..at]) + kaohe::text::width("台账不全（见附件）"));
        if expected == Some(col as usize) {
            break;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "the cursor stayed at row {row}, column {col}: {line:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    s.send("\r");
    s.wait_for("备注已保存");
    let note: String = env
        .connection()
        .query_row(
            "SELECT note FROM reviews WHERE county_code = '330803' AND indicator_id = '1.1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(note, "佐证材料不足，\n台账不全（见附件）");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    s.wait_restored();
}

#[test]
fn sighup_while_typing_keeps_the_draft_and_the_place() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("各县报送");
    s.send("ljj");
    s.wait_for("详情 · 龙游县 · 1.2");
    s.send("e");
    s.wait_for("Enter 保存");
    s.send("数据口径不一致");
    s.send(ALT_ENTER);
    s.send("请核实农村部分");
    s.wait_for("请核实农村部分");
    // The SSH connection drops.
    s.signal(libc::SIGHUP);
    assert_eq!(s.exit_code(), 128 + libc::SIGHUP as u32);
    let draft: String = env
        .connection()
        .query_row("SELECT text FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(draft, "数据口径不一致\n请核实农村部分");

    // The next start puts the reviewer back on the item, the draft open in the editor.
    let mut s = env.open(&["--demo"], 100, 30);
    let screen = s.wait_for("已恢复上次未保存的备注草稿");
    assert!(screen.contains("备注 · 龙游县 · 1.2"), "{screen}");
    assert!(screen.contains("请核实农村部分"), "{screen}");
    s.send("\r");
    s.wait_for("备注已保存");
    let (note, drafts): (String, i64) = env
        .connection()
        .query_row(
            "SELECT note, (SELECT COUNT(*) FROM drafts) FROM reviews
             WHERE county_code = '330825' AND indicator_id = '1.2'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(note, "数据口径不一致\n请核实农村部分");
    assert_eq!(drafts, 0);
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn quitting_and_coming_back_returns_to_the_same_place() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("各县报送");
    s.send("]ljjj");
    s.wait_for("详情 · 江山市 · 2.2");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let s = env.open(&["--demo"], 100, 30);
    s.wait_for("详情 · 江山市 · 2.2");
}

#[test]
fn sigterm_saves_and_restores_the_terminal() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("各县报送");
    s.send("e");
    s.wait_for("Enter 保存");
    s.send("写到一半");
    s.wait_for("写到一半");
    s.signal(libc::SIGTERM);
    assert_eq!(s.exit_code(), 128 + libc::SIGTERM as u32);
    s.wait_restored();
    let draft: String = env
        .connection()
        .query_row("SELECT text FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(draft, "写到一半");
}

#[test]
fn resizing_down_to_a_few_columns_and_back() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("各县报送");
    s.resize(60, 20);
    // One pane at a time below 80 columns (and Tab to switch, in the hints).
    let screen = s.wait_for("Tab 切换栏");
    assert!(!screen.contains("目标──"), "{screen}");
    for (cols, rows) in [(10, 4), (3, 2), (30, 6)] {
        s.resize(cols, rows);
        s.wait_for("窗");
    }
    // One column cannot hold a Chinese character: nothing to read, but nothing breaks.
    s.resize(1, 1);
    s.resize(120, 40);
    s.wait_for("详情 · 柯城区");
    s.send("1");
    s.wait_for("已评 1/762");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn escape_sequences_in_a_submission_never_reach_the_terminal_raw() {
    let env = Env::new();
    env.cli(&["init"]);
    let csv = env.dir.path().join("evil.csv");
    std::fs::write(
        &csv,
        "county,indicator,value,evidence,remark\n\
         柯城区,1.1,是,\"a\u{1b}]0;PWNED\u{7}.pdf\",\"\u{1b}]52;c;SGVsbG8=\u{7}\u{1b}[2J\u{9b}31m清屏\"\n",
    )
    .unwrap();
    env.cli(&["import", csv.to_str().unwrap()]);
    let mut s = env.open(&[], 120, 40);
    let screen = s.wait_for("␛]0;PWNED␇.pdf");
    assert!(screen.contains("␛]52;c;SGVsbG8=␇␛[2J"), "{screen}");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let raw = s.wait_restored();
    let text = String::from_utf8_lossy(&raw);
    // kaohe itself never sends an operating-system command (title, clipboard) nor a bell.
    assert!(
        !text.contains("\u{1b}]"),
        "an OSC sequence reached the terminal"
    );
    assert!(!raw.contains(&0x07), "a BEL reached the terminal");
    assert!(!text.contains('\u{9b}'), "a C1 CSI reached the terminal");
}

#[test]
fn a_cursor_move_sends_a_small_update_not_a_whole_screen() {
    let env = Env::new();
    // Made first, so that the first screen has no message (a new private database's) whose
    // clearing the first move would pay for.
    env.cli(&["--demo", "init"]);
    let mut s = env.open(&["--demo"], 120, 40);
    s.wait_for("详情 · 柯城区");
    s.wait_for_frame(0);
    let mut sizes = Vec::new();
    for (key, shows) in [
        ("j", "详情 · 衢江区"),
        ("j", "详情 · 龙游县"),
        ("k", "详情 · 衢江区"),
        ("l", "详情 · 衢江区 · 1.2"),
    ] {
        let before = s.raw().len();
        s.send(key);
        s.wait_for(shows);
        s.wait_for_frame(before);
        if std::env::var_os("KAOHE_SHOW_BYTES").is_some() {
            eprintln!("{key}: {:?}", String::from_utf8_lossy(&s.raw()[before..]));
        }
        sizes.push(s.raw().len() - before);
    }
    eprintln!("bytes per move at 120×40: {sizes:?}");
    // A whole 120×40 screen of Chinese is over 10 KB; a move to the next county redraws two
    // rows of the table and the detail pane: under 1 KB. The next indicator changes the table.
    for (n, size) in sizes[..3].iter().enumerate() {
        assert!(*size < 1024, "move {n} sent {size} bytes");
    }
    assert!(
        sizes[3] < 2048,
        "the next indicator sent {} bytes",
        sizes[3]
    );
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn find_by_pinyin_initials_then_mark() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("各县报送");
    s.send("/");
    s.wait_for("查找");
    s.send("dbbz");
    s.wait_for("低保标准年增幅");
    s.send("\r");
    s.wait_for("各县报送 · 2.9 低保标准年增幅");
    s.send("1");
    s.wait_for("已评 1/762");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    assert_eq!(
        verdicts(&env, "2.9"),
        vec![("330802".to_string(), Some("met".to_string()))]
    );
}

#[test]
fn no_color_sends_no_colour_at_all() {
    let env = Env::new();
    let mut s = env.open_with(&["--demo"], 100, 30, &[("NO_COLOR", "1")]);
    s.wait_for("各县报送");
    s.send("1");
    s.wait_for("已评 1/762");
    s.send("/");
    s.wait_for("查找");
    // (Two characters and Enter in one write would be a paste: the query, then Enter.)
    s.send("qj");
    s.wait_for("/ qj");
    s.send("\r");
    s.wait_gone("/ qj");
    s.wait_for("详情 · 衢江区");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let raw = String::from_utf8_lossy(&s.wait_restored()).to_string();
    // Every SGR sequence in the output: none may set a colour (30–49, 90–107, 38;5 / 38;2).
    let mut rest = raw.as_str();
    let mut sgr = 0;
    while let Some(at) = rest.find("\u{1b}[") {
        let seq = &rest[at + 2..];
        let end = seq
            .find(|c: char| c.is_ascii_alphabetic() || c == '~')
            .unwrap_or(seq.len());
        if seq[end..].starts_with('m') {
            sgr += 1;
            for p in seq[..end].split(';').filter(|p| !p.is_empty()) {
                let n: u32 = p.parse().unwrap_or(0);
                assert!(
                    !(30..=49).contains(&n) && !(90..=107).contains(&n),
                    "a colour code {n} in {:?}",
                    &seq[..end]
                );
            }
        }
        rest = &seq[end..];
    }
    assert!(sgr > 0, "bold and reverse still show state");
}

#[test]
fn a_theme_and_keys_from_the_config_file() {
    let env = Env::new();
    let dir = env.dir.path().join("config/kaohe");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "theme = \"mono\"\n[keys]\nmark_met = \"y\"\n[notes]\nstandard = [\"经核实无误\"]\n",
    )
    .unwrap();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("y/2/3 评定");
    s.send("1");
    s.send("y");
    s.wait_for("已评 1/762");
    s.send("e");
    s.wait_for("Alt-1 经核实无误");
    s.send("\u{1b}1");
    s.wait_for("│经核实无误");
    s.send("\r");
    s.wait_for("备注已保存");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    // `1` no longer marks: only `y` did (the note went to the next county, unmarked).
    assert_eq!(
        verdicts(&env, "1.1"),
        vec![
            ("330802".to_string(), Some("met".to_string())),
            ("330803".to_string(), None)
        ]
    );
}

#[test]
fn undo_never_overwrites_another_reviewers_change() {
    let env = Env::new();
    let mut s = env.open(&["--demo", "--reviewer", "甲"], 100, 30);
    s.wait_for("各县报送");
    s.send("1");
    s.wait_for("已评 1/762");
    // Reviewer 乙 changes the same item from the command line.
    env.cli(&[
        "--reviewer",
        "乙",
        "mark",
        "330802",
        "1.1",
        "not_met",
        "--note",
        "乙的意见",
    ]);
    s.send("u");
    s.wait_for("该项已被他人改动");
    let (verdict, note): (String, String) = env
        .connection()
        .query_row(
            "SELECT verdict, note FROM reviews WHERE county_code = '330802' AND indicator_id = '1.1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((verdict.as_str(), note.as_str()), ("not_met", "乙的意见"));
    // The screen shows 乙's change, not the undo.
    s.wait_for("乙的意见");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn a_paste_the_terminal_did_not_bracket_stays_text() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("各县报送");
    s.send("e");
    s.wait_for("Enter 保存");
    // tmux paste-buffer, GNU screen and some SSH clients send a paste as plain keys.
    s.send("台账不全\r请补充2份材料\r3项说明");
    s.wait_for("3项说明");
    // Enter right after a paste is more of it (the rest of a paste split by the network):
    // Enter saves once the paste has ended.
    s.wait_for("已粘贴 17 个字符");
    s.send("\r");
    s.wait_for("备注已保存");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let note: String = env
        .connection()
        .query_row(
            "SELECT note FROM reviews WHERE county_code = '330802' AND indicator_id = '1.1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(note, "台账不全\n请补充2份材料\n3项说明");
    assert_eq!(
        verdicts(&env, "1.1")
            .iter()
            .filter(|(_, v)| v.is_some())
            .count(),
        0
    );
}

#[test]
fn a_draft_thrown_away_stays_thrown_away() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("各县报送");
    s.send("e");
    s.wait_for("Enter 保存");
    s.send("abc");
    s.wait_for("│abc");
    s.send("\u{1b}");
    s.wait_for("d 放弃");
    // Discard, move, start another note: all in one burst.
    s.send("djex");
    s.wait_for("│x");
    s.send("\u{1b}");
    s.wait_for("d 放弃");
    s.send("d");
    s.wait_for("已放弃备注改动");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let drafts: i64 = env
        .connection()
        .query_row("SELECT COUNT(*) FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(drafts, 0);
}

#[test]
fn another_reviewers_work_shows_live_without_moving_the_cursor() {
    let env = Env::new();
    let mut s = env.open(&["--demo", "--reviewer", "甲"], 100, 30);
    s.wait_for("详情 · 柯城区");
    env.cli(&[
        "--reviewer",
        "乙",
        "mark",
        "衢江区",
        "1.1",
        "partly_met",
        "--note",
        "乙的复核意见",
    ]);
    let screen = s.wait_for("乙 刚修改了");
    assert!(
        screen.contains("详情 · 柯城区"),
        "the cursor stays: {screen}"
    );
    s.wait_for("乙的复核意见");
    s.wait_for("已评 1/762");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn reviewers_see_who_else_is_in_and_where() {
    let env = Env::new();
    env.cli(&["--demo", "init"]);
    let mut a = env.open(&["--reviewer", "甲"], 100, 30);
    a.wait_for("详情 · 柯城区");
    let mut b = env.open(&["--reviewer", "乙"], 100, 30);
    b.wait_for("在线 甲");
    b.send("j");
    b.wait_for("详情 · 衢江区");
    a.wait_for("在线 乙");
    // 乙 is on 衢江区 1.1: 甲 sees it in the row and, on that item, in the detail pane.
    a.send("j");
    a.wait_for("乙 正在看这一项");
    b.send("e");
    a.wait_for("乙 正在写这一项的备注");
    // (Esc then q at once would read as Alt-q: wait for the editor to close.)
    b.send("\u{1b}");
    b.wait_gone("Alt-Enter");
    b.send("q");
    assert_eq!(b.exit_code(), 0);
    // Gone when they leave.
    a.wait_gone("在线 乙");
    a.send("q");
    assert_eq!(a.exit_code(), 0);
}

/// The workspaces' rows in the sessions table.
fn sessions(env: &Env) -> Vec<String> {
    let conn = env.connection();
    let mut stmt = conn
        .prepare("SELECT reviewer FROM sessions ORDER BY reviewer")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// Two reviewers in, each seeing the other.
fn two_in(env: &Env) -> (Session, Session) {
    env.cli(&["--demo", "init"]);
    let a = env.open(&["--reviewer", "甲"], 100, 30);
    a.wait_for("详情 · 柯城区");
    let b = env.open(&["--reviewer", "乙"], 100, 30);
    b.wait_for("在线 甲");
    a.wait_for("在线 乙");
    (a, b)
}

#[test]
fn a_killed_session_is_not_shown_in_for_long() {
    let env = Env::new();
    let (mut a, mut b) = two_in(&env);
    b.signal(libc::SIGKILL);
    let killed = Instant::now();
    // Not yet reaped (a zombie), as a killed process is until its parent hears of it.
    a.wait_gone("在线 乙");
    let took = killed.elapsed();
    assert!(
        took < Duration::from_secs(10),
        "a session whose process is gone is seen gone at once, not after a timeout: took {took:?}"
    );
    // 甲's next write (a move here) clears the row away.
    a.send("j");
    a.wait_for("详情 · 衢江区");
    let start = Instant::now();
    while sessions(&env) != ["甲"] {
        assert!(start.elapsed() < TIMEOUT, "rows: {:?}", sessions(&env));
        std::thread::sleep(Duration::from_millis(20));
    }
    b.exit_code();
    a.send("q");
    assert_eq!(a.exit_code(), 0);
    assert!(sessions(&env).is_empty(), "quitting leaves at once");
}

#[test]
fn a_stopped_session_times_out_within_half_a_minute() {
    let env = Env::new();
    let (mut a, mut b) = two_in(&env);
    // Its process still runs but no longer says it is there (stopped, or frozen).
    b.signal(libc::SIGSTOP);
    let stopped = Instant::now();
    a.wait_gone_within("在线 乙", Duration::from_secs(60));
    let took = stopped.elapsed();
    assert!(
        (Duration::from_secs(15)..Duration::from_secs(35)).contains(&took),
        "a running process counts until its session times out (about 25-30 s): took {took:?}"
    );
    // Started again, it is back.
    b.signal(libc::SIGCONT);
    a.wait_for("在线 乙");
    b.send("q");
    assert_eq!(b.exit_code(), 0);
    a.wait_gone("在线 乙");
    a.send("q");
    assert_eq!(a.exit_code(), 0);
}

#[test]
fn many_writers_at_once_while_a_workspace_is_open() {
    let env = Env::new();
    env.cli(&["--demo", "init"]);
    let mut s = env.open(&["--reviewer", "甲"], 100, 30);
    s.wait_for("已评 0/762");
    let counties = ["330802", "330803", "330825", "330881", "330822", "330824"];
    let verdicts = ["met", "partly_met", "not_met"];
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let db = env.db();
            let home = env.dir.path().to_path_buf();
            std::thread::spawn(move || {
                for k in 0..100usize {
                    // Writers overlap on purpose: the same items from several at once.
                    let county = counties[(k + w) % counties.len()];
                    let indicator = format!("{}.1", 1 + (k * 7 + w) % 12);
                    let verdict = verdicts[(k + w) % 3];
                    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"))
                        .arg("--db")
                        .arg(&db)
                        .args([
                            "--reviewer",
                            &format!("写手{w}"),
                            "mark",
                            county,
                            &indicator,
                            verdict,
                        ])
                        .env("HOME", &home)
                        .env("XDG_CONFIG_HOME", home.join("config"))
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "writer {w}, mark {k}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let conn = env.connection();
    // The final state of every item is the last write the log holds for it.
    let mismatched: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM review_log l
             WHERE l.seq = (SELECT MAX(seq) FROM review_log m
                            WHERE m.county_code = l.county_code AND m.indicator_id = l.indicator_id)
               AND l.to_verdict IS NOT (SELECT verdict FROM reviews r
                                        WHERE r.county_code = l.county_code
                                          AND r.indicator_id = l.indicator_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(mismatched, 0);
    let reviewed: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM reviews WHERE verdict IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let touched: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM (SELECT DISTINCT county_code, indicator_id FROM review_log)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reviewed, touched, "every item written has its verdict");
    // The open workspace caught up with all of it, by itself.
    s.wait_for(&format!("已评 {reviewed}/762"));
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn a_mark_over_a_verdict_not_yet_seen_asks_keep_mine_or_take_theirs() {
    let env = Env::new();
    env.cli(&["--demo", "init"]);
    // No polling while idle: the workspace cannot have seen 乙's verdicts before the keys.
    let mut s = env.open_with(
        &["--reviewer", "甲"],
        100,
        30,
        &[("KAOHE_POLL_MS", "3600000")],
    );
    s.wait_for("详情 · 柯城区");
    env.cli(&["--reviewer", "乙", "mark", "柯城区", "1.1", "not_met"]);
    // Keys typed on in the same burst are not answers to a question not yet seen.
    s.send("1yy");
    s.wait_for("已被乙改为「未完成」，你要评为「完成」：y 保留我的 · t 采用他的");
    assert_eq!(
        verdicts(&env, "1.1"),
        vec![("330802".to_string(), Some("not_met".to_string()))]
    );
    s.send("y");
    s.wait_for("详情 · 衢江区");
    // (The workspace looks at the database after each key: 乙's next verdict comes after.)
    env.cli(&["--reviewer", "乙", "mark", "衢江区", "1.1", "not_met"]);
    s.send("1");
    s.wait_for("已被乙改为「未完成」");
    s.send("t");
    s.wait_for("已采用他人的评定");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    assert_eq!(
        verdicts(&env, "1.1"),
        vec![
            ("330802".to_string(), Some("met".to_string())),
            ("330803".to_string(), Some("not_met".to_string()))
        ]
    );
}

#[test]
fn undo_is_an_event_of_its_own_in_the_log() {
    let env = Env::new();
    let mut s = env.open(&["--demo", "--reviewer", "甲"], 100, 30);
    s.wait_for("各县报送");
    s.send("2");
    s.wait_for("已评 1/762");
    s.send("u");
    s.wait_for("已撤销");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let conn = env.connection();
    let mut stmt = conn
        .prepare("SELECT reviewer, from_verdict, to_verdict FROM review_log ORDER BY seq")
        .unwrap();
    let log: Vec<(String, Option<String>, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        log,
        vec![
            ("甲".to_string(), None, Some("partly_met".to_string())),
            ("甲".to_string(), Some("partly_met".to_string()), None),
        ]
    );
}

#[test]
fn a_panic_restores_the_terminal() {
    let env = Env::new();
    let mut s = env.open_with(&["--demo"], 100, 30, &[("KAOHE_TEST_PANIC", "1")]);
    s.wait_for("各县报送");
    s.send("j");
    assert_eq!(s.exit_code(), 101);
    s.wait_restored();
}

#[test]
fn my_own_verdict_far_from_the_cursor_is_no_conflict() {
    let env = Env::new();
    env.cli(&[
        "--demo",
        "--reviewer",
        "甲",
        "mark",
        "330802",
        "1.5",
        "not_met",
    ]);
    let mut s = env.open(&["--reviewer", "甲"], 100, 30);
    s.wait_for("详情 · 柯城区 · 1.1");
    // Straight to 1.5 and a mark, in one burst: the verdict there is known without reading it.
    s.send("llll1");
    s.wait_for("已保存：柯城区 1.5");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    assert_eq!(
        verdicts(&env, "1.5"),
        vec![("330802".to_string(), Some("met".to_string()))]
    );
}

#[test]
fn a_corrected_sheet_marks_the_verdict_given_on_the_old_figure_until_reviewed_again() {
    let env = Env::new();
    env.cli(&["--demo", "mark", "柯城区", "1.1", "met"]);
    let mut s = env.open(&["--reviewer", "甲"], 100, 30);
    s.wait_for("详情 · 衢江区");
    let sheet = env.dir.path().join("更正.csv");
    std::fs::write(&sheet, "县(市、区),指标,完成值\n柯城区,1.1,否\n").unwrap();
    env.cli(&["import", sheet.to_str().unwrap()]);
    // The open workspace sees the import and says how many verdicts want another look.
    s.wait_for("数据已变 1");
    s.send("k");
    s.wait_for("评定后报送数据已变更");
    // The same verdict given again is a review of the new figure.
    s.send("1");
    s.wait_gone("数据已变");
    let events: i64 = env
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM review_log WHERE county_code = '330802' AND indicator_id = '1.1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(events, 2, "the mark and its confirmation");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn the_summary_screen_opens_on_s_and_goes_to_a_county_on_enter() {
    let env = Env::new();
    env.cli(&["--demo", "mark", "江山市", "1.1", "met"]);
    let mut s = env.open(&["--reviewer", "甲"], 100, 30);
    s.wait_for("详情 · 柯城区");
    s.send("s");
    let screen = s.wait_for("汇总 · 得分与排名");
    assert!(screen.contains("1  江山市"), "{screen}");
    assert!(screen.contains("各目标完成情况"), "{screen}");
    // It opens on the county being marked (柯城区, second); g goes to the top, Enter back to
    // marking at 江山市.
    s.send("g");
    s.send("\r");
    s.wait_for("详情 · 江山市");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn a_new_private_database_says_so_on_its_first_screen_and_the_header_names_it() {
    let env = Env::new();
    let mut s = env.open(&[], 120, 40);
    let screen = s.wait_for("新建了个人数据库，同事看不到：");
    assert!(
        screen.contains(&env.db().display().to_string()),
        "where it is: {screen}"
    );
    assert!(screen.contains("k.db·个人 · 评审人"), "{screen}");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    // Opened again, it is no longer new: the header still names it, the warning is gone.
    let mut s = env.open(&[], 120, 40);
    let screen = s.wait_for("k.db·个人 · 评审人");
    assert!(!screen.contains("新建了个人数据库"), "{screen}");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

/// Waits for a process (left by [`Session::hang_up`]) to end; its exit code.
fn wait_exit(mut child: Box<dyn Child + Send + Sync>) -> u32 {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.exit_code();
        }
        if start.elapsed() > TIMEOUT {
            child.kill().ok();
            panic!("the workspace did not end after the terminal closed");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A count of rows from a query on the test's database.
fn count(env: &Env, sql: &str) -> i64 {
    env.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The draft being typed (one at most in these tests).
fn draft(env: &Env) -> String {
    env.connection()
        .query_row("SELECT text FROM drafts", [], |r| r.get(0))
        .unwrap()
}

fn note_of(env: &Env, county: &str, indicator: &str) -> String {
    env.connection()
        .query_row(
            "SELECT note FROM reviews WHERE county_code = ?1 AND indicator_id = ?2",
            [county, indicator],
            |r| r.get(0),
        )
        .unwrap()
}

/// Lines as a terminal that does not bracket pastes sends them (a line break is Enter, CR),
/// each full of keys that mean something while browsing: digits mark, `j`/`l` move, `e`
/// edits, `q` quits.
fn pasted_lines(lines: usize, last: &str) -> (String, String) {
    let mut text: Vec<String> = (1..=lines)
        .map(|k| format!("第{k:04}条 1 完成 2 基本 3 未完成 jjl e q"))
        .collect();
    text.push(last.to_string());
    let note = text.join("\n");
    (note.replace('\n', "\r"), note)
}

#[test]
fn an_unbracketed_multi_line_paste_in_the_editor_saves_nothing_early_and_marks_nothing() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("各县报送");
    s.send("e");
    s.wait_for("Enter 保存");
    // About 3 KB, ending in a line break: a terminal reading 1 KB at a time split it.
    let (sent, note) = pasted_lines(60, "以上共六十条\r");
    s.send(&sent);
    s.wait_for("以上共六十条");
    // Nothing was saved or marked: it is all a draft.
    assert_eq!(count(&env, "SELECT COUNT(*) FROM reviews"), 0);
    assert_eq!(draft(&env), note.replace('\r', "\n"));
    // The paste ends after a moment of quiet; Enter then saves.
    s.wait_for("已粘贴");
    s.send("\r");
    s.wait_for("备注已保存");
    assert_eq!(note_of(&env, "330802", "1.1"), note.replace('\r', "\n"));
    assert_eq!(
        count(
            &env,
            "SELECT COUNT(*) FROM reviews WHERE verdict IS NOT NULL"
        ),
        0
    );
    assert_eq!(count(&env, "SELECT COUNT(*) FROM review_log"), 1);
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn an_unbracketed_paste_while_browsing_is_refused_and_marks_nothing() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("详情 · 柯城区 · 1.1");
    let (sent, _) = pasted_lines(5, "完");
    s.send(&sent);
    let screen = s.wait_for("没有当作按键执行");
    assert!(screen.contains("详情 · 柯城区 · 1.1"), "{screen}");
    assert_eq!(count(&env, "SELECT COUNT(*) FROM reviews"), 0);
    // A key after it acts.
    s.send("1");
    s.wait_for("已评 1/762");
    assert_eq!(
        verdicts(&env, "1.1"),
        vec![("330802".to_string(), Some("met".to_string()))]
    );
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn a_paste_split_by_the_network_stays_text_in_the_editor() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("各县报送");
    s.send("e");
    s.wait_for("Enter 保存");
    // The first piece ends in a line break; the rest comes 30 ms later, as over SSH. (The
    // pause is the input being tested, not a wait for the workspace.)
    s.send("核查意见：\r1 台账不全，已补充\r");
    std::thread::sleep(Duration::from_millis(30));
    s.send("2 请补充佐证材料\r3 已电话核实，待复查");
    s.wait_for("3 已电话核实，待复查");
    assert_eq!(count(&env, "SELECT COUNT(*) FROM reviews"), 0);
    let note = "核查意见：\n1 台账不全，已补充\n2 请补充佐证材料\n3 已电话核实，待复查";
    assert_eq!(draft(&env), note);
    // One paste of all of it (the message says so when it has ended).
    s.wait_for(&format!("已粘贴 {} 个字符", note.chars().count()));
    s.send("\r");
    s.wait_for("备注已保存");
    assert_eq!(note_of(&env, "330802", "1.1"), note);
    assert_eq!(
        count(
            &env,
            "SELECT COUNT(*) FROM reviews WHERE verdict IS NOT NULL"
        ),
        0
    );
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn a_256_kb_paste_keeps_the_workspace_live_and_is_cut_at_64_kib() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("各县报送");
    s.send("e");
    s.wait_for("Enter 保存");
    let line = "line 00000: 1 2 3 j k l e q Enter\r";
    let mut big: String = (0..256 * 1024 / line.len() + 1)
        .map(|k| line.replace("00000", &format!("{k:05}")))
        .collect();
    big.push_str("end");
    assert!(big.len() >= 256 * 1024);
    // The write ends only if the workspace keeps reading.
    s.send_all_of(big.clone());
    // Said when the paste ends (the count is the paste's; over a link slow enough to split it
    // in two pastes, it is the part the second one brought).
    s.wait_for("64 KiB，只保留了前");
    // Exactly the first 64 KiB is the draft; nothing is saved or marked.
    let kept = big[..64 * 1024].replace('\r', "\n");
    let got = draft(&env);
    if got != kept {
        let at = got
            .bytes()
            .zip(kept.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        panic!(
            "the draft ({} bytes) differs from the first 64 KiB at byte {at}: {:?} / {:?}",
            got.len(),
            &got[at.saturating_sub(40)..(at + 40).min(got.len())],
            &kept[at.saturating_sub(40)..(at + 40).min(kept.len())]
        );
    }
    assert_eq!(count(&env, "SELECT COUNT(*) FROM reviews"), 0);
    // The next key acts: Ctrl-C leaves the editor (asking first), d throws the paste away.
    // (Were the machine so busy that the paste came in two pieces over 100 ms apart, a Ctrl-C
    // right after would be more of the second: it is pressed again until it is answered.)
    s.press_until("\u{3}", "d 放弃改动");
    s.send("d");
    s.wait_for("已放弃备注改动");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    assert_eq!(count(&env, "SELECT COUNT(*) FROM drafts"), 0);
}

#[test]
fn a_20_kb_paste_arrives_whole() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("各县报送");
    s.send("e");
    s.wait_for("Enter 保存");
    let (sent, note) = pasted_lines(440, "全文完");
    assert!(sent.len() > 20_000, "{}", sent.len());
    s.send_all_of(sent);
    s.wait_for("全文完");
    s.wait_for("已粘贴");
    s.send("\r");
    s.wait_for("备注已保存");
    assert_eq!(note_of(&env, "330802", "1.1"), note);
    assert_eq!(
        count(
            &env,
            "SELECT COUNT(*) FROM reviews WHERE verdict IS NOT NULL"
        ),
        0
    );
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn keys_sent_together_each_act_on_the_item_they_land_on() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("详情 · 柯城区 · 1.1");
    // `l` then Enter in one write: Enter takes 柯城区 1.2's suggestion (未完成), read first.
    s.send("l\r");
    s.wait_for("已评 1/762");
    // The last county of 1.2, then Enter Enter: 开化县 1.2 (完成), then the first item of 1.3,
    // 柯城区 (未完成).
    s.send("G");
    s.wait_for("详情 · 开化县 · 1.2");
    s.send("\r\r");
    s.wait_for("已评 3/762");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let conn = env.connection();
    let mut stmt = conn
        .prepare("SELECT county_code, indicator_id, verdict FROM reviews ORDER BY indicator_id, county_code")
        .unwrap();
    let got: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let want: Vec<(String, String, String)> = [
        ("330802", "1.2", "not_met"),
        ("330824", "1.2", "met"),
        ("330802", "1.3", "not_met"),
    ]
    .iter()
    .map(|(c, i, v)| (c.to_string(), i.to_string(), v.to_string()))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn a_closed_terminal_exits_129() {
    let env = Env::new();
    let s = env.open(&["--demo"], 100, 30);
    s.wait_for("详情 · 柯城区");
    assert_eq!(wait_exit(s.hang_up()), 128 + libc::SIGHUP as u32);
}

#[test]
fn a_closed_terminal_keeps_the_draft_and_exits_129() {
    let env = Env::new();
    let mut s = env.open(&["--demo"], 100, 30);
    s.wait_for("各县报送");
    s.send("e");
    s.wait_for("Enter 保存");
    s.send("写到一半的备注");
    s.wait_for("写到一半的备注");
    assert_eq!(wait_exit(s.hang_up()), 128 + libc::SIGHUP as u32);
    assert_eq!(draft(&env), "写到一半的备注");
    assert_eq!(count(&env, "SELECT COUNT(*) FROM reviews"), 0);
}
