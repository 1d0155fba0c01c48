//! The overview without a screen (LO-1, LO-2, CR-1): a record — a lead, an opportunity, a
//! company or a contact — as a row (text to show and to search),
//! the tabs, the columns and how they sort, the advanced-search conditions, and the pipeline
//! from all rows to the visible window — each a pure function, natively tested.
//!
//! The work is split so that a keystroke does the least: rows are built once per change of the
//! data ([`RowBuilder`]), their order once per change of the sort ([`order`]), and a keystroke
//! only filters that order ([`filter`]) and renders the visible [`Window`].

use crate::format::money;
use crate::i18n::Strings;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use veld_domain::config::Table;
use veld_domain::records::{contact_name, text};
use veld_domain::schema::FieldType;
use veld_domain::schema::names;
use veld_domain::sync::RecordState;
use veld_domain::{Language, OfficeId, RecordKind, UserId};

/// One record as the overview shows and searches it, computed once per data change (and kept
/// for the next start's first screen, `super::start`).
///
/// A company's status stands where a lead's stage does (its pill, its tabs, its conditions);
/// a company's customer number where a lead's number does.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Row {
    pub id: uuid::Uuid,
    pub number: String,
    pub title: String,
    pub company: String,
    pub contacts: String,
    pub stage: String,
    pub stage_code: String,
    pub source_code: String,
    pub category_code: String,
    pub stage_index: i64,
    pub stage_group: String,
    pub source: String,
    pub value: Option<i64>,
    pub probability: Option<i64>,
    pub close_date: String,
    /// When the stage was last set (ms since the epoch, by the edit's clock; 0 = unknown).
    pub stage_since_ms: i64,
    pub owner: UserId,
    pub office: OfficeId,
    /// A company's city; a contact's e-mail and phone; a company's phone.
    pub city: String,
    pub email: String,
    pub phone: String,
    /// A company's industry, a contact's function.
    pub detail: String,
    /// A company's type: its label and code.
    pub type_label: String,
    pub type_code: String,
    /// A company's or contact's criteria: `criterion=option` codes (conditions), and the
    /// options' labels (the column).
    pub criteria: Vec<String>,
    pub criteria_label: String,
    /// Lower-case text searched by the search box.
    pub haystack: String,
}

impl AsRef<Row> for Row {
    fn as_ref(&self) -> &Row {
        self
    }
}

/// Separates the parts of a searched text (so a search never matches across two of them).
const SEP: char = '\u{1f}';

/// What building a row looks up: company names, contact names with e-mail and phone, and the
/// configuration (stage and table labels).
#[derive(Clone, PartialEq)]
pub struct RowBuilder {
    pub companies: HashMap<uuid::Uuid, String>,
    pub contacts: HashMap<uuid::Uuid, String>,
    pub config: crate::state::Config,
    pub kind: RecordKind,
    pub language: &'static str,
    /// The kind's criteria (companies and contacts).
    pub criteria: Vec<veld_domain::criteria::Criterion>,
}

impl RowBuilder {
    pub fn new(config: crate::state::Config, kind: RecordKind, language: &'static str) -> RowBuilder {
        let criteria = config.criteria(kind);
        RowBuilder { companies: HashMap::new(), contacts: HashMap::new(), config, kind, language, criteria }
    }

    /// Learns a company's name or a contact's name, e-mail and phone (rows show and search them).
    pub fn learn(&mut self, r: &RecordState) {
        let v = r.values();
        if r.kind == RecordKind::Company {
            self.companies.insert(r.id, text(&v, names::NAME).unwrap_or_default().to_owned());
        } else if r.kind == RecordKind::Contact {
            let mut s = contact_name(&v);
            for f in [names::EMAIL, names::PHONE] {
                if let Some(x) = text(&v, f) {
                    s.push(SEP);
                    s.push_str(x);
                }
            }
            self.contacts.insert(r.id, s);
        }
    }

    /// One record's row.
    pub fn row(&self, r: &RecordState) -> Row {
        match self.kind {
            RecordKind::Company | RecordKind::Contact => self.relation_row(r),
            _ => self.deal_row(r),
        }
    }

