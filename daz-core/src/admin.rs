//! The admin HTTP API (feature `http`): health, Prometheus metrics, the
//! modules, the scheduler and the rooms of a running bot, over axum.
//!
//! Off unless added: [`AdminHttp`] is a module like any other. It binds
//! `127.0.0.1:9320` by default, and every route but `GET /health/live`
//! needs `Authorization: Bearer <token>` with the token from `[admin]`
//! (compared in constant time).
//!
//! ```toml
//! [admin]
//! bind = "127.0.0.1:9320"
//! token_env = "DAZ_ADMIN_TOKEN"   # or token = "..." (at least 16 characters)
//! ```
//!
//! ```no_run
//! use daz_core::admin::{AdminHttp, Prometheus};
//! use daz_core::Bot;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Install the recorder before the bot is built: modules make their
//! // series when they are added.
//! let prometheus = Prometheus::install()?;
//! Bot::builder().module(AdminHttp::new().metrics(prometheus)).build()?.run().await?;
//! # Ok(()) }
//! ```
//!
//! The routes and their JSON are listed in `docs/openapi.json`.

mod auth;
mod routes;

use std::net::SocketAddr;
use std::sync::Arc;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde::Deserialize;

use crate::{Config, Context, Error, Manifest, Module, ModuleInfo, ModuleResult, Secret};

/// The admin module's name, and its section.
pub const ADMIN: &str = "admin";

/// The shortest token accepted.
pub const MIN_TOKEN_LEN: usize = 16;

/// `[admin]`: where to listen and the token.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct AdminConfig {
    /// Where to listen (default `127.0.0.1:9320`; port 0 picks a free one).
    pub bind: SocketAddr,
    /// The bearer token.
    pub token: Option<Secret>,
    /// The environment variable holding the token instead.
    pub token_env: Option<String>,
}

impl Default for AdminConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 9320)),
            token: None,
            token_env: None,
        }
    }
}

impl AdminConfig {
    /// The token, from `token` or the variable `token_env` names, with
    /// white space around it removed (as from a presented token: a token
    /// file's trailing newline must not lock the operator out).
    ///
    /// # Errors
    ///
    /// [`Error::ConfigValue`] when neither gives one, or it is shorter than
    /// [`MIN_TOKEN_LEN`].
    pub fn token(&self) -> crate::Result<Secret> {
        let bad = |reason: String| Error::ConfigValue {
            origin: "section [admin]".to_owned(),
            key: "admin.token".to_owned(),
            reason,
        };
        let token = match (&self.token, &self.token_env) {
            (Some(token), None) => token.clone(),
            (None, Some(var)) => Secret::new(
                std::env::var(var)
                    .map_err(|_| bad(format!("token_env names {var}, which is not set")))?,
            ),
            (Some(_), Some(_)) => return Err(bad("give token or token_env, not both".to_owned())),
            (None, None) => {
                return Err(bad(
                    "the admin API needs a token: set token_env (or token)".to_owned()
                ));
            }
        };
        let token = Secret::new(token.expose().trim());
        if token.expose().chars().count() < MIN_TOKEN_LEN {
            return Err(bad(format!(
                "the token must be at least {MIN_TOKEN_LEN} characters, not counting white space around it"
            )));
        }
        Ok(token)
    }
}

/// A Prometheus recorder installed for the process; [`AdminHttp`] serves
/// what it holds on `GET /metrics`.
#[derive(Clone, Debug)]
pub struct Prometheus(PrometheusHandle);

impl Prometheus {
    /// Installs a Prometheus recorder as the process's `metrics`
    /// recorder. Do it before the bot is built.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when a recorder is installed already.
    pub fn install() -> crate::Result<Self> {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        metrics::set_global_recorder(recorder).map_err(|e| Error::InvalidConfig {
            key: "metrics recorder".to_owned(),
            reason: format!("cannot install the Prometheus recorder: {e}"),
        })?;
        Ok(Self(handle))
    }

    /// A recorder that is not installed: record into it with
    /// `metrics::with_local_recorder` (for tests and benchmarks).
    #[must_use]
    pub fn local() -> (metrics_exporter_prometheus::PrometheusRecorder, Self) {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        (recorder, Self(handle))
    }

