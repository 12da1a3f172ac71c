//! The files kaohe reads and writes: the submissions a county sends ([`import`]) and the
//! results the bureau publishes ([`export`]), their columns named once in [`columns`].

pub mod columns;
pub mod export;
pub mod import;
pub mod inert;