    /// A company's or a contact's row.
    fn relation_row(&self, r: &RecordState) -> Row {
        let (kind, language, config) = (self.kind, self.language, &self.config);
        let str_of = |name: &str| r.fields.get(name).and_then(|f| f.value.as_str()).unwrap_or_default();
        let company =
            str_of(names::COMPANY_ID).parse().ok().and_then(|c| self.companies.get(&c).cloned()).unwrap_or_default();
        let title = if kind == RecordKind::Contact {
            [str_of(names::FIRST_NAME), str_of(names::LAST_NAME)]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            str_of(names::NAME).to_owned()
        };
        let status = str_of(names::STATUS);
        let entry = config.tables.get(kind, Table::Status, status);
        let type_code = str_of(names::TYPE);
        let mut haystack = String::with_capacity(title.len() + 64);
        let mut push = |part: &str| {
            haystack.push_str(part);
            haystack.push(SEP);
        };
        // The whole name first ("anna bakker" finds Anna Bakker), then the searched fields.
        push(&title);
        for f in veld_domain::schema::searched_fields(kind) {
            match f.ty {
                FieldType::Link(RecordKind::Company) => push(&company),
                _ => push(str_of(f.name)),
            }
        }
        // Criteria: searched and shown by their options' labels, tested by their codes.
        // (In the criteria's order; one no longer defined after them, by its codes.)
        let (mut criteria, mut labels) = (Vec::new(), Vec::new());
        let held = r.fields.iter().filter_map(|(f, s)| Some((veld_domain::criteria::code_of(f)?, &s.value)));
        let mut held: Vec<(usize, &str, &serde_json::Value)> = held
            .map(|(code, v)| (self.criteria.iter().position(|c| c.code == code).unwrap_or(usize::MAX), code, v))
            .collect();
        held.sort_by_key(|(i, code, _)| (*i, *code));
        for (i, code, value) in held {
            let criterion = self.criteria.get(i);
            for option in veld_domain::criteria::chosen(Some(value)) {
                criteria.push(format!("{code}={option}"));
                let label = criterion.map_or(option, |c| c.option_label(option, language));
                push(label);
                labels.push(label.to_owned());
            }
        }
        let detail = if kind == RecordKind::Contact { names::FUNCTION } else { names::INDUSTRY };
        Row {
            id: r.id,
            number: str_of(names::CUSTOMER_NUMBER).to_owned(),
            title,
            company,
            stage: entry.map(|e| e.label.get(language).to_owned()).unwrap_or_else(|| status.to_owned()),
            stage_code: status.to_owned(),
            stage_index: entry.map_or(i64::MAX, |e| e.order),
            stage_group: status.to_owned(),
            owner: r.owner_id,
            office: r.office_id,
            city: str_of(names::CITY).to_owned(),
            email: str_of(names::EMAIL).to_owned(),
            phone: str_of(names::PHONE).to_owned(),
            detail: str_of(detail).to_owned(),
            type_label: config.tables.label(kind, Table::Type, type_code, language).to_owned(),
            type_code: type_code.to_owned(),
            criteria,
            criteria_label: labels.join(", "),
            haystack: haystack.to_lowercase(),
            ..Row::default()
        }
    }

