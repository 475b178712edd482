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
fn console_answers_commands_and_exits_at_end_of_input() {
    let (code, out, err) = run(&["console"], "hello\n!ping\n!ping\n!help\n!help ping\n");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("<daz-bot> pong, you").count(), 1, "{out}");
    assert!(
        out.contains("<daz-bot> you: you can use !ping again in"),
        "{out}"
    );
    assert!(
        out.contains("<daz-bot> Commands: !ping. Say !help <command> for more."),
        "{out}"
    );
    assert!(
        out.contains("<daz-bot> Usage: !ping — Checks the bot is listening. Aliases: !p."),
        "{out}"
    );
    assert!(!out.contains("hello"), "the bot does not echo: {out}");
}

#[test]
fn bad_arguments_print_usage_and_exit_2() {
    let (code, _, err) = run(&["conosle"], "");
    assert_eq!(code, 2);
    assert!(err.contains("usage: daz-bot"), "{err}");
}

#[test]
fn sigterm_stops_the_bot_gracefully() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_daz-bot"))
        .arg("console")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Keep stdin open: only the signal may stop it.
    let _stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    out.read_line(&mut banner).unwrap();
    assert!(banner.starts_with("daz-bot console"), "{banner}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "graceful exit: {rest}");
    assert!(rest.contains("daz-bot console: stopped."), "{rest}");
}
