//! Putting the bot together: the configuration, the database, and the
//! bundled modules.

use std::path::Path;

use daz_core::{BotBuilder, Config, Format};
use daz_cytube::bridge::CytubeBridge;
use daz_sql::{Database, Logger, SqlModule, SqlReconnectStore, SqlSettings, SqlTaskStore};

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

/// The bundled modules, for `daz-bot modules`.
pub const MODULES: [(&str, &str); 13] = [
    ("commands", "the command router: !help, ranks, cooldowns"),
    ("about", "!about: what this bot is"),
    ("uptime", "!uptime: how long it has run"),
    ("ping", "!ping: is it listening"),
    ("greeting", "greets users who join"),
    ("seen", "!seen <user>: last and first seen, messages"),
    (
        "reminders",
        "!remindme 10m text: reminders that survive restarts",
    ),
    ("economy", "!balance, !give, !top, a daily bonus"),
    ("mediatracker", "!nowplaying, !history, !mostplayed"),
    (
        "customcommands",
        "!addcom, !delcom, !commands: commands made in chat",
    ),
    ("logger", "keeps chat and activity in the database"),
    ("sql", "runs queries for modules over the bus"),
    ("cytube", "the CyTube connection (daz-bot run only)"),
];

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
    let url = url.unwrap_or(&settings.url);
    let db = Database::connect_with(url, &settings.pool).await?;
    db.prepare().await?;
    Ok(db)
}

/// The CyTube bridge, keeping its reconnect cycles in `db`.
pub fn bridge(db: &Database) -> CytubeBridge {
    CytubeBridge::with_store(std::sync::Arc::new(SqlReconnectStore::new(db)))
}

/// A bot with every bundled module (the `cytube` bridge is added by
/// `run`).
pub fn bot(config: Config, db: &Database) -> BotBuilder {
    daz_core::Bot::builder()
        .config(config)
        .task_store(SqlTaskStore::new(db))
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
        .module(SqlModule::new(db))
}
