//! Other reviewers, seen live: their commits (SQLite's `data_version` moves), the log events
//! they added, new imports, and where they are (the `sessions` table).
//!
//! Everything here reads; this session's own presence is written through the effects.
//! Who is in is read again every second even when nobody committed: a session leaves by
//! timing out or by its process ending, and neither commits anything.

use super::app::App;
use super::effects::Effects;
use crate::store::{LogFilter, Presence, Reviewer, SEEN_WITHIN};
use anyhow::Result;
use std::time::{Duration, Instant};

// A heartbeat comfortably inside the time after which a session counts as gone.
const _: () = assert!(Live::HEARTBEAT.as_secs() * 4 <= SEEN_WITHIN.as_secs());

/// What this session has seen of the others, and when it last looked.
pub(super) struct Live {
    /// How often an idle workspace looks (`KAOHE_POLL_MS`, default 500 ms).
    every: Duration,
    session: String,
    data_version: i64,
    last_event: i64,
    last_import: i64,
    /// The owners' last change seen (`kaohe assign` while the workspace is open).
    last_owners: i64,
    /// The newest second review and lock event seen (复核, 审定).
    last_check: i64,
    last_lock: i64,
    /// The newest finding and scoring applied seen (issue 17: cases, 不计分, `kaohe points`).
    last_finding: i64,
    last_scoring: i64,
    /// The newest verified figure's event seen (核定值).
    last_verified: i64,
    sent: Option<Presence>,
    sent_at: Instant,
    polled: Instant,
    /// The others as last read, and when: presence ends by time and by a process ending,
    /// neither of which commits anything, so it is read again even when nothing changed.
    others: Vec<Presence>,
    others_read: Instant,
}

impl Live {
    /// How often an idle workspace looks: other reviewers' work shows within a second.
    const EVERY: Duration = Duration::from_millis(500);

