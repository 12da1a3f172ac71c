//! The only place an `Effect` meets the `Store`, and the only place the workspace writes to
//! it: reviews, drafts, the reviewer's place and presence; the loads an effect asks for (notes,
//! an item's history) and the items the screen is about to show.
//!
//! The store lives here, so the run loop and the live view cannot write to it: they read
//! through [`Effects::store`].
//!
//! **No key waits for the write lock.** The workspace's connection waits at most
//! [`WRITE_WAIT`] for another's write to end. What finds the lock still held (an import
//! running) is queued, in order, shown as pending, and tried again from the loop every
//! [`RETRY_EVERY`] until it is written; meanwhile every key is answered as usual. (One
//! connection on the loop's own thread, rather than a writer thread: the loop reads the items
//! before every key, and WAL readers never wait for a writer, so only writes could block; a
//! queue keeps them in order without a second connection, and the App is told each result on
//! the thread it lives on.) The reviewer's place and presence are never queued: they are
//! courtesies, skipped while the lock is held and written again a second later.
//!
//! **Nothing written after the file is swapped.** Before every write the store looks at its
//! file (see the store's `watch.rs`), and the loop asks it to on every look at the others; once
//! the database was moved or copied over, or lost its `-wal`, nothing more is written, and what
//! waited is said not written. After each commit the workspace checkpoints (PASSIVE, about half
//! a millisecond here), so its work is in the database file itself, not only in a `-wal`
//! someone might remove, nor left in one to be mixed into a restored copy.

use super::Access;
use super::app::{self, App, Effect, Holder, Stopped, Write};
use super::recovery::{LeftDraft, Recovery};
use crate::store::{
    Acting, CheckWrite, Checked, LogFilter, Position, Presence, ReviewWrite, Reviewer, Store,
    StoreError, VerifyWrite, VerifyWritten, Written, is_busy,
};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long a write waits for the lock before it is queued: short enough that a key is answered
/// within a frame, long enough for another reviewer's ordinary write (a few milliseconds).
pub(super) const WRITE_WAIT: Duration = Duration::from_millis(20);
/// How often what is queued is tried again.
pub(super) const RETRY_EVERY: Duration = Duration::from_millis(100);
/// How long a workspace that is stopping (a hang-up, a signal, `q`) waits for the lock to write
/// what is queued before it keeps the notes in a file instead.
pub(super) const STOPPING_WAIT: Duration = Duration::from_secs(3);
/// Who holds the lock is read again at most this often while writes wait.
const HOLDER_EVERY: Duration = Duration::from_secs(1);

/// The store and what the workspace has written to it for the reviewer, or still owes it.
pub(super) struct Effects<'a> {
    store: Store,
    who: &'a Reviewer,
    access: Access,
    /// The place last kept, so that an unchanged place is not written again.
    saved_position: Option<Position>,
    /// A draft waiting for the burst of typing it came from to end.
    pending_draft: Option<Draft>,
    /// Writes that found the lock held, in the order they were made.
    queue: VecDeque<Queued>,
    last_try: Instant,
    holder_read: Option<Instant>,
    /// Nothing is written any more: the database is read-only, or was swapped.
    stopped: bool,
    /// Where notes that cannot be written at the end are kept, and the files of notes an
    /// earlier workspace kept there that are queued now (removed once written).
    recovery: Option<Recovery>,
    recovered: Vec<PathBuf>,
    /// Evidence files being read and previewed for the viewer.
    previews: super::previews::Previews,
}

/// A draft to keep (its text) or to drop (`None`) for one item.
struct Draft {
    at: app::Cursor,
    text: Option<String>,
}

/// A write that waits for the lock.
#[derive(Clone)]
enum Queued {
    Review {
        write: Box<Write>,
        review: Box<ReviewWrite>,
    },
    /// A second review (复核).
    Check {
        check: Box<app::CheckWrite>,
        write: Box<CheckWrite>,
    },
    /// One verdict for several selected rows (or its undo), in one transaction.
    Batch {
        batch: Box<app::Batch>,
        reviews: Vec<ReviewWrite>,
    },
    Draft(DraftWrite),
    /// A reviewer's finding (issue 17): the cases counted, or 不计分.
    Finding {
        finding: Box<app::Finding>,
        county: String,
        indicator: String,
    },
    /// A verified figure (核定值, issue 17).
    Verify {
        verify: Box<app::VerifyWrite>,
        write: Box<VerifyWrite>,
    },
}

