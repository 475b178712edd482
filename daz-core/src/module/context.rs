//! [`Context`]: what a module's hooks get to act on the bot.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use tokio::task::JoinSet;

use crate::schedule::Schedule;
use crate::{
    Config, Event, EventBuilder, EventBus, EventPayload, Pattern, Result, SubscriptionId, Topic,
};
use crate::{EventId, Scheduler, TaskId, TaskOptions};

/// Handed to every [`Module`](crate::Module) hook: the module's name, the
/// bus, its mailbox, and the tasks it spawned.
///
/// Events published through the context carry the module's name as their
/// source. Patterns subscribed here feed the module's one mailbox, so its
/// `handle` sees them in order with everything else addressed to it.
pub struct Context {
    name: Arc<str>,
    bus: EventBus,
    scheduler: Scheduler,
    config: Arc<Config>,
    mailbox: SubscriptionId,
    tasks: JoinSet<()>,
    /// The trace of the event being handled.
    trace: Option<EventId>,
    /// The rooms the module is limited to, if it is.
    rooms: Option<Arc<[String]>>,
}

impl Context {
    pub(crate) fn new(
        name: Arc<str>,
        bus: EventBus,
        scheduler: Scheduler,
        config: Arc<Config>,
        mailbox: SubscriptionId,
    ) -> Self {
        Self {
            name,
            bus,
            scheduler,
            config,
            mailbox,
            tasks: JoinSet::new(),
            trace: None,
            rooms: None,
        }
    }

    /// Limits what the module sends to `rooms` (the runtime does, from
    /// the manifest).
    pub(crate) fn limit_to(&mut self, rooms: Option<&[String]>) {
        self.rooms = rooms.map(Arc::from);
    }

    /// The rooms the module is limited to, in and out, if it is.
    #[must_use]
    pub fn rooms(&self) -> Option<&[String]> {
        self.rooms.as_deref()
    }

    /// `Ok` unless the module is limited to rooms that leave out `room`.
    fn may_act_in(&self, room: Option<&str>) -> Result<()> {
        match room {
            Some(room) if !crate::bus::room_allowed(self.rooms.as_deref(), Some(room)) => {
                Err(crate::Error::RoomNotAllowed {
                    module: self.name.to_string(),
                    room: room.to_owned(),
                })
            }
            _ => Ok(()),
        }
    }

    /// [`may_act_in`](Self::may_act_in) for a built event: the room in
    /// its envelope, and the `room` of a JSON payload.
    fn may_send(&self, event: &Event) -> Result<()> {
        self.may_act_in(event.room())?;
        let json_room = event
            .json_payload()
            .and_then(|p| p.get("room"))
            .and_then(serde_json::Value::as_str);
        self.may_act_in(json_room)
    }

    /// Logs a publish the room limit stopped: nothing was published.
    fn refused(&self, why: &crate::Error) -> usize {
        tracing::warn!(module = %self.name, error = %why, "publish refused");
        0
    }

    /// The module's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bus, for anything the helpers here do not cover. What goes
    /// through it directly is not held to the module's
    /// [`rooms`](Self::rooms).
    #[must_use]
    pub fn bus(&self) -> &EventBus {
        &self.bus
    }

    /// The module's section of the configuration, as `T` (declare `T` with
    /// `#[module(config = T)]` so it is checked when the bot is built).
    ///
    /// # Errors
    ///
    /// [`Error::ConfigValue`](crate::Error::ConfigValue) naming the key.
    pub fn config<T: DeserializeOwned>(&self) -> Result<T> {
        self.config.section(&self.name)
    }

    /// The whole configuration.
    #[must_use]
    pub fn full_config(&self) -> &Config {
        &self.config
    }

    /// Delivers events matching `pattern` to this module's `handle`.
    /// Subscriptions last until the module stops; a restart re-runs `init`,
    /// which subscribes again.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownTarget`](crate::Error::UnknownTarget) if the module
    /// is stopping.
    pub fn subscribe(&self, pattern: Pattern) -> Result<()> {
        self.bus.add_pattern(self.mailbox, pattern)
    }

    /// Stops delivering events matching `pattern`; `true` if subscribed.
    pub fn unsubscribe(&self, pattern: &Pattern) -> bool {
        self.bus.remove_pattern(self.mailbox, pattern)
    }

    /// A builder for an event under `topic` with this module as its source.
    pub fn event(&self, topic: Topic) -> EventBuilder {
        let event = Event::builder(topic).source(Arc::clone(&self.name));
        match self.trace {
            Some(trace) => event.trace(trace),
            None => event,
        }
    }

    /// The trace of the event being handled (what [`event`](Self::event)
    /// puts new events in), if one is.
    #[must_use]
    pub fn trace_id(&self) -> Option<EventId> {
        self.trace
    }

    /// Sets the trace of the event being handled (the runtime does).
    pub(crate) fn set_trace(&mut self, trace: Option<EventId>) {
        self.trace = trace;
    }

    /// Publishes `payload` under its type's topic, with this module as the
    /// source. Returns how many subscribers received it: none, with a
    /// warning logged, when the module is limited to rooms that leave out
    /// the payload's [`room`](EventPayload::room).
    pub fn publish<T: EventPayload>(&self, payload: T) -> usize {
        if let Err(why) = self.may_act_in(payload.room()) {
            return self.refused(&why);
        }
        self.bus.publish(self.event(T::TOPIC).payload(payload))
    }

    /// Publishes an already built event (build it with [`event`](Self::event)
    /// to set the source). A room-limited module's event of another room
    /// (its envelope's room, or a JSON payload's `room`) is not published.
    pub fn publish_event(&self, event: Event) -> usize {
        if let Err(why) = self.may_send(&event) {
            return self.refused(&why);
        }
        self.bus.publish(event)
    }

