//! Possible duplicates (issue 14): the same normalised e-mail address or phone number, or a
//! similar name. Names are compared after normalising — lower case, letters and digits only,
//! legal forms (`B.V.`, `GmbH`, `SRL`, …) dropped — by the Jaro-Winkler similarity (`strsim`),
//! which weighs a shared beginning: "Bakkerij de Vries" and "Bakkerij De Vries B.V." score
//! 1.0, "Jansen Transport" and "Janssen Transport" 0.94, "Acme" and "Apex" 0.67. Two names are
//! similar from [`NAME_THRESHOLD`]. Contacts compare first and last name in either order.
//!
//! Pure and fast enough to run over every record on the device: keys are computed once per
//! record ([`Keys`]), exact keys are looked up in maps, and names are compared within blocks
//! of the same first three letters ([`groups`]).

use crate::RecordKind;
use crate::records::text;
use crate::schema::names;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Two normalised names at least this similar (Jaro-Winkler, 0 to 1) are possible duplicates.
pub const NAME_THRESHOLD: f64 = 0.92;

/// Legal forms dropped from company names before comparing (as words, after normalising).
const LEGAL_FORMS: &[&str] = &[
    "bv", "nv", "vof", "cv", "bvba", "sprl", "srl", "sa", "sas", "sarl", "gmbh", "ag", "kg", "ltd", "limited", "llc",
    "inc", "plc", "co", "holding",
];

/// Why two records may be the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Email,
    Phone,
    Name,
}

/// A record that may be a duplicate, why, and how sure (1.0 for an equal e-mail or phone).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: Uuid,
    pub reasons: Vec<Reason>,
    pub score: f64,
}

/// What duplicates are found by, computed once per record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keys {
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The normalised name (words joined by one space); empty when the record has none.
    pub name: String,
    /// For contacts, the name with first and last swapped ("smit eva" for "Eva Smit").
    pub swapped: Option<String>,
    /// Names are compared only within the same scope: a lead's company (two leads called
    /// "Fleet renewal" are alike only at one customer); none for companies and contacts.
    pub scope: Option<String>,
}

/// Lower case, letters and digits only, words joined by one space; for companies without legal
/// forms.
pub fn normalise_name(kind: RecordKind, name: &str) -> String {
    let lower = name.to_lowercase();
    // "B.V." is one word: dots inside a word go before splitting.
    let joined = lower.replace('.', "");
    let words = joined.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty());
    let words: Vec<&str> = words.filter(|w| kind != RecordKind::Company || !LEGAL_FORMS.contains(w)).collect();
    words.join(" ")
}

impl Keys {
    pub fn of(kind: RecordKind, values: &Map<String, Value>) -> Keys {
        Keys::by(kind, |f| text(values, f))
    }

    /// The keys from a record's text fields as `get` reads them (trimmed, `None` when blank):
    /// lists read stored records in place rather than copying their values.
    pub fn by<'a>(kind: RecordKind, get: impl Fn(&str) -> Option<&'a str>) -> Keys {
        let email = get(names::EMAIL).map(str::to_lowercase);
        // Phones are stored normalised (E.164 where the country is known): compare the digits.
        let phone = get(names::PHONE)
            .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
            .filter(|p| p.len() >= 6);
        let (name, swapped) = match kind {
            RecordKind::Contact => {
                let (first, last) = (get(names::FIRST_NAME), get(names::LAST_NAME));
                let full: Vec<&str> = [first, last].into_iter().flatten().collect();
                let name = normalise_name(kind, &full.join(" "));
                let swapped = match (first, last) {
                    (Some(f), Some(l)) => Some(normalise_name(kind, &format!("{l} {f}"))),
                    _ => None,
                };
                (name, swapped)
            }
            _ => {
                let title = crate::schema::title_field(kind).and_then(&get).unwrap_or_default();
                (normalise_name(kind, title), None)
            }
        };
        let scope = (kind == RecordKind::Lead).then(|| get(names::COMPANY_ID).unwrap_or_default().to_owned());
        Keys { email, phone, name, swapped, scope }
    }

    /// How similar two records' names are (0 to 1; contacts in either order).
    pub fn name_score(&self, other: &Keys) -> f64 {
        if self.name.is_empty() || other.name.is_empty() || self.scope != other.scope {
            return 0.0;
        }
        let direct = strsim::jaro_winkler(&self.name, &other.name);
        let swapped = self.swapped.as_deref().map_or(0.0, |s| strsim::jaro_winkler(s, &other.name));
        direct.max(swapped)
    }

    /// Why `self` and `other` may be the same record, and how sure; `None` when they do not look
    /// alike.
    pub fn compare(&self, other: &Keys) -> Option<(Vec<Reason>, f64)> {
        let mut reasons = Vec::new();
        if self.email.is_some() && self.email == other.email {
            reasons.push(Reason::Email);
        }
        if self.phone.is_some() && self.phone == other.phone {
            reasons.push(Reason::Phone);
        }
        let name = self.name_score(other);
        if name >= NAME_THRESHOLD {
            reasons.push(Reason::Name);
        }
        if reasons.is_empty() {
            return None;
        }
        let score = if reasons.len() > 1 || reasons[0] != Reason::Name { 1.0f64.max(name) } else { name };
        Some((reasons, score.min(1.0)))
    }
}

