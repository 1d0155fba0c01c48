//! Configuration the administrator maintains (SPEC CF-1, CF-2): the stages of leads and of
//! opportunities with their transitions, and the eight tables per kind (attribute, category,
//! group, priority, procedure, role, source, stage group).
//!
//! Configuration is stored and synced as records (kinds [`RecordKind::Stage`] and
//! [`RecordKind::TableEntry`]), so every device holds it and the stage rules hold offline too.
//! This module reads those records into typed values and answers the questions the rest asks:
//! which stages may follow this one, which is the default, what is this code called in Dutch.

use crate::RecordKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A configuration value (stage, table entry, rule, process) read from its record's values;
/// `None` when they are not one.
pub fn from_values<T: serde::de::DeserializeOwned>(values: &Map<String, Value>) -> Option<T> {
    serde_json::from_value(Value::Object(values.clone())).ok()
}

/// A configuration value as its record's values.
pub fn to_values<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// A label in every system language: language code (`en`, `nl`, `ro`) → text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Label(pub BTreeMap<String, String>);

impl Label {
    pub fn new(en: &str, nl: &str, ro: &str) -> Label {
        Label([("en", en), ("nl", nl), ("ro", ro)].into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
    }

    /// The text in `language`, else English, else any.
    pub fn get(&self, language: &str) -> &str {
        self.0
            .get(language)
            .filter(|s| !s.is_empty())
            .or_else(|| self.0.get("en").filter(|s| !s.is_empty()))
            .or_else(|| self.0.values().find(|s| !s.is_empty()))
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// How an end stage closes a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Won,
    Lost,
    /// A lead that became an opportunity.
    Converted,
}

/// One stage of the lead or opportunity list (CF-1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageDef {
    /// `lead` or `opportunity`.
    pub list: RecordKind,
    /// Stable, unique within its list: records store it; reports and templates use it.
    pub code: String,
    pub name: Label,
    pub index: i64,
    #[serde(default = "yes")]
    pub active: bool,
    /// New records start here (one per list).
    #[serde(default)]
    pub default: bool,
    /// Closes the record.
    #[serde(default)]
    pub end: bool,
    /// The end stage a lead's conversion moves it to, or the default closing stage (one per list).
    #[serde(default)]
    pub default_end: bool,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub colour: String,
    /// The stages a record here may move to; with `previous`, empty both = any active stage.
    #[serde(default)]
    pub next: Vec<String>,
    #[serde(default)]
    pub previous: Vec<String>,
    #[serde(default)]
    pub procedure: Option<String>,
    #[serde(default)]
    pub stage_group: Option<String>,
    /// Shown on a record in this stage.
    #[serde(default)]
    pub instructions: Label,
    /// Opportunities: the chance of winning, in percent.
    #[serde(default)]
    pub probability: u8,
    /// Linked with the templates issue (CF-4); kept so the configuration need not change then.
    #[serde(default)]
    pub email_templates: Vec<String>,
    #[serde(default)]
    pub document_templates: Vec<String>,
}

fn yes() -> bool {
    true
}

/// The eight tables of each kind (CF-2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Table {
    Attribute,
    Category,
    Group,
    Priority,
    Procedure,
    Role,
    Source,
    StageGroup,
    /// A company's place in its lifecycle (suspect → prospect → client → former; DM-1).
    Status,
    /// What a company is to the firm (client, supplier, partner, …; DM-1).
    Type,
    /// A company's or contact's criteria: pick-lists of options (`crate::criteria`).
    Criterion,
}

