//! What the soak measures: output, memory and tasks, reconnect attempts,
//! the chat log, `seen` and command replies.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use daz_sql::{Database, with_pool};

use crate::channel::Channel;

/// The test passwords: none may appear in any output.
pub(crate) struct Secrets {
    pub(crate) cytube: String,
    pub(crate) postgres: String,
    pub(crate) nats: String,
    pub(crate) admin: String,
}

impl Secrets {
    pub(crate) fn new() -> Self {
        let n = std::process::id();
        Self {
            cytube: format!("soak-cytube-secret-{n}x"),
            postgres: format!("soak-pg-secret-{n}y"),
            nats: format!("soak-nats-secret-{n}z"),
            admin: format!("soak-admin-secret-{n}w"),
        }
    }

    /// The secrets that appear in `text`.
    pub(crate) fn found_in(&self, text: &str) -> Vec<String> {
        [&self.cytube, &self.postgres, &self.nats, &self.admin]
            .into_iter()
            .filter(|s| text.contains(s.as_str()))
            .cloned()
            .collect()
    }
}

/// Every log line and panic message of the run, in a file.
pub(crate) struct Log(PathBuf);

impl Log {
    pub(crate) fn read(&self) -> String {
        std::fs::read_to_string(&self.0).unwrap_or_default()
    }
}

#[derive(Clone)]
struct Appender(Arc<Mutex<std::fs::File>>);

impl Write for Appender {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().unwrap().flush()
    }
}

/// Sends every tracing line (debug and up from daz, info from the rest)
/// and every panic message to a file.
pub(crate) fn capture_output() -> Log {
    let path = std::env::temp_dir().join(format!("daz-soak-{}.log", std::process::id()));
    let file = Arc::new(Mutex::new(std::fs::File::create(&path).unwrap()));
    let appender = Appender(Arc::clone(&file));
    tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || appender.clone())
        .init();
    let panics = Appender(file);
    std::panic::set_hook(Box::new(move |info| {
        let _ = writeln!(panics.clone(), "panic: {info}");
        eprintln!("panic: {info}");
    }));
    Log(path)
}

/// Memory and tasks at one moment.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Usage {
    /// All resident memory (`VmRSS`).
    pub(crate) rss_kib: u64,
    /// Resident anonymous memory (`RssAnon`: heap and stacks), without the
    /// pages of the (debug) binary and libraries mapped in as code first
    /// runs.
    pub(crate) anon_kib: u64,
    /// Resident file pages (`RssFile`: the binary and libraries).
    pub(crate) file_kib: u64,
    pub(crate) tasks: usize,
}

impl Usage {
    pub(crate) fn now() -> Self {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or(0)
        };
        let (rss_kib, anon_kib, file_kib) = (field("VmRSS:"), field("RssAnon:"), field("RssFile:"));
        let tasks = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();
        Self {
            rss_kib,
            anon_kib,
            file_kib,
            tasks,
        }
    }

    /// The task count most often seen over 3 s (a task that lives for
    /// one request, or one that is between two runs, is not a leak; a
    /// leaked task is there in every sample), with the RSS read then.
    pub(crate) async fn settled() -> Self {
        let mut seen: BTreeMap<usize, u32> = BTreeMap::new();
        let mut last = Self::now();
        for _ in 0..30 {
            *seen.entry(last.tasks).or_insert(0) += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
            last = Self::now();
        }
        // The most frequent count; of equally frequent ones, the least.
        let most = seen.values().copied().max().unwrap_or(0);
        last.tasks = seen
            .iter()
            .find(|(_, n)| **n == most)
            .map_or(last.tasks, |(tasks, _)| *tasks);
        last
    }
}

/// Connect attempts after a drop at `dropped`, as gaps: the first from
/// the drop, each next from the one before.
pub(crate) fn attempts_after(dropped: Instant, attempts: &Mutex<Vec<Instant>>) -> Vec<Duration> {
    let mut last = dropped;
    let mut gaps = Vec::new();
    for at in attempts.lock().unwrap().iter().copied() {
        gaps.push(at.saturating_duration_since(last));
        last = at;
    }
    gaps
}

/// The backoff schedule: attempt `k` waits `250 ms × 2^k` (at most 4 s)
/// plus up to 20 % jitter.
pub(crate) fn expected_gap(k: usize) -> (Duration, Duration) {
    let exponent = i32::try_from(k.min(20)).unwrap_or(20);
    let base = (0.25 * 2f64.powi(exponent)).min(4.0);
    (
        Duration::from_secs_f64(base * 0.95),
        Duration::from_secs_f64(base * 1.2 + 0.3),
    )
}

pub(crate) async fn logged(db: &Database) -> Vec<(String, i64)> {
    let rows: Result<Vec<(String, i64)>, Box<dyn std::error::Error>> = async {
        Ok(with_pool!(db, p => {
            sqlx::query_as(
                "SELECT text, COUNT(*) FROM daz_chat_log WHERE text LIKE 'soak %' GROUP BY text",
            )
            .fetch_all(p)
            .await?
        }))
    }
    .await;
    rows.unwrap_or_default()
}

/// One number from `sql` (`None` when the query fails or finds none):
/// one row back, so waiting does not itself grow the test's memory.
async fn one_number(db: &Database, sql: &'static str) -> Option<i64> {
    let value: Result<Option<i64>, Box<dyn std::error::Error>> =
        async { Ok(with_pool!(db, p => sqlx::query_scalar(sql).fetch_one(p).await?)) }.await;
    value.ok().flatten()
}

/// How many distinct soak lines are logged.
pub(crate) async fn logged_count(db: &Database) -> u64 {
    let sql = "SELECT COUNT(DISTINCT text) FROM daz_chat_log WHERE text LIKE 'soak %'";
    one_number(db, sql)
        .await
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(0)
}

/// Chat lines `seen` counted for the scripted chatters (`u0`…`u49`).
pub(crate) async fn seen_messages(db: &Database) -> i64 {
    let sql = "SELECT CAST(SUM(messages) AS BIGINT) FROM daz_seen_users \
               WHERE room = 'testchan' AND user_key LIKE 'u%'";
    one_number(db, sql).await.unwrap_or(-1)
}

/// Waits (up to 2 min) until every chat line sent is logged and counted
/// by `seen`, and every command answered.
pub(crate) async fn drain(channel: &Channel, db: &Database) {
    let sent = channel
        .script
        .chat_sent
        .load(std::sync::atomic::Ordering::SeqCst);
    let commands = channel
        .script
        .commands_sent
        .load(std::sync::atomic::Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let lines = logged_count(db).await;
        let answered = u64::try_from(channel.replies().by_command.len()).unwrap_or(0);
        let seen = u64::try_from(seen_messages(db).await).unwrap_or(0);
        if lines >= sent && answered >= commands && seen >= sent {
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