/// The records among `others` that may be the same as `values` (a record being created or
/// shown), most likely first; `values`' own id is skipped.
pub fn find<'a>(
    kind: RecordKind,
    own: Option<Uuid>,
    values: &Map<String, Value>,
    others: impl IntoIterator<Item = (Uuid, &'a Keys)>,
) -> Vec<Candidate> {
    let keys = Keys::of(kind, values);
    let mut out: Vec<Candidate> = others
        .into_iter()
        .filter(|(id, _)| Some(*id) != own)
        .filter_map(|(id, k)| keys.compare(k).map(|(reasons, score)| Candidate { id, reasons, score }))
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
    out
}

/// The blocks names are compared within: the first three letters of the name (and of the
/// swapped name), so that 50,000 records are not compared pairwise. (Jaro-Winkler weighs the
/// beginning: names that differ there rarely reach the threshold anyway.)
fn blocks(k: &Keys) -> Vec<String> {
    let scope = k.scope.as_deref().unwrap_or_default();
    let key = |s: &str| format!("{scope}|{}", s.chars().take(3).collect::<String>());
    let mut out = vec![key(&k.name)];
    if let Some(s) = &k.swapped {
        out.push(key(s));
    }
    if k.name.is_empty() {
        out.clear();
    }
    out.dedup();
    out
}

