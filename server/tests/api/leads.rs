//! Leads and opportunities against a real server (SPEC CF-1, CF-2, DM-2, DM-3, DM-5, LO-5):
//! configuration delivered to every user, the records' rules enforced on pushes from any client,
//! and every applied change kept in the record's history.

use crate::helpers::TestApp;
use crate::on_both_databases;
use crate::sync::{Device, fields_of, outcomes};
use serde_json::{Value, json};
use uuid::Uuid;
use veld_domain::RecordKind;
use veld_domain::config::{StageDef, TableEntry};
use veld_domain::sync::{Change, Op};

on_both_databases!(
    every_user_receives_the_configuration_and_only_administrators_change_it,
    pushed_changes_that_break_a_rule_are_refused_with_the_reason,
    a_lead_converts_once_even_from_two_offline_devices,
    every_applied_change_is_in_the_history_with_who_and_old_and_new,
    new_leads_and_opportunities_get_numbers_from_the_server,
);

fn now_ms() -> i64 {
    veld_server::db::now_ms()
}

fn reasons(body: &Value) -> Vec<String> {
    body["results"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap_or("").to_owned()).collect()
}

async fn every_user_receives_the_configuration_and_only_administrators_change_it(app: &TestApp) {
    for email in ["admin@veld.test", "lotte@veld.test", "mark@veld.test"] {
        let d = Device::new(app, email).await;
        let pull = d.pull(app, 0).await;
        let mut stages = Vec::new();
        let mut entries = Vec::new();
        for c in &pull.changes {
            if let Change::Upsert { record } = c {
                match record.kind {
                    RecordKind::Stage => stages.push(StageDef::from_values(&record.values()).expect("a stage")),
                    RecordKind::TableEntry => {
                        entries.push(TableEntry::from_values(&record.values()).expect("an entry"))
                    }
                    _ => {}
                }
            }
        }
        assert_eq!(stages.len(), 11, "{email}: 5 lead stages and 6 opportunity stages");
        assert!(stages.iter().any(|s| s.code == "converted" && s.default_end && s.name.get("ro") == "Convertit"));
        assert!(entries.iter().any(|e| e.code == "main_contact" && e.fixed), "{email}");
        assert!(entries.iter().any(|e| e.code == "trade_fair"), "{email}");
    }
    // A sales manager may not change a stage; the administrator may.
    let admin = Device::new(app, "admin@veld.test").await;
    let stage = admin
        .pull(app, 0)
        .await
        .changes
        .into_iter()
        .find_map(|c| match c {
            Change::Upsert { record } if record.kind == RecordKind::Stage => Some(record),
            _ => None,
        })
        .unwrap();
    let mut manager = Device::new(app, "sanne@veld.test").await;
    let edit =
        manager.mutation_of(RecordKind::Stage, Op::Update, stage.id, json!({"colour": "#000000"}), &[], now_ms());
    assert_eq!(outcomes(&manager.push_ok(app, &[edit]).await), ["rejected"]);
    let mut admin = admin;
    let edit = admin.mutation_of(RecordKind::Stage, Op::Update, stage.id, json!({"colour": "#123456"}), &[], now_ms());
    assert_eq!(outcomes(&admin.push_ok(app, &[edit]).await), ["applied"]);
    // A broken stage is refused even from an administrator.
    let bad = admin.mutation_of(RecordKind::Stage, Op::Update, stage.id, json!({"code": ""}), &[], now_ms());
    let body = admin.push_ok(app, &[bad]).await;
    assert_eq!(outcomes(&body), ["rejected"]);
    assert_eq!(body["results"][0]["code"], "invalid");
}

