//! CSV import (issue 14): reading a spreadsheet's file (UTF-8 or Windows-1252, `;`, `,` or tab
//! separated, by the `csv` and `encoding_rs` crates), the column mapping (suggested from the
//! header row), and the **plan** — per row what the import does and why: create, update a record
//! it matched (external id, VAT number, e-mail, phone or a company's name), merge into the record
//! of an earlier row of the file, leave a record as it is, or refuse. Every planned change went
//! through `edit::prepare` (permission, the record rules) as a user's edit does. The dry run shows
//! the plan; the run carries it out row for row through the server's ordinary apply, so the
//! counts shown are the counts done.

use crate::config::Tables;
use crate::duplicates::normalise_name;
use crate::edit::{Edit, Refused, prepare};
use crate::email::Email;
use crate::phone::Phone;
use crate::records::{Invalid, InvalidCode, Known, text};
use crate::schema::{self, FieldType, names};
use crate::sync::{FieldState, Hlc, RecordState};
use crate::value::{Date, Money};
use crate::{Actor, RecordKind, UserId};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use uuid::Uuid;

/// The largest file an import reads.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;
/// The most data rows one import holds.
pub const MAX_ROWS: usize = 100_000;
/// The most columns a file may have.
pub const MAX_COLUMNS: usize = 200;
/// The kinds a file can be imported into.
pub const KINDS: [RecordKind; 4] =
    [RecordKind::Company, RecordKind::Contact, RecordKind::Lead, RecordKind::Opportunity];

/// How the file's bytes were read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Utf8,
    Windows1252,
}

/// A file as read: its header row and data rows (each as long as the header), blank rows left
/// out, every cell trimmed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The file line each row starts on (the header is line 1).
    pub lines: Vec<u64>,
}

/// Why a file cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is larger than 16 MB")]
    TooLarge,
    #[error("the file holds no header row")]
    Empty,
    #[error("the file holds more than 100,000 rows")]
    TooManyRows,
    #[error("the file has more than 200 columns")]
    TooManyColumns,
    #[error("line {line} cannot be read: {message}")]
    Malformed { line: u64, message: String },
}

/// Reads a CSV file: UTF-8 (with or without a byte-order mark) or, when the bytes are not
/// UTF-8, Windows-1252 (what Excel writes on Dutch and Romanian Windows); the separator is the
/// one of `;`, `,` and tab the header row holds most of.
pub fn read(bytes: &[u8]) -> Result<(Sheet, Encoding, u8), ReadError> {
    if bytes.len() > MAX_BYTES {
        return Err(ReadError::TooLarge);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (text, encoding) = match std::str::from_utf8(bytes) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), Encoding::Utf8),
        Err(_) => (encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0, Encoding::Windows1252),
    };
    let separator = sniff(&text);
    let mut reader =
        csv::ReaderBuilder::new().delimiter(separator).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut sheet = Sheet::default();
    let mut record = csv::StringRecord::new();
    let (mut line, mut counted) = (1u64, 0usize);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                return Err(ReadError::Malformed { line, message: e.to_string() });
            }
        }
        // Lines counted in the text (the reader's own count is off by one after a header).
        let mut at = record.position().map_or(0, |p| p.byte() as usize).min(text.len());
        // (After `\r\n` a record's position is the `\n`.)
        if text.as_bytes().get(at) == Some(&b'\n') {
            at += 1;
        }
        line += text.as_bytes()[counted..at].iter().filter(|&&b| b == b'\n').count() as u64;
        counted = at;
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
        if sheet.headers.is_empty() {
            if cells.len() > MAX_COLUMNS {
                return Err(ReadError::TooManyColumns);
            }
            if cells.iter().all(String::is_empty) {
                continue;
            }
            sheet.headers = cells;
            continue;
        }
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if sheet.rows.len() == MAX_ROWS {
            return Err(ReadError::TooManyRows);
        }
        let mut cells = cells;
        cells.resize(sheet.headers.len(), String::new());
        sheet.rows.push(cells);
        sheet.lines.push(line);
    }
    if sheet.headers.is_empty() {
        return Err(ReadError::Empty);
    }
    Ok((sheet, encoding, separator))
}

/// The separator of the first line: the one of `;`, `,` and tab it holds most of outside quotes
/// (`,` when none).
fn sniff(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ';' if !quoted => counts[0] += 1,
            ',' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], i == 1)).unwrap_or(1);
    if counts[best] == 0 { b',' } else { [b';', b',', b'\t'][best] }
}

/// The fields a column can fill for `kind`: the schema's fields people type (text, numbers,
/// dates, stages, table entries, the owner, yes/no), the company a record links to (by the
/// company's name) and the external id.
pub fn targets(kind: RecordKind) -> Vec<&'static str> {
    schema::fields(kind)
        .iter()
        .filter(|f| {
            matches!(
                f.ty,
                FieldType::Text
                    | FieldType::LongText
                    | FieldType::Stage
                    | FieldType::Table(_)
                    | FieldType::Money
                    | FieldType::Percent
                    | FieldType::Date
                    | FieldType::Check
                    | FieldType::Owner
                    | FieldType::Link(RecordKind::Company)
            )
        })
        .map(|f| f.name)
        .collect()
}

