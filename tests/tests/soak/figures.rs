//! The soak's figures, what it requires of them, and how they print.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use daz_core::BotHandle;
use daz_sql::Database;

use crate::channel::Channel;
use crate::checks::{Secrets, Usage, expected_gap, logged, seen_messages};

/// The soak's figures.
#[derive(Debug, Default)]
pub(crate) struct Figures {
    pub(crate) warm: Usage,
    /// When the channel stopped playing, before the drain.
    pub(crate) played: Usage,
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
        let replies = channel.replies();
        self.commands_failed = replies.failed;
        let replies = replies.by_command;
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
            "  RSS file pages warm / end: {} / {} KiB",
            self.warm.file_kib, self.end.file_kib
        )?;
        writeln!(
            f,
            "  RSS / anonymous when the channel stopped, before the drain: {} / {} KiB",
            self.played.rss_kib, self.played.anon_kib
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
