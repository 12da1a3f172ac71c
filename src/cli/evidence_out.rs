//! `kaohe export --evidence DIR [--county C]`: the counties' evidence as a folder a county or an
//! auditor can browse: `DIR/330802 柯城区/1.2 照料中心覆盖率(城市)/通知.pdf`, each file under
//! its original name (two of one name made `name (2).pdf`), the files no item cites under
//! `未引用/`, and `清单.csv` listing every file and every name cited that is missing.
//!
//! The folder is made whole beside DIR and renamed into place, so nobody finds half of it; DIR
//! must not exist yet, or be empty. Each file's content is checked against its SHA-256 as it
//! is copied: a file changed in the store outside kaohe is refused, never passed on.

use super::context::Context;
use super::destination::walk;
use super::table::plural;
use crate::evidence::EvidenceFile;
use crate::evidence::kind::Hashing;
use crate::evidence::out::Taken;
use crate::host::privilege::with_kaohe_group;
use crate::source::limits::Size;
use crate::store::Store;
use crate::text::clean;
use anyhow::{Context as _, Result, anyhow, bail};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The folder of the files no item cites, in each county's.
const UNCITED: &str = "未引用";
/// The index of the whole folder.
const INDEX: &str = "清单.csv";

/// What was written, for the result line.
#[derive(Default)]
struct Written {
    files: usize,
    bytes: u64,
    counties: usize,
    missing: usize,
    ambiguous: usize,
    uncited: usize,
}

pub fn export_folder(
    context: &Context,
    dir: &Path,
    county: Option<&str>,
    out: &mut dyn Write,
) -> Result<()> {
    let shown = dir.display().to_string();
    let target = walk(dir, &shown)?;
    match std::fs::read_dir(&target) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!(
                    "cannot write {shown}: it is a folder with files in it; name a new folder (kaohe never mixes an export into other files)"
                );
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            bail!("cannot write {shown}: it is a file; name a new folder");
        }
        Err(e) => return Err(anyhow!(e).context(format!("cannot write {shown}"))),
    }
    let store = context.open_existing()?;
    let evidence = with_kaohe_group(|| Ok(store.blobs()?.dir().to_path_buf()))?;
    if let (Ok(a), Some(b)) = (
        std::fs::canonicalize(&evidence),
        target.parent().and_then(|p| std::fs::canonicalize(p).ok()),
    ) {
        if b.starts_with(&a) {
            bail!(
                "cannot write {shown}: it is inside kaohe's own store of evidence; name a folder elsewhere"
            );
        }
    }
    let lookup = store.lookup()?;
    let only = county
        .map(|c| lookup.find_county(c).map(|c| c.code.clone()))
        .transpose()?;
    let parent = target
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "evidence".into());
    let temp = Scratch::make(&parent, &name)?;
    let written = write_all(&store, temp.path(), only.as_deref())
        .with_context(|| format!("cannot write {shown}"))?;
    temp.put_in_place(&target)
        .with_context(|| format!("cannot write {shown}"))?;
    let mut line = format!(
        "exported {} ({}) of {} to {}",
        plural(written.files, "evidence file"),
        Size(written.bytes),
        if written.counties == 1 {
            "1 county".to_string()
        } else {
            format!("{} counties", written.counties)
        },
        clean(&shown)
    );
    if written.uncited > 0 {
        line.push_str(&format!(
            " ({} cited by no item, under {UNCITED}/)",
            written.uncited
        ));
    }
    if written.missing + written.ambiguous > 0 {
        line.push_str(&format!(
            "; {} cited missing and {} ambiguous, listed in {INDEX}",
            plural(written.missing, "name"),
            written.ambiguous
        ));
    }
    writeln!(out, "{line}")?;
    Ok(())
}

