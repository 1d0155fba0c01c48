//! The i18n layer. Every string the user sees is a field of one of [`Strings`]' sub-structs, one
//! per feature (`t.board.moved`, `t.col.title`, `t.common.save`; a string with values is a
//! function whose documented parameters each language names and places where its grammar
//! wants them); each language is one `static` of it (`en.rs`, `nl.rs`, `ro.rs`), so a language
//! missing a string does not compile. Stage and table labels, which administrators edit, come
//! translated from the data instead.

use crate::state::Store;
use leptos::prelude::*;
use veld_domain::Language;
use veld_domain::api::ErrorCode;
use veld_domain::records::limits;
use veld_domain::schema::names;

pub struct Strings {
    // The shell and account
    pub app: AppStrings,
    pub nav: NavStrings,
    pub home: HomeStrings,
    pub status: StatusStrings,
    pub login: LoginStrings,
    pub err: ErrStrings,
    pub common: CommonStrings,
    // Lists, the pipeline and the wizard
    pub list: ListStrings,
    pub col: ColStrings,
    pub tab: TabStrings,
    pub cond: CondStrings,
    pub cmp: CmpStrings,
    pub bulk: BulkStrings,
    pub board: BoardStrings,
    pub wizard: WizardStrings,
    // Record pages
    pub record: RecordStrings,
    pub kind: KindStrings,
    pub linked: LinkedStrings,
    pub attachment: AttachmentStrings,
    pub recurring: RecurringStrings,
    pub merge: MergeStrings,
    pub import: ImportStrings,
    pub history: HistoryStrings,
    pub pending: PendingStrings,
    pub reject: RejectStrings,
    // Administration
    pub admin: AdminStrings,
    pub role: RoleStrings,
    pub auto: AutomationStrings,
    pub ev: EvStrings,
}

/// The application shell: name, update notice, account menu, not-found page.
pub struct AppStrings {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub update_available: &'static str,
    pub update_reload: &'static str,
    pub account_menu: &'static str,
    pub language: &'static str,
    pub logout: &'static str,
    pub loading: &'static str,
    pub not_found_title: &'static str,
    pub not_found_back: &'static str,
    /// Why a page is not there.
    pub not_found_why: &'static str,
}

/// Words many screens use: buttons and answers.
pub struct CommonStrings {
    pub save: &'static str,
    pub cancel: &'static str,
    pub discard: &'static str,
    pub close: &'static str,
    pub open: &'static str,
    pub add: &'static str,
    pub apply: &'static str,
    pub back: &'static str,
    pub copy: &'static str,
    pub delete: &'static str,
    pub next: &'static str,
    pub previous: &'static str,
    pub print: &'static str,
    pub remove: &'static str,
    pub keep: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
}

/// The lists (overview tabs): search, columns, saved views, selection, preview.
pub struct ListStrings {
    pub search: &'static str,
    pub export_csv: &'static str,
    pub export_checked: fn(usize) -> String,
    pub empty_list: &'static str,
    pub offline_list: &'static str,
    pub not_allowed: &'static str,
    pub leads_intro: &'static str,
    pub opportunities_intro: &'static str,
    pub pipeline_intro: &'static str,
    pub companies_intro: &'static str,
    pub contacts_intro: &'static str,
    pub activities_intro: &'static str,
    pub activities_empty: &'static str,
    pub new_lead: &'static str,
    pub new_opportunity: &'static str,
    pub count_records: fn(usize) -> String,
    pub advanced_search: fn(usize) -> String,
    pub add_condition: &'static str,
    pub clear_conditions: &'static str,
    pub columns: &'static str,
    pub saved_views: &'static str,
    pub view_name: &'static str,
    pub save_view: &'static str,
    pub preview: &'static str,
    pub overview_tabs: &'static str,
    pub search_records: &'static str,
    pub search_results: &'static str,
    pub select_all: fn(usize) -> String,
    pub select_row: &'static str,
    pub selected_count: fn(usize) -> String,
    pub selection_nav: &'static str,
}

