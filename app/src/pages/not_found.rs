use crate::i18n::use_i18n;
use leptos::prelude::*;

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
