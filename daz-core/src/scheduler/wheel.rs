//! The scheduler's timer wheel: due times in milliseconds, bucketed by how
//! far ahead of the wheel's time they are (64 slots a level, each level 64
//! times coarser than the one below), so adding a timer and taking the due
//! ones cost the same however many timers wait.
//!
//! A level-0 slot is one millisecond. A timer further ahead sits in a
//! coarser slot and moves down when that slot comes round ("cascades"), at
//! most once a level. Timers beyond the top level's range (spans of about
//! 139 years) wait in a list of their own.

/// Bits of a slot index.
const BITS: u32 = 6;
/// Slots a level.
const SLOTS: usize = 1 << BITS;
/// Levels: 64^7 ms is about 139 years.
const LEVELS: usize = LEVEL_COUNT as usize;
const LEVEL_COUNT: u32 = 7;
/// Milliseconds the top level spans: a timer is placed on the wheel once
/// the wheel's time is in the same span.
const REACH: u64 = 1 << (BITS * LEVEL_COUNT);

/// Timers of type `T`, each due at a time in milliseconds.
pub(super) struct Wheel<T> {
    /// The wheel's time: every slot before it has been taken.
    elapsed: u64,
    /// `slots[level * SLOTS + slot]`.
    slots: Box<[Vec<(u64, T)>]>,
    /// A bit per non-empty slot, a word per level.
    occupied: [u64; LEVELS],
    /// Timers already due when added.
    ready: Vec<(u64, T)>,
    /// Timers beyond the wheel's reach.
    far: Vec<(u64, T)>,
    /// Timers held, in all of the above.
    len: usize,
}

/// Times before 1970 count as the epoch: they are past either way.
fn unsigned(ms: i64) -> u64 {
    u64::try_from(ms).unwrap_or(0)
}

fn signed(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

/// Milliseconds one slot of `level` spans.
fn span(level: usize) -> u64 {
    1 << (BITS * u32::try_from(level).unwrap_or(0))
}

impl<T: Copy> Wheel<T> {
    /// An empty wheel whose time is `now_ms`.
    pub(super) fn new(now_ms: i64) -> Self {
        Self {
            elapsed: unsigned(now_ms),
            slots: std::iter::repeat_with(Vec::new)
                .take(SLOTS * LEVELS)
                .collect(),
            occupied: [0; LEVELS],
            ready: Vec::new(),
            far: Vec::new(),
            len: 0,
        }
    }

    /// Timers held (stale ones included, until taken or dropped by
    /// [`retain`](Self::retain)).
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Keeps only the timers for which `keep(due_ms, item)` holds.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(i64, &T) -> bool) {
        let mut check = |bucket: &mut Vec<(u64, T)>| {
            bucket.retain(|(at, item)| keep(signed(*at), item));
            bucket.len()
        };
        self.len = check(&mut self.ready) + check(&mut self.far);
        for level in 0..LEVELS {
            for slot in 0..SLOTS {
                if let Some(bucket) = self.slots.get_mut(level * SLOTS + slot) {
                    let left = check(bucket);
                    self.len += left;
                    if left == 0 {
                        bucket.shrink_to_fit();
                        self.occupied[level] &= !(1 << slot);
                    }
                }
            }
        }
    }

    /// Adds a timer due at `at_ms`.
    pub(super) fn insert(&mut self, at_ms: i64, item: T) {
        self.len += 1;
        self.place(unsigned(at_ms), item);
    }

    fn place(&mut self, at: u64, item: T) {
        if at <= self.elapsed {
            self.ready.push((at, item));
            return;
        }
        // The level is set by the highest bit in which `at` differs from
        // the wheel's time; above the top level, the timer waits aside
        // until the wheel's time enters its top-level range.
        let differs = (at ^ self.elapsed) | (SLOTS as u64 - 1);
        let level = ((63 - differs.leading_zeros()) / BITS) as usize;
        if level >= LEVELS {
            self.far.push((at, item));
            return;
        }
        let shift = BITS * u32::try_from(level).unwrap_or(0);
        let slot = usize::try_from((at >> shift) & (SLOTS as u64 - 1)).unwrap_or(0);
        self.occupied[level] |= 1 << slot;
        if let Some(bucket) = self.slots.get_mut(level * SLOTS + slot) {
            bucket.push((at, item));
        }
    }

    /// When the wheel next has something to do: the earliest slot's start
    /// (a due time, or a cascade), in milliseconds.
    pub(super) fn next_deadline(&self) -> Option<i64> {
        if !self.ready.is_empty() {
            return Some(signed(self.elapsed));
        }
        let wheel = self.next_slot().map(|(_, _, deadline)| deadline);
        let far = self.far.iter().map(|(at, _)| *at & !(REACH - 1)).min();
        match (wheel, far) {
            (Some(a), Some(b)) => Some(signed(a.min(b))),
            (a, b) => a.or(b).map(signed),
        }
    }

    /// The earliest non-empty slot: (level, slot, start). Lower levels
    /// come first: a timer sits at the level of the highest bit in which
    /// its time differs from the wheel's, so everything at one level is due
    /// before the next slot of any level above comes round. For the same
    /// reason every occupied slot lies ahead of the wheel's time within its
    /// level's current range.
    fn next_slot(&self) -> Option<(usize, usize, u64)> {
        (0..LEVELS).find_map(|level| {
            let bits = self.occupied[level];
            if bits == 0 {
                return None;
            }
            let slot = bits.trailing_zeros() as usize;
            let span = span(level);
            let range_start = self.elapsed & !(span * SLOTS as u64 - 1);
            let start = range_start + slot as u64 * span;
            Some((level, slot, start.max(self.elapsed)))
        })
    }

    /// Moves the wheel's time to `now_ms` and appends every timer due by
    /// then to `out`, earliest first (ties in the order added).
    pub(super) fn take_due(&mut self, now_ms: i64, out: &mut Vec<(i64, T)>) {
        let now = unsigned(now_ms);
        let first = out.len();
        let before = self.len;
        out.extend(self.ready.drain(..).map(|(at, item)| (signed(at), item)));
        while let Some((level, slot, start)) = self.next_slot() {
            if start > now {
                break;
            }
            self.elapsed = start;
            self.occupied[level] &= !(1 << slot);
            let bucket = self
                .slots
                .get_mut(level * SLOTS + slot)
                .map(std::mem::take)
                .unwrap_or_default();
            for (at, item) in bucket {
                if at <= now {
                    out.push((signed(at), item));
                } else {
                    self.place(at, item);
                }
            }
        }
        self.elapsed = self.elapsed.max(now);
        if !self.far.is_empty() {
            let far = std::mem::take(&mut self.far);
            for (at, item) in far {
                if at <= now {
                    out.push((signed(at), item));
                } else {
                    self.place(at, item);
                }
            }
        }
        self.len = before.saturating_sub(out.len() - first);
        if let Some(taken) = out.get_mut(first..) {
            // Stable: timers due the same millisecond keep their order.
            taken.sort_by_key(|(at, _)| *at);
        }
    }
}

#[cfg(test)]
mod tests;
