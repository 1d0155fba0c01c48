//! One field of the General form: its label, the control for its `schema::FieldType`, the
//! stage's instructions under a stage, and its error.

use super::FormCtx;
use super::model::value_text;
use crate::components::linked::{ACTIVITY_TYPES, activity_type_label};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use veld_domain::config::Table;
use veld_domain::schema::{Field, FieldType};

/// `<option>`s that each say whether they are the chosen one: when the list changes with the
/// saved value, the select must not fall back to the first.
fn options(list: Vec<(String, String)>, value: impl Fn() -> String + Copy + Send + Sync + 'static) -> impl IntoView {
    list.into_iter()
        .map(|(code, label)| {
            let mine = code.clone();
            view! { <option value=code prop:selected=move || value() == mine>{label}</option> }
        })
        .collect_view()
}

#[component]
pub fn FormField(ctx: FormCtx, field: &'static Field) -> impl IntoView {
    let t = use_i18n();
    let (store, kind, name) = (ctx.store, ctx.kind, field.name);
    // In the user's language, also after they switch it.
    let label = Signal::derive(move || crate::i18n::field_label(t(), name));
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let value = move || ctx.values.with(|v| v.get(name).cloned().unwrap_or_default());
    let on_input = move |ev| ctx.type_into(name, event_target_value(&ev));
    let invalid = move || ctx.errors.with(|e| e.contains_key(name)).to_string();
    let disabled = move || !ctx.may_edit.get();
    // The value as saved: a stage's choices and a table's options follow it, not every edit.
    let saved = Memo::new(move |_| {
        ctx.record
            .with(|r| r.as_ref().and_then(|r| r.fields.get(name)).map(|f| value_text(Some(&f.value))))
            .unwrap_or_default()
    });
    let (select_id, select_error) = (id.clone(), error_id.clone());
    let select = move |list: Box<dyn Fn() -> Vec<(String, String)> + Send + Sync>| {
        view! {
            <select id=select_id.clone() prop:value=value on:change=on_input disabled=disabled aria-describedby=select_error.clone()>
                {move || options(list(), value)}
            </select>
        }
        .into_any()
    };
    let lang = move || store.language.get().code();
    let control = match field.ty {
        // Only the stages the saved one may move to (LO-4).
        FieldType::Stage => select(Box::new(move || {
            let (lang, saved) = (lang(), saved.get());
            store.config.with(|c| {
                let from = Some(saved.as_str()).filter(|s| !s.is_empty());
                c.stage_choices(kind, from, lang)
            })
        })),
        FieldType::Table(table) => select(Box::new(move || {
            let (lang, saved) = (lang(), saved.get());
            let mut l = vec![(String::new(), "—".to_owned())];
            store.config.with(|c| {
                l.extend(c.table_choices(kind, table, lang))
            });
            if !saved.is_empty() && !l.iter().any(|(c, _)| *c == saved) {
                l.push((saved.clone(), saved));
            }
            l
        })),
        FieldType::Owner => {
            let saved_owner = Memo::new(move |_| ctx.record.with(|r| r.as_ref().map(|r| r.owner_id)));
            select(Box::new(move || {
                let mut list = store.owner_choices();
                if let Some(saved) = saved_owner.get().filter(|s| !list.iter().any(|(id, _)| *id == s.to_string())) {
                    let me = store.me.with(|m| m.as_ref().filter(|m| m.user.id == saved).map(|m| m.user.name.clone()));
                    list.push((saved.to_string(), me.unwrap_or_else(|| t().pending.someone.to_owned())));
                }
                list
            }))
        }
        FieldType::ActivityType => {
            select(Box::new(move || ACTIVITY_TYPES.map(|c| (c.to_owned(), activity_type_label(t(), c).to_owned())).to_vec()))
        }
        FieldType::Groups => view! { <GroupBoxes ctx=ctx name=name label=label id=id.clone()/> }.into_any(),
        FieldType::Check => view! {
            <input id=id.clone() type="checkbox" class="check" prop:checked=move || value() == "true" disabled=disabled
                on:change=move |ev| ctx.type_into(name, event_target_checked(&ev).to_string()) aria-describedby=error_id.clone()/>
        }
        .into_any(),
        FieldType::LongText => view! {
            <textarea id=id.clone() prop:value=value placeholder="—" on:input=on_input disabled=disabled aria-invalid=invalid aria-describedby=error_id.clone() rows="3"></textarea>
        }
        .into_any(),
        other => {
            let numeric = matches!(other, FieldType::Money | FieldType::Percent);
            let kind_attr = if other == FieldType::Date { "date" } else { "text" };
            view! {
                <input id=id.clone() type=kind_attr inputmode=if numeric { "numeric" } else { "text" } prop:value=value placeholder="—"
                    on:input=on_input aria-invalid=invalid aria-describedby=error_id.clone() disabled=disabled/>
            }
            .into_any()
        }
    };
    // The stage the form shows (saved or just chosen): its instructions appear under it.
    let instructions = move || {
        let code = value();
        store
            .config
            .with(|c| c.stages(kind).get(&code).map(|s| s.instructions.get(lang()).to_owned()))
            .filter(|s| !s.is_empty())
    };
    let wide = matches!(field.ty, FieldType::LongText | FieldType::Text | FieldType::Groups);
    let heading = if field.ty == FieldType::Groups {
        view! { <span class="label-text">{label}</span> }.into_any()
    } else {
        view! { <label for=id>{label}</label> }.into_any()
    };
    view! {
        <div class="field" class:wide=wide class:changed=move || ctx.dirty.with(|d| d.contains(name))>
            {heading}
            {control}
            {(field.ty == FieldType::Stage).then(|| view! { <p class="instructions" aria-live="polite">{instructions}</p> })}
            <p class="field-error" id=error_id>{move || ctx.errors.with(|e| e.get(name).cloned())}</p>
        </div>
    }
}

/// A box per group of the kind's group table (CF-2).
#[component]
fn GroupBoxes(ctx: FormCtx, name: &'static str, label: Signal<String>, id: String) -> impl IntoView {
    let store = ctx.store;
    let boxes = move || {
        let lang = store.language.get().code();
        let entries = store.config.with(|c| c.table_choices(ctx.kind, Table::Group, lang));
        entries
            .into_iter()
            .map(|(code, label)| {
                let mine = code.clone();
                let checked = move || ctx.values.with(|v| v.get(name).is_some_and(|g| g.split(',').any(|x| x == mine)));
                let toggle = move |ev| {
                    let text = ctx.values.with_untracked(|v| v.get(name).cloned().unwrap_or_default());
                    ctx.type_into(name, super::model::toggle_group(&text, &code, event_target_checked(&ev)));
                };
                view! {
                    <label class="check-field"><input type="checkbox" prop:checked=checked on:change=toggle disabled=move || !ctx.may_edit.get()/>{label}</label>
                }
            })
            .collect_view()
    };
    view! { <div class="check-group" id=id role="group" aria-label=move || label.get()>{boxes}</div> }
}
