//! Server integration tests: one binary (fast to link), one module per area. Every test runs
//! against a real SQLite file and, when `DATABASE_URL` names one, a real PostgreSQL database.

mod helpers;

mod accounts;
mod attachments;
mod automation;
mod cli;
mod crash;
mod errors;
mod hardening;
mod imports;
mod instances;
mod leads;
mod merge;
mod records;
mod simulation;
mod static_files;
mod sync;
