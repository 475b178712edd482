//! Whether a bot's CyTube bridge has joined the test server's channel.

use std::time::Duration;

use daz_core::{BotHandle, Event};
use daz_cytube::bridge::{RoomSnapshot, StateQuery};

/// Whether the bridge has joined `testchan` (chat before that is the join
/// backlog, which modules rightly ignore); asks for at most `wait`.
pub(crate) async fn joined(handle: &BotHandle, wait: Duration) -> bool {
    let query = Event::new(StateQuery::new("testchan"));
    match handle.bus().request("cytube", query, wait).await {
        Ok(reply) => reply.payload::<RoomSnapshot>().is_ok_and(|s| s.connected),
        Err(_) => false,
    }
}