impl Table {
    pub const ALL: [Table; 11] = [
        Table::Attribute,
        Table::Category,
        Table::Group,
        Table::Priority,
        Table::Procedure,
        Table::Role,
        Table::Source,
        Table::StageGroup,
        Table::Status,
        Table::Type,
        Table::Criterion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Table::Attribute => "attribute",
            Table::Category => "category", // not a record field
            Table::Group => "group",
            Table::Priority => "priority", // not a record field
            Table::Procedure => "procedure",
            Table::Role => "role",
            Table::Source => "source", // not a record field
            Table::StageGroup => "stage_group",
            Table::Status => "status", // not a record field
            Table::Type => "type",     // not a record field
            Table::Criterion => "criterion",
        }
    }

    pub fn parse(s: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// One entry of a table (CF-2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TableEntry {
    pub list: RecordKind,
    pub table: Table,
    pub code: String,
    pub label: Label,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub order: i64,
    /// Roles: a fixed role (main contact, signing authority) cannot be changed on a linked
    /// contact once given.
    #[serde(default)]
    pub fixed: bool,
    /// Categories: the colour of their cards on the pipeline board (SocrateCloud's "Kanban
    /// colour"); company statuses: the colour of their pill in lists; `#rrggbb`, empty for none.
    #[serde(default)]
    pub colour: String,
    /// Criteria: whether a record may hold several of its options.
    #[serde(default)]
    pub multiple: bool,
    /// Criteria: the options, in order.
    #[serde(default)]
    pub options: Vec<crate::criteria::CriterionOption>,
}

impl StageDef {
    /// Reads a stage record's values; `None` when they are not a stage.
    pub fn from_values(values: &Map<String, Value>) -> Option<StageDef> {
        from_values(values)
    }

    pub fn to_values(&self) -> Map<String, Value> {
        to_values(self)
    }
}

impl TableEntry {
    pub fn from_values(values: &Map<String, Value>) -> Option<TableEntry> {
        from_values(values)
    }

    pub fn to_values(&self) -> Map<String, Value> {
        to_values(self)
    }
}

/// Why a stage change is not allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("there is no stage `{0}`")]
    Unknown(String),
    #[error("the stage `{0}` is not active")]
    Inactive(String),
    #[error("a record in stage `{from}` cannot move to `{to}`")]
    NotAllowed { from: String, to: String },
}

/// The stages of one list, in index order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stages(pub Vec<StageDef>);

impl Stages {
    /// The stages of `list` among `all`, sorted by index.
    pub fn of(list: RecordKind, all: impl IntoIterator<Item = StageDef>) -> Stages {
        let mut stages: Vec<StageDef> = all.into_iter().filter(|s| s.list == list).collect();
        stages.sort_by(|a, b| (a.index, &a.code).cmp(&(b.index, &b.code)));
        Stages(stages)
    }

    pub fn get(&self, code: &str) -> Option<&StageDef> {
        self.0.iter().find(|s| s.code == code)
    }

    pub fn active(&self) -> impl Iterator<Item = &StageDef> {
        self.0.iter().filter(|s| s.active)
    }

    /// Where new records start: the default stage, else the first active one.
    pub fn default_stage(&self) -> Option<&StageDef> {
        self.active().find(|s| s.default).or_else(|| self.active().find(|s| !s.end))
    }

    /// The end stage a converted lead goes to (or an opportunity closed for inactivity).
    pub fn default_end(&self) -> Option<&StageDef> {
        self.active().find(|s| s.end && s.default_end).or_else(|| self.active().find(|s| s.end))
    }

    pub fn with_outcome(&self, outcome: Outcome) -> Option<&StageDef> {
        self.active().find(|s| s.end && s.outcome == Some(outcome))
    }

    /// Whether a record may move from `from` (its current stage, if any) to `to`.
    pub fn check_move(&self, from: Option<&str>, to: &str) -> Result<&StageDef, TransitionError> {
        let target = self.get(to).ok_or_else(|| TransitionError::Unknown(to.to_owned()))?;
        if from == Some(to) {
            return Ok(target);
        }
        if !target.active {
            return Err(TransitionError::Inactive(to.to_owned()));
        }
        let Some(current) = from.and_then(|f| self.get(f)) else { return Ok(target) };
        let open = current.next.is_empty() && current.previous.is_empty();
        if open || current.next.iter().chain(&current.previous).any(|c| c == to) {
            Ok(target)
        } else {
            Err(TransitionError::NotAllowed { from: current.code.clone(), to: to.to_owned() })
        }
    }

    /// The stages a user may move a record in `from` to, itself first, then in index order. A
    /// conversion stage is not among them: a lead gets there by becoming an opportunity.
    pub fn choices(&self, from: Option<&str>) -> Vec<&StageDef> {
        let mut out: Vec<&StageDef> = from.and_then(|f| self.get(f)).into_iter().collect();
        out.extend(self.active().filter(|s| {
            Some(s.code.as_str()) != from
                && s.outcome != Some(Outcome::Converted)
                && self.check_move(from, &s.code).is_ok()
        }));
        out
    }
}

