//! The 通报: the bureau's notice of the results as a Word document (.docx), written as
//! OOXML by hand (a zip of a few XML parts; no library beyond the zip kaohe reads workbooks
//! with). Laid out as a government notice is (GB/T 9704: A4, 宋体 for the heading, 仿宋_GB2312
//! for the text, the document number left for the clerk to fill in): the issuer, the number
//! line, the title, whom it is addressed to, what it reports, the ranking with scores (and
//! grades, where the targets give them), then each county's shortfalls — every item not fully
//! met with its requirement, the county's figure and the verified one (核定值, 核减 where
//! lower), the verdict and the reviewers' notes.
//!
//! Every text from a file or a note is shown as written, its control characters as visible
//! symbols (`text::clean_lines`), and escaped for XML.

use super::{Results, ranked};
use crate::item::Item;
use crate::model::{Verdict, format_number};
use crate::report::CountyStatus;
use anyhow::Result;
use std::io::{Seek, Write};

/// Text width of the page: A4 (11906 twips) less GB/T 9704's margins (2.8 cm and 2.6 cm).
const TEXT_WIDTH: u32 = 11906 - 1588 - 1474;

/// Where a zip is written: a file, or anything that can go back over what it wrote (a zip's
/// headers are finished once each part's size is known).
pub trait Seekable: Write + Seek {}

impl<T: Write + Seek> Seekable for T {}

/// The Word document, written to `out` as it is made: the document's body is deflated into
/// the zip a paragraph and a table row at a time, a county's items read when its section is
/// written. Answers how many items were read.
pub fn write_docx(results: &Results<'_>, out: &mut dyn Seekable) -> Result<usize> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(out);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, String); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", PACKAGE_RELS.to_string()),
        ("docProps/core.xml", core_properties(&notice_title(results))),
        ("docProps/app.xml", APP_PROPERTIES.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/styles.xml", STYLES.to_string()),
    ];
    for (name, xml) in parts {
        zip.start_file(name, options)?;
        zip.write_all(xml.as_bytes())?;
    }
    zip.start_file("word/document.xml", options)?;
    let read = document(results, &mut zip)?;
    zip.finish()?;
    Ok(read)
}

/// "衢州市民政局关于2014年度对县(市、区)民政工作考核一二类目标完成情况的通报".
fn notice_title(results: &Results<'_>) -> String {
    let a = &results.catalog.assessment;
    format!("{}关于{}完成情况的通报", a.issuer, a.title)
}

/// The number line left for the clerk: the prefix of the assessment's own number
/// ("衢市民〔2014〕89号" → "衢市民〔    〕    号").
fn number_line(number: &str) -> String {
    let prefix = number.split('〔').next().unwrap_or_default();
    format!("{prefix}〔\u{3000}\u{3000}〕\u{3000}\u{3000}号")
}

/// A county's grade (等次), where the targets file gives grades (the column shows only then).
fn grade(county: &CountyStatus) -> Option<String> {
    county.grade.clone()
}

