use super::*;
use crate::state::Config;
use serde_json::{Value, json};
use std::cmp::Ordering;
use std::collections::BTreeSet;
use veld_domain::config::{Stages, Tables, default_stages, default_tables};
use veld_domain::sync::{ClientId, FieldState, Hlc};

fn row(title: &str, owner: UserId, office: OfficeId) -> Row {
    Row {
        id: uuid::Uuid::now_v7(),
        title: title.into(),
        stage_group: "open".into(),
        owner,
        office,
        haystack: title.to_lowercase(),
        ..Default::default()
    }
}

fn config() -> Config {
    Config {
        lead_stages: Stages::of(RecordKind::Lead, default_stages()),
        opportunity_stages: Stages::of(RecordKind::Opportunity, default_stages()),
        tables: Tables(default_tables()),
    }
}

fn record(kind: RecordKind, version: u64, values: Value) -> RecordState {
    let hlc = Hlc { wall_ms: 1, counter: 0, client: ClientId(uuid::Uuid::nil()) };
    RecordState {
        id: uuid::Uuid::now_v7(),
        kind,
        owner_id: UserId::new(),
        office_id: OfficeId::new(),
        version,
        fields: values
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), FieldState { value: v.clone(), version, hlc }))
            .collect(),
    }
}

fn everyone() -> (UserId, OfficeId) {
    (UserId::new(), OfficeId::new())
}

