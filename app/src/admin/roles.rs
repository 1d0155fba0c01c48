//! Admin → Roles (CF-3): what each role may see, create, change and delete per kind of record
//! (nothing, own, office, all), which modules it works with (leads, opportunities — a module
//! that is off sends none of its records to the role's users), and whether it opens the
//! administration area. Roles live on the server: read and saved online.

use super::AdminLinks;
use crate::components::online::{OnlineTexts, online_list};
use crate::components::page::Page;
use crate::i18n::{Strings, kind_label, use_i18n};
use crate::state::{OnlineError, Store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use veld_domain::api::{RoleUpdate, RoleView};
use veld_domain::{Action, Grants, Modules, Permissions, RecordKind, Scope};

/// The kinds a role is given rights on (configuration kinds follow the administration area).
const KINDS: [RecordKind; 8] = [
    RecordKind::Lead,
    RecordKind::Opportunity,
    RecordKind::Company,
    RecordKind::Contact,
    RecordKind::JobOrder,
    RecordKind::Placement,
    RecordKind::Activity,
    RecordKind::Attachment,
];
const ACTIONS: [Action; 4] = [Action::View, Action::Create, Action::Edit, Action::Delete];
const SCOPES: [Scope; 4] = [Scope::None, Scope::Own, Scope::Office, Scope::All];

const TEXTS: OnlineTexts = OnlineTexts {
    offline: |t| t.role.roles_offline,
    not_found: |t| t.role.roles_offline,
    empty: |t| t.role.roles_offline,
};

fn action_label(t: &Strings, action: Action) -> &'static str {
    match action {
        Action::View => t.role.action_view,
        Action::Create => t.role.action_create,
        Action::Edit => t.role.action_edit,
        Action::Delete => t.role.action_delete,
    }
}

fn scope_label(t: &Strings, scope: Scope) -> &'static str {
    match scope {
        Scope::None => t.role.scope_none,
        Scope::Own => t.role.scope_own,
        Scope::Office => t.role.scope_office,
        Scope::All => t.role.scope_all,
    }
}

fn scope_code(scope: Scope) -> &'static str {
    match scope {
        Scope::None => "none",
        Scope::Own => "own",
        Scope::Office => "office",
        Scope::All => "all",
    }
}

#[component]
pub fn RolesPage() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let is_admin = move || store.me.with(|me| me.as_ref().is_some_and(|m| m.permissions.admin));
    let reload = RwSignal::new(0u32);
    let roles = LocalResource::new(move || {
        reload.track();
        async move { store.roles().await }
    });
    let list = move || {
        online_list(t(), roles.get(), &TEXTS, |list| {
            view! {
                <ul class="config-list">
                    {list.into_iter().map(|role| view! { <RoleEditor role=role/> }).collect_view()}
                </ul>
            }
            .into_any()
        })
    };
    view! {
        <Page title=Signal::derive(move || t().admin.roles) intro=Signal::derive(move || t().role.roles_intro)>
            <Show when=is_admin fallback=move || view! { <p class="notice">{move || t().list.not_allowed}</p> }>
                <AdminLinks/>
                {list}
                <NewRole reload=reload/>
            </Show>
        </Page>
    }
}

/// "New role": a name; the role starts with no rights.
#[component]
fn NewRole(reload: RwSignal<u32>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move |_| {
        let t = crate::i18n::strings(store.language.get_untracked());
        let update = RoleUpdate { name: name.get_untracked().trim().to_owned(), permissions: Permissions::default() };
        if update.name.is_empty() {
            error.set(Some(t.err.required.to_owned()));
            return;
        }
        spawn_local(async move {
            match store.save_role(None, &update).await {
                Ok(_) => {
                    error.set(None);
                    name.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(refusal_text(t, &e))),
            }
        });
    };
    view! {
        <div class="card config-add">
            <h2>{move || t().role.new_role}</h2>
            <div class="field">
                <label for="new-role-name">{move || t().col.name}</label>
                <input id="new-role-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            </div>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <button type="button" class="button primary" on:click=add>{move || t().common.add}</button>
        </div>
    }
}

