//! The only place an `Effect` meets the `Store`, and the only place the workspace writes to
//! it: reviews, drafts, the reviewer's place and presence; the loads an effect asks for (notes,
//! an item's history) and the items the screen is about to show.
//!
//! The store lives here, so the run loop and the live view cannot write to it: they read
//! through [`Effects::store`].

use super::Access;
use super::app::{self, App, Effect, Write};
use crate::store::{LogFilter, Position, Presence, ReviewWrite, Reviewer, Store, Written};

/// The store and what the workspace has written to it for the reviewer, or still owes it.
pub(super) struct Effects<'a> {
    store: Store,
    who: &'a Reviewer,
    access: Access,
    /// The place last kept, so that an unchanged place is not written again.
    saved_position: Option<Position>,
    /// A draft waiting for the burst of typing it came from to end.
    pending_draft: Option<Draft>,
}

/// A draft to keep (its text) or to drop (`None`) for one item.
struct Draft {
    at: app::Cursor,
    text: Option<String>,
}

impl<'a> Effects<'a> {
    pub(super) fn new(store: Store, who: &'a Reviewer, access: Access, app: &App) -> Effects<'a> {
        Effects {
            store,
            who,
            access,
            saved_position: app.position(),
            pending_draft: None,
        }
    }

    /// The store to read from (the live view's looks at other reviewers' work).
    pub(super) fn store(&self) -> &Store {
        &self.store
    }

    /// Carries out what one input asked for.
    pub(super) fn apply(&mut self, app: &mut App, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::SaveDraft { at, text } => self.hold_draft(app, at, Some(text)),
                Effect::DiscardDraft { at } => self.hold_draft(app, at, None),
                Effect::Review(write) => {
                    self.end_burst(app);
                    self.review(app, write);
                }
                Effect::LoadNotes => match self.store.notes() {
                    Ok(notes) => app.open_finder(notes),
                    Err(e) => app.read_failed(one_line(&e)),
                },
                Effect::LoadHistory(at) => {
                    let (county_code, indicator) = ids(app, at);
                    let filter = LogFilter {
                        county_code: Some(county_code),
                        indicator: Some(indicator),
                        ..Default::default()
                    };
                    match self.store.log_where(&filter) {
                        Ok(events) => app.history_loaded(at, events),
                        Err(e) => app.read_failed(one_line(&e)),
                    }
                }
            }
        }
    }

    /// A burst of input has been handled: the draft it left waiting is written.
    pub(super) fn end_burst(&mut self, app: &mut App) {
        if let Some(d) = self.pending_draft.take() {
            self.write_draft(app, d);
        }
    }

    /// [`fill`], from this store.
    pub(super) fn fill(&mut self, app: &mut App) {
        fill(&mut self.store, app);
    }

    /// Keeps the reviewer's place, if it moved since it was last kept.
    pub(super) fn keep_position(&mut self, app: &App) {
        if let Some(p) = app.position() {
            if self.saved_position.as_ref() != Some(&p)
                && self.store.save_position(self.who, &p).is_ok()
            {
                self.saved_position = Some(p);
            }
        }
    }

    /// Before stopping on a signal or a vanished terminal: the draft being typed and the
    /// reviewer's place go to the database first.
    pub(super) fn finish(&mut self, app: &mut App) {
        self.end_burst(app);
        if let Some(e) = app.editor() {
            let (c, i) = ids(app, e.at);
            let text = e.buffer.text();
            if text != e.saved {
                let _ = self.store.save_draft(self.who, &c, &i, &text);
            }
        }
        self.keep_position(app);
    }

    /// Tells other reviewers where this session is; true if it was written. Presence is a
    /// courtesy: failing to write it must not stop the work.
    pub(super) fn present(&mut self, session: &str, here: Option<&Presence>) -> bool {
        self.store.present(session, self.who, here).is_ok()
    }

    /// Takes this session out of the others' view.
    pub(super) fn leave(&mut self, session: &str) {
        let _ = self.store.leave(session);
    }

    fn review(&mut self, app: &mut App, write: Write) {
        match self.may_write() {
            Ok(true) => {}
            Ok(false) => {
                self.access = Access::BrowseOnly;
                app.browse_only(&self.who.account);
                return;
            }
            Err(e) => return app.written(write, Err(one_line(&e))),
        }
        let county = &app.counties[write.at.county].code;
        let indicator = &app.indicators[write.at.indicator].id;
        let mut review = ReviewWrite::new(county, indicator)
            .expecting(write.expected.clone())
            // Undo and redo put back a verdict as it was, on the figure it was given on.
            .putting_back(match &write.why {
                app::Why::Undo(c) => c.before.revision,
                app::Why::Redo(c) => c.after.revision,
                _ => None,
            })
            // … and an undo under whoever gave it.
            .putting_back_by(match &write.why {
                app::Why::Undo(c) => c.before.by.as_deref().cloned(),
                _ => None,
            });
        review.verdict = write.verdict;
        review.note = write.note.clone();
        review.drops_draft = write.why == app::Why::Note;
        match self.store.write_review(&review, self.who) {
            Ok(Written::Saved { change, item }) => app.written(write, Ok((change, item))),
            Ok(Written::Conflict { now }) => app.changed_underneath(write, now),
            Err(e) => app.written(write, Err(one_line(&e))),
        }
    }

    /// Whether this account may write now: a registered reviewer is looked up again (by uid,
    /// before each write), so one removed while the workspace is open marks no more.
    fn may_write(&self) -> anyhow::Result<bool> {
        Ok(match self.access {
            Access::Open => true,
            Access::BrowseOnly => false,
            Access::Registered(uid) => self
                .store
                .registry_entry(uid)?
                .is_some_and(|entry| entry.active),
        })
    }

    /// Drafts are kept once per burst of typing, after the burst; a draft of another item
    /// first writes the one waiting.
    fn hold_draft(&mut self, app: &mut App, at: app::Cursor, text: Option<String>) {
        if let Some(waiting) = self.pending_draft.take() {
            if waiting.at != at {
                self.write_draft(app, waiting);
            }
        }
        self.pending_draft = Some(Draft { at, text });
    }

    fn write_draft(&mut self, app: &mut App, draft: Draft) {
        let (c, i) = ids(app, draft.at);
        let result = match &draft.text {
            Some(text) => self.store.save_draft(self.who, &c, &i, text),
            None => self.store.discard_draft(self.who, &c, &i),
        };
        if let Err(e) = result {
            app.draft_failed(one_line(&e));
        }
    }
}

/// Reads the items the screen is about to show and the App has not read yet.
pub fn fill(store: &mut Store, app: &mut App) {
    for _ in 0..4 {
        let Some((indicator, from, to)) = app.missing() else {
            return;
        };
        let id = app.indicators[indicator].id.clone();
        match store.items_range(&id, from, to) {
            Ok(items) if !items.is_empty() => app.loaded(items),
            Ok(_) => return,
            Err(e) => {
                app.read_failed(one_line(&e));
                return;
            }
        }
    }
}

fn ids(app: &App, at: app::Cursor) -> (String, String) {
    (
        app.counties[at.county].code.clone(),
        app.indicators[at.indicator].id.clone(),
    )
}

/// An error on the status line: one line, whatever the error says, each cause said once.
fn one_line(e: &anyhow::Error) -> String {
    crate::store::said_once(e).replace(['\n', '\r'], " ")
}
