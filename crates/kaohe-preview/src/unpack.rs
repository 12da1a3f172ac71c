//! Compressed content unpacked into a counter before any reader unpacks it for real, so that
//! a bomb (a zip member or a deflate stream that unpacks a thousandfold) is refused in
//! constant memory; and a zip member read whole within what is left of the budget.

use crate::{Kind, Why};
use std::io::{Cursor, Read, Write};

/// A zip over a file's bytes.
pub(crate) type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

pub(crate) fn open_zip(bytes: &[u8], kind: Kind) -> Result<Zip<'_>, Why> {
    zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(kind, &e))
}

pub(crate) fn damaged(kind: Kind, e: &dyn std::fmt::Display) -> Why {
    Why::Damaged {
        kind,
        detail: Some(crate::kind::first_line(&e.to_string())),
    }
}

/// Unpacks every member of a zip into a counter: refused if the members together declare or
/// unpack to more than `limit`, or one unpacks to more than it declares (what was counted is
/// then what a reader will meet).
pub(crate) fn check_zip(zip: &mut Zip<'_>, kind: Kind, limit: u64) -> Result<(), Why> {
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let size = zip.by_index_raw(i).map_err(|e| damaged(kind, &e))?.size();
        declared = declared.saturating_add(size);
    }
    if declared > limit {
        return Err(Why::Unpacks { limit });
    }
    let mut left = limit;
    for i in 0..zip.len() {
        let mut member = zip.by_index(i).map_err(|e| damaged(kind, &e))?;
        let size = member.size();
        if member.is_dir() {
            continue;
        }
        let mut counter = Counter(0);
        // One byte past what it declares is enough to know it lied.
        std::io::copy(
            &mut (&mut member).take(size.saturating_add(1)),
            &mut counter,
        )
        .map_err(|e| damaged(kind, &e))?;
        if counter.0 > size || counter.0 > left {
            return Err(Why::Unpacks { limit });
        }
        left -= counter.0;
    }
    Ok(())
}

/// A zip member read whole, if the zip has it, within `limit` bytes.
pub(crate) fn member(
    zip: &mut Zip<'_>,
    name: &str,
    kind: Kind,
    limit: u64,
) -> Result<Option<Vec<u8>>, Why> {
    let Some(i) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let member = zip.by_index(i).map_err(|e| damaged(kind, &e))?;
    if member.size() > limit {
        return Err(Why::Unpacks { limit });
    }
    let mut bytes = Vec::new();
    member
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| damaged(kind, &e))?;
    if bytes.len() as u64 > limit {
        return Err(Why::Unpacks { limit });
    }
    Ok(Some(bytes))
}

/// How many bytes a zlib stream unpacks to, counted up to `most` + 1 (past that it is over
/// anyway): `None` if the bytes are not zlib at all.
pub(crate) fn inflated_size(data: &[u8], most: u64) -> Option<u64> {
    let mut decoder = flate2::read::ZlibDecoder::new(data);
    let mut counter = Counter(0);
    match std::io::copy(
        &mut (&mut decoder).take(most.saturating_add(1)),
        &mut counter,
    ) {
        Ok(n) => Some(n),
        // A damaged stream still unpacked this far before it failed.
        Err(_) if counter.0 > 0 => Some(counter.0),
        Err(_) => None,
    }
}

/// A zlib stream unpacked, up to `most` bytes (the first of them, if it holds more).
pub(crate) fn inflate(data: &[u8], most: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = flate2::read::ZlibDecoder::new(data)
        .take(most)
        .read_to_end(&mut out);
    out
}

/// How many bytes an LZW stream (as PDF writes it, most significant bit first) unpacks to,
/// counted up to `most` + 1.
pub(crate) fn lzw_size(data: &[u8], most: u64) -> u64 {
    let mut decoder = weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
    let mut counter = Counter(0);
    let mut sink = (&mut counter).take_writes(most.saturating_add(1));
    let _ = decoder.into_stream(&mut sink).decode(data);
    counter.0
}

/// A sink that counts what is written to it and keeps nothing.
struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A writer that refuses writes past a number of bytes (so a decoder writing into it stops).
struct Capped<'a> {
    inner: &'a mut Counter,
    left: u64,
}

trait TakeWrites<'a> {
    fn take_writes(self, most: u64) -> Capped<'a>;
}

impl<'a> TakeWrites<'a> for &'a mut Counter {
    fn take_writes(self, most: u64) -> Capped<'a> {
        Capped {
            inner: self,
            left: most,
        }
    }
}

impl Write for Capped<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other("over the limit"));
        }
        let n = buf.len().min(self.left as usize);
        self.left -= n as u64;
        self.inner.write(&buf[..n])
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
