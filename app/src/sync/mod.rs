//! The only code that does HTTP: the typed API client (and, later, the sync engine).

pub mod api;
