//! The sync simulation (`veld_domain::sync::sim`) against the real server over HTTP, on SQLite
//! and PostgreSQL: the same random creates, edits, owner changes and deletes, lost, delayed,
//! duplicated and reordered deliveries and skewed clocks as the in-memory thousand seeds, here
//! through the real push and pull handlers and SQL, with each seed's trigger rules
//! (`sim::rules_for`) saved by the administrator first, so the server's own automation runs
//! under the same invariants. `VELD_SIM_HTTP_SEEDS` sets the number of seeds per database
//! (default 5); a failure names its seed.

use crate::helpers::TestApp;
use crate::on_both_databases;
use reqwest::Client;
use sqlx::Row;
use tokio::runtime::Handle;
use uuid::Uuid;
use veld_domain::Actor;
use veld_domain::RecordKind;
use veld_domain::api::FieldChange;
use veld_domain::api::Me;
use veld_domain::sync::sim::{Automatic, Cast, Refusal, SimServer, rules_for, run};
use veld_domain::sync::{
    ClientId, Hlc, Mutation, MutationOutcome, Op, PROTOCOL_VERSION, PullResponse, PushRequest, PushResponse,
    StoredRecord,
};
use veld_server::db::{ConflictFilter, Db};

on_both_databases!(random_sessions_converge_on_the_real_server);

/// The same over three server instances on one PostgreSQL database, each device talking to
/// its own instance.
#[tokio::test]
async fn random_sessions_converge_across_three_instances() {
    let Some(app) = TestApp::spawn(crate::helpers::Backend::Postgres).await else { return };
    let bases = vec![app.url(""), app.another_instance().await, app.another_instance().await];
    converge(&app, bases, "3 instances on PostgreSQL").await;
    app.cleanup().await;
}

const USERS: [&str; 5] = ["admin@veld.test", "sanne@veld.test", "tom@veld.test", "pieter@veld.test", "lotte@veld.test"];

struct HttpServer {
    handle: Handle,
    /// The server instances; device `who` talks to `bases[who % len]`.
    bases: Vec<String>,
    clients: Vec<Client>,
    db: Db,
    /// The version the current seed started at: what the rules did since is its.
    start: u64,
}

impl HttpServer {
    fn base(&self, who: usize) -> &str {
        &self.bases[who % self.bases.len()]
    }

    /// The administrator replaces the previous seed's trigger rules (`old`) with this seed's;
    /// returns the new rules' record ids.
    fn save_rules(&mut self, seed: u64, cast: &Cast, old: &[Uuid]) -> Vec<Uuid> {
        let client = ClientId(Uuid::now_v7());
        let now = veld_server::db::now_ms();
        let mut mutations = Vec::new();
        let mut add = |kind, record_id, op, fields: serde_json::Map<String, serde_json::Value>| {
            let hlc = Hlc { wall_ms: now, counter: mutations.len() as u32, client };
            let fields = fields.into_iter().collect();
            let id = mutations.len() as u64 + 1;
            mutations.push(Mutation { id, kind, record_id, op, fields, base_versions: Default::default(), hlc });
        };
        for id in old {
            add(RecordKind::Rule, *id, Op::Delete, Default::default());
        }
        let mut ids = Vec::new();
        for mut rule in rules_for(seed, cast) {
            // Unique per seed: a rule never fires on a chain its own code is in.
            rule.code = format!("s{seed}-{}", rule.code);
            let id = Uuid::now_v7();
            add(RecordKind::Rule, id, Op::Create, rule.to_values());
            ids.push(id);
        }
        if !mutations.is_empty() {
            let request = PushRequest { protocol: PROTOCOL_VERSION, client_id: client, mutations };
            let response = self.push(0, &request).expect("the administrator saves the rules");
            let refused: Vec<_> =
                response.results.iter().filter(|r| matches!(r.outcome, MutationOutcome::Rejected { .. })).collect();
            assert!(refused.is_empty(), "rules refused: {refused:?}");
        }
        self.start = self.handle.block_on(self.db.current_version()).expect("read the version");
        ids
    }
}

impl SimServer for HttpServer {
    fn push(&mut self, who: usize, request: &PushRequest) -> Result<PushResponse, Refusal> {
        let res = self
            .handle
            .block_on(self.clients[who].post(format!("{}/api/sync/push", self.base(who))).json(request).send())
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
        let url = format!("{}/api/sync/pull?client_id={}&cursor={cursor}&acked={acked}", self.base(who), client.0);
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

    /// What the rules did since the seed started, from the history they wrote (each automatic
    /// change names its rule).
    fn automatic(&mut self) -> Automatic {
        let query = sqlx::query(
            "SELECT record_id, op, changes FROM record_history WHERE rule IS NOT NULL AND version > $1 ORDER BY version",
        )
        .bind(self.start as i64);
        let rows = self.handle.block_on(query.fetch_all(self.db.pool())).expect("read the history");
        let mut automatic = Automatic::default();
        for row in rows {
            let id: Uuid = row.try_get::<String, _>(0).unwrap().parse().unwrap();
            let op: String = row.try_get(1).unwrap();
            let changes: Vec<FieldChange> = serde_json::from_str(&row.try_get::<String, _>(2).unwrap()).unwrap();
            automatic.versions += 1;
            if op == "create" {
                automatic.records.push(id);
            }
            automatic.saw.extend(changes.into_iter().filter(|c| !c.old.is_null()).map(|c| (id, c.field, c.old)));
        }
        automatic
    }

    fn lost_values(&mut self, id: Uuid) -> Vec<(String, serde_json::Value)> {
        let log = self.handle.block_on(self.db.conflict_views(ConflictFilter::Record(id), i64::MAX));
        log.expect("read conflicts").into_iter().map(|c| (c.field, c.lost_value)).collect()
    }
}

async fn random_sessions_converge_on_the_real_server(app: &TestApp) {
    converge(app, vec![app.url("")], "one instance").await;
}

/// Runs the simulation's seeds with the devices spread over `bases`.
async fn converge(app: &TestApp, bases: Vec<String>, label: &str) {
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
    let mut server = HttpServer { handle: Handle::current(), bases, clients, db: app.db.clone(), start: 0 };
    let started = std::time::Instant::now();
    let (server, total) = tokio::task::spawn_blocking(move || {
        let mut total = veld_domain::sync::sim::Report::default();
        let mut rules = Vec::new();
        for seed in 0..seeds {
            rules = server.save_rules(seed, &cast, &rules);
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
    println!("simulation over HTTP ({label}): {seeds} seeds in {:.1} s: {total}", started.elapsed().as_secs_f64());
    assert_eq!(total.mutations, seeds * 5 * 200);
    assert!(seeds < 3 || total.automatic > 0, "the trigger rules never fired: {total}");
}
