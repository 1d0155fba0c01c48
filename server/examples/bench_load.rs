//! Load over HTTP against real server processes on PostgreSQL (run by scripts/bench.sh): 20
//! concurrent app clients on loopback, each pushing batches of 10 new opportunities and pulling
//! after every push, as the app does, for `VELD_LOAD_SECS` (default 60) — once against one
//! instance and once against three on the same database (clients spread over them). Prints one
//! JSON object of figures: pushed mutations per second and push and pull p50/p95 latency.
//!
//! Needs `VELD_SERVER_BIN` (the release server) and PostgreSQL at `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); prints `{}` without one.

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use veld_domain::RecordKind;
use veld_domain::sync::{ClientId, Hlc, Mutation, Op, PROTOCOL_VERSION, PullResponse, PushRequest};

const CLIENTS: usize = 20;
const BATCH: u64 = 10;
/// Users who may create opportunities (their own or their office's).
const USERS: [&str; 5] = ["admin@veld.test", "sanne@veld.test", "tom@veld.test", "lotte@veld.test", "pieter@veld.test"];

struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start(bin: &str, url: &str, dist: &std::path::Path, demo: bool) -> anyhow::Result<Instance> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut command = Command::new(bin);
    command.args(["serve", "--bind", &format!("127.0.0.1:{port}")]).arg("--dist").arg(dist);
    if demo {
        command.arg("--demo");
    }
    let child =
        command.env("DATABASE_URL", url).env("RUST_LOG", "warn").stdout(Stdio::null()).stderr(Stdio::null()).spawn()?;
    let instance = Instance { child, base: format!("http://127.0.0.1:{port}") };
    let http = reqwest::Client::new();
    let started = Instant::now();
    while http.get(format!("{}/api/health", instance.base)).send().await.is_err() {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(60), "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(instance)
}

/// What one client measured.
#[derive(Default)]
struct Measured {
    applied: u64,
    push_ms: Vec<f64>,
    pull_ms: Vec<f64>,
}

async fn client(base: String, email: &'static str, until: Instant) -> anyhow::Result<Measured> {
    let http = reqwest::Client::builder().cookie_store(true).build()?;
    loop {
        let res = http
            .post(format!("{base}/api/auth/login"))
            .json(&json!({ "email": email, "password": veld_server::demo::DEMO_PASSWORD }))
            .send()
            .await?;
        match res.status().as_u16() {
            200 => break,
            // Busy: come back as told.
            503 => tokio::time::sleep(Duration::from_secs(1)).await,
            other => anyhow::bail!("login: {other}"),
        }
    }
    let device = ClientId(uuid::Uuid::now_v7());
    let (mut next, mut cursor, mut out) = (1u64, 0u64, Measured::default());
    while Instant::now() < until {
        let mutations = (0..BATCH)
            .map(|k| Mutation {
                id: next + k,
                kind: RecordKind::Opportunity,
                record_id: uuid::Uuid::now_v7(),
                op: Op::Create,
                fields: [
                    ("title".to_owned(), json!(format!("Load {}", next + k))),
                    ("expected_revenue".to_owned(), json!(1000 + k)),
                ]
                .into_iter()
                .collect(),
                base_versions: Default::default(),
                hlc: Hlc { wall_ms: veld_server::db::now_ms(), counter: 0, client: device },
            })
            .collect();
        next += BATCH;
        let request = PushRequest { protocol: PROTOCOL_VERSION, client_id: device, mutations };
        let started = Instant::now();
        let res = http.post(format!("{base}/api/sync/push")).json(&request).send().await?;
        anyhow::ensure!(res.status() == 200, "push: {}", res.status());
        let body: Value = res.json().await?;
        out.push_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        out.applied +=
            body["results"].as_array().map_or(0, |r| r.iter().filter(|r| r["outcome"] == "applied").count()) as u64;
        let started = Instant::now();
        let url = format!("{base}/api/sync/pull?client_id={}&cursor={cursor}&limit=1000", device.0);
        let page: PullResponse = http.get(url).send().await?.json().await?;
        out.pull_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        cursor = page.cursor;
    }
    Ok(out)
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    values[((values.len() - 1) as f64 * p).round() as usize]
}

/// One run against `instances` processes on a fresh database: (mutations/s, push p50, push
/// p95, pull p50, pull p95).
async fn run(bin: &str, server: &str, instances: usize, secs: u64) -> anyhow::Result<[f64; 5]> {
    sqlx::any::install_default_drivers();
    let name = format!("veld_load_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::AnyPool::connect(server).await?;
    sqlx::query(&format!("CREATE DATABASE \"{name}\"")).execute(&admin).await?;
    let url = match server.rsplit_once('/') {
        Some((head, _)) => format!("{head}/{name}"),
        None => anyhow::bail!("DATABASE_URL has no database name"),
    };
    let dist = tempfile::tempdir()?;
    let mut running = vec![start(bin, &url, dist.path(), true).await?];
    for _ in 1..instances {
        running.push(start(bin, &url, dist.path(), false).await?);
    }
    let until = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|i| tokio::spawn(client(running[i % instances].base.clone(), USERS[i % USERS.len()], until)))
        .collect();
    let mut all = Measured::default();
    for task in tasks {
        let m = task.await??;
        all.applied += m.applied;
        all.push_ms.extend(m.push_ms);
        all.pull_ms.extend(m.pull_ms);
    }
    let elapsed = started.elapsed().as_secs_f64();
    drop(running);
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&admin).await?;
    Ok([
        all.applied as f64 / elapsed,
        percentile(&mut all.push_ms, 0.5),
        percentile(&mut all.push_ms, 0.95),
        percentile(&mut all.pull_ms, 0.5),
        percentile(&mut all.pull_ms, 0.95),
    ])
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let server =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let Ok(bin) = std::env::var("VELD_SERVER_BIN") else {
        anyhow::bail!("set VELD_SERVER_BIN to the release veld-server");
    };
    let secs = std::env::var("VELD_LOAD_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    if !server.starts_with("postgres") {
        eprintln!("notice: the load benchmark needs PostgreSQL at DATABASE_URL; skipped");
        println!("{{}}");
        return Ok(());
    }
    let round = |x: f64, places: i32| (x * 10f64.powi(places)).round() / 10f64.powi(places);
    let mut figures = serde_json::Map::new();
    for (instances, label) in [(1, "1_instance"), (3, "3_instances")] {
        let [rate, push50, push95, pull50, pull95] = run(&bin, &server, instances, secs).await?;
        let mut add = |name: &str, value: f64, unit: &str, target: Option<&str>| {
            figures
                .insert(format!("load.http.{label}.{name}"), json!({ "value": value, "unit": unit, "target": target }));
        };
        add("mutations_per_s", round(rate, 0), "1/s", (instances == 1).then_some(">= 3000"));
        add("push_p50_ms", round(push50, 1), "ms", None);
        add("push_p95_ms", round(push95, 1), "ms", (instances == 1).then_some("<= 100"));
        add("pull_p50_ms", round(pull50, 1), "ms", None);
        add("pull_p95_ms", round(pull95, 1), "ms", None);
    }
    println!("{}", Value::Object(figures));
    Ok(())
}
