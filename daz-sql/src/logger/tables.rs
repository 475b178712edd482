//! The logger's tables, and writing a batch of rows to them with each
//! database's bulk path: `UNNEST` arrays on PostgreSQL, multi-row inserts
//! in one transaction on SQLite.

use sqlx::{Postgres, QueryBuilder, Sqlite};

use super::rows::{ChatRow, CustomRow, EventRow, MediaRow, Row, UserRow};
use crate::database::{Database, Pool};
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

const EVENTS: &[Migration] = &[Migration::split(
    1,
    "event log",
    "CREATE TABLE daz_sql_event_log (id BIGSERIAL PRIMARY KEY, at_ms BIGINT NOT NULL, topic TEXT NOT NULL, \
        source TEXT, room TEXT, correlation TEXT, tags TEXT NOT NULL, payload TEXT NOT NULL);",
    "CREATE TABLE daz_sql_event_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms BIGINT NOT NULL, topic TEXT NOT NULL, \
        source TEXT, room TEXT, correlation TEXT, tags TEXT NOT NULL, payload TEXT NOT NULL);",
)];

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
    let Some(table) = PRUNABLE.iter().find(|t| **t == table) else {
        return Ok(0);
    };
    let cutoff = chrono::Utc::now().timestamp_millis() - i64::from(days) * 86_400_000;
    let sql = format!("DELETE FROM {table} WHERE at_ms < $1");
    let done = match db.pool() {
        Pool::Postgres(p) => sqlx::query(&sql)
            .bind(cutoff)
            .execute(p)
            .await
            .map(|r| r.rows_affected()),
        Pool::Sqlite(p) => sqlx::query(&sql)
            .bind(cutoff)
            .execute(p)
            .await
            .map(|r| r.rows_affected()),
    };
    done.map_err(query(format!("pruning {table}")))
}

/// Rows grouped by table.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    chat: Vec<ChatRow>,
    users: Vec<UserRow>,
    media: Vec<MediaRow>,
    events: Vec<EventRow>,
    custom: Vec<CustomRow>,
}

impl Batch {
    pub(crate) fn from_rows(rows: impl IntoIterator<Item = Row>) -> Self {
        let mut batch = Self::default();
        for row in rows {
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
}

/// SQLite's limit on parameters per statement, with room to spare.
const SQLITE_PARAMS: usize = 30_000;

/// Writes `batch` in one transaction: all of it, or nothing.
pub(crate) fn write<'a>(
    db: &'a Database,
    batch: &'a Batch,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>> {
    Box::pin(write_batch(db, batch))
}

async fn write_batch(db: &Database, batch: &Batch) -> Result<()> {
    match db.pool() {
        Pool::Postgres(pool) => {
            let mut tx = pool.begin().await.map_err(query("starting a log batch"))?;
            if !batch.chat.is_empty() {
                let c = &batch.chat;
                sqlx::query(
                    "INSERT INTO daz_chat_log (at_ms, room, user_name, rank, text, html, pm) \
                     SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::FLOAT8[], $5::TEXT[], $6::TEXT[], $7::BOOL[])",
                )
                .bind(c.iter().map(|r| r.at_ms).collect::<Vec<_>>())
                .bind(c.iter().map(|r| r.room.clone()).collect::<Vec<_>>())
                .bind(c.iter().map(|r| r.user.clone()).collect::<Vec<_>>())
                .bind(c.iter().map(|r| r.rank).collect::<Vec<_>>())
                .bind(c.iter().map(|r| r.text.clone()).collect::<Vec<_>>())
                .bind(c.iter().map(|r| r.html.clone()).collect::<Vec<_>>())
                .bind(c.iter().map(|r| r.pm).collect::<Vec<_>>())
                .execute(&mut *tx)
                .await
                .map_err(query("writing daz_chat_log"))?;
            }
            if !batch.events.is_empty() {
                let e = &batch.events;
                sqlx::query(
                    "INSERT INTO daz_sql_event_log (at_ms, topic, source, room, correlation, tags, payload) \
                     SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[])",
                )
                .bind(e.iter().map(|r| r.at_ms).collect::<Vec<_>>())
                .bind(e.iter().map(|r| r.topic.clone()).collect::<Vec<_>>())
                .bind(e.iter().map(|r| r.source.clone()).collect::<Vec<_>>())
                .bind(e.iter().map(|r| r.room.clone()).collect::<Vec<_>>())
                .bind(e.iter().map(|r| r.correlation.clone()).collect::<Vec<_>>())
                .bind(e.iter().map(|r| r.tags.clone()).collect::<Vec<_>>())
                .bind(e.iter().map(|r| r.payload.clone()).collect::<Vec<_>>())
                .execute(&mut *tx)
                .await
                .map_err(query("writing daz_sql_event_log"))?;
            }
            write_small!(tx, Postgres, batch, 60_000);
            tx.commit().await.map_err(query("committing a log batch"))
        }
        Pool::Sqlite(pool) => {
            let mut tx = pool.begin().await.map_err(query("starting a log batch"))?;
            for chunk in batch.chat.chunks(SQLITE_PARAMS / 7) {
                let mut b: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
                    "INSERT INTO daz_chat_log (at_ms, room, user_name, rank, text, html, pm) ",
                );
                b.push_values(chunk, |mut v, r| {
                    v.push_bind(r.at_ms)
                        .push_bind(&r.room)
                        .push_bind(&r.user)
                        .push_bind(r.rank)
                        .push_bind(&r.text)
                        .push_bind(&r.html)
                        .push_bind(r.pm);
                });
                b.build()
                    .execute(&mut *tx)
                    .await
                    .map_err(query("writing daz_chat_log"))?;
            }
            for chunk in batch.events.chunks(SQLITE_PARAMS / 7) {
                let mut b: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
                    "INSERT INTO daz_sql_event_log (at_ms, topic, source, room, correlation, tags, payload) ",
                );
                b.push_values(chunk, |mut v, r| {
                    v.push_bind(r.at_ms)
                        .push_bind(&r.topic)
                        .push_bind(&r.source)
                        .push_bind(&r.room)
                        .push_bind(&r.correlation)
                        .push_bind(&r.tags)
                        .push_bind(&r.payload);
                });
                b.build()
                    .execute(&mut *tx)
                    .await
                    .map_err(query("writing daz_sql_event_log"))?;
            }
            write_small!(tx, Sqlite, batch, SQLITE_PARAMS);
            tx.commit().await.map_err(query("committing a log batch"))
        }
    }
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
