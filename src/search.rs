//! Finding anything by a few keystrokes: fuzzy matching (fuzzy-matcher's skim algorithm) on the
//! Chinese text itself and on its pinyin initials, every reading of a polyphonic character
//! included (重庆 is both `cq` and `zq`).
//!
//! Built for national scale (2,844 units, hundreds of thousands of notes): notes are matched
//! once per distinct text (reviewers reuse standard notes), every spelling carries a bitmask of
//! its characters so most candidates are ruled out without running the matcher, and a query
//! that extends the previous one searches only the previous candidates.

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

/// One way of spelling something for matching, lower case.
#[derive(Debug, Clone)]
struct Key {
    text: String,
    /// Which characters occur (a bit per character class): a query needing a character the
    /// key lacks is ruled out at once.
    mask: u64,
    /// Whether its characters line up one to one with the shown text (so a match can be
    /// highlighted there).
    aligned: bool,
}

fn bit(c: char) -> u64 {
    1u64 << (u64::from(c) % 64)
}

fn mask(s: &str) -> u64 {
    s.chars().filter(|&c| c != ' ').fold(0, |m, c| m | bit(c))
}

/// All the spellings of a text: itself and its initials, and of some extra words.
#[derive(Debug, Clone, Default)]
struct Keys(Vec<Key>);

impl Keys {
    fn new(shown: &str, extra: &[&str]) -> Keys {
        let mut keys = Vec::new();
        let mut add = |text: String, aligned: bool| {
            if !keys.iter().any(|k: &Key| k.text == text) {
                keys.push(Key {
                    mask: mask(&text),
                    text,
                    aligned,
                });
            }
        };
        add(lower(shown), true);
        for v in initials(shown) {
            add(v, true);
        }
        for words in extra {
            add(lower(words), false);
            for v in initials(words) {
                add(v, false);
            }
        }
        Keys(keys)
    }
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: Kind,
    /// What the list shows.
    pub text: String,
    pub jump: Jump,
    keys: Keys,
}

impl Entry {
    /// An entry matched on its shown text and on `extra` words (an indicator's full wording),
    /// each also by pinyin initials.
    pub fn new(kind: Kind, text: String, jump: Jump, extra: &[&str]) -> Entry {
        let keys = Keys::new(&text, extra);
        Entry {
            kind,
            text,
            jump,
            keys,
        }
    }
}

/// One note text and every item that has it.
#[derive(Debug, Clone)]
pub struct NoteGroup {
    /// The note on one line.
    pub note: String,
    keys: Keys,
    /// (indicator, county) of each item with this note.
    pub items: Vec<(usize, usize)>,
}

impl NoteGroup {
    pub fn new(note: &str) -> NoteGroup {
        let note = note.replace(['\n', '\r'], " ");
        NoteGroup {
            keys: Keys::new(&note, &[]),
            note,
            items: Vec::new(),
        }
    }
}

/// A match: which entry or note group, how good, and which of its spellings matched (the
/// characters to highlight are worked out only for the hits on screen: [`Index::positions`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: usize,
    pub score: i64,
    key: usize,
}

/// Everything a query matched, best first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub entries: Vec<Candidate>,
    pub notes: Vec<Candidate>,
}

/// At most this many spellings by initials per text (a text full of polyphonic characters
/// would otherwise multiply without end).
const MAX_VARIANTS: usize = 16;

