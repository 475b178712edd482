//! A bot with the admin API, the CyTube bridge on the Socket.IO test
//! server, and a module with a scheduled task; and an HTTP client for it.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support"
)]

use std::sync::OnceLock;
use std::time::Duration;

use daz_core::admin::{AdminHttp, Prometheus};
use daz_core::schedule::Schedule;
use daz_core::{
    Bot, BotHandle, Config, Context, Format, Module, ModuleResult, ShutdownReport, TaskOptions,
};
use daz_cytube::bridge::CytubeBridge;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::server::{Options, Replay, TestServer};

pub(crate) const TOKEN: &str = "admin-token-0123456789-abcdef";
pub(crate) const ROOM_PASSWORD: &str = "hunter2-room-password";
/// The channel's own password, as the server sends it to its owner.
pub(crate) const CHANNEL_PASSWORD: &str = "hunter2-channel-password";

/// Keeps one task, `hourly`, in the scheduler.
#[derive(Default, daz_core::Module)]
#[module(name = "ticker")]
pub(crate) struct Ticker;

#[daz_core::async_trait]
impl Module for Ticker {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        ctx.schedule(
            "hourly",
            Schedule::every(Duration::from_secs(3600))?,
            TaskOptions::new(),
        )?;
        Ok(())
    }
}

/// The process's Prometheus recorder (one per process).
pub(crate) fn prometheus() -> Prometheus {
    static ONE: OnceLock<Prometheus> = OnceLock::new();
    ONE.get_or_init(|| Prometheus::install().unwrap()).clone()
}

/// The running bot, its CyTube server and a client for its admin API.
pub(crate) struct AdminBot {
    pub(crate) api: Api,
    server: Option<TestServer>,
    pub(crate) handle: BotHandle,
    running: tokio::task::JoinHandle<daz_core::Result<ShutdownReport>>,
}

impl AdminBot {
    /// Starts the bot and waits until the API listens and the room is
    /// joined (ann, a moderator, is in it).
    pub(crate) async fn start() -> Self {
        let ann = json!({"name": "ann", "rank": 2, "profile": {"image": "", "text": ""}, "meta": {"afk": false, "muted": false}});
        let replay = Replay::from_capture("guest-basic-raw-ws.jsonl", "guest").also(
            "login",
            vec![
                ("addUser".into(), Some(ann)),
                (
                    "channelOpts".into(),
                    Some(json!({"password": CHANNEL_PASSWORD, "allow_voteskip": true})),
                ),
            ],
        );
        let server = TestServer::start(replay, Options::default()).await;
        let toml = format!(
            "[admin]\nbind = \"127.0.0.1:0\"\ntoken = \"{TOKEN}\"\n\
             [[cytube.rooms]]\nchannel = \"testchan\"\nuser = \"RawGuestbtt2\"\n\
             password = \"{ROOM_PASSWORD}\"\nsocket = \"{}\"\n\
             [cytube.reconnect]\ninitial = \"50ms\"\nmax = \"100ms\"\n",
            server.url()
        );
        let admin = AdminHttp::new().metrics(prometheus());
        let address = admin.address();
        let bot = Bot::builder()
            .config(Config::parse(&toml, Format::Toml).unwrap())
            .module(Ticker)
            .module(CytubeBridge::new())
            .module(admin)
            .build()
            .unwrap();
        let handle = bot.handle();
        let running = tokio::spawn(bot.run_until(std::future::pending()));
        let addr = tokio::time::timeout(Duration::from_secs(5), address.listening())
            .await
            .expect("it listens");
        let base = format!("http://{addr}");
        daz_cytube::ensure_tls_provider();
        let mut api = Api {
            base,
            http: reqwest::Client::new(),
            bodies: Vec::new(),
        };
        for _ in 0..500 {
            if api.json("GET", "/health/ready").await.0 == StatusCode::OK {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Self {
            api,
            server: Some(server),
            handle,
            running,
        }
    }

    /// The CyTube server crashes: the connection drops and nothing
    /// listens any more.
    pub(crate) async fn crash_server(&mut self) {
        if let Some(server) = self.server.take() {
            server.crash().await;
        }
    }

    /// Stops the bot.
    pub(crate) async fn stop(self) -> Api {
        self.handle.stop();
        self.running.await.unwrap().unwrap();
        self.api
    }
}

/// A client of the admin API that keeps every body it received.
pub(crate) struct Api {
    pub(crate) base: String,
    http: reqwest::Client,
    pub(crate) bodies: Vec<String>,
}

impl Api {
    /// `method path`, with `token` if given: the status and the body.
    pub(crate) async fn call(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
    ) -> (StatusCode, String) {
        let url = format!("{}{path}", self.base);
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, &url);
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        self.bodies.push(body.clone());
        (status, body)
    }

    /// `method path` with the right token, the body as JSON.
    pub(crate) async fn json(&mut self, method: &str, path: &str) -> (StatusCode, Value) {
        let (status, body) = self.call(method, path, Some(TOKEN)).await;
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }
}
