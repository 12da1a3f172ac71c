//! Finding anything by a few keystrokes: fuzzy matching (fuzzy-matcher's skim algorithm) on the
//! Chinese text itself and on its pinyin initials, every reading of a polyphonic character
//! included (重庆 is both `cq` and `zq`).

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use pinyin::{Pinyin, ToPinyinMulti};

/// What a hit is, shown beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Target,
    Indicator,
    County,
    Note,
}

/// Where a hit takes the reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    /// A target: its first indicator.
    Target(usize),
    Indicator(usize),
    County(usize),
    /// A county × indicator (a note's item).
    Item {
        indicator: usize,
        county: usize,
    },
}

/// One way of spelling an entry for matching, lower case.
#[derive(Debug, Clone)]
struct Key {
    text: String,
    /// Whether its characters line up one to one with the entry's shown text (so a match can
    /// be highlighted there).
    aligned: bool,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: Kind,
    /// What the list shows.
    pub text: String,
    pub jump: Jump,
    keys: Vec<Key>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index into [`Index::entries`].
    pub entry: usize,
    pub score: i64,
    /// Character positions in the entry's text to highlight.
    pub positions: Vec<usize>,
}

/// At most this many spellings by initials per entry (a text full of polyphonic characters
/// would otherwise multiply without end).
const MAX_VARIANTS: usize = 16;

impl Entry {
    /// An entry matched on its shown text and on `extra` words (an indicator's full wording),
    /// each also by pinyin initials.
    pub fn new(kind: Kind, text: String, jump: Jump, extra: &[&str]) -> Entry {
        let mut keys = vec![Key {
            text: lower(&text),
            aligned: true,
        }];
        for v in initials(&text) {
            keys.push(Key {
                text: v,
                aligned: true,
            });
        }
        for words in extra {
            keys.push(Key {
                text: lower(words),
                aligned: false,
            });
            for v in initials(words) {
                keys.push(Key {
                    text: v,
                    aligned: false,
                });
            }
        }
        keys.dedup_by(|a, b| a.text == b.text);
        Entry {
            kind,
            text,
            jump,
            keys,
        }
    }
}

/// Lower case, one character for one (so positions still line up).
fn lower(s: &str) -> String {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// Every spelling of `text` with each Chinese character replaced by the first letter of one of
/// its readings (other characters kept, lower case), up to [`MAX_VARIANTS`].
pub fn initials(text: &str) -> Vec<String> {
    let mut variants = vec![String::new()];
    let mut any = false;
    for c in text.chars() {
        let letters: Vec<char> = match c.to_pinyin_multi() {
            Some(multi) => {
                any = true;
                let mut ls: Vec<char> = multi
                    .into_iter()
                    .filter_map(|p: Pinyin| p.first_letter().chars().next())
                    .collect();
                ls.dedup();
                let mut seen = Vec::new();
                ls.retain(|l| {
                    let new = !seen.contains(l);
                    seen.push(*l);
                    new
                });
                ls
            }
            None => vec![c.to_lowercase().next().unwrap_or(c)],
        };
        let mut next = Vec::new();
        for v in &variants {
            for l in &letters {
                let mut s = v.clone();
                s.push(*l);
                next.push(s);
            }
        }
        // The first spelling (every character's first reading) always stays.
        next.truncate(MAX_VARIANTS);
        variants = next;
    }
    if any { variants } else { Vec::new() }
}

/// A query as typed: full-width letters, digits and spaces (what a Chinese input method types)
/// read as their ASCII forms, lower case, trimmed.
pub fn normalize(query: &str) -> String {
    let s: String = query
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        })
        .collect();
    lower(s.trim())
}

pub struct Index {
    pub entries: Vec<Entry>,
    matcher: SkimMatcherV2,
}

impl Default for Index {
    fn default() -> Self {
        Index::new(Vec::new())
    }
}

impl Index {
    pub fn new(entries: Vec<Entry>) -> Index {
        Index {
            entries,
            matcher: SkimMatcherV2::default().ignore_case(),
        }
    }

