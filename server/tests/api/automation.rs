//! Automation against a real server (SPEC TR-1…TR-3): every event and action of a trigger rule
//! on changes pushed from devices, time-based rules with a controllable clock, exactly once
//! under replayed pushes, loops that end, scheduled processes with their reports, and recurring
//! opportunities.

use crate::helpers::{TestApp, expect_error};
use crate::on_both_databases;
use crate::sync::{Device, fields_of, outcomes};
use serde_json::{Value, json};
use uuid::Uuid;
use veld_domain::RecordKind;
use veld_domain::automation::{Compare, Condition, Event, ProcessDef, ProcessKind, Rule, RuleAction};
use veld_domain::sync::{Change, Op};

on_both_databases!(
    every_event_fires_its_actions_and_history_names_the_rule,
    time_based_rules_fire_once_per_record_and_period,
    rules_fire_exactly_once_under_replayed_pushes_and_loops_end,
    scheduled_processes_close_inactive_opportunities_refresh_leads_and_report,
    recurring_opportunities_need_a_completion_date,
    a_rule_moving_an_opportunity_brings_the_stages_probability,
);

const DAY: i64 = 24 * 60 * 60 * 1000;

fn now_ms() -> i64 {
    veld_server::db::now_ms()
}

fn rule(code: &str, event: Event, actions: Vec<RuleAction>) -> Rule {
    Rule {
        code: code.into(),
        name: format!("Rule {code}"),
        list: RecordKind::Lead,
        active: true,
        event,
        conditions: vec![],
        actions,
    }
}

/// Saves rules as the administrator (they are configuration records).
async fn save_rules(app: &TestApp, rules: &[Rule]) {
    let mut admin = Device::new(app, "admin@veld.test").await;
    let ms: Vec<_> = rules
        .iter()
        .map(|r| {
            admin.mutation_of(RecordKind::Rule, Op::Create, Uuid::now_v7(), Value::Object(r.to_values()), &[], now_ms())
        })
        .collect();
    let body = admin.push_ok(app, &ms).await;
    assert!(outcomes(&body).iter().all(|o| o == "applied"), "{body}");
}

async fn user_id(app: &TestApp, name: &str) -> String {
    let d = Device::new(app, "admin@veld.test").await;
    let users: Vec<Value> = d.client.get(app.url("/api/users")).send().await.unwrap().json().await.unwrap();
    users.iter().find(|u| u["name"] == name).unwrap()["id"].as_str().unwrap().to_owned()
}

/// The activities linked to a lead, as `device` sees them.
async fn tasks_of(app: &TestApp, device: &Device, lead: Uuid) -> Vec<Value> {
    device
        .pull(app, 0)
        .await
        .changes
        .into_iter()
        .filter_map(|c| match c {
            Change::Upsert { record } if record.kind == RecordKind::Activity => {
                Some(Value::Object(record.fields.into_iter().map(|(k, f)| (k, f.value)).collect()))
            }
            _ => None,
        })
        .filter(|a| a["lead_id"] == lead.to_string())
        .collect()
}

async fn history(app: &TestApp, device: &Device, lead: Uuid) -> Vec<Value> {
    device.client.get(app.url(&format!("/api/records/lead/{lead}/history"))).send().await.unwrap().json().await.unwrap()
}

/// A stage set by a rule brings the stage's probability, as a move on the board or the form
/// does (it used to keep the old one: 10 % in "Proposal").
async fn a_rule_moving_an_opportunity_brings_the_stages_probability(app: &TestApp) {
    let to_proposal = Rule {
        list: RecordKind::Opportunity,
        ..rule("fast_track", Event::Created, vec![RuleAction::SetStage { stage: "proposal".into() }])
    };
    save_rules(app, &[to_proposal]).await;
    let mut sanne = Device::new(app, "sanne@veld.test").await;
    let id = Uuid::now_v7();
    let fields = json!({"title": "Fast deal", "stage": "qualification", "probability": 10});
    let m = sanne.mutation_of(RecordKind::Opportunity, Op::Create, id, fields, &[], now_ms());
    assert_eq!(outcomes(&sanne.push_ok(app, &[m]).await), ["applied"]);
    let opportunity = fields_of(app, &sanne, id).await.unwrap();
    assert_eq!((&opportunity["stage"], &opportunity["probability"]), (&json!("proposal"), &json!(50)));
}

