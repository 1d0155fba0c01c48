//! CSV import against a real server (issue 14): a 10,000-row file with dirty rows does exactly
//! what its dry run said, through the record rules and the trigger rules (once per imported
//! record); a SIGKILL in the middle of a run leaves whole batches only, and the restarted server
//! finishes it; an import is its user's only, and bad requests get plain 4xx answers.

use crate::helpers::{PASSWORD, ServerProcess, TestApp, TestDatabase, expect_error};
use crate::on_both_databases;
use crate::sync::{Device, outcomes};
use reqwest::Client;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use uuid::Uuid;
use veld_domain::RecordKind;
use veld_domain::automation::{Event, Rule, RuleAction};
use veld_domain::import::{Counts, ImportState, ImportView};
use veld_domain::sync::Op;

on_both_databases!(
    a_dirty_ten_thousand_row_import_does_what_its_dry_run_said,
    imported_leads_read_stages_and_fire_triggers_once_each,
    imports_are_private_and_bad_requests_are_plain_4xx,
);

/// Contacts, `;`-separated, with 5 % dirty rows: every 40th row a bad e-mail address, and every
/// 40th (offset 20) the phone of the row before it in another spelling — so each such person
/// comes in three spellings of one phone number (and no e-mail) over three rows.
fn contacts_csv(rows: usize, tag: &str) -> (String, Counts) {
    let mut csv = String::from("Voornaam;Achternaam;E-mail;Telefoon;Bedrijf\r\n");
    let mut expected = Counts::default();
    let mut i = 0;
    while i < rows {
        let company = format!("{tag} Bedrijf {}", i % 50);
        if i % 40 == 0 {
            csv.push_str(&format!("Bad{i};Mail;not-an-address@;;{company}\r\n"));
            expected.refused += 1;
            i += 1;
        } else if i % 40 == 20 && i + 2 < rows {
            let n = 600_000 + i;
            for spelling in [format!("06 12{n}"), format!("+31 6 12{n}"), format!("0031612{n}")] {
                csv.push_str(&format!("Tri{i};{tag};;{spelling};{company}\r\n"));
            }
            expected.created += 1;
            expected.merged += 2;
            i += 3;
        } else {
            csv.push_str(&format!("Person{i};{tag};p{i}.{tag}@example.com;;{company}\r\n"));
            expected.created += 1;
            i += 1;
        }
    }
    expected.companies = 50;
    (csv, expected)
}

