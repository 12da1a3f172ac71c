#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Evidence files previewed: the text of PDFs (both ways Chinese PDFs carry it), Word
//! documents, workbooks, CSV and text files in each encoding; pictures and scanned pages; and
//! every kind of bomb and damage refused with the file named.

mod common;

use common::*;
use kaohe_preview::{Kind, Label, Limits, Note, Part, Preview, Why, preview};

fn text_of(p: &Preview) -> Vec<(Label, Vec<String>)> {
    p.parts
        .iter()
        .filter_map(|part| match part {
            Part::Text { label, lines } => Some((label.clone(), lines.clone())),
            Part::Picture { .. } => None,
        })
        .collect()
}

#[test]
fn a_chinese_pdf_in_a_standard_font_gives_its_pages_lines() {
    let bytes = chinese_pdf(
        &[
            &[
                "关于做好2014年度养老服务工作的通知",
                "各县（市、区）民政局：",
            ],
            &["衢州市民政局", "二〇一四年三月五日"],
        ],
        true,
    );
    let p = preview(&bytes, "通知.pdf", &Limits::default()).unwrap();
    assert_eq!(p.kind, Kind::Pdf);
    assert_eq!(p.pages, Some(2));
    assert_eq!(
        text_of(&p),
        vec![
            (
                Label::Page(1),
                vec![
                    "关于做好2014年度养老服务工作的通知".to_string(),
                    "各县（市、区）民政局：".to_string()
                ]
            ),
            (
                Label::Page(2),
                vec!["衢州市民政局".to_string(), "二〇一四年三月五日".to_string()]
            ),
        ]
    );
    assert!(p.notes.is_empty(), "{:?}", p.notes);
}

#[test]
fn a_pdf_in_an_embedded_cid_font_is_read_through_its_unicode_map() {
    let p = preview(
        &identity_pdf("柯城区居家养老服务照料中心"),
        "a.pdf",
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        text_of(&p),
        vec![(
            Label::Page(1),
            vec!["柯城区居家养老服务照料中心".to_string(), "柯".to_string()]
        )]
    );
}

#[test]
fn control_characters_in_a_pdf_are_made_visible() {
    let p = preview(
        &chinese_pdf(&[&["a\u{1b}[2Jb"]], false),
        "x.pdf",
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(text_of(&p)[0].1, vec!["a␛[2Jb".to_string()]);
}

#[test]
fn a_scanned_page_is_shown_as_its_picture() {
    let p = preview(
        &scanned_pdf(&jpeg(64, 32), 64, 32),
        "扫描件.pdf",
        &Limits::default(),
    )
    .unwrap();
    let Part::Picture { label, picture } = &p.parts[0] else {
        panic!("{:?}", p.parts)
    };
    assert_eq!(label, &Label::Page(1));
    assert_eq!((picture.width(), picture.height()), (64, 32));
    // Red on the left, blue on the right, as drawn.
    let [r, _, b] = picture.pixel(4, 16);
    assert!(r > 150 && b < 100, "{:?}", picture.pixel(4, 16));
    let [r, _, b] = picture.pixel(60, 16);
    assert!(b > 150 && r < 100);
}

#[test]
fn a_deflate_bomb_in_a_pdf_is_refused_before_it_is_unpacked() {
    let zeros = vec![0u8; 4 << 20];
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>".to_vec(),
        stream("", &zeros, true),
    ]);
    assert!(bytes.len() < 64 << 10);
    let limits = Limits {
        unpacked_bytes: 1 << 20,
        ..Limits::default()
    };
    let e = preview(&bytes, "炸弹.pdf", &limits).unwrap_err();
    assert_eq!(e.why, Why::Unpacks { limit: 1 << 20 });
    assert!(e.to_string().starts_with("炸弹.pdf: "), "{e}");
}

#[test]
fn a_docx_gives_its_paragraphs() {
    let bytes = docx(&["会议纪要", "时间：2014年3月5日", "出席：张三 &amp; 李四"]);
    let p = preview(&bytes, "纪要.docx", &Limits::default()).unwrap();
    assert_eq!(p.kind, Kind::Docx);
    assert_eq!(
        text_of(&p)[0].1,
        vec!["会议纪要", "时间：2014年3月5日", "出席：张三 & 李四"]
    );
}

