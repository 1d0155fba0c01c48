//! A record's page (LO-4…LO-8). A lead or opportunity: the General form (Save validates, Cancel
//! discards, Print), the stage selector offering only allowed transitions with the stage's
//! instructions, linked contacts with their roles, activities, job orders, placements,
//! attachments, "+ Opportunity" conversion, previous/next through the overview's selection, and
//! the history; `…/new` opens the creation wizard instead. A company or contact: its fields, its
//! leads and opportunities, activities, attachments and history; a job order: "Related to"; an
//! activity: its lead or opportunity with a stage selector. Saving writes to this device first
//! (the outbox) and syncs when it can, so all of it works offline.

use crate::components::attachments::AttachmentsTab;
use crate::components::conflicts::{ConflictList, ConflictSource};
use crate::components::contacts_tab::ContactsTab;
use crate::components::duplicates::Duplicates;
use crate::components::general_form::GeneralForm;
use crate::components::history::Timeline;
use crate::components::icons::{self, Icon};
use crate::components::linked::{ActivitiesTab, JobOrdersTab, PlacementsTab, link_field};
use crate::components::picker::{Picker, name_of};
use crate::components::related::{ActivityParent, CompanyContacts, RelatedRecords, RelatedTo};
use crate::components::stage_bar::StageBar;
use crate::components::ui::EmptyState;
use crate::i18n::{Strings, use_i18n};
use crate::overview::{Selection, base};
use crate::pages::wizard::Wizard;
use crate::state::Store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use veld_domain::edit::Edit;
use veld_domain::records::{MAIN_CONTACT, contact_name, contacts_of, convert_lead, id_of, text};
use veld_domain::schema::names;
use veld_domain::{Action, RecordKind};

#[component]
pub fn LeadPage() -> impl IntoView {
    view! { <RecordPage kind=RecordKind::Lead/> }
}

#[component]
pub fn OpportunityPage() -> impl IntoView {
    view! { <RecordPage kind=RecordKind::Opportunity/> }
}

#[component]
pub fn CompanyPage() -> impl IntoView {
    view! { <RecordPage kind=RecordKind::Company/> }
}

#[component]
pub fn ContactPage() -> impl IntoView {
    view! { <RecordPage kind=RecordKind::Contact/> }
}

#[component]
pub fn JobOrderPage() -> impl IntoView {
    view! { <RecordPage kind=RecordKind::JobOrder/> }
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    view! { <RecordPage kind=RecordKind::Activity/> }
}

fn is_sales(kind: RecordKind) -> bool {
    matches!(kind, RecordKind::Lead | RecordKind::Opportunity)
}

/// The list a record's page leads back to, and its name.
fn list_of(kind: RecordKind, t: &Strings) -> Option<(&'static str, &'static str)> {
    let label = match kind {
        RecordKind::Lead => t.nav.leads,
        RecordKind::Opportunity => t.nav.opportunities,
        RecordKind::Company => t.nav.companies,
        RecordKind::Contact => t.nav.contacts,
        RecordKind::Activity => t.nav.activities,
        _ => return None,
    };
    Some((base(kind), label))
}

/// A record's heading: a company's name, a contact's full name, an activity's subject, else
/// the title.
fn heading_of(kind: RecordKind, values: &serde_json::Map<String, serde_json::Value>) -> String {
    match kind {
        RecordKind::Company => text(values, names::NAME).unwrap_or_default().to_owned(),
        RecordKind::Contact => contact_name(values),
        RecordKind::Activity => text(values, names::SUBJECT).unwrap_or_default().to_owned(),
        _ => text(values, names::TITLE).unwrap_or_default().to_owned(),
    }
}

#[component]
fn RecordPage(kind: RecordKind) -> impl IntoView {
    let params = use_params_map();
    let id_param = move || params.with(|p| p.get("id").unwrap_or_default());
    view! {
        {move || if id_param() == "new" && is_sales(kind) {
            view! { <Wizard kind=kind/> }.into_any()
        } else {
            let id = id_param().parse::<uuid::Uuid>().ok();
            view! { <RecordView kind=kind id=id/> }.into_any()
        }}
    }
}

