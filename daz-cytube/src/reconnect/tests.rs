use std::time::Duration;

use super::{
    CycleState, KickReaction, MemoryReconnectStore, ReconnectPolicy, ReconnectStore, react_to_kick,
};

#[test]
fn delays_double_up_to_the_cap_then_the_cycle_rests() {
    let policy = ReconnectPolicy {
        jitter: 0.0,
        ..ReconnectPolicy::default()
    };
    let mut state = CycleState::default();
    let mut delays = Vec::new();
    for _ in 0..11 {
        let (delay, next) = policy.next_delay(state, 0.5);
        delays.push(delay.as_secs());
        state = next;
    }
    assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 120, 120, 120, 1800]);
    assert_eq!(
        state,
        CycleState {
            attempts: 0,
            cycles: 1
        }
    );
    // The next cycle starts again at the first delay.
    assert_eq!(policy.next_delay(state, 0.0).0, Duration::from_secs(1));
}

#[test]
fn jitter_adds_at_most_its_share() {
    let policy = ReconnectPolicy::default();
    let state = CycleState {
        attempts: 3,
        cycles: 0,
    };
    assert_eq!(policy.next_delay(state, 0.0).0, Duration::from_secs(8));
    assert_eq!(
        policy.next_delay(state, 1.0).0,
        Duration::from_secs_f64(9.6)
    );
    assert_eq!(
        policy.next_delay(state, 7.0).0,
        Duration::from_secs_f64(9.6)
    );
}

#[test]
fn every_kick_reason_in_the_reference_has_a_reaction() {
    let stop = [
        "You are banned from this channel.",
        "You're banned!",
        "Invalid channel name",
        "This channel has banned connections from Tor.",
        "Channel deleted",
        "Channel was banned: spam",
        "Channel could not be loaded: Channel is banned: x",
        "Attempted assignLeader without sufficient permission",
    ];
    for reason in stop {
        assert!(
            matches!(react_to_kick(Some(reason)), KickReaction::Stop { .. }),
            "{reason}"
        );
    }
    for reason in [
        "Duplicate login",
        "Too many connections from your IP address",
        "",
        "spamming",
    ] {
        assert!(
            matches!(react_to_kick(Some(reason)), KickReaction::WaitLong { .. }),
            "{reason}"
        );
    }
    for reason in ["anonymous user", "Channel reloading"] {
        assert_eq!(
            react_to_kick(Some(reason)),
            KickReaction::RetrySoon,
            "{reason}"
        );
    }
    for reason in [
        "Channel shutting down",
        "Rate limit exceeded",
        "Channel could not be loaded: db down",
    ] {
        assert_eq!(react_to_kick(Some(reason)), KickReaction::Retry, "{reason}");
    }
    assert_eq!(react_to_kick(None), KickReaction::Retry);
}

#[tokio::test]
async fn the_memory_store_keeps_each_room() {
    let store = MemoryReconnectStore::default();
    let saved = CycleState {
        attempts: 3,
        cycles: 1,
    };
    assert_eq!(store.load("lobby").await.unwrap(), None);
    store.save("lobby", saved).await.unwrap();
    assert_eq!(store.load("lobby").await.unwrap(), Some(saved));
    assert_eq!(store.load("other").await.unwrap(), None);
}
