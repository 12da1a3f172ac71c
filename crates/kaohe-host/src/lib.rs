//! What kaohe asks of the host it runs on: which OS account is running it and which groups it is
//! in, read from the kernel and the account and group databases — never from the environment,
//! because on a shared host the environment is the user's to set and an identity is not.
//!
//! A crate of its own because both the store (whose messages name a file's owner and group) and
//! the binary need these facts, and the arrows between them go one way.

pub mod account;
pub mod group;
mod lookup;

pub use account::Account;
pub use group::Group;
