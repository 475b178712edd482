//! The `logger` module: writes events to the database in batches — chat
//! and PMs to `daz_chat_log`, joins, leaves and rank changes to
//! `daz_user_activity`, media changes to `daz_media_history`, and events
//! matching configured patterns to `daz_sql_event_log` (JSON payload, tags
//! and correlation id).

mod copy;
mod metrics;
mod rows;
mod rules;
mod tables;
mod writer;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use daz_core::chat::{CHAT_TOPIC, MediaChanged, PM_TOPIC, UserJoined, UserLeft, UserRank};
use daz_core::{Context, Event, EventPayload, Health, Module, ModuleResult, Pattern};
use serde::Deserialize;
use tokio::sync::{mpsc, oneshot};

use crate::database::Database;
use rules::CompiledRule;
pub use rules::Rule;
use writer::{Flush, Shared, Tuning};

/// The `[logger]` section.
///
/// ```toml
/// [logger]
/// chat = true                    # chat and PMs → daz_chat_log
/// users = true                   # joins, leaves, ranks → daz_user_activity
/// media = true                   # media changes → daz_media_history
/// events = ["daz.command.audit"] # patterns → daz_sql_event_log
/// batch_size = 500               # write at this many rows…
/// flush_every = "1s"             # …or this often, whichever first
/// buffer = 100000                # rows kept while the database is down
/// stop_timeout = "10s"           # time to flush on stop
/// retry_max = "30s"              # longest wait between retries while the database is down
/// prune_every = "1h"
///
/// [logger.retention]             # days to keep; unlisted tables keep everything
/// daz_chat_log = 90
/// daz_sql_event_log = 30
///
/// [[logger.rules]]               # events into a table of your own
/// pattern = "economy.transfer"
/// table = "daz_economy_transfers"
/// columns = { at_ms = "@time", from_user = "from", amount = "amount" }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct LoggerSettings {
    /// Log chat and PMs.
    pub chat: bool,
    /// Log joins, leaves and rank changes.
    pub users: bool,
    /// Log media changes.
    pub media: bool,
    /// Patterns of events logged as JSON to `daz_sql_event_log`.
    pub events: Vec<String>,
    /// Rows per batch (default 500).
    pub batch_size: usize,
    /// The longest a row waits before it is written (default 1 s).
    #[serde(with = "daz_core::duration_serde")]
    pub flush_every: Duration,
    /// Rows kept while the database is unreachable (default 100 000); the
    /// oldest are dropped, and counted, beyond it.
    pub buffer: usize,
    /// How long a stop may take to flush (default 10 s).
    #[serde(with = "daz_core::duration_serde")]
    pub stop_timeout: Duration,
    /// The longest wait between retries while the database is down
    /// (default 30 s; the wait doubles from 100 ms).
    #[serde(with = "daz_core::duration_serde")]
    pub retry_max: Duration,
    /// Events written to tables of your own.
    pub rules: Vec<Rule>,
    /// Days of rows to keep, by built-in table (`daz_chat_log`,
    /// `daz_user_activity`, `daz_media_history`, `daz_sql_event_log`);
    /// older rows are deleted every `prune_every`. Tables not listed keep
    /// everything.
    pub retention: std::collections::BTreeMap<String, u32>,
    /// How often old rows are pruned (default 1 h).
    #[serde(with = "daz_core::duration_serde")]
    pub prune_every: Duration,
}

impl Default for LoggerSettings {
    fn default() -> Self {
        Self {
            chat: true,
            users: true,
            media: true,
            events: vec!["daz.command.audit".to_owned()],
            batch_size: 500,
            flush_every: Duration::from_secs(1),
            buffer: 100_000,
            stop_timeout: Duration::from_secs(10),
            retry_max: Duration::from_secs(30),
            rules: Vec::new(),
            retention: std::collections::BTreeMap::new(),
            prune_every: Duration::from_secs(3600),
        }
    }
}

/// What the logger has done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct LoggerStats {
    /// Rows written.
    pub written: u64,
    /// Rows dropped (the buffer overflowed while the database was down).
    pub dropped: u64,
    /// Rows waiting.
    pub buffered: u64,
    /// Failed writes (each retried).
    pub failures: u64,
    /// Batches written.
    pub batches: u64,
}

/// The name of the pruning task.
const PRUNE: &str = "prune";

/// The `logger` module.
#[derive(daz_core::Module)]
#[module(name = "logger", config = LoggerSettings, description = "Writes chat, users, media and chosen events to the database in batches")]
pub struct Logger {
    db: Database,
    shared: Option<Arc<Shared>>,
    /// Filled by `stats_handle` before the writer exists.
    stats: Arc<std::sync::OnceLock<Arc<Shared>>>,
    flushes: Option<mpsc::Sender<Flush>>,
    patterns: Vec<Pattern>,
    rules: Vec<CompiledRule>,
    retention: Vec<(String, u32)>,
    typed: bool,
    stop_timeout: Duration,
}

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logger")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl Logger {
    /// A logger writing to `db`.
    #[must_use]
    pub fn new(db: &Database) -> Self {
        Self {
            db: db.clone(),
            shared: None,
            stats: Arc::default(),
            flushes: None,
            patterns: Vec::new(),
            rules: Vec::new(),
            retention: Vec::new(),
            typed: false,
            stop_timeout: Duration::from_secs(10),
        }
    }

    /// A handle on the counters, readable while the bot runs.
    #[must_use]
    pub fn stats_handle(&self) -> LoggerStatsHandle {
        LoggerStatsHandle(Arc::clone(&self.stats))
    }

    /// The counters now.
    #[must_use]
    pub fn stats(&self) -> LoggerStats {
        self.stats_handle().get()
    }

    fn push(&self, row: rows::Row) {
        if let Some(shared) = &self.shared {
            shared.push(row);
        }
    }
}

