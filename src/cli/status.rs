//! `kaohe status`: the database it is of (共享 or 个人), progress overall, per county and per
//! target, and the counties' scores and ranks, as a table or JSON.

use super::context::Context;
use super::status_by::{self, By};
use super::table::padded_column;
use crate::formats::export::write_json_value;
use crate::model::format_number;
use crate::report::{CountyStatus, Progress};
use crate::text::{clean, pad};
use anyhow::Result;
use clap::Args;
use serde::Serialize;
use std::io::Write;

#[derive(Debug, Args)]
pub struct Status {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
    /// Progress by person: done and left per reviewer, per division or per stage (初审, 复核,
    /// 审定), with the second review's agreement
    #[arg(long, value_enum, value_name = "BY")]
    pub by: Option<By>,
}

impl Status {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        let store = context.open_existing()?;
        let status = store.status()?;
        let people = store.people()?;
        let database = Database {
            path: context.db_shown().display().to_string(),
            shared: context.is_shared(),
        };
        if let (true, Some(by)) = (self.json, self.by) {
            let shown = ByPerson {
                by,
                people: &people,
                database,
            };
            write_json_value(&shown, out)?;
            return Ok(());
        }
        if self.json {
            let shown = WithDatabase {
                status: &status,
                database,
                stages: &people.stage,
            };
            write_json_value(&shown, out)?;
            return Ok(());
        }
        let a = store.assessment()?;
        writeln!(out, "{}  {}", clean(&a.number), clean(&a.title))?;
        writeln!(
            out,
            "数据库 {}（{}）",
            clean(&database.path),
            if database.shared { "共享" } else { "个人" }
        )?;
        writeln!(out, "阶段 {}", status_by::stage_line(&people.stage))?;
        if let Some(by) = self.by {
            return status_by::write_text(by, &people, out);
        }
        writeln!(out, "已审核 {}", progress_line(&status.progress))?;
        writeln!(out, "复核 {}", status_by::check_line(&people.stage))?;
        writeln!(out, "\n县(市、区)")?;
        let names = padded_column(status.counties.iter().map(|c| c.name.as_str()));
        for (c, name) in status.counties.iter().zip(names) {
            writeln!(
                out,
                "  {} {name}{}",
                clean(&c.code),
                progress_line(&c.progress)
            )?;
        }
        writeln!(out, "\n名次（未评定的项目不得分）")?;
        let mut ranked: Vec<&CountyStatus> = status.counties.iter().collect();
        ranked.sort_by_key(|c| c.rank);
        let names = padded_column(ranked.iter().map(|c| c.name.as_str()));
        // The scores, then the grades, in columns; then what is worth knowing of each.
        let scores: Vec<String> = ranked.iter().map(|c| score_text(c)).collect();
        let scores = padded_column(scores.iter().map(String::as_str));
        let graded = ranked.iter().any(|c| c.grade.is_some());
        let grades: Vec<String> = ranked
            .iter()
            .map(|c| match (&c.grade, graded) {
                (Some(g), _) => format!("等次 {g}"),
                (None, true) => "等次 —".to_string(),
                (None, false) => String::new(),
            })
            .collect();
        let grades = padded_column(grades.iter().map(String::as_str));
        for (((c, name), score), grade) in ranked.iter().zip(names).zip(scores).zip(grades) {
            let line = format!(
                "  {:>3}  {} {name}{score}{grade}{}",
                c.rank,
                clean(&c.code),
                score_notes(c)
            );
            writeln!(out, "{}", line.trim_end())?;
        }
        writeln!(out, "\n目标")?;
        let titles = padded_column(status.targets.iter().map(|t| t.title.as_str()));
        for (t, title) in status.targets.iter().zip(titles) {
            writeln!(out, "  {:>2} {title}{}", t.id, progress_line(&t.progress))?;
        }
        Ok(())
    }
}

/// The database the status is of: where it is, and whether its group may write it (共享) or
/// only its owner (个人).
#[derive(Serialize)]
struct Database {
    path: String,
    shared: bool,
}

/// `status --json`: the status, with the database it is of and where it stands in the stages
/// (复核 and 审定).
#[derive(Serialize)]
struct WithDatabase<'a> {
    #[serde(flatten)]
    status: &'a crate::report::Status,
    database: Database,
    stages: &'a crate::stages::StageProgress,
}

/// `status --by … --json`: progress by reviewer, division, target and stage.
#[derive(Serialize)]
struct ByPerson<'a> {
    by: By,
    #[serde(flatten)]
    people: &'a crate::stages::People,
    database: Database,
}

fn progress_line(p: &Progress) -> String {
    // Rounded down: 759 of 762 is not yet 100%.
    let percent = (p.reviewed * 100).checked_div(p.total).unwrap_or(0);
    let mut line = format!(
        "{}{}{}{}{}已报送 {}",
        pad(&format!("{}/{}", p.reviewed, p.total), 12),
        pad(&format!("{percent}%"), 6),
        pad(&format!("完成 {}", p.met), 10),
        pad(&format!("基本完成 {}", p.partly_met), 14),
        pad(&format!("未完成 {}", p.not_met), 12),
        p.submitted
    );
    if p.changed_since_review > 0 {
        line.push_str(&format!("  评定后数据已变 {}", p.changed_since_review));
    }
    if p.self_disagrees > 0 {
        line.push_str(&format!("  自评不一致 {}", p.self_disagrees));
    }
    line
}

/// "得分 95.5/120", with the bonus it holds (issue 17).
fn score_text(c: &CountyStatus) -> String {
    let mut text = format!(
        "得分 {}/{}",
        format_number(c.score),
        format_number(c.max_score)
    );
    if c.bonus > 0.0 {
        text.push_str(&format!("（含加分 {}）", format_number(c.bonus)));
    }
    text
}

/// Why a score is void, and what the rules made of items beyond their verdicts (issue 17).
fn score_notes(c: &CountyStatus) -> String {
    let mut line = String::new();
    if !c.vetoed_by.is_empty() {
        line.push_str(&format!(
            "  一票否决：{} 未完成",
            clean(&c.vetoed_by.join("、"))
        ));
    }
    for (ids, words) in [
        (&c.voided, "不计分"),
        (&c.bonus_unproven, "无佐证暂未加分"),
        (&c.without_figure, "无可计分数值"),
    ] {
        if !ids.is_empty() {
            line.push_str(&format!("  {words}：{}", clean(&ids.join("、"))));
        }
    }
    line
}
