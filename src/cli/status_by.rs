//! `kaohe status --by reviewer|division|stage`: progress by person — done and left per
//! reviewer, per division and per stage (初审, 复核, 审定), with the second review's agreement
//! per reviewer and per target — as tables or JSON.

use crate::model::Role;
use crate::stages::{
    Agreement, DivisionProgress, People, ReviewerProgress, Stage, StageProgress, TargetProgress,
    short_time,
};
use crate::text::{clean, pad, width};
use anyhow::Result;
use clap::ValueEnum;
use std::io::Write;

/// What `status --by` groups the progress by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// Each reviewer: first reviews done and left, how they fared in the second review, and
    /// the second reviews they gave; then the agreement per target
    Reviewer,
    /// Each division (from the registry of reviewers): its reviewers together
    Division,
    /// 初审, 复核 and 审定: done and left overall and per target, and what is locked
    Stage,
}

/// The tables `--by` asks for.
pub fn write_text(by: By, people: &People, out: &mut dyn Write) -> Result<()> {
    match by {
        By::Reviewer => {
            writeln!(
                out,
                "\n按评审人（初审：已评、待评本人负责的；复核：其初审被复核、同意、改判、一致率；复核他人：已复核、待复核）"
            )?;
            write_table(out, reviewer_table(&people.reviewers))?;
            writeln!(out, "\n按目标（复核一致率）")?;
            write_table(out, target_table(&people.targets, false))?;
        }
        By::Division => {
            writeln!(out, "\n按处室（处室来自评审人登记：kaohe reviewers）")?;
            write_table(out, division_table(&people.divisions))?;
        }
        By::Stage => {
            writeln!(out, "\n按阶段")?;
            write_table(out, stage_table(&people.stage, &people.targets))?;
            writeln!(out, "\n按目标")?;
            write_table(out, target_table(&people.targets, true))?;
        }
    }
    if people.reviewers.iter().all(|r| r.left.is_none()) && by != By::Stage {
        writeln!(
            out,
            "\n待评 — ：各人负责的项目（目标归属处室、kaohe assign）确定后才有；未评项目合计见 --by stage"
        )?;
    }
    Ok(())
}

/// "初步（未审定）", or "审定：整个考核（王五 2026-12-01 10:00）" …: the stage line of `status`.
pub fn stage_line(stage: &StageProgress) -> String {
    match stage.stage {
        Stage::Preliminary => "初步（未审定）".to_string(),
        s => {
            let locks: Vec<String> = stage
                .locks
                .iter()
                .map(|l| format!("{}（{} {}）", l.scope_zh(), clean(&l.by), short_time(&l.at)))
                .collect();
            format!("{}：{}", s.chinese(), locks.join("、"))
        }
    }
}

/// "复核 已复核 5/10  同意 4  改判 1  一致率 80.0%  待复核 5".
pub fn check_line(stage: &StageProgress) -> String {
    let a = &stage.agreement;
    format!(
        "已复核 {}/{}  同意 {}  改判 {}  一致率 {}  待复核 {}",
        a.checked,
        stage.marked,
        a.agreed,
        a.changed,
        a.percent_text(),
        stage.checks_left
    )
}

/// A table: the heads, then the rows; the columns numbered in `left` flush left (names,
/// words), the rest right (numbers).
struct Table {
    heads: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    left: &'static [usize],
}