/// The tables of both kinds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tables(pub Vec<TableEntry>);

impl Tables {
    /// The active entries of one table, in order.
    pub fn entries(&self, list: RecordKind, table: Table) -> Vec<&TableEntry> {
        let mut out: Vec<&TableEntry> =
            self.0.iter().filter(|e| e.list == list && e.table == table && e.active).collect();
        out.sort_by(|a, b| (a.order, &a.code).cmp(&(b.order, &b.code)));
        out
    }

    pub fn get(&self, list: RecordKind, table: Table, code: &str) -> Option<&TableEntry> {
        self.0.iter().find(|e| e.list == list && e.table == table && e.code == code)
    }

    /// The label of a code in `language`, or the code itself when the table does not have it.
    pub fn label<'a>(&'a self, list: RecordKind, table: Table, code: &'a str, language: &str) -> &'a str {
        self.get(list, table, code).map(|e| e.label.get(language)).filter(|s| !s.is_empty()).unwrap_or(code)
    }
}

/// The configuration a new database starts with: stages and tables for leads and opportunities
/// (the lists the issue and the seeds describe), each as the values of one record.
pub fn defaults() -> Vec<(RecordKind, Map<String, Value>)> {
    let mut out = Vec::new();
    for s in default_stages() {
        out.push((RecordKind::Stage, s.to_values()));
    }
    for e in default_tables() {
        out.push((RecordKind::TableEntry, e.to_values()));
    }
    out
}

impl StageDef {
    /// An active, open stage with no transitions (any stage may follow) and no group.
    pub fn new(list: RecordKind, code: &str, name: Label, index: i64) -> StageDef {
        StageDef {
            list,
            code: code.into(),
            name,
            index,
            active: true,
            default: false,
            end: false,
            default_end: false,
            outcome: None,
            colour: "#64748b".into(),
            next: Vec::new(),
            previous: Vec::new(),
            procedure: None,
            stage_group: None,
            instructions: Label::default(),
            probability: 0,
            email_templates: Vec::new(),
            document_templates: Vec::new(),
        }
    }
}

fn stage(list: RecordKind, code: &str, index: i64, name: Label, colour: &str, group: &str) -> StageDef {
    StageDef { colour: colour.into(), stage_group: Some(group.into()), ..StageDef::new(list, code, name, index) }
}

fn strings(codes: &[&str]) -> Vec<String> {
    codes.iter().map(|c| (*c).to_owned()).collect()
}

