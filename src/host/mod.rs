//! What kaohe asks of the host it runs on: which OS account is running it, its groups, and
//! whether kaohe runs setgid (the guarded set-up, `privilege`). Everything here is read from the
//! kernel and the account and group databases, never from the environment, because on a shared
//! host the environment is the user's to set and an identity is not.

pub mod account;
pub mod group;
pub mod privilege;

pub use account::Account;
pub use group::Group;
