//! A PDF's text, page by page, read with lopdf; a page with no text but a picture (a scanned
//! page) shown as its picture. Before lopdf sees the file, every compressed stream in it is
//! unpacked into a counter: lopdf unpacks streams whole and unbounded, so a deflate bomb must
//! be refused first.
//!
//! Text is read from the page's content: the strings shown (`Tj`, `TJ`, `'`, `"`) decoded by
//! their font's encoding (its ToUnicode map for the CID fonts Chinese PDFs use, UCS-2 for
//! the standard Chinese encodings), a new line where the text moves to another line.

use crate::lines::Budget;
use crate::picture::Picture;
use crate::unpack::{inflate, inflated_size, lzw_size};
use crate::{Kind, Label, Limits, Note, Part, Preview, Why};
use lopdf::{Document, Encoding, Object, ObjectId};
use std::collections::BTreeMap;

pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Preview, Why> {
    check_streams(bytes, limits.unpacked_bytes)?;
    let doc = Document::load_mem(bytes).map_err(|e| damaged(&e))?;
    if doc.trailer.get(b"Encrypt").is_ok() && !doc.was_encrypted() {
        // Encrypted, and the empty password (an owner's lock only) did not open it.
        return Err(Why::Encrypted);
    }
    let pages = doc.get_pages();
    let total = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    let mut budget = Budget::new(limits.text_chars);
    let mut parts = Vec::new();
    let mut unreadable = Vec::new();
    let mut scans = 0;
    let mut scans_cut = None;
    for (&number, &page) in pages.iter().take(limits.pages) {
        let label = Label::Page(number);
        let text = match page_text(&doc, page) {
            Ok(text) => text,
            Err(_) => {
                unreadable.push(number);
                String::new()
            }
        };
        if text.trim().is_empty() && !budget.spent() {
            // A scanned page: its picture, while the limit on pictures lasts.
            if let Some(picture) =
                scanned_picture(&doc, page, limits, &mut scans, &mut scans_cut, number)?
            {
                parts.push(Part::Picture { label, picture });
                continue;
            }
        }
        let mut lines = Vec::new();
        if !budget.spent() {
            budget.push_text(text.trim_end_matches('\n'), &mut lines);
        }
        if text.trim().is_empty() {
            lines.clear();
        }
        parts.push(Part::Text { label, lines });
    }
    let mut notes = Vec::new();
    if pages.len() > limits.pages {
        notes.push(Note::PagesCut { kept: limits.pages });
    }
    if let Some(from_page) = scans_cut {
        notes.push(Note::ScansCut { from_page });
    }
    if !unreadable.is_empty() {
        notes.push(Note::PagesUnreadable { pages: unreadable });
    }
    notes.extend(budget.note());
    Ok(Preview {
        kind: Kind::Pdf,
        parts,
        notes,
        pages: Some(total),
    })
}

fn damaged(e: &dyn std::fmt::Display) -> Why {
    crate::unpack::damaged(Kind::Pdf, e)
}

/// Unpacks every stream of the file into a counter (deflate, deflate twice over, LZW where
/// the stream's dictionary names it), and refuses the file if they unpack to more than
/// `limit` together. Streams are found by their keywords, not through lopdf: nothing is
/// unpacked for real before this has passed.
fn check_streams(bytes: &[u8], limit: u64) -> Result<(), Why> {
    let over = || Why::Unpacks { limit };
    let mut left = limit;
    let mut at = 0;
    let mut dict_from = 0;
    while let Some(found) = crate::kind::find(&bytes[at..], b"stream") {
        let keyword = at + found;
        at = keyword + b"stream".len();
        // "endstream" ends one; "stream" must be followed by a line end to start one.
        if keyword >= 3 && &bytes[keyword - 3..keyword] == b"end" {
            dict_from = at;
            continue;
        }
        let start = match bytes.get(at..at + 2) {
            Some([b'\r', b'\n']) => at + 2,
            Some([b'\n', _]) | Some([b'\r', _]) => at + 1,
            _ => continue,
        };
        let end =
            crate::kind::find(&bytes[start..], b"endstream").map_or(bytes.len(), |e| start + e);
        let data = &bytes[start..end];
        let dict = &bytes[dict_from..keyword];
        let mut used = 0;
        if let Some(n) = inflated_size(data, left) {
            used = n;
            if n <= left && is_zlib(&inflate(data, 2)) {
                // Deflated twice over ([/FlateDecode /FlateDecode]): the inner one counts too.
                let inner = inflate(data, n);
                used = used.saturating_add(inflated_size(&inner, left).unwrap_or(0));
            }
        } else if crate::kind::find(dict, b"LZW").is_some() {
            used = lzw_size(data, left);
        }
        if used > left {
            return Err(over());
        }
        left -= used;
        at = end;
        dict_from = end;
    }
    Ok(())
}

/// Whether bytes start as a zlib stream does (deflate, a header whose check sums right).
fn is_zlib(head: &[u8]) -> bool {
    match head {
        [cmf, flg, ..] => cmf & 0x0f == 8 && (u16::from(*cmf) * 256 + u16::from(*flg)) % 31 == 0,
        _ => false,
    }
}

