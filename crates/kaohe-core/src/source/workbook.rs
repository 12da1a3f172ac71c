//! A workbook's zip looked through before a reader unpacks it. Every part is unpacked into a
//! counter and never kept, so a zip bomb is refused in constant memory before a reader sees
//! it. A part that unpacks to more than it declares is refused as damaged, so what was counted
//! is what a reader will meet. What a reader holds in memory whole — the shared strings (for
//! as many of which a reader might make room first as the file claims), the merged regions,
//! the parts read when the workbook is opened — is counted as what it will take there.

use super::limits::{Limit, Size};
use crate::error::{FileError, Location};
use std::io::{Read, Seek, Write};

/// How a refusal of a workbook that cannot be read begins.
pub const UNREADABLE: &str = "cannot read the workbook (is it a damaged or non-Excel file?)";

/// "cannot read the workbook (is it a damaged or non-Excel file?): …", in one line.
pub fn unreadable(path: &str, e: &dyn std::fmt::Display) -> FileError {
    let said = e.to_string();
    let first = said.lines().next().unwrap_or_default().trim();
    FileError::new(Location::file(path), format!("{UNREADABLE}: {first}"))
}

/// Unpacks every part of the workbook `reader` holds into a counter, and refuses it if its
/// contents (with what a reader holds of them in memory) are over `limit`, or if a part is
/// longer than it says. Memory stays that of one part's reading buffer, whatever the file
/// holds.
pub fn check_workbook<R: Read + Seek>(
    reader: R,
    path: &str,
    limit: &Limit,
) -> Result<(), FileError> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| unreadable(path, &e))?;
    // Sizes as the parts declare them: a bomb that says what it is is refused at once.
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
        let mut part = zip.by_index(i).map_err(|e| unreadable(path, &e))?;
        let name = crate::text::clean(part.name());
        let mut sink = Counter {
            bytes: 0,
            held: Held::new(Kind::of(&name)),
            budget: limit.bytes.saturating_sub(counted),
            over: false,
        };
        // One byte past what the part declares is enough to know it lied.
        let copied = std::io::copy(&mut (&mut part).take(size.saturating_add(1)), &mut sink);
        if sink.over {
            return Err(held_over(path, limit, &name, &sink.held));
        }
        copied.map_err(|e| unreadable(path, &e))?;
        if sink.bytes > size {
            return Err(FileError::new(
                Location::file(path),
                format!(
                    "the workbook is damaged or made to mislead: its part {name} unpacks to more than the {} it declares",
                    Size(size)
                ),
            ));
        }
        counted = counted.saturating_add(sink.total());
        if counted > limit.bytes {
            return Err(held_over(path, limit, &name, &sink.held));
        }
    }
    Ok(())
}

/// The refusal of a workbook whose part `name` would take more memory than the limit.
fn held_over(path: &str, limit: &Limit, name: &str, held: &Held) -> FileError {
    let n = held.things();
    let over = Size(limit.bytes);
    let what = match held.kind {
        Kind::Strings => {
            format!("the workbook's {n} shared strings would take more than {over} in memory")
        }
        Kind::Merges => {
            format!("the workbook's {n} merged regions would take more than {over} in memory")
        }
        Kind::Elements => format!(
            "the workbook's part {name} ({n} elements) would take more than {over} in memory"
        ),
    };
    limit.refusal(Location::file(path), &what, limit.bytes.saturating_add(1))
}

/// What a reader holds of a part in memory besides its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The shared strings: each `<si>` a string held, and room made first for as many as
    /// `uniqueCount` says.
    Strings,
    /// A part read whole when the workbook is opened (its sheets' names, its styles, their
    /// relationships): each element held.
    Elements,
    /// Any other part, a sheet among them (its cells stream past): each `<mergeCell>` a
    /// region held.
    Merges,
}

impl Kind {
    /// A part by its name, as readers find parts: without regard to case or to which way
    /// its slashes lean.
    fn of(name: &str) -> Kind {
        match name.replace('\\', "/").to_ascii_lowercase().as_str() {
            "xl/sharedstrings.xml" => Kind::Strings,
            "xl/workbook.xml" | "xl/styles.xml" | "xl/_rels/workbook.xml.rels" => Kind::Elements,
            _ => Kind::Merges,
        }
    }

    /// What each thing held takes in memory besides its text: a string's `String` (24 bytes),
    /// its allocation's overhead and a growing list's spare room; a region's four numbers
    /// twice over (the reader's list and the import's map); an element's names and values.
    fn cost(self) -> u64 {
        match self {
            Kind::Strings => 80,
            Kind::Merges => 64,
            Kind::Elements => 160,
        }
    }
}

/// Where a part is unpacked to: it counts the bytes and what a reader will hold of them, and
/// keeps nothing.
struct Counter {
    bytes: u64,
    held: Held,
    /// What is left of the limit for this part.
    budget: u64,
    /// What is held went over the budget (the write was stopped there).
    over: bool,
}