/// A record's page: saving, sections, links, conversion, groups, deleting.
pub struct RecordStrings {
    /// A lead's or opportunity's summary under its title.
    pub summary: &'static str,
    /// The summary's next open activity, and what it says when there is none.
    pub next_activity: &'static str,
    pub nothing_planned: &'static str,
    /// The summary's main contact, how many others are linked, and its call / e-mail links.
    pub main_contact: &'static str,
    pub more_contacts: fn(usize) -> String,
    pub call: fn(&str) -> String,
    pub mail: fn(&str) -> String,
    /// A step of the stage path: "Move to {stage}".
    pub move_to_stage: fn(&str) -> String,
    pub stage_path: &'static str,
    pub saved_locally: &'static str,
    pub nothing_changed: &'static str,
    pub read_only: &'static str,
    pub edit_not_allowed: &'static str,
    pub record_not_found: &'static str,
    /// How many fields of the form were changed and are not saved yet.
    pub unsaved: fn(usize) -> String,
    /// Why a record may not be on the device, and the way back to its list.
    pub record_not_found_why: &'static str,
    pub back_to: fn(&str) -> String,
    pub sections: &'static str,
    pub change_company: &'static str,
    pub link_company: &'static str,
    pub unlink_company: &'static str,
    pub context_bar: &'static str,
    pub add_existing_contact: &'static str,
    pub blocked: &'static str,
    pub changes_title: &'static str,
    pub confirm_delete: fn(usize) -> String,
    pub convert: &'static str,
    pub converted_to: &'static str,
    pub no_company: &'static str,
    pub no_contact: &'static str,
    pub no_contacts: &'static str,
    pub open_lead: &'static str,
    pub open_opportunity: &'static str,
    pub unknown_record: &'static str,
    pub confirm_delete_one: fn(&str) -> String,
    pub remove_from_lead: &'static str,
    pub remove_from_opportunity: &'static str,
    pub related_to: &'static str,
    pub add_to_group: &'static str,
    pub remove_from_group: &'static str,
}

/// What is linked to a lead or opportunity: activities, job orders, placements.
pub struct LinkedStrings {
    /// The buttons above a record's activities that start a logged call, a note or a task.
    pub quick_log: &'static str,
    pub log_call: &'static str,
    pub add_note: &'static str,
    pub add_task: &'static str,
    /// The new activity happened already (a call made, a note taken).
    pub done_already: &'static str,
    pub job_order_title: &'static str,
    pub activity_task: &'static str,
    pub activity_call: &'static str,
    pub activity_appointment: &'static str,
    pub activity_email: &'static str,
    pub activity_note: &'static str,
    pub due: &'static str,
    pub mark_done: &'static str,
    pub new_activity: &'static str,
    pub job_orders: &'static str,
    pub job_order: &'static str,
    pub no_job_orders: &'static str,
    pub new_job_order: &'static str,
    pub add_existing_job_order: &'static str,
    pub find_job_order: &'static str,
    pub linked_elsewhere: &'static str,
    pub unlink: &'static str,
    pub placements: &'static str,
    pub no_placements: &'static str,
    pub new_placement: &'static str,
}

/// Automation: trigger rules, processes and their runs.
pub struct AutomationStrings {
    pub automation_intro: &'static str,
    pub rules_title: &'static str,
    pub processes_title: &'static str,
    pub runs_title: &'static str,
    pub run_scheduled: &'static str,
    pub run_manual: &'static str,
    pub no_activity_for: fn(u32) -> String,
    pub new_rule: &'static str,
    pub no_rules: &'static str,
    pub no_processes: &'static str,
    pub new_process: &'static str,
    pub event: &'static str,
    pub days: &'static str,
    pub conditions: &'static str,
    pub condition: &'static str,
    pub actions: &'static str,
    pub action: &'static str,
    pub add_action: &'static str,
    pub act_set_stage: &'static str,
    pub act_create_task: &'static str,
    pub act_set_owner: &'static str,
    pub task_for_owner: &'static str,
    pub due_in_days: &'static str,
    pub assignee: &'static str,
    pub process_type: &'static str,
    pub proc_close_inactive: &'static str,
    pub proc_refresh_leads: &'static str,
    pub every_hours: &'static str,
    pub run_now: &'static str,
    pub run_done: fn(usize) -> String,
    pub needs_connection: &'static str,
    pub rule_value: &'static str,
}

/// Navigation.
pub struct NavStrings {
    pub main: &'static str,
    pub home: &'static str,
    pub leads: &'static str,
    pub opportunities: &'static str,
    pub pipeline: &'static str,
    pub companies: &'static str,
    pub contacts: &'static str,
    pub activities: &'static str,
    pub admin: &'static str,
    pub more: &'static str,
    pub close: &'static str,
}

