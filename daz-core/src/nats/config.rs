//! `[nats]`: where the server is, what crosses it, and under which prefix.

use std::time::Duration;

use serde::Deserialize;

use crate::module::check_name;
use crate::{Error, Pattern, Result, Secret, Topic};

/// `[nats]`: the NATS transport's settings.
///
/// ```toml
/// [nats]
/// url = "nats://127.0.0.1:4222"
/// prefix = "daz.mybot"                  # subjects are <prefix>.<topic>
/// export = ["cytube.event.>", "daz.command.audit"]
/// # import = ["cytube.event.chatMsg"]   # default: what local modules subscribe to
/// # expose = ["cytube", "sql"]          # default: every local module's inbox
/// # keep = ["daz.command.audit"]        # kept in JetStream for receivers that restart
/// # durable = ["daz.command.audit"]     # received through a durable consumer
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct NatsConfig {
    /// The server, or several separated by commas
    /// (default `nats://127.0.0.1:4222`).
    pub url: String,
    /// The subject prefix: an event with topic `t` travels on
    /// `<prefix>.t` (default `daz`). Bots sharing one NATS server each
    /// take their own (`daz.botA`, `daz.botB`).
    pub prefix: String,
    /// This process's name among its peers (default `daz-<pid>`).
    pub name: Option<String>,
    /// Patterns of local events published to NATS (default: none).
    pub export: Vec<String>,
    /// Patterns of NATS events published on the local bus (default: the
    /// patterns local modules subscribe to, followed as they change).
    pub import: Option<Vec<String>>,
    /// Local inboxes that peers may send to and request from (default:
    /// every one).
    pub expose: Option<Vec<String>>,
    /// The longest a request forwarded to a peer waits when its caller set
    /// no deadline, and the longest a send waits for its receipt
    /// (default 30 s).
    #[serde(with = "crate::duration_serde")]
    pub request_timeout: Duration,
    /// How often this process tells its peers which inboxes it has
    /// (default 2 s); a peer not heard from for three times this is
    /// forgotten.
    #[serde(with = "crate::duration_serde")]
    pub announce_every: Duration,
    /// Exported topics JetStream keeps (stream `DAZ_<PREFIX>`), so a
    /// receiver that was down gets them when it is back (default: none).
    pub keep: Vec<String>,
    /// How long JetStream keeps them (default 1 day).
    #[serde(with = "crate::duration_serde")]
    pub keep_for: Duration,
    /// Topics this process receives through a durable JetStream consumer
    /// named after it, instead of plain delivery: what was published
    /// while it was down arrives when it is back. Needs a fixed `name`
    /// (default: none).
    pub durable: Vec<String>,
    /// The mailbox of events waiting to be exported (default 16384); a
    /// burst beyond it is dropped and counted by the bus.
    pub capacity: usize,
    /// A token for the server.
    pub token: Option<Secret>,
    /// The environment variable holding the token instead.
    pub token_env: Option<String>,
    /// A user name for the server (with `password`).
    pub user: Option<String>,
    /// The password for `user`.
    pub password: Option<Secret>,
}

impl Default for NatsConfig {
    fn default() -> Self {
        Self {
            url: "nats://127.0.0.1:4222".to_owned(),
            prefix: "daz".to_owned(),
            name: None,
            export: Vec::new(),
            import: None,
            expose: None,
            request_timeout: Duration::from_secs(30),
            announce_every: Duration::from_secs(2),
            capacity: 16_384,
            keep: Vec::new(),
            keep_for: Duration::from_secs(86_400),
            durable: Vec::new(),
            token: None,
            token_env: None,
            user: None,
            password: None,
        }
    }
}

/// `[nats]` checked: patterns parsed, names valid.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub(crate) raw: NatsConfig,
    pub(crate) name: String,
    pub(crate) export: Vec<Pattern>,
    pub(crate) import: Option<Vec<Pattern>>,
    pub(crate) keep: Vec<Pattern>,
    pub(crate) durable: Vec<Pattern>,
    pub(crate) token: Option<Secret>,
}

fn bad(key: &str, reason: impl Into<String>) -> Error {
    Error::ConfigValue {
        origin: "section [nats]".to_owned(),
        key: format!("nats.{key}"),
        reason: reason.into(),
    }
}

fn patterns(key: &str, list: &[String]) -> Result<Vec<Pattern>> {
    list.iter()
        .map(|p| Pattern::new(p.as_str()).map_err(|e| bad(key, e.to_string())))
        .collect()
}

impl NatsConfig {
    /// Checks every value, naming the key at fault.
    pub(crate) fn check(self) -> Result<Checked> {
        if self.url.split(',').all(|u| u.trim().is_empty()) {
            return Err(bad("url", "give the server, e.g. nats://127.0.0.1:4222"));
        }
        Topic::new(self.prefix.as_str()).map_err(|e| {
            bad(
                "prefix",
                format!("{e}; write dot-separated words such as daz.mybot"),
            )
        })?;
        if self.prefix.starts_with("_daz") {
            return Err(bad(
                "prefix",
                "_daz is kept for the transport's own subjects",
            ));
        }
        let name = match &self.name {
            Some(name) => name.clone(),
            None if !self.durable.is_empty() => {
                return Err(bad(
                    "durable",
                    "a durable consumer is named after its process: set [nats] name to a name \
                     that stays the same across restarts",
                ));
            }
            None => format!("daz-{}", std::process::id()),
        };
        check_name(&name).map_err(|e| bad("name", e.to_string()))?;
        for inbox in self.expose.iter().flatten() {
            check_name(inbox).map_err(|e| bad("expose", e.to_string()))?;
        }
        for (key, d) in [
            ("request_timeout", self.request_timeout),
            ("announce_every", self.announce_every),
            ("keep_for", self.keep_for),
        ] {
            if d.is_zero() {
                return Err(bad(key, "must be more than zero"));
            }
        }
        if self.capacity == 0 {
            return Err(bad("capacity", "must be at least 1"));
        }
        let token = match (&self.token, &self.token_env) {
            (Some(_), Some(_)) => return Err(bad("token", "give token or token_env, not both")),
            (Some(t), None) => Some(t.clone()),
            (None, Some(var)) => {
                Some(Secret::new(std::env::var(var).map_err(|_| {
                    bad("token_env", format!("{var} is not set"))
                })?))
            }
            (None, None) => None,
        };
        if self.user.is_some() != self.password.is_some() {
            return Err(bad("user", "give user and password together"));
        }
        let export = patterns("export", &self.export)?;
        let import = self
            .import
            .as_deref()
            .map(|list| patterns("import", list))
            .transpose()?;
        let keep = patterns("keep", &self.keep)?;
        let durable = patterns("durable", &self.durable)?;
        Ok(Checked {
            raw: self,
            name,
            export,
            import,
            keep,
            durable,
            token,
        })
    }
}
