//! The full-screen review workspace.
//!
//! `run` is the loop (input → actions → App → effects → frame); `effects` is the one place an
//! effect meets the store; `live` shows other reviewers; `terminal` owns the terminal and the
//! signals. The App (`app`) and the screen (`view`) never call the store or draw on the
//! terminal: the App is told what the store answered, and the view draws into a frame.

pub mod action;
pub mod app;
pub mod backend;
pub mod editor;
pub mod graphics;
pub mod keymap;
pub mod strings;
pub mod theme;
pub mod view;

mod effects;
mod input;
mod live;
mod previews;
mod recovery;
mod run;
mod terminal;

pub use effects::fill;
pub use run::run;
pub use terminal::require_terminal;

use crate::store::{Reviewer, Store};
use anyhow::Result;
use app::{App, Workspace};
use strings::{Lang, Strings};
use theme::Theme;

/// How the workspace ended: the process's exit status follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// `q`: exit 0.
    Quit,
    /// A signal (SIGHUP when the SSH connection dropped, SIGTERM …): exit 128 + its number.
    Signal(i32),
}

/// What this account may do on the database, as its registry of reviewers says at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No registry: whoever can open the database marks.
    Open,
    /// An active reviewer of the registry (this uid): asked again before every write, so a
    /// reviewer removed while the workspace is open marks no more.
    Registered(u32),
    /// Not in the registry: looks, changes nothing.
    BrowseOnly,
}

/// The database the workspace is on, as the header and the first screen tell it.
pub struct OnDatabase {
    pub path: std::path::PathBuf,
    /// Its group may read and write it (共享), or only its owner (个人).
    pub shared: bool,
    /// This run has just created it.
    pub created: bool,
    /// Where notes a hang-up could not write (the database locked) are kept for the next start
    /// (`~/.local/share/kaohe/recovery`); `None`: nowhere to keep them.
    pub recovery_dir: Option<std::path::PathBuf>,
}

/// How the reviewer set the workspace up: language, theme, keys, standard notes. Everything
/// here is read and checked before the terminal is touched.
pub struct Settings {
    pub lang: Lang,
    pub theme: Theme,
    pub keymap: keymap::Keymap,
    pub standard_notes: Vec<String>,
    /// How pictures are drawn (the config's `graphics`, told from the environment).
    pub pictures: graphics::Pictures,
    /// How the counties' list moves near its edge (the config's `scroll`).
    pub scroll: app::Scroll,
}

/// A workspace frame as kaohe's backend takes it: drawn, then the columns its wide characters
/// cover made blank, as the terminal shows them ([`backend::blank_covered`]).
pub fn draw_frame(frame: &mut ratatui::Frame, app: &App, theme: &Theme) {
    view::draw(frame, app, theme);
    backend::blank_covered(frame.buffer_mut());
}

/// The App on a store, with the items its first screen shows already read (what the run
/// loop does before every frame; for tests and benchmarks).
pub fn open(store: &mut Store, who: &Reviewer, strings: &'static Strings) -> Result<App> {
    let mut app = App::new(load(store, who)?, strings);
    effects::load_stages(store, Access::Open, &mut app)?;
    let _ = effects::load_requests(store, &mut app);
    fill(store, &mut app);
    Ok(app)
}

/// Loads what the screen needs from the store.
pub fn load(store: &Store, who: &Reviewer) -> Result<Workspace> {
    Ok(Workspace {
        catalog: store.catalog()?,
        counties: store.counties()?,
        reviews: store.review_states(&who.name)?,
        drafts: store.drafts(who)?,
        position: store.position(who)?,
        reviewer: who.name.clone(),
        account: who.account.clone(),
        owners: store.owners()?,
        me: me(store, who)?,
        set_aside: store.set_aside(who)?,
    })
}

/// Who the reviewer is to owners: the registry's entry under their name (its uid and
/// division). `None` without a registry, where every item is everyone's; an account the
/// registry does not hold owns nothing.
pub fn me(store: &Store, who: &Reviewer) -> Result<Option<crate::owners::Me>> {
    if !store.has_registry()? {
        return Ok(None);
    }
    let entry = store.registered_name(&who.name)?;
    Ok(Some(crate::owners::Me {
        uid: entry.as_ref().map(|e| e.uid),
        division: entry.and_then(|e| e.division),
    }))
}