    /// A lead's or an opportunity's row.
    fn deal_row(&self, r: &RecordState) -> Row {
        let (kind, language, config) = (self.kind, self.language, &self.config);
        let stages = config.stages(kind);
        let value_field = veld_domain::schema::value_field(kind).unwrap_or_default();
        // Read fields in place: copying 50,000 records' values would dominate opening the list.
        let field = |name: &str| r.fields.get(name).map(|f| &f.value);
        let str_of = |name: &str| field(name).and_then(|v| v.as_str()).unwrap_or_default();
        let stage_code = str_of(veld_domain::records::STAGE);
        let stage = stages.get(stage_code);
        let company =
            str_of(names::COMPANY_ID).parse().ok().and_then(|c| self.companies.get(&c).cloned()).unwrap_or_default();
        let linked: Vec<&String> = match field(veld_domain::records::CONTACTS) {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|c| c.get("id")?.as_str()?.parse().ok())
                .filter_map(|id: uuid::Uuid| self.contacts.get(&id))
                .collect(),
            _ => Vec::new(),
        };
        let contact_names: Vec<&str> = linked.iter().map(|s| s.split(SEP).next().unwrap_or_default()).collect();
        let title = str_of(names::TITLE).to_owned();
        // Numbered by the server when the record first syncs; until then a provisional "L…".
        let number = match (str_of(names::NUMBER), veld_domain::records::numbering(r.kind)) {
            ("", Some((prefix, _))) if r.version == 0 => format!("{prefix}…"),
            (n, _) => n.to_owned(),
        };
        // What the search looks in: the schema's searched fields (a link by its record's name,
        // contacts by name, e-mail and phone).
        let mut haystack = String::with_capacity(title.len() + company.len() + 32);
        let mut push = |part: &str| {
            haystack.push_str(part);
            haystack.push(SEP);
        };
        for f in veld_domain::schema::searched_fields(kind) {
            match f.ty {
                FieldType::Link(RecordKind::Company) => push(&company),
                FieldType::Contacts => linked.iter().for_each(|c| push(c)),
                FieldType::Assigned => push(&number),
                _ => push(str_of(f.name)),
            }
        }
        Row {
            id: r.id,
            number,
            title,
            company,
            contacts: contact_names.join(", "),
            stage: stage.map(|s| s.name.get(language).to_owned()).unwrap_or_else(|| stage_code.to_owned()),
            stage_code: stage_code.to_owned(),
            stage_since_ms: r.fields.get(veld_domain::records::STAGE).map_or(0, |f| f.hlc.wall_ms),
            source_code: str_of(names::SOURCE).to_owned(),
            category_code: str_of(names::CATEGORY).to_owned(),
            stage_index: stage.map_or(i64::MAX, |s| s.index),
            stage_group: stage.and_then(|s| s.stage_group.clone()).unwrap_or_default(),
            source: config.tables.label(kind, Table::Source, str_of(names::SOURCE), language).to_owned(),
            value: field(value_field).and_then(|x| x.as_i64()),
            probability: field(names::PROBABILITY).and_then(|x| x.as_i64()),
            close_date: str_of(names::EXPECTED_CLOSE_DATE).to_owned(),
            owner: r.owner_id,
            office: r.office_id,
            haystack: haystack.to_lowercase(),
            ..Row::default()
        }
    }

    /// The rows of `records` (of the builder's kind), newest first.
    pub fn rows<'a>(&self, records: impl IntoIterator<Item = &'a RecordState>) -> Vec<Row> {
        let mut rows: Vec<Row> = records.into_iter().map(|r| self.row(r)).collect();
        // Newest first until the user sorts: UUIDv7 ids sort by creation time.
        rows.sort_unstable_by_key(|r| std::cmp::Reverse(r.id));
        rows
    }
}

/// Which records a tab shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tab {
    Mine,
    Office,
    All,
    Group(String),
}

impl Tab {
    /// The tab's key in the address (`?tab=…`) and in saved views.
    pub fn key(&self) -> String {
        match self {
            Tab::Mine => "mine".into(),
            Tab::Office => "office".into(),
            Tab::All => "all".into(),
            Tab::Group(g) => format!("group-{g}"),
        }
    }

    pub fn parse(s: &str) -> Tab {
        match s {
            "mine" => Tab::Mine,
            "office" => Tab::Office,
            "" | "all" => Tab::All,
            other => other.strip_prefix("group-").map(|g| Tab::Group(g.to_owned())).unwrap_or(Tab::All),
        }
    }

    pub fn admits(&self, row: &Row, me: UserId, office: OfficeId) -> bool {
        match self {
            Tab::Mine => row.owner == me,
            Tab::Office => row.office == office,
            Tab::All => true,
            Tab::Group(g) => &row.stage_group == g,
        }
    }
}

