//! The names in an evidence column (佐证材料) matched to the files a county sent.
//!
//! The column is split where counties separate names: 、，,；; and line breaks (tabs too). A
//! piece with spaces in it is one name when a file has that name (`会议纪要 2014.pdf`), and
//! several only when each of its space-separated words looks like a file name with an
//! extension (`通知.pdf 纪要.docx`). Words that say there is nothing (无, 暂无, -, /: what
//! [`crate::score::names_evidence`] does not take for evidence) cite nothing; a leading number
//! of a list (`1.`, `(2)`, `③`) is not part of a name.
//!
//! A name is compared with each file's name, folded: full-width letters, digits and signs as
//! their ASCII selves, ASCII letters in lower case, `\` as `/`, runs of spaces as one. It
//! matches a file whose name is that name, or, failing any, whose name without its extension
//! is; a name with a folder in it (`会议/纪要.pdf`) matches the file at that path's end.
//! Written with 《》 or quotes around it, the name inside them is tried too. Files of the same
//! content are one file. More than one file left is ambiguous: nothing is tied, and both are
//! named (kaohe never guesses).

use std::collections::HashMap;

/// A name folded for comparison (see the module's note).
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.trim().chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => {
                char::from_u32(c as u32 - 0xFEE0).map_or(c, |c| c.to_ascii_lowercase())
            }
            '\u{3000}' => ' ',
            '\\' => '/',
            c => c.to_ascii_lowercase(),
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// The separators between names that leave no doubt.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '、' | '，' | ',' | '；' | ';' | '\n' | '\r' | '\t' | '|' | '｜'
    )
}

/// One name an evidence column cites, as written (trimmed).
pub fn split(evidence: &str) -> Vec<String> {
    split_with(evidence, &|_| false)
}

/// The names an evidence column cites, as written, with `known` telling whether a piece is
/// a file's name as it stands (so that a name with spaces in it is not cut).
pub fn split_with(evidence: &str, known: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut names = Vec::new();
    for piece in evidence.split(is_separator) {
        let piece = piece.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
        if piece.is_empty() || is_nothing(piece) || is_list_number(piece) {
            continue;
        }
        let words: Vec<&str> = piece.split_whitespace().collect();
        if words.len() > 1 && !known(piece) && words.iter().all(|w| looks_like_file(w)) {
            names.extend(words.into_iter().map(str::to_string));
        } else {
            names.push(piece.to_string());
        }
    }
    names
}

/// 无, 暂无, /, — …: no name, by the one rule of what names evidence (a bonus's, too).
fn is_nothing(piece: &str) -> bool {
    !crate::score::names_evidence(piece)
}

/// `1`, `(2)`, `（3）`, `③`, `一`, `1.`: a list's number standing alone (its 、 split it off).
/// Two digits at most: `2014` may be a name.
fn is_list_number(piece: &str) -> bool {
    let inner = fold(piece);
    let inner = inner
        .trim_start_matches('(')
        .trim_end_matches([')', '.'])
        .trim();
    !inner.is_empty()
        && ((inner.len() <= 2 && inner.chars().all(|c| c.is_ascii_digit()))
            || inner.chars().all(|c| "一二三四五六七八九十".contains(c))
            || (inner.chars().count() == 1
                && ('①'..='⑳').contains(&inner.chars().next().unwrap_or(' '))))
}

/// `通知.pdf`: something, a dot, and an extension of one to five letters or digits.
fn looks_like_file(word: &str) -> bool {
    let f = fold(word);
    match f.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
                && ext.chars().any(|c| c.is_ascii_alphabetic())
        }
        None => false,
    }
}

/// The forms of a cited name tried, in order: as written; inside the 《》 or quotes around it;
/// without a leading list number (`1.`, `(2)`, `③`) or `附件1：`.
fn variants(cited: &str) -> Vec<String> {
    let mut out = vec![fold(cited)];
    let mut push = |s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    let first = fold(cited);
    let unwrapped = unwrap(&first);
    push(unwrapped.to_string());
    let unnumbered = strip_number(unwrapped);
    push(unnumbered.to_string());
    push(unwrap(unnumbered).to_string());
    out
}

/// The text inside a pair of 《》, quotes or brackets around the whole of it.
fn unwrap(s: &str) -> &str {
    const PAIRS: [(char, char); 7] = [
        ('《', '》'),
        ('“', '”'),
        ('"', '"'),
        ('‘', '’'),
        ('\'', '\''),
        ('「', '」'),
        ('『', '』'),
    ];
    for (open, close) in PAIRS {
        if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            return inner.trim();
        }
    }
    s
}

