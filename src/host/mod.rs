//! What kaohe asks of the host it runs on: which OS account is running it, and its groups.
//! Everything here is read from the kernel and the account and group databases, never from the
//! environment, because on a shared host the environment is the user's to set and an identity
//! is not.

pub mod account;
pub mod group;

pub use account::Account;
pub use group::Group;
