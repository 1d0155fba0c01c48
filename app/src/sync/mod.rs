//! The only code that does HTTP: the typed API client and the sync engine.

pub mod api;
pub mod engine;
