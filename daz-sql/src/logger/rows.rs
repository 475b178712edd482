//! What the logger writes: one row per event, by table.

use daz_core::Event;
use daz_core::chat::{ChatMessage, MediaChanged, UserJoined, UserLeft, UserRank};

/// A chat line or PM (`daz_chat_log`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChatRow {
    pub(crate) at_ms: i64,
    pub(crate) room: String,
    pub(crate) user: String,
    pub(crate) rank: f64,
    pub(crate) text: String,
    pub(crate) html: Option<String>,
    pub(crate) pm: bool,
}

/// A join, leave or rank change (`daz_user_activity`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct UserRow {
    pub(crate) at_ms: i64,
    pub(crate) room: String,
    pub(crate) user: String,
    pub(crate) action: &'static str,
    pub(crate) rank: Option<f64>,
}

/// A media change (`daz_media_history`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MediaRow {
    pub(crate) at_ms: i64,
    pub(crate) room: String,
    pub(crate) title: String,
    pub(crate) seconds: f64,
}

/// Any event, as JSON (`daz_sql_event_log`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EventRow {
    pub(crate) at_ms: i64,
    pub(crate) topic: String,
    pub(crate) source: Option<String>,
    pub(crate) room: Option<String>,
    pub(crate) correlation: Option<String>,
    pub(crate) tags: String,
    pub(crate) payload: String,
}

/// A row of a configured rule's table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CustomRow {
    pub(crate) table: std::sync::Arc<str>,
    pub(crate) columns: std::sync::Arc<[String]>,
    pub(crate) values: Vec<serde_json::Value>,
}

/// One row for one table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Row {
    Chat(ChatRow),
    User(UserRow),
    Media(MediaRow),
    Event(EventRow),
    Custom(CustomRow),
}

pub(crate) fn at_ms(event: &Event) -> i64 {
    event
        .timestamp()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The row of a chat-vocabulary event, if it is one (and not backlog).
pub(crate) fn typed_row(event: &Event) -> Option<Row> {
    let at_ms = at_ms(event);
    if let Ok(m) = event.payload::<ChatMessage>() {
        return (!m.backlog).then(|| {
            Row::Chat(ChatRow {
                at_ms,
                room: m.room.clone(),
                user: m.user.clone(),
                rank: m.rank.value(),
                text: m.text.clone(),
                html: m.html.clone(),
                pm: m.pm,
            })
        });
    }
    if let Ok(j) = event.payload::<UserJoined>() {
        return (!j.backlog).then(|| {
            Row::User(UserRow {
                at_ms,
                room: j.room.clone(),
                user: j.user.clone(),
                action: "join",
                rank: Some(j.rank.value()),
            })
        });
    }
    if let Ok(l) = event.payload::<UserLeft>() {
        return Some(Row::User(UserRow {
            at_ms,
            room: l.room.clone(),
            user: l.user.clone(),
            action: "leave",
            rank: None,
        }));
    }
    if let Ok(r) = event.payload::<UserRank>() {
        return Some(Row::User(UserRow {
            at_ms,
            room: r.room.clone(),
            user: r.user.clone(),
            action: "rank",
            rank: Some(r.rank.value()),
        }));
    }
    if let Ok(m) = event.payload::<MediaChanged>() {
        return Some(Row::Media(MediaRow {
            at_ms,
            room: m.room.clone(),
            title: m.title.clone(),
            seconds: m.duration.as_secs_f64(),
        }));
    }
    None
}

/// The generic row of any event.
pub(crate) fn event_row(event: &Event) -> Row {
    Row::Event(EventRow {
        at_ms: at_ms(event),
        topic: event.topic().to_string(),
        source: event.source().map(str::to_owned),
        room: event.room().map(str::to_owned),
        correlation: event.correlation_id().map(|id| id.to_string()),
        tags: serde_json::to_string(event.tags()).unwrap_or_else(|_| "{}".to_owned()),
        payload: event.payload_json().map_or_else(
            |e| serde_json::json!({ "error": e.to_string() }).to_string(),
            |v| v.to_string(),
        ),
    })
}
