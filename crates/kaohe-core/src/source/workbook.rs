//! A workbook's zip looked through before a reader unpacks it. Every entry is unpacked into a
//! counter and never kept, so a zip bomb is refused in constant memory before calamine sees
//! it. An entry that unpacks to more than it declares is refused as damaged, so what was
//! counted is what a reader will meet. The shared strings, which a reader holds in memory
//! whole (calamine even reserves room first for as many as the file claims), are counted as
//! what they will take there.

use super::limits::{Limit, Size};
use crate::error::{FileError, Location};
use std::io::{Read, Seek, Write};

/// What one shared string costs held in memory besides its text: its `String` (24 bytes), the
/// allocation's own overhead, and the spare room of a list that grows by doubling.
const PER_STRING: u64 = 80;

/// "cannot read the workbook (is it a damaged or non-Excel file?): …", in one line.
pub fn unreadable(path: &str, e: &dyn std::fmt::Display) -> FileError {
    let said = e.to_string();
    let first = said.lines().next().unwrap_or_default().trim();
    FileError::new(
        Location::file(path),
        format!("cannot read the workbook (is it a damaged or non-Excel file?): {first}"),
    )
}

/// Unpacks every entry of the workbook `reader` holds into a counter, and refuses it if its
/// contents (shared strings as held in memory) are over `limit`, or if an entry is longer
/// than it says. Memory stays that of one entry's reading buffer, whatever the file holds.
pub fn check_workbook<R: Read + Seek>(
    reader: R,
    path: &str,
    limit: &Limit,
) -> Result<(), FileError> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| unreadable(path, &e))?;
    // Sizes as the entries declare them: a bomb that says what it is is refused at once.
    let mut declared = Vec::with_capacity(zip.len());
    let mut declared_total: u64 = 0;
    for i in 0..zip.len() {
        let size = zip
            .by_index_raw(i)
            .map_err(|e| unreadable(path, &e))?
            .size();
        declared.push(size);
        declared_total = declared_total.saturating_add(size);
    }
    if declared_total > limit.bytes {
        return Err(limit.refusal(
            Location::file(path),
            &format!("the workbook unpacks to {}", Size(declared_total)),
            declared_total,
        ));
    }
    let mut counted: u64 = 0;
    for (i, &size) in declared.iter().enumerate() {
        let mut entry = zip.by_index(i).map_err(|e| unreadable(path, &e))?;
        let strings = is_shared_strings(entry.name());
        let mut sink = Counter {
            bytes: 0,
            strings: strings.then(SharedStrings::default),
            budget: limit.bytes.saturating_sub(counted),
            over: false,
        };
        // One byte past what the entry declares is enough to know it lied.
        let copied = std::io::copy(&mut (&mut entry).take(size.saturating_add(1)), &mut sink);
        if sink.over {
            return Err(strings_over(path, limit, &sink));
        }
        copied.map_err(|e| unreadable(path, &e))?;
        if sink.bytes > size {
            let name = crate::text::clean(entry.name());
            return Err(FileError::new(
                Location::file(path),
                format!(
                    "the workbook is damaged or made to mislead: its part {name} unpacks to more than the {} it declares",
                    Size(size)
                ),
            ));
        }
        counted = counted.saturating_add(sink.held());
        if counted > limit.bytes {
            return Err(strings_over(path, limit, &sink));
        }
    }
    Ok(())
}

/// The shared strings' part, as calamine finds it: its name without regard to case or to
/// which way its slashes lean.
fn is_shared_strings(name: &str) -> bool {
    name.replace('\\', "/")
        .eq_ignore_ascii_case("xl/sharedStrings.xml")
}

/// The refusal of a workbook whose shared strings would take more memory than the limit.
fn strings_over(path: &str, limit: &Limit, sink: &Counter) -> FileError {
    let strings = sink.strings.as_ref().map_or(0, SharedStrings::strings);
    let what = format!(
        "the workbook's {strings} shared strings would take more than {} in memory",
        Size(limit.bytes)
    );
    limit.refusal(Location::file(path), &what, limit.bytes.saturating_add(1))
}

