//! A company's or contact's criteria (DM-1, DM-2): one control per criterion an administrator
//! defined — a select where one option is chosen, checkboxes where several may be — each choice
//! saved at once through the edit path (so offline too, and only that criterion's field).

use crate::i18n::use_i18n;
use crate::state::Store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Map;
use veld_domain::RecordKind;
use veld_domain::criteria::{Criterion, chosen, toggle};
use veld_domain::edit::Edit;
use veld_domain::sync::RecordState;

#[component]
pub fn Criteria(kind: RecordKind, record: Memo<Option<RecordState>>, may_edit: Memo<bool>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let criteria = Memo::new(move |_| {
        store.config.with(|c| c.criteria(kind)).into_iter().filter(|c| c.active).collect::<Vec<_>>()
    });
    let notice = RwSignal::new(None::<String>);
    // Chooses or drops one option of one criterion.
    let set = move |criterion: &Criterion, option: &str, on: bool| {
        let Some(r) = record.get_untracked() else { return };
        let field = criterion.field();
        let Some(value) = toggle(criterion, r.fields.get(&field).map(|f| &f.value), option, on) else { return };
        let edit = Edit::update(kind, r.id, Map::new()).set(&field, value);
        spawn_local(async move {
            let result = store.apply(edit).await;
            let t = crate::i18n::strings(store.language.get_untracked());
            notice.set(result.err().map(|e| e.text(t)));
        });
    };
    let controls = move || {
        let lang = store.language.get().code();
        criteria
            .get()
            .into_iter()
            .map(|c| {
                let field = c.field();
                let now: Vec<String> = record.with(|r| {
                    r.as_ref()
                        .map(|r| chosen(r.fields.get(&field).map(|f| &f.value)).into_iter().map(str::to_owned).collect())
                        .unwrap_or_default()
                });
                let label = c.label.get(lang).to_owned();
                let c = StoredValue::new(c);
                if c.with_value(|c| c.multiple) {
                    let boxes = c.with_value(|k| {
                        k.options
                            .iter()
                            .map(|o| {
                                let (code, checked) = (o.code.clone(), now.contains(&o.code));
                                view! {
                                    <label class="check-field">
                                        <input type="checkbox" prop:checked=checked disabled=move || !may_edit.get()
                                            on:change=move |ev| c.with_value(|c| set(c, &code, event_target_checked(&ev)))/>
                                        <span>{o.label.get(lang).to_owned()}</span>
                                    </label>
                                }
                            })
                            .collect_view()
                    });
                    view! {
                        <fieldset class="criterion">
                            <legend>{label}</legend>
                            <div class="criterion-choices">{boxes}</div>
                        </fieldset>
                    }
                    .into_any()
                } else {
                    let id = format!("criterion-{}", c.with_value(|c| c.code.clone()));
                    let current = now.first().cloned().unwrap_or_default();
                    let none = current.is_empty();
                    let options = c.with_value(|k| {
                        k.options
                            .iter()
                            .map(|o| {
                                let selected = o.code == current;
                                view! { <option value=o.code.clone() selected=selected>{o.label.get(lang).to_owned()}</option> }
                            })
                            .collect_view()
                    });
                    view! {
                        <div class="field criterion">
                            <label for=id.clone()>{label}</label>
                            <select id=id disabled=move || !may_edit.get() on:change=move |ev| {
                                let picked = event_target_value(&ev);
                                c.with_value(|c| if picked.is_empty() { set(c, &current, false) } else { set(c, &picked, true) });
                            }>
                                <option value="" selected=none>"—"</option>
                                {options}
                            </select>
                        </div>
                    }
                    .into_any()
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || criteria.with(|c| !c.is_empty())>
            <section class="card criteria" aria-labelledby="criteria-heading">
                <h2 id="criteria-heading">{move || t().col.criteria}</h2>
                <div class="criteria-controls">{controls}</div>
                <p class="form-notice" role="status">{move || notice.get()}</p>
            </section>
        </Show>
    }
}
