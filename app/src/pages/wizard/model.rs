//! The wizard's state and what saving it makes, without a screen: natively tested.

use crate::components::new_contact::NewContact;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use veld_domain::RecordKind;
use veld_domain::edit::Edit;
use veld_domain::records::{Invalid, LinkedContact, MAIN_CONTACT, contacts_value};
use veld_domain::schema::names;

/// What a step chose.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Pick {
    #[default]
    Unset,
    None,
    Existing(uuid::Uuid),
    New,
}

/// The form's state, kept on the device until saved or discarded.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// (The three-step wizard's step: read from old drafts, no longer used.)
    pub step: u8,
    pub company: Pick,
    /// What the company box shows while nothing is chosen (the search), or the new company's
    /// name.
    pub company_name: String,
    pub company_city: String,
    pub contact: Pick,
    /// What was typed in the contact box while nothing is chosen.
    #[serde(default)]
    pub contact_query: String,
    /// The new contact (kept flat, as drafts saved before were).
    #[serde(flatten)]
    pub person: NewContact,
    pub title: String,
    pub interest: String,
    pub source: String,
    pub value: String,
    /// The existing record copied from, if any.
    pub copied_from: Option<uuid::Uuid>,
}

/// A new company starts as a prospect (DM-1's lifecycle).
const NEW_COMPANY_STATUS: &str = "prospect";

/// What stops the form from saving, per field.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// Text was typed in a company or contact box but nothing chosen from its list.
    PickOrCreate,
    Required,
    WholeNumber,
    /// The new contact's fields (keyed by that field).
    Contact(Invalid),
}

/// The form's fields a [`Problem`] is keyed by (besides the new contact's own).
pub const COMPANY: &str = "company";
pub const CONTACT: &str = "contact";
pub const TITLE: &str = names::TITLE;
pub const VALUE: &str = "value";

impl Draft {
    /// "Create contact Iris Bos" from what was typed: the name split in first and last (one
    /// word is a last name), or an e-mail address or a phone number put where it belongs.
    pub fn start_new_contact(&mut self) {
        let typed = self.contact_query.trim().to_owned();
        self.contact = Pick::New;
        if typed.contains('@') {
            self.person.email = typed;
        } else if typed.chars().filter(char::is_ascii_digit).count() >= 6
            && typed.chars().all(|c| c.is_ascii_digit() || " +-()./".contains(c))
        {
            self.person.phone = typed;
        } else if let Some((first, last)) = typed.split_once(char::is_whitespace) {
            self.person.first_name = first.to_owned();
            self.person.last_name = last.trim().to_owned();
        } else if !typed.is_empty() {
            self.person.first_name.clear();
            self.person.last_name = typed;
        }
    }

    /// What must be mended before saving, by field (empty: it may be saved).
    pub fn problems(&self) -> Vec<(String, Problem)> {
        let mut out = Vec::new();
        if self.company == Pick::Unset && !self.company_name.trim().is_empty() {
            out.push((COMPANY.to_owned(), Problem::PickOrCreate));
        }
        if self.company == Pick::New && self.company_name.trim().is_empty() {
            out.push((COMPANY.to_owned(), Problem::Required));
        }
        match self.contact {
            Pick::Unset if !self.contact_query.trim().is_empty() => {
                out.push((CONTACT.to_owned(), Problem::PickOrCreate))
            }
            Pick::New => {
                if let Err(e) = self.person.fields() {
                    out.push((e.field.clone(), Problem::Contact(e)));
                }
            }
            _ => {}
        }
        if self.title.trim().is_empty() {
            out.push((TITLE.to_owned(), Problem::Required));
        }
        let value = self.value.trim();
        if !value.is_empty() && crate::format::parse_amount(value).is_none_or(|v| v < 0) {
            out.push((VALUE.to_owned(), Problem::WholeNumber));
        }
        out
    }

