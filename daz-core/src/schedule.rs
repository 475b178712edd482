//! [`Schedule`]: when a scheduled task is due — cron expressions (with
//! seconds, in a time zone, DST-correct), fixed intervals, and one-shots.
//!
//! This is the pure part of the scheduler: given the last run, when is the
//! next one. It never reads the clock.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use chrono::offset::LocalResult;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::{Error, Result};

/// The longest delay or interval accepted (400 days): anything longer is
/// almost certainly a unit mistake.
pub const MAX_DELAY: Duration = Duration::from_secs(400 * 86_400);

/// What a cron schedule does with a time that does not exist locally (the
/// hour skipped when clocks spring forward).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DstGap {
    /// Skip that day's run.
    #[default]
    Skip,
    /// Run once, at the first instant after the gap.
    RunOnce,
}

/// When a task is due.
///
/// ```
/// use daz_core::schedule::{DstGap, Schedule};
/// use std::time::Duration;
///
/// let nightly = Schedule::cron("0 30 2 * * *", "Europe/Berlin")?.on_dst_gap(DstGap::RunOnce);
/// let every = Schedule::every(Duration::from_secs(300))?;
/// let later = Schedule::after(Duration::from_secs(600))?;
/// assert!(Schedule::cron("0 61 * * * *", "UTC").is_err());
/// assert!(Schedule::cron("0 0 * * * *", "Mars/Olympus").is_err());
/// # Ok::<(), daz_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Schedule(Kind);

#[derive(Clone)]
enum Kind {
    /// Boxed, so the common schedules stay small.
    Cron(Box<CronSpec>),
    /// Milliseconds (8 bytes rather than a `Duration`'s 16: tasks keep one).
    Every(u64),
    /// Milliseconds.
    After(u64),
    At(DateTime<Utc>),
}

#[derive(Clone)]
struct CronSpec {
    source: String,
    expr: cron::Schedule,
    tz: Tz,
    gap: DstGap,
}

fn invalid(input: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::InvalidSchedule {
        input: input.into(),
        reason: reason.into(),
    }
}

fn check_delay(what: &str, duration: Duration) -> Result<()> {
    if duration.is_zero() {
        return Err(invalid(
            format!("{duration:?}"),
            format!("{what} must be longer than 0s"),
        ));
    }
    if duration > MAX_DELAY {
        return Err(invalid(
            format!("{duration:?}"),
            format!("{what} is longer than the limit of 400 days"),
        ));
    }
    Ok(())
}

impl Schedule {
    /// A cron expression with seconds (`sec min hour day month weekday
    /// [year]`), evaluated in the IANA time zone `tz` (`"UTC"`,
    /// `"Europe/Berlin"`). A local time repeated when clocks fall back runs
    /// once; one skipped when they spring forward follows [`DstGap`]
    /// (default: skip).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSchedule`] naming the expression or the time zone.
    pub fn cron(expression: &str, tz: &str) -> Result<Self> {
        let expr = cron::Schedule::from_str(expression).map_err(|e| {
            invalid(
                expression,
                format!("not a cron expression with seconds: {e}"),
            )
        })?;
        let tz = Tz::from_str(tz).map_err(|_| {
            invalid(
                tz,
                "unknown time zone; use an IANA name such as \"UTC\" or \"Europe/Berlin\"",
            )
        })?;
        Ok(Self(Kind::Cron(Box::new(CronSpec {
            source: expression.to_owned(),
            expr,
            tz,
            gap: DstGap::Skip,
        }))))
    }

    /// Sets what a cron schedule does in a spring-forward gap (default
    /// [`DstGap::Skip`]); no effect on other schedules.
    #[must_use]
    pub fn on_dst_gap(mut self, policy: DstGap) -> Self {
        if let Kind::Cron(spec) = &mut self.0 {
            spec.gap = policy;
        }
        self
    }

    /// Every `interval` (to the millisecond), counted from the previous due
    /// time (so runs do not drift when the owner is late).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSchedule`] for zero or more than 400 days.
    pub fn every(interval: Duration) -> Result<Self> {
        check_delay("an interval", interval)?;
        Ok(Self(Kind::Every(millis(interval))))
    }

    /// Once, `delay` (to the millisecond) after it is scheduled.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSchedule`] for zero or more than 400 days.
    pub fn after(delay: Duration) -> Result<Self> {
        check_delay("a delay", delay)?;
        Ok(Self(Kind::After(millis(delay))))
    }

    /// Once, at `time` (a time already past is due at once).
    #[must_use]
    pub fn at(time: DateTime<Utc>) -> Self {
        Self(Kind::At(time))
    }

    /// Whether the schedule fires once only.
    #[must_use]
    pub fn is_one_shot(&self) -> bool {
        matches!(self.0, Kind::After(_) | Kind::At(_))
    }

