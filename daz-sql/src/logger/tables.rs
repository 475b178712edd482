//! The logger's tables, and writing a batch of rows to them with each
//! database's bulk path: `UNNEST` arrays on PostgreSQL, multi-row inserts
//! in one transaction on SQLite.

use sqlx::{Postgres, QueryBuilder, Sqlite};

use super::rows::{ChatRow, CustomRow, EventRow, MediaRow, Row, UserRow};
use crate::database::{Database, Pool, each_pool};
use crate::error::{Result, query};
use crate::migrate::{Migration, migrate};

const CHAT: &[Migration] = &[Migration::split(
    1,
    "chat log",
    "CREATE TABLE daz_chat_log (id BIGSERIAL PRIMARY KEY, at_ms BIGINT NOT NULL, room TEXT NOT NULL, \
        user_name TEXT NOT NULL, rank DOUBLE PRECISION NOT NULL, text TEXT NOT NULL, html TEXT, pm BOOLEAN NOT NULL);
     CREATE INDEX daz_chat_log_room_at ON daz_chat_log (room, at_ms);",
    "CREATE TABLE daz_chat_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms BIGINT NOT NULL, room TEXT NOT NULL, \
        user_name TEXT NOT NULL, rank DOUBLE PRECISION NOT NULL, text TEXT NOT NULL, html TEXT, pm BOOLEAN NOT NULL);
     CREATE INDEX daz_chat_log_room_at ON daz_chat_log (room, at_ms);",
)];

const USERS: &[Migration] = &[Migration::split(
    1,
    "user activity",
    "CREATE TABLE daz_user_activity (id BIGSERIAL PRIMARY KEY, at_ms BIGINT NOT NULL, room TEXT NOT NULL, \
        user_name TEXT NOT NULL, action TEXT NOT NULL, rank DOUBLE PRECISION);",
    "CREATE TABLE daz_user_activity (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms BIGINT NOT NULL, room TEXT NOT NULL, \
        user_name TEXT NOT NULL, action TEXT NOT NULL, rank DOUBLE PRECISION);",
)];

const MEDIA: &[Migration] = &[Migration::split(
    1,
    "media history",
    "CREATE TABLE daz_media_history (id BIGSERIAL PRIMARY KEY, at_ms BIGINT NOT NULL, room TEXT NOT NULL, \
        title TEXT NOT NULL, seconds DOUBLE PRECISION NOT NULL);",
    "CREATE TABLE daz_media_history (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms BIGINT NOT NULL, room TEXT NOT NULL, \
        title TEXT NOT NULL, seconds DOUBLE PRECISION NOT NULL);",
)];

const EVENTS: &[Migration] = &[
    Migration::split(
        1,
        "event log",
        "CREATE TABLE daz_sql_event_log (id BIGSERIAL PRIMARY KEY, at_ms BIGINT NOT NULL, topic TEXT NOT NULL, \
            source TEXT, room TEXT, correlation TEXT, tags TEXT NOT NULL, payload TEXT NOT NULL);",
        "CREATE TABLE daz_sql_event_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms BIGINT NOT NULL, topic TEXT NOT NULL, \
            source TEXT, room TEXT, correlation TEXT, tags TEXT NOT NULL, payload TEXT NOT NULL);",
    ),
    // The batches written lately, by id: a batch whose commit went through
    // but whose answer was lost is not written again when retried.
    Migration::new(
        2,
        "batches written",
        "CREATE TABLE daz_sql_log_batches (id TEXT PRIMARY KEY, at_ms BIGINT NOT NULL);",
    ),
];

/// Creates (or updates) the logger's tables.
pub(crate) async fn prepare(db: &Database) -> Result<()> {
    migrate(db, "chat", CHAT).await?;
    migrate(db, "user", USERS).await?;
    migrate(db, "media", MEDIA).await?;
    migrate(db, "sql", EVENTS).await?;
    Ok(())
}

/// The tables retention may prune (each has `at_ms`).
pub(crate) const PRUNABLE: [&str; 4] = [
    "daz_chat_log",
    "daz_user_activity",
    "daz_media_history",
    "daz_sql_event_log",
];

/// Deletes rows of `table` older than `days`; returns how many.
pub(crate) async fn prune(db: &Database, table: &str, days: u32) -> Result<u64> {
    let Some(table) = PRUNABLE.iter().copied().find(|t| *t == table) else {
        return Ok(0);
    };
    let cutoff = chrono::Utc::now().timestamp_millis() - i64::from(days) * 86_400_000;
    delete_before(db, table, cutoff).await
}

/// Deletes the rows of one of the logger's own tables (a name from this
/// file, never from outside) whose `at_ms` is before `cutoff`.
async fn delete_before(db: &Database, table: &'static str, cutoff: i64) -> Result<u64> {
    let sql = format!("DELETE FROM {table} WHERE at_ms < $1");
    let done = each_pool!(db.pool(), p => sqlx::query(&sql)
            .bind(cutoff)
            .execute(p)
            .await
            .map(|r| r.rows_affected()));
    done.map_err(query(format!("pruning {table}")))
}