#[component]
fn RecordView(kind: RecordKind, id: Option<uuid::Uuid>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let record = Memo::new(move |_| id.and_then(|id| store.visible_one(kind, id)));
    if let Some(id) = id {
        store.remember(kind, id);
    }
    let may_edit = Memo::new(move |_| record.with(|r| r.as_ref().is_some_and(|r| store.may(Action::Edit, r))));
    let heading = move || {
        let t = t();
        record.with(|r| match r {
            Some(r) => heading_of(kind, &r.values()),
            // Not yet read from the device: no verdict before the data is there.
            None if !store.local_ready.get() => String::new(),
            None => t.record.record_not_found.to_owned(),
        })
    };
    // Re-render the page's parts only when the record appears or goes, not on each change.
    let exists = Memo::new(move |_| record.with(Option::is_some));
    let sections = move |t: &'static Strings| -> Vec<(&'static str, &'static str)> {
        let mut v = vec![("general-heading", t.tab.general)];
        match kind {
            RecordKind::Lead | RecordKind::Opportunity => v.extend([
                ("contacts-heading", t.tab.contacts),
                ("jobs-heading", t.linked.job_orders),
                ("placements-heading", t.linked.placements),
                ("attachments-heading", t.attachment.attachments),
                ("activities-heading", t.nav.activities),
            ]),
            RecordKind::Company => v.extend([
                ("leads-heading", t.nav.leads),
                ("opportunities-heading", t.nav.opportunities),
                ("contacts-heading", t.tab.contacts),
                ("attachments-heading", t.attachment.attachments),
                ("activities-heading", t.nav.activities),
            ]),
            RecordKind::Contact => v.extend([
                ("leads-heading", t.nav.leads),
                ("opportunities-heading", t.nav.opportunities),
                ("attachments-heading", t.attachment.attachments),
                ("activities-heading", t.nav.activities),
            ]),
            _ => {}
        }
        v.push(("changes-heading", t.record.changes_title));
        v.push(("history-heading", t.history.title));
        v
    };
    let opportunities = move || store.me.with(|m| m.as_ref().is_some_and(|m| m.modules.opportunities));
    // A merged record's page (an old link, a bookmark) leads to the record it went into.
    let navigate = leptos_router::hooks::use_navigate();
    let asked = StoredValue::new(false);
    Effect::new(move |_| {
        let missing = !exists.get() && store.local_ready.get() && store.download.with(Option::is_none);
        let Some(id) = id.filter(|_| missing && veld_domain::merge::MERGEABLE.contains(&kind)) else { return };
        if asked.get_value() {
            return;
        }
        asked.set_value(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if let Ok(survivor) = store.merged_into(kind, id).await {
                let options = leptos_router::NavigateOptions { replace: true, ..Default::default() };
                navigate(&format!("{}/{survivor}", base(kind)), options);
            }
        });
    });
    view! {
        <section class="page record-page">
            {move || list_of(kind, t()).map(|(href, label)| view! {
                <p class="breadcrumb"><A href=href>{label}</A></p>
            })}
            <div class="record-heading">
                <h1>{heading}</h1>
                {is_sales(kind).then(|| view! { <PrevNext kind=kind id=id/> })}
            </div>
            {move || exists.get().then(|| {
                let id = id.unwrap_or_default();
                // What comes first (the summary and the stage path), the details, and beside
                // them on a wide screen the record's timeline (activities, changes).
                let (top, main, side) = match kind {
                    RecordKind::Lead | RecordKind::Opportunity => (
                        view! {
                            <Summary kind=kind record=record/>
                            <StageBar kind=kind record=record may_edit=may_edit/>
                            <Links kind=kind record=record may_edit=may_edit/>
                            {(kind == RecordKind::Lead).then(|| view! { <Duplicates kind=kind record=record/> })}
                            {(kind == RecordKind::Opportunity).then(|| view! { <crate::components::recurring::Recurring id=id/> })}
                            <SectionNav sections=sections/>
                        }
                        .into_any(),
                        view! {
                            <GeneralForm kind=kind record=record may_edit=may_edit/>
                            <ContactsTab kind=kind record=record may_edit=may_edit/>
                            <JobOrdersTab kind=kind id=id company=Signal::derive(move || record.with(|r| r.as_ref().and_then(|r| id_of(&r.values(), names::COMPANY_ID))))/>
                            <PlacementsTab kind=kind id=id/>
                            <AttachmentsTab field=link_field(kind) id=id/>
                        }
                        .into_any(),
                        view! { <ActivitiesTab kind=kind id=id/> }.into_any(),
                    ),
                    RecordKind::Company | RecordKind::Contact => (
                        view! {
                            <div class="record-links">
                                <button type="button" class="button" on:click=move |_| { let _ = window().print(); }>{move || t().common.print}</button>
                            </div>
                            <Duplicates kind=kind record=record/>
                            <SectionNav sections=sections/>
                        }
                        .into_any(),
                        view! {
                            <GeneralForm kind=kind record=record may_edit=may_edit/>
                            <crate::components::criteria::Criteria kind=kind record=record may_edit=may_edit/>
                            <RelatedRecords of=kind id=id list=RecordKind::Lead/>
                            <Show when=opportunities>
                                <RelatedRecords of=kind id=id list=RecordKind::Opportunity/>
                            </Show>
                            {(kind == RecordKind::Company).then(|| view! { <CompanyContacts id=id/> })}
                            <AttachmentsTab field=link_field(kind) id=id/>
                        }
                        .into_any(),
                        view! { <ActivitiesTab kind=kind id=id/> }.into_any(),
                    ),
                    RecordKind::Activity => (
                        view! { <ActivityParent record=record/> }.into_any(),
                        view! { <GeneralForm kind=kind record=record may_edit=may_edit/> }.into_any(),
                        ().into_any(),
                    ),
                    _ => (
                        view! { <RelatedTo record=record/> }.into_any(),
                        view! { <GeneralForm kind=kind record=record may_edit=may_edit/> }.into_any(),
                        ().into_any(),
                    ),
                };
                view! {
                    <Show when=move || !may_edit.get()>
                        <p class="notice">{move || t().record.read_only}</p>
                    </Show>
                    {top}
                    <div class="record-columns">
                        <div class="record-main">{main}</div>
                        <div class="record-side">
                            {side}
                            <Timeline kind=kind id=id/>
                            <ConflictList source=ConflictSource::Record(kind, id) heading_id="history-heading"/>
                        </div>
                    </div>
                }
            })}
            <Show when=move || !exists.get() && store.local_ready.get() && store.download.with(Option::is_none)>
                <EmptyState text=Signal::derive(move || t().record.record_not_found_why)>
                    {move || list_of(kind, t()).map(|(href, label)| view! {
                        <A href=href attr:class="button primary">{(t().record.back_to)(label)}</A>
                    })}
                </EmptyState>
            </Show>
        </section>
    }
}

