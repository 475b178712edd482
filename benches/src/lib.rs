//! Shared helpers for the daz benchmarks: command-line options, timing,
//! percentiles and the printed comparison. The benchmarks are in `benches/`;
//! each runs the daz path and its raw baseline in the same process and
//! prints the ratio, since ratios are stable where absolute figures are not.

use std::time::Duration;

/// Options every benchmark accepts after `--`: `--events N` (default given
/// by the benchmark), `--quick` (a tenth of the events and three rounds,
/// for smoke runs), `--rounds N` (repetitions of a measurement, for those
/// that repeat and report the median) and `--only NAME` (one measurement).
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Events (or round trips) per measurement.
    pub events: u64,
    /// Repetitions of a measurement (default 5; 3 with `--quick`).
    pub rounds: usize,
    /// `--only NAME`: run just the measurement called `NAME`.
    pub only: Option<&'static str>,
}

impl Options {
    /// Reads the options from the process arguments. Unknown arguments
    /// (such as the `--bench` cargo passes) are ignored.
    ///
    /// # Errors
    ///
    /// A message naming the bad value of `--events`.
    pub fn from_args(default_events: u64, names: &[&'static str]) -> Result<Self, String> {
        let mut events = default_events;
        let mut rounds = 5;
        let mut only = None;
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => {
                    events = (default_events / 10).max(1);
                    rounds = 3;
                }
                "--rounds" => rounds = count("--rounds", args.next())?,
                "--events" => events = count("--events", args.next())?,
                "--only" => {
                    let value = args.next().ok_or("--only needs a name")?;
                    let name = names.iter().find(|n| **n == value).ok_or_else(|| {
                        format!("--only {value:?}: choose one of {}", names.join(", "))
                    })?;
                    only = Some(*name);
                }
                _ => {}
            }
        }
        Ok(Self {
            events,
            rounds,
            only,
        })
    }

    /// Whether the measurement `name` should run.
    #[must_use]
    pub fn runs(&self, name: &str) -> bool {
        self.only.is_none_or(|only| only == name)
    }
}

/// The value of `flag`: a whole number of at least 1.
fn count<T: std::str::FromStr + PartialEq + From<u8>>(
    flag: &str,
    value: Option<String>,
) -> Result<T, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a number"))?;
    let n: T = value
        .parse()
        .map_err(|_| format!("{flag} {value:?} is not a whole number"))?;
    if n == T::from(0) {
        return Err(format!("{flag} must be at least 1"));
    }
    Ok(n)
}

/// A rate in events per second.
#[must_use]
pub fn per_second(count: u64, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(f64::MIN_POSITIVE)
}

/// Formats a rate with an M/k suffix.
#[must_use]
pub fn rate(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{:.2} M/s", per_second / 1e6)
    } else {
        format!("{:.1} k/s", per_second / 1e3)
    }
}

/// The median of `values` (the upper one of an even count); 0 when empty.
#[must_use]
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// The `p`th percentile (0–100) of `sorted`, nearest-rank.
#[must_use]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a rank in 1..=len, clamped"
)]
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Prints one comparison line: the daz figure, the baseline, their ratio
/// and whether the target holds.
pub fn compare(name: &str, daz: &str, baseline: &str, ratio: f64, target: &str, met: bool) {
    let verdict = if met { "met" } else { "MISSED" };
    println!(
        "{name:<44} daz {daz:>12}  baseline {baseline:>12}  ratio {ratio:>6.2}  target {target} ({verdict})"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        assert_eq!(percentile(&v, 50.0), Duration::from_micros(50));
        assert_eq!(percentile(&v, 99.0), Duration::from_micros(99));
        assert_eq!(percentile(&v, 100.0), Duration::from_micros(100));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn counts_must_be_whole_and_positive() {
        assert_eq!(count::<u64>("--events", Some("250".into())), Ok(250));
        assert_eq!(
            count::<usize>("--rounds", Some("0".into())),
            Err("--rounds must be at least 1".to_owned())
        );
        assert_eq!(
            count::<u64>("--events", Some("-3".into())),
            Err("--events \"-3\" is not a whole number".to_owned())
        );
        assert_eq!(
            count::<u64>("--events", None),
            Err("--events needs a number".to_owned())
        );
    }

    #[test]
    fn medians_take_the_middle() {
        assert!((median(vec![3.0, 1.0, 2.0]) - 2.0).abs() < f64::EPSILON);
        assert!((median(vec![4.0, 1.0, 3.0, 2.0]) - 3.0).abs() < f64::EPSILON);
        assert!(median(Vec::new()).abs() < f64::EPSILON);
    }

    #[test]
    fn rates_format_with_units() {
        assert_eq!(
            rate(per_second(3_000_000, Duration::from_secs(1))),
            "3.00 M/s"
        );
        assert_eq!(rate(1500.0), "1.5 k/s");
    }
}
