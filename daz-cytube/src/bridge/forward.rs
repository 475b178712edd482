//! From a room to the bus: each server event is mirrored, then published —
//! chat, PMs, joins, leaves, rank and media changes as the core chat
//! vocabulary, everything else as a [`CytubeEvent`] under
//! `cytube.event.<name>`.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use daz_core::chat::{
    self, ChatMessage, MediaChanged, MediaPosition, UserJoined, UserLeft, UserRank,
};
use daz_core::{Event, EventBus, EventPayload, Topic};

use super::payloads::{CytubeEvent, ServerNotice};
use crate::event::ServerEvent;
use crate::room::{Room, RoomEvent};
use crate::state::ChannelState;

/// What the module knows of a room, shared with its forwarder.
#[derive(Debug, Default)]
pub(super) struct Mirror {
    pub(super) state: ChannelState,
    pub(super) connected: bool,
    /// The bot's own name there.
    pub(super) name: Option<String>,
    /// How the connection is doing, for health.
    pub(super) status: String,
}

pub(super) type Shared = Arc<Mutex<Mirror>>;

pub(super) fn lock(mirror: &Shared) -> std::sync::MutexGuard<'_, Mirror> {
    mirror.lock().unwrap_or_else(PoisonError::into_inner)
}

fn publish<T: EventPayload>(bus: &EventBus, room: &str, topic: Topic, payload: T) {
    let event = Event::builder(topic)
        .source(chat::BRIDGE)
        .room(room)
        .payload(payload);
    bus.publish(event);
}

/// Forwards `room`'s events until it stops.
pub(super) async fn forward(
    mut room: Room,
    bus: EventBus,
    name: String,
    mirror: Shared,
    raw: super::raw::Wanted,
) {
    while let Some(event) = room.next().await {
        match event {
            RoomEvent::Joined { name: own, rank } => {
                let mut m = lock(&mirror);
                m.state = ChannelState::for_bot(own.as_deref());
                m.state.rank = rank;
                m.connected = true;
                m.name = own;
                m.status = format!("joined as rank {rank}");
                tracing::info!(room = %name, rank = %rank, "joined");
            }
            RoomEvent::Event { event, backlog } => {
                let (own, rank_of) = {
                    let mut m = lock(&mirror);
                    let before = m.state.rank;
                    m.state.apply(&event);
                    if m.connected && m.state.rank != before {
                        let rank = m.state.rank;
                        m.status = format!("joined as rank {rank}");
                        tracing::info!(room = %name, rank = %rank, "the bot's rank changed");
                    }
                    let rank = match &event {
                        ServerEvent::ChatMsg(c) => m.state.user(&c.username).map(|u| u.rank),
                        _ => None,
                    };
                    (m.name.clone(), rank)
                };
                raw.publish(&bus, &name, &event, backlog);
                relay(&bus, &name, event, backlog, own.as_deref(), rank_of);
            }
            RoomEvent::Disconnected { reason, retry_in } => {
                let mut m = lock(&mirror);
                m.connected = false;
                m.status = format!(
                    "disconnected ({reason}); retrying in {}",
                    daz_core::format_duration(retry_in)
                );
            }
            RoomEvent::Stopped { reason } => {
                tracing::error!(room = %name, %reason, "gave up on the room");
                let mut m = lock(&mirror);
                m.connected = false;
                m.status = format!("stopped: {reason}");
            }
            RoomEvent::BadFrame { error } => {
                tracing::warn!(room = %name, %error, "skipped a frame");
            }
        }
    }
}

fn is(name: Option<&str>, user: &str) -> bool {
    name.is_some_and(|n| n.eq_ignore_ascii_case(user))
}

/// Publishes one event.
fn relay(
    bus: &EventBus,
    room: &str,
    event: ServerEvent,
    backlog: bool,
    own: Option<&str>,
    rank: Option<daz_core::chat::Rank>,
) {
    match event {
        ServerEvent::ChatMsg(line) if ServerNotice::is_pseudo_user(&line.username) => {
            let notice = ServerNotice {
                room: room.to_owned(),
                from: line.username,
                text: line.msg,
                time: line.time,
                backlog,
            };
            publish(bus, room, ServerNotice::TOPIC, notice);
        }
        ServerEvent::ChatMsg(line) if !line.meta.shadow => {
            let mut message =
                ChatMessage::new(room, &line.username, rank.unwrap_or_default(), &line.text);
            message.backlog = backlog;
            message.own = is(own, &line.username);
            message.html = Some(line.msg);
            publish(bus, room, chat::CHAT_TOPIC, message);
        }
        ServerEvent::ChatMsg(line) => {
            // Only moderators saw it: never for commands or public answers.
            let shadow = CytubeEvent {
                room: room.to_owned(),
                event: ServerEvent::ChatMsg(line),
                backlog,
            };
            publish(
                bus,
                room,
                Topic::from_static("cytube.event.shadowChatMsg"),
                shadow,
            );
        }
        ServerEvent::Pm(pm) => {
            let mut message =
                ChatMessage::new(room, &pm.username, daz_core::chat::Rank::GUEST, &pm.text)
                    .private();
            message.own = is(own, &pm.username);
            message.html = Some(pm.msg);
            publish(bus, room, chat::PM_TOPIC, message);
        }
        ServerEvent::AddUser(user) => {
            // The bot's own addUser comes when it logs in after the join.
            let mut joined = UserJoined::new(room, &user.name, user.rank);
            joined.own = is(own, &user.name);
            publish(bus, room, UserJoined::TOPIC, joined);
        }
        ServerEvent::Userlist(users) => {
            for user in &users {
                let mut joined = UserJoined::new(room, &user.name, user.rank);
                joined.backlog = true;
                joined.own = is(own, &user.name);
                publish(bus, room, UserJoined::TOPIC, joined);
            }
            let list = CytubeEvent {
                room: room.to_owned(),
                event: ServerEvent::Userlist(users),
                backlog,
            };
            publish(bus, room, Topic::from_static("cytube.event.userlist"), list);
        }
        ServerEvent::UserLeave(user) => {
            let mut left = UserLeft::new(room, &user.name);
            left.own = is(own, &user.name);
            publish(bus, room, UserLeft::TOPIC, left);
        }
        ServerEvent::SetUserRank(change) => {
            publish(
                bus,
                room,
                UserRank::TOPIC,
                UserRank::new(room, &change.name, change.rank),
            );
        }
        ServerEvent::ChangeMedia(media) => {
            let length =
                Duration::try_from_secs_f64(media.media.seconds.max(0.0)).unwrap_or_default();
            publish(
                bus,
                room,
                MediaChanged::TOPIC,
                MediaChanged::new(room, &media.media.title, length).at(media.current_time),
            );
        }
        ServerEvent::MediaUpdate(update) => {
            publish(
                bus,
                room,
                MediaPosition::TOPIC,
                MediaPosition::new(room, update.current_time, update.paused),
            );
        }
        other => {
            let topic = Topic::new(format!("cytube.event.{}", other.name()))
                .unwrap_or_else(|_| Topic::from_static("cytube.event.unknown"));
            let payload = CytubeEvent {
                room: room.to_owned(),
                event: other,
                backlog,
            };
            publish(bus, room, topic, payload);
        }
    }
}
