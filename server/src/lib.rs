//! Veld's server as a library: [`app`] builds the router, [`launch`] serves it until shutdown.
//! `main.rs` only calls [`cli::main`], so tests drive the very same code.

pub mod auth;
pub mod automation;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod imports;
pub mod pushes;
pub mod routes;
pub mod security;
pub mod state;
pub mod static_files;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request};
use std::net::SocketAddr;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use state::AppState;

/// Request bodies above this are refused with 413 (file uploads will get their own limit).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let dist = state.settings.dist.clone();
    let hsts = state.settings.secure_cookies;
    let api = routes::router().layer(DefaultBodyLimit::max(BODY_LIMIT)).with_state(state);
    let policy = security::AppPolicy::new(&dist);
    Router::new()
        .nest("/api", api)
        .merge(static_files::router(&dist))
        .layer(axum::middleware::from_fn(move |req, next| security::headers(policy.clone(), hsts, req, next)))
        .layer(CompressionLayer::new().gzip(true).no_br().no_deflate().no_zstd())
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a request handler panicked");
            axum::response::IntoResponse::into_response(error::ApiError::Internal(anyhow::anyhow!("handler panicked")))
        }))
        .layer(TraceLayer::new_for_http().make_span_with(
            |req: &Request<_>| tracing::info_span!("http", method = %req.method(), path = %req.uri().path()),
        ))
}

/// Serves until Ctrl-C or SIGTERM, then finishes in-flight requests and closes the database.
pub async fn launch(listener: tokio::net::TcpListener, state: AppState) -> anyhow::Result<()> {
    let db = state.db.clone();
    let sweeper = tokio::spawn(sweep(db.clone(), state.settings.tombstone_days));
    let scheduler = tokio::spawn(automation::scheduler(state.clone()));
    let notifications = {
        let (db, changes) = (db.clone(), state.changes.clone());
        tokio::spawn(async move { db.listen_changes(changes).await })
    };
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    sweeper.abort();
    scheduler.abort();
    notifications.abort();
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Hourly housekeeping: expired sessions, and deletions older than the tombstone window.
async fn sweep(db: db::Db, tombstone_days: u32) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
    loop {
        tick.tick().await;
        match db.delete_expired_sessions().await {
            Ok(n) if n > 0 => tracing::info!(sessions = n, "removed expired sessions"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "could not remove expired sessions"),
        }
        if let Err(err) = db.sweep_logins(db::now_ms()).await {
            tracing::warn!(error = %err, "could not forget old login throttling");
        }
        let before = db::now_ms() - i64::from(tombstone_days) * 24 * 60 * 60 * 1000;
        match db.purge_tombstones(before).await {
            Ok(n) if n > 0 => tracing::info!(tombstones = n, "purged old deletions"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "could not purge old deletions"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
