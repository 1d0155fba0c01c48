//! One file per route.

mod activities;
mod admin;
mod automation;
mod companies;
mod contacts;
mod leads;
mod login;
pub(crate) mod maintenance;
mod not_found;
mod opportunities;
mod pending;
mod pipeline;
mod record;
mod roles;
pub(crate) mod wizard;

pub use activities::ActivitiesPage;
pub use admin::AdminPage;
pub use automation::AutomationPage;
pub use companies::CompaniesPage;
pub use contacts::ContactsPage;
pub use leads::LeadsPage;
pub use login::LoginPage;
pub use maintenance::{StagesPage, TablesPage};
pub use not_found::NotFoundPage;
pub use opportunities::OpportunitiesPage;
pub use pending::PendingPage;
pub use pipeline::PipelinePage;
pub use record::{ActivityPage, CompanyPage, ContactPage, JobOrderPage, LeadPage, OpportunityPage};
pub use roles::RolesPage;
