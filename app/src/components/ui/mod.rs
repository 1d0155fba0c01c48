//! The design system's small pieces, shared by every screen: the viewport class (phone or
//! wider), avatars and stage pills. Their look lives in `style/main.css` (tokens at its top).

mod combo;

pub use combo::{ComboOption, Combobox};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Below this width the app lays out for phones (card lists instead of tables); the same
/// breakpoint as the stylesheet's.
pub const NARROW_PX: f64 = 768.0;

/// Whether the window is phone-sized, kept up to date on resize (one listener for the app).
#[derive(Clone, Copy)]
pub struct Narrow(pub RwSignal<bool>);

fn window_is_narrow() -> bool {
    window().inner_width().ok().and_then(|w| w.as_f64()).is_some_and(|w| w < NARROW_PX)
}

/// Provides [`Narrow`] to the app (call once, at its root).
pub fn provide_viewport() {
    let narrow = RwSignal::new(window_is_narrow());
    let handle = window_event_listener(leptos::ev::resize, move |_| {
        let now = window_is_narrow();
        if narrow.get_untracked() != now {
            narrow.set(now);
        }
    });
    on_cleanup(move || handle.remove());
    provide_context(Narrow(narrow));
}

/// Whether the window is phone-sized (false where no [`Narrow`] was provided).
pub fn use_narrow() -> Signal<bool> {
    match use_context::<Narrow>() {
        Some(Narrow(n)) => n.into(),
        None => Signal::stored(false),
    }
}

/// The names of the user and their colleagues by id (owners on cards and rows).
pub fn user_names(store: crate::state::Store) -> Memo<std::collections::HashMap<veld_domain::UserId, String>> {
    Memo::new(move |_| {
        let mut names: std::collections::HashMap<veld_domain::UserId, String> =
            store.colleagues.with(|c| c.iter().map(|c| (c.id, c.name.clone())).collect());
        if let Some((id, name)) = store.me.with(|m| m.as_ref().map(|m| (m.user.id, m.user.name.clone()))) {
            names.entry(id).or_insert(name);
        }
        names
    })
}

/// Up to two initials of a name: "Sanne de Vries" → "SV", "tom" → "T".
pub fn initials(name: &str) -> String {
    let words: Vec<&str> =
        name.split_whitespace().filter(|w| w.chars().next().is_some_and(char::is_alphanumeric)).collect();
    let first = |w: &str| w.chars().next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    match words.as_slice() {
        [] => String::new(),
        [only] => first(only),
        [head, .., last] => {
            // Dutch particles ("de", "van") are not the surname's initial.
            let tail = words.iter().rev().find(|w| w.chars().next().is_some_and(char::is_uppercase)).unwrap_or(last);
            format!("{}{}", first(head), first(if tail == head { last } else { tail }))
        }
    }
}

/// A stable hue (0..360) for a name, so a person's avatar keeps its colour everywhere.
pub fn hue(seed: &str) -> u16 {
    // FNV-1a: tiny, stable across builds and platforms.
    let mut h: u32 = 0x811c_9dc5;
    for b in seed.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h % 360) as u16
}

/// A person's initials in a coloured circle; the name is for screen readers when `label`.
#[component]
pub fn Avatar(#[prop(into)] name: String, #[prop(optional)] label: Option<&'static str>) -> impl IntoView {
    let style = format!("--hue:{}", hue(&name));
    let spoken = label.map(|l| view! { <span class="visually-hidden">{format!("{l}: {name}")}</span> });
    view! {
        <span class="avatar" style=style aria-hidden="true" title=name.clone()>{initials(&name)}</span>
        {spoken}
    }
}

/// An empty or missing state: what is (not) here, why, and what to do next.
#[component]
pub fn EmptyState(
    /// A title when the page's heading does not say it already.
    #[prop(optional, into)]
    title: Option<Signal<&'static str>>,
    #[prop(into)] text: Signal<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="empty-state">
            {title.map(|title| view! { <p class="empty-state-title">{move || title.get()}</p> })}
            <p class="muted">{move || text.get()}</p>
            <div class="empty-state-actions">{children()}</div>
        </div>
    }
}

/// A stage as a pill with its colour (the same colour on lists, board and record page).
#[component]
pub fn StagePill(#[prop(into)] name: String, #[prop(into)] colour: String) -> impl IntoView {
    let style = if colour.is_empty() { String::new() } else { format!("--stage:{colour}") };
    view! { <span class="pill stage-pill" style=style>{name}</span> }
}

/// The controls the keyboard reaches, in document order (the app sets no positive tabindex).
const FOCUSABLE: &str = "input:not([type=hidden]):not([disabled]), select:not([disabled]), \
    textarea:not([disabled]), button:not([disabled]):not([tabindex='-1']), a[href], summary";

/// The controls under `scope` that are shown (not in a closed `<details>` or hidden).
fn controls(scope: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = scope.query_selector_all(FOCUSABLE) else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|e| e.get_client_rects().length() > 0)
        .collect()
}

/// Whether a control is a text field with nothing in it.
fn is_empty_field(e: &web_sys::HtmlElement) -> bool {
    if let Some(i) = e.dyn_ref::<web_sys::HtmlInputElement>() {
        !matches!(i.type_().as_str(), "checkbox" | "radio" | "file" | "date" | "button" | "submit")
            && i.value().is_empty()
    } else if let Some(t) = e.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        t.value().is_empty()
    } else {
        false
    }
}