/// The tabs of a kind's overview with their labels: one per stage group (a company's status),
/// then mine, my office and all.
pub fn tabs(kind: RecordKind, config: &crate::state::Config, language: &str, t: &Strings) -> Vec<(Tab, String)> {
    let grouped_by = if kind == RecordKind::Company { Table::Status } else { Table::StageGroup };
    let mut out: Vec<(Tab, String)> = config
        .tables
        .entries(kind, grouped_by)
        .into_iter()
        .map(|g| (Tab::Group(g.code.clone()), g.label.get(language).to_owned()))
        .collect();
    let (mine, office, all) = match kind {
        RecordKind::Lead => (t.tab.my_leads, t.tab.office_leads, t.tab.all_leads),
        RecordKind::Company => (t.tab.my_companies, t.tab.office_companies, t.tab.all_companies),
        RecordKind::Contact => (t.tab.my_contacts, t.tab.office_contacts, t.tab.all_contacts),
        _ => (t.tab.my_opportunities, t.tab.office_opportunities, t.tab.all_opportunities),
    };
    out.extend([(Tab::Mine, mine.to_owned()), (Tab::Office, office.to_owned()), (Tab::All, all.to_owned())]);
    out
}

/// The sortable columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Col {
    Number,
    Title,
    Company,
    Contacts,
    Stage,
    Source,
    Value,
    Probability,
    CloseDate,
    /// A company's or contact's name (the main column, as a lead's title).
    Name,
    /// A company's status (shown as a lead's stage).
    Status,
    Type,
    City,
    Industry,
    Function,
    Email,
    Phone,
    Criteria,
}

impl Col {
    const ALL: [Col; 18] = [
        Col::Number,
        Col::Title,
        Col::Company,
        Col::Contacts,
        Col::Stage,
        Col::Source,
        Col::Value,
        Col::Probability,
        Col::CloseDate,
        Col::Name,
        Col::Status,
        Col::Type,
        Col::City,
        Col::Industry,
        Col::Function,
        Col::Email,
        Col::Phone,
        Col::Criteria,
    ];

    /// The column that links to the record and is always shown.
    pub fn main(self) -> bool {
        matches!(self, Col::Title | Col::Name)
    }

    /// Shown as a coloured pill.
    pub fn pill(self) -> bool {
        matches!(self, Col::Stage | Col::Status)
    }

