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

/// Where the first screen of a kind's list is kept for the next start (`overview::start`).
pub fn start_key(kind: veld_domain::RecordKind) -> String {
    format!("veld.start.{}.v1", kind.as_str())
}

/// Forgets the lists' first screens (at logout: the next user must not see them).
pub fn forget_starts() {
    for kind in [veld_domain::RecordKind::Lead, veld_domain::RecordKind::Opportunity] {
        remove(&start_key(kind));
    }
}