/// The document, its body written to `out` a paragraph (or a table row) at a time; answers
/// how many items were read.
fn document(results: &Results<'_>, out: &mut dyn Write) -> Result<usize> {
    let (catalog, status) = (&results.catalog, &results.status);
    let a = &catalog.assessment;
    let indicators = results.indicators();
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\"><w:body>"
    )?;
    out.write_all(para("RedHead", &format!("{}文件", a.issuer)).as_bytes())?;
    out.write_all(para("DocNumber", &number_line(&a.number)).as_bytes())?;
    out.write_all(para("NoticeTitle", &notice_title(results)).as_bytes())?;
    out.write_all(para("Addressees", &format!("{}：", a.addressees)).as_bytes())?;
    out.write_all(
        para(
            "Body",
            &format!(
                "根据《{}》（{}）和《{}》（{}），我局对各县（市、区）{}年度民政工作考核目标完成情况进行了考核。现将考核结果通报如下：",
                a.notice, a.number, a.method_title, a.method_number, a.year
            ),
        )
        .as_bytes(),
    )?;
    // Where the results are not final, the notice says so: a score mid-review is what has
    // been earned so far.
    let p = &status.progress;
    let stage = &results.people.stage;
    let mut basis = format!(
        "本通报依据考核评定结果：共 {} 项，已评定 {} 项；未评定的项目不得分。",
        p.total, p.reviewed
    );
    if stage.stage != crate::stages::Stage::SignedOff {
        basis.push_str(&format!(
            "当前阶段：{}，结果以审定为准。",
            super::stage_words(stage.stage, &stage.locks)
        ));
    }
    out.write_all(para("Body", &basis).as_bytes())?;

    out.write_all(para("Heading1", "一、考核得分与排名").as_bytes())?;
    let counties = ranked(&status.counties);
    let graded = counties.iter().any(|c| grade(c).is_some());
    let mut head: Vec<&str> = vec!["名次", "县（市、区）", "得分", "满分"];
    let mut widths: Vec<u32> = vec![800, 2000, 1100, 1000];
    let mut centred = vec![true, false, true, true];
    if graded {
        head.push("等次");
        widths.push(1100);
        centred.push(true);
    }
    head.extend(["完成", "基本完成", "未完成"]);
    widths.extend([900, 1150, 900]);
    centred.extend([true, true, true]);
    let ranking = Table::new(&head, &widths, &centred);
    out.write_all(ranking.open().as_bytes())?;
    for c in &counties {
        let veto = if c.vetoed_by.is_empty() {
            String::new()
        } else {
            format!("（一票否决：{}）", c.vetoed_by.join("、"))
        };
        let mut row = vec![
            c.rank.to_string(),
            format!("{}{veto}", c.name),
            format_number(c.score),
            format_number(c.max_score),
        ];
        if graded {
            row.push(grade(c).unwrap_or_default());
        }
        row.extend([
            c.progress.met.to_string(),
            c.progress.partly_met.to_string(),
            c.progress.not_met.to_string(),
        ]);
        out.write_all(
            ranking
                .row(&mut row.iter().map(String::as_str), false)
                .as_bytes(),
        )?;
    }
    out.write_all(Table::CLOSE.as_bytes())?;

    out.write_all(para("Heading1", "二、各县（市、区）未完成目标情况").as_bytes())?;
    let mut read = 0;
    for (k, c) in counties.iter().enumerate() {
        out.write_all(
            para(
                "Heading2",
                &format!(
                    "（{}）{}（得分 {}，第 {} 名）",
                    chinese_number(k + 1),
                    c.name,
                    format_number(c.score),
                    c.rank
                ),
            )
            .as_bytes(),
        )?;
        // By the verdict that counts (the 复核's where there is one): not met first, then
        // partly met, then any other a reviewer voided (不计分: it earns nothing).
        let listed = results.items.of_county(&c.code)?;
        read += listed.len();
        let mine = || listed.iter().map(|(i, _)| i);
        let mut shortfalls: Vec<&Item> = [Verdict::NotMet, Verdict::PartlyMet]
            .into_iter()
            .flat_map(|v| mine().filter(move |i| i.result() == Some(v)))
            .collect();
        shortfalls.extend(mine().filter(|i| {
            i.void_reason.is_some()
                && !matches!(i.result(), Some(Verdict::NotMet | Verdict::PartlyMet))
        }));
        let voided = mine().filter(|i| i.void_reason.is_some()).count();
        let unreviewed = c.progress.total - c.progress.reviewed;
        let mut summary = if c.progress.reviewed == 0 {
            "尚未评定。".to_string()
        } else if shortfalls.is_empty() {
            "已评定的项目均已完成。".to_string()
        } else if voided > 0 {
            format!(
                "未完成 {} 项，基本完成 {} 项，不计分 {voided} 项：",
                c.progress.not_met, c.progress.partly_met
            )
        } else {
            format!(
                "未完成 {} 项，基本完成 {} 项：",
                c.progress.not_met, c.progress.partly_met
            )
        };
        if unreviewed > 0 && c.progress.reviewed > 0 {
            summary.push_str(&format!("（另有 {unreviewed} 项尚未评定。）"));
        }
        if !c.vetoed_by.is_empty() {
            summary.push_str(&format!(
                "一票否决：{} 未完成，得分作废。",
                c.vetoed_by.join("、")
            ));
        }
        out.write_all(para("Body", &summary).as_bytes())?;
        if shortfalls.is_empty() {
            continue;
        }
        let table = Table::new(
            &["指标", "要求", "报送值", "核定值", "评定", "评审意见"],
            &[1500, 1250, 1050, 1600, 1100, 2344],
            &[false, true, true, true, true, false],
        );
        out.write_all(table.open().as_bytes())?;
        for i in shortfalls {
            let ind = indicators.get(i.indicator.as_str());
            let requirement = ind.and_then(|d| d.requirement.as_ref()).map_or_else(
                || ind.map_or_else(String::new, |d| d.text.clone()),
                |r| r.to_string(),
            );
            let verified = i.verified.as_ref().map_or_else(String::new, |v| {
                let cut = if i.verified_lower() {
                    "（核减）"
                } else {
                    ""
                };
                format!("{}{cut}\n{}", v.value, v.reason)
            });
            let cells = [
                format!(
                    "{} {}",
                    i.indicator,
                    ind.map_or_else(String::new, |d| d.short.clone())
                ),
                requirement,
                i.value.clone().unwrap_or_else(|| "未报送".to_string()),
                verified,
                match (i.result(), i.void_reason.is_some()) {
                    (Some(v), true) => format!("{}\n不计分", v.chinese()),
                    (None, true) => "不计分".to_string(),
                    (v, false) => v.map_or("", Verdict::chinese).to_string(),
                },
                opinion(i),
            ];
            out.write_all(
                table
                    .row(&mut cells.iter().map(String::as_str), false)
                    .as_bytes(),
            )?;
        }
        out.write_all(Table::CLOSE.as_bytes())?;
    }
    out.write_all(para("Body", "").as_bytes())?;
    out.write_all(para("Signature", &a.issuer).as_bytes())?;
    out.write_all(
        para(
            "Signature",
            "\u{3000}\u{3000}\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日",
        )
        .as_bytes(),
    )?;
    out.write_all(
        "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
         <w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" \
         w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
            .as_bytes(),
    )?;
    Ok(read)
}