pub fn default_stages() -> Vec<StageDef> {
    let lead = RecordKind::Lead;
    let opp = RecordKind::Opportunity;
    let mut new = stage(lead, "new", 10, Label::new("New", "Nieuw", "Nou"), "#64748b", "open");
    new.default = true;
    new.next = strings(&["contacted", "qualified", "disqualified"]);
    new.instructions = Label::new(
        "Check the company and contact details, then make the first contact within two working days.",
        "Controleer bedrijf en contactpersoon en neem binnen twee werkdagen eerste contact op.",
        "Verificați compania și persoana de contact, apoi luați primul contact în două zile lucrătoare.",
    );
    let mut contacted =
        stage(lead, "contacted", 20, Label::new("Contacted", "Benaderd", "Contactat"), "#0ea5e9", "open");
    contacted.next = strings(&["qualified", "disqualified"]);
    contacted.previous = strings(&["new"]);
    contacted.instructions = Label::new(
        "Find out the need, the budget and who decides.",
        "Breng behoefte, budget en beslisser in kaart.",
        "Aflați nevoia, bugetul și cine decide.",
    );
    let mut qualified =
        stage(lead, "qualified", 30, Label::new("Qualified", "Gekwalificeerd", "Calificat"), "#8b5cf6", "open");
    qualified.next = strings(&["converted", "disqualified"]);
    qualified.previous = strings(&["contacted"]);
    qualified.instructions = Label::new(
        "Convert the lead to an opportunity with “+ Opportunity”.",
        "Zet de lead om in een opportunity met „+ Opportunity”.",
        "Transformați lead-ul în oportunitate cu „+ Oportunitate”.",
    );
    let mut converted =
        stage(lead, "converted", 40, Label::new("Converted", "Omgezet", "Convertit"), "#16a34a", "closed");
    converted.end = true;
    converted.default_end = true;
    converted.outcome = Some(Outcome::Converted);
    converted.previous = strings(&["qualified"]);
    let mut disqualified = stage(
        lead,
        "disqualified",
        50,
        Label::new("Disqualified", "Gediskwalificeerd", "Descalificat"),
        "#dc2626",
        "closed",
    );
    disqualified.end = true;
    disqualified.outcome = Some(Outcome::Lost);
    disqualified.previous = strings(&["new", "contacted", "qualified"]);

    let open_stages = ["qualification", "needs_analysis", "proposal", "negotiation"];
    let opp_names = [
        Label::new("Qualification", "Kwalificatie", "Calificare"),
        Label::new("Needs analysis", "Behoefteanalyse", "Analiza nevoilor"),
        Label::new("Proposal", "Voorstel", "Propunere"),
        Label::new("Negotiation", "Onderhandeling", "Negociere"),
    ];
    let mut out = vec![new, contacted, qualified, converted, disqualified];
    for (i, (code, name)) in open_stages.iter().zip(opp_names).enumerate() {
        let group = if i < 2 { "early" } else { "closing" };
        let colour = ["#64748b", "#0ea5e9", "#8b5cf6", "#f59e0b"][i];
        let mut s = stage(opp, code, 10 * (i as i64 + 1), name, colour, group);
        s.default = i == 0;
        s.probability = [10, 25, 50, 75][i];
        // Forward to any later stage or a close; back one step.
        s.next = open_stages[i + 1..].iter().map(|c| (*c).to_owned()).chain(strings(&["won", "lost"])).collect();
        s.previous = if i > 0 { vec![open_stages[i - 1].to_owned()] } else { Vec::new() };
        out.push(s);
    }
    let mut won = stage(opp, "won", 50, Label::new("Won", "Gewonnen", "Câștigat"), "#16a34a", "closed");
    won.end = true;
    won.outcome = Some(Outcome::Won);
    won.probability = 100;
    won.previous = strings(&["negotiation"]);
    won.instructions = Label::new(
        "Hand the order over to delivery and plan the kick-off.",
        "Draag de order over aan uitvoering en plan de kick-off.",
        "Predați comanda echipei de livrare și planificați începerea.",
    );
    let mut lost = stage(opp, "lost", 60, Label::new("Lost", "Verloren", "Pierdut"), "#dc2626", "closed");
    lost.end = true;
    lost.default_end = true;
    lost.outcome = Some(Outcome::Lost);
    lost.previous = strings(&open_stages);
    lost.instructions = Label::new(
        "Record the reason the opportunity was lost.",
        "Leg vast waarom de opportunity verloren is.",
        "Înregistrați motivul pentru care oportunitatea a fost pierdută.",
    );
    out.push(won);
    out.push(lost);
    out
}