/// Home, the first screen.
pub struct HomeStrings {
    /// (hour of the day 0–23, first name)
    pub greeting: fn(u32, &str) -> String,
    pub my_open: &'static str,
    pub to_pipeline: &'static str,
    pub deals: fn(usize) -> String,
    pub due: &'static str,
    /// (due today or earlier, of which overdue)
    pub due_count: fn(usize, usize) -> String,
    pub all_activities: &'static str,
    pub new_leads: &'static str,
    pub leads_count: fn(usize) -> String,
    pub all_leads: &'static str,
    pub sync: &'static str,
    pub pending_link: &'static str,
    pub nothing_waiting: &'static str,
    pub online_hint: &'static str,
}

/// The connection and sync status.
pub struct StatusStrings {
    pub online: &'static str,
    pub offline: &'static str,
    pub unreachable: &'static str,
    pub saved: &'static str,
    pub syncing: &'static str,
    pub sync_failed: &'static str,
    pub pending: fn(usize) -> String,
    pub offline_hint: &'static str,
    pub never_synced: &'static str,
    /// (received, total)
    pub download_progress: fn(u64, u64) -> String,
    pub download_label: &'static str,
}

/// Signing in.
pub struct LoginStrings {
    pub title: &'static str,
    pub intro: &'static str,
    pub submit: &'static str,
    pub busy: &'static str,
    pub email: &'static str,
    pub password: &'static str,
}

/// What is wrong, next to a field or in a notice.
pub struct ErrStrings {
    pub email_empty: &'static str,
    pub email_malformed: &'static str,
    pub password_empty: &'static str,
    pub credentials: &'static str,
    pub rate_limited: &'static str,
    pub network: &'static str,
    pub server: &'static str,
    /// Too much at once (a 503): come back in a moment.
    pub busy: &'static str,
    pub required: &'static str,
    pub whole_number: &'static str,
    pub storage: &'static str,
    pub view_name: &'static str,
    pub code_and_name: &'static str,
    pub code_taken: &'static str,
    pub already_converted: &'static str,
    pub contact_blocked: &'static str,
    pub email_or_phone: &'static str,
    pub fixed_role: &'static str,
    pub no_stages: &'static str,
    pub percent: &'static str,
    pub phone: &'static str,
    pub stage_not_allowed: &'static str,
    pub convert_by_hand: &'static str,
    pub bad_number: &'static str,
    pub link_missing: &'static str,
    pub linked_elsewhere: &'static str,
    pub bad_config: &'static str,
    pub too_large: &'static str,
    pub bad_date: &'static str,
    pub bad_value: &'static str,
    pub choose_file: &'static str,
    pub file_too_large: fn(&str, &str) -> String,
    /// (levels)
    pub too_deep: fn(usize) -> String,
    /// (kilobytes)
    pub field_too_large: fn(usize) -> String,
    /// (kilobytes, fields)
    pub record_too_large: fn(usize, usize) -> String,
}

/// The administrator's area.
pub struct AdminStrings {
    pub intro: &'static str,
    pub users: &'static str,
    pub stages: &'static str,
    pub tables: &'static str,
    pub table: &'static str,
    pub automation: &'static str,
    pub roles: &'static str,
    pub config_for: &'static str,
    pub stages_intro: &'static str,
    pub tables_intro: &'static str,
    pub table_attribute: &'static str,
    pub table_group: &'static str,
    pub table_procedure: &'static str,
    pub table_stage_group: &'static str,
    pub table_criterion: &'static str,
    /// A criterion's editor: several options at once, its options, a new one.
    pub multiple: &'static str,
    pub options: &'static str,
    pub new_option: &'static str,
    pub add_option: &'static str,
    pub new_stage: &'static str,
    pub new_entry: &'static str,
    pub no_stages: &'static str,
    pub no_entries: &'static str,
    pub name_en: &'static str,
    pub outcome_won: &'static str,
    pub outcome_lost: &'static str,
    pub outcome_converted: &'static str,
    pub inactive: &'static str,
    pub active: &'static str,
    pub default_stage: &'static str,
    pub end_stage: &'static str,
    pub default_end_stage: &'static str,
    pub next_stages: &'static str,
    pub previous_stages: &'static str,
    pub fixed: &'static str,
}

