//! `mediatracker`: what each room plays. `!nowplaying`, `!history`,
//! `!mostplayed`.

use std::collections::HashMap;
use std::time::Duration;

use daz_core::chat::{MediaChanged, MediaPosition};
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

/// Where a room's media is: when it was (or will be) at 0 s, on the
/// bot's clock, or where it stopped when paused.
#[derive(Debug, Clone, PartialEq)]
struct Clock {
    title: String,
    seconds: i64,
    zero_ms: i64,
    paused_at: Option<f64>,
}

impl Clock {
    /// Seconds played at `now_ms` (0 during the lead-in).
    fn played(&self, now_ms: i64) -> i64 {
        let at = match self.paused_at {
            Some(at) => at,
            #[allow(clippy::cast_precision_loss, reason = "milliseconds of a media")]
            None => (now_ms - self.zero_ms) as f64 / 1000.0,
        };
        #[allow(clippy::cast_possible_truncation, reason = "seconds of a media")]
        let at = at.max(0.0).floor() as i64;
        at
    }
}

/// `now_ms` less `position` seconds: when the media is at 0 s.
#[allow(clippy::cast_possible_truncation, reason = "milliseconds of a media")]
fn zero(now_ms: i64, position: f64) -> i64 {
    now_ms.saturating_sub((position * 1000.0) as i64)
}

/// Keeps the media history of each room.
#[derive(Debug, daz_core::Module)]
#[module(name = "mediatracker", commands)]
pub struct MediaTracker {
    db: Database,
    /// What plays in each room and where, from the server's positions.
    clocks: HashMap<String, Clock>,
}

type Play = (String, i64, i64);

impl MediaTracker {
    /// The module, keeping its tables in `db`.
    pub fn new(db: &Database) -> Self {
        Self {
            db: db.clone(),
            clocks: HashMap::new(),
        }
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
                // The server's position when it gave one (it leads in
                // before 0 s, and a leader may seek or pause); else the
                // time since the media changed.
                let played = match self.clocks.get(ctx.room()) {
                    Some(clock) if clock.title == title && clock.seconds == seconds => {
                        clock.played(now)
                    }
                    _ => now.saturating_sub(started) / 1000,
                };
                let left = seconds.saturating_sub(played);
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
        ctx.subscribe(Pattern::from(MediaPosition::TOPIC))?;
        Ok(())
    }

    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        let now = ctx.scheduler().now().timestamp_millis();
        if let Ok(update) = event.payload::<MediaPosition>() {
            if let Some(clock) = self.clocks.get_mut(&update.room) {
                clock.zero_ms = zero(now, update.position);
                // Paused in the lead-in still counts down to the start.
                clock.paused_at =
                    (update.paused && update.position >= 0.0).then_some(update.position);
            }
            return Ok(());
        }
        let media = event.payload::<MediaChanged>()?;
        let title: String = media.title.chars().take(LONGEST_TITLE).collect();
        self.clocks.insert(
            media.room.clone(),
            Clock {
                title,
                seconds: i64::try_from(media.duration.as_secs()).unwrap_or(i64::MAX),
                zero_ms: zero(now, media.position),
                paused_at: None,
            },
        );
        self.record(&media, now).await
    }
}

#[cfg(test)]
mod tests;
