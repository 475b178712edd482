//! `seen`: when each user was first and last seen, and how much they said.

use daz_core::chat::{CHAT_TOPIC, ChatMessage, UserJoined, UserLeft, as_typed};
use daz_core::command::{CommandContext, UserName};
use daz_core::{
    Context, Event, EventPayload, Module, ModuleResult, Pattern, commands, format_duration,
};
use daz_sql::{Database, Migration, migrate, with_pool};

use super::write_behind::{Merge, WriteBehind};

const TABLES: &[Migration] = &[
    Migration::new(
        1,
        "users",
        "CREATE TABLE daz_seen_users (room TEXT NOT NULL, user_key TEXT NOT NULL, user_name TEXT NOT NULL, \
            first_ms BIGINT NOT NULL, last_ms BIGINT NOT NULL, messages BIGINT NOT NULL, PRIMARY KEY (room, user_key))",
    ),
    Migration::new(
        2,
        "write ids",
        "ALTER TABLE daz_seen_users ADD COLUMN write_id BIGINT",
    ),
];

/// Adds a sighting once: a write that comes again with the same id (its
/// first success went unheard) changes nothing.
const TOUCH: &str = "INSERT INTO daz_seen_users (room, user_key, user_name, first_ms, last_ms, messages, write_id) \
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (room, user_key) DO UPDATE SET user_name = excluded.user_name, \
    last_ms = excluded.last_ms, messages = daz_seen_users.messages + excluded.messages, write_id = excluded.write_id \
    WHERE daz_seen_users.write_id IS NULL OR daz_seen_users.write_id <> excluded.write_id";

/// How often kept sightings are written.
const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// The longest `!seen` waits for the database.
const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

const LOOKUP: &str = "SELECT user_name, first_ms, last_ms, messages FROM daz_seen_users WHERE room = $1 AND user_key = $2";

/// What is kept of one user between writes.
#[derive(Debug, Clone)]
struct Sighting {
    name: String,
    first_ms: i64,
    last_ms: i64,
    messages: i64,
}

impl Merge for Sighting {
    fn merge(&mut self, newer: Self) {
        self.name = newer.name;
        self.first_ms = self.first_ms.min(newer.first_ms);
        self.last_ms = self.last_ms.max(newer.last_ms);
        self.messages += newer.messages;
    }
}

type Kept = WriteBehind<(String, String), Sighting>;

/// Tracks users: first and last seen, messages said. Sightings are kept in
/// memory and written every second, so chat never waits on the database
/// and an outage loses none of them.
#[derive(Debug, daz_core::Module)]
#[module(name = "seen", commands)]
pub struct Seen {
    db: Database,
    kept: Kept,
}

/// Writes one user's sighting.
async fn write(db: Database, (room, key): (String, String), id: u64, s: Sighting) -> ModuleResult {
    let id = i64::try_from(id)?;
    with_pool!(db, p => {
        sqlx::query(TOUCH)
            .bind(&room)
            .bind(&key)
            .bind(&s.name)
            .bind(s.first_ms)
            .bind(s.last_ms)
            .bind(s.messages)
            .bind(id)
            .execute(p)
            .await?
            .rows_affected()
    });
    Ok(())
}

impl Seen {
    /// The module, keeping its tables in `db`.
    pub fn new(db: &Database) -> Self {
        Self {
            db: db.clone(),
            kept: Kept::default(),
        }
    }

    fn touch(&self, room: &str, user: &str, at_ms: i64, messages: i64) {
        let sighting = Sighting {
            name: user.to_owned(),
            first_ms: at_ms,
            last_ms: at_ms,
            messages,
        };
        self.kept
            .add((room.to_owned(), user.to_lowercase()), sighting);
    }

    /// Writes what is kept now (before reading, and on stop).
    async fn flush(&self) -> ModuleResult {
        let db = self.db.clone();
        self.kept
            .flush(&|key, id, s| write(db.clone(), key, id, s))
            .await?;
        Ok(())
    }
}

#[commands]
impl Seen {
    /// Says when a user was last seen.
    #[command(user_cooldown = "3s")]
    async fn seen(&mut self, ctx: &mut CommandContext<'_>, user: UserName) -> ModuleResult {
        let key = user.as_str().to_lowercase();
        let room = ctx.room().to_owned();
        // Chat lines queue while the command waits: with the database
        // away, give up (the user hears the command failed) before the
        // mailbox overflows.
        let read = async {
            self.flush().await?;
            let row: Option<(String, i64, i64, i64)> = with_pool!(self.db, p => {
                sqlx::query_as(LOOKUP)
                    .bind(&room)
                    .bind(&key)
                    .fetch_optional(p)
                    .await?
            });
            Ok::<_, daz_core::BoxError>(row)
        };
        let row = tokio::time::timeout(READ_TIMEOUT, read)
            .await
            .map_err(|_| format!("the database did not answer within {READ_TIMEOUT:?}"))??;
        let now = ctx.scheduler().now().timestamp_millis();
        let ago = |ms: i64| match u64::try_from((now - ms) / 1000) {
            Ok(secs) if secs > 0 => {
                format!(
                    "{} ago",
                    format_duration(std::time::Duration::from_secs(secs))
                )
            }
            _ => "just now".to_owned(),
        };
        let text = match row {
            Some((name, first, last, messages)) => {
                format!(
                    "{} was last seen {} (first seen {}, {messages} messages).",
                    as_typed(&name),
                    ago(last),
                    ago(first)
                )
            }
            None => format!("I have not seen {}.", as_typed(user.as_str())),
        };
        ctx.reply(text)?;
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for Seen {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        migrate(&self.db, "seen", TABLES).await?;
        for topic in [CHAT_TOPIC, UserJoined::TOPIC, UserLeft::TOPIC] {
            ctx.subscribe(Pattern::from(topic))?;
        }
        let db = self.db.clone();
        self.kept.flush_every(ctx, FLUSH_EVERY, move |key, id, s| {
            write(db.clone(), key, id, s)
        });
        Ok(())
    }

    async fn stop(&mut self, _ctx: &mut Context) -> ModuleResult {
        self.flush().await
    }

    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        let now = ctx.scheduler().now().timestamp_millis();
        if let Ok(m) = event.payload::<ChatMessage>() {
            if !m.backlog && !m.pm && !m.own {
                self.touch(&m.room, &m.user, now, 1);
            }
        } else if let Ok(j) = event.payload::<UserJoined>() {
            if !j.own {
                self.touch(&j.room, &j.user, now, 0);
            }
        } else if let Ok(l) = event.payload::<UserLeft>()
            && !l.own
        {
            self.touch(&l.room, &l.user, now, 0);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
