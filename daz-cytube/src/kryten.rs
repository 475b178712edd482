//! The `kryten` module (feature `kryten`): a daz bot stands in for
//! kryten-robot, so Kryten services (`kryten-py`: kryten-userstats,
//! kryten-economy, …) run on it unchanged, for any number of channels in
//! one process.
//!
//! - Every CyTube event of a served channel goes out on
//!   `kryten.events.cytube.<channel>.<event>` (tokens normalized as
//!   Kryten does: lower case, dots removed, spaces to hyphens) with
//!   Kryten's JSON envelope: `event_name`, `payload` (CyTube's own JSON),
//!   `channel`, `domain`, `timestamp`, `correlation_id`. PMs starting with
//!   `system:` stay private, as in kryten-robot.
//! - Commands on `kryten.robot.command` (`{command, args, meta}`) and on
//!   the older `kryten.commands.cytube.<channel>.>` (`{action, data}`):
//!   chat, PMs, playlist, polls and moderation go through the `cytube`
//!   module, so its permission checks and throttle apply; a chat line is
//!   said as written (a leading `/` is not run as a CyTube command).
//! - State and health queries (`state.userlist`, `state.playlist`,
//!   `state.user`, `system.ping`, `system.health`, `system.channels`, …)
//!   and the bot's rank on `cytube.user_level.<domain>.<channel>`.
//!
//! A command naming another channel (`meta.channel`) or domain goes
//! unanswered, so several robots can share one NATS server.
//!
//! ```toml
//! [kryten]
//! url = "nats://127.0.0.1:4222"
//! domain = "cytu.be"          # what Kryten services call the server
//! # rooms = ["mychannel"]     # default: every room of the cytube module
//! ```

mod robot;
pub mod wire;

use std::time::Instant;

use daz_core::chat::BRIDGE;
use daz_core::{
    Config, Context, Event, Health, Manifest, Module, ModuleInfo, ModuleResult, Pattern, Secret,
};
use futures::StreamExt;
use serde::Deserialize;
use serde_json::Value;

use crate::bridge::{CytubeEvent, RoomList, RoomsQuery};
use crate::event::ServerEvent;
use robot::{Robot, legacy_command};

/// The module's name, and its section.
pub const KRYTEN: &str = "kryten";

/// `[kryten]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct KrytenConfig {
    /// The NATS server(s), comma-separated (default `nats://127.0.0.1:4222`).
    pub url: String,
    /// The CyTube domain Kryten services name (default `cytu.be`).
    pub domain: String,
    /// The channels to serve (default: every room of the `cytube` module).
    pub rooms: Option<Vec<String>>,
    /// A token for the server.
    pub token: Option<Secret>,
    /// A user name for the server (with `password`).
    pub user: Option<String>,
    /// The password for `user`.
    pub password: Option<Secret>,
}

impl Default for KrytenConfig {
    fn default() -> Self {
        Self {
            url: "nats://127.0.0.1:4222".to_owned(),
            domain: "cytu.be".to_owned(),
            rooms: None,
            token: None,
            user: None,
            password: None,
        }
    }
}

fn bad(key: &str, reason: &str) -> daz_core::Error {
    daz_core::Error::ConfigValue {
        origin: "section [kryten]".to_owned(),
        key: format!("kryten.{key}"),
        reason: reason.to_owned(),
    }
}

impl KrytenConfig {
    fn check(&self) -> daz_core::Result<()> {
        if self.url.split(',').all(|u| u.trim().is_empty()) {
            return Err(bad(
                "url",
                "give the NATS server, e.g. nats://127.0.0.1:4222",
            ));
        }
        if self.domain.trim().is_empty() {
            return Err(bad("domain", "give the CyTube domain, e.g. cytu.be"));
        }
        if self.user.is_some() != self.password.is_some() {
            return Err(bad("user", "give user and password together"));
        }
        for room in self.rooms.iter().flatten() {
            if wire::normalize_token(room).is_empty() {
                return Err(bad("rooms", &format!("{room:?} has no letters or digits")));
            }
        }
        Ok(())
    }
}

