//! The always-visible connection and sync indicator.

use crate::i18n::use_i18n;
use crate::state::{Connection, Store};
use leptos::prelude::*;

#[component]
pub fn SyncStatus() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let label = move || match store.connection.get() {
        Connection::Online => t().status_online,
        Connection::Offline => t().status_offline,
        Connection::Unreachable => t().status_unreachable,
    };
    let class = move || match store.connection.get() {
        Connection::Online => "sync-status online",
        Connection::Offline => "sync-status offline",
        Connection::Unreachable => "sync-status unreachable",
    };
    let detail = move || {
        let pending = store.pending_changes.get();
        if pending == 0 { t().status_saved.to_owned() } else { format!("{pending} ↑") }
    };
    view! {
        <div class=class role="status" aria-live="polite" data-testid="sync-status">
            <span class="dot" aria-hidden="true"></span>
            <span class="label">{label}</span>
            <span class="detail">{detail}</span>
        </div>
    }
}
