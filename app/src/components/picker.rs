//! Finds an existing company or contact as the user types (name, e-mail or phone), from the
//! device's records. Blocked contacts are listed but cannot be chosen, and say why (DM-2).

use crate::i18n::use_i18n;
use crate::state::Store;
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::records::{blocked, contact_name, text};
use veld_domain::schema::names;

/// One search result.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub id: uuid::Uuid,
    pub name: String,
    pub detail: String,
    /// Why it cannot be chosen (a blocked contact), if so.
    pub blocked: Option<String>,
}

/// The display name of a company or contact on this device.
pub fn name_of(store: &Store, kind: RecordKind, id: uuid::Uuid) -> Option<String> {
    store.visible_one(kind, id).map(|r| veld_domain::records::display_name(kind, &r.values()))
}

/// Companies or contacts matching `query` (at most `limit`), contacts of `company` first.
pub fn find(store: &Store, kind: RecordKind, query: &str, company: Option<uuid::Uuid>, limit: usize) -> Vec<Found> {
    let needle = query.trim().to_lowercase();
    let digits: String = needle.chars().filter(char::is_ascii_digit).collect();
    let mut out = Vec::new();
    store.visible_each(&[kind], |r| {
        let v = r.values();
        let (name, detail) = if kind == RecordKind::Contact {
            let detail: Vec<&str> = [text(&v, names::EMAIL), text(&v, names::PHONE)].into_iter().flatten().collect();
            (contact_name(&v), detail.join(" · "))
        } else if kind == RecordKind::JobOrder {
            (
                text(&v, names::TITLE).unwrap_or_default().to_owned(),
                text(&v, names::STATUS).unwrap_or_default().to_owned(),
            )
        } else {
            let detail: Vec<&str> = [text(&v, names::CITY), text(&v, names::INDUSTRY)].into_iter().flatten().collect();
            (text(&v, names::NAME).unwrap_or_default().to_owned(), detail.join(" · "))
        };
        let hay = format!("{name} {detail}").to_lowercase();
        let phone_digits: String =
            text(&v, names::PHONE).unwrap_or_default().chars().filter(char::is_ascii_digit).collect();
        // "0612…" finds "+31612…": compare national digits too.
        let phone_hit = digits.len() >= 4
            && (phone_digits.contains(&digits) || phone_digits.contains(digits.trim_start_matches('0')));
        let in_company = company.is_some_and(|c| text(&v, names::COMPANY_ID) == Some(c.to_string().as_str()));
        if needle.is_empty() && !in_company {
            return;
        }
        if needle.is_empty() || hay.contains(&needle) || phone_hit {
            out.push((
                !in_company,
                Found { id: r.id, name, detail, blocked: if kind == RecordKind::Contact { blocked(&v) } else { None } },
            ));
        }
    });
    out.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    out.into_iter().take(limit).map(|(_, f)| f).collect()
}

/// A search box with its results; choosing one calls `on_pick`.
#[component]
pub fn Picker(
    kind: RecordKind,
    #[prop(into)] label: Signal<&'static str>,
    on_pick: Callback<uuid::Uuid>,
    /// Contacts of this company are listed before typing.
    #[prop(optional, into)]
    company: Signal<Option<uuid::Uuid>>,
    /// Ids not to offer (already linked).
    #[prop(optional, into)]
    exclude: Signal<Vec<uuid::Uuid>>,
    /// Why a result cannot be chosen (linked elsewhere), shown with it; `None` = available.
    #[prop(optional)]
    unavailable: Option<Callback<Found, Option<String>>>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let query = RwSignal::new(String::new());
    let input_id = format!("pick-{}-{}", kind.as_str(), uuid::Uuid::now_v7().simple());
    let results = Memo::new(move |_| {
        let q = query.get();
        let mut found = find(&store, kind, &q, company.get(), 8);
        found.retain(|f| !exclude.with(|e| e.contains(&f.id)));
        found
    });
    view! {
        <div class="picker">
            <div class="field">
                <label for=input_id.clone()>{move || label.get()}</label>
                <input
                    id=input_id
                    type="search"
                    autocomplete="off"
                    placeholder=move || t().wizard.picker_hint
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </div>
            <Show when=move || !results.with(Vec::is_empty)>
                <ul class="picker-results" aria-label=move || t().list.search_results>
                    <For each=move || results.get() key=|f| f.id let:f>
                        {
                            let id = f.id;
                            let why = f.blocked.clone().map(|reason| {
                                let t = t();
                                if reason.is_empty() { t.record.blocked.to_owned() } else { format!("{}: {reason}", t.record.blocked) }
                            }).or_else(|| unavailable.and_then(|u| u.run(f.clone())));
                            let is_blocked = why.is_some();
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="picker-item"
                                        disabled=is_blocked
                                        on:click=move |_| {
                                            query.set(String::new());
                                            on_pick.run(id);
                                        }
                                    >
                                        <strong>{f.name.clone()}</strong>
                                        <span class="muted">{f.detail.clone()}</span>
                                        {why.map(|w| view! { <span class="blocked-reason">{w}</span> })}
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
        </div>
    }
}
