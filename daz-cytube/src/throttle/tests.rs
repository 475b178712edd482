use std::time::Duration;

use daz_core::chat::Rank;
use proptest::prelude::*;
use tokio::time::Instant;

use super::{FloodParams, Throttle};
use crate::event::{AntifloodParams, ChannelOpts};

const MS: Duration = Duration::from_millis(1);

/// The server's limiter (protocol reference §7.5), for cross-checking.
struct ServerLimiter {
    params: FloodParams,
    count: u32,
    last: Option<Instant>,
}

impl ServerLimiter {
    fn accept(&mut self, now: Instant) -> bool {
        let accepted = match self.last {
            None => {
                self.count = 1;
                true
            }
            Some(last) if now.duration_since(last) > self.params.cooldown => {
                self.count = 1;
                true
            }
            Some(_) if self.count < self.params.burst => {
                self.count += 1;
                true
            }
            Some(last) => now.duration_since(last) >= self.params.interval,
        };
        if accepted {
            self.last = Some(now);
        }
        accepted
    }
}

#[test]
fn a_quiet_bot_gets_its_burst_back() {
    let mut throttle = Throttle::new(FloodParams::CHANNEL_DEFAULT);
    let t0 = Instant::now();
    for _ in 0..4 {
        assert_eq!(throttle.ready_at(t0), t0);
        throttle.sent(t0);
    }
    assert_eq!(throttle.ready_at(t0), t0 + Duration::from_millis(1050));
    let later = t0 + Duration::from_secs(4) + Duration::from_millis(51);
    assert_eq!(throttle.ready_at(later), later);
    throttle.sent(later);
    for _ in 0..3 {
        assert_eq!(throttle.ready_at(later), later);
        throttle.sent(later);
    }
    assert!(throttle.ready_at(later) > later);
}

#[test]
fn a_cooldown_frame_stops_sending_for_its_time() {
    let mut throttle = Throttle::new(FloodParams::ALWAYS);
    let t0 = Instant::now();
    throttle.sent(t0);
    throttle.cooldown(t0, Duration::from_millis(1000));
    assert_eq!(throttle.ready_at(t0), t0 + Duration::from_millis(1050));
    assert_eq!(
        throttle.ready_at(t0 + Duration::from_secs(2)),
        t0 + Duration::from_secs(2)
    );
}

#[test]
fn channel_settings_tighten_the_limit_below_moderator() {
    let mut opts = ChannelOpts::default();
    assert_eq!(
        FloodParams::for_channel(&opts, Rank::GUEST),
        FloodParams::ALWAYS
    );
    opts.chat_antiflood = true;
    opts.chat_antiflood_params = AntifloodParams {
        burst: 4.0,
        sustained: 1.0,
        cooldown: 4.0,
    };
    assert_eq!(
        FloodParams::for_channel(&opts, Rank::GUEST),
        FloodParams::CHANNEL_DEFAULT
    );
    assert_eq!(
        FloodParams::for_channel(&opts, Rank::MODERATOR),
        FloodParams::ALWAYS
    );
    opts.chat_antiflood_params = AntifloodParams {
        burst: 0.0,
        sustained: 0.0,
        cooldown: 0.0,
    };
    assert_eq!(
        FloodParams::for_channel(&opts, Rank::GUEST),
        FloodParams::CHANNEL_DEFAULT
    );
    opts.chat_antiflood_params = AntifloodParams {
        burst: 50.0,
        sustained: 40.0,
        cooldown: 0.0,
    };
    let capped = FloodParams::for_channel(&opts, Rank::GUEST);
    assert_eq!(
        (capped.burst, capped.interval),
        (20, Duration::from_millis(100))
    );
    assert_eq!(capped.cooldown, Duration::from_secs(2));
}

proptest! {
    /// A bot that sends each line when the throttle says it may is never
    /// refused by the server's limiter, whatever it tries to send when.
    #[test]
    fn the_server_never_refuses_a_throttled_bot(
        gaps in proptest::collection::vec(0u64..3000, 1..200),
        channel in any::<bool>(),
    ) {
        let params = if channel { FloodParams::CHANNEL_DEFAULT } else { FloodParams::ALWAYS };
        let mut throttle = Throttle::new(params);
        let mut server = ServerLimiter { params, count: 0, last: None };
        let mut now = Instant::now();
        for gap in gaps {
            now += MS * u32::try_from(gap).unwrap();
            let at = throttle.ready_at(now);
            prop_assert!(at >= now);
            throttle.sent(at);
            prop_assert!(server.accept(at), "refused at {:?}", at.duration_since(now));
            now = at;
        }
    }
}