    /// The polling interval: `KAOHE_POLL_MS` may set it (between 50 ms and an hour), for a
    /// quieter workspace on a loaded server, or for tests.
    fn interval() -> Duration {
        std::env::var("KAOHE_POLL_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(Self::EVERY, |ms| {
                Duration::from_millis(ms.clamp(50, 3_600_000))
            })
    }
    /// Presence is refreshed at least this often: five beats to the store's timeout
    /// ([`SEEN_WITHIN`]), so a beat or two held up by a busy database never shows a reviewer
    /// gone. A beat is a small commit without a sync to disk, and costs each other workspace
    /// one cheap look (see [`Live::poll`]).
    const HEARTBEAT: Duration = Duration::from_secs(5);
    /// A new place is written no more often than this.
    const PRESENCE_EVERY: Duration = Duration::from_secs(1);
    /// Who is in is read again at least this often.
    const OTHERS_EVERY: Duration = Duration::from_secs(1);

    /// How long the loop waits for input before it looks again (at least four times a
    /// heartbeat, so that presence never lapses).
    pub(super) fn wait(&self) -> Duration {
        self.every.min(Self::HEARTBEAT / 4)
    }

    /// Whether an idle workspace should look at the database again.
    pub(super) fn due(&self) -> bool {
        self.polled.elapsed() >= self.every
    }

    pub(super) fn start(effects: &mut Effects, who: &Reviewer, app: &mut App) -> Result<Live> {
        let store = effects.store();
        let mut live = Live {
            every: Self::interval(),
            session: format!("{}/{}/{}", who.account, who.name, std::process::id()),
            data_version: store.data_version()?,
            last_event: store.last_event()?,
            last_import: store.last_import()?,
            last_owners: store.last_owner_change()?,
            last_check: store.last_check_event()?,
            last_lock: store.last_lock_event()?,
            last_finding: store.last_finding_event()?,
            last_scoring: store.last_scoring_change()?,
            last_verified: store.last_verified_event()?,
            sent: None,
            sent_at: Instant::now(),
            polled: Instant::now(),
            others: Vec::new(),
            others_read: Instant::now(),
        };
        live.present(effects, app);
        live.look_at_others(effects, app);
        Ok(live)
    }

    pub(super) fn present(&mut self, effects: &mut Effects, app: &App) {
        let here = app.presence();
        // A move is told at most once a second (a commit on every keystroke would cost each key
        // a write and every other workspace a look); the idle look writes the last place soon
        // after.
        let since = self.sent_at.elapsed();
        let moved = here != self.sent && since >= Self::PRESENCE_EVERY;
        if (moved || since >= Self::HEARTBEAT) && effects.present(&self.session, here.as_ref()) {
            self.sent = here;
            self.sent_at = Instant::now();
        }
    }

    /// Brings in what others did since the last look; true if the screen must change.
    ///
    /// Most commits other workspaces make are heartbeats, which change nothing but their
    /// row's time: such a look costs a few indexed reads (the log's and imports' newest
    /// numbers, the sessions) and draws nothing unless who is in, or where, changed.
    pub(super) fn poll(&mut self, effects: &mut Effects, who: &Reviewer, app: &mut App) -> bool {
        self.polled = Instant::now();
        // The file first: one swapped under us is said at once, and written to no more.
        let swapped = effects.watch(app);
        self.present(effects, app);
        let store = effects.store();
        let Ok(version) = store.data_version() else {
            return swapped;
        };
        let committed = version != self.data_version;
        let mut changed = swapped;
        if committed {
            self.data_version = version;
            changed |= self.bring_in_work(effects, who, app);
            changed |= self.bring_in_stages(effects, who, app);
            // Requests for more: another reviewer's, or closed by an import.
            changed |= super::effects::load_requests(effects.store(), app);
            changed |= self.bring_in_scoring(effects, who, app);
            changed |= self.bring_in_verified(effects, who, app);
            // The summary's 按人 view, if it is up and anything it counts changed.
            effects.refresh_people(app);
        }
        if committed || self.others_read.elapsed() >= Self::OTHERS_EVERY {
            changed |= self.look_at_others(effects, app);
        }
        changed
    }

    /// Others' imports, reviews and notes since the last look; true if any.
    fn bring_in_work(&mut self, effects: &mut Effects, who: &Reviewer, app: &mut App) -> bool {
        let store = effects.store();
        let mut changed = false;
        if let Ok(import) = store.last_import() {
            if import != self.last_import {
                self.last_import = import;
                changed = true;
                app.forget_cached();
                // New figures and evidence: the scores read them again.
                app.facts_changed();
                match store.changed_since_review() {
                    Ok(stale) => app.set_stale_items(&stale),
                    Err(e) => app.read_failed(crate::store::said_once(&e)),
                }
            }
        }
        if let Ok(owners) = store.last_owner_change() {
            if owners != self.last_owners {
                self.last_owners = owners;
                changed = true;
                match store.owners() {
                    Ok(owners) => app.set_owners(&owners),
                    Err(e) => app.read_failed(crate::store::said_once(&e)),
                }
            }
        }
        if store.last_event().is_ok_and(|last| last == self.last_event) {
            return changed;
        }
        let filter = LogFilter {
            after: self.last_event,
            ..Default::default()
        };
        if let Ok(events) = store.log_where(&filter) {
            for e in &events {
                changed = true;
                self.last_event = self.last_event.max(e.seq);
                // My own changes are on screen already (in this or another of my sessions,
                // they show without a message).
                let me = e.reviewer == who.name && e.account == who.account;
                if let Ok(item) = store.item(&e.county_code, &e.indicator) {
                    if me {
                        app.refresh_item(&e.county_code, &e.indicator, item);
                    } else {
                        app.changed_by_other(e, item);
                    }
                }
            }
        }
        changed
    }

    /// Second reviews and locks since the last look (a lock shows at once: the next write it
    /// covers is refused without a restart); true if any.
    fn bring_in_stages(&mut self, effects: &mut Effects, who: &Reviewer, app: &mut App) -> bool {
        let store = effects.store();
        let mut changed = false;
        if let Ok(last) = store.last_lock_event() {
            if last != self.last_lock {
                let by_me = store
                    .lock_log()
                    .ok()
                    .and_then(|log| log.last().cloned())
                    .is_some_and(|e| e.by == who.name && e.account == who.account);
                match store.locks() {
                    Ok(locks) => {
                        self.last_lock = last;
                        app.locks_changed(locks, by_me);
                        changed = true;
                    }
                    Err(e) => app.read_failed(crate::store::said_once(&e)),
                }
            }
        }
        if store
            .last_check_event()
            .is_ok_and(|last| last != self.last_check)
        {
            if let Ok(events) = store.check_log_after(self.last_check) {
                for e in &events {
                    self.last_check = self.last_check.max(e.seq);
                    let me = e.checker == who.name && e.account == who.account;
                    if let Ok(state) = store.check_state(&e.county_code, &e.indicator) {
                        app.check_arrived(e, state, me);
                        changed = true;
                    }
                }
            }
        }
        changed
    }

    /// Findings and the scoring applied anew since the last look (issue 17): a finding shows
    /// on its item and in the scores; new rules, points or grades score everything again,
    /// without a restart. True if any.
    fn bring_in_scoring(&mut self, effects: &mut Effects, who: &Reviewer, app: &mut App) -> bool {
        let store = effects.store();
        let mut changed = false;
        if let Ok(last) = store.last_scoring_change() {
            if last != self.last_scoring {
                let read = store
                    .catalog()
                    .and_then(|c| Ok((c, store.scoring_log_after(self.last_scoring)?)));
                match read {
                    Ok((catalog, events)) => {
                        self.last_scoring = last;
                        let (by, file) = events
                            .last()
                            .map(|e| (e.by.clone(), e.file.clone()))
                            .unwrap_or_default();
                        app.scoring_changed(&catalog, &by, &file);
                        changed = true;
                    }
                    Err(e) => app.read_failed(crate::store::said_once(&e)),
                }
            }
        }
        if store
            .last_finding_event()
            .is_ok_and(|last| last != self.last_finding)
        {
            if let Ok(events) = store.finding_log_after(self.last_finding) {
                for e in &events {
                    self.last_finding = self.last_finding.max(e.seq);
                    let me = e.by == who.name && e.account == who.account;
                    if let Ok(item) = store.item(&e.county_code, &e.indicator) {
                        if me {
                            app.refresh_item(&e.county_code, &e.indicator, item);
                        } else {
                            app.finding_by_other(e, item);
                        }
                        changed = true;
                    }
                }
            }
        }
        changed
    }

    /// Verified figures (核定值) recorded or cleared since the last look; true if any.
    fn bring_in_verified(&mut self, effects: &mut Effects, who: &Reviewer, app: &mut App) -> bool {
        let store = effects.store();
        if store
            .last_verified_event()
            .is_ok_and(|last| last == self.last_verified)
        {
            return false;
        }
        let mut changed = false;
        if let Ok(events) = store.verified_log_after(self.last_verified) {
            for e in &events {
                self.last_verified = self.last_verified.max(e.seq);
                let me = e.verifier == who.name && e.account == who.account;
                if let Ok(item) = store.item(&e.county_code, &e.indicator) {
                    app.verified_arrived(e, item, me);
                    changed = true;
                }
            }
        }
        changed
    }

    /// Who else is in, and where; true if that changed since the last look.
    fn look_at_others(&mut self, effects: &mut Effects, app: &mut App) -> bool {
        self.others_read = Instant::now();
        match effects.store().others(&self.session) {
            Ok(others) if others != self.others => {
                app.set_others(others.clone());
                self.others = others;
                true
            }
            _ => false,
        }
    }

    pub(super) fn leave(&self, effects: &mut Effects) {
        effects.leave(&self.session);
    }
}