#[test]
fn tabs_admit_the_users_own_their_offices_or_a_stage_group() {
    let (me, colleague, office, elsewhere) = (UserId::new(), UserId::new(), OfficeId::new(), OfficeId::new());
    let mine = row("Mine", me, office);
    let theirs = row("Theirs", colleague, office);
    let far = row("Far", colleague, elsewhere);
    let admitted = |tab: Tab| {
        [&mine, &theirs, &far]
            .into_iter()
            .filter(|r| tab.admits(r, me, office))
            .map(|r| r.title.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(admitted(Tab::Mine), ["Mine"]);
    assert_eq!(admitted(Tab::Office), ["Mine", "Theirs"]);
    assert_eq!(admitted(Tab::All), ["Mine", "Theirs", "Far"]);
    assert_eq!(admitted(Tab::Group("open".into())).len(), 3);
    assert!(admitted(Tab::Group("closed".into())).is_empty());
    assert_eq!(Tab::parse("group-closed"), Tab::Group("closed".into()));
    assert_eq!(Tab::parse("nonsense"), Tab::All);
}

#[test]
fn columns_sort_by_meaning_not_by_text() {
    let (u, o) = everyone();
    let mut a = row("apple", u, o);
    let mut b = row("Banana", u, o);
    assert_eq!(Col::Title.compare(&a, &b), Ordering::Less, "case does not decide");
    a.stage_index = 30;
    b.stage_index = 10;
    a.stage = "Alpha".into();
    b.stage = "Zulu".into();
    assert_eq!(Col::Stage.compare(&a, &b), Ordering::Greater, "stages sort in pipeline order");
    a.value = Some(9_000);
    b.value = Some(31_000);
    assert_eq!(Col::Value.compare(&a, &b), Ordering::Less, "amounts sort as numbers");
    a.close_date = "2026-12-01".into();
    b.close_date = "2027-01-15".into();
    assert_eq!(Col::CloseDate.compare(&a, &b), Ordering::Less);
}

#[test]
fn cells_show_amounts_percentages_and_dates_per_language() {
    let (u, o) = everyone();
    let mut r = row("Vans", u, o);
    r.value = Some(67_000);
    r.probability = Some(25);
    r.close_date = "2026-12-01".into();
    assert_eq!(Col::Value.cell(&r, Language::En), "€67,000");
    assert_eq!(Col::Value.cell(&r, Language::Nl), "€ 67.000");
    assert_eq!(Col::Probability.cell(&r, Language::En), "25 %");
    assert_eq!(Col::CloseDate.cell(&r, Language::En), "1 Dec 2026");
    assert_eq!(Col::CloseDate.cell(&r, Language::Nl), "1 dec. 2026");
    r.value = None;
    assert_eq!(Col::Value.cell(&r, Language::En), "", "no amount, no zero");
    assert!(Col::Value.numeric() && !Col::Title.numeric());
    assert!(!Col::Title.secondary() && Col::Contacts.secondary(), "phones keep title, stage and value");
}

fn admits(field: CondField, value: &str, r: &Row) -> bool {
    Condition { field, value: value.into() }.admits(r)
}

fn conditioned(stage: &str, value: Option<i64>, close: &str, company: &str) -> Row {
    Row {
        stage: stage.into(),
        stage_code: stage.into(),
        source_code: "website".into(),
        value,
        close_date: close.into(),
        company: company.into(),
        ..Default::default()
    }
}

#[test]
fn conditions_test_their_field_and_an_empty_value_admits_all() {
    let r = conditioned("qualified", Some(5_000), "2027-03-31", "Bakkerij Van Dijk");
    assert!(admits(CondField::Stage, "qualified", &r));
    assert!(!admits(CondField::Stage, "new", &r));
    assert!(admits(CondField::Stage, "", &r));
    assert!(admits(CondField::Source, "website", &r));
    assert!(admits(CondField::ValueAtLeast, "€ 5.000", &r));
    assert!(!admits(CondField::ValueAtLeast, "5001", &r));
    assert!(admits(CondField::ValueAtMost, "5000", &r));
    assert!(!admits(CondField::ValueAtMost, "10", &conditioned("new", None, "", "")), "no value is not at most 10");
    assert!(admits(CondField::CloseBefore, "2027-04-01", &r));
    assert!(!admits(CondField::CloseAfter, "2027-04-01", &r));
    assert!(!admits(CondField::CloseBefore, "2030-01-01", &conditioned("new", None, "", "")), "no date is not before");
    assert!(admits(CondField::Company, "BAKKERIJ", &r));
    assert!(!admits(CondField::Company, "kroon", &r));
}

#[test]
fn a_condition_on_an_amount_that_is_not_one_admits_all() {
    let r = conditioned("new", Some(10), "", "");
    assert!(admits(CondField::ValueAtLeast, "lots", &r), "an unreadable amount is no condition yet");
}

#[test]
fn columns_and_tabs_round_trip_through_their_codes() {
    for c in Col::ALL {
        assert_eq!(Col::parse(c.code()), Some(c));
    }
    assert_eq!(Col::parse("shoe_size"), None);
    for tab in [Tab::Mine, Tab::Office, Tab::All, Tab::Group("closing".into())] {
        assert_eq!(Tab::parse(&tab.key()), tab);
    }
    for f in CondField::ALL {
        assert!(!f.code().is_empty() && !f.label(crate::i18n::strings(Language::Nl)).is_empty());
    }
}

#[test]
fn a_row_shows_the_company_and_contact_names_and_searches_their_email_and_phone() {
    let company = record(RecordKind::Company, 2, json!({"name": "Garage Smit"}));
    let contact = record(
        RecordKind::Contact,
        2,
        json!({"first_name": "Jan", "last_name": "Smit", "email": "jan@smit.nl", "phone": "+31612345678"}),
    );
    let lead = record(
        RecordKind::Lead,
        4,
        json!({"title": "Two vans", "number": "L10042", "stage": "qualified", "source": "showroom",
               "company_id": company.id.to_string(), "expected_value": 67000, "interest": "Electric",
               "contacts": [{"id": contact.id.to_string(), "role": "main_contact"}]}),
    );
    let mut b = RowBuilder::new(config(), RecordKind::Lead, "nl");
    b.learn(&company);
    b.learn(&contact);
    let r = b.row(&lead);
    assert_eq!((r.title.as_str(), r.number.as_str(), r.company.as_str()), ("Two vans", "L10042", "Garage Smit"));
    assert_eq!(r.contacts, "Jan Smit", "names only on screen");
    assert_eq!(r.stage, "Gekwalificeerd", "the stage in the user's language");
    assert_eq!(r.source, "Showroom");
    assert_eq!(r.value, Some(67_000));
    for needle in ["jan@smit.nl", "+316123", "garage", "l10042", "electric"] {
        assert!(r.haystack.contains(needle), "{needle} is searched");
    }
}

#[test]
fn a_record_not_yet_synced_shows_a_provisional_number() {
    let b = RowBuilder::new(config(), RecordKind::Lead, "en");
    let fresh = b.row(&record(RecordKind::Lead, 0, json!({"title": "New"})));
    assert_eq!(fresh.number, "L…");
    let opp = RowBuilder::new(config(), RecordKind::Opportunity, "en");
    assert!(opp.row(&record(RecordKind::Opportunity, 0, json!({"title": "O"}))).number.ends_with('…'));
}

#[test]
fn an_unknown_stage_shows_its_code_and_sorts_last() {
    let b = RowBuilder::new(config(), RecordKind::Lead, "en");
    let odd = b.row(&record(RecordKind::Lead, 1, json!({"title": "X", "stage": "imported_stage"})));
    let known = b.row(&record(RecordKind::Lead, 1, json!({"title": "Y", "stage": "new"})));
    assert_eq!(odd.stage, "imported_stage");
    assert_eq!(Col::Stage.compare(&known, &odd), Ordering::Less);
}

#[test]
fn rows_come_newest_first() {
    let b = RowBuilder::new(config(), RecordKind::Lead, "en");
    let (old, new) =
        (record(RecordKind::Lead, 1, json!({"title": "old"})), record(RecordKind::Lead, 1, json!({"title": "new"})));
    let rows = b.rows([&old, &new]);
    assert_eq!(rows.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(), ["new", "old"]);
}

#[test]
fn a_search_is_case_blind_trimmed_and_never_spans_two_parts() {
    let b = RowBuilder::new(config(), RecordKind::Lead, "en");
    let rows = b.rows([&record(RecordKind::Lead, 1, json!({"title": "Solar Panels", "interest": "roof"}))]);
    let (me, office) = everyone();
    let find = |q: &str| {
        filter(&rows, &order(&rows, None), &Filter { tab: &Tab::All, query: q, conditions: &[], me, office }).len()
    };
    assert_eq!(find("  SOLAR "), 1);
    assert_eq!(find("roof"), 1);
    assert_eq!(find("panelsroof"), 0, "the title's end and the interest are separate");
    assert_eq!(find("panels\u{1f}"), 1);
    assert_eq!(find("wind"), 0);
}

#[test]
fn the_filter_keeps_the_sorted_order_and_needs_tab_search_and_every_condition() {
    let (me, office) = everyone();
    let mut rows =
        vec![row("Alpha vans", me, office), row("Beta vans", UserId::new(), office), row("Gamma bikes", me, office)];
    rows[0].value = Some(100);
    rows[2].value = Some(900);
    rows[1].value = Some(500);
    let sorted = order(&rows, Some((Col::Value, true)));
    assert_eq!(sorted, [2, 1, 0]);
    let all = Filter { tab: &Tab::All, query: "", conditions: &[], me, office };
    assert_eq!(filter(&rows, &sorted, &all), [2, 1, 0]);
    assert_eq!(filter(&rows, &sorted, &Filter { query: "vans", ..all }), [1, 0]);
    assert_eq!(filter(&rows, &sorted, &Filter { tab: &Tab::Mine, query: "vans", ..all }), [0]);
    let at_least = [Condition { field: CondField::ValueAtLeast, value: "400".into() }];
    assert_eq!(filter(&rows, &sorted, &Filter { conditions: &at_least, ..all }), [2, 1]);
}

#[test]
fn sorting_is_stable_and_unsorted_keeps_newest_first() {
    let (u, o) = everyone();
    let rows: Vec<Row> = ["b", "a", "b", "a"].iter().map(|t| row(t, u, o)).collect();
    assert_eq!(order(&rows, None), [0, 1, 2, 3]);
    assert_eq!(order(&rows, Some((Col::Title, false))), [1, 3, 0, 2], "equal titles keep their order");
    assert_eq!(order(&rows, Some((Col::Title, true))), [0, 2, 1, 3]);
    assert!(order(&[], Some((Col::Value, false))).is_empty());
}

#[test]
fn a_header_click_sorts_up_then_down_then_not() {
    let s = next_sort(None, Col::Value);
    assert_eq!(s, Some((Col::Value, false)));
    let s = next_sort(s, Col::Value);
    assert_eq!(s, Some((Col::Value, true)));
    assert_eq!(next_sort(s, Col::Value), None);
    assert_eq!(next_sort(s, Col::Title), Some((Col::Title, false)), "another column starts ascending");
}

#[test]
fn the_window_renders_the_visible_rows_with_overscan_and_keeps_the_scroll_height() {
    let top = Window::of(1_000, 0.0, 450.0);
    assert_eq!((top.first, top.last, top.above_px), (0, 10 + 16, 0.0));
    let mid = Window::of(1_000, 45.0 * 500.0, 450.0);
    assert_eq!(mid.first, 492);
    assert_eq!(mid.last - mid.first, 26);
    let total = mid.above_px + (mid.last - mid.first) as f64 * ROW_PX + mid.below_px;
    assert_eq!(total, 1_000.0 * ROW_PX, "spacers and rows add up to the full list");
    let end = Window::of(30, 45.0 * 1_000.0, 450.0);
    assert!(end.first <= end.last && end.last == 30 && end.below_px == 0.0, "scrolled past a list that shrank");
    assert_eq!(Window::of(0, 0.0, 450.0), Window { first: 0, last: 0, above_px: 0.0, below_px: 0.0 });
    assert_eq!(Window::of(5, -20.0, 450.0).first, 0, "an overscrolled bounce is the top");
    // A phone's taller cards: fewer in view, spacers in card heights.
    let cards = Window::of_rows(1_000, CARD_PX * 500.0, 740.0, CARD_PX);
    assert_eq!(cards.first, 500 - 8);
    assert_eq!(cards.last - cards.first, (740.0 / CARD_PX).ceil() as usize + 16);
    assert_eq!(cards.above_px + (cards.last - cards.first) as f64 * CARD_PX + cards.below_px, 1_000.0 * CARD_PX);
}

#[test]
fn hidden_columns_never_hide_the_title() {
    let all = columns(RecordKind::Lead);
    let hidden: BTreeSet<Col> = [Col::Title, Col::Source, Col::Number].into();
    let shown = shown_columns(&all, &hidden);
    assert!(shown.contains(&Col::Title) && !shown.contains(&Col::Source) && !shown.contains(&Col::Number));
    assert_eq!(shown.len(), all.len() - 2);
    assert!(columns(RecordKind::Opportunity).contains(&Col::Probability) && !all.contains(&Col::Probability));
}

#[test]
fn a_saved_view_brings_back_what_was_shown_and_forgets_unknown_columns() {
    let conditions = [Condition { field: CondField::Stage, value: "new".into() }];
    let hidden: BTreeSet<Col> = [Col::Source].into();
    let v = SavedView::of("  Hot leads ", &Tab::Mine, "vans", &conditions, Some((Col::Value, true)), &hidden);
    assert_eq!((v.name.as_str(), v.tab.as_str()), ("Hot leads", "mine"));
    let back: SavedView = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
    assert_eq!(back.sort(), Some((Col::Value, true)));
    assert_eq!(back.hidden(), hidden);
    assert_eq!(back.conditions, conditions);
    let old = SavedView { sort: Some(("shoe_size".into(), false)), hidden: vec!["gone".into()], ..back };
    assert_eq!((old.sort(), old.hidden().len()), (None, 0));
}

#[test]
fn tabs_are_the_stage_groups_then_mine_my_office_and_all_in_the_users_language() {
    let t = crate::i18n::strings(Language::Nl);
    let tabs = tabs(RecordKind::Opportunity, &config(), "nl", t);
    let keys: Vec<String> = tabs.iter().map(|(tab, _)| tab.key()).collect();
    assert_eq!(&keys[keys.len() - 3..], ["mine", "office", "all"]);
    assert!(keys.len() > 3 && keys[0].starts_with("group-"), "{keys:?}");
    assert_eq!(tabs.last().unwrap().1, t.tab.all_opportunities);
    let lead_tabs = super::tabs(RecordKind::Lead, &config(), "en", crate::i18n::strings(Language::En));
    assert_eq!(lead_tabs.last().unwrap().1, crate::i18n::strings(Language::En).tab.all_leads);
}

#[test]
fn an_export_holds_the_columns_shown_with_plain_numbers_and_the_owner() {
    let (u, o) = everyone();
    let mut r = row("Vans; 12", u, o);
    r.value = Some(67_000);
    r.probability = Some(25);
    r.close_date = "2026-12-01".into();
    r.stage = "Offerte".into();
    let t = crate::i18n::strings(Language::Nl);
    let cols = [Col::Title, Col::Stage, Col::Value, Col::Probability, Col::CloseDate];
    let file = export_csv(&cols, [&r], t, Language::Nl, |_| "Sanne de Vries".into());
    assert_eq!(
        file,
        format!(
            "\u{feff}{};{};{};{};{};{}\r\n\"Vans; 12\";Offerte;67000;25;2026-12-01;Sanne de Vries\r\n",
            t.col.title, t.col.stage, t.col.value, t.col.probability, t.col.close_date, t.col.owner
        )
    );
    let en = export_csv(&[Col::Title], [&r], crate::i18n::strings(Language::En), Language::En, |_| String::new());
    assert_eq!(en, "\u{feff}Title,Owner\r\nVans; 12,\r\n");
}

#[test]
fn a_company_row_shows_its_status_type_and_city_and_is_found_by_its_numbers() {
    let company = record(
        RecordKind::Company,
        2,
        json!({"name": "Garage Smit", "status": "client", "type": "supplier", "city": "Utrecht",
               "industry": "Automotive", "vat_number": "NL123456789B01", "customer_number": "C-77"}),
    );
    let r = RowBuilder::new(config(), RecordKind::Company, "nl").row(&company);
    assert_eq!((r.title.as_str(), r.stage.as_str(), r.stage_code.as_str()), ("Garage Smit", "Klant", "client"));
    assert_eq!((r.type_label.as_str(), r.city.as_str(), r.detail.as_str()), ("Leverancier", "Utrecht", "Automotive"));
    assert_eq!(r.stage_group, "client", "its status tab");
    for needle in ["garage smit", "utrecht", "nl123456789b01", "c-77", "automotive"] {
        assert!(r.haystack.contains(needle), "{needle} is searched");
    }
    let t = crate::i18n::strings(Language::En);
    let shown: Vec<String> = columns(RecordKind::Company).iter().map(|c| c.cell(&r, Language::Nl)).collect();
    assert_eq!(shown, ["Garage Smit", "Klant", "Leverancier", "Utrecht", "Automotive", "", ""]);
    assert_eq!(Col::Status.label(t), "Status");
    // The lifecycle sorts in its order, not by label; an unknown status last.
    let row_of = |status: &str| {
        RowBuilder::new(config(), RecordKind::Company, "en").row(&record(
            RecordKind::Company,
            1,
            json!({"name": "X", "status": status}),
        ))
    };
    let (suspect, former, odd) = (row_of("suspect"), row_of("former"), row_of("odd"));
    assert_eq!(Col::Status.compare(&suspect, &former), Ordering::Less);
    assert_eq!(Col::Status.compare(&former, &odd), Ordering::Less);
    assert_eq!(odd.stage, "odd", "an unknown code shows as it is");
}

#[test]
fn a_contact_row_is_found_by_its_whole_name_company_email_and_phone() {
    let company = record(RecordKind::Company, 2, json!({"name": "Garage Smit"}));
    let contact = record(
        RecordKind::Contact,
        2,
        json!({"first_name": "Jan", "last_name": "de Vries", "email": "jan@smit.nl", "phone": "+31 6 1234",
               "function": "Buyer", "company_id": company.id.to_string()}),
    );
    let mut b = RowBuilder::new(config(), RecordKind::Contact, "en");
    b.learn(&company);
    let r = b.row(&contact);
    assert_eq!((r.title.as_str(), r.company.as_str(), r.detail.as_str()), ("Jan de Vries", "Garage Smit", "Buyer"));
    for needle in ["jan de vries", "garage smit", "jan@smit.nl", "+31 6 1234", "buyer"] {
        assert!(r.haystack.contains(needle), "{needle} is searched");
    }
    let only_last = RowBuilder::new(config(), RecordKind::Contact, "en").row(&record(
        RecordKind::Contact,
        1,
        json!({"last_name": "Bakker"}),
    ));
    assert_eq!(only_last.title, "Bakker", "no stray space");
}

#[test]
fn companies_have_a_tab_per_status_and_conditions_on_status_type_and_city() {
    let t = crate::i18n::strings(Language::Nl);
    let tabs = tabs(RecordKind::Company, &config(), "nl", t);
    let labels: Vec<&str> = tabs.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Suspect",
            "Prospect",
            "Klant",
            "Oud-klant",
            "Mijn bedrijven",
            "Bedrijven van mijn vestiging",
            "Alle bedrijven"
        ]
    );
    let contact_tabs = super::tabs(RecordKind::Contact, &config(), "en", crate::i18n::strings(Language::En));
    assert_eq!(contact_tabs.iter().map(|(t, _)| t.key()).collect::<Vec<_>>(), ["mine", "office", "all"]);

    assert_eq!(
        CondField::of(RecordKind::Company),
        [CondField::Status, CondField::Type, CondField::City, CondField::Criterion]
    );
    assert!(!CondField::of(RecordKind::Lead).contains(&CondField::Status), "a lead has stages");
    let mut r = row("Garage Smit", UserId::new(), OfficeId::new());
    (r.stage_code, r.type_code, r.city) = ("client".into(), "supplier".into(), "Utrecht".into());
    assert!(admits(CondField::Status, "client", &r) && !admits(CondField::Status, "former", &r));
    assert!(admits(CondField::Type, "supplier", &r) && !admits(CondField::Type, "partner", &r));
    assert!(admits(CondField::City, "utr", &r) && !admits(CondField::City, "Delft", &r));
    let hidden = BTreeSet::from([Col::Name, Col::City]);
    assert_eq!(shown_columns(&columns(RecordKind::Company), &hidden)[0], Col::Name, "the name always stays");
    assert!(!shown_columns(&columns(RecordKind::Company), &hidden).contains(&Col::City));
}

