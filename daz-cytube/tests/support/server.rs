//! A CyTube stand-in for the client tests: a real Socket.IO v4 server
//! (socketioxide, EIO 4) that answers each client event with the frames the
//! real CyTube server sent after the same event in a recorded transcript.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support"
)]

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use socketioxide::SocketIo;
use socketioxide::extract::{Data, Event, SocketRef};

/// One server frame: an event and its payload (`None`: no argument).
pub(crate) type Frame = (String, Option<Value>);

/// What the server says, taken from a transcript.
#[derive(Debug, Clone, Default)]
pub(crate) struct Replay {
    /// Sent right after the connect is accepted.
    pub(crate) greeting: Vec<Frame>,
    /// For each client event name, the answers, one list per occurrence.
    pub(crate) replies: HashMap<String, VecDeque<Vec<Frame>>>,
}

fn parse_event(frame: &str) -> Option<Frame> {
    let json = frame.strip_prefix("42")?;
    let Value::Array(items) = serde_json::from_str::<Value>(json).ok()? else {
        return None;
    };
    let mut items = items.into_iter();
    let name = items.next()?.as_str()?.to_owned();
    Some((name, items.next()))
}

impl Replay {
    /// The server side of connection `conn` in `file` (under
    /// `tests/captures`).
    pub(crate) fn from_capture(file: &str, conn: &str) -> Self {
        // From daz-cytube's tests, the workspace's `tests` crate, or the
        // example bot's benchmark.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let path = [
            root.join("tests/captures"),
            root.join("../daz-cytube/tests/captures"),
            root.join("../../daz-cytube/tests/captures"),
        ]
        .into_iter()
        .find(|dir| dir.is_dir())
        .unwrap()
        .join(file);
        let mut replay = Self::default();
        let mut current: Option<String> = None;
        let mut answers: Vec<Frame> = Vec::new();
        let mut connected = false;
        for line in std::fs::read_to_string(path).unwrap().lines() {
            let record: Value = serde_json::from_str(line).unwrap();
            if record["conn"] != conn {
                continue;
            }
            let Some(frame) = record["frame"].as_str() else {
                continue;
            };
            match record["dir"].as_str() {
                Some("in") if frame.starts_with("40") => connected = true,
                Some("in") if connected => {
                    if let Some(event) = parse_event(frame) {
                        answers.push(event);
                    }
                }
                Some("out") => {
                    if let Some((name, _)) = parse_event(frame) {
                        let done = std::mem::take(&mut answers);
                        match current.replace(name) {
                            None => replay.greeting = done,
                            Some(previous) => {
                                replay.replies.entry(previous).or_default().push_back(done)
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(previous) = current {
            replay
                .replies
                .entry(previous)
                .or_default()
                .push_back(answers);
        }
        replay
    }

    /// Answers the client's next `event` with `frames`, before any
    /// recorded answer.
    pub(crate) fn first(mut self, event: &str, frames: Vec<Frame>) -> Self {
        self.replies
            .entry(event.to_owned())
            .or_default()
            .push_front(frames);
        self
    }

    /// Adds `frames` to the first answer to `event`.
    pub(crate) fn also(mut self, event: &str, frames: Vec<Frame>) -> Self {
        let answers = self.replies.entry(event.to_owned()).or_default();
        match answers.front_mut() {
            Some(first) => first.extend(frames),
            None => answers.push_back(frames),
        }
        self
    }

    /// Adds frames to send after the client's next `event`.
    pub(crate) fn then(mut self, event: &str, frames: Vec<Frame>) -> Self {
        self.replies
            .entry(event.to_owned())
            .or_default()
            .push_back(frames);
        self
    }
}

/// Settings of a test server.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) ping_interval: Duration,
    pub(crate) ping_timeout: Duration,
    /// Refuse every connect with this message (a `44`).
    pub(crate) refuse: Option<String>,
    /// Records when each Socket.IO connect arrives (accepted or refused).
    pub(crate) attempts: Option<Arc<Mutex<Vec<std::time::Instant>>>>,
    /// While set, connects are refused as rate limited (a `44`).
    pub(crate) refusing: Option<Arc<std::sync::atomic::AtomicBool>>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            ping_interval: Duration::from_secs(25),
            ping_timeout: Duration::from_secs(20),
            refuse: None,
            attempts: None,
            refusing: None,
        }
    }
}

#[derive(Debug)]
struct Refusal(String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// A running server on 127.0.0.1.
pub(crate) struct TestServer {
    pub(crate) port: u16,
    pub(crate) io: SocketIo,
    received: Arc<Mutex<Vec<Frame>>>,
    connections: Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

fn emit(socket: &SocketRef, (name, payload): &Frame) {
    let _ = match payload {
        Some(value) => socket.emit(name.as_str(), value),
        None => socket.emit(name.as_str(), &()),
    };
}

impl TestServer {
    /// Starts a server playing `replay`.
    pub(crate) async fn start(replay: Replay, options: Options) -> Self {
        Self::start_on(replay, options, 0).await
    }

    /// Starts a server on `port` (0: any free one).
    pub(crate) async fn start_on(replay: Replay, options: Options, port: u16) -> Self {
        let (layer, io) = SocketIo::builder()
            .ping_interval(options.ping_interval)
            .ping_timeout(options.ping_timeout)
            .build_layer();
        let replay = Arc::new(Mutex::new(replay));
        let received: Arc<Mutex<Vec<Frame>>> = Arc::default();
        let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let on_connect = {
            let replay = Arc::clone(&replay);
            let received = Arc::clone(&received);
            let connections = Arc::clone(&connections);
            move |socket: SocketRef| {
                // Each connection replays the transcript from its start.
                let replay = Arc::new(Mutex::new(replay.lock().unwrap().clone()));
                let received = Arc::clone(&received);
                connections.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                async move {
                    let greeting = replay.lock().unwrap().greeting.clone();
                    for frame in &greeting {
                        emit(&socket, frame);
                    }
                    socket.on_fallback(
                        move |socket: SocketRef, Event(event): Event, Data(data): Data<Value>| {
                            let replay = Arc::clone(&replay);
                            let received = Arc::clone(&received);
                            async move {
                                received.lock().unwrap().push((event.clone(), Some(data)));
                                let answer = replay
                                    .lock()
                                    .unwrap()
                                    .replies
                                    .get_mut(&event)
                                    .and_then(VecDeque::pop_front);
                                for frame in answer.unwrap_or_default() {
                                    emit(&socket, &frame);
                                }
                            }
                        },
                    );
                }
            }
        };
        let attempts = options.attempts.clone();
        let attempt = move || {
            if let Some(attempts) = &attempts {
                attempts.lock().unwrap().push(std::time::Instant::now());
            }
        };
        match options.refuse {
            Some(message) => {
                let refuse = move || {
                    attempt();
                    let message = message.clone();
                    async move { Err::<(), _>(Refusal(message)) }
                };
                io.ns(
                    "/",
                    socketioxide::handler::ConnectHandler::with(on_connect, refuse),
                );
            }
            None => {
                let refusing = options.refusing.clone();
                let accept = move || {
                    attempt();
                    let refused = refusing
                        .as_ref()
                        .is_some_and(|r| r.load(std::sync::atomic::Ordering::SeqCst));
                    async move {
                        if refused {
                            return Err(Refusal("Rate limit exceeded".to_owned()));
                        }
                        Ok(())
                    }
                };
                io.ns(
                    "/",
                    socketioxide::handler::ConnectHandler::with(on_connect, accept),
                );
            }
        }
        let app = axum::Router::new().layer(layer);
        // A crashed server on the same port lets go of it when its task
        // is dropped, which an abort does not wait for.
        let mut bound = tokio::net::TcpListener::bind(("127.0.0.1", port)).await;
        for _ in 0..100 {
            if bound.is_ok() || port == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            bound = tokio::net::TcpListener::bind(("127.0.0.1", port)).await;
        }
        let listener = bound.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            port,
            io,
            received,
            connections,
            task,
        }
    }

    /// The WebSocket URL a client connects to.
    pub(crate) fn url(&self) -> String {
        format!(
            "ws://127.0.0.1:{}/socket.io/?EIO=4&transport=websocket",
            self.port
        )
    }

    /// The events the client sent, in order.
    pub(crate) fn received(&self) -> Vec<Frame> {
        self.received.lock().unwrap().clone()
    }

    /// The events the client sent since the last take, in order; the
    /// server forgets them (a long run keeps its memory flat).
    pub(crate) fn take_received(&self) -> Vec<Frame> {
        std::mem::take(&mut *self.received.lock().unwrap())
    }

    /// Socket.IO sessions opened so far.
    pub(crate) fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Ends every session (`41`), as the server does when it goes away.
    pub(crate) async fn drop_connections(&self) {
        let _ = self.io.disconnect().await;
    }

    /// Stops the server as a crash or restart does: every transport
    /// closes without a goodbye, and nothing listens until the next start.
    pub(crate) async fn crash(self) -> u16 {
        self.task.abort();
        self.io.close().await;
        self.port
    }

    /// Stops the server (the connection drops, as in a restart).
    pub(crate) fn stop(self) {
        self.task.abort();
    }
}
