//! The example daz bot.
//!
//! Run with: `cargo run -p daz-bot -- console`
//!
//! For now the bot has one mode, `console`: each line typed is a chat
//! message published on the daz event bus, and the bundled `ping` module
//! answers `!ping` with `pong`. The CyTube connection and the other bundled
//! modules arrive with later releases.

#![allow(
    clippy::print_stderr,
    reason = "a command-line tool reports errors on stderr"
)]

mod ping;

use std::process::ExitCode;

use daz_core::{EventBus, Pattern, SubscribeOptions};
use tokio::io::{AsyncBufReadExt, BufReader};

use ping::{ChatLine, Reply};

const USAGE: &str =
    "usage: daz-bot [console]\n\n  console   chat with the bot in this terminal (the default)";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (None | Some("console"), None) => match console().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("daz-bot: {e}");
                ExitCode::FAILURE
            }
        },
        (Some("-h" | "--help" | "help"), None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Reads chat lines from stdin until end of input, printing the bot's
/// replies.
async fn console() -> Result<(), Box<dyn std::error::Error>> {
    let bus = EventBus::new();
    let mut replies = bus.subscribe(Pattern::new("console.reply")?, SubscribeOptions::new())?;
    let module = tokio::spawn(ping::run(bus.clone()));
    println!("daz-bot console: type a chat line (try !ping); end input with Ctrl-D.");
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Some(line) = lines.next_line().await? {
        bus.publish(ChatLine::event("console", &line));
        // One thread runs every task, so yielding lets the ping module
        // handle the line (and publish its answer) before we look.
        tokio::task::yield_now().await;
        while let Some(reply) = replies.try_recv() {
            println!("<daz-bot> {}", reply.payload::<Reply>()?.text);
        }
    }
    module.abort();
    Ok(())
}
