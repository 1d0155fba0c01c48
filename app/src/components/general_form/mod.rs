//! A record's General form (LO-4): its fields per kind (the record schema's), Save (through the
//! one edit path: only the fields typed in travel, checked on the spot) and Cancel (discards
//! edits). A sync landing while the user types does not overwrite the fields being typed in.
//!
//! `model.rs` holds the form's logic (natively tested); `field.rs` renders one field.

mod field;
pub mod model;

use crate::i18n::use_i18n;
use crate::state::{EditError, Store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use model::{Typed, form_fields, read_form, refreshed, value_text};
use std::collections::{BTreeMap, BTreeSet};
use veld_domain::RecordKind;
use veld_domain::edit::Edit;
use veld_domain::sync::{OWNER_FIELD, RecordState};
use wasm_bindgen::JsCast;

/// The form's state, shared by its fields.
#[derive(Clone, Copy)]
pub struct FormCtx {
    kind: RecordKind,
    store: Store,
    record: Memo<Option<RecordState>>,
    may_edit: Memo<bool>,
    /// The text per field, and the fields typed in since the last save.
    values: RwSignal<Typed>,
    dirty: RwSignal<BTreeSet<&'static str>>,
    errors: RwSignal<BTreeMap<&'static str, String>>,
    notice: RwSignal<Option<String>>,
}

impl FormCtx {
    /// The user typed `text` into field `name` (`model::type_into`).
    fn type_into(&self, name: &'static str, text: String) {
        let probability = (self.kind == RecordKind::Opportunity)
            .then(|| {
                self.store.config.with_untracked(|c| c.stages(self.kind).get(&text).map(|s| i64::from(s.probability)))
            })
            .flatten();
        self.values.update(|v| self.dirty.update(|d| model::type_into(v, d, name, text, probability)));
        self.notice.set(None);
    }

    /// The stored value of a field as text (the owner is the record's ownership).
    fn stored(&self, name: &str) -> String {
        self.record
            .with_untracked(|r| {
                let r = r.as_ref()?;
                Some(if name == OWNER_FIELD {
                    r.owner_id.to_string()
                } else {
                    value_text(r.fields.get(name).map(|f| &f.value))
                })
            })
            .unwrap_or_default()
    }

    /// Shows the stored values again: all of them (`all`, Cancel), or all but those typed in.
    fn refresh(&self, all: bool) {
        let keep = if all { BTreeSet::new() } else { self.dirty.get_untracked() };
        let next = self.values.with_untracked(|v| refreshed(&form_fields(self.kind), v, &keep, |n| self.stored(n)));
        if let Some(next) = next {
            self.values.set(next);
        }
        if all {
            self.errors.set(BTreeMap::new());
            self.dirty.set(BTreeSet::new());
        }
    }

    /// Puts the stored value of one field back (Escape in it): only that field's edit is undone.
    fn revert(&self, name: &'static str) {
        let stored = self.stored(name);
        self.values.update(|v| {
            v.insert(name, stored);
        });
        self.dirty.update(|d| {
            d.remove(name);
        });
        self.errors.update(|e| {
            e.remove(name);
        });
    }

    /// A refusal next to its field, or in the form's notice.
    fn show(&self, e: &EditError, t: &crate::i18n::Strings) {
        match e.field().and_then(|f| form_fields(self.kind).into_iter().map(|x| x.name).find(|n| *n == f)) {
            Some(field) => {
                self.errors.set([(field, e.text(t))].into());
                self.notice.set(None);
            }
            None => {
                self.errors.set(BTreeMap::new());
                self.notice.set(Some(e.text(t)));
            }
        }
    }

    /// Saves the fields typed in, through the one edit path.
    fn save(self) {
        crate::perf::mark("veld:edit:submit");
        let t = crate::i18n::strings(self.store.language.get_untracked());
        let Some(id) = self.record.with_untracked(|r| r.as_ref().map(|r| r.id)) else { return };
        let (typed, editing) = (self.values.get_untracked(), self.dirty.get_untracked());
        // Only the fields the user changed travel: an untouched one must never overwrite a
        // colleague's concurrent edit of it.
        let changed = match read_form(&form_fields(self.kind), &typed, &editing, t) {
            Ok(changed) => changed,
            Err(problems) => return self.errors.set(problems),
        };
        self.errors.set(BTreeMap::new());
        let prepared = match self.store.check(Edit::update(self.kind, id, changed)) {
            Err(e) => return self.show(&e, t),
            Ok(None) => {
                self.dirty.set(BTreeSet::new());
                return self.notice.set(Some(t.record.nothing_changed.to_owned()));
            }
            Ok(Some(prepared)) => prepared,
        };
        self.dirty.set(BTreeSet::new());
        spawn_local(async move {
            match self.store.save(prepared).await {
                Ok(_) => self.notice.set(Some(t.record.saved_locally.to_owned())),
                // Not stored: the form gets back what the user typed, to try again.
                Err(e) => {
                    self.values.set(typed);
                    self.dirty.set(editing);
                    self.show(&e, t);
                }
            }
        });
    }
}

/// The General tab: the record's fields with Save (validates) and Cancel (discards edits).
#[component]
pub fn GeneralForm(kind: RecordKind, record: Memo<Option<RecordState>>, may_edit: Memo<bool>) -> impl IntoView {
    let t = use_i18n();
    let ctx = FormCtx {
        kind,
        store: expect_context::<Store>(),
        record,
        may_edit,
        values: RwSignal::new(BTreeMap::new()),
        dirty: RwSignal::new(BTreeSet::new()),
        errors: RwSignal::new(BTreeMap::new()),
        notice: RwSignal::new(None),
    };
    Effect::new(move |_| {
        record.track();
        ctx.refresh(false);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.save();
    };
    // Escape in a field undoes what was typed in it.
    let keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Escape" {
            return;
        }
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let id = target.id();
        let field = form_fields(kind).into_iter().map(|f| f.name).find(|n| id.strip_prefix("field-") == Some(*n));
        if let Some(name) = field.filter(|n| ctx.dirty.with_untracked(|d| d.contains(n))) {
            ev.prevent_default();
            ctx.revert(name);
        }
    };
    let clean = move || ctx.dirty.with(BTreeSet::is_empty);
    view! {
        // Read mode with edit in place: the fields read as values until pointed at or focused;
        // Save and Cancel show once something is typed, with how many fields changed.
        <form class="card record-form inline-edit" on:submit=submit on:keydown=keydown novalidate aria-label=move || t().tab.general>
            <h2 id="general-heading">{move || t().tab.general}</h2>
            <div class="form-grid">
                {form_fields(kind).into_iter().map(|field| view! { <field::FormField ctx=ctx field=field/> }).collect_view()}
            </div>
            <p class="form-notice" role="status">{move || ctx.notice.get()}</p>
            <div class="form-actions" hidden=clean>
                <span class="unsaved">{move || (t().record.unsaved)(ctx.dirty.with(BTreeSet::len))}</span>
                <button type="submit" class="button primary" disabled=move || !may_edit.get()>{move || t().common.save}</button>
                <button type="button" class="button" on:click=move |_| { ctx.refresh(true); ctx.notice.set(None); }>{move || t().common.cancel}</button>
            </div>
        </form>
    }
}
