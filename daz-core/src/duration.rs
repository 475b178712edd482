//! Human-readable durations: `"250ms"`, `"30s"`, `"10m"`, `"1h30m"`, `"2d"`.

use std::time::Duration;

use crate::{Error, Result};

/// Parses a duration written as one or more `<number><unit>` parts, units
/// `ms`, `s`, `m`, `h` and `d` (`"1h30m"`, `"250ms"`).
///
/// ```
/// use std::time::Duration;
/// assert_eq!(daz_core::parse_duration("1h30m")?, Duration::from_secs(5400));
/// assert!(daz_core::parse_duration("10 minutes").is_err());
/// # Ok::<(), daz_core::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidDuration`] naming the input and what is wrong: empty, a
/// number without unit, an unknown unit, or a total beyond 100 years.
pub fn parse_duration(input: &str) -> Result<Duration> {
    let fail = |reason: &str| Error::InvalidDuration {
        input: input.chars().take(64).collect(),
        reason: reason.to_owned(),
    };
    let text = input.trim();
    if text.is_empty() {
        return Err(fail(
            "it is empty; write for example \"30s\", \"10m\" or \"1h30m\"",
        ));
    }
    const LIMIT_MS: u128 = 100 * 365 * 86_400_000;
    let mut total_ms: u128 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(fail("expected a number before each unit"));
        }
        let (number, after) = rest.split_at(digits);
        let unit_len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (unit, next) = after.split_at(unit_len);
        let per_unit_ms: u128 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "" => return Err(fail("a number needs a unit: ms, s, m, h or d")),
            _ => return Err(fail("unknown unit; use ms, s, m, h or d")),
        };
        let value: u128 = number
            .parse()
            .map_err(|_| fail("the number is too large"))?;
        total_ms = value
            .checked_mul(per_unit_ms)
            .and_then(|ms| total_ms.checked_add(ms))
            .filter(|ms| *ms <= LIMIT_MS)
            .ok_or_else(|| fail("it is longer than 100 years"))?;
        rest = next;
    }
    let ms = u64::try_from(total_ms).map_err(|_| fail("it is longer than 100 years"))?;
    Ok(Duration::from_millis(ms))
}

/// Formats a duration the way [`parse_duration`] reads it (`"1h30m"`).
#[must_use]
pub fn format_duration(duration: Duration) -> String {
    let mut ms = duration.as_millis();
    if ms == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    for (unit, size) in [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ] {
        if ms >= size {
            out.push_str(&format!("{}{unit}", ms / size));
            ms %= size;
        }
    }
    out
}

/// `#[serde(with = "daz_core::duration_serde")]` for `Duration` fields
/// written as strings such as `"30s"`.
pub mod duration_serde {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `"1h30m"`-style text.
    ///
    /// # Errors
    ///
    /// Whatever the serializer reports.
    pub fn serialize<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::format_duration(*value))
    }

    /// Reads `"1h30m"`-style text.
    ///
    /// # Errors
    ///
    /// A message naming the bad duration.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::parse_duration(&text).map_err(serde::de::Error::custom)
    }
}
