use crate::helpers::{TestApp, expect_error};
use crate::on_both_databases;
use serde_json::Value;
use veld_domain::{Action, Actor, OfficeId, Ownership, RecordKind, UserId};

on_both_databases!(each_user_receives_exactly_the_records_their_scope_allows);
on_both_databases!(a_table_added_by_a_new_version_reaches_an_existing_database);

/// For every demo user and record kind: the server returns every record the shared `domain`
/// rule allows, and none that it does not (SPEC OF-4).
async fn each_user_receives_exactly_the_records_their_scope_allows(app: &TestApp) {
    let admin = app.client_for("admin@veld.test").await;
    let mut everything = Vec::new();
    for kind in [RecordKind::Company, RecordKind::Contact, RecordKind::Lead, RecordKind::Opportunity] {
        let rows: Vec<Value> =
            admin.get(app.url(&format!("/api/records/{}", kind.as_str()))).send().await.unwrap().json().await.unwrap();
        assert!(!rows.is_empty(), "demo data has {kind:?}s");
        everything.push((kind, rows));
    }
    let mut restricted = 0;
    for (email, ..) in veld_server::demo::DEMO_USERS {
        let client = app.client_for(email).await;
        let me: Value = client.get(app.url("/api/me")).send().await.unwrap().json().await.unwrap();
        let actor = Actor {
            user: me["user"]["id"].as_str().unwrap().parse().unwrap(),
            office: me["office"]["id"].as_str().unwrap().parse().unwrap(),
            permissions: serde_json::from_value(me["permissions"].clone()).unwrap(),
        };
        for (kind, all) in &everything {
            let res = client.get(app.url(&format!("/api/records/{}", kind.as_str()))).send().await.unwrap();
            if !actor.permissions.can_at_all(*kind, Action::View) {
                expect_error(res, 403, "forbidden").await;
                continue;
            }
            let got: Vec<Value> = res.json().await.unwrap();
            let mut got_ids: Vec<&str> = got.iter().map(|r| r["id"].as_str().unwrap()).collect();
            let mut want_ids: Vec<&str> = all
                .iter()
                .filter(|r| {
                    let owner: UserId = r["owner_id"].as_str().unwrap().parse().unwrap();
                    let office: OfficeId = r["office_id"].as_str().unwrap().parse().unwrap();
                    actor.may(Action::View, *kind, Ownership { owner, office })
                })
                .map(|r| r["id"].as_str().unwrap())
                .collect();
            got_ids.sort();
            want_ids.sort();
            assert_eq!(got_ids, want_ids, "{email} {kind:?}");
            if got_ids.len() < all.len() {
                restricted += 1;
            }
        }
    }
    assert!(restricted > 0, "the demo roles restrict someone somewhere, or this test proves nothing");
    expect_error(admin.get(app.url("/api/records/spaceship")).send().await.unwrap(), 404, "not_found").await;
    expect_error(app.client().get(app.url("/api/records/lead")).send().await.unwrap(), 401, "unauthenticated").await;
}

