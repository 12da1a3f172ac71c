//! How much kaohe takes in from a user's file, and the one-line refusal when a file is more.
//! A file's size is checked from the open file before a byte is read, and again while it is
//! read (a pipe has no size, and a file may grow), so no file takes more memory than its limit
//! allows. The defaults take a national assessment (2,844 counties × 127 indicators) several
//! times over; `--limit SIZE` sets the limit that applies for one command.

use crate::error::{FileError, Location};
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

pub const KIB: u64 = 1 << 10;
pub const MIB: u64 = 1 << 20;
pub const GIB: u64 = 1 << 30;

/// A number of bytes, as `--limit` takes it ("512MiB", "2GiB", "300MB", "1048576") and as
/// messages show it ("1.2 GiB").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Size(pub u64);

/// Units by the name written after a number: K, M, G, T and their -iB names count in 1,024s,
/// kB, MB, GB, TB in 1,000s, as disks and file managers do.
const UNITS: &[(&str, u64)] = &[
    ("", 1),
    ("b", 1),
    ("k", KIB),
    ("kib", KIB),
    ("kb", 1_000),
    ("m", MIB),
    ("mib", MIB),
    ("mb", 1_000_000),
    ("g", GIB),
    ("gib", GIB),
    ("gb", 1_000_000_000),
    ("t", GIB * KIB),
    ("tib", GIB * KIB),
    ("tb", 1_000_000_000_000),
];

impl std::str::FromStr for Size {
    type Err = String;

    fn from_str(s: &str) -> Result<Size, String> {
        let bad = || {
            format!(
                "\"{s}\" is not a size: give a number of bytes or one with a unit, such as 512MiB, 2GiB or 300MB"
            )
        };
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let (number, unit) = (&s[..split], s[split..].trim().to_ascii_lowercase());
        let &(_, scale) = UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .ok_or_else(bad)?;
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
            return Err(bad());
        }
        // Whole bytes, worked out in integers: "1.5GiB" is exactly 1,610,612,736.
        let digits = |d: &str| -> Option<u128> {
            if d.is_empty() {
                Some(0)
            } else {
                d.parse().ok()
            }
        };
        let fraction = &fraction[..fraction.len().min(18)];
        let (whole, part) = (
            digits(whole).ok_or_else(bad)?,
            digits(fraction).ok_or_else(bad)?,
        );
        let bytes = whole
            .checked_mul(u128::from(scale))
            .and_then(|b| {
                b.checked_add(part * u128::from(scale) / 10u128.pow(fraction.len() as u32))
            })
            .and_then(|b| u64::try_from(b).ok())
            .ok_or_else(|| format!("\"{s}\" is more than kaohe can count"))?;
        if bytes == 0 {
            return Err(format!("a limit of \"{s}\" would refuse every file"));
        }
        Ok(Size(bytes))
    }
}

impl fmt::Display for Size {
    /// "12 bytes", "300 KiB", "1.2 GiB": the largest unit the size reaches, to a tenth.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        let n = self.0;
        if n < KIB {
            return write!(f, "{n} byte{}", if n == 1 { "" } else { "s" });
        }
        let mut unit = 0;
        while unit + 1 < NAMES.len() && n >= KIB << (10 * (unit + 1)) {
            unit += 1;
        }
        let scale = u128::from(KIB) << (10 * unit);
        let mut tenths = (u128::from(n) * 10 + scale / 2) / scale;
        // 1,023.96 MiB reads as 1 GiB, not 1024.0 MiB.
        if tenths >= 10_240 && unit + 1 < NAMES.len() {
            unit += 1;
            tenths = (tenths + 512) / 1024;
        }
        let name = NAMES[unit];
        match tenths % 10 {
            0 => write!(f, "{} {name}", tenths / 10),
            t => write!(f, "{}.{t} {name}", tenths / 10),
        }
    }
}

impl Size {
    /// The size as `--limit` takes it: "2GiB" (whole units, no space).
    pub fn flag(self) -> String {
        self.to_string().replace(' ', "")
    }

    /// The least power of two (from 1 MiB) that is `at_least`: what a refusal suggests.
    fn suggested(at_least: u64) -> Size {
        Size(
            at_least
                .max(MIB)
                .checked_next_power_of_two()
                .unwrap_or(u64::MAX),
        )
    }
}

