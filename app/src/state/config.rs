//! The configuration on this device (stages and tables, synced as records), and the context
//! bar's most recently opened records (LO-7).

use super::Store;
use crate::storage;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use veld_domain::RecordKind;
use veld_domain::config::{StageDef, Stages, TableEntry, Tables};
use veld_domain::records::Known;
use veld_domain::sync::{RecordState, pending_by_record, replay};

/// Stages of both lists and the tables, as the device holds them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    pub lead_stages: Stages,
    pub opportunity_stages: Stages,
    pub tables: Tables,
}

/// A choice for a select: (code, label in the user's language).
pub type Choice = (String, String);

impl Config {
    pub fn stages(&self, kind: RecordKind) -> &Stages {
        if kind == RecordKind::Lead { &self.lead_stages } else { &self.opportunity_stages }
    }

    /// Each active stage's colour by its code (pills and cards); a company's statuses'.
    pub fn stage_colours(&self, kind: RecordKind) -> std::collections::HashMap<String, String> {
        match kind {
            RecordKind::Company => self
                .tables
                .entries(kind, veld_domain::config::Table::Status)
                .into_iter()
                .filter(|e| !e.colour.is_empty())
                .map(|e| (e.code.clone(), e.colour.clone()))
                .collect(),
            RecordKind::Contact => Default::default(),
            _ => self.stages(kind).active().map(|s| (s.code.clone(), s.colour.clone())).collect(),
        }
    }

    /// The active entries of one of a kind's tables, in order, as choices.
    pub fn table_choices(&self, kind: RecordKind, table: veld_domain::config::Table, language: &str) -> Vec<Choice> {
        self.tables
            .entries(kind, table)
            .into_iter()
            .map(|e| (e.code.clone(), e.label.get(language).to_owned()))
            .collect()
    }

    /// The stages a record in stage `from` may be moved to by hand (`None`: any record's), as
    /// choices.
    pub fn stage_choices(&self, kind: RecordKind, from: Option<&str>, language: &str) -> Vec<Choice> {
        self.stages(kind).choices(from).into_iter().map(|s| (s.code.clone(), s.name.get(language).to_owned())).collect()
    }

    /// A company's or contact's criteria, in their order (`veld_domain::criteria`).
    pub fn criteria(&self, kind: RecordKind) -> Vec<veld_domain::criteria::Criterion> {
        veld_domain::criteria::of_kind(kind, &self.tables.0)
    }

    /// One of them, by its code.
    pub fn criterion(&self, kind: RecordKind, code: &str) -> Option<veld_domain::criteria::Criterion> {
        self.criteria(kind).into_iter().find(|c| c.code == code)
    }

