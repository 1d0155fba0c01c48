//! The lazy routes: pages whose code is not in the first download. The build splits each into
//! a chunk of its own (`#[lazy_route]`; the split step is in tools/wasm-bindgen, the chunks are
//! placed and precached by tools/post-build.sh) that is fetched the first time the page opens,
//! and is on the device (the service worker's cache) from then on, offline too.
//!
//! The first screens stay in the main module: login, the frame (shell), and the leads and
//! opportunities lists (a returning user's first screen, shown before the device's data is read).
//! Home comes in a chunk too: it is shown after a login, when the chunk comes with the download.

use crate::admin::{AdminPage, AutomationPage, RolesPage, StagesPage, TablesPage};
use crate::pages::*;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// A lazy route `$route` showing the page component `$page`.
macro_rules! lazy_page {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        #[doc = concat!("The lazy route of `", stringify!($page), "`.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_page! {
    HomeRoute => HomePage,
    LeadRoute => LeadPage,
    OpportunityRoute => OpportunityPage,
    CompanyRoute => CompanyPage,
    ContactRoute => ContactPage,
    JobOrderRoute => JobOrderPage,
    ActivityRoute => ActivityPage,
    PipelineRoute => PipelinePage,
    CompaniesRoute => CompaniesPage,
    ContactsRoute => ContactsPage,
    ImportRoute => ImportPage,
    DuplicatesRoute => DuplicatesPage,
    ActivitiesRoute => ActivitiesPage,
    PendingRoute => PendingPage,
    AdminRoute => AdminPage,
    StagesRoute => StagesPage,
    TablesRoute => TablesPage,
    AutomationRoute => AutomationPage,
    RolesRoute => RolesPage,
}
