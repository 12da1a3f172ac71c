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
use std::collections::HashMap;

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
    /// Each character of the text: itself (lower case), or for a Chinese character the set of
    /// first letters of its readings (重: c, z).
    spelling: Spelling,
    /// Which characters occur (a bit per character class): a query needing a character the
    /// key lacks is ruled out at once.
    mask: u128,
    /// Whether its characters line up one to one with the shown text (so a match can be
    /// highlighted there).
    aligned: bool,
}

#[derive(Debug, Clone)]
enum Spelling {
    /// The text itself.
    Text(String),
    /// By pinyin initials, a position per character.
    Initials(Vec<Letter>),
}

#[derive(Debug, Clone, Copy)]
enum Letter {
    /// A Chinese character: the first letters of its readings, as bits a–z, and the first
    /// reading's letter.
    Han { letters: u32, first: char },
    /// Anything else, as itself.
    Other(char),
}

impl Key {
    /// The spelling of this key that `query` matches best, if any: the text itself, or, by
    /// initials, each Chinese character read the way the query needs (a subsequence taken
    /// greedily from the left, which finds one whenever one exists).
    fn spell_for(&self, query: &str) -> Option<std::borrow::Cow<'_, str>> {
        match &self.spelling {
            Spelling::Text(t) => Some(std::borrow::Cow::Borrowed(t)),
            Spelling::Initials(letters) => {
                let q: Vec<char> = query.chars().filter(|&c| c != ' ').collect();
                let mut qi = 0;
                let mut out = String::with_capacity(letters.len());
                for l in letters {
                    let want = q.get(qi).copied();
                    match *l {
                        Letter::Han { letters, first } => {
                            match want
                                .filter(|w| w.is_ascii_lowercase() && letters & letter_bit(*w) != 0)
                            {
                                Some(w) => {
                                    out.push(w);
                                    qi += 1;
                                }
                                None => out.push(first),
                            }
                        }
                        Letter::Other(c) => {
                            if want == Some(c) {
                                qi += 1;
                            }
                            out.push(c);
                        }
                    }
                }
                (qi == q.len()).then_some(std::borrow::Cow::Owned(out))
            }
        }
    }
}

fn letter_bit(c: char) -> u32 {
    1u32 << (u32::from(c) - u32::from('a'))
}

fn bit(c: char) -> u128 {
    1u128 << (u32::from(c) % 128)
}

fn mask(s: &str) -> u128 {
    s.chars().filter(|&c| c != ' ').fold(0, |m, c| m | bit(c))
}

/// All the spellings of a text: itself and its initials, and of some extra words.
#[derive(Debug, Clone, Default)]
struct Keys(Vec<Key>);

impl Keys {
    fn new(shown: &str, extra: &[&str]) -> Keys {
        let mut keys = Vec::new();
        for (text, aligned) in
            std::iter::once((shown, true)).chain(extra.iter().map(|e| (*e, false)))
        {
            let lowered = lower(text);
            keys.push(Key {
                mask: mask(&lowered),
                spelling: Spelling::Text(lowered),
                aligned,
            });
            if let Some(letters) = initials(text) {
                let m = letters.iter().fold(0u128, |m, l| match *l {
                    Letter::Han { letters, .. } => {
                        let mut m = m;
                        for k in 0..26u8 {
                            if letters & (1 << k) != 0 {
                                m |= bit(char::from(b'a' + k));
                            }
                        }
                        m
                    }
                    Letter::Other(c) if c != ' ' => m | bit(c),
                    Letter::Other(_) => m,
                });
                keys.push(Key {
                    mask: m,
                    spelling: Spelling::Initials(letters),
                    aligned,
                });
            }
        }
        Keys(keys)
    }
}

/// A character a spelling holds, how early (higher is earlier) and in which spelling: what
/// a one-character query is answered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct First {
    c: char,
    score: u16,
    key: u8,
}

