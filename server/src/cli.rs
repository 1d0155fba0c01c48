//! The command line: `serve` (default), `add-user`, `list-users`.

use crate::config::{AddUserArgs, Cli, Command, ServeArgs};
use crate::db::{Db, NewUser};
use crate::{AppState, auth, demo};
use anyhow::Context;
use clap::Parser;
use std::io::BufRead;
use std::process::ExitCode;
use veld_domain::Email;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let json_logs = matches!(&cli.command, Some(Command::Serve(a)) if a.log_json);
    init_logging(json_logs);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("veld_server=info,tower_http=info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.compact().init();
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let url = cli.db.url();
    let db = Db::connect(&url).await?;
    demo::ensure_default_roles(&db).await?;
    let loaded = db.ensure_default_config().await?;
    if loaded > 0 {
        tracing::info!(records = loaded, "default stages and tables loaded");
    }
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(db, args).await,
        Command::AddUser(args) => add_user(&db, args).await,
        Command::ListUsers => {
            for u in db.list_users().await? {
                println!("{:<28} {:<24} {:<12} {:<16} {}", u.email, u.name, u.office, u.role, u.language);
            }
            Ok(())
        }
    }
}

async fn serve(db: Db, args: ServeArgs) -> anyhow::Result<()> {
    if args.demo && db.count_users().await? == 0 {
        demo::load(&db).await.context("loading the demo data")?;
        demo::print_logins();
    }
    let listener =
        tokio::net::TcpListener::bind(args.bind).await.with_context(|| format!("cannot listen on {}", args.bind))?;
    tracing::info!(address = %format!("http://{}", listener.local_addr()?), database = db.backend().name(), "Veld is listening");
    crate::launch(listener, AppState::new(db, args)).await
}

async fn add_user(db: &Db, args: AddUserArgs) -> anyhow::Result<()> {
    let email = Email::parse(&args.email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let name = args.name.trim().to_owned();
    anyhow::ensure!(!name.is_empty(), "--name: enter the user's name");
    let role = match db.role_id(&args.role).await? {
        Some(id) => id,
        None => anyhow::bail!("--role: no role `{}`; roles are: {}", args.role, db.role_names().await?.join(", ")),
    };
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        anyhow::ensure!(first == again, "the two passwords differ");
        first
    };
    auth::check_new_password(&password, &[email.as_str(), &name]).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let (office, created) = db.ensure_office(args.office.trim()).await?;
    if created {
        println!("created office {}", args.office.trim());
    }
    let password_hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await??;
    let user = NewUser { email: email.clone(), name, language: args.language, office, role, password_hash };
    match db.insert_user(&user).await? {
        Some(id) => println!("added user {email} ({id})"),
        None => anyhow::bail!("--email: a user with the address {email} exists already"),
    }
    Ok(())
}
