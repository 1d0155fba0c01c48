use crate::components::page::Page;
use crate::i18n::use_i18n;
use crate::state::OnlineError;
use crate::state::Store;
use leptos::prelude::*;

#[component]
pub fn AdminPage() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let is_admin = move || store.me.with(|me| me.as_ref().is_some_and(|m| m.permissions.admin));
    let users = LocalResource::new(move || async move { store.admin_users().await });
    let table = move || {
        let t = t();
        match users.get() {
            None => view! { <p class="muted">{t.app.loading}</p> }.into_any(),
            Some(Err(OnlineError::Offline)) => view! { <p class="notice">{t.list.offline_list}</p> }.into_any(),
            Some(Err(_)) => view! { <p class="notice">{t.list.not_allowed}</p> }.into_any(),
            Some(Ok(rows)) => view! {
                <div class="table-wrap" role="region" tabindex="0" aria-label=t.admin.users>
                    <table class="records">
                        <thead>
                            <tr>
                                <th scope="col">{t.col.name}</th>
                                <th scope="col" class="secondary">{t.col.email}</th>
                                <th scope="col">{t.col.office}</th>
                                <th scope="col">{t.col.role}</th>
                                <th scope="col" class="secondary">{t.col.language}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .map(|u| {
                                    view! {
                                        <tr>
                                            <td>{u.name}</td>
                                            <td class="secondary">{u.email}</td>
                                            <td>{u.office}</td>
                                            <td>{u.role}</td>
                                            <td class="secondary">{u.language.native_name()}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any(),
        }
    };
    view! {
        <Page title=Signal::derive(move || t().nav.admin) intro=Signal::derive(move || t().admin.intro)>
            <Show when=is_admin fallback=move || view! { <p class="notice">{move || t().list.not_allowed}</p> }>
                <super::AdminLinks/>
                <h2>{move || t().admin.users}</h2>
                {table}
            </Show>
        </Page>
    }
}