pub fn default_tables() -> Vec<TableEntry> {
    let mut out = Vec::new();
    let mut add = |table: Table, entries: &[(&str, Label)], fixed: &[&str]| {
        for list in [RecordKind::Lead, RecordKind::Opportunity] {
            for (i, (code, label)) in entries.iter().enumerate() {
                out.push(TableEntry {
                    list,
                    table,
                    code: (*code).to_owned(),
                    label: label.clone(),
                    active: true,
                    order: i as i64 + 1,
                    fixed: fixed.contains(code),
                    colour: match *code {
                        "new_business" => "#0ea5e9",
                        "existing_customer" => "#16a34a",
                        "partner" => "#a855f7",
                        _ => "",
                    }
                    .to_owned(),
                    multiple: false,
                    options: Vec::new(),
                });
            }
        }
    };
    add(
        Table::Source,
        &[
            ("website", Label::new("Website", "Website", "Site web")), // not a record field
            ("showroom", Label::new("Showroom", "Showroom", "Showroom")),
            ("trade_fair", Label::new("Trade fair", "Beurs", "Târg")),
            ("referral", Label::new("Referral", "Doorverwijzing", "Recomandare")),
            ("phone", Label::new("Phone", "Telefoon", "Telefon")), // not a record field
        ],
        &[],
    );
    add(
        Table::Role,
        &[
            ("main_contact", Label::new("Main contact", "Hoofdcontactpersoon", "Persoană de contact principală")),
            ("signing_authority", Label::new("Signing authority", "Tekenbevoegde", "Persoană cu drept de semnătură")),
            ("decision_maker", Label::new("Decision maker", "Beslisser", "Factor de decizie")),
            ("user", Label::new("User", "Gebruiker", "Utilizator")),
            ("influencer", Label::new("Influencer", "Beïnvloeder", "Influențator")),
        ],
        &["main_contact", "signing_authority"],
    );
    add(
        Table::Priority,
        &[
            ("high", Label::new("High", "Hoog", "Ridicată")),
            ("normal", Label::new("Normal", "Normaal", "Normală")),
            ("low", Label::new("Low", "Laag", "Scăzută")),
        ],
        &[],
    );
    add(
        Table::Category,
        &[
            ("new_business", Label::new("New business", "Nieuwe klant", "Client nou")),
            ("existing_customer", Label::new("Existing customer", "Bestaande klant", "Client existent")),
            ("partner", Label::new("Partner", "Partner", "Partener")),
        ],
        &[],
    );
    add(
        Table::Group,
        &[
            ("newsletter", Label::new("Newsletter", "Nieuwsbrief", "Buletin informativ")),
            ("event_2027", Label::new("Event 2027", "Evenement 2027", "Eveniment 2027")),
        ],
        &[],
    );
    add(
        Table::Attribute,
        &[
            ("urgent", Label::new("Urgent", "Spoed", "Urgent")),
            ("budget_approved", Label::new("Budget approved", "Budget goedgekeurd", "Buget aprobat")),
        ],
        &[],
    );
    add(Table::Procedure, &[("standard", Label::new("Standard", "Standaard", "Standard"))], &[]);
    // Stage groups: each gives the overview a tab (LO-1).
    for list in [RecordKind::Lead, RecordKind::Opportunity] {
        let groups: &[(&str, Label)] = if list == RecordKind::Lead {
            &[("open", Label::new("Open", "Open", "Deschise")), ("closed", Label::new("Closed", "Gesloten", "Închise"))]
        } else {
            &[
                ("early", Label::new("Early stages", "Vroege fase", "Faze incipiente")),
                ("closing", Label::new("Closing", "Afronding", "Finalizare")),
                ("closed", Label::new("Closed", "Gesloten", "Închise")),
            ]
        };
        for (i, (code, label)) in groups.iter().enumerate() {
            out.push(TableEntry {
                list,
                table: Table::StageGroup,
                code: (*code).to_owned(),
                label: label.clone(),
                active: true,
                order: i as i64 + 1,
                fixed: false,
                colour: String::new(),
                multiple: false,
                options: Vec::new(),
            });
        }
    }
    out.extend(company_tables());
    out
}

