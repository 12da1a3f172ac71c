//! Other reviewers, seen live: their commits (SQLite's `data_version` moves), the log events
//! they added, new imports, and where they are (the `sessions` table).
//!
//! Everything here reads; this session's own presence is written through the effects.

use super::app::App;
use super::effects::Effects;
use crate::store::{LogFilter, Presence, Reviewer};
use anyhow::Result;
use std::time::{Duration, Instant};

/// What this session has seen of the others, and when it last looked.
pub(super) struct Live {
    /// How often an idle workspace looks (`KAOHE_POLL_MS`, default 500 ms).
    every: Duration,
    session: String,
    data_version: i64,
    last_event: i64,
    last_import: i64,
    sent: Option<Presence>,
    sent_at: Instant,
    polled: Instant,
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
    /// Presence is refreshed at least this often; a minute without marks a session gone.
    const HEARTBEAT: Duration = Duration::from_secs(20);
    /// A new place is written no more often than this.
    const PRESENCE_EVERY: Duration = Duration::from_secs(1);

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
            sent: None,
            sent_at: Instant::now(),
            polled: Instant::now(),
        };
        live.present(effects, app);
        if let Ok(others) = effects.store().others(&live.session) {
            app.set_others(others);
        }
        Ok(live)
    }

    pub(super) fn present(&mut self, effects: &mut Effects, app: &App) {
        let here = app.presence();
        // A move is told at most once a second (a write with its fsync on every keystroke would
        // cost each key a few milliseconds); the idle look writes the last place soon after.
        let since = self.sent_at.elapsed();
        let moved = here != self.sent && since >= Self::PRESENCE_EVERY;
        if (moved || since >= Self::HEARTBEAT) && effects.present(&self.session, here.as_ref()) {
            self.sent = here;
            self.sent_at = Instant::now();
        }
    }

    /// Brings in what others did since the last look; true if the screen must change.
    pub(super) fn poll(&mut self, effects: &mut Effects, who: &Reviewer, app: &mut App) -> bool {
        self.polled = Instant::now();
        self.present(effects, app);
        let store = effects.store();
        let Ok(version) = store.data_version() else {
            return false;
        };
        if version == self.data_version {
            return false;
        }
        self.data_version = version;
        if let Ok(import) = store.last_import() {
            if import != self.last_import {
                self.last_import = import;
                app.forget_cached();
                match store.changed_since_review() {
                    Ok(stale) => app.set_stale_items(&stale),
                    Err(e) => app.read_failed(format!("{e:#}")),
                }
            }
        }
        let filter = LogFilter {
            after: self.last_event,
            ..Default::default()
        };
        if let Ok(events) = store.log_where(&filter) {
            for e in &events {
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
        if let Ok(others) = store.others(&self.session) {
            app.set_others(others);
        }
        true
    }

    pub(super) fn leave(&self, effects: &mut Effects) {
        effects.leave(&self.session);
    }
}
