//! The busy channel: the Socket.IO CyTube test server, scripted users who
//! chat, join, leave, change media and type commands, and the server's
//! outages (connections dropped, reconnects refused for a while).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::server::{Options, Replay, TestServer};

/// What the scripted users did, for the checks afterwards.
#[derive(Debug, Default)]
pub(crate) struct Script {
    /// Chat lines the server sent (`soak <n>`), by number.
    pub(crate) chat_sent: AtomicU64,
    /// Commands typed (`!ping`, every fourth `!seen`), each by its own
    /// user `c<n>`.
    pub(crate) commands_sent: AtomicU64,
    pub(crate) joins: AtomicU64,
    pub(crate) media_changes: AtomicU64,
}

/// The channel and its server, which may be refusing the bot.
pub(crate) struct Channel {
    server: TestServer,
    /// While set, the server refuses connects as rate limited.
    refusing: Arc<AtomicBool>,
    /// Whether users may talk now (not while the bot is being dropped).
    open: AtomicBool,
    /// When the bot tried to connect (accepted or refused), per outage.
    pub(crate) attempts: Arc<Mutex<Vec<Instant>>>,
    pub(crate) script: Script,
    replies: Mutex<Replies>,
}

/// Replies to the scripted commands.
#[derive(Debug, Default, Clone)]
pub(crate) struct Replies {
    /// Replies by command number: a reply names its user `c<n>` as a word
    /// ("pong, c7", "c7 was last seen …", "c7: sorry, !seen failed.").
    pub(crate) by_command: BTreeMap<u64, u32>,
    /// Replies saying a command failed (a `!seen` while the database is
    /// down).
    pub(crate) failed: usize,
}

impl Replies {
    fn add(&mut self, received: &[(String, Option<Value>)]) {
        for (event, payload) in received {
            let Some(text) = payload.as_ref().and_then(|p| p["msg"].as_str()) else {
                continue;
            };
            if event != "chatMsg" {
                continue;
            }
            if text.contains(": sorry, ") {
                self.failed += 1;
            }
            for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
                if let Some(n) = word.strip_prefix('c').and_then(|n| n.parse().ok()) {
                    *self.by_command.entry(n).or_insert(0) += 1;
                }
            }
        }
    }
}

impl Channel {
    pub(crate) async fn start() -> Arc<Self> {
        let attempts: Arc<Mutex<Vec<Instant>>> = Arc::default();
        let refusing = Arc::new(AtomicBool::new(false));
        let options = Options {
            attempts: Some(Arc::clone(&attempts)),
            refusing: Some(Arc::clone(&refusing)),
            ..Options::default()
        };
        let replay = Replay::from_capture("guest-basic-raw-ws.jsonl", "guest");
        Arc::new(Self {
            server: TestServer::start(replay, options).await,
            refusing,
            open: AtomicBool::new(false),
            attempts,
            script: Script::default(),
            replies: Mutex::default(),
        })
    }

    pub(crate) fn url(&self) -> String {
        self.server.url()
    }

    pub(crate) fn open(&self, open: bool) {
        self.open.store(open, Ordering::SeqCst);
    }

    /// Drops the bot and refuses its reconnects for `refuse`, then lets
    /// it back in. Returns when the drop happened.
    pub(crate) async fn outage(&self, refuse: Duration) -> Instant {
        self.open(false);
        // Lines already emitted reach the bot before it is dropped.
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.refusing.store(true, Ordering::SeqCst);
        self.attempts.lock().unwrap().clear();
        let dropped_at = Instant::now();
        self.server.drop_connections().await;
        tokio::time::sleep(refuse).await;
        self.refusing.store(false, Ordering::SeqCst);
        dropped_at
    }

    /// The replies to the scripted commands so far, folding in what the
    /// bot sent since the last call (the server forgets it then, so the
    /// test's own memory does not grow with the run).
    pub(crate) fn replies(&self) -> Replies {
        let mut tally = self.replies.lock().unwrap();
        tally.add(&self.server.take_received());
        tally.clone()
    }

    /// Sends one event to the bot when the channel is open; false if not
    /// sent.
    async fn emit(&self, event: &str, payload: &Value) -> bool {
        if !self.open.load(Ordering::SeqCst) {
            return false;
        }
        self.server.io.emit(event, payload).await.is_ok()
    }

    /// The scripted users, until `until`: `rate` chat lines a second,
    /// a command every 2 s, a join and a leave every second, new media
    /// every 10 s.
    pub(crate) async fn play(self: Arc<Self>, rate: u32, until: Instant) {
        let media = recorded_media();
        let tick = Duration::from_secs(1) / rate.max(1);
        let mut next = tokio::time::Instant::now();
        let mut n: u64 = 0;
        while Instant::now() < until {
            next += tick;
            tokio::time::sleep_until(next).await;
            n += 1;
            let s = &self.script;
            let chat = s.chat_sent.load(Ordering::SeqCst);
            let line = json!({"username": format!("u{}", n % 50), "msg": format!("soak {chat}"),
                "meta": {}, "time": now_ms()});
            if self.emit("chatMsg", &line).await {
                s.chat_sent.fetch_add(1, Ordering::SeqCst);
            }
            if n.is_multiple_of(u64::from(rate)) {
                let who = format!("visitor{}", n / u64::from(rate));
                let user = json!({"name": who, "rank": 0, "profile": {"image": "", "text": ""},
                    "meta": {"afk": false, "muted": false}});
                if self.emit("addUser", &user).await {
                    s.joins.fetch_add(1, Ordering::SeqCst);
                    self.emit("userLeave", &json!({"name": who})).await;
                }
            }
            if n % (2 * u64::from(rate)) == 1 {
                let c = s.commands_sent.load(Ordering::SeqCst);
                // Every fourth reads the database (and may fail during
                // its outage, which must still be one reply).
                let text = if c % 4 == 3 {
                    format!("!seen c{c}")
                } else {
                    "!ping".to_owned()
                };
                let line = json!({"username": format!("c{c}"), "msg": text,
                    "meta": {}, "time": now_ms()});
                if self.emit("chatMsg", &line).await {
                    s.commands_sent.fetch_add(1, Ordering::SeqCst);
                }
            }
            if n % (10 * u64::from(rate)) == 5 {
                let m = s.media_changes.load(Ordering::SeqCst);
                let mut change = media.clone();
                change["id"] = json!(format!("cu:soak{m}"));
                change["title"] = json!(format!("soak media {m}"));
                if self.emit("changeMedia", &change).await {
                    s.media_changes.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
        self.open(false);
    }
}

fn now_ms() -> u64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

/// A `changeMedia` payload as the real server sent it.
fn recorded_media() -> Value {
    let replay = Replay::from_capture("registered-basic-raw-ws.jsonl", "bot");
    replay
        .replies
        .values()
        .flatten()
        .flatten()
        .chain(replay.greeting.iter())
        .find(|(name, _)| name == "changeMedia")
        .and_then(|(_, payload)| payload.clone())
        .expect("the capture has a changeMedia")
}
