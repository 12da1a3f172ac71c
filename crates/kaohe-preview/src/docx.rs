//! A Word document's text (.docx): its zip looked through first, then the body's paragraphs
//! from word/document.xml, one line each; a table's row on one line, its cells apart by a
//! tab; tabs and line breaks inside a paragraph kept.

use crate::lines::Budget;
use crate::unpack::{check_zip, damaged, member, open_zip};
use crate::{Kind, Label, Limits, Part, Preview, Why};
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::Event;

pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Preview, Why> {
    let mut zip = open_zip(bytes, Kind::Docx)?;
    check_zip(&mut zip, Kind::Docx, limits.unpacked_bytes)?;
    if zip.index_for_name("EncryptedPackage").is_some() {
        return Err(Why::Encrypted);
    }
    let xml = member(
        &mut zip,
        "word/document.xml",
        Kind::Docx,
        limits.unpacked_bytes,
    )?
    .ok_or(Why::Damaged {
        kind: Kind::Docx,
        detail: Some("it has no word/document.xml".into()),
    })?;
    let text = body_text(&xml).map_err(|e| damaged(Kind::Docx, &e))?;
    let mut budget = Budget::new(limits.text_chars);
    let mut lines = Vec::new();
    budget.push_text(&text, &mut lines);
    let mut preview = Preview::one(
        Kind::Docx,
        Part::Text {
            label: Label::Whole,
            lines,
        },
    );
    preview.notes.extend(budget.note());
    Ok(preview)
}

/// The document's text: a line for each paragraph, and for each table row.
fn body_text(xml: &[u8]) -> Result<String, quick_xml::Error> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = String::new();
    // Inside <w:t> (text is only taken there: not from field codes or deleted runs' <w:delText>).
    let mut in_text = false;
    // Table rows being read (tables nest): within one, paragraphs do not end lines.
    let mut rows = 0usize;
    let mut cell_has_text = false;
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"t" => in_text = true,
                b"tr" => rows += 1,
                b"tc" => cell_has_text = false,
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" => out.push('\t'),
                b"br" | b"cr" if rows == 0 => out.push('\n'),
                b"br" | b"cr" => out.push(' '),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" if rows == 0 => out.push('\n'),
                b"p" if cell_has_text => out.push(' '),
                b"tc" => {
                    while out.ends_with(' ') {
                        out.pop();
                    }
                    out.push('\t');
                }
                b"tr" => {
                    rows = rows.saturating_sub(1);
                    while out.ends_with('\t') || out.ends_with(' ') {
                        out.pop();
                    }
                    out.push('\n');
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                out.push_str(&t.xml10_content()?);
                cell_has_text = true;
            }
            Event::GeneralRef(r) if in_text => {
                let name = r.decode()?;
                if let Some(s) = resolve_xml_entity(&name) {
                    out.push_str(s);
                } else if let Some(c) = r.resolve_char_ref()? {
                    out.push(c);
                }
                cell_has_text = true;
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    while out.ends_with('\n') {
        out.pop();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_tables_tabs_and_entities() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>关于印发</w:t></w:r><w:r><w:t xml:space="preserve"> 养老 &amp; 救助</w:t></w:r></w:p>
<w:p><w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>县</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>柯城区</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:instrText>PAGE</w:instrText><w:t>完</w:t></w:r></w:p>
</w:body></w:document>"#;
        let text = body_text(xml.as_bytes()).unwrap();
        assert_eq!(text, "关于印发 养老 & 救助\n甲\t乙\n丙\n县\t柯城区\n完");
    }
}
