//! What kaohe asks of the host it runs on: the OS account and its groups (the `kaohe-host`
//! crate, shared with the store), and whether kaohe runs setgid (the guarded set-up,
//! `privilege`).

pub mod privilege;

pub use kaohe_host::{Account, Group, account, group};
