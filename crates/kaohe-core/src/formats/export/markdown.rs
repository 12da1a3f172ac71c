//! The Markdown report: the ranking, then each county's score and the items it did not
//! meet, for the bureau's write-up; every text escaped so Markdown shows it as written.

use super::{Results, ranked, stage_words};
use crate::item::Item;
use crate::model::{Verdict, format_number};
use anyhow::Result;
use std::io::Write;

/// Markdown: the ranking, then a report per county — its score and rank, and the items not
/// met or partly met with their figures and notes, for the bureau's write-up. A county's
/// items are read when its section is written (in rank order), one county at a time; answers
/// how many items were read.
pub fn write_markdown(results: &Results<'_>, out: &mut dyn Write) -> Result<usize> {
    let mut read = 0;
    let (catalog, status) = (&results.catalog, &results.status);
    let a = &catalog.assessment;
    let indicators = results.indicators();
    writeln!(out, "# {} 评定结果\n", md(&a.title))?;
    writeln!(
        out,
        "{}　{}。已评定 {}/{} 项；未评定的项目不得分。\n",
        md(&a.issuer),
        md(&a.number),
        status.progress.reviewed,
        status.progress.total
    )?;
    let stage = &results.people.stage;
    writeln!(
        out,
        "阶段：{}。\n",
        md(&stage_words(stage.stage, &stage.locks))
    )?;
    // The grades (等次) have a column where the targets file names them.
    let graded = status.counties.iter().any(|c| c.grade.is_some());
    let (grade_head, grade_rule) = if graded {
        (" 等次 |", "---|")
    } else {
        ("", "")
    };
    writeln!(
        out,
        "| 名次 | 县(市、区) | 得分 | 满分 |{grade_head} 已评定 | 完成 | 基本完成 | 未完成 |"
    )?;
    writeln!(out, "|---:|---|---:|---:|{grade_rule}---:|---:|---:|---:|")?;
    for c in ranked(&status.counties) {
        let p = &c.progress;
        let veto = if c.vetoed_by.is_empty() {
            ""
        } else {
            "（一票否决）"
        };
        let grade = if graded {
            format!(" {} |", md(c.grade.as_deref().unwrap_or("")))
        } else {
            String::new()
        };
        writeln!(
            out,
            "| {} | {}{veto} | {} | {} |{grade} {}/{} | {} | {} | {} |",
            c.rank,
            md(&c.name),
            format_number(c.score),
            format_number(c.max_score),
            p.reviewed,
            p.total,
            p.met,
            p.partly_met,
            p.not_met
        )?;
    }
    for c in ranked(&status.counties) {
        let p = &c.progress;
        let listed = results.items.of_county(&c.code)?;
        read += listed.len();
        let mine = || listed.iter().map(|(i, _)| i);
        writeln!(out, "\n## {}. {}（{}）\n", c.rank, md(&c.name), md(&c.code))?;
        writeln!(
            out,
            "得分 **{}** / {}，第 {} 名。已评定 {}/{}：完成 {}，基本完成 {}，未完成 {}。",
            format_number(c.score),
            format_number(c.max_score),
            c.rank,
            p.reviewed,
            p.total,
            p.met,
            p.partly_met,
            p.not_met
        )?;
        if let Some(grade) = &c.grade {
            writeln!(out, "\n等次：**{}**。", md(grade))?;
        }
        write_rule_notes(c, out)?;
        if !c.vetoed_by.is_empty() {
            writeln!(
                out,
                "\n一票否决：{} 未完成，得分作废。",
                md(&c.vetoed_by.join("、"))
            )?;
        }
        if p.changed_since_review > 0 {
            writeln!(
                out,
                "\n{} 项在评定后报送数据有变，须重新评定。",
                p.changed_since_review
            )?;
        }
        if p.self_disagrees > 0 {
            writeln!(out, "\n自评与评定不一致 {} 项（见下）。", p.self_disagrees)?;
        }
        for (verdict, heading) in [
            (Verdict::NotMet, "未完成的项目"),
            (Verdict::PartlyMet, "基本完成的项目"),
        ] {
            // By the verdict that counts: the second review's where there is one.
            let items: Vec<&Item> = mine().filter(|i| i.result() == Some(verdict)).collect();
            if items.is_empty() {
                continue;
            }
            writeln!(out, "\n### {heading}\n")?;
            for i in items {
                let ind = indicators.get(i.indicator.as_str());
                let mut line = format!(
                    "- **{} {}**",
                    md(&i.indicator),
                    md(&ind.map_or_else(String::new, |d| d.short.clone()))
                );
                if let Some(r) = ind.and_then(|d| d.requirement.as_ref()) {
                    line.push_str(&format!("　要求 {}", md(&r.to_string())));
                }
                if let Some(v) = i.value.as_deref().filter(|v| !v.is_empty()) {
                    line.push_str(&format!("，报送 {}", md(v)));
                }
                if let Some(v) = &i.verified {
                    let cut = if i.verified_lower() { "，核减" } else { "" };
                    line.push_str(&format!(
                        "，核定 {}（{}{cut}：{}）",
                        md(&v.value),
                        md(&v.by),
                        md(&v.reason)
                    ));
                }
                if i.changed_since_review {
                    line.push_str("（评定后数据已变）");
                }
                if let Some(who) = i.reviewer.as_deref() {
                    line.push_str(&format!("（{}）", md(who)));
                }
                line.push_str(&check_words(i));
                writeln!(out, "{line}")?;
                // The notes, each under its author, as a list inside the item's.
                for note in &i.notes {
                    writeln!(out, "  - {}", md(&note.line()).replace("\n  ", "\n    "))?;
                }
            }
        }
        // Items a reviewer's finding voided (不计分), with why.
        let voided: Vec<&Item> = mine().filter(|i| i.void_reason.is_some()).collect();
        if !voided.is_empty() {
            writeln!(out, "\n### 不计分的项目\n")?;
            for i in voided {
                let ind = indicators.get(i.indicator.as_str());
                writeln!(
                    out,
                    "- **{} {}**　{}",
                    md(&i.indicator),
                    md(&ind.map_or_else(String::new, |d| d.short.clone())),
                    md(i.void_reason.as_deref().unwrap_or_default())
                )?;
            }
        }
        super::evidence::write_county_evidence(&indicators, &listed, out)?;
        let differing: Vec<&Item> = mine().filter(|i| i.self_disagrees()).collect();
        if !differing.is_empty() {
            writeln!(out, "\n### 自评与评定不一致的项目\n")?;
            for i in differing {
                let ind = indicators.get(i.indicator.as_str());
                let said = |v: Option<Verdict>| v.map_or("", Verdict::chinese);
                let mut line = format!(
                    "- **{} {}**　自评 {}",
                    md(&i.indicator),
                    md(&ind.map_or_else(String::new, |d| d.short.clone())),
                    said(i.self_verdict)
                );
                if let Some(score) = i.self_score {
                    line.push_str(&format!("（{}分）", format_number(score)));
                }
                line.push_str(&format!("，评定 {}", said(i.verdict)));
                writeln!(out, "{line}")?;
            }
        }
    }
    write_agreement(results, out)?;
    Ok(read)
}

