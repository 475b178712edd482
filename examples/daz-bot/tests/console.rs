//! The binary's console mode, run as a user would: lines in, replies out.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], input: &str) -> (i32, String, String) {
    run_with(args, input, &[])
}

fn run_with(args: &[&str], input: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_daz-bot"))
        .args(args)
        .envs(env.iter().copied())
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
    let (code, out, err) = run(
        &["--database", "sqlite::memory:", "console"],
        "!about\nhello\n!ping\n!ping\n!help\n!help ping\n!seen you\n!top\n!balance\n",
    );
    assert_eq!(code, 0, "{err}");
    // The first line is answered: the console waits for every module.
    assert!(
        out.contains(&format!(
            "<daz-bot> daz-bot {}, a CyTube bot built with daz.",
            env!("CARGO_PKG_VERSION")
        )),
        "{out}"
    );
    // Many commands in a row: the console lifts the flood limit.
    assert!(
        out.contains("<daz-bot> you was last seen just now"),
        "{out}"
    );
    assert!(out.contains("<daz-bot> Top coins: 1. you 100"), "{out}");
    assert!(out.contains("<daz-bot> you has 100 coins."), "{out}");
    assert_eq!(out.matches("<daz-bot> pong, you").count(), 1, "{out}");
    assert!(
        out.contains("<daz-bot> you: you can use !ping again in"),
        "{out}"
    );
    let commands = out
        .lines()
        .find(|l| l.starts_with("<daz-bot> Commands: "))
        .unwrap_or_default();
    for command in [
        "!about",
        "!balance",
        "!give",
        "!ping",
        "!remindme",
        "!seen",
        "!uptime",
    ] {
        assert!(commands.contains(command), "{command} in {commands}");
    }
    assert!(
        !commands.contains("!grant"),
        "only admins see !grant: {commands}"
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
    assert!(err.to_lowercase().contains("usage: daz-bot"), "{err}");
}

#[test]
fn sigterm_stops_the_bot_gracefully() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_daz-bot"))
        .args(["--database", "sqlite::memory:", "console"])
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

#[test]
fn the_console_simulates_joins_ranks_and_media() {
    let input = "/join ann\n/rank 2\n/media Song Title 200\n/rank x\n/leave ann\n/join\n/pm !ping\n!seen ann\n";
    let (code, out, err) = run(
        &[
            "--database",
            "sqlite::memory:",
            "console",
            "--user",
            "you",
            "--rank",
            "0",
        ],
        input,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(console) you are now rank 2"), "{out}");
    assert!(out.contains("(console) /rank N:"), "{out}");
    assert!(out.contains("<daz-bot → you> pong, you"), "{out}");
    assert!(out.contains("(console) /join NAME"), "{out}");
    // ann came and went: the seen module noticed.
    assert!(out.contains("<daz-bot> ann was last seen"), "{out}");
}

#[test]
fn the_readme_configuration_example_is_valid() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let start = readme
        .find("```toml\n[sql]")
        .expect("the README's config example")
        + 8;
    let end = start + readme[start..].find("```").unwrap();
    let path = std::env::temp_dir().join(format!("daz-bot-readme-{}.toml", std::process::id()));
    std::fs::write(&path, &readme[start..end]).unwrap();
    let (code, out, err) = run(&["--config", path.to_str().unwrap(), "check-config"], "");
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("valid"), "{out}");
}