/// What a file is to kaohe, as a refusal names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// A submissions file as CSV or JSON: its size.
    Submissions,
    /// A workbook's file: its size on disk.
    Workbook,
    /// A workbook's contents, unpacked (and its shared strings as they are held in memory).
    WorkbookContents,
    Targets,
    Counties,
    /// A reviewer's config or theme: kaohe's own settings, with no flag to raise it.
    Settings,
    /// A county's evidence (issue 18): a folder's files, or a zip and what it unpacks to.
    Evidence,
}

impl Input {
    fn words(self) -> &'static str {
        match self {
            Input::Submissions => "a submissions file",
            Input::Workbook => "a workbook",
            Input::WorkbookContents => "a workbook's contents",
            Input::Targets => "a targets file",
            Input::Counties => "a counties file",
            Input::Settings => "a settings file",
            Input::Evidence => "a county's evidence",
        }
    }
}

/// One limit on one file: how many bytes, what the file is, and the least a raised limit
/// should be so that following a refusal's hint never lowers another limit on the same file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub bytes: u64,
    pub input: Input,
    floor: u64,
}

impl Limit {
    /// The limit on a reviewer's config or theme file (no flag raises it: none is that big).
    /// TOML takes up to some 70 times its size in memory while it is parsed.
    pub const SETTINGS: Limit = Limit {
        bytes: MIB,
        input: Input::Settings,
        floor: 0,
    };

    /// "PATH: {what}, over kaohe's limit of 1 GiB for a submissions file; if it is genuine,
    /// raise the limit: --limit 2GiB". `what` says how big the file is ("the file is 1.2
    /// GiB"); `needed` is the least limit that would take it.
    pub fn refusal(&self, at: Location, what: &str, needed: u64) -> FileError {
        let mut message = format!(
            "{what}, over kaohe's limit of {} for {}",
            Size(self.bytes),
            self.input.words()
        );
        if self.input != Input::Settings {
            let raise = Size::suggested(needed.max(self.floor));
            message.push_str(&format!(
                "; if it is genuine, raise the limit: --limit {}",
                raise.flag()
            ));
        }
        FileError::new(at, message)
    }

    /// Refuses a file of `size` bytes if it is over the limit.
    pub fn check_size(&self, path: &str, size: u64) -> Result<(), FileError> {
        if size <= self.bytes {
            return Ok(());
        }
        Err(self.refusal(
            Location::file(path),
            &format!("the file is {}", Size(size)),
            size,
        ))
    }

    /// Refuses a file found, while it was read, to hold more than the limit.
    fn more_than(&self, path: &str) -> FileError {
        self.refusal(
            Location::file(path),
            &format!("the file is more than {}", Size(self.bytes)),
            self.bytes.saturating_add(1),
        )
    }
}

/// The limits of one command. `--limit SIZE` sets them all to SIZE: only those on the file at
/// hand apply, so one flag raises (or lowers) the limit a refusal named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A submissions CSV or JSON file's size. A national assessment's JSON export is 180 MB.
    pub submissions: u64,
    /// A workbook's file size. A national workbook is 21 MB (12 MB with shared strings).
    pub workbook: u64,
    /// A workbook's contents unpacked, shared strings counted as held in memory. A national
    /// workbook unpacks to 193 MB.
    pub unpacked: u64,
    /// A targets or counties file's size. The 2014 targets are 44 KB; 2,844 counties, 50 KB.
    /// A TOML file takes up to some 70 times its size in memory while it is parsed (16 MiB of
    /// empty tables took 1.1 GB), so this one is kept near what a real file could need.
    pub catalog: u64,
    /// A county's evidence (issue 18): a folder's files together, or a zip and what it
    /// unpacks to. Streamed to disk, never held: this bounds the disk an import takes.
    pub evidence: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            submissions: GIB,
            workbook: 256 * MIB,
            unpacked: GIB,
            catalog: 4 * MIB,
            evidence: 4 * GIB,
        }
    }
}

impl Limits {
    /// The defaults, or every limit set to `size` when `--limit` gave one.
    pub fn with(size: Option<Size>) -> Limits {
        match size {
            None => Limits::default(),
            Some(Size(bytes)) => Limits {
                submissions: bytes,
                workbook: bytes,
                unpacked: bytes,
                catalog: bytes,
                evidence: bytes,
            },
        }
    }