/// Header words per field besides its own name, in English, Dutch and Romanian (compared without
/// case, spaces, punctuation or accents).
const ALIASES: &[(&str, &[&str])] = &[
    (names::EXTERNAL_ID, &["external id", "id", "extern id", "externe id", "id extern", "record id"]),
    (names::NAME, &["naam", "nume", "denumire", "company name", "bedrijfsnaam", "organisation name"]),
    (
        names::COMPANY_ID,
        &["company", "bedrijf", "companie", "firma", "organisation", "organization", "organisatie", "account", "klant"],
    ),
    (names::FIRST_NAME, &["first name", "firstname", "given name", "voornaam", "prenume"]),
    (names::LAST_NAME, &["last name", "surname", "family name", "achternaam", "naam", "nume"]),
    (names::EMAIL, &["e-mail", "e-mail address", "email address", "mail", "e-mailadres", "adresa de email"]),
    (names::PHONE, &["telephone", "phone number", "mobile", "telefoon", "telefoonnummer", "mobiel", "telefon"]),
    (names::FUNCTION, &["job title", "position", "functie", "functia", "role"]),
    (names::CITY, &["town", "plaats", "stad", "woonplaats", "oras", "localitate"]),
    (names::WEBSITE, &["web", "url", "site", "internet"]),
    (names::INDUSTRY, &["branche", "sector", "industrie", "domeniu"]),
    (names::STATUS, &["stare"]),
    (names::CUSTOMER_NUMBER, &["customer number", "klantnummer", "debiteurnummer", "numar client", "cod client"]),
    (
        names::VAT_NUMBER,
        &["vat", "vat number", "vat id", "btw", "btw nummer", "btw-nummer", "cif", "cui", "cod fiscal"],
    ),
    (names::COUNTRY, &["land", "tara"]),
    (names::TITLE, &["titel", "onderwerp", "titlu", "lead", "opportunity", "deal", "deal name"]),
    (names::STAGE, &["fase", "etappe", "stadium", "etapa", "pipeline stage", "deal stage"]),
    (names::SOURCE, &["bron", "sursa", "lead source"]),
    (names::PRIORITY, &["prioriteit", "prioritate"]),
    (names::CATEGORY, &["categorie"]),
    (names::OWNER_ID, &["owner", "eigenaar", "responsible", "verantwoordelijke", "proprietar", "responsabil"]),
    (names::INTEREST, &["interesse", "notes", "notities", "note", "omschrijving"]),
    (names::EXPECTED_VALUE, &["value", "amount", "waarde", "bedrag", "valoare", "expected value", "deal value"]),
    (
        names::EXPECTED_REVENUE,
        &["value", "amount", "revenue", "waarde", "bedrag", "omzet", "valoare", "expected revenue"],
    ),
    (names::PROBABILITY, &["chance", "kans", "probabilitate", "percentage"]),
    (
        names::EXPECTED_CLOSE_DATE,
        &["close date", "expected close date", "closing date", "sluitdatum", "data inchidere"],
    ),
    (names::BLOCKED, &["geblokkeerd", "blocat"]),
    (names::BLOCKED_REASON, &["blocked reason", "reden blokkade", "motiv blocare"]),
];

/// A header or alias as compared: lower case, letters and digits only, accents dropped.
fn plain(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ă' | 'â' | 'á' | 'à' | 'ä' => 'a',
            'î' | 'í' | 'ï' => 'i',
            'ș' | 'ş' => 's',
            'ț' | 'ţ' => 't',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'ó' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            c => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// A mapping of `headers` for `kind`: per column the field it fills, found by the field's name
/// or a header word of [`ALIASES`]; each field at most once (the first column wins).
pub fn suggest(kind: RecordKind, headers: &[String]) -> Vec<Option<String>> {
    let targets = targets(kind);
    let mut taken: Vec<&str> = Vec::new();
    headers
        .iter()
        .map(|h| {
            let h = plain(h);
            if h.is_empty() {
                return None;
            }
            let by_name = targets.iter().copied().find(|t| plain(t) == h);
            let by_alias = || {
                ALIASES
                    .iter()
                    .filter(|(_, words)| words.iter().any(|w| plain(w) == h))
                    // A company's own name is its "company" column.
                    .map(|(f, _)| if kind == RecordKind::Company && *f == names::COMPANY_ID { names::NAME } else { *f })
                    .find(|f| targets.contains(f) && !taken.contains(f))
            };
            let field = by_name.filter(|f| !taken.contains(f)).or_else(by_alias)?;
            taken.push(field);
            Some(field.to_owned())
        })
        .collect()
}

/// What identifies a row's record among those there already.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatchKey {
    ExternalId,
    VatNumber,
    Email,
    Phone,
    /// A company's name without legal form (`Jansen B.V.` is `Jansen BV`).
    Name,
}

/// The keys an import of `kind` matches on unless told otherwise.
pub fn match_keys(kind: RecordKind) -> Vec<MatchKey> {
    match kind {
        RecordKind::Company => vec![MatchKey::ExternalId, MatchKey::VatNumber, MatchKey::Name],
        RecordKind::Contact => vec![MatchKey::ExternalId, MatchKey::Email, MatchKey::Phone],
        _ => vec![MatchKey::ExternalId],
    }
}