/// Pending changes.
pub struct PendingStrings {
    pub title: &'static str,
    pub intro: &'static str,
    pub unsent: fn(usize) -> String,
    pub rejected: fn(usize) -> String,
    pub none: &'static str,
    pub conflicts: &'static str,
    pub sync_now: &'static str,
    pub op_create: &'static str,
    pub op_update: &'static str,
    pub op_delete: &'static str,
    pub conflicts_none: &'static str,
    pub conflicts_clear: &'static str,
    pub conflicts_offline: &'static str,
    pub someone: &'static str,
    /// (field, losing value, who, winning value, who)
    pub conflict_line: fn(&str, &str, &str, &str, &str) -> String,
    pub retry_in: fn(u64) -> String,
}

/// Why the server refused a change.
pub struct RejectStrings {
    pub not_allowed: &'static str,
    pub deleted_elsewhere: &'static str,
    pub not_found: &'static str,
    pub already_exists: &'static str,
    pub malformed: &'static str,
    pub invalid: &'static str,
}

/// A record's history.
pub struct HistoryStrings {
    pub title: &'static str,
    pub by_rule: fn(&str) -> String,
    pub none: &'static str,
    pub offline: &'static str,
    pub unsent: &'static str,
}

/// Column and field names.
pub struct ColStrings {
    pub number: &'static str,
    pub criteria: &'static str,
    pub title: &'static str,
    pub name: &'static str,
    pub stage: &'static str,
    pub source: &'static str,
    pub value: &'static str,
    pub probability: &'static str,
    pub close_date: &'static str,
    pub industry: &'static str,
    pub city: &'static str,
    pub status: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub function: &'static str,
    pub office: &'static str,
    pub role: &'static str,
    pub language: &'static str,
    pub type_of: &'static str,
    pub subject: &'static str,
    pub candidate: &'static str,
    pub start_date: &'static str,
    pub code: &'static str,
    pub order: &'static str,
    pub colour: &'static str,
    pub outcome: &'static str,
    pub instructions: &'static str,
    pub category: &'static str,
    pub company: &'static str,
    pub company_name: &'static str,
    pub completion_date: &'static str,
    pub contacts: &'static str,
    pub first_name: &'static str,
    pub interest: &'static str,
    pub last_name: &'static str,
    pub lost_reason: &'static str,
    pub priority: &'static str,
    pub customer_number: &'static str,
    pub vat_number: &'static str,
    pub website: &'static str,
    pub country: &'static str,
    pub recurs_from: &'static str,
    pub blocked_reason: &'static str,
    pub description: &'static str,
    pub done: &'static str,
    pub body: &'static str,
    pub groups: &'static str,
    pub owner: &'static str,
}

/// The overview's advanced search.
pub struct CondStrings {
    pub stage: &'static str,
    pub criterion: &'static str,
    pub status: &'static str,
    pub type_of: &'static str,
    pub city: &'static str,
    pub source: &'static str,
    pub value_min: &'static str,
    pub value_max: &'static str,
    pub close_before: &'static str,
    pub close_after: &'static str,
    pub company: &'static str,
    pub value: &'static str,
    pub field: &'static str,
}

/// The overview's bulk bar.
pub struct BulkStrings {
    pub actions: &'static str,
    pub deleted: fn(usize, usize) -> String,
    pub done: fn(usize, usize) -> String,
    pub priority: &'static str,
    pub stage: &'static str,
    pub owner: &'static str,
    pub group: &'static str,
    pub probability: &'static str,
    pub close_date: &'static str,
    /// A company's status and its account manager (the owner of a company or contact).
    pub status: &'static str,
    pub account_manager: &'static str,
    /// A criterion's option: chosen on, or taken off, the selected records.
    pub criterion: &'static str,
    pub choose: &'static str,
    pub unchoose: &'static str,
}

/// Record kinds.
pub struct KindStrings {
    pub lead: &'static str,
    pub opportunity: &'static str,
    pub company: &'static str,
    pub contact: &'static str,
    pub job_order: &'static str,
    pub activity: &'static str,
}

/// Tabs.
pub struct TabStrings {
    pub all_leads: &'static str,
    pub all_opportunities: &'static str,
    pub contacts: &'static str,
    pub general: &'static str,
    pub my_leads: &'static str,
    pub my_opportunities: &'static str,
    pub office_leads: &'static str,
    pub office_opportunities: &'static str,
    pub all_companies: &'static str,
    pub my_companies: &'static str,
    pub office_companies: &'static str,
    pub all_contacts: &'static str,
    pub my_contacts: &'static str,
    pub office_contacts: &'static str,
}