    /// The first due time for a task scheduled at `now`.
    #[must_use]
    pub fn first(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match &self.0 {
            Kind::Every(ms) | Kind::After(ms) => add(now, *ms),
            Kind::At(t) => Some(*t),
            Kind::Cron(_) => self.next_cron(now),
        }
    }

    /// The due time after the one at `due` (which has just fired), or
    /// `None` when the schedule is done.
    #[must_use]
    pub fn next(&self, due: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match &self.0 {
            Kind::Every(ms) => add(due, *ms),
            Kind::After(_) | Kind::At(_) => None,
            Kind::Cron(_) => self.next_cron(due),
        }
    }

    /// [`first`](Self::first) in milliseconds since the epoch: the
    /// scheduler's hot path, free of calendar arithmetic except for cron.
    pub(crate) fn first_ms(&self, now_ms: i64) -> Option<i64> {
        match &self.0 {
            Kind::Every(ms) | Kind::After(ms) => add_ms(now_ms, *ms),
            Kind::At(t) => Some(t.timestamp_millis()),
            Kind::Cron(_) => self
                .next_cron(DateTime::from_timestamp_millis(now_ms)?)
                .map(|t| t.timestamp_millis()),
        }
    }

    /// [`next`](Self::next) in milliseconds since the epoch.
    pub(crate) fn next_ms(&self, due_ms: i64) -> Option<i64> {
        match &self.0 {
            Kind::Every(ms) => add_ms(due_ms, *ms),
            Kind::After(_) | Kind::At(_) => None,
            Kind::Cron(_) => self
                .next_cron(DateTime::from_timestamp_millis(due_ms)?)
                .map(|t| t.timestamp_millis()),
        }
    }

    /// The first cron time strictly after `after`, each local wall-clock
    /// time at most once.
    fn next_cron(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let Kind::Cron(spec) = &self.0 else {
            return None;
        };
        let CronSpec { expr, tz, gap, .. } = &**spec;
        let local_after = after.with_timezone(tz).naive_local();
        // Walk the expression in local wall-clock time (tagging it UTC only
        // to use the crate's iterator), then map each wall time to an
        // instant: this visits every local time once, whatever DST does.
        let walls = expr
            .after(&Utc.from_utc_datetime(&local_after))
            .map(|t| t.naive_utc())
            .take(10_000);
        for wall in walls {
            match tz.from_local_datetime(&wall) {
                LocalResult::Single(t) => return Some(t.with_timezone(&Utc)),
                // Clocks fell back: the wall time happens twice; run at the
                // first. `after` lies past it only if we ran it already.
                LocalResult::Ambiguous(first, _) => {
                    let first = first.with_timezone(&Utc);
                    if first > after {
                        return Some(first);
                    }
                }
                LocalResult::None => {
                    if *gap == DstGap::RunOnce
                        && let Some(t) = after_gap(tz, wall)
                        && t > after
                    {
                        return Some(t);
                    }
                }
            }
        }
        None
    }
}

/// The first instant after the local gap that `wall` falls in.
fn after_gap(tz: &Tz, wall: NaiveDateTime) -> Option<DateTime<Utc>> {
    (1..=180)
        .map(|minutes| wall + chrono::Duration::minutes(minutes))
        .find_map(|later| tz.from_local_datetime(&later).earliest())
        .map(|t| {
            // Back to the whole minute where the gap ends.
            let t = t.with_timezone(&Utc);
            t - chrono::Duration::seconds(i64::from(chrono::Timelike::second(&t)))
        })
}

/// Whole milliseconds of `d` (at least 1: a zero interval is refused
/// before this).
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

fn add(t: DateTime<Utc>, ms: u64) -> Option<DateTime<Utc>> {
    i64::try_from(ms)
        .ok()
        .and_then(|ms| t.checked_add_signed(chrono::Duration::milliseconds(ms)))
}

/// The latest time, in milliseconds, that chrono can represent: a tick
/// carries its due time as a `DateTime`.
const MAX_MS: i64 = DateTime::<Utc>::MAX_UTC.timestamp_millis();

fn add_ms(t: i64, ms: u64) -> Option<i64> {
    t.checked_add(i64::try_from(ms).ok()?)
        .filter(|sum| *sum <= MAX_MS)
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Cron(spec) => write!(
                f,
                "cron({:?} in {}, gap: {:?})",
                spec.source, spec.tz, spec.gap
            ),
            Kind::Every(ms) => write!(f, "every({:?})", Duration::from_millis(*ms)),
            Kind::After(ms) => write!(f, "after({:?})", Duration::from_millis(*ms)),
            Kind::At(t) => write!(f, "at({t})"),
        }
    }
}

#[cfg(test)]
mod tests;