/// The value a record holds for `key`, as compared.
fn key_value(kind: RecordKind, key: MatchKey, values: &Map<String, Value>) -> Option<String> {
    let field = match key {
        MatchKey::ExternalId => names::EXTERNAL_ID,
        MatchKey::VatNumber => names::VAT_NUMBER,
        MatchKey::Email => names::EMAIL,
        MatchKey::Phone => names::PHONE,
        MatchKey::Name => schema::title_field(kind)?,
    };
    let raw = text(values, field)?;
    let value = match key {
        MatchKey::ExternalId => raw.to_owned(),
        MatchKey::VatNumber => vat_number(raw),
        MatchKey::Email => raw.to_lowercase(),
        // Stored normalised (E.164 where the country is known): the digits compare.
        MatchKey::Phone => raw.chars().filter(char::is_ascii_digit).collect(),
        MatchKey::Name => normalise_name(kind, raw),
    };
    (!value.is_empty()).then_some(value)
}

/// A VAT number as compared and stored: upper case, without spaces, dots or dashes
/// (`nl 8123.45.678.B01` is `NL812345678B01`).
pub fn vat_number(raw: &str) -> String {
    raw.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// Why a mapping cannot be planned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("the mapping has {given} columns, the file {file}")]
    Columns { given: usize, file: usize },
    #[error("`{0}` is not a field this import can fill")]
    UnknownField(String),
    #[error("two columns fill `{0}`")]
    Twice(String),
    #[error("no column fills `{0}`")]
    Missing(String),
    #[error("this kind of record cannot be imported")]
    Kind,
}

/// What one row does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new record.
    Created,
    /// A record that was there, matched by a key, takes the row's values.
    Updated,
    /// The row matched the record of an earlier row (or one an earlier row updated): it fills
    /// what that record lacks.
    Merged,
    /// The row matched a record that holds its values already.
    Unchanged,
    /// Not imported, for the reason given.
    Refused,
}

/// How many rows do what; `companies`: companies made because a row names one that is not there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub merged: u64,
    pub unchanged: u64,
    pub refused: u64,
    pub companies: u64,
}

impl Counts {
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Merged => self.merged += 1,
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Refused => self.refused += 1,
        }
    }

    pub fn rows(&self) -> u64 {
        self.created + self.updated + self.merged + self.unchanged + self.refused
    }
}

/// One row of the plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedRow {
    /// The file line the row starts on.
    pub line: u64,
    pub outcome: Outcome,
    /// The record the row creates, updates or merges into.
    pub record: Option<Uuid>,
    /// For a merge: the line of the earlier row that created or updated the record it adds to.
    pub merged_with: Option<u64>,
    /// For a refusal: the column (index) whose cell is at fault, when one is.
    pub column: Option<usize>,
    /// For a refusal: why, in the record rules' terms.
    pub problem: Option<Invalid>,
    /// What the run applies, in order (a company the row names first, then the row's record).
    pub edits: Vec<Edit>,
    /// A company made for this row's link (counted in `Counts::companies`).
    pub makes_company: bool,
}

/// What a plan looks up: the user, the configuration and the records the user may see.
pub struct Lookups<'a> {
    pub actor: &'a Actor,
    /// Stages, the offices of possible owners, fixed roles; the plan adds the records it links.
    pub known: Known,
    pub tables: &'a Tables,
    /// Users a row may name as owner: id, name, e-mail.
    pub users: &'a [(UserId, String, String)],
    /// The live records of the imported kind the user may see.
    pub existing: Vec<RecordState>,
    /// The live companies the user may see (a row's company is found among them by name).
    pub companies: &'a [(Uuid, String)],
    /// The country a phone number without one is read in (ISO 3166).
    pub country: &'a str,
}

fn problem(field: &str, code: InvalidCode, message: impl Into<String>) -> Invalid {
    Invalid { field: field.to_owned(), code, message: message.into() }
}

/// A yes or no as people write it in three languages.
fn yes_no(raw: &str) -> Option<bool> {
    match plain(raw).as_str() {
        "yes" | "y" | "ja" | "j" | "da" | "true" | "1" | "x" | "waar" => Some(true),
        "no" | "n" | "nee" | "nu" | "false" | "0" | "onwaar" => Some(false),
        _ => None,
    }
}

/// A date as spreadsheets write it: `2026-03-31`, `31-03-2026`, `31/03/2026`, `31.03.2026`.
fn date(raw: &str) -> Option<Date> {
    Date::parse(raw).or_else(|| {
        ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d"]
            .iter()
            .find_map(|f| chrono::NaiveDate::parse_from_str(raw, f).ok())
            .map(Date)
    })
}