/// Lower case, one character for one (so positions still line up).
fn lower(s: &str) -> String {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// Every spelling of `text` with each Chinese character replaced by the first letter of one of
/// its readings (other characters kept, lower case), up to [`MAX_VARIANTS`]; none if `text`
/// has no Chinese.
pub fn initials(text: &str) -> Vec<String> {
    let mut variants = vec![String::new()];
    let mut any = false;
    for c in text.chars() {
        let letters: Vec<char> = match c.to_pinyin_multi() {
            Some(multi) => {
                any = true;
                let mut ls: Vec<char> = Vec::new();
                for l in multi
                    .into_iter()
                    .filter_map(|p: Pinyin| p.first_letter().chars().next())
                {
                    if !ls.contains(&l) {
                        ls.push(l);
                    }
                }
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
    pub notes: Vec<NoteGroup>,
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
            notes: Vec::new(),
            matcher: SkimMatcherV2::default().ignore_case(),
        }
    }

    /// What `query` matches. With `among` (the result of a query this one extends), only
    /// those candidates are tried: a longer query can only match less.
    pub fn search(&self, query: &str, among: Option<&Found>) -> Found {
        let query = normalize(query);
        if query.is_empty() {
            return Found::default();
        }
        let need = mask(&query);
        let mut entries: Vec<Candidate> = match among {
            Some(f) => f
                .entries
                .iter()
                .filter_map(|c| self.best(&self.entries[c.id].keys, c.id, &query, need))
                .collect(),
            None => (0..self.entries.len())
                .filter_map(|i| self.best(&self.entries[i].keys, i, &query, need))
                .collect(),
        };
        let mut notes: Vec<Candidate> = match among {
            Some(f) => f
                .notes
                .iter()
                .filter_map(|c| self.best(&self.notes[c.id].keys, c.id, &query, need))
                .collect(),
            None => (0..self.notes.len())
                .filter_map(|i| self.best(&self.notes[i].keys, i, &query, need))
                .collect(),
        };
        let by_score = |a: &Candidate, b: &Candidate| b.score.cmp(&a.score).then(a.id.cmp(&b.id));
        entries.sort_by(|a, b| {
            by_score(a, b).then(self.entries[a.id].kind.cmp(&self.entries[b.id].kind))
        });
        notes.sort_by(by_score);
        Found { entries, notes }
    }

    fn best(&self, keys: &Keys, id: usize, query: &str, need: u64) -> Option<Candidate> {
        let mut best: Option<Candidate> = None;
        for (k, key) in keys.0.iter().enumerate() {
            if key.mask & need != need {
                continue;
            }
            // The score alone here: the matched positions cost more and only the hits on
            // screen need them.
            if let Some(score) = self.matcher.fuzzy_match(&key.text, query) {
                // Matches on the shown text rank a little above matches on other wording.
                let score = score + i64::from(key.aligned);
                if best.as_ref().is_none_or(|b| score > b.score) {
                    best = Some(Candidate { id, score, key: k });
                }
            }
        }
        best
    }

    /// The characters of a hit's shown text that `query` matched (none when it matched other
    /// wording, such as an indicator's full text).
    pub fn positions(&self, hit: &Hit<'_>, query: &str) -> Vec<usize> {
        let keys = match hit.note {
            Some(g) => &self.notes[g].keys,
            None => &self.entries[hit.candidate.id].keys,
        };
        match keys.0.get(hit.candidate.key) {
            Some(key) if key.aligned => self
                .matcher
                .fuzzy_indices(&key.text, &normalize(query))
                .map(|(_, p)| p)
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

impl Found {
    /// How many hits there are, every item of a matched note counted.
    pub fn len(&self, index: &Index) -> usize {
        self.entries.len()
            + self
                .notes
                .iter()
                .map(|c| index.notes[c.id].items.len())
                .sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.notes.is_empty()
    }

    /// The `k`-th hit in rank order (entries and notes merged by score, a note's items in
    /// turn): (kind, jump, the note group if it is a note, the candidate).
    pub fn nth<'a>(&'a self, index: &Index, k: usize) -> Option<Hit<'a>> {
        let (mut e, mut n, mut seen) = (0, 0, 0);
        loop {
            let next_entry = self.entries.get(e);
            let next_note = self.notes.get(n);
            let take_entry = match (next_entry, next_note) {
                (None, None) => return None,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(a), Some(b)) => a.score >= b.score,
            };
            if take_entry {
                let c = next_entry?;
                if seen == k {
                    return Some(Hit {
                        candidate: c,
                        kind: index.entries[c.id].kind,
                        jump: index.entries[c.id].jump,
                        note: None,
                    });
                }
                seen += 1;
                e += 1;
            } else {
                let c = next_note?;
                let items = &index.notes[c.id].items;
                if k < seen + items.len() {
                    let (indicator, county) = items[k - seen];
                    return Some(Hit {
                        candidate: c,
                        kind: Kind::Note,
                        jump: Jump::Item { indicator, county },
                        note: Some(c.id),
                    });
                }
                seen += items.len();
                n += 1;
            }
        }
    }
}

/// One hit as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'a> {
    pub candidate: &'a Candidate,
    pub kind: Kind,
    pub jump: Jump,
    /// The note group, for a note.
    pub note: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        let mut index = Index::new(vec![
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
        ]);
        let mut group = NoteGroup::new("佐证材料不足");
        group.items = vec![(1, 0), (5, 3)];
        index.notes.push(group);
        index
    }

    fn texts(index: &Index, found: &Found) -> Vec<String> {
        (0..found.len(index))
            .map(|k| {
                let hit = found.nth(index, k).unwrap();
                match hit.note {
                    Some(g) => format!("{}@{:?}", index.notes[g].note, hit.jump),
                    None => index.entries[hit.candidate.id].text.clone(),
                }
            })
            .collect()
    }

    fn found(index: &Index, query: &str) -> Vec<String> {
        texts(index, &index.search(query, None))
    }

    #[test]
    fn chinese_text_matches_itself() {
        let i = index();
        assert_eq!(found(&i, "养老"), vec!["1 加快养老服务业发展"]);
        assert_eq!(
            found(&i, "佐证"),
            vec![
                "佐证材料不足@Item { indicator: 1, county: 0 }",
                "佐证材料不足@Item { indicator: 5, county: 3 }"
            ]
        );
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
        assert!(found(&i, "zzcl")[0].starts_with("佐证材料不足"));
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
        let f = i.search("qj", None);
        assert_eq!(i.positions(&f.nth(&i, 0).unwrap(), "qj"), vec![0, 1]);
        let f = i.search("养老", None);
        let text: Vec<char> = i.entries[f.entries[0].id].text.chars().collect();
        let marked: String = i
            .positions(&f.nth(&i, 0).unwrap(), "养老")
            .iter()
            .map(|&p| text[p])
            .collect();
        assert_eq!(marked, "养老");
        // Matched on an indicator's full wording: nothing to highlight in its short name.
        let f = i.search("城乡", None);
        assert!(i.positions(&f.nth(&i, 0).unwrap(), "城乡").is_empty());
    }

    #[test]
    fn a_longer_query_searches_only_the_previous_hits() {
        let i = index();
        let first = i.search("d", None);
        assert_eq!(i.search("db", Some(&first)), i.search("db", None));
        assert!(i.search("", None).is_empty());
        assert!(i.search("没有这个", None).is_empty());
    }

    #[test]
    fn polyphones_are_capped() {
        // Many polyphonic characters in a row must not explode.
        let v = initials(&"重长行还".repeat(10));
        assert_eq!(v.len(), MAX_VARIANTS);
    }

    #[test]
    fn the_mask_rules_out_without_losing_matches() {
        for (text, query) in [("衢江区", "qjq"), ("低保标准", "dbbz"), ("a b", "ab")] {
            let keys = Keys::new(text, &[]);
            assert!(
                keys.0.iter().any(|k| k.mask & mask(query) == mask(query)),
                "{text} {query}"
            );
        }
    }
}
