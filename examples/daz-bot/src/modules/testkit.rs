//! Helpers for the tests of modules that use the database. They run in
//! real time: SQLite works on a thread of its own, which paused time does
//! not wait for, so these poll (briefly) instead.

use std::time::Duration;

use daz_core::testing::{Harness, HarnessBuilder};
use daz_core::{Config, Format, ModuleState};

/// A harness built from `builder`, once `module` is running.
pub(crate) async fn ready(builder: HarnessBuilder, module: &str) -> Harness {
    let room = builder.build().await.expect("the harness starts"); // ok: a test helper fails the test
    for _ in 0..1000 {
        let state = room.state(module).await.expect("the bot answers"); // ok: fails the test
        if state == Some(ModuleState::Running) {
            return room;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("{module} did not start");
}

/// What the bot said in the room, once it has said at least `n` lines.
pub(crate) async fn said_after(room: &Harness, n: usize) -> Vec<String> {
    for _ in 0..1000 {
        if room.said().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    room.said()
}

/// Waits until `check` holds (up to five seconds), and says whether it did.
pub(crate) async fn eventually<F, Fut>(mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..1000 {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    false
}

/// A configuration from TOML.
pub(crate) fn config(toml: &str) -> Config {
    Config::parse(toml, Format::Toml).expect("test config parses") // ok: fails the test
}
