//! The services a test needs (PostgreSQL, NATS, a Kryten Python), named by
//! environment variables: in CI a missing one fails the test, elsewhere
//! the test says in one line that it skips.

/// The value of `var` (a service's address, or a program's path), or
/// `None` when it is not set and the test should return early, after
/// printing one line to stderr saying what was skipped.
///
/// ```no_run
/// # fn main() {
/// let Some(url) = daz_core::testing::service("DAZ_TEST_SOME_SERVICE") else {
///     return; // printed: "skipping ...: DAZ_TEST_SOME_SERVICE is not set"
/// };
/// # let _ = url;
/// # }
/// ```
///
/// # Panics
///
/// When `var` is not set and `CI` is: a service test must never pass by
/// skipping in CI.
#[must_use]
pub fn service(var: &str) -> Option<String> {
    if let Ok(value) = std::env::var(var) {
        return Some(value);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must set {var}: a service test may not pass by skipping"
    );
    let test = std::thread::current()
        .name()
        .unwrap_or("a service test")
        .to_owned();
    // Straight to stderr, past the test harness's capture, so a skip shows
    // in a passing run too.
    let line = format!("skipping {test}: {var} is not set (CI sets it)\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_set_variable_is_returned_as_it_is() {
        let path = std::env::var("PATH").ok();
        assert!(path.is_some(), "tests run with a PATH");
        assert_eq!(super::service("PATH"), path);
    }
}