    /// Sends `payload` to the module `target`.
    ///
    /// # Errors
    ///
    /// [`Error::RoomNotAllowed`](crate::Error::RoomNotAllowed) when the
    /// module is limited to rooms that leave out the payload's
    /// [`room`](EventPayload::room) (a [`SendChat`](crate::chat::SendChat)
    /// to another room, say); otherwise as [`EventBus::send`].
    pub fn send<T: EventPayload>(&self, target: &str, payload: T) -> Result<()> {
        self.may_act_in(payload.room())?;
        self.bus.send(target, self.event(T::TOPIC).payload(payload))
    }

    /// Sends `payload` to `target` as a request and waits for the reply.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send), and as [`EventBus::request`].
    pub async fn request<T: EventPayload>(
        &self,
        target: &str,
        payload: T,
        timeout: Duration,
    ) -> Result<Event> {
        self.may_act_in(payload.room())?;
        let event = self.event(T::TOPIC).payload(payload);
        self.bus.request(target, event, timeout).await
    }

    /// Runs `task` beside the module. It is aborted when the module stops
    /// or restarts, so a module leaves nothing running behind it.
    pub fn spawn<F>(&mut self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        // Reap finished tasks so a long-lived module does not accumulate them.
        while self.tasks.try_join_next().is_some() {}
        self.tasks.spawn(task);
    }

    /// Answers `request` from a task beside the module instead of from
    /// `handle_request` itself, so the module goes on handling its mailbox
    /// while `work` runs (a slow query, an HTTP call). Return the event this
    /// gives from `handle_request`; the runtime then leaves the answer to
    /// `work`: its `Ok` is the reply, its `Err` an error reply. If the
    /// module stops first, the requester gets an error reply saying so.
    ///
    /// ```
    /// use std::time::Duration;
    /// use daz_core::{Context, Event, Module, ModuleResult};
    ///
    /// #[derive(daz_core::Module)]
    /// #[module(name = "slow")]
    /// struct Slow;
    ///
    /// #[daz_core::async_trait]
    /// impl Module for Slow {
    ///     async fn handle_request(&mut self, ctx: &mut Context, request: Event) -> ModuleResult<Event> {
    ///         let answer = ctx.event(request.topic().clone()).payload(());
    ///         Ok(ctx.reply_later(&request, async move {
    ///             tokio::time::sleep(Duration::from_millis(10)).await;
    ///             Ok(answer)
    ///         }))
    ///     }
    /// }
    /// ```
    pub fn reply_later<F>(&mut self, request: &Event, work: F) -> Event
    where
        F: Future<Output = crate::ModuleResult<Event>> + Send + 'static,
    {
        let pending = PendingReply {
            bus: self.bus.clone(),
            request: Some(request.clone()),
            module: Arc::clone(&self.name),
        };
        self.spawn(async move {
            let mut pending = pending;
            let outcome = work.await;
            if let Some(request) = pending.request.take() {
                let _ = match outcome {
                    Ok(reply) => pending.bus.reply(&request, reply),
                    Err(e) => pending.bus.reply_error(&request, e.to_string()),
                };
            }
        });
        Event::new(ReplyLater)
    }

    /// Schedules a task for this module: each time it is due, a
    /// [`Tick`](crate::Tick) (topic `daz.tick`) arrives in `handle`. The
    /// task is cancelled when the module stops or restarts.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSchedule`](crate::Error::InvalidSchedule) if the
    /// schedule has no future run.
    pub fn schedule(&self, name: &str, schedule: Schedule, options: TaskOptions) -> Result<TaskId> {
        self.scheduler.schedule(&self.name, name, schedule, options)
    }

    /// Schedules a durable one-shot at `due` carrying `data` (a reminder):
    /// saved in the bot's task store, it survives a restart, and its
    /// [`Tick`](crate::Tick) carries `data`. If it falls due while the bot
    /// is down, `missed` decides whether it runs once on start or is
    /// dropped.
    ///
    /// # Errors
    ///
    /// Whatever the task store reports.
    pub async fn schedule_durable(
        &self,
        name: &str,
        due: chrono::DateTime<chrono::Utc>,
        data: serde_json::Value,
        missed: crate::Missed,
    ) -> Result<TaskId> {
        self.scheduler
            .schedule_durable(&self.name, name, due, data, missed)
            .await
    }

    /// Cancels one of this module's tasks; `true` if it existed.
    pub fn cancel_task(&self, id: TaskId) -> bool {
        self.scheduler.cancel_owned(&self.name, id)
    }

    /// The scheduler (to pause, resume or list tasks).
    #[must_use]
    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    /// Tasks spawned through [`spawn`](Self::spawn) still running.
    #[must_use]
    pub fn tasks(&self) -> usize {
        self.tasks.len()
    }

    /// Aborts every spawned task, cancels the module's scheduled tasks,
    /// and waits for the spawned tasks to end.
    pub(crate) async fn shutdown(&mut self) {
        self.scheduler.remove_owner(&self.name);
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
    }
}

/// What `handle_request` returns when [`Context::reply_later`] answers.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub(crate) struct ReplyLater;

impl EventPayload for ReplyLater {
    const TOPIC: Topic = Topic::from_static("daz.reply.later");
}

/// A request a task will answer; answered with an error if the task is
/// dropped first (the module stopped).
struct PendingReply {
    bus: EventBus,
    request: Option<Event>,
    module: Arc<str>,
}

impl Drop for PendingReply {
    fn drop(&mut self) {
        if let Some(request) = self.request.take() {
            let _ = self.bus.reply_error(
                &request,
                format!("module {} stopped before answering", self.module),
            );
        }
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("name", &self.name)
            .field("tasks", &self.tasks.len())
            .finish_non_exhaustive()
    }
}