/// Quick create (a lead or opportunity, with its company and contact).
pub struct WizardStrings {
    pub company: &'static str,
    pub contact: &'static str,
    pub company_hint: &'static str,
    pub contact_hint: &'static str,
    pub create_company: fn(&str) -> String,
    pub create_contact: fn(&str) -> String,
    pub new_company: &'static str,
    pub new_contact: &'static str,
    pub pick_or_create: &'static str,
    pub copy_from_context: &'static str,
    pub copy_it: &'static str,
    pub create_new_contact: &'static str,
    pub discard_draft: &'static str,
    pub email_or_phone_hint: &'static str,
    pub existing_found: &'static str,
    pub existing_suggest: &'static str,
    pub extend_it: &'static str,
    pub find_company: &'static str,
    pub find_contact: &'static str,
    pub from_context: &'static str,
    pub from_lead: &'static str,
    pub picker_hint: &'static str,
}

/// Attachments.
pub struct AttachmentStrings {
    pub file: &'static str,
    /// The file picker's invitation, with the size limit.
    pub pick_file: fn(&str) -> String,
    pub file_type: &'static str,
    pub size: &'static str,
    pub format: &'static str,
    pub quote: &'static str,
    pub brochure: &'static str,
    pub contract: &'static str,
    pub presentation: &'static str,
    pub other: &'static str,
    pub attachments: &'static str,
    pub add_attachment: &'static str,
    pub no_attachments: &'static str,
    pub upload_waiting: &'static str,
    pub upload_refused: &'static str,
    pub download: &'static str,
    pub file_online_only: &'static str,
}

/// The pipeline board.
pub struct BoardStrings {
    pub lists: &'static str,
    pub filters: &'static str,
    pub scope: &'static str,
    pub all: &'static str,
    pub office: &'static str,
    pub mine: &'static str,
    pub anyone: &'static str,
    pub any: &'static str,
    pub grouped: &'static str,
    pub detailed: &'static str,
    pub move_to: &'static str,
    pub move_label: fn(&str) -> String,
    pub moved: fn(&str, &str) -> String,
    pub refused: fn(&str, &str, &str) -> String,
    pub weighted: &'static str,
    pub next: &'static str,
    /// "12 d" on a card, and what it says in full.
    pub days_short: fn(i64) -> String,
    pub days_in_stage: fn(i64) -> String,
    pub overdue: &'static str,
}

/// The role editor.
pub struct RoleStrings {
    pub admin: &'static str,
    pub modules: &'static str,
    pub users: fn(u32) -> String,
    pub saved: &'static str,
    pub name_refused: &'static str,
    pub modules_refused: &'static str,
    pub admin_refused: &'static str,
    pub roles_intro: &'static str,
    pub action_view: &'static str,
    pub action_create: &'static str,
    pub action_edit: &'static str,
    pub action_delete: &'static str,
    pub scope_none: &'static str,
    pub scope_own: &'static str,
    pub scope_office: &'static str,
    pub scope_all: &'static str,
    pub new_role: &'static str,
    pub roles_offline: &'static str,
}

/// Automation events.
pub struct EvStrings {
    pub created: &'static str,
    pub added_to_group: &'static str,
    pub stage_changed: &'static str,
    pub stage_group_changed: &'static str,
    pub not_modified_for: &'static str,
}

/// How an automation condition compares.
pub struct CmpStrings {
    pub label: &'static str,
    pub is: &'static str,
    pub is_not: &'static str,
    pub contains: &'static str,
    pub is_empty: &'static str,
    pub is_not_empty: &'static str,
    pub at_least: &'static str,
    pub at_most: &'static str,
}

/// Recurring opportunities.
pub struct RecurringStrings {
    pub title: &'static str,
    pub every: &'static str,
    pub count: &'static str,
    pub create: &'static str,
    pub created: fn(usize) -> String,
    pub wait_sync: &'static str,
    pub no_completion: &'static str,
    pub bad_count: &'static str,
}