/// The module's manifest, checked at compile time.
#[derive(daz_core::Module)]
#[module(
    name = "kryten",
    requires = ["cytube"],
    description = "Stands in for kryten-robot: CyTube events and commands on Kryten's NATS subjects"
)]
struct Info;

/// The Kryten bridge as a module; see the [module docs](self).
#[derive(Default)]
pub struct Kryten {
    config: KrytenConfig,
    nats: Option<async_nats::Client>,
    rooms: Vec<String>,
}

impl std::fmt::Debug for Kryten {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kryten")
            .field("rooms", &self.rooms)
            .finish_non_exhaustive()
    }
}

impl Kryten {
    /// The module, configured from `[kryten]`.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}

impl ModuleInfo for Kryten {
    fn manifest(&self) -> Manifest {
        Info.manifest()
    }

    fn check_config(&self, config: &Config) -> daz_core::Result<()> {
        config.section::<KrytenConfig>(KRYTEN)?.check()
    }
}

async fn connect(config: &KrytenConfig) -> daz_core::Result<async_nats::Client> {
    let user = match (&config.user, &config.password) {
        (Some(user), Some(password)) => Some((user.as_str(), password)),
        _ => None,
    };
    daz_core::nats::Server {
        url: &config.url,
        name: "daz-kryten",
        token: config.token.as_ref(),
        user,
    }
    .connect(async_nats::ConnectOptions::new())
    .await
}

/// The CyTube JSON of an event's payload (what follows its name on the
/// wire).
fn payload_of(event: &ServerEvent) -> Value {
    match serde_json::to_value(event) {
        Ok(Value::Array(mut parts)) if parts.len() == 2 => parts.pop().unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

#[daz_core::async_trait]
impl Module for Kryten {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        self.config = ctx.config()?;
        self.config.check()?;
        self.nats = Some(connect(&self.config).await?);
        ctx.subscribe(Pattern::new("cytube.raw.>")?)?;
        Ok(())
    }

    async fn start(&mut self, ctx: &mut Context) -> ModuleResult {
        let Some(nats) = self.nats.clone() else {
            return Err("kryten: not connected".into());
        };
        let list = ctx
            .request(
                BRIDGE,
                RoomsQuery::default(),
                std::time::Duration::from_secs(5),
            )
            .await?;
        let bridge: Vec<String> = list
            .payload::<RoomList>()?
            .rooms
            .iter()
            .map(|r| r.room.clone())
            .collect();
        self.rooms = match &self.config.rooms {
            Some(wanted) => {
                let missing: Vec<&String> = wanted.iter().filter(|r| !bridge.contains(r)).collect();
                if !missing.is_empty() {
                    return Err(format!("kryten: the cytube module has no room {missing:?}").into());
                }
                wanted.clone()
            }
            None => bridge,
        };
        let robot = Robot {
            bus: ctx.bus().clone(),
            rooms: self.rooms.clone(),
            domain: self.config.domain.clone(),
            started: Instant::now(),
            nats: nats.clone(),
        };
        let commands = nats.subscribe("kryten.robot.command").await?;
        ctx.spawn(serve_commands(robot.clone(), commands));
        for room in &self.rooms {
            let token = wire::normalize_token(room);
            let legacy = nats
                .subscribe(format!("kryten.commands.cytube.{token}.>"))
                .await?;
            ctx.spawn(serve_legacy(robot.clone(), room.clone(), legacy));
            let domain = &self.config.domain;
            for subject in [
                format!(
                    "cytube.user_level.{}.{}",
                    domain.to_lowercase(),
                    room.to_lowercase()
                ),
                format!("kryten.user_level.{domain}.{room}"),
            ] {
                let sub = nats.subscribe(subject).await?;
                ctx.spawn(serve_user_level(robot.clone(), room.clone(), sub));
            }
        }
        tracing::info!(rooms = ?self.rooms, "kryten: serving");
        Ok(())
    }

    async fn handle(&mut self, _ctx: &mut Context, event: Event) -> ModuleResult {
        let Some(nats) = &self.nats else {
            return Ok(());
        };
        let Ok(raw) = event.payload::<CytubeEvent>() else {
            return Ok(());
        };
        if !self.rooms.contains(&raw.room) {
            return Ok(());
        }
        if let ServerEvent::Pm(pm) = &raw.event
            && pm.msg.starts_with("system:")
        {
            return Ok(()); // kryten-robot keeps these to itself
        }
        let name = raw.event.name();
        let Some(subject) = wire::event_subject(&raw.room, name) else {
            tracing::warn!(room = %raw.room, event = name, "kryten: no subject for this event");
            return Ok(());
        };
        let envelope = wire::envelope(
            name,
            payload_of(&raw.event),
            &raw.room,
            &self.config.domain,
            event.timestamp(),
            event.id().as_u128(),
        );
        let body = serde_json::to_vec(&envelope)?;
        nats.publish(subject, body.into()).await?;
        Ok(())
    }

    fn health(&self) -> Health {
        match &self.nats {
            Some(n) if n.connection_state() == async_nats::connection::State::Connected => {
                Health::Healthy
            }
            _ => Health::Degraded(
                "kryten: not connected to NATS; Kryten services see nothing".to_owned(),
            ),
        }
    }
}

async fn reply(robot: &Robot, to: Option<async_nats::Subject>, answer: &Value) {
    let Some(to) = to else { return };
    match serde_json::to_vec(answer) {
        Ok(body) => {
            if let Err(e) = robot.nats.publish(to, body.into()).await {
                tracing::warn!(error = %e, "kryten: cannot reply");
            }
        }
        Err(e) => tracing::warn!(error = %e, "kryten: cannot write a reply"),
    }
}

async fn serve_commands(robot: Robot, mut sub: async_nats::Subscriber) {
    while let Some(msg) = sub.next().await {
        let robot = robot.clone();
        tokio::spawn(async move {
            if let Some(answer) = robot.answer(&msg.payload).await {
                if answer.get("success") == Some(&Value::Bool(false)) {
                    tracing::warn!(answer = %answer, "kryten: a command failed");
                }
                reply(&robot, msg.reply, &answer).await;
            }
        });
    }
}

async fn serve_legacy(robot: Robot, room: String, mut sub: async_nats::Subscriber) {
    while let Some(msg) = sub.next().await {
        let request: Value = serde_json::from_slice(&msg.payload).unwrap_or(Value::Null);
        let Some(action) = request.get("action").and_then(Value::as_str) else {
            tracing::warn!(subject = %msg.subject, "kryten: a command without 'action'");
            continue;
        };
        let command = legacy_command(action).to_owned();
        let args = request.get("data").cloned().unwrap_or(Value::Null);
        if let Err(e) = robot.run(&command, &room, &args, &request).await {
            tracing::warn!(command, error = %e, "kryten: a command failed");
        }
    }
}

async fn serve_user_level(robot: Robot, room: String, mut sub: async_nats::Subscriber) {
    while let Some(msg) = sub.next().await {
        let answer = match robot.snapshot(&room).await {
            Ok(s) => {
                let rank = s
                    .name
                    .as_ref()
                    .and_then(|n| s.users.iter().find(|u| u.name.eq_ignore_ascii_case(n)))
                    .map_or(0.0, |u| u.rank.value());
                serde_json::json!({"success": true, "rank": rank, "username": s.name.unwrap_or_else(|| "guest".to_owned())})
            }
            Err(e) => serde_json::json!({"success": false, "error": e}),
        };
        reply(&robot, msg.reply, &answer).await;
    }
}
