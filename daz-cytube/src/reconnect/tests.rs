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
    assert_eq!(state, CycleState::new(0, 1));
    // The next cycle starts again at the first delay.
    assert_eq!(policy.next_delay(state, 0.0).0, Duration::from_secs(1));
}

#[test]
fn jitter_adds_at_most_its_share() {
    let policy = ReconnectPolicy::default();
    let state = CycleState::new(3, 0);
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
    let saved = CycleState::new(3, 1);
    assert_eq!(store.load("lobby").await.unwrap(), None);
    store.save("lobby", saved).await.unwrap();
    assert_eq!(store.load("lobby").await.unwrap(), Some(saved));
    assert_eq!(store.load("other").await.unwrap(), None);
}

#[test]
fn a_wait_saved_before_a_restart_is_waited_out_and_no_longer() {
    let policy = ReconnectPolicy {
        jitter: 0.5,
        ..ReconnectPolicy::default()
    };
    let at = |ms| CycleState::new(0, 2).with_next_attempt(Some(ms));
    let now = 1_700_000_000_000;
    assert_eq!(policy.left_to_wait(&CycleState::new(3, 0), now), None);
    assert_eq!(
        policy.left_to_wait(&at(now + 25 * 60_000), now),
        Some(Duration::from_secs(25 * 60))
    );
    assert_eq!(policy.left_to_wait(&at(now), now), None, "due now");
    assert_eq!(policy.left_to_wait(&at(now - 1), now), None, "overdue");
    // Half an hour of cooldown with up to 50 % jitter is the most; a year
    // away (a clock that jumped) waits that long only.
    assert_eq!(policy.longest_wait(), Duration::from_secs(45 * 60));
    let year = now + 365 * 86_400_000;
    assert_eq!(
        policy.left_to_wait(&at(year), now),
        Some(policy.longest_wait())
    );
    assert_eq!(
        policy.left_to_wait(&at(i64::MAX), i64::MIN),
        Some(policy.longest_wait())
    );
}
