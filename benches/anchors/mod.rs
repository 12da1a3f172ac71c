//! The anchors kaohe is measured against in the same run, where they are installed: sqlite3
//! doing the same work in plain SQL (the import of the same CSV into a plain table, the join
//! of the CSV export, the counts of `status`), and VisiData and csvlens stepping through the
//! same CSV in the same terminal.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The CSV export's rows and columns in one statement: every county × indicator, counties in
/// order then indicators in document order, with its submission, review, second review,
/// findings, verified figure, note thread, evidence and open requests — the join of the
/// store's item query (`crates/kaohe-store/src/items.rs`, `ITEM_SELECT` and its note threads)
/// and of `evidence_summaries`, in the columns of `columns::in_csv`. What kaohe works out in
/// Rust rather than reads (`suggested`, `flags`, `points`, `grade`) is left empty: the anchor
/// is the reading and writing, not the rules.
pub const EXPORT_SQL: &str = "
SELECT c.code AS county_code, c.name AS county, i.id AS indicator,
    s.value, s.value_number, s.numerator, s.denominator, s.evidence, s.remark,
    '' AS suggested,
    r.verdict, r.note, r.reviewer, r.reviewed_at,
    CASE WHEN COALESCE(r.verdict IS NOT NULL AND r.revision < s.revision, 0)
         THEN 'yes' ELSE '' END AS changed_since_review,
    '' AS flags,
    s.self_verdict, s.self_score,
    CASE WHEN s.self_verdict IS NOT NULL AND r.verdict IS NOT NULL AND s.self_verdict <> r.verdict
         THEN 'yes' ELSE '' END AS self_disagrees,
    sr.verdict AS second_verdict, sr.checker, NULLIF(sr.reason, '') AS check_reason,
    sr.checked_at,
    CASE WHEN EXISTS (SELECT 1 FROM locks l WHERE l.target_id IS NULL OR l.target_id = i.target_id)
         THEN '审定' ELSE '初步' END AS stage,
    (SELECT group_concat(n.author || ' ' || replace(substr(n.at, 1, 16), 'T', ' ') || '：' || n.text,
                         char(10))
     FROM (SELECT * FROM notes x WHERE x.indicator_id = i.id AND x.county_code = c.code
           ORDER BY x.seq) n) AS notes,
    f.cases, f.void_reason,
    '' AS points, '' AS grade,
    vf.value AS verified, vf.reason AS verified_reason, vf.verifier AS verified_by,
    vf.verified_at,
    CASE WHEN vf.value_number < s.value_number THEN 'yes' ELSE '' END AS verified_lower,
    s.converted_from AS as_written,
    (SELECT COUNT(DISTINCT e.sha256) FROM evidence_citations e
     WHERE e.county_code = c.code AND e.indicator_id = i.id AND e.state = 'tied')
        AS evidence_files,
    (SELECT group_concat(e.cited, '；') FROM evidence_citations e
     WHERE e.county_code = c.code AND e.indicator_id = i.id AND e.state <> 'tied')
        AS evidence_missing,
    (SELECT group_concat('#' || q.id || ' ' || q.reason || '（' || q.asked_by || ' '
                         || replace(substr(q.asked_at, 1, 16), 'T', ' ') || '）', char(10))
     FROM requests q
     WHERE q.county_code = c.code AND q.indicator_id = i.id AND q.closed_at IS NULL)
        AS requests_open,
    CASE WHEN s.bare_fraction THEN 'yes' ELSE '' END AS bare_fraction
FROM counties c
CROSS JOIN indicators i
JOIN targets t ON t.id = i.target_id
LEFT JOIN submissions s ON s.county_code = c.code AND s.indicator_id = i.id
LEFT JOIN reviews r ON r.county_code = c.code AND r.indicator_id = i.id
LEFT JOIN second_reviews sr ON sr.county_code = c.code AND sr.indicator_id = i.id
    AND sr.first_verdict = r.verdict
LEFT JOIN findings f ON f.county_code = c.code AND f.indicator_id = i.id
LEFT JOIN verified_figures vf ON vf.county_code = c.code AND vf.indicator_id = i.id
ORDER BY c.position, t.position, i.position;
";

