//! Automation rules (SPEC TR-1, TR-3): triggers per record kind, and their pure evaluation.
//!
//! A rule is a configuration record (kind `rule`): an event, optional field conditions, and
//! actions. The server calls [`fired`] for every change it applies — a user's or an automatic
//! one — and [`plan`] for the changes a fired rule asks for; time-based events are checked by
//! its scheduler with [`stale`]. Loops end: a rule never fires on a change that it (or a rule
//! before it in the chain) made, and chains stop at [`MAX_DEPTH`].

use crate::RecordKind;
use crate::config::Stages;
use crate::ids::UserId;
use crate::records::{id_of, text};
use crate::schema::names;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// The longest chain of automatic changes one change may set off (TR-3).
pub const MAX_DEPTH: usize = 3;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// What sets a rule off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum Event {
    /// The record was created.
    Created,
    /// The record was added to the group.
    AddedToGroup { group: String },
    /// The record's stage changed to this one.
    StageChanged { stage: String },
    /// The record's stage changed into this stage group (from a stage outside it).
    StageGroupChanged { group: String },
    /// Time-based: the record's last modification is more than `days` days ago. The scheduler
    /// checks it, once per record and period (a new modification starts a new period).
    NotModifiedFor { days: u32 },
}

/// How a condition compares a field with its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    Is,
    IsNot,
    /// Text contains (case-insensitive), or a list (groups) holds the value.
    Contains,
    IsEmpty,
    IsNotEmpty,
    AtLeast,
    AtMost,
}

/// A condition on one field of the record as the change left it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Condition {
    pub field: String,
    pub compare: Compare,
    #[serde(default)]
    pub value: String,
}

/// What a fired rule does. (Sending an e-mail from a template arrives with the templates issue.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum RuleAction {
    AddToGroup {
        group: String,
    },
    RemoveFromGroup {
        group: String,
    },
    SetStage {
        stage: String,
    },
    /// A task activity on the record, due `due_in_days` after the rule fired, for `assignee`
    /// (the record's owner when none).
    CreateTask {
        subject: String,
        #[serde(default)]
        due_in_days: u32,
        #[serde(default)]
        assignee: Option<UserId>,
    },
    SetOwner {
        user: UserId,
    },
}

/// A trigger rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    /// Stable and unique: history entries name it.
    pub code: String,
    pub name: String,
    /// `lead` or `opportunity`.
    pub list: RecordKind,
    #[serde(default = "yes")]
    pub active: bool,
    pub event: Event,
    #[serde(default)]
    pub conditions: Vec<Condition>,
    pub actions: Vec<RuleAction>,
}

fn yes() -> bool {
    true
}

impl Rule {
    pub fn from_values(values: &Map<String, Value>) -> Option<Rule> {
        crate::config::from_values(values)
    }

    pub fn to_values(&self) -> Map<String, Value> {
        crate::config::to_values(self)
    }

    /// Whether the rule is well-formed; the reason when not.
    pub fn check(&self) -> Result<(), String> {
        if self.code.trim().is_empty() || self.name.trim().is_empty() {
            return Err("a rule needs a code and a name".into());
        }
        if !matches!(self.list, RecordKind::Lead | RecordKind::Opportunity) {
            return Err("rules apply to leads or opportunities".into());
        }
        if self.actions.is_empty() {
            return Err("a rule needs at least one action".into());
        }
        if let Event::NotModifiedFor { days: 0 } = self.event {
            return Err("the number of days must be at least 1".into());
        }
        for a in &self.actions {
            let blank = match a {
                RuleAction::AddToGroup { group } | RuleAction::RemoveFromGroup { group } => group.trim().is_empty(),
                RuleAction::SetStage { stage } => stage.trim().is_empty(),
                RuleAction::CreateTask { subject, .. } => subject.trim().is_empty(),
                RuleAction::SetOwner { .. } => false,
            };
            if blank {
                return Err("every action needs its group, stage or subject".into());
            }
        }
        Ok(())
    }
}

/// A record's groups (CF-2 group codes).
pub fn groups_of(values: &Map<String, Value>) -> Vec<String> {
    values.get(names::GROUPS).and_then(|g| serde_json::from_value(g.clone()).ok()).unwrap_or_default()
}