async fn pushed_changes_that_break_a_rule_are_refused_with_the_reason(app: &TestApp) {
    let mut d = Device::new(app, "sanne@veld.test").await;
    let t = now_ms();
    // A contact needs an e-mail address or a phone number; both are checked.
    let (c1, c2, c3) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let no_way = d.mutation_of(RecordKind::Contact, Op::Create, c1, json!({"last_name": "Smit"}), &[], t);
    let bad_mail =
        d.mutation_of(RecordKind::Contact, Op::Create, c2, json!({"last_name": "Smit", "email": "smit@"}), &[], t);
    let good = d.mutation_of(
        RecordKind::Contact,
        Op::Create,
        c3,
        json!({"last_name": "Smit", "email": "eva@smit.example", "phone": "+31612345678"}),
        &[],
        t,
    );
    let blocked = d.mutation_of(
        RecordKind::Contact,
        Op::Create,
        Uuid::now_v7(),
        json!({"last_name": "Bo", "phone": "+31612345679", "blocked": true, "blocked_reason": "GDPR request"}),
        &[],
        t,
    );
    let blocked_id = blocked.record_id;
    let body = d.push_ok(app, &[no_way, bad_mail, good, blocked]).await;
    assert_eq!(outcomes(&body), ["rejected", "rejected", "applied", "applied"]);
    assert!(reasons(&body)[0].contains("e-mail address or a phone number"), "{body}");
    assert!(reasons(&body)[1].contains("e-mail"), "{body}");

    // A lead: title required, stage transitions as configured, blocked contacts refused.
    let lead = Uuid::now_v7();
    let untitled = d.mutation_of(RecordKind::Lead, Op::Create, lead, json!({"stage": "new"}), &[], t);
    let create = d.mutation_of(
        RecordKind::Lead,
        Op::Create,
        lead,
        json!({"title": "Vans", "stage": "new", "contacts": [{"id": c3, "role": "main_contact"}]}),
        &[],
        t,
    );
    let jump = d.mutation_of(RecordKind::Lead, Op::Update, lead, json!({"stage": "converted"}), &[], t + 1);
    let step = d.mutation_of(RecordKind::Lead, Op::Update, lead, json!({"stage": "contacted"}), &[], t + 2);
    let link_blocked = d.mutation_of(
        RecordKind::Lead,
        Op::Update,
        lead,
        json!({"contacts": [{"id": c3, "role": "main_contact"}, {"id": blocked_id, "role": "user"}]}),
        &[],
        t + 3,
    );
    let change_fixed = d.mutation_of(
        RecordKind::Lead,
        Op::Update,
        lead,
        json!({"contacts": [{"id": c3, "role": "user"}]}),
        &[],
        t + 4,
    );
    let body = d.push_ok(app, &[untitled, create, jump, step, link_blocked, change_fixed]).await;
    assert_eq!(outcomes(&body), ["rejected", "applied", "rejected", "applied", "rejected", "rejected"], "{body}");
    let why = reasons(&body);
    assert!(why[0].contains("title"), "{why:?}");
    assert!(why[2].contains("cannot move to `converted`"), "{why:?}");
    assert!(why[4].contains("blocked") && why[4].contains("GDPR request"), "{why:?}");
    assert!(why[5].contains("fixed"), "{why:?}");
    let stored = fields_of(app, &d, lead).await.unwrap();
    assert_eq!(stored["stage"], "contacted", "refused changes left nothing behind");
    assert_eq!(stored["contacts"], json!([{"id": c3, "role": "main_contact"}]));

    // A job order belongs to one lead: linking it to a second is refused, saying where it is.
    let (job, other_lead) = (Uuid::now_v7(), Uuid::now_v7());
    let other = d.mutation_of(RecordKind::Lead, Op::Create, other_lead, json!({"title": "Other"}), &[], t + 5);
    let job_create =
        d.mutation_of(RecordKind::JobOrder, Op::Create, job, json!({"title": "Driver", "lead_id": lead}), &[], t + 6);
    let relink = d.mutation_of(RecordKind::JobOrder, Op::Update, job, json!({"lead_id": other_lead}), &[], t + 7);
    let body = d.push_ok(app, &[other, job_create, relink]).await;
    assert_eq!(outcomes(&body), ["applied", "applied", "rejected"]);
    assert!(reasons(&body)[2].contains(&lead.to_string()), "{body}");
    // The refusal also comes with the next pull (the answer could have been lost).
    assert!(d.pull(app, 0).await.last_applied >= 13);

    // Converted is reached by conversion only: from Qualified, choosing it by hand is refused.
    let qualify = d.mutation_of(RecordKind::Lead, Op::Update, lead, json!({"stage": "qualified"}), &[], t + 8);
    let by_hand = d.mutation_of(RecordKind::Lead, Op::Update, lead, json!({"stage": "converted"}), &[], t + 9);
    let body = d.push_ok(app, &[qualify, by_hand]).await;
    assert_eq!(outcomes(&body), ["applied", "rejected"], "{body}");
    assert!(reasons(&body)[1].contains("+ Opportunity"), "{body}");
    // The rule and field come along, for the app to say it in the user's language.
    assert_eq!(body["results"][1]["invalid"]["code"], "convert_by_hand", "{body}");
    assert_eq!(body["results"][1]["invalid"]["field"], "stage", "{body}");
    assert_eq!(fields_of(app, &d, lead).await.unwrap()["stage"], "qualified");
}

