//! Hostile input against a real server and database (issue 12): records that would wedge sync,
//! forged clocks, links and deletes aimed at records outside the user's scope. Each test failed
//! before its fix.

use crate::helpers::TestApp;
use crate::on_both_databases;
use crate::sync::{Device, fields_of};
use serde_json::{Value, json};
use uuid::Uuid;
use veld_domain::RecordKind;
use veld_domain::records::limits;
use veld_domain::sync::{Change, Hlc, Op};

on_both_databases!(
    a_deeply_nested_or_oversized_record_is_refused_and_sync_goes_on,
    big_records_come_in_pages_bounded_by_bytes,
    a_clock_naming_another_client_loses_and_is_logged,
    links_to_records_out_of_scope_are_refused_like_links_to_nothing,
    changing_or_deleting_a_record_out_of_scope_answers_as_for_no_record,
);

fn now_ms() -> i64 {
    veld_server::db::now_ms()
}

/// A value nested `levels` deep: `[[[…"x"…]]]`.
fn nested(levels: usize) -> Value {
    (0..levels).fold(json!("x"), |inner, _| json!([inner]))
}

/// The outcomes of a push, as sent.
fn results(body: &Value) -> &Vec<Value> {
    body["results"].as_array().unwrap()
}

async fn a_deeply_nested_or_oversized_record_is_refused_and_sync_goes_on(app: &TestApp) {
    let mut tom = Device::new(app, "tom@veld.test").await;
    let t = now_ms();
    let (deep, wide, big, fine) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let many: serde_json::Map<String, Value> =
        (0..=limits::MAX_RECORD_FIELDS).map(|i| (format!("extra_{i}"), json!(i))).collect();
    let chunk = "x".repeat(limits::MAX_FIELD_BYTES - 100);
    let mut big_fields = json!({ "title": "Big" });
    for i in 0..5 {
        big_fields[format!("part_{i}")] = json!(chunk);
    }
    let mutations = [
        // 122 levels: under serde_json's recursion limit of 128 on its own, over it once a pull
        // wraps it in a record, a change and a page.
        tom.mutation_of(
            RecordKind::Opportunity,
            Op::Create,
            deep,
            json!({ "title": "Deep", "note": nested(122) }),
            &[],
            t,
        ),
        tom.mutation_of(
            RecordKind::Opportunity,
            Op::Create,
            wide,
            json!({ "title": "Wide", "note": "x".repeat(limits::MAX_FIELD_BYTES + 1) }),
            &[],
            t,
        ),
        tom.mutation_of(RecordKind::Opportunity, Op::Create, big, big_fields, &[], t),
        tom.mutation_of(
            RecordKind::Opportunity,
            Op::Create,
            fine,
            json!({ "title": "Fine", "note": nested(limits::MAX_DEPTH) }),
            &[],
            t,
        ),
    ];
    let body = tom.push_ok(app, &mutations[..3]).await;
    let codes: Vec<(&str, &str, &str)> = results(&body)
        .iter()
        .map(|r| (r["outcome"].as_str().unwrap(), r["code"].as_str().unwrap(), r["invalid"]["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("rejected", "invalid", "too_deep"),
            ("rejected", "invalid", "field_too_large"),
            ("rejected", "invalid", "record_too_large")
        ],
        "{body}"
    );
    assert_eq!(results(&body)[0]["invalid"]["field"], "note", "the refusal names the field");
    assert!(results(&body)[0]["reason"].as_str().unwrap().contains(&format!("{} levels", limits::MAX_DEPTH)), "{body}");
    assert!(results(&body)[1]["reason"].as_str().unwrap().contains("64 KB"), "{body}");
    // Many fields, added one change at a time, stop at the limit too.
    let body = tom.push_ok(app, &mutations[3..]).await;
    assert_eq!(results(&body)[0]["outcome"], "applied", "{body}");
    let base = tom.pull(app, 0).await.cursor;
    let too_many = tom.mutation_of(RecordKind::Opportunity, Op::Update, fine, Value::Object(many), &[], t + 1);
    let body = tom.push_ok(app, &[too_many]).await;
    assert_eq!(results(&body)[0]["code"], "malformed", "more fields than one change may carry: {body}");
    let half: serde_json::Map<String, Value> = (0..150).map(|i| (format!("a_{i}"), json!(i))).collect();
    let other: serde_json::Map<String, Value> = (0..150).map(|i| (format!("b_{i}"), json!(i))).collect();
    let first = tom.mutation_of(RecordKind::Opportunity, Op::Update, fine, Value::Object(half), &[], t + 2);
    let second = tom.mutation_of(RecordKind::Opportunity, Op::Update, fine, Value::Object(other), &[], t + 3);
    let body = tom.push_ok(app, &[first, second]).await;
    assert_eq!(results(&body)[0]["outcome"], "applied", "{body}");
    assert_eq!(results(&body)[1]["invalid"]["code"], "record_too_large", "{body}");

    // A colleague's device syncs everything else, its cursor reaching the head.
    let sanne = Device::new(app, "sanne@veld.test").await;
    let page = sanne.pull(app, 0).await;
    assert!(!page.more);
    let ids: Vec<Uuid> = page
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Upsert { record } => Some(record.id),
            _ => None,
        })
        .collect();
    assert!(ids.contains(&fine) && !ids.contains(&deep) && !ids.contains(&wide) && !ids.contains(&big));
    assert!(page.cursor > base);
}