/// After a choice in the control `from` (once the screen has followed it), moves the focus to
/// the next control of its form: the first empty text field among the next few, else the next
/// control.
pub fn focus_after(from: &'static str) {
    request_animation_frame(move || {
        let Some(start) = document().get_element_by_id(from) else { return };
        let Some(scope) = start.closest("form").ok().flatten().or_else(|| document().body().map(Into::into)) else {
            return;
        };
        let items = controls(&scope);
        let Some(at) = items.iter().position(|e| e.id() == from) else { return };
        let next = &items[at + 1..];
        let target = next.iter().take(4).find(|e| is_empty_field(e)).or_else(|| next.first());
        if let Some(e) = target {
            let _ = e.focus();
        }
    });
}

/// Moves the focus to the control `id` (once the screen has followed the change that led there).
pub fn focus_id(id: impl Into<String>) {
    let id: String = id.into();
    request_animation_frame(move || {
        if let Some(e) = document().get_element_by_id(&id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = e.focus();
        }
    });
}

/// Moves the focus to the first control of the view in `main` (a new page): the one marked
/// `data-autofocus` if any, else the first. On a phone a text box is skipped unless marked (its
/// keyboard would cover the data).
///
/// A page of a lazy route (its code comes in a chunk) appears a moment after the address
/// changed, so the page is watched for a few seconds: the focus goes to it when it replaces the
/// page that was there, or after a few frames if that page was already the new one; a later
/// call (another navigation) ends the watch.
pub fn focus_view() {
    thread_local!(static WATCH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });
    let generation = WATCH.with(|w| {
        w.set(w.get().wrapping_add(1));
        w.get()
    });
    fn page() -> Option<web_sys::Element> {
        let page = document().query_selector("main .page").ok().flatten();
        page.or_else(|| document().query_selector("main").ok().flatten())
    }
    fn watch(generation: u32, frame: u32, old: Option<web_sys::Element>, focused: Option<web_sys::HtmlElement>) {
        request_animation_frame(move || {
            if WATCH.with(std::cell::Cell::get) != generation {
                return;
            }
            let now = page();
            let replaced = now.is_some() && now != old;
            let active = document().active_element();
            // The user (or the page) moved the focus since: leave it there.
            let moved = focused.as_ref().is_some_and(|f| active.as_ref() != Some(f.unchecked_ref()));
            if replaced && !moved {
                if let Some(main) = &now {
                    focus_first(main);
                }
                return;
            }
            let focused = if frame == 8 && focused.is_none() { now.as_ref().and_then(focus_first) } else { focused };
            if frame < 180 && !moved {
                watch(generation, frame + 1, old, focused);
            }
        });
    }
    watch(generation, 0, page(), None);
}

/// Focuses the first control of `main` (see `focus_view`); the one focused, if any.
fn focus_first(main: &web_sys::Element) -> Option<web_sys::HtmlElement> {
    let active = document().active_element();
    if let Some(a) = active.as_ref().filter(|a| main.contains(Some(a.unchecked_ref()))) {
        return a.clone().dyn_into().ok(); // the page already put it somewhere
    }
    let marked =
        main.query_selector("[data-autofocus]").ok().flatten().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    let narrow = window_is_narrow();
    let first = || {
        controls(main).into_iter().find(|e| {
            !narrow
                || !(e.tag_name() == "TEXTAREA"
                    || e.dyn_ref::<web_sys::HtmlInputElement>().is_some_and(|i| i.type_() != "checkbox"))
        })
    };
    let target = marked.or_else(first)?;
    let _ = target.focus();
    Some(target)
}

/// Saves a blob under `name` through a temporary link (a file made or kept on this device).
pub fn save_blob(blob: &web_sys::Blob, name: &str) {
    use wasm_bindgen::JsCast;
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else { return };
    if let Ok(a) = document().create_element("a").map(|e| e.unchecked_into::<web_sys::HtmlAnchorElement>()) {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // The browser has taken the file by the next turn of the event loop.
    set_timeout(move || drop(web_sys::Url::revoke_object_url(&url)), std::time::Duration::from_secs(10));
}

/// Saves `text` as a file called `name` of type `mime` (an export made on the device).
pub fn save_text(text: &str, mime: &str, name: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        save_blob(&blob, name);
    }
}

/// Today on this device, as `YYYY-MM-DD`.
pub fn today() -> String {
    let d = js_sys::Date::new_0();
    format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_first_name_and_surname() {
        assert_eq!(initials("Sanne de Vries"), "SV");
        assert_eq!(initials("Tom Jansen"), "TJ");
        assert_eq!(initials("tom"), "T");
        assert_eq!(initials("  "), "");
        assert_eq!(initials("ana-maria popescu"), "AP");
        assert_eq!(initials("Ion van der Berg"), "IB");
        assert_eq!(initials("Ștefan Ionescu"), "ȘI");
    }

    #[test]
    fn hues_are_stable_and_spread() {
        assert_eq!(hue("Sanne de Vries"), hue("Sanne de Vries"));
        let hues: std::collections::BTreeSet<u16> =
            ["Sanne", "Tom", "Lotte", "Pieter", "Admin", "Eva", "Ion"].iter().map(|n| hue(n)).collect();
        assert!(hues.len() >= 6, "{hues:?}");
        assert!(hues.iter().all(|h| *h < 360));
    }
}
