//! The core of **daz**, a framework for CyTube chat bots built out of
//! modules.
//!
//! Everything a module sees or says travels on the [`EventBus`] as an
//! [`Event`](struct@Event): an envelope (topic, source, target, room, priority,
//! correlation) and a payload that is a typed value shared by `Arc`
//! in-process, or JSON when it comes from elsewhere.
//!
//! ```
//! use daz_core::prelude::*;
//! use daz_core::{EventBus, Pattern, SubscribeOptions};
//! use serde::{Deserialize, Serialize};
//! use std::time::Duration;
//!
//! /// A chat line, published under `demo.chat`.
//! #[derive(Debug, Serialize, Deserialize, Event)]
//! #[event(topic = "demo.chat")]
//! struct Chat { user: String, text: String }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let bus = EventBus::new();
//!
//! // Publish/subscribe by pattern.
//! let mut log = bus.subscribe(Pattern::new("demo.>")?, SubscribeOptions::new())?;
//! bus.publish(Event::new(Chat { user: "ann".into(), text: "hi".into() }));
//! let event = log.recv().await.ok_or("unsubscribed")?;
//! assert_eq!(event.payload::<Chat>()?.user, "ann");
//!
//! // Request/response with a named inbox.
//! let mut echo = bus.inbox("echo", SubscribeOptions::new())?;
//! let responder = bus.clone();
//! tokio::spawn(async move {
//!     while let Some(request) = echo.recv().await {
//!         let _ = responder.reply(&request, request.clone());
//!     }
//! });
//! let question = Event::new(Chat { user: "bob".into(), text: "ping".into() });
//! let answer = bus.request("echo", question, Duration::from_secs(1)).await?;
//! assert_eq!(answer.payload::<Chat>()?.text, "ping");
//! # Ok(()) }
//! ```
//!
//! The guarantees (ordering, priorities, drops, timeouts) are written out in
//! the book's *Semantics* chapter (`docs/src/semantics.md`).

mod bus;
mod config;
mod duration;
mod error;
mod event;
mod grammar;
mod id;
mod module;
mod pattern;
mod payload;
mod runtime;
mod scheduler;
mod topic;

#[cfg(feature = "http")]
pub mod admin;
pub mod chat;
pub mod command;
#[cfg(feature = "nats")]
pub mod nats;
pub mod prelude;
pub mod schedule;
pub mod spans;
#[cfg(feature = "testing")]
pub mod testing;

#[doc(hidden)]
pub mod __private;

pub use async_trait::async_trait;
pub use bus::{
    BusConfig, BusStats, DEFAULT_CAPACITY, ErrorReply, EventBus, EventBusBuilder, SubscribeOptions,
    SubscriberStats, Subscription, SubscriptionId,
};
pub use config::{CORE_SECTIONS, Config, Format, Secret};
pub use duration::{duration_serde, format_duration, parse_duration};
pub use error::{BoxError, Error, Result};
pub use event::{Event, EventBuilder, Priority};
pub use grammar::{MAX_TOPIC_LEN, TopicRule};
pub use id::EventId;
pub use module::{
    Context, Health, Lifecycle, Manifest, ManifestBuilder, Module, ModuleInfo, ModuleResult,
    ModuleState, RESERVED_MODULE_NAMES, module_name_problem,
};
pub use pattern::Pattern;
pub use payload::{EventPayload, PayloadRef};
pub use runtime::{
    Bot, BotBuilder, BotHandle, ControlRequest, HealthSummary, MemoryRuntimeStore, ModuleList,
    ModuleStatus, RestartPolicy, RuntimeConfig, RuntimeStore, ShutdownReport, TaskList,
};
pub use scheduler::{
    Clock, DurableTask, MemoryTaskStore, Missed, Scheduler, TaskId, TaskInfo, TaskOptions,
    TaskStore, Tick,
};
pub use topic::Topic;

/// Derives [`EventPayload`] for a payload type: `#[event(topic = "...")]`
/// names the topic it is published under, checked at compile time.
///
/// The type must also implement `Serialize` and `Deserialize`.
///
/// ```
/// use daz_core::{Event, EventPayload};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Event)]
/// #[event(topic = "economy.transfer")]
/// struct Transfer { from: String, to: String, amount: u64 }
///
/// assert_eq!(Transfer::TOPIC, "economy.transfer");
/// ```
///
/// An invalid topic is a compile error pointing at the literal:
///
/// ```compile_fail
/// #[derive(serde::Serialize, serde::Deserialize, daz_core::Event)]
/// #[event(topic = "economy..transfer")]
/// struct Transfer;
/// ```
#[cfg(feature = "macros")]
pub use daz_macros::Event;

/// Derives [`ModuleInfo`], a module's [`Manifest`], from
/// `#[module(...)]` and the doc comment; see [`Module`](trait@Module).
///
/// | key | value | default |
/// | --- | --- | --- |
/// | `name` | module name: letters, digits, `_`, `-` | required |
/// | `version` | string | the crate's version |
/// | `description` | string | the doc comment |
/// | `requires` | `["module", ...]` | none |
/// | `provides` | `["capability", ...]` | none |
/// | `rooms` | `["room", ...]` | every room |
/// | `critical` | flag, or `critical = true` | `false` |
/// | `config` | the type of the module's config section (serde) | no section allowed |
///
/// ```
/// use daz_core::{Module, ModuleInfo};
///
/// /// Keeps balances.
/// #[derive(Module)]
/// #[module(name = "economy", requires = ["sql"], rooms = ["lobby"], critical)]
/// struct Economy;
/// # #[daz_core::async_trait] impl Module for Economy {}
///
/// let manifest = Economy.manifest();
/// assert_eq!(manifest.description(), "Keeps balances.");
/// assert_eq!(manifest.requires(), ["sql"]);
/// assert!(manifest.is_critical());
/// ```
#[cfg(feature = "macros")]
pub use daz_macros::Module;

/// Declares a module's chat commands: put it on the module's `impl` block
/// and `#[command(...)]` on each command method; add `commands` to the
/// module's `#[module(...)]`. See the [`command`](mod@crate::command)
/// module for an example and the keys.
#[cfg(feature = "macros")]
pub use daz_macros::commands;
