//! The built-in roles every database starts with, and the demo data set `--demo` loads into an
//! empty database: two offices, a team per office, and their companies, contacts, leads and
//! opportunities across every stage. Deterministic (fixed seed), so demos and tests agree.

use crate::auth;
use crate::db::{Db, NewRecord, NewUser};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::json;
use veld_domain::access::presets;
use veld_domain::config::{StageDef, Table, default_stages, default_tables};
use veld_domain::schema::names;
use veld_domain::{Email, Language, OfficeId, Permissions, RecordKind, UserId};

/// The demo accounts' shared password, printed at start.
pub const DEMO_PASSWORD: &str = "veld-demo-2026";

/// (e-mail, name, office, role, language)
pub const DEMO_USERS: [(&str, &str, &str, &str, Language); 6] = [
    ("admin@veld.test", "Ada Admin", "Amsterdam", "Administrator", Language::En),
    ("sanne@veld.test", "Sanne de Vries", "Amsterdam", "Sales manager", Language::Nl),
    ("tom@veld.test", "Tom Jansen", "Amsterdam", "Sales rep", Language::Nl),
    ("mark@veld.test", "Mark Evans", "Amsterdam", "Marketing", Language::En),
    ("pieter@veld.test", "Pieter Claes", "Antwerpen", "Sales manager", Language::Nl),
    ("lotte@veld.test", "Lotte Peeters", "Antwerpen", "Sales rep", Language::Nl),
];

