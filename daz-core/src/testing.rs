//! A harness for testing modules: a bot on an in-process bus with a fake
//! CyTube room. Feed it chat, joins and media changes as given users and
//! ranks, advance paused time, and assert on what the bot said.
//!
//! Enable with the `testing` feature (as a dev-dependency) and run tests
//! with paused time (`#[tokio::test(start_paused = true)]`): the harness
//! waits for the bot to go idle by letting paused time advance 1 ms.
//!
//! ```
//! use daz_core::chat::{ChatMessage, Rank, SendChat, BRIDGE};
//! use daz_core::testing::Harness;
//! use daz_core::{Context, Event, Module, ModuleResult, Pattern};
//!
//! /// Answers `!ping`.
//! #[derive(Module)]
//! #[module(name = "ping")]
//! struct Ping;
//!
//! #[daz_core::async_trait]
//! impl Module for Ping {
//!     async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
//!         ctx.subscribe(Pattern::new("cytube.event.chatMsg")?)?;
//!         Ok(())
//!     }
//!
//!     async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
//!         let chat = event.payload::<ChatMessage>()?;
//!         if chat.text == "!ping" && chat.rank.at_least(Rank::REGISTERED) {
//!             ctx.send(BRIDGE, SendChat::new(&chat.room, &format!("pong, {}", chat.user)))?;
//!         }
//!         Ok(())
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() -> daz_core::Result<()> {
//! let mut room = Harness::builder().module(Ping).build().await?;
//! room.join("ann", Rank::REGISTERED).await;
//! room.say("ann", "!ping").await;
//! room.say("guest", "!ping").await;
//! assert_eq!(room.said(), ["pong, ann"]);
//! room.shutdown().await;
//! # Ok(()) }
//! ```

mod logs;
mod service;

pub use logs::CapturedLogs;
pub use service::service;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::chat::{self, ChatMessage, MediaChanged, Rank, SendChat, SendPm, UserJoined, UserLeft};
use crate::{
    Bot, BotBuilder, BotHandle, Clock, Config, Event, EventBus, EventPayload, Module, ModuleState,
    Pattern, Result, ShutdownReport, SubscribeOptions, Subscription,
};

/// What the bot said in the fake room.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Said {
    /// A chat line in `room`.
    Chat {
        /// The room.
        room: String,
        /// The text.
        text: String,
    },
    /// A private message to `to`.
    Pm {
        /// The room.
        room: String,
        /// The recipient.
        to: String,
        /// The text.
        text: String,
    },
}

type Outbox = Arc<Mutex<Vec<Said>>>;

/// Builds a [`Harness`]; see [`Harness::builder`].
#[must_use]
pub struct HarnessBuilder {
    bot: BotBuilder,
    room: String,
    clock: Option<Clock>,
}

impl HarnessBuilder {
    /// Adds a module.
    pub fn module(mut self, module: impl Module) -> Self {
        self.bot = self.bot.module(module);
        self
    }

    /// Uses `config` (default: empty).
    pub fn config(mut self, config: Config) -> Self {
        self.bot = self.bot.config(config);
        self
    }

    /// Sets the scheduler's clock (default: starts at the real time now and
    /// then follows paused time). Use [`Clock::starting_at`] to test
    /// schedules around a given date.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Keeps durable tasks in `store` (default: a fresh memory store);
    /// share one store between two harnesses to test a restart.
    pub fn task_store(mut self, store: impl crate::TaskStore) -> Self {
        self.bot = self.bot.task_store(store);
        self
    }

    /// Uses `router` as the command router (to test a rejection handler).
    pub fn command_router(mut self, router: crate::command::CommandRouter) -> Self {
        self.bot = self.bot.command_router(router);
        self
    }

    /// Names the fake room (default `lobby`).
    pub fn room(mut self, room: &str) -> Self {
        room.clone_into(&mut self.room);
        self
    }

