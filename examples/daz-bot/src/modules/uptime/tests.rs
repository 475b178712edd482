use std::time::Duration;

use super::*;
use daz_core::testing::Harness;

#[tokio::test(start_paused = true)]
async fn uptime_counts_from_the_start() {
    let mut room = Harness::builder()
        .module(Uptime::default())
        .build()
        .await
        .unwrap();
    room.advance(Duration::from_secs(2 * 3600 + 5 * 60 + 7))
        .await;
    room.say("ann", "!uptime").await;
    assert_eq!(room.said(), ["Up for 2h5m7s."]);
    room.shutdown().await;
}
