//! `daz-bot migrate`: every module applies its migrations when it starts,
//! so this starts the bot without a CyTube connection, waits until each
//! module is running, stops it, and lists what the database holds.

use std::time::Duration;

use daz_core::BotBuilder;
use daz_sql::{Database, with_pool};

type Failure = Box<dyn std::error::Error>;

/// Starts and stops `bot` (its modules migrate), then lists the applied
/// migrations.
pub(crate) async fn run(bot: BotBuilder, db: &Database) -> Result<Vec<String>, Failure> {
    let bot = bot.build()?;
    let handle = bot.handle();
    let running = tokio::spawn(bot.run_until(std::future::pending()));
    let started = daz_bot::compose::until_running(&handle, Duration::from_secs(30)).await;
    handle.stop();
    running.await??;
    started?;
    let applied: Vec<(String, i64, String)> = with_pool!(db, p => {
        sqlx::query_as("SELECT module, version, name FROM daz_schema_migrations ORDER BY module, version")
            .fetch_all(p)
            .await?
    });
    Ok(applied
        .into_iter()
        .map(|(module, version, name)| format!("{module} {version} {name}"))
        .collect())
}