    /// Starts the bot and the fake room, and waits until the modules have
    /// started.
    ///
    /// # Errors
    ///
    /// Whatever [`BotBuilder::build`] reports.
    pub async fn build(self) -> Result<Harness> {
        let bus = EventBus::new();
        let outbox: Outbox = Arc::default();
        let inbox = bus.inbox(chat::BRIDGE, SubscribeOptions::new().capacity(100_000))?;
        let bridge = tokio::spawn(fake_bridge(bus.clone(), inbox, Arc::clone(&outbox)));
        let captured = bus.subscribe(
            Pattern::new(">")?,
            SubscribeOptions::new().capacity(100_000),
        )?;
        let clock = self
            .clock
            .unwrap_or_else(|| Clock::starting_at(chrono::Utc::now()));
        let bot = self.bot.bus(bus.clone()).clock(clock).build()?;
        let handle = bot.handle();
        let scheduler = bot.scheduler().clone();
        let run = tokio::spawn(bot.run_until(std::future::pending()));
        let harness = Harness {
            bus,
            scheduler,
            handle,
            run,
            bridge,
            room: self.room,
            users: HashMap::new(),
            outbox,
            captured,
        };
        harness.settle().await;
        Ok(harness)
    }
}

/// Plays the `cytube` bridge: records what modules ask it to say and
/// answers requests.
async fn fake_bridge(bus: EventBus, mut inbox: Subscription, outbox: Outbox) {
    while let Some(event) = inbox.recv().await {
        let said = if let Ok(chat) = event.payload::<SendChat>() {
            Some(Said::Chat {
                room: chat.room.clone(),
                text: chat.text.clone(),
            })
        } else if let Ok(pm) = event.payload::<SendPm>() {
            Some(Said::Pm {
                room: pm.room.clone(),
                to: pm.to.clone(),
                text: pm.text.clone(),
            })
        } else {
            None
        };
        let answered = match said {
            Some(said) => {
                outbox
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(said);
                true
            }
            None => false,
        };
        if event.correlation_id().is_some() {
            let _ = if answered {
                bus.reply(&event, event.clone())
            } else {
                bus.reply_error(
                    &event,
                    format!("the test room does not handle {}", event.topic()),
                )
            };
        }
    }
}

/// A running bot with a fake room; see the [module docs](self).
pub struct Harness {
    bus: EventBus,
    scheduler: crate::Scheduler,
    handle: BotHandle,
    run: JoinHandle<Result<ShutdownReport>>,
    bridge: JoinHandle<()>,
    room: String,
    users: HashMap<String, Rank>,
    outbox: Outbox,
    captured: Subscription,
}

impl Harness {
    /// A builder: add modules, then [`build`](HarnessBuilder::build).
    pub fn builder() -> HarnessBuilder {
        HarnessBuilder {
            bot: Bot::builder(),
            room: "lobby".to_owned(),
            clock: None,
        }
    }

    /// The bus.
    #[must_use]
    pub fn bus(&self) -> &EventBus {
        &self.bus
    }

    /// The bot's scheduler.
    #[must_use]
    pub fn scheduler(&self) -> &crate::Scheduler {
        &self.scheduler
    }

    /// The bot's handle (module states, enable/disable/restart).
    #[must_use]
    pub fn handle(&self) -> &BotHandle {
        &self.handle
    }

    /// The fake room's name.
    #[must_use]
    pub fn room(&self) -> &str {
        &self.room
    }

    /// Waits until every task is idle: lets paused time advance by 1 ms,
    /// which tokio does only once nothing can run.
    pub async fn settle(&self) {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }

    /// Advances paused time by `by`, then settles. Time moves from timer
    /// to timer, each firing at its own instant with the bot running in
    /// between, so schedules and cooldowns behave as in real time.
    pub async fn advance(&self, by: Duration) {
        tokio::time::sleep(by).await;
        self.settle().await;
    }

    async fn publish<T: EventPayload>(&self, topic: crate::Topic, payload: T) {
        let event = Event::builder(topic)
            .source(chat::BRIDGE)
            .room(self.room.as_str())
            .payload(payload);
        self.bus.publish(event);
        self.settle().await;
    }

    /// The rank of `user`: as they joined, else a guest.
    #[must_use]
    pub fn rank_of(&self, user: &str) -> Rank {
        self.users.get(user).copied().unwrap_or(Rank::GUEST)
    }

    /// `user` says `text` in the room, then the bot settles.
    pub async fn say(&mut self, user: &str, text: &str) {
        let message = ChatMessage::new(&self.room, user, self.rank_of(user), text);
        self.publish(message.topic(), message).await;
    }

