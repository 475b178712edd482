//! What the soak measures and what it requires of the figures.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use daz_core::BotHandle;
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
        let (rss_kib, anon_kib) = (field("VmRSS:"), field("RssAnon:"));
        let tasks = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();
        Self {
            rss_kib,
            anon_kib,
            tasks,
        }
    }

    /// The fewest tasks over a second (a task that lives for one request
    /// is not a leak), with the RSS read then.
    pub(crate) async fn settled() -> Self {
        let mut least = Self::now();
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let now = Self::now();
            if now.tasks < least.tasks {
                least = now;
            }
        }
        least
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

async fn logged(db: &Database) -> Vec<(String, i64)> {
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

/// How many distinct soak lines are logged (one row back, so waiting
/// does not itself grow the test's memory).
async fn logged_count(db: &Database) -> u64 {
    let count: Result<i64, Box<dyn std::error::Error>> = async {
        Ok(with_pool!(db, p => {
            sqlx::query_scalar(
                "SELECT COUNT(DISTINCT text) FROM daz_chat_log WHERE text LIKE 'soak %'",
            )
            .fetch_one(p)
            .await?
        }))
    }
    .await;
    count.ok().and_then(|n| u64::try_from(n).ok()).unwrap_or(0)
}

/// Chat lines `seen` counted for the scripted chatters (`u0`…`u49`).
async fn seen_messages(db: &Database) -> i64 {
    let sum: Result<Option<i64>, Box<dyn std::error::Error>> = async {
        Ok(with_pool!(db, p => {
            sqlx::query_scalar(
                "SELECT CAST(SUM(messages) AS BIGINT) FROM daz_seen_users \
                 WHERE room = 'testchan' AND user_key LIKE 'u%'",
            )
            .fetch_one(p)
            .await?
        }))
    }
    .await;
    sum.ok().flatten().unwrap_or(-1)
}

/// Replies to the scripted commands, by command number: a reply names
/// its user `c<n>` as a word ("pong, c7", "c7 was last seen …",
/// "c7: sorry, !seen failed.").
fn replies(received: &[(String, Option<serde_json::Value>)]) -> BTreeMap<u64, u32> {
    let mut replies = BTreeMap::new();
    for (event, payload) in received {
        let Some(text) = payload.as_ref().and_then(|p| p["msg"].as_str()) else {
            continue;
        };
        if event != "chatMsg" {
            continue;
        }
        for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            if let Some(n) = word.strip_prefix('c').and_then(|n| n.parse().ok()) {
                *replies.entry(n).or_insert(0) += 1;
            }
        }
    }
    replies
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
        let answered = u64::try_from(replies(&channel.received().await).len()).unwrap_or(0);
        let seen = u64::try_from(seen_messages(db).await).unwrap_or(0);
        if lines >= sent && answered >= commands && seen >= sent {
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The soak's figures.
#[derive(Debug, Default)]
pub(crate) struct Figures {
    pub(crate) warm: Usage,
    pub(crate) end: Usage,
    /// Every 5 s.
    pub(crate) samples: Vec<Usage>,
    pub(crate) outages: Vec<Vec<Duration>>,
    pub(crate) chat_sent: u64,
    pub(crate) chat_logged: u64,
    pub(crate) duplicates: u64,
    /// Chat lines counted by `seen` (written behind, through the outage).
    pub(crate) seen_counted: i64,
    pub(crate) logger_dropped: f64,
    pub(crate) commands_sent: u64,
    pub(crate) commands_unanswered: Vec<u64>,
    pub(crate) commands_answered_twice: Vec<u64>,
    /// Replies saying a command failed (a `!seen` while the database is down).
    pub(crate) commands_failed: usize,
    pub(crate) joins: u64,
    pub(crate) media_changes: u64,
    pub(crate) forwarded: u64,
    pub(crate) panicker_lines: u64,
    pub(crate) restarts: BTreeMap<String, u64>,
    pub(crate) bus_drops: BTreeMap<String, u64>,
    pub(crate) abandoned: Vec<String>,
    pub(crate) secrets_seen: Vec<String>,
}

async fn admin_text(port: u16, token: &str) -> String {
    let client = reqwest::Client::new();
    let mut all = String::new();
    for path in [
        "/metrics",
        "/modules",
        "/health/ready",
        "/rooms",
        "/scheduler/tasks",
    ] {
        let response = client
            .get(format!("http://127.0.0.1:{port}{path}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        all.push_str(&response.text().await.unwrap_or_default());
        all.push('\n');
    }
    all
}

impl Figures {
    pub(crate) async fn gather(
        &mut self,
        channel: &Channel,
        db: &Database,
        handle: &BotHandle,
        admin_port: u16,
        secrets: &Secrets,
    ) {
        use std::sync::atomic::Ordering::SeqCst;
        let script = &channel.script;
        self.chat_sent = script.chat_sent.load(SeqCst);
        self.commands_sent = script.commands_sent.load(SeqCst);
        self.joins = script.joins.load(SeqCst);
        self.media_changes = script.media_changes.load(SeqCst);
        let lines = logged(db).await;
        self.chat_logged = u64::try_from(lines.len()).unwrap_or(0);
        self.duplicates = lines
            .iter()
            .map(|(_, n)| u64::try_from(n - 1).unwrap_or(0))
            .sum();
        self.seen_counted = seen_messages(db).await;
        let received = channel.received().await;
        self.commands_failed = received
            .iter()
            .filter_map(|(_, p)| p.as_ref()?["msg"].as_str())
            .filter(|t| t.contains(": sorry, "))
            .count();
        let replies = replies(&received);
        self.commands_unanswered = (0..self.commands_sent)
            .filter(|n| !replies.contains_key(n))
            .collect();
        self.commands_answered_twice = replies
            .iter()
            .filter(|(_, c)| **c > 1)
            .map(|(n, _)| *n)
            .collect();
        for module in handle.modules().await.unwrap().modules {
            self.restarts.insert(module.name, module.restarts);
        }
        for sub in handle.bus().stats().subscribers {
            if sub.dropped > 0 {
                let owner = sub.owner.unwrap_or_else(|| "?".to_owned());
                *self.bus_drops.entry(owner).or_insert(0) += sub.dropped;
            }
        }
        let admin = admin_text(admin_port, &secrets.admin).await;
        self.logger_dropped = admin
            .lines()
            .filter(|l| l.starts_with("daz_sql_logger_rows_dropped_total"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum();
        self.secrets_seen.extend(secrets.found_in(&admin));
    }

    /// What the run failed to meet, one line each.
    pub(crate) fn failures(&self) -> Vec<String> {
        let mut failed = Vec::new();
        let mut require = |ok: bool, what: String| {
            if !ok {
                failed.push(what);
            }
        };
        require(
            self.chat_logged == self.chat_sent && self.logger_dropped == 0.0,
            format!(
                "chat lines: {} sent, {} logged, {} dropped",
                self.chat_sent, self.chat_logged, self.logger_dropped
            ),
        );
        require(
            u64::try_from(self.seen_counted).is_ok_and(|n| n == self.chat_sent),
            format!(
                "seen counted {} chat lines of {} sent",
                self.seen_counted, self.chat_sent
            ),
        );
        require(
            self.duplicates == 0,
            format!("{} chat lines logged more than once", self.duplicates),
        );
        require(
            self.commands_unanswered.is_empty(),
            format!("commands unanswered: {:?}", self.commands_unanswered),
        );
        require(
            self.commands_answered_twice.is_empty(),
            format!(
                "commands answered twice: {:?}",
                self.commands_answered_twice
            ),
        );
        for (i, gaps) in self.outages.iter().enumerate() {
            let off: Vec<String> = gaps
                .iter()
                .enumerate()
                .filter_map(|(k, g)| {
                    let (low, high) = expected_gap(k);
                    (*g < low || *g > high)
                        .then(|| format!("attempt {k}: {g:?}, wanted {low:?}..{high:?}"))
                })
                .collect();
            require(
                gaps.len() >= 2 && off.is_empty(),
                format!("outage {i}: reconnects off the schedule: {off:?} ({gaps:?})"),
            );
        }
        let others: Vec<&String> = self
            .restarts
            .iter()
            .filter(|(n, r)| **r > 0 && *n != "panicker")
            .map(|(n, _)| n)
            .collect();
        require(
            others.is_empty(),
            format!("modules restarted besides panicker: {others:?}"),
        );
        require(
            self.restarts.get("panicker").is_some_and(|r| *r > 0),
            "panicker never restarted".to_owned(),
        );
        require(
            self.end.rss_kib * 10 <= self.warm.rss_kib * 11,
            format!(
                "RSS grew from {} KiB to {} KiB (> 10 %)",
                self.warm.rss_kib, self.end.rss_kib
            ),
        );
        require(
            self.end.tasks <= self.warm.tasks,
            format!(
                "tokio tasks grew from {} to {}",
                self.warm.tasks, self.end.tasks
            ),
        );
        require(
            self.secrets_seen.is_empty(),
            format!("secrets in the output: {:?}", self.secrets_seen),
        );
        require(
            self.abandoned.is_empty(),
            format!("modules abandoned at stop: {:?}", self.abandoned),
        );
        failed
    }
}

impl fmt::Display for Figures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "soak figures")?;
        writeln!(
            f,
            "  chat lines sent / logged / duplicated / dropped: {} / {} / {} / {}",
            self.chat_sent, self.chat_logged, self.duplicates, self.logger_dropped
        )?;
        writeln!(f, "  chat lines counted by seen: {}", self.seen_counted)?;
        writeln!(
            f,
            "  commands answered \"sorry, … failed\": {}",
            self.commands_failed
        )?;
        writeln!(
            f,
            "  commands sent / unanswered / answered twice: {} / {} / {}",
            self.commands_sent,
            self.commands_unanswered.len(),
            self.commands_answered_twice.len()
        )?;
        writeln!(
            f,
            "  joins+leaves: {}, media changes: {}, chat lines exported to NATS: {}",
            self.joins, self.media_changes, self.forwarded
        )?;
        for (i, gaps) in self.outages.iter().enumerate() {
            writeln!(f, "  outage {i}: reconnect gaps {gaps:?}")?;
        }
        writeln!(
            f,
            "  restarts: {:?} (panicker saw {} lines)",
            self.restarts
                .iter()
                .filter(|(_, r)| **r > 0)
                .collect::<Vec<_>>(),
            self.panicker_lines
        )?;
        writeln!(f, "  bus drops by subscriber: {:?}", self.bus_drops)?;
        writeln!(
            f,
            "  RSS warm / end: {} / {} KiB ({:.3}x)",
            self.warm.rss_kib,
            self.end.rss_kib,
            self.end.rss_kib as f64 / self.warm.rss_kib.max(1) as f64
        )?;
        writeln!(
            f,
            "  RSS anonymous (heap, stacks) warm / end: {} / {} KiB ({:.3}x)",
            self.warm.anon_kib,
            self.end.anon_kib,
            self.end.anon_kib as f64 / self.warm.anon_kib.max(1) as f64
        )?;
        writeln!(
            f,
            "  tokio tasks warm / end: {} / {}",
            self.warm.tasks, self.end.tasks
        )?;
        let anon: Vec<u64> = self.samples.iter().map(|u| u.anon_kib / 1024).collect();
        writeln!(f, "  every 5 s, RSS anonymous MiB: {anon:?}")?;
        let rss: Vec<u64> = self.samples.iter().map(|u| u.rss_kib / 1024).collect();
        let tasks: Vec<usize> = self.samples.iter().map(|u| u.tasks).collect();
        writeln!(f, "  every 5 s, RSS MiB: {rss:?}")?;
        writeln!(f, "  every 5 s, tokio tasks: {tasks:?}")?;
        write!(f, "  secrets seen: {:?}", self.secrets_seen)
    }
}