/// One cell as the value of `field`, or why it cannot be.
fn cell_value(kind: RecordKind, field: &schema::Field, raw: &str, look: &Lookups) -> Result<Value, Invalid> {
    let name = field.name;
    let matches_label = |label: &crate::config::Label| label.0.values().any(|l| plain(l) == plain(raw));
    Ok(match field.ty {
        FieldType::Text | FieldType::LongText => {
            if name == names::VAT_NUMBER {
                json!(vat_number(raw))
            } else {
                json!(raw)
            }
        }
        FieldType::Money => {
            let money = Money::parse(raw)
                .filter(|m| m.cents() >= 0)
                .ok_or_else(|| problem(name, InvalidCode::BadNumber, format!("“{raw}” is not an amount")))?;
            json!(money.whole())
        }
        FieldType::Percent => {
            let n: f64 = raw
                .trim_end_matches('%')
                .trim()
                .replace(',', ".")
                .parse()
                .map_err(|_| problem(name, InvalidCode::BadNumber, format!("“{raw}” is not a percentage")))?;
            if !(0.0..=100.0).contains(&n) {
                return Err(problem(name, InvalidCode::BadNumber, format!("“{raw}” is not between 0 and 100")));
            }
            json!(n.round() as i64)
        }
        FieldType::Date => {
            let d = date(raw).ok_or_else(|| problem(name, InvalidCode::BadDate, format!("“{raw}” is not a date")))?;
            json!(d.iso())
        }
        FieldType::Check => {
            json!(yes_no(raw).ok_or_else(|| problem(
                name,
                InvalidCode::BadValue,
                format!("“{raw}” is not yes or no")
            ))?)
        }
        FieldType::Stage => {
            let stages = look.known.stages.get(&kind);
            let found = stages.and_then(|s| {
                s.0.iter()
                    .find(|d| d.code.eq_ignore_ascii_case(raw))
                    .or_else(|| s.0.iter().find(|d| matches_label(&d.name)))
            });
            json!(found.ok_or_else(|| problem(name, InvalidCode::BadValue, format!("there is no stage “{raw}”")))?.code)
        }
        FieldType::Table(table) => {
            let entries = look.tables.entries(kind, table);
            let found = entries
                .iter()
                .find(|e| e.code.eq_ignore_ascii_case(raw))
                .or_else(|| entries.iter().find(|e| matches_label(&e.label)));
            json!(
                found.ok_or_else(|| problem(name, InvalidCode::BadValue, format!("“{raw}” is not in the list")))?.code
            )
        }
        FieldType::Owner => {
            let lower = raw.to_lowercase();
            let user = look
                .users
                .iter()
                .find(|(_, _, email)| email.to_lowercase() == lower)
                .or_else(|| look.users.iter().find(|(_, n, _)| n.to_lowercase() == lower));
            json!(
                user.ok_or_else(|| problem(name, InvalidCode::BadValue, format!("there is no user “{raw}”")))?
                    .0
                    .to_string()
            )
        }
        // A company's name: the caller links or makes it.
        FieldType::Link(_) => json!(raw),
        _ => return Err(problem(name, InvalidCode::BadValue, "this field cannot be imported")),
    })
}

/// Checks a mapping for `kind` against a file of `columns` columns.
pub fn check_mapping(kind: RecordKind, mapping: &[Option<String>], columns: usize) -> Result<(), MappingError> {
    if !KINDS.contains(&kind) {
        return Err(MappingError::Kind);
    }
    if mapping.len() != columns {
        return Err(MappingError::Columns { given: mapping.len(), file: columns });
    }
    let targets = targets(kind);
    let mut seen: Vec<&str> = Vec::new();
    for field in mapping.iter().flatten() {
        if !targets.contains(&field.as_str()) {
            return Err(MappingError::UnknownField(field.clone()));
        }
        if seen.contains(&field.as_str()) {
            return Err(MappingError::Twice(field.clone()));
        }
        seen.push(field);
    }
    let mapped = |f: &str| seen.contains(&f);
    // Rows that only update (matched by their external id) need not repeat the required fields.
    if !mapped(names::EXTERNAL_ID) {
        for f in schema::required_fields(kind) {
            if !mapped(f) {
                return Err(MappingError::Missing(f.to_owned()));
            }
        }
        if kind == RecordKind::Contact && !mapped(names::FIRST_NAME) && !mapped(names::LAST_NAME) {
            return Err(MappingError::Missing(names::LAST_NAME.to_owned()));
        }
    }
    Ok(())
}

/// The clock of a value the plan has set (its records are the plan's own copies).
const PLANNED: Hlc = Hlc { wall_ms: 0, counter: 0, client: crate::sync::ClientId(Uuid::nil()) };

/// Where a key's record came from: there before the import, or made by a row of it (its line).
#[derive(Clone, Copy)]
struct Hit {
    id: Uuid,
    made_by: Option<u64>,
}