    /// Every active stage of a kind, as choices (conditions and rules may name any).
    pub fn active_stage_choices(&self, kind: RecordKind, language: &str) -> Vec<Choice> {
        self.stages(kind).active().map(|s| (s.code.clone(), s.name.get(language).to_owned())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use veld_domain::config::{Table, default_stages, default_tables};

    #[test]
    fn choices_are_the_active_entries_and_stages_in_the_users_language() {
        let mut tables = default_tables();
        tables.iter_mut().filter(|e| e.code == "phone").for_each(|e| e.active = false);
        let c = Config {
            lead_stages: Stages::of(RecordKind::Lead, default_stages()),
            opportunity_stages: Stages::of(RecordKind::Opportunity, default_stages()),
            tables: Tables(tables),
        };
        let sources = c.table_choices(RecordKind::Lead, Table::Source, "nl");
        assert_eq!(sources.first(), Some(&("website".to_owned(), "Website".to_owned())));
        assert!(sources.iter().any(|(code, label)| code == "trade_fair" && label == "Beurs"));
        assert!(!sources.iter().any(|(code, _)| code == "phone"), "an inactive entry is not offered");
        let from_new: Vec<String> =
            c.stage_choices(RecordKind::Lead, Some("new"), "en").into_iter().map(|s| s.0).collect();
        assert!(from_new.contains(&"contacted".to_owned()) && !from_new.contains(&"converted".to_owned()));
        assert!(c.active_stage_choices(RecordKind::Lead, "en").len() > from_new.len());
        let statuses = c.stage_colours(RecordKind::Company);
        assert_eq!(statuses.len(), 4, "a company's statuses have colours");
        assert!(statuses.contains_key("client") && !statuses.contains_key("new"));
    }
}

/// Reads the configuration records on the device, with this device's unsent changes to them.
pub fn read_config(store: &Store) -> Config {
    let mut records: std::collections::HashMap<uuid::Uuid, RecordState> =
        store.config_records.get().into_iter().map(|r| (r.id, r)).collect();
    if let Some((user, office)) = store.me.with(|m| m.as_ref().map(|m| (m.user.id, m.office.id))) {
        // Only unsent changes to configuration: an edit of a lead does not recompute this.
        store.config_pending.with(|pending| {
            for (id, changes) in pending_by_record(pending, |_| true) {
                if let Some(r) = replay(id, records.remove(&id), changes, user, office) {
                    records.insert(id, r);
                }
            }
        });
    }
    let (mut stages, mut entries) = (Vec::new(), Vec::new());
    for r in records.values() {
        match r.kind {
            RecordKind::Stage => stages.extend(StageDef::from_values(&r.values())),
            RecordKind::TableEntry => entries.extend(TableEntry::from_values(&r.values())),
            _ => {}
        }
    }
    entries.sort_by(|a: &TableEntry, b| (a.order, &a.code).cmp(&(b.order, &b.code)));
    Config {
        lead_stages: Stages::of(RecordKind::Lead, stages.iter().cloned()),
        opportunity_stages: Stages::of(RecordKind::Opportunity, stages),
        tables: Tables(entries),
    }
}

/// The most recently opened company, contact and lead/opportunity (LO-7): shown in the context
/// bar and offered first by the creation wizard.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    pub company: Option<uuid::Uuid>,
    pub contact: Option<uuid::Uuid>,
    pub record: Option<(RecordKind, uuid::Uuid)>,
}

const CONTEXT_KEY: &str = "veld.context.v1";

pub fn load_context() -> Context {
    storage::load_json(CONTEXT_KEY).unwrap_or_default()
}

impl Store {
    /// Notes that a record was opened, for the context bar and the wizard.
    pub fn remember(&self, kind: RecordKind, id: uuid::Uuid) {
        // Called while a page is built: nothing here may subscribe that page to the records.
        untrack(|| self.remember_now(kind, id));
    }

    fn remember_now(&self, kind: RecordKind, id: uuid::Uuid) {
        let mut context = self.context.get_untracked();
        match kind {
            RecordKind::Company => context.company = Some(id),
            RecordKind::Contact => context.contact = Some(id),
            RecordKind::Lead | RecordKind::Opportunity => {
                context.record = Some((kind, id));
                // Its company and main contact come along: the wizard offers them next.
                if let Some(r) = self.visible_one(kind, id) {
                    let values = r.values();
                    if let Some(company) = veld_domain::records::id_of(&values, "company_id") {
                        context.company = Some(company);
                    }
                    if let Some(contact) = veld_domain::records::contacts_of(&values).first() {
                        context.contact = Some(contact.id);
                    }
                }
            }
            _ => return,
        }
        if self.context.with_untracked(|c| *c != context) {
            storage::save_json(CONTEXT_KEY, &context);
            self.context.set(context);
        }
    }

    /// What validation may look up on this device: the stages and every record the change
    /// refers to.
    pub fn known_for(&self, kind: RecordKind, values: &serde_json::Map<String, serde_json::Value>) -> Known {
        let mut known = Known::default();
        let config = self.config.get_untracked();
        for list in [RecordKind::Lead, RecordKind::Opportunity] {
            known = known.with_roles(list, &config.tables.0);
        }
        for list in veld_domain::criteria::KINDS {
            known = known.with_criteria(list, &config.tables.0);
        }
        known.stages.insert(RecordKind::Lead, config.lead_stages);
        known.stages.insert(RecordKind::Opportunity, config.opportunity_stages);
        // Whom a record may be handed to, and in which office (a hand-over is checked here too).
        self.colleagues.with_untracked(|list| {
            known.owners.extend(list.iter().filter_map(|c| Some((c.id, c.office_id?))));
        });
        if let Some((user, office)) = self.me.with_untracked(|m| m.as_ref().map(|m| (m.user.id, m.office.id))) {
            known.owners.insert(user, office);
        }
        for id in veld_domain::records::references(kind, values) {
            let found = self
                .records
                .with_untracked(|all| all.get(&id).map(|r| r.kind))
                .and_then(|k| self.visible_one(k, id))
                .or_else(|| {
                    // Created on this device and not yet synced.
                    veld_domain::schema::link_fields(kind).find_map(|(_, k)| self.visible_one(k, id))
                });
            if let Some(r) = found {
                known.records.insert(id, (r.kind, r.values()));
            }
        }
        known
    }
}
