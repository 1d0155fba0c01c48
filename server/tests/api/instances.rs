//! Several stateless server instances on one PostgreSQL database (issue 12, scale-out): real
//! `veld-server` processes. A commit on one instance reaches the apps listening on another
//! (PostgreSQL `LISTEN/NOTIFY`); the schedule runs on one instance at a time (an advisory lock),
//! and when that instance is killed another takes over within a period, running each process
//! once; sessions made on one instance work on the others.

use crate::helpers::{Backend, PASSWORD, ServerProcess, TestDatabase};
use reqwest::Client;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use uuid::Uuid;
use veld_domain::RecordKind;
use veld_domain::automation::{ProcessDef, ProcessKind};
use veld_domain::sync::{ClientId, Hlc, Mutation, Op, PROTOCOL_VERSION, PushRequest};

async fn login(instance: &ServerProcess, email: &str) -> Client {
    let client = Client::builder().cookie_store(true).build().unwrap();
    let res = client
        .post(instance.url("/api/auth/login"))
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "login on {}", instance.base);
    client
}

async fn push(instance: &ServerProcess, client: &Client, device: ClientId, id: u64, kind: RecordKind, fields: Value) {
    let m = Mutation {
        id,
        kind,
        record_id: Uuid::now_v7(),
        op: Op::Create,
        fields: fields.as_object().unwrap().clone().into_iter().collect(),
        base_versions: Default::default(),
        hlc: Hlc { wall_ms: veld_server::db::now_ms(), counter: 0, client: device },
    };
    let req = PushRequest { protocol: PROTOCOL_VERSION, client_id: device, mutations: vec![m] };
    let res = client.post(instance.url("/api/sync/push")).json(&req).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["results"][0]["outcome"], "applied", "{body}");
}

/// Scheduled runs of `code` so far.
async fn runs(db: &sqlx::AnyPool, code: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM process_runs WHERE process_code = $1 AND trigger = 'schedule'")
        .bind(code)
        .fetch_one(db)
        .await
        .unwrap()
}

/// Waits (at most `limit`) until `code` has run `n` times on schedule.
async fn until_runs(db: &sqlx::AnyPool, code: &str, n: i64, limit: Duration) -> Duration {
    let started = Instant::now();
    while runs(db, code).await < n {
        assert!(started.elapsed() < limit, "{code} ran {} times, not {n}, within {limit:?}", runs(db, code).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    started.elapsed()
}

#[tokio::test]
async fn three_instances_share_changes_sessions_and_one_schedule() {
    let Some(db) = TestDatabase::create(Backend::Postgres).await else { return };
    // A starts alone (loading the demo data) and so takes the schedule; B and C join.
    let every_second = ["--automation-secs", "1"];
    let a = ServerProcess::start(&db, &["--automation-secs", "1", "--demo"]).await;
    let b = ServerProcess::start(&db, &every_second).await;
    let c = ServerProcess::start(&db, &every_second).await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();

    // A session made on B works on C.
    let admin = login(&b, "admin@veld.test").await;
    let me = admin.get(c.url("/api/me")).send().await.unwrap();
    assert_eq!(me.status(), 200, "a session from B on C");

    // An app listening on C hears of a commit made on A within 2 s.
    let listener = login(&c, "sanne@veld.test").await;
    let mut events = listener.get(c.url("/api/sync/events")).send().await.unwrap();
    assert_eq!(events.status(), 200);
    let writer = login(&a, "sanne@veld.test").await;
    let device = ClientId(Uuid::now_v7());
    let pushed = Instant::now();
    push(&a, &writer, device, 1, RecordKind::Opportunity, json!({ "title": "Heard across instances" })).await;
    let heard = tokio::time::timeout(Duration::from_secs(2), async {
        let mut seen = String::new();
        while !seen.contains("event: change") {
            let chunk = events.chunk().await.unwrap().expect("the stream stays open");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await;
    assert!(heard.is_ok(), "no change event on C within 2 s of A's commit");
    println!("a commit on A was heard on C after {} ms", pushed.elapsed().as_millis());

    // A process due now runs once, though three instances tick every second.
    let process = ProcessDef {
        code: "refresh_hourly".into(),
        name: "Refresh leads".into(),
        kind: ProcessKind::RefreshLeads,
        every_hours: 24,
        active: true,
    };
    let admin_device = ClientId(Uuid::now_v7());
    push(&b, &admin, admin_device, 1, RecordKind::Process, Value::Object(process.to_values())).await;
    until_runs(&pool, "refresh_hourly", 1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(runs(&pool, "refresh_hourly").await, 1, "three instances, one run");

    // The instance running the schedule dies; another takes over within a period or two and
    // runs the process (due again) once.
    a.kill();
    sqlx::query("DELETE FROM process_runs").execute(&pool).await.unwrap();
    let took = until_runs(&pool, "refresh_hourly", 1, Duration::from_secs(10)).await;
    println!("after the scheduling instance was killed, another ran the process after {} ms", took.as_millis());
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(runs(&pool, "refresh_hourly").await, 1, "two instances, one run");
    drop((b, c));
    pool.close().await;
    db.drop_database().await;
}
