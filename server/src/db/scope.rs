//! Which records an actor may view, as SQL: the same grants as `Actor::may`, for pulls and
//! record lists.

use veld_domain::{Action, Actor, RecordKind, Scope};

/// The SQL condition for "records this actor may view", across kinds; `$1` is the user id and
/// `$2` the office id. `None` when the actor may view nothing.
pub(super) fn visibility_sql(actor: &Actor) -> Option<String> {
    visibility_sql_on(actor, "kind", "owner_id", "office_id") // not a record field: columns
}

/// [`visibility_sql`] over the given kind, owner and office columns.
pub(super) fn visibility_sql_on(actor: &Actor, kind_col: &str, owner_col: &str, office_col: &str) -> Option<String> {
    let parts: Vec<String> = RecordKind::ALL
        .iter()
        .filter_map(|&kind| {
            let k = kind.as_str();
            match actor.permissions.scope(kind, Action::View) {
                Scope::None => None,
                Scope::Own => Some(format!("({kind_col} = '{k}' AND {owner_col} = $1)")),
                Scope::Office => Some(format!("({kind_col} = '{k}' AND {office_col} = $2)")),
                Scope::All => Some(format!("{kind_col} = '{k}'")),
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" OR "))
}
