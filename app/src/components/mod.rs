//! Reusable view pieces.

pub mod attachments;
pub mod conflicts;
pub mod contacts_tab;
pub mod context_bar;
pub mod criteria;
pub mod duplicates;
pub mod general_form;
pub mod history;
pub mod icons;
pub mod linked;
pub mod list_links;
pub mod nav;
pub mod new_contact;
pub mod online;
pub mod page;
pub mod picker;
pub mod recurring;
pub mod related;
pub mod shell;
pub mod stage_bar;
pub mod status;
pub mod ui;
