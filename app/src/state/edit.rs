//! The one way the app changes data: [`Store::apply`]. It prepares the edit with the domain's
//! rules (`veld_domain::edit::prepare`: permission, only the fields that change, what a change
//! brings with it, the record's rules), shows it at once and writes it to this device's outbox;
//! the sync engine sends it. Every refusal comes back as an [`EditError`] for the page to show —
//! none is dropped.

use super::Store;
use crate::i18n::{Strings, invalid_text};
use crate::sync::engine;
use leptos::prelude::*;
use veld_domain::edit::{Edit, Refused, prepare};
use veld_domain::records::Invalid;
use veld_domain::{Action, RecordKind};

/// Why an edit was not made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    /// It breaks a rule of the record: the field and the reason.
    Invalid(Invalid),
    /// The user's role does not allow it here (or the record is not on this device).
    NotAllowed,
    /// This device could not store it (storage full or blocked); nothing was kept.
    Storage(String),
}

impl From<Refused> for EditError {
    fn from(r: Refused) -> Self {
        match r {
            Refused::Invalid(e) => EditError::Invalid(e),
            Refused::NotAllowed => EditError::NotAllowed,
        }
    }
}

impl EditError {
    /// The user's words for it.
    pub fn text(&self, t: &Strings) -> String {
        match self {
            EditError::Invalid(e) => invalid_text(t, e),
            EditError::NotAllowed => t.record.edit_not_allowed.to_owned(),
            EditError::Storage(_) => t.err.storage.to_owned(),
        }
    }

    /// The field a rule refusal concerns.
    pub fn field(&self) -> Option<&str> {
        match self {
            EditError::Invalid(e) => Some(e.field.as_str()),
            _ => None,
        }
    }
}

/// What became of an edit that was not refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Stored on this device; it syncs when it can.
    Saved,
    /// Nothing would change: nothing was stored.
    Unchanged,
}

/// An edit the edit path has checked, ready to store: only [`Store::check`] makes one, so
/// nothing reaches the outbox unchecked.
#[derive(Clone, Debug)]
pub struct Prepared(pub(super) Edit);

impl Store {
    /// Checks an edit (permission, only what changes, what it brings, the record's rules)
    /// without making it: `Ok(None)` when it would change nothing, else the edit to store.
    pub fn check(&self, edit: Edit) -> Result<Option<Prepared>, EditError> {
        self.check_after(edit, &[])
    }

    /// [`Store::check`] as the edit will be checked once `earlier` edits are made: records they
    /// create count as there (a lead's conversion links the opportunity it creates first).
    pub fn check_after(&self, edit: Edit, earlier: &[Edit]) -> Result<Option<Prepared>, EditError> {
        untrack(|| {
            let actor = self.me.with(|m| m.as_ref().map(|m| m.actor())).ok_or(EditError::NotAllowed)?;
            let before = self.visible_one(edit.kind, edit.id);
            let mut values = before.as_ref().map(veld_domain::edit::values_with_owner).unwrap_or_default();
            values.extend(edit.fields.clone());
            let mut known = self.known_for(edit.kind, &values);
            for made in earlier.iter().filter(|e| e.op == veld_domain::sync::Op::Create) {
                known.records.insert(made.id, (made.kind, made.fields.clone()));
            }
            Ok(prepare(edit, before.as_ref(), &actor, &known)?.map(Prepared))
        })
    }

    /// Stores a checked edit: shown at once, then written durably to this device; resolves
    /// when it is stored.
    pub async fn save(&self, prepared: Prepared) -> Result<Applied, EditError> {
        let Prepared(edit) = prepared;
        engine::record_change(*self, edit.kind, edit.id, edit.op, edit.fields_map())
            .await
            .map_err(|e| EditError::Storage(e.0))?;
        Ok(Applied::Saved)
    }

    /// Makes an edit: checked at once (a refusal returns before anything is stored), shown at
    /// once, then written durably to this device; resolves when it is stored.
    pub async fn apply(&self, edit: Edit) -> Result<Applied, EditError> {
        match self.check(edit)? {
            Some(prepared) => self.save(prepared).await,
            None => Ok(Applied::Unchanged),
        }
    }

    /// Makes several edits in order, each checked against the state the earlier ones left;
    /// stops at the first refusal (the earlier ones stay made).
    pub async fn apply_all(&self, edits: Vec<Edit>) -> Result<(), EditError> {
        for edit in edits {
            self.apply(edit).await?;
        }
        Ok(())
    }

    /// Makes an edit from a control that shows its outcome in `error`: a refusal is put there
    /// at once (and `false` returned), a storage failure when it happens; success clears it.
    pub fn apply_reporting(&self, edit: Edit, error: RwSignal<Option<String>>) -> bool {
        let t = crate::i18n::strings(self.language.get_untracked());
        let prepared = match self.check(edit) {
            Err(e) => {
                error.set(Some(e.text(t)));
                return false;
            }
            Ok(prepared) => prepared,
        };
        error.set(None);
        let store = *self;
        leptos::task::spawn_local(async move {
            if let Some(prepared) = prepared
                && let Err(e) = store.save(prepared).await
            {
                error.set(Some(e.text(t)));
            }
        });
        true
    }

    /// Makes an edit from a form with a notice line: a refusal at once, then "saved on this
    /// device", "nothing changed" or the storage failure.
    pub fn apply_noting(&self, edit: Edit, notice: RwSignal<Option<String>>) {
        let t = crate::i18n::strings(self.language.get_untracked());
        let prepared = match self.check(edit) {
            Err(e) => return notice.set(Some(e.text(t))),
            Ok(None) => return notice.set(Some(t.record.nothing_changed.to_owned())),
            Ok(Some(prepared)) => prepared,
        };
        let store = *self;
        leptos::task::spawn_local(async move {
            notice.set(Some(match store.save(prepared).await {
                Ok(_) => t.record.saved_locally.to_owned(),
                Err(e) => e.text(t),
            }));
        });
    }

    /// Whether the user's role lets them create records of `kind` at all (in their own name).
    pub fn may_create(&self, kind: RecordKind) -> bool {
        self.me.with(|m| {
            m.as_ref().is_some_and(|m| {
                let own = veld_domain::Ownership { owner: m.user.id, office: m.office.id };
                m.actor().may(Action::Create, kind, own)
            })
        })
    }
}