    pub fn submissions_file(&self) -> Limit {
        Limit {
            bytes: self.submissions,
            input: Input::Submissions,
            floor: self.submissions,
        }
    }

    /// A workbook's file: a raised limit keeps its contents' limit where it is at least.
    pub fn workbook_file(&self) -> Limit {
        Limit {
            bytes: self.workbook,
            input: Input::Workbook,
            floor: self.workbook.max(self.unpacked),
        }
    }

    pub fn workbook_contents(&self) -> Limit {
        Limit {
            bytes: self.unpacked,
            input: Input::WorkbookContents,
            floor: self.workbook.max(self.unpacked),
        }
    }

    pub fn targets_file(&self) -> Limit {
        Limit {
            bytes: self.catalog,
            input: Input::Targets,
            floor: self.catalog,
        }
    }

    /// A county's evidence (a folder's files, or a zip and what it unpacks to).
    pub fn evidence(&self) -> Limit {
        Limit {
            bytes: self.evidence,
            input: Input::Evidence,
            floor: self.evidence,
        }
    }

    pub fn counties_file(&self) -> Limit {
        Limit {
            bytes: self.catalog,
            input: Input::Counties,
            floor: self.catalog,
        }
    }
}

/// Opens a user's file and checks its size, from the open file itself, before anything is
/// read from it.
pub fn open_within(path: &Path, limit: &Limit) -> Result<(File, u64), FileError> {
    let shown = path.display().to_string();
    let cannot =
        |e: std::io::Error| FileError::new(Location::file(&shown), format!("cannot read: {e}"));
    let file = File::open(path).map_err(cannot)?;
    let size = file.metadata().map_err(cannot)?.len();
    limit.check_size(&shown, size)?;
    Ok((file, size))
}

/// Reads a user's whole file within `limit`: refused by its size before it is read, and if it
/// turns out longer while it is read (a pipe, a file still being written).
pub fn read_within(path: &Path, limit: &Limit) -> Result<Vec<u8>, FileError> {
    let (file, size) = open_within(path, limit)?;
    read_open_within(file, &[], size, &path.display().to_string(), limit)
}