    /// The entries matching `query`, best first, among `among` (all when `None`): a query that
    /// extends the previous one only needs the previous hits.
    pub fn search(&self, query: &str, among: Option<&[usize]>) -> Vec<Hit> {
        let query = normalize(query);
        if query.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<Hit> = match among {
            Some(ids) => ids.iter().filter_map(|&i| self.hit(i, &query)).collect(),
            None => (0..self.entries.len())
                .filter_map(|i| self.hit(i, &query))
                .collect(),
        };
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(self.entries[a.entry].kind.cmp(&self.entries[b.entry].kind))
                .then(a.entry.cmp(&b.entry))
        });
        hits
    }

    fn hit(&self, entry: usize, query: &str) -> Option<Hit> {
        let mut best: Option<Hit> = None;
        for key in &self.entries[entry].keys {
            // A cheap check first: every query character must occur in the key.
            if !query.chars().all(|c| c == ' ' || key.text.contains(c)) {
                continue;
            }
            if let Some((score, positions)) = self.matcher.fuzzy_indices(&key.text, query) {
                // Matches on the shown text rank a little above matches on other wording.
                let score = score + if key.aligned { 1 } else { 0 };
                if best.as_ref().is_none_or(|b| score > b.score) {
                    best = Some(Hit {
                        entry,
                        score,
                        positions: if key.aligned { positions } else { Vec::new() },
                    });
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        Index::new(vec![
            Entry::new(
                Kind::Target,
                "1 加快养老服务业发展".into(),
                Jump::Target(0),
                &[],
            ),
            Entry::new(
                Kind::Indicator,
                "2.5 低保标准年增幅".into(),
                Jump::Indicator(20),
                &["城乡低保标准年增幅"],
            ),
            Entry::new(
                Kind::Indicator,
                "2.6 农村低保占城市比".into(),
                Jump::Indicator(21),
                &["农村低保标准占城市低保标准的比例"],
            ),
            Entry::new(Kind::County, "衢江区".into(), Jump::County(1), &[]),
            Entry::new(Kind::County, "重庆市".into(), Jump::County(2), &[]),
            Entry::new(
                Kind::Note,
                "柯城区 · 1.2：佐证材料不足".into(),
                Jump::Item {
                    indicator: 1,
                    county: 0,
                },
                &[],
            ),
        ])
    }

    fn found(index: &Index, query: &str) -> Vec<String> {
        index
            .search(query, None)
            .iter()
            .map(|h| index.entries[h.entry].text.clone())
            .collect()
    }

    #[test]
    fn chinese_text_matches_itself() {
        let i = index();
        assert_eq!(found(&i, "养老"), vec!["1 加快养老服务业发展"]);
        assert_eq!(found(&i, "佐证"), vec!["柯城区 · 1.2：佐证材料不足"]);
    }

    #[test]
    fn pinyin_initials_match() {
        let i = index();
        // Scattered letters can match elsewhere too: the best match comes first.
        assert_eq!(found(&i, "ylfw")[0], "1 加快养老服务业发展");
        assert_eq!(found(&i, "qj")[0], "衢江区");
        let dbbz = found(&i, "dbbz");
        assert!(dbbz.contains(&"2.5 低保标准年增幅".to_string()), "{dbbz:?}");
        assert!(
            dbbz.contains(&"2.6 农村低保占城市比".to_string()),
            "{dbbz:?}"
        );
        assert_eq!(dbbz[0], "2.5 低保标准年增幅", "the shown text ranks first");
    }

    #[test]
    fn polyphonic_characters_match_on_every_reading() {
        let i = index();
        assert_eq!(found(&i, "cq")[0], "重庆市");
        assert_eq!(found(&i, "zq")[0], "重庆市");
        assert!(initials("重庆").contains(&"cq".to_string()));
        assert!(initials("重庆").contains(&"zq".to_string()));
    }

    #[test]
    fn full_width_input_counts_as_ascii() {
        assert_eq!(normalize("ＤＢ\u{3000}ＢＺ "), "db bz");
        let i = index();
        assert_eq!(found(&i, "ｑｊ")[0], "衢江区");
    }

    #[test]
    fn highlights_line_up_with_the_shown_text() {
        let i = index();
        let hits = i.search("qj", None);
        assert_eq!(hits[0].positions, vec![0, 1]);
        let hits = i.search("养老", None);
        let text: Vec<char> = i.entries[hits[0].entry].text.chars().collect();
        let marked: String = hits[0].positions.iter().map(|&p| text[p]).collect();
        assert_eq!(marked, "养老");
    }

    #[test]
    fn a_longer_query_searches_only_the_previous_hits() {
        let i = index();
        let first: Vec<usize> = i.search("d", None).iter().map(|h| h.entry).collect();
        let narrowed = i.search("db", Some(&first));
        let full = i.search("db", None);
        assert_eq!(narrowed, full);
        assert!(i.search("", None).is_empty());
        assert!(i.search("没有这个", None).is_empty());
    }

    #[test]
    fn polyphones_are_capped() {
        // Many polyphonic characters in a row must not explode.
        let v = initials(&"重长行还".repeat(10));
        assert_eq!(v.len(), MAX_VARIANTS);
    }
}