/// A database made before the companies had tables (statuses, types) gets their defaults at
/// the next start; one that has them, or whose administrator deleted them, is left alone.
async fn a_table_added_by_a_new_version_reaches_an_existing_database(app: &TestApp) {
    let company_entries = "kind = 'table_entry' AND data LIKE '%\"list\":\"company\"%'";
    let count = || async {
        sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM records WHERE {company_entries}"))
            .fetch_one(app.db.pool())
            .await
            .unwrap()
    };
    let (before, all) =
        (count().await, sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM records").fetch_one(app.db.pool()));
    assert_eq!(before, 8, "four statuses and four types");
    let all = all.await.unwrap();
    assert_eq!(app.db.ensure_default_config().await.unwrap(), 0, "a complete configuration is left alone");

    // As a database from before the companies' tables: none of them. Two instances start on
    // it at once (a rolling deploy): the tables come once.
    sqlx::query(&format!("DELETE FROM records WHERE {company_entries}")).execute(app.db.pool()).await.unwrap();
    let other = app.another_db().await;
    let (a, b) = tokio::join!(app.db.ensure_default_config(), other.ensure_default_config());
    assert_eq!(a.unwrap() + b.unwrap(), 8, "one of them loads the eight entries, the other finds them");
    assert_eq!(count().await, 8);
    let now: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM records").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(now, all, "nothing else was added: the stages and the other tables were there");

    // An administrator's removal stands: deleted entries still count as the list's own table.
    sqlx::query(&format!("UPDATE records SET deleted_at = 1 WHERE {company_entries}"))
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(app.db.ensure_default_config().await.unwrap(), 0);
}

on_both_databases!(criteria_take_their_own_options_and_two_devices_keep_both_choices);

/// A contact's criteria (an administrator's pick-lists): only their options, one where one is
/// allowed; two devices choosing in two criteria of one contact at once both keep theirs.
async fn criteria_take_their_own_options_and_two_devices_keep_both_choices(app: &TestApp) {
    use crate::sync::{Device, fields_of, outcomes};
    use serde_json::json;
    use veld_domain::sync::Op;
    let now = veld_server::db::now_ms();
    let mut admin = Device::new(app, "admin@veld.test").await;
    let criterion = |code: &str, multiple: bool| {
        json!({"list": "contact", "table": "criterion", "code": code, "label": {"en": code}, "active": true,
               "order": 1, "multiple": multiple,
               "options": [{"code": "fleet", "label": {"en": "Fleet"}}, {"code": "sme", "label": {"en": "SME"}}]})
    };
    let (segment, interests) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    // A criterion made and used in one push (an administrator's device, offline a while).
    let contact = uuid::Uuid::now_v7();
    let made = [
        admin.mutation_of(RecordKind::TableEntry, Op::Create, segment, criterion("segment", false), &[], now),
        admin.mutation_of(RecordKind::TableEntry, Op::Create, interests, criterion("interests", true), &[], now),
        admin.mutation_of(
            RecordKind::Contact,
            Op::Create,
            contact,
            json!({"last_name": "Bakker", "email": "bakker@example.com", "criterion:segment": ["fleet"]}),
            &[],
            now,
        ),
    ];
    assert_eq!(outcomes(&admin.push_ok(app, &made).await), ["applied", "applied", "applied"]);
    for bad in [
        json!({"criterion:segment": ["boats"]}),
        json!({"criterion:segment": ["fleet", "sme"]}),
        json!({"criterion:colour": ["red"]}),
        json!({"criterion:interests": "fleet"}),
    ] {
        let change = admin.mutation_of(RecordKind::Contact, Op::Update, contact, bad.clone(), &[], now + 1);
        let body = admin.push_ok(app, &[change]).await;
        assert_eq!(outcomes(&body), ["rejected"], "{bad}");
        assert_eq!(body["results"][0]["code"], "invalid", "{bad}: {body}");
    }

    // Two devices, each offline, each choosing in another criterion: both choices stay.
    let mut phone = Device::new(app, "admin@veld.test").await;
    let mut laptop = Device::new(app, "admin@veld.test").await;
    let a = phone.mutation_of(
        RecordKind::Contact,
        Op::Update,
        contact,
        json!({"criterion:segment": ["sme"]}),
        &[],
        now + 2,
    );
    let b = laptop.mutation_of(
        RecordKind::Contact,
        Op::Update,
        contact,
        json!({"criterion:interests": ["fleet", "sme"]}),
        &[],
        now + 3,
    );
    assert_eq!(outcomes(&laptop.push_ok(app, &[b]).await), ["applied"]);
    assert_eq!(outcomes(&phone.push_ok(app, &[a]).await), ["applied"]);
    let fields = fields_of(app, &admin, contact).await.unwrap();
    assert_eq!(fields["criterion:segment"], json!(["sme"]));
    assert_eq!(fields["criterion:interests"], json!(["fleet", "sme"]));
}
