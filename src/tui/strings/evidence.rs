//! The words of the evidence (issue 18): the detail pane's list of an item's files, the
//! viewer, a file not shown and why, 退回补充 and its filter. `{…}` are filled in where used.

use super::Lang;
use kaohe_preview::{Kind, Note, Why};

pub struct Evidence {
    /// The detail pane's labels (the files are under the strings' `evidence`), as short as
    /// the pane's other labels.
    pub missing: &'static str,
    pub ambiguous: &'static str,
    pub requested: &'static str,
    /// "{kind} · {size} · {pages} 页".
    pub pages: &'static str,
    /// The detail pane's hint under the files: which key opens them.
    pub open_hint: &'static str,
    /// The cited names, when no file came with the sheet.
    pub none_imported: &'static str,
    pub no_files: &'static str,
    pub not_read_yet: &'static str,
    /// The viewer's title: "佐证 · 柯城区 · 1.2 … · 2/3 会议纪要.pdf".
    pub title: &'static str,
    pub loading: &'static str,
    pub page: &'static str,
    pub sheet: &'static str,
    pub picture: &'static str,
    pub empty_page: &'static str,
    pub empty_file: &'static str,
    pub not_shown: &'static str,
    pub gone: &'static str,
    pub too_slow: &'static str,
    pub find_prompt: &'static str,
    pub not_found: &'static str,
    pub found_at: &'static str,
    pub where_in_file: &'static str,
    /// 退回补充.
    pub request_title: &'static str,
    pub request_prompt: &'static str,
    pub request_needed: &'static str,
    pub request_saved: &'static str,
    pub request_failed: &'static str,
    pub request_dropped: &'static str,
    pub filter_requested: &'static str,
    /// "{reason} · {who} · {at}".
    pub request_line: &'static str,
}

pub const EVIDENCE_ZH: Evidence = Evidence {
    missing: "缺少",
    ambiguous: "重名",
    requested: "退回",
    pages: "{n}页",
    open_hint: "{key} 查看",
    none_imported: "（未导入文件）",
    no_files: "本项没有导入的佐证文件",
    not_read_yet: "佐证文件还在读取，请稍候再按",
    title: "佐证",
    loading: "正在读取 {name} ……",
    page: "第 {n} 页",
    sheet: "工作表 {name}",
    picture: "图片 {w}×{h}",
    empty_page: "（本页没有文字）",
    empty_file: "（文件里没有文字）",
    not_shown: "无法显示：{why}",
    gone: "存放目录里找不到这个文件（{path}）：{error}；请管理员检查佐证目录",
    too_slow: "读取 {name} 超过 {secs} 秒，已放弃",
    find_prompt: "查找：",
    not_found: "文件里没有「{q}」",
    found_at: "「{q}」第 {i}/{n} 处",
    where_in_file: "第 {from}–{to} 行，共 {rows} 行",
    request_title: "退回补充的理由",
    request_prompt: "写明请该县补充什么（Enter 保存，Esc 放弃）",
    request_needed: "请写明退回的理由",
    request_saved: "已退回补充：{item}",
    request_failed: "退回没有保存：{error}（理由仍在编辑框里）",
    request_dropped: "已放弃退回",
    filter_requested: "已退回待补充",
    request_line: "{reason} · {who} · {at}",
};

pub const EVIDENCE_EN: Evidence = Evidence {
    missing: "Missing",
    ambiguous: "Ambiguous",
    requested: "Asked",
    pages: "{n} pp.",
    open_hint: "{key} to view",
    none_imported: "(no file imported)",
    no_files: "No evidence file was imported for this item",
    not_read_yet: "The item's files are still being read; press again in a moment",
    title: "Evidence",
    loading: "Reading {name} …",
    page: "Page {n}",
    sheet: "Sheet {name}",
    picture: "Picture {w}×{h}",
    empty_page: "(no text on this page)",
    empty_file: "(the file holds no text)",
    not_shown: "Not shown: {why}",
    gone: "the file is not in the evidence folder ({path}): {error}; ask the administrator to check the folder",
    too_slow: "Reading {name} took over {secs} s; given up",
    find_prompt: "Find: ",
    not_found: "\"{q}\" is not in the file",
    found_at: "\"{q}\" {i} of {n}",
    where_in_file: "lines {from}–{to} of {rows}",
    request_title: "Why ask for more",
    request_prompt: "Say what the county is to send (Enter saves, Esc drops)",
    request_needed: "Give the reason for asking",
    request_saved: "Asked for more: {item}",
    request_failed: "The request was not saved: {error} (the reason is still in the editor)",
    request_dropped: "Not asked",
    filter_requested: "asked for more",
    request_line: "{reason} · {who} · {at}",
};