/// The plan of importing `sheet` into `kind` with `mapping` (per column the field it fills),
/// matching rows to records on `keys`; `new_id` gives the ids of new records.
pub fn plan(
    kind: RecordKind,
    sheet: &Sheet,
    mapping: &[Option<String>],
    keys: &[MatchKey],
    mut look: Lookups,
    new_id: &mut impl FnMut() -> Uuid,
) -> Result<Vec<PlannedRow>, MappingError> {
    check_mapping(kind, mapping, sheet.headers.len())?;
    let fields: Vec<Option<&'static schema::Field>> = mapping
        .iter()
        .map(|m| m.as_deref().and_then(|name| schema::fields(kind).iter().find(|f| f.name == name)))
        .collect();
    let column_of = |field: &str| mapping.iter().position(|m| m.as_deref() == Some(field));
    let existing = std::mem::take(&mut look.existing);
    let mut index: HashMap<(MatchKey, String), Hit> = HashMap::new();
    let mut states: HashMap<Uuid, RecordState> = HashMap::with_capacity(existing.len());
    for record in existing {
        let values = record.values();
        for &key in keys {
            if let Some(v) = key_value(kind, key, &values) {
                index.entry((key, v)).or_insert(Hit { id: record.id, made_by: None });
            }
        }
        states.insert(record.id, record);
    }
    let mut companies: HashMap<String, Uuid> = HashMap::new();
    for (id, name) in look.companies {
        companies.entry(normalise_name(RecordKind::Company, name)).or_insert(*id);
        look.known.records.entry(*id).or_insert_with(|| (RecordKind::Company, Map::new()));
    }
    if kind == RecordKind::Company {
        for state in states.values() {
            look.known.records.entry(state.id).or_insert_with(|| (RecordKind::Company, Map::new()));
        }
    }
    // The first line of the file that touched each record.
    let mut touched: HashMap<Uuid, u64> = HashMap::new();
    let mut out = Vec::with_capacity(sheet.rows.len());
    for (row, &line) in sheet.rows.iter().zip(&sheet.lines) {
        let refuse = |column: Option<usize>, invalid: Invalid| PlannedRow {
            line,
            outcome: Outcome::Refused,
            record: None,
            merged_with: None,
            column,
            problem: Some(invalid),
            edits: Vec::new(),
            makes_company: false,
        };
        // The row's values.
        let mut values = Map::new();
        let mut company_name = None;
        let mut bad = None;
        for (i, (cell, field)) in row.iter().zip(&fields).enumerate() {
            let Some(field) = field else { continue };
            if cell.is_empty() {
                continue;
            }
            match cell_value(kind, field, cell, &look) {
                Ok(_) if matches!(field.ty, FieldType::Link(_)) => company_name = Some(cell.clone()),
                Ok(v) => {
                    values.insert(field.name.to_owned(), v);
                }
                Err(e) => {
                    bad = Some(refuse(Some(i), e));
                    break;
                }
            }
        }
        if let Some(refused) = bad {
            out.push(refused);
            continue;
        }
        if kind == RecordKind::Contact
            && let Err(e) = normalise_reachable(&mut values, look.country)
        {
            let column = column_of(&e.field);
            out.push(refuse(column, e));
            continue;
        }
        // Which record it is.
        let hit =
            keys.iter().find_map(|&key| key_value(kind, key, &values).and_then(|v| index.get(&(key, v)).copied()));
        let mut edits = Vec::new();
        let mut makes_company = false;
        if let Some(name) = company_name {
            let key = normalise_name(RecordKind::Company, &name);
            let id = match companies.get(&key) {
                Some(id) => *id,
                None => {
                    let id = new_id();
                    let edit =
                        Edit::create(RecordKind::Company, id, Map::from_iter([(names::NAME.into(), json!(name))]));
                    match prepare(edit, None, look.actor, &look.known) {
                        Ok(Some(edit)) => edits.push(edit),
                        Ok(None) => {}
                        Err(e) => {
                            out.push(refuse(column_of(names::COMPANY_ID), refusal(names::COMPANY_ID, e)));
                            continue;
                        }
                    }
                    makes_company = true;
                    id
                }
            };
            values.insert(names::COMPANY_ID.into(), json!(id.to_string()));
        }
        let (outcome, id, merged_with) = match hit {
            None => (Outcome::Created, new_id(), None),
            Some(hit) => {
                let earlier = touched.get(&hit.id).copied().or(hit.made_by);
                match earlier {
                    // A second row for the same record fills what it lacks.
                    Some(first) => {
                        let current = states.get(&hit.id).map(RecordState::values).unwrap_or_default();
                        values.retain(|k, _| text(&current, k).is_none() && current.get(k).is_none_or(Value::is_null));
                        (Outcome::Merged, hit.id, Some(first))
                    }
                    None => (Outcome::Updated, hit.id, None),
                }
            }
        };
        for edit in &edits {
            look.known.records.insert(edit.id, (RecordKind::Company, edit.fields.clone()));
        }
        let before = states.get(&id);
        let edit = if before.is_some() { Edit::update(kind, id, values) } else { Edit::create(kind, id, values) };
        let prepared = match prepare(edit, before, look.actor, &look.known) {
            Ok(p) => p,
            Err(e) => {
                for edit in &edits {
                    look.known.records.remove(&edit.id);
                }
                let invalid = refusal("", e);
                let column = column_of(&invalid.field);
                out.push(refuse(column, invalid));
                continue;
            }
        };
        // The row's record as it will be, for the rows after it.
        for edit in &edits {
            companies.insert(
                normalise_name(RecordKind::Company, text(&edit.fields, names::NAME).unwrap_or_default()),
                edit.id,
            );
        }
        let outcome = match (&prepared, outcome) {
            (None, Outcome::Updated) => Outcome::Unchanged,
            (_, o) => o,
        };
        if let Some(edit) = prepared {
            let owner = text(&edit.fields, names::OWNER_ID).and_then(|o| o.parse().ok()).map(UserId);
            let state = states.entry(id).or_insert_with(|| RecordState {
                id,
                kind,
                owner_id: owner.unwrap_or(look.actor.user),
                office_id: owner.and_then(|o| look.known.owners.get(&o).copied()).unwrap_or(look.actor.office),
                version: 0,
                fields: Default::default(),
            });
            for (k, v) in &edit.fields {
                state.fields.insert(k.clone(), FieldState { value: v.clone(), version: 0, hlc: PLANNED });
            }
            let after = state.values();
            for &key in keys {
                if let Some(v) = key_value(kind, key, &after) {
                    index.entry((key, v)).or_insert(Hit { id, made_by: Some(line) });
                }
            }
            if kind == RecordKind::Company {
                look.known.records.insert(id, (RecordKind::Company, after));
            }
            edits.push(edit);
        }
        touched.entry(id).or_insert(line);
        out.push(PlannedRow {
            line,
            outcome,
            record: Some(id),
            merged_with,
            column: None,
            problem: None,
            edits,
            makes_company,
        });
    }
    Ok(out)
}