pub struct MergeStrings {
    pub title: &'static str,
    pub same_email: &'static str,
    pub same_phone: &'static str,
    pub similar_name: &'static str,
    pub compare: &'static str,
    pub compare_label: fn(&str) -> String,
    pub dialog_title: fn(&str) -> String,
    pub intro: &'static str,
    pub this_record: &'static str,
    pub other_record: &'static str,
    pub filled: &'static str,
    pub nothing_differs: &'static str,
    pub merge: &'static str,
    pub merged: fn(&str) -> String,
    pub wait_sync: &'static str,
    pub history_merged: fn(&str) -> String,
    pub history_merged_into: fn(&str) -> String,
    pub maybe_same: fn(&str) -> String,
    pub use_existing: &'static str,
    pub use_existing_label: fn(&str) -> String,
    pub find: &'static str,
    pub list_intro: &'static str,
    pub none: &'static str,
    pub pairs: fn(usize) -> String,
    pub compare_pair: fn(&str, &str) -> String,
}

/// Importing a CSV file.
pub struct ImportStrings {
    pub title: &'static str,
    pub intro: &'static str,
    pub button: &'static str,
    /// (the list's name)
    pub into: fn(&str) -> String,
    pub step_file: &'static str,
    pub choose_file: &'static str,
    pub file_hint: &'static str,
    pub reading: &'static str,
    pub step_map: &'static str,
    /// (file name, rows)
    pub map_hint: fn(&str, u64) -> String,
    pub column: &'static str,
    pub example: &'static str,
    pub field: &'static str,
    pub skip: &'static str,
    pub company_by_name: &'static str,
    pub external_id: &'static str,
    pub check: &'static str,
    pub checking: &'static str,
    pub step_check: &'static str,
    pub created: &'static str,
    pub updated: &'static str,
    pub merged: &'static str,
    pub unchanged: &'static str,
    pub refused: &'static str,
    pub companies: &'static str,
    pub line: &'static str,
    pub outcome: &'static str,
    pub reason: &'static str,
    pub merged_with: fn(u64) -> String,
    pub more_rows: fn(usize) -> String,
    pub report: &'static str,
    pub report_rows: &'static str,
    pub change_mapping: &'static str,
    pub run: fn(u64) -> String,
    pub nothing: &'static str,
    pub progress: &'static str,
    /// (done, total)
    pub progress_text: fn(u64, u64) -> String,
    pub running_hint: &'static str,
    pub done: &'static str,
    pub open_list: &'static str,
    pub another: &'static str,
    pub offline: &'static str,
}

mod en;
mod nl;
mod ro;
pub use en::EN;
pub use nl::NL;
pub use ro::RO;

pub fn strings(lang: Language) -> &'static Strings {
    match lang {
        Language::En => &EN,
        Language::Nl => &NL,
        Language::Ro => &RO,
    }
}

/// The current language's strings, read reactively: `let t = use_i18n(); t().logout`.
pub fn use_i18n() -> impl Fn() -> &'static Strings + Copy + Send + Sync + 'static {
    let store = expect_context::<Store>();
    move || strings(store.language.get())
}

