//! CSV import throughput on SQLite, against a raw baseline on the same disk (run by
//! scripts/bench.sh). Prints one JSON object of figures: {"name": {"value", "unit", "target"}}.
//!
//! - import: 50,000 contact rows (`;`-separated, as Dutch Excel writes them; 2 % refused, 2 %
//!   duplicates by phone in another spelling) read, planned (the dry run) and run in batches
//!   through `Db::import_batch` — the record rules, history, versions, triggers;
//! - raw: the same file parsed by the same CSV crate and its rows inserted with plain INSERTs,
//!   one transaction per 500.

use serde_json::json;
use std::time::Instant;
use veld_domain::import::{ImportState, PlanRequest, read};
use veld_domain::{Email, Language, RecordKind};
use veld_server::db::{Db, NewUser, now_ms};

const N: usize = 50_000;

fn csv() -> String {
    let mut out = String::from("Voornaam;Achternaam;E-mail;Telefoon;Functie;Bedrijf\r\n");
    for i in 0..N {
        let company = format!("Bedrijf {}", i % 2_000);
        if i % 50 == 7 {
            out.push_str(&format!("Fout{i};Adres;geen-adres@;;Inkoper;{company}\r\n"));
        } else if i % 50 == 8 {
            // The previous row's person again, the phone spelled another way.
            out.push_str(&format!("Persoon{};Achternaam;;+31 6 2{:07};Inkoper;{company}\r\n", i - 1, i - 1));
        } else {
            out.push_str(&format!("Persoon{i};Achternaam;persoon{i}@example.com;06 2{i:07};Inkoper;{company}\r\n"));
        }
    }
    out
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let db = Db::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display())).await?;
    veld_server::demo::ensure_default_roles(&db).await?;
    db.ensure_default_config().await?;
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
    let file = csv();

    let start = Instant::now();
    let sheet = read(file.as_bytes()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let id = db.create_import(&actor, RecordKind::Contact, "bench.csv", sheet, now_ms()).await?;
    let view = db.import_view(&actor, id).await?;
    let planned =
        db.plan_import(&actor, id, &PlanRequest { mapping: view.suggested.clone(), match_on: None }, now_ms()).await?;
    let plan_secs = start.elapsed().as_secs_f64();
    db.start_import(&actor, id, now_ms()).await?;
    let plan = db.import_plan(id).await?.expect("running");
    while db.import_batch(id, &plan, &actor, now_ms()).await? {}
    let import_secs = start.elapsed().as_secs_f64();
    let done = db.import_view(&actor, id).await?;
    anyhow::ensure!(done.state == ImportState::Done, "the import did not finish");
    anyhow::ensure!(Some(done.result) == planned.planned, "the run did other than the dry run");

    // The baseline: the same file parsed by the same crate, plain INSERTs, 500 per transaction.
    sqlx::query("CREATE TABLE raw (id TEXT PRIMARY KEY, kind TEXT, owner_id TEXT, office_id TEXT, data TEXT)")
        .execute(db.pool())
        .await?;
    let start = Instant::now();
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(file.as_bytes());
    let headers = reader.headers()?.clone();
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    for chunk in rows.chunks(500) {
        let mut tx = db.pool().begin().await?;
        for row in chunk {
            let data: serde_json::Map<String, serde_json::Value> =
                headers.iter().zip(row.iter()).map(|(h, v)| (h.to_owned(), json!(v))).collect();
            sqlx::query("INSERT INTO raw (id, kind, owner_id, office_id, data) VALUES ($1, $2, $3, $4, $5)")
                .bind(uuid::Uuid::now_v7().to_string())
                .bind("contact")
                .bind(user.to_string())
                .bind(office.to_string())
                .bind(serde_json::to_string(&data)?)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    let raw_secs = start.elapsed().as_secs_f64();

    let rate = N as f64 / import_secs;
    let raw_rate = N as f64 / raw_secs;
    let round = |x: f64, places: i32| (x * 10f64.powi(places)).round() / 10f64.powi(places);
    let figures = json!({
        "import.rows_per_s": { "value": round(rate, 0), "unit": "1/s", "target": ">= 2000" },
        "import.dry_run_ms": { "value": round(plan_secs * 1000.0, 0), "unit": "ms", "target": null },
        "import.raw_rows_per_s": { "value": round(raw_rate, 0), "unit": "1/s", "target": null },
        "import.ratio_to_raw": { "value": round(rate / raw_rate, 2), "unit": "x", "target": null },
    });
    println!("{figures}");
    Ok(())
}
