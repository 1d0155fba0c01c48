//! Recurring opportunities (TR-2) from an opportunity's page: every N months from its
//! completion date, M of them. The server makes them (it needs a connection); a missing
//! completion date is refused with the reason next to the form.

use crate::i18n::use_i18n;
use crate::state::{Connection, Store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use veld_domain::schema::names;

#[component]
pub fn Recurring(id: uuid::Uuid) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let every = RwSignal::new("12".to_owned());
    let count = RwSignal::new("1".to_owned());
    let error = RwSignal::new(None::<String>);
    let created = RwSignal::new(Vec::<uuid::Uuid>::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = crate::i18n::strings(store.language.get_untracked());
        let (Ok(every), Ok(count)) =
            (every.get_untracked().trim().parse::<u32>(), count.get_untracked().trim().parse::<u32>())
        else {
            error.set(Some(t.err.whole_number.to_owned()));
            return;
        };
        // The server makes them from its copy: this device's unsent changes must get there first.
        if store.unsent(id) {
            error.set(Some(t.recurring.wait_sync.to_owned()));
            store.sync_now();
            return;
        }
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = store.recurring(id, every, count).await;
            busy.set(false);
            match result {
                Ok(r) => created.set(r.created),
                // The server names the field; the user reads it in their language.
                Err(e) => error.set(Some(match e.field() {
                    Some(names::COMPLETION_DATE) => t.recurring.no_completion.to_owned(),
                    Some("count") => t.recurring.bad_count.to_owned(),
                    _ => e.text(t),
                })),
            }
        });
    };
    let online = move || store.connection.get() == Connection::Online;
    view! {
        <details class="card recurring">
            <summary>{move || t().recurring.title}</summary>
            <form class="inline-form" on:submit=submit novalidate aria-label=move || t().recurring.title>
                <div class="field">
                    <label for="recurring-every">{move || t().recurring.every}</label>
                    <input id="recurring-every" inputmode="numeric" prop:value=move || every.get() on:input=move |ev| every.set(event_target_value(&ev))
                        aria-describedby="recurring-error"/>
                </div>
                <div class="field">
                    <label for="recurring-count">{move || t().recurring.count}</label>
                    <input id="recurring-count" inputmode="numeric" prop:value=move || count.get() on:input=move |ev| count.set(event_target_value(&ev))
                        aria-describedby="recurring-error"/>
                </div>
                <button type="submit" class="button" disabled=move || busy.get() || !online()>{move || t().recurring.create}</button>
                <p class="field-error" id="recurring-error" role="alert">{move || error.get()}</p>
            </form>
            <Show when=move || !created.with(Vec::is_empty)>
                <p role="status">{move || (t().recurring.created)(created.with(Vec::len))}</p>
                <ul>
                    {move || created.get().into_iter().enumerate().map(|(i, o)| view! {
                        <li><A href=format!("/opportunities/{o}")>{format!("{} {}", t().record.open_opportunity, i + 1)}</A></li>
                    }).collect_view()}
                </ul>
            </Show>
        </details>
    }
}