/// A count with its thousands grouped by `separator` (`10,000`, `10.000`).
pub(crate) fn grouped(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// A field's name in the interface language.
pub fn field_label(t: &Strings, field: &str) -> String {
    known_field_label(t, field).map_or_else(|| crate::format::humanize(field), str::to_owned)
}

/// The interface's word for a field, when it has one.
fn known_field_label(t: &Strings, field: &str) -> Option<&'static str> {
    Some(match field {
        names::TITLE => t.col.title,
        names::STAGE => t.col.stage,
        names::SOURCE => t.col.source,
        names::PRIORITY => t.col.priority,
        names::CATEGORY => t.col.category,
        names::INTEREST => t.col.interest,
        names::COMPANY_ID => t.col.company,
        names::CONTACTS => t.col.contacts,
        names::EXPECTED_VALUE | names::EXPECTED_REVENUE => t.col.value,
        names::PROBABILITY => t.col.probability,
        names::EXPECTED_CLOSE_DATE => t.col.close_date,
        names::COMPLETION_DATE => t.col.completion_date,
        names::LOST_REASON => t.col.lost_reason,
        names::NUMBER => t.col.number,
        names::LEAD_ID => t.kind.lead,
        names::OPPORTUNITY_ID => t.kind.opportunity,
        names::CONTACT_ID => t.kind.contact,
        names::JOB_ORDER_ID => t.linked.job_order,
        names::OWNER_ID => t.col.owner,
        names::GROUPS => t.col.groups,
        names::NAME => t.col.name,
        names::FIRST_NAME => t.col.first_name,
        names::LAST_NAME => t.col.last_name,
        names::EMAIL => t.col.email,
        names::PHONE => t.col.phone,
        names::FUNCTION => t.col.function,
        names::BLOCKED => t.record.blocked,
        names::BLOCKED_REASON => t.col.blocked_reason,
        names::SUBJECT => t.col.subject,
        names::TYPE => t.col.type_of,
        names::DUE_DATE => t.linked.due,
        names::DONE => t.col.done,
        names::BODY => t.col.body,
        names::DESCRIPTION => t.col.description,
        names::STATUS => t.col.status,
        names::CUSTOMER_NUMBER => t.col.customer_number,
        names::VAT_NUMBER => t.col.vat_number,
        names::EXTERNAL_ID => t.import.external_id,
        names::INDUSTRY => t.col.industry,
        names::CITY => t.col.city,
        names::WEBSITE => t.col.website,
        names::CANDIDATE => t.col.candidate,
        names::START_DATE => t.col.start_date,
        names::COUNTRY => t.col.country,
        names::RECURS_FROM => t.col.recurs_from,
        names::SIZE => t.attachment.size,
        names::CONTENT_TYPE => t.attachment.format,
        _ => return None,
    })
}

/// A record kind's name in the interface language.
pub fn kind_label(t: &Strings, kind: veld_domain::RecordKind) -> String {
    use veld_domain::RecordKind as K;
    match kind {
        K::Lead => t.kind.lead,
        K::Opportunity => t.kind.opportunity,
        K::Company => t.kind.company,
        K::Contact => t.kind.contact,
        K::JobOrder => t.kind.job_order,
        K::Activity => t.kind.activity,
        other => return crate::format::humanize(other.as_str()),
    }
    .to_owned()
}

/// The user's words for a rule the domain says is broken.
pub fn invalid_text(t: &Strings, e: &veld_domain::records::Invalid) -> String {
    match e.code {
        veld_domain::records::InvalidCode::Required => t.err.required.to_owned(),
        veld_domain::records::InvalidCode::EmailOrPhoneRequired => t.err.email_or_phone.to_owned(),
        veld_domain::records::InvalidCode::BadEmail => t.err.email_malformed.to_owned(),
        veld_domain::records::InvalidCode::BadPhone => t.err.phone.to_owned(),
        veld_domain::records::InvalidCode::StageNotAllowed => t.err.stage_not_allowed.to_owned(),
        veld_domain::records::InvalidCode::ConvertByHand => t.err.convert_by_hand.to_owned(),
        veld_domain::records::InvalidCode::ContactBlocked => format!("{} ({})", t.err.contact_blocked, e.message),
        veld_domain::records::InvalidCode::AlreadyConverted => t.err.already_converted.to_owned(),
        veld_domain::records::InvalidCode::FixedRole => t.err.fixed_role.to_owned(),
        veld_domain::records::InvalidCode::BadNumber => t.err.bad_number.to_owned(),
        veld_domain::records::InvalidCode::NotFound => t.err.link_missing.to_owned(),
        veld_domain::records::InvalidCode::LinkedElsewhere => t.err.linked_elsewhere.to_owned(),
        veld_domain::records::InvalidCode::BadConfig => t.err.bad_config.to_owned(),
        veld_domain::records::InvalidCode::TooLarge => t.err.too_large.to_owned(),
        veld_domain::records::InvalidCode::BadDate => t.err.bad_date.to_owned(),
        veld_domain::records::InvalidCode::BadValue => t.err.bad_value.to_owned(),
        veld_domain::records::InvalidCode::NotAllowed => t.list.not_allowed.to_owned(),
        veld_domain::records::InvalidCode::TooDeep => (t.err.too_deep)(limits::MAX_DEPTH),
        veld_domain::records::InvalidCode::FieldTooLarge => (t.err.field_too_large)(limits::MAX_FIELD_BYTES / 1024),
        veld_domain::records::InvalidCode::RecordTooLarge => {
            (t.err.record_too_large)(limits::MAX_RECORD_BYTES / 1024, limits::MAX_RECORD_FIELDS)
        }
    }
}