async fn every_event_fires_its_actions_and_history_names_the_rule(app: &TestApp) {
    let tom = user_id(app, "Tom Jansen").await;
    save_rules(
        app,
        &[
            rule("welcome", Event::Created, vec![RuleAction::AddToGroup { group: "newsletter".into() }]),
            rule(
                "vip_call",
                Event::AddedToGroup { group: "event_2027".into() },
                vec![RuleAction::CreateTask { subject: "Invite to the event".into(), due_in_days: 2, assignee: None }],
            ),
            Rule {
                // With a condition: only leads worth at least 10,000.
                conditions: vec![Condition {
                    field: "expected_value".into(),
                    compare: Compare::AtLeast,
                    value: "10000".into(),
                }],
                ..rule(
                    "qualified_to_tom",
                    Event::StageChanged { stage: "qualified".into() },
                    vec![RuleAction::SetOwner { user: tom.parse().unwrap() }],
                )
            },
            rule(
                "closed_leaves_newsletter",
                Event::StageGroupChanged { group: "closed".into() },
                vec![
                    RuleAction::RemoveFromGroup { group: "newsletter".into() },
                    RuleAction::SetStage { stage: "disqualified".into() },
                ],
            ),
        ],
    )
    .await;
    let mut sanne = Device::new(app, "sanne@veld.test").await;
    let (small, big) = (Uuid::now_v7(), Uuid::now_v7());
    let create = |d: &mut Device, id, value| {
        d.mutation_of(
            RecordKind::Lead,
            Op::Create,
            id,
            json!({"title": "Trigger lead", "stage": "new", "expected_value": value}),
            &[],
            now_ms(),
        )
    };
    let ms = vec![create(&mut sanne, small, 500), create(&mut sanne, big, 20_000)];
    assert_eq!(outcomes(&sanne.push_ok(app, &ms).await), ["applied", "applied"]);
    // Created → added to the newsletter group, in the same push.
    let lead = fields_of(app, &sanne, small).await.unwrap();
    assert_eq!(lead["groups"], json!(["newsletter"]));
    let h = history(app, &sanne, small).await;
    let auto: Vec<&Value> = h.iter().filter(|e| e["rule"] == "welcome").collect();
    assert_eq!(auto.len(), 1, "{h:?}");
    assert!(auto[0]["by"].is_null(), "made by Veld, not by Sanne");

    // Added to a group → a task for the owner, due in two days.
    let add = sanne.mutation_of(
        RecordKind::Lead,
        Op::Update,
        small,
        json!({"groups": ["newsletter", "event_2027"]}),
        &[],
        now_ms(),
    );
    assert_eq!(outcomes(&sanne.push_ok(app, &[add]).await), ["applied"]);
    let tasks = tasks_of(app, &sanne, small).await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["subject"], "Invite to the event");
    assert_eq!(tasks[0]["type"], "task");
    assert_eq!(tasks[0]["due_date"], veld_domain::Date::from_ms(now_ms()).plus_days(2).iso());

    // Stage changed to qualified → a new owner, but only where the condition holds.
    for id in [small, big] {
        let q = sanne.mutation_of(RecordKind::Lead, Op::Update, id, json!({"stage": "qualified"}), &[], now_ms());
        assert_eq!(outcomes(&sanne.push_ok(app, &[q]).await), ["applied"]);
    }
    let rows: Vec<Value> = sanne.client.get(app.url("/api/records/lead")).send().await.unwrap().json().await.unwrap();
    let owner =
        |id: Uuid| rows.iter().find(|r| r["id"] == id.to_string()).map(|r| r["owner_id"].as_str().unwrap().to_owned());
    assert_ne!(owner(small).as_deref(), Some(tom.as_str()));
    assert_eq!(owner(big).as_deref(), Some(tom.as_str()));

    // Stage group changed to closed → out of the newsletter (and a second action of the rule:
    // a stage it is already in changes nothing).
    let close = sanne.mutation_of(RecordKind::Lead, Op::Update, small, json!({"stage": "disqualified"}), &[], now_ms());
    assert_eq!(outcomes(&sanne.push_ok(app, &[close]).await), ["applied"]);
    let lead = fields_of(app, &sanne, small).await.unwrap();
    assert_eq!(lead["groups"], json!(["event_2027"]));
    assert_eq!(lead["stage"], "disqualified");
    let h = history(app, &sanne, small).await;
    let rules: Vec<&str> = h.iter().filter_map(|e| e["rule"].as_str()).collect();
    assert_eq!(rules.iter().filter(|r| **r == "closed_leaves_newsletter").count(), 1, "{rules:?}");

    // A broken rule is refused, with the reason.
    let mut admin = Device::new(app, "admin@veld.test").await;
    let bad = admin.mutation_of(
        RecordKind::Rule,
        Op::Create,
        Uuid::now_v7(),
        Value::Object(rule("empty", Event::Created, vec![]).to_values()),
        &[],
        now_ms(),
    );
    let body = admin.push_ok(app, &[bad]).await;
    assert_eq!(outcomes(&body), ["rejected"]);
    assert!(body["results"][0]["reason"].as_str().unwrap().contains("at least one action"), "{body}");
}

