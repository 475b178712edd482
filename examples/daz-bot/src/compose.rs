//! Putting the bot together: the configuration, the database, and the
//! bundled modules.

use std::path::Path;

use daz_core::admin::{ADMIN, AdminHttp, Prometheus};
use daz_core::nats::{NATS, NatsTransport};
use daz_core::{BotBuilder, Config, Format};
use daz_cytube::bridge::CytubeBridge;
use daz_sql::{
    Database, Logger, SqlModule, SqlReconnectStore, SqlRuntimeStore, SqlSettings, SqlTaskStore,
};

use crate::modules::{
    about::About, customcommands::CustomCommands, economy::Economy, greeting::Greeting,
    mediatracker::MediaTracker, ping::Ping, reminders::Reminders, seen::Seen, uptime::Uptime,
};

/// The embedded defaults, used without a config file: SQLite `daz.db` in
/// the working directory; chat, activity, media and every command's
/// outcome logged.
pub const DEFAULTS: &str = r#"
[sql]
url = "sqlite://daz.db"

[logger]
chat = true
users = true
media = true
events = ["daz.command.audit"]
"#;

/// The configuration: the file, or the embedded defaults.
pub fn config(path: Option<&Path>) -> Result<Config, daz_core::Error> {
    match path {
        Some(path) => Config::load(path),
        None => Config::parse(DEFAULTS, Format::Toml),
    }
}

/// Connects to the database and prepares daz's own tables.
pub async fn database(
    config: &Config,
    url: Option<&str>,
) -> Result<Database, Box<dyn std::error::Error>> {
    let settings: SqlSettings = config.section("sql")?;
    let url = url.unwrap_or(settings.url.expose());
    let db = Database::connect_with(url, &settings.pool).await?;
    db.prepare().await?;
    Ok(db)
}

/// The admin HTTP API when `[admin]` is configured, with the Prometheus
/// recorder installed for `/metrics` (so call it before the bot is
/// built).
///
/// # Errors
///
/// When a `metrics` recorder is installed already.
pub fn admin(config: &Config) -> Result<Option<AdminHttp>, daz_core::Error> {
    if !config.has_section(ADMIN) {
        return Ok(None);
    }
    Ok(Some(AdminHttp::new().metrics(Prometheus::install()?)))
}

/// The CyTube bridge, keeping its reconnect cycles in `db`.
pub fn bridge(db: &Database) -> CytubeBridge {
    CytubeBridge::with_store(std::sync::Arc::new(SqlReconnectStore::new(db)))
}

/// A bot with every bundled module (the `cytube` bridge is added by
/// `run`).
pub fn bot(config: Config, db: &Database) -> BotBuilder {
    let nats = config.has_section(NATS);
    let bot = daz_core::Bot::builder()
        .config(config)
        .task_store(SqlTaskStore::new(db))
        .runtime_store(SqlRuntimeStore::new(db))
        .module(About::default())
        .module(Uptime::default())
        .module(Ping)
        .module(Greeting::default())
        .module(Seen::new(db))
        .module(Reminders)
        .module(Economy::new(db))
        .module(MediaTracker::new(db))
        .module(CustomCommands::new(db))
        .module(Logger::new(db))
        .module(SqlModule::new(db));
    // With [nats], modules in other processes (daz-dice) join this bot.
    if nats {
        bot.module(NatsTransport::new())
    } else {
        bot
    }
}

/// Waits until every module of the bot behind `handle` is running.
///
/// # Errors
///
/// The modules that failed to start, with their reasons, or those still
/// starting after `limit`.
pub async fn until_running(
    handle: &daz_core::BotHandle,
    limit: std::time::Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    use daz_core::ModuleState;
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let list = handle.modules().await?;
        let failed: Vec<String> = list
            .modules
            .iter()
            .filter(|m| m.state != ModuleState::Running && m.failures > 0)
            .map(|m| format!("{}: {}", m.name, m.reason.clone().unwrap_or_default()))
            .collect();
        if !failed.is_empty() {
            return Err(format!("modules failed to start: {}", failed.join("; ")).into());
        }
        let starting: Vec<&str> = list
            .modules
            .iter()
            .filter(|m| m.state != ModuleState::Running)
            .map(|m| m.name.as_str())
            .collect();
        if starting.is_empty() {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(format!("modules still starting: {}", starting.join(", ")).into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}
