//! `mediatracker`: what each room plays. `!nowplaying`, `!history`,
//! `!mostplayed`.

use std::time::Duration;

use daz_core::chat::MediaChanged;
use daz_core::command::CommandContext;
use daz_core::{
    Context, Event, EventPayload, Module, ModuleResult, Pattern, commands, format_duration,
};
use daz_sql::{Database, Migration, migrate, with_pool};

const TABLES: &[Migration] = &[Migration::new(
    1,
    "plays",
    "CREATE TABLE daz_mediatracker_plays (room TEXT NOT NULL, title TEXT NOT NULL, \
     seconds BIGINT NOT NULL, started_ms BIGINT NOT NULL)",
)];

const LAST: &str = "SELECT title, seconds, started_ms FROM daz_mediatracker_plays \
    WHERE room = $1 ORDER BY started_ms DESC LIMIT $2";

const PLAY: &str =
    "INSERT INTO daz_mediatracker_plays (room, title, seconds, started_ms) VALUES ($1, $2, $3, $4)";

const MOST: &str = "SELECT title, COUNT(*) AS plays FROM daz_mediatracker_plays WHERE room = $1 \
    GROUP BY title ORDER BY plays DESC, MAX(started_ms) DESC LIMIT 5";

/// The longest title kept, in characters.
const LONGEST_TITLE: usize = 200;

/// Keeps the media history of each room.
#[derive(Debug, daz_core::Module)]
#[module(name = "mediatracker", commands)]
pub struct MediaTracker {
    db: Database,
}

type Play = (String, i64, i64);

impl MediaTracker {
    /// The module, keeping its tables in `db`.
    pub fn new(db: &Database) -> Self {
        Self { db: db.clone() }
    }

    async fn last(&self, room: &str, n: i64) -> Result<Vec<Play>, daz_core::BoxError> {
        Ok(with_pool!(self.db, p => {
            sqlx::query_as(LAST).bind(room).bind(n).fetch_all(p).await?
        }))
    }

    /// Records a play, unless it is the one already playing (the server
    /// announces the current media again on every join and reconnect).
    async fn record(&self, media: &MediaChanged, now_ms: i64) -> ModuleResult {
        let title: String = media.title.chars().take(LONGEST_TITLE).collect();
        let seconds = i64::try_from(media.duration.as_secs()).unwrap_or(i64::MAX);
        if let Some((last, secs, started)) = self.last(&media.room, 1).await?.pop() {
            let ends = started.saturating_add(secs.max(1).saturating_mul(1000));
            if last == title && now_ms < ends {
                return Ok(());
            }
        }
        with_pool!(self.db, p => {
            sqlx::query(PLAY)
                .bind(&media.room)
                .bind(&title)
                .bind(seconds)
                .bind(now_ms)
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(())
    }
}

fn length(seconds: i64) -> String {
    format_duration(Duration::from_secs(u64::try_from(seconds).unwrap_or(0)))
}

#[commands]
impl MediaTracker {
    /// What is playing, and for how much longer.
    #[command(aliases = ["np"], room_cooldown = "5s")]
    async fn nowplaying(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        let now = ctx.scheduler().now().timestamp_millis();
        let text = match self.last(ctx.room(), 1).await?.pop() {
            Some((title, seconds, started)) => {
                let left = seconds.saturating_sub(now.saturating_sub(started) / 1000);
                if seconds == 0 {
                    format!("Now playing: {title} (live).")
                } else if left > 0 {
                    format!(
                        "Now playing: {title} ({} left of {}).",
                        length(left),
                        length(seconds)
                    )
                } else {
                    format!("Last played: {title} ({}).", length(seconds))
                }
            }
            None => "Nothing has played here yet.".to_owned(),
        };
        ctx.reply(text)?;
        Ok(())
    }

    /// The last few things played (default 5, up to 10).
    #[command(room_cooldown = "10s")]
    async fn history(&mut self, ctx: &mut CommandContext<'_>, count: Option<u8>) -> ModuleResult {
        let n = i64::from(count.unwrap_or(5).clamp(1, 10));
        let plays = self.last(ctx.room(), n).await?;
        let text = if plays.is_empty() {
            "Nothing has played here yet.".to_owned()
        } else {
            let titles: Vec<&str> = plays.iter().map(|(t, _, _)| t.as_str()).collect();
            format!("Recently: {}", titles.join(" · "))
        };
        ctx.reply(text)?;
        Ok(())
    }

    /// The most played media in this room.
    #[command(aliases = ["mp"], room_cooldown = "10s")]
    async fn mostplayed(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        let most: Vec<(String, i64)> = with_pool!(self.db, p => {
            sqlx::query_as(MOST).bind(ctx.room()).fetch_all(p).await?
        });
        let text = if most.is_empty() {
            "Nothing has played here yet.".to_owned()
        } else {
            let list: Vec<String> = most.iter().map(|(t, n)| format!("{t} ({n}×)")).collect();
            format!("Most played: {}", list.join(", "))
        };
        ctx.reply(text)?;
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for MediaTracker {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        migrate(&self.db, "mediatracker", TABLES).await?;
        ctx.subscribe(Pattern::from(MediaChanged::TOPIC))?;
        Ok(())
    }

    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        let media = event.payload::<MediaChanged>()?;
        self.record(&media, ctx.scheduler().now().timestamp_millis())
            .await
    }
}

#[cfg(test)]
mod tests;
