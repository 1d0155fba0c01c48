//! The pipeline board without a screen (PL-1…PL-3): its columns, which cards each shows after
//! the filters, a column's totals, what a card says, and the window of cards in view — pure
//! functions, natively tested (the drag is `drag.rs`).

use crate::overview::model::{Row, Tab};
use std::collections::HashMap;
use veld_domain::config::Stages;
use veld_domain::{OfficeId, UserId};

/// Card heights (px) for the window maths; `.board-card` in the stylesheet matches them.
pub const COMPACT_PX: f64 = 92.0;
pub const DETAILED_PX: f64 = 116.0;
/// Cards rendered above and below the visible ones.
const OVERSCAN: usize = 4;

/// The board's filters (PL-3).
#[derive(Clone, Debug, PartialEq)]
pub struct Filters {
    /// Mine, my office or all (a stage group is not a scope here: groups are columns).
    pub scope: Tab,
    pub search: String,
    /// A user id, or empty for anyone.
    pub owner: String,
    /// A source code, or empty for any.
    pub source: String,
}

impl Default for Filters {
    fn default() -> Self {
        Filters { scope: Tab::All, search: String::new(), owner: String::new(), source: String::new() }
    }
}

impl Filters {
    /// Whether a card passes the filters for the user `me` of `office`.
    pub fn admits(&self, r: &Row, needle: &str, me: UserId, office: OfficeId) -> bool {
        self.scope.admits(r, me, office)
            && (needle.is_empty() || r.haystack.contains(needle))
            && (self.owner.is_empty() || r.owner.to_string() == self.owner)
            && (self.source.is_empty() || r.source_code == self.source)
    }
}

/// One column: an active stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub code: String,
    pub name: String,
    pub group: String,
    pub colour: String,
}

/// The columns: the active stages in pipeline order, named in `language`.
pub fn columns(stages: &Stages, language: &str) -> Vec<Column> {
    let mut active: Vec<_> = stages.active().collect();
    active.sort_by_key(|s| s.index);
    active
        .into_iter()
        .map(|s| Column {
            code: s.code.clone(),
            name: s.name.get(language).to_owned(),
            group: s.stage_group.clone().unwrap_or_default(),
            colour: s.colour.clone(),
        })
        .collect()
}

/// Columns side by side under their stage group (consecutive columns of one group together).
pub fn grouped(columns: Vec<Column>) -> Vec<(String, Vec<Column>)> {
    let mut groups: Vec<(String, Vec<Column>)> = Vec::new();
    for c in columns {
        match groups.last_mut() {
            Some((g, list)) if *g == c.group => list.push(c),
            _ => groups.push((c.group.clone(), vec![c])),
        }
    }
    groups
}

/// The cards of each stage (indices into `rows`, in their order) that pass the filters.
pub fn by_stage(rows: &[impl AsRef<Row>], f: &Filters, me: UserId, office: OfficeId) -> HashMap<String, Vec<usize>> {
    let needle = f.search.trim().to_lowercase();
    let mut out: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let r = r.as_ref();
        if f.admits(r, &needle, me, office) {
            match out.get_mut(r.stage_code.as_str()) {
                Some(list) => list.push(i),
                None => {
                    out.insert(r.stage_code.clone(), vec![i]);
                }
            }
        }
    }
    out
}

/// A column's header figures: how many cards, their value, and the value weighted by each
/// card's probability.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub count: usize,
    pub sum: i64,
    pub weighted: i64,
}

pub fn totals(rows: &[impl AsRef<Row>], cards: &[usize]) -> Totals {
    let mut t = Totals { count: cards.len(), ..Totals::default() };
    for &i in cards {
        let r = rows[i].as_ref();
        let v = r.value.unwrap_or(0);
        t.sum += v;
        t.weighted += v * r.probability.unwrap_or(0) / 100;
    }
    t
}

/// What a card shows: it is re-made only when this changes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CardKey {
    pub id: uuid::Uuid,
    pub detailed: bool,
    pub title: String,
    pub company: String,
    pub value: Option<i64>,
    pub number: String,
    pub owner: UserId,
}

