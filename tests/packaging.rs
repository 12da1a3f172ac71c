#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The Debian package, built by `packaging/build-deb` from the binary these tests run (the
//! debug build: no release build here), then read back with `dpkg-deb` as dpkg would: every
//! file there with a sane mode, the manual page and completions naming every command, the
//! maintainer scripts valid and doing what they say, the control fields right. Where
//! `dpkg-deb` is missing (not Debian), the test says so and passes.

use clap::CommandFactory;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn has(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: Output) -> String {
    String::from_utf8(out.stdout).unwrap()
}

/// The commands a reader is meant to see, at every depth ("init", "reviewers add" …).
fn commands() -> Vec<String> {
    fn walk(cmd: &clap::Command, prefix: &str, into: &mut Vec<String>) {
        for sub in cmd.get_subcommands() {
            if sub.is_hide_set() || sub.get_name() == "help" {
                continue;
            }
            let name = format!("{prefix}{}", sub.get_name());
            walk(sub, &format!("{name} "), into);
            into.push(name);
        }
    }
    let mut all = Vec::new();
    walk(&kaohe::cli::Cli::command(), "", &mut all);
    assert!(all.len() >= 10, "{all:?}");
    all
}

/// The package built into a temporary directory, and the directory.
fn build() -> Option<(tempfile::TempDir, PathBuf)> {
    if !has("dpkg-deb") {
        eprintln!(
            "skipped: dpkg-deb is missing (this is not Debian or Ubuntu), so no package can be built"
        );
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = run(Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/build-deb"))
        .arg("--binary")
        .arg(env!("CARGO_BIN_EXE_kaohe"))
        .arg("--out")
        .arg(dir.path().join("out"))
        // Quick to make: what is tested is the content, not xz's ratio.
        .env("DPKG_DEB_COMPRESSOR_TYPE", "gzip")
        .env("DPKG_DEB_COMPRESSOR_LEVEL", "1"));
    let printed = text(out);
    let deb = PathBuf::from(printed.lines().last().unwrap());
    let arch = text(run(Command::new("dpkg").arg("--print-architecture")));
    let want = format!("kaohe_{}_{}.deb", env!("CARGO_PKG_VERSION"), arch.trim());
    assert_eq!(deb, dir.path().join("out").join(want), "{printed}");
    assert!(deb.is_file());
    Some((dir, deb))
}

#[test]
fn the_debian_package_holds_everything_with_sane_modes() {
    let Some((dir, deb)) = build() else { return };

    // Control fields.
    let field = |name: &str| {
        text(run(Command::new("dpkg-deb")
            .arg("--field")
            .arg(&deb)
            .arg(name)))
        .trim()
        .to_string()
    };
    assert_eq!(field("Package"), "kaohe");
    assert_eq!(field("Version"), env!("CARGO_PKG_VERSION"));
    let arch = text(run(Command::new("dpkg").arg("--print-architecture")));
    assert_eq!(field("Architecture"), arch.trim());
    let depends = field("Depends");
    assert!(depends.contains("libc6 (>= 2."), "{depends}");
    assert!(
        depends.contains("adduser"),
        "postinst runs addgroup: {depends}"
    );
    assert!(field("Maintainer").contains('<'), "{}", field("Maintainer"));
    assert!(field("Description").starts_with("考核"));
    let size: u64 = field("Installed-Size").parse().unwrap();
    assert!(size > 1000, "Installed-Size {size} KiB");
    let info = text(run(Command::new("dpkg-deb").arg("--info").arg(&deb)));
    for part in ["control", "conffiles", "md5sums", "postinst", "postrm"] {
        assert!(info.contains(part), "{part} missing:\n{info}");
    }

    // Every file, its mode and owner, as dpkg would install it.
    let listing = text(run(Command::new("dpkg-deb").arg("--contents").arg(&deb)));
    let entries: BTreeMap<String, (String, String)> = listing
        .lines()
        .map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let path = cols[5].trim_start_matches("./").trim_end_matches('/');
            (path.to_string(), (cols[0].to_string(), cols[1].to_string()))
        })
        .collect();
    let files = [
        ("usr/bin/kaohe", "-rwxr-xr-x"),
        ("usr/share/man/man1/kaohe.1.gz", "-rw-r--r--"),
        ("usr/share/bash-completion/completions/kaohe", "-rw-r--r--"),
        ("usr/share/zsh/vendor-completions/_kaohe", "-rw-r--r--"),
        (
            "usr/share/fish/vendor_completions.d/kaohe.fish",
            "-rw-r--r--",
        ),
        ("etc/kaohe/config.toml", "-rw-r--r--"),
        ("usr/share/doc/kaohe/copyright", "-rw-r--r--"),
        ("usr/share/doc/kaohe/README.Debian", "-rw-r--r--"),
        ("usr/share/doc/kaohe/README.md.gz", "-rw-r--r--"),
    ];
    for (path, mode) in files {
        let Some((got, owner)) = entries.get(path) else {
            panic!("{path} is not in the package:\n{listing}");
        };
        assert_eq!(got, mode, "{path}");
        assert_eq!(owner, "root/root", "{path}");
    }
    for (path, (mode, owner)) in &entries {
        assert_eq!(owner, "root/root", "{path}");
        if mode.starts_with('d') {
            assert_eq!(mode, "drwxr-xr-x", "{path}");
        } else {
            assert!(
                files.iter().any(|(p, _)| p == path),
                "{path} is in the package but not expected"
            );
        }
    }

    // What the files say.
    let root = dir.path().join("root");
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&root));
    run(Command::new("dpkg-deb")
        .arg("-e")
        .arg(&deb)
        .arg(root.join("DEBIAN")));
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
    let gunzip = |path: &str| text(run(Command::new("gzip").arg("-dc").arg(root.join(path))));

    let page = gunzip("usr/share/man/man1/kaohe.1.gz");
    assert!(page.contains(".TH KAOHE 1"), "{page}");
    for command in commands() {
        assert!(
            page.contains(&format!(".SS \"kaohe {command}\"")),
            "the manual has no section for kaohe {command}"
        );
    }
    assert!(
        !page.contains(".SS \"kaohe manual\""),
        "the hidden command stays hidden"
    );
    if has("man") {
        // It reads as a manual page: man renders it without a warning (in a UTF-8 locale,
        // as the Chinese in it needs).
        let out = run(Command::new("man")
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env("MANWIDTH", "100")
            .arg("--warnings")
            .arg("-l")
            .arg(root.join("usr/share/man/man1/kaohe.1.gz")));
        assert_eq!(String::from_utf8_lossy(&out.stderr), "");
        let shown = text(out);
        assert!(shown.contains("kaohe completions <SHELL>"), "{shown}");
    }

    let bash = read("usr/share/bash-completion/completions/kaohe");
    let zsh = read("usr/share/zsh/vendor-completions/_kaohe");
    let fish = read("usr/share/fish/vendor_completions.d/kaohe.fish");
    assert!(bash.contains("complete -F _kaohe"), "{bash}");
    assert!(zsh.starts_with("#compdef kaohe"), "{zsh}");
    assert!(fish.contains("complete -c kaohe"), "{fish}");
    for command in commands().iter().filter(|c| !c.contains(' ')) {
        for (shell, script) in [("bash", &bash), ("zsh", &zsh), ("fish", &fish)] {
            assert!(script.contains(command.as_str()), "{shell} lacks {command}");
        }
    }

    let config = read("etc/kaohe/config.toml");
    assert!(
        config.contains("\n# db = \"/srv/kaohe/kaohe.db\"\n"),
        "{config}"
    );
    assert!(
        config
            .lines()
            .all(|line| line.is_empty() || line.starts_with('#')),
        "every line of the example is commented out:\n{config}"
    );
    assert_eq!(read("DEBIAN/conffiles"), "/etc/kaohe/config.toml\n");
    assert!(read("usr/share/doc/kaohe/copyright").contains("License: MIT"));
    let md5sums = read("DEBIAN/md5sums");
    assert!(md5sums.contains("  usr/bin/kaohe\n"), "{md5sums}");
    // The package's binary is the one given, without its debug information.
    let packaged = text(run(
        Command::new(root.join("usr/bin/kaohe")).arg("--version")
    ));
    assert_eq!(
        packaged.trim(),
        format!("kaohe {}", env!("CARGO_PKG_VERSION"))
    );
    let given = std::fs::metadata(env!("CARGO_BIN_EXE_kaohe"))
        .unwrap()
        .len();
    let stripped = std::fs::metadata(root.join("usr/bin/kaohe")).unwrap().len();
    assert!(stripped < given, "{stripped} bytes, given {given}");

    for script in ["postinst", "postrm"] {
        run(Command::new("sh")
            .arg("-n")
            .arg(root.join("DEBIAN").join(script)));
        let body = read(&format!("DEBIAN/{script}"));
        assert!(body.starts_with("#!/bin/sh\n"), "{script}");
        assert!(body.contains("\nset -e\n"), "{script}");
    }
    let postrm = read("DEBIAN/postrm");
    for line in postrm.lines().filter(|l| !l.trim_start().starts_with('#')) {
        assert!(
            !line.contains("delgroup") && !line.contains("rm "),
            "postrm leaves the group and the data alone: {line}"
        );
    }
    postinst_makes_the_group_once(&root.join("DEBIAN/postinst"));
}