#[test]
fn an_xlsx_gives_each_sheet_its_rows_in_columns() {
    let bytes = xlsx(&[
        (
            "台账",
            &[&["县", "床位数"], &["柯城区", "120"], &["衢江区", "85.5"]],
        ),
        ("说明", &[&["见附件"]]),
    ]);
    let p = preview(&bytes, "台账.xlsx", &Limits::default()).unwrap();
    assert_eq!(p.kind, Kind::Xlsx);
    assert_eq!(
        text_of(&p),
        vec![
            (
                Label::Sheet("台账".into()),
                vec![
                    "县      床位数".to_string(),
                    "柯城区  120".to_string(),
                    "衢江区  85.5".to_string()
                ]
            ),
            (Label::Sheet("说明".into()), vec!["见附件".to_string()]),
        ]
    );
}

#[test]
fn a_long_sheet_is_cut_and_says_so() {
    let rows: Vec<Vec<String>> = (0..50).map(|i| vec![i.to_string()]).collect();
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    let bytes = xlsx(&[("Sheet1", &rows)]);
    let limits = Limits {
        sheet_rows: 10,
        ..Limits::default()
    };
    let p = preview(&bytes, "a.xlsx", &limits).unwrap();
    assert_eq!(text_of(&p)[0].1.len(), 10);
    assert!(p.notes.contains(&Note::RowsCut {
        sheet: "Sheet1".into(),
        kept: 10
    }));
}

#[test]
fn text_files_in_each_encoding() {
    let (gb, _, _) = encoding_rs::GB18030.encode("养老服务中心\t30张\r\n");
    let p = preview(&gb, "说明.txt", &Limits::default()).unwrap();
    assert_eq!(text_of(&p)[0].1, vec!["养老服务中心    30张", ""]);
    assert_eq!(p.notes, vec![Note::Encoding { name: "gb18030" }]);

    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend("民政".encode_utf16().flat_map(u16::to_le_bytes));
    let p = preview(&utf16, "说明.txt", &Limits::default()).unwrap();
    assert_eq!(text_of(&p)[0].1, vec!["民政"]);
}

#[test]
fn a_csv_is_laid_out_as_a_sheet() {
    let p = preview("县,数\n柯城区,3\n".as_bytes(), "表.csv", &Limits::default()).unwrap();
    assert_eq!(p.kind, Kind::Csv);
    assert_eq!(text_of(&p)[0].1, vec!["县      数", "柯城区  3"]);
}

#[test]
fn pictures_are_decoded_and_scaled_to_fit() {
    let p = preview(
        &png(400, 200),
        "照片.png",
        &Limits {
            picture_side: 100,
            ..Limits::default()
        },
    )
    .unwrap();
    let Part::Picture { picture, .. } = &p.parts[0] else {
        panic!()
    };
    assert_eq!((picture.width(), picture.height()), (100, 50));
    assert_eq!(picture.original(), (400, 200));
    assert_eq!(picture.pixel(50, 5), [255, 255, 255]);
    assert_eq!(picture.pixel(50, 45), [0, 0, 0]);
    assert!(p.notes.contains(&Note::Scaled {
        width: 400,
        height: 200
    }));
}

#[test]
fn a_picture_bigger_than_the_limit_is_refused_by_its_header() {
    let bytes = png_claiming(100_000, 100_000);
    let e = preview(&bytes, "大图.png", &Limits::default()).unwrap_err();
    assert_eq!(
        e.why,
        Why::PictureTooBig {
            width: 100_000,
            height: 100_000,
            limit: Limits::default().pixels
        }
    );
    assert!(e.to_string().contains("大图.png"));
}

#[test]
fn content_wins_over_the_name_and_says_so() {
    let p = preview(&jpeg(8, 8), "通知.pdf", &Limits::default()).unwrap();
    assert_eq!(p.kind, Kind::Jpeg);
    assert_eq!(p.notes[0], Note::NamedOtherwise { named: Kind::Pdf });
}

