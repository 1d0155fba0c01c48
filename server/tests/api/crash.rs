//! Crash test: the real `veld-server` process is killed with SIGKILL at random moments while
//! three devices push batches, then restarted, over and over (`VELD_CRASH_KILLS`, default 100,
//! per database). After every restart:
//!
//! - no acknowledged write is lost: each device's last-applied id on the server is at least the
//!   highest id the server ever acknowledged to it;
//! - no batch is half-applied: the records each device created hold exactly the state its
//!   mutations 1..=last-applied produce — not one mutation more or less.

use crate::helpers::{Backend, PASSWORD, ServerProcess, TestDatabase, free_port};
use rand::{Rng, SeedableRng};
use reqwest::Client;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use uuid::Uuid;
use veld_domain::RecordKind;
use veld_domain::sync::{
    ClientId, Hlc, Mutation, MutationOutcome, Op, PROTOCOL_VERSION, PullResponse, PushRequest, PushResponse, Replica,
    apply_changes,
};

/// SIGKILLs per run (`VELD_CRASH_KILLS`, default 100).
fn kills() -> usize {
    std::env::var("VELD_CRASH_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(100)
}

#[tokio::test]
async fn sigkill_during_pushes_loses_nothing_acknowledged_on_sqlite() {
    let db = TestDatabase::create(Backend::Sqlite).await.expect("SQLite always runs");
    crash_loop(&db, "sqlite", 1, kills()).await;
}

#[tokio::test]
async fn sigkill_during_pushes_loses_nothing_acknowledged_on_postgres() {
    let Some(db) = TestDatabase::create(Backend::Postgres).await else { return };
    crash_loop(&db, "postgres", 1, kills()).await;
    db.drop_database().await;
}

/// Three instances on one PostgreSQL database, the devices spread over them; each round one
/// instance (at random) is killed mid-push and its devices go on through another, as behind a
/// load balancer.
#[tokio::test]
async fn sigkill_of_one_of_three_instances_loses_nothing_acknowledged() {
    let Some(db) = TestDatabase::create(Backend::Postgres).await else { return };
    crash_loop(&db, "postgres, 3 instances", 3, kills().div_ceil(4)).await;
    db.drop_database().await;
}

const DEVICES: [&str; 3] = ["admin@veld.test", "sanne@veld.test", "pieter@veld.test"];
const BATCH: u64 = 20;

struct Device {
    http: Client,
    /// Everything this device queued, in order (ids 1..).
    made: Vec<Mutation>,
    /// The highest id the server has acknowledged.
    acked: u64,
    /// The records this device created.
    own: Vec<Uuid>,
    client: ClientId,
    index: usize,
}

impl Device {
    fn queue_batch(&mut self, rng: &mut rand::rngs::StdRng) {
        for _ in 0..BATCH {
            let id = self.made.len() as u64 + 1;
            let hlc = Hlc { wall_ms: veld_server::db::now_ms(), counter: id as u32, client: self.client };
            let (record_id, op, fields) = if self.own.is_empty() || rng.gen_bool(0.3) {
                let record = Uuid::now_v7();
                self.own.push(record);
                (record, Op::Create, json!({ "device": self.index, "title": format!("d{}-{id}", self.index) }))
            } else {
                let record = self.own[rng.gen_range(0..self.own.len())];
                (record, Op::Update, json!({ "title": format!("d{}-{id}", self.index), "step": id }))
            };
            self.made.push(Mutation {
                id,
                kind: RecordKind::Opportunity,
                record_id,
                op,
                fields: fields.as_object().unwrap().clone().into_iter().collect(),
                base_versions: BTreeMap::new(),
                hlc,
            });
        }
    }

    /// The state mutations 1..=n produce: per record, its fields.
    fn expected(&self, n: u64) -> BTreeMap<Uuid, BTreeMap<String, Value>> {
        let mut state: BTreeMap<Uuid, BTreeMap<String, Value>> = BTreeMap::new();
        for m in self.made.iter().take(n as usize) {
            let fields = state.entry(m.record_id).or_default();
            fields.extend(m.fields.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        state
    }
}

/// Pushes unacknowledged batches until the server stops answering.
async fn push_until_dead(base: String, mut device: Device, seed: u64, stop: Arc<AtomicBool>) -> Device {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    while !stop.load(Ordering::Relaxed) {
        if device.made.len() as u64 <= device.acked {
            device.queue_batch(&mut rng);
        }
        let mutations: Vec<Mutation> =
            device.made.iter().skip(device.acked as usize).take(BATCH as usize).cloned().collect();
        let request = PushRequest { protocol: PROTOCOL_VERSION, client_id: device.client, mutations };
        let sent = device.http.post(format!("{base}/api/sync/push")).json(&request).send().await;
        let Ok(res) = sent else { break };
        let Ok(body) = res.json::<PushResponse>().await else { break };
        for r in &body.results {
            assert!(
                !matches!(r.outcome, MutationOutcome::Rejected { .. }),
                "device {} mutation {} refused: {:?}",
                device.index,
                r.id,
                r.outcome
            );
        }
        device.acked = device.acked.max(body.last_applied);
    }
    device
}

async fn wait_for_health(http: &Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(res) = http.get(format!("{base}/api/health")).send().await
            && res.status().is_success()
        {
            return;
        }
        assert!(Instant::now() < deadline, "the server did not come back within 60 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn pull(http: &Client, base: &str, client: ClientId, cursor: u64) -> PullResponse {
    let url = format!("{base}/api/sync/pull?client_id={}&cursor={cursor}", client.0);
    let res = http.get(url).send().await.expect("pull");
    assert_eq!(res.status(), 200, "pull after restart");
    res.json().await.expect("pull body")
}

/// Each device's last applied mutation id, as the server says.
async fn last_applied(devices: &[Device], base: &str, cursor: u64) -> Vec<u64> {
    let mut out = Vec::with_capacity(devices.len());
    for d in devices {
        out.push(pull(&d.http, base, d.client, cursor).await.last_applied);
    }
    out
}

async fn crash_loop(db: &TestDatabase, name: &str, instances: usize, kills: usize) {
    let ports: Vec<u16> = (0..instances).map(|_| free_port()).collect();
    let bases: Vec<String> = ports.iter().map(|p| format!("http://127.0.0.1:{p}")).collect();
    let base = bases[0].clone();
    let mut rng = rand::rngs::StdRng::seed_from_u64(kills as u64);
    let started = Instant::now();

    let probe = Client::new();
    let mut servers = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        servers.push(Some(ServerProcess::spawn(db, *port, if i == 0 { &["--demo"] } else { &[] })));
        wait_for_health(&probe, &bases[i]).await;
    }
    let mut devices = Vec::new();
    for (index, email) in DEVICES.iter().enumerate() {
        let http = Client::builder().cookie_store(true).build().unwrap();
        let res = http
            .post(format!("{base}/api/auth/login"))
            .json(&json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "login {email}");
        let client = ClientId(Uuid::now_v7());
        devices.push(Device { http, made: Vec::new(), acked: 0, own: Vec::new(), client, index });
    }
    // The checker: an administrator's replica, pulled incrementally after each restart.
    let checker_http = devices[0].http.clone();
    let checker_id = ClientId(Uuid::now_v7());
    let mut checker = Replica::new(checker_id, veld_domain::UserId::new(), veld_domain::OfficeId::new());

    let mut mid_batch_kills = 0;
    for round in 0..kills {
        let stop = Arc::new(AtomicBool::new(false));
        // Each device on its instance; one instance dies; then each device goes on elsewhere.
        let tasks: Vec<_> = devices
            .drain(..)
            .map(|d| {
                let at = bases[(d.index + round) % instances].clone();
                tokio::spawn(push_until_dead(at, d, rng.r#gen(), stop.clone()))
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(rng.gen_range(20..200))).await;
        let victim = rng.gen_range(0..instances);
        servers[victim].take().expect("running").kill();
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            devices.push(t.await.expect("device task"));
        }
        servers[victim] = Some(ServerProcess::spawn(db, ports[victim], &[]));
        wait_for_health(&probe, &bases[victim]).await;

        // The killed server may have sent a COMMIT that the database reads only after the server
        // died (PostgreSQL: the message waits in the dead connection's socket), so one last
        // transaction can still land now. Compare records and last-applied ids at one moment:
        // read the ids around a full pull until they stay the same.
        let applied_ids = loop {
            let before = last_applied(&devices, &base, checker.cursor).await;
            loop {
                let page = pull(&checker_http, &base, checker_id, checker.cursor).await;
                checker.cursor = page.cursor;
                apply_changes(&mut checker.records, page.changes);
                if !page.more {
                    break;
                }
            }
            let after = last_applied(&devices, &base, checker.cursor).await;
            if after == before {
                break after;
            }
        };
        for (d, applied) in devices.iter().zip(applied_ids) {
            assert!(
                applied >= d.acked,
                "{name}, kill {round}: device {} was acknowledged up to {} but the server has only {applied}",
                d.index,
                d.acked
            );
            if applied > d.acked {
                mid_batch_kills += 1; // applied, but the answer died with the server
            }
            let expected = d.expected(applied);
            let actual: BTreeMap<Uuid, BTreeMap<String, Value>> = checker
                .records
                .values()
                .filter(|r| r.fields.get("device").is_some_and(|f| f.value == json!(d.index)))
                // (Less the number the server gives each new opportunity.)
                .map(|r| {
                    let fields = r.fields.iter().filter(|(k, _)| k.as_str() != "number");
                    (r.id, fields.map(|(k, f)| (k.clone(), f.value.clone())).collect())
                })
                .collect();
            assert!(
                actual == expected,
                "{name}, kill {round}: device {}'s records do not match its mutations 1..={applied} \
                 (a half-applied batch?): {} records expected, {} found",
                d.index,
                expected.len(),
                actual.len()
            );
        }
    }
    for server in servers.into_iter().flatten() {
        server.kill();
    }
    let total: usize = devices.iter().map(|d| d.acked as usize).sum();
    println!(
        "crash test ({name}): {kills} SIGKILLs in {:.1} s, {total} mutations acknowledged, 0 lost, 0 half-applied \
         ({mid_batch_kills} kills landed after a commit and before its answer)",
        started.elapsed().as_secs_f64()
    );
    assert!(total > 0, "nothing was pushed between kills");
}
