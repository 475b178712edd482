//! The busy channel: the Socket.IO CyTube test server, scripted users who
//! chat, join, leave, change media and type commands, and the server's
//! outages (connections dropped, reconnects refused for a while).

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

/// The channel and its server, which may be down or refusing.
pub(crate) struct Channel {
    server: tokio::sync::Mutex<Option<TestServer>>,
    port: u16,
    /// Whether users may talk now (not while the bot is being dropped).
    open: AtomicBool,
    /// When the bot tried to connect (accepted or refused), per outage.
    pub(crate) attempts: Arc<Mutex<Vec<Instant>>>,
    pub(crate) script: Script,
    /// Every event the bot sent, across server restarts.
    received: Mutex<Vec<(String, Option<Value>)>>,
}

fn replay() -> Replay {
    Replay::from_capture("guest-basic-raw-ws.jsonl", "guest")
}

impl Channel {
    pub(crate) async fn start() -> Arc<Self> {
        let attempts: Arc<Mutex<Vec<Instant>>> = Arc::default();
        let server = TestServer::start(replay(), options(None, &attempts)).await;
        Arc::new(Self {
            port: server.port,
            server: tokio::sync::Mutex::new(Some(server)),
            open: AtomicBool::new(false),
            attempts,
            script: Script::default(),
            received: Mutex::default(),
        })
    }

    pub(crate) fn url(&self) -> String {
        format!(
            "ws://127.0.0.1:{}/socket.io/?EIO=4&transport=websocket",
            self.port
        )
    }

    pub(crate) fn open(&self, open: bool) {
        self.open.store(open, Ordering::SeqCst);
    }

    /// Drops the bot, refuses its reconnects for `refuse`, then lets it
    /// back in. Returns when the drop happened.
    pub(crate) async fn outage(&self, refuse: Duration) -> Instant {
        self.open(false);
        // Lines already emitted reach the bot before it is dropped.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut slot = self.server.lock().await;
        let old = slot.take().expect("the server runs");
        self.keep_received(&old);
        self.attempts.lock().unwrap().clear();
        let dropped_at = Instant::now();
        old.crash().await;
        let refusing = TestServer::start_on(
            replay(),
            options(Some("Rate limit exceeded"), &self.attempts),
            self.port,
        )
        .await;
        tokio::time::sleep(refuse).await;
        refusing.crash().await;
        *slot =
            Some(TestServer::start_on(replay(), options(None, &self.attempts), self.port).await);
        dropped_at
    }

    fn keep_received(&self, server: &TestServer) {
        self.received.lock().unwrap().extend(server.received());
    }

    /// Every event the bot sent so far.
    pub(crate) async fn received(&self) -> Vec<(String, Option<Value>)> {
        let mut all = self.received.lock().unwrap().clone();
        if let Some(server) = self.server.lock().await.as_ref() {
            all.extend(server.received());
        }
        all
    }

    /// Sends one event to the bot when the channel is open; false if not
    /// sent.
    async fn emit(&self, event: &str, payload: &Value) -> bool {
        if !self.open.load(Ordering::SeqCst) {
            return false;
        }
        let slot = self.server.lock().await;
        let Some(server) = slot.as_ref() else {
            return false;
        };
        server.io.emit(event, payload).await.is_ok()
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

fn options(refuse: Option<&str>, attempts: &Arc<Mutex<Vec<Instant>>>) -> Options {
    Options {
        refuse: refuse.map(str::to_owned),
        attempts: Some(Arc::clone(attempts)),
        ..Options::default()
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
