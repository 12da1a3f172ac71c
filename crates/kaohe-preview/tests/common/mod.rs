//! Small evidence files made in the test, so that what is tested is plain to read: PDFs
//! written object by object (Chinese text in the two ways Chinese PDFs carry it, a scanned
//! page), a .docx and an .xlsx, pictures.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

/// A PDF of `objects` (numbered from 1, the first the catalog), its cross-reference table
/// worked out.
pub fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A stream object's bytes: its dictionary entries and its data (deflated if `deflate`).
pub fn stream(dict: &str, data: &[u8], deflate: bool) -> Vec<u8> {
    let data = if deflate { zlib(data) } else { data.to_vec() };
    let filter = if deflate { " /Filter /FlateDecode" } else { "" };
    let mut out = format!("<< {dict}{filter} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend(&data);
    out.extend(b"\nendstream");
    out
}

pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// UTF-16BE as hex, as a PDF string `<…>`.
pub fn ucs2_hex(s: &str) -> String {
    let hex: String = s.encode_utf16().map(|u| format!("{u:04X}")).collect();
    format!("<{hex}>")
}

/// A PDF whose pages show `pages` (each a list of lines) in STSong-Light with the
/// UniGB-UCS2-H encoding (one of Adobe's standard Chinese fonts: nothing embedded).
pub fn chinese_pdf(pages: &[&[&str]], deflate: bool) -> Vec<u8> {
    // 1 catalog, 2 pages, 3 font, 4 descendant font, then a page and its content per page.
    let n = pages.len();
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 5 + 2 * i)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>".to_vec(),
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>".to_vec(),
    ];
    for (i, lines) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                6 + 2 * i
            )
            .into_bytes(),
        );
        let mut content = String::from("BT /F1 12 Tf 72 770 Td 16 TL\n");
        for line in lines.iter() {
            content.push_str(&format!("{} Tj T*\n", ucs2_hex(line)));
        }
        content.push_str("ET\n");
        objects.push(stream("", content.as_bytes(), deflate));
    }
    pdf(&objects)
}

/// A PDF of one page in a CID font with Identity-H and a ToUnicode map (as Word and
/// LibreOffice write Chinese): each character is shown by its glyph number, 1, 2, 3 …
pub fn identity_pdf(text: &str) -> Vec<u8> {
    let chars: Vec<char> = text.chars().collect();
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CMapName /Test def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    cmap.push_str(&format!("{} beginbfchar\n", chars.len()));
    for (i, c) in chars.iter().enumerate() {
        let mut units = [0u16; 2];
        let hex: String = c
            .encode_utf16(&mut units)
            .iter()
            .map(|u| format!("{u:04X}"))
            .collect();
        cmap.push_str(&format!("<{:04X}> <{hex}>\n", i + 1));
    }
    cmap.push_str("endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n");
    let glyphs: String = (1..=chars.len()).map(|g| format!("{g:04X}")).collect();
    // Shown in two pieces with a word gap between, and moved to a second line by Tm.
    let half = glyphs.len() / 8 * 4;
    let content = format!(
        "BT /F1 12 Tf 1 0 0 1 72 770 Tm [<{}> -50 <{}>] TJ ET\nBT /F1 12 Tf 1 0 0 1 72 740 Tm <0001> Tj ET\n",
        &glyphs[..half],
        &glyphs[half..]
    );
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        stream("", content.as_bytes(), true),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>".to_vec(),
        stream("", cmap.as_bytes(), true),
    ])
}

/// A JPEG of `w` × `h`: left half red, right half blue.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([20, 20, 220])
        }
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

/// A PNG of `w` × `h`: top half white, bottom half black.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |_, y| {
        if y < h / 2 {
            image::Rgb([255, 255, 255])
        } else {
            image::Rgb([0, 0, 0])
        }
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A PDF whose one page is a scanned picture (a JPEG image XObject) and no text.
pub fn scanned_pdf(jpeg: &[u8], w: u32, h: u32) -> Vec<u8> {
    let mut image = format!(
        "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
        jpeg.len()
    )
    .into_bytes();
    image.extend(jpeg);
    image.extend(b"\nendstream");
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        stream("", b"q 595 0 0 842 0 0 cm /Im0 Do Q", false),
        image,
    ])
}

/// A .docx holding these paragraphs.
pub fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))
        .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("[Content_Types].xml", options).unwrap();
        zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#).unwrap();
        zip.start_file("word/document.xml", options).unwrap();
        zip.write_all(document.as_bytes()).unwrap();
        zip.finish().unwrap();
    }
    out.into_inner()
}

/// An .xlsx with one sheet per (name, rows).
pub fn xlsx(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.parse::<f64>() {
                    Ok(n) => sheet.write_number(r as u32, c as u16, n).unwrap(),
                    Err(_) => sheet.write_string(r as u32, c as u16, *cell).unwrap(),
                };
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// A PNG that says it is `w` × `h` in its header (with a right checksum) and holds almost
/// nothing: what a decompression bomb looks like to a reader that trusts headers.
pub fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    out.extend(13u32.to_be_bytes());
    out.extend(&ihdr);
    let mut crc = flate2::Crc::new();
    crc.update(&ihdr);
    out.extend(crc.sum().to_be_bytes());
    let idat = zlib(&[0; 64]);
    out.extend((idat.len() as u32).to_be_bytes());
    let mut chunk = b"IDAT".to_vec();
    chunk.extend(&idat);
    let mut crc = flate2::Crc::new();
    crc.update(&chunk);
    out.extend(&chunk);
    out.extend(crc.sum().to_be_bytes());
    out
}