/// Runs postinst with `getent` and `addgroup` replaced by stand-ins that record what they were
/// asked (no group is made on this machine): the group is made when missing, and only then.
fn postinst_makes_the_group_once(postinst: &Path) {
    let bin = tempfile::tempdir().unwrap();
    let calls = bin.path().join("calls");
    let stand_in = |name: &str, exit: &str| {
        let path = bin.path().join(name);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\necho \"{name} $*\" >> '{}'\n{exit}\n",
                calls.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap()
    );
    let postinst_with = |getent_exit: &str| {
        stand_in("getent", getent_exit);
        stand_in("addgroup", "exit 0");
        let _ = std::fs::remove_file(&calls);
        run(Command::new("sh")
            .arg(postinst)
            .arg("configure")
            .env("PATH", &path));
        std::fs::read_to_string(&calls).unwrap()
    };
    // getent's 2: no such group.
    assert_eq!(
        postinst_with("exit 2"),
        "getent group kaohe\naddgroup --system kaohe\n"
    );
    assert_eq!(postinst_with("exit 0"), "getent group kaohe\n");
    // A failing addgroup fails the install (set -e), rather than passing unnoticed.
    stand_in("getent", "exit 2");
    stand_in("addgroup", "exit 1");
    let out = Command::new("sh")
        .arg(postinst)
        .arg("configure")
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn build_deb_refuses_a_binary_of_another_version_and_says_why() {
    if !has("dpkg-deb") {
        eprintln!("skipped: dpkg-deb is missing (this is not Debian or Ubuntu)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("kaohe");
    std::fs::write(&fake, "#!/bin/sh\necho kaohe 0.0.0-other\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/build-deb"))
        .arg("--binary")
        .arg(&fake)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("0.0.0-other") && said.contains(env!("CARGO_PKG_VERSION")),
        "{said}"
    );
    assert!(!dir.path().join("out").exists(), "nothing is built");
}
