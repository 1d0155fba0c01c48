//! Records linked to a lead or opportunity (LO-6): its activities (new, list, done), its job
//! orders (new, add existing — refusing one linked elsewhere, saying where) and the placements
//! of those job orders. Every change is an ordinary offline-first change.

use crate::components::picker::{Found, Picker};
use crate::i18n::{Strings, use_i18n};
use crate::overview::base;
use crate::state::Store;
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::{Map, Value, json};
use veld_domain::RecordKind;
use veld_domain::edit::Edit;
use veld_domain::records::{id_of, text};
use veld_domain::schema::names;
use veld_domain::sync::{Op, RecordState};

/// The field by which a record links to one of `kind` (`schema::parent_field`).
pub fn link_field(kind: RecordKind) -> &'static str {
    veld_domain::schema::parent_field(kind).unwrap_or(names::OPPORTUNITY_ID)
}

/// The activity types (DM-7).
pub const ACTIVITY_TYPES: [&str; 5] = ["task", "call", "appointment", names::EMAIL, "note"];

pub fn activity_type_label(t: &Strings, code: &str) -> &'static str {
    match code {
        "call" => t.linked.activity_call,
        "appointment" => t.linked.activity_appointment,
        names::EMAIL => t.linked.activity_email,
        "note" => t.linked.activity_note,
        _ => t.linked.activity_task,
    }
}

/// Records of `kind` whose `field` points at `id`, newest first.
pub(crate) fn linked_to(store: &Store, kind: RecordKind, field: &str, id: uuid::Uuid) -> Vec<RecordState> {
    let mut out = Vec::new();
    store.visible_each(&[kind], |r| {
        if r.fields.get(field).and_then(|f| f.value.as_str()) == Some(id.to_string().as_str()) {
            out.push(r.clone());
        }
    });
    out.sort_by_key(|r| std::cmp::Reverse(r.id));
    out
}

pub(crate) fn may_create(store: &Store, kind: RecordKind) -> bool {
    store.may_create(kind)
}

/// Makes a change through the edit path; a refusal or a storage failure shows in `error`.
fn save(
    store: Store,
    kind: RecordKind,
    id: uuid::Uuid,
    op: Op,
    fields: Map<String, Value>,
    error: RwSignal<Option<String>>,
) {
    store.apply_reporting(Edit { kind, id, op, fields }, error);
}

/// Whether an activity is done.
pub(crate) fn is_done(r: &RecordState) -> bool {
    r.fields.get(names::DONE).and_then(|f| f.value.as_bool()).unwrap_or(false)
}

/// A list of activities with a done box each; `parent` links each to its lead/opportunity.
#[component]
pub fn ActivityList(
    #[prop(into)] activities: Signal<Vec<RecordState>>,
    #[prop(optional)] show_parent: bool,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let error = RwSignal::new(None::<String>);
    view! {
        <ul class="change-list activities">
            <For each=move || activities.get() key=|r| (r.id, r.version, format!("{:?}", r.fields.get(names::DONE).map(|f| &f.value))) let:r>
                {activity_item(store, t(), r, show_parent, error)}
            </For>
        </ul>
        <p class="field-error" role="alert">{move || error.get()}</p>
    }
}

/// One activity as a list shows it: a box to mark it done (or not), its subject, type and due
/// date, its lead or opportunity when asked, and a link that opens it. (The activity lists and
/// a record's timeline.)
pub(crate) fn activity_item(
    store: Store,
    t: &'static Strings,
    r: RecordState,
    show_parent: bool,
    error: RwSignal<Option<String>>,
) -> impl IntoView + use<> {
    let v = r.values();
    let id = r.id;
    let done = is_done(&r);
    let subject = text(&v, names::SUBJECT).unwrap_or_default().to_owned();
    let kind_label = activity_type_label(t, text(&v, names::TYPE).unwrap_or("task"));
    let due = text(&v, names::DUE_DATE)
        .map(|d| format!(" · {} {}", t.linked.due, crate::format::date(d, store.language.get_untracked())))
        .unwrap_or_default();
    let parent = show_parent
        .then(|| {
            [(RecordKind::Lead, names::LEAD_ID), (RecordKind::Opportunity, names::OPPORTUNITY_ID)].into_iter().find_map(
                |(k, f)| {
                    let pid = id_of(&v, f)?;
                    let title = store
                        .visible_one(k, pid)
                        .map(|p| text(&p.values(), names::TITLE).unwrap_or_default().to_owned())?;
                    Some(view! { <A href=format!("{}/{pid}", base(k))>{title}</A> })
                },
            )
        })
        .flatten();
    let label = format!("{} {subject}", t.linked.mark_done);
    view! {
        <li class="card activity" class:done=done>
            <label class="check-field">
                <input type="checkbox" prop:checked=done aria-label=label on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    save(store, RecordKind::Activity, id, Op::Update, [(names::DONE.to_owned(), json!(on))].into_iter().collect(), error);
                }/>
                <span><strong>{subject.clone()}</strong><span class="muted">{format!(" · {kind_label}{due}")}</span></span>
            </label>
            {parent}
            <A href=format!("{}/{id}", base(RecordKind::Activity)) attr:aria-label=format!("{} {subject}", t.common.open)>{t.common.open}</A>
        </li>
    }
}