impl Counter {
    /// What the part will take: its bytes, and what is held of it besides.
    fn total(&self) -> u64 {
        self.bytes
            .saturating_add(self.held.things().saturating_mul(self.held.kind.cost()))
    }
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes = self.bytes.saturating_add(buf.len() as u64);
        self.held.scan(buf);
        // Stopped as soon as it is over: a bomb of `<si/>` is not unpacked to its end.
        if self.total() > self.budget {
            self.over = true;
            return Err(std::io::Error::other("over the limit"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a reader will hold of a part, counted as its XML streams past, byte by byte across
/// the chunks it is unpacked in.
#[derive(Debug)]
struct Held {
    kind: Kind,
    /// The last 16 bytes seen, the newest lowest.
    recent: u128,
    /// The last tag begun is a closing one (`</x:si>` is no string).
    closing: bool,
    count: u64,
    /// The most a `uniqueCount="N"` claims.
    claimed: u64,
    claim: Claim,
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

/// A byte string as the low bytes of a number, the last byte lowest.
fn packed(bytes: &[u8]) -> u128 {
    bytes.iter().fold(0, |acc, &b| (acc << 8) | u128::from(b))
}

impl Held {
    fn new(kind: Kind) -> Held {
        Held {
            kind,
            recent: 0,
            closing: false,
            count: 0,
            claimed: 0,
            claim: Claim::None,
        }
    }

    /// The things a reader will hold: as many as it finds, or as it was told to make room for.
    fn things(&self) -> u64 {
        self.count.max(self.claimed)
    }

    /// The bytes just seen end a start tag's name `name`: `<name>`, `<name/>`, `<name …` or,
    /// with a prefix, `<x:name …`.
    fn start_tag_ends(&self, name: &[u8]) -> bool {
        let n = name.len();
        let end = (self.recent & 0xff) as u8;
        let before = ((self.recent >> (8 * (n + 1))) & 0xff) as u8;
        (end == b'>' || end == b'/' || end.is_ascii_whitespace())
            && (self.recent >> 8) & ((1u128 << (8 * n)) - 1) == packed(name)
            && (before == b'<' || (before == b':' && !self.closing))
    }

    fn scan(&mut self, bytes: &[u8]) {
        for &b in bytes {
            let after_open = self.recent & 0xff == u128::from(b'<');
            if after_open {
                self.closing = b == b'/';
            }
            self.recent = (self.recent << 8) | u128::from(b);
            match self.kind {
                Kind::Strings => {
                    self.claim_byte(b);
                    if self.start_tag_ends(b"si") {
                        self.count += 1;
                    }
                }
                Kind::Merges => {
                    if self.start_tag_ends(b"mergeCell") {
                        self.count += 1;
                    }
                }
                Kind::Elements => {
                    if after_open && (b.is_ascii_alphabetic() || b == b'_' || b >= 0x80) {
                        self.count += 1;
                    }
                }
            }
        }
    }

    /// Follows `uniqueCount = "N"` through byte `b` (already in `recent`).
    fn claim_byte(&mut self, b: u8) {
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
        let mask = (1u128 << (8 * UNIQUE_COUNT.len())) - 1;
        if self.recent & mask == packed(UNIQUE_COUNT) {
            self.claim = Claim::Name;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::limits::{Limits, MIB, Size};
    use super::*;
    use std::io::Cursor;

    fn scanned_as(kind: Kind, chunks: &[&str]) -> Held {
        let mut s = Held::new(kind);
        for chunk in chunks {
            s.scan(chunk.as_bytes());
        }
        s
    }

    fn scanned(chunks: &[&str]) -> Held {
        scanned_as(Kind::Strings, chunks)
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
        assert_eq!(claim.things(), 1_000_000_000_000);
        let unread = scanned(&["<sst uniqueCount=\"12 \" count=\"x\">"]);
        assert_eq!(unread.things(), 0);
    }

    #[test]
    fn merges_and_elements_are_counted_across_chunks() {
        let sheet = "<worksheet><sheetData><row r=\"1\"/></sheetData><mergeCells count=\"3\"><mergeCell ref=\"A1:A9\"/><x:mergeCell ref=\"B1:B9\"></x:mergeCell><mergeCell\tref=\"C1:C9\"/></mergeCells></worksheet>";
        let book = "<?xml version=\"1.0\"?><!-- x --><workbook><sheets><sheet name=\"a\"/><s:sheet/></sheets></workbook>";
        for at in 0..sheet.len() {
            let cut = scanned_as(Kind::Merges, &[&sheet[..at], &sheet[at..]]);
            assert_eq!(cut.things(), 3, "cut at {at}");
        }
        for at in 0..book.len() {
            let cut = scanned_as(Kind::Elements, &[&book[..at], &book[at..]]);
            assert_eq!(cut.things(), 4, "cut at {at}");
        }
        assert_eq!(Kind::of("XL\\SharedStrings.xml"), Kind::Strings);
        assert_eq!(Kind::of("xl/workbook.xml"), Kind::Elements);
        assert_eq!(Kind::of("xl/worksheets/sheet1.xml"), Kind::Merges);
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
        assert!(
            e.contains("1000000000000 shared strings would take more than 1 GiB"),
            "{e}"
        );
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
            e.starts_with(
                "s.xlsx: cannot read the workbook (is it a damaged or non-Excel file?): "
            ),
            "{e}"
        );
        assert_eq!(e.lines().count(), 1);
    }
}