/// The reviewers' notes, oldest first, and a 复核's reason for a change.
fn opinion(i: &Item) -> String {
    let mut lines: Vec<String> = i.notes.iter().map(|n| n.text.clone()).collect();
    if lines.is_empty() {
        if let Some(note) = i.note.as_deref().filter(|n| !n.is_empty()) {
            lines.push(note.to_string());
        }
    }
    if let Some(reason) = i.stages.check_reason.as_deref().filter(|r| !r.is_empty()) {
        lines.push(format!("复核：{reason}"));
    }
    if let Some(reason) = &i.void_reason {
        lines.push(format!("不计分：{reason}"));
    }
    lines.join("\n")
}

/// 一, 二, … 九十九: the numbers of a notice's sections.
fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!(
            "{}十{}",
            DIGITS[n / 10],
            if n % 10 == 0 { "" } else { DIGITS[n % 10] }
        ),
        _ => n.to_string(),
    }
}

/// A paragraph of style `style`: each line of `text` a line of it (`<w:br/>` between).
fn para(style: &str, text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{}</w:p>",
        runs(text)
    )
}

/// `text` as runs: shown as written (control characters as visible symbols), escaped for
/// XML, its line breaks as breaks.
fn runs(text: &str) -> String {
    let clean = crate::text::clean_lines(text);
    clean
        .split('\n')
        .enumerate()
        .map(|(k, line)| {
            let br = if k > 0 { "<w:br/>" } else { "" };
            format!(
                "<w:r>{br}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
                escape(line)
            )
        })
        .collect()
}