async fn time_based_rules_fire_once_per_record_and_period(app: &TestApp) {
    save_rules(
        app,
        &[rule(
            "stale",
            Event::NotModifiedFor { days: 3 },
            vec![RuleAction::AddToGroup { group: "event_2027".into() }],
        )],
    )
    .await;
    let mut sanne = Device::new(app, "sanne@veld.test").await;
    let lead = Uuid::now_v7();
    let create = sanne.mutation_of(
        RecordKind::Lead,
        Op::Create,
        lead,
        json!({"title": "Quiet lead", "stage": "new"}),
        &[],
        now_ms(),
    );
    assert_eq!(outcomes(&sanne.push_ok(app, &[create]).await), ["applied"]);
    let t0 = now_ms();
    // Not yet: two days later nothing fires.
    assert_eq!(app.db.run_time_rules(t0 + 2 * DAY).await.unwrap(), 0);
    assert!(fields_of(app, &sanne, lead).await.unwrap().get("groups").is_none());
    // Four days later it fires (for every quiet lead, this one included)…
    assert!(app.db.run_time_rules(t0 + 4 * DAY).await.unwrap() > 0);
    assert_eq!(fields_of(app, &sanne, lead).await.unwrap()["groups"], json!(["event_2027"]));
    // …once per period: not again at the same moment, nor the day after.
    assert_eq!(app.db.run_time_rules(t0 + 4 * DAY).await.unwrap(), 0);
    assert_eq!(app.db.run_time_rules(t0 + 5 * DAY).await.unwrap(), 0);
    let h = history(app, &sanne, lead).await;
    assert_eq!(h.iter().filter(|e| e["rule"] == "stale").count(), 1);
}