/// Writes every county's (or `only`'s) folder into `root`, and the index.
fn write_all(store: &Store, root: &Path, only: Option<&str>) -> Result<Written> {
    let catalog = store.catalog()?;
    let mut written = Written::default();
    let mut index = csv::Writer::from_writer(Vec::new());
    index.write_record([
        "county_code",
        "county",
        "indicator",
        "indicator_name",
        "state",
        "name",
        "file",
        "sha256",
        "size",
        "kind",
    ])?;
    let mut counties = Taken::default();
    for county in store.counties()? {
        if only.is_some_and(|c| c != county.code) {
            continue;
        }
        let county_dir = counties.take(&format!("{} {}", county.code, county.name));
        let mut county_had = false;
        let mut folders = Taken::default();
        for indicator in catalog.indicators() {
            let evidence = store.evidence_for(&county.code, &indicator.id)?;
            let mut row = |state: &str, name: &str, file: &str, f: Option<&EvidenceFile>| {
                index.write_record([
                    county.code.as_str(),
                    county.name.as_str(),
                    indicator.id.as_str(),
                    indicator.short.as_str(),
                    state,
                    name,
                    file,
                    f.map_or("", |f| f.sha256.as_str()),
                    &f.map_or(String::new(), |f| f.size.to_string()),
                    f.map_or("", |f| f.kind.as_str()),
                ])
            };
            for name in &evidence.missing {
                row("missing", name, "", None)?;
                written.missing += 1;
            }
            for name in &evidence.ambiguous {
                row("ambiguous", name, "", None)?;
                written.ambiguous += 1;
            }
            if evidence.files.is_empty() {
                continue;
            }
            let folder = folders.take(&format!("{} {}", indicator.id, indicator.short));
            let mut names = Taken::default();
            for f in &evidence.files {
                let name = names.take(&f.name);
                let rel = format!("{county_dir}/{folder}/{name}");
                copy(store, f, &root.join(&county_dir).join(&folder), &name)?;
                row("tied", &f.name, &rel, Some(f))?;
                written.files += 1;
                written.bytes += f.size;
                county_had = true;
            }
        }
        let uncited = store.uncited_files(&county.code)?;
        if !uncited.is_empty() {
            let folder = folders.take(UNCITED);
            let mut names = Taken::default();
            for (path, f) in &uncited {
                let name = names.take(&f.name);
                let rel = format!("{county_dir}/{folder}/{name}");
                copy(store, f, &root.join(&county_dir).join(&folder), &name)?;
                index.write_record([
                    county.code.as_str(),
                    county.name.as_str(),
                    "",
                    "",
                    "uncited",
                    path.as_str(),
                    rel.as_str(),
                    f.sha256.as_str(),
                    &f.size.to_string(),
                    f.kind.as_str(),
                ])?;
                written.files += 1;
                written.bytes += f.size;
                written.uncited += 1;
                county_had = true;
            }
        }
        if county_had {
            written.counties += 1;
        }
    }
    let bytes = index.into_inner().map_err(|e| anyhow!(e.to_string()))?;
    let mut file = new_file(&root.join(INDEX))?;
    file.write_all("\u{feff}".as_bytes())?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    Ok(written)
}

/// Copies the kept file `f` to `dir/name`, checking its content against its SHA-256.
fn copy(store: &Store, f: &EvidenceFile, dir: &Path, name: &str) -> Result<()> {
    make_dir(dir)?;
    let kept = store.evidence_path(&f.sha256);
    let mut from = with_kaohe_group(|| {
        std::fs::File::open(&kept)
            .with_context(|| format!("cannot read the evidence file {}", kept.display()))
    })?;
    let to = dir.join(name);
    let mut sink = Hashing::new(new_file(&to)?);
    std::io::copy(&mut from, &mut sink)
        .with_context(|| format!("cannot copy {}", kept.display()))?;
    let (sha, size, _, file) = sink.finish();
    if sha != f.sha256 || size != f.size {
        bail!(
            "the evidence file {} is not what was sent (its content changed outside kaohe): nothing was exported",
            kept.display()
        );
    }
    file.sync_all()?;
    Ok(())
}

/// A new file, 0660 less the umask (as every export).
fn new_file(path: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o660)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// A directory, 0770 less the umask; one there already is as good.
fn make_dir(dir: &Path) -> Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o770)
        .create(dir)
        .with_context(|| format!("cannot make {}", dir.display()))
}

/// The folder being written, beside where it goes: removed if the export stops.
struct Scratch {
    path: Option<PathBuf>,
}

impl Scratch {
    fn make(parent: &Path, name: &str) -> Result<Scratch> {
        for n in 0..100 {
            let path = parent.join(format!(".{name}.kaohe-{}-{n}", std::process::id()));
            match std::fs::DirBuilder::new().mode(0o770).create(&path) {
                Ok(()) => return Ok(Scratch { path: Some(path) }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(anyhow!(e).context(format!("cannot write in {}", parent.display())));
                }
            }
        }
        bail!(
            "cannot write in {}: too many leftover folders named .{name}.kaohe-…",
            parent.display()
        )
    }

    fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new("."))
    }

    /// Renames the whole folder into place (over an empty one, if there is).
    fn put_in_place(mut self, target: &Path) -> Result<()> {
        let Some(path) = self.path.take() else {
            bail!("the folder was already put in place");
        };
        match std::fs::rename(&path, target) {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&path);
                Err(e.into())
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_dir_all(path);
        }
    }
}