    /// A stable name, for saved views.
    pub fn code(self) -> &'static str {
        match self {
            Col::Number => names::NUMBER,
            Col::Title => names::TITLE,
            Col::Company => "company",
            Col::Contacts => names::CONTACTS,
            Col::Stage => names::STAGE,
            Col::Source => names::SOURCE,
            Col::Value => "value",
            Col::Probability => names::PROBABILITY,
            Col::CloseDate => "close_date",
            Col::Name => names::NAME,
            Col::Status => names::STATUS,
            Col::Type => names::TYPE,
            Col::City => names::CITY,
            Col::Industry => names::INDUSTRY,
            Col::Function => names::FUNCTION,
            Col::Email => names::EMAIL,
            Col::Phone => names::PHONE,
            Col::Criteria => "criteria",
        }
    }

    pub fn parse(code: &str) -> Option<Col> {
        Col::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self, t: &Strings) -> &'static str {
        match self {
            Col::Number => t.col.number,
            Col::Title => t.col.title,
            Col::Company => t.col.company,
            Col::Contacts => t.col.contacts,
            Col::Stage => t.col.stage,
            Col::Source => t.col.source,
            Col::Value => t.col.value,
            Col::Probability => t.col.probability,
            Col::CloseDate => t.col.close_date,
            Col::Name => t.col.name,
            Col::Status => t.col.status,
            Col::Type => t.col.type_of,
            Col::City => t.col.city,
            Col::Industry => t.col.industry,
            Col::Function => t.col.function,
            Col::Email => t.col.email,
            Col::Phone => t.col.phone,
            Col::Criteria => t.col.criteria,
        }
    }

    pub fn numeric(self) -> bool {
        matches!(self, Col::Value | Col::Probability)
    }

    /// Hidden on narrow screens.
    pub fn secondary(self) -> bool {
        !matches!(self, Col::Title | Col::Stage | Col::Value | Col::Name | Col::Status)
    }

    /// Left out on a laptop's screen (below 1440 px), so the value stays in view.
    pub fn tertiary(self) -> bool {
        matches!(self, Col::Contacts | Col::Source | Col::Probability | Col::Criteria)
    }

    pub fn cell(self, r: &Row, lang: Language) -> String {
        match self {
            Col::Number => r.number.clone(),
            Col::Title => r.title.clone(),
            Col::Company => r.company.clone(),
            Col::Contacts => r.contacts.clone(),
            Col::Stage => r.stage.clone(),
            Col::Source => r.source.clone(),
            Col::Value => r.value.map(|v| money(v, lang)).unwrap_or_default(),
            Col::Probability => r.probability.map(|p| format!("{p} %")).unwrap_or_default(),
            Col::CloseDate => crate::format::date(&r.close_date, lang),
            Col::Name => r.title.clone(),
            Col::Status => r.stage.clone(),
            Col::Type => r.type_label.clone(),
            Col::City => r.city.clone(),
            Col::Industry | Col::Function => r.detail.clone(),
            Col::Email => r.email.clone(),
            Col::Phone => r.phone.clone(),
            Col::Criteria => r.criteria_label.clone(),
        }
    }

    /// The cell as an exported file holds it: numbers plain (a spreadsheet sums them), dates
    /// as `YYYY-MM-DD`, labels as shown.
    pub fn export(self, r: &Row) -> String {
        match self {
            Col::Value => r.value.map(|v| v.to_string()).unwrap_or_default(),
            Col::Probability => r.probability.map(|p| p.to_string()).unwrap_or_default(),
            Col::CloseDate => r.close_date.clone(),
            other => other.cell(r, Language::En),
        }
    }

    pub fn compare(self, a: &Row, b: &Row) -> std::cmp::Ordering {
        let text = |x: &str, y: &str| x.to_lowercase().cmp(&y.to_lowercase());
        match self {
            Col::Number => a.number.cmp(&b.number),
            Col::Title => text(&a.title, &b.title),
            Col::Company => text(&a.company, &b.company),
            Col::Contacts => text(&a.contacts, &b.contacts),
            Col::Stage => a.stage_index.cmp(&b.stage_index),
            Col::Source => text(&a.source, &b.source),
            Col::Value => a.value.cmp(&b.value),
            Col::Probability => a.probability.cmp(&b.probability),
            Col::CloseDate => a.close_date.cmp(&b.close_date),
            Col::Name => text(&a.title, &b.title),
            Col::Status => a.stage_index.cmp(&b.stage_index),
            Col::Type => text(&a.type_label, &b.type_label),
            Col::City => text(&a.city, &b.city),
            Col::Industry | Col::Function => text(&a.detail, &b.detail),
            Col::Email => text(&a.email, &b.email),
            Col::Phone => a.phone.cmp(&b.phone),
            Col::Criteria => text(&a.criteria_label, &b.criteria_label),
        }
    }
}

/// The columns of a kind's overview, in order.
pub fn columns(kind: RecordKind) -> Vec<Col> {
    match kind {
        RecordKind::Lead => {
            vec![Col::Number, Col::Title, Col::Company, Col::Contacts, Col::Stage, Col::Source, Col::Value]
        }
        RecordKind::Company => {
            vec![Col::Name, Col::Status, Col::Type, Col::City, Col::Industry, Col::Phone, Col::Criteria]
        }
        RecordKind::Contact => vec![Col::Name, Col::Company, Col::Function, Col::Email, Col::Phone, Col::Criteria],
        _ => vec![Col::Title, Col::Company, Col::Contacts, Col::Stage, Col::Value, Col::Probability, Col::CloseDate],
    }
}

/// Rows as a CSV file (`veld_domain::export`): the columns shown, then the owner.
pub fn export_csv<'a>(
    cols: &[Col],
    rows: impl IntoIterator<Item = &'a Row>,
    t: &Strings,
    language: Language,
    owner: impl Fn(UserId) -> String,
) -> String {
    let mut header: Vec<&str> = cols.iter().map(|c| c.label(t)).collect();
    header.push(t.col.owner);
    let lines = rows.into_iter().map(|r| cols.iter().map(|c| c.export(r)).chain([owner(r.owner)]).collect::<Vec<_>>());
    veld_domain::export::csv(&header, lines, veld_domain::export::separator(language))
}

