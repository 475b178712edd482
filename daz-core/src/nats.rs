//! The NATS transport (feature `nats`): modules in other processes, or on
//! other machines, take part in the bus.
//!
//! [`NatsTransport`] is a module (name `nats`, section `[nats]`). Added to
//! a bot, it carries four flows over a NATS server:
//!
//! - **Events out.** Local events matching `export` are published on
//!   `<prefix>.<topic>` (topics and subjects follow the same rules, so the
//!   mapping is one-to-one), the envelope in headers and the payload as
//!   JSON.
//! - **Events in.** Events peers publish under the prefix are published on
//!   the local bus (filtered by `import` when set), tagged with their
//!   origin ([`ORIGIN_TAG`]) so they are never sent back out: no loops,
//!   no echoes.
//! - **Sends and requests out.** Each process announces its module
//!   inboxes; for every inbox a peer serves and no local module does, the
//!   transport opens a stand-in, so [`EventBus::send`] and
//!   [`EventBus::request`] reach a module in another process as they
//!   reach a local one: same correlation, same timeout (the caller's
//!   deadline travels with the request), and an inbox no process serves
//!   fails at once with [`Error::UnknownTarget`].
//! - **Sends and requests in.** Peers' sends and requests to local inboxes
//!   (all, or those in `expose`) are delivered, and replies go back.
//!
//! Losing the server never stops local delivery: the transport reconnects
//! on its own, reports itself degraded meanwhile, and counts what it could
//! not forward ([`NatsStats`]).
//!
//! ```toml
//! [nats]
//! url = "nats://127.0.0.1:4222"
//! prefix = "daz.mybot"
//! export = ["cytube.event.>", "daz.command.audit"]
//! ```
//!
//! ```no_run
//! use daz_core::Bot;
//! use daz_core::nats::NatsTransport;
//!
//! # async fn run(config: daz_core::Config) -> Result<(), Box<dyn std::error::Error>> {
//! Bot::builder().config(config).module(NatsTransport::new()).build()?.run().await?;
//! # Ok(()) }
//! ```
//!
//! A module compiled into another binary joins a running bot with
//! [`RemoteModule`]; see `docs/src/distribution.md`.

mod config;
mod directory;
mod durable;
mod envelope;
mod link;
mod remote;
mod stats;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use async_nats::ConnectOptions;
use futures::StreamExt;
use tokio::sync::{mpsc, oneshot};

pub use config::NatsConfig;
pub use envelope::ORIGIN_TAG;
pub use remote::RemoteModule;
pub use stats::NatsStats;

use directory::{Announce, Directory};
use link::{Link, Task};
use stats::Shared;

use crate::{
    Config, Context, Error, EventBus, Health, Manifest, Module, ModuleInfo, ModuleResult, Secret,
    SubscribeOptions,
};

/// The transport's module name, and its section.
pub const NATS: &str = "nats";

/// The NATS transport as a module; see the [module docs](self).
#[derive(Default)]
pub struct NatsTransport {
    shared: Arc<Shared>,
    /// Asks the running transport to say goodbye and stop; it answers when
    /// it has.
    leave: Option<mpsc::Sender<oneshot::Sender<()>>>,
    /// Takes what the durable consumer delivers; ended first at stop, so
    /// its pull request is withdrawn before the goodbye's flush.
    durable: Option<Task>,
}

/// A handle on a transport's counters, kept before the module is added.
#[derive(Clone, Default)]
pub struct NatsHandle(Arc<Shared>);

impl std::fmt::Debug for NatsHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("NatsHandle").field(&self.stats()).finish()
    }
}

impl NatsHandle {
    /// The counters now.
    #[must_use]
    pub fn stats(&self) -> NatsStats {
        self.0.snapshot()
    }
}

impl std::fmt::Debug for NatsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NatsTransport").finish_non_exhaustive()
    }
}

impl NatsTransport {
    /// The transport, configured from `[nats]`.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A handle on its counters.
    #[must_use]
    pub fn handle(&self) -> NatsHandle {
        NatsHandle(Arc::clone(&self.shared))
    }
}

impl ModuleInfo for NatsTransport {
    fn manifest(&self) -> Manifest {
        Manifest::builder(NATS)
            .version(env!("CARGO_PKG_VERSION"))
            .description("Carries events, sends and requests to other processes over NATS")
            .into_unchecked()
    }

    fn check_config(&self, config: &Config) -> crate::Result<()> {
        config.section::<NatsConfig>(NATS)?.check().map(|_| ())
    }
}

/// A NATS server to connect to: the servers (comma-separated in `url`),
/// the name the connection shows, and credentials. Shared by the
/// transport and the Kryten bridge.
#[derive(Debug, Clone, Copy)]
pub struct Server<'a> {
    /// One server or several, separated by commas.
    pub url: &'a str,
    /// The connection's name, shown by the server.
    pub name: &'a str,
    /// A token.
    pub token: Option<&'a Secret>,
    /// A user name and its password.
    pub user: Option<(&'a str, &'a Secret)>,
}

