use chrono::{TimeZone, Utc};

use super::*;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

/// The first `n` due times from `start`.
fn runs(schedule: &Schedule, start: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
    let mut out = Vec::new();
    let mut due = schedule.first(start);
    while let Some(t) = due {
        out.push(t);
        if out.len() == n {
            break;
        }
        due = schedule.next(t);
    }
    out
}

#[test]
fn cron_crosses_midnight_in_its_time_zone() {
    // Minutes 0 and 59 of hours 23 and 0, at second 30, New York time.
    let s = Schedule::cron("30 0,59 0,23 * * *", "America/New_York").unwrap();
    let start = utc(2026, 1, 10, 4, 0, 0); // 23:00:00 EST
    assert_eq!(
        runs(&s, start, 5),
        [
            utc(2026, 1, 10, 4, 0, 30),  // 23:00:30 EST
            utc(2026, 1, 10, 4, 59, 30), // 23:59:30
            utc(2026, 1, 10, 5, 0, 30),  // 00:00:30, the next local day
            utc(2026, 1, 10, 5, 59, 30), // 00:59:30
            utc(2026, 1, 11, 4, 0, 30),  // 23:00:30 the next evening
        ]
    );
}

#[test]
fn spring_forward_skips_the_missing_time_by_default() {
    // Berlin springs forward on 2026-03-29 at 02:00 → 03:00.
    let s = Schedule::cron("0 30 2 * * *", "Europe/Berlin").unwrap();
    let start = utc(2026, 3, 27, 12, 0, 0);
    assert_eq!(
        runs(&s, start, 3),
        [
            utc(2026, 3, 28, 1, 30, 0), // 02:30 CET
            utc(2026, 3, 30, 0, 30, 0), // 02:30 CEST; the 29th is skipped
            utc(2026, 3, 31, 0, 30, 0),
        ]
    );
}

#[test]
fn spring_forward_runs_once_when_asked() {
    let s = Schedule::cron("0 30 2 * * *", "Europe/Berlin")
        .unwrap()
        .on_dst_gap(DstGap::RunOnce);
    let start = utc(2026, 3, 28, 12, 0, 0);
    assert_eq!(
        runs(&s, start, 2),
        [
            utc(2026, 3, 29, 1, 0, 0), // 03:00 CEST, when the gap ends
            utc(2026, 3, 30, 0, 30, 0),
        ]
    );
}

#[test]
fn fall_back_runs_a_repeated_time_once() {
    // Berlin falls back on 2026-10-25 at 03:00 → 02:00: 02:30 happens twice.
    let s = Schedule::cron("0 30 2 * * *", "Europe/Berlin").unwrap();
    let start = utc(2026, 10, 24, 12, 0, 0);
    assert_eq!(
        runs(&s, start, 3),
        [
            utc(2026, 10, 25, 0, 30, 0), // 02:30 CEST, the first pass
            utc(2026, 10, 26, 1, 30, 0), // 02:30 CET next day; not 01:30 UTC on the 25th
            utc(2026, 10, 27, 1, 30, 0),
        ]
    );
    // Scheduled during the repeated hour, after the first 02:30 passed.
    let during = utc(2026, 10, 25, 1, 10, 0); // 02:10 CET, second pass
    assert_eq!(s.first(during), Some(utc(2026, 10, 26, 1, 30, 0)));
}

#[test]
fn every_second_in_the_fall_back_hour_is_not_doubled() {
    let s = Schedule::cron("0 */20 * * * *", "Europe/Berlin").unwrap();
    let start = utc(2026, 10, 24, 23, 50, 0); // 01:50 CEST
    let got = runs(&s, start, 8);
    // 02:00, 02:20, 02:40 CEST; then the repeated hour's times are skipped
    // (already run); then 03:00 CET onwards.
    assert_eq!(
        got[..3],
        [
            utc(2026, 10, 25, 0, 0, 0),
            utc(2026, 10, 25, 0, 20, 0),
            utc(2026, 10, 25, 0, 40, 0)
        ]
    );
    assert_eq!(got[3], utc(2026, 10, 25, 2, 0, 0));
    let mut sorted = got.clone();
    sorted.dedup();
    assert_eq!(sorted, got, "strictly increasing, no repeats");
}

#[test]
fn intervals_do_not_drift_and_one_shots_end() {
    let s = Schedule::every(Duration::from_secs(90)).unwrap();
    let start = utc(2026, 1, 1, 0, 0, 0);
    assert_eq!(
        runs(&s, start, 3),
        [
            utc(2026, 1, 1, 0, 1, 30),
            utc(2026, 1, 1, 0, 3, 0),
            utc(2026, 1, 1, 0, 4, 30)
        ]
    );
    let once = Schedule::after(Duration::from_secs(10)).unwrap();
    assert!(once.is_one_shot());
    assert_eq!(runs(&once, start, 5), [utc(2026, 1, 1, 0, 0, 10)]);
    let at = Schedule::at(utc(2025, 1, 1, 0, 0, 0));
    assert_eq!(
        runs(&at, start, 5),
        [utc(2025, 1, 1, 0, 0, 0)],
        "a past time is due at once"
    );
}

#[test]
fn bad_input_is_named() {
    let err = Schedule::cron("every day", "UTC").unwrap_err();
    assert!(
        matches!(err, Error::InvalidSchedule { ref input, .. } if input == "every day"),
        "{err}"
    );
    let err = Schedule::cron("0 0 * * * *", "Europe/Atlantis").unwrap_err();
    assert!(err.to_string().contains("unknown time zone"), "{err}");
    assert!(Schedule::every(Duration::ZERO).is_err());
    let err = Schedule::after(Duration::from_secs(401 * 86_400)).unwrap_err();
    assert!(err.to_string().contains("400 days"), "{err}");
    assert!(Schedule::every(MAX_DELAY).is_ok());
}

#[test]
fn millisecond_forms_agree_with_the_calendar_forms() {
    let start = utc(2026, 3, 29, 0, 59, 59) + chrono::Duration::milliseconds(250);
    let schedules = [
        Schedule::cron("0 */7 * * * *", "Europe/Berlin").unwrap(),
        Schedule::cron("0 30 2 * * *", "Europe/Berlin")
            .unwrap()
            .on_dst_gap(DstGap::RunOnce),
        Schedule::every(Duration::from_millis(1_500)).unwrap(),
        Schedule::after(Duration::from_secs(90)).unwrap(),
        Schedule::at(utc(2026, 4, 1, 0, 0, 0)),
    ];
    for s in &schedules {
        let calendar = runs(s, start, 20);
        let mut ms = Vec::new();
        let mut due = s.first_ms(start.timestamp_millis());
        while let Some(t) = due {
            ms.push(DateTime::from_timestamp_millis(t).unwrap());
            if ms.len() == 20 {
                break;
            }
            due = s.next_ms(t);
        }
        assert_eq!(ms, calendar, "{s:?}");
        assert!(!calendar.is_empty());
    }
    // Beyond what a tick can carry, an interval ends rather than overflows.
    let every = Schedule::every(Duration::from_secs(60)).unwrap();
    assert_eq!(every.next_ms(MAX_MS - 1), None);
    assert_eq!(every.next_ms(i64::MAX - 1), None);
}
