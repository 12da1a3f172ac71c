//! The folder or zip a county sends its evidence in, read as the user's bytes: every file
//! listed with its path (`/` between folders) and size before any is read, then each streamed
//! out on its own, so that a 2 GB folder takes one buffer's memory.
//!
//! Refused, naming the file: a symbolic link or anything not a regular file (a folder's
//! content is taken as it is, never followed elsewhere); in a zip, a name that climbs out
//! (`..`, `/etc/…`, `C:`), two entries of one name, an encrypted entry, a way of packing kaohe
//! cannot unpack, an entry that unpacks to more than it declares (a zip bomb), and contents
//! over the limit (`--limit`). A zip's names are UTF-8 where the zip says so or they are
//! valid UTF-8, else GBK (GB18030), as Chinese Windows writes them. System clutter
//! (`.DS_Store`, `Thumbs.db`, `desktop.ini`, `__MACOSX/`, Office's `~$` files, hidden
//! files) is passed over and counted.

use crate::error::{FileError, Location};
use crate::source::limits::{Limit, Size};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The most files one folder or zip may hold.
pub const MOST_FILES: usize = 100_000;
/// The deepest a folder may nest.
const MOST_DEPTH: usize = 64;

/// One file of a county's evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its path inside the folder or zip, `/` between folders, never empty.
    pub path: String,
    /// Its size as the folder or the zip says it.
    pub size: u64,
    at: At,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum At {
    File(PathBuf),
    Zip(usize),
}

enum Source {
    Folder,
    Zip(Box<zip::ZipArchive<File>>),
}

/// A folder or zip of evidence, listed.
pub struct Bundle {
    shown: String,
    source: Source,
    entries: Vec<Entry>,
    passed_over: Vec<String>,
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundle")
            .field("shown", &self.shown)
            .field("entries", &self.entries)
            .finish_non_exhaustive()
    }
}

impl Bundle {
    /// Lists the folder or zip at `path` (a zip is told by its content, whatever its name),
    /// refusing it, with the file named, as the module's note says.
    pub fn open(path: &Path, limit: &Limit) -> Result<Bundle, FileError> {
        let shown = path.display().to_string();
        let cannot =
            |e: std::io::Error| FileError::new(Location::file(&shown), format!("cannot read: {e}"));
        let meta = std::fs::metadata(path).map_err(cannot)?;
        if meta.is_dir() {
            return Bundle::folder(path, shown, limit);
        }
        if !meta.is_file() {
            return Err(FileError::new(
                Location::file(&shown),
                "is neither a folder nor a zip file: give the folder or the zip the county's evidence came in",
            ));
        }
        let mut file = File::open(path).map_err(cannot)?;
        let size = file.metadata().map_err(cannot)?.len();
        let mut magic = [0u8; 4];
        let got = read_up_to(&mut file, &mut magic).map_err(cannot)?;
        if !(got == 4 && (&magic == b"PK\x03\x04" || &magic == b"PK\x05\x06")) {
            return Err(FileError::new(
                Location::file(&shown),
                "is not a zip file (nor a folder): give the folder or the .zip the county's evidence came in (7z and rar: unpack them first)",
            ));
        }
        limit.check_size(&shown, size)?;
        Bundle::zip(file, shown, limit)
    }

