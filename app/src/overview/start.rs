//! The first screen of a list at the next start: reading every record on the device takes
//! seconds with tens of thousands of them, so the overview keeps the first rows it showed (in its
//! default order, newest first), the tab labels and the stage colours, and shows them at once
//! while the device's data is read; the real rows replace them when it is ready.
//!
//! What is kept is a prefix of the whole list, so any tab's filter of it is a prefix of that
//! tab's real list: the rows shown early are the right ones, at most fewer. Until the data is
//! read they are for reading and opening only (no checking, no preview), and the count says it
//! is still loading.

use super::model::{Row, Tab};
use crate::state::prefs;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use veld_domain::{RecordKind, UserId};

/// Rows kept: more than a tall desktop screen shows.
pub const ROWS: usize = 60;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StartRows {
    /// Whose list it was (another user's is never shown).
    pub user: Option<UserId>,
    /// The language it was built in (labels and stage names).
    pub language: String,
    /// The tab strip: (key, label).
    pub tabs: Vec<(String, String)>,
    /// Stage code → colour, for the stage pills.
    pub colours: HashMap<String, String>,
    /// The first rows of the whole list, newest first.
    pub rows: Vec<Row>,
}

impl StartRows {
    /// What to keep of a list: its first [`ROWS`] rows (`rows` is in the default order).
    pub fn of(
        user: UserId,
        language: &str,
        tabs: &[(Tab, String)],
        colours: &HashMap<String, String>,
        rows: &[Row],
    ) -> StartRows {
        let rows: Vec<Row> = rows.iter().take(ROWS).cloned().collect();
        // Only the colours of the stages the kept rows are in.
        let colours = colours.iter().filter(|(code, _)| rows.iter().any(|r| &r.stage_code == *code));
        StartRows {
            user: Some(user),
            language: language.to_owned(),
            tabs: tabs.iter().map(|(tab, label)| (tab.key(), label.clone())).collect(),
            colours: colours.map(|(k, v)| (k.clone(), v.clone())).collect(),
            rows,
        }
    }

    /// Whether these rows may be shown to `user` reading `language`.
    pub fn fits(&self, user: UserId, language: &str) -> bool {
        self.user == Some(user) && self.language == language
    }

    pub fn tabs(&self) -> Vec<(Tab, String)> {
        self.tabs.iter().map(|(key, label)| (Tab::parse(key), label.clone())).collect()
    }
}

/// The kept first screen of a kind's list, if it is this user's in this language.
pub fn load(kind: RecordKind, user: UserId, language: &str) -> Option<StartRows> {
    prefs::load::<StartRows>(&prefs::start_key(kind)).filter(|s| s.fits(user, language))
}

pub fn save(kind: RecordKind, start: &StartRows) {
    prefs::save(&prefs::start_key(kind), start);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: u128, stage: &str) -> Row {
        Row { id: uuid::Uuid::from_u128(n), title: format!("Lead {n}"), stage_code: stage.into(), ..Row::default() }
    }

    #[test]
    fn keeps_the_first_rows_and_their_stage_colours_only() {
        let user = UserId::new();
        let rows: Vec<Row> = (0..100).map(|n| row(n, if n < 70 { "new" } else { "won" })).collect();
        let colours =
            HashMap::from([("new".to_owned(), "#0f766e".to_owned()), ("won".to_owned(), "#15803d".to_owned())]);
        let tabs = vec![(Tab::Group("open".into()), "Open".to_owned()), (Tab::All, "All".to_owned())];
        let start = StartRows::of(user, "en", &tabs, &colours, &rows);
        assert_eq!(start.rows.len(), ROWS);
        assert_eq!(start.rows[0], rows[0]);
        assert_eq!(start.rows[ROWS - 1], rows[ROWS - 1]);
        assert_eq!(start.colours.keys().collect::<Vec<_>>(), vec!["new"]);
        assert_eq!(start.tabs(), tabs);
        // It survives being kept as JSON, and only its own user in its own language sees it.
        let back: StartRows = serde_json::from_str(&serde_json::to_string(&start).unwrap()).unwrap();
        assert_eq!(back, start);
        assert!(back.fits(user, "en"));
        assert!(!back.fits(user, "nl"));
        assert!(!back.fits(UserId::new(), "en"));
    }
}