/// A table over the text's width: `widths` are the columns' shares (in any unit), `centred`
/// which columns' cells are centred (numbers, short words); the first row (the head) repeats
/// on every page. Written as it goes: [`Table::open`] (the head), a [`Table::row`] each,
/// then [`Table::CLOSE`].
struct Table<'a> {
    head: &'a [&'a str],
    twips: Vec<u32>,
    centred: &'a [bool],
}

impl<'a> Table<'a> {
    const CLOSE: &'static str = "</w:tbl>";

    fn new(head: &'a [&'a str], widths: &[u32], centred: &'a [bool]) -> Table<'a> {
        let total: u32 = widths.iter().sum::<u32>().max(1);
        Table {
            head,
            twips: widths.iter().map(|w| w * TEXT_WIDTH / total).collect(),
            centred,
        }
    }

    /// The table's properties, its grid and its head row.
    fn open(&self) -> String {
        let border = |side: &str| {
            format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>")
        };
        let mut xml = format!(
            "<w:tbl><w:tblPr><w:tblW w:w=\"{TEXT_WIDTH}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>\
             <w:tblBorders>{}{}{}{}{}{}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>\
             <w:tblCellMar><w:left w:w=\"80\" w:type=\"dxa\"/><w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar>\
             </w:tblPr><w:tblGrid>",
            border("top"),
            border("left"),
            border("bottom"),
            border("right"),
            border("insideH"),
            border("insideV")
        );
        for w in &self.twips {
            xml.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        xml.push_str("</w:tblGrid>");
        xml.push_str(&self.row(&mut self.head.iter().copied(), true));
        xml
    }

    fn row(&self, cells: &mut dyn Iterator<Item = &str>, header: bool) -> String {
        let mut r = String::from("<w:tr>");
        if header {
            r.push_str("<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
        } else {
            r.push_str("<w:trPr><w:cantSplit/></w:trPr>");
        }
        for (k, (cell, w)) in cells.zip(&self.twips).enumerate() {
            let style = match (header, self.centred.get(k).copied().unwrap_or(false)) {
                (true, _) => "TableHead",
                (false, true) => "TableCentre",
                (false, false) => "TableText",
            };
            r.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>{}</w:tc>",
                para(style, cell)
            ));
        }
        r.push_str("</w:tr>");
        r
    }
}

/// `s` escaped for XML text and attributes.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Not allowed in XML 1.0 at all (clean_lines leaves tabs; the rest never reach here).
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c if (c as u32) < 0x20 && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn core_properties(title: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>kaohe</dc:creator>\
         <dc:language>zh-CN</dc:language></cp:coreProperties>",
        escape(title)
    )
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
</Relationships>";

const APP_PROPERTIES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
<Application>kaohe</Application></Properties>";

