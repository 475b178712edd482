//! `daz-bot run`: the bot on CyTube.

use daz_core::{BotBuilder, Config};
use daz_cytube::bridge::BridgeConfig;
use daz_sql::Database;

/// Adds a room for `channel` (and `user`) to the config's `[cytube]`.
pub(crate) fn with_room(
    mut config: Config,
    channel: Option<&str>,
    server: &str,
    user: Option<&str>,
) -> Result<Config, Box<dyn std::error::Error>> {
    if let Some(channel) = channel {
        let mut section = config
            .section_value("cytube")
            .cloned()
            .unwrap_or_else(|| serde_json::json!({}));
        let cytube = section.as_object_mut().ok_or("[cytube] is not a table")?;
        cytube
            .entry("site")
            .or_insert_with(|| serde_json::json!(server));
        let rooms = cytube
            .entry("rooms")
            .or_insert_with(|| serde_json::json!([]));
        let rooms = rooms.as_array_mut().ok_or("cytube.rooms is not a list")?;
        let mut room = serde_json::json!({ "channel": channel });
        if let Some(user) = user {
            room["user"] = serde_json::json!(user);
            if std::env::var("DAZ_BOT_PASSWORD").is_ok() {
                room["password_env"] = serde_json::json!("DAZ_BOT_PASSWORD");
            }
        }
        rooms.push(room);
        config.set_section("cytube", section);
    }
    let settings: BridgeConfig = config.section("cytube")?;
    if settings.rooms.is_empty() {
        return Err("no channel to join: give --channel NAME, or list [[cytube.rooms]] in the configuration".into());
    }
    Ok(config)
}

/// Runs `bot` (with the CyTube bridge) until SIGINT or SIGTERM.
pub(crate) async fn run(bot: BotBuilder, db: &Database) -> Result<(), Box<dyn std::error::Error>> {
    let bot = bot.module(daz_bot::compose::bridge(db)).build()?;
    let report = bot.run().await?;
    for module in report.abandoned {
        eprintln!("daz-bot: module {module} did not stop in time");
    }
    Ok(())
}
