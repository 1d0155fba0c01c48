//! Roles and permissions (SPEC CF-3, OF-4): per record kind, each action (view, create, edit,
//! delete) is granted with a scope — none, own records, the user's office, or all. The client
//! uses these rules to hide what a user may not do; the server uses the very same rules to
//! refuse it and to filter what it sends.

use crate::{OfficeId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The kinds of record the permission model covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Company,
    Contact,
    Lead,
    Opportunity,
    JobOrder,
    Placement,
    Activity,
    Attachment,
    /// Configuration (CF-1): a stage of the lead or opportunity list.
    Stage,
    /// Configuration (CF-2): an entry of one of the eight tables.
    TableEntry,
    /// Configuration (TR-1): an automation rule.
    Rule,
    /// Configuration (TR-2): a scheduled process.
    Process,
}

impl RecordKind {
    pub const ALL: [RecordKind; 12] = [
        RecordKind::Company,
        RecordKind::Contact,
        RecordKind::Lead,
        RecordKind::Opportunity,
        RecordKind::JobOrder,
        RecordKind::Placement,
        RecordKind::Activity,
        RecordKind::Attachment,
        RecordKind::Stage,
        RecordKind::TableEntry,
        RecordKind::Rule,
        RecordKind::Process,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Company => "company",
            RecordKind::Contact => "contact",
            RecordKind::Lead => "lead",
            RecordKind::Opportunity => "opportunity",
            RecordKind::JobOrder => "job_order",
            RecordKind::Placement => "placement",
            RecordKind::Activity => "activity",
            RecordKind::Attachment => "attachment",
            RecordKind::Stage => "stage", // not a record field
            RecordKind::TableEntry => "table_entry",
            RecordKind::Rule => "rule",
            RecordKind::Process => "process",
        }
    }

    /// Configuration kinds: everyone sees them (every device needs the stage rules), only
    /// administrators change them, whatever their role's grants say.
    pub fn is_config(self) -> bool {
        matches!(self, RecordKind::Stage | RecordKind::TableEntry | RecordKind::Rule | RecordKind::Process)
    }

    pub fn parse(s: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    View,
    Create,
    Edit,
    Delete,
}

/// How far a grant reaches. Ordered: each scope includes the ones before it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    #[default]
    None,
    Own,
    Office,
    All,
}

/// One record kind's grants. For `create`, the scope bounds whom the new record may belong to
/// (own: only yourself; office: anyone in your office; all: anyone).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Grants {
    pub view: Scope,
    pub create: Scope,
    pub edit: Scope,
    pub delete: Scope,
}

impl Grants {
    pub const NONE: Grants = Grants::uniform(Scope::None);

    pub const fn uniform(scope: Scope) -> Grants {
        Grants { view: scope, create: scope, edit: scope, delete: scope }
    }

    pub fn scope(&self, action: Action) -> Scope {
        match action {
            Action::View => self.view,
            Action::Create => self.create,
            Action::Edit => self.edit,
            Action::Delete => self.delete,
        }
    }

    /// Sets the scope of one action.
    pub fn set(&mut self, action: Action, scope: Scope) {
        match action {
            Action::View => self.view = scope,
            Action::Create => self.create = scope,
            Action::Edit => self.edit = scope,
            Action::Delete => self.delete = scope,
        }
    }
}

/// A role's permissions. Kinds not listed are granted nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Permissions {
    #[serde(default)]
    pub kinds: BTreeMap<RecordKind, Grants>,
    /// May open the administration ("Maintenance") area: stages, tables, users, roles, triggers.
    #[serde(default)]
    pub admin: bool,
    /// The modules this role works with (Carerix sets them per role); none given: all the
    /// deployment runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modules: Option<Modules>,
}

impl Permissions {
    pub fn grants(&self, kind: RecordKind) -> Grants {
        if kind.is_config() {
            let change = if self.admin { Scope::All } else { Scope::None };
            return Grants { view: Scope::All, create: change, edit: change, delete: change };
        }
        self.kinds.get(&kind).copied().unwrap_or(Grants::NONE)
    }

    pub fn scope(&self, kind: RecordKind, action: Action) -> Scope {
        self.grants(kind).scope(action)
    }

    /// Whether the user may do `action` on `kind` at all (to show or hide a button or a page).
    pub fn can_at_all(&self, kind: RecordKind, action: Action) -> bool {
        self.scope(kind, action) > Scope::None
    }