async fn rules_fire_exactly_once_under_replayed_pushes_and_loops_end(app: &TestApp) {
    save_rules(
        app,
        &[
            rule(
                "task_on_create",
                Event::Created,
                vec![RuleAction::CreateTask { subject: "First call".into(), due_in_days: 1, assignee: None }],
            ),
            // A ping-pong: each undoes the other; each fires once, then the chain stops.
            rule(
                "ping",
                Event::StageChanged { stage: "contacted".into() },
                vec![RuleAction::SetStage { stage: "qualified".into() }],
            ),
            rule(
                "pong",
                Event::StageChanged { stage: "qualified".into() },
                vec![RuleAction::SetStage { stage: "contacted".into() }],
            ),
        ],
    )
    .await;
    let mut sanne = Device::new(app, "sanne@veld.test").await;
    let lead = Uuid::now_v7();
    let create = sanne.mutation_of(
        RecordKind::Lead,
        Op::Create,
        lead,
        json!({"title": "Replayed lead", "stage": "new"}),
        &[],
        now_ms(),
    );
    assert_eq!(outcomes(&sanne.push_ok(app, std::slice::from_ref(&create)).await), ["applied"]);
    // The answer was lost; the device sends the same mutation again.
    assert_eq!(outcomes(&sanne.push_ok(app, &[create]).await), ["duplicate"]);
    assert_eq!(tasks_of(app, &sanne, lead).await.len(), 1, "the rule fired once");

    let step = sanne.mutation_of(RecordKind::Lead, Op::Update, lead, json!({"stage": "contacted"}), &[], now_ms());
    assert_eq!(outcomes(&sanne.push_ok(app, &[step]).await), ["applied"]);
    assert_eq!(fields_of(app, &sanne, lead).await.unwrap()["stage"], "contacted");
    let h = history(app, &sanne, lead).await;
    let rules: Vec<&str> = h.iter().filter_map(|e| e["rule"].as_str()).collect();
    assert_eq!(rules.iter().filter(|r| **r == "ping").count(), 1, "{rules:?}");
    assert_eq!(rules.iter().filter(|r| **r == "pong").count(), 1, "{rules:?}");

    // A chain of distinct rules stops at the depth limit.
    let chain: Vec<Rule> = (1..=5)
        .map(|i| {
            rule(
                &format!("step{i}"),
                Event::AddedToGroup { group: format!("g{i}") },
                vec![RuleAction::AddToGroup { group: format!("g{}", i + 1) }],
            )
        })
        .collect();
    save_rules(app, &chain).await;
    let start = sanne.mutation_of(RecordKind::Lead, Op::Update, lead, json!({"groups": ["g1"]}), &[], now_ms());
    assert_eq!(outcomes(&sanne.push_ok(app, &[start]).await), ["applied"]);
    let groups = fields_of(app, &sanne, lead).await.unwrap()["groups"].clone();
    assert_eq!(groups, json!(["g1", "g2", "g3", "g4"]), "the user's change and MAX_DEPTH = 3 automatic ones");
}