/// Chat rows as columns, ready to bind as arrays.
#[derive(Debug, Default)]
pub(crate) struct ChatColumns {
    pub(crate) at_ms: Vec<i64>,
    pub(crate) room: Vec<String>,
    pub(crate) user: Vec<String>,
    pub(crate) rank: Vec<f64>,
    pub(crate) text: Vec<String>,
    pub(crate) html: Vec<Option<String>>,
    pub(crate) pm: Vec<bool>,
}

impl ChatColumns {
    fn push(&mut self, r: ChatRow) {
        self.at_ms.push(r.at_ms);
        self.room.push(r.room);
        self.user.push(r.user);
        self.rank.push(r.rank);
        self.text.push(r.text);
        self.html.push(r.html);
        self.pm.push(r.pm);
    }
}

/// Event-log rows as columns.
#[derive(Debug, Default)]
pub(crate) struct EventColumns {
    pub(crate) at_ms: Vec<i64>,
    pub(crate) topic: Vec<String>,
    pub(crate) source: Vec<Option<String>>,
    pub(crate) room: Vec<Option<String>>,
    pub(crate) correlation: Vec<Option<String>>,
    pub(crate) tags: Vec<String>,
    pub(crate) payload: Vec<String>,
}

impl EventColumns {
    fn push(&mut self, r: EventRow) {
        self.at_ms.push(r.at_ms);
        self.topic.push(r.topic);
        self.source.push(r.source);
        self.room.push(r.room);
        self.correlation.push(r.correlation);
        self.tags.push(r.tags);
        self.payload.push(r.payload);
    }
}

/// Rows grouped by table; the busy tables as columns. A batch that failed
/// is kept and written again as it is.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    chat: ChatColumns,
    users: Vec<UserRow>,
    media: Vec<MediaRow>,
    events: EventColumns,
    custom: Vec<CustomRow>,
    rows: usize,
    /// Stays the same across retries (see [`write`]).
    id: String,
}

impl Batch {
    /// Takes `rows` apart into the batch (moving, not copying).
    pub(crate) fn from_rows(rows: impl IntoIterator<Item = Row>) -> Self {
        let mut batch = Self {
            id: daz_core::EventId::next().to_string(),
            ..Self::default()
        };
        for row in rows {
            batch.rows += 1;
            match row {
                Row::Chat(r) => batch.chat.push(r),
                Row::User(r) => batch.users.push(r),
                Row::Media(r) => batch.media.push(r),
                Row::Event(r) => batch.events.push(r),
                Row::Custom(r) => batch.custom.push(r),
            }
        }
        batch
    }

    /// Rows in the batch.
    pub(crate) fn len(&self) -> usize {
        self.rows
    }
}

/// SQLite's limit on parameters per statement, with room to spare.
const SQLITE_PARAMS: usize = 30_000;

/// Whether [`write`] wrote the batch or found it written before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Written {
    Now,
    /// By an earlier try whose commit went through but whose answer was
    /// lost (the connection dropped in between).
    Before,
}

/// Records `batch`'s id in the transaction, as its first statement;
/// `Written::Before` (and the transaction is left to roll back) when the
/// id is there already.
macro_rules! claim {
    ($tx:expr, $sql:expr, $batch:expr) => {{
        let claimed = sqlx::query($sql)
            .bind(&$batch.id)
            .bind(chrono::Utc::now().timestamp_millis())
            .execute(&mut *$tx)
            .await
            .map_err(query("recording a log batch"))?
            .rows_affected();
        if claimed == 0 {
            return Ok(Written::Before);
        }
    }};
}

/// Writes `batch` in one transaction: all of it, or nothing. A batch is
/// written once however often it is retried: its id goes into
/// `daz_sql_log_batches` in the same transaction.
pub(crate) fn write<'a>(
    db: &'a Database,
    batch: &'a Batch,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Written>> + Send + 'a>> {
    Box::pin(write_batch(db, batch))
}

/// How long a written batch's id is kept: far longer than any retry.
const BATCH_IDS_KEPT: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Forgets the ids of batches written more than [`BATCH_IDS_KEPT`] ago.
pub(crate) async fn forget_old_batches(db: &Database) -> Result<u64> {
    let kept = i64::try_from(BATCH_IDS_KEPT.as_millis()).unwrap_or(i64::MAX);
    let cutoff = chrono::Utc::now().timestamp_millis().saturating_sub(kept);
    delete_before(db, "daz_sql_log_batches", cutoff).await
}

/// A batch's id, recorded in its own transaction.
const CLAIM: &str =
    "INSERT INTO daz_sql_log_batches (id, at_ms) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING";

