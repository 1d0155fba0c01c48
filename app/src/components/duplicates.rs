//! Possible duplicates of a company, contact or lead (issue 14) — the same e-mail address or
//! phone number, or a similar name (`veld_domain::duplicates`) — found among the records on
//! this device, and merging one into the record shown: both records' values side by side, the
//! user choosing per field which stays. The server carries the merge out (it moves links this
//! device may not hold); the result arrives with the next pull.

use crate::components::history::value_label;
use crate::i18n::{Strings, field_label, use_i18n};
use crate::state::{Connection, Store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use std::collections::BTreeSet;
use veld_domain::duplicates::{Candidate, Keys, Reason};
use veld_domain::merge::MergeRequest;
use veld_domain::records::display_name;
use veld_domain::schema::names;
use veld_domain::sync::RecordState;
use veld_domain::{Action, RecordKind};

/// At most this many possible duplicates are listed (the likeliest).
const SHOWN: usize = 5;

/// A text field of a stored record, read in place (trimmed; `None` when blank).
fn field_text<'a>(r: &'a RecordState, field: &str) -> Option<&'a str> {
    r.fields.get(field)?.value.as_str().map(str::trim).filter(|s| !s.is_empty())
}

fn reason_text(t: &Strings, reasons: &[Reason]) -> String {
    let words: Vec<&str> = reasons
        .iter()
        .map(|r| match r {
            Reason::Email => t.merge.same_email,
            Reason::Phone => t.merge.same_phone,
            Reason::Name => t.merge.similar_name,
        })
        .collect();
    words.join(" · ")
}

/// How a possible duplicate is named: a lead with its number (two leads often share a title).
fn listed_name(kind: RecordKind, r: &RecordState) -> String {
    let name = display_name(kind, &r.values());
    match field_text(r, names::NUMBER) {
        Some(number) => format!("{number} · {name}"),
        None => name,
    }
}

/// The records that may be the same as `id` (with keys `mine`), likeliest first, with names.
fn candidates(store: &Store, kind: RecordKind, id: uuid::Uuid, mine: &Keys) -> Vec<(Candidate, String)> {
    let mut found = Vec::new();
    store.visible_each(&[kind], |r| {
        // A lead is compared only with the leads of its company: the rest are passed over
        // without reading their names (tens of thousands on a big device).
        let scoped_out =
            mine.scope.as_deref().is_some_and(|s| field_text(r, names::COMPANY_ID).unwrap_or_default() != s);
        if r.id == id || scoped_out {
            return;
        }
        let keys = Keys::by(kind, |f| field_text(r, f));
        if let Some((reasons, score)) = mine.compare(&keys) {
            found.push((Candidate { id: r.id, reasons, score }, listed_name(kind, r)));
        }
    });
    found.sort_by(|a, b| b.0.score.total_cmp(&a.0.score).then(a.1.cmp(&b.1)));
    found.truncate(SHOWN);
    found
}