/// Where an entry is unpacked to: it counts the bytes (and the shared strings) and keeps
/// nothing.
struct Counter {
    bytes: u64,
    strings: Option<SharedStrings>,
    /// What is left of the limit for this entry.
    budget: u64,
    /// The shared strings went over the budget (the write was stopped there).
    over: bool,
}

impl Counter {
    /// What the entry will take: its bytes, and for the shared strings their memory besides.
    fn held(&self) -> u64 {
        let strings = self.strings.as_ref().map_or(0, SharedStrings::strings);
        self.bytes
            .saturating_add(strings.saturating_mul(PER_STRING))
    }
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes = self.bytes.saturating_add(buf.len() as u64);
        if let Some(strings) = &mut self.strings {
            strings.scan(buf);
            // Stopped as soon as it is over: a bomb of `<si/>` is not unpacked to its end.
            if self.held() > self.budget {
                self.over = true;
                return Err(std::io::Error::other("over the limit"));
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The shared strings counted as their XML streams past, byte by byte, across the chunks it
/// is unpacked in: each `<si>` is a string a reader will hold, and `uniqueCount="N"` is how
/// many it will make room for before reading one.
#[derive(Debug, Default)]
struct SharedStrings {
    /// The last 16 bytes seen, the newest lowest.
    recent: u128,
    count: u64,
    claimed: u64,
    claim: Claim,
    /// The last tag begun is a closing one (`</x:si>` is no string).
    closing: bool,
}

/// Where a scan is in `uniqueCount = "123"`.
#[derive(Debug, Default, Clone, Copy)]
enum Claim {
    #[default]
    None,
    Name,
    Equals,
    Digits {
        quote: u8,
        n: u64,
    },
}

const UNIQUE_COUNT: &[u8] = b"uniqueCount";

impl SharedStrings {
    /// The strings a reader will hold room for: as many as it finds, or as it was told.
    fn strings(&self) -> u64 {
        self.count.max(self.claimed)
    }

    fn scan(&mut self, bytes: &[u8]) {
        let pattern = UNIQUE_COUNT
            .iter()
            .fold(0u128, |acc, &b| (acc << 8) | u128::from(b));
        let mask = (1u128 << (8 * UNIQUE_COUNT.len())) - 1;
        for &b in bytes {
            self.claim = match self.claim {
                Claim::Name if b.is_ascii_whitespace() => Claim::Name,
                Claim::Name if b == b'=' => Claim::Equals,
                Claim::Equals if b.is_ascii_whitespace() => Claim::Equals,
                Claim::Equals if b == b'"' || b == b'\'' => Claim::Digits { quote: b, n: 0 },
                Claim::Digits { quote, n } if b.is_ascii_digit() => Claim::Digits {
                    quote,
                    n: n.saturating_mul(10).saturating_add(u64::from(b - b'0')),
                },
                Claim::Digits { quote, n } if b == quote => {
                    self.claimed = self.claimed.max(n);
                    Claim::None
                }
                _ => Claim::None,
            };
            if self.recent & 0xff == u128::from(b'<') {
                self.closing = b == b'/';
            }
            self.recent = (self.recent << 8) | u128::from(b);
            if self.recent & mask == pattern {
                self.claim = Claim::Name;
            }
            // `<si>`, `<si/>`, `<si …>` or `<x:si>`: `si` after a tag's start or a prefix,
            // and then the name's end. (Text holding ":si " counts too: more, never fewer.)
            let [open, s, i, end] = ((self.recent & 0xffff_ffff) as u32).to_be_bytes();
            if s == b's'
                && i == b'i'
                && (open == b'<' || open == b':' && !self.closing)
                && (end == b'>' || end == b'/' || end.is_ascii_whitespace())
            {
                self.count += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::limits::{Limits, MIB, Size};
    use super::*;
    use std::io::Cursor;

    fn scanned(chunks: &[&str]) -> SharedStrings {
        let mut s = SharedStrings::default();
        for chunk in chunks {
            s.scan(chunk.as_bytes());
        }
        s
    }

    #[test]
    fn shared_strings_are_counted_across_chunks() {
        let xml = "<?xml version=\"1.0\"?><sst xmlns=\"x\" count=\"9\" uniqueCount = '4'><si><t>a</t></si><si/><x:si xml:space=\"p\"><t>b</t></x:si><si\n><t>c</t></si><sis/><sheet/></sst>";
        let whole = scanned(&[xml]);
        assert_eq!((whole.count, whole.claimed), (4, 4));
        // Cut at every place: the same counts.
        for at in 0..xml.len() {
            let cut = scanned(&[&xml[..at], &xml[at..]]);
            assert_eq!((cut.count, cut.claimed), (4, 4), "cut at {at}");
        }
        let claim = scanned(&["<sst uniqueCount=\"1000000000000\">"]);
        assert_eq!(claim.strings(), 1_000_000_000_000);
        let unread = scanned(&["<sst uniqueCount=\"12 \" count=\"x\">"]);
        assert_eq!(unread.strings(), 0);
    }

    /// A zip of (name, text) entries, deflated.
    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        for (name, bytes) in entries {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    fn check(bytes: &[u8], limit: u64) -> Result<(), String> {
        let limit = Limits::with(Some(Size(limit))).workbook_contents();
        check_workbook(Cursor::new(bytes), "s.xlsx", &limit).map_err(|e| e.to_string())
    }

    #[test]
    fn a_workbook_is_measured_unpacked() {
        let zeros = vec![b'0'; 3 * MIB as usize];
        let book = zip_of(&[("xl/worksheets/sheet1.xml", &zeros)]);
        assert!(book.len() < 100_000);
        assert!(check(&book, 4 * MIB).is_ok());
        assert_eq!(
            check(&book, 2 * MIB).unwrap_err(),
            "s.xlsx: the workbook unpacks to 3 MiB, over kaohe's limit of 2 MiB for a workbook's contents; if it is genuine, raise the limit: --limit 4MiB"
        );
    }

    #[test]
    fn shared_strings_count_as_they_are_held() {
        let mut xml = b"<sst>".to_vec();
        for _ in 0..20_000 {
            xml.extend_from_slice(b"<si/>");
        }
        xml.extend_from_slice(b"</sst>");
        // 100 KB of XML, 20,000 strings: 1.6 MB in memory.
        let book = zip_of(&[("xl/SharedStrings.xml", &xml)]);
        assert!(check(&book, 2 * MIB).is_ok());
        let e = check(&book, MIB).unwrap_err();
        assert!(
            e.starts_with("s.xlsx: the workbook's ") && e.contains(" shared strings would take more than 1 MiB in memory, over kaohe's limit of 1 MiB for a workbook's contents; if it is genuine, raise the limit: --limit 2MiB"),
            "{e}"
        );
        // A tiny file claiming a trillion strings is refused before a reader makes room.
        let claim = zip_of(&[(
            "xl/sharedStrings.xml",
            b"<sst uniqueCount=\"1000000000000\"><si/></sst>",
        )]);
        let e = check(&claim, Limits::default().unpacked).unwrap_err();
        assert!(e.contains("1000000000000 shared strings would take more than 1 GiB"), "{e}");
    }

    #[test]
    fn a_part_longer_than_it_declares_is_refused_having_read_no_further() {
        let zeros = vec![b'0'; 3 * MIB as usize];
        let mut book = zip_of(&[("xl/worksheets/sheet1.xml", &zeros)]);
        // Its local and central headers made to declare 1,000 bytes.
        let declared = 3 * MIB as u32;
        let mut patched = 0;
        for at in 0..book.len() - 4 {
            if book[at..at + 4] == declared.to_le_bytes() && book[at - 4..at] != [0; 4] {
                book[at..at + 4].copy_from_slice(&1000u32.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 2);
        assert_eq!(
            check(&book, Limits::default().unpacked).unwrap_err(),
            "s.xlsx: the workbook is damaged or made to mislead: its part xl/worksheets/sheet1.xml unpacks to more than the 1000 bytes it declares"
        );
    }

    #[test]
    fn damaged_zips_are_unreadable_in_one_line() {
        let e = check(b"PK\x03\x04 not a zip at all", MIB).unwrap_err();
        assert!(
            e.starts_with("s.xlsx: cannot read the workbook (is it a damaged or non-Excel file?): "),
            "{e}"
        );
        assert_eq!(e.lines().count(), 1);
    }
}