async fn write_batch(db: &Database, batch: &Batch) -> Result<Written> {
    match db.pool() {
        Pool::Postgres(pool) => {
            let mut tx = pool.begin().await.map_err(query("starting a log batch"))?;
            claim!(tx, CLAIM, batch);
            if !batch.chat.at_ms.is_empty() {
                super::copy::chat(&mut tx, &batch.chat).await?;
            }
            if !batch.events.at_ms.is_empty() {
                super::copy::events(&mut tx, &batch.events).await?;
            }
            write_small!(tx, Postgres, batch, 60_000);
            tx.commit().await.map_err(query("committing a log batch"))?;
        }
        Pool::Sqlite(pool) => {
            let mut tx = pool.begin().await.map_err(query("starting a log batch"))?;
            claim!(tx, CLAIM, batch);
            let c = &batch.chat;
            let indices: Vec<usize> = (0..c.at_ms.len()).collect();
            for chunk in indices.chunks(SQLITE_PARAMS / 7) {
                let mut b: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
                    "INSERT INTO daz_chat_log (at_ms, room, user_name, rank, text, html, pm) ",
                );
                b.push_values(chunk, |mut v, &i| {
                    v.push_bind(c.at_ms[i])
                        .push_bind(&c.room[i])
                        .push_bind(&c.user[i])
                        .push_bind(c.rank[i])
                        .push_bind(&c.text[i])
                        .push_bind(&c.html[i])
                        .push_bind(c.pm[i]);
                });
                b.build()
                    .execute(&mut *tx)
                    .await
                    .map_err(query("writing daz_chat_log"))?;
            }
            let e = &batch.events;
            let indices: Vec<usize> = (0..e.at_ms.len()).collect();
            for chunk in indices.chunks(SQLITE_PARAMS / 7) {
                let mut b: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
                    "INSERT INTO daz_sql_event_log (at_ms, topic, source, room, correlation, tags, payload) ",
                );
                b.push_values(chunk, |mut v, &i| {
                    v.push_bind(e.at_ms[i])
                        .push_bind(&e.topic[i])
                        .push_bind(&e.source[i])
                        .push_bind(&e.room[i])
                        .push_bind(&e.correlation[i])
                        .push_bind(&e.tags[i])
                        .push_bind(&e.payload[i]);
                });
                b.build()
                    .execute(&mut *tx)
                    .await
                    .map_err(query("writing daz_sql_event_log"))?;
            }
            write_small!(tx, Sqlite, batch, SQLITE_PARAMS);
            tx.commit().await.map_err(query("committing a log batch"))?;
        }
    }
    Ok(Written::Now)
}

/// The less busy tables, as multi-row inserts (the same on both
/// databases; only the builder's type differs).
macro_rules! write_small {
    ($tx:expr, $db:ty, $batch:expr, $params:expr) => {{
        for chunk in $batch.users.chunks($params / 5) {
            let mut b: QueryBuilder<'_, $db> = QueryBuilder::new(
                "INSERT INTO daz_user_activity (at_ms, room, user_name, action, rank) ",
            );
            b.push_values(chunk, |mut v, r| {
                v.push_bind(r.at_ms)
                    .push_bind(&r.room)
                    .push_bind(&r.user)
                    .push_bind(r.action)
                    .push_bind(r.rank);
            });
            b.build()
                .execute(&mut *$tx)
                .await
                .map_err(query("writing daz_user_activity"))?;
        }
        for chunk in $batch.media.chunks($params / 4) {
            let mut b: QueryBuilder<'_, $db> =
                QueryBuilder::new("INSERT INTO daz_media_history (at_ms, room, title, seconds) ");
            b.push_values(chunk, |mut v, r| {
                v.push_bind(r.at_ms)
                    .push_bind(&r.room)
                    .push_bind(&r.title)
                    .push_bind(r.seconds);
            });
            b.build()
                .execute(&mut *$tx)
                .await
                .map_err(query("writing daz_media_history"))?;
        }
        // Configured tables: one insert per run of rows of the same shape.
        let mut start = 0;
        while let Some(first) = $batch.custom.get(start) {
            let run = $batch.custom[start..]
                .iter()
                .take_while(|r| r.table == first.table && r.columns == first.columns)
                .count()
                .min(($params / first.columns.len().max(1)).max(1));
            let mut b: QueryBuilder<'_, $db> = QueryBuilder::new(format!(
                "INSERT INTO {} ({}) ",
                first.table,
                first.columns.join(", ")
            ));
            b.push_values(&$batch.custom[start..start + run], |mut v, r| {
                for value in &r.values {
                    match value {
                        serde_json::Value::Null => v.push_bind(None::<String>),
                        serde_json::Value::Bool(x) => v.push_bind(*x),
                        serde_json::Value::Number(n) => match n.as_i64() {
                            Some(i) => v.push_bind(i),
                            None => v.push_bind(n.as_f64().unwrap_or(0.0)),
                        },
                        serde_json::Value::String(s) => v.push_bind(s.clone()),
                        other => v.push_bind(other.to_string()),
                    };
                }
            });
            b.build()
                .execute(&mut *$tx)
                .await
                .map_err(query(format!("writing {}", first.table)))?;
            start += run;
        }
    }};
}
use write_small;

#[cfg(test)]
mod tests;