#[component]
pub fn Duplicates(kind: RecordKind, record: Memo<Option<RecordState>>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    // This record's keys: the list is redone when they change, not on every edit or sync.
    let keys = Memo::new(move |_| record.with(|r| r.as_ref().map(|r| (r.id, Keys::by(kind, |f| field_text(r, f))))));
    let found = RwSignal::new(Vec::<(Candidate, String)>::new());
    Effect::new(move |_| {
        let Some((id, mine)) = keys.get() else { return };
        // After the page has drawn: it is a pass over every record of the kind.
        set_timeout(
            move || found.set(untrack(|| candidates(&store, kind, id, &mine))),
            std::time::Duration::from_millis(0),
        );
    });
    let comparing = RwSignal::new(None::<uuid::Uuid>);
    let done = RwSignal::new(None::<String>);
    let may_merge = move |other: uuid::Uuid| {
        let mine = record.with_untracked(|r| r.as_ref().is_some_and(|r| store.may(Action::Edit, r)));
        mine && store.visible_one(kind, other).is_some_and(|o| store.may(Action::Delete, &o))
    };
    let base = crate::overview::base(kind);
    let items = move || {
        let t = t();
        found
            .get()
            .into_iter()
            .map(|(c, name)| {
                let other = c.id;
                let label = (t.merge.compare_label)(&name);
                view! {
                    <li class="duplicate">
                        <span class="duplicate-name">
                            <A href=format!("{base}/{other}")>{name.clone()}</A>
                            <span class="muted">{reason_text(t, &c.reasons)}</span>
                        </span>
                        {may_merge(other).then(|| view! {
                            <button type="button" class="button" id=format!("merge-{other}") aria-label=label
                                on:click=move |_| comparing.set(Some(other))>{t.merge.compare}</button>
                        })}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || found.with(|f| !f.is_empty()) || done.with(Option::is_some)>
            <section class="card duplicates" aria-labelledby="duplicates-heading">
                <h2 id="duplicates-heading">{move || t().merge.title}</h2>
                <p role="status" class="muted">{move || done.get()}</p>
                <ul class="duplicate-list">{items}</ul>
            </section>
        </Show>
        {move || comparing.get().map(|other| view! {
            <MergeDialog kind=kind record=record other=other comparing=comparing
                on_merged=move |name: String| {
                    found.update(|f| f.retain(|(c, _)| c.id != other));
                    done.set(Some((t().merge.merged)(&name)));
                    crate::components::ui::focus_id("duplicates-heading");
                }/>
        })}
    }
}

/// The keys of every record of `kind` on the device, with its name: computed once per change of
/// the data, so a keystroke only compares.
pub(crate) fn all_keys(store: &Store, kind: RecordKind) -> Vec<(uuid::Uuid, Keys, String)> {
    let mut out = Vec::new();
    store.visible_each(&[kind], |r| {
        let keys = Keys::by(kind, |f| field_text(r, f));
        out.push((r.id, keys, display_name(kind, &r.values())));
    });
    out
}

/// Every pair of possibly duplicate records of `kind` on this device (`duplicates::groups`),
/// likeliest first, each with "Compare and merge" — the first of the pair is kept.
#[component]
pub fn PossibleDuplicates(kind: RecordKind) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let merged = RwSignal::new(BTreeSet::<uuid::Uuid>::new());
    let pairs = Memo::new(move |_| {
        let all = all_keys(&store, kind);
        let names: std::collections::HashMap<uuid::Uuid, String> =
            all.iter().map(|(id, _, name)| (*id, name.clone())).collect();
        let keys: Vec<(uuid::Uuid, Keys)> = all.into_iter().map(|(id, k, _)| (id, k)).collect();
        let mut found: Vec<(uuid::Uuid, uuid::Uuid, Vec<Reason>, f64)> = veld_domain::duplicates::groups(&keys);
        found.sort_by(|a, b| b.3.total_cmp(&a.3).then_with(|| names.get(&a.0).cmp(&names.get(&b.0))));
        found
            .into_iter()
            .map(|(a, b, reasons, _)| {
                let name = |id| names.get(&id).cloned().unwrap_or_default();
                (a, name(a), b, name(b), reasons)
            })
            .collect::<Vec<_>>()
    });
    let comparing = RwSignal::new(None::<(uuid::Uuid, uuid::Uuid)>);
    let done = RwSignal::new(None::<String>);
    let base = crate::overview::base(kind);
    let may_merge = move |keep: uuid::Uuid, other: uuid::Uuid| {
        store.visible_one(kind, keep).is_some_and(|r| store.may(Action::Edit, &r))
            && store.visible_one(kind, other).is_some_and(|o| store.may(Action::Delete, &o))
    };
    let items = move || {
        let t = t();
        let gone = merged.get();
        pairs
            .get()
            .into_iter()
            .filter(|(a, _, b, _, _)| !gone.contains(a) && !gone.contains(b))
            .map(|(a, a_name, b, b_name, reasons)| {
                let label = (t.merge.compare_pair)(&a_name, &b_name);
                view! {
                    <li class="duplicate-pair">
                        <span class="duplicate-names">
                            <A href=format!("{base}/{a}")>{a_name.clone()}</A>
                            <span aria-hidden="true">" ↔ "</span>
                            <A href=format!("{base}/{b}")>{b_name.clone()}</A>
                        </span>
                        <span class="muted">{reason_text(t, &reasons)}</span>
                        {may_merge(a, b).then(|| view! {
                            <button type="button" class="button" id=format!("merge-{a}-{b}") aria-label=label
                                on:click=move |_| comparing.set(Some((a, b)))>{t.merge.compare}</button>
                        })}
                    </li>
                }
            })
            .collect_view()
    };
    let shown = move || {
        let gone = merged.get();
        pairs.with(|p| p.iter().filter(|(a, _, b, _, _)| !gone.contains(a) && !gone.contains(b)).count())
    };
    view! {
        <p role="status" class="muted">{move || done.get()}</p>
        <p class="duplicates-count" id="duplicates-count">{move || (t().merge.pairs)(shown())}</p>
        <Show when=move || { shown() > 0 } fallback=move || view! { <p class="muted">{move || t().merge.none}</p> }>
            <ul class="duplicate-pairs" aria-labelledby="duplicates-count">{items}</ul>
        </Show>
        {move || comparing.get().map(|(keep, other)| {
            let record = Memo::new(move |_| store.visible_one(kind, keep));
            let open = RwSignal::new(Some(other));
            Effect::new(move |_| if open.get().is_none() { comparing.set(None) });
            view! {
                <MergeDialog kind=kind record=record other=other comparing=open
                    on_merged=move |name: String| {
                        merged.update(|m| { m.insert(other); });
                        done.set(Some((t().merge.merged)(&name)));
                        crate::components::ui::focus_id("duplicates-count");
                    }/>
            }
        })}
    }
}

/// While a new company or contact is typed (quick create): the likeliest existing one that may be
/// the same, said as the user types (a live region), with a button to use it instead.
/// `typed` gives the typed text per field; `on_use` receives the existing record's id.
#[component]
pub fn DuplicateHint(
    kind: RecordKind,
    #[prop(into)] typed: Signal<Vec<(&'static str, String)>>,
    on_use: Callback<String>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let everyone = Memo::new(move |_| std::sync::Arc::new(all_keys(&store, kind)));
    // A typed phone is compared as it would be stored (E.164 where the country is known).
    let keys = Memo::new(move |_| {
        let fields = typed.get();
        let phone = fields
            .iter()
            .find(|(f, _)| *f == names::PHONE)
            .and_then(|(_, p)| veld_domain::Phone::parse(p, Some("NL")).ok());
        Keys::by(kind, |f| {
            if f == names::PHONE {
                return phone.as_ref().map(|p| p.as_str());
            }
            fields.iter().find(|(n, _)| *n == f).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
        })
    });
    let best = Memo::new(move |_| {
        let mine = keys.get();
        if mine.name.chars().count() < 3 && mine.email.is_none() && mine.phone.is_none() {
            return None;
        }
        everyone.with(|all| {
            all.iter()
                .filter_map(|(id, k, name)| mine.compare(k).map(|(reasons, score)| (score, *id, name.clone(), reasons)))
                .max_by(|a, b| a.0.total_cmp(&b.0))
        })
    });
    move || {
        best.get().map(|(_, id, name, reasons)| {
            let t = t();
            let label = (t.merge.use_existing_label)(&name);
            view! {
                <p class="duplicate-hint" role="status">
                    <span>{(t.merge.maybe_same)(&name)}" "<span class="muted">{format!("({})", reason_text(t, &reasons))}</span></span>
                    <button type="button" class="button" aria-label=label on:click=move |_| on_use.run(id.to_string())>
                        {t.merge.use_existing}
                    </button>
                </p>
            }
        })
    }
}

/// One field of the comparison (`veld_domain::merge::choices`): the survivor's value and the
/// other's as the user reads them, and whether the other's fills a gap without asking.
struct Row {
    field: &'static str,
    mine: String,
    theirs: String,
    fills: bool,
}

fn rows(store: &Store, kind: RecordKind, mine: &RecordState, theirs: &RecordState) -> Vec<Row> {
    let (a, b) = (mine.values(), theirs.values());
    let label = |v: Option<&serde_json::Value>, field: &str| {
        v.map(|v| value_label(store, kind, field, v)).unwrap_or_else(|| "—".to_owned())
    };
    veld_domain::merge::choices(kind, &a, &b)
        .into_iter()
        .map(|c| Row {
            field: c.field,
            mine: label(a.get(c.field), c.field),
            theirs: label(b.get(c.field), c.field),
            fills: c.fills,
        })
        .collect()
}

/// Both records side by side in a modal dialog: per field the value that stays, then Merge.
#[component]
fn MergeDialog(
    kind: RecordKind,
    record: Memo<Option<RecordState>>,
    other: uuid::Uuid,
    comparing: RwSignal<Option<uuid::Uuid>>,
    on_merged: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let mine = record.get_untracked();
    let theirs = store.visible_one(kind, other);
    let (Some(mine), Some(theirs)) = (mine, theirs) else { return ().into_any() };
    let survivor = mine.id;
    let other_name = display_name(kind, &theirs.values());
    let rows = rows(&store, kind, &mine, &theirs);
    let take = RwSignal::new(BTreeSet::<&'static str>::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    // Opened as a modal: a backdrop, the rest of the page inert, Escape closes; the browser
    // returns the focus to the button that opened it.
    Effect::new(move |_| {
        if let Some(d) = dialog.get()
            && !d.open()
        {
            let _ = d.show_modal();
        }
    });
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
        comparing.set(None);
    };
    let name = other_name.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = crate::i18n::strings(store.language.get_untracked());
        if store.unsent(survivor) || store.unsent(other) {
            error.set(Some(t.merge.wait_sync.to_owned()));
            store.sync_now();
            return;
        }
        let request = MergeRequest {
            survivor,
            merged: other,
            take: take.get_untracked().into_iter().map(str::to_owned).collect(),
        };
        busy.set(true);
        error.set(None);
        let name = name.clone();
        spawn_local(async move {
            let result = store.merge(kind, &request).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    close();
                    on_merged(name);
                }
                Err(e) => error.set(Some(e.text(t))),
            }
        });
    };
    let online = move || store.connection.get() == Connection::Online;
    let fields = if rows.is_empty() {
        view! { <p class="muted">{move || t().merge.nothing_differs}</p> }.into_any()
    } else {
        rows.into_iter()
            .map(|row| {
                let field = row.field;
                let group = format!("merge-field-{field}");
                let legend = move || field_label(t(), field);
                if row.fills {
                    return view! {
                        <div class="merge-field" role="group" aria-label=legend>
                            <p class="merge-legend">{legend}</p>
                            <p class="merge-fill">{row.theirs}<span class="muted">" · "{move || t().merge.filled}</span></p>
                        </div>
                    }
                    .into_any();
                }
                view! {
                    <fieldset class="merge-field">
                        <legend class="merge-legend">{legend}</legend>
                        <div class="merge-choices">
                            <label class="merge-choice">
                                <input type="radio" name=group.clone() prop:checked=move || !take.with(|s| s.contains(field))
                                    on:change=move |_| take.update(|s| { s.remove(field); })/>
                                <span>{row.mine}<small class="muted">{move || t().merge.this_record}</small></span>
                            </label>
                            <label class="merge-choice">
                                <input type="radio" name=group prop:checked=move || take.with(|s| s.contains(field))
                                    on:change=move |_| take.update(|s| { s.insert(field); })/>
                                <span>{row.theirs}<small class="muted">{move || t().merge.other_record}</small></span>
                            </label>
                        </div>
                    </fieldset>
                }
                .into_any()
            })
            .collect_view()
            .into_any()
    };
    let title = (untrack(t).merge.dialog_title)(&other_name);
    view! {
        <dialog node_ref=dialog class="merge-dialog" aria-labelledby="merge-title" on:close=move |_| comparing.set(None)>
            <form on:submit=submit novalidate>
                <h2 id="merge-title">{title}</h2>
                <p class="muted">{move || t().merge.intro}</p>
                {fields}
                <p class="field-error" role="alert">{move || error.get()}</p>
                <Show when=move || !online()>
                    <p class="notice">{move || t().auto.needs_connection}</p>
                </Show>
                <div class="dialog-actions">
                    <button type="button" class="button subtle" on:click=move |_| close()>{move || t().common.cancel}</button>
                    <button type="submit" class="button primary" disabled=move || busy.get() || !online()>
                        {move || t().merge.merge}
                    </button>
                </div>
            </form>
        </dialog>
    }
    .into_any()
}