/// The columns shown: all of the kind's but those hidden (the title or name always stays).
pub fn shown_columns(all: &[Col], hidden: &std::collections::BTreeSet<Col>) -> Vec<Col> {
    all.iter().copied().filter(|c| c.main() || !hidden.contains(c)).collect()
}

/// A sort: the column, and whether it runs descending.
pub type Sort = Option<(Col, bool)>;

/// A click on a column's header: ascending, then descending, then unsorted (newest first).
pub fn next_sort(current: Sort, clicked: Col) -> Sort {
    match current {
        Some((col, false)) if col == clicked => Some((clicked, true)),
        Some((col, true)) if col == clicked => None,
        _ => Some((clicked, false)),
    }
}

/// The order of all rows under `sort` (indices into `rows`); a stable sort, so equal rows keep
/// the newest-first order.
pub fn order(rows: &[Row], sort: Sort) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..rows.len() as u32).collect();
    if let Some((col, desc)) = sort {
        idx.sort_by(|&a, &b| {
            let o = col.compare(&rows[a as usize], &rows[b as usize]);
            if desc { o.reverse() } else { o }
        });
    }
    idx
}

/// What narrows the rows: the tab, the search text, the advanced-search conditions, and who
/// is looking (for "mine" and "my office").
pub struct Filter<'a> {
    pub tab: &'a Tab,
    pub query: &'a str,
    pub conditions: &'a [Condition],
    pub me: UserId,
    pub office: OfficeId,
}

/// The rows of `order` the filter admits, in that order (a keystroke's work).
pub fn filter(rows: &[Row], order: &[u32], f: &Filter) -> Vec<u32> {
    let needle = f.query.trim().to_lowercase();
    order
        .iter()
        .copied()
        .filter(|&i| {
            let r = &rows[i as usize];
            f.tab.admits(r, f.me, f.office)
                && (needle.is_empty() || r.haystack.contains(&needle))
                && f.conditions.iter().all(|c| c.admits(r))
        })
        .collect()
}

/// Height of one table row in pixels: the window maths relies on it (see `.records.virtual`).
pub const ROW_PX: f64 = 45.0;
/// A phone's card in the list (two lines and a margin; `.record-card` in the stylesheet).
pub const CARD_PX: f64 = 84.0;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gap.
const OVERSCAN: usize = 8;

/// The rows a virtualised list renders: indices `first..last` of the filtered rows, and the
/// space kept for the rows above and below (so the scrollbar is true).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub first: usize,
    pub last: usize,
    pub above_px: f64,
    pub below_px: f64,
}

impl Window {
    /// The window of `total` rows scrolled to `scroll_top` in a viewport `viewport` high.
    pub fn of(total: usize, scroll_top: f64, viewport: f64) -> Window {
        Window::of_rows(total, scroll_top, viewport, ROW_PX)
    }

    /// The same for rows `row_px` high (a phone's cards are taller than a table's rows).
    pub fn of_rows(total: usize, scroll_top: f64, viewport: f64, row_px: f64) -> Window {
        let first = ((scroll_top.max(0.0) / row_px) as usize).saturating_sub(OVERSCAN).min(total);
        let visible = (viewport.max(0.0) / row_px).ceil() as usize + 2 * OVERSCAN;
        let last = (first + visible).min(total);
        Window { first, last, above_px: first as f64 * row_px, below_px: (total - last) as f64 * row_px }
    }
}

/// A field an advanced-search condition can test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CondField {
    Stage,
    Source,
    ValueAtLeast,
    ValueAtMost,
    CloseBefore,
    CloseAfter,
    Company,
    Status,
    Type,
    City,
    /// One option of one criterion (the value is `criterion=option`).
    Criterion,
}

impl CondField {
    pub const ALL: [CondField; 11] = [
        CondField::Stage,
        CondField::Source,
        CondField::ValueAtLeast,
        CondField::ValueAtMost,
        CondField::CloseBefore,
        CondField::CloseAfter,
        CondField::Company,
        CondField::Status,
        CondField::Type,
        CondField::City,
        CondField::Criterion,
    ];

