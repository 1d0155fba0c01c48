//! Configuration: one clap parser, every option also readable from the environment.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use veld_domain::Modules;

#[derive(Debug, Parser)]
#[command(name = "veld-server", version, about = "Veld: offline-first sales CRM server")]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve(ServeArgs),
    /// Add a user account (or reset an existing user's password with --reset).
    AddUser(AddUserArgs),
    /// List user accounts.
    ListUsers,
}

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Where the embedded SQLite database lives (and other server data).
    #[arg(long, env = "VELD_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; defaults to SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

impl DbArgs {
    pub fn url(&self) -> String {
        match self.database_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => url.to_owned(),
            _ => format!("sqlite://{}?mode=rwc", self.data_dir.join("veld.db").display()),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "VELD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The built app (Trunk's output).
    #[arg(long, env = "VELD_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// Enabled modules: `leads`, `opportunities` or both, comma-separated.
    #[arg(long, env = "VELD_MODULES", default_value = "leads,opportunities", value_parser = Modules::parse)]
    pub modules: Modules,
    /// Mark the session cookie `Secure` (set this when served over HTTPS).
    #[arg(long, env = "VELD_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Load the demo data set when the database has no users yet.
    #[arg(long, env = "VELD_DEMO")]
    pub demo: bool,
    /// How long deletions are kept for devices that have not synced since (days); a device
    /// offline for longer re-downloads its data (and keeps its unsent changes).
    #[arg(long, env = "VELD_TOMBSTONE_DAYS", default_value_t = 90)]
    pub tombstone_days: u32,
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, env = "VELD_LOG_JSON")]
    pub log_json: bool,
    /// How often the scheduler checks time-based rules and due processes (seconds).
    #[arg(long, env = "VELD_AUTOMATION_SECS", default_value_t = 60)]
    pub automation_secs: u64,
    /// Reached only through a reverse proxy that appends the client's address to
    /// `X-Forwarded-For`: login throttling counts per that address, not the proxy's.
    #[arg(long, env = "VELD_BEHIND_PROXY")]
    pub behind_proxy: bool,
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            bind: "127.0.0.1:8080".parse().expect("valid literal address"),
            dist: "dist".into(),
            modules: Modules::default(),
            secure_cookies: false,
            demo: false,
            tombstone_days: 90,
            log_json: false,
            automation_secs: 60,
            behind_proxy: false,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct AddUserArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// Office name; created when it does not exist yet.
    #[arg(long)]
    pub office: String,
    /// Role name, e.g. "Administrator", "Sales manager", "Sales rep", "Marketing".
    #[arg(long)]
    pub role: String,
    #[arg(long, default_value = "en")]
    pub language: veld_domain::Language,
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
}
