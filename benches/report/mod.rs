//! Every figure beside its limit: printed as it is measured, and gathered for the Markdown table
//! at the end (figure | measured | limit | met?), ready to paste into BENCHMARKS.md.

use std::time::Duration;

pub struct Figure {
    pub what: String,
    pub measured: String,
    pub limit: String,
    /// `None` where there is no limit, or its anchor was not measured.
    pub met: Option<bool>,
}

#[derive(Default)]
pub struct Report {
    figures: Vec<Figure>,
}

impl Report {
    /// Prints the figure and keeps it for the table.
    pub fn add(&mut self, what: String, measured: String, limit: String, met: Option<bool>) {
        let verdict = match met {
            Some(true) => "  ✓",
            Some(false) => "  ✗ over",
            None => "",
        };
        if limit.is_empty() {
            println!("{what}: {measured}");
        } else {
            println!("{what}: {measured}   [limit: {limit}]{verdict}");
        }
        self.figures.push(Figure {
            what,
            measured,
            limit,
            met,
        });
    }

    /// A line that is no figure (a skipped anchor, a failure), kept in the table too.
    pub fn note(&mut self, what: String, said: String) {
        println!("{what}: {said}");
        self.figures.push(Figure {
            what,
            measured: said,
            limit: String::new(),
            met: None,
        });
    }

    pub fn markdown(&self) -> String {
        let mut out = String::from("| figure | measured | limit | met? |\n|---|---|---|---|\n");
        for f in &self.figures {
            let met = match f.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "—",
            };
            let limit = if f.limit.is_empty() { "—" } else { &f.limit };
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                cell(&f.what),
                cell(&f.measured),
                cell(limit),
                met
            ));
        }
        out
    }
}

/// A table cell: no pipe or line break breaks the row.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 10_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

pub fn mb(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

/// The `q` quantile (0 to 1) of sorted `v`, nearest rank.
pub fn quantile<T: Copy>(v: &[T], q: f64) -> Option<T> {
    if v.is_empty() {
        return None;
    }
    let at = ((v.len() as f64 - 1.0) * q).round() as usize;
    v.get(at.min(v.len() - 1)).copied()
}

/// (median, p99, max) of `v`, sorted here.
pub fn spread<T: Copy + Ord>(mut v: Vec<T>) -> Option<(T, T, T)> {
    v.sort();
    Some((quantile(&v, 0.5)?, quantile(&v, 0.99)?, *v.last()?))
}

/// Thousands separated by commas, as the issue writes them.
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (k, c) in s.chars().enumerate() {
        if k > 0 && (s.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The machine's load now (`/proc/loadavg`'s first three figures).
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}