fn stage_group(stages: &Stages, values: Option<&Map<String, Value>>) -> Option<String> {
    let code = text(values?, names::STAGE)?;
    stages.get(code)?.stage_group.clone()
}

/// Whether a change — `before` (none for a create) to `after`, setting `changed` — is the
/// rule's event. Time-based events never are (the scheduler checks them).
pub fn event_happened(
    event: &Event,
    before: Option<&Map<String, Value>>,
    after: &Map<String, Value>,
    changed: &[String],
    stages: &Stages,
) -> bool {
    let touched = |f: &str| before.is_none() || changed.iter().any(|c| c == f);
    match event {
        Event::Created => before.is_none(),
        Event::AddedToGroup { group } => {
            touched(names::GROUPS)
                && groups_of(after).contains(group)
                && !before.is_some_and(|b| groups_of(b).contains(group))
        }
        Event::StageChanged { stage } => {
            touched(names::STAGE)
                && text(after, names::STAGE) == Some(stage.as_str())
                && before.and_then(|b| text(b, names::STAGE)) != Some(stage.as_str())
        }
        Event::StageGroupChanged { group } => {
            touched(names::STAGE)
                && stage_group(stages, Some(after)).as_deref() == Some(group.as_str())
                && stage_group(stages, before).as_deref() != Some(group.as_str())
        }
        Event::NotModifiedFor { .. } => false,
    }
}

fn as_number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn shown(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Whether every condition holds on the record's values.
pub fn conditions_hold(conditions: &[Condition], values: &Map<String, Value>) -> bool {
    conditions.iter().all(|c| {
        let v = values.get(&c.field);
        let want = c.value.trim();
        match c.compare {
            Compare::Is => shown(v).eq_ignore_ascii_case(want),
            Compare::IsNot => !shown(v).eq_ignore_ascii_case(want),
            Compare::Contains => match v {
                Some(Value::Array(list)) => list.iter().any(|x| x.as_str() == Some(want)),
                _ => shown(v).to_lowercase().contains(&want.to_lowercase()),
            },
            Compare::IsEmpty => match v {
                Some(Value::Array(list)) => list.is_empty(),
                _ => shown(v).is_empty(),
            },
            Compare::IsNotEmpty => match v {
                Some(Value::Array(list)) => !list.is_empty(),
                _ => !shown(v).is_empty(),
            },
            Compare::AtLeast => as_number(v).zip(want.parse::<f64>().ok()).is_some_and(|(a, b)| a >= b),
            Compare::AtMost => as_number(v).zip(want.parse::<f64>().ok()).is_some_and(|(a, b)| a <= b),
        }
    })
}

/// The active rules of `kind` that this change sets off, leaving out the rules in `made_by` (the
/// chain of rules whose automatic changes led here: a rule never fires on its own effect).
pub fn fired<'a>(
    rules: &'a [Rule],
    kind: RecordKind,
    before: Option<&Map<String, Value>>,
    after: &Map<String, Value>,
    changed: &[String],
    stages: &Stages,
    made_by: &[String],
) -> Vec<&'a Rule> {
    if made_by.len() >= MAX_DEPTH {
        return Vec::new();
    }
    rules
        .iter()
        .filter(|r| r.active && r.list == kind && !made_by.contains(&r.code))
        .filter(|r| event_happened(&r.event, before, after, changed, stages))
        .filter(|r| conditions_hold(&r.conditions, after))
        .collect()
}

/// Whether a time-based rule is due for a record last modified at `modified_ms`.
pub fn stale(rule: &Rule, values: &Map<String, Value>, modified_ms: i64, now_ms: i64) -> bool {
    match rule.event {
        Event::NotModifiedFor { days } => {
            rule.active && now_ms - modified_ms > i64::from(days) * DAY_MS && conditions_hold(&rule.conditions, values)
        }
        _ => false,
    }
}

/// The changes a fired rule asks for on one record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Fields to set on the record (empty: it already is as the rule wants).
    pub update: Map<String, Value>,
    /// Records to create: kind, new id, fields.
    pub create: Vec<(RecordKind, Uuid, Map<String, Value>)>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.update.is_empty() && self.create.is_empty()
    }
}

