//! The always-visible connection and sync indicator.

use crate::i18n::use_i18n;
use crate::state::{Connection, Store, SyncPhase};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SyncStatus() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let label = move || match store.connection.get() {
        Connection::Online => t().status.online,
        Connection::Offline => t().status.offline,
        Connection::Unreachable => t().status.unreachable,
    };
    let class = move || match store.connection.get() {
        Connection::Online => "sync-status online",
        Connection::Offline => "sync-status offline",
        Connection::Unreachable => "sync-status unreachable",
    };
    let detail = move || {
        let pending = store.pending_changes();
        match store.sync_phase.get() {
            SyncPhase::Syncing => t().status.syncing.to_owned(),
            SyncPhase::Failed(_) => t().status.sync_failed.to_owned(),
            SyncPhase::Idle if pending > 0 => (t().status.pending)(pending),
            // Nothing has come from the server yet (the first round is about to start, or this
            // device is offline): "all saved" would promise data that is not here.
            SyncPhase::Idle if store.never_synced() => {
                if store.connection.get() == Connection::Online {
                    t().status.syncing.to_owned()
                } else {
                    t().status.never_synced.to_owned()
                }
            }
            SyncPhase::Idle => t().status.saved.to_owned(),
        }
    };
    let title = move || match store.sync_phase.get() {
        SyncPhase::Failed(reason) => reason,
        _ => String::new(),
    };
    // On a phone the sentence does not fit the header: the count of changes waiting (or a "!"
    // when sync failed) stays, as a link to Pending changes named by the same sentence.
    let badge = move || {
        let pending = store.pending_changes();
        let failed = matches!(store.sync_phase.get(), SyncPhase::Failed(_));
        (pending > 0 || failed).then(|| {
            let text = if failed { "!".to_owned() } else { pending.to_string() };
            view! {
                <A href="/pending" attr:class="pending-badge" attr:aria-label=detail>
                    <span aria-hidden="true">{text}</span>
                </A>
            }
        })
    };
    view! {
        <div class=class role="status" aria-live="polite" data-testid="sync-status" title=title>
            <span class="dot" aria-hidden="true"></span>
            <span class="label">{label}</span>
            <A href="/pending" attr:class="detail">{detail}</A>
            {badge}
        </div>
    }
}

/// The first download's progress bar, shown while it comes in pages (SPEC OF-2).
#[component]
pub fn DownloadProgress() -> impl IntoView {
    let t = crate::i18n::use_i18n();
    let store = expect_context::<Store>();
    move || {
        store.download.get().map(|(done, total)| {
            view! {
                <div class="download-progress" role="status">
                    <label for="download-bar">{(t().status.download_progress)(done, total)}</label>
                    <progress id="download-bar" max=total.max(1) value=done aria-label=t().status.download_label></progress>
                </div>
            }
        })
    }
}
