//! [`Room`]: one channel, kept joined. A task owns the connection: it
//! discovers the server, joins, mirrors the channel's state, sends actions
//! through the throttle, and reconnects per the [`ReconnectPolicy`] and
//! the kick reason.

mod outbound;
mod run;

use std::sync::Arc;
use std::time::Duration;

use daz_core::Secret;
use daz_core::chat::Rank;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::action::Action;
use crate::error::{Error, Result};
use crate::event::ServerEvent;
use crate::reconnect::{MemoryReconnectStore, ReconnectPolicy, ReconnectStore};
use crate::session::Login;
use crate::state::ChannelState;

/// Where to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Endpoint {
    /// Discover the server from the site (`https://cytu.be`).
    Site(String),
    /// Connect to this WebSocket URL directly (tests, private servers).
    Socket(String),
}

/// How to keep a room.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RoomConfig {
    /// The channel.
    pub channel: String,
    /// Where.
    pub endpoint: Endpoint,
    /// How to log in.
    pub login: Login,
    /// The channel's password, if it has one.
    pub channel_password: Option<Secret>,
    /// Reconnect settings.
    pub reconnect: ReconnectPolicy,
    /// Time allowed for connecting and joining (default 30 s).
    pub connect_timeout: Duration,
    /// Lines that may wait for the throttle (default 200); beyond, sends
    /// are refused.
    pub queue: usize,
    /// Split chat lines longer than this, in UTF-16 units (default 320).
    pub max_line: usize,
}

impl RoomConfig {
    /// A room for `channel` on `https://cytu.be`, logged in as `login`.
    #[must_use]
    pub fn new(channel: &str, login: Login) -> Self {
        Self {
            channel: channel.to_owned(),
            endpoint: Endpoint::Site("https://cytu.be".to_owned()),
            login,
            channel_password: None,
            reconnect: ReconnectPolicy::default(),
            connect_timeout: Duration::from_secs(30),
            queue: 200,
            max_line: daz_core::chat::MAX_MESSAGE_LEN,
        }
    }
}

/// What happens in a room.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RoomEvent {
    /// Joined (again): the bot's name and rank.
    Joined {
        /// Logged in as.
        name: Option<String>,
        /// The bot's rank.
        rank: Rank,
    },
    /// A server event; `backlog` for chat history replayed on join.
    Event {
        /// The event.
        event: ServerEvent,
        /// Replayed history.
        backlog: bool,
    },
    /// The connection ended or could not be made; `retry_in` is the wait
    /// before the next attempt.
    Disconnected {
        /// Why.
        reason: String,
        /// The wait before reconnecting.
        retry_in: Duration,
    },
    /// The room gave up (banned, bad configuration): no more attempts.
    Stopped {
        /// Why.
        reason: String,
    },
    /// A frame that did not decode (skipped).
    BadFrame {
        /// What was wrong.
        error: String,
    },
}

/// What became of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sent {
    /// Written to the socket.
    Sent,
    /// Accepted; it goes out when the throttle allows, in this many lines'
    /// time.
    Queued {
        /// Lines ahead of it.
        ahead: usize,
    },
}

enum Command {
    Send(Action, oneshot::Sender<Result<Sent>>),
    State(oneshot::Sender<ChannelState>),
    Stop,
}

/// Sends actions to a room and reads its state. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RoomHandle {
    commands: mpsc::Sender<Command>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Command")
    }
}

fn gone() -> Error {
    Error::Closed {
        reason: "the room has stopped".to_owned(),
    }
}

impl RoomHandle {
    /// Sends `action`, after checking it against the bot's rank and the
    /// channel's permissions.
    ///
    /// # Errors
    ///
    /// [`Error::NotPermitted`], [`Error::InvalidAction`],
    /// [`Error::NotConnected`] while the room is reconnecting,
    /// [`Error::QueueFull`], [`Error::Closed`] once the room has stopped.
    pub async fn send(&self, action: Action) -> Result<Sent> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Send(action, reply))
            .await
            .map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }

    /// The channel's state as mirrored now.
    ///
    /// # Errors
    ///
    /// [`Error::Closed`] once the room has stopped.
    pub async fn state(&self) -> Result<ChannelState> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::State(reply))
            .await
            .map_err(|_| gone())?;
        answer.await.map_err(|_| gone())
    }

    /// Leaves the room and stops its task.
    pub async fn stop(&self) {
        let _ = self.commands.send(Command::Stop).await;
    }
}

/// A kept room: its handle, its events, and its task.
#[derive(Debug)]
pub struct Room {
    handle: RoomHandle,
    events: mpsc::Receiver<RoomEvent>,
    task: JoinHandle<()>,
}

impl Room {
    /// Starts keeping `config`'s room, with reconnect cycles kept in
    /// memory.
    #[must_use]
    pub fn start(config: RoomConfig) -> Self {
        Self::with_store(config, Arc::new(MemoryReconnectStore::default()))
    }

    /// Starts keeping `config`'s room, with reconnect cycles kept in
    /// `store`.
    #[must_use]
    pub fn with_store(config: RoomConfig, store: Arc<dyn ReconnectStore>) -> Self {
        let (commands, inbox) = mpsc::channel(64);
        let (events, outbox) = mpsc::channel(4096);
        let task = tokio::spawn(run::run(config, store, inbox, events));
        Self {
            handle: RoomHandle { commands },
            events: outbox,
            task,
        }
    }

    /// A handle to send actions and read state.
    #[must_use]
    pub fn handle(&self) -> RoomHandle {
        self.handle.clone()
    }

    /// The next event; `None` once the room has stopped and all were read.
    pub async fn next(&mut self) -> Option<RoomEvent> {
        self.events.recv().await
    }

    /// Stops the room and waits for its task.
    pub async fn stop(mut self) {
        self.handle.stop().await;
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.task).await;
        self.task.abort();
    }
}

impl Drop for Room {
    /// A dropped room leaves nothing running.
    fn drop(&mut self) {
        self.task.abort();
    }
}