/// What the rule's actions change on record `id` of `kind` (its `values` and `owner` as the
/// triggering change left them), at `now_ms`; `new_id` makes the ids of created records. The
/// changes are the named ones every screen makes (`edit::Edit::move_stage`, …) and bring what
/// those bring (`edit::derive`: a new stage's probability, from `known`'s stage list).
#[allow(clippy::too_many_arguments)]
pub fn plan(
    rule: &Rule,
    kind: RecordKind,
    id: Uuid,
    values: &Map<String, Value>,
    owner: UserId,
    now_ms: i64,
    new_id: &mut dyn FnMut() -> Uuid,
    known: &crate::records::Known,
) -> Plan {
    use crate::edit::Edit;
    let mut plan = Plan::default();
    // Each action sees what the ones before it did.
    let mut current = values.clone();
    let take = |edit: Option<Edit>, current: &mut Map<String, Value>, plan: &mut Plan| {
        if let Some(edit) = edit {
            current.extend(edit.fields.clone());
            plan.update.extend(edit.fields);
        }
    };
    for action in &rule.actions {
        match action {
            RuleAction::AddToGroup { group } => {
                take(Edit::group(kind, id, &current, group, true), &mut current, &mut plan);
            }
            RuleAction::RemoveFromGroup { group } => {
                take(Edit::group(kind, id, &current, group, false), &mut current, &mut plan);
            }
            RuleAction::SetStage { stage } => {
                let moves = text(&current, names::STAGE) != Some(stage.as_str());
                take(moves.then(|| Edit::move_stage(kind, id, stage)), &mut current, &mut plan);
            }
            RuleAction::SetOwner { user } => {
                if *user != owner {
                    take(Some(Edit::set_owner(kind, id, *user)), &mut current, &mut plan);
                }
            }
            RuleAction::CreateTask { subject, due_in_days, assignee } => {
                let link = if kind == RecordKind::Lead { names::LEAD_ID } else { names::OPPORTUNITY_ID };
                let mut task = Map::new();
                task.insert(names::SUBJECT.into(), json!(subject));
                task.insert(names::TYPE.into(), json!("task"));
                task.insert(names::DONE.into(), json!(false));
                task.insert(
                    names::DUE_DATE.into(),
                    json!(crate::Date::from_ms(now_ms).plus_days(i64::from(*due_in_days)).iso()),
                );
                task.insert(link.into(), json!(id.to_string()));
                if let Some(company) = id_of(values, names::COMPANY_ID) {
                    task.insert(names::COMPANY_ID.into(), json!(company.to_string()));
                }
                task.insert(crate::sync::OWNER_FIELD.into(), json!(assignee.unwrap_or(owner).to_string()));
                plan.create.push((RecordKind::Activity, new_id(), task));
            }
        }
    }
    // Groups a rule added and removed again are no change.
    if plan.update.get(crate::records::GROUPS).is_some_and(|g| *g == json!(groups_of(values))) {
        plan.update.remove(crate::records::GROUPS);
    }
    // A lead or opportunity holds no contact fields: nothing here can be refused.
    let _ = crate::edit::derive(kind, Some(values), &mut plan.update, known);
    plan
}

/// A scheduled process (TR-2): what it does, and how often it runs by itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "process", rename_all = "snake_case")]
pub enum ProcessKind {
    /// Closes open opportunities with no activity for `days` days: the lost end stage, and the
    /// reason in `lost_reason`.
    CloseInactive {
        days: u32,
        #[serde(default)]
        reason: String,
    },
    /// Refreshes each lead's copy of its company's and main contact's details from the
    /// records they came from ("sync lead with third party").
    RefreshLeads,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessDef {
    /// Stable and unique: history entries and run reports name it.
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub kind: ProcessKind,
    /// Runs by itself every so many hours; 0: only on demand.
    #[serde(default)]
    pub every_hours: u32,
    #[serde(default = "yes")]
    pub active: bool,
}

impl ProcessDef {
    pub fn from_values(values: &Map<String, Value>) -> Option<ProcessDef> {
        crate::config::from_values(values)
    }

    pub fn to_values(&self) -> Map<String, Value> {
        crate::config::to_values(self)
    }

    pub fn check(&self) -> Result<(), String> {
        if self.code.trim().is_empty() || self.name.trim().is_empty() {
            return Err("a process needs a code and a name".into());
        }
        if let ProcessKind::CloseInactive { days: 0, .. } = self.kind {
            return Err("the number of days must be at least 1".into());
        }
        Ok(())
    }