    /// The metrics in Prometheus's text format.
    #[must_use]
    pub fn render(&self) -> String {
        self.0.render()
    }

    /// Folds the histogram samples recorded since the last call into
    /// their summaries. Until then each sample is held in memory, one per
    /// recorded value: [`AdminHttp`] calls this every
    /// [`UPKEEP_EVERY`] while it runs. Serving the recorder some other
    /// way, call it yourself at least that often.
    pub fn run_upkeep(&self) {
        self.0.run_upkeep();
    }
}

/// How often [`AdminHttp`] runs [`Prometheus::run_upkeep`].
pub const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The admin HTTP API as a module (name `admin`, section `[admin]`).
#[derive(Debug, Default)]
pub struct AdminHttp {
    prometheus: Option<Prometheus>,
    local: AdminAddress,
}

/// Where a running [`AdminHttp`] listens (for a bind to port 0).
#[derive(Debug, Clone)]
pub struct AdminAddress(Arc<tokio::sync::watch::Sender<Option<SocketAddr>>>);

impl Default for AdminAddress {
    fn default() -> Self {
        Self(Arc::new(tokio::sync::watch::channel(None).0))
    }
}

impl AdminAddress {
    /// The address, once the API listens.
    #[must_use]
    pub fn get(&self) -> Option<SocketAddr> {
        *self.0.borrow()
    }

    /// Waits until the API listens, and gives the address (wrap it in a
    /// timeout: a bot that never starts the API never answers).
    pub async fn listening(&self) -> SocketAddr {
        let mut changes = self.0.subscribe();
        if let Ok(address) = changes.wait_for(Option::is_some).await
            && let Some(address) = *address
        {
            return address;
        }
        // The sender lives as long as `self`: never reached.
        std::future::pending().await
    }

    fn set(&self, address: SocketAddr) {
        self.0.send_replace(Some(address));
    }
}

impl AdminHttp {
    /// The API without `/metrics` (it answers 404 until
    /// [`metrics`](Self::metrics) is given).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `prometheus` on `GET /metrics`.
    #[must_use]
    pub fn metrics(mut self, prometheus: Prometheus) -> Self {
        self.prometheus = Some(prometheus);
        self
    }

    /// Where it will listen: a handle to keep before the module is added
    /// to the bot (useful with port 0).
    #[must_use]
    pub fn address(&self) -> AdminAddress {
        self.local.clone()
    }
}

impl ModuleInfo for AdminHttp {
    fn manifest(&self) -> Manifest {
        Manifest::builder(ADMIN)
            .version(env!("CARGO_PKG_VERSION"))
            .description("Serves health, metrics and control of the bot over HTTP")
            .into_unchecked()
    }

    fn check_config(&self, config: &Config) -> crate::Result<()> {
        config.section::<AdminConfig>(ADMIN)?.token().map(|_| ())
    }
}

#[crate::async_trait]
impl Module for AdminHttp {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        let config: AdminConfig = ctx.config()?;
        let token = config.token()?;
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|e| format!("admin API: cannot listen on {}: {e}", config.bind))?;
        let local = listener.local_addr()?;
        self.local.set(local);
        let app = routes::router(routes::State::new(
            ctx.bus().clone(),
            token,
            self.prometheus.clone(),
        ));
        tracing::info!(address = %local, "admin API listening");
        if !local.ip().is_loopback() {
            tracing::warn!(
                address = %local,
                "the admin API listens beyond this machine over plain HTTP: anyone on the \
                 network path can read the token and steer the bot; put TLS in front (a \
                 reverse proxy) or bind to 127.0.0.1"
            );
        }
        ctx.spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "admin API stopped");
            }
        });
        // Histogram samples pile up until folded: a bot nobody scrapes
        // would otherwise grow by every sample it records (found by the
        // soak: about 1.3 MiB a minute at 200 chat lines a second).
        if let Some(prometheus) = self.prometheus.clone() {
            ctx.spawn(async move {
                loop {
                    tokio::time::sleep(UPKEEP_EVERY).await;
                    prometheus.run_upkeep();
                }
            });
        }
        Ok(())
    }
}