impl CardKey {
    pub fn of(r: &Row, detailed: bool) -> CardKey {
        CardKey {
            id: r.id,
            detailed,
            title: r.title.clone(),
            company: r.company.clone(),
            value: r.value,
            number: r.number.clone(),
            owner: r.owner,
        }
    }
}

/// A card's second line: the record's number and its company (the title is the first).
pub fn subline(r: &Row) -> String {
    [r.number.as_str(), r.company.as_str()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")
}

/// Whole days since `since_ms` on `today` (none when unknown or in the future).
pub fn days_since(since_ms: i64, today: veld_domain::Date) -> Option<i64> {
    (since_ms > 0).then(|| veld_domain::Date::from_ms(since_ms).days_until(today)).filter(|d| *d >= 0)
}

/// The cards of a column in view: `first..last` of `total`, each in a slot `slot_px` high.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CardWindow {
    pub first: usize,
    pub last: usize,
    /// The list's full height, and the padding before the first card rendered.
    pub height_px: f64,
    pub padding_px: f64,
}

impl CardWindow {
    pub fn of(total: usize, scroll_top: f64, viewport: f64, slot_px: f64) -> CardWindow {
        let first = ((scroll_top.max(0.0) / slot_px) as usize).saturating_sub(OVERSCAN).min(total);
        let count = (viewport.max(0.0) / slot_px).ceil() as usize + 2 * OVERSCAN;
        CardWindow {
            first,
            last: (first + count).min(total),
            height_px: total as f64 * slot_px,
            padding_px: first as f64 * slot_px,
        }
    }
}

/// What `next_activities` reads of an activity's values: whether it is done, its due day as
/// stored, and its subject.
pub fn activity_facts(values: &serde_json::Map<String, serde_json::Value>) -> (bool, Option<String>, String) {
    use veld_domain::records::text;
    use veld_domain::schema::names;
    (
        values.get(names::DONE).and_then(serde_json::Value::as_bool) == Some(true),
        text(values, names::DUE_DATE).map(str::to_owned),
        text(values, names::SUBJECT).unwrap_or_default().to_owned(),
    )
}