/// Jumps to the page's sections (a long page on a phone).
#[component]
fn SectionNav(
    sections: impl Fn(&'static Strings) -> Vec<(&'static str, &'static str)> + Send + Sync + 'static,
) -> impl IntoView {
    let t = use_i18n();
    let jump = |id: &'static str| {
        move |_| {
            if let Some(el) = document().get_element_by_id(id) {
                el.scroll_into_view();
            }
        }
    };
    view! {
        <nav class="section-nav" aria-label=move || t().record.sections>
            <ul>
                {move || {
                    sections(t())
                        .into_iter()
                        .map(|(id, label)| view! { <li><button type="button" class="link-button" on:click=jump(id)>{label}</button></li> })
                        .collect_view()
                }}
            </ul>
        </nav>
    }
}

/// Previous / next through the overview's current selection (LO-2).
#[component]
fn PrevNext(kind: RecordKind, id: Option<uuid::Uuid>) -> impl IntoView {
    let t = use_i18n();
    let selection = expect_context::<RwSignal<Selection>>();
    let around = move || {
        let id = id?;
        selection.with(|s| {
            let pos = s.0.iter().position(|x| *x == id)?;
            Some((pos, s.0.len(), pos.checked_sub(1).map(|p| s.0[p]), s.0.get(pos + 1).copied()))
        })
    };
    move || {
        around().map(|(pos, len, prev, next)| {
            let t = t();
            let link = move |target: Option<uuid::Uuid>, label: &'static str, rel: &'static str| match target {
                Some(to) => {
                    view! { <A href=format!("{}/{to}", base(kind)) attr:class="button" attr:rel=rel>{label}</A> }
                        .into_any()
                }
                None => view! { <span class="button disabled" aria-disabled="true">{label}</span> }.into_any(),
            };
            view! {
                <nav class="prev-next" aria-label=t.list.selection_nav>
                    {link(prev, t.common.previous, "prev")}
                    <span class="muted">{format!("{} / {len}", pos + 1)}</span>
                    {link(next, t.common.next, "next")}
                </nav>
            }
        })
    }
}

