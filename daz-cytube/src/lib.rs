//! The CyTube client for daz: the wire protocol (Engine.IO v4 and
//! Socket.IO v5 over WebSocket) and every server event, typed.
//!
//! Built to the protocol reference checked against the CyTube server
//! source, and tested against frames recorded from a real server.
//!
//! ```
//! use daz_cytube::codec::Incoming;
//! use daz_cytube::event::ServerEvent;
//!
//! let frame = r#"42["chatMsg",{"username":"ann","msg":"!give some<em>user</em>name 10","meta":{},"time":1700000000000}]"#;
//! let Incoming::Event(ServerEvent::ChatMsg(chat)) = Incoming::decode(frame)? else { unreachable!() };
//! assert_eq!(chat.text, "!give some_user_name 10");
//! assert_eq!(chat.msg, "!give some<em>user</em>name 10");
//! # Ok::<(), daz_cytube::Error>(())
//! ```

pub mod action;
pub mod bridge;
pub mod codec;
pub mod connection;
pub mod discovery;
mod error;
pub mod event;
#[cfg(feature = "kryten")]
pub mod kryten;
pub mod metrics;
pub mod reconnect;
pub mod room;
pub mod session;
pub mod state;
pub mod throttle;
mod tls;

pub use error::{Error, Result};
pub use tls::ensure_provider as ensure_tls_provider;

use daz_core::Topic;

/// Topic prefix under which CyTube server events are published
/// (`cytube.event.<name>`).
pub const EVENT_PREFIX: Topic = Topic::from_static("cytube.event");

/// Topic prefix of actions sent to CyTube (`cytube.send.<action>`).
pub const SEND_PREFIX: Topic = Topic::from_static("cytube.send");