async fn big_records_come_in_pages_bounded_by_bytes(app: &TestApp) {
    let mut tom = Device::new(app, "tom@veld.test").await;
    let part = "y".repeat(limits::MAX_FIELD_BYTES - 1_000);
    let start = tom.pull(app, 0).await.cursor;
    // 40 records of ~250 KB: 10 MB, more than one page's 8 MB; three per push (the body limit).
    let mut ids = Vec::new();
    for batch in 0..14 {
        let mut mutations = Vec::new();
        for i in 0..3 {
            if ids.len() == 40 {
                break;
            }
            let id = Uuid::now_v7();
            ids.push(id);
            let fields = json!({ "title": format!("Big {batch}.{i}"), "a": part, "b": part, "c": part, "d": part });
            mutations.push(tom.mutation_of(RecordKind::Opportunity, Op::Create, id, fields, &[], now_ms()));
        }
        if !mutations.is_empty() {
            let body = tom.push_ok(app, &mutations).await;
            assert!(results(&body).iter().all(|r| r["outcome"] == "applied"), "{body}");
        }
    }
    let (mut cursor, mut seen, mut pages, mut largest) = (start, Vec::new(), 0, 0usize);
    loop {
        let url = app.url(&format!("/api/sync/pull?client_id={}&cursor={cursor}", tom.id.0));
        let body = tom.client.get(url).send().await.unwrap().bytes().await.unwrap();
        largest = largest.max(body.len());
        let page: veld_domain::sync::PullResponse = serde_json::from_slice(&body).unwrap();
        pages += 1;
        seen.extend(page.changes.iter().filter_map(|c| match c {
            Change::Upsert { record } => Some(record.id),
            _ => None,
        }));
        cursor = page.cursor;
        if !page.more {
            break;
        }
        assert!(pages < 10, "the pages end");
    }
    assert!(pages >= 2, "10 MB of records came in one page");
    assert!(ids.iter().all(|id| seen.contains(id)), "every record arrives");
    // A page stops at 8 MB of stored data, plus the record that crossed it and the JSON around.
    assert!(largest < 10 * 1024 * 1024, "largest page {largest} bytes");
}

async fn a_clock_naming_another_client_loses_and_is_logged(app: &TestApp) {
    let mut tom = Device::new(app, "tom@veld.test").await;
    let mut sanne = Device::new(app, "sanne@veld.test").await; // same office, may edit it
    let id = Uuid::now_v7();
    let t = now_ms();
    {
        let m = tom.mutation_of(
            RecordKind::Opportunity,
            Op::Create,
            id,
            json!({ "title": "Fleet", "note": "first" }),
            &[],
            t,
        );
        tom.push_ok(app, &[m]).await;
    }
    let created = tom.pull(app, 0).await.cursor;
    {
        let m = tom.mutation_of(
            RecordKind::Opportunity,
            Op::Update,
            id,
            json!({ "note": "Tom's" }),
            &[("note", created)],
            t + 1_000,
        );
        tom.push_ok(app, &[m]).await;
    }
    // Sanne's stale edit, its clock an hour old and naming Tom's device: it must not pass for
    // Tom's own later edit.
    let mut forged = sanne.mutation_of(
        RecordKind::Opportunity,
        Op::Update,
        id,
        json!({ "note": "forged" }),
        &[("note", created)],
        t - 3_600_000,
    );
    forged.hlc = Hlc { wall_ms: t - 3_600_000, counter: 0, client: tom.id };
    let body = sanne.push_ok(app, &[forged]).await;
    assert_eq!(results(&body)[0]["conflicts"], 1, "a concurrent edit, logged: {body}");
    assert_eq!(fields_of(app, &tom, id).await.unwrap()["note"], "Tom's", "the newer value stays");
    let lost: Vec<(String, String)> =
        sqlx::query_as("SELECT lost_value, lost_client FROM sync_conflicts WHERE record_id = $1")
            .bind(id.to_string())
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(lost, [("\"forged\"".to_owned(), sanne.id.0.to_string())], "logged as Sanne's");
}

