use crate::components::ui::EmptyState;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;

/// An address the app does not know, outside the app's frame (only when nothing else matched).
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <main class="centered" id="main">
            <div class="card narrow">
                <h1>{move || t().app.not_found_title}</h1>
                <p><a href="/">{move || t().app.not_found_back}</a></p>
            </div>
        </main>
    }
}

/// An address the app does not know, inside the app's frame (navigation stays at hand).
#[component]
pub fn NotFoundInShell() -> impl IntoView {
    let t = use_i18n();
    view! {
        <section class="page">
            <header class="page-header"><h1>{move || t().app.not_found_title}</h1></header>
            <EmptyState text=Signal::derive(move || t().app.not_found_why)>
                <A href="/" attr:class="button primary">{move || t().app.not_found_back}</A>
            </EmptyState>
        </section>
    }
}