async fn a_lead_converts_once_even_from_two_offline_devices(app: &TestApp) {
    let mut a = Device::new(app, "sanne@veld.test").await;
    let mut b = Device::new(app, "admin@veld.test").await;
    let t = now_ms();
    let lead = Uuid::now_v7();
    let create = a.mutation_of(RecordKind::Lead, Op::Create, lead, json!({"title": "Fleet", "stage": "new"}), &[], t);
    a.push_ok(app, &[create]).await;
    // Both devices convert while offline: each makes an opportunity and closes the lead.
    let convert = |d: &mut Device, at: i64| {
        let opp = Uuid::now_v7();
        let o = d.mutation_of(
            RecordKind::Opportunity,
            Op::Create,
            opp,
            json!({"title": "Fleet", "stage": "qualification", "lead_id": lead}),
            &[],
            at,
        );
        let l = d.mutation_of(
            RecordKind::Lead,
            Op::Update,
            lead,
            json!({"opportunity_id": opp, "stage": "converted"}),
            &[],
            at,
        );
        (opp, vec![o, l])
    };
    let (first, batch_a) = convert(&mut a, t + 10);
    let (_, batch_b) = convert(&mut b, t + 20);
    assert_eq!(outcomes(&a.push_ok(app, &batch_a).await), ["applied", "applied"], "conversion from `new` is allowed");
    let body = b.push_ok(app, &batch_b).await;
    assert_eq!(outcomes(&body), ["rejected", "rejected"]);
    assert!(reasons(&body)[0].contains(&first.to_string()), "names the existing opportunity: {body}");
    let stored = fields_of(app, &a, lead).await.unwrap();
    assert_eq!(stored["opportunity_id"], first.to_string());
    assert_eq!(stored["stage"], "converted");
}

async fn every_applied_change_is_in_the_history_with_who_and_old_and_new(app: &TestApp) {
    let mut d = Device::new(app, "sanne@veld.test").await;
    let t = now_ms();
    let lead = Uuid::now_v7();
    let create = d.mutation_of(RecordKind::Lead, Op::Create, lead, json!({"title": "Fleet", "stage": "new"}), &[], t);
    let edit =
        d.mutation_of(RecordKind::Lead, Op::Update, lead, json!({"title": "Fleet of 12", "stage": "new"}), &[], t + 1);
    let refused = d.mutation_of(RecordKind::Lead, Op::Update, lead, json!({"stage": "won"}), &[], t + 2);
    d.push_ok(app, &[create, edit, refused]).await;
    let history: Vec<Value> =
        d.client.get(app.url(&format!("/api/records/lead/{lead}/history"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(history.len(), 2, "create and one edit; the refused change left no entry: {history:?}");
    assert_eq!(history[0]["op"], "update");
    assert_eq!(history[0]["by"], "Sanne de Vries");
    // Only what changed: the stage was sent again unchanged.
    assert_eq!(history[0]["changes"], json!([{"field": "title", "old": "Fleet", "new": "Fleet of 12"}]));
    assert_eq!(history[1]["op"], "create");
    assert!(history[1]["changes"].as_array().unwrap().iter().any(|c| c["field"] == "stage" && c["new"] == "new"));
    // Outside the user's scope the record does not exist.
    let lotte = app.client_for("lotte@veld.test").await;
    let res = lotte.get(app.url(&format!("/api/records/lead/{lead}/history"))).send().await.unwrap();
    assert_eq!(res.status(), 404);
}

async fn new_leads_and_opportunities_get_numbers_from_the_server(app: &TestApp) {
    let mut a = Device::new(app, "sanne@veld.test").await;
    let mut b = Device::new(app, "admin@veld.test").await;
    let t = now_ms();
    let (l1, l2, l3, o1) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let lead =
        |d: &mut Device, id, at| d.mutation_of(RecordKind::Lead, Op::Create, id, json!({"title": "Vans"}), &[], at);
    // Two devices create leads while apart; each gets its own number, in the order they arrive.
    let (first, second) = (lead(&mut a, l1, t), lead(&mut a, l2, t + 1));
    a.push_ok(app, &[first, second]).await;
    let third = lead(&mut b, l3, t);
    let opp = b.mutation_of(RecordKind::Opportunity, Op::Create, o1, json!({"title": "Vans"}), &[], t + 1);
    b.push_ok(app, &[third, opp]).await;
    let mut numbers = Vec::new();
    for id in [l1, l2, l3] {
        numbers.push(fields_of(app, &a, id).await.unwrap()["number"].as_str().unwrap().to_owned());
    }
    let n: Vec<i64> = numbers.iter().map(|s| s.strip_prefix('L').unwrap().parse().unwrap()).collect();
    assert!(n[0] >= 10_001 && n[1] == n[0] + 1 && n[2] == n[1] + 1, "{numbers:?}");
    let o = fields_of(app, &b, o1).await.unwrap()["number"].as_str().unwrap().to_owned();
    assert!(o.starts_with('O') && o[1..].parse::<i64>().unwrap() >= 20_001, "{o}");
    // An edit keeps the number.
    let rename = a.mutation_of(RecordKind::Lead, Op::Update, l1, json!({"title": "Vans (2)"}), &[], t + 2);
    a.push_ok(app, &[rename]).await;
    assert_eq!(fields_of(app, &a, l1).await.unwrap()["number"], numbers[0].as_str());
}
