//! `kaohe targets`: the targets and their indicators, as a table or JSON.

use super::context::Context;
use crate::catalog::Catalog;
use crate::formats::export::write_json_value;
use crate::model::IndicatorKind;
use crate::text::{clean, pad};
use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct Targets {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

impl Targets {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        let catalog = context.open_existing()?.catalog()?;
        if self.json {
            write_json(&catalog, out)
        } else {
            write_table(&catalog, out)
        }
    }
}

fn write_json(catalog: &Catalog, out: &mut dyn Write) -> Result<()> {
    let list: Vec<_> = catalog
        .targets
        .iter()
        .map(|t| {
            serde_json::json!({
                "id": t.id,
                "class": t.class,
                "class_name": catalog.classes.iter().find(|c| c.class == t.class).map(|c| c.name.as_str()),
                "title": t.title,
                "text": t.text,
                "division": t.division,
                "indicators": t.indicators.iter().map(|i| {
                    let r = i.requirement.as_ref();
                    serde_json::json!({
                        "id": i.id,
                        "short": i.short,
                        "text": i.text,
                        "source": i.source,
                        "kind": i.kind.as_str(),
                        "comparator": r.map(|r| r.comparator.as_str()),
                        "threshold": r.map(|r| r.threshold),
                        "unit": r.map(|r| r.unit.as_str()),
                        "division": i.division,
                        // How it earns its points (issue 17): {"shape": "verdict"} by default.
                        "rule": i.rule,
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    write_json_value(&list, out)?;
    Ok(())
}

fn write_table(catalog: &Catalog, out: &mut dyn Write) -> Result<()> {
    let a = &catalog.assessment;
    writeln!(out, "{}  {}", clean(&a.number), clean(&a.title))?;
    for class in &catalog.classes {
        writeln!(out, "\n{}", clean(&class.name))?;
        for t in catalog.targets.iter().filter(|t| t.class == class.class) {
            // Its division (处室), where it has one.
            let owner = |d: &Option<String>| {
                d.as_deref()
                    .map_or_else(String::new, |d| format!("  〔{}〕", clean(d)))
            };
            writeln!(
                out,
                "{:>3}  {}{}",
                t.id,
                clean(&t.title),
                owner(&t.division)
            )?;
            for i in &t.indicators {
                let rule = match (&i.requirement, i.kind) {
                    (Some(r), _) => r.to_string(),
                    (None, IndicatorKind::YesNo) => "是/否".to_string(),
                    (None, _) => "定性".to_string(),
                };
                // A rule of its own (issue 17), in words: "  〈计分：按排名赋分 …〉".
                let scoring = if i.rule == crate::score::Rule::Verdict {
                    String::new()
                } else {
                    let (unit, side) = i
                        .requirement
                        .as_ref()
                        .map_or(("", None), |r| (r.unit.as_str(), Some(r.comparator)));
                    format!("  〈计分：{}〉", clean(&i.rule.zh(i.points, unit, side)))
                };
                writeln!(
                    out,
                    "     {}{}{}{}{scoring}",
                    pad(&clean(&i.id), 6),
                    pad(&clean(&rule), 12),
                    clean(&i.text),
                    owner(&i.division)
                )?;
            }
        }
    }
    Ok(())
}