/// The next open activity of each record: the earliest due first, an undated one after every
/// dated one. `activities` gives (record, done, due date, subject).
pub fn next_activities<'a>(
    activities: impl IntoIterator<Item = (uuid::Uuid, bool, Option<&'a str>, &'a str)>,
) -> HashMap<uuid::Uuid, (Option<veld_domain::Date>, String)> {
    let mut next: HashMap<uuid::Uuid, (Option<veld_domain::Date>, String)> = HashMap::new();
    let key = |d: &Option<veld_domain::Date>| (d.is_none(), *d);
    for (parent, done, due, subject) in activities {
        if done {
            continue;
        }
        let due = due.and_then(veld_domain::Date::parse);
        let entry = next.entry(parent).or_insert((due, subject.to_owned()));
        if key(&due) < key(&entry.0) {
            *entry = (due, subject.to_owned());
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use veld_domain::RecordKind;
    use veld_domain::config::default_stages;

    fn card(stage: &str, owner: UserId, office: OfficeId, value: i64, probability: i64) -> Row {
        Row {
            id: uuid::Uuid::now_v7(),
            title: format!("{stage} deal"),
            stage_code: stage.into(),
            owner,
            office,
            value: Some(value),
            probability: Some(probability),
            source_code: "website".into(),
            haystack: format!("{stage} deal"),
            ..Default::default()
        }
    }

    #[test]
    fn columns_are_the_active_stages_in_order_grouped_by_stage_group() {
        let stages = Stages::of(RecordKind::Opportunity, default_stages());
        let cols = columns(&stages, "nl");
        let codes: Vec<&str> = cols.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["qualification", "needs_analysis", "proposal", "negotiation", "won", "lost"]);
        assert_eq!(cols[0].name, "Kwalificatie");
        let groups = grouped(cols);
        let names: Vec<(&str, usize)> = groups.iter().map(|(g, l)| (g.as_str(), l.len())).collect();
        assert_eq!(names, [("early", 2), ("closing", 2), ("closed", 2)]);
    }

    #[test]
    fn cards_fall_in_their_stage_after_scope_search_owner_and_source() {
        let (me, colleague, office) = (UserId::new(), UserId::new(), OfficeId::new());
        let rows = vec![
            card("proposal", me, office, 100, 50),
            card("proposal", colleague, office, 10, 10),
            card("won", me, office, 1, 100),
        ];
        let all = by_stage(&rows, &Filters::default(), me, office);
        assert_eq!((all["proposal"].as_slice(), all["won"].as_slice()), (&[0, 1][..], &[2][..]));
        let mine = by_stage(&rows, &Filters { scope: Tab::Mine, ..Filters::default() }, me, office);
        assert_eq!(mine["proposal"], [0]);
        let found = by_stage(&rows, &Filters { search: " WON ".into(), ..Filters::default() }, me, office);
        assert!(!found.contains_key("proposal") && found["won"] == [2]);
        let theirs = by_stage(&rows, &Filters { owner: colleague.to_string(), ..Filters::default() }, me, office);
        assert_eq!(theirs.values().flatten().count(), 1);
        let fair = by_stage(&rows, &Filters { source: "trade_fair".into(), ..Filters::default() }, me, office);
        assert!(fair.is_empty());
    }

    #[test]
    fn a_columns_totals_weigh_each_value_by_its_probability() {
        let (u, o) = (UserId::new(), OfficeId::new());
        let rows =
            vec![card("p", u, o, 10_000, 50), card("p", u, o, 3_000, 10), Row { value: None, ..card("p", u, o, 0, 0) }];
        assert_eq!(totals(&rows, &[0, 1, 2]), Totals { count: 3, sum: 13_000, weighted: 5_300 });
        assert_eq!(totals(&rows, &[]), Totals::default());
    }

    #[test]
    fn a_card_names_the_deal_by_title_then_number_and_company_and_counts_days_in_stage() {
        let mut r = Row { title: "Two vans".into(), ..Default::default() };
        assert_eq!(subline(&r), "");
        r.company = "Garage Smit".into();
        assert_eq!(subline(&r), "Garage Smit");
        r.number = "O20001".into();
        assert_eq!(subline(&r), "O20001 · Garage Smit");
        let today = veld_domain::Date::parse("2026-11-30").unwrap();
        let at = |d: &str| veld_domain::Date::parse(d).unwrap().start_ms() + 5 * 3_600_000;
        assert_eq!(days_since(at("2026-11-18"), today), Some(12));
        assert_eq!(days_since(at("2026-11-30"), today), Some(0));
        assert_eq!(days_since(0, today), None, "unknown");
        assert_eq!(days_since(at("2026-12-02"), today), None, "a clock ahead of ours");
        let key = CardKey::of(&r, false);
        r.value = Some(5);
        assert_ne!(CardKey::of(&r, false), key, "a new value re-makes the card");
    }

    #[test]
    fn a_column_renders_the_cards_in_view_in_slots() {
        let w = CardWindow::of(100, 0.0, 640.0, 64.0);
        assert_eq!((w.first, w.last, w.height_px, w.padding_px), (0, 18, 6_400.0, 0.0));
        let w = CardWindow::of(100, 64.0 * 50.0, 640.0, 64.0);
        assert_eq!((w.first, w.padding_px), (46, 46.0 * 64.0));
        let w = CardWindow::of(3, 10_000.0, 640.0, DETAILED_PX);
        assert_eq!((w.first, w.last), (3, 3), "scrolled past a column that shrank: nothing, no panic");
    }

    #[test]
    fn the_next_activity_is_the_earliest_open_one_and_undated_ones_come_last() {
        let (a, b) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let next = next_activities([
            (a, false, None, "Someday"),
            (a, false, Some("2027-02-01"), "Later"),
            (a, false, Some("2027-01-10"), "Soon"),
            (a, true, Some("2026-01-01"), "Done long ago"),
            (b, false, None, "Only undated"),
        ]);
        assert_eq!(next[&a].1, "Soon");
        assert_eq!(next[&b], (None, "Only undated".to_owned()));
    }
}
