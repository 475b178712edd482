//! Kryten's commands and queries (`kryten.robot.command`), answered for
//! the channels this bot serves and carried out through the `cytube`
//! module: its permission checks and throttle apply.

use std::time::{Duration, Instant};

use daz_core::chat::{BRIDGE, SendChat, SendPm};
use daz_core::{Event, EventBus, EventPayload, Topic};
use serde_json::{Map, Value, json};

use super::wire::{failure, normalize_token, success};
use crate::action::Action;
use crate::bridge::{RoomAction, RoomSnapshot, SendOutcome, StateQuery};

/// How long an action or a state query may take.
const BRIDGE_TIMEOUT: Duration = Duration::from_secs(5);

/// What answers Kryten's commands.
#[derive(Clone)]
pub(crate) struct Robot {
    pub(crate) bus: EventBus,
    /// The channels served, as configured.
    pub(crate) rooms: Vec<String>,
    pub(crate) domain: String,
    pub(crate) started: Instant,
    pub(crate) nats: async_nats::Client,
}

/// Commands about the process, answered without naming a channel.
const PROCESS_WIDE: [&str; 4] = [
    "system.ping",
    "system.health",
    "system.channels",
    "system.version",
];

fn text<'a>(args: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| args.get(*k).and_then(Value::as_str))
}

/// The JSON of the daz [`Action`] a Kryten command asks for, from its
/// arguments (`None`: not an action).
fn action_json(command: &str, args: &Value) -> Option<Value> {
    let name = || text(args, &["username", "name"]);
    let reason = || text(args, &["reason"]).unwrap_or("");
    Some(match command {
        "addvideo" => json!({"action": "queue",
            "id": args.get("id").or_else(|| args.get("url")), "type": args.get("type"),
            "pos": args.get("pos").cloned().unwrap_or(json!("end")),
            "temp": args.get("temp").cloned().unwrap_or(json!(true))}),
        "rmvideo" => json!({"action": "delete", "uid": args.get("uid")}),
        "mvvideo" => json!({"action": "move_media",
            "from": args.get("from").or_else(|| args.get("uid")), "after": args.get("after")}),
        "jump" => json!({"action": "jump_to", "uid": args.get("uid")}),
        "playNext" => json!({"action": "play_next"}),
        "voteskip" => json!({"action": "voteskip"}),
        "assignLeader" => json!({"action": "assign_leader", "name": args.get("name")}),
        "kick" => json!({"action": "kick", "name": name(), "reason": reason()}),
        "ban" => json!({"action": "ban", "name": name(), "reason": reason()}),
        "mute" => json!({"action": "mute", "name": name()}),
        "smute" => json!({"action": "shadow_mute", "name": name()}),
        "unmute" => json!({"action": "unmute", "name": name()}),
        "newPoll" | "new_poll" => json!({"action": "new_poll", "title": args.get("title"),
            "options": args.get("options"),
            "hidden": args.get("obscured").cloned().unwrap_or(json!(false)),
            "timeout": args.get("timeout").filter(|t| t.as_u64() != Some(0))}),
        "vote" => json!({"action": "vote", "option": args.get("option")}),
        "closePoll" | "close_poll" => json!({"action": "close_poll"}),
        _ => return None,
    })
}

/// The command kryten-robot's older subjects
/// (`kryten.commands.cytube.<channel>.>`, `{action, data}`) name.
pub(crate) fn legacy_command(action: &str) -> &str {
    match action {
        "chat" => "say",
        "queue" | "add_video" => "addvideo",
        "delete" | "delete_video" => "rmvideo",
        "move" | "move_video" => "mvvideo",
        "jump_to" => "jump",
        "kick_user" => "kick",
        "ban_user" => "ban",
        "assign_leader" => "assignLeader",
        "mute_user" => "mute",
        "shadow_mute" | "shadow_mute_user" => "smute",
        "unmute_user" => "unmute",
        "play_next" => "playNext",
        other => other,
    }
}

impl Robot {
    /// The served room `channel` names (case and Kryten's normalization
    /// ignored).
    pub(crate) fn room(&self, channel: &str) -> Option<&String> {
        let wanted = normalize_token(channel);
        self.rooms
            .iter()
            .find(|r| r.eq_ignore_ascii_case(channel) || normalize_token(r) == wanted)
    }

