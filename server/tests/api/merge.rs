//! Merging duplicates against a real server (issue 14): every link moves to the survivor, the
//! merged record redirects — an offline device's later edit of it, and a later link to it, land
//! on the survivor — the merge is in the history, and a record the user may not see cannot be
//! merged nor told apart from none.

use crate::helpers::{TestApp, expect_error};
use crate::on_both_databases;
use crate::sync::{Device, fields_of, outcomes};
use serde_json::{Value, json};
use uuid::Uuid;
use veld_domain::RecordKind;
use veld_domain::sync::{Change, Op};

on_both_databases!(
    merging_two_contacts_moves_every_link_and_an_offline_edit_lands_on_the_survivor,
    merging_leads_moves_their_conversion_and_job_orders,
    a_merge_is_refused_plainly_and_leaves_nothing_behind,
);

fn now_ms() -> i64 {
    veld_server::db::now_ms()
}

/// The version of each field of a record, as the user's pull sees it (an edit's base).
async fn versions_of(app: &TestApp, d: &Device, id: Uuid) -> Vec<(String, u64)> {
    d.pull(app, 0)
        .await
        .changes
        .into_iter()
        .find_map(|c| match c {
            Change::Upsert { record } if record.id == id => {
                Some(record.fields.into_iter().map(|(k, f)| (k, f.version)).collect())
            }
            _ => None,
        })
        .unwrap()
}

async fn merge(app: &TestApp, d: &Device, kind: &str, body: Value) -> reqwest::Response {
    d.client.post(app.url(&format!("/api/records/{kind}/merge"))).json(&body).send().await.unwrap()
}