impl Keys {
    /// Each character any spelling holds, once, at its best place.
    fn firsts(&self) -> Vec<First> {
        let mut best: HashMap<char, (u16, u8)> = HashMap::new();
        let mut add = |c: char, at: usize, k: usize, aligned: bool| {
            let score = 2 * (1000 - at.min(999) as u16) + u16::from(aligned);
            let key = u8::try_from(k).unwrap_or(u8::MAX);
            let e = best.entry(c).or_insert((score, key));
            if score > e.0 {
                *e = (score, key);
            }
        };
        for (k, key) in self.0.iter().enumerate() {
            match &key.spelling {
                Spelling::Text(t) => {
                    for (at, c) in t.chars().enumerate().filter(|(_, c)| *c != ' ') {
                        add(c, at, k, key.aligned);
                    }
                }
                Spelling::Initials(letters) => {
                    for (at, l) in letters.iter().enumerate() {
                        match *l {
                            Letter::Han { letters, .. } => {
                                for b in 0..26u8 {
                                    if letters & (1 << b) != 0 {
                                        add(char::from(b'a' + b), at, k, key.aligned);
                                    }
                                }
                            }
                            Letter::Other(c) if c != ' ' => add(c, at, k, key.aligned),
                            Letter::Other(_) => {}
                        }
                    }
                }
            }
        }
        best.into_iter()
            .map(|(c, (score, key))| First { c, score, key })
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: Kind,
    /// What the list shows.
    pub text: String,
    pub jump: Jump,
    keys: Keys,
    firsts: Vec<First>,
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
            firsts: keys.firsts(),
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
    firsts: Vec<First>,
    /// (indicator, county) of each item with this note.
    pub items: Vec<(usize, usize)>,
}

impl NoteGroup {
    pub fn new(note: &str) -> NoteGroup {
        let note = note.replace(['\n', '\r'], " ");
        let keys = Keys::new(&note, &[]);
        NoteGroup {
            firsts: keys.firsts(),
            keys,
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

/// A character as matching sees it: lower case, and full-width forms (what a Chinese input
/// method types: ２０２３, （, ａ) as ASCII. One character for one, so positions line up.
fn fold(c: char) -> char {
    let c = match c {
        '\u{3000}' => ' ',
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        c => c,
    };
    c.to_lowercase().next().unwrap_or(c)
}

/// A text as matching sees it (see [`fold`]).
fn lower(s: &str) -> String {
    s.chars().map(fold).collect()
}

/// `text` by pinyin initials: for each Chinese character the first letters of all its
/// readings (every reading of a polyphonic character counts), other characters as they are
/// (lower case); `None` if `text` has no Chinese.
fn initials(text: &str) -> Option<Vec<Letter>> {
    let mut any = false;
    let letters = text
        .chars()
        .map(|c| match c.to_pinyin_multi() {
            Some(multi) => {
                let mut letters = 0u32;
                let mut first = None;
                for l in multi
                    .into_iter()
                    .filter_map(|p: Pinyin| p.first_letter().chars().next())
                    .filter(char::is_ascii_lowercase)
                {
                    letters |= letter_bit(l);
                    first.get_or_insert(l);
                }
                match first {
                    Some(first) => {
                        any = true;
                        Letter::Han { letters, first }
                    }
                    None => Letter::Other(c),
                }
            }
            None => Letter::Other(fold(c)),
        })
        .collect();
    any.then_some(letters)
}

/// A query as typed: full-width letters, digits and spaces (what a Chinese input method types)
/// read as their ASCII forms, lower case, trimmed.
pub fn normalize(query: &str) -> String {
    lower(query).trim().to_string()
}

/// The query the matcher runs: spaces separate words for the reader, not characters to find.
fn pattern(query: &str) -> String {
    query.chars().filter(|&c| c != ' ').collect()
}

pub struct Index {
    entries: Vec<Entry>,
    notes: Vec<NoteGroup>,
    matcher: SkimMatcherV2,
    /// For each character typed first, everything it matches, ranked: the first keystroke of
    /// a search matches nearly everything, so it is answered from each entry's and note's
    /// characters (worked out once, with their spellings), and kept until the index changes.
    /// Worked out when first asked, so that opening the finder over 30,000 notes costs
    /// nothing for the characters nobody types.
    firsts: std::cell::RefCell<HashMap<char, Found>>,
}

impl Default for Index {
    fn default() -> Self {
        Index::new(Vec::new())
    }
}

impl Index {
    pub fn new(entries: Vec<Entry>) -> Index {
        let mut index = Index {
            entries,
            notes: Vec::new(),
            matcher: SkimMatcherV2::default().ignore_case(),
            firsts: std::cell::RefCell::new(HashMap::new()),
        };
        index.forget_firsts();
        index
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn notes(&self) -> &[NoteGroup] {
        &self.notes
    }

    pub fn set_entries(&mut self, entries: Vec<Entry>) {
        self.entries = entries;
        self.forget_firsts();
    }

    /// Takes the note groups out (to be regrouped and given back with [`Index::set_notes`]).
    pub fn take_notes(&mut self) -> Vec<NoteGroup> {
        std::mem::take(&mut self.notes)
    }

    pub fn set_notes(&mut self, notes: Vec<NoteGroup>) {
        self.notes = notes;
        self.forget_firsts();
    }

    fn forget_firsts(&mut self) {
        self.firsts.get_mut().clear();
    }

    /// What the one-character query `c` matches, ranked: the earlier `c` comes, the better.
    fn first(&self, c: char) -> Found {
        if let Some(found) = self.firsts.borrow().get(&c) {
            return found.clone();
        }
        let mut found = Found::default();
        let of = |firsts: &[First]| {
            firsts
                .iter()
                .find(|f| f.c == c)
                .map(|f| (i64::from(f.score), usize::from(f.key)))
        };
        for (id, e) in self.entries.iter().enumerate() {
            if let Some((score, key)) = of(&e.firsts) {
                found.entries.push(Candidate { id, score, key });
            }
        }
        for (id, g) in self.notes.iter().enumerate() {
            if let Some((score, key)) = of(&g.firsts) {
                found.notes.push(Candidate { id, score, key });
            }
        }
        self.rank(&mut found);
        self.firsts.borrow_mut().insert(c, found.clone());
        found
    }

    fn rank(&self, found: &mut Found) {
        let by_score = |a: &Candidate, b: &Candidate| b.score.cmp(&a.score).then(a.id.cmp(&b.id));
        found.entries.sort_by(|a, b| {
            by_score(a, b).then(self.entries[a.id].kind.cmp(&self.entries[b.id].kind))
        });
        found.notes.sort_by(by_score);
    }

    /// What `query` matches. With `among` (the result of a query this one extends), only
    /// those candidates are tried: a longer query can only match less.
    pub fn search(&self, query: &str, among: Option<&Found>) -> Found {
        let query = normalize(query);
        if query.is_empty() {
            return Found::default();
        }
        let query = pattern(&query);
        let mut chars = query.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return self.first(c);
        }
        let need = mask(&query);
        let entries: Vec<Candidate> = match among {
            Some(f) => f
                .entries
                .iter()
                .filter_map(|c| self.best(&self.entries[c.id].keys, c.id, &query, need))
                .collect(),
            None => (0..self.entries.len())
                .filter_map(|i| self.best(&self.entries[i].keys, i, &query, need))
                .collect(),
        };
        let notes: Vec<Candidate> = match among {
            Some(f) => f
                .notes
                .iter()
                .filter_map(|c| self.best(&self.notes[c.id].keys, c.id, &query, need))
                .collect(),
            None => (0..self.notes.len())
                .filter_map(|i| self.best(&self.notes[i].keys, i, &query, need))
                .collect(),
        };
        let mut found = Found { entries, notes };
        self.rank(&mut found);
        found
    }

    fn best(&self, keys: &Keys, id: usize, query: &str, need: u128) -> Option<Candidate> {
        let mut best: Option<Candidate> = None;
        for (k, key) in keys.0.iter().enumerate() {
            if key.mask & need != need {
                continue;
            }
            let Some(spelling) = key.spell_for(query) else {
                continue;
            };
            // The score alone here: the matched positions cost more and only the hits on
            // screen need them.
            if let Some(score) = self.matcher.fuzzy_match(&spelling, query) {
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
        let query = pattern(&normalize(query));
        match keys.0.get(hit.candidate.key) {
            Some(key) if key.aligned => key
                .spell_for(&query)
                .and_then(|spelling| self.matcher.fuzzy_indices(&spelling, &query))
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
        index.set_notes(vec![group]);
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
        assert_eq!(found(&i, "cqs")[0], "重庆市");
    }

    #[test]
    fn full_width_input_counts_as_ascii() {
        assert_eq!(normalize("ＤＢ\u{3000}ＢＺ "), "db bz");
        let i = index();
        assert_eq!(found(&i, "ｑｊ")[0], "衢江区");
        // Spaces separate words: they are not characters to find.
        assert_eq!(found(&i, "db bz")[0], "2.5 低保标准年增幅");
        assert_eq!(found(&i, "低保 标准")[0], "2.5 低保标准年增幅");
        assert_eq!(found(&i, "ＤＢ\u{3000}ＢＺ")[0], "2.5 低保标准年增幅");
    }

    #[test]
    fn full_width_text_in_notes_is_found_either_way() {
        let mut i = index();
        let mut g = NoteGroup::new("缺２０２３年数据（附件）");
        g.items = vec![(0, 0)];
        i.set_notes(vec![g]);
        for q in ["2023", "２０２３", "(附件", "（附件"] {
            assert!(
                found(&i, q).iter().any(|t| t.starts_with("缺２０２３")),
                "{q}"
            );
        }
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
    fn one_character_finds_everything_holding_it_earliest_first() {
        let i = index();
        let q = found(&i, "q");
        assert_eq!(q[0], "衢江区", "q at the start");
        assert!(q.iter().any(|t| t == "重庆市"), "庆 is q: {q:?}");
        let z = found(&i, "z");
        assert!(z.iter().any(|t| t.starts_with("佐证材料不足")), "{z:?}");
        assert!(z.iter().any(|t| t == "重庆市"), "重 read zhong: {z:?}");
        assert_eq!(found(&i, "衢"), vec!["衢江区"]);
        assert!(found(&i, "★").is_empty());
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
    fn long_runs_of_polyphones_match_any_reading_anywhere() {
        // 重长行还 ×10: every position may be read either way, at no extra cost.
        let text = "重长行还".repeat(10);
        let key = &Keys::new(&text, &[]).0[1];
        assert!(key.spell_for("zchh").is_some());
        assert!(key.spell_for("czxh").is_some());
        assert!(key.spell_for("zzzzzzzzzzzz").is_some());
        assert!(key.spell_for("q").is_none());
    }

    #[test]
    fn the_mask_rules_out_without_losing_matches() {
        for (text, query) in [
            ("衢江区", "qjq"),
            ("低保标准", "dbbz"),
            ("a b", "ab"),
            ("重庆", "zq"),
        ] {
            let keys = Keys::new(text, &[]);
            assert!(
                keys.0.iter().any(|k| k.mask & mask(query) == mask(query)),
                "{text} {query}"
            );
        }
    }
}
