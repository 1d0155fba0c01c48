//! Navigation: a sidebar on wide screens, a bottom bar with a "More" sheet on phones.

use crate::components::icons::{self, Icon};
use crate::i18n::{Strings, use_i18n};
use crate::state::Store;
use leptos::prelude::*;
use leptos_router::components::A;
use veld_domain::api::Me;
use veld_domain::{Action, RecordKind};

/// One destination in the navigation.
#[derive(Clone, Copy)]
pub struct NavItem {
    pub href: &'static str,
    pub label: fn(&Strings) -> &'static str,
    pub icon: &'static str,
    /// Shown in the phone's bottom bar (the rest go under "More").
    pub primary: bool,
}

/// The destinations this user's modules and role allow, in menu order.
pub fn nav_items(me: &Me) -> Vec<NavItem> {
    let may = |kind| me.permissions.can_at_all(kind, Action::View);
    let leads = me.modules.leads && may(RecordKind::Lead);
    let opportunities = me.modules.opportunities && may(RecordKind::Opportunity);
    let mut items = Vec::new();
    let mut add = |show: bool, href, label: fn(&Strings) -> &'static str, icon, primary| {
        if show {
            items.push(NavItem { href, label, icon, primary });
        }
    };
    // (On a phone Home is under "More" and behind the logo: five labels do not fit 360 px.)
    add(true, "/", |t| t.nav.home, icons::HOME, false);
    add(leads, "/leads", |t| t.nav.leads, icons::LEADS, true);
    add(opportunities, "/opportunities", |t| t.nav.opportunities, icons::OPPORTUNITIES, true);
    add(leads || opportunities, "/pipeline", |t| t.nav.pipeline, icons::PIPELINE, true);
    add(may(RecordKind::Company), "/companies", |t| t.nav.companies, icons::COMPANIES, false);
    add(may(RecordKind::Contact), "/contacts", |t| t.nav.contacts, icons::CONTACTS, false);
    add(may(RecordKind::Activity), "/activities", |t| t.nav.activities, icons::ACTIVITIES, false);
    add(me.permissions.admin, "/admin", |t| t.nav.admin, icons::ADMIN, false);
    items
}

fn items_signal() -> Signal<Vec<NavItem>> {
    let store = expect_context::<Store>();
    Signal::derive(move || store.me.with(|me| me.as_ref().map(nav_items).unwrap_or_default()))
}

/// One destination: icon and translated label; marked `aria-current` when active.
#[component]
fn NavLink(item: NavItem) -> impl IntoView {
    let t = use_i18n();
    view! {
        <li>
            <A href=item.href exact=item.href == "/">
                <Icon d=item.icon/>
                <span>{move || (item.label)(t())}</span>
            </A>
        </li>
    }
}

/// A keydown handler that closes a popup on Escape.
pub fn close_on_escape(open: RwSignal<bool>) -> impl Fn(leptos::ev::KeyboardEvent) + Copy {
    move |ev| {
        if ev.key() == "Escape" {
            open.set(false);
        }
    }
}

/// The sidebar (wide screens).
#[component]
pub fn SideNav() -> impl IntoView {
    let t = use_i18n();
    let items = items_signal();
    view! {
        <nav class="sidenav" aria-label=move || t().nav.main>
            <ul>
                <For each=move || items.get() key=|item| item.href let:item>
                    <NavLink item=item/>
                </For>
            </ul>
        </nav>
    }
}

/// The bottom bar (phones): primary destinations, and "More" for the rest.
#[component]
pub fn BottomNav() -> impl IntoView {
    let t = use_i18n();
    let items = items_signal();
    let open = RwSignal::new(false);
    let primary = move || items.get().into_iter().filter(|i| i.primary).collect::<Vec<_>>();
    let secondary = move || items.get().into_iter().filter(|i| !i.primary).collect::<Vec<_>>();
    view! {
        <nav class="bottomnav" aria-label=move || t().nav.main on:keydown=close_on_escape(open)>
            <Show when=move || open.get()>
                <div class="more-sheet" id="more-sheet" on:click=move |_| open.set(false)>
                    <ul>
                        <For each=secondary key=|item| item.href let:item>
                            <NavLink item=item/>
                        </For>
                    </ul>
                </div>
            </Show>
            <ul class="bottom-items">
                <For each=primary key=|item| item.href let:item>
                    <NavLink item=item/>
                </For>
                <Show when=move || !secondary().is_empty()>
                    <li>
                        <button
                            type="button"
                            class="more-button"
                            aria-expanded=move || open.get().to_string()
                            aria-controls="more-sheet"
                            on:click=move |_| open.update(|o| *o = !*o)
                        >
                            <Icon d=icons::MORE/>
                            <span>{move || t().nav.more}</span>
                        </button>
                    </li>
                </Show>
            </ul>
        </nav>
    }
}