/// One role, folded: its name, the administration area, its modules and a set of grants per
/// kind. Saving sends it whole; the server refuses what would lock an administrator out.
#[component]
fn RoleEditor(role: RoleView) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let id = role.id;
    let name = RwSignal::new(role.name.clone());
    let draft = RwSignal::new(role.permissions.clone());
    let notice = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = crate::i18n::strings(store.language.get_untracked());
        let update = RoleUpdate { name: name.get_untracked(), permissions: draft.get_untracked() };
        spawn_local(async move {
            notice.set(Some(match store.save_role(Some(id), &update).await {
                Ok(saved) => {
                    draft.set(saved.permissions);
                    t.role.saved.to_owned()
                }
                Err(e) => refusal_text(t, &e),
            }));
        });
    };
    let p = format!("role-{id}");
    let module = move |label: fn(&Strings) -> &'static str, get: fn(&Modules) -> bool, set: fn(&mut Modules, bool)| {
        view! {
            <label class="check-field">
                <input
                    type="checkbox"
                    prop:checked=move || draft.with(|d| get(&d.modules.unwrap_or_default()))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        draft.update(|d| {
                            let mut m = d.modules.unwrap_or_default();
                            set(&mut m, on);
                            d.modules = Some(m);
                        });
                    }
                />
                {move || label(t())}
            </label>
        }
    };
    let grants = KINDS
        .into_iter()
        .map(|kind| {
            let selects = ACTIONS
                .into_iter()
                .map(|action| {
                    let select_id = format!("{p}-{}-{}", kind.as_str(), action_code(action));
                    let current = move || draft.with(|d| scope_code(d.grants(kind).scope(action)));
                    let change = move |ev| {
                        let code = event_target_value(&ev);
                        let Some(scope) = SCOPES.into_iter().find(|s| scope_code(*s) == code) else { return };
                        draft.update(|d| d.kinds.entry(kind).or_insert(Grants::NONE).set(action, scope));
                    };
                    view! {
                        <div class="field">
                            <label for=select_id.clone()>{move || action_label(t(), action)}</label>
                            <select id=select_id prop:value=current on:change=change>
                                {move || SCOPES.map(|s| view! {
                                    <option value=scope_code(s) prop:selected=move || current() == scope_code(s)>{scope_label(t(), s)}</option>
                                }).collect_view()}
                            </select>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="grant-set">
                    <legend>{move || kind_label(t(), kind)}</legend>
                    <div class="grant-grid">{selects}</div>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <li class="card config-item">
            <details>
                <summary>
                    <strong>{role.name.clone()}</strong>
                    <span class="muted">{move || (t().role.users)(role.users)}</span>
                </summary>
                <form on:submit=save novalidate aria-label=role.name.clone()>
                    <div class="field">
                        <label for=format!("{p}-name")>{move || t().col.name}</label>
                        <input id=format!("{p}-name") prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    </div>
                    <label class="check-field">
                        <input
                            type="checkbox"
                            prop:checked=move || draft.with(|d| d.admin)
                            on:change=move |ev| draft.update(|d| d.admin = event_target_checked(&ev))
                        />
                        {move || t().role.admin}
                    </label>
                    <fieldset class="grant-set">
                        <legend>{move || t().role.modules}</legend>
                        <div class="check-group">
                            {module(|t| t.nav.leads, |m| m.leads, |m, on| m.leads = on)}
                            {module(|t| t.nav.opportunities, |m| m.opportunities, |m, on| m.opportunities = on)}
                        </div>
                    </fieldset>
                    {grants}
                    <p class="form-notice" role="status">{move || notice.get()}</p>
                    <button type="submit" class="button primary">{move || t().common.save}</button>
                </form>
            </details>
        </li>
    }
}

/// A refusal of a role's save in the user's words: the server names the field.
fn refusal_text(t: &Strings, e: &OnlineError) -> String {
    match e.field() {
        Some("name") => t.role.name_refused.to_owned(), // not a record field
        Some("modules") => t.role.modules_refused.to_owned(),
        Some("admin") => t.role.admin_refused.to_owned(),
        _ => e.text(t),
    }
}

fn action_code(action: Action) -> &'static str {
    match action {
        Action::View => "view",
        Action::Create => "create",
        Action::Edit => "edit",
        Action::Delete => "delete",
    }
}