/// The styles of a notice: 仿宋_GB2312 三号 (16 pt) for the text, 宋体 for the heading and the
/// issuer's red head, 黑体 for first-level headings and 楷体_GB2312 for second-level ones, as
/// notices are set; tables in 仿宋 五号 (10.5 pt). Latin letters and digits in Times New Roman.
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr>\
<w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"仿宋_GB2312\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/>\
<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>\
</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"560\" w:lineRule=\"exact\"/>\
</w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"RedHead\"><w:name w:val=\"Red Head\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:jc w:val=\"center\"/><w:spacing w:before=\"240\" w:after=\"240\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"宋体\" w:hAnsi=\"Times New Roman\"/><w:b/><w:bCs/>\
<w:color w:val=\"FF0000\"/><w:spacing w:val=\"20\"/><w:sz w:val=\"72\"/><w:szCs w:val=\"72\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"DocNumber\"><w:name w:val=\"Document Number\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:jc w:val=\"center\"/><w:pBdr><w:bottom w:val=\"single\" w:sz=\"18\" w:space=\"12\" w:color=\"FF0000\"/></w:pBdr>\
<w:spacing w:after=\"480\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"NoticeTitle\"><w:name w:val=\"Notice Title\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:jc w:val=\"center\"/><w:spacing w:after=\"480\" w:line=\"640\" w:lineRule=\"exact\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"宋体\" w:hAnsi=\"Times New Roman\"/><w:b/><w:bCs/>\
<w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Addressees\"><w:name w:val=\"Addressees\"/><w:basedOn w:val=\"Normal\"/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Body\"><w:name w:val=\"Body Text Notice\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:jc w:val=\"both\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:keepNext/><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:outlineLvl w:val=\"0\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"黑体\" w:hAnsi=\"Times New Roman\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:keepNext/><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:outlineLvl w:val=\"1\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"楷体_GB2312\" w:hAnsi=\"Times New Roman\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TableHead\"><w:name w:val=\"Table Head\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:jc w:val=\"center\"/><w:spacing w:line=\"320\" w:lineRule=\"atLeast\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"黑体\" w:hAnsi=\"Times New Roman\"/><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:spacing w:line=\"320\" w:lineRule=\"atLeast\"/></w:pPr>\
<w:rPr><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TableCentre\"><w:name w:val=\"Table Text Centred\"/><w:basedOn w:val=\"TableText\"/>\
<w:pPr><w:jc w:val=\"center\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Signature\"><w:name w:val=\"Signature\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:jc w:val=\"right\"/><w:ind w:right=\"640\"/></w:pPr></w:style>\
</w:styles>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_shown() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        let r = runs("柯城区\u{1b}[2J\n第二行");
        assert!(r.contains("柯城区␛[2J"), "{r}");
        assert!(r.contains("<w:br/>"), "{r}");
        assert!(!r.contains('\u{1b}'));
    }

    #[test]
    fn sections_are_numbered_in_chinese() {
        let n: Vec<String> = [1, 6, 10, 11, 20, 21, 99].map(chinese_number).to_vec();
        assert_eq!(n, ["一", "六", "十", "十一", "二十", "二十一", "九十九"]);
        assert_eq!(
            number_line("衢市民〔2014〕89号"),
            "衢市民〔\u{3000}\u{3000}〕\u{3000}\u{3000}号"
        );
    }
}

#[cfg(test)]
mod any_text {
    use super::*;
    use proptest::prelude::*;
    use quick_xml::events::Event;

    /// The text of a paragraph read back: its runs' texts, breaks as line breaks.
    fn read_back(xml: &str) -> String {
        let mut reader = quick_xml::Reader::from_str(xml);
        let (mut text, mut in_t) = (String::new(), false);
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) if e.name().as_ref() == b"w:t" => in_t = true,
                Event::End(e) if e.name().as_ref() == b"w:t" => in_t = false,
                Event::Empty(e) if e.name().as_ref() == b"w:br" => text.push('\n'),
                Event::Text(t) if in_t => text.push_str(&t.decode().unwrap()),
                Event::GeneralRef(r) if in_t => {
                    let name = r.decode().unwrap();
                    text.push(match name.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => r.resolve_char_ref().unwrap().unwrap(),
                    });
                }
                Event::Eof => break,
                _ => {}
            }
        }
        text
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 500,
            rng_seed: proptest::test_runner::RngSeed::Fixed(2014),
            ..ProptestConfig::default()
        })]

        /// Any text a county or a reviewer wrote is well-formed XML in the document and reads
        /// back as written (control characters as their visible symbols).
        #[test]
        fn any_text_is_well_formed_and_reads_back(s in "(\\PC|[\u{0}-\u{1f}\u{7f}-\u{9f}\u{202e}\u{fffe}\u{ffff}])*") {
            let xml = format!("<w:body xmlns:w=\"{W}\">{}</w:body>", para("Body", &s));
            let back = read_back(&xml);
            prop_assert_eq!(back, crate::text::clean_lines(&s).replace('\r', "\u{FFFD}"));
        }
    }
}
