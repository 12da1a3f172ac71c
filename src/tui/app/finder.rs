//! The finder (`/`): targets, indicators, counties and every note, found by a query typed like
//! a note (pinyin initials too), and the jump to what was found.

use super::mode::Overlay;
use super::{App, Cursor};
use crate::search::{Entry, Found, Hit, Jump, Kind, NoteGroup};
use crate::tui::editor::TextBuffer;
use std::collections::HashMap;

/// A query typed like a note, and what it matches.
pub struct Finder {
    pub query: TextBuffer,
    pub found: Found,
    /// How many hits `found` holds (every item of a matched note counted).
    pub count: usize,
    pub selected: usize,
    /// The normalized query the hits are for: a longer query searches only among them.
    searched: String,
}

impl App {
    /// What the finder looks through besides notes: targets, indicators (by their short name
    /// and their full wording) and counties.
    fn fixed_search_entries(&self) -> Vec<Entry> {
        let mut entries = Vec::new();
        for (t, target) in self.targets.iter().enumerate() {
            entries.push(Entry::new(
                Kind::Target,
                format!("{} {}", target.id, target.title),
                Jump::Target(t),
                &[],
            ));
        }
        for (i, ind) in self.indicators.iter().enumerate() {
            entries.push(Entry::new(
                Kind::Indicator,
                format!("{} {}", ind.id, ind.short),
                Jump::Indicator(i),
                &[&ind.text],
            ));
        }
        for (c, county) in self.counties.iter().enumerate() {
            entries.push(Entry::new(
                Kind::County,
                county.name.clone(),
                Jump::County(c),
                &[&county.code],
            ));
        }
        entries
    }

    /// The finder opens with every note as the database holds it now, grouped by text (the
    /// spellings of a text already known are kept, not worked out again).
    pub fn open_finder(&mut self, notes: Vec<(String, String, String)>) {
        let mut old: HashMap<String, NoteGroup> = self
            .index
            .take_notes()
            .into_iter()
            .map(|g| (g.note.clone(), g))
            .collect();
        let mut groups: Vec<NoteGroup> = Vec::new();
        let mut at_text: HashMap<String, usize> = HashMap::new();
        let mut placed: Vec<((usize, usize), usize)> = Vec::new();
        for (county_code, indicator_id, note) in &notes {
            let (Some(&c), Some(&i)) = (
                self.county_at.get(county_code.as_str()),
                self.indicator_at.get(indicator_id.as_str()),
            ) else {
                continue;
            };
            let one_line = note.replace(['\n', '\r'], " ");
            let g = *at_text.entry(one_line.clone()).or_insert_with(|| {
                let mut group = old
                    .remove(&one_line)
                    .unwrap_or_else(|| NoteGroup::new(&one_line));
                group.items.clear();
                groups.push(group);
                groups.len() - 1
            });
            placed.push(((i, c), g));
        }
        // Items in document order within each note.
        placed.sort();
        for ((i, c), g) in placed {
            groups[g].items.push((i, c));
        }
        self.index.set_notes(groups);
        self.notes_fresh = true;
        self.show_finder();
    }

    pub(super) fn show_finder(&mut self) {
        // Targets, indicators and counties are indexed the first time the finder opens (not
        // at start: 2,844 counties' pinyin is work the first frame need not wait for).
        if self.index.entries().is_empty() {
            let entries = self.fixed_search_entries();
            self.index.set_entries(entries);
        }
        self.overlay.open(Overlay::Finder(Finder {
            query: TextBuffer::default(),
            found: Found::default(),
            count: 0,
            selected: 0,
            searched: String::new(),
        }));
    }

    /// Runs the finder's query: among the previous candidates when it only grew.
    pub(super) fn find(&mut self) {
        let Some(f) = self.overlay.finder_mut() else {
            return;
        };
        let query = crate::search::normalize(&f.query.text());
        let grew = !f.searched.is_empty() && query.starts_with(&f.searched);
        f.found = self.index.search(&query, grew.then_some(&f.found));
        f.count = f.found.len(&self.index);
        f.searched = query;
        f.selected = 0;
    }

    /// The text a hit shows, and the characters the query matched in it: an entry's own
    /// text, or "县 · 指标：备注" for a note.
    pub fn hit_text(&self, hit: &Hit) -> (String, Vec<usize>) {
        let query = self.finder().map_or_else(String::new, |f| f.query.text());
        let positions = self.index.positions(hit, &query);
        match (hit.note, hit.jump) {
            (Some(g), Jump::Item { indicator, county }) => {
                let ind = &self.indicators[indicator];
                let prefix = format!(
                    "{} · {} {}：",
                    self.counties[county].name, ind.id, ind.short
                );
                let shift = prefix.chars().count();
                let positions = positions.iter().map(|p| p + shift).collect();
                (format!("{prefix}{}", self.index.notes()[g].note), positions)
            }
            _ => (
                self.index.entries()[hit.candidate.id].text.clone(),
                positions,
            ),
        }
    }

    /// Enter: to the selected hit; the finder closes.
    pub(super) fn finder_jump(&mut self, finder: &Finder) {
        let Some(hit) = finder.found.nth(&self.index, finder.selected) else {
            return;
        };
        match hit.jump {
            Jump::Target(t) => self.cursor.indicator = self.targets[t].first,
            Jump::Indicator(i) => self.cursor.indicator = i,
            Jump::County(c) => self.cursor.county = c,
            Jump::Item { indicator, county } => self.cursor = Cursor { indicator, county },
        }
    }
}
