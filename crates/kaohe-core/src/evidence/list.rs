//! The requests for more material (退回补充) as a list the clerk sends on: JSON and CSV for
//! programs (the keys below), Markdown for each county to read, a section a county.

use super::Request;
use crate::formats::export::write_json_value;
use crate::stages::short_time;
use anyhow::Result;
use serde::Serialize;
use std::io::Write;

/// One request with the names it is read by.
#[derive(Debug, Clone, Serialize)]
pub struct Listed<'a> {
    pub id: i64,
    pub county_code: &'a str,
    pub county: &'a str,
    pub indicator: &'a str,
    /// The indicator's short name.
    pub indicator_name: &'a str,
    pub reason: &'a str,
    pub asked_by: &'a str,
    pub account: &'a str,
    pub asked_at: &'a str,
    pub open: bool,
    pub closed_at: Option<&'a str>,
    /// The file of the import whose new evidence answered it.
    pub closed_by: Option<&'a str>,
}

impl<'a> Listed<'a> {
    pub fn new(r: &'a Request, county: &'a str, indicator_name: &'a str) -> Listed<'a> {
        Listed {
            id: r.id,
            county_code: &r.county_code,
            county,
            indicator: &r.indicator_id,
            indicator_name,
            reason: &r.reason,
            asked_by: &r.asked_by,
            account: &r.account,
            asked_at: &r.asked_at,
            open: r.is_open(),
            closed_at: r.closed_at.as_deref(),
            closed_by: r.closed_by.as_deref(),
        }
    }
}

/// The CSV's (and JSON's) keys, in order.
pub const KEYS: [&str; 12] = [
    "id",
    "county_code",
    "county",
    "indicator",
    "indicator_name",
    "reason",
    "asked_by",
    "account",
    "asked_at",
    "open",
    "closed_at",
    "closed_by",
];

/// One JSON array of the requests (escaped as every JSON kaohe writes).
pub fn write_json(list: &[Listed<'_>], out: &mut dyn Write) -> Result<()> {
    write_json_value(list, out)
}

/// CSV in UTF-8 with a byte-order mark (Excel on a Chinese Windows opens it right); `open` is
/// `yes` or empty.
pub fn write_csv(list: &[Listed<'_>], out: &mut dyn Write) -> Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(KEYS)?;
    for r in list {
        let id = r.id.to_string();
        w.write_record([
            id.as_str(),
            r.county_code,
            r.county,
            r.indicator,
            r.indicator_name,
            r.reason,
            r.asked_by,
            r.account,
            r.asked_at,
            if r.open { "yes" } else { "" },
            r.closed_at.unwrap_or_default(),
            r.closed_by.unwrap_or_default(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Markdown, a section a county (in the order given), each request a numbered item with the
/// indicator, the reason, who asked and when: the letter the clerk sends to each county.
pub fn write_markdown(list: &[Listed<'_>], title: &str, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "# 退回补充材料清单\n")?;
    writeln!(out, "{}\n", md(title))?;
    if list.is_empty() {
        writeln!(out, "没有待补充的材料。")?;
        return Ok(());
    }
    let mut i = 0;
    while i < list.len() {
        let county = list[i].county_code;
        let end = list[i..]
            .iter()
            .position(|r| r.county_code != county)
            .map_or(list.len(), |n| i + n);
        let these = &list[i..end];
        let open = these.iter().filter(|r| r.open).count();
        writeln!(out, "## {}（{}）\n", md(these[0].county), md(county))?;
        if open > 0 {
            writeln!(
                out,
                "以下 {open} 项请补充佐证材料，连同原表一并重新报送：\n"
            )?;
        } else {
            writeln!(out, "所列各项均已收到补充材料。\n")?;
        }
        for (n, r) in these.iter().enumerate() {
            writeln!(
                out,
                "{}. **{} {}**  \n   需补充：{}  \n   提出：{}，{}",
                n + 1,
                md(r.indicator),
                md(r.indicator_name),
                md_lines(r.reason, "   "),
                md(r.asked_by),
                md(&short_time(r.asked_at))
            )?;
            if let Some(at) = r.closed_at {
                writeln!(out, "   （已于 {} 收到补充）", md(&short_time(at)))?;
            }
        }
        writeln!(out)?;
        i = end;
    }
    Ok(())
}

/// Text as Markdown shows it literally, on one line.
pub(crate) fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (k, ch) in text.chars().enumerate() {
        if "\\`*_[]<>|~&".contains(ch) || (k == 0 && "#+-=".contains(ch)) {
            out.push('\\');
        }
        out.push(if ch == '\n' || ch == '\r' { ' ' } else { ch });
    }
    out
}

/// Text of several lines as Markdown shows it literally inside a list item: each line
/// escaped, the next indented by `indent` after a hard break.
fn md_lines(text: &str, indent: &str) -> String {
    text.lines()
        .map(|l| md(l.trim_start_matches([' ', '\t'])))
        .collect::<Vec<_>>()
        .join(&format!("  \n{indent}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(id: i64, county: &str, indicator: &str, reason: &str, closed: bool) -> Request {
        Request {
            id,
            county_code: county.into(),
            indicator_id: indicator.into(),
            reason: reason.into(),
            asked_by: "张三".into(),
            account: "zhang".into(),
            asked_at: "2026-11-29T09:30:00+08:00".into(),
            closed_at: closed.then(|| "2026-12-02T10:00:00+08:00".to_string()),
            closed_by: closed.then(|| "补充.xlsx".to_string()),
        }
    }

    #[test]
    fn the_letter_has_a_section_a_county_and_shows_text_as_written() {
        let rs = [
            request(1, "330802", "1.2", "缺会议纪要\n及签到表", false),
            request(2, "330802", "3.1", "照片*不清*", true),
            request(3, "330803", "2.1", "# 缺台账", false),
        ];
        let list: Vec<Listed> = vec![
            Listed::new(&rs[0], "柯城区", "城市社区"),
            Listed::new(&rs[1], "柯城区", "农村"),
            Listed::new(&rs[2], "衢江区", "救助"),
        ];
        let mut out = Vec::new();
        write_markdown(&list, "2014年度考核", &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("## 柯城区（330802）\n\n以下 1 项请补充"),
            "{text}"
        );
        assert!(text.contains("需补充：缺会议纪要  \n   及签到表"), "{text}");
        assert!(text.contains("照片\\*不清\\*"), "{text}");
        assert!(
            text.contains("（已于 2026-12-02 10:00 收到补充）"),
            "{text}"
        );
        assert!(text.contains("## 衢江区（330803）"), "{text}");
        assert!(text.contains("需补充：\\# 缺台账"), "{text}");

        let mut csv = Vec::new();
        write_csv(&list, &mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(
            csv.starts_with("\u{feff}id,county_code,county,indicator"),
            "{csv}"
        );
        assert!(csv.contains("2,330802,柯城区,3.1,农村,照片*不清*,张三,zhang,2026-11-29T09:30:00+08:00,,2026-12-02T10:00:00+08:00,补充.xlsx"), "{csv}");

        let mut json = Vec::new();
        write_json(&list, &mut json).unwrap();
        let back: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let keys: Vec<&str> = back[0]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys, KEYS);
        assert_eq!(back[0]["reason"], "缺会议纪要\n及签到表");
    }
}
