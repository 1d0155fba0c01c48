//! Veld's browser app: a Leptos client-side-rendered PWA. See ARCHITECTURE.md for the map.

pub mod admin;
pub mod board;
pub mod components;
pub mod format;
pub mod i18n;
pub mod overview;
pub mod pages;
pub mod perf;
pub mod pwa;
pub mod routes;
pub mod state;
pub mod storage;
pub mod sync;

use components::shell::Shell;
use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, path};
use pages::{LeadsPage, LoginPage, NotFoundInShell, NotFoundPage, OpportunitiesPage};
use routes::*;

/// Mounts the app on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    perf::mark("veld:app:start");
    // index.html shows a logo until the app is ready; the app replaces it.
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(App);
}

#[component]
pub fn App() -> impl IntoView {
    let store = state::provide_store();
    components::ui::provide_viewport();
    // The overview's current selection, for previous/next on the detail page.
    provide_context(RwSignal::new(overview::Selection::default()));
    store.watch_environment();
    // With a cached identity, confirm it; without one, ask whether a session exists — except
    // on the login page itself, where the answer would only be "no" (and a console error).
    let on_login = window().location().pathname().is_ok_and(|p| p == "/login");
    if store.me.get_untracked().is_some() || !on_login {
        store.refresh_identity();
    }
    if store.me.get_untracked().is_some() {
        sync::engine::start(store);
    }
    // Keep <html lang> in step with the interface language (screen readers, hyphenation).
    Effect::new(move |_| {
        let code = store.language.get().code();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", code);
        }
    });

    view! {
        <Router>
            <Routes fallback=|| view! { <NotFoundPage/> }>
                <Route path=path!("/login") view=LoginPage/>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view={Lazy::<HomeRoute>::new()}/>
                    <ParentRoute path=path!("leads") view=Outlet>
                        <Route path=path!("") view=LeadsPage/>
                        <Route path=path!(":id") view={Lazy::<LeadRoute>::new()}/>
                    </ParentRoute>
                    <ParentRoute path=path!("opportunities") view=Outlet>
                        <Route path=path!("") view=OpportunitiesPage/>
                        <Route path=path!(":id") view={Lazy::<OpportunityRoute>::new()}/>
                    </ParentRoute>
                    <Route path=path!("pipeline") view={Lazy::<PipelineRoute>::new()}/>
                    <ParentRoute path=path!("companies") view=Outlet>
                        <Route path=path!("") view={Lazy::<CompaniesRoute>::new()}/>
                        <Route path=path!(":id") view={Lazy::<CompanyRoute>::new()}/>
                    </ParentRoute>
                    <ParentRoute path=path!("contacts") view=Outlet>
                        <Route path=path!("") view={Lazy::<ContactsRoute>::new()}/>
                        <Route path=path!(":id") view={Lazy::<ContactRoute>::new()}/>
                    </ParentRoute>
                    <Route path=path!("import/:kind") view={Lazy::<ImportRoute>::new()}/>
                    <Route path=path!("duplicates/:kind") view={Lazy::<DuplicatesRoute>::new()}/>
                    <Route path=path!("job-orders/:id") view={Lazy::<JobOrderRoute>::new()}/>
                    <ParentRoute path=path!("activities") view=Outlet>
                        <Route path=path!("") view={Lazy::<ActivitiesRoute>::new()}/>
                        <Route path=path!(":id") view={Lazy::<ActivityRoute>::new()}/>
                    </ParentRoute>
                    <ParentRoute path=path!("admin") view=Outlet>
                        <Route path=path!("") view={Lazy::<AdminRoute>::new()}/>
                        <Route path=path!("stages") view={Lazy::<StagesRoute>::new()}/>
                        <Route path=path!("tables") view={Lazy::<TablesRoute>::new()}/>
                        <Route path=path!("automation") view={Lazy::<AutomationRoute>::new()}/>
                        <Route path=path!("roles") view={Lazy::<RolesRoute>::new()}/>
                    </ParentRoute>
                    <Route path=path!("pending") view={Lazy::<PendingRoute>::new()}/>
                    // Last: any other address inside the app's frame.
                    <Route path=path!("*any") view=NotFoundInShell/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
