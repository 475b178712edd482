//! `daz-bot migrate`: every module applies its migrations when it starts,
//! so this starts the bot without a CyTube connection, waits until each
//! module is running, stops it, and lists what the database holds.

use std::time::Duration;

use daz_core::{BotBuilder, ModuleState};
use daz_sql::{Database, with_pool};

type Failure = Box<dyn std::error::Error>;

/// Starts and stops `bot` (its modules migrate), then lists the applied
/// migrations.
pub(crate) async fn run(bot: BotBuilder, db: &Database) -> Result<Vec<String>, Failure> {
    let bot = bot.build()?;
    let handle = bot.handle();
    let running = tokio::spawn(bot.run_until(std::future::pending()));
    let mut failed = Vec::new();
    for _ in 0..600 {
        let list = handle.modules().await?;
        failed = list
            .modules
            .iter()
            .filter(|m| m.state != ModuleState::Running && m.failures > 0)
            .map(|m| format!("{}: {}", m.name, m.reason.clone().unwrap_or_default()))
            .collect();
        let running = list
            .modules
            .iter()
            .filter(|m| m.state == ModuleState::Running);
        if running.count() + failed.len() == list.modules.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    handle.stop();
    running.await??;
    if !failed.is_empty() {
        return Err(format!("modules failed to start: {}", failed.join("; ")).into());
    }
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