/// What the rules made of a county's items beyond their verdicts: the bonus added, items
/// voided (不计分), bonuses without evidence, items with no figure to score by.
fn write_rule_notes(c: &crate::report::CountyStatus, out: &mut dyn Write) -> Result<()> {
    if c.bonus > 0.0 {
        writeln!(out, "\n加分 {} 分（已计入得分）。", format_number(c.bonus))?;
    }
    for (ids, words) in [
        (&c.voided, "不计分（审核认定）"),
        (&c.bonus_unproven, "无佐证材料，暂未加分"),
        (&c.without_figure, "无可计分的数值，暂不得分"),
    ] {
        if !ids.is_empty() {
            writeln!(out, "\n{words}：{}。", md(&ids.join("、")))?;
        }
    }
    Ok(())
}

/// "  \n  复核：李四 改判（初审 完成）：理由…", or "  \n  复核：李四 同意".
fn check_words(i: &Item) -> String {
    let (Some(second), Some(checker)) = (i.stages.second_verdict, i.stages.checker.as_deref())
    else {
        return String::new();
    };
    let mut words = if Some(second) == i.verdict {
        format!("  \n  复核：{} 同意", md(checker))
    } else {
        format!(
            "  \n  复核：{} 改判（初审 {}）",
            md(checker),
            i.verdict.map_or("未评定", Verdict::chinese)
        )
    };
    if let Some(reason) = i.stages.check_reason.as_deref().filter(|r| !r.is_empty()) {
        words.push_str(&format!("：{}", md(reason)));
    }
    words
}