/// The record's links: company, lead ↔ opportunity, and for a lead "+ Opportunity" (LO-5).
#[component]
fn Links(
    kind: RecordKind,
    record: Memo<Option<veld_domain::sync::RecordState>>,
    may_edit: Memo<bool>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let choosing = RwSignal::new(false);
    // Only the links' own fields: the links re-render when these change, not on every edit.
    let values = Memo::new(move |_| {
        record.with(|r| {
            let mut v = serde_json::Map::new();
            if let Some(r) = r {
                for f in [names::COMPANY_ID, names::OPPORTUNITY_ID, names::LEAD_ID] {
                    if let Some(x) = r.fields.get(f) {
                        v.insert(f.to_owned(), x.value.clone());
                    }
                }
            }
            v
        })
    });
    let values = move || values.get();
    let may_edit = move || may_edit.get();
    // Link (LO-4): set or clear the company.
    let set_company = move |company: Option<uuid::Uuid>| {
        let Some(r) = record.get_untracked() else { return };
        choosing.set(false);
        let value = company.map_or(serde_json::Value::Null, |c| serde_json::json!(c.to_string()));
        store.apply_reporting(Edit::update(kind, r.id, Default::default()).set(names::COMPANY_ID, value), error);
    };
    let pick_company = Callback::new(move |id| set_company(Some(id)));
    let may_convert = move || {
        kind == RecordKind::Lead
            && store.may_create(RecordKind::Opportunity)
            && store.me.with(|m| m.as_ref().is_some_and(|m| m.modules.opportunities))
    };
    let convert = move |_| {
        let Some(lead) = record.get_untracked() else { return };
        let config = store.config.get_untracked();
        let t = crate::i18n::strings(store.language.get_untracked());
        let opportunity = uuid::Uuid::now_v7();
        let job_orders: Vec<(uuid::Uuid, serde_json::Map<String, serde_json::Value>)> =
            crate::components::linked::linked_to(&store, RecordKind::JobOrder, names::LEAD_ID, lead.id)
                .into_iter()
                .map(|r| (r.id, r.values()))
                .collect();
        let conversion = match convert_lead(
            lead.id,
            opportunity,
            &lead.values(),
            &job_orders,
            &config.lead_stages,
            &config.opportunity_stages,
        ) {
            Ok(c) => c,
            Err(_) => {
                error.set(Some(t.err.already_converted.to_owned()));
                return;
            }
        };
        let edits = conversion.edits(lead.id, opportunity);
        // The lead's own update first: a lead the user may not close is not half converted.
        if let Err(e) = store.check_after(edits[1].clone(), &edits[..1]) {
            error.set(Some(e.text(t)));
            return;
        }
        let navigate = navigate.clone();
        spawn_local(async move {
            match store.apply_all(edits).await {
                Ok(()) => navigate(&format!("/opportunities/{opportunity}"), Default::default()),
                Err(e) => error.set(Some(e.text(t))),
            }
        });
    };
    // The chips and buttons follow the record; the company picker stays put (what is typed in
    // it survives a sync).
    let company_name = Memo::new(move |_| {
        id_of(&values(), names::COMPANY_ID).map(|c| name_of(&store, RecordKind::Company, c).unwrap_or_default())
    });
    let chips = move || {
        let convert = convert.clone();
        let t = t();
        let v = values();
        let company = company_name.get().map(|name| {
            let name = if name.is_empty() { t.record.unknown_record.to_owned() } else { name };
            view! { <span class="link-chip company-chip"><span class="muted">{t.col.company}": "</span>{name}</span> }
        });
        let converted = id_of(&v, names::OPPORTUNITY_ID).map(|o| {
            view! { <span class="link-chip">{t.record.converted_to}" "<A href=format!("/opportunities/{o}")>{t.record.open_opportunity}</A></span> }
        });
        let from_lead = id_of(&v, names::LEAD_ID).map(|l| {
            view! { <span class="link-chip">{t.wizard.from_lead}" "<A href=format!("/leads/{l}")>{t.record.open_lead}</A></span> }
        });
        let can_convert = may_convert() && id_of(&v, names::OPPORTUNITY_ID).is_none();
        let has_company = company.is_some();
        // A converted lead is closed: its company went to the opportunity with it.
        let may_link = may_edit() && !(kind == RecordKind::Lead && converted.is_some());
        view! {
            {company}
            {may_link.then(|| view! {
                <button type="button" class="button" aria-expanded=move || choosing.get().to_string() on:click=move |_| choosing.update(|c| *c = !*c)>
                    {if has_company { t.record.change_company } else { t.record.link_company }}
                </button>
            })}
            {(may_link && has_company).then(|| view! {
                <button type="button" class="button subtle" on:click=move |_| set_company(None)>{t.record.unlink_company}</button>
            })}
            {converted}
            {from_lead}
            {can_convert.then(|| view! {
                <button type="button" class="button primary" on:click=convert>{t.record.convert}</button>
            })}
            <button type="button" class="button print-button" on:click=move |_| { let _ = window().print(); }>{t.common.print}</button>
        }
    };
    view! {
        <div class="record-links">
            {chips}
            <p class="field-error" role="alert">{move || error.get()}</p>
        </div>
        <Show when=move || choosing.get()>
            <div class="card link-picker">
                <Picker kind=RecordKind::Company label=Signal::derive(move || t().wizard.find_company) on_pick=pick_company/>
            </div>
        </Show>
    }
}