    /// Whether a scheduled run is due, given the last run's start.
    pub fn due(&self, last_run_ms: Option<i64>, now_ms: i64) -> bool {
        self.active
            && self.every_hours > 0
            && last_run_ms.is_none_or(|last| now_ms - last >= i64::from(self.every_hours) * 60 * 60 * 1000)
    }
}

/// What closing an inactive opportunity sets, if it is open and has had no activity since
/// `last_activity_ms` for more than `days` days; `None` otherwise (or when no lost end stage is
/// configured).
pub fn close_inactive(
    values: &Map<String, Value>,
    last_activity_ms: i64,
    now_ms: i64,
    days: u32,
    reason: &str,
    stages: &Stages,
) -> Option<Map<String, Value>> {
    if now_ms - last_activity_ms <= i64::from(days) * DAY_MS {
        return None;
    }
    let current = text(values, names::STAGE).and_then(|s| stages.get(s));
    if current.is_some_and(|s| s.end) {
        return None;
    }
    let lost = stages
        .0
        .iter()
        .find(|s| s.end && s.outcome == Some(crate::config::Outcome::Lost))
        .or_else(|| stages.default_end())?;
    let mut update = Map::new();
    update.insert(names::STAGE.into(), json!(lost.code));
    // The reason is the administrator's words (the app proposes one in their language); the
    // domain writes no sentence of its own.
    if !reason.trim().is_empty() {
        update.insert(names::LOST_REASON.into(), json!(reason.trim()));
    }
    Some(update)
}

/// The details a lead keeps of its company and main contact, as those records are now; only
/// the ones that differ from the lead's copy.
pub fn lead_copies(
    lead: &Map<String, Value>,
    company: Option<&Map<String, Value>>,
    contact: Option<&Map<String, Value>>,
) -> Map<String, Value> {
    let mut want = Map::new();
    if let Some(c) = company {
        want.insert("company_name".into(), json!(text(c, names::NAME).unwrap_or_default()));
        want.insert("company_city".into(), json!(text(c, names::CITY).unwrap_or_default()));
    }
    if let Some(c) = contact {
        want.insert("contact_name".into(), json!(crate::records::contact_name(c)));
        want.insert("contact_email".into(), json!(text(c, names::EMAIL).unwrap_or_default()));
        want.insert("contact_phone".into(), json!(text(c, names::PHONE).unwrap_or_default()));
    }
    want.into_iter()
        .filter(|(k, v)| lead.get(k).unwrap_or(&Value::Null) != v && !(v == "" && lead.get(k).is_none()))
        .collect()
}

/// `YYYY-MM-DD` plus `months`, the day kept where the month has it (else its last day).
pub fn add_months(date: &str, months: u32) -> Option<String> {
    let mut parts = date.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.get(..2)?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let index = y * 12 + (m - 1) + i64::from(months);
    let (y, m) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let last = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    Some(format!("{y:04}-{m:02}-{:02}", d.min(last)))
}

/// Why recurring opportunities cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RecurError {
    #[error("the base opportunity has no completion date; set one first (the next opportunities start from it)")]
    NoCompletionDate,
    #[error("the completion date `{0}` is not a date (YYYY-MM-DD)")]
    BadDate(String),
    #[error("choose every 1 to 24 months and 1 to 24 opportunities")]
    BadCount,
}

