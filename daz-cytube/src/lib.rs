//! The CyTube client for daz.
//!
//! Not yet implemented: this crate reserves its place in the workspace. It
//! will hold discovery, the Engine.IO/Socket.IO v4 connection, typed CyTube
//! events and actions, reconnect and throttle, and the `cytube` module that
//! bridges rooms to the [`daz_core::EventBus`].
//!
//! Events from CyTube will be published under [`EVENT_PREFIX`].
//!
//! ```
//! assert_eq!(daz_cytube::EVENT_PREFIX.as_str(), "cytube.event");
//! ```

use daz_core::Topic;

/// Topic prefix under which CyTube server events are published
/// (`cytube.event.<name>`).
pub const EVENT_PREFIX: Topic = Topic::from_static("cytube.event");

/// Topic prefix of actions sent to CyTube (`cytube.send.<action>`).
pub const SEND_PREFIX: Topic = Topic::from_static("cytube.send");
