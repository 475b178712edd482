//! A module disabled through the admin API stays disabled when the bot
//! restarts on the same database, until the API enables it again.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use daz_core::admin::AdminHttp;
use daz_core::{Bot, BotHandle, Config, Format, ModuleState, ShutdownReport};
use daz_sql::{Database, SqlRuntimeStore};
use reqwest::StatusCode;
use serde_json::Value;

const TOKEN: &str = "restart-token-0123456789";

/// Does nothing; something to disable.
#[derive(Default, daz_core::Module)]
#[module(name = "quiet")]
struct Quiet;

#[daz_core::async_trait]
impl daz_core::Module for Quiet {}

/// Started after `quiet`: once it runs, `quiet` would run too if enabled.
#[derive(Default, daz_core::Module)]
#[module(name = "last")]
struct Last;

#[daz_core::async_trait]
impl daz_core::Module for Last {}

struct Running {
    handle: BotHandle,
    run: tokio::task::JoinHandle<daz_core::Result<ShutdownReport>>,
    base: String,
    http: reqwest::Client,
}

impl Running {
    async fn start(db: &Database) -> Self {
        let toml = format!("[admin]\nbind = \"127.0.0.1:0\"\ntoken = \"{TOKEN}\"\n");
        let admin = AdminHttp::new();
        let address = admin.address();
        let bot = Bot::builder()
            .config(Config::parse(&toml, Format::Toml).unwrap())
            .runtime_store(SqlRuntimeStore::new(db))
            .module(admin)
            .module(Quiet)
            .module(Last)
            .build()
            .unwrap();
        let handle = bot.handle();
        let run = tokio::spawn(bot.run_until(std::future::pending()));
        let addr = tokio::time::timeout(Duration::from_secs(5), address.listening())
            .await
            .expect("it listens");
        let port = addr.port();
        daz_cytube::ensure_tls_provider();
        Self {
            handle,
            run,
            base: format!("http://127.0.0.1:{}", port),
            http: reqwest::Client::new(),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }

    /// `quiet` as `GET /modules` shows it: enabled, and its state.
    async fn quiet(&self) -> (Value, Value) {
        let (status, list) = self.call(reqwest::Method::GET, "/modules").await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let quiet = list["modules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == "quiet")
            .unwrap()
            .clone();
        (quiet["enabled"].clone(), quiet["state"].clone())
    }

    async fn stop(self) {
        self.handle.stop();
        self.run.await.unwrap().unwrap();
    }
}

/// Waits until `module` is in `state`.
async fn until(bot: &Running, module: &str, state: ModuleState) {
    for _ in 0..500 {
        let list = bot.handle.modules().await.unwrap();
        if list.get(module).is_some_and(|m| m.state == state) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{module} never reached {state:?}");
}

#[tokio::test]
async fn a_module_disabled_through_the_api_stays_disabled_after_a_restart() {
    for db in daz_sql::testing::test_databases().await.unwrap() {
        db.prepare().await.unwrap();
        let bot = Running::start(&db).await;
        until(&bot, "quiet", ModuleState::Running).await;
        let (status, after) = bot
            .call(reqwest::Method::POST, "/modules/quiet/disable")
            .await;
        assert_eq!(status, StatusCode::OK, "{after}");
        bot.stop().await;

        let bot = Running::start(&db).await;
        until(&bot, "last", ModuleState::Running).await;
        let (enabled, state) = bot.quiet().await;
        assert_eq!((enabled, state), (Value::Bool(false), "registered".into()));
        let (status, after) = bot
            .call(reqwest::Method::POST, "/modules/quiet/enable")
            .await;
        assert_eq!(status, StatusCode::OK, "{after}");
        until(&bot, "quiet", ModuleState::Running).await;
        bot.stop().await;

        let bot = Running::start(&db).await;
        until(&bot, "quiet", ModuleState::Running).await;
        assert_eq!(bot.quiet().await.0, Value::Bool(true));
        bot.stop().await;
    }
}