    /// The creates saving the wizard makes, in the order they must be stored (the new company,
    /// the new contact in it, the record linking both, starting in stage `start`), and the new
    /// record's id; or what is wrong with the new contact. `new_id` makes the ids.
    pub fn edits(
        &self,
        kind: RecordKind,
        start: &str,
        new_id: &mut dyn FnMut() -> uuid::Uuid,
    ) -> Result<(Vec<Edit>, uuid::Uuid), Invalid> {
        let mut edits = Vec::new();
        let text = |v: &str| Some(v.trim()).filter(|v| !v.is_empty()).map(|v| json!(v));
        let company = match self.company {
            Pick::Existing(id) => Some(id),
            Pick::New => {
                let id = new_id();
                let mut f = Map::new();
                f.insert(names::NAME.into(), json!(self.company_name.trim()));
                f.extend(text(&self.company_city).map(|c| (names::CITY.to_owned(), c)));
                f.insert(names::STATUS.into(), json!(NEW_COMPANY_STATUS));
                edits.push(Edit::create(RecordKind::Company, id, f));
                Some(id)
            }
            Pick::None | Pick::Unset => None,
        };
        let company_link = company.map(|c| (names::COMPANY_ID.to_owned(), json!(c.to_string())));
        let contact = match self.contact {
            Pick::Existing(id) => Some(id),
            Pick::New => {
                let id = new_id();
                let mut f = self.person.fields()?;
                f.extend(company_link.clone());
                edits.push(Edit::create(RecordKind::Contact, id, f));
                Some(id)
            }
            Pick::None | Pick::Unset => None,
        };
        let id = new_id();
        let mut f: Map<String, Value> = Map::new();
        f.insert(names::TITLE.into(), json!(self.title.trim()));
        // (The stage brings its probability: the edit path adds it.)
        f.insert(veld_domain::records::STAGE.into(), json!(start));
        f.extend(text(&self.interest).map(|v| (names::INTEREST.to_owned(), v)));
        f.extend(text(&self.source).map(|v| (names::SOURCE.to_owned(), v)));
        if let (Some(v), Some(field)) =
            (crate::format::parse_amount(&self.value), veld_domain::schema::value_field(kind))
        {
            f.insert(field.into(), json!(v));
        }
        f.extend(company_link);
        if let Some(c) = contact {
            let main = LinkedContact { id: c, role: Some(MAIN_CONTACT.to_owned()) };
            f.insert(veld_domain::records::CONTACTS.into(), contacts_value(&[main]));
        }
        edits.push(Edit::create(kind, id, f));
        Ok((edits, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use veld_domain::records::{contacts_of, id_of};

    fn ids() -> impl FnMut() -> uuid::Uuid {
        let mut n = 0;
        move || {
            n += 1;
            uuid::Uuid::from_u128(n)
        }
    }

    #[test]
    fn saving_makes_the_company_then_the_contact_in_it_then_the_record_linking_both() {
        let d = Draft {
            company: Pick::New,
            company_name: " Garage Smit ".into(),
            contact: Pick::New,
            person: NewContact { last_name: "Smit".into(), email: "JAN@smit.nl".into(), ..Default::default() },
            title: " Two vans ".into(),
            interest: "  ".into(),
            value: "67.000".into(),
            ..Default::default()
        };
        let (edits, id) = d.edits(RecordKind::Lead, "new", &mut ids()).unwrap();
        let kinds: Vec<RecordKind> = edits.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [RecordKind::Company, RecordKind::Contact, RecordKind::Lead]);
        let (company, contact, lead) = (&edits[0], &edits[1], &edits[2]);
        assert_eq!(company.fields, json!({"name": "Garage Smit", "status": "prospect"}).as_object().cloned().unwrap());
        assert_eq!(id_of(&contact.fields, "company_id"), Some(company.id), "the contact works at the new company");
        assert_eq!(contact.fields.get("email"), Some(&json!("jan@smit.nl")));
        assert_eq!(lead.id, id);
        assert_eq!(lead.fields.get("title"), Some(&json!("Two vans")));
        assert_eq!(lead.fields.get("stage"), Some(&json!("new")));
        assert_eq!(lead.fields.get("expected_value"), Some(&json!(67_000)), "amounts as typed in Dutch");
        assert!(!lead.fields.contains_key("interest"), "blank stays out");
        let linked = contacts_of(&lead.fields);
        assert_eq!((linked[0].id, linked[0].role.as_deref()), (contact.id, Some(MAIN_CONTACT)));
    }

    #[test]
    fn existing_or_no_company_and_contact_make_only_the_record() {
        let (company, contact) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let d = Draft {
            company: Pick::Existing(company),
            contact: Pick::Existing(contact),
            title: "T".into(),
            ..Default::default()
        };
        let (edits, _) = d.edits(RecordKind::Opportunity, "qualification", &mut ids()).unwrap();
        assert_eq!(edits.len(), 1);
        assert_eq!(id_of(&edits[0].fields, "company_id"), Some(company));
        let none = Draft { company: Pick::None, contact: Pick::None, title: "T".into(), ..Default::default() };
        let (edits, _) = none.edits(RecordKind::Lead, "new", &mut ids()).unwrap();
        assert!(!edits[0].fields.contains_key("company_id") && !edits[0].fields.contains_key("contacts"));
    }

    #[test]
    fn a_new_contact_without_a_name_stops_the_save_before_anything_is_made() {
        let d = Draft { company: Pick::New, company_name: "X".into(), contact: Pick::New, ..Default::default() };
        assert_eq!(d.edits(RecordKind::Lead, "new", &mut ids()).unwrap_err().field, "last_name");
    }

    #[test]
    fn what_was_typed_in_the_contact_box_starts_the_new_contact() {
        let new = |typed: &str| {
            let mut d = Draft { contact_query: typed.into(), ..Default::default() };
            d.start_new_contact();
            assert_eq!(d.contact, Pick::New);
            d.person
        };
        let p = new(" Iris  van Bos ");
        assert_eq!((p.first_name.as_str(), p.last_name.as_str()), ("Iris", "van Bos"));
        assert_eq!(new("Smit").last_name, "Smit");
        assert_eq!(new("iris@bos.nl").email, "iris@bos.nl");
        assert_eq!(new("06 1234 5678").phone, "06 1234 5678");
        assert_eq!(new("+31 (20) 555-0101").phone, "+31 (20) 555-0101");
        let numbered = new("Iris Bos 1796066651444");
        assert_eq!(
            (numbered.last_name.as_str(), numbered.phone.as_str()),
            ("Bos 1796066651444", ""),
            "a name with a number is a name"
        );
    }

    #[test]
    fn saving_is_stopped_per_field_with_what_to_mend() {
        let fields = |d: &Draft| d.problems().into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        let mut d = Draft {
            company_name: "Bakk".into(),
            contact_query: "Jan".into(),
            value: "-5".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(&d),
            ["company", "contact", "title", "value"],
            "typed but not chosen, no title, a negative value"
        );
        assert_eq!(d.problems()[0].1, Problem::PickOrCreate);
        d.company = Pick::New;
        d.start_new_contact();
        d.title = "Vans".into();
        d.value = "67.000".into();
        assert_eq!(fields(&d), ["email"], "a new contact needs an e-mail address or a phone number");
        d.person.phone = "020 555 0101".into();
        assert!(d.problems().is_empty());
        assert!(
            Draft { title: "T".into(), ..Default::default() }.problems().is_empty(),
            "no company and no contact is allowed"
        );
    }

    #[test]
    fn drafts_saved_before_the_contact_had_its_own_type_still_load() {
        let old = r#"{"step":1,"company":"Unset","company_name":"","company_city":"","contact":"New",
            "first_name":"Eva","last_name":"","email":"eva@x.nl","phone":"","title":"","interest":"",
            "source":"","value":"","copied_from":null}"#;
        let d: Draft = serde_json::from_str(old).unwrap();
        assert_eq!((d.person.first_name.as_str(), d.person.email.as_str(), d.step), ("Eva", "eva@x.nl", 1));
    }
}