/// A refusal of `prepare` as a row's problem.
fn refusal(field: &str, refused: Refused) -> Invalid {
    match refused {
        Refused::Invalid(invalid) => invalid,
        Refused::NotAllowed => problem(field, InvalidCode::NotAllowed, "your role does not allow this"),
    }
}

/// A contact's e-mail and phone normalised (so the keys compare), when the row has them.
fn normalise_reachable(values: &mut Map<String, Value>, country: &str) -> Result<(), Invalid> {
    if let Some(raw) = text(values, names::EMAIL).map(str::to_owned) {
        let email = Email::parse(&raw).map_err(|e| problem(names::EMAIL, InvalidCode::BadEmail, e.to_string()))?;
        values.insert(names::EMAIL.into(), json!(email.as_str()));
    }
    if let Some(raw) = text(values, names::PHONE).map(str::to_owned) {
        let country = text(values, names::COUNTRY).unwrap_or(country).to_owned();
        let phone = Phone::parse(&raw, Some(&country))
            .map_err(|e| problem(names::PHONE, InvalidCode::BadPhone, e.to_string()))?;
        values.insert(names::PHONE.into(), json!(phone.as_str()));
    }
    Ok(())
}

/// The counts of a plan.
pub fn counts(rows: &[PlannedRow]) -> Counts {
    let mut counts = Counts::default();
    for row in rows {
        counts.add(row.outcome);
        if row.makes_company {
            counts.companies += 1;
        }
    }
    counts
}

/// Where an import is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportState {
    /// Read; waiting for a mapping.
    Uploaded,
    /// Dry-run: the plan is there to be looked at (and run, or planned again).
    Planned,
    /// Being imported, batch by batch (resumed after a restart).
    Running,
    Done,
}

/// `POST /api/imports/{id}/plan`: the mapping (per column the field it fills, or none) and
/// what rows match on (the kind's default keys when absent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanRequest {
    pub mapping: Vec<Option<String>>,
    #[serde(default)]
    pub match_on: Option<Vec<MatchKey>>,
}

/// One row of the dry run's (or the run's) report: the rows that are not simply created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowReport {
    pub line: u64,
    pub outcome: Outcome,
    pub record: Option<Uuid>,
    pub merged_with: Option<u64>,
    /// The column (index) at fault.
    pub column: Option<usize>,
    pub problem: Option<Invalid>,
    /// The row's cells as in the file.
    pub cells: Vec<String>,
}

/// The most rows a report lists (its counts count them all).
pub const MAX_REPORT: usize = 5_000;

/// An import as its user sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportView {
    pub id: Uuid,
    pub kind: RecordKind,
    pub file_name: String,
    pub state: ImportState,
    pub encoding: Encoding,
    /// `;`, `,` or a tab.
    pub separator: String,
    pub headers: Vec<String>,
    /// The first rows, to map the columns by.
    pub sample: Vec<Vec<String>>,
    /// The mapping suggested from the headers.
    pub suggested: Vec<Option<String>>,
    /// The fields a column can fill.
    pub targets: Vec<String>,
    /// The mapping planned with (empty before).
    pub mapping: Vec<Option<String>>,
    pub match_on: Vec<MatchKey>,
    /// Data rows in the file.
    pub total: u64,
    /// Rows imported so far.
    pub done: u64,
    /// What the dry run found.
    pub planned: Option<Counts>,
    /// What the run did so far.
    pub result: Counts,
    /// Refused and merged rows (at most [`MAX_REPORT`]): of the plan, and rows the run found
    /// refused after all (data changed since the dry run). Only when planned or done.
    pub rows: Vec<RowReport>,
}