impl Server<'_> {
    /// Connects with `options` (plus this server's name and credentials),
    /// reconnecting for ever with a delay growing to 3.2 s, and retrying
    /// in the background when the server is not there yet.
    ///
    /// # Errors
    ///
    /// [`Error::Transport`] when the URL cannot be used.
    pub async fn connect(self, options: ConnectOptions) -> crate::Result<async_nats::Client> {
        let mut options = options
            .name(self.name)
            .retry_on_initial_connect()
            .max_reconnects(None)
            .reconnect_delay_callback(|attempt| {
                let shift = u32::try_from(attempt.min(5)).unwrap_or(5);
                Duration::from_millis(100 << shift)
            });
        if let Some(token) = self.token {
            options = options.token(token.expose().to_owned());
        }
        if let Some((user, password)) = self.user {
            options = options.user_and_password(user.to_owned(), password.expose().to_owned());
        }
        let servers: Vec<&str> = self
            .url
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        options
            .connect(servers)
            .await
            .map_err(|e| Error::Transport {
                what: format!("connecting to {}", self.url),
                reason: e.to_string(),
            })
    }
}

async fn connect(
    config: &config::Checked,
    events: mpsc::UnboundedSender<async_nats::Event>,
) -> crate::Result<async_nats::Client> {
    let options = ConnectOptions::new()
        .no_echo()
        .event_callback(move |event| {
            let _ = events.send(event);
            async {}
        });
    let user = match (&config.raw.user, &config.raw.password) {
        (Some(user), Some(password)) => Some((user.as_str(), password)),
        _ => None,
    };
    Server {
        url: &config.raw.url,
        name: &config.name,
        token: config.token.as_ref(),
        user,
    }
    .connect(options)
    .await
}

#[crate::async_trait]
impl Module for NatsTransport {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        let raw: NatsConfig = ctx.config()?;
        let config = raw.check()?;
        let capacity = config.raw.capacity;
        let (tx, rx) = mpsc::unbounded_channel();
        let client = connect(&config, tx).await?;
        let export = match config.export.split_first() {
            Some((first, rest)) => {
                let options = SubscribeOptions::new().owner(ctx.name()).capacity(capacity);
                let sub = ctx.bus().subscribe(first.clone(), options)?;
                for pattern in rest {
                    sub.add_pattern(pattern.clone())?;
                }
                Some(sub)
            }
            None => None,
        };
        let link = Arc::new(Link {
            client,
            bus: ctx.bus().clone(),
            config,
            metrics: self.shared.metrics(),
            shared: Arc::clone(&self.shared),
            owner: ctx.name().to_owned(),
        });
        let import = link
            .client
            .subscribe(format!("{}.>", link.prefix()))
            .await
            .map_err(|e| transport("subscribing to events", &e))?;
        let directory = link
            .client
            .subscribe(link.directory_subject())
            .await
            .map_err(|e| transport("subscribing to the directory", &e))?;
        self.shared.set_connected(
            link.client.connection_state() == async_nats::connection::State::Connected,
        );
        if !link.config.keep.is_empty() {
            durable::ensure_stream(&link, &link.config.keep).await?;
        }
        if !link.config.durable.is_empty() {
            let consumer = durable::consumer(&link, &link.config.durable).await?;
            self.durable = Some(Task::spawn(durable::receive(Arc::clone(&link), consumer)));
        }
        ctx.spawn(Arc::clone(&link).import(import));
        if let Some(export) = export {
            ctx.spawn(Arc::clone(&link).export_all(export));
        }
        let (leave, leaving) = mpsc::channel(1);
        ctx.spawn(run(link, directory, rx, leaving));
        self.leave = Some(leave);
        Ok(())
    }

    async fn stop(&mut self, _ctx: &mut Context) -> ModuleResult {
        // Its subscription goes (UNSUB) before the flush below: once the
        // server answered the flush, it no longer hands this process
        // durable events that a restarted one should get.
        if let Some(durable) = self.durable.take() {
            durable.end().await;
        }
        if let Some(leave) = self.leave.take() {
            let (done, said) = oneshot::channel();
            if leave.send(done).await.is_ok() {
                let _ = tokio::time::timeout(Duration::from_secs(2), said).await;
            }
        }
        Ok(())
    }

    fn health(&self) -> Health {
        let stats = self.shared.snapshot();
        if stats.connected {
            Health::Healthy
        } else {
            Health::Degraded(format!(
                "not connected to NATS; local delivery goes on ({} events not forwarded)",
                stats.not_forwarded
            ))
        }
    }
}

fn transport(what: &str, e: &dyn std::fmt::Display) -> Error {
    Error::Transport {
        what: what.to_owned(),
        reason: e.to_string(),
    }
}

async fn announce(link: &Link, announce: &Announce) {
    match serde_json::to_vec(announce) {
        Ok(body) => {
            if let Err(e) = link
                .client
                .publish(link.directory_subject(), body.into())
                .await
            {
                tracing::debug!(error = %e, "NATS transport: announcement not sent");
            }
        }
        Err(e) => tracing::warn!(error = %e, "NATS transport: announcement not written"),
    }
}