/// Reads a logger's counters (cheap to clone).
#[derive(Debug, Clone)]
pub struct LoggerStatsHandle(Arc<std::sync::OnceLock<Arc<Shared>>>);

impl LoggerStatsHandle {
    /// The counters now (all zero before the logger started).
    #[must_use]
    pub fn get(&self) -> LoggerStats {
        let Some(c) = self.0.get() else {
            return LoggerStats::default();
        };
        LoggerStats {
            written: c.written.load(Ordering::Relaxed),
            dropped: c.dropped.load(Ordering::Relaxed),
            buffered: u64::try_from(c.buffered()).unwrap_or(u64::MAX),
            failures: c.failures.load(Ordering::Relaxed),
            batches: c.batches.load(Ordering::Relaxed),
        }
    }
}

#[daz_core::async_trait]
impl Module for Logger {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        let settings: LoggerSettings = ctx.config()?;
        if settings.batch_size == 0 || settings.buffer == 0 || settings.flush_every.is_zero() {
            return Err("logger: batch_size, buffer and flush_every must be more than zero".into());
        }
        tables::prepare(&self.db).await?;
        self.patterns = settings
            .events
            .iter()
            .map(|p| Pattern::new(p.as_str()))
            .collect::<daz_core::Result<Vec<_>>>()?;
        let mut typed = Vec::new();
        if settings.chat {
            typed.extend([CHAT_TOPIC, PM_TOPIC]);
        }
        if settings.users {
            typed.extend([UserJoined::TOPIC, UserLeft::TOPIC, UserRank::TOPIC]);
        }
        if settings.media {
            typed.push(MediaChanged::TOPIC);
        }
        self.typed = !typed.is_empty();
        for topic in typed {
            ctx.subscribe(Pattern::from(topic))?;
        }
        for pattern in &self.patterns {
            ctx.subscribe(pattern.clone())?;
        }
        self.rules = settings
            .rules
            .iter()
            .map(CompiledRule::compile)
            .collect::<Result<Vec<_>, String>>()
            .map_err(|e| format!("logger.rules: {e}"))?;
        for rule in &settings.rules {
            ctx.subscribe(Pattern::new(rule.pattern.as_str())?)?;
        }
        self.retention = settings
            .retention
            .iter()
            .map(|(t, d)| (t.clone(), *d))
            .collect();
        if let Some((table, _)) = self
            .retention
            .iter()
            .find(|(t, _)| !tables::PRUNABLE.contains(&t.as_str()))
        {
            return Err(format!(
                "logger.retention: {table:?} is not a table the logger prunes; use one of {}",
                tables::PRUNABLE.join(", ")
            )
            .into());
        }
        if !self.retention.is_empty() {
            let every = daz_core::schedule::Schedule::every(settings.prune_every)?;
            ctx.schedule(PRUNE, every, daz_core::TaskOptions::new())?;
        }
        let tuning = Tuning {
            batch_size: settings.batch_size,
            flush_every: settings.flush_every,
            buffer: settings.buffer,
            max_backoff: settings.retry_max.max(Duration::from_millis(100)),
        };
        // The buffer outlives restarts of the module: rows waiting are kept.
        let shared = Arc::clone(self.stats.get_or_init(|| Arc::new(Shared::new(tuning))));
        let (flushes, inbox) = mpsc::channel(4);
        ctx.spawn(writer::run(self.db.clone(), Arc::clone(&shared), inbox));
        self.shared = Some(shared);
        self.flushes = Some(flushes);
        self.stop_timeout = settings.stop_timeout;
        Ok(())
    }

    async fn handle(&mut self, _ctx: &mut Context, event: Event) -> ModuleResult {
        if let Ok(tick) = event.payload::<daz_core::Tick>()
            && &*tick.name == PRUNE
        {
            for (table, days) in &self.retention {
                let removed = tables::prune(&self.db, table, *days).await?;
                tracing::info!(%table, removed, days, "pruned old log rows");
            }
            return Ok(());
        }
        // Raw frames and the like: marked by their publisher as not for
        // logs (`EventBuilder::loggable(false)`), whatever matches them.
        if !event.is_loggable() {
            return Ok(());
        }
        for rule in &self.rules {
            if let Some(row) = rule.row(&event) {
                self.push(row);
            }
        }
        if self.patterns.iter().any(|p| p.matches(event.topic())) {
            self.push(rows::event_row(&event));
        }
        if self.typed
            && let Some(row) = rows::typed_row(&event)
        {
            self.push(row);
        }
        Ok(())
    }

    async fn stop(&mut self, _ctx: &mut Context) -> ModuleResult {
        let Some(flushes) = self.flushes.take() else {
            return Ok(());
        };
        let (done, flushed) = oneshot::channel();
        let deadline = tokio::time::Instant::now() + self.stop_timeout;
        if flushes.send(Flush(deadline, done)).await.is_ok() {
            let _ = tokio::time::timeout_at(deadline + Duration::from_millis(100), flushed).await;
        }
        let stats = self.stats();
        if stats.buffered > 0 {
            return Err(format!(
                "{} log rows could not be written before the stop",
                stats.buffered
            )
            .into());
        }
        Ok(())
    }

    fn health(&self) -> Health {
        let stats = self.stats();
        if stats.buffered > 0 && stats.failures > 0 {
            Health::Degraded(format!(
                "the database is not taking writes; {} rows wait",
                stats.buffered
            ))
        } else {
            Health::Healthy
        }
    }
}
