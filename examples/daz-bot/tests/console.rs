//! The binary's console mode, run as a user would: lines in, replies out.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_daz-bot"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn console_answers_ping_and_exits_at_end_of_input() {
    let (code, out, err) = run(&["console"], "hello\n!ping\n!ping\n");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("<daz-bot> pong, you").count(), 2, "{out}");
    assert!(!out.contains("hello"), "the bot does not echo: {out}");
}

#[test]
fn bad_arguments_print_usage_and_exit_2() {
    let (code, _, err) = run(&["conosle"], "");
    assert_eq!(code, 2);
    assert!(err.contains("usage: daz-bot"), "{err}");
}