    /// The modules a holder of this role uses in a deployment running `deployment`.
    pub fn modules_within(&self, deployment: Modules) -> Modules {
        let role = self.modules.unwrap_or_default();
        Modules { leads: deployment.leads && role.leads, opportunities: deployment.opportunities && role.opportunities }
    }

    /// What a holder of this role may do in a deployment running `deployment`: nothing at all
    /// on the records of a module that is off (for the deployment or the role), so neither the
    /// sync nor the API sends them, and nothing can change them.
    pub fn within(&self, deployment: Modules) -> Permissions {
        let modules = self.modules_within(deployment);
        let mut out = self.clone();
        for (kind, on) in [(RecordKind::Lead, modules.leads), (RecordKind::Opportunity, modules.opportunities)] {
            if !on {
                out.kinds.remove(&kind);
            }
        }
        out
    }

    /// Whether every grant the other set has is also held here.
    pub fn covers(&self, other: &Permissions) -> bool {
        (self.admin || !other.admin)
            && RecordKind::ALL.iter().all(|&k| {
                let (mine, theirs) = (self.grants(k), other.grants(k));
                [Action::View, Action::Create, Action::Edit, Action::Delete]
                    .iter()
                    .all(|&a| mine.scope(a) >= theirs.scope(a))
            })
    }
}

/// Who a record belongs to, as far as access is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ownership {
    pub owner: UserId,
    pub office: OfficeId,
}

/// The user asking, with their role's permissions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Actor {
    pub user: UserId,
    pub office: OfficeId,
    pub permissions: Permissions,
}

impl Actor {
    /// The one rule every access check goes through.
    pub fn may(&self, action: Action, kind: RecordKind, record: Ownership) -> bool {
        match self.permissions.scope(kind, action) {
            Scope::None => false,
            Scope::Own => record.owner == self.user,
            Scope::Office => record.office == self.office,
            Scope::All => true,
        }
    }
}

/// Which parts of the product a deployment runs (CF-3: leads only, opportunities only, or both).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Modules {
    pub leads: bool,
    pub opportunities: bool,
}

impl Default for Modules {
    fn default() -> Self {
        Modules { leads: true, opportunities: true }
    }
}

impl Modules {
    /// Parses a comma-separated list such as `leads,opportunities`.
    pub fn parse(list: &str) -> Result<Modules, String> {
        let mut m = Modules { leads: false, opportunities: false };
        for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "leads" => m.leads = true,
                "opportunities" => m.opportunities = true,
                other => return Err(format!("unknown module `{other}` (known: leads, opportunities)")),
            }
        }
        if !m.leads && !m.opportunities {
            return Err("enable at least one module: leads, opportunities".into());
        }
        Ok(m)
    }
}

/// The built-in roles a new database starts with; administrators can change them later.
pub mod presets {
    use super::*;

    fn with(pairs: &[(RecordKind, Grants)], admin: bool) -> Permissions {
        Permissions { kinds: pairs.iter().copied().collect(), admin, modules: None }
    }

    /// Everything, everywhere, plus the administration area.
    pub fn administrator() -> Permissions {
        with(&RecordKind::ALL.map(|k| (k, Grants::uniform(Scope::All))), true)
    }

    /// Sees everything; works the records of their own office.
    pub fn sales_manager() -> Permissions {
        let g = Grants { view: Scope::All, create: Scope::Office, edit: Scope::Office, delete: Scope::Office };
        with(&RecordKind::ALL.map(|k| (k, g)), false)
    }

    /// Account managers and field reps: their office's customers, their own deals.
    pub fn sales_rep() -> Permissions {
        let own = Grants { view: Scope::Office, create: Scope::Own, edit: Scope::Own, delete: Scope::Own };
        let shared = Grants { view: Scope::Office, create: Scope::Office, edit: Scope::Office, delete: Scope::None };
        with(
            &[
                (RecordKind::Company, shared),
                (RecordKind::Contact, shared),
                (RecordKind::Lead, Grants { view: Scope::Office, ..Grants::NONE }),
                (RecordKind::Opportunity, own),
                (RecordKind::JobOrder, shared),
                (RecordKind::Placement, shared),
                (RecordKind::Activity, own),
                (RecordKind::Attachment, own),
            ],
            false,
        )
    }