/// The second review's agreement: overall, per reviewer of the first review, per target.
fn write_agreement(results: &Results, out: &mut dyn Write) -> Result<()> {
    let people = &results.people;
    let a = &people.stage.agreement;
    writeln!(out, "\n## 复核\n")?;
    writeln!(
        out,
        "已初审 {} 项，已复核 {} 项：同意 {}，改判 {}，一致率 {}；待复核 {} 项。",
        people.stage.marked,
        a.checked,
        a.agreed,
        a.changed,
        a.percent_text(),
        people.stage.checks_left
    )?;
    writeln!(
        out,
        "\n| 初审评审人 | 处室 | 已初审 | 已复核 | 同意 | 改判 | 一致率 | 复核他人 |"
    )?;
    writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|")?;
    for r in &people.reviewers {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&r.reviewer),
            md(r.division.as_deref().unwrap_or("")),
            r.marked,
            r.agreement.checked,
            r.agreement.agreed,
            r.agreement.changed,
            r.agreement.percent_text(),
            r.checks_done
        )?;
    }
    writeln!(
        out,
        "\n| 目标 | 阶段 | 已初审 | 已复核 | 同意 | 改判 | 一致率 | 待复核 |"
    )?;
    writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|")?;
    for t in &people.targets {
        writeln!(
            out,
            "| {} {} | {} | {}/{} | {} | {} | {} | {} | {} |",
            t.id,
            md(&t.title),
            t.stage.chinese(),
            t.marked,
            t.items,
            t.agreement.checked,
            t.agreement.agreed,
            t.agreement.changed,
            t.agreement.percent_text(),
            t.checks_left
        )?;
    }
    Ok(())
}

/// Text as Markdown shows it literally: its punctuation escaped, its lines kept as lines
/// inside a list item.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        // Indentation means code or nesting to Markdown, nothing in a note: dropped, so the
        // marks below are at the line's start.
        let line = line.trim_start_matches([' ', '\t']);
        // "1. " or "1) " starting a line would make it a numbered list.
        let chars: Vec<char> = line.chars().collect();
        let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
        let list_mark = digits > 0
            && chars.get(digits).is_some_and(|c| ".)".contains(*c))
            && chars.get(digits + 1).is_none_or(|c| c.is_whitespace());
        for (k, ch) in line.chars().enumerate() {
            // Marks anywhere (& too: "&lt;" must not become "<"), and those that only mean
            // something at a line's start there.
            let numbered = list_mark && k == digits;
            if "\\`*_[]<>|~&".contains(ch) || (k == 0 && "#+-=".contains(ch)) || numbered {
                out.push('\\');
            }
            out.push(ch);
        }
        if lines.peek().is_some() {
            out.push_str("  \n  ");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_shows_text_as_written() {
        assert_eq!(md("台账*齐全*"), "台账\\*齐全\\*");
        assert_eq!(md("a|b"), "a\\|b");
        // A second line stays inside its list item, and cannot start a list of its own.
        assert_eq!(md("一\n- 二"), "一  \n  \\- 二");
        assert_eq!(md("1.2 覆盖率"), "1.2 覆盖率");
        assert_eq!(md("1."), "1\\.");
        assert_eq!(md("一\n1. 二"), "一  \n  1\\. 二");
        assert_eq!(md("&lt;"), "\\&lt;");
        assert_eq!(
            md("一\n  - 二\n  # 三\n 1. 四"),
            "一  \n  \\- 二  \n  \\# 三  \n  1\\. 四"
        );
        assert_eq!(md("共 12 项。"), "共 12 项。");
        // A formula is text in an editor, and Markdown marks none at a line's start but these:
        // escaped, so that nothing turns it into a heading rule or a list.
        assert_eq!(
            md("=HYPERLINK(\"http://x\",\"点此\")"),
            "\\=HYPERLINK(\"http://x\",\"点此\")"
        );
        assert_eq!(md("-5%"), "\\-5%");
        assert_eq!(md("+1+2"), "\\+1+2");
    }
}
