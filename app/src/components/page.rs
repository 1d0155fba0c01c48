//! The common page frame: a heading, an intro line, and the content.

use leptos::prelude::*;

#[component]
pub fn Page(
    #[prop(into)] title: Signal<&'static str>,
    #[prop(into)] intro: Signal<&'static str>,
    /// A list page: on a phone its rows come first (the heading is for screen readers; the
    /// bottom bar says where the user is).
    #[prop(optional)]
    list: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="page" class:list-page=list>
            <header class="page-header">
                <h1>{move || title.get()}</h1>
                <p class="intro">{move || intro.get()}</p>
            </header>
            {children()}
        </section>
    }
}
