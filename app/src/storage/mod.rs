//! The only code that touches browser storage: the cached identity (so a logged-in user keeps
//! working offline) and the login page's language choice in `localStorage` (here), and the
//! records, outbox and sync metadata in IndexedDB ([`local`]).

pub mod local;

use veld_domain::Language;
use veld_domain::api::Me;

const IDENTITY_KEY: &str = "veld.identity.v1";
const LANGUAGE_KEY: &str = "veld.language";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The identity cached at the last successful login or `/api/me`; `None` if absent or unreadable
/// (an unreadable entry is dropped rather than trusted).
pub fn load_identity() -> Option<Me> {
    let storage = local()?;
    let json = storage.get_item(IDENTITY_KEY).ok().flatten()?;
    match serde_json::from_str(&json) {
        Ok(me) => Some(me),
        Err(_) => {
            let _ = storage.remove_item(IDENTITY_KEY);
            None
        }
    }
}

pub fn save_identity(me: &Me) {
    if let (Some(storage), Ok(json)) = (local(), serde_json::to_string(me)) {
        let _ = storage.set_item(IDENTITY_KEY, &json);
    }
}

pub fn clear_identity() {
    if let Some(storage) = local() {
        let _ = storage.remove_item(IDENTITY_KEY);
    }
}

pub fn load_language() -> Option<Language> {
    local()?.get_item(LANGUAGE_KEY).ok().flatten()?.parse().ok()
}

pub fn save_language(lang: Language) {
    if let Some(storage) = local() {
        let _ = storage.set_item(LANGUAGE_KEY, lang.code());
    }
}

/// Asks the browser to keep this site's data under storage pressure (offline work lives here).
pub fn request_persistence() {
    let Some(window) = web_sys::window() else { return };
    let storage = window.navigator().storage();
    if let Ok(promise) = storage.persist() {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}

/// A small JSON value kept in `localStorage` (the wizard's draft, the context bar): `None` when
/// absent or unreadable.
pub fn load_json<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    serde_json::from_str(&local()?.get_item(key).ok().flatten()?).ok()
}

pub fn save_json<T: serde::Serialize>(key: &str, value: &T) {
    if let (Some(storage), Ok(json)) = (local(), serde_json::to_string(value)) {
        let _ = storage.set_item(key, &json);
    }
}

pub fn remove(key: &str) {
    if let Some(storage) = local() {
        let _ = storage.remove_item(key);
    }
}