/// The next `count` opportunities after a base one, every `every_months` months from its
/// completion date: its company, contacts, source, category and value, the default stage, and
/// a link back (`recurs_from`).
pub fn recurring(
    base_id: Uuid,
    base: &Map<String, Value>,
    every_months: u32,
    count: u32,
    stages: &Stages,
) -> Result<Vec<Map<String, Value>>, RecurError> {
    if !(1..=24).contains(&every_months) || !(1..=24).contains(&count) {
        return Err(RecurError::BadCount);
    }
    let from = text(base, names::COMPLETION_DATE).ok_or(RecurError::NoCompletionDate)?;
    let title = text(base, names::TITLE).unwrap_or_default();
    let mut out = Vec::new();
    for k in 1..=count {
        let date = add_months(from, every_months * k).ok_or_else(|| RecurError::BadDate(from.to_owned()))?;
        let mut o = Map::new();
        for f in [
            names::COMPANY_ID,
            names::CONTACTS,
            names::SOURCE,
            names::CATEGORY,
            names::PRIORITY,
            names::EXPECTED_REVENUE,
            names::INTEREST,
            names::GROUPS,
        ] {
            if let Some(v) = base.get(f).filter(|v| !v.is_null()) {
                o.insert(f.into(), v.clone());
            }
        }
        o.insert(names::TITLE.into(), json!(format!("{title} ({date})")));
        o.insert(names::EXPECTED_CLOSE_DATE.into(), json!(date));
        if let Some(first) = stages.default_stage() {
            o.insert(names::STAGE.into(), json!(first.code));
            o.insert(names::PROBABILITY.into(), json!(first.probability));
        }
        o.insert(names::RECURS_FROM.into(), json!(base_id.to_string()));
        out.push(o);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Label;
    use crate::config::{Outcome, StageDef, Stages};
    use crate::records::Known;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn stages() -> Stages {
        let mut new = StageDef::new(RecordKind::Lead, "new", Label::new("New", "", ""), 0);
        new.default = true;
        new.stage_group = Some("open".into());
        let mut qualified = StageDef::new(RecordKind::Lead, "qualified", Label::new("Qualified", "", ""), 1);
        qualified.stage_group = Some("open".into());
        let mut won = StageDef::new(RecordKind::Lead, "won", Label::new("Won", "", ""), 2);
        won.end = true;
        won.outcome = Some(Outcome::Won);
        won.stage_group = Some("closed".into());
        let mut lost = StageDef::new(RecordKind::Lead, "lost", Label::new("Lost", "", ""), 3);
        lost.end = true;
        lost.default_end = true;
        lost.outcome = Some(Outcome::Lost);
        lost.stage_group = Some("closed".into());
        Stages::of(RecordKind::Lead, vec![new, qualified, won, lost])
    }

    fn rule(code: &str, event: Event, actions: Vec<RuleAction>) -> Rule {
        Rule {
            code: code.into(),
            name: code.into(),
            list: RecordKind::Lead,
            active: true,
            event,
            conditions: vec![],
            actions,
        }
    }

    #[test]
    fn events_are_recognised_from_before_and_after() {
        let s = stages();
        let before = obj(json!({"stage": "new", "groups": ["a"]}));
        let after = obj(json!({"stage": "won", "groups": ["a", "vip"]}));
        let changed = vec!["stage".to_owned(), "groups".to_owned()];
        assert!(event_happened(&Event::Created, None, &after, &[], &s));
        assert!(!event_happened(&Event::Created, Some(&before), &after, &changed, &s));
        assert!(event_happened(&Event::AddedToGroup { group: "vip".into() }, Some(&before), &after, &changed, &s));
        assert!(!event_happened(&Event::AddedToGroup { group: "a".into() }, Some(&before), &after, &changed, &s));
        assert!(event_happened(&Event::StageChanged { stage: "won".into() }, Some(&before), &after, &changed, &s));
        assert!(!event_happened(&Event::StageChanged { stage: "won".into() }, Some(&after), &after, &changed, &s));
        assert!(event_happened(
            &Event::StageGroupChanged { group: "closed".into() },
            Some(&before),
            &after,
            &changed,
            &s
        ));
        // won → lost stays in "closed": not a change of stage group.
        let lost = obj(json!({"stage": "lost"}));
        assert!(!event_happened(
            &Event::StageGroupChanged { group: "closed".into() },
            Some(&after),
            &lost,
            &changed,
            &s
        ));
        // Only touched fields count: an edit of the title does not re-add a group.
        assert!(!event_happened(
            &Event::AddedToGroup { group: "vip".into() },
            Some(&before),
            &after,
            &["title".into()],
            &s
        ));
    }

    #[test]
    fn conditions_compare_text_lists_and_numbers() {
        let v = obj(json!({"source": "Trade_fair", "groups": ["vip"], "expected_value": 5000, "note": ""}));
        let c = |field: &str, compare, value: &str| Condition { field: field.into(), compare, value: value.into() };
        assert!(conditions_hold(&[c("source", Compare::Is, "trade_fair")], &v));
        assert!(!conditions_hold(&[c("source", Compare::IsNot, "trade_fair")], &v));
        assert!(conditions_hold(&[c("groups", Compare::Contains, "vip")], &v));
        assert!(conditions_hold(&[c("expected_value", Compare::AtLeast, "5000")], &v));
        assert!(!conditions_hold(&[c("expected_value", Compare::AtMost, "4999")], &v));
        assert!(conditions_hold(&[c("note", Compare::IsEmpty, ""), c("missing", Compare::IsEmpty, "")], &v));
        assert!(!conditions_hold(&[c("source", Compare::IsEmpty, "")], &v));
    }

    #[test]
    fn a_rule_does_not_fire_on_its_own_effect_and_chains_stop() {
        let s = stages();
        let rules = vec![
            rule(
                "a",
                Event::StageChanged { stage: "qualified".into() },
                vec![RuleAction::AddToGroup { group: "g".into() }],
            ),
            rule(
                "b",
                Event::AddedToGroup { group: "g".into() },
                vec![RuleAction::SetStage { stage: "qualified".into() }],
            ),
        ];
        let before = obj(json!({"stage": "new"}));
        let after = obj(json!({"stage": "qualified", "groups": ["g"]}));
        let changed = vec!["stage".to_owned(), "groups".to_owned()];
        let codes = |fired: Vec<&Rule>| fired.into_iter().map(|r| r.code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(fired(&rules, RecordKind::Lead, Some(&before), &after, &changed, &s, &[])), ["a", "b"]);
        assert_eq!(codes(fired(&rules, RecordKind::Lead, Some(&before), &after, &changed, &s, &["a".into()])), ["b"]);
        let deep: Vec<String> = (0..MAX_DEPTH).map(|i| format!("x{i}")).collect();
        assert!(fired(&rules, RecordKind::Lead, Some(&before), &after, &changed, &s, &deep).is_empty());
        assert!(fired(&rules, RecordKind::Opportunity, Some(&before), &after, &changed, &s, &[]).is_empty());
    }

    #[test]
    fn plans_change_only_what_differs_and_tasks_are_due_in_days() {
        let owner = UserId(Uuid::now_v7());
        let other = UserId(Uuid::now_v7());
        let id = Uuid::now_v7();
        let task = Uuid::now_v7();
        let r = rule(
            "r",
            Event::Created,
            vec![
                RuleAction::AddToGroup { group: "vip".into() },
                RuleAction::RemoveFromGroup { group: "old".into() },
                RuleAction::SetStage { stage: "new".into() },
                RuleAction::CreateTask { subject: "Call".into(), due_in_days: 2, assignee: None },
                RuleAction::SetOwner { user: other },
            ],
        );
        let values = obj(json!({"stage": "new", "groups": ["old"], "company_id": id.to_string()}));
        let now = 1_795_000_000_000; // 2026-11-18
        let p = plan(&r, RecordKind::Lead, id, &values, owner, now, &mut || task, &Known::default());
        assert_eq!(p.update.get("groups"), Some(&json!(["vip"])));
        assert!(!p.update.contains_key("stage"), "already in that stage");
        assert_eq!(p.update.get("owner_id"), Some(&json!(other.to_string())));
        let (kind, tid, t) = &p.create[0];
        assert_eq!((*kind, *tid), (RecordKind::Activity, task));
        assert_eq!(t.get("due_date"), Some(&json!("2026-11-20")));
        assert_eq!(t.get("lead_id"), Some(&json!(id.to_string())));
        assert_eq!(t.get("owner_id"), Some(&json!(owner.to_string())));
    }

    #[test]
    fn a_rule_moving_an_opportunity_brings_the_stages_probability_as_a_drag_does() {
        let mut known = Known::default();
        let list = RecordKind::Opportunity;
        known.stages.insert(list, Stages::of(list, crate::config::default_stages()));
        let id = Uuid::now_v7();
        let values = obj(json!({"title": "Vans", "stage": "qualification", "probability": 10, "groups": ["a"]}));
        let r = Rule {
            list,
            ..rule(
                "r",
                Event::Created,
                vec![
                    RuleAction::SetStage { stage: "proposal".into() },
                    RuleAction::AddToGroup { group: "b".into() },
                    RuleAction::RemoveFromGroup { group: "b".into() },
                ],
            )
        };
        let p = plan(&r, list, id, &values, UserId(id), 0, &mut Uuid::now_v7, &known);
        assert_eq!(
            p.update,
            obj(json!({"stage": "proposal", "probability": 50})),
            "a group added and removed is no change"
        );
        let drag = crate::edit::Edit::move_stage(list, id, "proposal");
        let mut dragged = drag.fields.clone();
        crate::edit::derive(list, Some(&values), &mut dragged, &known).unwrap();
        assert_eq!(dragged, p.update, "the rule and the board make the same change");
    }

    #[test]
    fn time_based_rules_and_processes_are_due_after_their_period() {
        let r = rule("s", Event::NotModifiedFor { days: 3 }, vec![RuleAction::AddToGroup { group: "g".into() }]);
        let v = Map::new();
        assert!(!stale(&r, &v, 0, 3 * DAY_MS));
        assert!(stale(&r, &v, 0, 3 * DAY_MS + 1));
        let p = ProcessDef {
            code: "p".into(),
            name: "p".into(),
            kind: ProcessKind::RefreshLeads,
            every_hours: 24,
            active: true,
        };
        assert!(p.due(None, 0));
        assert!(!p.due(Some(0), DAY_MS - 1));
        assert!(p.due(Some(0), DAY_MS));
        assert!(!ProcessDef { every_hours: 0, ..p.clone() }.due(None, 0));
        assert!(ProcessDef::from_values(&p.to_values()).is_some_and(|q| q == p));
    }

    #[test]
    fn inactive_opportunities_close_as_lost_and_recurring_ones_need_a_completion_date() {
        let s = stages();
        let open = obj(json!({"stage": "qualified"}));
        assert_eq!(close_inactive(&open, 0, 10 * DAY_MS, 30, "", &s), None);
        let closed = close_inactive(&open, 0, 31 * DAY_MS, 30, "", &s).unwrap();
        assert_eq!(closed.get("stage"), Some(&json!("lost")));
        assert_eq!(closed.get("lost_reason"), None, "no reason given, none invented (in English)");
        let why = close_inactive(&open, 0, 31 * DAY_MS, 30, " Geen activiteit ", &s).unwrap();
        assert_eq!(why.get("lost_reason"), Some(&json!("Geen activiteit")));
        assert_eq!(close_inactive(&obj(json!({"stage": "won"})), 0, 99 * DAY_MS, 30, "", &s), None);

        let base = obj(json!({"title": "Service", "expected_revenue": 1200}));
        assert_eq!(recurring(Uuid::nil(), &base, 1, 3, &s), Err(RecurError::NoCompletionDate));
        let mut base = base;
        base.insert("completion_date".into(), json!("2026-01-31"));
        let next = recurring(Uuid::nil(), &base, 1, 3, &s).unwrap();
        let dates: Vec<_> = next.iter().map(|o| o["expected_close_date"].as_str().unwrap().to_owned()).collect();
        assert_eq!(dates, ["2026-02-28", "2026-03-31", "2026-04-30"]);
        assert_eq!(next[0]["expected_revenue"], json!(1200));
        assert_eq!(next[0]["stage"], json!("new"));
        assert_eq!(recurring(Uuid::nil(), &base, 0, 3, &s), Err(RecurError::BadCount));
        assert_eq!(add_months("2024-01-31", 1).as_deref(), Some("2024-02-29"));
        assert_eq!(add_months("2024-12-15", 1).as_deref(), Some("2025-01-15"));
        assert_eq!(add_months("nonsense", 1), None);
    }

    #[test]
    fn lead_copies_hold_only_what_changed() {
        let lead = obj(json!({"company_name": "Old BV", "contact_email": "a@b.nl"}));
        let company = obj(json!({"name": "New BV", "city": "Utrecht"}));
        let contact = obj(json!({"first_name": "Eva", "last_name": "Smit", "email": "a@b.nl"}));
        let update = lead_copies(&lead, Some(&company), Some(&contact));
        assert_eq!(update.get("company_name"), Some(&json!("New BV")));
        assert_eq!(update.get("contact_name"), Some(&json!("Eva Smit")));
        assert!(!update.contains_key("contact_email"), "unchanged");
        assert!(!update.contains_key("contact_phone"), "empty and absent");
    }
}