#[test]
fn a_contacts_criteria_are_shown_searched_and_tested_by_option() {
    let mut config = config();
    config.tables.0.push(veld_domain::config::TableEntry {
        list: RecordKind::Contact,
        table: Table::Criterion,
        code: "segment".into(),
        label: veld_domain::config::Label::new("Segment", "Segment", "Segment"),
        active: true,
        order: 1,
        fixed: false,
        colour: String::new(),
        multiple: true,
        options: [("fleet", "Fleet"), ("sme", "Small business")]
            .map(|(code, en)| veld_domain::criteria::CriterionOption {
                code: code.into(),
                label: veld_domain::config::Label::new(en, "", ""),
            })
            .to_vec(),
    });
    let contact = record(
        RecordKind::Contact,
        1,
        json!({"last_name": "Bakker", "criterion:segment": ["fleet", "sme"], "criterion:gone": ["old"]}),
    );
    let r = RowBuilder::new(config, RecordKind::Contact, "en").row(&contact);
    assert_eq!(r.criteria_label, "Fleet, Small business, old", "labels; an unknown criterion's code as it is");
    assert!(r.haystack.contains("small business"));
    assert!(admits(CondField::Criterion, "segment=sme", &r));
    assert!(!admits(CondField::Criterion, "segment=private", &r));
    assert!(!admits(CondField::Criterion, "other=sme", &r));
    assert_eq!(Col::Criteria.cell(&r, Language::En), "Fleet, Small business, old");
    assert!(CondField::of(RecordKind::Contact).contains(&CondField::Criterion));
}
