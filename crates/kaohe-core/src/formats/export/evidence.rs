//! Issue 18 in the Markdown report: each county's items whose evidence is short (a name cited
//! that no file matches, or several do) or that wait for more (退回补充).

use crate::evidence::Summary;
use crate::evidence::list::md;
use crate::item::Item;
use crate::model::Indicator;
use anyhow::Result;
use std::collections::HashMap;
use std::io::Write;

/// "### 佐证材料缺失或待补充的项目" and an item a line, of one county's items `listed`
/// (nothing where none is short).
pub(super) fn write_county_evidence(
    indicators: &HashMap<&str, &Indicator>,
    listed: &[(Item, Option<Summary>)],
    out: &mut dyn Write,
) -> Result<()> {
    let short: Vec<_> = listed
        .iter()
        .filter_map(|(i, s)| {
            let s = s.as_ref()?;
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