    /// Marketing works leads across offices and may look at opportunities.
    pub fn marketing() -> Permissions {
        let all = Grants { view: Scope::All, create: Scope::All, edit: Scope::All, delete: Scope::Own };
        let view = Grants { view: Scope::All, ..Grants::NONE };
        with(
            &[
                (RecordKind::Company, all),
                (RecordKind::Contact, all),
                (RecordKind::Lead, all),
                (RecordKind::Opportunity, view),
                (RecordKind::JobOrder, view),
                (RecordKind::Placement, view),
                (RecordKind::Activity, all),
                (RecordKind::Attachment, all),
            ],
            false,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(permissions: Permissions) -> (Actor, UserId, OfficeId) {
        let (user, office) = (UserId::new(), OfficeId::new());
        (Actor { user, office, permissions }, user, office)
    }

    #[test]
    fn scopes_reach_as_far_as_they_say() {
        let other_user = UserId::new();
        let other_office = OfficeId::new();
        for (scope, own, colleague, elsewhere) in [
            (Scope::None, false, false, false),
            (Scope::Own, true, false, false),
            (Scope::Office, true, true, false),
            (Scope::All, true, true, true),
        ] {
            let perms = Permissions {
                kinds: [(RecordKind::Lead, Grants { edit: scope, ..Grants::NONE })].into(),
                admin: false,
                modules: None,
            };
            let (a, me, my_office) = actor(perms);
            let check = |owner, office, want: bool| {
                assert_eq!(a.may(Action::Edit, RecordKind::Lead, Ownership { owner, office }), want, "{scope:?}");
                // Other actions and kinds were not granted.
                assert!(!a.may(Action::View, RecordKind::Lead, Ownership { owner, office }));
                assert!(!a.may(Action::Edit, RecordKind::Opportunity, Ownership { owner, office }));
            };
            check(me, my_office, own);
            check(other_user, my_office, colleague);
            check(other_user, other_office, elsewhere);
        }
    }

    #[test]
    fn presets_are_ordered_by_power() {
        let admin = presets::administrator();
        for p in [presets::sales_manager(), presets::sales_rep(), presets::marketing()] {
            assert!(admin.covers(&p));
            assert!(!p.covers(&admin), "only administrators administer");
        }
        assert!(presets::sales_manager().covers(&presets::sales_rep()));
        assert!(!presets::sales_rep().can_at_all(RecordKind::Lead, Action::Edit));
        assert!(presets::marketing().can_at_all(RecordKind::Lead, Action::Delete));
    }

    #[test]
    fn permissions_round_trip_as_json_and_missing_kinds_mean_nothing() {
        let p = presets::sales_rep();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Permissions>(&json).unwrap(), p);
        let empty: Permissions = serde_json::from_str("{}").unwrap();
        assert!(RecordKind::ALL.iter().filter(|k| !k.is_config()).all(|&k| !empty.can_at_all(k, Action::View)));
        // Configuration: everyone reads it, only administrators change it.
        assert!(empty.can_at_all(RecordKind::Stage, Action::View));
        assert!(!empty.can_at_all(RecordKind::Stage, Action::Edit));
        assert!(presets::administrator().can_at_all(RecordKind::TableEntry, Action::Create));
        assert!(!presets::sales_manager().can_at_all(RecordKind::TableEntry, Action::Edit));
    }

    #[test]
    fn modules_parse() {
        assert_eq!(Modules::parse("leads,opportunities"), Ok(Modules::default()));
        assert_eq!(Modules::parse(" leads "), Ok(Modules { leads: true, opportunities: false }));
        assert!(Modules::parse("").is_err());
        assert!(Modules::parse("leads,quotes").unwrap_err().contains("quotes"));
    }

    #[test]
    fn record_kinds_round_trip() {
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(RecordKind::parse("lemon"), None);
    }

    #[test]
    fn a_module_off_for_the_deployment_or_the_role_grants_nothing_on_its_records() {
        let mut manager = presets::sales_manager();
        let both = Modules::default();
        assert_eq!(manager.within(both), manager);
        let leads_only = Modules { leads: true, opportunities: false };
        assert!(!manager.within(leads_only).can_at_all(RecordKind::Opportunity, Action::View));
        assert!(manager.within(leads_only).can_at_all(RecordKind::Lead, Action::View));
        manager.modules = Some(Modules { leads: false, opportunities: true });
        let effective = manager.within(both);
        assert!(!effective.can_at_all(RecordKind::Lead, Action::View));
        assert!(effective.can_at_all(RecordKind::Opportunity, Action::Edit));
        assert!(effective.can_at_all(RecordKind::Company, Action::View), "other kinds are untouched");
        assert_eq!(manager.modules_within(leads_only), Modules { leads: false, opportunities: false });
    }
}