#[test]
fn refusals_name_the_file_and_why() {
    let too_big = Limits {
        file_bytes: 10,
        ..Limits::default()
    };
    let e = preview(b"01234567890", "a.txt", &too_big).unwrap_err();
    assert!(matches!(
        e.why,
        Why::TooBig {
            size: 11,
            limit: 10
        }
    ));
    let e = preview(b"\x00\x01\x02\x03binary\x00", "a.bin", &Limits::default()).unwrap_err();
    assert_eq!(e.why, Why::NotKnown);
    let e = preview(b"%PDF-1.4 nothing else", "坏.pdf", &Limits::default()).unwrap_err();
    assert!(
        matches!(
            e.why,
            Why::Damaged {
                kind: Kind::Pdf,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().starts_with("坏.pdf: cannot read it as PDF"));
    // A file name with an escape in it is shown made safe.
    let e = preview(b"\x00\x00", "a\u{1b}[31m.bin", &Limits::default()).unwrap_err();
    assert_eq!(e.file, "a␛[31m.bin");
}

#[test]
fn a_zip_bomb_docx_is_refused() {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("word/document.xml", options).unwrap();
        zip.write_all(&vec![b' '; 4 << 20]).unwrap();
        zip.finish().unwrap();
    }
    let limits = Limits {
        unpacked_bytes: 1 << 20,
        ..Limits::default()
    };
    let e = preview(out.get_ref(), "b.docx", &limits).unwrap_err();
    assert_eq!(e.why, Why::Unpacks { limit: 1 << 20 });
}

mod any_bytes {
    //! Whatever the bytes, named as whatever kind: previewed, or refused with the file named;
    //! never a panic. Random bytes, and real files of each kind with bytes changed.
    use super::*;
    use proptest::prelude::*;

    fn previewed_or_refused(bytes: &[u8], name: &str) {
        let limits = Limits {
            unpacked_bytes: 8 << 20,
            pixels: 4_000_000,
            ..Limits::default()
        };
        match preview(bytes, name, &limits) {
            Ok(p) => {
                for part in &p.parts {
                    if let Part::Text { lines, .. } = part {
                        for line in lines {
                            assert!(!line.chars().any(|c| kaohe_core::text::is_unsafe(c, false)));
                        }
                    }
                }
            }
            Err(e) => assert!(e.to_string().starts_with(&format!("{name}: ")), "{e}"),
        }
    }

    fn samples() -> Vec<(Vec<u8>, &'static str)> {
        vec![
            (chinese_pdf(&[&["民政", "养老"]], true), "a.pdf"),
            (identity_pdf("照料中心"), "b.pdf"),
            (scanned_pdf(&jpeg(16, 16), 16, 16), "c.pdf"),
            (docx(&["会议纪要"]), "d.docx"),
            (xlsx(&[("表", &[&["县", "1"]])]), "e.xlsx"),
            (png(16, 16), "f.png"),
            (jpeg(16, 16), "g.jpg"),
        ]
    }

    const NAMES: [&str; 6] = ["x.pdf", "x.docx", "x.xlsx", "x.png", "x.jpg", "x.gif"];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048), n in 0..6usize) {
            previewed_or_refused(&bytes, NAMES[n]);
        }

        #[test]
        fn random_bytes_after_a_kinds_magic(
            bytes in proptest::collection::vec(any::<u8>(), 0..2048),
            magic in 0..5usize,
            n in 0..6usize,
        ) {
            let heads: [&[u8]; 5] = [b"%PDF-1.7\n", b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a"];
            let mut all = heads[magic].to_vec();
            all.extend(bytes);
            previewed_or_refused(&all, NAMES[n]);
        }

        #[test]
        fn real_files_with_bytes_changed(
            which in 0..7usize,
            changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
            cut in any::<prop::sample::Index>(),
            truncate in any::<bool>(),
        ) {
            let (mut bytes, name) = samples().swap_remove(which);
            for (at, byte) in changes {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            if truncate {
                let n = cut.index(bytes.len());
                bytes.truncate(n);
            }
            previewed_or_refused(&bytes, name);
        }
    }
}

#[test]
fn nesting_as_deep_as_a_pdf_allows_is_read_or_refused() {
    // Arrays and dictionaries nested past lopdf's bound, in an object and in a page's content:
    // on a thread with a modest stack, as the workspace's would be without its extra room.
    let deep = format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000));
    let dicts = format!("{}{}", "<</A ".repeat(5_000), ">>".repeat(5_000));
    let content = format!("BT {deep} TJ ET");
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /Contents 4 0 R /X {deep} /Y {dicts} >>")
            .into_bytes(),
        stream("", content.as_bytes(), false),
    ]);
    let done = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || preview(&bytes, "深.pdf", &Limits::default()).map(|_| ()))
        .unwrap()
        .join();
    assert!(done.is_ok(), "no crash");
}