    /// The fields a kind's conditions can test, the first one offered first.
    pub fn of(kind: RecordKind) -> &'static [CondField] {
        match kind {
            RecordKind::Company => &[CondField::Status, CondField::Type, CondField::City, CondField::Criterion],
            RecordKind::Contact => &[CondField::Company, CondField::Criterion],
            _ => &CondField::ALL[..7],
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            CondField::Stage => names::STAGE,
            CondField::Source => names::SOURCE,
            CondField::ValueAtLeast => "value_min",
            CondField::ValueAtMost => "value_max",
            CondField::CloseBefore => "close_before",
            CondField::CloseAfter => "close_after",
            CondField::Company => "company",
            CondField::Status => names::STATUS,
            CondField::Type => names::TYPE,
            CondField::City => names::CITY,
            CondField::Criterion => "criterion",
        }
    }

    pub fn label(self, t: &Strings) -> &'static str {
        match self {
            CondField::Stage => t.cond.stage,
            CondField::Source => t.cond.source,
            CondField::ValueAtLeast => t.cond.value_min,
            CondField::ValueAtMost => t.cond.value_max,
            CondField::CloseBefore => t.cond.close_before,
            CondField::CloseAfter => t.cond.close_after,
            CondField::Company => t.cond.company,
            CondField::Status => t.cond.status,
            CondField::Type => t.cond.type_of,
            CondField::City => t.cond.city,
            CondField::Criterion => t.cond.criterion,
        }
    }
}

/// One condition: the field and the value it is compared with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub field: CondField,
    pub value: String,
}

impl Condition {
    /// Whether a row meets the condition; an empty value is no condition.
    pub fn admits(&self, r: &Row) -> bool {
        let v = self.value.trim();
        if v.is_empty() {
            return true;
        }
        let number = || crate::format::parse_amount(v);
        match self.field {
            CondField::Stage => r.stage_code == v,
            CondField::Source => r.source_code == v,
            CondField::ValueAtLeast => number().is_none_or(|n| r.value.is_some_and(|x| x >= n)),
            CondField::ValueAtMost => number().is_none_or(|n| r.value.is_some_and(|x| x <= n)),
            CondField::CloseBefore => !r.close_date.is_empty() && r.close_date.as_str() < v,
            CondField::CloseAfter => !r.close_date.is_empty() && r.close_date.as_str() > v,
            CondField::Company => r.company.to_lowercase().contains(&v.to_lowercase()),
            CondField::Status => r.stage_code == v,
            CondField::Type => r.type_code == v,
            CondField::City => r.city.to_lowercase().contains(&v.to_lowercase()),
            CondField::Criterion => r.criteria.iter().any(|c| c == v),
        }
    }
}

/// A saved view: what the overview showed when it was saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedView {
    pub name: String,
    pub tab: String,
    pub query: String,
    pub conditions: Vec<Condition>,
    pub sort: Option<(String, bool)>,
    pub hidden: Vec<String>,
}

impl SavedView {
    /// The view of what the overview shows now.
    pub fn of(
        name: &str,
        tab: &Tab,
        query: &str,
        conditions: &[Condition],
        sort: Sort,
        hidden: &std::collections::BTreeSet<Col>,
    ) -> SavedView {
        SavedView {
            name: name.trim().to_owned(),
            tab: tab.key(),
            query: query.to_owned(),
            conditions: conditions.to_vec(),
            sort: sort.map(|(c, desc)| (c.code().to_owned(), desc)),
            hidden: hidden.iter().map(|c| c.code().to_owned()).collect(),
        }
    }

    /// The sort it brings back (a column no longer known: unsorted).
    pub fn sort(&self) -> Sort {
        self.sort.as_ref().and_then(|(c, desc)| Col::parse(c).map(|c| (c, *desc)))
    }

    /// The columns it hides (unknown ones are left out).
    pub fn hidden(&self) -> std::collections::BTreeSet<Col> {
        self.hidden.iter().filter_map(|c| Col::parse(c)).collect()
    }
}

#[cfg(test)]
mod tests;