/// The text a page shows, its lines as they are laid out.
fn page_text(doc: &Document, page: ObjectId) -> Result<String, lopdf::Error> {
    let fonts = doc.get_page_fonts(page)?;
    let encodings: BTreeMap<Vec<u8>, Encoding> = fonts
        .into_iter()
        .filter_map(|(name, font)| font.get_font_encoding(doc).ok().map(|e| (name, e)))
        .collect();
    let content = doc.get_and_decode_page_content(page)?;
    let mut text = String::new();
    let mut encoding = None;
    // Where the text is: its line's height, and the scale a move is made in.
    let mut y: Option<f32> = None;
    let mut scale = 1.0f32;
    let mut leading = 0.0f32;
    let new_line = |text: &mut String| {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
    };
    for op in &content.operations {
        let number = |i: usize| {
            op.operands
                .get(i)
                .and_then(|o| o.as_float().ok())
                .unwrap_or(0.0)
        };
        match op.operator.as_str() {
            "Tf" => {
                encoding = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|name| encodings.get(name));
            }
            "Tm" => {
                let (d, f) = (number(3), number(5));
                scale = if d.abs() > f32::EPSILON { d.abs() } else { 1.0 };
                if y.is_some_and(|y| (y - f).abs() > scale * 0.5) {
                    new_line(&mut text);
                }
                y = Some(f);
            }
            "Td" | "TD" => {
                let ty = number(1);
                if op.operator == "TD" {
                    leading = -ty;
                }
                if ty.abs() > 0.01 {
                    new_line(&mut text);
                }
                y = Some(y.unwrap_or(0.0) + ty * scale);
            }
            "TL" => leading = number(0),
            "T*" => {
                new_line(&mut text);
                y = Some(y.unwrap_or(0.0) - leading * scale);
            }
            "'" | "\"" => {
                new_line(&mut text);
                y = Some(y.unwrap_or(0.0) - leading * scale);
                if let (Some(enc), Some(s)) = (encoding, op.operands.last()) {
                    show(enc, s, &mut text);
                }
            }
            "Tj" => {
                if let (Some(enc), Some(s)) = (encoding, op.operands.first()) {
                    show(enc, s, &mut text);
                }
            }
            "TJ" => {
                let Some(Ok(items)) = op.operands.first().map(Object::as_array) else {
                    continue;
                };
                let Some(enc) = encoding else { continue };
                for item in items {
                    match item {
                        Object::String(..) => show(enc, item, &mut text),
                        // A gap wider than a third of a letter is a space between words.
                        Object::Integer(_) | Object::Real(_)
                            if item.as_float().is_ok_and(|gap| gap < -300.0)
                                && text
                                    .chars()
                                    .last()
                                    .is_some_and(|c| c.is_ascii_alphanumeric()) =>
                        {
                            text.push(' ');
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(text)
}

/// A string shown, decoded by its font's encoding (nothing, if it does not decode).
fn show(encoding: &Encoding, string: &Object, text: &mut String) {
    if let Object::String(bytes, _) = string {
        if let Ok(s) = Document::decode_text(encoding, bytes) {
            // A font without a map to Unicode gives NULs and the like: shown as what they are
            // when the lines are made safe.
            text.push_str(&s);
        }
    }
}

/// The picture of a scanned page: its largest image, if it is a JPEG (DCTDecode) or plain
/// 8-bit grey or RGB pixels (deflated or not), within the limit on how many are decoded.
fn scanned_picture(
    doc: &Document,
    page: ObjectId,
    limits: &Limits,
    scans: &mut usize,
    scans_cut: &mut Option<u32>,
    number: u32,
) -> Result<Option<Picture>, Why> {
    let Ok(images) = doc.get_page_images(page) else {
        return Ok(None);
    };
    let Some(image) = images
        .iter()
        .filter(|i| i.width > 0 && i.height > 0)
        .max_by_key(|i| i.width.saturating_mul(i.height))
    else {
        return Ok(None);
    };
    if *scans >= limits.scanned_pages {
        scans_cut.get_or_insert(number);
        return Ok(None);
    }
    *scans += 1;
    let (w, h) = (
        u32::try_from(image.width).unwrap_or(u32::MAX),
        u32::try_from(image.height).unwrap_or(u32::MAX),
    );
    if u64::from(w) * u64::from(h) > limits.pixels {
        return Err(Why::PictureTooBig {
            width: w,
            height: h,
            limit: limits.pixels,
        });
    }
    let filters: Vec<&str> = image
        .filters
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(String::as_str)
        .collect();
    let picture = match filters.as_slice() {
        ["DCTDecode"] => crate::raster::decode(Kind::Jpeg, image.content, limits).ok(),
        [] | ["FlateDecode"] => raw_pixels(image, &filters, limits),
        _ => None,
    };
    Ok(picture)
}

/// An image's plain pixels: 8 bits a component, grey or RGB.
fn raw_pixels(
    image: &lopdf::xobject::PdfImage,
    filters: &[&str],
    limits: &Limits,
) -> Option<Picture> {
    // Pixels with a predictor (DecodeParms) or of other depths are not unpacked here.
    if image.bits_per_component != Some(8) || image.origin_dict.get(b"DecodeParms").is_ok() {
        return None;
    }
    let channels = match image.color_space.as_deref() {
        Some("DeviceRGB") => 3,
        Some("DeviceGray") => 1,
        _ => return None,
    };
    let (w, h) = (
        u32::try_from(image.width).ok()?,
        u32::try_from(image.height).ok()?,
    );
    let needed = u64::from(w) * u64::from(h) * channels;
    let data = if filters.is_empty() {
        image.content.to_vec()
    } else {
        inflate(image.content, needed)
    };
    if (data.len() as u64) < needed {
        return None;
    }
    let rgb: Vec<u8> = if channels == 3 {
        data[..needed as usize].to_vec()
    } else {
        data[..needed as usize]
            .iter()
            .flat_map(|&g| [g, g, g])
            .collect()
    };
    Picture::new(w, h, rgb).map(|p| p.fit(limits.picture_side, limits.picture_side))
}