    /// The answer to one request on `kryten.robot.command`; `None` when it
    /// is for another robot or service and must go unanswered.
    pub(crate) async fn answer(&self, body: &[u8]) -> Option<Value> {
        let request: Value = match serde_json::from_slice(body) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => return Some(failure("", "the request is not a JSON object")),
            Err(e) => return Some(failure("", &format!("Invalid JSON: {e}"))),
        };
        let Some(command) = request.get("command").and_then(Value::as_str) else {
            return Some(failure("", "Missing 'command' field"));
        };
        if let Some(service) = request.get("service").and_then(Value::as_str)
            && service != "robot"
            && service != "system"
        {
            return None;
        }
        let meta = request.get("meta").cloned().unwrap_or(Value::Null);
        if let Some(domain) = meta.get("domain").and_then(Value::as_str)
            && !domain.eq_ignore_ascii_case(&self.domain)
        {
            return None;
        }
        let room = match meta.get("channel").and_then(Value::as_str) {
            Some(channel) => self.room(channel)?.clone(),
            None if PROCESS_WIDE.contains(&command) || self.rooms.len() == 1 => {
                self.rooms.first()?.clone()
            }
            None => {
                return Some(failure(
                    command,
                    "this bot serves several channels: name one in meta.channel",
                ));
            }
        };
        let args = request.get("args").cloned().unwrap_or(Value::Null);
        Some(match self.run(command, &room, &args, &request).await {
            Ok(data) => success(command, data),
            Err(error) => failure(command, &error),
        })
    }

    /// Carries out `command` in `room`.
    pub(crate) async fn run(
        &self,
        command: &str,
        room: &str,
        args: &Value,
        request: &Value,
    ) -> Result<Value, String> {
        match command {
            "say" => {
                let msg = text(args, &["message", "msg"]).ok_or("Missing message")?;
                self.act(room, SendChat::TOPIC, SendChat::new(room, msg))
                    .await
            }
            "pm" => {
                let to = text(args, &["to", "username"]).ok_or("Missing username or message")?;
                let msg = text(args, &["msg", "message"]).ok_or("Missing username or message")?;
                self.act(room, SendPm::TOPIC, SendPm::new(room, to, msg))
                    .await
            }
            c if c.starts_with("system.") => self.system(c, room).await,
            c if c.starts_with("state.") => self.state(c, room, request).await,
            c => match action_json(c, args) {
                Some(json) => {
                    let action: Action = serde_json::from_value(json)
                        .map_err(|e| format!("bad arguments for {c}: {e}"))?;
                    let action = RoomAction::new(room, action);
                    self.act(room, action.topic(), action).await
                }
                None => Err(format!("daz does not carry the Kryten command {c:?}")),
            },
        }
    }

    async fn act<T: EventPayload>(
        &self,
        room: &str,
        topic: Topic,
        payload: T,
    ) -> Result<Value, String> {
        let event = Event::builder(topic)
            .source(super::KRYTEN)
            .room(room)
            .payload(payload);
        let reply = self
            .bus
            .request(BRIDGE, event, BRIDGE_TIMEOUT)
            .await
            .map_err(|e| e.to_string())?;
        match reply
            .payload::<SendOutcome>()
            .map_err(|e| e.to_string())?
            .into_owned()
        {
            SendOutcome::Sent => Ok(json!({"success": true})),
            SendOutcome::Throttled { ahead } => Ok(json!({"success": true, "queued": ahead})),
            SendOutcome::Refused { reason } => Err(reason),
        }
    }

    pub(crate) async fn snapshot(&self, room: &str) -> Result<RoomSnapshot, String> {
        let query = Event::builder(StateQuery::TOPIC)
            .source(super::KRYTEN)
            .payload(StateQuery::new(room));
        let reply = self
            .bus
            .request(BRIDGE, query, BRIDGE_TIMEOUT)
            .await
            .map_err(|e| e.to_string())?;
        Ok(reply
            .payload::<RoomSnapshot>()
            .map_err(|e| e.to_string())?
            .into_owned())
    }

    async fn state(&self, command: &str, room: &str, request: &Value) -> Result<Value, String> {
        let s = self.snapshot(room).await?;
        let users = serde_json::to_value(&s.users).map_err(|e| e.to_string())?;
        let playlist = serde_json::to_value(&s.playlist).map_err(|e| e.to_string())?;
        let emotes = serde_json::to_value(&s.emotes).map_err(|e| e.to_string())?;
        Ok(match command {
            "state.userlist" => json!({ "userlist": users }),
            "state.playlist" => json!({ "playlist": playlist }),
            "state.emotes" => json!({ "emotes": emotes }),
            "state.motd" => json!({ "motd": s.motd }),
            "state.all" => json!({ "emotes": emotes, "playlist": playlist, "userlist": users,
                "stats": { "users": s.users.len(), "playlist": s.playlist.len(), "emotes": s.emotes.len() } }),
            "state.user" | "state.profiles" => {
                let profiles: Map<String, Value> = s
                    .users
                    .iter()
                    .map(|u| {
                        (
                            u.name.clone(),
                            serde_json::to_value(&u.profile).unwrap_or(Value::Null),
                        )
                    })
                    .collect();
                if command == "state.profiles" {
                    json!({ "profiles": profiles })
                } else {
                    let name = request
                        .get("username")
                        .and_then(Value::as_str)
                        .ok_or("username required")?;
                    let user = s.users.iter().find(|u| u.name.eq_ignore_ascii_case(name));
                    json!({ "user": user, "profile": user.map(|u| &u.profile) })
                }
            }
            other => return Err(format!("daz does not keep {other}")),
        })
    }

    async fn system(&self, command: &str, room: &str) -> Result<Value, String> {
        let connected = self.snapshot(room).await.is_ok_and(|s| s.connected);
        let uptime = self.started.elapsed().as_secs_f64();
        let version = concat!("daz-cytube ", env!("CARGO_PKG_VERSION"));
        let nats = self.nats.connection_state() == async_nats::connection::State::Connected;
        Ok(match command {
            "system.ping" => json!({"pong": true, "service": "robot", "version": version,
                "uptime_seconds": uptime, "timestamp": super::wire::iso_time(std::time::SystemTime::now()),
                "cytube_connected": connected, "channel": room, "domain": self.domain}),
            "system.health" => json!({"service": "robot",
                "status": if connected { "healthy" } else { "degraded" }, "version": version,
                "uptime_seconds": uptime, "nats_connected": nats, "cytube_connected": connected,
                "channel": room, "domain": self.domain}),
            "system.version" => json!({ "version": version }),
            "system.channels" => {
                let mut channels = Vec::new();
                for r in &self.rooms {
                    let up = self.snapshot(r).await.is_ok_and(|s| s.connected);
                    channels.push(json!({"domain": self.domain, "channel": r, "connected": up}));
                }
                json!({ "channels": channels })
            }
            other => return Err(format!("daz does not answer {other}")),
        })
    }
}