/// The name after a leading list number or 附件N：.
fn strip_number(s: &str) -> &str {
    let mut rest = s;
    if let Some(r) = rest.strip_prefix("附件") {
        let r = r.trim_start_matches(|c: char| c.is_ascii_digit());
        if let Some(r) = r.strip_prefix(':').or_else(|| r.strip_prefix('：')) {
            return r.trim();
        }
    }
    if let Some(r) = rest.strip_prefix('(') {
        if let Some(end) = r.find(')') {
            if end > 0 && r[..end].chars().all(|c| c.is_ascii_digit()) {
                return r[end + 1..].trim();
            }
        }
    }
    if let Some(c) = rest.chars().next() {
        if ('①'..='⑳').contains(&c) {
            return rest[c.len_utf8()..].trim();
        }
    }
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 {
        let after = &rest[digits..];
        if let Some(r) = after.strip_prefix('.').or_else(|| after.strip_prefix(')')) {
            // `1.pdf` is a name, not a list number and an empty name.
            if !r.is_empty() && !looks_like_extension(r) {
                rest = r.trim();
            }
        }
    }
    rest
}

fn looks_like_extension(s: &str) -> bool {
    (1..=5).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A file a county sent: its path in the folder or zip (`/` between folders) and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentFile {
    pub path: String,
    pub sha256: String,
}

impl SentFile {
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// Files to match names against, indexed by their folded names.
#[derive(Debug, Default)]
pub struct Pool {
    files: Vec<SentFile>,
    by_name: HashMap<String, Vec<usize>>,
    by_stem: HashMap<String, Vec<usize>>,
    /// Folded paths, for names with a folder in them.
    paths: Vec<String>,
}

/// What a cited name found in a pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// One file (or several of the same content: the first of them).
    One(usize),
    Nothing,
    /// Several files of different content, each once.
    Several(Vec<usize>),
}

impl Pool {
    pub fn new(files: Vec<SentFile>) -> Pool {
        let mut pool = Pool {
            paths: files.iter().map(|f| fold(&f.path)).collect(),
            ..Pool::default()
        };
        for (i, f) in files.iter().enumerate() {
            let name = fold(f.name());
            if let Some((stem, _)) = name.rsplit_once('.') {
                if !stem.is_empty() {
                    pool.by_stem.entry(stem.to_string()).or_default().push(i);
                }
            }
            pool.by_name.entry(name).or_default().push(i);
        }
        pool.files = files;
        pool
    }

    pub fn files(&self) -> &[SentFile] {
        &self.files
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Whether a piece of an evidence column is a file's name (or its name without
    /// extension) as it stands.
    pub fn knows(&self, piece: &str) -> bool {
        let f = fold(piece);
        self.by_name.contains_key(&f) || self.by_stem.contains_key(&f)
    }

    /// The files a cited name matches (see the module's note).
    pub fn find(&self, cited: &str) -> Found {
        for form in variants(cited) {
            let hits = self.hits(&form);
            if !hits.is_empty() {
                return self.one_content(hits);
            }
        }
        Found::Nothing
    }

    /// The files a folded name matches: by name, else by name without extension; a name with
    /// a folder by the end of the path.
    fn hits(&self, form: &str) -> Vec<usize> {
        let form = form.trim_start_matches("./").trim_start_matches('/');
        if form.is_empty() {
            return Vec::new();
        }
        if form.contains('/') {
            let ends = |path: &str, tail: &str| {
                path == tail
                    || path
                        .strip_suffix(tail)
                        .is_some_and(|head| head.ends_with('/'))
            };
            let exact: Vec<usize> = (0..self.paths.len())
                .filter(|&i| ends(&self.paths[i], form))
                .collect();
            if !exact.is_empty() {
                return exact;
            }
            return (0..self.paths.len())
                .filter(|&i| {
                    self.paths[i]
                        .rsplit_once('.')
                        .is_some_and(|(stem, _)| ends(stem, form))
                })
                .collect();
        }
        if let Some(hits) = self.by_name.get(form) {
            return hits.clone();
        }
        self.by_stem.get(form).cloned().unwrap_or_default()
    }

    /// Hits of the same content counted once, the first path (in sorted order) standing for
    /// them.
    fn one_content(&self, mut hits: Vec<usize>) -> Found {
        hits.sort_by(|&a, &b| self.files[a].path.cmp(&self.files[b].path));
        let mut seen: Vec<&str> = Vec::new();
        hits.retain(|&i| {
            let sha = self.files[i].sha256.as_str();
            if seen.contains(&sha) {
                false
            } else {
                seen.push(sha);
                true
            }
        });
        match hits.as_slice() {
            [] => Found::Nothing,
            [one] => Found::One(*one),
            _ => Found::Several(hits),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(paths: &[&str]) -> Pool {
        Pool::new(
            paths
                .iter()
                .enumerate()
                .map(|(i, p)| SentFile {
                    path: p.to_string(),
                    sha256: format!("{i:064x}"),
                })
                .collect(),
        )
    }

    fn found(pool: &Pool, cited: &str) -> Vec<String> {
        match pool.find(cited) {
            Found::One(i) => vec![pool.files()[i].path.clone()],
            Found::Nothing => vec![],
            Found::Several(v) => v.iter().map(|&i| pool.files()[i].path.clone()).collect(),
        }
    }

    #[test]
    fn a_column_is_split_where_counties_separate_names() {
        assert_eq!(
            split("通知.pdf、会议纪要.docx，台账.xlsx;照片1.jpg；照片2.jpg\n说明.txt,a.pdf"),
            [
                "通知.pdf",
                "会议纪要.docx",
                "台账.xlsx",
                "照片1.jpg",
                "照片2.jpg",
                "说明.txt",
                "a.pdf"
            ]
        );
        // Spaces cut only between words that each look like a file.
        assert_eq!(split("通知.pdf 纪要.docx"), ["通知.pdf", "纪要.docx"]);
        assert_eq!(split("会议纪要 2014.pdf"), ["会议纪要 2014.pdf"]);
        assert_eq!(split("年度 工作 总结"), ["年度 工作 总结"]);
        // Unless the whole is a file's name.
        let pool = sent(&["a.pdf b.pdf"]);
        assert_eq!(
            split_with("a.pdf b.pdf", &|p| pool.knows(p)),
            ["a.pdf b.pdf"]
        );
        // Nothing, and list numbers, cite nothing.
        assert!(split("无").is_empty());
        assert!(split(" — ").is_empty());
        assert!(split("／").is_empty());
        assert_eq!(split("1、通知；2、纪要"), ["通知", "纪要"]);
        assert_eq!(split("（1）、通知"), ["通知"]);
        assert!(split("、，;\n").is_empty());
    }

    #[test]
    fn names_match_by_name_without_extension_case_and_width_aside() {
        let pool = sent(&[
            "通知.pdf",
            "会议/第一次会议纪要.PDF",
            "台账/2014年台账.xlsx",
            "photos/Sign.JPG",
        ]);
        assert_eq!(found(&pool, "通知.pdf"), ["通知.pdf"]);
        assert_eq!(found(&pool, "通知"), ["通知.pdf"]);
        assert_eq!(
            found(&pool, "第一次会议纪要.pdf"),
            ["会议/第一次会议纪要.PDF"]
        );
        assert_eq!(
            found(&pool, "２０１４年台账．ＸＬＳＸ"),
            ["台账/2014年台账.xlsx"]
        );
        assert_eq!(found(&pool, "SIGN"), ["photos/Sign.JPG"]);
        assert_eq!(found(&pool, "photos\\sign.jpg"), ["photos/Sign.JPG"]);
        assert_eq!(
            found(&pool, "会议/第一次会议纪要"),
            ["会议/第一次会议纪要.PDF"]
        );
        assert_eq!(found(&pool, "《通知》"), ["通知.pdf"]);
        assert_eq!(found(&pool, "“通知.pdf”"), ["通知.pdf"]);
        assert_eq!(found(&pool, "附件1：通知.pdf"), ["通知.pdf"]);
        assert_eq!(found(&pool, "1.通知.pdf"), ["通知.pdf"]);
        assert_eq!(found(&pool, "③通知"), ["通知.pdf"]);
        assert!(found(&pool, "纪要").is_empty());
        assert!(
            found(&pool, "议/第一次会议纪要.pdf").is_empty(),
            "a folder's whole name"
        );
    }

    #[test]
    fn two_files_a_name_fits_are_both_named_unless_one_content() {
        let pool = sent(&["通知.pdf", "通知.docx", "a/表.xlsx", "b/表.xlsx"]);
        assert_eq!(found(&pool, "通知"), ["通知.docx", "通知.pdf"]);
        assert_eq!(
            found(&pool, "通知.pdf"),
            ["通知.pdf"],
            "the name with its extension"
        );
        assert_eq!(found(&pool, "表.xlsx"), ["a/表.xlsx", "b/表.xlsx"]);
        assert_eq!(found(&pool, "b/表.xlsx"), ["b/表.xlsx"]);
        // Of one content, the same file twice: no doubt.
        let same = Pool::new(vec![
            SentFile {
                path: "b/表.xlsx".into(),
                sha256: "ab".repeat(32),
            },
            SentFile {
                path: "a/表.xlsx".into(),
                sha256: "ab".repeat(32),
            },
        ]);
        assert_eq!(found(&same, "表"), ["a/表.xlsx"]);
    }

    #[test]
    fn an_exact_name_is_preferred_to_a_name_without_its_extension() {
        let pool = sent(&["通知", "通知.pdf", "a.pdf.pdf"]);
        assert_eq!(found(&pool, "通知"), ["通知"]);
        assert_eq!(found(&pool, "a.pdf"), ["a.pdf.pdf"]);
    }

    #[test]
    fn folding() {
        assert_eq!(fold("  Ａｂｃ　１２．ＰＤＦ "), "abc 12.pdf");
        assert_eq!(fold("a\\b"), "a/b");
        assert_eq!(fold("a  \t b"), "a b");
    }
}