/// The Activities tab of a lead or opportunity.
#[component]
pub fn ActivitiesTab(kind: RecordKind, id: uuid::Uuid) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let field = link_field(kind);
    // What is planned: the open activities, the soonest due first, undated last (those done
    // are in the record's timeline).
    let activities = Memo::new(move |_| {
        let mut open: Vec<RecordState> =
            linked_to(&store, RecordKind::Activity, field, id).into_iter().filter(|r| !is_done(r)).collect();
        open.sort_by_cached_key(|r| {
            let v = r.values();
            let due = text(&v, names::DUE_DATE).filter(|d| !d.is_empty()).map(str::to_owned);
            (due.is_none(), due)
        });
        open
    });
    let subject = RwSignal::new(String::new());
    let kind_code = RwSignal::new("task".to_owned());
    let due = RwSignal::new(String::new());
    // Done at once: a call made or a note taken is logged, a task is planned.
    let done = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let quick = move |code: &'static str| {
        move |_| {
            kind_code.set(code.to_owned());
            done.set(code != "task");
            crate::components::ui::focus_id("new-activity-subject");
        }
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = crate::i18n::strings(store.language.get_untracked());
        let s = subject.get_untracked().trim().to_owned();
        if s.is_empty() {
            error.set(Some(t.err.required.to_owned()));
            return;
        }
        error.set(None);
        let mut f = Map::new();
        f.insert(names::SUBJECT.into(), json!(s));
        f.insert(names::TYPE.into(), json!(kind_code.get_untracked()));
        let is_done = done.get_untracked();
        f.insert(names::DONE.into(), json!(is_done));
        f.insert(field.into(), json!(id.to_string()));
        if !due.get_untracked().is_empty() {
            f.insert(names::DUE_DATE.into(), json!(due.get_untracked()));
        } else if is_done {
            // Logged now: it happened today.
            f.insert(names::DUE_DATE.into(), json!(veld_domain::Date::from_ms(js_sys::Date::now() as i64).iso()));
        }
        subject.set(String::new());
        due.set(String::new());
        save(store, RecordKind::Activity, uuid::Uuid::now_v7(), Op::Create, f, error);
    };
    view! {
        <section class="pending-section linked-tab" aria-labelledby="activities-heading">
            <h2 id="activities-heading">{move || t().nav.activities}</h2>
            <Show when=move || may_create(&store, RecordKind::Activity)>
                <div class="quick-log" role="group" aria-label=move || t().linked.quick_log>
                    <button type="button" class="chip-button" on:click=quick("call")>{move || t().linked.log_call}</button>
                    <button type="button" class="chip-button" on:click=quick("note")>{move || t().linked.add_note}</button>
                    <button type="button" class="chip-button" on:click=quick("task")>{move || t().linked.add_task}</button>
                </div>
                <form class="inline-form" on:submit=add novalidate aria-label=move || t().linked.new_activity>
                    <div class="field">
                        <label for="new-activity-type">{move || t().col.type_of}</label>
                        <select id="new-activity-type" on:change=move |ev| kind_code.set(event_target_value(&ev))>
                            {move || ACTIVITY_TYPES.map(|c| view! { <option value=c selected=kind_code.get() == c>{activity_type_label(t(), c)}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field grow">
                        <label for="new-activity-subject">{move || t().col.subject}</label>
                        <input id="new-activity-subject" prop:value=move || subject.get() on:input=move |ev| subject.set(event_target_value(&ev))
                            aria-invalid=move || error.get().is_some().to_string() aria-describedby="new-activity-error"/>
                    </div>
                    <div class="field">
                        <label for="new-activity-due">{move || t().linked.due}</label>
                        <input id="new-activity-due" type="date" prop:value=move || due.get() on:input=move |ev| due.set(event_target_value(&ev))/>
                    </div>
                    <label class="check-field">
                        <input type="checkbox" prop:checked=move || done.get() on:change=move |ev| done.set(event_target_checked(&ev))/>
                        {move || t().linked.done_already}
                    </label>
                    <button type="submit" class="button">{move || t().linked.new_activity}</button>
                    <p class="field-error" id="new-activity-error">{move || error.get()}</p>
                </form>
            </Show>
            <Show when=move || activities.with(Vec::is_empty)>
                <p class="muted">{move || t().record.nothing_planned}</p>
            </Show>
            <ActivityList activities=activities/>
        </section>
    }
}

/// The Job orders tab: linked job orders, a new one, or an existing one not linked elsewhere.
#[component]
pub fn JobOrdersTab(
    kind: RecordKind,
    id: uuid::Uuid,
    #[prop(into)] company: Signal<Option<uuid::Uuid>>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let field = link_field(kind);
    let jobs = Memo::new(move |_| linked_to(&store, RecordKind::JobOrder, field, id));
    let title = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let adding = RwSignal::new(false);
    let add_new = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = crate::i18n::strings(store.language.get_untracked());
        let s = title.get_untracked().trim().to_owned();
        if s.is_empty() {
            error.set(Some(t.err.required.to_owned()));
            return;
        }
        error.set(None);
        let mut f = Map::new();
        f.insert(names::TITLE.into(), json!(s));
        f.insert(names::STATUS.into(), json!("open"));
        f.insert(field.into(), json!(id.to_string()));
        if let Some(c) = company.get_untracked() {
            f.insert(names::COMPANY_ID.into(), json!(c.to_string()));
        }
        title.set(String::new());
        save(store, RecordKind::JobOrder, uuid::Uuid::now_v7(), Op::Create, f, error);
    };
    // A job order belongs to one lead and one opportunity (DM-5): one linked elsewhere is
    // listed but cannot be chosen, and says where it is.
    let unavailable = Callback::new(move |found: Found| {
        let t = crate::i18n::strings(store.language.get_untracked());
        let r = store.visible_one(RecordKind::JobOrder, found.id)?;
        let other = id_of(&r.values(), field).filter(|o| *o != id)?;
        let title =
            store.visible_one(kind, other).map(|p| text(&p.values(), names::TITLE).unwrap_or_default().to_owned());
        Some(format!("{} {}", t.linked.linked_elsewhere, title.unwrap_or_else(|| other.to_string())))
    });
    let link = Callback::new(move |job: uuid::Uuid| {
        adding.set(false);
        save(
            store,
            RecordKind::JobOrder,
            job,
            Op::Update,
            [(field.to_owned(), json!(id.to_string()))].into_iter().collect(),
            error,
        );
    });
    let unlink = move |job: uuid::Uuid| {
        save(
            store,
            RecordKind::JobOrder,
            job,
            Op::Update,
            [(field.to_owned(), Value::Null)].into_iter().collect(),
            error,
        )
    };
    let exclude = Signal::derive(move || jobs.with(|j| j.iter().map(|r| r.id).collect::<Vec<_>>()));
    view! {
        <section class="pending-section linked-tab" aria-labelledby="jobs-heading">
            <h2 id="jobs-heading">{move || t().linked.job_orders}</h2>
            <Show when=move || jobs.with(Vec::is_empty)>
                <p class="muted">{move || t().linked.no_job_orders}</p>
            </Show>
            <ul class="change-list">
                <For each=move || jobs.get() key=|r| (r.id, r.version) let:r>
                    {
                        let v = r.values();
                        let job = r.id;
                        let name = text(&v, names::TITLE).unwrap_or_default().to_owned();
                        let status = text(&v, names::STATUS).unwrap_or_default().to_owned();
                        let remove_label = format!("{} {name}", t().linked.unlink);
                        view! {
                            <li class="card contact-row">
                                <span class="contact-name"><strong><A href=format!("{}/{job}", base(RecordKind::JobOrder))>{name}</A></strong><span class="muted">{status}</span></span>
                                <button type="button" class="button" aria-label=remove_label on:click=move |_| unlink(job)>{move || t().linked.unlink}</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <Show when=move || may_create(&store, RecordKind::JobOrder)>
                <form class="inline-form" on:submit=add_new novalidate aria-label=move || t().linked.new_job_order>
                    <div class="field grow">
                        <label for="new-job-title">{move || t().linked.job_order_title}</label>
                        <input id="new-job-title" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
                    </div>
                    <button type="submit" class="button">{move || t().linked.new_job_order}</button>
                </form>
                <Show
                    when=move || adding.get()
                    fallback=move || view! { <button type="button" class="button" on:click=move |_| adding.set(true)>{move || t().linked.add_existing_job_order}</button> }
                >
                    <Picker kind=RecordKind::JobOrder label=Signal::derive(move || t().linked.find_job_order) on_pick=link exclude=exclude unavailable=unavailable/>
                </Show>
            </Show>
        </section>
    }
}

/// The Placements tab: the placements of the linked job orders, and a new one.
#[component]
pub fn PlacementsTab(kind: RecordKind, id: uuid::Uuid) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let field = link_field(kind);
    let jobs = Memo::new(move |_| {
        linked_to(&store, RecordKind::JobOrder, field, id)
            .into_iter()
            .map(|r| (r.id, text(&r.values(), names::TITLE).unwrap_or_default().to_owned()))
            .collect::<Vec<_>>()
    });
    let placements = Memo::new(move |_| {
        let ids: Vec<String> = jobs.with(|j| j.iter().map(|(id, _)| id.to_string()).collect());
        let mut out = Vec::new();
        store.visible_each(&[RecordKind::Placement], |r| {
            if r.fields
                .get(names::JOB_ORDER_ID)
                .and_then(|f| f.value.as_str())
                .is_some_and(|j| ids.iter().any(|i| i == j))
            {
                out.push(r.clone());
            }
        });
        out.sort_by_key(|r| std::cmp::Reverse(r.id));
        out
    });
    let job = RwSignal::new(String::new());
    let candidate = RwSignal::new(String::new());
    let start = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // The chosen job order: the first one until the user picks another (kept while the list
    // refreshes during a sync).
    Effect::new(move |_| {
        let first = jobs.with(|j| j.first().map(|(id, _)| id.to_string()));
        if let Some(first) = first
            && job.with_untracked(String::is_empty)
        {
            job.set(first);
        }
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = crate::i18n::strings(store.language.get_untracked());
        let job_id = job.get_untracked();
        let job_id = if job_id.is_empty() {
            jobs.with_untracked(|j| j.first().map(|(id, _)| id.to_string())).unwrap_or_default()
        } else {
            job_id
        };
        if job_id.is_empty() || candidate.get_untracked().trim().is_empty() {
            error.set(Some(t.err.required.to_owned()));
            return;
        }
        error.set(None);
        let mut f = Map::new();
        f.insert(names::JOB_ORDER_ID.into(), json!(job_id));
        f.insert(names::CANDIDATE.into(), json!(candidate.get_untracked().trim()));
        if !start.get_untracked().is_empty() {
            f.insert(names::START_DATE.into(), json!(start.get_untracked()));
        }
        candidate.set(String::new());
        save(store, RecordKind::Placement, uuid::Uuid::now_v7(), Op::Create, f, error);
    };
    view! {
        <section class="pending-section linked-tab" aria-labelledby="placements-heading">
            <h2 id="placements-heading">{move || t().linked.placements}</h2>
            <Show when=move || placements.with(Vec::is_empty)>
                <p class="muted">{move || t().linked.no_placements}</p>
            </Show>
            <ul class="change-list">
                <For each=move || placements.get() key=|r| (r.id, r.version) let:r>
                    {
                        let v = r.values();
                        let job_title = id_of(&v, names::JOB_ORDER_ID)
                            .and_then(|j| jobs.with_untracked(|list| list.iter().find(|(id, _)| *id == j).map(|(_, t)| t.clone())))
                            .unwrap_or_default();
                        let since = text(&v, names::START_DATE).map(|d| format!(" · {d}")).unwrap_or_default();
                        view! {
                            <li class="card">
                                <span><strong>{text(&v, "candidate").unwrap_or_default().to_owned()}</strong><span class="muted">{format!(" · {job_title}{since}")}</span></span>
                            </li>
                        }
                    }
                </For>
            </ul>
            <Show when=move || may_create(&store, RecordKind::Placement) && !jobs.with(Vec::is_empty)>
                <form class="inline-form" on:submit=add novalidate aria-label=move || t().linked.new_placement>
                    <div class="field">
                        <label for="new-placement-job">{move || t().linked.job_order}</label>
                        <select id="new-placement-job" on:change=move |ev| job.set(event_target_value(&ev))>
                            {move || {
                                let chosen = job.get();
                                jobs.get()
                                    .into_iter()
                                    .map(|(id, title)| {
                                        let id = id.to_string();
                                        view! { <option value=id.clone() selected=id == chosen>{title}</option> }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </div>
                    <div class="field grow">
                        <label for="new-placement-candidate">{move || t().col.candidate}</label>
                        <input id="new-placement-candidate" prop:value=move || candidate.get() on:input=move |ev| candidate.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="new-placement-start">{move || t().col.start_date}</label>
                        <input id="new-placement-start" type="date" prop:value=move || start.get() on:input=move |ev| start.set(event_target_value(&ev))/>
                    </div>
                    <button type="submit" class="button">{move || t().linked.new_placement}</button>
                    <p class="field-error" role="alert">{move || error.get()}</p>
                </form>
            </Show>
        </section>
    }
}