/// The report rows of a plan: every row not simply created or left unchanged, with its cells.
pub fn report(plan: &[PlannedRow], sheet: &Sheet) -> Vec<RowReport> {
    plan.iter()
        .zip(&sheet.rows)
        .filter(|(p, _)| matches!(p.outcome, Outcome::Refused | Outcome::Merged))
        .take(MAX_REPORT)
        .map(|(p, cells)| RowReport {
            line: p.line,
            outcome: p.outcome,
            record: p.record,
            merged_with: p.merged_with,
            column: p.column,
            problem: p.problem.clone(),
            cells: cells.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::presets;
    use crate::config::{Stages, default_stages, default_tables};
    use crate::{OfficeId, UserId};

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn actor() -> Actor {
        Actor { user: UserId(id(50)), office: OfficeId(id(60)), permissions: presets::administrator() }
    }

    fn sheet(text: &str) -> Sheet {
        read(text.as_bytes()).expect("reads").0
    }

    fn ids() -> impl FnMut() -> Uuid {
        let mut n = 1000u128;
        move || {
            n += 1;
            id(n)
        }
    }

    fn plan_of(
        kind: RecordKind,
        text: &str,
        existing: Vec<RecordState>,
        companies: &[(Uuid, String)],
    ) -> Vec<PlannedRow> {
        let sheet = sheet(text);
        let mapping = suggest(kind, &sheet.headers);
        let actor = actor();
        let tables = Tables(default_tables());
        let users = [(UserId(id(51)), "Sanne de Vries".to_owned(), "sanne@veld.test".to_owned())];
        let mut known = Known::default();
        for list in [RecordKind::Lead, RecordKind::Opportunity] {
            known.stages.insert(list, Stages::of(list, default_stages()));
        }
        known.owners.insert(UserId(id(51)), OfficeId(id(60)));
        let look = Lookups { actor: &actor, known, tables: &tables, users: &users, existing, companies, country: "NL" };
        plan(kind, &sheet, &mapping, &match_keys(kind), look, &mut ids()).expect("plans")
    }

    fn record(kind: RecordKind, n: u128, values: Value) -> RecordState {
        let fields = values
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), FieldState { value: v.clone(), version: 1, hlc: PLANNED }))
            .collect();
        RecordState { id: id(n), kind, owner_id: UserId(id(50)), office_id: OfficeId(id(60)), version: 1, fields }
    }

    #[test]
    fn reads_dutch_excel_in_windows_1252_with_semicolons() {
        // "Café Zoë" in Windows-1252: é = 0xE9, ë = 0xEB.
        let bytes = b"Naam;Plaats\r\nCaf\xe9 Zo\xeb;Utrecht\r\n;\r\n\"Jansen; Zn\";Delft\r\n";
        let (sheet, encoding, separator) = read(bytes).unwrap();
        assert_eq!(encoding, Encoding::Windows1252);
        assert_eq!(separator, b';');
        assert_eq!(sheet.headers, ["Naam", "Plaats"]);
        assert_eq!(sheet.rows, [["Café Zoë", "Utrecht"], ["Jansen; Zn", "Delft"]]);
        assert_eq!(sheet.lines, [2, 4]);
    }

    #[test]
    fn reads_utf8_with_a_byte_order_mark_and_commas_and_pads_short_rows() {
        let (sheet, encoding, separator) = read("\u{feff}Name,City,Phone\nȘtefan SRL,Cluj\n".as_bytes()).unwrap();
        assert_eq!((encoding, separator), (Encoding::Utf8, b','));
        assert_eq!(sheet.headers, ["Name", "City", "Phone"]);
        assert_eq!(sheet.rows, [["Ștefan SRL", "Cluj", ""]]);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert_eq!(read(b"\n\n").unwrap_err(), ReadError::Empty);
        let wide = vec!["c"; MAX_COLUMNS + 1].join(",");
        assert_eq!(read(wide.as_bytes()).unwrap_err(), ReadError::TooManyColumns);
        assert_eq!(read(&vec![b'a'; MAX_BYTES + 1]).unwrap_err(), ReadError::TooLarge);
    }

    #[test]
    fn suggests_fields_from_headers_in_three_languages() {
        let headers: Vec<String> =
            ["Voornaam", "Achternaam", "E-mailadres", "Telefoon", "Bedrijf", "Opmerking x"].map(String::from).into();
        assert_eq!(
            suggest(RecordKind::Contact, &headers),
            [
                Some(names::FIRST_NAME.to_owned()),
                Some(names::LAST_NAME.to_owned()),
                Some(names::EMAIL.to_owned()),
                Some(names::PHONE.to_owned()),
                Some(names::COMPANY_ID.to_owned()),
                None
            ]
        );
        // A company's "company" column is its name; "Naam" after it is not mapped twice.
        let headers: Vec<String> = ["Bedrijf", "Naam", "BTW-nummer", "Oraș"].map(String::from).into();
        assert_eq!(
            suggest(RecordKind::Company, &headers),
            [Some(names::NAME.to_owned()), None, Some(names::VAT_NUMBER.to_owned()), Some(names::CITY.to_owned())]
        );
    }

    #[test]
    fn a_mapping_must_fill_the_required_fields_once_with_known_fields() {
        let two = |a: &str, b: &str| vec![Some(a.to_owned()), Some(b.to_owned())];
        assert_eq!(check_mapping(RecordKind::Lead, &two(names::TITLE, names::SOURCE), 2), Ok(()));
        assert_eq!(
            check_mapping(RecordKind::Lead, &two(names::SOURCE, names::STAGE), 2),
            Err(MappingError::Missing(names::TITLE.into()))
        );
        assert_eq!(
            check_mapping(RecordKind::Lead, &two(names::TITLE, names::TITLE), 2),
            Err(MappingError::Twice(names::TITLE.into()))
        );
        assert_eq!(
            check_mapping(RecordKind::Lead, &two(names::TITLE, names::NUMBER), 2),
            Err(MappingError::UnknownField(names::NUMBER.into()))
        );
        assert_eq!(
            check_mapping(RecordKind::Lead, &two(names::TITLE, names::SOURCE), 3),
            Err(MappingError::Columns { given: 2, file: 3 })
        );
        assert_eq!(check_mapping(RecordKind::Activity, &[], 0), Err(MappingError::Kind));
    }

    #[test]
    fn contacts_with_one_phone_in_three_spellings_become_one_and_bad_rows_say_why() {
        let rows = plan_of(
            RecordKind::Contact,
            "First name,Last name,Email,Phone\n\
             Anna,Bakker,anna@bakker.nl,06 1234 5678\n\
             Anna,Bakker,,+31 6 12345678\n\
             A.,Bakker,ANNA.B@example.org,0031612345678\n\
             Bob,Smit,bob@@smit,\n\
             Carla,Dijk,,\n\
             Dirk,Vos,Dirk@Vos.nl,\n",
            vec![record(
                RecordKind::Contact,
                7,
                json!({"first_name": "Dirk", "last_name": "Vos", "email": "dirk@vos.nl"}),
            )],
            &[],
        );
        let outcomes: Vec<Outcome> = rows.iter().map(|r| r.outcome).collect();
        use Outcome::*;
        assert_eq!(outcomes, [Created, Merged, Merged, Refused, Refused, Unchanged]);
        let anna = rows[0].record.unwrap();
        assert_eq!(rows[1].record, Some(anna));
        assert_eq!(rows[1].merged_with, Some(2));
        // The third spelling fills the e-mail the first lacked... no: the first had one; it
        // keeps the first row's e-mail and adds nothing, so its edit list is empty.
        assert!(rows[2].edits.is_empty());
        assert_eq!(rows[0].edits[0].fields[names::PHONE], json!("+31612345678"));
        assert_eq!(rows[3].problem.as_ref().unwrap().code, InvalidCode::BadEmail);
        assert_eq!(rows[3].column, Some(2));
        assert_eq!(rows[4].problem.as_ref().unwrap().code, InvalidCode::EmailOrPhoneRequired);
        assert_eq!(rows[5].record, Some(id(7)));
        assert_eq!(counts(&rows), Counts { created: 1, merged: 2, refused: 2, unchanged: 1, ..Counts::default() });
    }

    #[test]
    fn leads_read_stages_tables_owners_money_and_link_or_make_their_company() {
        let rows = plan_of(
            RecordKind::Lead,
            "Title;Stage;Source;Owner;Value;Company\n\
             Fleet renewal;new;website;sanne@veld.test;€ 67.000;Jansen B.V.\n\
             Vans;Nieuw;;Sanne de Vries;1.234,50;Nieuw Bedrijf\n\
             Trucks;Nowhere;;;;Nieuw bedrijf\n\
             Cars;;;;twelve;\n\
             Bikes;;;;;nieuw bedrijf\n",
            vec![],
            &[(id(9), "Jansen BV".to_owned())],
        );
        use Outcome::*;
        assert_eq!(rows[1].problem, None);
        assert_eq!(rows.iter().map(|r| r.outcome).collect::<Vec<_>>(), [Created, Created, Refused, Refused, Created]);
        let first = &rows[0].edits[0].fields;
        assert_eq!(first[names::COMPANY_ID], json!(id(9).to_string()));
        assert_eq!(first[names::EXPECTED_VALUE], json!(67_000));
        assert_eq!(first[names::OWNER_ID], json!(id(51).to_string()));
        assert_eq!(first[names::SOURCE], json!("website"));
        // The second row makes the company, the fifth links the same one.
        assert!(rows[1].makes_company);
        assert_eq!(rows[1].edits.len(), 2);
        let made = rows[1].edits[0].id;
        assert_eq!(rows[1].edits[1].fields[names::EXPECTED_VALUE], json!(1_235));
        assert_eq!(rows[4].edits[0].fields[names::COMPANY_ID], json!(made.to_string()));
        assert!(!rows[4].makes_company);
        assert_eq!(rows[2].problem.as_ref().unwrap().code, InvalidCode::BadValue);
        assert_eq!(rows[2].column, Some(1));
        assert_eq!(rows[3].problem.as_ref().unwrap().code, InvalidCode::BadNumber);
        assert_eq!(counts(&rows).companies, 1);
    }

    #[test]
    fn companies_match_by_vat_number_or_name_and_update_what_differs() {
        let rows = plan_of(
            RecordKind::Company,
            "Name,VAT number,City\n\
             Jansen B.V.,,Rotterdam\n\
             Other name,nl 8123.45.678.B01,Delft\n\
             Brand new,,Gouda\n",
            vec![
                record(RecordKind::Company, 9, json!({"name": "Jansen BV", "city": "Delft"})),
                record(RecordKind::Company, 10, json!({"name": "Pieters", "vat_number": "NL812345678B01"})),
            ],
            &[],
        );
        use Outcome::*;
        assert_eq!(rows.iter().map(|r| r.outcome).collect::<Vec<_>>(), [Updated, Updated, Created]);
        assert_eq!(rows[0].record, Some(id(9)));
        // Only what differs travels: the name as written in the file, and the city.
        let changed: Vec<&String> = rows[0].edits[0].fields.keys().collect();
        assert_eq!(changed, [names::CITY, names::NAME]);
        assert_eq!(rows[1].record, Some(id(10)));
    }

    #[test]
    fn a_role_without_create_is_refused_per_row() {
        let sheet = sheet("Title\nA\n");
        let mut actor = actor();
        actor.permissions = presets::sales_rep();
        let tables = Tables::default();
        let look = Lookups {
            actor: &actor,
            known: Known::default(),
            tables: &tables,
            users: &[],
            existing: vec![],
            companies: &[],
            country: "NL",
        };
        let rows = plan(RecordKind::Lead, &sheet, &[Some(names::TITLE.into())], &[], look, &mut ids()).unwrap();
        assert_eq!(rows[0].outcome, Outcome::Refused);
        assert_eq!(rows[0].problem.as_ref().unwrap().code, InvalidCode::NotAllowed);
    }
}
