//! `daz-bot migrate` and `daz-bot modules`: the bot started here, without a
//! CyTube connection, until every module has started, then stopped. Each
//! module applies its own migrations when it starts.

use std::time::Duration;

use daz_core::{BotBuilder, ModuleList};
use daz_sql::{Database, with_pool};

type Failure = Box<dyn std::error::Error>;

/// Starts `bot`, waits until each module runs or has failed, stops it, and
/// returns the modules as they were once started (or the failures).
async fn start_and_stop(bot: BotBuilder) -> Result<(ModuleList, Result<(), Failure>), Failure> {
    let bot = bot.build()?;
    let handle = bot.handle();
    let running = tokio::spawn(bot.run_until(std::future::pending()));
    let started = daz_bot::compose::until_running(&handle, Duration::from_secs(30)).await;
    let list = handle.modules().await?;
    handle.stop();
    running.await??;
    Ok((list, started))
}

/// `daz-bot migrate`: the applied migrations, after every module started.
pub(crate) async fn migrate(bot: BotBuilder, db: &Database) -> Result<Vec<String>, Failure> {
    let (_, started) = start_and_stop(bot).await?;
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

/// `daz-bot modules` without an admin API: each module as it is once
/// started on this configuration and database.
pub(crate) async fn modules(bot: BotBuilder) -> Result<ModuleList, Failure> {
    Ok(start_and_stop(bot).await?.0)
}

/// One line a module: name, state, version, description, and the reason
/// of a failure.
pub(crate) fn lines(list: &ModuleList) -> Vec<String> {
    list.modules
        .iter()
        .map(|m| {
            let state = if m.enabled {
                m.state.as_str()
            } else {
                "disabled"
            };
            let mut line = format!(
                "{:<15} {:<9} {:<7} {}",
                m.name, state, m.version, m.description
            );
            if let Some(reason) = m.reason.as_ref().filter(|_| m.failures > 0) {
                line.push_str(&format!(" ({reason})"));
            }
            line
        })
        .collect()
}
