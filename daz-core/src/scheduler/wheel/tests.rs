use proptest::prelude::*;

use super::{REACH, Wheel};

/// What a wheel must do, the slow way: keep everything, take what is due
/// in time order (ties in the order added).
#[derive(Default)]
struct Reference {
    pending: Vec<(i64, u32)>,
}

impl Reference {
    fn take_due(&mut self, now: i64) -> Vec<(i64, u32)> {
        let (mut due, rest): (Vec<_>, Vec<_>) =
            self.pending.drain(..).partition(|(at, _)| *at <= now);
        self.pending = rest;
        due.sort_by_key(|(at, _)| *at);
        due
    }
}

#[derive(Debug, Clone)]
enum Step {
    /// A timer this far from the current time (may be past).
    Insert(i64),
    /// Move time on by this much and take what is due.
    Advance(i64),
}

fn step() -> impl Strategy<Value = Step> {
    let far = i64::try_from(REACH).unwrap_or(i64::MAX);
    prop_oneof![
        4 => (-100i64..5_000).prop_map(Step::Insert),
        2 => (0i64..400 * 86_400_000).prop_map(Step::Insert),
        1 => (far - 10..far + 1_000_000).prop_map(Step::Insert),
        3 => (0i64..3_000).prop_map(Step::Advance),
        1 => (0i64..40 * 86_400_000).prop_map(Step::Advance),
        1 => (far - 1_000..far + 1_000).prop_map(Step::Advance),
    ]
}

proptest! {
    #[test]
    fn takes_what_the_reference_takes(start in 1_000i64..4_000_000_000_000, steps in prop::collection::vec(step(), 1..200)) {
        let mut wheel = Wheel::new(start);
        let mut reference = Reference::default();
        let mut now = start;
        for (n, step) in steps.into_iter().enumerate() {
            let id = u32::try_from(n).unwrap();
            match step {
                Step::Insert(ahead) => {
                    wheel.insert(now + ahead, id);
                    reference.pending.push((now + ahead, id));
                }
                Step::Advance(by) => {
                    now += by;
                    let mut got = Vec::new();
                    wheel.take_due(now, &mut got);
                    prop_assert_eq!(got, reference.take_due(now));
                }
            }
            // The driver sleeps until the deadline: it must never be after
            // the earliest pending timer, and must exist while any waits.
            let earliest = reference.pending.iter().map(|(at, _)| *at).min();
            match (wheel.next_deadline(), earliest) {
                (None, None) => {}
                (Some(deadline), Some(at)) => prop_assert!(deadline <= at.max(now), "deadline {} after timer {}", deadline, at),
                (deadline, earliest) => prop_assert!(false, "deadline {:?} for earliest {:?}", deadline, earliest),
            }
        }
        // Everything comes out in the end.
        let end = now + i64::try_from(REACH).unwrap() * 2;
        let mut got = Vec::new();
        wheel.take_due(end, &mut got);
        prop_assert_eq!(got, reference.take_due(end));
        prop_assert_eq!(wheel.next_deadline(), None);
    }
}

#[test]
fn a_millisecond_boundary_is_exact() {
    let mut wheel = Wheel::new(1_000);
    wheel.insert(1_064, 'a');
    wheel.insert(1_063, 'b');
    wheel.insert(5_000, 'c');
    let mut got = Vec::new();
    wheel.take_due(1_062, &mut got);
    assert!(got.is_empty());
    assert_eq!(wheel.next_deadline(), Some(1_063));
    wheel.take_due(1_063, &mut got);
    assert_eq!(got, vec![(1_063, 'b')]);
    wheel.take_due(4_999, &mut got);
    assert_eq!(got, vec![(1_063, 'b'), (1_064, 'a')]);
    got.clear();
    wheel.take_due(5_000, &mut got);
    assert_eq!(got, vec![(5_000, 'c')]);
    assert_eq!(wheel.next_deadline(), None);
}

#[test]
fn past_and_pre_epoch_times_are_due_at_once() {
    let mut wheel = Wheel::new(10_000);
    wheel.insert(-5, 1);
    wheel.insert(9_999, 2);
    assert_eq!(wheel.next_deadline(), Some(10_000));
    let mut got = Vec::new();
    wheel.take_due(10_000, &mut got);
    assert_eq!(got, vec![(0, 1), (9_999, 2)]);
}

#[test]
fn retain_drops_timers_and_keeps_the_rest_due() {
    let mut wheel = Wheel::new(0);
    for i in 0..3_000u32 {
        wheel.insert(i64::from(i % 300) * 1_000 + 5, i);
    }
    wheel.insert(i64::try_from(REACH).unwrap() * 3, 7_777);
    assert_eq!(wheel.len(), 3_001);
    wheel.retain(|_, i| i % 3 == 0);
    assert_eq!(wheel.len(), 1_000);
    let mut got = Vec::new();
    wheel.take_due(i64::try_from(REACH).unwrap() * 4, &mut got);
    assert_eq!(got.len(), 1_000);
    assert!(got.iter().all(|(_, i)| i % 3 == 0));
    assert!(got.windows(2).all(|w| w[0].0 <= w[1].0));
    assert_eq!((wheel.len(), wheel.next_deadline()), (0, None));
}
