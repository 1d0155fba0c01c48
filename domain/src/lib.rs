//! Veld's shared core. Pure: no I/O, no async runtime, no database, no browser APIs, so that
//! the client (wasm) and the server apply exactly the same rules.
//!
//! Every serde type in [`api`] and [`sync`] crosses the wire; change those deliberately.

pub mod access;
pub mod api;
pub mod automation;
pub mod config;
pub mod criteria;
pub mod duplicates;
pub mod edit;
pub mod email;
pub mod export;
pub mod ids;
pub mod import;
pub mod language;
pub mod merge;
pub mod password;
pub mod phone;
pub mod records;
pub mod schema;
pub mod sync;
pub mod value;

pub use access::{Action, Actor, Grants, Modules, Ownership, Permissions, RecordKind, Scope};
pub use email::Email;
pub use ids::{OfficeId, RoleId, UserId};
pub use language::Language;
pub use phone::Phone;
pub use value::{Date, Money};
