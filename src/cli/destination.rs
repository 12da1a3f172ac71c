//! A file an export replaces: checked before anything is written, then written beside its
//! target and renamed into place, following symbolic links to the file they name.

use crate::store::parent_dir;
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A file an export will replace, checked before anything is written.
pub struct Destination {
    /// As the user named it.
    pub path: PathBuf,
    /// Where the bytes go: the end of any chain of symbolic links.
    target: PathBuf,
    existing: Option<std::fs::Metadata>,
}

impl Destination {
    /// Refuses a destination in a missing directory, one that is not a regular file or is
    /// read-only, and the database itself.
    pub fn check(path: &Path, db: &Path) -> Result<Destination> {
        let shown = path.display();
        let target = follow_links(path);
        let dir = parent_dir(&target);
        if !dir.is_dir() {
            bail!(
                "cannot write {shown}: the directory {} does not exist",
                dir.display()
            );
        }
        let existing = std::fs::metadata(&target).ok();
        if let Some(meta) = &existing {
            if !meta.is_file() {
                bail!("cannot write {shown}: it is not a regular file");
            }
            if meta.permissions().readonly() {
                bail!("cannot write {shown}: the file is read-only");
            }
        }
        if real_path(&target) == real_path(&follow_links(db)) {
            bail!("cannot write {shown}: it is the database itself");
        }
        Ok(Destination {
            path: path.to_path_buf(),
            target,
            existing,
        })
    }

    /// Writes the file beside its target and renames it into place, so that no reader ever
    /// sees half a file. A new file is made like any other (0666 less the umask); an old
    /// file's permissions are kept.
    pub fn replace_with(&self, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        let shown = self.path.display();
        let context = || format!("cannot write {shown}");
        let mut builder = tempfile::Builder::new();
        builder.prefix(".kaohe-export-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let mut temp = builder
            .tempfile_in(parent_dir(&self.target))
            .with_context(context)?;
        write(temp.as_file_mut()).with_context(context)?;
        if let Some(meta) = &self.existing {
            temp.as_file()
                .set_permissions(meta.permissions())
                .with_context(context)?;
        }
        temp.as_file().sync_all().with_context(context)?;
        temp.persist(&self.target)
            .map_err(|e| e.error)
            .with_context(context)?;
        Ok(())
    }
}

/// The file a chain of symbolic links ends at (which may not exist yet).
fn follow_links(path: &Path) -> PathBuf {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&path) {
            Ok(link) => path = parent_dir(&path).join(link),
            Err(_) => break,
        }
    }
    path
}

/// A path with its directory made absolute and free of links, to compare two paths.
fn real_path(path: &Path) -> PathBuf {
    let dir = std::fs::canonicalize(parent_dir(path)).unwrap_or_else(|_| parent_dir(path));
    match path.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    }
}