async fn merging_two_contacts_moves_every_link_and_an_offline_edit_lands_on_the_survivor(app: &TestApp) {
    let mut office = Device::new(app, "sanne@veld.test").await;
    let mut phone = Device::new(app, "mark@veld.test").await;
    let t = now_ms();
    let (company, kept, gone, lead, activity) =
        (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let creates = [
        office.mutation_of(RecordKind::Company, Op::Create, company, json!({"name": "Kramer Logistiek"}), &[], t),
        office.mutation_of(
            RecordKind::Contact,
            Op::Create,
            kept,
            json!({"first_name": "Eva", "last_name": "Smit", "email": "eva@kramer.example", "company_id": company}),
            &[],
            t,
        ),
        office.mutation_of(
            RecordKind::Contact,
            Op::Create,
            gone,
            json!({"first_name": "Eva", "last_name": "Smit", "phone": "+31612345678", "function": "Buyer"}),
            &[],
            t,
        ),
        office.mutation_of(
            RecordKind::Lead,
            Op::Create,
            lead,
            json!({"title": "Vans", "company_id": company,
                   "contacts": [{"id": kept, "role": "user"}, {"id": gone, "role": "main_contact"}]}),
            &[],
            t,
        ),
        office.mutation_of(
            RecordKind::Activity,
            Op::Create,
            activity,
            json!({"subject": "Call Eva", "lead_id": lead}),
            &[],
            t,
        ),
    ];
    assert_eq!(outcomes(&office.push_ok(app, &creates).await), ["applied"; 5]);

    // Mark's phone has the duplicate and goes offline: it edits it and links it to a new lead.
    let base = versions_of(app, &phone, gone).await;
    let base: Vec<(&str, u64)> = base.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let offline_edit = phone.mutation_of(
        RecordKind::Contact,
        Op::Update,
        gone,
        json!({"function": "Head of purchasing"}),
        &base,
        t + 5,
    );
    let new_lead = Uuid::now_v7();
    let offline_lead = phone.mutation_of(
        RecordKind::Lead,
        Op::Create,
        new_lead,
        json!({"title": "Trailers", "contacts": [{"id": gone, "role": "main_contact"}]}),
        &[],
        t + 6,
    );

    // Meanwhile Sanne merges the duplicate into the other Eva, taking its function.
    let res = merge(app, &office, "contact", json!({"survivor": kept, "merged": gone, "take": ["function"]})).await;
    assert_eq!(res.status(), 200);
    let done: Value = res.json().await.unwrap();
    assert_eq!(done["survivor"], json!(kept));
    assert_eq!(done["relinked"], 1, "the lead; {done}");
    let survivor = fields_of(app, &office, kept).await.unwrap();
    assert_eq!(survivor["function"], "Buyer", "taken from the merged contact");
    assert_eq!(survivor["phone"], "+31612345678", "a value the survivor lacked");
    assert_eq!(survivor["email"], "eva@kramer.example", "its own value kept");
    assert_eq!(survivor["company_id"], json!(company.to_string()));
    assert_eq!(
        fields_of(app, &office, lead).await.unwrap()["contacts"],
        json!([{"id": kept, "role": "main_contact"}]),
        "one entry, with the main role the duplicate had"
    );
    let pulled = office.pull(app, 0).await;
    assert!(pulled.changes.iter().all(|c| !matches!(c, Change::Upsert { record } if record.id == gone)));
    assert_eq!(fields_of(app, &office, activity).await.unwrap()["lead_id"], json!(lead.to_string()));

    // The phone comes back: its edit and its new lead land on the survivor, nothing refused.
    let body = phone.push_ok(app, &[offline_edit, offline_lead]).await;
    assert_eq!(outcomes(&body), ["applied", "applied"], "{body}");
    let survivor = fields_of(app, &office, kept).await.unwrap();
    assert_eq!(survivor["function"], "Head of purchasing", "the offline edit lands on the survivor");
    assert_eq!(
        fields_of(app, &phone, new_lead).await.unwrap()["contacts"],
        json!([{"id": kept, "role": "main_contact"}]),
        "the offline link moves to the survivor"
    );
    // The history says it: on the survivor, the merge with the merged contact's name.
    let history: Vec<Value> = office.get_json(app, &format!("/api/records/contact/{kept}/history")).await;
    let entry = history.iter().find(|h| h["op"] == "merge").expect("a merge entry");
    assert_eq!(entry["by"], "Sanne de Vries");
    assert_eq!(entry["changes"][0]["new"]["name"], "Eva Smit");
    assert_eq!(entry["changes"][0]["new"]["id"], json!(gone));
    assert!(history.iter().any(|h| h["op"] == "update" && h["changes"][0]["new"] == "Head of purchasing"));
}

async fn merging_leads_moves_their_conversion_and_job_orders(app: &TestApp) {
    let mut d = Device::new(app, "sanne@veld.test").await;
    let t = now_ms();
    let (kept, gone, opp, job) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let batch = [
        d.mutation_of(
            RecordKind::Lead,
            Op::Create,
            kept,
            json!({"title": "Fleet", "stage": "new", "groups": ["a"]}),
            &[],
            t,
        ),
        d.mutation_of(
            RecordKind::Lead,
            Op::Create,
            gone,
            json!({"title": "Fleet 2027", "stage": "new", "groups": ["b"]}),
            &[],
            t,
        ),
        d.mutation_of(
            RecordKind::Opportunity,
            Op::Create,
            opp,
            json!({"title": "Fleet", "stage": "qualification", "lead_id": gone}),
            &[],
            t + 1,
        ),
        d.mutation_of(
            RecordKind::Lead,
            Op::Update,
            gone,
            json!({"opportunity_id": opp, "stage": "converted"}),
            &[],
            t + 1,
        ),
        d.mutation_of(RecordKind::JobOrder, Op::Create, job, json!({"title": "Drivers", "lead_id": gone}), &[], t + 2),
    ];
    assert_eq!(outcomes(&d.push_ok(app, &batch).await), ["applied"; 5]);
    let res = merge(app, &d, "lead", json!({"survivor": kept, "merged": gone})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["relinked"], 2);
    let lead = fields_of(app, &d, kept).await.unwrap();
    assert_eq!(lead["opportunity_id"], json!(opp.to_string()), "the survivor takes the conversion");
    assert_eq!(lead["groups"], json!(["a", "b"]));
    assert_eq!(lead["title"], "Fleet");
    assert!(lead["number"].as_str().is_some_and(|n| n.starts_with('L')), "it keeps its number: {lead}");
    assert_eq!(fields_of(app, &d, opp).await.unwrap()["lead_id"], json!(kept.to_string()));
    assert_eq!(fields_of(app, &d, job).await.unwrap()["lead_id"], json!(kept.to_string()));
    assert_eq!(fields_of(app, &d, gone).await, None, "the merged lead is gone");
    // Merged already: asking again finds nothing; a link to it leads to the survivor.
    let res = merge(app, &d, "lead", json!({"survivor": kept, "merged": gone})).await;
    expect_error(res, 404, "not_found").await;
    let res = d.client.get(app.url(&format!("/api/records/lead/{gone}/merged"))).send().await.unwrap();
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"survivor": kept}));
    for id in [kept, Uuid::now_v7()] {
        let res = d.client.get(app.url(&format!("/api/records/lead/{id}/merged"))).send().await.unwrap();
        expect_error(res, 404, "not_found").await;
    }
    // Another office's rep may not see the survivor: for her there is nothing.
    let lotte = app.client_for("lotte@veld.test").await;
    let res = lotte.get(app.url(&format!("/api/records/lead/{gone}/merged"))).send().await.unwrap();
    expect_error(res, 404, "not_found").await;
}

