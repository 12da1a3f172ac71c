#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The evidence in the real binary, in a pseudo-terminal read through a terminal emulator
//! (vt100), at 80×24 as PuTTY over SSH gives it: a county's sheet imported with its folder
//! (tests/fixtures/viewer), `a` opens a PDF's Chinese text and, a file on, a photo drawn in
//! half-blocks; a protocol (kitty) when the terminal has one; 退回补充 asked in the workspace,
//! seen by the filter, and closed by a later import that brings new evidence. Every wait is
//! for what the screen shows, with a generous timeout, never a fixed sleep.

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(30);

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    /// A database with 柯城区's sheet and its folder imported.
    fn new() -> Env {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/viewer");
        std::fs::copy(from.join("柯城区.csv"), env.path("柯城区.csv")).unwrap();
        std::fs::create_dir_all(env.path("柯城区")).unwrap();
        for f in std::fs::read_dir(from.join("柯城区")).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), env.path("柯城区").join(f.file_name())).unwrap();
        }
        env.cli(&["init"]);
        let sheet = env.path("柯城区.csv");
        let out = env.cli(&["import", sheet.to_str().unwrap()]);
        assert!(out.contains("3 files"), "{out}");
        env
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn cli(&self, args: &[&str]) -> String {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .arg("--db")
            .arg(self.path("k.db"))
            .args(args)
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env_remove("KAOHE_DB")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The workspace on an 80×24 terminal, with this environment besides.
    fn open(&self, env: &[(&str, &str)]) -> Session {
        let (cols, rows) = (80, 24);
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
        cmd.arg(self.path("k.db"));
        cmd.cwd(self.dir.path());
        cmd.env("HOME", self.dir.path());
        cmd.env("XDG_DATA_HOME", self.path("data"));
        cmd.env("XDG_CONFIG_HOME", self.path("config"));
        // PuTTY's own TERM: no 256colour in its name, no COLORTERM.
        cmd.env("TERM", "xterm");
        for k in [
            "KAOHE_DB",
            "KAOHE_LANG",
            "KAOHE_GRAPHICS",
            "NO_COLOR",
            "COLORTERM",
            "KITTY_WINDOW_ID",
            "TERM_PROGRAM",
            "TMUX",
        ] {
            cmd.env_remove(k);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let nz = |n: u16| std::num::NonZero::new(n).unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Session {
            child,
            _master: pair.master,
            writer,
            parser,
            raw,
        }
    }
}

struct Session {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Session {
    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, what: &str) -> String {
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

    /// Waits until what the terminal was sent holds `what`.
    fn wait_sent(&self, what: &[u8]) {
        let start = Instant::now();
        while !self
            .raw
            .lock()
            .unwrap()
            .windows(what.len())
            .any(|w| w == what)
        {
            assert!(
                start.elapsed() < TIMEOUT,
                "the terminal was never sent {:?}; it shows:\n{}",
                String::from_utf8_lossy(what),
                self.text()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The cells showing `symbol`, with their colours.
    fn cells(&self, symbol: &str) -> Vec<(vt100::Color, vt100::Color)> {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        let mut found = Vec::new();
        for r in 0..rows.get() {
            for c in 0..cols.get() {
                if let Some(cell) = screen.cell(r, c) {
                    if cell.contents() == symbol {
                        found.push((cell.fgcolor(), cell.bgcolor()));
                    }
                }
            }
        }
        found
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Quits, from browsing.
    fn quit(&mut self) {
        self.send("q");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.exit_code(), 0, "{}", self.text());
                return;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "it did not quit:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

#[test]
fn a_pdfs_chinese_text_and_a_photo_in_half_blocks_at_80x24() {
    let env = Env::new();
    let mut s = env.open(&[]);
    // The detail pane (the whole window long: D) lists the files and what is missing.
    s.send("D");
    s.wait_for("通知.pdf · PDF · 1.4 KiB");
    s.wait_for("缺少 台账.xlsx");
    s.send("a");
    let screen = s.wait_for("关于做好2014年度养老服务工作的通知");
    assert!(screen.contains("1/3 通知.pdf"), "{screen}");
    assert!(screen.contains("── 第 2 页 ──"), "{screen}");
    assert!(screen.contains("二〇一四年三月五日"), "{screen}");
    // On to the photo: half-blocks in the 256 colours (PuTTY has them, TERM=xterm or not).
    s.send("]");
    s.wait_for("图片 120×80");
    let start = Instant::now();
    while s.cells("▀").len() < 200 {
        assert!(start.elapsed() < TIMEOUT, "no half-blocks:\n{}", s.text());
        std::thread::sleep(Duration::from_millis(10));
    }
    let cells = s.cells("▀");
    // The photo's top half is red and blue, its bottom a check of green and white.
    assert!(
        cells.contains(&(vt100::Color::Idx(160), vt100::Color::Idx(160))),
        "{:?}",
        &cells[..4]
    );
    assert!(cells.iter().any(|(fg, _)| *fg == vt100::Color::Idx(20)));
    // The text file, its escape and bell shown, never sent.
    s.send("]");
    let screen = s.wait_for("备注␛[31m红字␇");
    assert!(screen.contains("按 GB18030 编码读取"), "{screen}");
    s.send("\x1b");
    s.wait_for("缺少 台账.xlsx");
    s.quit();
}

#[test]
fn kitty_gets_the_picture_by_its_protocol_and_is_told_when_it_goes() {
    let env = Env::new();
    let mut s = env.open(&[("TERM", "xterm-kitty")]);
    s.wait_for("通知.pdf");
    s.send("a");
    s.wait_for("关于做好2014年度养老服务工作的通知");
    s.send("]");
    s.wait_for("图片 120×80");
    // A PNG sent in kitty's protocol, no reply asked for; no half-blocks under it.
    s.wait_sent(b"\x1b_Ga=T,f=100,t=d,q=2");
    assert!(s.cells("▀").is_empty(), "{}", s.text());
    s.send("]");
    s.wait_for("说明.txt");
    // The picture taken off when another file is shown.
    s.wait_sent(b"\x1b_Ga=d,d=A,q=2\x1b\\");
    s.send("\x1b");
    s.wait_for("j/k 县");
    s.quit();
}

#[test]
fn a_request_for_more_is_asked_filtered_and_closed_by_new_evidence() {
    let env = Env::new();
    let mut s = env.open(&[]);
    s.wait_for("通知.pdf");
    // A verdict first: the request's answer marks it changed since reviewed.
    s.send("1");
    s.wait_for("已评 1/762");
    s.send("k");
    s.wait_for("详情 · 柯城区 · 1.1");
    s.send("r");
    s.wait_for("退回补充的理由");
    // No reason: asked for one.
    s.send("\r");
    s.wait_for("请写明退回的理由");
    s.send("请补充2014年台账");
    s.wait_for("请补充2014年台账");
    s.send("\r");
    s.wait_for("已退回补充：柯城区 1.1");
    s.wait_for("退回 请补充2014年台账");
    // The filter finds it from another item.
    s.send("l");
    s.wait_for("详情 · 柯城区 · 1.2");
    s.send("F");
    s.wait_for("8 已退回待补充");
    s.send("8");
    s.wait_for("筛选：已退回待补充");
    s.wait_for("详情 · 柯城区 · 1.1");
    s.quit();

    // The county sends the missing ledger: the request is closed by the import.
    std::fs::write(env.path("柯城区/台账.xlsx"), xlsx()).unwrap();
    let sheet = env.path("柯城区.csv");
    env.cli(&["import", sheet.to_str().unwrap()]);
    let mut s = env.open(&[]);
    s.send("D");
    s.wait_for("台账.xlsx · 表格");
    let screen = s.text();
    assert!(!screen.contains("退回 请补充2014年台账"), "{screen}");
    s.send("F");
    s.wait_for("8 已退回待补充");
    s.send("8");
    s.wait_for("没有「已退回待补充」的项目");
    s.quit();
}

/// A small workbook: a ledger of two rows.
fn xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "月份").unwrap();
    sheet.write_string(0, 1, "服务人次").unwrap();
    sheet.write_string(1, 0, "1月").unwrap();
    sheet.write_number(1, 1, 1200).unwrap();
    book.save_to_buffer().unwrap()
}
