//! One file per route.

mod activities;
mod companies;
mod contacts;
mod duplicates;
mod home;
mod import;
mod leads;
mod login;
mod not_found;
mod opportunities;
mod pending;
mod pipeline;
mod record;
pub(crate) mod wizard;

pub use activities::ActivitiesPage;
pub use companies::CompaniesPage;
pub use contacts::ContactsPage;
pub use duplicates::DuplicatesPage;
pub use home::HomePage;
pub use import::ImportPage;
pub use leads::LeadsPage;
pub use login::LoginPage;
pub use not_found::{NotFoundInShell, NotFoundPage};
pub use opportunities::OpportunitiesPage;
pub use pending::PendingPage;
pub use pipeline::PipelinePage;
pub use record::{ActivityPage, CompanyPage, ContactPage, JobOrderPage, LeadPage, OpportunityPage};
