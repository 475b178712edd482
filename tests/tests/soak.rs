//! The soak: the example bot with every bundled module, the SQL logger on
//! PostgreSQL, the NATS transport and the admin API, in a busy channel
//! (200 chat lines a second, joins, leaves, media changes, commands) on
//! the Socket.IO CyTube test server, under faults repeated every minute:
//!
//! | second | fault |
//! | --- | --- |
//! | 10 | the server drops the bot and refuses its reconnects for 4 s |
//! | 20–50 | PostgreSQL is unreachable (a TCP proxy cut) |
//! | 28–33 | the NATS connection is cut |
//! | always | `panicker` panics every 997 chat lines; `staller` stalls 6 s every 2,000 |
//!
//! Afterwards it checks that every chat line sent is in `daz_chat_log`
//! exactly once (or counted as dropped), every command got exactly one
//! reply, reconnects followed the backoff schedule, only `panicker`
//! restarted, RSS and the tokio task count came back to their warm-up
//! figures, and no secret appeared in any log line, panic or admin
//! response. It prints the figures.
//!
//! Memory and tasks are compared between the end of a warm-up minute
//! (which goes through every fault once, so buffers and pools have
//! reached their working size) and the end of the run.
//! `cargo test -p daz-tests --test soak` runs the warm-up and one measured
//! minute (CI); `-- --long` measures 30 minutes; `-- --seconds N`
//! measures N seconds (rounded up to minutes).
//! Needs `DAZ_TEST_POSTGRES_URL` and `DAZ_TEST_NATS_URL`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a test: fails loudly, prints its figures"
)]

#[path = "soak/channel.rs"]
mod channel;
#[path = "soak/checks.rs"]
mod checks;
#[path = "soak/faulty.rs"]
mod faulty;
#[path = "soak/figures.rs"]
mod figures;
#[path = "support/joined.rs"]
mod joined;
#[path = "../../daz-sql/tests/support/proxy.rs"]
mod proxy;
#[path = "soak/run.rs"]
mod run;
#[path = "../../daz-cytube/tests/support/server.rs"]
mod server;

use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        println!("soak: test");
        return;
    }
    // glibc's malloc, left to itself, keeps RSS at the high-water mark
    // of each outage while the live heap stays flat (heaptrack: 10-12 MiB
    // live throughout a 10-minute run). Two settings, the ones
    // docs/src/deployment.md gives the bot, keep RSS a measure of what the
    // bot holds: two arenas instead of one per thread, and a fixed mmap
    // threshold, so a buffer of 64 KiB or more (the logger's backlog, a
    // full mailbox) is its own mapping, handed back when freed instead of
    // leaving a hole in the heap. The soak runs itself again with them.
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let status = std::process::Command::new(std::env::current_exe().expect("the test binary"))
            .args(&args)
            .env("MALLOC_ARENA_MAX", "2")
            .env("MALLOC_MMAP_THRESHOLD_", "65536")
            .status()
            .expect("the soak runs");
        std::process::exit(status.code().unwrap_or(1));
    }
    let minutes = if args.iter().any(|a| a == "--long") {
        30
    } else {
        args.iter()
            .position(|a| a == "--seconds")
            .and_then(|i| args.get(i + 1))
            .map_or(1, |s| {
                s.parse::<u64>()
                    .expect("--seconds takes a number")
                    .div_ceil(60)
            })
    };
    let (Some(postgres), Some(nats)) = (
        daz_core::testing::service("DAZ_TEST_POSTGRES_URL"),
        daz_core::testing::service("DAZ_TEST_NATS_URL"),
    ) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let figures = runtime.block_on(run::soak(
        Duration::from_secs(60 * minutes),
        &postgres,
        &nats,
    ));
    println!("{figures}");
    let failures = figures.failures();
    assert!(failures.is_empty(), "soak failed:\n{}", failures.join("\n"));
    println!("soak: ok");
}
