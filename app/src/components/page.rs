//! The common page frame: a heading, an intro line, and the content.

use leptos::prelude::*;

#[component]
pub fn Page(
    #[prop(into)] title: Signal<&'static str>,
    #[prop(into)] intro: Signal<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || title.get()}</h1>
                <p class="intro">{move || intro.get()}</p>
            </header>
            {children()}
        </section>
    }
}
