//! What a hang-up could not write: when the terminal goes (or a signal stops the workspace)
//! while another process holds the database's write lock, the workspace waits for it a few
//! seconds at most, then keeps the notes being typed in a small file of the reviewer's own
//! (`~/.local/share/kaohe/recovery/`, mode 0600), which the next workspace on the same database
//! for the same reviewer takes back as drafts and writes into the database. Marks that were
//! waiting are named there too (never written: they were never shown as saved), so that the
//! next start can say which to give again.

use crate::store::Reviewer;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where a reviewer's leftovers for one database go, and are found.
pub struct Recovery {
    dir: PathBuf,
    /// The database, as a whole path with links resolved (the same file however it was named).
    db: String,
    account: String,
    reviewer: String,
}

/// What one workspace left.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Left {
    pub db: String,
    pub account: String,
    pub reviewer: String,
    pub drafts: Vec<LeftDraft>,
    /// The marks that were waiting, as the screen named them ("柯城区 1.1 … → 完成").
    pub unwritten: Vec<String>,
}

/// A note being typed, and the item it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftDraft {
    pub county_code: String,
    pub indicator_id: String,
    pub text: String,
}

impl Recovery {
    /// Leftovers under `dir` for the database at `db` and this reviewer.
    pub fn new(dir: PathBuf, db: &Path, who: &Reviewer) -> Recovery {
        let db = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
        Recovery {
            dir,
            db: db.display().to_string(),
            account: who.account.clone(),
            reviewer: who.name.clone(),
        }
    }

    /// Keeps what could not be written, in a new file of its own (written whole, then renamed
    /// into place; readable by this account only).
    pub fn save(&self, drafts: Vec<LeftDraft>, unwritten: Vec<String>) -> std::io::Result<PathBuf> {
        use std::io::Write as _;
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        let left = Left {
            db: self.db.clone(),
            account: self.account.clone(),
            reviewer: self.reviewer.clone(),
            drafts,
            unwritten,
        };
        let json = serde_json::to_vec_pretty(&left).map_err(std::io::Error::other)?;
        // tempfile makes it 0600.
        let mut file = tempfile::Builder::new()
            .prefix(".left-")
            .suffix(".json")
            .tempfile_in(&self.dir)?;
        file.write_all(&json)?;
        file.as_file().sync_all()?;
        let name = format!(
            "left-{}-{}.json",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        );
        let path = self.dir.join(name);
        file.persist(&path).map_err(|e| e.error)?;
        Ok(path)
    }

    /// What earlier workspaces left for this database and reviewer, oldest first, with the
    /// files they are in (to be removed once their drafts are written). A file that cannot be
    /// read, or is another's, is left alone.
    pub fn take(&self) -> Vec<(PathBuf, Left)> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut found: Vec<(PathBuf, Left)> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("left-") && n.ends_with(".json"))
            })
            .filter_map(|p| {
                let bytes = std::fs::read(&p).ok()?;
                let left: Left = serde_json::from_slice(&bytes).ok()?;
                let mine = left.db == self.db
                    && left.account == self.account
                    && left.reviewer == self.reviewer;
                mine.then_some((p, left))
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(name: &str) -> Reviewer {
        Reviewer {
            name: name.into(),
            account: "zhang".into(),
        }
    }

    #[test]
    fn what_is_left_is_found_again_by_the_same_reviewer_on_the_same_database_only() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.db");
        std::fs::write(&db, b"").unwrap();
        let here = dir.path().join("recovery");
        let mine = Recovery::new(here.clone(), &db, &who("张三"));
        let draft = LeftDraft {
            county_code: "330802".into(),
            indicator_id: "1.2".into(),
            text: "数据口径不一致\n请核实".into(),
        };
        let path = mine
            .save(vec![draft.clone()], vec!["柯城区 1.1 → 完成".into()])
            .unwrap();
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
        let found = mine.take();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1.drafts, [draft]);
        assert_eq!(found[0].1.unwritten, ["柯城区 1.1 → 完成"]);
        // Named another way, the same file.
        let relative = Recovery::new(
            here.clone(),
            &dir.path().join(".").join("k.db"),
            &who("张三"),
        );
        assert_eq!(relative.take().len(), 1);
        assert!(
            Recovery::new(here.clone(), &db, &who("李四"))
                .take()
                .is_empty()
        );
        let other = dir.path().join("other.db");
        std::fs::write(&other, b"").unwrap();
        assert!(Recovery::new(here, &other, &who("张三")).take().is_empty());
    }
}