    fn folder(root: &Path, shown: String, limit: &Limit) -> Result<Bundle, FileError> {
        let mut entries = Vec::new();
        let mut passed_over = Vec::new();
        let mut total: u64 = 0;
        // (directory, its path inside the folder, depth)
        let mut stack = vec![(root.to_path_buf(), String::new(), 0usize)];
        while let Some((dir, inside, depth)) = stack.pop() {
            let place = |rel: &str| {
                if rel.is_empty() {
                    shown.clone()
                } else {
                    format!("{shown}/{rel}")
                }
            };
            if depth > MOST_DEPTH {
                return Err(FileError::new(
                    Location::file(place(&inside)),
                    format!("folders nest more than {MOST_DEPTH} deep: is it a loop?"),
                ));
            }
            let read = std::fs::read_dir(&dir).map_err(|e| {
                FileError::new(Location::file(place(&inside)), format!("cannot read: {e}"))
            })?;
            for item in read {
                let item = item.map_err(|e| {
                    FileError::new(Location::file(place(&inside)), format!("cannot read: {e}"))
                })?;
                let name = os_name(&item.file_name());
                let rel = if inside.is_empty() {
                    name.clone()
                } else {
                    format!("{inside}/{name}")
                };
                let meta = item.metadata().map_err(|e| {
                    FileError::new(Location::file(place(&rel)), format!("cannot read: {e}"))
                })?;
                let kind = meta.file_type();
                if is_clutter(&name) {
                    passed_over.push(rel);
                    continue;
                }
                if kind.is_symlink() {
                    return Err(FileError::new(
                        Location::file(place(&rel)),
                        "is a symbolic link: kaohe takes only the files themselves from an evidence folder (copy the file in)",
                    ));
                }
                if kind.is_dir() {
                    stack.push((item.path(), rel, depth + 1));
                    continue;
                }
                if !kind.is_file() {
                    return Err(FileError::new(
                        Location::file(place(&rel)),
                        "is not a regular file (a device, socket or pipe): take it out of the evidence folder",
                    ));
                }
                total = total.saturating_add(meta.len());
                if total > limit.bytes {
                    return Err(over(limit, &shown, "the folder's files come to", total));
                }
                entries.push(Entry {
                    path: rel,
                    size: meta.len(),
                    at: At::File(item.path()),
                });
                if entries.len() > MOST_FILES {
                    return Err(too_many(&shown));
                }
            }
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        passed_over.sort();
        Ok(Bundle {
            shown,
            source: Source::Folder,
            entries,
            passed_over,
        })
    }

    fn zip(file: File, shown: String, limit: &Limit) -> Result<Bundle, FileError> {
        let cannot =
            |e: std::io::Error| FileError::new(Location::file(&shown), format!("cannot read: {e}"));
        let mut directory = file.try_clone().map_err(cannot)?;
        let mut zip = zip::ZipArchive::new(file).map_err(|e| unreadable(&shown, &e))?;
        if zip.len() > MOST_FILES {
            return Err(too_many(&shown));
        }
        // The zip crate keeps one entry of a name: two of one name would leave one unseen.
        let listed = central_entries(&mut directory, zip.central_directory_start())
            .map_err(|e| unreadable(&shown, &e))?;
        if listed != zip.len() as u64 {
            return Err(FileError::new(
                Location::file(&shown),
                "the zip holds two entries of one name: which is the county's is not known; ask for the zip again",
            ));
        }
        let mut entries: Vec<Entry> = Vec::new();
        let mut passed_over = Vec::new();
        let mut total: u64 = 0;
        for i in 0..zip.len() {
            let part = zip.by_index_raw(i).map_err(|e| unreadable(&shown, &e))?;
            let name = zip_name(part.name_raw(), part.name());
            let place = format!("{shown}: {}", crate::text::clean(&name));
            let path =
                enclosed(&name).map_err(|why| FileError::new(Location::file(&place), why))?;
            let Some(path) = path else {
                continue;
            };
            if path.split('/').any(is_clutter) {
                passed_over.push(path);
                continue;
            }
            if part.is_dir() {
                continue;
            }
            if part.is_symlink() {
                return Err(FileError::new(
                    Location::file(&place),
                    "is a symbolic link: kaohe takes only files from a zip",
                ));
            }
            if part.encrypted() {
                return Err(FileError::new(
                    Location::file(&place),
                    "is encrypted: kaohe cannot read it; ask for the zip without a password",
                ));
            }
            let method = part.compression();
            if !matches!(
                method,
                zip::CompressionMethod::Stored
                    | zip::CompressionMethod::Deflated
                    | zip::CompressionMethod::Deflate64
            ) {
                return Err(FileError::new(
                    Location::file(&place),
                    format!(
                        "is packed with {method:?}, which kaohe cannot unpack: ask for a zip made the usual way (Deflate), or unpack it and give the folder"
                    ),
                ));
            }
            total = total.saturating_add(part.size());
            if total > limit.bytes {
                return Err(over(limit, &shown, "the zip unpacks to", total));
            }
            entries.push(Entry {
                path,
                size: part.size(),
                at: At::Zip(i),
            });
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        if let Some(w) = entries.windows(2).find(|w| w[0].path == w[1].path) {
            return Err(FileError::new(
                Location::file(format!("{shown}: {}", crate::text::clean(&w[0].path))),
                "the zip holds two entries of one name (this one): which is the county's is not known; ask for the zip again",
            ));
        }
        passed_over.sort();
        passed_over.dedup();
        Ok(Bundle {
            shown,
            source: Source::Zip(Box::new(zip)),
            entries,
            passed_over,
        })
    }

    /// The folder or zip as messages name it.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    pub fn is_zip(&self) -> bool {
        matches!(self.source, Source::Zip(_))
    }

    /// Every file, by path.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// System clutter passed over (see the module's note).
    pub fn passed_over(&self) -> &[String] {
        &self.passed_over
    }

    /// The files' sizes together.
    pub fn total(&self) -> u64 {
        self.entries.iter().map(|e| e.size).sum()
    }

    /// Where messages place entry `i`: "DIR/a/b.pdf" or "ZIP: a/b.pdf".
    pub fn place(&self, i: usize) -> String {
        let path = self.entries.get(i).map_or("", |e| e.path.as_str());
        match self.source {
            Source::Folder => format!("{}/{}", self.shown, crate::text::clean(path)),
            Source::Zip(_) => format!("{}: {}", self.shown, crate::text::clean(path)),
        }
    }

    /// Streams entry `i` into `out`, calling `progress` with the bytes of each chunk.
    /// Refused, naming the file, where it cannot be read, where it is longer than listed (a
    /// zip bomb, a file still growing) or shorter (a damaged zip, a file cut meanwhile).
    pub fn copy(
        &mut self,
        i: usize,
        out: &mut dyn Write,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64, FileError> {
        let place = self.place(i);
        let Some(entry) = self.entries.get(i) else {
            return Err(FileError::new(Location::file(place), "no such entry"));
        };
        let size = entry.size;
        let fail =
            |e: std::io::Error| FileError::new(Location::file(&place), format!("cannot read: {e}"));
        let copied = match (&entry.at, &mut self.source) {
            (At::File(path), Source::Folder) => {
                let file = File::open(path).map_err(fail)?;
                pump(file.take(size.saturating_add(1)), out, progress).map_err(fail)?
            }
            (At::Zip(index), Source::Zip(zip)) => {
                let part = zip.by_index(*index).map_err(|e| unreadable(&place, &e))?;
                pump(part.take(size.saturating_add(1)), out, progress)
                    .map_err(|e| unreadable(&place, &e))?
            }
            _ => return Err(FileError::new(Location::file(place), "no such entry")),
        };
        if copied > size {
            let why = if self.is_zip() {
                format!(
                    "unpacks to more than the {} it declares: the zip is damaged or made to mislead (a zip bomb)",
                    Size(size)
                )
            } else {
                "grew while kaohe read it: import again once nothing writes to the folder"
                    .to_string()
            };
            return Err(FileError::new(Location::file(place), why));
        }
        if copied < size {
            let why = if self.is_zip() {
                "is cut short: the zip is damaged; ask for it again"
            } else {
                "shrank while kaohe read it: import again once nothing writes to the folder"
            };
            return Err(FileError::new(Location::file(place), why));
        }
        Ok(copied)
    }
}

/// How many entries the zip's central directory at `start` lists, counted header by header
/// (no more than [`MOST_FILES`] and one).
fn central_entries(file: &mut File, start: u64) -> std::io::Result<u64> {
    use std::io::{BufReader, Seek, SeekFrom};
    file.seek(SeekFrom::Start(start))?;
    let mut r = BufReader::new(file);
    let mut count = 0;
    let mut header = [0u8; 46];
    while count <= MOST_FILES as u64 {
        let mut got = 0;
        while got < 4 {
            match r.read(&mut header[got..4])? {
                0 => return Ok(count),
                n => got += n,
            }
        }
        if header[..4] != [0x50, 0x4b, 0x01, 0x02] {
            return Ok(count);
        }
        r.read_exact(&mut header[4..])?;
        let len = |at: usize| u64::from(u16::from_le_bytes([header[at], header[at + 1]]));
        let skip = len(28) + len(30) + len(32);
        std::io::copy(&mut (&mut r).take(skip), &mut std::io::sink())?;
        count += 1;
    }
    Ok(count)
}

/// Copies `from` into `out` in chunks, reporting each; the bytes copied.
fn pump(
    mut from: impl Read,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> std::io::Result<u64> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut done: u64 = 0;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(done),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        out.write_all(&buf[..n])?;
        done += n as u64;
        progress(n as u64);
    }
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

fn unreadable(place: &str, e: &dyn std::fmt::Display) -> FileError {
    let said = e.to_string();
    let first = said.lines().next().unwrap_or_default().trim().to_string();
    FileError::new(
        Location::file(place),
        format!("cannot read the zip (is it damaged?): {first}"),
    )
}

fn over(limit: &Limit, shown: &str, what: &str, total: u64) -> FileError {
    limit.refusal(
        Location::file(shown),
        &format!("{what} more than {}", Size(total)),
        total,
    )
}

fn too_many(shown: &str) -> FileError {
    FileError::new(
        Location::file(shown),
        format!(
            "holds more than {MOST_FILES} files, more than any county's evidence: is it the right folder?"
        ),
    )
}

/// System clutter: never a county's evidence.
fn is_clutter(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || name.starts_with("~$")
        || lower == "__macosx"
        || lower == "thumbs.db"
        || lower == "desktop.ini"
}

/// A name from the file system: UTF-8 as it is, else GB18030 (a folder copied from an old
/// Windows disk).
fn os_name(name: &std::ffi::OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    decode_name(name.as_bytes(), None)
}

/// A zip entry's name from its raw bytes: as the zip crate read it where the zip marked it
/// UTF-8 (the crate then holds those very bytes), else UTF-8 if the bytes are, else GB18030.
fn zip_name(raw: &[u8], read: &str) -> String {
    decode_name(raw, Some(read))
}

fn decode_name(raw: &[u8], read: Option<&str>) -> String {
    if let Some(read) = read {
        if read.as_bytes() == raw {
            return read.to_string();
        }
    }
    if let Ok(utf8) = std::str::from_utf8(raw) {
        return utf8.to_string();
    }
    let (text, malformed) = encoding_rs::GB18030.decode_without_bom_handling(raw);
    match (malformed, read) {
        (true, Some(read)) => read.to_string(),
        _ => text.into_owned(),
    }
}

/// A zip entry's name as a path inside the zip (`/` between folders, no empty or `.` parts),
/// `None` for the zip's root itself, refused where it would climb out.
pub fn enclosed(name: &str) -> Result<Option<String>, String> {
    if name.contains('\0') {
        return Err("has a NUL in its name: the zip is damaged or made to mislead".into());
    }
    let name = name.replace('\\', "/");
    if name.starts_with('/') {
        return Err(
            "is named by an absolute path: a zip made to write outside itself is refused".into(),
        );
    }
    let mut parts = Vec::new();
    for (i, part) in name.split('/').enumerate() {
        match part {
            "" | "." => continue,
            ".." => {
                return Err(
                    "climbs out of the zip (..): a zip made to write outside itself is refused"
                        .into(),
                );
            }
            p if i == 0 && p.len() == 2 && p.ends_with(':') => {
                return Err(
                    "is named by a drive (C:): a zip made to write outside itself is refused"
                        .into(),
                );
            }
            p => parts.push(p),
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_climb_out_are_refused() {
        assert_eq!(enclosed("a/b.pdf"), Ok(Some("a/b.pdf".into())));
        assert_eq!(enclosed("a\\b.pdf"), Ok(Some("a/b.pdf".into())));
        assert_eq!(enclosed("./a//b.pdf"), Ok(Some("a/b.pdf".into())));
        assert_eq!(enclosed("a/"), Ok(Some("a".into())));
        assert!(enclosed("/").is_err());
        assert!(enclosed("../x").is_err());
        assert!(enclosed("a/../../x").is_err());
        assert!(enclosed("/etc/passwd").is_err());
        assert!(enclosed("C:/x").is_err());
        assert!(enclosed("C:\\x").is_err());
        assert!(enclosed("a\0b").is_err());
        assert_eq!(enclosed("."), Ok(None));
    }

    #[test]
    fn gbk_names_are_read_as_windows_wrote_them() {
        let (gbk, _, _) = encoding_rs::GBK.encode("佐证材料/会议纪要.pdf");
        // What the zip crate makes of them (CP437) is not what is kept.
        assert_eq!(decode_name(&gbk, Some("╫⌠╓ñ")), "佐证材料/会议纪要.pdf");
        assert_eq!(
            decode_name("会议.pdf".as_bytes(), Some("会议.pdf")),
            "会议.pdf"
        );
        assert_eq!(
            decode_name("会议.pdf".as_bytes(), Some("garbled")),
            "会议.pdf"
        );
        assert_eq!(decode_name(b"plain.pdf", Some("plain.pdf")), "plain.pdf");
    }

    #[test]
    fn clutter_is_told() {
        for c in [
            ".DS_Store",
            "Thumbs.db",
            "desktop.ini",
            "__MACOSX",
            "~$会议.docx",
            "._a.pdf",
        ] {
            assert!(is_clutter(c), "{c}");
        }
        assert!(!is_clutter("会议.docx"));
    }
}
