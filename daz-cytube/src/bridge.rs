//! [`CytubeBridge`]: the `cytube` module. It keeps the configured rooms,
//! publishes what happens in them on the bus, sends what modules ask
//! (`SendChat`, `SendPm`, [`RoomAction`]), and answers state queries.

mod config;
mod forward;
mod payloads;
mod raw;

use std::collections::HashMap;
use std::sync::Arc;

use daz_core::chat::{BRIDGE, SendChat, SendPm};
use daz_core::{
    Config, Context, Event, EventPayload, Health, Manifest, Module, ModuleInfo, ModuleResult,
};

pub use config::{BridgeConfig, RoomSettings};
pub use payloads::{
    CytubeEvent, RoomAction, RoomList, RoomSnapshot, RoomSummary, RoomsQuery, SendOutcome,
    ServerNotice, StateQuery,
};
pub use raw::RAW_PREFIX;

use crate::action::Action;
use crate::reconnect::{MemoryReconnectStore, ReconnectStore};
use crate::room::{Room, RoomHandle, Sent};
use forward::{Mirror, Shared, lock};

/// The `cytube` module: bridges CyTube rooms and the bus.
///
/// ```no_run
/// use daz_core::{Bot, Config};
/// use daz_cytube::bridge::CytubeBridge;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config = Config::parse(r#"
///     [[cytube.rooms]]
///     channel = "mychannel"
///     user = "mybot"
/// "#, daz_core::Format::Toml)?;
/// let bot = Bot::builder().config(config).module(CytubeBridge::new()).build()?;
/// bot.run().await?;
/// # Ok(()) }
/// ```
pub struct CytubeBridge {
    store: Arc<dyn ReconnectStore>,
    rooms: HashMap<String, (RoomHandle, Shared)>,
}

impl Default for CytubeBridge {
    fn default() -> Self {
        Self::new()
    }
}

impl CytubeBridge {
    /// A bridge keeping reconnect cycles in memory.
    #[must_use]
    pub fn new() -> Self {
        Self::with_store(Arc::new(MemoryReconnectStore::default()))
    }

    /// A bridge keeping reconnect cycles in `store` (`daz-sql` has one in
    /// the database).
    #[must_use]
    pub fn with_store(store: Arc<dyn ReconnectStore>) -> Self {
        Self {
            store,
            rooms: HashMap::new(),
        }
    }

    /// Sends `action` in `room`.
    async fn act(&self, room: &str, action: Action) -> SendOutcome {
        let Some((handle, _)) = self.rooms.get(room) else {
            return SendOutcome::Refused {
                reason: format!("the bot is not configured for room {room:?}"),
            };
        };
        match handle.send(action).await {
            Ok(Sent::Sent) => SendOutcome::Sent,
            Ok(Sent::Queued { ahead }) => SendOutcome::Throttled { ahead },
            Err(e) => SendOutcome::Refused {
                reason: e.to_string(),
            },
        }
    }

    /// The action an event asks for, if it is one.
    fn action_of(event: &Event) -> Option<(String, Action)> {
        if let Ok(chat) = event.payload::<SendChat>() {
            return Some((
                chat.room.clone(),
                Action::Chat {
                    msg: chat.text.clone(),
                },
            ));
        }
        if let Ok(pm) = event.payload::<SendPm>() {
            return Some((
                pm.room.clone(),
                Action::Pm {
                    to: pm.to.clone(),
                    msg: pm.text.clone(),
                },
            ));
        }
        event
            .payload::<RoomAction>()
            .ok()
            .map(|a| (a.room.clone(), a.action.clone()))
    }

    fn room_list(&self) -> RoomList {
        let mut rooms: Vec<RoomSummary> = self
            .rooms
            .iter()
            .map(|(name, (_, mirror))| {
                let m = lock(mirror);
                RoomSummary {
                    room: name.clone(),
                    connected: m.connected,
                    rank: m.state.rank,
                    status: m.status.clone(),
                    users: m.state.users.len(),
                    usercount: m.state.usercount,
                    now_playing: m.state.now_playing.as_ref().map(|n| n.media.title.clone()),
                }
            })
            .collect();
        rooms.sort_by(|a, b| a.room.cmp(&b.room));
        RoomList { rooms }
    }

