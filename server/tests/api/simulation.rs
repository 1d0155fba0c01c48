//! The sync simulation (`veld_domain::sync::sim`) against the real server over HTTP, on SQLite
//! and PostgreSQL: the same random creates, edits, owner changes and deletes, lost, delayed,
//! duplicated and reordered deliveries and skewed clocks as the in-memory thousand seeds, here
//! through the real push and pull handlers and SQL. `VELD_SIM_HTTP_SEEDS` sets the number of
//! seeds per database (default 5); a failure names its seed.

use crate::helpers::TestApp;
use crate::on_both_databases;
use reqwest::Client;
use tokio::runtime::Handle;
use uuid::Uuid;
use veld_domain::Actor;
use veld_domain::api::Me;
use veld_domain::sync::sim::{Cast, Refusal, SimServer, run};
use veld_domain::sync::{ClientId, PullResponse, PushRequest, PushResponse, StoredRecord};
use veld_server::db::{ConflictFilter, Db};

on_both_databases!(random_sessions_converge_on_the_real_server);

const USERS: [&str; 5] = ["admin@veld.test", "sanne@veld.test", "tom@veld.test", "pieter@veld.test", "lotte@veld.test"];

struct HttpServer {
    handle: Handle,
    base: String,
    clients: Vec<Client>,
    db: Db,
}

impl SimServer for HttpServer {
    fn push(&mut self, who: usize, request: &PushRequest) -> Result<PushResponse, Refusal> {
        let res = self
            .handle
            .block_on(self.clients[who].post(format!("{}/api/sync/push", self.base)).json(request).send())
            .map_err(|e| Refusal::Other(e.to_string()))?;
        let status = res.status().as_u16();
        let body = self.handle.block_on(res.text()).map_err(|e| Refusal::Other(e.to_string()))?;
        match status {
            200 => serde_json::from_str(&body).map_err(|e| Refusal::Other(format!("{e}: {body}"))),
            409 => Err(Refusal::Gap(body)),
            _ => Err(Refusal::Other(format!("{status}: {body}"))),
        }
    }

    fn pull(&mut self, who: usize, client: ClientId, cursor: u64, acked: u64) -> Result<PullResponse, String> {
        let url = format!("{}/api/sync/pull?client_id={}&cursor={cursor}&acked={acked}", self.base, client.0);
        let res = self.handle.block_on(self.clients[who].get(url).send()).map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let body = self.handle.block_on(res.text()).map_err(|e| e.to_string())?;
        if status != 200 {
            return Err(format!("pull: {status}: {body}"));
        }
        serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))
    }

    fn now_ms(&mut self) -> i64 {
        veld_server::db::now_ms()
    }

    fn record(&mut self, id: Uuid) -> Option<StoredRecord> {
        self.handle.block_on(self.db.stored_record(id)).expect("read a record")
    }

    fn lost_values(&mut self, id: Uuid) -> Vec<(String, serde_json::Value)> {
        let log = self.handle.block_on(self.db.conflict_views(ConflictFilter::Record(id), i64::MAX));
        log.expect("read conflicts").into_iter().map(|c| (c.field, c.lost_value)).collect()
    }
}

async fn random_sessions_converge_on_the_real_server(app: &TestApp) {
    let mut clients = Vec::new();
    let mut actors = Vec::new();
    for email in USERS {
        let client = app.client_for(email).await;
        let me: Me = client.get(app.url("/api/me")).send().await.unwrap().json().await.unwrap();
        actors.push(Actor { user: me.user.id, office: me.office.id, permissions: me.permissions });
        clients.push(client);
    }
    // Mark (marketing) is another user records can be handed to.
    let marketing = app.client_for("mark@veld.test").await;
    let mark: Me = marketing.get(app.url("/api/me")).send().await.unwrap().json().await.unwrap();
    let cast = Cast::new(actors, vec![(mark.user.id, mark.office.id)]);
    let seeds: u64 = std::env::var("VELD_SIM_HTTP_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let mut server = HttpServer { handle: Handle::current(), base: app.url(""), clients, db: app.db.clone() };
    let started = std::time::Instant::now();
    let (server, total) = tokio::task::spawn_blocking(move || {
        let mut total = veld_domain::sync::sim::Report::default();
        for seed in 0..seeds {
            match run(seed, &cast, &mut server, Default::default()) {
                Ok(report) => total += report,
                Err(e) => panic!("seed {seed} failed on the real server: {e}"),
            }
        }
        (server, total)
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    drop(server);
    println!("simulation over HTTP: {seeds} seeds in {:.1} s: {total}", started.elapsed().as_secs_f64());
    assert_eq!(total.mutations, seeds * 5 * 200);
}
