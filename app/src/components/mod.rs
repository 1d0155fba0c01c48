//! Reusable view pieces.

pub mod attachments;
pub mod board;
pub mod bulk_bar;
pub mod conflicts;
pub mod contacts_tab;
pub mod context_bar;
pub mod drag;
pub mod general_form;
pub mod history;
pub mod icons;
pub mod linked;
pub mod nav;
pub mod online;
pub mod overview;
pub mod overview_tools;
pub mod page;
pub mod picker;
pub mod record_list;
pub mod recurring;
pub mod related;
pub mod shell;
pub mod status;
