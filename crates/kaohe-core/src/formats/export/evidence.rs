//! Issue 18 in the Markdown report: each county's items whose evidence is short (a name cited
//! that no file matches, or several do) or that wait for more (退回补充).

use super::Results;
use crate::evidence::list::md;
use anyhow::Result;
use std::io::Write;

/// "### 佐证材料缺失或待补充的项目" and an item a line, for county `code` (nothing where none).
pub(super) fn write_county_evidence(
    results: &Results,
    code: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let indicators = results.indicators();
    let short: Vec<_> = results
        .items
        .iter()
        .filter(|i| i.county_code == code)
        .filter_map(|i| {
            let s = results
                .evidence
                .get(&(i.county_code.clone(), i.indicator.clone()))?;
            (!s.missing.is_empty() || !s.requests_open.is_empty()).then_some((i, s))
        })
        .collect();
    if short.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n### 佐证材料缺失或待补充的项目\n")?;
    for (item, s) in short {
        let name = indicators
            .get(item.indicator.as_str())
            .map_or("", |d| d.short.as_str());
        let mut line = format!(
            "- **{} {}**　佐证 {} 个文件",
            md(&item.indicator),
            md(name),
            s.files
        );
        if !s.missing.is_empty() {
            line.push_str(&format!("；缺：{}", md(&s.missing.join("、"))));
        }
        if !s.requests_open.is_empty() {
            let asked: Vec<String> = s.requests_open.iter().map(|r| md(&r.line())).collect();
            line.push_str(&format!("；待补充：{}", asked.join("；")));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}