/// Pairs of possible duplicates among `records` (each pair once, lower id first), most likely
/// first: equal e-mail or phone anywhere, similar names within a block.
pub fn groups(records: &[(Uuid, Keys)]) -> Vec<(Uuid, Uuid, Vec<Reason>, f64)> {
    let mut pairs: HashSet<(Uuid, Uuid)> = HashSet::new();
    let consider = |a: usize, b: usize, pairs: &mut HashSet<(Uuid, Uuid)>| {
        let (x, y) = (records[a].0.min(records[b].0), records[a].0.max(records[b].0));
        if x != y {
            pairs.insert((x, y));
        }
    };
    let mut by_email: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_phone: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_block: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (_, k)) in records.iter().enumerate() {
        if let Some(e) = &k.email {
            by_email.entry(e).or_default().push(i);
        }
        if let Some(p) = &k.phone {
            by_phone.entry(p).or_default().push(i);
        }
        for b in blocks(k) {
            by_block.entry(b).or_default().push(i);
        }
    }
    for list in by_email.values().chain(by_phone.values()) {
        for (n, &a) in list.iter().enumerate() {
            for &b in &list[n + 1..] {
                consider(a, b, &mut pairs);
            }
        }
    }
    for list in by_block.values() {
        for (n, &a) in list.iter().enumerate() {
            for &b in &list[n + 1..] {
                if records[a].1.name_score(&records[b].1) >= NAME_THRESHOLD {
                    consider(a, b, &mut pairs);
                }
            }
        }
    }
    let index: HashMap<Uuid, usize> = records.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
    let mut out: Vec<(Uuid, Uuid, Vec<Reason>, f64)> = pairs
        .into_iter()
        .filter_map(|(x, y)| {
            let (reasons, score) = records[index[&x]].1.compare(&records[index[&y]].1)?;
            Some((x, y, reasons, score))
        })
        .collect();
    out.sort_by(|a, b| b.3.total_cmp(&a.3).then((a.0, a.1).cmp(&(b.0, b.1))));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn company(name: &str) -> Keys {
        Keys::of(RecordKind::Company, json!({ "name": name }).as_object().unwrap())
    }

    #[test]
    fn names_are_normalised_without_legal_forms() {
        assert_eq!(normalise_name(RecordKind::Company, "Bakkerij De Vries B.V."), "bakkerij de vries");
        assert_eq!(normalise_name(RecordKind::Company, "  ACME  GmbH & Co. KG "), "acme");
        assert_eq!(normalise_name(RecordKind::Company, "Transport-Jansen SRL"), "transport jansen");
        assert_eq!(normalise_name(RecordKind::Contact, "Eva  de Bruijn"), "eva de bruijn");
        assert_eq!(normalise_name(RecordKind::Contact, "Ltd"), "ltd", "only companies drop legal forms");
    }

    #[test]
    fn the_similarity_measure_as_documented() {
        let s = |a: &str, b: &str| company(a).name_score(&company(b));
        assert_eq!(s("Bakkerij de Vries", "Bakkerij De Vries B.V."), 1.0);
        assert!(s("Jansen Transport", "Janssen Transport") >= NAME_THRESHOLD);
        assert!((s("Jansen Transport", "Janssen Transport") - 0.94).abs() < 0.01);
        assert!(s("Acme", "Apex") < NAME_THRESHOLD);
        assert!((s("Acme", "Apex") - 0.67).abs() < 0.01);
        assert!(s("Van Dijk Bouw", "Van Dam Installaties") < NAME_THRESHOLD, "a shared beginning is not enough");
        assert_eq!(s("", "Acme"), 0.0);
    }

    #[test]
    fn contacts_match_by_email_phone_or_name_in_either_order() {
        let contact = |v: Value| Keys::of(RecordKind::Contact, v.as_object().unwrap());
        let a = contact(
            json!({ "first_name": "Eva", "last_name": "Smit", "email": "Eva@Example.nl", "phone": "+31612345678" }),
        );
        let b = contact(json!({ "first_name": "E.", "last_name": "Jansen", "email": "eva@example.nl" }));
        let c = contact(json!({ "first_name": "Smit", "last_name": "Eva", "phone": "+31 6 1234 5678" }));
        let d = contact(json!({ "first_name": "Piet", "last_name": "Bakker", "phone": "+31699999999" }));
        assert_eq!(a.compare(&b), Some((vec![Reason::Email], 1.0)));
        assert_eq!(a.compare(&c).map(|x| x.0), Some(vec![Reason::Phone, Reason::Name]));
        assert_eq!(a.compare(&d), None);
    }

    #[test]
    fn leads_are_alike_only_at_the_same_company() {
        let lead = |title: &str, company: &str| {
            Keys::of(RecordKind::Lead, json!({ "title": title, "company_id": company }).as_object().unwrap())
        };
        assert_eq!(
            lead("Fleet renewal", "a").compare(&lead("Fleet renewal 2027", "a")).map(|x| x.0),
            Some(vec![Reason::Name])
        );
        assert_eq!(lead("Fleet renewal", "a").compare(&lead("Fleet renewal", "b")), None);
        let records = vec![(Uuid::from_u128(1), lead("Vans", "a")), (Uuid::from_u128(2), lead("Vans", "b"))];
        assert!(groups(&records).is_empty());
    }

    #[test]
    fn find_ranks_the_likeliest_first_and_skips_the_record_itself() {
        let ids: Vec<Uuid> = (1..=4).map(Uuid::from_u128).collect();
        let keys = [
            company("Jansen Transport"),
            company("Janssen Transport"),
            company("Acme"),
            company("Jansen Transport BV"),
        ];
        let others = ids.iter().copied().zip(keys.iter());
        let found =
            find(RecordKind::Company, Some(ids[0]), json!({ "name": "Jansen Transport" }).as_object().unwrap(), others);
        assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), vec![ids[3], ids[1]]);
        assert_eq!(found[0].score, 1.0);
    }

    #[test]
    fn groups_finds_each_pair_once() {
        let names = [
            "Kramer Logistiek",
            "Acme",
            "Bakkerij de Vries",
            "Kramer Logistiek B.V.",
            "Van Dijk Bouw",
            "Bakkerij De Vries",
            "Totally Different",
            "Other Name",
            "Van Dam Installaties",
        ];
        let mut records: Vec<(Uuid, Keys)> =
            names.iter().enumerate().map(|(i, n)| (Uuid::from_u128(i as u128 + 1), company(n))).collect();
        records[6].1.phone = Some("31612345678".into());
        records[7].1.phone = Some("31612345678".into());
        let found = groups(&records);
        let pairs: Vec<(u128, u128)> = found.iter().map(|p| (p.0.as_u128(), p.1.as_u128())).collect();
        assert_eq!(pairs.len(), 3, "{pairs:?}");
        for pair in [(1, 4), (3, 6), (7, 8)] {
            assert!(pairs.contains(&pair), "{pair:?} in {pairs:?}");
        }
        assert_eq!(found.iter().find(|p| p.0.as_u128() == 7).map(|p| p.2.clone()), Some(vec![Reason::Phone]));
    }
}