/// The local inboxes peers may reach: every module inbox but the
/// transport's own stand-ins, limited by `expose`.
fn local_inboxes(link: &Link) -> BTreeSet<String> {
    link.bus
        .stats()
        .subscribers
        .into_iter()
        .filter(|s| s.owner.as_deref() != Some(link.owner.as_str()))
        .filter_map(|s| s.inbox)
        .filter(|name| {
            link.config
                .raw
                .expose
                .as_ref()
                .is_none_or(|list| list.contains(name))
        })
        .collect()
}

/// The transport's bookkeeping: what it serves and what it stands in for.
struct State {
    link: Arc<Link>,
    directory: Directory,
    served: BTreeMap<String, Task>,
    proxies: BTreeMap<String, Task>,
}

impl State {
    fn announcement(&self, hello: bool) -> Announce {
        Announce {
            name: self.link.origin().to_owned(),
            inboxes: self.served.keys().cloned().collect(),
            hello,
            bye: false,
        }
    }

    /// Serves the local inboxes there are now; `true` if that changed.
    async fn serve_local(&mut self, wanted: &BTreeSet<String>) -> bool {
        let before = self.served.len();
        self.served.retain(|name, _| wanted.contains(name));
        let mut changed = before != self.served.len();
        for name in wanted {
            if self.served.contains_key(name) {
                continue;
            }
            let subject = self.link.inbox_subject(name);
            match self
                .link
                .client
                .queue_subscribe(subject, name.clone())
                .await
            {
                Ok(sub) => {
                    let task = Task::spawn(Arc::clone(&self.link).serve(name.clone(), sub));
                    self.served.insert(name.clone(), task);
                    changed = true;
                }
                Err(e) => tracing::warn!(inbox = %name, error = %e, "NATS transport: cannot serve"),
            }
        }
        changed
    }

    /// Stands in for every inbox a peer serves and no local module does.
    fn follow_peers(&mut self, local: &BTreeSet<String>) {
        let remote = self.directory.inboxes();
        self.proxies
            .retain(|name, _| remote.contains(name) && !local.contains(name));
        for name in remote {
            if !local.contains(&name) && !self.proxies.contains_key(&name) {
                let task = Task::spawn(Arc::clone(&self.link).proxy(name.clone()));
                self.proxies.insert(name, task);
            }
        }
        self.link.shared.set_peers(self.directory.peers());
    }
}

async fn run(
    link: Arc<Link>,
    mut directory: async_nats::Subscriber,
    mut events: mpsc::UnboundedReceiver<async_nats::Event>,
    mut leaving: mpsc::Receiver<oneshot::Sender<()>>,
) {
    let bus: EventBus = link.bus.clone();
    let mut changes = bus.watch_subscriptions();
    let mut state = State {
        directory: Directory::new(link.origin().to_owned(), link.config.raw.announce_every),
        link: Arc::clone(&link),
        served: BTreeMap::new(),
        proxies: BTreeMap::new(),
    };
    state.serve_local(&local_inboxes(&link)).await;
    announce(&link, &state.announcement(true)).await;
    let mut tick = tokio::time::interval(link.config.raw.announce_every);
    loop {
        tokio::select! {
            Some(done) = leaving.recv() => {
                // The last announcement: nothing follows it on this
                // connection, so peers forget this process at once.
                let mut bye = state.announcement(false);
                bye.inboxes = BTreeSet::new();
                bye.bye = true;
                announce(&link, &bye).await;
                let _ = link.client.flush().await;
                let _ = done.send(());
                return;
            }
            Some(msg) = directory.next() => {
                let Ok(a) = serde_json::from_slice::<Announce>(&msg.payload) else {
                    tracing::warn!("NATS transport: an unreadable announcement");
                    continue;
                };
                let hello = a.hello && a.name != link.origin();
                if state.directory.apply(a, tokio::time::Instant::now()) {
                    state.follow_peers(&local_inboxes(&link));
                }
                if hello {
                    announce(&link, &state.announcement(false)).await;
                }
            }
            Ok(()) = changes.changed() => {
                let local = local_inboxes(&link);
                if state.serve_local(&local).await {
                    announce(&link, &state.announcement(false)).await;
                }
                state.follow_peers(&local);
            }
            _ = tick.tick() => {
                announce(&link, &state.announcement(false)).await;
                if state.directory.expire(tokio::time::Instant::now()) {
                    state.follow_peers(&local_inboxes(&link));
                }
            }
            Some(event) = events.recv() => match event {
                async_nats::Event::Connected => {
                    link.shared.set_connected(true);
                    tracing::info!("NATS transport: connected");
                    announce(&link, &state.announcement(true)).await;
                }
                async_nats::Event::Disconnected => {
                    link.shared.set_connected(false);
                    tracing::warn!("NATS transport: disconnected; local delivery goes on");
                }
                other => tracing::debug!(event = %other, "NATS transport"),
            },
        }
    }
}