async fn scheduled_processes_close_inactive_opportunities_refresh_leads_and_report(app: &TestApp) {
    let mut admin = Device::new(app, "admin@veld.test").await;
    let processes = [
        ProcessDef {
            code: "close_quiet".into(),
            name: "Close quiet opportunities".into(),
            kind: ProcessKind::CloseInactive { days: 30, reason: "No activity for a month".into() },
            every_hours: 24,
            active: true,
        },
        ProcessDef {
            code: "refresh".into(),
            name: "Refresh leads".into(),
            kind: ProcessKind::RefreshLeads,
            every_hours: 0,
            active: true,
        },
    ];
    let ms: Vec<_> = processes
        .iter()
        .map(|p| {
            admin.mutation_of(
                RecordKind::Process,
                Op::Create,
                Uuid::now_v7(),
                Value::Object(p.to_values()),
                &[],
                now_ms(),
            )
        })
        .collect();
    assert_eq!(outcomes(&admin.push_ok(app, &ms).await), ["applied", "applied"]);
    // An opportunity with a recent activity stays open; a quiet one closes as lost.
    let (busy, quiet) = (Uuid::now_v7(), Uuid::now_v7());
    let t0 = now_ms();
    let mut ms = Vec::new();
    for (id, title) in [(busy, "Busy deal"), (quiet, "Quiet deal")] {
        ms.push(admin.mutation_of(
            RecordKind::Opportunity,
            Op::Create,
            id,
            json!({"title": title, "stage": "proposal"}),
            &[],
            t0,
        ));
    }
    assert_eq!(outcomes(&admin.push_ok(app, &ms).await), ["applied", "applied"]);
    // Due: the daily one has never run, the on-demand one never is.
    let due: Vec<String> = app.db.due_processes(t0).await.unwrap().into_iter().map(|p| p.code).collect();
    assert_eq!(due, ["close_quiet"]);
    // Forty days on, the busy deal had an activity yesterday (made then, as a device would).
    let later = t0 + 40 * DAY;
    let activity = admin.mutation_of(
        RecordKind::Activity,
        Op::Create,
        Uuid::now_v7(),
        json!({"subject": "Call", "type": "call", "opportunity_id": busy.to_string()}),
        &[],
        later - DAY,
    );
    assert_eq!(outcomes(&admin.push_ok(app, &[activity]).await), ["applied"]);
    sqlx::query("UPDATE records SET updated_at = $1 WHERE kind = 'activity' AND data LIKE $2")
        .bind(later - DAY)
        .bind(format!("%{busy}%"))
        .execute(app.db.pool())
        .await
        .unwrap();
    let (run, changed) = app.db.run_process("close_quiet", later, "schedule").await.unwrap().unwrap();
    assert!(changed);
    assert!(run.items.iter().any(|i| i.record_id == quiet && i.note == "stage → lost"), "{run:?}");
    // The report says it field by field too, for the app to put in the user's language.
    let item = run.items.iter().find(|i| i.record_id == quiet).unwrap();
    assert!(item.changes.iter().any(|c| c.field == "stage" && c.new == "lost" && !c.old.is_null()), "{item:?}");
    assert!(!run.items.iter().any(|i| i.record_id == busy), "{run:?}");
    let quiet_now = fields_of(app, &admin, quiet).await.unwrap();
    assert_eq!(quiet_now["stage"], "lost");
    assert_eq!(quiet_now["lost_reason"], "No activity for a month");
    assert_eq!(fields_of(app, &admin, busy).await.unwrap()["stage"], "proposal");
    assert!(app.db.due_processes(later + DAY / 2).await.unwrap().is_empty(), "ran less than a day ago");

    // Refresh leads, on demand over HTTP: the lead takes its company's current name.
    let (company, lead) = (Uuid::now_v7(), Uuid::now_v7());
    let ms = vec![
        admin.mutation_of(
            RecordKind::Company,
            Op::Create,
            company,
            json!({"name": "Old name BV", "city": "Delft"}),
            &[],
            now_ms(),
        ),
        admin.mutation_of(
            RecordKind::Lead,
            Op::Create,
            lead,
            json!({"title": "Copy lead", "company_id": company.to_string()}),
            &[],
            now_ms(),
        ),
    ];
    assert_eq!(outcomes(&admin.push_ok(app, &ms).await), ["applied", "applied"]);
    let run_now = |d: &Device| d.client.post(app.url("/api/automation/processes/refresh/run")).send();
    let first: Value = run_now(&admin).await.unwrap().json().await.unwrap();
    assert!(first["items"].as_array().unwrap().iter().any(|i| i["record_id"] == lead.to_string()), "{first}");
    assert_eq!(fields_of(app, &admin, lead).await.unwrap()["company_name"], "Old name BV");
    let rename =
        admin.mutation_of(RecordKind::Company, Op::Update, company, json!({"name": "New name BV"}), &[], now_ms());
    assert_eq!(outcomes(&admin.push_ok(app, &[rename]).await), ["applied"]);
    let second: Value = run_now(&admin).await.unwrap().json().await.unwrap();
    assert_eq!(second["trigger"], "manual");
    assert_eq!(fields_of(app, &admin, lead).await.unwrap()["company_name"], "New name BV");
    // The reports are kept; only administrators run processes or read them.
    let runs: Vec<Value> =
        admin.client.get(app.url("/api/automation/runs")).send().await.unwrap().json().await.unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs.iter().filter(|r| r["process"] == "refresh" && r["trigger"] == "manual").count(), 2);
    // Newest first (the scheduled run was made with the clock forty days on).
    assert_eq!(runs[0]["process"], "close_quiet");
    let sanne = Device::new(app, "sanne@veld.test").await;
    expect_error(run_now(&sanne).await.unwrap(), 403, "forbidden").await;
    expect_error(
        admin.client.post(app.url("/api/automation/processes/nope/run")).send().await.unwrap(),
        404,
        "not_found",
    )
    .await;
}