/// The tables of companies: the status lifecycle (each status a tab of the companies list,
/// with its colour) and the types.
fn company_tables() -> Vec<TableEntry> {
    let entry = |table: Table, i: usize, code: &str, label: Label, colour: &str| TableEntry {
        list: RecordKind::Company,
        table,
        code: code.to_owned(),
        label,
        active: true,
        order: i as i64 + 1,
        fixed: false,
        colour: colour.to_owned(),
        multiple: false,
        options: Vec::new(),
    };
    let statuses = [
        ("suspect", Label::new("Suspect", "Suspect", "Suspect"), "#94a3b8"),
        ("prospect", Label::new("Prospect", "Prospect", "Prospect"), "#0ea5e9"),
        ("client", Label::new("Client", "Klant", "Client"), "#16a34a"),
        ("former", Label::new("Former client", "Oud-klant", "Fost client"), "#a16207"),
    ];
    let types = [
        ("client", Label::new("Client", "Klant", "Client")),
        ("supplier", Label::new("Supplier", "Leverancier", "Furnizor")),
        ("partner", Label::new("Partner", "Partner", "Partener")),
        ("competitor", Label::new("Competitor", "Concurrent", "Concurent")),
    ];
    let mut out: Vec<TableEntry> =
        statuses.into_iter().enumerate().map(|(i, (c, l, colour))| entry(Table::Status, i, c, l, colour)).collect();
    out.extend(types.into_iter().enumerate().map(|(i, (c, l))| entry(Table::Type, i, c, l, "")));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead_stages() -> Stages {
        Stages::of(RecordKind::Lead, default_stages())
    }

    #[test]
    fn defaults_have_one_default_and_one_default_end_per_list() {
        for list in [RecordKind::Lead, RecordKind::Opportunity] {
            let stages = Stages::of(list, default_stages());
            assert_eq!(stages.0.iter().filter(|s| s.default).count(), 1, "{list:?}");
            assert_eq!(stages.0.iter().filter(|s| s.default_end).count(), 1, "{list:?}");
            assert!(stages.default_end().unwrap().end);
            // Every transition names a stage of the same list.
            for s in &stages.0 {
                for c in s.next.iter().chain(&s.previous) {
                    assert!(stages.get(c).is_some(), "{} → {c}", s.code);
                }
            }
        }
        let opp = Stages::of(RecordKind::Opportunity, default_stages());
        assert_eq!(opp.with_outcome(Outcome::Won).unwrap().code, "won");
        assert_eq!(opp.with_outcome(Outcome::Lost).unwrap().code, "lost");
        assert_eq!(lead_stages().default_end().unwrap().code, "converted");
        assert_eq!(lead_stages().default_stage().unwrap().code, "new");
    }

    #[test]
    fn moves_follow_the_allowed_transitions() {
        let s = lead_stages();
        assert!(s.check_move(Some("new"), "contacted").is_ok());
        assert!(s.check_move(Some("contacted"), "new").is_ok(), "back one step");
        assert!(s.check_move(Some("new"), "new").is_ok(), "staying is no move");
        assert!(s.check_move(None, "qualified").is_ok(), "a record without a stage may take any");
        assert_eq!(
            s.check_move(Some("new"), "converted"),
            Err(TransitionError::NotAllowed { from: "new".into(), to: "converted".into() })
        );
        assert_eq!(s.check_move(Some("new"), "nope"), Err(TransitionError::Unknown("nope".into())));
        let codes: Vec<&str> = s.choices(Some("contacted")).iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["contacted", "new", "qualified", "disqualified"]);
    }

    #[test]
    fn inactive_stages_are_not_offered_and_open_stages_allow_all() {
        let mut all = default_stages();
        for s in all.iter_mut().filter(|s| s.code == "contacted") {
            s.active = false;
        }
        for s in all.iter_mut().filter(|s| s.code == "qualified") {
            s.next.clear();
            s.previous.clear();
        }
        let s = Stages::of(RecordKind::Lead, all);
        assert_eq!(s.check_move(Some("new"), "contacted"), Err(TransitionError::Inactive("contacted".into())));
        assert!(s.check_move(Some("qualified"), "new").is_ok());
        assert!(s.choices(Some("new")).iter().all(|s| s.code != "contacted"));
    }

    #[test]
    fn values_round_trip_and_labels_fall_back_to_english() {
        for s in default_stages() {
            assert_eq!(StageDef::from_values(&s.to_values()).as_ref(), Some(&s));
        }
        let tables = Tables(default_tables());
        assert_eq!(tables.label(RecordKind::Lead, Table::Source, "trade_fair", "nl"), "Beurs");
        assert_eq!(tables.label(RecordKind::Lead, Table::Source, "trade_fair", "de"), "Trade fair");
        assert_eq!(tables.label(RecordKind::Lead, Table::Source, "carrier_pigeon", "nl"), "carrier_pigeon");
        assert!(tables.get(RecordKind::Opportunity, Table::Role, "main_contact").unwrap().fixed);
        assert_eq!(tables.entries(RecordKind::Lead, Table::StageGroup).len(), 2);
        assert_eq!(Label::new("", "Nieuw", "").get("ro"), "Nieuw");
    }
}
