//! Sync throughput on SQLite, against a raw baseline on the same disk (run by scripts/bench.sh).
//! Prints one JSON object of figures: {"name": {"value", "unit", "target"}}.
//!
//! - push: N creates pushed in batches of 50 through `Db::push` (authorisation, merge
//!   bookkeeping, version counter, client state — one transaction per batch);
//! - raw: the same rows inserted with plain INSERTs, one transaction per 50;
//! - pull: 1,000 changes after a cursor, through `Db::pull`.

use serde_json::json;
use std::time::Instant;
use veld_domain::sync::{ClientId, Hlc, Mutation, Op, PROTOCOL_VERSION, PushRequest};
use veld_domain::{Email, Language, RecordKind};
use veld_server::db::{Db, NewUser, now_ms};

const N: u64 = 10_000;
const BATCH: u64 = 50;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let db = Db::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display())).await?;
    veld_server::demo::ensure_default_roles(&db).await?;
    let (office, _) = db.ensure_office("Bench").await?;
    let role = db.role_id("Administrator").await?.expect("built-in role");
    let user = NewUser {
        email: Email::parse("bench@veld.test").map_err(|e| anyhow::anyhow!("{e}"))?,
        name: "Bench".into(),
        language: Language::En,
        office,
        role,
        password_hash: "-".into(),
    };
    let user = db.insert_user(&user).await?.expect("new user");
    let (_, actor) = db.me(user, Default::default()).await?.expect("identity");
    let client = ClientId(uuid::Uuid::now_v7());

    let fields = |i: u64| -> std::collections::BTreeMap<String, serde_json::Value> {
        [
            ("title".to_owned(), json!(format!("Opportunity {i}"))),
            ("stage".to_owned(), json!("proposal")),
            ("expected_revenue".to_owned(), json!(i * 10)),
        ]
        .into_iter()
        .collect()
    };
    let start = Instant::now();
    for batch in 0..N / BATCH {
        let mutations = (1..=BATCH)
            .map(|k| {
                let id = batch * BATCH + k;
                Mutation {
                    id,
                    kind: RecordKind::Opportunity,
                    record_id: uuid::Uuid::now_v7(),
                    op: Op::Create,
                    fields: fields(id),
                    base_versions: Default::default(),
                    hlc: Hlc { wall_ms: now_ms(), counter: 0, client },
                }
            })
            .collect();
        let request = PushRequest { protocol: PROTOCOL_VERSION, client_id: client, mutations };
        db.push(&actor, &request, now_ms()).await.map_err(|e| anyhow::anyhow!("push: {e}"))?;
    }
    let push_secs = start.elapsed().as_secs_f64();

    // The baseline: the same rows, plain INSERTs, same batch size, same database file.
    sqlx::query(
        "CREATE TABLE raw (id TEXT PRIMARY KEY, kind TEXT, owner_id TEXT, office_id TEXT, data TEXT, version BIGINT)",
    )
    .execute(db.pool())
    .await?;
    let start = Instant::now();
    for batch in 0..N / BATCH {
        let mut tx = db.pool().begin().await?;
        for k in 1..=BATCH {
            let i = batch * BATCH + k;
            let data = serde_json::to_string(&fields(i))?;
            sqlx::query(
                "INSERT INTO raw (id, kind, owner_id, office_id, data, version) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(uuid::Uuid::now_v7().to_string())
            .bind("opportunity")
            .bind(user.to_string())
            .bind(office.to_string())
            .bind(data)
            .bind(i as i64)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    }
    let raw_secs = start.elapsed().as_secs_f64();

    let head = db.pull(&actor, client, 0, 0, u32::MAX, now_ms()).await?.cursor;
    let runs = 10;
    let start = Instant::now();
    let mut changes = 0;
    for _ in 0..runs {
        changes = db.pull(&actor, client, head - 1_000, 0, u32::MAX, now_ms()).await?.changes.len();
    }
    let pull_ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    anyhow::ensure!(changes == 1_000, "the pull returned {changes} changes");

    let push_rate = N as f64 / push_secs;
    let raw_rate = N as f64 / raw_secs;
    let round = |x: f64, places: i32| (x * 10f64.powi(places)).round() / 10f64.powi(places);
    let figures = json!({
        "sync.push.sqlite.mutations_per_s": { "value": round(push_rate, 0), "unit": "1/s", "target": ">= 5000" },
        "sync.push.sqlite.raw_inserts_per_s": { "value": round(raw_rate, 0), "unit": "1/s", "target": null },
        "sync.push.sqlite.ratio_to_raw": { "value": round(push_rate / raw_rate, 2), "unit": "x", "target": ">= 0.3" },
        "sync.pull.1000_changes": { "value": round(pull_ms, 1), "unit": "ms", "target": "<= 50" },
    });
    println!("{figures}");
    Ok(())
}