async fn recurring_opportunities_need_a_completion_date(app: &TestApp) {
    let mut sanne = Device::new(app, "sanne@veld.test").await;
    let base = Uuid::now_v7();
    let create = sanne.mutation_of(
        RecordKind::Opportunity,
        Op::Create,
        base,
        json!({"title": "Maintenance contract", "stage": "negotiation", "expected_revenue": 1200}),
        &[],
        now_ms(),
    );
    assert_eq!(outcomes(&sanne.push_ok(app, &[create]).await), ["applied"]);
    let url = app.url(&format!("/api/opportunities/{base}/recurring"));
    let res = sanne.client.post(&url).json(&json!({"every_months": 3, "count": 2})).send().await.unwrap();
    let body = expect_error(res, 422, "validation").await;
    assert_eq!(body["field"], "completion_date");
    assert!(body["message"].as_str().unwrap().contains("no completion date"), "{body}");
    let set = sanne.mutation_of(
        RecordKind::Opportunity,
        Op::Update,
        base,
        json!({"completion_date": "2026-11-30"}),
        &[],
        now_ms(),
    );
    assert_eq!(outcomes(&sanne.push_ok(app, &[set]).await), ["applied"]);
    let res = sanne.client.post(&url).json(&json!({"every_months": 3, "count": 2})).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let created: Value = res.json().await.unwrap();
    let ids = created["created"].as_array().unwrap();
    assert_eq!(ids.len(), 2);
    let first = fields_of(app, &sanne, ids[0].as_str().unwrap().parse().unwrap()).await.unwrap();
    assert_eq!(first["expected_close_date"], "2027-02-28");
    assert_eq!(first["expected_revenue"], 1200);
    assert_eq!(first["recurs_from"], base.to_string());
    let bad = sanne.client.post(&url).json(&json!({"every_months": 0, "count": 2})).send().await.unwrap();
    expect_error(bad, 422, "validation").await;
    // A linked contact blocked since: the next opportunities are refused with the rule's reason
    // (a 422, not a 500), and none is made.
    let contact = Uuid::now_v7();
    let made = [
        sanne.mutation_of(
            RecordKind::Contact,
            Op::Create,
            contact,
            json!({"last_name": "Bakker", "email": "b@example.com"}),
            &[],
            now_ms(),
        ),
        sanne.mutation_of(
            RecordKind::Opportunity,
            Op::Update,
            base,
            json!({"contacts": [{"id": contact.to_string(), "role": "user"}]}),
            &[],
            now_ms(),
        ),
        sanne.mutation_of(
            RecordKind::Contact,
            Op::Update,
            contact,
            json!({"blocked": true, "blocked_reason": "GDPR"}),
            &[],
            now_ms(),
        ),
    ];
    assert_eq!(outcomes(&sanne.push_ok(app, &made).await), ["applied", "applied", "applied"]);
    let before = app.db.current_version().await.unwrap();
    let res = sanne.client.post(&url).json(&json!({"every_months": 3, "count": 2})).send().await.unwrap();
    let body = expect_error(res, 422, "validation").await;
    assert_eq!(body["field"], "contacts", "{body}");
    assert!(body["message"].as_str().unwrap().contains("blocked"), "{body}");
    assert_eq!(app.db.current_version().await.unwrap(), before, "nothing was stored");
    // Lotte (another office) cannot see the base opportunity.
    let lotte = Device::new(app, "lotte@veld.test").await;
    expect_error(
        lotte.client.post(&url).json(&json!({"every_months": 1, "count": 1})).send().await.unwrap(),
        404,
        "not_found",
    )
    .await;
}
