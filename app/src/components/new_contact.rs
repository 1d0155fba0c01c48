//! A new contact's name, e-mail and phone, as the wizard and a record's Contacts tab ask for
//! them: the pure model ([`NewContact::fields`]: what is stored, or what is wrong) and its
//! fields on screen ([`ContactFields`]).

use crate::i18n::use_i18n;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use veld_domain::records::{Invalid, InvalidCode, contact_name, normalise_contact};
use veld_domain::schema::names;

/// What the user typed for a new contact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContact {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
}

/// The fields asked for, in order: (field, input type).
const FIELDS: [(&str, &str); 4] =
    [(names::FIRST_NAME, "text"), (names::LAST_NAME, "text"), (names::EMAIL, names::EMAIL), (names::PHONE, "tel")];

impl NewContact {
    pub fn get(&self, field: &str) -> &str {
        match field {
            names::FIRST_NAME => &self.first_name,
            names::LAST_NAME => &self.last_name,
            names::EMAIL => &self.email,
            _ => &self.phone,
        }
    }

    pub fn set(&mut self, field: &str, value: String) {
        match field {
            names::FIRST_NAME => self.first_name = value,
            names::LAST_NAME => self.last_name = value,
            names::EMAIL => self.email = value,
            _ => self.phone = value,
        }
    }

    /// The contact's fields, trimmed and normalised (a name, and an e-mail address or a phone
    /// number that the contact rules accept), or what is wrong with them.
    pub fn fields(&self) -> Result<Map<String, Value>, Invalid> {
        let mut f = Map::new();
        for (name, _) in FIELDS {
            let v = self.get(name).trim();
            if !v.is_empty() {
                f.insert(name.into(), json!(v));
            }
        }
        if contact_name(&f).is_empty() {
            return Err(Invalid {
                field: names::LAST_NAME.into(),
                code: InvalidCode::Required,
                message: "a contact needs a name".into(),
            });
        }
        normalise_contact(&mut f)?;
        Ok(f)
    }
}

/// A new contact's name, e-mail and phone fields, each with its error from `errors` (keyed by
/// field) next to it.
#[component]
pub fn ContactFields(
    contact: RwSignal<NewContact>,
    errors: RwSignal<std::collections::BTreeMap<String, String>>,
    prefix: &'static str,
) -> impl IntoView {
    let t = use_i18n();
    let input = move |name: &'static str, kind: &'static str| {
        let id = format!("{prefix}-{name}");
        let error_id = format!("{id}-error");
        let label = move || crate::i18n::field_label(t(), name);
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id type=kind prop:value=move || contact.with(|c| c.get(name).to_owned())
                    on:input=move |ev| contact.update(|c| c.set(name, event_target_value(&ev)))
                    aria-invalid=move || errors.with(|e| e.contains_key(name)).to_string()
                    aria-describedby=error_id.clone()/>
                <p class="field-error" id=error_id>{move || errors.with(|e| e.get(name).cloned())}</p>
            </div>
        }
    };
    view! { <div class="form-grid">{FIELDS.map(|(name, kind)| input(name, kind)).collect_view()}</div> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_contact_needs_a_name_and_is_stored_trimmed_and_normalised() {
        let mut c = NewContact { email: " Eva@Example.NL ".into(), ..Default::default() };
        let e = c.fields().unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("last_name", InvalidCode::Required));
        c.set("first_name", "  Eva ".into());
        c.set("phone", "06-1234 5678".into());
        let f = c.fields().unwrap();
        assert_eq!(f.get("first_name"), Some(&json!("Eva")));
        assert_eq!(f.get("email"), Some(&json!("eva@example.nl")));
        assert_eq!(f.get("phone"), Some(&json!("+31612345678")));
        assert!(!f.contains_key("last_name"), "a blank field is not stored");
        assert_eq!(c.get("first_name"), "  Eva ", "what was typed stays in the form");
    }

    #[test]
    fn a_new_contact_with_a_malformed_email_is_refused_on_that_field() {
        let c = NewContact { last_name: "Smit".into(), email: "not an address".into(), ..Default::default() };
        assert_eq!(c.fields().unwrap_err().field, "email");
    }
}
