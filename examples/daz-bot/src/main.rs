//! The example daz bot.
//!
//! Run with: `cargo run -p daz-bot -- console`
//!
//! For now the bot has one mode, `console`: a local room in the terminal
//! where each line typed is a chat message from you, and the bundled
//! `ping` module answers `!ping`. The CyTube connection and the other
//! bundled modules arrive with later releases.
#![allow(
    clippy::print_stderr,
    reason = "a command-line tool reports errors on stderr"
)]

mod console;
mod ping;

use std::process::ExitCode;

const USAGE: &str =
    "usage: daz-bot [console]\n\n  console   chat with the bot in this terminal (the default)";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (None | Some("console"), None) => match console::run().await {
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
