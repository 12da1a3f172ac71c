//! The XML of a workbook's parts, read as it streams: events, attributes by name, and an
//! element's text with its entities resolved.

use super::damaged;
use crate::error::FileError;
use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};
use std::io::BufRead;

/// A reader of one part's XML. Every element gives a start and an end event, written out in
/// full or not (`<c/>` as `<c></c>`), so a reader counts depth one way.
pub(super) fn reader<B: BufRead>(input: B) -> Reader<B> {
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.trim_text(false);
    reader
}

/// The next event of part `part`, or why the part is not XML.
pub(super) fn next<'b, B: BufRead>(
    reader: &mut Reader<B>,
    buf: &'b mut Vec<u8>,
    path: &str,
    part: &str,
) -> Result<Event<'b>, FileError> {
    buf.clear();
    reader.read_event_into(buf).map_err(|e| {
        damaged(
            path,
            &format!("its part {part} is not well-formed XML ({e})"),
        )
    })
}

/// The attribute whose name is `name` as written (`r`, `table:name`), its entities resolved.
pub(super) fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.decode_and_unescape_value(e.decoder()).ok())
        .map(|v| v.into_owned())
}

/// The attribute in some namespace whose local name is `local` (`r:id`, whatever its prefix).
pub(super) fn prefixed_attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.prefix().is_some() && a.key.local_name().as_ref() == local)
        .and_then(|a| a.decode_and_unescape_value(e.decoder()).ok())
        .map(|v| v.into_owned())
}

/// Adds an entity reference (`&amp;`, `&#x41;`) to `text`; one XML does not define is kept as
/// written.
pub(super) fn push_entity(text: &mut String, entity: &BytesRef<'_>) {
    if let Ok(Some(c)) = entity.resolve_char_ref() {
        text.push(c);
        return;
    }
    let name = entity.decode().unwrap_or_default();
    match name.as_ref() {
        "amp" => text.push('&'),
        "lt" => text.push('<'),
        "gt" => text.push('>'),
        "quot" => text.push('"'),
        "apos" => text.push('\''),
        other => {
            text.push('&');
            text.push_str(other);
            text.push(';');
        }
    }
}

/// Adds a text or CDATA event's text (line ends as XML reads them) to `text`; anything else
/// adds nothing. Whether it was text.
pub(super) fn push_text(text: &mut String, event: &Event<'_>) -> bool {
    match event {
        Event::Text(t) => {
            text.push_str(&t.xml10_content().unwrap_or_default());
            true
        }
        Event::CData(c) => {
            text.push_str(&String::from_utf8_lossy(c));
            true
        }
        Event::GeneralRef(r) => {
            push_entity(text, r);
            true
        }
        _ => false,
    }
}

/// The text inside the element just started (whose start event was the last read), up to its
/// end; the reader is left after its end.
pub(super) fn text_within<B: BufRead>(
    reader: &mut Reader<B>,
    buf: &mut Vec<u8>,
    path: &str,
    part: &str,
) -> Result<String, FileError> {
    let mut text = String::new();
    strings_into(reader, buf, path, part, false, &mut text)?;
    Ok(text)
}

/// [`text_within`], into `text` (cleared first): a reader of many cells keeps one.
pub(super) fn text_into<B: BufRead>(
    reader: &mut Reader<B>,
    buf: &mut Vec<u8>,
    path: &str,
    part: &str,
    text: &mut String,
) -> Result<(), FileError> {
    text.clear();
    strings_into(reader, buf, path, part, false, text)
}

/// The text of the `<t>` elements inside the element just started (a shared string's `<si>`,
/// an inline string's `<is>`), its runs joined, its phonetic guides (`<rPh>`) left out.
pub(super) fn runs_within<B: BufRead>(
    reader: &mut Reader<B>,
    buf: &mut Vec<u8>,
    path: &str,
    part: &str,
) -> Result<String, FileError> {
    let mut text = String::new();
    strings_into(reader, buf, path, part, true, &mut text)?;
    Ok(text)
}

fn strings_into<B: BufRead>(
    reader: &mut Reader<B>,
    buf: &mut Vec<u8>,
    path: &str,
    part: &str,
    runs: bool,
    text: &mut String,
) -> Result<(), FileError> {
    let mut depth = 0usize;
    // Depth of the `<t>` being read, and of a phonetic guide being passed over.
    let mut in_t: Option<usize> = None;
    let mut in_guide: Option<usize> = None;
    loop {
        let event = next(reader, buf, path, part)?;
        match &event {
            Event::Start(e) => {
                depth += 1;
                let name = e.local_name();
                if name.as_ref() == b"rPh" && in_guide.is_none() {
                    in_guide = Some(depth);
                } else if name.as_ref() == b"t" && in_t.is_none() {
                    in_t = Some(depth);
                }
            }
            Event::End(_) => {
                if depth == 0 {
                    return Ok(());
                }
                if in_guide == Some(depth) {
                    in_guide = None;
                }
                if in_t == Some(depth) {
                    in_t = None;
                }
                depth -= 1;
            }
            Event::Eof => {
                return Err(damaged(path, &format!("its part {part} ends too soon")));
            }
            other => {
                if !runs || (in_t.is_some() && in_guide.is_none()) {
                    push_text(text, other);
                }
            }
        }
    }
}

/// Passes over the rest of the element just started, to its end.
pub(super) fn skip_within<B: BufRead>(
    reader: &mut Reader<B>,
    buf: &mut Vec<u8>,
    path: &str,
    part: &str,
) -> Result<(), FileError> {
    let mut depth = 0usize;
    loop {
        match next(reader, buf, path, part)? {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return Ok(()),
            Event::End(_) => depth -= 1,
            Event::Eof => return Err(damaged(path, &format!("its part {part} ends too soon"))),
            _ => {}
        }
    }
}