/// The outcome of one mutation pushed by `device`, as JSON.
async fn outcome(app: &TestApp, device: &mut Device, kind: RecordKind, op: Op, id: Uuid, fields: Value) -> Value {
    let m = device.mutation_of(kind, op, id, fields, &[], now_ms());
    let body = device.push_ok(app, &[m]).await;
    results(&body)[0].clone()
}

/// `outcome` less the mutation's own id (which differs between the pushes compared).
fn answer(mut outcome: Value) -> Value {
    outcome.as_object_mut().unwrap().remove("id");
    outcome
}

async fn links_to_records_out_of_scope_are_refused_like_links_to_nothing(app: &TestApp) {
    let mut tom = Device::new(app, "tom@veld.test").await; // Amsterdam
    let mut lotte = Device::new(app, "lotte@veld.test").await; // Antwerpen: sees none of Tom's
    let sanne = Device::new(app, "sanne@veld.test").await; // Amsterdam manager
    let t = now_ms();
    let (opportunity, company, contact) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let creates = [
        tom.mutation_of(RecordKind::Opportunity, Op::Create, opportunity, json!({ "title": "Amsterdam deal" }), &[], t),
        tom.mutation_of(RecordKind::Company, Op::Create, company, json!({ "name": "Amsterdam BV" }), &[], t),
        tom.mutation_of(
            RecordKind::Contact,
            Op::Create,
            contact,
            json!({ "last_name": "Visser", "email": "v@example.com" }),
            &[],
            t,
        ),
    ];
    let body = tom.push_ok(app, &creates).await;
    assert!(results(&body).iter().all(|r| r["outcome"] == "applied"), "{body}");
    let own_company = Uuid::now_v7();
    let made =
        outcome(app, &mut lotte, RecordKind::Company, Op::Create, own_company, json!({ "name": "Antwerpen NV" })).await;
    assert_eq!(made["outcome"], "applied");
    let own_opportunity = Uuid::now_v7();
    let made = outcome(
        app,
        &mut lotte,
        RecordKind::Opportunity,
        Op::Create,
        own_opportunity,
        json!({ "title": "Antwerpen deal" }),
    )
    .await;
    assert_eq!(made["outcome"], "applied");

    // Each link to one of Tom's records is answered exactly as a link to a record that does not
    // exist (or to one of another kind): same code, same words, no name, no id.
    let cases: [(RecordKind, &str, Uuid, Value); 4] = [
        (RecordKind::Attachment, "opportunity_id", opportunity, json!({ "name": "x.pdf", "type": "other", "size": 1 })),
        (RecordKind::Activity, "company_id", company, json!({ "subject": "Visit" })),
        (RecordKind::Opportunity, "lead_id", opportunity, json!({ "title": "Mine" })),
        (RecordKind::Opportunity, "contacts", contact, json!({ "title": "Mine" })),
    ];
    for (kind, field, target, base) in cases {
        let with = |linked: Uuid| {
            let mut fields = base.clone();
            fields[field] = if field == "contacts" {
                json!([{ "id": linked.to_string(), "role": "user" }])
            } else {
                json!(linked.to_string())
            };
            fields
        };
        let foreign = answer(outcome(app, &mut lotte, kind, Op::Create, Uuid::now_v7(), with(target)).await);
        let nothing = answer(outcome(app, &mut lotte, kind, Op::Create, Uuid::now_v7(), with(Uuid::now_v7())).await);
        let wrong_kind = answer(
            outcome(
                app,
                &mut lotte,
                kind,
                Op::Create,
                Uuid::now_v7(),
                with(if field == "company_id" { own_opportunity } else { own_company }),
            )
            .await,
        );
        assert_eq!(foreign["outcome"], "rejected", "{kind:?}.{field}: {foreign}");
        assert_eq!(foreign, nothing, "{kind:?}.{field}");
        assert_eq!(foreign, wrong_kind, "{kind:?}.{field}");
        let text = foreign.to_string();
        for secret in ["Amsterdam", "Visser", &target.to_string(), "opportunity ", "company "] {
            assert!(!text.contains(secret), "{kind:?}.{field} leaks {secret:?}: {text}");
        }
    }
    // Linking an existing record of Lotte's to Tom's opportunity is refused the same way.
    let note = Uuid::now_v7();
    let made = outcome(app, &mut lotte, RecordKind::Activity, Op::Create, note, json!({ "subject": "Call" })).await;
    assert_eq!(made["outcome"], "applied");
    let relink = outcome(
        app,
        &mut lotte,
        RecordKind::Activity,
        Op::Update,
        note,
        json!({ "opportunity_id": opportunity.to_string() }),
    )
    .await;
    assert_eq!(relink["invalid"]["code"], "not_found", "{relink}");

    // Nothing of it reached Amsterdam.
    let seen = sanne.pull(app, 0).await;
    for c in &seen.changes {
        if let Change::Upsert { record } = c {
            let points_at_tom = record.fields.values().any(|f| {
                let v = f.value.to_string();
                v.contains(&opportunity.to_string())
                    || v.contains(&company.to_string())
                    || v.contains(&contact.to_string())
            });
            assert!(
                record.id == opportunity || record.id == company || record.id == contact || !points_at_tom,
                "{record:?}"
            );
        }
    }
}

