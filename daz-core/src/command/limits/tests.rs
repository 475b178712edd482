use std::time::Duration;

use tokio::time::Instant;

use super::{CooldownTable, Flood};
use crate::command::rejection::CooldownScope;
use crate::command::settings::FloodConfig;
use crate::command::spec::Cooldowns;

fn flood(burst: u32, secs: u64) -> Flood {
    Flood::new(FloodConfig {
        burst,
        interval: Duration::from_secs(secs),
    })
}

const MS: Duration = Duration::from_millis(1);

#[test]
fn flood_allows_the_burst_then_one_per_interval() {
    let mut f = flood(3, 10);
    let t0 = Instant::now();
    let allowed = (0..10).filter(|_| f.allow("ann", t0)).count();
    assert_eq!(allowed, 3);
    assert!(!f.allow("ann", t0 + Duration::from_secs(10) - MS));
    assert!(f.allow("ann", t0 + Duration::from_secs(10)));
    assert!(!f.allow("ann", t0 + Duration::from_secs(10)));
    // Others are not affected.
    assert!(f.allow("bob", t0));
}

#[test]
fn refused_commands_do_not_push_the_limit_further() {
    let mut f = flood(2, 5);
    let t0 = Instant::now();
    assert!(f.allow("ann", t0));
    assert!(f.allow("ann", t0));
    for i in 0..100 {
        assert!(!f.allow("ann", t0 + MS * i));
    }
    assert!(f.allow("ann", t0 + Duration::from_secs(5)));
}

#[test]
fn a_quiet_user_earns_the_whole_burst_back() {
    let mut f = flood(4, 1);
    let t0 = Instant::now();
    assert_eq!((0..4).filter(|_| f.allow("ann", t0)).count(), 4);
    let later = t0 + Duration::from_secs(60);
    assert_eq!((0..10).filter(|_| f.allow("ann", later)).count(), 4);
}

#[test]
fn flood_entries_of_quiet_users_are_swept() {
    let mut f = flood(1, 1);
    let t0 = Instant::now();
    for i in 0..5000 {
        f.allow(&format!("user{i}"), t0);
    }
    let later = t0 + Duration::from_secs(2);
    for _ in 0..super::SWEEP_EVERY {
        f.allow("ann", later);
    }
    assert!(f.tracked() <= 1, "{} users still tracked", f.tracked());
}

fn cooldowns(user: u64, room: u64, global: u64) -> Cooldowns {
    let secs = |s: u64| (s > 0).then(|| Duration::from_secs(s));
    Cooldowns {
        user: secs(user),
        room: secs(room),
        global: secs(global),
    }
}

#[test]
fn cooldowns_end_exactly_when_due() {
    let mut table = CooldownTable::default();
    let c = cooldowns(30, 0, 0);
    let t0 = Instant::now();
    assert_eq!(table.remaining(0, c, "lobby", "ann", t0), None);
    table.start(0, c, "lobby", "ann", t0);
    assert_eq!(
        table.remaining(0, c, "lobby", "ann", t0 + Duration::from_secs(30) - MS),
        Some((CooldownScope::User, MS))
    );
    assert_eq!(
        table.remaining(0, c, "lobby", "ann", t0 + Duration::from_secs(30)),
        None
    );
    // Other users, rooms and commands are free.
    assert_eq!(table.remaining(0, c, "lobby", "bob", t0), None);
    assert_eq!(table.remaining(0, c, "other", "ann", t0), None);
    assert_eq!(table.remaining(1, c, "lobby", "ann", t0), None);
}

#[test]
fn the_longest_running_cooldown_is_reported() {
    let mut table = CooldownTable::default();
    let c = cooldowns(10, 60, 20);
    let t0 = Instant::now();
    table.start(0, c, "lobby", "ann", t0);
    assert_eq!(
        table.remaining(0, c, "lobby", "bob", t0),
        Some((CooldownScope::Room, Duration::from_secs(60)))
    );
    assert_eq!(
        table.remaining(0, c, "other", "bob", t0),
        Some((CooldownScope::Global, Duration::from_secs(20)))
    );
    assert_eq!(
        table.remaining(0, c, "other", "bob", t0 + Duration::from_secs(20)),
        None
    );
}

#[test]
fn expired_cooldowns_are_swept() {
    let mut table = CooldownTable::default();
    let c = cooldowns(1, 1, 1);
    let t0 = Instant::now();
    for i in 0..5000 {
        table.start(0, c, "lobby", &format!("user{i}"), t0);
    }
    let later = t0 + Duration::from_secs(2);
    for _ in 0..super::SWEEP_EVERY {
        table.start(1, Cooldowns::default(), "lobby", "ann", later);
    }
    assert_eq!(table.tracked(), 0);
}

#[test]
fn huge_settings_do_not_overflow() {
    let mut f = Flood::new(FloodConfig {
        burst: u32::MAX,
        interval: Duration::from_secs(100 * 365 * 86_400),
    });
    let t0 = Instant::now();
    assert!(f.allow("ann", t0));
    assert!(f.allow("ann", t0));
    let mut table = CooldownTable::default();
    let forever = Cooldowns {
        user: Some(Duration::MAX),
        room: Some(Duration::MAX),
        global: Some(Duration::MAX),
    };
    table.start(0, forever, "lobby", "ann", t0);
    let (_, left) = table.remaining(0, forever, "lobby", "ann", t0).unwrap();
    assert!(left > Duration::from_secs(365 * 86_400));
}
