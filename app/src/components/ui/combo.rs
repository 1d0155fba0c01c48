//! A combobox (the ARIA pattern: a text box with a list of options under it): type to filter,
//! ↓/↑ to move through the options, Enter to choose, Escape to close. Choosing moves the
//! focus to the next field. The owner decides what the options are and what the box shows.

use leptos::prelude::*;

/// One option of a [`Combobox`].
#[derive(Clone, Debug, PartialEq)]
pub struct ComboOption {
    /// What the owner is told when it is chosen.
    pub key: String,
    pub label: String,
    /// A second, quieter line (city, e-mail…).
    pub detail: String,
    /// Why it cannot be chosen, shown with it; `None` = it can.
    pub refused: Option<String>,
    /// An option that makes something new ("Create company …"), shown apart.
    pub create: bool,
}

/// A text box with a list of options.
#[component]
pub fn Combobox(
    /// The input's id (the label's `for`).
    id: &'static str,
    #[prop(into)] label: Signal<String>,
    /// What the box shows (the chosen record's name, or what was typed).
    #[prop(into)]
    text: Signal<String>,
    /// The user typed: the box's new text.
    on_text: Callback<String>,
    #[prop(into)] options: Signal<Vec<ComboOption>>,
    /// An option was chosen (its key).
    on_choose: Callback<String>,
    #[prop(optional, into)] placeholder: Signal<&'static str>,
    /// An error shown under the box (and named as its description).
    #[prop(optional, into)]
    error: Signal<Option<String>>,
    /// A hint under the box (a chosen record's detail, "New company"…).
    #[prop(optional, into)]
    hint: Signal<Option<String>>,
    /// The view's first control (focused when the view opens).
    #[prop(optional)]
    autofocus: bool,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let active = RwSignal::new(0usize);
    let list_id = format!("{id}-options");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let option_id = move |i: usize| format!("{id}-option-{i}");
    // New options: the first is the active one again.
    Effect::new(move |_| {
        options.track();
        active.set(0);
    });
    let expanded = move || open.get() && !options.with(Vec::is_empty);
    let choose = move |i: usize| {
        let Some(o) = options.with_untracked(|os| os.get(i).cloned()) else { return };
        if o.refused.is_some() {
            return;
        }
        open.set(false);
        on_choose.run(o.key);
        super::focus_after(id);
    };
    let keydown = move |ev: leptos::ev::KeyboardEvent| {
        let n = options.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" | "ArrowUp" if n > 0 => {
                ev.prevent_default();
                if !open.get_untracked() {
                    open.set(true);
                    return;
                }
                let i = active.get_untracked();
                active.set(if ev.key() == "ArrowDown" { (i + 1) % n } else { (i + n - 1) % n });
            }
            "Enter" if open.get_untracked() && n > 0 => {
                // Chooses, instead of submitting the form.
                ev.prevent_default();
                choose(active.get_untracked());
            }
            "Escape" if open.get_untracked() => {
                ev.prevent_default();
                ev.stop_propagation();
                open.set(false);
            }
            _ => {}
        }
    };
    view! {
        <div class="field combo">
            <label for=id>{move || label.get()}</label>
            <input
                id=id
                type="text"
                role="combobox"
                autocomplete="off"
                data-autofocus=autofocus.then_some("")
                aria-autocomplete="list"
                aria-controls=list_id.clone()
                aria-expanded=move || expanded().to_string()
                aria-activedescendant=move || expanded().then(|| option_id(active.get()))
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=format!("{error_id} {hint_id}")
                placeholder=move || placeholder.get()
                prop:value=move || text.get()
                on:input=move |ev| {
                    on_text.run(event_target_value(&ev));
                    open.set(true);
                }
                on:focus=move |_| open.set(true)
                on:blur=move |_| open.set(false)
                on:keydown=keydown
            />
            <ul id=list_id role="listbox" aria-label=move || label.get() class="combo-options" hidden=move || !expanded()>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, o)| {
                            let refused = o.refused.is_some();
                            view! {
                                <li
                                    id=option_id(i)
                                    role="option"
                                    class="combo-option"
                                    class:create=o.create
                                    class:active=move || active.get() == i
                                    aria-selected=move || (active.get() == i).to_string()
                                    aria-disabled=refused.then_some("true")
                                    // (mousedown would blur the box first and close the list.)
                                    on:mousedown=move |ev| ev.prevent_default()
                                    on:click=move |_| choose(i)
                                >
                                    <span class="combo-label">{o.label}</span>
                                    {(!o.detail.is_empty()).then(|| view! { <span class="muted">{o.detail}</span> })}
                                    {o.refused.map(|why| view! { <span class="blocked-reason">{why}</span> })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="field-hint" id=hint_id>{move || hint.get()}</p>
            <p class="field-error" id=error_id>{move || error.get()}</p>
        </div>
    }
}