/// A draft write, by the item's codes.
#[derive(Clone, PartialEq, Eq)]
struct DraftWrite {
    county: String,
    indicator: String,
    text: Option<String>,
}

/// How one try of a write went.
enum Tried<T> {
    Done(T),
    /// Another holds the lock.
    Busy,
    Failed(anyhow::Error),
}

fn tried<T>(result: anyhow::Result<T>) -> Tried<T> {
    match result {
        Ok(done) => Tried::Done(done),
        Err(e) if is_busy(&e) => Tried::Busy,
        Err(e) => Tried::Failed(e),
    }
}

impl<'a> Effects<'a> {
    pub(super) fn new(
        store: Store,
        who: &'a Reviewer,
        access: Access,
        app: &App,
        recovery: Option<Recovery>,
    ) -> Effects<'a> {
        // Reads never wait for a writer (WAL); a write waits this long, then is queued.
        let _ = store.set_busy_timeout(WRITE_WAIT);
        Effects {
            store,
            who,
            access,
            saved_position: app.position(),
            pending_draft: None,
            queue: VecDeque::new(),
            last_try: Instant::now(),
            holder_read: None,
            stopped: app.stopped().is_some(),
            recovery,
            recovered: Vec::new(),
            previews: super::previews::Previews::new(),
        }
    }

    /// The store to read from (the live view's looks at other reviewers' work).
    pub(super) fn store(&self) -> &Store {
        &self.store
    }

    /// Whether writes wait for the lock (the loop then looks again soon).
    pub(super) fn waiting(&self) -> bool {
        !self.stopped && !self.queue.is_empty()
    }

    /// Carries out what one input asked for.
    pub(super) fn apply(&mut self, app: &mut App, effects: Vec<Effect>) {
        let any = !effects.is_empty();
        for effect in effects {
            match effect {
                Effect::SaveDraft { at, text } => self.hold_draft(app, at, Some(text)),
                Effect::DiscardDraft { at } => self.hold_draft(app, at, None),
                Effect::Review(write) => {
                    self.end_burst(app);
                    self.review(app, write);
                }
                Effect::Reviews(batch) => {
                    self.end_burst(app);
                    self.reviews(app, batch);
                }
                Effect::PutAside { at, aside } => {
                    let result = match self.may_write() {
                        Ok(true) => {
                            let (c, i) = ids(app, at);
                            self.store
                                .put_aside(self.who, &c, &i, aside)
                                .map_err(|e| one_line(&e))
                        }
                        Ok(false) => {
                            self.access = Access::BrowseOnly;
                            app.browse_only(&self.who.account);
                            continue;
                        }
                        Err(e) => Err(one_line(&e)),
                    };
                    app.aside_written(at, aside, result);
                }
                Effect::LoadNotes => match self.store.notes() {
                    Ok(notes) => app.open_finder(notes),
                    Err(e) => app.read_failed(one_line(&e)),
                },
                Effect::Check(check) => {
                    self.end_burst(app);
                    self.check(app, check);
                }
                Effect::LoadPeople => self.load_people(app),
                Effect::LoadPreview { sha256, name } => {
                    let path = self.store.evidence_path(&sha256);
                    self.previews.start(&path, sha256, name);
                }
                Effect::OpenRequest { at, reason } => {
                    let result = match self.may_write() {
                        Ok(true) => {
                            let (c, i) = ids(app, at);
                            self.store
                                .open_request(&c, &i, &reason, self.who)
                                .map_err(|e| one_line(&e))
                        }
                        Ok(false) => {
                            self.access = Access::BrowseOnly;
                            app.browse_only(&self.who.account);
                            continue;
                        }
                        Err(e) => Err(one_line(&e)),
                    };
                    app.request_written(at, result);
                }
                Effect::Finding(finding) => {
                    self.end_burst(app);
                    self.finding(app, finding);
                }
                Effect::Verify(verify) => {
                    self.end_burst(app);
                    self.verify(app, verify);
                }
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
        if any {
            self.refresh_people(app);
        }
    }

    /// The progress by person, read again if the summary shows it and it changed.
    /// Whether a preview is being made: the loop looks again soon.
    pub(super) fn previewing(&self) -> bool {
        self.previews.busy()
    }

    /// Previews done since the last look, told to the App; true if any.
    pub(super) fn take_previews(&mut self, app: &mut App) -> bool {
        self.previews.take(app)
    }

    pub(super) fn refresh_people(&mut self, app: &mut App) {
        if app.people_wanted() {
            self.load_people(app);
        }
    }

    fn load_people(&mut self, app: &mut App) {
        match self.store.people() {
            Ok(people) => app.people_loaded(people),
            Err(e) => app.read_failed(one_line(&e)),
        }
    }

    /// A second review, written as the reviewer's OS account (the registry decides in the
    /// store whether it may).
    fn check(&mut self, app: &mut App, check: app::CheckWrite) {
        match self.may_write() {
            Ok(true) => {}
            Ok(false) => {
                self.access = Access::BrowseOnly;
                app.browse_only(&self.who.account);
                return;
            }
            Err(e) => return app.checked(check, Err(one_line(&e))),
        }
        let write = CheckWrite {
            county_code: app.counties[check.at.county].code.clone(),
            indicator_id: app.indicators[check.at.indicator].id.clone(),
            decision: check.decision,
            reason: check.reason.clone(),
            first_seen: Some(check.first_seen),
        };
        // Waiting for the lock, a 复核 shows nothing as saved until it is written.
        self.write_or_wait(
            app,
            Queued::Check {
                check: Box::new(check),
                write: Box::new(write),
            },
        );
    }

    /// A finding (the cases counted, 不计分), written as the reviewer, or waiting for the
    /// lock like any other write (nothing shows as saved until it is written).
    fn finding(&mut self, app: &mut App, finding: app::Finding) {
        match self.may_write() {
            Ok(true) => {}
            Ok(false) => {
                self.access = Access::BrowseOnly;
                app.browse_only(&self.who.account);
                return;
            }
            Err(e) => return app.finding_written(&finding, Err(one_line(&e))),
        }
        if self.stopped {
            let why = app.stopped_text().unwrap_or_default();
            return app.finding_written(&finding, Err(why));
        }
        let (county, indicator) = ids(app, finding.at);
        self.write_or_wait(
            app,
            Queued::Finding {
                finding: Box::new(finding),
                county,
                indicator,
            },
        );
    }

    /// A verified figure (核定值), written as the reviewer like a review; waiting for the lock,
    /// it shows nothing as saved until it is written.
    fn verify(&mut self, app: &mut App, verify: app::VerifyWrite) {
        match self.may_write() {
            Ok(true) => {}
            Ok(false) => {
                self.access = Access::BrowseOnly;
                app.browse_only(&self.who.account);
                return;
            }
            Err(e) => return app.verified_written(verify, Err(one_line(&e))),
        }
        if self.stopped {
            let why = app.stopped_text().unwrap_or_default();
            return app.verified_written(verify, Err(why));
        }
        let write = VerifyWrite {
            county_code: app.counties[verify.at.county].code.clone(),
            indicator_id: app.indicators[verify.at.indicator].id.clone(),
            figure: verify.figure.clone(),
            reason: verify.reason.clone(),
            seen: Some(verify.seen.clone()),
        };
        self.write_or_wait(
            app,
            Queued::Verify {
                verify: Box::new(verify),
                write: Box::new(write),
            },
        );
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

    /// Looks at the database's files; true if it was found swapped just now (the App is told,
    /// and nothing more is written).
    pub(super) fn watch(&mut self, app: &mut App) -> bool {
        if self.stopped {
            return false;
        }
        match self.store.watch() {
            Some(swap) => {
                let rescued = self.store.rescued();
                self.stop(app, Stopped::Swapped { swap, rescued });
                true
            }
            None => false,
        }
    }

    /// Keeps the reviewer's place, if it moved since it was last kept (not while the lock is
    /// held: a second later).
    pub(super) fn keep_position(&mut self, app: &App) {
        if self.stopped {
            return;
        }
        if let Some(p) = app.position() {
            if self.saved_position.as_ref() != Some(&p)
                && self.courtesy(|store, who| store.save_position(who, &p))
            {
                self.saved_position = Some(p);
            }
        }
    }

    /// A write the work does not need (the place, presence): tried once without waiting at
    /// all, so that no move ever waits for the lock; checkpointed when written.
    fn courtesy(
        &mut self,
        write: impl FnOnce(&mut Store, &Reviewer) -> anyhow::Result<()>,
    ) -> bool {
        let _ = self.store.set_busy_timeout(Duration::ZERO);
        let written = write(&mut self.store, self.who).is_ok();
        let _ = self.store.set_busy_timeout(WRITE_WAIT);
        if written {
            self.committed();
        }
        written
    }

    /// Before stopping on a signal or a vanished terminal: the draft being typed, what waits
    /// and the reviewer's place go to the database first, waiting for the lock a few seconds
    /// at most; the notes that still could not be written are kept in a file.
    pub(super) fn finish(&mut self, app: &mut App) {
        self.end_burst(app);
        if let Some(e) = app.editor() {
            let (at, text) = (e.at, e.buffer.text());
            if text != e.saved {
                self.write_draft(
                    app,
                    Draft {
                        at,
                        text: Some(text),
                    },
                );
            }
        }
        self.flush(app, STOPPING_WAIT);
        self.keep_position(app);
        self.keep_leftovers(app);
    }

    /// `q`: what waits was the reviewer's to give up (the App asked); the notes are written,
    /// waiting for the lock a few seconds at most, else kept in a file.
    pub(super) fn close(&mut self, app: &mut App) {
        self.end_burst(app);
        let given_up: Vec<Write> = app.pending_writes().to_vec();
        // A batch waiting was never shown as saved: quitting gives it up too.
        self.queue.retain(|q| match q {
            Queued::Review { write, .. } => !given_up.contains(&**write),
            Queued::Batch { .. }
            | Queued::Check { .. }
            | Queued::Finding { .. }
            | Queued::Verify { .. } => false,
            Queued::Draft(_) => true,
        });
        self.flush(app, STOPPING_WAIT);
        self.keep_position(app);
        self.keep_leftovers(app);
    }

    /// Tells other reviewers where this session is; true if it was written. Presence is a
    /// courtesy: failing to write it (the lock held) must not stop the work.
    pub(super) fn present(&mut self, session: &str, here: Option<&Presence>) -> bool {
        if self.stopped {
            return false;
        }
        self.courtesy(|store, who| store.present(session, who, here))
    }

    /// Takes this session out of the others' view (a session left behind while the lock is
    /// held goes once its process has ended: see the store's presence).
    pub(super) fn leave(&mut self, session: &str) {
        if !self.stopped {
            self.courtesy(|store, _| store.leave(session));
        }
    }

    /// Writes what waits, in order, if the lock is free now (at most every [`RETRY_EVERY`]);
    /// true if the screen must change.
    pub(super) fn retry(&mut self, app: &mut App) -> bool {
        if !self.waiting() || self.last_try.elapsed() < RETRY_EVERY {
            return false;
        }
        self.last_try = Instant::now();
        self.write_queued(app)
    }

    /// Notes an earlier workspace kept in a file: queued to be written, as drafts, and the
    /// file removed once they are.
    pub(super) fn recovered(&mut self, file: PathBuf, drafts: &[LeftDraft]) {
        for d in drafts {
            self.queue.push_back(Queued::Draft(DraftWrite {
                county: d.county_code.clone(),
                indicator: d.indicator_id.clone(),
                text: Some(d.text.clone()),
            }));
        }
        self.recovered.push(file);
        // Written at the first look, without waiting for a key.
        self.last_try = Instant::now()
            .checked_sub(RETRY_EVERY)
            .unwrap_or_else(Instant::now);
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
        if self.stopped {
            let why = app.stopped_text().unwrap_or_default();
            return app.written(write, Err(why));
        }
        let review = review_write(app, &write);
        let queued = Queued::Review {
            write: Box::new(write),
            review: Box::new(review),
        };
        self.write_or_wait(app, queued);
    }

    /// Writes now, unless writes already wait (they go first) or the lock is held.
    fn write_or_wait(&mut self, app: &mut App, queued: Queued) {
        if self.queue.is_empty() {
            if let Some(queued) = self.try_write(app, queued) {
                self.wait_with(app, queued);
            }
        } else {
            self.wait_with(app, queued);
        }
    }

    /// Several reviews in one transaction (one verdict for the selected rows, or its undo):
    /// each written where the item still holds what was seen, none on an error.
    fn reviews(&mut self, app: &mut App, batch: app::Batch) {
        match self.may_write() {
            Ok(true) => {}
            Ok(false) => {
                self.access = Access::BrowseOnly;
                app.browse_only(&self.who.account);
                return;
            }
            Err(e) => return app.batch_written(batch, Err(one_line(&e))),
        }
        if self.stopped {
            let why = app.stopped_text().unwrap_or_default();
            return app.batch_written(batch, Err(why));
        }
        // Waiting for the lock, a batch shows nothing as saved: its rows keep what they held.
        let reviews = batch.writes.iter().map(|w| review_write(app, w)).collect();
        self.write_or_wait(
            app,
            Queued::Batch {
                batch: Box::new(batch),
                reviews,
            },
        );
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

    /// A draft is written now, or after what waits (in the App it is kept meanwhile).
    fn write_draft(&mut self, app: &mut App, draft: Draft) {
        let (county, indicator) = ids(app, draft.at);
        let queued = Queued::Draft(DraftWrite {
            county,
            indicator,
            text: draft.text,
        });
        if self.queue.is_empty() && !self.stopped {
            if let Some(queued) = self.try_write(app, queued) {
                self.wait_with(app, queued);
            }
        } else {
            self.wait_with(app, queued);
        }
    }

    /// Puts a write at the end of the queue (a newer draft of the same item in place of the
    /// older one at the end) and tells the App a review waits.
    fn wait_with(&mut self, app: &mut App, queued: Queued) {
        match (&queued, self.queue.back_mut()) {
            (Queued::Draft(new), Some(Queued::Draft(last)))
                if (&new.county, &new.indicator) == (&last.county, &last.indicator) =>
            {
                *last = new.clone();
            }
            _ => {
                match &queued {
                    Queued::Review { write, .. } => app.queued((**write).clone()),
                    Queued::Batch { .. }
                    | Queued::Check { .. }
                    | Queued::Finding { .. }
                    | Queued::Verify { .. } => {
                        app.other_queued(true);
                    }
                    Queued::Draft(_) => {}
                }
                self.queue.push_back(queued);
            }
        }
        if !self.stopped {
            self.tell_holder(app);
        }
    }

    /// Tries one write once (waiting at most the busy timeout); answers it back if the lock
    /// was held. Whatever else happened is told to the App.
    fn try_write(&mut self, app: &mut App, queued: Queued) -> Option<Queued> {
        match &queued {
            Queued::Review { write, review } => {
                match tried(self.store.write_review(review, self.who)) {
                    Tried::Busy => return Some(queued),
                    Tried::Done(Written::Saved { change, item }) => {
                        self.committed();
                        app.written((**write).clone(), Ok((change, item)));
                    }
                    Tried::Done(Written::Conflict { now }) => {
                        app.changed_underneath((**write).clone(), now);
                    }
                    Tried::Failed(e) => {
                        app.written((**write).clone(), Err(one_line(&e)));
                        self.failed(app, &e);
                    }
                }
            }
            Queued::Check { check, write } => {
                let by = Acting {
                    uid: crate::host::Account::current().uid,
                    who: self.who.clone(),
                };
                match tried(self.store.write_check(write, &by)) {
                    Tried::Busy => return Some(queued),
                    Tried::Done(Checked::Saved { change, item }) => {
                        self.committed();
                        app.checked((**check).clone(), Ok((change, item)));
                    }
                    Tried::Done(Checked::Conflict { now }) => {
                        app.check_changed_underneath((**check).clone(), now);
                    }
                    Tried::Failed(e) => {
                        app.checked((**check).clone(), Err(one_line(&e)));
                        self.failed(app, &e);
                    }
                }
            }
            Queued::Batch { batch, reviews } => {
                match tried(self.store.write_reviews(reviews, self.who)) {
                    Tried::Busy => return Some(queued),
                    Tried::Done(answers) => {
                        self.committed();
                        let answers = answers
                            .into_iter()
                            .map(|a| match a {
                                Written::Saved { change, item } => app::Answer::Saved(change, item),
                                Written::Conflict { now } => app::Answer::Changed(now),
                            })
                            .collect();
                        app.batch_written((**batch).clone(), Ok(answers));
                    }
                    Tried::Failed(e) => {
                        app.batch_written((**batch).clone(), Err(one_line(&e)));
                        self.failed(app, &e);
                    }
                }
            }
            Queued::Verify { verify, write } => {
                match tried(self.store.write_verified(write, self.who)) {
                    Tried::Busy => return Some(queued),
                    Tried::Done(VerifyWritten::Saved { change, item }) => {
                        self.committed();
                        app.verified_written((**verify).clone(), Ok((*change, item)));
                    }
                    Tried::Done(VerifyWritten::Conflict { now }) => {
                        app.verified_changed_underneath((**verify).clone(), now);
                    }
                    Tried::Failed(e) => {
                        app.verified_written((**verify).clone(), Err(one_line(&e)));
                        self.failed(app, &e);
                    }
                }
            }
            Queued::Finding {
                finding,
                county,
                indicator,
            } => match tried(
                self.store
                    .write_finding(county, indicator, &finding.write, self.who),
            ) {
                Tried::Busy => return Some(queued),
                Tried::Done(change) => {
                    self.committed();
                    app.finding_written(finding, Ok((change.written, change.item)));
                }
                Tried::Failed(e) => {
                    app.finding_written(finding, Err(one_line(&e)));
                    self.failed(app, &e);
                }
            },
            Queued::Draft(d) => {
                let written = match &d.text {
                    Some(text) => self
                        .store
                        .save_draft(self.who, &d.county, &d.indicator, text),
                    None => self.store.discard_draft(self.who, &d.county, &d.indicator),
                };
                match tried(written) {
                    Tried::Busy => return Some(queued),
                    Tried::Done(()) => self.committed(),
                    Tried::Failed(e) => {
                        app.draft_failed(one_line(&e));
                        self.failed(app, &e);
                    }
                }
            }
        }
        None
    }

    /// Writes what waits, in order, until the lock is found held; true if anything was.
    fn write_queued(&mut self, app: &mut App) -> bool {
        let mut changed = false;
        while !self.stopped {
            let Some(front) = self.queue.pop_front() else {
                break;
            };
            let other = matches!(
                front,
                Queued::Batch { .. }
                    | Queued::Check { .. }
                    | Queued::Finding { .. }
                    | Queued::Verify { .. }
            );
            match self.try_write(app, front) {
                Some(back) => {
                    self.queue.push_front(back);
                    self.tell_holder(app);
                    return changed;
                }
                None => {
                    if other {
                        app.other_queued(false);
                    }
                    changed = true;
                }
            }
        }
        if self.queue.is_empty() {
            app.waiting_over();
            for file in self.recovered.drain(..) {
                let _ = std::fs::remove_file(file);
            }
            changed = true;
        }
        changed
    }

    /// Tells the App whom the writes wait for (read again at most every [`HOLDER_EVERY`]).
    fn tell_holder(&mut self, app: &mut App) {
        if self.holder_read.is_some_and(|t| t.elapsed() < HOLDER_EVERY) {
            return;
        }
        self.holder_read = Some(Instant::now());
        let holder = self
            .store
            .long_writes()
            .ok()
            .and_then(|w| w.into_iter().next())
            .map(|w| Holder {
                reviewer: w.reviewer,
                what: w.what,
            });
        app.waiting_for(holder);
    }

    /// A write failed: if the database was found swapped (or read-only), nothing more is.
    fn failed(&mut self, app: &mut App, e: &anyhow::Error) {
        match e.downcast_ref::<StoreError>() {
            Some(StoreError::Swapped { swap, .. }) => {
                let rescued = self.store.rescued();
                self.stop(
                    app,
                    Stopped::Swapped {
                        swap: *swap,
                        rescued,
                    },
                );
            }
            Some(StoreError::ReadOnly { path }) => {
                let path = path.display().to_string();
                self.stop(app, Stopped::ReadOnly { path });
            }
            _ => {
                // A write failing for another reason may be the first sign of a swap.
                self.watch(app);
            }
        }
    }

    /// Nothing more is written: what waits is said not written (the notes among it are kept
    /// for the end, which keeps them in a file).
    fn stop(&mut self, app: &mut App, stopped: Stopped) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        app.stop_writing(stopped.clone());
        let why = app.stopped_text().unwrap_or_default();
        let reviews: Vec<Write> = self
            .queue
            .iter()
            .filter_map(|q| match q {
                Queued::Review { write, .. } => Some((**write).clone()),
                Queued::Batch { .. }
                | Queued::Check { .. }
                | Queued::Finding { .. }
                | Queued::Verify { .. }
                | Queued::Draft(_) => None,
            })
            .collect();
        for write in reviews {
            app.not_written(write, why.clone());
        }
        for q in &self.queue {
            match q {
                Queued::Batch { batch, .. } => {
                    app.batch_written((**batch).clone(), Err(why.clone()));
                }
                Queued::Check { check, .. } => app.checked((**check).clone(), Err(why.clone())),
                Queued::Finding { finding, .. } => app.finding_written(finding, Err(why.clone())),
                Queued::Verify { verify, .. } => {
                    app.verified_written((**verify).clone(), Err(why.clone()));
                }
                Queued::Review { .. } | Queued::Draft(_) => {}
            }
        }
        // Marks said not written are gone; a note among them is kept (as a draft) to the end.
        self.queue.retain(|q| match q {
            Queued::Review { review, .. } => review.note.is_some(),
            Queued::Batch { .. }
            | Queued::Check { .. }
            | Queued::Finding { .. }
            | Queued::Verify { .. } => false,
            Queued::Draft(_) => true,
        });
        // The last word on the screen is why.
        app.stop_writing(stopped);
    }

    /// Writes what waits, waiting for the lock up to `bound` in all.
    fn flush(&mut self, app: &mut App, bound: Duration) {
        let deadline = Instant::now() + bound;
        while self.waiting() {
            let left = deadline.saturating_duration_since(Instant::now());
            let _ = self
                .store
                .set_busy_timeout(left.max(Duration::from_millis(1)));
            self.write_queued(app);
            if left.is_zero() {
                break;
            }
        }
        let _ = self.store.set_busy_timeout(WRITE_WAIT);
    }

    /// What could not be written at the end: the notes (queued drafts, and notes waiting to be
    /// saved) go to the recovery file, with the marks named.
    fn keep_leftovers(&mut self, app: &mut App) {
        let (mut drafts, mut unwritten) = (Vec::<LeftDraft>::new(), Vec::new());
        let mut keep = |county: &str, indicator: &str, text: &str| {
            drafts.retain(|d: &LeftDraft| {
                (&d.county_code[..], &d.indicator_id[..]) != (county, indicator)
            });
            drafts.push(LeftDraft {
                county_code: county.to_string(),
                indicator_id: indicator.to_string(),
                text: text.to_string(),
            });
        };
        for q in &self.queue {
            match q {
                Queued::Draft(DraftWrite {
                    county,
                    indicator,
                    text: Some(text),
                }) => keep(county, indicator, text),
                Queued::Draft(_) => {}
                Queued::Review { write, review } => match &review.note {
                    Some(note) => keep(&review.county_code, &review.indicator_id, note),
                    None => unwritten.push(app.describe_write(write)),
                },
                Queued::Batch { batch, .. } => {
                    unwritten.extend(batch.writes.iter().map(|w| app.describe_write(w)));
                }
                // A 复核 never written is not kept: the checker gives it again.
                Queued::Check { .. } => {}
                Queued::Finding { finding, .. } => unwritten.push(app.describe_finding(finding)),
                // Nor a verified figure: it is named, to be recorded again.
                Queued::Verify { verify, .. } => unwritten.push(app.describe_verify(verify)),
            }
        }
        if drafts.is_empty() && unwritten.is_empty() {
            return;
        }
        if let Some(recovery) = &self.recovery {
            let _ = recovery.save(drafts, unwritten);
        }
    }

    /// After a commit of its own: the WAL is checkpointed, so the work is in the file itself.
    fn committed(&mut self) {
        let _ = self.store.checkpoint();
    }
}

/// What the App keeps of the later stages, read at start: the locks, the second reviews, and
/// whether this reviewer's role checks.
pub fn load_stages(store: &Store, access: Access, app: &mut App) -> anyhow::Result<()> {
    app.set_locks(store.locks()?);
    app.set_checks(store.check_states()?);
    if let Access::Registered(uid) = access {
        if let Some(entry) = store.registry_entry(uid)? {
            if entry.role == crate::model::Role::Reviewer {
                let role = match app.strings.lang {
                    crate::tui::strings::Lang::Zh => entry.role.chinese(),
                    crate::tui::strings::Lang::En => entry.role.as_str(),
                };
                app.may_not_check(app.strings.may_not_check.replace("{role}", role));
            }
        }
    }
    Ok(())
}

/// The store's write of one of the App's: the item, what it must still hold, and (for undo
/// and redo) the figure a verdict is put back on.
fn review_write(app: &App, write: &Write) -> ReviewWrite {
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
    review
}

/// Reads the items the screen is about to show and the App has not read yet, and what the
/// filters need of every item (the counties' own assessments; what the figures say).
pub fn fill(store: &mut Store, app: &mut App) {
    fill_marking(store, app);
    fill_evidence(store, app);
    fill_scoring(store, app);
    // A run of counties a read: the list's rows come in one (a few, far apart under a
    // filter), then the note's item and the selected rows.
    for _ in 0..16 {
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

/// What the scores read beside the verdicts (figures, evidence, findings), read at start and
/// again after an import, another's finding, or the scoring applied anew. A failed read is
/// said, and the scores count verdicts alone until the next change.
fn fill_scoring(store: &Store, app: &mut App) {
    if !app.needs_facts() {
        return;
    }
    match store.score_facts(app.indicators.iter(), &app.counties) {
        Ok(facts) => app.facts_loaded(facts),
        Err(e) => {
            app.facts_loaded(crate::score::Facts::default());
            app.read_failed(one_line(&e));
        }
    }
}

/// What the filters and the summary need of every item, read when first wanted (and after an
/// import). A failed read is said once and not tried again until the next import.
fn fill_marking(store: &Store, app: &mut App) {
    if app.needs_own() {
        match store.self_verdicts() {
            Ok(own) => app.own_loaded(own),
            Err(e) => {
                app.own_loaded(Vec::new());
                app.read_failed(one_line(&e));
            }
        }
    }
    if app.needs_checks() {
        let read = store.figures().and_then(|figures| {
            let noted = store.notes()?.into_iter().map(|(c, i, _)| (c, i)).collect();
            Ok((figures, store.verified_figures()?, noted))
        });
        match read {
            Ok((figures, verified, noted)) => app.checks_loaded_with(figures, verified, noted),
            Err(e) => {
                app.checks_loaded(Vec::new(), Vec::new());
                app.read_failed(one_line(&e));
            }
        }
    }
}

/// The selected item's evidence files, read when first wanted (and after an import).
fn fill_evidence(store: &Store, app: &mut App) {
    let Some(at) = app.evidence_wanted() else {
        return;
    };
    let (county, indicator) = ids(app, at);
    match store.evidence_for(&county, &indicator) {
        Ok(evidence) => app.evidence_loaded(at, evidence),
        Err(e) => {
            app.evidence_loaded(at, Default::default());
            app.read_failed(one_line(&e));
        }
    }
}

/// Every open request for more material (退回补充), for the detail pane and the filter: read
/// at start and whenever the database changed. True if they changed.
pub fn load_requests(store: &Store, app: &mut App) -> bool {
    match store.requests(None) {
        Ok(requests) => app.requests_loaded(requests),
        Err(e) => {
            app.read_failed(one_line(&e));
            true
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