/// What `status` counts, in one statement: per county and per target, the submissions, the
/// verdicts that count (a second review's where it was given on the first verdict as it
/// stands) by kind, and those changed since reviewed; the overall line is their sum. The
/// scores and ranks `status` adds are worked out from these counts. Like `status`, it reads
/// the submissions and the reviews, never their cross join with every indicator.
pub const STATUS_SQL: &str = "
WITH judged AS (
    SELECT r.county_code AS county, r.indicator_id AS indicator,
        COALESCE(sr.verdict, r.verdict) AS verdict,
        COALESCE(r.revision < s.revision, 0) AS stale
    FROM reviews r
    LEFT JOIN second_reviews sr ON sr.county_code = r.county_code
        AND sr.indicator_id = r.indicator_id AND sr.first_verdict = r.verdict
    LEFT JOIN submissions s ON s.county_code = r.county_code AND s.indicator_id = r.indicator_id
    WHERE r.verdict IS NOT NULL
),
counted AS (
    SELECT county_code AS county, indicator_id AS indicator, 1 AS submitted,
        NULL AS verdict, 0 AS stale
    FROM submissions
    UNION ALL
    SELECT county, indicator, 0, verdict, stale FROM judged
)
SELECT 'county', county, SUM(submitted), COUNT(verdict), SUM(verdict = 'met'),
    SUM(verdict = 'partly_met'), SUM(verdict = 'not_met'), SUM(stale)
FROM counted GROUP BY county
UNION ALL
SELECT 'target', i.target_id, SUM(submitted), COUNT(verdict), SUM(verdict = 'met'),
    SUM(verdict = 'partly_met'), SUM(verdict = 'not_met'), SUM(stale)
FROM counted JOIN indicators i ON i.id = counted.indicator GROUP BY i.target_id;
";

/// `sqlite3 DB .import --csv FILE submissions`: the CSV into a new plain table.
pub fn sqlite_import(sqlite: &Path, db: &Path, csv: &Path) -> Command {
    let mut cmd = Command::new(sqlite);
    cmd.arg(db)
        .arg(format!(".import --csv '{}' submissions", csv.display()));
    cmd
}

/// `sqlite3 -csv -header DB SQL`, read-only.
pub fn sqlite_query(sqlite: &Path, db: &Path, sql: &str) -> Command {
    let mut cmd = Command::new(sqlite);
    cmd.arg("-readonly")
        .arg("-csv")
        .arg("-header")
        .arg(db)
        .arg(sql);
    cmd
}

/// A terminal program stepping through a CSV, beside kaohe.
pub struct Viewer {
    pub name: &'static str,
    pub program: PathBuf,
    /// Its arguments before the file.
    pub args: Vec<String>,
    pub quit: &'static [u8],
}

/// VisiData and csvlens, where installed.
pub fn viewers() -> (Option<Viewer>, Option<Viewer>) {
    let vd = crate::batch::find(&["vd", "visidata"]).map(|program| Viewer {
        name: "VisiData",
        program,
        // No message of the day from the network, and no confirmation on quitting.
        args: vec!["--motd-url=".into(), "--quitguard=False".into()],
        quit: b"gq",
    });
    let csvlens = crate::batch::find(&["csvlens"]).map(|program| Viewer {
        name: "csvlens",
        program,
        args: Vec::new(),
        quit: b"q",
    });
    (vd, csvlens)
}

impl Viewer {
    /// What its screen shows once every row of `rows` is read.
    pub fn loaded(&self, rows: usize) -> String {
        match self.name {
            // The status line's count: "361188 rows".
            "VisiData" => format!("{rows} rows"),
            // The row counter: "[Row 1/361188".
            _ => format!("/{rows}"),
        }
    }

    /// To row `row` (0-based) by its own go-to key, as a user would; whether a frame came.
    pub fn jump(&self, s: &mut crate::pty::Session, row: usize, quiet: Duration) -> bool {
        let keys = match self.name {
            // go-row-number: `zr`, the number (0-based), Enter.
            "VisiData" => vec!["zr".to_string(), row.to_string(), "\r".to_string()],
            // `<n>G`, 1-based.
            _ => vec![format!("{}G", row + 1)],
        };
        let mut drew = false;
        for k in keys {
            drew = s
                .press(
                    k.as_bytes(),
                    crate::pty::Done::Quiet(quiet),
                    Duration::from_secs(5),
                )
                .is_some();
        }
        s.settle(Duration::from_millis(300), Duration::from_secs(5));
        drew
    }
}
