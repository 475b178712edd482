//! Every input kept in `fuzz/regressions/<target>/` (each once found by
//! the fuzzer, or written by hand for a bug found while fuzzing), fed to
//! the same check the fuzz target runs (`fuzz/src/lib.rs`, included here).
//! The checks panic on a finding, so a fixed bug that comes back fails
//! this test. `.ci/fuzz` runs the fuzzers themselves.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "../../fuzz/src/lib.rs"]
#[allow(unreachable_pub, dead_code)]
mod checks;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/regressions")
        .join(target);
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the regression inputs in {}: {e}", dir.display()));
    let mut found: Vec<(PathBuf, Vec<u8>)> = entries
        .map(|entry| {
            let path = entry.expect("a directory entry").path();
            let bytes =
                std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            (path, bytes)
        })
        .filter(|(path, _)| path.file_name().is_some_and(|n| n != ".keep"))
        .collect();
    found.sort();
    found
}

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let kept = inputs(target);
    for (path, bytes) in &kept {
        let outcome = std::panic::catch_unwind(|| check(bytes));
        assert!(
            outcome.is_ok(),
            "{target}: the kept input {} fails again",
            path.display()
        );
    }
    kept.len()
}

#[test]
fn frames() {
    assert!(replay("frame", checks::frame) >= 1);
}

#[test]
fn command_args() {
    assert!(replay("command_args", checks::command_args) >= 1);
}

#[test]
fn topics() {
    assert!(replay("topic", checks::topic) >= 1);
}

#[test]
fn configs() {
    assert!(replay("config", checks::config) >= 1);
}