async fn changing_or_deleting_a_record_out_of_scope_answers_as_for_no_record(app: &TestApp) {
    let mut tom = Device::new(app, "tom@veld.test").await; // Amsterdam
    let mut lotte = Device::new(app, "lotte@veld.test").await; // Antwerpen
    let t = now_ms();
    let (live, gone) = (Uuid::now_v7(), Uuid::now_v7());
    let creates = [
        tom.mutation_of(RecordKind::Opportunity, Op::Create, live, json!({ "title": "Live" }), &[], t),
        tom.mutation_of(RecordKind::Opportunity, Op::Create, gone, json!({ "title": "Gone" }), &[], t),
        tom.mutation_of(RecordKind::Opportunity, Op::Delete, gone, json!({}), &[], t),
    ];
    let body = tom.push_ok(app, &creates).await;
    assert!(results(&body).iter().all(|r| r["outcome"] == "applied"), "{body}");

    for op in [Op::Delete, Op::Update] {
        let fields = if op == Op::Update { json!({ "title": "Mine now" }) } else { json!({}) };
        let on_live = answer(outcome(app, &mut lotte, RecordKind::Opportunity, op, live, fields.clone()).await);
        let on_gone = answer(outcome(app, &mut lotte, RecordKind::Opportunity, op, gone, fields.clone()).await);
        let on_nothing = answer(outcome(app, &mut lotte, RecordKind::Opportunity, op, Uuid::now_v7(), fields).await);
        assert_eq!(on_live["code"], "not_found", "{op:?}: {on_live}");
        assert_eq!(on_live, on_gone, "{op:?}");
        assert_eq!(on_live, on_nothing, "{op:?}");
    }
    // A kind the record does not have says nothing about it either.
    let as_lead = outcome(app, &mut lotte, RecordKind::Lead, Op::Update, live, json!({ "title": "?" })).await;
    assert_eq!(as_lead["code"], "not_found", "{as_lead}");
    assert!(!as_lead.to_string().contains("opportunity"), "{as_lead}");
    assert_eq!(fields_of(app, &tom, live).await.unwrap()["title"], "Live");
}

/// The peak resident memory of process `pid`, in KiB (Linux).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}

/// 200 concurrent logins against the real server binary: the password checks run a few at a
/// time and the rest are told to come back, so memory stays bounded (it grew to 2.8 GB before).
#[tokio::test]
async fn a_flood_of_logins_keeps_the_servers_memory_bounded() {
    use crate::helpers::{Backend, PASSWORD, ServerProcess, TestDatabase};
    const CAP_MIB: u64 = 200;
    let Some(db) = TestDatabase::create(Backend::Sqlite).await else { return };
    let server = ServerProcess::start(&db, &["--demo"]).await;
    let base = server.base.clone();
    let http = reqwest::Client::new();
    let users = ["admin@veld.test", "sanne@veld.test", "tom@veld.test", "mark@veld.test", "pieter@veld.test"];
    let logins = (0..200).map(|i| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let body = json!({ "email": users[i % users.len()], "password": PASSWORD });
            let res = http.post(format!("{base}/api/auth/login")).json(&body).send().await.unwrap();
            let retry = res.headers().get("retry-after").is_some();
            (res.status().as_u16(), retry)
        }
    });
    let answers = tokio::time::timeout(std::time::Duration::from_secs(60), futures::future::join_all(logins))
        .await
        .expect("200 logins answered within a minute");
    let peak = peak_rss_kib(server.pid()).expect("peak RSS");
    server.kill();
    let ok = answers.iter().filter(|(s, _)| *s == 200).count();
    // Busy (503), or held because five logins of one account from one address were under way
    // at once (429): either way told when to come back.
    let busy = answers.iter().filter(|(s, retry)| [429, 503].contains(s) && *retry).count();
    println!("200 concurrent logins: {ok} logged in, {busy} told to retry; peak RSS {} MiB", peak / 1024);
    assert_eq!(ok + busy, 200, "{answers:?}");
    assert!(ok >= 1);
    assert!(peak / 1024 < CAP_MIB, "peak RSS {} MiB, cap {CAP_MIB} MiB", peak / 1024);
}