/// Reads the rest of an opened file of `size` bytes (as it said) whole, within `limit`, after
/// the `first` bytes already read from it (it is never asked to seek: a pipe cannot).
pub fn read_open_within(
    file: File,
    first: &[u8],
    size: u64,
    shown: &str,
    limit: &Limit,
) -> Result<Vec<u8>, FileError> {
    // Room for the whole file at once (its size is within the limit), and one byte more to
    // see that it ends there.
    let capacity = usize::try_from(size.min(limit.bytes).saturating_add(1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity.max(first.len()));
    bytes.extend_from_slice(first);
    let rest = limit
        .bytes
        .saturating_add(1)
        .saturating_sub(first.len() as u64);
    file.take(rest)
        .read_to_end(&mut bytes)
        .map_err(|e| FileError::new(Location::file(shown), format!("cannot read: {e}")))?;
    if bytes.len() as u64 > limit.bytes {
        return Err(limit.more_than(shown));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(s: &str) -> Result<u64, String> {
        s.parse::<Size>().map(|s| s.0)
    }

    #[test]
    fn sizes_are_read_as_people_write_them() {
        assert_eq!(size("1048576"), Ok(MIB));
        assert_eq!(size("512MiB"), Ok(512 * MIB));
        assert_eq!(size("512 MiB"), Ok(512 * MIB));
        assert_eq!(size("2GiB"), Ok(2 * GIB));
        assert_eq!(size("2g"), Ok(2 * GIB));
        assert_eq!(size("2G"), Ok(2 * GIB));
        assert_eq!(size("300MB"), Ok(300_000_000));
        assert_eq!(size("300mb"), Ok(300_000_000));
        assert_eq!(size("64k"), Ok(64 * KIB));
        assert_eq!(size("1.5GiB"), Ok(GIB + GIB / 2));
        assert_eq!(size(".5MiB"), Ok(MIB / 2));
        assert_eq!(size("1TiB"), Ok(GIB * KIB));
        assert_eq!(size("10B"), Ok(10));
    }

    #[test]
    fn what_is_not_a_size_is_refused_plainly() {
        for bad in ["", "MiB", "2 GiBs", "-1GiB", "1..5M", "1.2.3", "two", "."] {
            let e = size(bad).unwrap_err();
            assert!(e.contains("is not a size"), "{bad}: {e}");
        }
        assert!(size("0").unwrap_err().contains("would refuse every file"));
        assert!(size("0.0001KiB").unwrap_err().contains("would refuse"));
        assert!(
            size("99999999999TiB")
                .unwrap_err()
                .contains("more than kaohe can count")
        );
        assert!(
            size("18446744073709551616")
                .unwrap_err()
                .contains("more than")
        );
    }

    #[test]
    fn sizes_are_shown_in_the_largest_unit_to_a_tenth() {
        let shown = |n: u64| Size(n).to_string();
        assert_eq!(shown(1), "1 byte");
        assert_eq!(shown(1000), "1000 bytes");
        assert_eq!(shown(KIB), "1 KiB");
        assert_eq!(shown(300 * KIB), "300 KiB");
        assert_eq!(shown(GIB + GIB / 5), "1.2 GiB");
        assert_eq!(shown(1024 * MIB - 1), "1 GiB");
        assert_eq!(shown(u64::MAX), "16 EiB");
        assert_eq!(Size(2 * GIB).flag(), "2GiB");
        // What a flag shows is what the flag takes.
        for n in [MIB, 256 * MIB, GIB, 4 * GIB] {
            assert_eq!(size(&Size(n).flag()), Ok(n));
        }
    }

    #[test]
    fn a_refusal_names_the_limit_and_the_flag_that_raises_it() {
        let limits = Limits::default();
        let e = limits
            .submissions_file()
            .check_size("big.csv", GIB + GIB / 5)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "big.csv: the file is 1.2 GiB, over kaohe's limit of 1 GiB for a submissions file; if it is genuine, raise the limit: --limit 2GiB"
        );
        assert!(limits.submissions_file().check_size("ok.csv", GIB).is_ok());
        // A workbook's file over its limit: the hint keeps its contents' limit.
        let e = limits
            .workbook_file()
            .check_size("s.xlsx", 300 * MIB)
            .unwrap_err();
        assert!(
            e.to_string().ends_with(
                "the file is 300 MiB, over kaohe's limit of 256 MiB for a workbook; if it is genuine, raise the limit: --limit 1GiB"
            ),
            "{e}"
        );
        let e = limits
            .targets_file()
            .check_size("t.toml", 113 * MIB)
            .unwrap_err();
        assert!(e.to_string().contains("4 MiB for a targets file"), "{e}");
        assert!(e.to_string().ends_with("--limit 128MiB"), "{e}");
        let e = Limit::SETTINGS.check_size("c.toml", 20 * MIB).unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.toml: the file is 20 MiB, over kaohe's limit of 1 MiB for a settings file"
        );
    }

    #[test]
    fn one_flag_sets_every_limit_and_none_is_the_defaults() {
        assert_eq!(Limits::with(None), Limits::default());
        let low = Limits::with(Some(Size(MIB)));
        assert_eq!(low.submissions_file().bytes, MIB);
        assert_eq!(low.workbook_file().bytes, MIB);
        assert_eq!(low.workbook_contents().bytes, MIB);
        assert_eq!(low.targets_file().bytes, MIB);
        assert_eq!(low.counties_file().bytes, MIB);
    }

    #[test]
    fn a_file_is_refused_before_it_is_read_and_a_pipe_while_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.csv");
        std::fs::write(&path, vec![b'x'; 2048]).unwrap();
        let limit = Limits::with(Some(Size(KIB))).submissions_file();
        let e = read_within(&path, &limit).unwrap_err().to_string();
        assert!(
            e.contains("the file is 2 KiB, over kaohe's limit of 1 KiB"),
            "{e}"
        );
        let fits = Limits::with(Some(Size(2 * KIB))).submissions_file();
        assert_eq!(read_within(&path, &fits).unwrap().len(), 2048);
        // A file that says it is empty but goes on: /dev/zero.
        let e = read_within(Path::new("/dev/zero"), &limit)
            .unwrap_err()
            .to_string();
        assert!(e.contains("the file is more than 1 KiB"), "{e}");
        assert!(e.ends_with("--limit 1MiB"), "{e}");
    }
}
