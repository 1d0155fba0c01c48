use crate::components::page::Page;
use crate::components::record_list::{LocalList, int, local_list, text};
use crate::format::money;
use crate::i18n::use_i18n;
use crate::state::Store;
use leptos::prelude::*;
use veld_domain::RecordKind;

/// Open opportunities by stage, with each column's count and total value.
#[component]
pub fn PipelinePage() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let board = move || {
        let t = t();
        let lang = store.language.get();
        match local_list(store, RecordKind::Opportunity) {
            LocalList::Loading => view! { <p class="muted">{t.loading}</p> }.into_any(),
            LocalList::NeverSynced => view! { <p class="notice">{t.offline_list}</p> }.into_any(),
            LocalList::NotAllowed => view! { <p class="notice">{t.not_allowed}</p> }.into_any(),
            LocalList::Rows(records) => {
                let rows: Vec<_> = records.iter().map(|r| r.to_row()).collect();
                let config = store.config.get();
                let stages: Vec<(String, String)> = config
                    .opportunity_stages
                    .active()
                    .filter(|s| !s.end)
                    .map(|s| (s.code.clone(), s.name.get(lang.code()).to_owned()))
                    .collect();
                view! {
                <div class="board" role="region" tabindex="0" aria-label=t.nav_pipeline>
                    {stages
                        .into_iter()
                        .map(|(stage, heading)| {
                            let cards: Vec<_> = rows.iter().filter(|r| text(r, "stage").as_deref() == Some(stage.as_str())).collect();
                            let total: i64 = cards.iter().filter_map(|r| int(r, "expected_revenue")).sum();
                            let name = heading.clone();
                            view! {
                                <section class="column" aria-label=name>
                                    <header>
                                        <h2>{heading}</h2>
                                        <p class="muted">{format!("{} · {}", cards.len(), money(total, lang))}</p>
                                    </header>
                                    <ul>
                                        {cards
                                            .iter()
                                            .map(|r| {
                                                view! {
                                                    <li class="card">
                                                        <strong>{text(r, "title").unwrap_or_default()}</strong>
                                                        <span class="muted">
                                                            {int(r, "expected_revenue").map(|v| money(v, lang)).unwrap_or_default()}
                                                        </span>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </section>
                            }
                        })
                        .collect_view()}
                </div>
                }
                .into_any()
            }
        }
    };
    view! {
        <Page title=Signal::derive(move || t().nav_pipeline) intro=Signal::derive(move || t().pipeline_intro)>
            {board}
        </Page>
    }
}
