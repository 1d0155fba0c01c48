//! Test harness: a real server on 127.0.0.1:0 over a fresh database — a SQLite file in a temp
//! directory, or a new PostgreSQL database when `DATABASE_URL` points at a server.

use reqwest::Client;
use serde_json::{Value, json};
use std::net::SocketAddr;
use tempfile::TempDir;
use veld_server::config::ServeArgs;
use veld_server::db::Db;
use veld_server::{AppState, demo};

pub const PASSWORD: &str = demo::DEMO_PASSWORD;

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    /// The database's URL (another instance connects to it).
    url: String,
    settings: ServeArgs,
    /// Holds the SQLite file and the fake dist until the test ends.
    _dir: TempDir,
    pg_database: Option<(String, String)>,
}

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The server's own URL for PostgreSQL tests, if this machine has one configured.
fn postgres_url() -> Option<String> {
    std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres"))
}

/// Replaces the database name in a `postgres://…/name?params` URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let root = match base.rfind('/') {
        Some(i) if base[..i].contains("://") && i > base.find("://").unwrap_or(0) + 2 => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

async fn admin_connection(url: &str) -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url).await.expect("connect to the PostgreSQL server named by DATABASE_URL")
}

/// When a test database was made: its name ends in a UUIDv7, whose first 48 bits are the
/// creation time in milliseconds.
fn created_ms(name: &str) -> Option<i64> {
    i64::from_str_radix(name.strip_prefix("veld_t_")?.get(..12)?, 16).ok()
}

/// Drops databases left by earlier, interrupted runs (once per test process). Only those over an
/// hour old: another test process may be running right now.
async fn drop_leftovers(url: &str) {
    static DONE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    DONE.get_or_init(|| async {
        use sqlx::Row;
        let mut conn = admin_connection(url).await;
        let rows = sqlx::query("SELECT datname::text FROM pg_database WHERE datname LIKE 'veld_t_%'")
            .fetch_all(&mut conn)
            .await
            .expect("list test databases");
        let hour_ago = veld_server::db::now_ms() - 60 * 60 * 1000;
        for row in rows {
            let name: String = row.get(0);
            if created_ms(&name).is_none_or(|t| t > hour_ago) {
                continue;
            }
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn).await;
        }
    })
    .await;
}

/// A fresh, empty database: a SQLite file in a temp directory, or a new PostgreSQL database.
pub struct TestDatabase {
    pub url: String,
    pub dir: TempDir,
    pg_database: Option<(String, String)>,
}

impl TestDatabase {
    /// `None` (with a printed notice) for PostgreSQL when none is configured.
    pub async fn create(backend: Backend) -> Option<TestDatabase> {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, pg_database) = match backend {
            Backend::Sqlite => (format!("sqlite://{}?mode=rwc", dir.path().join("veld.db").display()), None),
            Backend::Postgres => {
                let Some(server) = postgres_url() else {
                    assert!(
                        std::env::var_os("VELD_REQUIRE_POSTGRES").is_none(),
                        "VELD_REQUIRE_POSTGRES is set but DATABASE_URL does not point at PostgreSQL"
                    );
                    eprintln!("notice: skipping a PostgreSQL test: DATABASE_URL does not point at PostgreSQL");
                    return None;
                };
                drop_leftovers(&server).await;
                let name = format!("veld_t_{}", uuid::Uuid::now_v7().simple());
                let mut conn = admin_connection(&server).await;
                sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                (with_database(&server, &name), Some((server, name)))
            }
        };
        Some(TestDatabase { url, dir, pg_database })
    }

    /// Drops a PostgreSQL database (the SQLite file goes with the temp directory).
    pub async fn drop_database(&self) {
        if let Some((server, name)) = &self.pg_database {
            let mut conn = admin_connection(server).await;
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn).await;
        }
    }
}