    fn snapshot(&self, room: &str) -> Option<RoomSnapshot> {
        let (_, mirror) = self.rooms.get(room)?;
        let m = lock(mirror);
        Some(RoomSnapshot {
            room: room.to_owned(),
            connected: m.connected,
            rank: m.state.rank,
            name: m.name.clone(),
            users: m.state.users.values().cloned().collect(),
            emotes: m.state.emotes.clone(),
            motd: m.state.motd.clone(),
            leader: m.state.leader.clone(),
            playlist: m.state.playlist.clone(),
            now_playing: m.state.now_playing.clone(),
            usercount: m.state.usercount,
        })
    }
}

/// The bridge's manifest, checked at compile time.
#[derive(daz_core::Module)]
#[module(
    name = "cytube",
    description = "Keeps the CyTube rooms and bridges them to the bus"
)]
struct Info;

impl ModuleInfo for CytubeBridge {
    fn manifest(&self) -> Manifest {
        Info.manifest()
    }

    fn check_config(&self, config: &Config) -> daz_core::Result<()> {
        let settings: BridgeConfig = config.section(BRIDGE)?;
        settings
            .validate()
            .map_err(|reason| daz_core::Error::ConfigValue {
                origin: config
                    .path()
                    .map_or_else(|| "(text)".to_owned(), |p| format!("in {}", p.display())),
                key: BRIDGE.to_owned(),
                reason,
            })
    }
}

#[daz_core::async_trait]
impl Module for CytubeBridge {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        let settings: BridgeConfig = ctx.config()?;
        settings.validate()?;
        let raw = raw::Wanted::default();
        ctx.spawn(raw.clone().follow(ctx.bus().clone()));
        for config in settings.rooms()? {
            let name = config.channel.clone();
            let room = Room::with_store(config, Arc::clone(&self.store));
            let mirror: Shared = Arc::new(std::sync::Mutex::new(Mirror {
                status: "connecting".to_owned(),
                ..Mirror::default()
            }));
            self.rooms
                .insert(name.clone(), (room.handle(), Arc::clone(&mirror)));
            let bus = ctx.bus().clone();
            ctx.spawn(forward::forward(room, bus, name, mirror, raw.clone()));
        }
        Ok(())
    }

    async fn handle(&mut self, _ctx: &mut Context, event: Event) -> ModuleResult {
        if let Some((room, action)) = Self::action_of(&event) {
            let what = action.name();
            if let SendOutcome::Refused { reason } = self.act(&room, action).await {
                return Err(format!("{what} in {room}: {reason}").into());
            }
            return Ok(());
        }
        Err(format!("the cytube module does not handle {}", event.topic()).into())
    }

    async fn handle_request(&mut self, ctx: &mut Context, request: Event) -> ModuleResult<Event> {
        if let Some((room, action)) = Self::action_of(&request) {
            let outcome = self.act(&room, action).await;
            return Ok(ctx.event(SendOutcome::TOPIC).payload(outcome));
        }
        if request.topic() == &RoomsQuery::TOPIC {
            return Ok(ctx.event(RoomList::TOPIC).payload(self.room_list()));
        }
        if let Ok(query) = request.payload::<StateQuery>() {
            let snapshot = self
                .snapshot(&query.room)
                .ok_or_else(|| format!("the bot is not configured for room {:?}", query.room))?;
            return Ok(ctx.event(RoomSnapshot::TOPIC).payload(snapshot));
        }
        Err(format!("the cytube module does not answer {}", request.topic()).into())
    }

    async fn stop(&mut self, _ctx: &mut Context) -> ModuleResult {
        for (handle, _) in self.rooms.values() {
            handle.stop().await;
        }
        self.rooms.clear();
        Ok(())
    }

    fn health(&self) -> Health {
        let down: Vec<String> = self
            .rooms
            .iter()
            .filter_map(|(name, (_, mirror))| {
                let m = lock(mirror);
                (!m.connected).then(|| format!("{name}: {}", m.status))
            })
            .collect();
        if down.is_empty() {
            Health::Healthy
        } else {
            Health::Degraded(down.join("; "))
        }
    }
}