#[test]
fn the_other_commands_work() {
    let (code, out, err) = run(&["--database", "sqlite::memory:", "modules"], "");
    assert_eq!(code, 0, "{err}");
    for module in [
        "greeting",
        "seen",
        "economy",
        "customcommands",
        "logger",
        "commands",
    ] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(module) && l.contains(" running ")),
            "{module} running in {out}"
        );
    }
    assert!(out.contains("cytube          -"), "{out}");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/daz.example.toml");
    let token = [("DAZ_ADMIN_TOKEN", "0123456789abcdef-example")];
    let (code, out, err) = run_with(&["--config", example, "check-config"], "", &token);
    assert_eq!(code, 0, "the example configuration is valid: {err}");
    let (code, _, err) = run(&["--config", example, "check-config"], "");
    assert_eq!(code, 1);
    assert!(err.contains("DAZ_ADMIN_TOKEN, which is not set"), "{err}");
    assert!(out.contains("valid"), "{out}");
    let bad = std::env::temp_dir().join(format!("daz-bot-bad-{}.toml", std::process::id()));
    let text = std::fs::read_to_string(example).unwrap();
    std::fs::write(&bad, text.replace("fee_percent = 5", "fee_percent = 500")).unwrap();
    let (code, _, err) = run_with(
        &["--config", bad.to_str().unwrap(), "check-config"],
        "",
        &token,
    );
    let _ = std::fs::remove_file(&bad);
    assert_eq!(code, 1);
    assert!(
        err.contains("economy") && err.contains("fee_percent must be from 0 to 100"),
        "{err}"
    );
    let (code, out, err) = run(&["check-config"], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("valid"), "{out}");
    let dir = std::env::temp_dir().join(format!("daz-bot-new-module-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (code, out, err) = run(
        &["new-module", "weather", "--dir", dir.to_str().unwrap()],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read_to_string(dir.join("weather.rs")).unwrap();
    assert!(
        written.contains("struct Weather;") && out.contains("weather.rs"),
        "{out}"
    );
    let (code, _, err) = run(
        &["new-module", "weather", "--dir", dir.to_str().unwrap()],
        "",
    );
    assert_eq!(code, 1);
    assert!(err.contains("exists"), "{err}");
    let (code, _, err) = run(&["run", "--database", "sqlite::memory:"], "");
    assert_eq!(code, 1);
    assert!(err.contains("--channel"), "{err}");
}

#[test]
fn modules_lists_and_changes_a_running_bot_through_its_admin_api() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = std::env::temp_dir().join(format!("daz-bot-admin-{}.toml", std::process::id()));
    std::fs::write(
        &config,
        format!("[admin]\nbind = \"127.0.0.1:{port}\"\ntoken = \"0123456789abcdef-test\"\n"),
    )
    .unwrap();
    let config = config.to_str().unwrap().to_owned();
    let mut bot = Command::new(env!("CARGO_BIN_EXE_daz-bot"))
        .args([
            "--config",
            &config,
            "--database",
            "sqlite::memory:",
            "console",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let modules = |extra: &[&str]| {
        let mut args = vec!["--config", config.as_str(), "modules"];
        args.extend_from_slice(extra);
        run(&args, "")
    };
    let mut listed = (1, String::new(), String::new());
    for _ in 0..500 {
        listed = modules(&[]);
        if listed.0 == 0 && listed.1.contains("admin") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let (code, out, err) = listed;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("greeting") && l.contains(" running ")),
        "{out}"
    );
    let (code, out, err) = modules(&["disable", "greeting"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("greeting") && l.contains(" disabled ")),
        "{out}"
    );
    let (code, _, err) = modules(&["restart", "nope"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("404") && err.contains("no module \"nope\""),
        "{err}"
    );
    drop(bot.stdin.take());
    assert!(bot.wait().unwrap().success());
    // The bot is gone: said so.
    let (code, _, err) = modules(&[]);
    assert_eq!(code, 1);
    assert!(err.contains("is it running?"), "{err}");
    // Without [admin], changes are refused with the way to enable them.
    let (code, _, err) = run(
        &[
            "--database",
            "sqlite::memory:",
            "modules",
            "disable",
            "greeting",
        ],
        "",
    );
    assert_eq!(code, 1);
    assert!(err.contains("configure [admin]"), "{err}");
    let _ = std::fs::remove_file(&config);
}

#[cfg(not(feature = "otel"))]
#[test]
fn otel_settings_need_the_otel_feature() {
    let config = std::env::temp_dir().join(format!("daz-bot-no-otel-{}.toml", std::process::id()));
    std::fs::write(
        &config,
        "[log.otel]\nendpoint = \"http://127.0.0.1:4318/v1/traces\"\n",
    )
    .unwrap();
    let (code, _, err) = run(&["--config", config.to_str().unwrap(), "check-config"], "");
    let _ = std::fs::remove_file(&config);
    assert_eq!(code, 1);
    assert!(err.contains("built without the `otel` feature"), "{err}");
}
