//! Reusable view pieces.

pub mod conflicts;
pub mod icons;
pub mod nav;
pub mod page;
pub mod record_list;
pub mod shell;
pub mod status;