fn write_table(out: &mut dyn Write, t: Table) -> Result<()> {
    let widths: Vec<usize> = (0..t.heads.len())
        .map(|c| {
            t.rows
                .iter()
                .map(|r| width(&r[c]))
                .chain([width(t.heads[c])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        let mut line = String::from(" ");
        for (c, cell) in cells.iter().enumerate() {
            line.push(' ');
            if t.left.contains(&c) {
                line.push_str(&pad(cell, widths[c]));
            } else {
                line.push_str(&" ".repeat(widths[c] - width(cell)));
                line.push_str(cell);
            }
        }
        line.trim_end().to_string()
    };
    writeln!(
        out,
        "{}",
        line(t.heads.iter().map(|h| h.to_string()).collect())
    )?;
    for row in t.rows {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}

fn count(n: Option<i64>) -> String {
    n.map_or_else(|| "—".to_string(), |n| n.to_string())
}

fn agreement_cells(a: &Agreement) -> [String; 4] {
    [
        a.checked.to_string(),
        a.agreed.to_string(),
        a.changed.to_string(),
        a.percent_text(),
    ]
}

fn role(r: Option<Role>) -> &'static str {
    r.map_or("—", Role::chinese)
}

fn reviewer_table(rows: &[ReviewerProgress]) -> Table {
    Table {
        heads: vec![
            "评审人",
            "处室",
            "角色",
            "初审已评",
            "待评",
            "被复核",
            "同意",
            "改判",
            "一致率",
            "复核他人",
            "待复核",
        ],
        rows: rows
            .iter()
            .map(|r| {
                let mut row = vec![
                    clean(&r.reviewer),
                    clean(r.division.as_deref().unwrap_or("—")),
                    role(r.role).to_string(),
                    r.marked.to_string(),
                    count(r.left),
                ];
                row.extend(agreement_cells(&r.agreement));
                row.push(r.checks_done.to_string());
                row.push(count(r.checks_left));
                row
            })
            .collect(),
        left: &[0, 1, 2],
    }
}

fn division_table(rows: &[DivisionProgress]) -> Table {
    Table {
        heads: vec![
            "处室",
            "评审人",
            "初审已评",
            "待评",
            "被复核",
            "同意",
            "改判",
            "一致率",
            "复核他人",
        ],
        rows: rows
            .iter()
            .map(|d| {
                let mut row = vec![
                    clean(d.division.as_deref().unwrap_or("（未分处室）")),
                    clean(&d.reviewers.join("、")),
                    d.marked.to_string(),
                    count(d.left),
                ];
                row.extend(agreement_cells(&d.agreement));
                row.push(d.checks_done.to_string());
                row
            })
            .collect(),
        left: &[0, 1],
    }
}

fn stage_table(s: &StageProgress, targets: &[TargetProgress]) -> Table {
    let locked = targets
        .iter()
        .filter(|t| t.stage == Stage::SignedOff)
        .count();
    let locks = match s.stage {
        Stage::Preliminary => "未锁定：初步".to_string(),
        _ => stage_line(s),
    };
    Table {
        heads: vec!["阶段", "已完成", "待完成", "说明"],
        rows: vec![
            vec![
                "初审".to_string(),
                format!("{}/{}", s.marked, s.items),
                s.unmarked.to_string(),
                "已评定的项目".to_string(),
            ],
            vec![
                "复核".to_string(),
                format!("{}/{}", s.agreement.checked, s.marked),
                s.checks_left.to_string(),
                format!(
                    "同意 {}，改判 {}，一致率 {}",
                    s.agreement.agreed,
                    s.agreement.changed,
                    s.agreement.percent_text()
                ),
            ],
            vec![
                "审定".to_string(),
                format!("{locked}/{} 个目标", targets.len()),
                (targets.len() - locked).to_string(),
                locks,
            ],
        ],
        left: &[0, 3],
    }
}

fn target_table(rows: &[TargetProgress], with_lock: bool) -> Table {
    let mut heads = vec![
        "目标",
        "阶段",
        "初审已评",
        "被复核",
        "同意",
        "改判",
        "一致率",
        "待复核",
    ];
    if with_lock {
        heads.push("审定");
    }
    Table {
        heads,
        rows: rows
            .iter()
            .map(|t| {
                let mut row = vec![
                    format!("{:>2} {}", t.id, clean(&t.title)),
                    t.stage.chinese().to_string(),
                    format!("{}/{}", t.marked, t.items),
                ];
                row.extend(agreement_cells(&t.agreement));
                row.push(t.checks_left.to_string());
                if with_lock {
                    row.push(t.lock.as_ref().map_or_else(String::new, |l| {
                        format!("{} {} {}", l.scope_zh(), clean(&l.by), short_time(&l.at))
                    }));
                }
                row
            })
            .collect(),
        left: &[0, 1, 8],
    }
}
