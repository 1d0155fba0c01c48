//! The user's preferences on this device (saved views, columns, the board's layout, the
//! wizard's draft): small JSON values in `localStorage`, read and written through here only.

/// A preference: `None` when absent or unreadable (a value of an older shape is ignored).
pub fn load<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    crate::storage::load_json(key)
}

pub fn save<T: serde::Serialize>(key: &str, value: &T) {
    crate::storage::save_json(key, value);
}

pub fn remove(key: &str) {
    crate::storage::remove(key);
}