impl TestApp {
    /// Starts a server; `None` (with a printed notice) for PostgreSQL when none is configured.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        TestApp::spawn_with(backend, ServeArgs::default()).await
    }

    /// A server started with `settings` (its `dist` is the test's own).
    pub async fn spawn_with(backend: Backend, settings: ServeArgs) -> Option<TestApp> {
        let TestDatabase { url, dir, pg_database } = TestDatabase::create(backend).await?;
        let db = Db::connect(&url).await.expect("connect and migrate");
        demo::ensure_default_roles(&db).await.expect("default roles");
        db.ensure_default_config().await.expect("default configuration");
        demo::load(&db).await.expect("demo data");

        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "<!doctype html><title>Veld</title>").unwrap();
        std::fs::write(dist.join("sw.js"), "// worker").unwrap();
        std::fs::write(dist.join("veld-app-5947a05cb09c431_bg.wasm"), b"\0asm").unwrap();
        // The build precompresses its assets (tools/post-build.sh): brotli and gzip beside each.
        std::fs::write(dist.join("veld-app-5947a05cb09c431.js"), "export {}").unwrap();
        std::fs::write(dist.join("veld-app-5947a05cb09c431.js.br"), b"brotli").unwrap();
        std::fs::write(dist.join("veld-app-5947a05cb09c431.js.gz"), b"gzip").unwrap();

        let settings = ServeArgs { dist, ..settings };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::new(db.clone(), settings.clone());
        tokio::spawn(veld_server::launch(listener, state));
        Some(TestApp { addr, db, url, settings, _dir: dir, pg_database })
    }

    /// Connections of another instance to the same database (as a second process would have).
    pub async fn another_db(&self) -> Db {
        Db::connect(&self.url).await.expect("connect")
    }

    /// Starts another server instance on the same database, with connections of its own (as a
    /// second process would have); returns its base URL.
    pub async fn another_instance(&self) -> String {
        let db = Db::connect(&self.url).await.expect("connect");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(veld_server::launch(listener, AppState::new(db, self.settings.clone())));
        format!("http://{addr}")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A client with its own cookie jar (one browser).
    pub fn client(&self) -> Client {
        Client::builder().cookie_store(true).build().unwrap()
    }

    pub async fn login(&self, client: &Client, email: &str, password: &str) -> reqwest::Response {
        client
            .post(self.url("/api/auth/login"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap()
    }

    /// A client logged in as a demo user.
    pub async fn client_for(&self, email: &str) -> Client {
        let client = self.client();
        let res = self.login(&client, email, PASSWORD).await;
        assert_eq!(res.status(), 200, "demo login for {email}");
        client
    }

    pub async fn cleanup(self) {
        self.db.close().await;
        if let Some((server, name)) = &self.pg_database {
            let mut conn = admin_connection(server).await;
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn).await;
        }
    }
}

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A real `veld-server` process serving `db` on `port` (killed when dropped, or with SIGKILL by
/// [`ServerProcess::kill`]); `args` go after `serve`.
pub struct ServerProcess {
    child: std::process::Child,
    pub base: String,
}

impl ServerProcess {
    /// Starts it without waiting for it to listen.
    pub fn spawn(db: &TestDatabase, port: u16, args: &[&str]) -> ServerProcess {
        let dist = db.dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "<!doctype html><title>Veld</title>").unwrap();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_veld-server"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(args)
            .arg("--dist")
            .arg(&dist)
            .env("DATABASE_URL", &db.url)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start veld-server");
        ServerProcess { child, base: format!("http://127.0.0.1:{port}") }
    }

    /// Starts it on a free port and waits until it answers.
    pub async fn start(db: &TestDatabase, args: &[&str]) -> ServerProcess {
        let server = ServerProcess::spawn(db, free_port(), args);
        server.wait_until_healthy().await;
        server
    }

    pub async fn wait_until_healthy(&self) {
        let http = Client::new();
        let started = std::time::Instant::now();
        loop {
            if let Ok(res) = http.get(self.url("/api/health")).send().await
                && res.status().is_success()
            {
                return;
            }
            assert!(started.elapsed() < std::time::Duration::from_secs(60), "the server did not start within 60 s");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL (std's kill on Unix): no shutdown, no flush, mid-transaction.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Asserts the JSON error shape and returns the body.
pub async fn expect_error(res: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "status");
    assert!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/json")),
        "errors are JSON"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], code, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    body
}

/// Runs one async test body against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use $crate::helpers::{Backend, TestApp};

            #[tokio::test]
            async fn sqlite() {
                let app = TestApp::spawn(Backend::Sqlite).await.expect("SQLite always runs");
                super::$name(&app).await;
                app.cleanup().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(app) = TestApp::spawn(Backend::Postgres).await else { return };
                super::$name(&app).await;
                app.cleanup().await;
            }
        }
    )*};
}

#[test]
fn test_database_names_carry_their_creation_time() {
    let id = uuid::Uuid::now_v7();
    let made = created_ms(&format!("veld_t_{}", id.simple())).unwrap();
    assert!((veld_server::db::now_ms() - made).abs() < 5_000);
    assert_eq!(created_ms("veld_t_zz"), None);
}

#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(with_database("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
    assert_eq!(with_database("postgres://u@h/test?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
    assert_eq!(with_database("postgres://u@h:5432", "x"), "postgres://u@h:5432/x");
}