/// The translated text for an API error code.
pub fn error_text(t: &Strings, code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::InvalidCredentials => t.err.credentials,
        ErrorCode::RateLimited => t.err.rate_limited,
        ErrorCode::Forbidden => t.list.not_allowed,
        ErrorCode::Unavailable => t.err.busy,
        ErrorCode::Internal => t.err.server,
        _ => t.err.server,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_page_drawn_before_the_app_runs_says_what_the_app_says() {
        // index.html draws the login page in each language before the wasm arrives.
        let html = include_str!("../../../index.html");
        for lang in Language::ALL {
            let t = strings(lang);
            let words = [
                t.app.tagline,
                t.login.title,
                t.login.intro,
                t.login.email,
                t.login.password,
                t.login.submit,
                t.app.language,
            ];
            let quoted: Vec<String> = words.iter().map(|w| serde_json::to_string(w).unwrap()).collect();
            let prefix = format!("{}: [", lang.code());
            let line =
                html.lines().map(str::trim).find(|l| l.starts_with(&prefix)).expect("a line of texts per language");
            assert_eq!(line.trim_end_matches(','), format!("{prefix}{}]", quoted.join(", ")), "{lang:?}");
            assert!(html.contains(&format!("{}: \"{}\"", lang.code(), lang.native_name())), "{lang:?}");
        }
    }

    #[test]
    fn every_rule_and_every_form_field_has_words_in_every_language() {
        use veld_domain::records::{Invalid, InvalidCode};
        let codes = [
            InvalidCode::Required,
            InvalidCode::EmailOrPhoneRequired,
            InvalidCode::BadEmail,
            InvalidCode::BadPhone,
            InvalidCode::BadNumber,
            InvalidCode::StageNotAllowed,
            InvalidCode::NotFound,
            InvalidCode::AlreadyConverted,
            InvalidCode::LinkedElsewhere,
            InvalidCode::FixedRole,
            InvalidCode::BadConfig,
            InvalidCode::TooLarge,
            InvalidCode::ConvertByHand,
            InvalidCode::TooDeep,
            InvalidCode::FieldTooLarge,
            InvalidCode::RecordTooLarge,
            InvalidCode::BadDate,
            InvalidCode::BadValue,
            InvalidCode::NotAllowed,
        ];
        for lang in [Language::Nl, Language::Ro] {
            let t = strings(lang);
            for code in codes {
                let e = Invalid { field: "x".into(), code, message: "the server's English".into() };
                assert!(!invalid_text(t, &e).contains("the server's English"), "{lang:?} {code:?}");
            }
            // Every field a form or a link shows has a label, not its code made readable.
            for kind in veld_domain::RecordKind::ALL {
                for f in veld_domain::schema::fields(kind) {
                    let shown = f.form || matches!(f.ty, veld_domain::schema::FieldType::Link(_));
                    assert!(!shown || known_field_label(t, f.name).is_some(), "{lang:?} {kind:?}.{}", f.name);
                }
            }
        }
    }

    #[test]
    fn a_busy_server_is_told_apart_from_a_failing_one() {
        for lang in Language::ALL {
            let t = strings(lang);
            assert_ne!(error_text(t, ErrorCode::Unavailable), error_text(t, ErrorCode::Internal), "{lang:?}");
            assert_eq!(error_text(t, ErrorCode::Unavailable), t.err.busy);
        }
    }

    #[test]
    fn every_language_has_its_own_texts() {
        // The struct makes every string present; this guards against copy-paste left untranslated.
        let (en, nl) = (strings(Language::En), strings(Language::Nl));
        assert_ne!(en.app.logout, nl.app.logout);
        assert_ne!(en.login.title, nl.login.title);
        assert_eq!((en.list.count_records)(1), "1 record");
        assert_eq!((en.list.count_records)(3), "3 records");
        assert!((nl.pending.retry_in)(61).contains('2'));
        let ro = strings(Language::Ro);
        assert_ne!(ro.app.logout, en.app.logout);
        assert_ne!(ro.common.save, nl.common.save);
        assert_eq!((ro.list.count_records)(1), "1 înregistrare");
        assert_eq!((ro.list.count_records)(3), "3 înregistrări");
        assert_eq!((ro.list.count_records)(20), "20 de înregistrări");
        assert_eq!((ro.list.count_records)(101), "101 înregistrări");
    }
}