pub fn default_roles() -> [(&'static str, Permissions); 4] {
    [
        ("Administrator", presets::administrator()),
        ("Sales manager", presets::sales_manager()),
        ("Sales rep", presets::sales_rep()),
        ("Marketing", presets::marketing()),
    ]
}

pub async fn ensure_default_roles(db: &Db) -> anyhow::Result<()> {
    for (name, permissions) in default_roles() {
        db.ensure_role(name, &permissions).await?;
    }
    Ok(())
}

pub fn print_logins() {
    println!("\nDemo logins (password for all: {DEMO_PASSWORD})");
    for (email, name, office, role, _) in DEMO_USERS {
        println!("  {email:<20} {name:<16} {role:<14} {office}");
    }
    println!();
}

const COMPANIES: [(&str, &str, &str, &str); 16] = [
    ("Bakkerij Van Dijk", "Food", "Amsterdam", "client"),
    ("Noordzee Logistiek", "Logistics", "Amsterdam", "prospect"),
    ("Grachten Hotels", "Hospitality", "Amsterdam", "client"),
    ("Zuidas Legal", "Legal", "Amsterdam", "suspect"),
    ("Hollands Glorie Bouw", "Construction", "Amsterdam", "prospect"),
    ("Tulp Technologies", "Software", "Amsterdam", "client"),
    ("Fietsfabriek Amstel", "Manufacturing", "Amsterdam", "prospect"),
    ("Delta Zorggroep", "Healthcare", "Amsterdam", "suspect"),
    ("Diamant Juweliers", "Retail", "Antwerpen", "client"),
    ("Schelde Shipping", "Logistics", "Antwerpen", "prospect"),
    ("Brouwerij De Kroon", "Food", "Antwerpen", "client"),
    ("Vlaamse Bouwgroep", "Construction", "Antwerpen", "suspect"),
    ("Meir Mode", "Retail", "Antwerpen", "prospect"),
    ("Kempen Chemie", "Chemicals", "Antwerpen", "client"),
    ("Linkeroever Dental", "Healthcare", "Antwerpen", "suspect"),
    ("Haven Energie", "Energy", "Antwerpen", "prospect"),
];

const FIRST: [&str; 16] = [
    "Anna", "Bram", "Chantal", "Daan", "Eva", "Floris", "Griet", "Hugo", "Ilse", "Jeroen", "Kim", "Lars", "Marieke",
    "Nina", "Oscar", "Petra",
];
const LAST: [&str; 12] = [
    "Bakker", "Visser", "Smit", "Mertens", "Willems", "Janssens", "de Boer", "Mulder", "Maes", "Wouters", "Kok",
    "Dekker",
];
const INTERESTS: [&str; 8] = [
    "Fleet of 12 delivery vans",
    "Two senior developers for six months",
    "Yearly maintenance contract",
    "Showroom demo of the new range",
    "Replacement of the office printers",
    "Temporary staff for the summer peak",
    "Trade-in of current company cars",
    "Pilot project for one department",
];

struct DemoUser {
    id: UserId,
    office: OfficeId,
    office_name: &'static str,
    sells: bool,
}

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(2026);
    // One hash for all demo accounts: hashing is deliberately slow.
    let hash = tokio::task::spawn_blocking(|| auth::hash_password(DEMO_PASSWORD)).await??;
    let mut users = Vec::new();
    for (email, name, office_name, role, language) in DEMO_USERS {
        let (office, _) = db.ensure_office(office_name).await?;
        let role_id = db.role_id(role).await?.ok_or_else(|| anyhow::anyhow!("built-in role {role} missing"))?;
        let user = NewUser {
            email: Email::parse(email).map_err(|e| anyhow::anyhow!("{email}: {e}"))?,
            name: name.into(),
            language,
            office,
            role: role_id,
            password_hash: hash.clone(),
        };
        let id = db.insert_user(&user).await?.ok_or_else(|| anyhow::anyhow!("{email} exists already"))?;
        users.push(DemoUser { id, office, office_name, sells: role.starts_with("Sales") });
    }

    let mut records = Vec::new();
    let mut companies = Vec::new();
    for (i, (name, industry, city, status)) in COMPANIES.iter().enumerate() {
        let owner = pick_owner(&users, city, &mut rng);
        let id = uuid::Uuid::now_v7();
        companies.push((id, *name, owner.id, owner.office, *city));
        let domain = name.to_lowercase().replace(' ', "");
        records.push(NewRecord {
            id,
            kind: RecordKind::Company,
            owner: owner.id,
            office: owner.office,
            data: json!({
                names::NAME: name, names::TYPE: "client", names::STATUS: status, names::INDUSTRY: industry,
                names::CITY: city, names::CUSTOMER_NUMBER: format!("C{:04}", 1001 + i),
                names::WEBSITE: format!("https://{domain}.example"), names::PHONE: format!("+3120555{:04}", 1000 + i),
            }),
        });
    }
    let mut contacts = Vec::new();
    const BLOCKED: usize = 13;
    for i in 0..32 {
        let (company, company_name, owner, office, _) = companies[i % companies.len()];
        let (first, last) = (FIRST[i % FIRST.len()], LAST[(i * 7) % LAST.len()]);
        let id = uuid::Uuid::now_v7();
        if i != BLOCKED {
            contacts.push((id, company));
        }
        let domain = company_name.to_lowercase().replace(' ', "");
        let function = ["Purchasing", "Director", "Operations", "Finance"][i % 4];
        let local = format!("{}.{}", first.to_lowercase(), last.to_lowercase().replace(' ', ""));
        records.push(NewRecord {
            id,
            kind: RecordKind::Contact,
            owner,
            office,
            data: json!({
                names::FIRST_NAME: first, names::LAST_NAME: last, names::COMPANY_ID: company.to_string(),
                names::EMAIL: format!("{local}@{domain}.example"), names::PHONE: format!("+316{:08}", 20_000_000 + i * 7919),
                names::FUNCTION: function, names::BLOCKED: i == BLOCKED,
                names::BLOCKED_REASON: if i == BLOCKED { "Asked not to be contacted (GDPR)" } else { "" },
            }),
        });
    }
    let stages_of = |list: RecordKind| -> Vec<StageDef> {
        let mut v: Vec<StageDef> = default_stages().into_iter().filter(|s| s.list == list).collect();
        v.sort_by_key(|s| s.index);
        v
    };
    let (lead_stages, opportunity_stages) = (stages_of(RecordKind::Lead), stages_of(RecordKind::Opportunity));
    let sources: Vec<String> = default_tables()
        .into_iter()
        .filter(|e| e.table == Table::Source && e.list == RecordKind::Lead)
        .map(|e| e.code)
        .collect();
    for i in 0..40 {
        let (company, company_name, _, _, city) = companies[rng.gen_range(0..companies.len())];
        let owner = pick_owner(&users, city, &mut rng);
        let contact = contacts.iter().filter(|c| c.1 == company).map(|c| c.0).next();
        let stage = &lead_stages[weighted_stage(&mut rng, lead_stages.len())].code;
        records.push(NewRecord {
            id: uuid::Uuid::now_v7(),
            kind: RecordKind::Lead,
            owner: owner.id,
            office: owner.office,
            data: json!({
                names::NUMBER: format!("L{:05}", 10_001 + i),
                names::TITLE: format!("{} – {}", company_name, INTERESTS[i % INTERESTS.len()]),
                names::INTEREST: INTERESTS[i % INTERESTS.len()], names::STAGE: stage,
                names::SOURCE: sources.choose(&mut rng), names::COMPANY_ID: company.to_string(),
                names::CONTACTS: contact.map(|c| vec![json!({"id": c.to_string(), "role": "main_contact"})]).unwrap_or_default(),
                names::EXPECTED_VALUE: rng.gen_range(5..200) * 500,
            }),
        });
    }
    for i in 0..30 {
        let (company, company_name, _, _, city) = companies[rng.gen_range(0..companies.len())];
        let owner = pick_owner(&users, city, &mut rng);
        let stage = &opportunity_stages[weighted_stage(&mut rng, opportunity_stages.len())];
        let (stage, probability) = (&stage.code, stage.probability);
        let contact = contacts.iter().filter(|c| c.1 == company).map(|c| c.0).next();
        let month = 1 + (i % 12);
        records.push(NewRecord {
            id: uuid::Uuid::now_v7(),
            kind: RecordKind::Opportunity,
            owner: owner.id,
            office: owner.office,
            data: json!({
                names::NUMBER: format!("O{:05}", 20_001 + i),
                names::TITLE: format!("{} – {}", company_name, INTERESTS[(i + 3) % INTERESTS.len()]),
                names::STAGE: stage, names::PROBABILITY: probability,
                names::EXPECTED_REVENUE: rng.gen_range(10..400) * 250,
                names::EXPECTED_CLOSE_DATE: format!("2027-{month:02}-15"),
                names::SOURCE: sources.choose(&mut rng), names::COMPANY_ID: company.to_string(),
                names::CONTACTS: contact.map(|c| vec![json!({"id": c.to_string(), "role": "main_contact"})]).unwrap_or_default(),
            }),
        });
    }
    db.insert_records(&records).await?;
    tracing::info!(users = users.len(), records = records.len(), "demo data loaded");
    Ok(())
}

/// A seller from the company's city when there is one, else anyone there.
fn pick_owner<'a>(users: &'a [DemoUser], city: &str, rng: &mut StdRng) -> &'a DemoUser {
    let local: Vec<&DemoUser> = users.iter().filter(|u| u.office_name == city && u.sells).collect();
    let pool = if local.is_empty() { users.iter().collect() } else { local };
    pool[rng.gen_range(0..pool.len())]
}

/// Open stages are more common than closed ones, as in a living pipeline.
fn weighted_stage(rng: &mut StdRng, stages: usize) -> usize {
    let open = stages - 2;
    if rng.gen_bool(0.8) { rng.gen_range(0..open) } else { open + rng.gen_range(0..2) }
}
