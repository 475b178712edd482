//! The wire: Engine.IO v4 and Socket.IO v5 packets over WebSocket text
//! frames ([`Packet`]), what they mean to a client ([`Incoming`]), and the
//! frames a client sends. Pure functions; no input makes them panic.

mod packet;
mod surrogates;

use serde::{Deserialize, Serialize};

pub use packet::Packet;
pub use surrogates::repair_surrogates;

use crate::error::{Error, Result, bad_frame};
use crate::event::ServerEvent;

/// The Engine.IO open packet's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Open {
    /// The Engine.IO session id.
    pub sid: String,
    /// Transports the session may upgrade to (none on WebSocket).
    #[serde(default)]
    pub upgrades: Vec<String>,
    /// Milliseconds between the server's pings.
    pub ping_interval: u64,
    /// Milliseconds the server waits for a pong.
    pub ping_timeout: u64,
    /// The largest frame the server accepts, in bytes.
    #[serde(default)]
    pub max_payload: Option<u64>,
}

/// What a frame from the server means to the client.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Incoming {
    /// The Engine.IO session opened (`0{...}`).
    Open(Open),
    /// A ping to answer with [`pong`] (`2`), with its data (`probe`).
    Ping(String),
    /// A pong (`3`; only during upgrades).
    Pong(String),
    /// The Socket.IO connect was accepted (`40{"sid"}`).
    Connected {
        /// The Socket.IO id.
        sid: Option<String>,
    },
    /// The connect was refused (`44`): rate limit, ban.
    Refused {
        /// Why.
        message: String,
    },
    /// The server ended the Socket.IO session (`41`, after a kick).
    Disconnected,
    /// An event (`42`).
    Event(ServerEvent),
    /// An acknowledgement (`43`).
    Ack {
        /// The id acknowledged.
        id: u64,
        /// Its arguments.
        args: Vec<serde_json::Value>,
    },
    /// Engine.IO close, upgrade or noop: nothing to do.
    Ignored,
}

#[derive(Deserialize)]
struct ConnectReply {
    sid: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Refusal {
    Object {
        #[serde(default)]
        message: String,
    },
    Text(String),
}

impl Incoming {
    /// Reads a frame from the server.
    ///
    /// # Errors
    ///
    /// As [`Packet::decode`], and [`Error::Frame`] when a JSON part does
    /// not read.
    ///
    /// ```
    /// use daz_cytube::codec::Incoming;
    /// use daz_cytube::event::ServerEvent;
    ///
    /// assert_eq!(Incoming::decode(r#"40{"sid":"x"}"#)?, Incoming::Connected { sid: Some("x".into()) });
    /// assert!(matches!(Incoming::decode(r#"42["usercount",3]"#)?, Incoming::Event(ServerEvent::Usercount(_))));
    /// # Ok::<(), daz_cytube::Error>(())
    /// ```
    pub fn decode(frame: &str) -> Result<Self> {
        let json_error = |e: serde_json::Error| bad_frame(frame, e.to_string());
        Ok(match Packet::decode(frame)? {
            Packet::Open(json) => Self::Open(serde_json::from_str(json).map_err(json_error)?),
            Packet::Ping(data) => Self::Ping(data.to_owned()),
            Packet::Pong(data) => Self::Pong(data.to_owned()),
            Packet::Connect("") => Self::Connected { sid: None },
            Packet::Connect(json) => {
                let reply: ConnectReply = serde_json::from_str(json).map_err(json_error)?;
                Self::Connected { sid: reply.sid }
            }
            Packet::ConnectError(json) => {
                let message = match serde_json::from_str::<Refusal>(json) {
                    Ok(Refusal::Object { message } | Refusal::Text(message)) => message,
                    Err(_) => json.to_owned(),
                };
                Self::Refused { message }
            }
            Packet::Disconnect => Self::Disconnected,
            Packet::Event { json, .. } => Self::Event(ServerEvent::from_json(json)?),
            Packet::Ack { id, json } => Self::Ack {
                id,
                args: serde_json::from_str(&repair_surrogates(json)).map_err(json_error)?,
            },
            Packet::Close | Packet::Upgrade | Packet::Noop => Self::Ignored,
        })
    }
}

/// The answer to a ping: `3` with the ping's data.
#[must_use]
pub fn pong(data: &str) -> String {
    Packet::Pong(data).encode()
}

/// The Socket.IO connect to the default namespace: `40`.
pub const CONNECT: &str = "40";

/// Ends the Socket.IO session: `41`.
pub const DISCONNECT: &str = "41";

/// An event frame `42["name",payload]` (payload `None`: no argument).
///
/// # Errors
///
/// [`Error::Encode`] when the payload cannot be written as JSON.
///
/// ```
/// use daz_cytube::codec::event_frame;
/// use serde_json::json;
///
/// assert_eq!(event_frame("chatMsg", Some(&json!({"msg": "hi"})))?, r#"42["chatMsg",{"msg":"hi"}]"#);
/// assert_eq!(event_frame::<()>("voteskip", None)?, r#"42["voteskip"]"#);
/// # Ok::<(), daz_cytube::Error>(())
/// ```
pub fn event_frame<T: Serialize + ?Sized>(name: &str, payload: Option<&T>) -> Result<String> {
    let encode = |source| Error::Encode {
        event: name.to_owned(),
        source,
    };
    let json = match payload {
        Some(payload) => serde_json::to_string(&(name, payload)).map_err(encode)?,
        None => serde_json::to_string(&[name]).map_err(encode)?,
    };
    Ok(format!("42{json}"))
}

#[cfg(test)]
mod tests;
