//! The logged-in frame around every page: header, navigation, status, update prompt.
//! Without an identity (online or cached) it sends the user to the login page.

use crate::components::icons::{self, Icon};
use crate::components::nav::{BottomNav, SideNav, close_on_escape};
use crate::components::status::{DownloadProgress, SyncStatus};
use crate::i18n::use_i18n;
use crate::state::{Connection, Store};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use veld_domain::Language;

#[component]
pub fn Shell() -> impl IntoView {
    let store = expect_context::<Store>();
    let t = use_i18n();
    // A new page (not the first): the focus goes to its first control, not back to <body>.
    let location = leptos_router::hooks::use_location();
    Effect::new(move |before: Option<String>| {
        let path = location.pathname.get();
        if before.is_some_and(|b| b != path) {
            crate::components::ui::focus_view();
        }
        path
    });
    view! {
        <Show
            when=move || store.me.with(Option::is_some)
            fallback=move || {
                view! {
                    <Show when=move || !store.checking_session.get() fallback=|| view! {
                        // (As index.html's, so nothing moves while the session is checked.)
                        <div class="boot" aria-busy="true"><img src="/icons/icon.svg" alt="" width="56" height="56"/></div>
                    }>
                        <Redirect path="/login"/>
                    </Show>
                }
            }
        >
            <a class="skip-link" href="#main">{move || t().app.skip_to_content}</a>
            <div class="layout">
                <header class="topbar">
                    <a class="brand" href="/">
                        <img src="/icons/icon.svg" alt="" width="28" height="28"/>
                        <span>{move || t().app.app_name}</span>
                    </a>
                    <SyncStatus/>
                    <AccountMenu/>
                </header>
                <SideNav/>
                <main id="main" tabindex="-1">
                    <UpdatePrompt/>
                    <DownloadProgress/>
                    <Show when=move || store.connection.get() == Connection::Offline>
                        <p class="banner offline-banner">{move || t().status.offline_hint}</p>
                    </Show>
                    <crate::components::context_bar::ContextBar/>
                    <Outlet/>
                </main>
                <BottomNav/>
            </div>
        </Show>
    }
}

/// "A new version is available — Reload", once a new build's service worker is waiting.
#[component]
fn UpdatePrompt() -> impl IntoView {
    let store = expect_context::<Store>();
    let t = use_i18n();
    view! {
        <Show when=move || store.update_available.get()>
            <div class="banner update-banner" role="alert">
                <span>{move || t().app.update_available}</span>
                <button type="button" class="button primary" on:click=|_| crate::pwa::apply_update()>
                    {move || t().app.update_reload}
                </button>
            </div>
        </Show>
    }
}

/// The user's name, language choice and logout.
#[component]
fn AccountMenu() -> impl IntoView {
    let store = expect_context::<Store>();
    let t = use_i18n();
    let open = RwSignal::new(false);
    let name = move || store.me.with(|me| me.as_ref().map(|m| m.user.name.clone()).unwrap_or_default());
    let initials = move || crate::components::ui::initials(&name());
    let detail = move || {
        store.me.with(|me| me.as_ref().map(|m| format!("{} · {}", m.role.name, m.office.name)).unwrap_or_default())
    };
    view! {
        <div class="account" on:keydown=close_on_escape(open)>
            <button
                type="button"
                class="account-button"
                aria-expanded=move || open.get().to_string()
                aria-controls="account-panel"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="avatar" aria-hidden="true">{initials}</span>
                <span class="account-name">{name}</span>
                <span class="visually-hidden">{move || format!(" – {}", t().app.account_menu)}</span>
            </button>
            <Show when=move || open.get()>
                <div class="account-panel" id="account-panel">
                    <p class="account-detail"><strong>{name}</strong><br/>{detail}</p>
                    <A href="/pending" on:click=move |_| open.set(false)>
                        {move || format!("{} ({})", t().pending.title, store.pending_changes() + store.rejected.with(Vec::len))}
                    </A>
                    <LanguagePicker/>
                    <button type="button" class="button" on:click=move |_| store.logout()>
                        <Icon d=icons::LOGOUT/>
                        {move || t().app.logout}
                    </button>
                </div>
            </Show>
        </div>
    }
}

/// A labelled language select; used on the login page and in the account menu.
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let store = expect_context::<Store>();
    let t = use_i18n();
    view! {
        <label class="field inline">
            <span>{move || t().app.language}</span>
            <select on:change=move |ev| {
                if let Ok(lang) = event_target_value(&ev).parse::<Language>() {
                    store.set_language(lang);
                }
            }>
                {Language::ALL
                    .into_iter()
                    .map(|lang| {
                        view! {
                            <option value=lang.code() selected=move || store.language.get() == lang>
                                {lang.native_name()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