impl Evidence {
    pub fn get(lang: Lang) -> &'static Evidence {
        match lang {
            Lang::Zh => &EVIDENCE_ZH,
            Lang::En => &EVIDENCE_EN,
        }
    }
}

/// A file's size as the reviewer reads it: "1.4 KiB", "64 字节" / "64 bytes".
pub fn size(lang: Lang, bytes: u64) -> String {
    let s = crate::source::limits::Size(bytes).to_string();
    match lang {
        Lang::Zh => s.replace(" bytes", " 字节").replace(" byte", " 字节"),
        Lang::En => s,
    }
}

/// A note about a preview, in the reviewer's language.
pub fn note(lang: Lang, note: &Note, kind: Kind) -> String {
    let zh = lang == Lang::Zh;
    match note {
        Note::TextCut { chars } if zh => format!("文字过长，只显示前 {chars} 个字"),
        Note::TextCut { chars } => {
            format!("Long text: only the first {chars} characters are shown")
        }
        Note::RowsCut { sheet, kept } if zh && sheet.is_empty() => format!("只显示前 {kept} 行"),
        Note::RowsCut { sheet, kept } if zh => format!("工作表「{sheet}」只显示前 {kept} 行"),
        Note::RowsCut { sheet, kept } if sheet.is_empty() => {
            format!("Only the first {kept} rows are shown")
        }
        Note::RowsCut { sheet, kept } => {
            format!("Sheet \"{sheet}\": only the first {kept} rows are shown")
        }
        Note::PagesCut { kept } if zh => format!("只读取了前 {kept} 页"),
        Note::PagesCut { kept } => format!("Only the first {kept} pages were read"),
        Note::ScansCut { from_page } if zh => format!("第 {from_page} 页起的扫描页未显示图像"),
        Note::ScansCut { from_page } => {
            format!("Scanned pages from page {from_page} on are not shown as pictures")
        }
        Note::PagesUnreadable { pages } => {
            let list = pages
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join("、");
            if zh {
                format!("第 {list} 页无法读出，显示为空")
            } else {
                format!("Pages {list} could not be read and show empty")
            }
        }
        Note::Encoding { name } if zh => format!("按 {} 编码读取", name.to_uppercase()),
        Note::Encoding { name } => format!("Read as {}", name.to_uppercase()),
        Note::NotText { bytes } if zh => format!("有 {bytes} 处字节不是文字，显示为 �"),
        Note::NotText { bytes } => format!("{bytes} bytes are not text and show as �"),
        Note::NamedOtherwise { named } if zh => format!(
            "文件名是 {} 文件，内容却是 {}：按内容显示",
            named.short(),
            kind.short()
        ),
        Note::NamedOtherwise { named } => format!(
            "Named as {} but holds {}: shown as what it holds",
            named.short(),
            kind.short()
        ),
        Note::Scaled { width, height } if zh => format!("原图 {width}×{height} 像素，缩小显示"),
        Note::Scaled { width, height } => {
            format!("The picture is {width}×{height} pixels, shown smaller")
        }
    }
}

/// Why a file is not shown, in the reviewer's language (the file is named by the caller).
pub fn why(lang: Lang, why: &Why) -> String {
    if lang == Lang::En {
        return why.to_string();
    }
    let mib = |n: u64| crate::source::limits::Size(n).to_string();
    match why {
        Why::TooBig { size, limit } => format!(
            "文件有 {}，超过 kaohe 显示的上限 {}；请在 kaohe 之外打开",
            mib(*size),
            mib(*limit)
        ),
        Why::Unpacks { limit } => format!(
            "压缩的内容解开后超过 {}（或谎报大小），不予显示",
            mib(*limit)
        ),
        Why::PictureTooBig {
            width,
            height,
            limit,
        } => format!(
            "图片有 {width}×{height} 像素，超过 kaohe 解码的上限 {} 万像素",
            limit / 10_000
        ),
        Why::NotKnown => {
            "不是 kaohe 能显示的文件（PDF、DOCX、XLSX、CSV、文本、PNG、JPEG、GIF、BMP）".into()
        }
        Why::Archive => "是压缩包，不是 Word 文档或表格；请解开后导入其中的文件".into(),
        Why::OldOffice => {
            "是旧版 Office 文件（.doc）：kaohe 显示 .docx；请该县另存为 .docx 或 PDF".into()
        }
        Why::SaveAsXlsx { kind } => format!(
            "是 {} 表格：kaohe 显示 .xlsx 表格；请在 kaohe 之外打开，或请该县另存为 .xlsx",
            kind.short()
        ),
        Why::Encrypted => "设有密码；请该县提供未加密的文件".into(),
        Why::Damaged { kind, detail } => {
            let mut s = format!("无法按 {} 读取（文件损坏？）", kind.short());
            if let Some(d) = detail {
                s.push('：');
                s.push_str(d);
            }
            s
        }
    }
}