async fn a_merge_is_refused_plainly_and_leaves_nothing_behind(app: &TestApp) {
    let mut d = Device::new(app, "sanne@veld.test").await;
    let lotte = Device::new(app, "lotte@veld.test").await;
    let t = now_ms();
    let (a, b, c, l1, l2, o1, o2) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let mut batch = vec![
        d.mutation_of(RecordKind::Company, Op::Create, a, json!({"name": "Acme"}), &[], t),
        d.mutation_of(RecordKind::Company, Op::Create, b, json!({"name": "ACME B.V.", "city": "Gouda"}), &[], t),
        d.mutation_of(
            RecordKind::Contact,
            Op::Create,
            c,
            json!({"last_name": "Bos", "email": "bos@acme.example", "company_id": b}),
            &[],
            t,
        ),
    ];
    for (lead, opp) in [(l1, o1), (l2, o2)] {
        batch.push(d.mutation_of(RecordKind::Lead, Op::Create, lead, json!({"title": "Deal", "stage": "new"}), &[], t));
        batch.push(d.mutation_of(
            RecordKind::Opportunity,
            Op::Create,
            opp,
            json!({"title": "Deal", "stage": "qualification", "lead_id": lead}),
            &[],
            t,
        ));
        batch.push(d.mutation_of(
            RecordKind::Lead,
            Op::Update,
            lead,
            json!({"opportunity_id": opp, "stage": "converted"}),
            &[],
            t,
        ));
    }
    assert!(outcomes(&d.push_ok(app, &batch).await).iter().all(|o| o == "applied"));

    // Another office's rep: the records are not there for her, in the words of a made-up id.
    let outside =
        expect_error(merge(app, &lotte, "company", json!({"survivor": a, "merged": b})).await, 404, "not_found").await;
    let made_up = expect_error(
        merge(app, &lotte, "company", json!({"survivor": Uuid::now_v7(), "merged": Uuid::now_v7()})).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(outside, made_up);
    // Rules the merge breaks: plain 4xx with the field, never a 5xx.
    for (kind, body, field) in [
        ("company", json!({"survivor": a, "merged": a}), "merged"),
        ("company", json!({"survivor": a, "merged": b, "take": ["number"]}), "take"),
        ("company", json!({"survivor": a, "merged": b, "take": vec!["name"; 201]}), "take"),
        ("lead", json!({"survivor": l1, "merged": l2}), "opportunity_id"),
        ("opportunity", json!({"survivor": o1, "merged": o2}), "kind"),
    ] {
        let body = expect_error(merge(app, &d, kind, body).await, 422, "validation").await;
        assert_eq!(body["field"], field, "{body}");
    }
    let res = d.client.post(app.url("/api/records/company/merge")).json(&json!({"survivor": a})).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 422, "a body of the wrong shape");
    // Nothing of a refused merge is kept.
    assert_eq!(fields_of(app, &d, b).await.unwrap()["city"], "Gouda");
    assert_eq!(fields_of(app, &d, c).await.unwrap()["company_id"], json!(b.to_string()));
    assert_eq!(fields_of(app, &d, a).await.unwrap(), json!({"name": "Acme"}));
    // The manager's merge of the companies: the contact moves, the city fills the gap.
    assert_eq!(merge(app, &d, "company", json!({"survivor": a, "merged": b})).await.status(), 200);
    assert_eq!(fields_of(app, &d, a).await.unwrap(), json!({"name": "Acme", "city": "Gouda"}));
    assert_eq!(fields_of(app, &d, c).await.unwrap()["company_id"], json!(a.to_string()));
}
