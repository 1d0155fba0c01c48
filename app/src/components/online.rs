//! How a list read from the server (online only) shows: loading, offline, not on the server
//! (yet), the server's refusal, empty, or the list itself.

use crate::i18n::Strings;
use crate::state::OnlineError;
use leptos::prelude::*;

/// A list's own words for its states.
pub struct OnlineTexts {
    pub offline: fn(&Strings) -> &'static str,
    /// The record is not on the server (created here, unsent).
    pub not_found: fn(&Strings) -> &'static str,
    pub empty: fn(&Strings) -> &'static str,
}

/// The body of an online-only list: `render` shows a non-empty one.
pub fn online_list<T>(
    t: &'static Strings,
    result: Option<Result<Vec<T>, OnlineError>>,
    texts: &OnlineTexts,
    render: impl FnOnce(Vec<T>) -> AnyView,
) -> AnyView {
    match result {
        None => view! { <p class="muted">{t.app.loading}</p> }.into_any(),
        Some(Err(OnlineError::Offline)) => view! { <p class="muted">{(texts.offline)(t)}</p> }.into_any(),
        Some(Err(OnlineError::NotFound)) => view! { <p class="muted">{(texts.not_found)(t)}</p> }.into_any(),
        Some(Err(e)) => view! { <p class="notice">{e.text(t)}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{(texts.empty)(t)}</p> }.into_any(),
        Some(Ok(list)) => render(list),
    }
}