async fn upload(
    client: &Client,
    base: &str,
    kind: &str,
    name: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    client
        .post(format!("{base}/api/imports?kind={kind}&name={name}"))
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn view_of(res: reqwest::Response) -> ImportView {
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

async fn plan(client: &Client, base: &str, id: Uuid, mapping: &[Option<String>]) -> ImportView {
    let res =
        client.post(format!("{base}/api/imports/{id}/plan")).json(&json!({ "mapping": mapping })).send().await.unwrap();
    view_of(res).await
}

/// Runs a planned import and waits until it is done; the progress seen on the way.
async fn run_to_end(client: &Client, base: &str, id: Uuid) -> (ImportView, Vec<u64>) {
    let started = view_of(client.post(format!("{base}/api/imports/{id}/run")).send().await.unwrap()).await;
    assert_eq!(started.state, ImportState::Running);
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut seen = Vec::new();
    loop {
        let view = view_of(client.get(format!("{base}/api/imports/{id}")).send().await.unwrap()).await;
        seen.push(view.done);
        if view.state == ImportState::Done {
            return (view, seen);
        }
        assert!(Instant::now() < deadline, "the import did not finish: {} of {}", view.done, view.total);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn count(app: &TestApp, d: &Device, kind: &str, pred: impl Fn(&Value) -> bool) -> usize {
    let rows: Vec<Value> = d.get_json(app, &format!("/api/records/{kind}")).await;
    rows.iter().filter(|r| pred(&r["data"])).count()
}

async fn a_dirty_ten_thousand_row_import_does_what_its_dry_run_said(app: &TestApp) {
    let d = Device::new(app, "sanne@veld.test").await;
    let base = format!("http://{}", app.addr);
    let tag = format!("T{}", &Uuid::now_v7().simple().to_string()[20..]);
    let (csv, expected) = contacts_csv(10_000, &tag);
    let uploaded = view_of(upload(&d.client, &base, "contact", "contacten.csv", csv).await).await;
    assert_eq!((uploaded.state, uploaded.total, uploaded.separator.as_str()), (ImportState::Uploaded, 10_000, ";"));
    let mapped: Vec<Option<&str>> = uploaded.suggested.iter().map(Option::as_deref).collect();
    assert_eq!(mapped, [Some("first_name"), Some("last_name"), Some("email"), Some("phone"), Some("company_id")]);

    let planned = plan(&d.client, &base, uploaded.id, &uploaded.suggested).await;
    assert_eq!(planned.state, ImportState::Planned);
    assert_eq!(planned.planned, Some(expected), "the dry run's counts");
    // The report says why, per row, with the row's cells and the column at fault.
    let bad = planned.rows.iter().find(|r| r.line == 2).expect("the first row is refused");
    assert_eq!(bad.column, Some(2));
    assert_eq!(bad.cells[2], "not-an-address@");
    assert_eq!(bad.problem.as_ref().unwrap().code, veld_domain::records::InvalidCode::BadEmail);
    let merged = planned.rows.iter().find(|r| r.line == 23).expect("the second spelling merges");
    assert_eq!((merged.merged_with, merged.record.is_some()), (Some(22), true));
    // A dry run changes nothing.
    assert_eq!(count(app, &d, "contact", |v| v["last_name"] == tag.as_str()).await, 0);

    let (done, seen) = run_to_end(&d.client, &base, uploaded.id).await;
    assert_eq!(done.result, expected, "the run did what the dry run said");
    assert_eq!(done.done, 10_000);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "progress only goes forward: {seen:?}");
    let people = count(app, &d, "contact", |v| v["last_name"] == tag.as_str()).await;
    assert_eq!(people as u64, expected.created);
    let companies = count(app, &d, "company", |v| v["name"].as_str().is_some_and(|n| n.starts_with(&tag))).await;
    assert_eq!(companies, 50);
    // Three spellings, one person, stored normalised.
    let tri: Vec<Value> = d.get_json(app, "/api/records/contact").await;
    let tri20: Vec<&Value> =
        tri.iter().filter(|r| r["data"]["first_name"] == "Tri20" && r["data"]["last_name"] == tag.as_str()).collect();
    assert_eq!(tri20.len(), 1);
    assert_eq!(tri20[0]["data"]["phone"], "+31612600020");
    // Its history says who imported it, like any change.
    let history: Vec<Value> =
        d.get_json(app, &format!("/api/records/contact/{}/history", tri20[0]["id"].as_str().unwrap())).await;
    assert!(!history.is_empty());
    // Done is done: it cannot run again, nor be planned again.
    let again = d.client.post(format!("{base}/api/imports/{}/run", uploaded.id)).send().await.unwrap();
    expect_error(again, 409, "conflict").await;
}

async fn imported_leads_read_stages_and_fire_triggers_once_each(app: &TestApp) {
    let mut admin = Device::new(app, "admin@veld.test").await;
    let rule = Rule {
        code: "welcome_import".into(),
        name: "Call new leads".into(),
        list: RecordKind::Lead,
        active: true,
        event: Event::Created,
        conditions: vec![],
        actions: vec![RuleAction::CreateTask { subject: "Call imported lead".into(), due_in_days: 1, assignee: None }],
    };
    let m = admin.mutation_of(RecordKind::Rule, Op::Create, Uuid::now_v7(), Value::Object(rule.to_values()), &[], 1);
    let body = admin.push_ok(app, &[m]).await;
    assert!(outcomes(&body).iter().all(|o| o == "applied"), "{body}");
    let base = format!("http://{}", app.addr);
    let mut csv = String::from("Title,Stage,Source,Value,Owner,Close date\n");
    for i in 0..1_200 {
        let stage = if i % 20 == 7 { "Nowhere" } else { "new" };
        csv.push_str(&format!("Imported lead {i},{stage},website,\"€ 1.250\",sanne@veld.test,31-12-2026\n"));
    }
    let uploaded = view_of(upload(&admin.client, &base, "lead", "leads.csv", csv).await).await;
    // "Close date" is not a lead's field: left unmapped.
    assert_eq!(uploaded.suggested[5], None);
    let planned = plan(&admin.client, &base, uploaded.id, &uploaded.suggested).await;
    let expected = Counts { created: 1_140, refused: 60, ..Counts::default() };
    assert_eq!(planned.planned, Some(expected));
    let unknown = &planned.rows[0];
    assert_eq!((unknown.line, unknown.column), (9, Some(1)));
    assert!(unknown.problem.as_ref().unwrap().message.contains("Nowhere"), "{unknown:?}");
    let (done, _) = run_to_end(&admin.client, &base, uploaded.id).await;
    assert_eq!(done.result, expected);
    let leads: Vec<Value> = admin.get_json(app, "/api/records/lead").await;
    let imported: Vec<&Value> =
        leads.iter().filter(|l| l["data"]["title"].as_str().is_some_and(|t| t.starts_with("Imported lead "))).collect();
    assert_eq!(imported.len(), 1_140);
    assert!(imported.iter().all(|l| l["data"]["expected_value"] == 1_250 && l["data"]["number"].is_string()));
    // The trigger fired exactly once per imported lead.
    let tasks = count(app, &admin, "activity", |v| v["subject"] == "Call imported lead").await;
    assert_eq!(tasks, 1_140);
}

async fn imports_are_private_and_bad_requests_are_plain_4xx(app: &TestApp) {
    let sanne = Device::new(app, "sanne@veld.test").await;
    let mark = Device::new(app, "mark@veld.test").await;
    let base = format!("http://{}", app.addr);
    // Windows-1252 (Excel on a Dutch Windows): é is 0xE9.
    let uploaded = view_of(
        upload(&sanne.client, &base, "company", "bedrijven.csv", b"Naam;Plaats\r\nCaf\xe9 Zo;Delft\r\n".to_vec()).await,
    )
    .await;
    assert_eq!(uploaded.sample, [["Café Zo", "Delft"]]);
    assert_eq!(uploaded.encoding, veld_domain::import::Encoding::Windows1252);
    // Another user's import does not exist for them, in the same words as none.
    let other = mark.client.get(format!("{base}/api/imports/{}", uploaded.id)).send().await.unwrap();
    let none = mark.client.get(format!("{base}/api/imports/{}", Uuid::now_v7())).send().await.unwrap();
    let (a, b) = (expect_error(other, 404, "not_found").await, expect_error(none, 404, "not_found").await);
    assert_eq!(a["message"], b["message"]);
    // A mapping that misses the required field, or names one twice, or has the wrong length.
    for mapping in [json!([null, "city"]), json!(["name", "name"]), json!(["name"])] {
        let res = sanne
            .client
            .post(format!("{base}/api/imports/{}/plan", uploaded.id))
            .json(&json!({ "mapping": mapping }))
            .send()
            .await
            .unwrap();
        let body = expect_error(res, 422, "validation").await;
        assert_eq!(body["field"], "mapping", "{body}");
    }
    // Running before a dry run is refused.
    let early = sanne.client.post(format!("{base}/api/imports/{}/run", uploaded.id)).send().await.unwrap();
    expect_error(early, 409, "conflict").await;
    // What cannot be imported, or read.
    expect_error(upload(&sanne.client, &base, "activity", "x.csv", "Subject\nA\n").await, 422, "validation").await;
    expect_error(upload(&sanne.client, &base, "company", "x.csv", "\n\n").await, 422, "validation").await;
    // A role that may neither create nor edit leads (Mark's marketing role may) — a sales rep.
    let rep = Device::new(app, "tom@veld.test").await;
    expect_error(upload(&rep.client, &base, "lead", "x.csv", "Title\nA\n").await, 403, "forbidden").await;
}

/// A SIGKILL in the middle of a run: the database holds whole batches only — every row before
/// the stored progress imported, none after it — and the restarted server finishes the import
/// with exactly the dry run's counts.
#[tokio::test]
async fn an_import_killed_midway_resumes_after_restart_on_sqlite() {
    let db = TestDatabase::create(crate::helpers::Backend::Sqlite).await.expect("SQLite always runs");
    killed_midway(&db).await;
}

#[tokio::test]
async fn an_import_killed_midway_resumes_after_restart_on_postgres() {
    let Some(db) = TestDatabase::create(crate::helpers::Backend::Postgres).await else { return };
    killed_midway(&db).await;
    db.drop_database().await;
}

/// The contacts of the killed import (their last name is its tag).
const KILLED: &str = r#"SELECT id FROM records WHERE kind = 'contact' AND data LIKE '%"last_name":"Kill"%'"#;

async fn killed_midway(db: &TestDatabase) {
    let server = ServerProcess::start(db, &["--demo"]).await;
    let client = Client::builder().cookie_store(true).build().unwrap();
    let res = client
        .post(server.url("/api/auth/login"))
        .json(&json!({ "email": "sanne@veld.test", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (csv, expected) = contacts_csv(10_000, "Kill");
    let uploaded = view_of(upload(&client, &server.base, "contact", "k.csv", csv).await).await;
    let planned = plan(&client, &server.base, uploaded.id, &uploaded.suggested).await;
    assert_eq!(planned.planned, Some(expected));
    let id = uploaded.id;
    view_of(client.post(server.url(&format!("/api/imports/{id}/run"))).send().await.unwrap()).await;
    // Killed once some batches are in, before the last.
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let view = view_of(client.get(server.url(&format!("/api/imports/{id}"))).send().await.unwrap()).await;
        assert!(view.state == ImportState::Running, "finished before it could be killed: {view:?}");
        if view.done >= 1_000 {
            break;
        }
        assert!(Instant::now() < deadline, "no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill();

    // Whole batches: the records of the rows before the stored progress, none after.
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&db.url).await.unwrap();
    let (done, plan): (i64, String) = sqlx::query_as("SELECT done_rows, plan FROM imports WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let plan: Vec<veld_domain::import::PlannedRow> = serde_json::from_str(&plan).unwrap();
    let done = done as usize;
    assert!(done > 0 && done < plan.len() && done.is_multiple_of(500), "killed mid-run at {done}");
    let made: Vec<String> = plan
        .iter()
        .filter(|r| r.outcome == veld_domain::import::Outcome::Created)
        .map(|r| r.record.unwrap().to_string())
        .collect();
    let before = plan[..done].iter().filter(|r| r.outcome == veld_domain::import::Outcome::Created).count();
    let stored: Vec<(String,)> = sqlx::query_as(KILLED).fetch_all(&mut conn).await.unwrap();
    let stored: std::collections::HashSet<String> = stored.into_iter().map(|(id,)| id).collect();
    assert_eq!(stored.len(), before, "exactly the created rows of the committed batches");
    assert!(made[..before].iter().all(|id| stored.contains(id)));
    drop(conn);

    // Restarted, it goes on by itself and ends as the dry run said.
    let server = ServerProcess::start(db, &[]).await;
    let client = Client::builder().cookie_store(true).build().unwrap();
    let res = client
        .post(server.url("/api/auth/login"))
        .json(&json!({ "email": "sanne@veld.test", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let deadline = Instant::now() + Duration::from_secs(600);
    let view = loop {
        let view = view_of(client.get(server.url(&format!("/api/imports/{id}"))).send().await.unwrap()).await;
        if view.state == ImportState::Done {
            break view;
        }
        assert!(Instant::now() < deadline, "the import was not resumed: {} of {}", view.done, view.total);
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // The batch in flight at the kill was rolled back whole and applied again once.
    assert_eq!(view.result, expected);
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&db.url).await.unwrap();
    let stored: Vec<(String,)> = sqlx::query_as(KILLED).fetch_all(&mut conn).await.unwrap();
    assert_eq!(stored.len() as u64, expected.created);
    server.kill();
}