    /// `user` says something the server delivered as `html` (CyTube's
    /// filtered HTML, e.g. `some<em>user</em>name`); modules see it
    /// decoded, as from the real bridge.
    pub async fn say_html(&mut self, user: &str, html: &str) {
        let message = ChatMessage::from_html(&self.room, user, self.rank_of(user), html);
        self.publish(message.topic(), message).await;
    }

    /// Changes the rank of `user` (CyTube's `setUserRank`).
    pub async fn set_rank(&mut self, user: &str, rank: Rank) {
        self.users.insert(user.to_owned(), rank);
        let change = chat::UserRank::new(&self.room, user, rank);
        self.publish(chat::UserRank::TOPIC, change).await;
    }

    /// `user` sends the bot a private message, then the bot settles.
    pub async fn pm(&mut self, user: &str, text: &str) {
        let message = ChatMessage::new(&self.room, user, self.rank_of(user), text).private();
        self.publish(message.topic(), message).await;
    }

    /// `user` joins with `rank` (also changes the rank of a present user).
    pub async fn join(&mut self, user: &str, rank: Rank) {
        self.users.insert(user.to_owned(), rank);
        let joined = UserJoined::new(&self.room, user, rank);
        self.publish(UserJoined::TOPIC, joined).await;
    }

    /// `user` leaves.
    pub async fn leave(&mut self, user: &str) {
        self.users.remove(user);
        let left = UserLeft::new(&self.room, user);
        self.publish(UserLeft::TOPIC, left).await;
    }

    /// The room starts playing `title`.
    pub async fn media(&mut self, title: &str, duration: Duration) {
        self.media_at(title, duration, 0.0).await;
    }

    /// The room plays `title` from `position` seconds (negative: the
    /// server's lead-in, -3 for a media just started).
    pub async fn media_at(&mut self, title: &str, duration: Duration, position: f64) {
        let media = MediaChanged::new(&self.room, title, duration).at(position);
        self.publish(MediaChanged::TOPIC, media).await;
    }

    /// The server says the media is at `position` seconds (`mediaUpdate`).
    pub async fn media_position(&mut self, position: f64, paused: bool) {
        let update = chat::MediaPosition::new(&self.room, position, paused);
        self.publish(chat::MediaPosition::TOPIC, update).await;
    }

    fn outbox(&self) -> Vec<Said> {
        self.outbox
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Everything the bot said in room chat so far, in order.
    #[must_use]
    pub fn said(&self) -> Vec<String> {
        self.outbox()
            .into_iter()
            .filter_map(|s| match s {
                Said::Chat { text, .. } => Some(text),
                Said::Pm { .. } => None,
            })
            .collect()
    }

    /// Everything the bot told `user` privately so far, in order.
    #[must_use]
    pub fn pms_to(&self, user: &str) -> Vec<String> {
        self.outbox()
            .into_iter()
            .filter_map(|s| match s {
                Said::Pm { to, text, .. } if to == user => Some(text),
                _ => None,
            })
            .collect()
    }

    /// Removes and returns everything the bot said, chat and PMs.
    pub fn take_said(&mut self) -> Vec<Said> {
        std::mem::take(&mut *self.outbox.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Removes and returns the events published since the last call that
    /// match `pattern` (the others are discarded).
    pub fn published(&mut self, pattern: &Pattern) -> Vec<Event> {
        std::iter::from_fn(|| self.captured.try_recv())
            .filter(|e| pattern.matches(e.topic()))
            .collect()
    }

    /// The state of `module`.
    ///
    /// # Errors
    ///
    /// When the bot does not answer (it stopped).
    pub async fn state(&self, module: &str) -> Result<Option<ModuleState>> {
        let list = self.handle.modules().await?;
        Ok(list.get(module).map(|m| m.state))
    }

    /// Stops the bot and the room.
    pub async fn shutdown(self) -> ShutdownReport {
        self.handle.stop();
        let report = match self.run.await {
            Ok(Ok(report)) => report,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "the harness bot failed");
                ShutdownReport::default()
            }
            Err(e) => {
                tracing::error!(error = %e, "the harness bot task failed");
                ShutdownReport::default()
            }
        };
        self.bridge.abort();
        report
    }
}