/// A lead's or opportunity's summary under its title — stage, value and chance, close date,
/// owner, company and contacts — so a phone's first screen shows the deal, not a form.
#[component]
fn Summary(kind: RecordKind, record: Memo<Option<veld_domain::sync::RecordState>>) -> impl IntoView {
    use crate::components::ui::{Avatar, StagePill, user_names};
    use crate::overview::model::Col;
    let t = use_i18n();
    let store = expect_context::<Store>();
    let names = user_names(store);
    let row = Memo::new(move |_| {
        let lang = store.language.get().code();
        record.with(|r| {
            let r = r.as_ref()?;
            // Only the company and contacts this record links (not every one on the device).
            let mut builder = crate::overview::model::RowBuilder::new(store.config.get(), kind, lang);
            let v = r.values();
            let contacts = match v.get(veld_domain::records::CONTACTS) {
                Some(serde_json::Value::Array(items)) => {
                    items.iter().filter_map(|c| c.get("id")?.as_str()?.parse().ok()).collect()
                }
                _ => Vec::new(),
            };
            let linked = id_of(&v, names::COMPANY_ID)
                .map(|c| (RecordKind::Company, c))
                .into_iter()
                .chain(contacts.into_iter().map(|c: uuid::Uuid| (RecordKind::Contact, c)));
            for (k, id) in linked {
                if let Some(other) = store.visible_one(k, id) {
                    builder.learn(&other);
                }
            }
            Some(builder.row(r))
        })
    });
    // What the summary shows of the row: a title edit (the heading's) does not redraw it.
    let shown = Memo::new(move |_| {
        row.with(|r| {
            r.as_ref().map(|r| crate::overview::model::Row {
                title: String::new(),
                haystack: String::new(),
                contacts: String::new(),
                ..r.clone()
            })
        })
    });
    // The next open activity (earliest due first) and the main contact, with their links.
    let next = Memo::new(move |_| {
        let id = record.with(|r| r.as_ref().map(|r| r.id))?;
        let activities = crate::components::linked::linked_to(
            &store,
            RecordKind::Activity,
            crate::components::linked::link_field(kind),
            id,
        );
        let open: Vec<_> = activities.iter().map(|a| crate::board::model::activity_facts(&a.values())).collect();
        crate::board::model::next_activities(open.iter().map(|(d, due, s)| (id, *d, due.as_deref(), s.as_str())))
            .remove(&id)
    });
    let main_contact = Memo::new(move |_| {
        let linked = record.with(|r| r.as_ref().map(|r| contacts_of(&r.values())))?;
        let main = linked.iter().find(|c| c.role.as_deref() == Some(MAIN_CONTACT)).or(linked.first())?;
        let contact = store.visible_one(RecordKind::Contact, main.id)?;
        let v = contact.values();
        Some(MainContact {
            id: main.id,
            name: contact_name(&v),
            email: text(&v, names::EMAIL).map(str::to_owned),
            phone: text(&v, names::PHONE).map(str::to_owned),
            others: linked.len() - 1,
        })
    });
    let item = |label: &'static str, value: AnyView| {
        view! { <div class="summary-item"><dt>{label}</dt><dd>{value}</dd></div> }
    };
    move || {
        let t = t();
        let lang = store.language.get();
        let row = shown.get()?;
        let colour = store.config.with(|c| c.stages(kind).get(&row.stage_code).map(|s| s.colour.clone()));
        let company_id = record.with(|r| r.as_ref().and_then(|r| id_of(&r.values(), names::COMPANY_ID)));
        let value = match (row.value, row.probability) {
            (Some(v), Some(p)) => format!("{} · {p} %", crate::format::money(v, lang)),
            (Some(v), None) => crate::format::money(v, lang),
            (None, Some(p)) => format!("— · {p} %"),
            (None, None) => "—".to_owned(),
        };
        let close = crate::format::date(&row.close_date, lang);
        let owner = names.with(|n| n.get(&row.owner).cloned());
        let stage = if row.stage.is_empty() {
            "—".into_any()
        } else {
            view! { <StagePill name=row.stage.clone() colour=colour.unwrap_or_default()/> }.into_any()
        };
        let company = match company_id {
            Some(id) if !row.company.is_empty() => {
                view! { <A href=format!("{}/{id}", base(RecordKind::Company))>{row.company.clone()}</A> }.into_any()
            }
            _ => "—".into_any(),
        };
        let owner = match owner {
            Some(name) => view! { <span class="summary-owner"><Avatar name=name.clone()/>{name}</span> }.into_any(),
            None => "—".into_any(),
        };
        let today = veld_domain::Date::from_ms(js_sys::Date::now() as i64);
        let next = match next.get() {
            Some((due, subject)) => {
                let late = due.is_some_and(|d| d < today);
                let when = due.map(|d| d.format(lang)).unwrap_or_default();
                view! {
                    <span class="summary-next" class:late=late>
                        {late.then(|| view! { <span class="pill overdue-pill">{t.board.overdue}</span>" " })}
                        {(!when.is_empty()).then(|| format!("{when} · "))}{subject}
                    </span>
                }
                .into_any()
            }
            None => view! { <span class="muted">{t.record.nothing_planned}</span> }.into_any(),
        };
        let contact = match main_contact.get() {
            Some(c) => {
                let call = c.phone.as_deref().map(|p| {
                    let label = (t.record.call)(&c.name);
                    view! { <a class="icon-button" href=tel_href(p) aria-label=label.clone() title=label><Icon d=icons::PHONE/></a> }
                });
                let mail = c.email.as_deref().map(|e| {
                    let label = (t.record.mail)(&c.name);
                    view! { <a class="icon-button" href=format!("mailto:{e}") aria-label=label.clone() title=label><Icon d=icons::MAIL/></a> }
                });
                let more = (c.others > 0)
                    .then(|| view! { <span class="muted">" "{(t.record.more_contacts)(c.others)}</span> });
                view! {
                    <span class="summary-contact">
                        <span class="summary-contact-name">
                            <A href=format!("{}/{}", base(RecordKind::Contact), c.id)>{c.name.clone()}</A>{more}
                        </span>
                        {call}{mail}
                    </span>
                }
                .into_any()
            }
            None => "—".into_any(),
        };
        Some(view! {
            <dl class="record-summary" aria-label=t.record.summary>
                {item(Col::Stage.label(t), stage)}
                {item(Col::Value.label(t), value.into_any())}
                {item(Col::CloseDate.label(t), (if close.is_empty() { "—".to_owned() } else { close }).into_any())}
                {item(t.col.owner, owner)}
                {item(Col::Company.label(t), company)}
                {item(t.record.next_activity, next)}
                // (Full width on a phone: the name and its call and e-mail buttons.)
                <div class="summary-item summary-contact-item"><dt>{t.record.main_contact}</dt><dd>{contact}</dd></div>
            </dl>
        })
    }
}

/// The summary's main contact: name, e-mail, phone, and how many other contacts are linked.
#[derive(Clone, PartialEq)]
struct MainContact {
    id: uuid::Uuid,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    others: usize,
}

/// A `tel:` link for a phone number as typed (`+31 6 12 34 56 78` → `tel:+31612345678`).
fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .trim()
        .chars()
        .enumerate()
        .filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+'))
        .map(|(_, c)| c)
        .collect();
    format!("tel:{digits}")
}

#[cfg(test)]
mod tests {
    use super::tel_href;

    #[test]
    fn tel_links_keep_digits_and_a_leading_plus() {
        assert_eq!(tel_href("+31 6 12 34 56 78"), "tel:+31612345678");
        assert_eq!(tel_href("(020) 555-0101"), "tel:0205550101");
        assert_eq!(tel_href(" +40 21 3"), "tel:+40213");
        assert_eq!(tel_href("06-12 +3"), "tel:06123");
    }
}
